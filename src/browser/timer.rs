//! `setTimeout` / `setInterval` as owned values over `gloo-timers`: dropping
//! one clears it, so a timer can never call into something that is gone.
//! This module only schedules callbacks; it must not decide when anything is due.

/// A one-shot timer; cleared if dropped before it fires.
pub struct Timeout {
    _timer: gloo_timers::callback::Timeout,
}

impl Timeout {
    pub fn new(ms: u32, callback: impl FnOnce() + 'static) -> Timeout {
        Timeout {
            _timer: gloo_timers::callback::Timeout::new(ms, callback),
        }
    }
}

/// A repeating timer; cleared when dropped.
pub struct Interval {
    _timer: gloo_timers::callback::Interval,
}

impl Interval {
    pub fn new(ms: u32, callback: impl FnMut() + 'static) -> Interval {
        Interval {
            _timer: gloo_timers::callback::Interval::new(ms, callback),
        }
    }
}
