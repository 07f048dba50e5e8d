//! peerlink's decisions, without I/O: every rule that decides something —
//! perfect negotiation, presence, the untrusted-relay room rules, the file
//! transfer state machine — is a plain struct fed typed events (time passed
//! in as a value) that hands back actions. It knows no browser, socket or
//! clock; `src/rtc`, `src/signaling` and `src/room` carry its actions out.

mod attention;
mod backoff;
mod chat;
mod diagnosis;
mod ice_policy;
mod ice_restart;
mod layout;
mod negotiation;
#[cfg(test)]
mod negotiation_model;
mod presence;
pub mod qr;
mod qr_math;
#[cfg(test)]
mod qr_tests;
mod quality;
mod rate;
mod reconnect;
mod room;
mod room_trust;
mod sdp;
mod speaking;
mod state;
#[cfg(test)]
mod test_support;
mod time;
pub mod transfer;
mod trust;

pub use attention::{
    Arrival, Attention, AttentionAction, Notification, NotifyPermission, NOTIFY_BODY_CHARS,
    NOTIFY_QUIET,
};
pub use backoff::Backoff;
pub use chat::{ChatFilter, CHAT_WINDOW};
pub use diagnosis::{diagnose, CandidateCounts, ConnectFacts, ConnectFailure};
pub use ice_policy::{DataPath, IcePolicy};
pub use ice_restart::{IceRestart, DISCONNECTED_GRACE};
pub use layout::{grid_size, shortcut, stage_plan, Corner, Panel, Panels, Shortcut, StagePlan};
pub use negotiation::{
    Negotiation, NegotiationAction, NegotiationDrops, NegotiationError, Role, SignalingState,
    MAX_EARLY_CANDIDATES, MAX_QUEUED_SIGNALS,
};
pub use presence::{DropCounts, Presence, PresenceConfig, PresenceOutput, SEQ_WINDOW};
pub use quality::Quality;
pub use rate::TokenBucket;
pub use reconnect::{Reconnect, ReconnectAction, PROBE_EVERY};
pub use room::{RoomAction, RoomConfig, RoomRules, Route};
pub use sdp::SdpOrigin;
pub use speaking::{rms, SpeakingDetector};
pub use state::{ConnectionState, IceConnectionState};
pub use time::Instant;
pub use trust::base64url;
pub use trust::{
    fingerprints, from_hex, to_hex, Confirmation, ConfirmationState, Interception, PeerTrust,
    RoomKeys, RoomRef, RoomRefError, Sas, SasError, SasMessage, SasState, TrustAction,
    TrustMessage, TrustMode, CONFIRM_TIMEOUT, MIN_SECRET_BYTES,
};
