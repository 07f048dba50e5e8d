//! The one mapping from typed errors to what the user reads: every module's
//! error type becomes a `Notice` or a message here, once, through `i18n`.
//! Nothing here decides what failed; it only words it.

use crate::hooks::SaveOutcome;
use crate::i18n::{text, Lang, Msg};
use crate::rtc::{IceError, MediaError, PeerError};
use crate::signaling::SignalingError;
use peerlink_core::{ConnectFailure, ConnectionState};

/// Something the user should be told, in their language.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Media(MediaError),
    Signaling(SignalingError),
    BadIce(IceError),
    RoomFull,
    Chat(PeerError),
    /// Key confirmation failed with a peer; its session was closed.
    Intercepted,
    /// A session could not be made; the step that failed.
    ConnectFailed(ConnectFailure),
    /// The private link's secret is missing or too short.
    BadRoomLink,
    /// WebCrypto is unavailable, so a private room cannot be sealed.
    NoCrypto,
}

fn media_msg(err: &MediaError) -> Msg {
    match err {
        MediaError::InsecureContext => Msg::InsecureContext,
        MediaError::PermissionDenied => Msg::ErrPermissionDenied,
        MediaError::NotFound => Msg::ErrNoDevice,
        MediaError::DeviceBusy => Msg::ErrDeviceBusy,
        MediaError::Overconstrained => Msg::ErrOverconstrained,
        MediaError::Unsupported => Msg::ErrMediaUnsupported,
        MediaError::Aborted | MediaError::Other(_) => Msg::ErrMediaOther,
    }
}

/// The message naming the step that kept a session from connecting.
fn failure_msg(failure: ConnectFailure) -> Msg {
    match failure {
        ConnectFailure::NoRelay => Msg::FailNoRelay,
        ConnectFailure::TurnRefused => Msg::FailTurnRefused,
        ConnectFailure::RelayOnlyWithoutTurn => Msg::FailRelayOnlyWithoutTurn,
        ConnectFailure::TurnUnreachable => Msg::FailTurnUnreachable,
        ConnectFailure::NoLocalCandidates => Msg::FailNoLocalCandidates,
        ConnectFailure::NoRemoteCandidates => Msg::FailNoRemoteCandidates,
        ConnectFailure::NoTurnFallback => Msg::FailNoTurnFallback,
        ConnectFailure::IceFailed => Msg::FailIce,
    }
}

/// What is wrong with an ICE server list, with the URL at fault if any.
pub fn ice_error_message(lang: Lang, err: &IceError) -> String {
    let (msg, url) = match err {
        IceError::Json(_) | IceError::Encode(_) => (Msg::IceNotJson, None),
        IceError::NoUrls => (Msg::IceNoUrls, None),
        IceError::BadScheme(url) => (Msg::IceBadScheme, Some(url)),
        IceError::MissingCredential(url) => (Msg::IceNeedsCredential, Some(url)),
    };
    match url {
        Some(url) => format!("{} ({url})", text(lang, msg)),
        None => text(lang, msg).to_string(),
    }
}

impl Notice {
    pub fn message(&self, lang: Lang) -> String {
        let msg = match self {
            Notice::Media(err) => media_msg(err),
            Notice::Signaling(SignalingError::BadRelayUrl(_)) => Msg::ErrBadRelay,
            Notice::BadIce(_) => Msg::ErrBadIce,
            Notice::RoomFull => Msg::ErrRoomFull,
            Notice::Intercepted => Msg::ErrIntercepted,
            Notice::ConnectFailed(failure) => failure_msg(*failure),
            Notice::BadRoomLink => Msg::ErrBadRoomLink,
            Notice::NoCrypto => Msg::ErrNoCrypto,
            Notice::Chat(PeerError::MessageTooLarge { .. }) => Msg::ErrChatTooLong,
            Notice::Chat(_) => Msg::ErrChatNotSent,
        };
        let detail = match self {
            Notice::BadIce(err) => format!(" ({})", ice_error_message(lang, err)),
            Notice::Signaling(SignalingError::BadRelayUrl(url)) => format!(" ({url})"),
            // The DOMException name (`NotReadableError`, …) helps a bug report.
            Notice::Media(MediaError::Other(name)) => format!(" ({name})"),
            _ => String::new(),
        };
        format!("{}{detail}", text(lang, msg))
    }
}

/// The status line after saving the ICE server setting.
pub fn save_outcome_message(lang: Lang, outcome: &SaveOutcome) -> String {
    match outcome {
        SaveOutcome::Saved => text(lang, Msg::Saved).to_string(),
        SaveOutcome::Invalid(err) => ice_error_message(lang, err),
        SaveOutcome::NotStored(_) => text(lang, Msg::ErrNotStored).to_string(),
    }
}

/// The label of a peer's `connectionState`.
pub fn peer_state_label(lang: Lang, state: ConnectionState) -> &'static str {
    let msg = match state {
        ConnectionState::Connected => Msg::StatePeerConnected,
        ConnectionState::Disconnected => Msg::StatePeerDisconnected,
        ConnectionState::Failed => Msg::StatePeerFailed,
        ConnectionState::Closed => Msg::StatePeerClosed,
        ConnectionState::New => Msg::StatePeerNew,
        ConnectionState::Connecting => Msg::StatePeerConnecting,
    };
    text(lang, msg)
}
