//! Why a connection could not be made, from what was observed: the relay,
//! the candidates each side gathered, ICE's verdict and what TURN answered.
//! It names the step that failed so the UI can say what to do; collecting
//! the facts is `src/rtc/`'s job.

/// Local candidates gathered, by type (`typ` in the candidate line).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CandidateCounts {
    pub host: u32,
    pub srflx: u32,
    pub relay: u32,
}

impl CandidateCounts {
    /// Counts one candidate line (`candidate:… typ host …`); other lines
    /// (the end-of-candidates marker) count nothing.
    pub fn count(&mut self, candidate: &str) {
        let mut words = candidate.split_ascii_whitespace();
        let kind = std::iter::from_fn(|| words.next())
            .skip_while(|w| *w != "typ")
            .nth(1);
        match kind {
            Some("host") => self.host += 1,
            Some("srflx" | "prflx") => self.srflx += 1,
            Some("relay") => self.relay += 1,
            _ => {}
        }
    }

    pub fn total(&self) -> u32 {
        self.host + self.srflx + self.relay
    }
}

/// What was observed about one session that did not connect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectFacts {
    /// The relay connection is open now.
    pub relay_open: bool,
    pub local: CandidateCounts,
    /// Remote candidates received (through the relay or in-band).
    pub remote_candidates: u32,
    /// At least one TURN server is configured.
    pub turn_configured: bool,
    /// `iceTransportPolicy: "relay"`: only TURN may carry the call.
    pub relay_only: bool,
    /// `icecandidateerror` codes from TURN URLs (401: bad credentials).
    pub turn_errors: Vec<u16>,
}

/// The step that failed, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The relay is unreachable and nothing came from the peer.
    NoRelay,
    /// The TURN server refused our credentials.
    TurnRefused,
    /// Relay-only policy, but no TURN server is configured.
    RelayOnlyWithoutTurn,
    /// TURN is configured but gave us no relay address.
    TurnUnreachable,
    /// This browser gathered no candidates at all.
    NoLocalCandidates,
    /// Nothing arrived from the peer: its side could not gather or send.
    NoRemoteCandidates,
    /// Direct paths failed and there is no TURN server to fall back on.
    NoTurnFallback,
    /// Every path, TURN included, failed.
    IceFailed,
}

/// Names the step that failed. Call it once the session is known to have
/// failed (ICE `failed`, or not connected by the connect timeout).
pub fn diagnose(facts: &ConnectFacts) -> ConnectFailure {
    if !facts.relay_open && facts.remote_candidates == 0 {
        return ConnectFailure::NoRelay;
    }
    if facts
        .turn_errors
        .iter()
        .any(|c| matches!(c, 401 | 403 | 437 | 441))
    {
        return ConnectFailure::TurnRefused;
    }
    if facts.relay_only && !facts.turn_configured {
        return ConnectFailure::RelayOnlyWithoutTurn;
    }
    if facts.turn_configured
        && facts.local.relay == 0
        && (facts.relay_only || !facts.turn_errors.is_empty())
    {
        return ConnectFailure::TurnUnreachable;
    }
    if facts.local.total() == 0 {
        return ConnectFailure::NoLocalCandidates;
    }
    if facts.remote_candidates == 0 {
        return ConnectFailure::NoRemoteCandidates;
    }
    if !facts.turn_configured {
        return ConnectFailure::NoTurnFallback;
    }
    ConnectFailure::IceFailed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ConnectFacts {
        ConnectFacts {
            relay_open: true,
            local: CandidateCounts {
                host: 2,
                srflx: 1,
                relay: 0,
            },
            remote_candidates: 3,
            ..ConnectFacts::default()
        }
    }

    #[test]
    fn counts_candidates_by_type() {
        let mut counts = CandidateCounts::default();
        counts.count("candidate:1 1 udp 2122 192.0.2.1 5000 typ host generation 0");
        counts.count("candidate:2 1 udp 1686 198.51.100.1 5001 typ srflx raddr 0.0.0.0 rport 0");
        counts.count("candidate:3 1 udp 41 203.0.113.1 5002 typ relay raddr 0.0.0.0 rport 0");
        counts.count("");
        counts.count("candidate:4 1 udp typ");
        assert_eq!(
            counts,
            CandidateCounts {
                host: 1,
                srflx: 1,
                relay: 1
            }
        );
    }

    #[test]
    fn each_failure_is_named() {
        let cases: Vec<(ConnectFacts, ConnectFailure)> = vec![
            (
                ConnectFacts {
                    relay_open: false,
                    remote_candidates: 0,
                    ..facts()
                },
                ConnectFailure::NoRelay,
            ),
            (
                ConnectFacts {
                    turn_configured: true,
                    turn_errors: vec![401],
                    ..facts()
                },
                ConnectFailure::TurnRefused,
            ),
            (
                ConnectFacts {
                    relay_only: true,
                    ..facts()
                },
                ConnectFailure::RelayOnlyWithoutTurn,
            ),
            (
                ConnectFacts {
                    relay_only: true,
                    turn_configured: true,
                    turn_errors: vec![701],
                    ..facts()
                },
                ConnectFailure::TurnUnreachable,
            ),
            (
                ConnectFacts {
                    local: CandidateCounts::default(),
                    ..facts()
                },
                ConnectFailure::NoLocalCandidates,
            ),
            (
                ConnectFacts {
                    remote_candidates: 0,
                    ..facts()
                },
                ConnectFailure::NoRemoteCandidates,
            ),
            (facts(), ConnectFailure::NoTurnFallback),
            (
                ConnectFacts {
                    turn_configured: true,
                    local: CandidateCounts {
                        host: 1,
                        srflx: 0,
                        relay: 1,
                    },
                    ..facts()
                },
                ConnectFailure::IceFailed,
            ),
        ];
        for (facts, expected) in cases {
            assert_eq!(diagnose(&facts), expected, "{facts:?}");
        }
    }

    #[test]
    fn a_relay_outage_after_signaling_is_not_blamed() {
        let facts = ConnectFacts {
            relay_open: false,
            ..facts()
        };
        assert_eq!(diagnose(&facts), ConnectFailure::NoTurnFallback);
    }
}
