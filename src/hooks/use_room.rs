//! `use_room`: joins a room once local media has settled (granted or not, so
//! a denied camera still joins data-only) and mirrors the room's events into
//! signals: relay state, peers with their state and streams, the chat
//! transcript, notices. Leaves the room on cleanup.

use std::rc::Rc;

use leptos::prelude::*;
use peerlink_protocol::{ChannelMessage, PeerId};
use web_sys::{MediaStream, RtcDataChannel};

use super::use_media::{tracks_of, UseMediaReturn};
use super::use_room_access::RoomAccess;
use crate::errors::Notice;
use crate::room::{MediaState, Room, RoomEvent, RoomOptions};
use crate::rtc::{IceConfig, PeerSession};
use crate::signaling::RelayState;
use peerlink_core::ConnectionState;

/// Longest chat transcript kept in memory.
const CHAT_HISTORY: usize = 500;

#[derive(Clone)]
pub struct PeerView {
    pub id: PeerId,
    pub name: String,
    /// RTCPeerConnection `connectionState`.
    pub state: ConnectionState,
    /// Proved it holds the room secret (private room), or the person said
    /// the codes match (public room).
    pub verified: bool,
    /// A public room's code to compare by voice.
    pub code: Option<String>,
    pub camera: Option<MediaStream>,
    pub screens: Vec<MediaStream>,
    /// The peer's microphone and camera switches, once it told us.
    pub mic_on: Option<bool>,
    pub cam_on: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChatLine {
    /// Our own order of arrival: the key the transcript renders by (a peer
    /// chooses `id`, so it cannot be trusted to be unique).
    pub seq: u64,
    pub id: String,
    /// `None` for our own messages.
    pub from: Option<PeerId>,
    pub name: String,
    pub text: String,
    pub ts: f64,
}

/// A control message or incoming channel for the file transfers.
pub type TransferHook = Rc<dyn Fn(PeerId, TransferInput)>;

pub enum TransferInput {
    Control(ChannelMessage),
    Channel(RtcDataChannel),
    /// The peer's `connectionState`.
    State(ConnectionState),
    PeerLeft,
}

#[derive(Clone, Copy)]
pub struct UseRoomReturn {
    pub me: RwSignal<Option<PeerId>>,
    pub relay: RwSignal<RelayState>,
    pub peers: RwSignal<Vec<PeerView>, LocalStorage>,
    pub chat: RwSignal<Vec<ChatLine>>,
    pub notices: RwSignal<Vec<Notice>>,
    room: StoredValue<Option<Rc<Room>>, LocalStorage>,
    transfers: StoredValue<Option<TransferHook>, LocalStorage>,
}

impl UseRoomReturn {
    /// Runs `f` with the room, if joined.
    pub fn with_room<T>(&self, f: impl FnOnce(&Room) -> T) -> Option<T> {
        self.room().map(|room| f(&room))
    }

    /// A handle to the room for async work (the hook still owns it).
    pub fn room(&self) -> Option<Rc<Room>> {
        self.room.try_get_value().flatten()
    }

    pub fn session(&self, id: PeerId) -> Option<Rc<PeerSession>> {
        self.with_room(|room| room.session(id)).flatten()
    }

    /// Tells every peer whether our microphone and camera are on.
    pub fn set_media_state(&self, mic: bool, cam: bool) {
        self.with_room(|room| room.set_media_state(MediaState { mic, cam }));
    }

    /// The person compared a public room's code with `id`: they match.
    pub fn codes_match(&self, id: PeerId) {
        self.with_room(|room| room.codes_match(id));
    }

    pub fn notify(&self, notice: Notice) {
        self.notices.update(|list| {
            if !list.contains(&notice) {
                list.push(notice);
            }
        });
    }

    /// Sends chat text to everyone; shows it locally, or a notice on failure.
    pub fn send_chat(&self, text: &str) -> bool {
        let text = text.trim();
        if text.is_empty() {
            return false;
        }
        match self.with_room(|room| room.send_chat(text)) {
            Some(Ok(message)) => {
                let line = ChatLine {
                    seq: 0,
                    id: message.id,
                    from: None,
                    name: String::new(),
                    text: message.text,
                    ts: message.ts,
                };
                push_chat(self.chat, line);
                true
            }
            Some(Err(err)) => {
                self.notify(Notice::Chat(err));
                false
            }
            None => false,
        }
    }

    /// Where file-transfer traffic goes (set by the transfers hook).
    pub fn set_transfer_hook(&self, hook: TransferHook) {
        self.transfers.set_value(Some(hook));
    }

    pub fn name_of(&self, id: PeerId) -> String {
        self.peers
            .with_untracked(|peers| peers.iter().find(|p| p.id == id).map(|p| p.name.clone()))
            .unwrap_or_default()
    }

    pub fn leave(&self) {
        if let Some(Some(room)) = self.room.try_update_value(|room| room.take()) {
            room.leave();
        }
    }
}

fn push_chat(chat: RwSignal<Vec<ChatLine>>, mut line: ChatLine) {
    chat.update(|lines| {
        line.seq = lines.last().map_or(0, |last| last.seq + 1);
        lines.push(line);
        if lines.len() > CHAT_HISTORY {
            let excess = lines.len() - CHAT_HISTORY;
            lines.drain(..excess);
        }
    });
}

fn update_peer(
    peers: RwSignal<Vec<PeerView>, LocalStorage>,
    id: PeerId,
    f: impl FnOnce(&mut PeerView),
) {
    peers.update(|list| {
        if let Some(peer) = list.iter_mut().find(|p| p.id == id) {
            f(peer);
        }
    });
}

fn on_room_event(state: UseRoomReturn, event: RoomEvent) {
    match event {
        RoomEvent::Relay(relay) => state.relay.set(relay),
        RoomEvent::PeerJoined { id, name } => state.peers.update(|list| {
            if !list.iter().any(|p| p.id == id) {
                list.push(PeerView {
                    id,
                    name,
                    state: ConnectionState::New,
                    verified: false,
                    code: None,
                    camera: None,
                    screens: Vec::new(),
                    mic_on: None,
                    cam_on: None,
                });
            }
        }),
        RoomEvent::PeerRenamed { id, name } => update_peer(state.peers, id, |p| p.name = name),
        RoomEvent::PeerState {
            id,
            state: connection,
        } => {
            if let Some(hook) = state.transfers.get_value() {
                hook(id, TransferInput::State(connection));
            }
            update_peer(state.peers, id, |p| p.state = connection);
        }
        RoomEvent::PeerStream { id, stream } => update_peer(state.peers, id, |p| {
            let is_camera = p.camera.as_ref().is_none_or(|c| c.id() == stream.id());
            if is_camera {
                p.camera = Some(stream);
            } else if !p.screens.iter().any(|s| s.id() == stream.id()) {
                p.screens.push(stream);
            }
        }),
        RoomEvent::PeerLeft(id) => {
            state.peers.update(|list| list.retain(|p| p.id != id));
            if let Some(hook) = state.transfers.get_value() {
                hook(id, TransferInput::PeerLeft);
            }
        }
        RoomEvent::Chat { from, message } => {
            let name = state.name_of(from);
            push_chat(
                state.chat,
                ChatLine {
                    seq: 0,
                    id: message.id,
                    from: Some(from),
                    name,
                    text: message.text,
                    ts: message.ts,
                },
            );
        }
        RoomEvent::Control { from, message } => {
            if let Some(hook) = state.transfers.get_value() {
                hook(from, TransferInput::Control(message));
            }
        }
        RoomEvent::IncomingChannel { from, channel } => {
            if let Some(hook) = state.transfers.get_value() {
                hook(from, TransferInput::Channel(channel));
            }
        }
        RoomEvent::RoomFull => state.notify(Notice::RoomFull),
        RoomEvent::PeerVerified(id) => update_peer(state.peers, id, |p| p.verified = true),
        RoomEvent::PeerCode { id, code } => update_peer(state.peers, id, |p| p.code = Some(code)),
        RoomEvent::PeerMedia { id, state: media } => update_peer(state.peers, id, |p| {
            p.mic_on = Some(media.mic);
            p.cam_on = Some(media.cam);
        }),
        RoomEvent::Intercepted(_) => state.notify(Notice::Intercepted),
        RoomEvent::ConnectFailed { failure, .. } => state.notify(Notice::ConnectFailed(failure)),
        RoomEvent::Warning(text) => web_sys::console::warn_1(&format!("peerlink: {text}").into()),
    }
}

/// Joins `options.room` once `media` has settled and the ICE servers are
/// known (`ice`: `Some` once decided; it replaces `options.ice`).
pub fn use_room(
    options: RoomOptions,
    media: UseMediaReturn,
    ice: RwSignal<Option<IceConfig>>,
    access: RwSignal<Option<RoomAccess>>,
) -> UseRoomReturn {
    let state = UseRoomReturn {
        me: RwSignal::new(None),
        relay: RwSignal::new(RelayState::Connecting),
        peers: RwSignal::new_local(Vec::new()),
        chat: RwSignal::new(Vec::new()),
        notices: RwSignal::new(Vec::new()),
        room: StoredValue::new_local(None),
        transfers: StoredValue::new_local(None),
    };
    let joined = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(ice) = ice.get() else { return };
        let Some(access) = access.get() else { return };
        if !media.settled.get() || joined.get_value() {
            return;
        }
        joined.set_value(true);
        let tracks = media
            .stream
            .get_untracked()
            .map(|stream| {
                tracks_of(&stream)
                    .into_iter()
                    .map(|t| (t, Clone::clone(&stream)))
                    .collect()
            })
            .unwrap_or_default();
        let secret = match access {
            RoomAccess::Public => None,
            RoomAccess::Private(secret) => Some(secret),
        };
        let options = RoomOptions {
            ice,
            secret,
            ..options.clone()
        };
        match Room::join(options, tracks, move |event| on_room_event(state, event)) {
            Ok(room) => {
                state.me.set(Some(room.me()));
                state.room.set_value(Some(Rc::new(room)));
            }
            Err(err) => state.notify(Notice::Signaling(err)),
        }
    });
    on_cleanup(move || state.leave());
    state
}
