//! A `<video>` bound to a stream signal. It renders the element and marks
//! refused autoplay (`data-playback`); the playback itself is `use_playback`'s.

use leptos::prelude::*;
use web_sys::MediaStream;

use crate::hooks::use_playback;

/// Props: `stream` to show; `muted` for the local preview (no echo);
/// `testid` is the data-testid of the element.
#[component]
pub fn VideoTile(
    stream: Signal<Option<MediaStream>, LocalStorage>,
    muted: bool,
    testid: &'static str,
) -> impl IntoView {
    let video = NodeRef::<leptos::html::Video>::new();
    let refused = use_playback(video, stream);
    let playback = move || {
        if refused.get().is_some() {
            "refused"
        } else {
            "ok"
        }
    };
    view! {
        <video node_ref=video data-testid=testid data-playback=playback autoplay=true playsinline=true prop:muted=muted></video>
    }
}
