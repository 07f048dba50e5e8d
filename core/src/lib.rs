//! peerlink's decisions, without I/O: every rule that decides something —
//! perfect negotiation, presence, the untrusted-relay room rules, the file
//! transfer state machine — is a plain struct fed typed events (time passed
//! in as a value) that hands back actions. It knows no browser, socket or
//! clock; `src/rtc`, `src/signaling` and `src/room` carry its actions out.

mod state;
mod time;
pub mod transfer;

pub use state::{ConnectionState, IceConnectionState};
pub use time::Instant;
