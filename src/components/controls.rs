//! The call's control bar: microphone, camera, screen share, copy link, leave.
//! It renders buttons over the media, screen-share and clipboard hooks; it
//! must not call the browser itself.

use leptos::prelude::*;

use crate::browser::location;
use crate::hooks::{use_clipboard, use_screen_share, CopyState, UseMediaReturn, UseRoomReturn};
use crate::i18n::{I18n, Msg};

/// Props: `media` and `room` are the call's hooks; `on_leave` ends the call.
#[component]
pub fn Controls(
    media: UseMediaReturn,
    room: UseRoomReturn,
    on_leave: Callback<()>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let has_audio = move || {
        media.stream.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.get_audio_tracks().length() > 0)
        })
    };
    let has_video = move || {
        media.stream.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.get_video_tracks().length() > 0)
        })
    };
    let screen = use_screen_share(media, room);
    let sharing = screen.sharing;
    let clipboard = use_clipboard();
    let copy_label = move || match clipboard.state.get() {
        CopyState::Idle => i18n.t(Msg::CopyLink)(),
        CopyState::Copied => i18n.t(Msg::LinkCopied)(),
        CopyState::Failed(_) => i18n.t(Msg::CopyFailed)(),
    };

    view! {
        <nav class="controls" aria-label=i18n.t(Msg::CallControls)>
            <Show when=has_audio>
                <button type="button" aria-pressed=move || (!media.mic_on.get()).to_string() on:click=move |_| media.toggle_mic()>
                    {move || if media.mic_on.get() { i18n.t(Msg::Mic)() } else { i18n.t(Msg::MicOff)() }}
                </button>
            </Show>
            <Show when=has_video>
                <button type="button" aria-pressed=move || (!media.cam_on.get()).to_string() on:click=move |_| media.toggle_cam()>
                    {move || if media.cam_on.get() { i18n.t(Msg::Camera)() } else { i18n.t(Msg::CameraOff)() }}
                </button>
            </Show>
            <button type="button" aria-pressed=move || sharing.get().to_string() on:click=move |_| screen.toggle.run(())>
                {move || if sharing.get() { i18n.t(Msg::StopSharing)() } else { i18n.t(Msg::ShareScreen)() }}
            </button>
            <button type="button" on:click=move |_| clipboard.copy.run(location::href())>
                {copy_label}
            </button>
            <button type="button" class="danger" data-testid="leave" on:click=move |_| on_leave.run(())>{i18n.t(Msg::Leave)}</button>
        </nav>
    }
}
