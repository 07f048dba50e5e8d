//! Call settings: camera and microphone pickers (switched live with
//! replaceTrack), the ICE server list (STUN/TURN) and *Always relay* for
//! the next call. It renders the device and settings hooks; storage and
//! capture are theirs.

use leptos::prelude::*;

use crate::errors::save_outcome_message;
use crate::hooks::{use_device_switch, use_ice_setting, UseMediaReturn, UseRoomReturn};
use crate::i18n::{I18n, Msg};
use crate::rtc::{DeviceInfo, DeviceKind};

/// One `<select>` of the devices of `kind`; choosing one calls `on_pick`.
#[component]
pub fn DevicePicker(
    id: &'static str,
    label: Msg,
    kind: DeviceKind,
    media: UseMediaReturn,
    on_pick: Callback<(DeviceKind, String)>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let devices = move || {
        media
            .devices
            .get()
            .into_iter()
            .filter(|d| d.kind == kind)
            .collect::<Vec<DeviceInfo>>()
    };
    view! {
        <label for=id>{i18n.t(label)}</label>
        <select id=id on:change=move |ev| on_pick.run((kind, event_target_value(&ev)))>
            <For each=devices key=|d| d.id.clone() let:device>
                <option value=device.id.clone()>{if device.label.is_empty() { device.id.clone() } else { device.label.clone() }}</option>
            </For>
        </select>
    }
}

/// Props: `media` and `room` are the call's hooks.
#[component]
pub fn Settings(media: UseMediaReturn, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let switch = use_device_switch(media, room);
    let ice = use_ice_setting();
    let status = move || {
        ice.outcome
            .get()
            .map(|outcome| save_outcome_message(i18n.0.get(), &outcome))
            .unwrap_or_default()
    };
    view! {
        <details class="settings card">
            <summary>{i18n.t(Msg::Settings)}</summary>
            <DevicePicker id="camera-select" label=Msg::CameraDevice kind=DeviceKind::Camera media=media on_pick=switch/>
            <DevicePicker id="mic-select" label=Msg::MicDevice kind=DeviceKind::Microphone media=media on_pick=switch/>
            <label for="ice-servers">{i18n.t(Msg::IceServers)}</label>
            <textarea id="ice-servers" rows="3" spellcheck="false"
                prop:value=move || ice.text.get()
                on:input=move |ev| ice.text.set(event_target_value(&ev))></textarea>
            <p class="hint">{i18n.t(Msg::IceServersHelp)}</p>
            <label class="checkbox">
                <input type="checkbox" id="always-relay" data-testid="always-relay"
                    prop:checked=move || ice.always_relay.get()
                    on:change=move |ev| ice.always_relay.set(event_target_checked(&ev))/>
                {i18n.t(Msg::AlwaysRelay)}
            </label>
            <p class="hint">{i18n.t(Msg::AlwaysRelayHelp)}</p>
            <button type="button" on:click=move |_| ice.save.run(())>{i18n.t(Msg::Save)}</button>
            <span class="hint" role="status">{status}</span>
        </details>
    }
}
