//! `use_screen_share`: starts and stops sharing a screen into the call, and
//! follows the browser's own "stop sharing" button. It owns the `ended`
//! listeners (removed on stop and on cleanup); capture itself is `use_media`'s.

use gloo_events::EventListener;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::use_media::{tracks_of, UseMediaReturn};
use super::use_room::UseRoomReturn;
use crate::errors::Notice;
use crate::rtc::MediaError;

#[derive(Clone, Copy)]
pub struct UseScreenShareReturn {
    pub sharing: Signal<bool>,
    /// Starts sharing, or stops it when a screen is shared.
    pub toggle: Callback<()>,
}

fn stop(media: UseMediaReturn, room: UseRoomReturn) {
    if let Some(screen) = media.screen.get_untracked() {
        for track in tracks_of(&screen) {
            room.with_room(|r| r.remove_local_track(&track.id()));
        }
    }
    media.stop_screen();
}

pub fn use_screen_share(media: UseMediaReturn, room: UseRoomReturn) -> UseScreenShareReturn {
    // One listener per shared track for the browser's "stop sharing" button.
    let ended: StoredValue<Vec<EventListener>, LocalStorage> = StoredValue::new_local(Vec::new());
    let start = move || {
        spawn_local(async move {
            let screen = match media.start_screen().await {
                Ok(screen) => screen,
                // The user closed the picker: nothing to say.
                Err(MediaError::PermissionDenied | MediaError::Aborted) => return,
                Err(err) => return room.notify(Notice::Media(err)),
            };
            for track in tracks_of(&screen) {
                room.with_room(|r| r.add_local_track(&track, &screen));
                let id = track.id();
                let listener = EventListener::once(&track, "ended", move |_| {
                    room.with_room(|r| r.remove_local_track(&id));
                    media.stop_screen();
                });
                ended.try_update_value(|list| list.push(listener));
            }
        });
    };
    let toggle = Callback::new(move |()| {
        if media.screen.with_untracked(Option::is_some) {
            stop(media, room);
            ended.update_value(Vec::clear);
        } else {
            start();
        }
    });
    on_cleanup(move || {
        ended.try_update_value(Vec::clear);
    });
    UseScreenShareReturn {
        sharing: Signal::derive(move || media.screen.with(Option::is_some)),
        toggle,
    }
}
