//! A `<video>` bound to a stream signal. It renders the element, marks
//! refused autoplay (`data-playback`) and then offers *Click to start
//! audio/video* (`start-playback`), which disappears once the video plays;
//! the playback itself is `use_playback`'s.

use leptos::prelude::*;
use web_sys::MediaStream;

use crate::hooks::use_playback;
use crate::i18n::{I18n, Msg};

/// Props: `stream` to show; `muted` for the local preview (no echo);
/// `testid` is the data-testid of the element.
#[component]
pub fn VideoTile(
    stream: Signal<Option<MediaStream>, LocalStorage>,
    muted: bool,
    testid: &'static str,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let video = NodeRef::<leptos::html::Video>::new();
    let playback = use_playback(video, stream);
    let refused = move || playback.refused.with(Option::is_some);
    let state = move || if refused() { "refused" } else { "ok" };
    view! {
        <video node_ref=video data-testid=testid data-playback=state autoplay=true playsinline=true prop:muted=muted></video>
        <Show when=refused>
            <button type="button" class="start-playback" data-testid="start-playback"
                on:click=move |_| playback.start.run(())>
                {i18n.t(Msg::StartPlayback)}
            </button>
        </Show>
    }
}
