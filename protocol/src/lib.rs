//! Wire types shared by the peerlink app and the relay: transport frames,
//! signaling envelopes, data channel messages and the limits that bound them.
//! Pure serde: no I/O, no browser, no runtime; every decoder returns a typed
//! error for bad input and never panics.

mod channel;
mod envelope;
mod error;
mod file_name;
mod frame;
pub mod limits;
mod peer_id;
mod topic;

pub use channel::{ChannelMessage, ChatMessage, FileOffer};
pub use envelope::{
    CandidateBody, DescriptionBody, Envelope, HelloBody, Payload, SdpKind, Signal, PROTOCOL_VERSION,
};
pub use error::DecodeError;
pub use file_name::{numbered_file_name, sanitize_file_name, sanitize_relative_path};
pub use frame::{ClientFrame, RelayFrame};
pub use peer_id::PeerId;
pub use topic::{topic_for_room, Topic};
