//! Token buckets: one per connection for frames, and keyed tables of them for
//! limits shared by every connection of a client address or topic. Owns only
//! counters and clocks; must not know about sockets, HTTP or the hub.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Instant;

/// Refills `rate` tokens per second up to `burst`; each unit of work takes some.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(rate: u32, burst: u32) -> Self {
        Self::with_f64(f64::from(rate), f64::from(burst.max(1)))
    }

    fn with_f64(rate: f64, burst: f64) -> Self {
        TokenBucket {
            rate,
            burst,
            tokens: burst,
            last: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        let refill = now.saturating_duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
    }

    /// Takes one token; `false` when over the rate.
    pub fn take(&mut self) -> bool {
        self.take_n(1.0)
    }

    /// Takes `n` tokens; `false` (and nothing taken) when there are fewer.
    pub fn take_n(&mut self, n: f64) -> bool {
        self.refill(Instant::now());
        if self.tokens >= n {
            self.tokens -= n;
            true
        } else {
            false
        }
    }

    fn is_full(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.tokens >= self.burst
    }
}

/// Most keys a table holds before it forgets full buckets (a full bucket is
/// the same as no bucket, so forgetting it changes nothing).
const PRUNE_AT: usize = 4096;

/// A token bucket per key (client address, …), bounded in memory.
pub struct RateTable<K> {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, TokenBucket>>,
}

impl<K: Hash + Eq + Clone> RateTable<K> {
    pub fn new(rate: f64, burst: f64) -> Self {
        RateTable {
            rate,
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `n` tokens from `key`'s bucket; `false` when it is over its rate.
    pub fn take(&self, key: &K, n: f64) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= PRUNE_AT && !buckets.contains_key(key) {
            let now = Instant::now();
            buckets.retain(|_, bucket| !bucket.is_full(now));
        }
        buckets
            .entry(key.clone())
            .or_insert_with(|| TokenBucket::with_f64(self.rate, self.burst))
            .take_n(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_burst_then_refuses() {
        let mut bucket = TokenBucket::new(0, 3);
        assert!(bucket.take() && bucket.take() && bucket.take());
        assert!(!bucket.take());
    }

    #[test]
    fn keyed_buckets_are_independent() {
        let table = RateTable::new(0.0, 10.0);
        assert!(table.take(&1, 10.0));
        assert!(!table.take(&1, 1.0));
        assert!(table.take(&2, 4.0));
    }
}
