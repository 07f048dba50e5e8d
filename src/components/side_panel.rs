//! The side panels of the call: chat, files, people (with the invite
//! card: link, QR code, notifications) and settings. On a wide
//! screen the open ones stack in a column beside the stage; on a phone the
//! one open panel is a bottom sheet over it. Each has a heading and a close
//! button, and Escape closes it. It renders; which panels are open is
//! `peerlink_core::Panels`'s decision, kept by the call view.

use leptos::prelude::*;
use peerlink_core::{ConnectionState, Panel, Panels};

use super::icons::{Icon, IconSvg};
use super::peer_tile::{display_name, Diagnostics};
use super::{ChatPanel, FilesPanel, Settings, SharePanel, SharedFiles};
use crate::errors::peer_state_label;
use crate::hooks::{RoomAccess, UseMediaReturn, UseRoomReturn, UseTransfersReturn};
use crate::i18n::{I18n, Msg};

/// Props: `panels` open now (`narrow`: phone layout); the call's hooks;
/// the room's name and access for the invite (share) card in *People*.
#[component]
pub fn SidePanel(
    panels: RwSignal<Panels>,
    narrow: ReadSignal<bool>,
    media: UseMediaReturn,
    room: UseRoomReturn,
    transfers: UseTransfersReturn,
    room_name: String,
    access: RwSignal<Option<RoomAccess>>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <aside class="side" class:sheet=narrow data-open=move || panels.get().any().to_string()
            aria-label=i18n.t(Msg::Panels)>
            <PanelSection panel=Panel::Chat title=Msg::Chat panels=panels narrow=narrow>
                <ChatPanel room=room/>
            </PanelSection>
            <PanelSection panel=Panel::Files title=Msg::Files panels=panels narrow=narrow>
                <SharedFiles transfers=transfers/>
                <FilesPanel transfers=transfers room=room/>
            </PanelSection>
            <PanelSection panel=Panel::People title=Msg::People panels=panels narrow=narrow>
                <SharePanel room_name=room_name access=access room=room transfers=transfers/>
                <People room=room/>
                <p class="hint">{i18n.t(Msg::Shortcuts)}</p>
            </PanelSection>
            <PanelSection panel=Panel::Settings title=Msg::Settings panels=panels narrow=narrow>
                <Settings media=media room=room attr:open=true/>
            </PanelSection>
        </aside>
    }
}

/// One panel: heading, close button, and its content (kept mounted while
/// closed, so the chat and transfers keep their state).
#[component]
fn PanelSection(
    panel: Panel,
    title: Msg,
    panels: RwSignal<Panels>,
    narrow: ReadSignal<bool>,
    children: Children,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let name = panel.as_str();
    let close = move || panels.update(|p| *p = p.toggle(panel, narrow.get_untracked()));
    view! {
        <div id=format!("panel-{name}") class="panel" data-panel=name role="group"
            hidden=move || !panels.get().is_open(panel) aria-labelledby=format!("panel-{name}-title")
            on:keydown=move |ev| if ev.key() == "Escape" { close() }>
            <header class="panel-head">
                <h2 id=format!("panel-{name}-title")>{i18n.t(title)}</h2>
                <button type="button" class="icon-button" title=i18n.t(Msg::ClosePanel)
                    aria-label=move || format!("{} {}", i18n.t(Msg::ClosePanel)(), i18n.t(title)())
                    on:click=move |_| close()>
                    <IconSvg icon=Icon::Close/>
                </button>
            </header>
            <div class="panel-body">{children()}</div>
        </div>
    }
}

/// Everyone in the call: ourselves, then each peer with its state, whether
/// it is verified, and its connection details.
#[component]
fn People(room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let ids = move || {
        room.peers
            .with(|l| l.iter().map(|p| p.id).collect::<Vec<_>>())
    };
    view! {
        <ul class="people">
            <li><span class="name">{i18n.t(Msg::You)}</span></li>
            <For each=ids key=|id| *id let:id>
                <li>
                    <span class="name">{move || {
                        let name = room.peers.with(|l| l.iter().find(|p| p.id == id).map(|p| p.name.clone()));
                        display_name(i18n.0.get(), &name.unwrap_or_default(), id)
                    }}</span>
                    <span class="state">{move || {
                        let peer = room.peers.with(|l| l.iter().find(|p| p.id == id).map(|p| (p.state, p.verified)));
                        let (state, verified) = peer.unwrap_or((ConnectionState::Closed, false));
                        let label = peer_state_label(i18n.0.get(), state);
                        if verified { format!("{label} · {}", i18n.t(Msg::PeerVerified)()) } else { label.to_string() }
                    }}</span>
                    <Diagnostics id=id room=room/>
                </li>
            </For>
        </ul>
    }
}
