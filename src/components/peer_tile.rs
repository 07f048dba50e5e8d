//! One remote peer: name, connection state, camera video, shared screens,
//! and a diagnostics panel (RTT, bitrate, loss, direct or relayed). It
//! renders the room and stats hooks; it must not reach the connection itself.

use leptos::prelude::*;
use peerlink_protocol::PeerId;
use web_sys::MediaStream;

use super::VideoTile;
use crate::errors::peer_state_label;
use crate::hooks::{use_data_path, use_stats, PeerView, UseRoomReturn};
use crate::i18n::{text, I18n, Lang, Msg};
use peerlink_core::DataPath;

fn display_name(lang: Lang, name: &str, id: PeerId) -> String {
    if name.trim().is_empty() {
        format!("{} {}", text(lang, Msg::PeerFallbackName), id.short())
    } else {
        name.to_string()
    }
}

/// Props: `id` of the remote peer; `room` the call's room hook.
#[component]
pub fn PeerTile(id: PeerId, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let peer = move || {
        room.peers
            .with(|list| list.iter().find(|p| p.id == id).cloned())
    };
    let state = move || peer().map(|p| p.state).unwrap_or_default();
    let state_name = move || state().as_str();
    let camera: Signal<Option<MediaStream>, LocalStorage> =
        Signal::derive_local(move || peer().and_then(|p| p.camera));
    let screens = move || peer().map(|p| p.screens).unwrap_or_default();
    let verified = move || peer().is_some_and(|p| p.verified);
    let path = use_data_path(room, id);
    let name = move || {
        peer()
            .map(|p: PeerView| display_name(i18n.0.get(), &p.name, id))
            .unwrap_or_default()
    };
    view! {
        <article class="tile peer" data-testid="peer" data-peer-id=id.to_string() data-state=state_name
            data-verified=move || verified().to_string()
            data-path=move || path.get().map(|p| p.as_str()).unwrap_or_default()>
            <VideoTile stream=camera muted=false testid="remote-video"/>
            <footer class="tile-label">
                <span class="name">{name}</span>
                <Show when=verified>
                    <span class="badge verified">"✔ " {i18n.t(Msg::PeerVerified)}</span>
                </Show>
                <Show when=move || path.get() == Some(DataPath::Relayed)>
                    <span class="badge relayed">{i18n.t(Msg::RelayedMark)}</span>
                </Show>
                <span class=move || format!("state state-{}", state_name())>
                    {move || peer_state_label(i18n.0.get(), state())}
                </span>
            </footer>
            <For each=screens key=|s| s.id() let:screen>
                <div class="screen">
                    <VideoTile stream=Signal::derive_local(move || Some(Clone::clone(&screen))) muted=true testid="remote-screen"/>
                    <span class="tile-label">{move || format!("{} · {}", name(), i18n.t(Msg::Screen)())}</span>
                </div>
            </For>
            <CodeCheck id=id room=room/>
            <SendFileTo id=id/>
            <Diagnostics id=id room=room/>
        </article>
    }
}

/// A public room's code to compare by voice, until the person confirms it.
#[component]
fn CodeCheck(id: PeerId, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let pending = move || {
        room.peers.with(|list| {
            list.iter()
                .find(|p| p.id == id && !p.verified)
                .and_then(|p| p.code.clone())
        })
    };
    view! {
        {move || pending().map(|code| view! {
            <p class="code-check">
                {i18n.t(Msg::CompareCode)} " "
                <strong class="sas" data-testid="sas">{code}</strong> " "
                <button type="button" class="secondary" on:click=move |_| room.codes_match(id)>
                    {i18n.t(Msg::TheyMatch)}
                </button>
            </p>
        })}
    }
}

#[component]
fn Diagnostics(id: PeerId, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let open = RwSignal::new(false);
    view! {
        <details class="diagnostics" on:toggle=move |_| open.update(|o| *o = !*o)>
            <summary>{i18n.t(Msg::Diagnostics)}</summary>
            <Show when=move || open.get()>
                <StatsTable id=id room=room/>
            </Show>
        </details>
    }
}

#[component]
fn StatsTable(id: PeerId, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let stats = use_stats(room.session(id));
    let row = move |f: fn(&crate::rtc::PeerStats, f64, f64) -> String| {
        move || {
            stats
                .get()
                .map(|(s, up, down)| f(&s, up, down))
                .unwrap_or_else(|| "…".into())
        }
    };
    view! {
        <dl class="stats">
            <dt>{i18n.t(Msg::StatsRtt)}</dt><dd>{row(|s, _, _| s.rtt_ms.map(|r| format!("{r:.0} ms")).unwrap_or_else(|| "–".into()))}</dd>
            <dt>"↑"</dt><dd>{row(|_, up, _| format!("{up:.0} kbit/s"))}</dd>
            <dt>"↓"</dt><dd>{row(|_, _, down| format!("{down:.0} kbit/s"))}</dd>
            <dt>{i18n.t(Msg::StatsLoss)}</dt><dd>{row(|s, _, _| format!("{:.1} %", s.loss_percent()))}</dd>
            <dt>{i18n.t(Msg::StatsPath)}</dt>
            <dd>{move || stats.get().map(|(s, _, _)| {
                let kind = if s.is_relayed() { i18n.t(Msg::Relayed)() } else { i18n.t(Msg::Direct)() };
                format!("{kind} ({} ↔ {})", s.local_candidate_type.unwrap_or_default(), s.remote_candidate_type.unwrap_or_default())
            }).unwrap_or_else(|| "…".into())}</dd>
        </dl>
    }
}

/// A file picker that sends only to this peer.
#[component]
fn SendFileTo(id: PeerId) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let transfers = use_context::<crate::hooks::UseTransfersReturn>();
    view! {
        <Show when=move || transfers.is_some()>
            <label class="send-to">
                {i18n.t(Msg::SendFileTo)}
                <input type="file" multiple=true on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    if let Some(transfers) = transfers {
                        transfers.send_files_to(id, super::files::files_of(input.files()));
                    }
                    input.set_value("");
                }/>
            </label>
        </Show>
    }
}
