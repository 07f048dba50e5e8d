//! The call's control bar: microphone, camera, screen share, copy link, leave.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::I18n;
use crate::errors::Notice;
use crate::hooks::{tracks_of, UseMediaReturn, UseRoomReturn};
use crate::i18n::Msg;

fn copy_to_clipboard(text: &str) -> bool {
    // navigator.clipboard is an unstable web-sys API: reach it through Reflect.
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).ok();
    let write = clipboard
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &"writeText".into()).ok());
    match (
        clipboard,
        write.and_then(|w| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(w).ok()),
    ) {
        (Some(clipboard), Some(write)) => write.call1(&clipboard, &text.into()).is_ok(),
        _ => false,
    }
}

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
    let sharing = move || media.screen.with(|s| s.is_some());
    let copied = RwSignal::new(false);
    // Listeners for the browser's own "stop sharing" button, one per shared
    // track; owned here, dropped (and so removed) when sharing stops.
    let ended: StoredValue<Vec<gloo_events::EventListener>, LocalStorage> =
        StoredValue::new_local(Vec::new());

    let toggle_screen = move |_| {
        if let Some(screen) = media.screen.get_untracked() {
            for track in tracks_of(&screen) {
                room.with_room(|r| r.remove_local_track(&track.id()));
            }
            media.stop_screen();
            ended.update_value(Vec::clear);
            return;
        }
        spawn_local(async move {
            match media.start_screen().await {
                Ok(screen) => {
                    for track in tracks_of(&screen) {
                        room.with_room(|r| r.add_local_track(&track, &screen));
                        // The browser's own "stop sharing" button ends the track.
                        let id = track.id();
                        let listener =
                            gloo_events::EventListener::once(&track, "ended", move |_| {
                                room.with_room(|r| r.remove_local_track(&id));
                                media.stop_screen();
                            });
                        ended.update_value(|list| list.push(listener));
                    }
                }
                Err(crate::rtc::MediaError::PermissionDenied | crate::rtc::MediaError::Aborted) => {
                }
                Err(err) => room.notify(Notice::Media(err)),
            }
        });
    };

    view! {
        <nav class="controls" aria-label="call controls">
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
            <button type="button" aria-pressed=move || sharing().to_string() on:click=toggle_screen>
                {move || if sharing() { i18n.t(Msg::StopSharing)() } else { i18n.t(Msg::ShareScreen)() }}
            </button>
            <button type="button" on:click=move |_| {
                let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
                copied.set(copy_to_clipboard(&href));
            }>
                {move || if copied.get() { i18n.t(Msg::LinkCopied)() } else { i18n.t(Msg::CopyLink)() }}
            </button>
            <button type="button" class="danger" on:click=move |_| on_leave.run(())>{i18n.t(Msg::Leave)}</button>
        </nav>
    }
}
