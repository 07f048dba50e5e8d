//! The lobby and pre-join screen: a new private room or a typed name (with
//! an optional password), display name, media choice with a camera preview,
//! and *Join*. A link opens it filled in. It renders the form and hands a
//! `JoinRequest` up; capture for the preview is `use_media`'s.

use leptos::prelude::*;
use peerlink_core::RoomRef;

use super::settings::DevicePicker;
use super::VideoTile;
use crate::browser::random_bytes;
use crate::errors::Notice;
use crate::hooks::{use_document_title, use_media};
use crate::i18n::{I18n, Msg};
use crate::launch::{JoinRequest, LaunchOptions, MediaMode};
use crate::rtc::DeviceKind;

/// A readable random room name such as `room-3f9a1c`.
fn random_room() -> String {
    let bytes: [u8; 3] = random_bytes();
    format!("room-{:02x}{:02x}{:02x}", bytes[0], bytes[1], bytes[2])
}

/// A fresh private room: 128 random bits in the link.
fn new_private_room() -> RoomRef {
    RoomRef::Private {
        secret: random_bytes::<16>().to_vec(),
    }
}

/// Props: `initial` pre-fills the form from the URL; `elsewhere` names the
/// hosts other than this page's that the link uses (relay, ICE servers),
/// shown before joining; `on_join` receives the choice.
#[component]
pub fn Lobby(
    initial: LaunchOptions,
    elsewhere: Vec<String>,
    on_join: Callback<JoinRequest>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    use_document_title(move || i18n.t(Msg::LobbyTitle)().to_string());
    let from_link = initial
        .room
        .as_deref()
        .and_then(|r| RoomRef::parse(r).ok().flatten());
    let private = RwSignal::new(from_link.clone().filter(|r| r.secret().is_some()));
    let typed = match from_link {
        Some(RoomRef::Public { name }) => name,
        _ => String::new(),
    };
    let room = RwSignal::new(typed);
    let password = RwSignal::new(String::new());
    let name = RwSignal::new(initial.name.unwrap_or_default());
    let media = RwSignal::new(initial.media);
    let camera = RwSignal::new(None::<String>);
    let microphone = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = match private.get_untracked() {
            Some(room) => room.fragment(),
            None => {
                let typed = room.get_untracked().trim().to_string();
                if typed.is_empty() {
                    random_room()
                } else {
                    typed
                }
            }
        };
        on_join.run(JoinRequest {
            room: chosen,
            password: password.get_untracked(),
            camera: camera.get_untracked(),
            microphone: microphone.get_untracked(),
            name: name.get_untracked().trim().to_string(),
            media: media.get_untracked(),
        });
    };

    view! {
        <form class="lobby card" on:submit=submit>
            <h1>"peerlink"</h1>
            <p class="tagline">{i18n.t(Msg::Tagline)}</p>
            <RoomChoice private=private room=room password=password/>
            <label for="name">{i18n.t(Msg::DisplayName)}</label>
            <input id="name" data-testid="name-input" autocomplete="nickname" maxlength="64"
                placeholder=i18n.t(Msg::NamePlaceholder)
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <MediaChoice media=media camera=camera microphone=microphone/>
            {(!elsewhere.is_empty()).then(|| view! {
                <p class="info" data-testid="elsewhere">{i18n.t(Msg::RelayElsewhere)} " " <strong>{elsewhere.join(", ")}</strong></p>
            })}
            <button type="submit" class="primary" data-testid="join">{i18n.t(Msg::Join)}</button>
        </form>
    }
}

/// A private room (label and what it means) or a typed name with password.
#[component]
fn RoomChoice(
    private: RwSignal<Option<RoomRef>>,
    room: RwSignal<String>,
    password: RwSignal<String>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let label = move || private.get().map(|r| r.label()).unwrap_or_default();
    view! {
        <label for="room">{i18n.t(Msg::Room)}</label>
        <Show when=move || private.get().is_some() fallback=move || view! {
            <div class="row">
                <input id="room" data-testid="room-input" autocomplete="off" maxlength="100"
                    placeholder=i18n.t(Msg::RoomPlaceholder)
                    prop:value=move || room.get()
                    on:input=move |ev| room.set(event_target_value(&ev))/>
                <button type="button" class="secondary" on:click=move |_| room.set(random_room())>
                    {i18n.t(Msg::RandomRoom)}
                </button>
            </div>
            <label for="password">{i18n.t(Msg::Password)}</label>
            <input id="password" type="password" autocomplete="off" maxlength="200"
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev))/>
        }>
            <p class="private-room">
                <strong>{i18n.t(Msg::PrivateRoom)} " · " {label}</strong>
                <br/>{i18n.t(Msg::PrivateRoomHint)}
            </p>
            <button type="button" class="secondary" on:click=move |_| private.set(None)>
                {i18n.t(Msg::TypeRoomName)}
            </button>
        </Show>
        <button type="button" class="secondary" data-testid="new-room"
            on:click=move |_| private.set(Some(new_private_room()))>
            {i18n.t(Msg::NewRoom)}
        </button>
    }
}

/// What to join with, and a preview of the camera when it is on.
#[component]
fn MediaChoice(
    media: RwSignal<MediaMode>,
    camera: RwSignal<Option<String>>,
    microphone: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let option = move |mode: MediaMode, label: Msg| {
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
        <fieldset>
            <legend>{i18n.t(Msg::Media)}</legend>
            {option(MediaMode::Video, Msg::MediaVideo)}
            {option(MediaMode::Audio, Msg::MediaAudio)}
            {option(MediaMode::None, Msg::MediaNone)}
        </fieldset>
        {move || (media.get() == MediaMode::Video).then(|| view! { <Preview camera=camera microphone=microphone/> })}
    }
}

/// The camera preview and device pickers; the choice goes to the call.
/// Capture stops when it unmounts (join, or media turned off).
#[component]
fn Preview(
    camera: RwSignal<Option<String>>,
    microphone: RwSignal<Option<String>>,
) -> impl IntoView {
    let preview = use_media(MediaMode::Video);
    let stream = Signal::derive_local(move || preview.stream.get());
    let pick = Callback::new(move |(kind, device): (DeviceKind, String)| {
        match kind {
            DeviceKind::Camera => camera.set(Some(device.clone())),
            DeviceKind::Microphone => microphone.set(Some(device.clone())),
            DeviceKind::Speaker => return,
        }
        leptos::task::spawn_local(async move {
            if let Err(err) = preview.switch_device(kind, device).await {
                preview.error.set(Some(err));
            }
        });
    });
    let i18n = expect_context::<I18n>();
    let error = move || {
        preview
            .error
            .get()
            .map(|err| Notice::Media(err).message(i18n.0.get()))
    };
    view! {
        <div class="preview">
            {move || error().map(|text| view! { <p class="error" data-testid="error" role="alert">{text}</p> })}
            <VideoTile stream=stream muted=true testid="local-video"/>
            <DevicePicker id="prejoin-camera" label=Msg::CameraDevice kind=DeviceKind::Camera media=preview on_pick=pick/>
            <DevicePicker id="prejoin-mic" label=Msg::MicDevice kind=DeviceKind::Microphone media=preview on_pick=pick/>
        </div>
    }
}
