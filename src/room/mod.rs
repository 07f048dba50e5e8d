//! A room: presence on the relay plus one `PeerSession` per remote peer
//! (full mesh). Decides when sessions start and end under the untrusted-relay
//! rules: at most `max_sessions`; a session that has not connected within
//! `connect_timeout_ms` is dropped; once connected, only the connection
//! itself (its state, or a goodbye/close on its control channel) ends it —
//! never a `bye` or missed hellos arriving through the relay. Plain Rust over
//! `rtc` and `signaling`; no leptos.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use peerlink_protocol::{ChannelMessage, ChatMessage, PeerId};
use web_sys::{MediaStream, MediaStreamTrack, RtcDataChannel};

use crate::browser::{now_ms, random_bytes, Timeout};
use crate::rtc::{ChannelKind, IceConfig, PeerConfig, PeerError, PeerEvent, PeerSession};
use crate::signaling::{
    DropCounts, Presence, PresenceEvent, PresenceOptions, RelayState, SignalingError,
};

#[derive(Debug, Clone)]
pub struct RoomOptions {
    pub relay_url: String,
    pub room: String,
    pub name: String,
    pub ice: IceConfig,
    /// Most peer sessions at once; further peers see "room full".
    pub max_sessions: usize,
    /// A session that has not connected by then is dropped.
    pub connect_timeout_ms: u32,
    /// A connected session whose connection failed and did not recover by then is dropped.
    pub failed_grace_ms: u32,
    pub hello_interval_ms: u32,
}

impl RoomOptions {
    pub fn new(relay_url: &str, room: &str, name: &str, ice: IceConfig) -> RoomOptions {
        RoomOptions {
            relay_url: relay_url.to_string(),
            room: room.to_string(),
            name: name.to_string(),
            ice,
            max_sessions: 16,
            connect_timeout_ms: 30_000,
            failed_grace_ms: 20_000,
            hello_interval_ms: 5_000,
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
        state: String,
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
    /// More peers want in than `max_sessions` allows.
    RoomFull,
    /// Something went wrong but the room goes on.
    Warning(String),
}

struct Entry {
    session: Rc<PeerSession>,
    connected_once: bool,
    /// Connect timeout before the first connection; failure grace after.
    timer: Option<Timeout>,
    /// When our control channel to this peer opened (ms since the epoch).
    control_open_at: Option<f64>,
}

/// Relay signals are still taken this long after the control channel opens:
/// the peer switches to in-band at its own moment, and a signal it sent
/// through the relay just before must not be lost in the crossing.
const IN_BAND_GRACE_MS: f64 = 1_500.0;

struct Inner {
    options: RoomOptions,
    me: PeerId,
    presence: RefCell<Option<Presence>>,
    sessions: RefCell<HashMap<PeerId, Entry>>,
    local_tracks: RefCell<Vec<(MediaStreamTrack, MediaStream)>>,
    on_event: Box<dyn Fn(RoomEvent)>,
    full_reported_at: Cell<f64>,
    /// Relay signals dropped because the peer's link negotiates in-band.
    ignored_relay_signals: Cell<u32>,
    /// A closing tab says goodbye on every control channel (pagehide).
    pagehide: RefCell<Option<EventListener>>,
    left: Cell<bool>,
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
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let mut presence_options =
                PresenceOptions::new(&options.relay_url, &options.room, &options.name);
            presence_options.hello_interval_ms = options.hello_interval_ms;
            presence_options.max_tracked = options.max_sessions.saturating_mul(4).max(16);
            let weak = weak.clone();
            let presence = Presence::join(presence_options, move |event| {
                if let Some(inner) = weak.upgrade() {
                    on_presence_event(&inner, event);
                }
            });
            let (presence, me) = match presence {
                Ok(p) => {
                    let me = p.me();
                    (Some(p), me)
                }
                Err(_) => (None, PeerId::from_bytes(random_bytes::<16>())),
            };
            Inner {
                options,
                me,
                presence: RefCell::new(presence),
                sessions: RefCell::new(HashMap::new()),
                local_tracks: RefCell::new(local_tracks),
                on_event: Box::new(on_event),
                full_reported_at: Cell::new(0.0),
                ignored_relay_signals: Cell::new(0),
                pagehide: RefCell::new(None),
                left: Cell::new(false),
            }
        });
        if let Some(window) = web_sys::window() {
            let weak = Rc::downgrade(&inner);
            *inner.pagehide.borrow_mut() =
                Some(EventListener::new(&window, "pagehide", move |_| {
                    if let Some(inner) = weak.upgrade() {
                        leave(&inner);
                    }
                }));
        }
        if inner.presence.borrow().is_none() {
            // Presence::join only fails on a bad relay URL; report it typed.
            return Err(SignalingError::BadRelayUrl(inner.options.relay_url.clone()));
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
        self.inner.ignored_relay_signals.get()
    }

    pub fn peers(&self) -> Vec<PeerId> {
        self.inner.sessions.borrow().keys().copied().collect()
    }

    pub fn session(&self, id: PeerId) -> Option<Rc<PeerSession>> {
        self.inner
            .sessions
            .borrow()
            .get(&id)
            .map(|e| e.session.clone())
    }

    /// Sends a chat message to every peer whose chat channel is open and
    /// returns it (for the local transcript). Text-only; ≤ 4 KiB.
    pub fn send_chat(&self, text: &str) -> Result<ChatMessage, PeerError> {
        let id = PeerId::from_bytes(random_bytes::<16>()).short();
        let message = ChatMessage {
            id,
            text: text.to_string(),
            ts: now_ms(),
        };
        let wire = ChannelMessage::Chat(message.clone());
        for session in self.open_sessions(ChannelKind::Chat) {
            session.send(ChannelKind::Chat, &wire)?;
        }
        Ok(message)
    }

    /// Sends a control message to one peer.
    pub fn send_control(&self, to: PeerId, message: &ChannelMessage) -> Result<(), PeerError> {
        match self.session(to) {
            Some(session) => session.send(ChannelKind::Control, message),
            None => Err(PeerError::ChannelNotOpen("control")),
        }
    }

    fn open_sessions(&self, kind: ChannelKind) -> Vec<Rc<PeerSession>> {
        self.inner
            .sessions
            .borrow()
            .values()
            .map(|e| e.session.clone())
            .filter(|s| s.is_channel_open(kind))
            .collect()
    }

    /// Starts sending a new local track (screen share) to everyone.
    pub fn add_local_track(&self, track: &MediaStreamTrack, stream: &MediaStream) {
        self.inner
            .local_tracks
            .borrow_mut()
            .push((Clone::clone(track), Clone::clone(stream)));
        for session in self.all_sessions() {
            if let Err(err) = session.add_track(track, stream) {
                (self.inner.on_event)(RoomEvent::Warning(err.to_string()));
            }
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
        self.inner
            .sessions
            .borrow()
            .values()
            .map(|e| e.session.clone())
            .collect()
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
    let sessions: Vec<Entry> = inner
        .sessions
        .borrow_mut()
        .drain()
        .map(|(_, e)| e)
        .collect();
    for entry in &sessions {
        let _ = entry
            .session
            .send(ChannelKind::Control, &ChannelMessage::Bye);
    }
    drop(sessions);
    inner.presence.borrow_mut().take();
}

fn on_presence_event(inner: &Rc<Inner>, event: PresenceEvent) {
    match event {
        PresenceEvent::Relay(state) => emit(inner, RoomEvent::Relay(state)),
        PresenceEvent::PeerSeen { id, name } => {
            if inner.sessions.borrow().contains_key(&id) {
                emit(inner, RoomEvent::PeerRenamed { id, name });
            } else {
                open_session(inner, id, name);
            }
        }
        PresenceEvent::PeerGone(id) => {
            let unconnected = inner
                .sessions
                .borrow()
                .get(&id)
                .is_some_and(|e| !e.connected_once);
            if unconnected {
                remove_peer(inner, id);
            }
        }
        PresenceEvent::Signal { from, signal } => {
            let session = inner
                .sessions
                .borrow()
                .get(&from)
                .map(|e| e.session.clone());
            let settled = inner
                .sessions
                .borrow()
                .get(&from)
                .and_then(|e| e.control_open_at)
                .is_some_and(|at| now_ms() - at > IN_BAND_GRACE_MS);
            match session {
                // A live link negotiates over its own channel: whatever the
                // relay claims this peer said is not from them.
                Some(session) if settled && session.negotiates_in_band() => inner
                    .ignored_relay_signals
                    .set(inner.ignored_relay_signals.get() + 1),
                Some(session) => session.handle_signal(signal),
                None => {}
            }
        }
    }
}

fn open_session(inner: &Rc<Inner>, id: PeerId, name: String) {
    if inner.sessions.borrow().len() >= inner.options.max_sessions {
        // Say it at most every 10 s, however many hellos keep coming.
        if now_ms() - inner.full_reported_at.get() > 10_000.0 {
            inner.full_reported_at.set(now_ms());
            emit(inner, RoomEvent::RoomFull);
        }
        if let Some(presence) = inner.presence.borrow().as_ref() {
            presence.forget(id);
        }
        return;
    }
    let weak = Rc::downgrade(inner);
    let config = PeerConfig {
        ice: inner.options.ice.clone(),
        polite: inner.me < id,
    };
    let tracks = inner.local_tracks.borrow().clone();
    let session = PeerSession::new(config, tracks, move |event| {
        if let Some(inner) = weak.upgrade() {
            on_peer_event(&inner, id, event);
        }
    });
    let session = match session {
        Ok(session) => Rc::new(session),
        Err(err) => return emit(inner, RoomEvent::Warning(err.to_string())),
    };
    let timer = drop_timer(inner, id, inner.options.connect_timeout_ms);
    inner.sessions.borrow_mut().insert(
        id,
        Entry {
            session,
            connected_once: false,
            timer: Some(timer),
            control_open_at: None,
        },
    );
    emit(inner, RoomEvent::PeerJoined { id, name });
}

/// Drops the peer after `ms` unless the timer is cancelled first.
fn drop_timer(inner: &Rc<Inner>, id: PeerId, ms: u32) -> Timeout {
    let weak = Rc::downgrade(inner);
    Timeout::new(ms, move || {
        if let Some(inner) = weak.upgrade() {
            remove_peer(&inner, id);
        }
    })
}

fn remove_peer(inner: &Inner, id: PeerId) {
    let entry = inner.sessions.borrow_mut().remove(&id);
    if let Some(presence) = inner.presence.borrow().as_ref() {
        presence.forget(id);
    }
    if let Some(entry) = entry {
        drop(entry);
        emit(inner, RoomEvent::PeerLeft(id));
    }
}

fn on_peer_event(inner: &Rc<Inner>, id: PeerId, event: PeerEvent) {
    match event {
        PeerEvent::Signal(signal) => {
            let session = inner.sessions.borrow().get(&id).map(|e| e.session.clone());
            if let Some(session) = session.filter(|s| s.negotiates_in_band()) {
                let message = ChannelMessage::Negotiate {
                    data: signal.encode_sealable(),
                };
                if session.send(ChannelKind::Control, &message).is_ok() {
                    return;
                }
            }
            if let Some(presence) = inner.presence.borrow().as_ref() {
                presence.send(id, signal);
            }
        }
        PeerEvent::Message(ChannelKind::Control, ChannelMessage::Negotiate { data }) => {
            match peerlink_protocol::Signal::decode_sealable(&data) {
                Ok(signal) => {
                    let session = inner.sessions.borrow().get(&id).map(|e| e.session.clone());
                    if let Some(session) = session {
                        session.handle_signal(signal);
                    }
                }
                Err(err) => emit(
                    inner,
                    RoomEvent::Warning(format!("bad in-band signal: {err}")),
                ),
            }
        }
        PeerEvent::ConnectionState(state) => {
            on_connection_state(inner, id, &state);
            emit(inner, RoomEvent::PeerState { id, state });
        }
        PeerEvent::RemoteStream(stream) => emit(inner, RoomEvent::PeerStream { id, stream }),
        PeerEvent::ChannelClosed(ChannelKind::Control) => {
            // A closing tab tears down SCTP: the control channel closes.
            let connected = inner
                .sessions
                .borrow()
                .get(&id)
                .is_some_and(|e| e.connected_once);
            if connected {
                remove_peer(inner, id);
            }
        }
        PeerEvent::Message(ChannelKind::Chat, ChannelMessage::Chat(message)) => {
            emit(inner, RoomEvent::Chat { from: id, message })
        }
        PeerEvent::Message(ChannelKind::Control, ChannelMessage::Bye) => remove_peer(inner, id),
        PeerEvent::Message(ChannelKind::Control, message) => {
            emit(inner, RoomEvent::Control { from: id, message })
        }
        PeerEvent::Message(kind, _) => emit(
            inner,
            RoomEvent::Warning(format!(
                "unexpected message on the {} channel",
                kind.label()
            )),
        ),
        PeerEvent::BadMessage(kind, why) => emit(
            inner,
            RoomEvent::Warning(format!("dropped a bad {} message: {why}", kind.label())),
        ),
        PeerEvent::IncomingChannel(channel) => {
            emit(inner, RoomEvent::IncomingChannel { from: id, channel })
        }
        PeerEvent::Error(err) => emit(inner, RoomEvent::Warning(err.to_string())),
        PeerEvent::ChannelOpen(ChannelKind::Chat) => {
            // A Performance API mark: how long joining took, for benchmarks
            // and for anyone profiling in devtools.
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark(&format!("peerlink:chat-open:{id}"));
            }
        }
        PeerEvent::ChannelOpen(ChannelKind::Control) => {
            if let Some(entry) = inner.sessions.borrow_mut().get_mut(&id) {
                entry.control_open_at.get_or_insert(now_ms());
            }
        }
        PeerEvent::ChannelClosed(_) | PeerEvent::IceState(_) => {}
    }
}

fn on_connection_state(inner: &Rc<Inner>, id: PeerId, state: &str) {
    match state {
        "connected" => {
            if let Some(entry) = inner.sessions.borrow_mut().get_mut(&id) {
                entry.connected_once = true;
                entry.timer = None;
            }
            if let Some(presence) = inner.presence.borrow().as_ref() {
                presence.set_connected(id, true);
            }
        }
        "failed" => {
            // ICE restart is under way (impolite side); give it time.
            let grace = inner.options.failed_grace_ms;
            let timer = drop_timer(inner, id, grace);
            if let Some(entry) = inner.sessions.borrow_mut().get_mut(&id) {
                entry.timer = Some(timer);
            }
        }
        "closed" => remove_peer(inner, id),
        _ => {}
    }
}
