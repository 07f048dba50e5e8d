//! The call view: relay state, notices, the video grid (local preview and
//! one tile per peer), controls, chat and settings. It wires the media and
//! room hooks together and renders their signals; it must not do I/O.

use leptos::prelude::*;
use web_sys::MediaStream;

use super::{ChatPanel, Controls, FilesPanel, PeerTile, Settings, SharePanel, VideoTile};
use crate::browser::location;
use crate::errors::Notice;
use crate::hooks::{
    use_ice, use_media_with, use_room, use_room_access, use_transfers, RoomAccess, UseMediaReturn,
    UseRoomReturn,
};
use crate::i18n::{I18n, Msg};
use crate::launch::{same_origin_relay, share_link, JoinRequest, LaunchOptions, MediaMode};
use crate::room::RoomOptions;
use crate::rtc::IceConfig;
use crate::signaling::RelayState;
use peerlink_core::RoomRef;

/// The relay's WebSocket URL: `?relay=`, else the page's own origin.
fn relay_url(options: &LaunchOptions) -> String {
    options.relay.clone().unwrap_or_else(|| {
        let (protocol, host) = location::protocol_and_host();
        same_origin_relay(&protocol, &host)
    })
}

/// Props: `request` is what the lobby chose; `options` what the URL said;
/// `on_leave` returns to the lobby.
#[component]
pub fn CallView(
    request: JoinRequest,
    options: LaunchOptions,
    on_leave: Callback<()>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let media = use_media_with(
        request.media,
        request.camera.clone(),
        request.microphone.clone(),
    );
    let relay = relay_url(&options);
    let ice = use_ice(options.ice.clone(), options.policy, &relay);
    let access = use_room_access(&request.room, &request.password);
    let room = use_room(
        RoomOptions::new(&relay, &request.room, &request.name, IceConfig::host_only()),
        media,
        ice.config,
        access.access,
    );
    Effect::new(move |_| {
        if let Some(notice) = access.error.get() {
            room.notify(notice);
        }
    });
    // A password room's link carries the derived secret: whoever opens it
    // joins without the password.
    let typed_password = !request.password.is_empty();
    Effect::new(move |_| {
        if let (true, Some(RoomAccess::Private(secret))) = (typed_password, access.access.get()) {
            location::set_hash(&RoomRef::Private { secret }.fragment());
        }
    });
    Effect::new(move |_| {
        if let Some(err) = ice.error.get() {
            room.notify(Notice::BadIce(err));
        }
    });
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
    let peer_ids = move || {
        room.peers
            .with(|list| list.iter().map(|p| p.id).collect::<Vec<_>>())
    };
    let data_only = request.media == MediaMode::None;
    view! {
        <section class="call">
            <CallHeader room_name=request.room.clone() room=room access=access.access data_only=data_only/>
            <div class="layout">
                <div class="stage">
                    <div class="grid">
                        <LocalTile media=media/>
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
                    <SharePanel room_name=request.room.clone() access=access.access room=room transfers=transfers/>
                    <ChatPanel room=room/>
                    <FilesPanel transfers=transfers room=room/>
                    <Settings media=media room=room/>
                </aside>
            </div>
        </section>
    }
}

/// The room name, the relay state and the notices above the grid.
#[component]
fn CallHeader(
    room_name: String,
    room: UseRoomReturn,
    access: RwSignal<Option<RoomAccess>>,
    data_only: bool,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let label = match RoomRef::parse(&room_name) {
        Ok(Some(room_ref)) => room_ref.label(),
        _ => room_name.clone(),
    };
    let private = move || matches!(access.get(), Some(RoomAccess::Private(_)));
    // A private room's link carries its secret (for a password room, the
    // derived one, so whoever opens it needs no password).
    let link = move || {
        let fragment = match access.get() {
            Some(RoomAccess::Private(secret)) => RoomRef::Private { secret }.fragment(),
            _ => room_name.clone(),
        };
        share_link(&location::href(), &fragment)
    };
    let relay_state = move || room.relay.get().as_str();
    let relay_label = move || match room.relay.get() {
        RelayState::Connecting => i18n.t(Msg::RelayConnecting)(),
        RelayState::Open => i18n.t(Msg::RelayOpen)(),
        RelayState::Closed => i18n.t(Msg::RelayClosed)(),
    };
    view! {
        <header class="call-header">
            <h2 class="room-name">{label}</h2>
            <a class="room-link" data-testid="room-link" href=link>{i18n.t(Msg::RoomLink)}</a>
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
            <Show when=move || access.get().is_some()>
                <p class="info" data-private=move || private().to_string()>
                    {move || if private() { i18n.t(Msg::PrivateRoomHint)() } else { i18n.t(Msg::PublicRoom)() }}
                </p>
            </Show>
        </div>
    }
}

/// The local preview tile (muted), or a hint while capture starts.
#[component]
fn LocalTile(media: UseMediaReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let local: Signal<Option<MediaStream>, LocalStorage> =
        Signal::derive_local(move || media.stream.get());
    view! {
        <article class="tile local">
            <Show when=move || media.settled.get() fallback=move || view! { <p class="hint">{i18n.t(Msg::StartingMedia)}</p> }>
                <VideoTile stream=local muted=true testid="local-video"/>
            </Show>
            <footer class="tile-label"><span class="name">{i18n.t(Msg::You)}</span></footer>
        </article>
    }
}
