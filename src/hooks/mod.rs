//! Hooks turn `rtc`, `signaling`, `room` and `browser` events into Leptos
//! signals and callbacks; each releases everything it started in
//! `on_cleanup`. Components call these and do no browser I/O themselves.

mod use_attention;
mod use_clipboard;
mod use_corner_drag;
mod use_devices;
mod use_drop;
mod use_ice;
mod use_ice_setting;
mod use_layout;
mod use_media;
mod use_paste;
mod use_playback;
mod use_pwa;
mod use_room;
mod use_room_access;
mod use_screen_share;
mod use_share;
mod use_shortcuts;
mod use_speaking;
mod use_stats;
mod use_transfers;

pub use use_attention::{use_attention, UseAttentionReturn};
pub use use_clipboard::{use_clipboard, CopyState, UseClipboardReturn};
pub use use_corner_drag::{use_corner_drag, UseCornerDragReturn};
pub use use_devices::use_device_switch;
pub use use_drop::use_drop;
pub use use_ice::{use_ice, UseIceReturn};
pub use use_ice_setting::{
    saved_ice, use_ice_setting, SaveOutcome, UseIceSettingReturn, ICE_STORAGE_KEY,
};
pub use use_layout::{use_document_title, use_narrow, NARROW_MAX_PX};
pub use use_media::{tracks_of, use_media, use_media_with, UseMediaReturn};
pub use use_paste::{use_paste, Pasted};
pub use use_playback::{use_playback, UsePlaybackReturn};
pub use use_pwa::{use_service_worker, use_shared_files};
pub use use_room::{use_room, ChatLine, PeerView, TransferHook, TransferInput, UseRoomReturn};
pub use use_room_access::{use_room_access, RoomAccess, UseRoomAccessReturn};
pub use use_screen_share::{use_screen_share, UseScreenShareReturn};
pub use use_share::{qr_svg, use_share, QrSvg, UseShareReturn};
pub use use_shortcuts::use_shortcuts;
pub use use_speaking::{provide_audio_meter, use_speaking, AudioMeter};
pub use use_stats::{use_peer_sample, use_peer_stats, PeerStatsBoard, StatsSample};
pub use use_transfers::{use_transfers, FolderSave, UseTransfersReturn};
