//! `use_attention`: while the tab is hidden, chat messages and incoming
//! files from others count in the title ("(3) peerlink · room") and, when
//! the user allowed it, raise a notification; `ask` requests the permission
//! (call it from a click). `peerlink_core::Attention` decides; this hook
//! feeds it the room's chat, the transfers and `visibilitychange`, carries
//! out its actions, and on cleanup removes the listener, closes its
//! notifications and puts the page title back.

use std::collections::HashSet;

use gloo_events::EventListener;
use leptos::prelude::*;
use leptos::task::spawn_local;
use peerlink_core::transfer::Direction;
use peerlink_core::{Arrival, Attention, AttentionAction, NotifyPermission};
use peerlink_protocol::PeerId;

use super::{UseRoomReturn, UseTransfersReturn};
use crate::browser::notification::{self, ShownNotification};
use crate::i18n::{text, I18n, Msg};

#[derive(Clone, Copy)]
pub struct UseAttentionReturn {
    pub permission: RwSignal<NotifyPermission>,
    /// Asks for notification permission; run it from a click.
    pub ask: Callback<()>,
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

fn page_visible() -> bool {
    document().is_none_or(|d| !d.hidden())
}

struct State {
    core: Attention,
    shown: Vec<ShownNotification>,
    last_chat: Option<u64>,
    seen_files: HashSet<(String, PeerId)>,
}

/// Carries out the core's actions.
fn apply(state: &mut State, actions: Vec<AttentionAction>, i18n: I18n) {
    for action in actions {
        match action {
            AttentionAction::Title(title) => {
                if let Some(d) = document() {
                    d.set_title(&title);
                }
            }
            AttentionAction::Notify(n) => {
                let body = match n.arrival {
                    Arrival::Chat { from, text } => format!("{from}: {text}"),
                    Arrival::File { from, name } => {
                        format!(
                            "{from} {} {name}",
                            text(i18n.0.get_untracked(), Msg::NotifySendsFile)
                        )
                    }
                };
                if let Some(shown) =
                    ShownNotification::show("peerlink", &body, "peerlink", "icon-192.png")
                {
                    state.shown.push(shown);
                }
            }
            AttentionAction::CloseNotifications => {
                for shown in state.shown.drain(..) {
                    shown.close();
                }
            }
        }
    }
}

/// Arrivals since the last look: chat lines from others, files offered to us.
fn new_arrivals(
    state: &mut State,
    room: UseRoomReturn,
    transfers: UseTransfersReturn,
) -> Vec<Arrival> {
    let mut arrivals = Vec::new();
    room.chat.with(|lines| {
        for line in lines
            .iter()
            .filter(|l| state.last_chat.is_none_or(|s| l.seq > s))
        {
            if line.from.is_some() {
                arrivals.push(Arrival::Chat {
                    from: line.name.clone(),
                    text: line.text.clone(),
                });
            }
        }
        if let Some(last) = lines.last() {
            state.last_chat = Some(last.seq);
        }
    });
    transfers.list.with(|list| {
        for t in list.iter().filter(|t| t.direction == Direction::Receive) {
            if state.seen_files.insert((t.id.clone(), t.peer)) {
                arrivals.push(Arrival::File {
                    from: room.name_of(t.peer),
                    name: t.name.clone(),
                });
            }
        }
    });
    arrivals
}

pub fn use_attention(
    room: UseRoomReturn,
    transfers: UseTransfersReturn,
    base_title: String,
) -> UseAttentionReturn {
    let i18n = expect_context::<I18n>();
    let permission = RwSignal::new(notification::permission());
    let original_title = document().map(|d| d.title()).unwrap_or_default();
    let mut state = State {
        core: Attention::new(&base_title, page_visible(), permission.get_untracked()),
        shown: Vec::new(),
        last_chat: None,
        seen_files: HashSet::new(),
    };
    // What is already there when the call view opens is not news.
    new_arrivals(&mut state, room, transfers);
    let actions = state.core.set_base_title(&base_title);
    apply(&mut state, actions, i18n);
    let state = StoredValue::new_local(state);

    Effect::new(move |_| {
        room.chat.track();
        transfers.list.track();
        let now = crate::browser::now();
        state.update_value(|s| {
            for arrival in new_arrivals(s, room, transfers) {
                let actions = s.core.arrived(arrival, now);
                apply(s, actions, i18n);
            }
        });
    });
    Effect::new(move |_| {
        let p = permission.get();
        state.update_value(|s| s.core.set_permission(p));
    });
    let listener = document().map(|d| {
        EventListener::new(&d, "visibilitychange", move |_| {
            let visible = page_visible();
            state.try_update_value(|s| {
                let actions = s.core.set_visible(visible);
                apply(s, actions, i18n);
            });
        })
    });
    let listener = StoredValue::new_local(listener);
    on_cleanup(move || {
        listener.try_set_value(None);
        state.try_update_value(|s| apply(s, vec![AttentionAction::CloseNotifications], i18n));
        if let Some(d) = document() {
            d.set_title(&original_title);
        }
    });
    let ask = Callback::new(move |()| {
        spawn_local(async move {
            let answer = notification::request_permission().await;
            permission.try_set(answer);
        });
    });
    UseAttentionReturn { permission, ask }
}
