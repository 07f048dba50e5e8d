//! A room: presence on the relay plus one `PeerSession` per remote peer
//! (full mesh). It owns the sessions and carries out what
//! `peerlink_core::RoomRules` decides under the untrusted-relay rules (room
//! cap, connect timeout, what may end a session, which relay signals a live
//! link still takes — see core/src/room.rs). Plain Rust; no leptos.

mod dispatch;
mod trust;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use std::time::Duration;

use gloo_events::EventListener;
use peerlink_core::{
    ChatFilter, ConnectFailure, ConnectionState, RoomConfig, RoomKeys, RoomRules, TrustMode,
};
use peerlink_protocol::{ChannelMessage, ChatMessage, PeerId};
use web_sys::{MediaStream, MediaStreamTrack, RtcDataChannel};

use crate::browser::{now_ms, random_bytes, Deadline};
use crate::rtc::{ChannelKind, IceConfig, PeerError, PeerSession};
use crate::signaling::{DropCounts, Presence, PresenceOptions, RelayState, SignalingError};

#[derive(Debug, Clone)]
pub struct RoomOptions {
    pub relay_url: String,
    pub room: String,
    pub name: String,
    pub ice: IceConfig,
    /// A private room's secret (from the link): signaling is sealed and every
    /// session must prove it holds the secret. `None`: a public room.
    pub secret: Option<Vec<u8>>,
    /// Session cap, connect timeout, failed grace, in-band grace.
    pub rules: RoomConfig,
    /// Between hellos; a silent peer is gone after three.
    pub hello_interval: Duration,
}

impl RoomOptions {
    pub fn new(relay_url: &str, room: &str, name: &str, ice: IceConfig) -> RoomOptions {
        RoomOptions {
            relay_url: relay_url.to_string(),
            room: room.to_string(),
            name: name.to_string(),
            ice,
            secret: None,
            rules: RoomConfig::default(),
            hello_interval: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone)]
pub enum RoomEvent {
    Relay(RelayState),
    PeerJoined {
        id: PeerId,
        name: String,
    },
    PeerRenamed {
        id: PeerId,
        name: String,
    },
    PeerState {
        id: PeerId,
        state: ConnectionState,
    },
    PeerStream {
        id: PeerId,
        stream: MediaStream,
    },
    PeerLeft(PeerId),
    Chat {
        from: PeerId,
        message: ChatMessage,
    },
    /// File transfer messages on the control channel.
    Control {
        from: PeerId,
        message: ChannelMessage,
    },
    /// A channel the peer opened (a file transfer).
    IncomingChannel {
        from: PeerId,
        channel: RtcDataChannel,
    },
    /// The peer proved it holds the room secret, or the person said the
    /// codes match.
    PeerVerified(PeerId),
    /// Key confirmation failed: someone sits in the middle. The session is
    /// closed (a `PeerLeft` follows).
    Intercepted(PeerId),
    /// A public room's code to compare with the peer by voice.
    PeerCode {
        id: PeerId,
        code: String,
    },
    /// A session could not be made (or did not recover): the step that
    /// failed. The session is closed (a `PeerLeft` follows).
    ConnectFailed {
        id: PeerId,
        failure: ConnectFailure,
    },
    /// More peers want in than the session cap allows.
    RoomFull,
    /// The peer switched its microphone or camera on or off.
    PeerMedia {
        id: PeerId,
        state: MediaState,
    },
    /// Something went wrong but the room goes on (logged, not shown).
    Warning(String),
}

struct Inner {
    options: RoomOptions,
    me: PeerId,
    presence: RefCell<Option<Presence>>,
    rules: RefCell<RoomRules>,
    chat_filter: RefCell<ChatFilter>,
    sessions: RefCell<HashMap<PeerId, Rc<PeerSession>>>,
    local_tracks: RefCell<Vec<(MediaStreamTrack, MediaStream)>>,
    on_event: Box<dyn Fn(RoomEvent)>,
    timer: Deadline,
    /// A closing tab says goodbye on every control channel (pagehide).
    pagehide: RefCell<Option<EventListener>>,
    left: Cell<bool>,
    /// Our microphone and camera on/off, told to every peer.
    media: Cell<MediaState>,
}

/// Whether our microphone and camera are on (both until told otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaState {
    pub mic: bool,
    pub cam: bool,
}

impl MediaState {
    fn message(self) -> ChannelMessage {
        ChannelMessage::Media {
            mic: self.mic,
            cam: self.cam,
        }
    }
}

/// A joined room; dropping it leaves (goodbyes on every control channel and a
/// `bye` through the relay) and closes every connection.
pub struct Room {
    inner: Rc<Inner>,
}

impl Room {
    pub fn join(
        options: RoomOptions,
        local_tracks: Vec<(MediaStreamTrack, MediaStream)>,
        on_event: impl Fn(RoomEvent) + 'static,
    ) -> Result<Room, SignalingError> {
        let mut presence_options =
            PresenceOptions::new(&options.relay_url, &options.room, &options.name);
        presence_options.config.hello_interval = options.hello_interval;
        presence_options.config.max_tracked = options.rules.max_sessions.saturating_mul(4).max(16);
        presence_options.secret = options.secret.clone();
        let mode = match &options.secret {
            Some(secret) => TrustMode::Private(RoomKeys::new(secret)),
            None => TrustMode::Public,
        };
        let mut failure = None;
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let weak = weak.clone();
            let presence = Presence::join(presence_options, move |event| {
                if let Some(inner) = weak.upgrade() {
                    dispatch::on_presence_event(&inner, event);
                }
            });
            let presence = presence.map_err(|err| failure = Some(err)).ok();
            let me = presence
                .as_ref()
                .map(Presence::me)
                .unwrap_or_else(|| PeerId::from_bytes(random_bytes::<16>()));
            Inner {
                rules: RefCell::new(RoomRules::new(me, options.rules.clone(), mode)),
                chat_filter: RefCell::new(ChatFilter::default()),
                options,
                me,
                presence: RefCell::new(presence),
                sessions: RefCell::new(HashMap::new()),
                local_tracks: RefCell::new(local_tracks),
                on_event: Box::new(on_event),
                timer: Deadline::default(),
                pagehide: RefCell::new(None),
                left: Cell::new(false),
                media: Cell::new(MediaState {
                    mic: true,
                    cam: true,
                }),
            }
        });
        if let Some(err) = failure {
            return Err(err);
        }
        if let Some(window) = web_sys::window() {
            let weak = Rc::downgrade(&inner);
            *inner.pagehide.borrow_mut() =
                Some(EventListener::new(&window, "pagehide", move |_| {
                    if let Some(inner) = weak.upgrade() {
                        leave(&inner);
                    }
                }));
        }
        Ok(Room { inner })
    }

    pub fn me(&self) -> PeerId {
        self.inner.me
    }

    pub fn relay_state(&self) -> RelayState {
        self.inner
            .presence
            .borrow()
            .as_ref()
            .map(|p| p.relay_state())
            .unwrap_or(RelayState::Closed)
    }

    pub fn signaling_drops(&self) -> DropCounts {
        self.inner
            .presence
            .borrow()
            .as_ref()
            .map(|p| p.drops())
            .unwrap_or_default()
    }

    /// Relay signals ignored because they named a peer whose link is up.
    pub fn ignored_relay_signals(&self) -> u32 {
        self.inner.rules.borrow().ignored_relay_signals()
    }

    pub fn peers(&self) -> Vec<PeerId> {
        self.inner.sessions.borrow().keys().copied().collect()
    }

    pub fn session(&self, id: PeerId) -> Option<Rc<PeerSession>> {
        self.inner.sessions.borrow().get(&id).cloned()
    }

    /// Sends a chat message to every peer whose chat channel is open and
    /// returns it (for the local transcript). Text-only; ≤ 4 KiB.
    pub fn send_chat(&self, text: &str) -> Result<ChatMessage, PeerError> {
        let message = ChatMessage {
            id: PeerId::from_bytes(random_bytes::<16>()).short(),
            text: text.to_string(),
            ts: now_ms(),
        };
        let wire = ChannelMessage::Chat(message.clone());
        for session in self.all_sessions() {
            if session.is_channel_open(ChannelKind::Chat) {
                session.send(ChannelKind::Chat, &wire)?;
            }
        }
        Ok(message)
    }

    /// Our microphone or camera was switched: every connected peer is told
    /// (and each new one when its control channel opens).
    pub fn set_media_state(&self, state: MediaState) {
        if self.inner.media.replace(state) == state {
            return;
        }
        for session in self.all_sessions() {
            if session.is_channel_open(ChannelKind::Control) {
                // A closed channel only loses a mark; the next open resends it.
                let _ = session.send(ChannelKind::Control, &state.message());
            }
        }
    }

    /// The person compared a public room's code with the peer: they match.
    pub fn codes_match(&self, id: PeerId) {
        self.inner.rules.borrow_mut().codes_match(id);
        dispatch::apply(&self.inner);
    }

    /// True if this room is private (sealed, with key confirmation).
    pub fn is_private(&self) -> bool {
        self.inner.options.secret.is_some()
    }

    /// Sends a control message to one peer.
    pub fn send_control(&self, to: PeerId, message: &ChannelMessage) -> Result<(), PeerError> {
        match self.session(to) {
            Some(session) => session.send(ChannelKind::Control, message),
            None => Err(PeerError::ChannelNotOpen("control")),
        }
    }

    /// Starts sending a new local track (screen share) to everyone.
    pub fn add_local_track(&self, track: &MediaStreamTrack, stream: &MediaStream) {
        self.inner
            .local_tracks
            .borrow_mut()
            .push((Clone::clone(track), Clone::clone(stream)));
        for session in self.all_sessions() {
            session.add_track(track, stream);
        }
    }

    pub fn remove_local_track(&self, track_id: &str) {
        self.inner
            .local_tracks
            .borrow_mut()
            .retain(|(t, _)| t.id() != track_id);
        for session in self.all_sessions() {
            session.remove_track(track_id);
        }
    }

    /// Switches a camera or microphone on every connection (replaceTrack).
    pub async fn replace_local_track(
        &self,
        old_id: &str,
        track: &MediaStreamTrack,
    ) -> Result<(), PeerError> {
        for (local, _) in self.inner.local_tracks.borrow_mut().iter_mut() {
            if local.id() == old_id {
                *local = Clone::clone(track);
            }
        }
        for session in self.all_sessions() {
            session.replace_track(old_id, track).await?;
        }
        Ok(())
    }

    fn all_sessions(&self) -> Vec<Rc<PeerSession>> {
        self.inner.sessions.borrow().values().cloned().collect()
    }

    /// Leaves the room: goodbyes, then every connection closes.
    pub fn leave(&self) {
        leave(&self.inner);
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        leave(&self.inner);
    }
}

fn emit(inner: &Inner, event: RoomEvent) {
    if !inner.left.get() {
        (inner.on_event)(event);
    }
}

fn leave(inner: &Inner) {
    if inner.left.replace(true) {
        return;
    }
    inner.pagehide.borrow_mut().take();
    inner.timer.clear();
    let sessions: Vec<Rc<PeerSession>> = inner
        .sessions
        .borrow_mut()
        .drain()
        .map(|(_, session)| session)
        .collect();
    for session in &sessions {
        // Best effort: a channel that is not open has nobody to tell.
        let _ = session.send(ChannelKind::Control, &ChannelMessage::Bye);
    }
    drop(sessions);
    inner.presence.borrow_mut().take();
}
