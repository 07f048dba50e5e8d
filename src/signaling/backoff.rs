//! The one retry policy: exponential backoff with full jitter, capped.

/// Delays grow 0.5 s, 1 s, 2 s … up to `cap_ms`; each is drawn uniformly from
/// [delay/2, delay] so many clients that lost the same relay do not return
/// in lockstep.
#[derive(Debug, Clone)]
pub struct Backoff {
    base_ms: u32,
    cap_ms: u32,
    attempt: u32,
}

impl Backoff {
    pub fn new(base_ms: u32, cap_ms: u32) -> Backoff {
        Backoff {
            base_ms: base_ms.max(1),
            cap_ms: cap_ms.max(base_ms),
            attempt: 0,
        }
    }

    /// The relay default: 0.5 s growing to 30 s.
    pub fn relay() -> Backoff {
        Backoff::new(500, 30_000)
    }

    /// The next delay in ms; `unit` is a random number in [0, 1).
    pub fn next_delay(&mut self, unit: f64) -> u32 {
        let exp = self.base_ms.saturating_mul(1u32 << self.attempt.min(16));
        let ceiling = exp.min(self.cap_ms);
        self.attempt = self.attempt.saturating_add(1);
        let unit = unit.clamp(0.0, 1.0);
        (f64::from(ceiling) * (0.5 + 0.5 * unit)) as u32
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}
