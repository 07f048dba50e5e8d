//! peerlink: peer-to-peer video calls, chat and file transfer over WebRTC.
//! `rtc` and `signaling` are plain Rust over web-sys; `room` joins them;
//! `hooks` turn their events into signals; `components` only render.

pub mod app;
pub mod browser;
pub mod components;
pub mod errors;
pub mod hooks;
pub mod i18n;
pub mod launch;
pub mod room;
pub mod rtc;
pub mod signaling;

pub use app::App;
