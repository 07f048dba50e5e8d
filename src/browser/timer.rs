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

/// One timer kept at a state machine's next deadline (its `poll_timeout`):
/// arming with the deadline already armed keeps the running timer (cheap on
/// hot paths), another one replaces it, `None` clears it. When the deadline
/// comes, `on_due` runs with the owner, if the owner still exists.
#[derive(Default)]
pub struct Deadline {
    /// The deadline of the pending timer; cleared when it fires.
    armed: std::rc::Rc<std::cell::Cell<Option<peerlink_core::Instant>>>,
    timer: std::cell::RefCell<Option<Timeout>>,
}

impl Deadline {
    pub fn arm<T: 'static>(
        &self,
        at: Option<peerlink_core::Instant>,
        owner: &std::rc::Rc<T>,
        on_due: fn(&std::rc::Rc<T>),
    ) {
        if at == self.armed.get() {
            return;
        }
        self.armed.set(at);
        let timer = at.map(|at| {
            let owner = std::rc::Rc::downgrade(owner);
            let armed = self.armed.clone();
            Timeout::new(super::millis_until(at), move || {
                armed.set(None);
                if let Some(owner) = owner.upgrade() {
                    on_due(&owner);
                }
            })
        });
        *self.timer.borrow_mut() = timer;
    }

    /// Clears the timer.
    pub fn clear(&self) {
        self.armed.set(None);
        self.timer.borrow_mut().take();
    }
}
