//! Typed errors of the rtc layer. Each keeps the DOMException name the
//! browser gave (`NotAllowedError`, `InvalidStateError`, …), so the UI can
//! say something useful; the mapping to user-facing text is in `errors.rs`.

/// What went wrong with a peer connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeerError {
    #[error("cannot create the peer connection: {0}")]
    Create(String),
    #[error("the ICE server list is invalid: {0}")]
    IceConfig(String),
    #[error("creating the local description failed: {0}")]
    SetLocalDescription(String),
    #[error("applying the remote description failed: {0}")]
    SetRemoteDescription(String),
    #[error("adding a remote ICE candidate failed: {0}")]
    AddCandidate(String),
    #[error("restarting ICE failed: {0}")]
    RestartIce(String),
    #[error("replacing a media track failed: {0}")]
    ReplaceTrack(String),
    #[error("the {0} channel is not open")]
    ChannelNotOpen(&'static str),
    #[error("sending on the data channel failed: {0}")]
    Send(String),
    #[error("the message is too large ({size} bytes, limit {limit})")]
    MessageTooLarge { size: usize, limit: usize },
}

/// What went wrong getting camera, microphone or screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("camera and microphone need a secure context (HTTPS or localhost)")]
    InsecureContext,
    #[error("this browser has no media devices API")]
    Unsupported,
    #[error("permission denied")]
    PermissionDenied,
    #[error("no such device")]
    NotFound,
    #[error("the device is in use by another application")]
    DeviceBusy,
    #[error("no device satisfies the requested settings")]
    Overconstrained,
    #[error("capture was aborted")]
    Aborted,
    #[error("media error: {0}")]
    Other(String),
}

impl MediaError {
    /// Maps a getUserMedia/getDisplayMedia rejection by its DOMException name.
    pub fn from_dom_name(name: &str) -> MediaError {
        match name {
            "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => {
                MediaError::PermissionDenied
            }
            "NotFoundError" | "DevicesNotFoundError" => MediaError::NotFound,
            "NotReadableError" | "TrackStartError" => MediaError::DeviceBusy,
            "OverconstrainedError" | "ConstraintNotSatisfiedError" => MediaError::Overconstrained,
            "AbortError" => MediaError::Aborted,
            other => MediaError::Other(other.to_string()),
        }
    }
}
