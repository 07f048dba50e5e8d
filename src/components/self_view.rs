//! Our own video: a grid tile while nobody else is here, else a small tile
//! floating in a corner of the stage that can be dragged (it snaps to the
//! nearest corner) or moved with its button (click, or arrow keys). Marks
//! show a muted microphone, a camera that is off, and speaking. It renders
//! the media hook; where it sits is `peerlink_core::Corner`'s decision.

use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::html::{Article, Div};
use leptos::prelude::*;
use peerlink_core::Corner;
use wasm_bindgen::JsCast;
use web_sys::{Element, MediaStream};

use super::icons::{Icon, IconSvg};
use super::peer_tile::initial;
use super::VideoTile;
use crate::hooks::{use_speaking, UseMediaReturn};
use crate::i18n::{I18n, Msg};

/// A pointer must move this far (CSS px) before a press becomes a drag.
const DRAG_SLOP_PX: f64 = 4.0;

/// A drag in progress: the pointer and where it went down.
#[derive(Clone, Copy)]
struct Drag {
    pointer: i32,
    x: f64,
    y: f64,
}

fn on_button(ev: &PointerEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|e| e.closest("button").ok().flatten())
        .is_some()
}

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
    let corner = RwSignal::new(Corner::default());
    let tile = NodeRef::<Article>::new();
    let drag = StoredValue::new(None::<Drag>);
    let offset = RwSignal::new(None::<(i32, i32)>);
    let start = move |ev: PointerEvent| {
        if !floating.get_untracked() || ev.button() != 0 || on_button(&ev) {
            return;
        }
        if let Some(tile) = tile.get_untracked() {
            let _ = tile.set_pointer_capture(ev.pointer_id());
        }
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        drag.set_value(Some(Drag {
            pointer: ev.pointer_id(),
            x,
            y,
        }));
    };
    let moved = move |ev: PointerEvent| {
        let Some(d) = drag.get_value().filter(|d| d.pointer == ev.pointer_id()) else {
            return;
        };
        let (dx, dy) = (
            f64::from(ev.client_x()) - d.x,
            f64::from(ev.client_y()) - d.y,
        );
        if offset.get_untracked().is_some() || dx.abs() + dy.abs() > DRAG_SLOP_PX {
            offset.set(Some((dx as i32, dy as i32)));
        }
    };
    let end = move |snap: bool| {
        drag.set_value(None);
        if snap && offset.get_untracked().is_some() {
            if let (Some(tile), Some(stage)) = (tile.get_untracked(), stage.get_untracked()) {
                let (t, s) = (
                    tile.get_bounding_client_rect(),
                    stage.get_bounding_client_rect(),
                );
                let cx = t.left() + t.width() / 2.0 - s.left();
                let cy = t.top() + t.height() / 2.0 - s.top();
                corner.set(Corner::nearest(cx, cy, s.width(), s.height()));
            }
        }
        offset.set(None);
    };
    let keys = move |ev: KeyboardEvent| {
        let next = corner.get_untracked().toward(&ev.key());
        if next != corner.get_untracked() {
            ev.prevent_default();
            corner.set(next);
        }
    };
    let transform = move || {
        offset
            .get()
            .map(|(x, y)| format!("transform: translate({x}px, {y}px)"))
            .unwrap_or_default()
    };
    view! {
        <article class="tile local" node_ref=tile class:floating=move || floating.get() class:dragging=move || offset.get().is_some()
            data-corner=move || corner.get().as_str() data-speaking=move || speaking.get().to_string()
            aria-label=i18n.t(Msg::YourVideo) style=transform
            on:pointerdown=start on:pointermove=moved
            on:pointerup=move |_| end(true) on:pointercancel=move |_| end(false)>
            <Show when=move || media.settled.get() fallback=move || view! { <p class="tile-state">{i18n.t(Msg::StartingMedia)}</p> }>
                <VideoTile stream=local muted=true testid="local-video"/>
            </Show>
            <Show when=move || media.settled.get() && !picture()>
                <div class="avatar" aria-hidden="true"><span>{initial(&name)}</span></div>
            </Show>
            <Show when=move || floating.get()>
                <button type="button" class="icon-button move" title=i18n.t(Msg::MoveSelfView)
                    aria-label=i18n.t(Msg::MoveSelfView)
                    on:click=move |_| corner.update(|c| *c = c.next()) on:keydown=keys>
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
