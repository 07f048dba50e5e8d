//! Connection quality for a peer's tile mark, from what `getStats()` says
//! between two polls: round-trip time and the share of packets lost. It
//! takes numbers; polling the connection is the UI's.

/// How good a peer's connection is right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    Good,
    Fair,
    Poor,
}

/// Round-trip time (ms) up to which a connection is good.
pub const GOOD_RTT_MS: f64 = 150.0;
/// Round-trip time (ms) from which a connection is poor.
pub const POOR_RTT_MS: f64 = 400.0;
/// Packet loss (%) up to which a connection is good.
pub const GOOD_LOSS_PERCENT: f64 = 2.0;
/// Packet loss (%) from which a connection is poor.
pub const POOR_LOSS_PERCENT: f64 = 8.0;

impl Quality {
    /// The quality for a round-trip time (if measured) and the packets lost
    /// and received since the previous poll; `None` until there is an RTT
    /// or packets to judge by.
    pub fn judge(rtt_ms: Option<f64>, lost: f64, received: f64) -> Option<Quality> {
        let rtt = rtt_ms.filter(|r| r.is_finite() && *r >= 0.0);
        let total = lost.max(0.0) + received.max(0.0);
        let loss = (total.is_finite() && total > 0.0).then(|| lost.max(0.0) * 100.0 / total);
        if rtt.is_none() && loss.is_none() {
            return None;
        }
        let (rtt, loss) = (rtt.unwrap_or(0.0), loss.unwrap_or(0.0));
        Some(if rtt >= POOR_RTT_MS || loss >= POOR_LOSS_PERCENT {
            Quality::Poor
        } else if rtt > GOOD_RTT_MS || loss > GOOD_LOSS_PERCENT {
            Quality::Fair
        } else {
            Quality::Good
        })
    }

    /// The value of a tile's `data-quality` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Quality::Good => "good",
            Quality::Fair => "fair",
            Quality::Poor => "poor",
        }
    }

    /// Bars to light in the mark (of 3).
    pub fn bars(self) -> u8 {
        match self {
            Quality::Good => 3,
            Quality::Fair => 2,
            Quality::Poor => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_measured_yet_is_unknown() {
        assert_eq!(Quality::judge(None, 0.0, 0.0), None);
        assert_eq!(Quality::judge(Some(f64::NAN), 0.0, 0.0), None);
    }

    #[test]
    fn a_fast_clean_link_is_good() {
        assert_eq!(Quality::judge(Some(20.0), 0.0, 500.0), Some(Quality::Good));
        assert_eq!(Quality::judge(Some(150.0), 2.0, 98.0), Some(Quality::Good));
        assert_eq!(Quality::judge(None, 0.0, 100.0), Some(Quality::Good));
    }

    #[test]
    fn slow_or_lossy_is_fair_then_poor() {
        assert_eq!(Quality::judge(Some(200.0), 0.0, 100.0), Some(Quality::Fair));
        assert_eq!(Quality::judge(Some(20.0), 5.0, 95.0), Some(Quality::Fair));
        assert_eq!(Quality::judge(Some(400.0), 0.0, 100.0), Some(Quality::Poor));
        assert_eq!(Quality::judge(Some(20.0), 10.0, 90.0), Some(Quality::Poor));
        assert_eq!(Quality::judge(None, 10.0, 0.0), Some(Quality::Poor));
    }

    #[test]
    fn counters_that_went_backwards_do_not_count() {
        assert_eq!(Quality::judge(Some(20.0), -5.0, 100.0), Some(Quality::Good));
        assert_eq!(Quality::judge(Some(20.0), 0.0, -100.0), Some(Quality::Good));
    }

    #[test]
    fn marks_and_bars() {
        assert_eq!(Quality::Good.as_str(), "good");
        assert_eq!(Quality::Poor.bars(), 1);
        assert!(Quality::Good.bars() > Quality::Fair.bars());
    }
}
