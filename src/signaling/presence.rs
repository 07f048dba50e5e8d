//! Room presence over the relay: says hello on join, every 5 s and straight
//! back to newcomers; filters what arrives (own echoes, other recipients,
//! duplicates, bad or foreign-version frames: counted, never fatal); admits
//! new peer ids at a bounded rate; forgets peers that said bye or missed
//! three hellos — unless the room reports them connected, since signaling
//! is untrusted and must not tear down a live connection.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use peerlink_protocol::{
    topic_for_room, DecodeError, Envelope, HelloBody, Payload, PeerId, Signal,
};
use serde_json::value::RawValue;

use super::{ClientEvent, RelayState, SignalingClient, SignalingError};
use crate::browser::{now_ms, random_bytes, Interval};

/// Duplicate detection remembers this many sequence numbers per peer.
const SEQ_WINDOW: usize = 512;

#[derive(Debug, Clone)]
pub struct PresenceOptions {
    pub relay_url: String,
    pub room: String,
    pub name: String,
    pub caps: Vec<String>,
    /// Milliseconds between hellos; a peer is gone after three missed.
    pub hello_interval_ms: u32,
    /// Most peers tracked at once (connected or not); hellos beyond are ignored.
    pub max_tracked: usize,
    /// New peer ids admitted per second, with a burst of `admission_burst`.
    pub admissions_per_second: f64,
    pub admission_burst: f64,
}

impl PresenceOptions {
    pub fn new(relay_url: &str, room: &str, name: &str) -> PresenceOptions {
        PresenceOptions {
            relay_url: relay_url.to_string(),
            room: room.to_string(),
            name: name.to_string(),
            caps: vec!["chat".into(), "file".into()],
            hello_interval_ms: 5_000,
            max_tracked: 64,
            admissions_per_second: 2.0,
            admission_burst: 16.0,
        }
    }
}

#[derive(Debug, Clone)]
pub enum PresenceEvent {
    Relay(RelayState),
    /// A peer said hello for the first time (or again after leaving).
    PeerSeen {
        id: PeerId,
        name: String,
    },
    PeerGone(PeerId),
    /// A description or candidate addressed to us.
    Signal {
        from: PeerId,
        signal: Signal,
    },
}

/// Frames dropped on arrival, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DropCounts {
    pub unparsable: u32,
    pub too_large: u32,
    pub version: u32,
    pub own_echo: u32,
    pub not_for_us: u32,
    pub duplicate: u32,
    pub sealed: u32,
    /// New ids refused by the admission rate or the table limit.
    pub flood: u32,
    /// Byes naming a peer the room reports connected: ignored.
    pub ignored_bye: u32,
}

impl DropCounts {
    pub fn total(&self) -> u32 {
        self.unparsable
            + self.too_large
            + self.version
            + self.not_for_us
            + self.duplicate
            + self.sealed
            + self.flood
    }
}

struct Known {
    name: String,
    last_heard: f64,
    connected: bool,
    seen: HashSet<u64>,
    order: VecDeque<u64>,
}

impl Known {
    fn new(name: String) -> Known {
        Known {
            name,
            last_heard: now_ms(),
            connected: false,
            seen: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// Records `seq`; false if it was seen before.
    fn first_time(&mut self, seq: u64) -> bool {
        if !self.seen.insert(seq) {
            return false;
        }
        self.order.push_back(seq);
        if self.order.len() > SEQ_WINDOW {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        true
    }
}

struct Admission {
    tokens: f64,
    last: f64,
}

struct Inner {
    me: PeerId,
    topic: String,
    options: PresenceOptions,
    client: RefCell<Option<SignalingClient>>,
    seq: Cell<u64>,
    peers: RefCell<HashMap<PeerId, Known>>,
    drops: Cell<DropCounts>,
    admission: RefCell<Admission>,
    on_event: Box<dyn Fn(PresenceEvent)>,
    timers: RefCell<Vec<Interval>>,
    pagehide: RefCell<Option<EventListener>>,
    left: Cell<bool>,
}

/// Presence in one room; dropping it says bye and disconnects.
pub struct Presence {
    inner: Rc<Inner>,
}

impl Presence {
    pub fn join(
        options: PresenceOptions,
        on_event: impl Fn(PresenceEvent) + 'static,
    ) -> Result<Presence, SignalingError> {
        let me = PeerId::from_bytes(random_bytes::<16>());
        let topic = topic_for_room(&options.room);
        let burst = options.admission_burst;
        let inner = Rc::new(Inner {
            me,
            topic: topic.clone(),
            options,
            client: RefCell::new(None),
            seq: Cell::new(0),
            peers: RefCell::new(HashMap::new()),
            drops: Cell::new(DropCounts::default()),
            admission: RefCell::new(Admission {
                tokens: burst,
                last: now_ms(),
            }),
            on_event: Box::new(on_event),
            timers: RefCell::new(Vec::new()),
            pagehide: RefCell::new(None),
            left: Cell::new(false),
        });
        let weak = Rc::downgrade(&inner);
        let client =
            SignalingClient::connect(&inner.options.relay_url, vec![topic], move |event| {
                if let Some(inner) = weak.upgrade() {
                    on_client_event(&inner, event);
                }
            })?;
        *inner.client.borrow_mut() = Some(client);

        let weak = Rc::downgrade(&inner);
        let hello_timer = Interval::new(inner.options.hello_interval_ms, move || {
            if let Some(inner) = weak.upgrade() {
                send_hello(&inner, None);
                expire_silent_peers(&inner);
            }
        });
        inner.timers.borrow_mut().push(hello_timer);
        if let Some(window) = web_sys::window() {
            let weak: Weak<Inner> = Rc::downgrade(&inner);
            *inner.pagehide.borrow_mut() =
                Some(EventListener::new(&window, "pagehide", move |_| {
                    if let Some(inner) = weak.upgrade() {
                        leave(&inner);
                    }
                }));
        }
        send_hello(&inner, None);
        Ok(Presence { inner })
    }

    pub fn me(&self) -> PeerId {
        self.inner.me
    }

    pub fn relay_state(&self) -> RelayState {
        self.inner
            .client
            .borrow()
            .as_ref()
            .map(|c| c.state())
            .unwrap_or(RelayState::Closed)
    }

    pub fn drops(&self) -> DropCounts {
        self.inner.drops.get()
    }

    /// Sends a description or candidate to one peer.
    pub fn send(&self, to: PeerId, signal: Signal) {
        publish(&self.inner, Some(to), signal);
    }

    /// The room reports whether a peer's connection is up; connected peers
    /// are never dropped by signaling (bye, missed hellos).
    pub fn set_connected(&self, id: PeerId, connected: bool) {
        if let Some(known) = self.inner.peers.borrow_mut().get_mut(&id) {
            known.connected = connected;
            known.last_heard = now_ms();
        }
    }

    /// Forgets a peer (its session ended for good); a later hello brings it back.
    pub fn forget(&self, id: PeerId) {
        self.inner.peers.borrow_mut().remove(&id);
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        leave(&self.inner);
    }
}

fn leave(inner: &Inner) {
    if !inner.left.replace(true) {
        publish(inner, None, Signal::Bye);
        inner.timers.borrow_mut().clear();
    }
}

fn publish(inner: &Inner, to: Option<PeerId>, signal: Signal) {
    let seq = inner.seq.get() + 1;
    inner.seq.set(seq);
    let envelope = Envelope {
        from: inner.me,
        to,
        seq,
        payload: Payload::Open(signal),
    };
    let Ok(data) = RawValue::from_string(envelope.encode()) else {
        return;
    };
    if let Some(client) = inner.client.borrow().as_ref() {
        client.publish(&inner.topic, data);
    }
}

fn send_hello(inner: &Inner, to: Option<PeerId>) {
    if inner.left.get() {
        return;
    }
    let hello = HelloBody {
        name: inner.options.name.clone(),
        caps: inner.options.caps.clone(),
    };
    publish(inner, to, Signal::Hello(hello));
}

fn count(inner: &Inner, bump: impl FnOnce(&mut DropCounts)) {
    let mut drops = inner.drops.get();
    bump(&mut drops);
    inner.drops.set(drops);
}

fn on_client_event(inner: &Rc<Inner>, event: ClientEvent) {
    match event {
        ClientEvent::State(state) => {
            if state == RelayState::Open {
                // Back on the relay (first time or after a reconnect): announce
                // ourselves so everyone in the room learns of us at once.
                send_hello(inner, None);
            }
            (inner.on_event)(PresenceEvent::Relay(state));
        }
        ClientEvent::BadFrame(_) => count(inner, |d| d.unparsable += 1),
        ClientEvent::Data(text) => on_envelope(inner, &text),
    }
}

fn on_envelope(inner: &Rc<Inner>, text: &str) {
    let envelope = match Envelope::decode(text) {
        Ok(envelope) => envelope,
        Err(DecodeError::TooLarge { .. }) => return count(inner, |d| d.too_large += 1),
        Err(DecodeError::UnsupportedVersion(_)) => return count(inner, |d| d.version += 1),
        Err(_) => return count(inner, |d| d.unparsable += 1),
    };
    if envelope.from == inner.me {
        return count(inner, |d| d.own_echo += 1);
    }
    if envelope.to.is_some_and(|to| to != inner.me) {
        return count(inner, |d| d.not_for_us += 1);
    }
    let signal = match envelope.payload {
        Payload::Open(signal) => signal,
        Payload::Sealed(_) => return count(inner, |d| d.sealed += 1),
    };
    let from = envelope.from;
    let known = inner.peers.borrow().contains_key(&from);
    if !known {
        if matches!(signal, Signal::Bye) {
            return;
        }
        if !admit(inner) {
            return count(inner, |d| d.flood += 1);
        }
        let name = match &signal {
            Signal::Hello(hello) => hello.name.clone(),
            _ => String::new(),
        };
        let mut entry = Known::new(name.clone());
        entry.first_time(envelope.seq);
        inner.peers.borrow_mut().insert(from, entry);
        if matches!(signal, Signal::Hello(_)) && envelope.to.is_none() {
            // A newcomer: answer at once instead of making it wait up to 5 s.
            send_hello(inner, Some(from));
        }
        (inner.on_event)(PresenceEvent::PeerSeen { id: from, name });
        if let s @ (Signal::Description(_) | Signal::Candidate(_)) = signal {
            (inner.on_event)(PresenceEvent::Signal { from, signal: s });
        }
        return;
    }

    let renamed = {
        let mut peers = inner.peers.borrow_mut();
        let Some(entry) = peers.get_mut(&from) else {
            return;
        };
        if !entry.first_time(envelope.seq) {
            drop(peers);
            return count(inner, |d| d.duplicate += 1);
        }
        entry.last_heard = now_ms();
        match &signal {
            Signal::Hello(hello) if hello.name != entry.name => {
                entry.name = hello.name.clone();
                Some(hello.name.clone())
            }
            _ => None,
        }
    };
    if let Some(name) = renamed {
        (inner.on_event)(PresenceEvent::PeerSeen { id: from, name });
    }
    match signal {
        Signal::Hello(_) => {}
        Signal::Bye => {
            let connected = inner.peers.borrow().get(&from).is_some_and(|k| k.connected);
            if connected {
                count(inner, |d| d.ignored_bye += 1);
            } else {
                inner.peers.borrow_mut().remove(&from);
                (inner.on_event)(PresenceEvent::PeerGone(from));
            }
        }
        s @ (Signal::Description(_) | Signal::Candidate(_)) => {
            (inner.on_event)(PresenceEvent::Signal { from, signal: s })
        }
    }
}

/// Token bucket over new peer ids, plus the table limit.
fn admit(inner: &Inner) -> bool {
    if inner.peers.borrow().len() >= inner.options.max_tracked {
        return false;
    }
    let mut bucket = inner.admission.borrow_mut();
    let now = now_ms();
    let refill = (now - bucket.last) / 1000.0 * inner.options.admissions_per_second;
    bucket.tokens = (bucket.tokens + refill).min(inner.options.admission_burst);
    bucket.last = now;
    if bucket.tokens >= 1.0 {
        bucket.tokens -= 1.0;
        true
    } else {
        false
    }
}

fn expire_silent_peers(inner: &Inner) {
    let limit = f64::from(inner.options.hello_interval_ms) * 3.0;
    let now = now_ms();
    let gone: Vec<PeerId> = inner
        .peers
        .borrow()
        .iter()
        .filter(|(_, k)| !k.connected && now - k.last_heard > limit)
        .map(|(id, _)| *id)
        .collect();
    for id in gone {
        inner.peers.borrow_mut().remove(&id);
        (inner.on_event)(PresenceEvent::PeerGone(id));
    }
}
