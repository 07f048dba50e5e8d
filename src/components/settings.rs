//! Call settings: camera and microphone pickers (switched live with
//! replaceTrack) and the ICE server list (STUN/TURN), kept in localStorage.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::I18n;
use crate::errors::Notice;
use crate::hooks::{UseMediaReturn, UseRoomReturn};
use crate::i18n::Msg;
use crate::rtc::{DeviceKind, IceConfig};

/// localStorage key of the saved ICE server list.
pub const ICE_STORAGE_KEY: &str = "peerlink.ice";

pub fn saved_ice() -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(ICE_STORAGE_KEY)
        .ok()?
}

fn save_ice(json: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = if json.trim().is_empty() {
            storage.remove_item(ICE_STORAGE_KEY)
        } else {
            storage.set_item(ICE_STORAGE_KEY, json)
        };
    }
}

#[component]
pub fn Settings(media: UseMediaReturn, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let ice_text = RwSignal::new(saved_ice().unwrap_or_default());
    let ice_status = RwSignal::new(String::new());
    let devices_of = move |kind: DeviceKind| {
        move || {
            media
                .devices
                .get()
                .into_iter()
                .filter(|d| d.kind == kind)
                .collect::<Vec<_>>()
        }
    };
    let switch = move |kind: &'static str, device: String| {
        spawn_local(async move {
            match media.switch_device(kind, device).await {
                Ok((old_id, track)) => {
                    if let Some(room_handle) = room.room() {
                        if let Err(err) = room_handle.replace_local_track(&old_id, &track).await {
                            web_sys::console::warn_1(&format!("peerlink: {err}").into());
                        }
                    }
                }
                Err(err) => room.notify(Notice::Media(err)),
            }
        });
    };
    view! {
        <details class="settings card">
            <summary>{i18n.t(Msg::Settings)}</summary>
            <label for="camera-select">{i18n.t(Msg::CameraDevice)}</label>
            <select id="camera-select" on:change=move |ev| switch("video", event_target_value(&ev))>
                <For each=devices_of(DeviceKind::Camera) key=|d| d.id.clone() let:device>
                    <option value=device.id.clone()>{if device.label.is_empty() { device.id.clone() } else { device.label.clone() }}</option>
                </For>
            </select>
            <label for="mic-select">{i18n.t(Msg::MicDevice)}</label>
            <select id="mic-select" on:change=move |ev| switch("audio", event_target_value(&ev))>
                <For each=devices_of(DeviceKind::Microphone) key=|d| d.id.clone() let:device>
                    <option value=device.id.clone()>{if device.label.is_empty() { device.id.clone() } else { device.label.clone() }}</option>
                </For>
            </select>
            <label for="ice-servers">{i18n.t(Msg::IceServers)}</label>
            <textarea id="ice-servers" rows="3" spellcheck="false"
                prop:value=move || ice_text.get()
                on:input=move |ev| ice_text.set(event_target_value(&ev))></textarea>
            <p class="hint">{i18n.t(Msg::IceServersHelp)}</p>
            <button type="button" on:click=move |_| {
                let text = ice_text.get_untracked();
                if text.trim().is_empty() {
                    save_ice("");
                    ice_status.set("✓".into());
                } else {
                    match IceConfig::parse(&text) {
                        Ok(_) => { save_ice(&text); ice_status.set("✓".into()); }
                        Err(err) => ice_status.set(err.to_string()),
                    }
                }
            }>{i18n.t(Msg::Save)}</button>
            <span class="hint" role="status">{move || ice_status.get()}</span>
        </details>
    }
}
