//! The one retry policy: exponential backoff with full jitter, capped.

/// Ceilings grow `base`, 2×, 4× … up to `cap`; each delay is drawn from
/// [ceiling/2, ceiling] so many clients that lost the same relay do not
/// return in lockstep.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_with_jitter_up_to_the_cap_and_resets() {
        let mut b = Backoff::new(250, 2_000);
        let low: Vec<u32> = (0..6).map(|_| b.next_delay(0.0)).collect();
        assert_eq!(low, vec![125, 250, 500, 1_000, 1_000, 1_000]);
        b.reset();
        assert_eq!(b.next_delay(1.0), 250);
        assert_eq!(b.next_delay(0.5), 375);
    }
}
