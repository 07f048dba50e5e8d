//! The wire form of trust messages: `peerlink_core::TrustMessage` to and from
//! the control channel's `confirm`, `sas-commit` and `sas-reveal` messages
//! (hex bytes). Malformed ones decode to `None`; nothing is decided here.

use peerlink_core::{from_hex, to_hex, SasMessage, TrustMessage};
use peerlink_protocol::ChannelMessage;

/// True for the control messages that carry trust.
pub(super) fn is_trust(message: &ChannelMessage) -> bool {
    matches!(
        message,
        ChannelMessage::Confirm { .. }
            | ChannelMessage::SasCommit { .. }
            | ChannelMessage::SasReveal { .. }
    )
}

pub(super) fn encode(message: TrustMessage) -> ChannelMessage {
    match message {
        TrustMessage::Confirm(proof) => ChannelMessage::Confirm {
            proof: to_hex(&proof),
        },
        TrustMessage::Sas(SasMessage::Commit(hash)) => ChannelMessage::SasCommit {
            hash: to_hex(&hash),
        },
        TrustMessage::Sas(SasMessage::Reveal(nonce)) => ChannelMessage::SasReveal {
            nonce: to_hex(&nonce),
        },
    }
}

pub(super) fn decode(message: ChannelMessage) -> Option<TrustMessage> {
    let bytes32 = |hex: &str| -> Option<[u8; 32]> { from_hex(hex)?.try_into().ok() };
    match message {
        ChannelMessage::Confirm { proof } => from_hex(&proof).map(TrustMessage::Confirm),
        ChannelMessage::SasCommit { hash } => {
            bytes32(&hash).map(|h| TrustMessage::Sas(SasMessage::Commit(h)))
        }
        ChannelMessage::SasReveal { nonce } => {
            bytes32(&nonce).map(|n| TrustMessage::Sas(SasMessage::Reveal(n)))
        }
        _ => None,
    }
}
