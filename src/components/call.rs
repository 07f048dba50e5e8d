//! The call view: relay state, notices, the video grid (local preview and
//! one tile per peer), controls, chat and settings. It wires the media and
//! room hooks together and renders their signals.

use leptos::prelude::*;
use web_sys::MediaStream;

use super::{ChatPanel, Controls, FilesPanel, PeerTile, Settings, VideoTile};
use crate::app::{I18n, JoinRequest};
use crate::errors::Notice;
use crate::hooks::{use_media, use_room, use_transfers, UseRoomReturn};
use crate::i18n::Msg;
use crate::launch::{same_origin_relay, LaunchOptions, MediaMode};
use crate::room::RoomOptions;
use crate::rtc::IceConfig;

/// The ICE servers for this call: `?ice=`, else the saved setting, else the
/// default plus whatever TURN credentials the relay hands out at `/turn`. A
/// list that does not parse is reported and replaced by the default.
fn resolve_ice(
    options: &LaunchOptions,
    relay: &str,
    room: UseRoomReturn,
    decided: RwSignal<Option<IceConfig>>,
) {
    let configured = options.ice.clone().or_else(super::settings::saved_ice);
    match configured.map(|json| IceConfig::parse(&json)) {
        Some(Ok(ice)) => decided.set(Some(ice)),
        Some(Err(err)) => {
            room.notify(Notice::BadIce(err.to_string()));
            decided.set(Some(IceConfig::default_public()));
        }
        None => {
            let relay = relay.to_string();
            leptos::task::spawn_local(async move {
                let mut ice = IceConfig::default_public();
                if let Some(turn) = crate::rtc::fetch_turn(&relay).await {
                    ice.servers.extend(turn.servers);
                }
                decided.try_set(Some(ice));
            });
        }
    }
}

fn relay_url(options: &LaunchOptions) -> String {
    options.relay.clone().unwrap_or_else(|| {
        let location = web_sys::window().map(|w| w.location());
        let protocol = location
            .as_ref()
            .and_then(|l| l.protocol().ok())
            .unwrap_or_else(|| "http:".into());
        let host = location
            .as_ref()
            .and_then(|l| l.host().ok())
            .unwrap_or_else(|| "localhost".into());
        same_origin_relay(&protocol, &host)
    })
}

#[component]
pub fn CallView(
    request: JoinRequest,
    options: LaunchOptions,
    on_leave: Callback<()>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let media = use_media(request.media);
    let relay = relay_url(&options);
    let ice: RwSignal<Option<IceConfig>> = RwSignal::new(None);
    let room = use_room(
        RoomOptions::new(&relay, &request.room, &request.name, IceConfig::host_only()),
        media,
        ice,
    );
    resolve_ice(&options, &relay, room, ice);
    let transfers = use_transfers(room);
    provide_context(transfers);
    Effect::new(move |_| {
        if let Some(err) = media.error.get() {
            room.notify(Notice::Media(err));
        }
    });
    let leave = Callback::new(move |()| {
        room.leave();
        on_leave.run(());
    });
    let local: Signal<Option<MediaStream>, LocalStorage> =
        Signal::derive_local(move || media.stream.get());
    let relay_state = move || room.relay.get().as_str();
    let relay_label = move || match room.relay.get() {
        crate::signaling::RelayState::Connecting => i18n.t(Msg::RelayConnecting)(),
        crate::signaling::RelayState::Open => i18n.t(Msg::RelayOpen)(),
        crate::signaling::RelayState::Closed => i18n.t(Msg::RelayClosed)(),
    };
    let peer_ids = move || {
        room.peers
            .with(|list| list.iter().map(|p| p.id).collect::<Vec<_>>())
    };
    let data_only = request.media == MediaMode::None;

    view! {
        <section class="call">
            <header class="call-header">
                <h2 class="room-name">{request.room.clone()}</h2>
                <span class="relay" data-testid="relay-state" data-state=relay_state>
                    {i18n.t(Msg::Relay)} ": " {relay_label}
                </span>
            </header>
            <div class="notices" aria-live="polite">
                <For each=move || room.notices.get() key=|n| format!("{n:?}") let:notice>
                    <p class="error" data-testid="error" role="alert">{move || notice.message(i18n.0.get())}</p>
                </For>
                <Show when=move || data_only>
                    <p class="info">{i18n.t(Msg::JoinedDataOnly)}</p>
                </Show>
            </div>
            <div class="layout">
                <div class="stage">
                    <div class="grid">
                        <article class="tile local">
                            <Show when=move || media.settled.get() fallback=move || view! { <p class="hint">{i18n.t(Msg::StartingMedia)}</p> }>
                                <VideoTile stream=local muted=true testid="local-video"/>
                            </Show>
                            <footer class="tile-label"><span class="name">{i18n.t(Msg::You)}</span></footer>
                        </article>
                        <For each=peer_ids key=|id| *id let:id>
                            <PeerTile id=id room=room/>
                        </For>
                    </div>
                    <Show when=move || room.peers.with(|p| p.is_empty())>
                        <p class="hint">{i18n.t(Msg::NobodyYet)}</p>
                    </Show>
                    <Controls media=media room=room on_leave=leave/>
                </div>
                <aside class="side">
                    <ChatPanel room=room/>
                    <FilesPanel transfers=transfers room=room/>
                    <Settings media=media room=room/>
                </aside>
            </div>
        </section>
    }
}
