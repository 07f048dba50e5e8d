//! One remote peer: owns its RTCPeerConnection, listeners, data channels and
//! local senders, and carries out what `peerlink_core` decides for it —
//! perfect negotiation (core/src/negotiation.rs) and the ICE-restart policy
//! (core/src/ice_restart.rs). It makes no decision of its own. Dropping a
//! session unhooks every listener and closes the connection.

mod driver;
mod listeners;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use gloo_events::EventListener;
use peerlink_core::{
    ConnectFacts, ConnectionState, IceConnectionState, IceRestart, Negotiation, NegotiationDrops,
    Role,
};
use peerlink_protocol::limits::{MAX_CHANNEL_MESSAGE_BYTES, MAX_CHAT_BYTES};
use peerlink_protocol::{CandidateBody, ChannelMessage, Signal};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamTrack, RtcDataChannel, RtcPeerConnection, RtcRtpSender};

use super::channel::{Channel, ChannelKind};
use super::remote_media::RemoteMedia;
use super::{state, IceConfig, PeerError};
use crate::browser::{js_error_name, Deadline};

#[derive(Debug, Clone)]
pub struct PeerConfig {
    pub ice: IceConfig,
    /// The polite side yields on offer collisions (the smaller peer id).
    pub role: Role,
}

/// What a session reports to its owner.
#[derive(Debug, Clone)]
pub enum PeerEvent {
    /// A description or candidate to deliver to the remote peer.
    Signal(Signal),
    ConnectionState(ConnectionState),
    IceState(IceConnectionState),
    /// A remote media stream appeared (camera, or a screen share).
    RemoteStream(MediaStream),
    ChannelOpen(ChannelKind),
    ChannelClosed(ChannelKind),
    /// A chat or control message from the peer.
    Message(ChannelKind, ChannelMessage),
    /// Text that did not parse, or binary data on chat/control: dropped.
    BadMessage(ChannelKind, String),
    /// A channel the remote side opened (file transfers use `file:<id>`).
    IncomingChannel(RtcDataChannel),
    /// A non-fatal failure (a candidate that did not apply, …).
    Error(PeerError),
}

struct Inner {
    pc: RtcPeerConnection,
    on_event: Box<dyn Fn(PeerEvent)>,
    negotiation: RefCell<Negotiation>,
    ice_restart: RefCell<IceRestart>,
    /// The action loop of `driver` is running.
    driving: Cell<bool>,
    local_tracks: RefCell<Vec<(MediaStreamTrack, MediaStream)>>,
    senders: RefCell<HashMap<String, RtcRtpSender>>,
    channels: RefCell<HashMap<ChannelKind, Channel>>,
    listeners: RefCell<Vec<EventListener>>,
    restart_timer: Deadline,
    remote_media: RefCell<RemoteMedia>,
    /// What diagnosis needs if the connection cannot be made.
    facts: RefCell<ConnectFacts>,
    closed: Cell<bool>,
}

/// A session with one remote peer.
pub struct PeerSession {
    inner: Rc<Inner>,
}

impl PeerSession {
    /// Creates the connection. The impolite side (the opener) attaches its
    /// tracks and channels at once, which starts negotiation; the polite side
    /// waits for the first offer.
    pub fn new(
        config: PeerConfig,
        local_tracks: Vec<(MediaStreamTrack, MediaStream)>,
        on_event: impl Fn(PeerEvent) + 'static,
    ) -> Result<PeerSession, PeerError> {
        let rtc_config = config.ice.rtc_configuration()?;
        let pc = RtcPeerConnection::new_with_configuration(&rtc_config)
            .map_err(|e| PeerError::Create(js_error_name(&e)))?;
        let inner = Rc::new(Inner {
            pc,
            on_event: Box::new(on_event),
            negotiation: RefCell::new(Negotiation::new(config.role)),
            ice_restart: RefCell::new(IceRestart::new(config.role)),
            driving: Cell::new(false),
            local_tracks: RefCell::new(local_tracks),
            senders: RefCell::new(HashMap::new()),
            channels: RefCell::new(HashMap::new()),
            listeners: RefCell::new(Vec::new()),
            restart_timer: Deadline::default(),
            remote_media: RefCell::new(RemoteMedia::default()),
            facts: RefCell::new(ConnectFacts {
                turn_configured: config.ice.has_turn(),
                relay_only: config.ice.policy.relay_only(),
                ..ConnectFacts::default()
            }),
            closed: Cell::new(false),
        });
        listeners::install(&inner);
        driver::drive(&inner);
        Ok(PeerSession { inner })
    }

    /// Queues a description or candidate from the remote peer; the core
    /// applies them in arrival order, one at a time.
    pub fn handle_signal(&self, signal: Signal) {
        if let Signal::Candidate(CandidateBody {
            candidate: Some(_), ..
        }) = &signal
        {
            let mut facts = self.inner.facts.borrow_mut();
            facts.remote_candidates = facts.remote_candidates.saturating_add(1);
        }
        self.inner.negotiation.borrow_mut().remote_signal(signal);
        driver::drive(&self.inner);
    }

    pub fn connection_state(&self) -> ConnectionState {
        state::connection_state(&self.inner.pc)
    }

    pub fn ice_connection_state(&self) -> IceConnectionState {
        state::ice_connection_state(&self.inner.pc)
    }

    /// The DTLS fingerprints of the applied local and remote descriptions
    /// (what key confirmation and the SAS are computed over).
    pub fn fingerprints(&self) -> (Vec<String>, Vec<String>) {
        let read = |d: Option<web_sys::RtcSessionDescription>| {
            d.map(|d| peerlink_core::fingerprints(&d.sdp()))
                .unwrap_or_default()
        };
        (
            read(self.inner.pc.local_description()),
            read(self.inner.pc.remote_description()),
        )
    }

    /// What was observed so far, for naming the step that failed
    /// (`peerlink_core::diagnose`).
    pub fn connect_facts(&self, relay_open: bool) -> ConnectFacts {
        ConnectFacts {
            relay_open,
            ..self.inner.facts.borrow().clone()
        }
    }

    /// Signals negotiation dropped on purpose (collisions, stale, overflow).
    pub fn negotiation_drops(&self) -> NegotiationDrops {
        self.inner.negotiation.borrow().drops()
    }

    pub fn is_channel_open(&self, kind: ChannelKind) -> bool {
        self.inner
            .channels
            .borrow()
            .get(&kind)
            .is_some_and(Channel::is_open)
    }

    /// Sends a chat or control message (JSON text on the channel of `kind`).
    pub fn send(&self, kind: ChannelKind, message: &ChannelMessage) -> Result<(), PeerError> {
        if let ChannelMessage::Chat(chat) = message {
            if chat.text.len() > MAX_CHAT_BYTES {
                return Err(PeerError::MessageTooLarge {
                    size: chat.text.len(),
                    limit: MAX_CHAT_BYTES,
                });
            }
        }
        let text = message.encode();
        if text.len() > MAX_CHANNEL_MESSAGE_BYTES {
            return Err(PeerError::MessageTooLarge {
                size: text.len(),
                limit: MAX_CHANNEL_MESSAGE_BYTES,
            });
        }
        let channels = self.inner.channels.borrow();
        match channels.get(&kind) {
            Some(channel) if channel.is_open() => channel.send_text(&text),
            _ => Err(PeerError::ChannelNotOpen(kind.label())),
        }
    }

    /// Adds a local track (a screen share, a newly enabled camera); the
    /// browser fires `negotiationneeded` and the core renegotiates.
    pub fn add_track(&self, track: &MediaStreamTrack, stream: &MediaStream) {
        self.inner
            .local_tracks
            .borrow_mut()
            .push((Clone::clone(track), Clone::clone(stream)));
        if self.inner.negotiation.borrow().started() {
            attach_track(&self.inner, track, stream);
        }
    }

    /// Stops sending a track (ends a screen share); renegotiates.
    pub fn remove_track(&self, track_id: &str) {
        self.inner
            .local_tracks
            .borrow_mut()
            .retain(|(t, _)| t.id() != track_id);
        if let Some(sender) = self.inner.senders.borrow_mut().remove(track_id) {
            self.inner.pc.remove_track(&sender);
        }
    }

    /// Swaps the track behind a sender (another camera or microphone)
    /// without renegotiation.
    pub async fn replace_track(
        &self,
        old_track_id: &str,
        track: &MediaStreamTrack,
    ) -> Result<(), PeerError> {
        let sender = self.inner.senders.borrow().get(old_track_id).cloned();
        if let Some(sender) = sender {
            JsFuture::from(sender.replace_track(Some(track)))
                .await
                .map_err(|e| PeerError::ReplaceTrack(js_error_name(&e)))?;
            let mut senders = self.inner.senders.borrow_mut();
            senders.remove(old_track_id);
            senders.insert(track.id(), sender);
        }
        for (local, _) in self.inner.local_tracks.borrow_mut().iter_mut() {
            if local.id() == old_track_id {
                *local = Clone::clone(track);
            }
        }
        Ok(())
    }

    /// Restarts ICE (new candidates, same session). Only the impolite side
    /// does this on its own; anyone may ask for it.
    pub fn restart_ice(&self) {
        listeners::restart_ice(&self.inner);
    }

    /// Opens a data channel of our own (a file transfer's `file:<id>`).
    pub fn create_channel(&self, label: &str) -> RtcDataChannel {
        let init = web_sys::RtcDataChannelInit::new();
        init.set_ordered(true);
        self.inner
            .pc
            .create_data_channel_with_data_channel_dict(label, &init)
    }

    /// The underlying connection, for statistics.
    pub fn connection(&self) -> &RtcPeerConnection {
        &self.inner.pc
    }

    /// The SCTP transport's maxMessageSize, once known.
    pub fn max_message_size(&self) -> Option<f64> {
        // web-sys binds neither `sctp` nor `RTCSctpTransport`.
        let sctp = js_sys::Reflect::get(&self.inner.pc, &"sctp".into()).ok()?;
        if sctp.is_null() || sctp.is_undefined() {
            return None;
        }
        js_sys::Reflect::get(&sctp, &"maxMessageSize".into())
            .ok()?
            .as_f64()
    }
}

impl Drop for PeerSession {
    fn drop(&mut self) {
        let inner = &self.inner;
        inner.closed.set(true);
        inner.listeners.borrow_mut().clear();
        inner.restart_timer.clear();
        inner.channels.borrow_mut().clear();
        inner.pc.close();
    }
}

fn emit(inner: &Inner, event: PeerEvent) {
    if !inner.closed.get() {
        (inner.on_event)(event);
    }
}

/// Attaches local tracks and the negotiated channels (the core says when).
fn start(inner: &Rc<Inner>) {
    let tracks = inner.local_tracks.borrow().clone();
    for (track, stream) in &tracks {
        attach_track(inner, track, stream);
    }
    for kind in [ChannelKind::Chat, ChannelKind::Control] {
        let channel = listeners::negotiated_channel(inner, kind);
        inner.channels.borrow_mut().insert(kind, channel);
    }
}

fn attach_track(inner: &Inner, track: &MediaStreamTrack, stream: &MediaStream) {
    if inner.senders.borrow().contains_key(&track.id()) {
        return;
    }
    let sender = inner.pc.add_track_0(track, stream);
    inner.senders.borrow_mut().insert(track.id(), sender);
}
