//! `use_playback`: keeps a `<video>` showing a stream signal — sets
//! `srcObject` (a property, not an attribute) and starts playback, keeping
//! `play()`'s outcome — and offers `start`, which calls `play()` from a
//! click (a user gesture) when the browser refused to autoplay. It listens
//! for `playing`, so the refusal clears however playback starts. It must
//! not render anything itself.

use gloo_events::EventListener;
use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{HtmlMediaElement, MediaStream};

use crate::browser::playback::{play, PlayError};

#[derive(Clone, Copy)]
pub struct UsePlaybackReturn {
    /// Why playback did not start (`None` while playing or idle).
    pub refused: RwSignal<Option<PlayError>>,
    /// Calls `play()` now; call it from a click handler.
    pub start: Callback<()>,
}

/// Plays `element` and records the outcome in `refused`.
fn start_playing(element: &HtmlMediaElement, refused: RwSignal<Option<PlayError>>) {
    let outcome = play(element);
    spawn_local(async move {
        match outcome.await {
            Ok(()) | Err(PlayError::Interrupted) => {
                refused.try_set(None);
            }
            Err(err) => {
                web_sys::console::warn_1(&format!("peerlink: {err}").into());
                refused.try_set(Some(err));
            }
        }
    });
}

/// Binds `stream` to the element behind `video`.
pub fn use_playback(
    video: NodeRef<Video>,
    stream: Signal<Option<MediaStream>, LocalStorage>,
) -> UsePlaybackReturn {
    let refused = RwSignal::new(None);
    let on_playing: StoredValue<Option<EventListener>, LocalStorage> = StoredValue::new_local(None);
    Effect::new(move |_| {
        let current = stream.get();
        let Some(element) = video.get() else { return };
        if on_playing.with_value(Option::is_none) {
            let listener = EventListener::new(&element, "playing", move |_| {
                refused.try_set(None);
            });
            on_playing.set_value(Some(listener));
        }
        element.set_src_object(current.as_ref());
        if current.is_some() {
            start_playing(&element, refused);
        } else {
            refused.try_set(None);
        }
    });
    on_cleanup(move || {
        on_playing.try_set_value(None);
    });
    let start = Callback::new(move |()| {
        if let Some(element) = video.get_untracked() {
            start_playing(&element, refused);
        }
    });
    UsePlaybackReturn { refused, start }
}
