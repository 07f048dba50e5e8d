//! Signaling: the WebSocket link to a y-webrtc-style relay (with reconnect)
//! and, on top of it, room presence and envelope filtering. Plain Rust over
//! web-sys: no leptos here.

mod client;
mod password;
mod presence;
mod reconnect;
mod seal;
mod socket;

pub use client::{ClientEvent, RelayState, SignalingClient, SignalingError};
pub use password::{password_secret, PBKDF2_ITERATIONS};
pub use presence::{DropCounts, Presence, PresenceEvent, PresenceOptions};
pub use seal::{SealError, Sealer};
