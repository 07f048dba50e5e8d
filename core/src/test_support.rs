//! Shorthands the native tests share: a peer id from one byte, an instant
//! from milliseconds, a one-element fingerprint list. Test builds only.

use peerlink_protocol::PeerId;

use crate::Instant;

/// The peer id whose 16 bytes are all `n`.
pub fn id(n: u8) -> PeerId {
    PeerId::from_bytes([n; 16])
}

pub fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

/// `["sha-256 <s>"]`, as `fingerprints` reads them from an SDP.
pub fn fp(s: &str) -> Vec<String> {
    vec![format!("sha-256 {s}")]
}
