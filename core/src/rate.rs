//! A token bucket over [`Instant`]s: how fast new things are admitted, with
//! a burst. Pure arithmetic; the caller passes the time.

use crate::Instant;

#[derive(Debug, Clone)]
pub struct TokenBucket {
    per_second: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket of `burst` tokens refilling at `per_second`.
    pub fn new(per_second: f64, burst: f64, now: Instant) -> TokenBucket {
        TokenBucket {
            per_second,
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        self.last = self.last.max(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refills_at_the_rate() {
        let t0 = Instant::from_millis(0);
        let mut bucket = TokenBucket::new(2.0, 3.0, t0);
        assert!((0..3).all(|_| bucket.take(t0)));
        assert!(!bucket.take(t0));
        assert!(!bucket.take(Instant::from_millis(400)));
        assert!(bucket.take(Instant::from_millis(500)));
        assert!(!bucket.take(Instant::from_millis(500)));
    }

    #[test]
    fn never_holds_more_than_the_burst() {
        let mut bucket = TokenBucket::new(100.0, 2.0, Instant::from_millis(0));
        let later = Instant::from_millis(60_000);
        assert!(bucket.take(later) && bucket.take(later));
        assert!(!bucket.take(later));
    }
}
