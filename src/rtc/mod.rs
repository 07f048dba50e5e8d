//! WebRTC, owned: peer sessions with perfect negotiation and trickle ICE,
//! their data channels, local media and statistics. Plain Rust over
//! web-sys — no leptos — so it is testable without a UI.

mod channel;
mod error;
mod ice;
mod js;
mod media;
mod peer;
mod remote_media;
mod state;
mod stats;
pub mod transfer;

pub use channel::{Channel, ChannelEvent, ChannelKind};
pub use error::{IceError, MediaError, PeerError};
pub use ice::{fetch_turn, turn_url, IceConfig, IceServer, IceUrls, DEFAULT_STUN};
pub use media::{
    enumerate_devices, get_display_media, get_user_media, DeviceInfo, DeviceKind, MediaRequest,
};
pub use peer::{PeerConfig, PeerEvent, PeerSession};
pub use stats::{collect_stats, PeerStats};
