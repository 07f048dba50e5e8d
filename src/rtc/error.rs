//! Typed errors of the rtc layer, each keeping the DOMException name the
//! browser gave (`NotAllowedError`, `InvalidStateError`, …). Nothing here is
//! shown to the user as it is: the mapping to text is in `errors.rs`.

/// What went wrong with a peer connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeerError {
    #[error("cannot create the peer connection: {0}")]
    Create(String),
    #[error("the ICE server list is invalid: {0}")]
    IceConfig(#[from] IceError),
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

/// What is wrong with an ICE server list (`?ice=`, settings, `/turn`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IceError {
    #[error("not a JSON list of ICE servers: {0}")]
    Json(String),
    #[error("a server without urls")]
    NoUrls,
    #[error("{0:?} is not a stun:/turn: URL")]
    BadScheme(String),
    #[error("{0} needs a username and credential")]
    MissingCredential(String),
    #[error("the list cannot be handed to the browser: {0}")]
    Encode(String),
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
