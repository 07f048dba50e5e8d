//! Which paths a call may take and which one it took: the ICE transport
//! policy (every candidate, or TURN-relayed ones only) decided from the
//! link's `?policy=` and the *Always relay* setting, and whether the selected
//! candidate pair is direct or relayed. Applying the policy to an
//! RTCConfiguration and reading the pair from `getStats()` are
//! `src/rtc/ice.rs`'s and `src/rtc/stats.rs`'s jobs.

/// `iceTransportPolicy` of every peer connection in a call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IcePolicy {
    /// Host, server-reflexive and relayed candidates (the browser default).
    #[default]
    All,
    /// Relayed (TURN) candidates only: peers never learn this browser's
    /// addresses, and a call works wherever the TURN server is reachable.
    Relay,
}

impl IcePolicy {
    /// `all` or `relay` (as in `?policy=`); anything else is `None`.
    pub fn parse(text: &str) -> Option<IcePolicy> {
        match text.trim() {
            t if t.eq_ignore_ascii_case("all") => Some(IcePolicy::All),
            t if t.eq_ignore_ascii_case("relay") => Some(IcePolicy::Relay),
            _ => None,
        }
    }

    /// The `iceTransportPolicy` value.
    pub fn as_str(self) -> &'static str {
        match self {
            IcePolicy::All => "all",
            IcePolicy::Relay => "relay",
        }
    }

    /// The policy of a call. A link may only make it stricter: anyone can
    /// send a link, so `?policy=all` must not switch off the *Always relay*
    /// a person chose to keep their addresses private.
    pub fn decide(from_link: Option<IcePolicy>, always_relay: bool) -> IcePolicy {
        if always_relay || from_link == Some(IcePolicy::Relay) {
            IcePolicy::Relay
        } else {
            IcePolicy::All
        }
    }

    pub fn relay_only(self) -> bool {
        self == IcePolicy::Relay
    }

    /// STUN servers only help find server-reflexive candidates, which the
    /// relay policy discards: under it they are left out of the list.
    pub fn wants_stun(self) -> bool {
        self == IcePolicy::All
    }
}

/// How the selected candidate pair carries the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataPath {
    /// Browser to browser (host, server- or peer-reflexive candidates).
    Direct,
    /// Through a TURN server on at least one side.
    Relayed,
}

impl DataPath {
    /// From the `candidateType`s of the selected pair's local and remote
    /// candidates; `None` while either is unknown.
    pub fn of_pair(local: &str, remote: &str) -> Option<DataPath> {
        const KNOWN: [&str; 4] = ["host", "srflx", "prflx", "relay"];
        if !KNOWN.contains(&local) || !KNOWN.contains(&remote) {
            return None;
        }
        Some(if local == "relay" || remote == "relay" {
            DataPath::Relayed
        } else {
            DataPath::Direct
        })
    }

    /// The `data-path` value on a peer tile.
    pub fn as_str(self) -> &'static str {
        match self {
            DataPath::Direct => "direct",
            DataPath::Relayed => "relayed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_link_parameter() {
        assert_eq!(IcePolicy::parse("relay"), Some(IcePolicy::Relay));
        assert_eq!(IcePolicy::parse(" RELAY "), Some(IcePolicy::Relay));
        assert_eq!(IcePolicy::parse("all"), Some(IcePolicy::All));
        assert_eq!(IcePolicy::parse(""), None);
        assert_eq!(IcePolicy::parse("turn"), None);
        for policy in [IcePolicy::All, IcePolicy::Relay] {
            assert_eq!(IcePolicy::parse(policy.as_str()), Some(policy));
        }
    }

    #[test]
    fn a_link_can_only_make_the_policy_stricter() {
        assert_eq!(IcePolicy::decide(None, false), IcePolicy::All);
        assert_eq!(IcePolicy::decide(None, true), IcePolicy::Relay);
        assert_eq!(
            IcePolicy::decide(Some(IcePolicy::Relay), false),
            IcePolicy::Relay
        );
        assert_eq!(
            IcePolicy::decide(Some(IcePolicy::All), true),
            IcePolicy::Relay,
            "a link cannot switch Always relay off"
        );
        assert_eq!(
            IcePolicy::decide(Some(IcePolicy::All), false),
            IcePolicy::All
        );
        assert!(IcePolicy::Relay.relay_only() && !IcePolicy::Relay.wants_stun());
        assert!(!IcePolicy::All.relay_only() && IcePolicy::All.wants_stun());
    }

    #[test]
    fn a_pair_is_relayed_when_either_side_is_a_turn_candidate() {
        assert_eq!(DataPath::of_pair("host", "host"), Some(DataPath::Direct));
        assert_eq!(DataPath::of_pair("srflx", "prflx"), Some(DataPath::Direct));
        assert_eq!(DataPath::of_pair("relay", "host"), Some(DataPath::Relayed));
        assert_eq!(DataPath::of_pair("host", "relay"), Some(DataPath::Relayed));
        assert_eq!(DataPath::of_pair("relay", "relay"), Some(DataPath::Relayed));
        assert_eq!(DataPath::of_pair("", "relay"), None);
        assert_eq!(DataPath::of_pair("host", "bogus"), None);
        assert_eq!(DataPath::Relayed.as_str(), "relayed");
        assert_eq!(DataPath::Direct.as_str(), "direct");
    }
}
