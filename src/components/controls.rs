//! The call's bottom bar: icon buttons with labels and tooltips for the
//! microphone, camera, screen share, the chat / files / people / settings
//! panels (with unread and waiting counts) and leave. It renders the media,
//! screen-share and layout state; it must not call the browser itself.

use leptos::prelude::*;
use peerlink_core::{Panel, Panels};

use super::icons::{Icon, IconSvg};
use crate::hooks::{use_screen_share, UseMediaReturn, UseRoomReturn};
use crate::i18n::{I18n, Msg};

fn has_track(media: UseMediaReturn, video: bool) -> bool {
    media.stream.with(|s| {
        s.as_ref().is_some_and(|s| {
            let tracks = if video {
                s.get_video_tracks()
            } else {
                s.get_audio_tracks()
            };
            tracks.length() > 0
        })
    })
}

/// Props: `media` and `room` are the call's hooks; `panels` the open side
/// panels (`narrow`: phone layout); `unread` chat messages and `waiting`
/// file offers for the badges; `on_leave` ends the call.
#[component]
pub fn Controls(
    media: UseMediaReturn,
    room: UseRoomReturn,
    panels: RwSignal<Panels>,
    narrow: ReadSignal<bool>,
    unread: Signal<usize>,
    waiting: Signal<usize>,
    on_leave: Callback<()>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let screen = use_screen_share(media, room);
    let sharing = screen.sharing;
    let mic_icon = Signal::derive(move || {
        if media.mic_on.get() {
            Icon::Mic
        } else {
            Icon::MicOff
        }
    });
    let cam_icon = Signal::derive(move || {
        if media.cam_on.get() {
            Icon::Camera
        } else {
            Icon::CameraOff
        }
    });
    let mic_label = move || format!("{} (M)", i18n.t(Msg::BarMic)());
    let cam_label = move || format!("{} (V)", i18n.t(Msg::BarCamera)());
    let screen_label = move || {
        if sharing.get() {
            i18n.t(Msg::StopSharing)()
        } else {
            i18n.t(Msg::ShareScreen)()
        }
    };
    view! {
        <nav class="bar" aria-label=i18n.t(Msg::CallControls)>
            <div class="bar-group">
                <Show when=move || has_track(media, false)>
                    <button type="button" class="bar-button" data-control="mic" data-off=move || (!media.mic_on.get()).to_string()
                        aria-pressed=move || media.mic_on.get().to_string() title=mic_label
                        on:click=move |_| media.toggle_mic()>
                        <IconSvg icon=mic_icon/>
                        <span class="bar-label">{i18n.t(Msg::BarMic)}</span>
                    </button>
                </Show>
                <Show when=move || has_track(media, true)>
                    <button type="button" class="bar-button" data-control="camera" data-off=move || (!media.cam_on.get()).to_string()
                        aria-pressed=move || media.cam_on.get().to_string() title=cam_label
                        on:click=move |_| media.toggle_cam()>
                        <IconSvg icon=cam_icon/>
                        <span class="bar-label">{i18n.t(Msg::BarCamera)}</span>
                    </button>
                </Show>
                <button type="button" class="bar-button" data-control="screen" aria-pressed=move || sharing.get().to_string()
                    title=screen_label on:click=move |_| screen.toggle.run(())>
                    <IconSvg icon=Icon::Screen/>
                    <span class="bar-label">{screen_label}</span>
                </button>
            </div>
            <div class="bar-group">
                <PanelButton panel=Panel::Chat icon=Icon::Chat label=Msg::Chat key="C" panels=panels narrow=narrow
                    count=unread count_label=Msg::Unread/>
                <PanelButton panel=Panel::Files icon=Icon::Files label=Msg::Files key="F" panels=panels narrow=narrow
                    count=waiting count_label=Msg::Waiting/>
                <PanelButton panel=Panel::People icon=Icon::People label=Msg::People key="P" panels=panels narrow=narrow
                    count=Signal::derive(move || room.peers.with(|p| p.len()) + 1) count_label=Msg::People/>
                <PanelButton panel=Panel::Settings icon=Icon::Settings label=Msg::Settings key="" panels=panels narrow=narrow
                    count=Signal::derive(|| 0) count_label=Msg::Settings/>
            </div>
            <div class="bar-group">
                <button type="button" class="bar-button leave" data-testid="leave" title=i18n.t(Msg::Leave)
                    on:click=move |_| on_leave.run(())>
                    <IconSvg icon=Icon::Leave/>
                    <span class="bar-label">{i18n.t(Msg::Leave)}</span>
                </button>
            </div>
        </nav>
    }
}

/// A button that opens or closes one side panel, with a count badge.
#[component]
fn PanelButton(
    panel: Panel,
    icon: Icon,
    label: Msg,
    key: &'static str,
    panels: RwSignal<Panels>,
    narrow: ReadSignal<bool>,
    count: Signal<usize>,
    count_label: Msg,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let title = move || {
        if key.is_empty() {
            i18n.t(label)().to_string()
        } else {
            format!("{} ({key})", i18n.t(label)())
        }
    };
    // The people count is not news; unread messages and waiting files are.
    let shown = move || count.get() > 0 && panel != Panel::Settings;
    view! {
        <button type="button" class="bar-button" data-panel=panel.as_str()
            aria-pressed=move || panels.get().is_open(panel).to_string()
            aria-controls=format!("panel-{}", panel.as_str()) title=title
            on:click=move |_| panels.update(|p| *p = p.toggle(panel, narrow.get_untracked()))>
            <IconSvg icon=icon/>
            <span class="bar-label">{i18n.t(label)}</span>
            <Show when=shown>
                <span class="count" class:news=panel != Panel::People>
                    {count}<span class="visually-hidden">" " {i18n.t(count_label)}</span>
                </span>
            </Show>
        </button>
    }
}
