//! `use_device_switch`: switches the camera or microphone during a call —
//! opens the new device, swaps it into the local stream and into every peer
//! connection (replaceTrack). Failures become notices; it owns no resources.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::use_media::UseMediaReturn;
use super::use_room::UseRoomReturn;
use crate::errors::Notice;
use crate::rtc::DeviceKind;

/// A callback taking the kind of device and the id of the one to use.
pub fn use_device_switch(
    media: UseMediaReturn,
    room: UseRoomReturn,
) -> Callback<(DeviceKind, String)> {
    Callback::new(move |(kind, device): (DeviceKind, String)| {
        spawn_local(async move {
            match media.switch_device(kind, device).await {
                Ok((old_id, track)) => {
                    if let Some(room_handle) = room.room() {
                        if let Err(err) = room_handle.replace_local_track(&old_id, &track).await {
                            web_sys::console::warn_1(&format!("peerlink: {err}").into());
                        }
                    }
                }
                Err(err) => room.notify(Notice::Media(err)),
            }
        });
    })
}
