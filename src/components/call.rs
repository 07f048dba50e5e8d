//! The call view: a header (room, link, relay state), the notices, the
//! stage (shared screens large, a responsive grid of people, our own video
//! floating in a corner), the side panels and the bottom bar. It wires the
//! media, room and UI hooks together and renders their signals; it must not
//! do I/O. Layout decisions are `peerlink_core::layout`'s.

use leptos::prelude::*;
use peerlink_core::{stage_plan, Panel, Panels, RoomRef, Shortcut};
use peerlink_protocol::PeerId;
use web_sys::MediaStream;

use super::icons::{Icon, IconSvg};
use super::peer_tile::display_name;
use super::{Controls, LanguageSwitch, PeerTile, SelfView, SidePanel, VideoTile};
use crate::browser::location;
use crate::errors::Notice;
use crate::hooks::{
    provide_audio_meter, use_clipboard, use_ice, use_media_with, use_narrow, use_peer_stats,
    use_room, use_room_access, use_shortcuts, use_transfers, CopyState, RoomAccess, UseMediaReturn,
    UseRoomReturn, UseTransfersReturn,
};
use crate::i18n::{I18n, Msg};
use crate::launch::{same_origin_relay, share_link, JoinRequest, LaunchOptions, MediaMode};
use crate::room::RoomOptions;
use crate::rtc::transfer::{Direction, TransferState};
use crate::rtc::IceConfig;
use crate::signaling::RelayState;

/// The relay's WebSocket URL: `?relay=`, else the page's own origin.
fn relay_url(options: &LaunchOptions) -> String {
    options.relay.clone().unwrap_or_else(|| {
        let (protocol, host) = location::protocol_and_host();
        same_origin_relay(&protocol, &host)
    })
}

/// What people call a room: a private room's short label, else its name.
fn room_label(room: &str) -> String {
    match RoomRef::parse(room) {
        Ok(Some(room_ref)) => room_ref.label(),
        _ => room.to_string(),
    }
}

/// Props: `request` is what the lobby chose; `options` what the URL said;
/// `on_leave` returns to the lobby.
#[component]
pub fn CallView(
    request: JoinRequest,
    options: LaunchOptions,
    on_leave: Callback<()>,
) -> impl IntoView {
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
    provide_context(use_peer_stats(room));
    Effect::new(move |_| {
        if let Some(err) = media.error.get() {
            room.notify(Notice::Media(err));
        }
    });
    // Every peer's tile marks our microphone and camera switches.
    Effect::new(move |_| {
        room.me.track();
        let capturing = media.stream.with(|s| s.is_some());
        room.set_media_state(
            capturing && media.mic_on.get(),
            capturing && media.cam_on.get(),
        );
    });
    provide_audio_meter();
    let label = room_label(&request.room);
    // The title ("(unread) peerlink · room") is the share panel's attention
    // hook's (src/hooks/use_attention.rs).
    let leave = Callback::new(move |()| {
        room.leave();
        on_leave.run(());
    });
    let data_only = request.media == MediaMode::None;
    let me = if request.name.is_empty() {
        "?".to_string()
    } else {
        request.name.clone()
    };

    view! {
        <section class="call">
            <CallHeader room_name=request.room.clone() label=label room=room access=access.access/>
            <Notices room=room access=access.access data_only=data_only/>
            <CallBody media=media room=room transfers=transfers me=me on_leave=leave
                room_name=request.room.clone() access=access.access/>
        </section>
    }
}

/// Unread chat messages while the chat panel is closed.
fn unread_count(room: UseRoomReturn, panels: RwSignal<Panels>) -> Signal<usize> {
    let seen = RwSignal::new(0usize);
    Effect::new(move |_| {
        if panels.get().is_open(Panel::Chat) {
            seen.set(room.chat.with(|c| c.len()));
        }
    });
    Signal::derive(move || room.chat.with(|c| c.len()).saturating_sub(seen.get()))
}

/// The stage, the side panels and the bar, with the shortcuts that drive them.
#[component]
fn CallBody(
    media: UseMediaReturn,
    room: UseRoomReturn,
    transfers: UseTransfersReturn,
    me: String,
    on_leave: Callback<()>,
    room_name: String,
    access: RwSignal<Option<RoomAccess>>,
) -> impl IntoView {
    let narrow = use_narrow();
    let panels = RwSignal::new(Panels::initial(narrow.get_untracked()));
    Effect::new(move |_| {
        let narrow = narrow.get();
        panels.update(|p| *p = p.fit(narrow));
    });
    let unread = unread_count(room, panels);
    let waiting = Signal::derive(move || {
        transfers.list.with(|l| {
            l.iter()
                .filter(|t| t.direction == Direction::Receive && t.state == TransferState::Offered)
                .count()
        })
    });
    use_shortcuts(move |shortcut| match shortcut {
        Shortcut::ToggleMic => media.toggle_mic(),
        Shortcut::ToggleCamera => media.toggle_cam(),
        Shortcut::TogglePanel(panel) => {
            panels.update(|p| *p = p.toggle(panel, narrow.get_untracked()))
        }
    });
    view! {
        <div class="call-body" data-panels=move || panels.get().any().to_string()>
            <Stage media=media room=room me=me/>
            <SidePanel panels=panels narrow=narrow media=media room=room transfers=transfers
                room_name=room_name access=access/>
        </div>
        <Controls media=media room=room panels=panels narrow=narrow unread=unread waiting=waiting on_leave=on_leave/>
    }
}

/// Shared screens (large), the grid of people and our own video.
#[component]
fn Stage(media: UseMediaReturn, room: UseRoomReturn, me: String) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let stage = NodeRef::<leptos::html::Div>::new();
    let peer_ids = move || {
        room.peers
            .with(|list| list.iter().map(|p| p.id).collect::<Vec<_>>())
    };
    let screens = move || {
        room.peers.with(|list| {
            list.iter()
                .flat_map(|p| p.screens.iter().map(move |s| (p.id, s.id())))
                .collect::<Vec<_>>()
        })
    };
    let plan = Memo::new(move |_| {
        let (peers, shared) = room
            .peers
            .with(|l| (l.len(), l.iter().map(|p| p.screens.len()).sum()));
        stage_plan(peers, shared)
    });
    let floating = Signal::derive(move || !plan.get().self_in_grid);
    view! {
        <div class="stage" node_ref=stage role="region" aria-label=i18n.t(Msg::Stage)
            data-spotlight=move || plan.get().spotlight.to_string()>
            <Show when=move || plan.get().spotlight>
                <div class="spotlight">
                    <For each=screens key=|(id, s)| format!("{id}/{s}") let:screen>
                        <ScreenTile room=room peer=screen.0 stream_id=screen.1/>
                    </For>
                </div>
            </Show>
            <div class="grid" data-count=move || plan.get().grid>
                <SelfView media=media floating=floating stage=stage name=me/>
                <For each=peer_ids key=|id| *id let:id>
                    <PeerTile id=id room=room/>
                </For>
            </div>
            <Show when=move || room.peers.with(|p| p.is_empty())>
                <p class="hint nobody" role="status">{i18n.t(Msg::NobodyYet)}</p>
            </Show>
        </div>
    }
}

/// One peer's shared screen, shown whole (not cropped).
#[component]
fn ScreenTile(room: UseRoomReturn, peer: PeerId, stream_id: String) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let stream: Signal<Option<MediaStream>, LocalStorage> = Signal::derive_local(move || {
        room.peers.with(|list| {
            list.iter()
                .find(|p| p.id == peer)
                .and_then(|p| p.screens.iter().find(|s| s.id() == stream_id).cloned())
        })
    });
    let name = move || {
        let name = room
            .peers
            .with(|l| l.iter().find(|p| p.id == peer).map(|p| p.name.clone()));
        display_name(i18n.0.get(), &name.unwrap_or_default(), peer)
    };
    view! {
        <figure class="tile screen">
            <VideoTile stream=stream muted=true testid="remote-screen"/>
            <figcaption class="tile-label">
                <IconSvg icon=Icon::Screen/>
                <span class="name">{move || format!("{} · {}", name(), i18n.t(Msg::Screen)())}</span>
            </figcaption>
        </figure>
    }
}

/// The room name, its link, the relay state and the language switch.
#[component]
fn CallHeader(
    room_name: String,
    label: String,
    room: UseRoomReturn,
    access: RwSignal<Option<RoomAccess>>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let private = move || matches!(access.get(), Some(RoomAccess::Private(_)));
    // A private room's link carries its secret (for a password room, the
    // derived one, so whoever opens it needs no password).
    let link = Signal::derive(move || {
        let fragment = match access.get() {
            Some(RoomAccess::Private(secret)) => RoomRef::Private { secret }.fragment(),
            _ => room_name.clone(),
        };
        share_link(&location::href(), &fragment)
    });
    let relay_state = move || room.relay.get().as_str();
    let relay_label = move || match room.relay.get() {
        RelayState::Connecting => i18n.t(Msg::RelayConnecting)(),
        RelayState::Open => i18n.t(Msg::RelayOpen)(),
        RelayState::Closed => i18n.t(Msg::RelayClosed)(),
    };
    let badge = move || {
        if private() {
            i18n.t(Msg::PrivateRoom)()
        } else {
            i18n.t(Msg::PublicBadge)()
        }
    };
    view! {
        <header class="call-header">
            <span class="brand">"peerlink"</span>
            <h1 class="room-name">{label}</h1>
            <Show when=move || access.get().is_some()>
                <span class="room-kind" data-private=move || private().to_string()
                    title=move || if private() { i18n.t(Msg::PrivateRoomHint)() } else { i18n.t(Msg::PublicRoom)() }>
                    {badge}
                </span>
            </Show>
            <a class="room-link" data-testid="room-link" href=link>
                <IconSvg icon=Icon::Link/>
                <span>{i18n.t(Msg::RoomLink)}</span>
            </a>
            // The invite card (QR code, Web Share) is in the People panel.
            <CopyLink link=link/>
            <span class="relay" data-testid="relay-state" data-state=relay_state>
                <span class="relay-text">{i18n.t(Msg::Relay)} ": " {relay_label}</span>
            </span>
            <LanguageSwitch/>
        </header>
    }
}

/// Copies the room link (the same as `room-link`'s: never `name`, `media`
/// or `policy`) to the clipboard.
#[component]
fn CopyLink(link: Signal<String>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let clipboard = use_clipboard();
    let label = move || match clipboard.state.get() {
        CopyState::Idle => i18n.t(Msg::CopyLink)(),
        CopyState::Copied => i18n.t(Msg::LinkCopied)(),
        CopyState::Failed(_) => i18n.t(Msg::CopyFailed)(),
    };
    view! {
        <button type="button" class="copy-link" on:click=move |_| clipboard.copy.run(link.get_untracked())>
            <span>{label}</span>
        </button>
    }
}

/// Errors and the notes about how we joined, above the stage.
#[component]
fn Notices(
    room: UseRoomReturn,
    access: RwSignal<Option<RoomAccess>>,
    data_only: bool,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let public = move || matches!(access.get(), Some(RoomAccess::Public));
    view! {
        <div class="notices" aria-live="polite">
            <For each=move || room.notices.get() key=|n| format!("{n:?}") let:notice>
                <p class="error" data-testid="error" role="alert">{move || notice.message(i18n.0.get())}</p>
            </For>
            <Show when=move || data_only>
                <p class="info">{i18n.t(Msg::JoinedDataOnly)}</p>
            </Show>
            <Show when=public>
                <p class="info" data-private="false">{i18n.t(Msg::PublicRoom)}</p>
            </Show>
        </div>
    }
}
