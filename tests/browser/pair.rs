//! Two peer sessions in one page joined by an in-memory signaling wire that
//! can hold signals back and release them in any order.

#![allow(dead_code)]

use peerlink_core::{ConnectionState, Role};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use peerlink::rtc::{IceConfig, PeerConfig, PeerEvent, PeerSession};
use peerlink_protocol::Signal;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamConstraints, MediaStreamTrack};

/// One direction of the wire.
#[derive(Default)]
pub struct Wire {
    pub hold: Cell<bool>,
    pub held: RefCell<Vec<Signal>>,
    pub sent: RefCell<Vec<Signal>>,
}

/// Called synchronously for every event of one side (before it is logged).
pub type Hook = Rc<RefCell<Option<Box<dyn Fn(&PeerEvent)>>>>;

pub struct Side {
    pub session: Rc<RefCell<Option<PeerSession>>>,
    pub events: Rc<RefCell<Vec<PeerEvent>>>,
    /// Signals this side sends.
    pub out: Rc<Wire>,
    pub hook: Hook,
}

impl Side {
    pub fn session(&self) -> std::cell::Ref<'_, PeerSession> {
        std::cell::Ref::map(self.session.borrow(), |s| s.as_ref().expect("session"))
    }

    pub fn state(&self) -> ConnectionState {
        self.session().connection_state()
    }

    pub fn streams(&self) -> Vec<MediaStream> {
        let mut seen: Vec<MediaStream> = Vec::new();
        for event in self.events.borrow().iter() {
            if let PeerEvent::RemoteStream(stream) = event {
                if !seen.iter().any(|s| s.id() == stream.id()) {
                    seen.push(Clone::clone(stream));
                }
            }
        }
        seen
    }

    pub fn messages(&self) -> Vec<peerlink_protocol::ChannelMessage> {
        self.events
            .borrow()
            .iter()
            .filter_map(|e| match e {
                PeerEvent::Message(_, m) => Some(m.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn offers_sent(&self) -> usize {
        self.out
            .sent
            .borrow()
            .iter()
            .filter(|s| matches!(s, Signal::Description(d) if d.kind == peerlink_protocol::SdpKind::Offer))
            .count()
    }

    pub fn errors(&self) -> Vec<String> {
        self.events
            .borrow()
            .iter()
            .filter_map(|e| match e {
                PeerEvent::Error(err) => Some(err.to_string()),
                _ => None,
            })
            .collect()
    }
}

pub struct Pair {
    /// The impolite opener.
    pub a: Side,
    /// The polite side.
    pub b: Side,
}

fn side(
    polite: bool,
    tracks: Vec<(MediaStreamTrack, MediaStream)>,
    out: Rc<Wire>,
    peer_slot: Rc<RefCell<Option<PeerSession>>>,
) -> Side {
    let events = Rc::new(RefCell::new(Vec::new()));
    let slot = Rc::new(RefCell::new(None));
    let log = events.clone();
    let wire = out.clone();
    let hook: Hook = Rc::new(RefCell::new(None));
    let hook_in = hook.clone();
    let session = PeerSession::new(
        PeerConfig {
            ice: IceConfig::host_only(),
            role: if polite { Role::Polite } else { Role::Impolite },
        },
        tracks,
        move |event| {
            if let Some(hook) = hook_in.borrow().as_ref() {
                hook(&event);
            }
            if let PeerEvent::Signal(signal) = &event {
                wire.sent.borrow_mut().push(signal.clone());
                if wire.hold.get() {
                    wire.held.borrow_mut().push(signal.clone());
                } else if let Some(peer) = peer_slot.borrow().as_ref() {
                    peer.handle_signal(signal.clone());
                }
            }
            log.borrow_mut().push(event);
        },
    )
    .expect("session");
    *slot.borrow_mut() = Some(session);
    Side {
        session: slot,
        events,
        out,
        hook,
    }
}

impl Pair {
    /// Builds both sides; `hold_a` holds everything A sends until released.
    pub fn new(
        tracks_a: Vec<(MediaStreamTrack, MediaStream)>,
        tracks_b: Vec<(MediaStreamTrack, MediaStream)>,
        hold_a: bool,
    ) -> Pair {
        let wire_a = Rc::new(Wire::default());
        wire_a.hold.set(hold_a);
        let wire_b = Rc::new(Wire::default());
        // Each side forwards into the other's slot; B is built first so A's
        // first signals have somewhere to go.
        let slot_a: Rc<RefCell<Option<PeerSession>>> = Rc::new(RefCell::new(None));
        let b = side(true, tracks_b, wire_b, slot_a.clone());
        let a = side(false, tracks_a, wire_a, b.session.clone());
        *slot_a.borrow_mut() = a.session.borrow_mut().take();
        Pair {
            a: Side {
                session: slot_a,
                events: a.events,
                out: a.out,
                hook: a.hook,
            },
            b,
        }
    }

    /// Delivers what A held to B: candidates first, then the rest, the
    /// order a slow relay path can produce.
    pub fn release_a_candidates_first(&self) {
        self.a.out.hold.set(false);
        let held: Vec<Signal> = self.a.out.held.borrow_mut().drain(..).collect();
        let (candidates, others): (Vec<_>, Vec<_>) = held
            .into_iter()
            .partition(|s| matches!(s, Signal::Candidate(_)));
        for signal in candidates.into_iter().chain(others) {
            self.b.session().handle_signal(signal);
        }
    }

    pub fn both_connected(&self) -> bool {
        self.a.state() == ConnectionState::Connected && self.b.state() == ConnectionState::Connected
    }
}

/// A fresh fake camera (and microphone, when asked) from getUserMedia.
pub async fn fake_media(audio: bool) -> (MediaStream, Vec<(MediaStreamTrack, MediaStream)>) {
    let devices = web_sys::window()
        .expect("window")
        .navigator()
        .media_devices()
        .expect("mediaDevices");
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&true.into());
    constraints.set_audio(&audio.into());
    let stream = JsFuture::from(
        devices
            .get_user_media_with_constraints(&constraints)
            .expect("gUM"),
    )
    .await
    .expect("fake media");
    let stream: MediaStream = stream.unchecked_into();
    let tracks = stream
        .get_tracks()
        .iter()
        .map(|t| {
            (
                t.unchecked_into::<MediaStreamTrack>(),
                Clone::clone(&stream),
            )
        })
        .collect();
    (stream, tracks)
}
