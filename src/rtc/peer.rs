//! One remote peer: owns its RTCPeerConnection, listeners, data channels,
//! candidate queue and negotiation flags. Implements W3C "perfect
//! negotiation" (either side may offer at any time; on a collision the
//! polite side rolls back, the impolite side ignores the incoming offer),
//! trickle ICE (candidates sent as gathered; those arriving before the remote
//! description are queued and applied in order right after it), strictly
//! ordered description handling, and ICE restarts by the impolite side.
//! Dropping a session unhooks every listener and closes the connection.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use peerlink_protocol::limits::{MAX_CHANNEL_MESSAGE_BYTES, MAX_CHAT_BYTES};
use peerlink_protocol::{CandidateBody, ChannelMessage, DescriptionBody, SdpKind, Signal};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    MediaStream, MediaStreamTrack, RtcConfiguration, RtcDataChannel, RtcDataChannelEvent,
    RtcIceCandidateInit, RtcPeerConnection, RtcPeerConnectionIceEvent, RtcRtpSender, RtcSdpType,
    RtcSessionDescriptionInit, RtcSignalingState, RtcTrackEvent,
};

use super::channel::{Channel, ChannelEvent, ChannelKind};
use super::{js, IceConfig, PeerError};
use crate::browser::{js_error_name, Timeout};

/// How long `iceConnectionState` may stay `disconnected` before a restart.
const DISCONNECTED_GRACE_MS: u32 = 5_000;

#[derive(Debug, Clone)]
pub struct PeerConfig {
    pub ice: IceConfig,
    /// The polite side yields on offer collisions (the smaller peer id).
    pub polite: bool,
}

/// What a session reports to its owner.
#[derive(Debug, Clone)]
pub enum PeerEvent {
    /// A description or candidate to deliver to the remote peer.
    Signal(Signal),
    /// `connectionState`: new, connecting, connected, disconnected, failed, closed.
    ConnectionState(String),
    /// `iceConnectionState`, for diagnostics.
    IceState(String),
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
    polite: bool,
    on_event: Box<dyn Fn(PeerEvent)>,
    making_offer: Cell<bool>,
    ignore_offer: Cell<bool>,
    /// Remote candidates that came before the remote description.
    early_candidates: RefCell<Vec<CandidateBody>>,
    /// Signals waiting for their turn: applied strictly one at a time.
    inbox: RefCell<VecDeque<Signal>>,
    draining: Cell<bool>,
    /// Tracks and channels are attached once: at once by the opener, on the
    /// first remote offer by the other side (so its tracks ride the answer).
    started: Cell<bool>,
    local_tracks: RefCell<Vec<(MediaStreamTrack, MediaStream)>>,
    senders: RefCell<HashMap<String, RtcRtpSender>>,
    channels: RefCell<HashMap<ChannelKind, Channel>>,
    listeners: RefCell<Vec<EventListener>>,
    disconnected_timer: RefCell<Option<Timeout>>,
    /// The peer's camera and microphone, gathered into one stream we own.
    camera: RefCell<Option<MediaStream>>,
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
        let rtc_config = RtcConfiguration::new();
        rtc_config.set_ice_servers(&config.ice.to_js()?);
        let pc = RtcPeerConnection::new_with_configuration(&rtc_config)
            .map_err(|e| PeerError::Create(js_error_name(&e)))?;
        let inner = Rc::new(Inner {
            pc,
            polite: config.polite,
            on_event: Box::new(on_event),
            making_offer: Cell::new(false),
            ignore_offer: Cell::new(false),
            early_candidates: RefCell::new(Vec::new()),
            inbox: RefCell::new(VecDeque::new()),
            draining: Cell::new(false),
            started: Cell::new(false),
            local_tracks: RefCell::new(local_tracks),
            senders: RefCell::new(HashMap::new()),
            channels: RefCell::new(HashMap::new()),
            listeners: RefCell::new(Vec::new()),
            disconnected_timer: RefCell::new(None),
            camera: RefCell::new(None),
            closed: Cell::new(false),
        });
        install_listeners(&inner);
        if !inner.polite {
            start(&inner)?;
        }
        Ok(PeerSession { inner })
    }

    /// Queues a description or candidate from the remote peer; they are
    /// applied in arrival order, one at a time.
    pub fn handle_signal(&self, signal: Signal) {
        self.inner.inbox.borrow_mut().push_back(signal);
        if !self.inner.draining.replace(true) {
            let inner = self.inner.clone();
            spawn_local(async move {
                loop {
                    let next = inner.inbox.borrow_mut().pop_front();
                    let Some(signal) = next else { break };
                    if inner.closed.get() {
                        break;
                    }
                    if let Err(err) = apply_signal(&inner, signal).await {
                        (inner.on_event)(PeerEvent::Error(err));
                    }
                }
                inner.draining.set(false);
            });
        }
    }

    pub fn connection_state(&self) -> String {
        js::string_prop(&self.inner.pc, "connectionState")
    }

    pub fn ice_connection_state(&self) -> String {
        js::string_prop(&self.inner.pc, "iceConnectionState")
    }

    /// True while signaling should go over our own control channel: it is
    /// open and ICE is up. Then relay signals for this peer are ignored; when
    /// the link is down (ICE restart), the relay carries them again.
    pub fn negotiates_in_band(&self) -> bool {
        self.is_channel_open(ChannelKind::Control)
            && matches!(
                self.ice_connection_state().as_str(),
                "connected" | "completed"
            )
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
    /// session renegotiates through perfect negotiation.
    pub fn add_track(
        &self,
        track: &MediaStreamTrack,
        stream: &MediaStream,
    ) -> Result<(), PeerError> {
        self.inner
            .local_tracks
            .borrow_mut()
            .push((Clone::clone(track), Clone::clone(stream)));
        if self.inner.started.get() {
            attach_track(&self.inner, track, stream)?;
        }
        Ok(())
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
        restart_ice(&self.inner);
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
        inner.disconnected_timer.borrow_mut().take();
        inner.channels.borrow_mut().clear();
        inner.pc.close();
    }
}

fn emit(inner: &Inner, event: PeerEvent) {
    if !inner.closed.get() {
        (inner.on_event)(event);
    }
}

/// Attaches local tracks and the negotiated channels, once.
fn start(inner: &Rc<Inner>) -> Result<(), PeerError> {
    if inner.started.replace(true) {
        return Ok(());
    }
    let tracks = inner.local_tracks.borrow().clone();
    for (track, stream) in &tracks {
        attach_track(inner, track, stream)?;
    }
    for kind in [ChannelKind::Chat, ChannelKind::Control] {
        let weak = Rc::downgrade(inner);
        let on_event: Rc<dyn Fn(ChannelEvent)> = Rc::new(move |event| {
            if let Some(inner) = weak.upgrade() {
                on_channel_event(&inner, kind, event);
            }
        });
        let channel = Channel::negotiated(&inner.pc, kind, on_event);
        inner.channels.borrow_mut().insert(kind, channel);
    }
    Ok(())
}

fn attach_track(
    inner: &Inner,
    track: &MediaStreamTrack,
    stream: &MediaStream,
) -> Result<(), PeerError> {
    if inner.senders.borrow().contains_key(&track.id()) {
        return Ok(());
    }
    let sender = inner.pc.add_track_0(track, stream);
    inner.senders.borrow_mut().insert(track.id(), sender);
    Ok(())
}

fn on_channel_event(inner: &Inner, kind: ChannelKind, event: ChannelEvent) {
    match event {
        ChannelEvent::Open => emit(inner, PeerEvent::ChannelOpen(kind)),
        ChannelEvent::Closed => emit(inner, PeerEvent::ChannelClosed(kind)),
        ChannelEvent::Text(text) => match ChannelMessage::decode(&text) {
            Ok(message) => emit(inner, PeerEvent::Message(kind, message)),
            Err(err) => emit(inner, PeerEvent::BadMessage(kind, err.to_string())),
        },
        ChannelEvent::Binary(_) => emit(inner, PeerEvent::BadMessage(kind, "binary data".into())),
        ChannelEvent::BufferedLow => {}
    }
}

fn install_listeners(inner: &Rc<Inner>) {
    let listen = |name: &'static str, handler: fn(&Rc<Inner>, &web_sys::Event)| {
        let weak: Weak<Inner> = Rc::downgrade(inner);
        EventListener::new(&inner.pc, name, move |event| {
            if let Some(inner) = weak.upgrade() {
                if !inner.closed.get() {
                    handler(&inner, event);
                }
            }
        })
    };
    let listeners = vec![
        listen("negotiationneeded", |inner, _| make_offer(inner)),
        listen("icecandidate", |inner, event| {
            let event: &RtcPeerConnectionIceEvent = event.unchecked_ref();
            let body = match event.candidate() {
                Some(c) if !c.candidate().is_empty() => CandidateBody {
                    candidate: Some(c.candidate()),
                    sdp_mid: c.sdp_mid(),
                    sdp_m_line_index: c.sdp_m_line_index(),
                    username_fragment: Some(js::string_prop(&c, "usernameFragment"))
                        .filter(|u| !u.is_empty()),
                },
                // Gathering finished: forward the end-of-candidates marker.
                _ => CandidateBody {
                    candidate: None,
                    sdp_mid: None,
                    sdp_m_line_index: None,
                    username_fragment: None,
                },
            };
            emit(inner, PeerEvent::Signal(Signal::Candidate(body)));
        }),
        listen("connectionstatechange", |inner, _| {
            emit(
                inner,
                PeerEvent::ConnectionState(js::string_prop(&inner.pc, "connectionState")),
            );
        }),
        listen("iceconnectionstatechange", |inner, _| on_ice_state(inner)),
        listen("track", |inner, event| {
            let event: &RtcTrackEvent = event.unchecked_ref();
            on_remote_track(inner, event.track());
        }),
        listen("datachannel", |inner, event| {
            let event: &RtcDataChannelEvent = event.unchecked_ref();
            emit(inner, PeerEvent::IncomingChannel(event.channel()));
        }),
    ];
    *inner.listeners.borrow_mut() = listeners;
}

/// Groups remote tracks into streams we own: the first audio and the first
/// video track form the camera stream; any further video track is a screen
/// share with a stream of its own. (Not trusting msid keeps this the same
/// across browsers and across renegotiations.)
fn on_remote_track(inner: &Inner, track: MediaStreamTrack) {
    let kind = track.kind();
    let camera = inner.camera.borrow().clone();
    let camera = match camera {
        Some(stream) => stream,
        None => {
            let Ok(stream) = MediaStream::new() else {
                return;
            };
            *inner.camera.borrow_mut() = Some(Clone::clone(&stream));
            stream
        }
    };
    let has_kind = |stream: &MediaStream| {
        let tracks = if kind == "audio" {
            stream.get_audio_tracks()
        } else {
            stream.get_video_tracks()
        };
        tracks.iter().any(|t| {
            t.unchecked_into::<MediaStreamTrack>().ready_state()
                == web_sys::MediaStreamTrackState::Live
        })
    };
    if !has_kind(&camera) {
        camera.add_track(&track);
        emit(inner, PeerEvent::RemoteStream(camera));
    } else if kind == "video" {
        let Ok(screen) = MediaStream::new() else {
            return;
        };
        screen.add_track(&track);
        emit(inner, PeerEvent::RemoteStream(screen));
    }
}

fn on_ice_state(inner: &Rc<Inner>) {
    let state = js::string_prop(&inner.pc, "iceConnectionState");
    match state.as_str() {
        "failed" => {
            inner.disconnected_timer.borrow_mut().take();
            if !inner.polite {
                restart_ice(inner);
            }
        }
        "disconnected" => {
            let weak = Rc::downgrade(inner);
            let timer = Timeout::new(DISCONNECTED_GRACE_MS, move || {
                if let Some(inner) = weak.upgrade() {
                    let still = js::string_prop(&inner.pc, "iceConnectionState") == "disconnected";
                    if still && !inner.polite && !inner.closed.get() {
                        restart_ice(&inner);
                    }
                }
            });
            *inner.disconnected_timer.borrow_mut() = Some(timer);
        }
        _ => {
            inner.disconnected_timer.borrow_mut().take();
        }
    }
    emit(inner, PeerEvent::IceState(state));
}

fn restart_ice(inner: &Rc<Inner>) {
    let pc = inner.pc.clone();
    spawn_local(async move {
        // restartIce() fires negotiationneeded, which sends a new offer.
        let _ = js::call0(&pc, "restartIce").await;
    });
}

/// `onnegotiationneeded`: set an implicit local description and send it.
fn make_offer(inner: &Rc<Inner>) {
    let inner = inner.clone();
    spawn_local(async move {
        inner.making_offer.set(true);
        let result = set_local_description(&inner).await;
        inner.making_offer.set(false);
        if let Err(err) = result {
            emit(&inner, PeerEvent::Error(err));
        }
    });
}

/// Argument-less setLocalDescription (creates the right offer or answer,
/// rollback-safe), then sends the result.
async fn set_local_description(inner: &Inner) -> Result<(), PeerError> {
    js::call0(&inner.pc, "setLocalDescription")
        .await
        .map_err(|e| PeerError::SetLocalDescription(js_error_name(&e)))?;
    if let Some(description) = inner.pc.local_description() {
        let kind = match description.type_() {
            RtcSdpType::Offer => SdpKind::Offer,
            RtcSdpType::Answer => SdpKind::Answer,
            _ => return Ok(()),
        };
        emit(
            inner,
            PeerEvent::Signal(Signal::Description(DescriptionBody {
                kind,
                sdp: description.sdp(),
            })),
        );
    }
    Ok(())
}

async fn apply_signal(inner: &Rc<Inner>, signal: Signal) -> Result<(), PeerError> {
    match signal {
        Signal::Description(description) => apply_description(inner, description).await,
        Signal::Candidate(candidate) => {
            if inner.pc.remote_description().is_none() {
                // The tutorial pitfall: a candidate before the description it
                // belongs to. Keep it; it is applied right after.
                inner.early_candidates.borrow_mut().push(candidate);
                return Ok(());
            }
            add_candidate(inner, &candidate).await
        }
        // Presence signals never reach a session.
        Signal::Hello(_) | Signal::Bye => Ok(()),
    }
}

async fn apply_description(
    inner: &Rc<Inner>,
    description: DescriptionBody,
) -> Result<(), PeerError> {
    let is_offer = description.kind == SdpKind::Offer;
    let stable = inner.pc.signaling_state() == RtcSignalingState::Stable;
    let collision = is_offer && (inner.making_offer.get() || !stable);
    inner.ignore_offer.set(!inner.polite && collision);
    if inner.ignore_offer.get() {
        return Ok(());
    }
    let init = RtcSessionDescriptionInit::new(if is_offer {
        RtcSdpType::Offer
    } else {
        RtcSdpType::Answer
    });
    init.set_sdp(&description.sdp);
    // On a collision this implicitly rolls back our own offer first.
    JsFuture::from(inner.pc.set_remote_description(&init))
        .await
        .map_err(|e| PeerError::SetRemoteDescription(js_error_name(&e)))?;
    let early: Vec<CandidateBody> = inner.early_candidates.borrow_mut().drain(..).collect();
    for candidate in early {
        if let Err(err) = add_candidate(inner, &candidate).await {
            emit(inner, PeerEvent::Error(err));
        }
    }
    if is_offer {
        // The polite side attaches its tracks and channels now, between the
        // remote offer and its answer: addTrack then reuses the offered
        // transceivers and the answer carries our media, with no second round.
        start(inner)?;
        set_local_description(inner).await?;
    }
    Ok(())
}

async fn add_candidate(inner: &Inner, body: &CandidateBody) -> Result<(), PeerError> {
    let init = RtcIceCandidateInit::new(body.candidate.as_deref().unwrap_or(""));
    init.set_sdp_mid(body.sdp_mid.as_deref());
    init.set_sdp_m_line_index(body.sdp_m_line_index);
    if let Some(ufrag) = &body.username_fragment {
        let _ = js_sys::Reflect::set(&init, &"usernameFragment".into(), &ufrag.into());
    }
    if body.candidate.is_none() && body.sdp_mid.is_none() && body.sdp_m_line_index.is_none() {
        // End of candidates: an empty candidate needs an m-line to name.
        init.set_sdp_m_line_index(Some(0));
    }
    let result = JsFuture::from(
        inner
            .pc
            .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init)),
    )
    .await;
    match result {
        Ok(_) => Ok(()),
        // Candidates of an offer we ignored are expected to fail.
        Err(_) if inner.ignore_offer.get() => Ok(()),
        Err(e) => Err(PeerError::AddCandidate(js_error_name(&e))),
    }
}
