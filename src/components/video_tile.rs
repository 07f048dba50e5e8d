//! A `<video>` bound to a stream signal (srcObject is a property, not an
//! attribute, so it is set from an effect).

use leptos::prelude::*;
use web_sys::MediaStream;

/// Props: `stream` to show; `muted` for the local preview (no echo);
/// `testid` is the data-testid of the element.
#[component]
pub fn VideoTile(
    stream: Signal<Option<MediaStream>, LocalStorage>,
    muted: bool,
    testid: &'static str,
) -> impl IntoView {
    let video = NodeRef::<leptos::html::Video>::new();
    Effect::new(move |_| {
        let current = stream.get();
        if let Some(element) = video.get() {
            element.set_src_object(current.as_ref());
            if current.is_some() {
                // Autoplay can be refused without a user gesture; the
                // element's controls-free tile starts on the next interaction.
                let _ = element.play();
            }
        }
    });
    view! {
        <video node_ref=video data-testid=testid autoplay=true playsinline=true prop:muted=muted></video>
    }
}
