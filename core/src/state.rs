//! Connection states as types: the browser's string enums are mapped once at
//! the `rtc` boundary and travel as these values everywhere above it.

/// `RTCPeerConnection.connectionState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConnectionState {
    #[default]
    New,
    Connecting,
    Connected,
    Disconnected,
    Failed,
    Closed,
}

impl ConnectionState {
    /// The W3C name (also the test contract's `data-state`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ConnectionState::New => "new",
            ConnectionState::Connecting => "connecting",
            ConnectionState::Connected => "connected",
            ConnectionState::Disconnected => "disconnected",
            ConnectionState::Failed => "failed",
            ConnectionState::Closed => "closed",
        }
    }
}

/// `RTCPeerConnection.iceConnectionState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IceConnectionState {
    #[default]
    New,
    Checking,
    Connected,
    Completed,
    Disconnected,
    Failed,
    Closed,
}

impl IceConnectionState {
    pub const fn as_str(self) -> &'static str {
        match self {
            IceConnectionState::New => "new",
            IceConnectionState::Checking => "checking",
            IceConnectionState::Connected => "connected",
            IceConnectionState::Completed => "completed",
            IceConnectionState::Disconnected => "disconnected",
            IceConnectionState::Failed => "failed",
            IceConnectionState::Closed => "closed",
        }
    }

    /// True while candidates are flowing: media and channels can move.
    pub const fn is_up(self) -> bool {
        matches!(
            self,
            IceConnectionState::Connected | IceConnectionState::Completed
        )
    }
}
