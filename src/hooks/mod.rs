//! Hooks turn `rtc`, `signaling` and `room` events into Leptos signals; each
//! releases everything it started in `on_cleanup`.

mod use_media;
mod use_room;
mod use_stats;
mod use_transfers;

pub use use_media::{tracks_of, use_media, UseMediaReturn};
pub use use_room::{use_room, ChatLine, PeerView, TransferHook, TransferInput, UseRoomReturn};
pub use use_stats::use_stats;
pub use use_transfers::{use_transfers, UseTransfersReturn};
