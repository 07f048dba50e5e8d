//! When to reconnect to the relay: fast first attempts with full jitter,
//! then backoff up to 30 s (no thundering herd after a restart); meanwhile a
//! cheap probe every ~2 s, and the browser's `online` event, detect the
//! relay's return so nobody waits out a long backoff. `src/signaling/client.rs`
//! opens the sockets and sends the probes.

use std::time::Duration;

use crate::{Backoff, Instant};

/// Between probes while the relay is away (jittered ±25 %).
pub const PROBE_EVERY: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReconnectAction {
    /// Open a new connection now.
    Connect,
    /// Ask the relay's host whether it answers again.
    Probe,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Connected, or a connection attempt is under way.
    Busy,
    Waiting {
        retry_at: Instant,
        probe_at: Instant,
    },
}

#[derive(Debug, Clone)]
pub struct Reconnect {
    backoff: Backoff,
    phase: Phase,
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect {
            backoff: Backoff::new(250, 30_000),
            phase: Phase::Busy,
        }
    }
}

fn jittered(every: Duration, unit: f64) -> Duration {
    every.mul_f64(0.75 + 0.5 * unit.clamp(0.0, 1.0))
}

impl Reconnect {
    /// The connection opened: the next loss starts from fast attempts again.
    pub fn opened(&mut self) {
        self.backoff.reset();
        self.phase = Phase::Busy;
    }

    /// The connection (or an attempt) was lost; `unit` is random in [0, 1).
    pub fn closed(&mut self, now: Instant, unit: f64) {
        let delay = Duration::from_millis(u64::from(self.backoff.next_delay(unit)));
        self.phase = Phase::Waiting {
            retry_at: now + delay,
            probe_at: now + jittered(PROBE_EVERY, unit),
        };
    }

    /// A probe got an answer, or the browser went back online: connect now.
    pub fn relay_back(&mut self) -> Option<ReconnectAction> {
        match self.phase {
            Phase::Waiting { .. } => {
                self.phase = Phase::Busy;
                Some(ReconnectAction::Connect)
            }
            Phase::Busy => None,
        }
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.phase {
            Phase::Waiting { retry_at, probe_at } => Some(retry_at.min(probe_at)),
            Phase::Busy => None,
        }
    }

    pub fn handle_timeout(&mut self, now: Instant, unit: f64) -> Option<ReconnectAction> {
        let Phase::Waiting { retry_at, probe_at } = self.phase else {
            return None;
        };
        if now >= retry_at {
            self.phase = Phase::Busy;
            return Some(ReconnectAction::Connect);
        }
        if now >= probe_at {
            self.phase = Phase::Waiting {
                retry_at,
                probe_at: now + jittered(PROBE_EVERY, unit),
            };
            return Some(ReconnectAction::Probe);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    /// Loses the connection `n` times in a row; returns the last retry time
    /// relative to the loss.
    fn fail(r: &mut Reconnect, n: usize) -> u64 {
        let mut last = 0;
        for _ in 0..n {
            r.closed(at(0), 1.0);
            let Phase::Waiting { retry_at, .. } = r.phase else {
                unreachable!()
            };
            last = retry_at.as_millis();
            r.phase = Phase::Busy;
        }
        last
    }

    #[test]
    fn first_attempts_are_fast_then_back_off_to_thirty_seconds() {
        let mut r = Reconnect::default();
        assert_eq!(fail(&mut r, 1), 250);
        assert_eq!(fail(&mut r, 3), 2_000);
        assert_eq!(fail(&mut r, 20), 30_000);
        r.opened();
        assert_eq!(fail(&mut r, 1), 250, "a good connection resets the backoff");
    }

    #[test]
    fn a_probe_runs_every_two_seconds_while_the_retry_is_far() {
        let mut r = Reconnect::default();
        fail(&mut r, 20);
        r.closed(at(0), 0.5);
        assert_eq!(r.poll_timeout(), Some(at(2_000)));
        assert_eq!(
            r.handle_timeout(at(2_000), 0.5),
            Some(ReconnectAction::Probe)
        );
        assert_eq!(r.poll_timeout(), Some(at(4_000)));
        assert_eq!(r.handle_timeout(at(3_000), 0.5), None);
        assert_eq!(
            r.relay_back(),
            Some(ReconnectAction::Connect),
            "the probe answered"
        );
        assert_eq!(r.poll_timeout(), None);
        assert_eq!(r.relay_back(), None, "already connecting");
    }

    #[test]
    fn the_retry_fires_when_due() {
        let mut r = Reconnect::default();
        r.closed(at(0), 0.0);
        assert_eq!(r.poll_timeout(), Some(at(125)));
        assert_eq!(
            r.handle_timeout(at(125), 0.0),
            Some(ReconnectAction::Connect)
        );
        assert_eq!(r.handle_timeout(at(10_000), 0.0), None);
    }

    #[test]
    fn probes_are_jittered_so_clients_spread_out() {
        let (mut a, mut b) = (Reconnect::default(), Reconnect::default());
        a.closed(at(0), 0.0);
        b.closed(at(0), 1.0);
        let (Phase::Waiting { probe_at: pa, .. }, Phase::Waiting { probe_at: pb, .. }) =
            (a.phase, b.phase)
        else {
            unreachable!()
        };
        assert_eq!((pa.as_millis(), pb.as_millis()), (1_500, 2_500));
    }
}
