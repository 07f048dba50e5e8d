//! End-to-end trust without I/O: the keys a room secret gives
//! ([`RoomKeys`]), key confirmation over the DTLS fingerprints in private
//! rooms ([`Confirmation`]) and the short authentication string of public
//! rooms ([`Sas`]). Random nonces and the secret come in from the caller;
//! the wire messages go out through `src/room/` on the control channel.

pub mod base64url;
mod confirm;
mod keys;
mod peer_trust;
mod room_ref;
mod sas;

pub use confirm::{Confirmation, ConfirmationState, CONFIRM_TIMEOUT};
pub use keys::{fingerprints, RoomKeys};
pub use peer_trust::{Interception, PeerTrust, TrustAction, TrustMessage, TrustMode};
pub use room_ref::{RoomRef, RoomRefError, MIN_SECRET_BYTES};
pub use sas::{Sas, SasError, SasMessage, SasState};

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes of lowercase or uppercase hex; `None` if it is not hex.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
