//! The one mapping from typed errors to what the user reads. Components show
//! `Notice`s; every module's error type is turned into one here, once.

use crate::i18n::{text, Lang, Msg};
use crate::rtc::{MediaError, PeerError};
use crate::signaling::SignalingError;
use peerlink_core::{ConnectFailure, ConnectionState};

/// Something the user should be told, in their language.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Media(MediaError),
    Signaling(SignalingError),
    BadIce(String),
    RoomFull,
    Chat(PeerError),
    /// Key confirmation failed with a peer; its session was closed.
    Intercepted,
    /// A session could not be made; the step that failed.
    ConnectFailed(ConnectFailure),
}

impl Notice {
    pub fn message(&self, lang: Lang) -> String {
        let msg = match self {
            Notice::Media(MediaError::InsecureContext) => Msg::InsecureContext,
            Notice::Media(MediaError::PermissionDenied) => Msg::ErrPermissionDenied,
            Notice::Media(MediaError::NotFound) => Msg::ErrNoDevice,
            Notice::Media(MediaError::DeviceBusy) => Msg::ErrDeviceBusy,
            Notice::Media(MediaError::Overconstrained) => Msg::ErrOverconstrained,
            Notice::Media(MediaError::Unsupported) => Msg::ErrMediaUnsupported,
            Notice::Media(MediaError::Aborted | MediaError::Other(_)) => Msg::ErrMediaOther,
            Notice::Signaling(SignalingError::BadRelayUrl(_)) => Msg::ErrBadRelay,
            Notice::BadIce(_) => Msg::ErrBadIce,
            Notice::RoomFull => Msg::ErrRoomFull,
            Notice::Intercepted => Msg::ErrIntercepted,
            Notice::ConnectFailed(failure) => match failure {
                ConnectFailure::NoRelay => Msg::FailNoRelay,
                ConnectFailure::TurnRefused => Msg::FailTurnRefused,
                ConnectFailure::RelayOnlyWithoutTurn => Msg::FailRelayOnlyWithoutTurn,
                ConnectFailure::TurnUnreachable => Msg::FailTurnUnreachable,
                ConnectFailure::NoLocalCandidates => Msg::FailNoLocalCandidates,
                ConnectFailure::NoRemoteCandidates => Msg::FailNoRemoteCandidates,
                ConnectFailure::NoTurnFallback => Msg::FailNoTurnFallback,
                ConnectFailure::IceFailed => Msg::FailIce,
            },
            Notice::Chat(PeerError::MessageTooLarge { .. }) => Msg::ErrChatTooLong,
            Notice::Chat(_) => Msg::ErrChatNotSent,
        };
        let detail = match self {
            Notice::BadIce(why) => format!(" ({why})"),
            Notice::Signaling(SignalingError::BadRelayUrl(url)) => format!(" ({url})"),
            Notice::Media(MediaError::Other(name)) => format!(" ({name})"),
            _ => String::new(),
        };
        format!("{}{detail}", text(lang, msg))
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
