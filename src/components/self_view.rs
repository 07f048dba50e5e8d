//! Our own video: a grid tile while nobody else is here, else a small tile
//! floating in a corner of the stage that can be dragged (it snaps to the
//! nearest corner) or moved with its button (click, or arrow keys). Marks
//! show a muted microphone, a camera that is off, and speaking. It renders
//! the media hook; moving it is `use_corner_drag`'s.

use leptos::html::{Article, Div};
use leptos::prelude::*;
use web_sys::MediaStream;

use super::icons::{Icon, IconSvg};
use super::peer_tile::initial;
use super::VideoTile;
use crate::hooks::{use_corner_drag, use_speaking, UseMediaReturn};
use crate::i18n::{I18n, Msg};

/// Props: `media` is the call's capture; `floating` whether it is the
/// small tile (someone else is here); `stage` the area it floats in;
/// `name` what we call ourselves.
#[component]
pub fn SelfView(
    media: UseMediaReturn,
    floating: Signal<bool>,
    stage: NodeRef<Div>,
    name: String,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let local: Signal<Option<MediaStream>, LocalStorage> =
        Signal::derive_local(move || media.stream.get());
    let speaking = use_speaking(local);
    let has = move |video: bool| {
        media.stream.with(|s| {
            s.as_ref().is_some_and(|s| {
                let list = if video {
                    s.get_video_tracks()
                } else {
                    s.get_audio_tracks()
                };
                list.length() > 0
            })
        })
    };
    let mic_off = move || !has(false) || !media.mic_on.get();
    let picture = move || has(true) && media.cam_on.get();
    let tile = NodeRef::<Article>::new();
    let drag = use_corner_drag(tile, stage, floating);
    view! {
        <article class="tile local" node_ref=tile class:floating=move || floating.get()
            class:dragging=move || drag.offset.get().is_some()
            data-corner=move || drag.corner.get().as_str() data-speaking=move || speaking.get().to_string()
            aria-label=i18n.t(Msg::YourVideo) style=move || drag.style()
            on:pointerdown=move |ev| drag.start(&ev)>
            <Show when=move || media.settled.get() fallback=move || view! { <p class="tile-state">{i18n.t(Msg::StartingMedia)}</p> }>
                <VideoTile stream=local muted=true testid="local-video"/>
            </Show>
            <Show when=move || media.settled.get() && !picture()>
                <div class="avatar" aria-hidden="true"><span>{initial(&name)}</span></div>
            </Show>
            <Show when=move || floating.get()>
                <button type="button" class="icon-button move" title=i18n.t(Msg::MoveSelfView)
                    aria-label=i18n.t(Msg::MoveSelfView)
                    on:click=move |_| drag.cycle() on:keydown=move |ev| drag.key(&ev)>
                    <IconSvg icon=Icon::Move/>
                </button>
            </Show>
            <footer class="tile-label">
                <Show when=mic_off>
                    <span class="mark" title=i18n.t(Msg::MicIsOff)>
                        <IconSvg icon=Icon::MicOff/><span class="visually-hidden">{i18n.t(Msg::MicIsOff)}</span>
                    </span>
                </Show>
                <Show when=move || has(true) && !media.cam_on.get()>
                    <span class="mark" title=i18n.t(Msg::CameraIsOff)>
                        <IconSvg icon=Icon::CameraOff/><span class="visually-hidden">{i18n.t(Msg::CameraIsOff)}</span>
                    </span>
                </Show>
                <span class="name">{i18n.t(Msg::You)}</span>
            </footer>
        </article>
    }
}
