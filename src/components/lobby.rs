//! The lobby: room name (or a random one), display name, media choice, join.
//! It renders the form and hands a `JoinRequest` up; it must not start media.

use leptos::prelude::*;

use crate::browser::random_bytes;
use crate::i18n::{I18n, Msg};
use crate::launch::{JoinRequest, LaunchOptions, MediaMode};

/// A readable random room name such as `room-3f9a1c`.
fn random_room() -> String {
    let bytes: [u8; 3] = random_bytes();
    format!("room-{:02x}{:02x}{:02x}", bytes[0], bytes[1], bytes[2])
}

/// Props: `initial` pre-fills the form from the URL; `on_join` receives the choice.
#[component]
pub fn Lobby(initial: LaunchOptions, on_join: Callback<JoinRequest>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let room = RwSignal::new(initial.room.unwrap_or_default());
    let name = RwSignal::new(initial.name.unwrap_or_default());
    let media = RwSignal::new(initial.media);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut chosen = room.get_untracked().trim().to_string();
        if chosen.is_empty() {
            chosen = random_room();
        }
        on_join.run(JoinRequest {
            room: chosen,
            name: name.get_untracked().trim().to_string(),
            media: media.get_untracked(),
        });
    };

    let media_option = move |mode: MediaMode, label: Msg| {
        view! {
            <label class="choice">
                <input type="radio" name="media" value=mode.as_str()
                    prop:checked=move || media.get() == mode
                    on:change=move |_| media.set(mode)/>
                {i18n.t(label)}
            </label>
        }
    };

    view! {
        <form class="lobby card" on:submit=submit>
            <h1>"peerlink"</h1>
            <p class="tagline">{i18n.t(Msg::Tagline)}</p>
            <label for="room">{i18n.t(Msg::Room)}</label>
            <div class="row">
                <input id="room" data-testid="room-input" autocomplete="off" maxlength="100"
                    placeholder=i18n.t(Msg::RoomPlaceholder)
                    prop:value=move || room.get()
                    on:input=move |ev| room.set(event_target_value(&ev))/>
                <button type="button" class="secondary" on:click=move |_| room.set(random_room())>
                    {i18n.t(Msg::RandomRoom)}
                </button>
            </div>
            <label for="name">{i18n.t(Msg::DisplayName)}</label>
            <input id="name" data-testid="name-input" autocomplete="nickname" maxlength="64"
                placeholder=i18n.t(Msg::NamePlaceholder)
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <fieldset>
                <legend>{i18n.t(Msg::Media)}</legend>
                {media_option(MediaMode::Video, Msg::MediaVideo)}
                {media_option(MediaMode::Audio, Msg::MediaAudio)}
                {media_option(MediaMode::None, Msg::MediaNone)}
            </fieldset>
            <button type="submit" class="primary" data-testid="join">{i18n.t(Msg::Join)}</button>
        </form>
    }
}
