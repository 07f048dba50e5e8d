//! `use_playback`: keeps a `<video>` showing a stream signal — sets
//! `srcObject` (a property, not an attribute) and starts playback, keeping
//! `play()`'s outcome. It must not render anything itself.

use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::MediaStream;

use crate::browser::playback::{play, PlayError};

/// Binds `stream` to the element behind `video`; the signal holds the
/// reason playback did not start (`None` while playing or idle).
pub fn use_playback(
    video: NodeRef<Video>,
    stream: Signal<Option<MediaStream>, LocalStorage>,
) -> RwSignal<Option<PlayError>> {
    let refused = RwSignal::new(None);
    Effect::new(move |_| {
        let current = stream.get();
        let Some(element) = video.get() else { return };
        element.set_src_object(current.as_ref());
        if current.is_none() {
            return;
        }
        spawn_local(async move {
            match play(&element).await {
                Ok(()) | Err(PlayError::Interrupted) => {
                    refused.try_set(None);
                }
                Err(err) => {
                    web_sys::console::warn_1(&format!("peerlink: {err}").into());
                    refused.try_set(Some(err));
                }
            }
        });
    });
    refused
}
