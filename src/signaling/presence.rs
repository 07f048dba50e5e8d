//! Room presence over the relay: owns the signaling client, the hello timer
//! and (in a private room) the sealing key; feeds every frame and tick into
//! `peerlink_core::Presence` (which decides what to believe, whom to admit
//! and who is gone — see core/src/presence.rs) and carries out what it says,
//! sealing and opening envelopes in order. No rule lives here.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use peerlink_core::{Presence as Rules, PresenceConfig, PresenceOutput, RoomKeys};
use peerlink_protocol::{topic_for_room, Envelope, PeerId, Signal};
use serde_json::value::RawValue;

use super::seal::{SealError, Sealer};
use super::{ClientEvent, RelayState, SignalingClient, SignalingError};
use crate::browser::{now, random_bytes, Deadline};
pub use peerlink_core::DropCounts;

#[derive(Debug, Clone)]
pub struct PresenceOptions {
    pub relay_url: String,
    pub room: String,
    /// A private room's secret: the topic comes from it and every envelope
    /// is sealed with a key from it. `None`: a public room, named by `room`.
    pub secret: Option<Vec<u8>>,
    pub config: PresenceConfig,
}

impl PresenceOptions {
    pub fn new(relay_url: &str, room: &str, name: &str) -> PresenceOptions {
        PresenceOptions {
            relay_url: relay_url.to_string(),
            room: room.to_string(),
            secret: None,
            config: PresenceConfig::new(name),
        }
    }
}

#[derive(Debug, Clone)]
pub enum PresenceEvent {
    Relay(RelayState),
    /// A peer said hello for the first time (or again after leaving), or
    /// announced a new name.
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

/// Work on sealed envelopes, done strictly in order.
enum Job {
    Seal(Envelope),
    Open(Envelope),
}

/// The room key: imported on first use; `Failed` drops every sealed job.
enum Crypto {
    Public,
    Pending([u8; 32]),
    Ready(Sealer),
    Failed,
}

struct Inner {
    topic: String,
    crypto: RefCell<Crypto>,
    jobs: RefCell<VecDeque<Job>>,
    working: Cell<bool>,
    rules: RefCell<Rules>,
    client: RefCell<Option<SignalingClient>>,
    on_event: Box<dyn Fn(PresenceEvent)>,
    timer: Deadline,
    pagehide: RefCell<Option<EventListener>>,
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
        let keys = options.secret.as_deref().map(RoomKeys::new);
        let (topic, crypto) = match &keys {
            Some(keys) => (keys.topic(), Crypto::Pending(keys.seal_key())),
            None => (topic_for_room(&options.room), Crypto::Public),
        };
        let mut config = options.config;
        config.sealed = keys.is_some();
        let inner = Rc::new(Inner {
            topic: topic.clone(),
            crypto: RefCell::new(crypto),
            jobs: RefCell::new(VecDeque::new()),
            working: Cell::new(false),
            rules: RefCell::new(Rules::new(me, config, now())),
            client: RefCell::new(None),
            on_event: Box::new(on_event),
            timer: Deadline::default(),
            pagehide: RefCell::new(None),
        });
        let weak = Rc::downgrade(&inner);
        let client = SignalingClient::connect(&options.relay_url, vec![topic], move |event| {
            if let Some(inner) = weak.upgrade() {
                on_client_event(&inner, event);
            }
        })?;
        *inner.client.borrow_mut() = Some(client);
        if let Some(window) = web_sys::window() {
            let weak: Weak<Inner> = Rc::downgrade(&inner);
            *inner.pagehide.borrow_mut() =
                Some(EventListener::new(&window, "pagehide", move |_| {
                    if let Some(inner) = weak.upgrade() {
                        leave(&inner);
                    }
                }));
        }
        flush(&inner);
        Ok(Presence { inner })
    }

    pub fn me(&self) -> PeerId {
        self.inner.rules.borrow().me()
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
        self.inner.rules.borrow().drops()
    }

    /// Sends a description or candidate to one peer.
    pub fn send(&self, to: PeerId, signal: Signal) {
        self.inner.rules.borrow_mut().send(to, signal);
        flush(&self.inner);
    }

    /// The room reports whether a peer's connection is up; connected peers
    /// are never dropped by signaling (bye, missed hellos).
    pub fn set_connected(&self, id: PeerId, connected: bool) {
        self.inner
            .rules
            .borrow_mut()
            .set_connected(id, connected, now());
    }

    /// Forgets a peer (its session ended for good); a later hello brings it back.
    pub fn forget(&self, id: PeerId) {
        self.inner.rules.borrow_mut().forget(id);
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        leave(&self.inner);
    }
}

fn leave(inner: &Rc<Inner>) {
    inner.rules.borrow_mut().leave();
    flush(inner);
    inner.timer.clear();
}

fn on_client_event(inner: &Rc<Inner>, event: ClientEvent) {
    match event {
        ClientEvent::State(state) => {
            if state == RelayState::Open {
                inner.rules.borrow_mut().relay_opened();
            }
            flush(inner);
            (inner.on_event)(PresenceEvent::Relay(state));
        }
        ClientEvent::BadFrame(_) => inner.rules.borrow_mut().count_unparsable(),
        ClientEvent::Data(text) => {
            inner.rules.borrow_mut().receive(&text, now());
            flush(inner);
        }
    }
}

/// Carries out everything the rules have decided, then re-arms the timer.
fn flush(inner: &Rc<Inner>) {
    loop {
        // Never hold the borrow while reporting: the owner may call back in.
        let output = inner.rules.borrow_mut().poll_output();
        let Some(output) = output else { break };
        match output {
            PresenceOutput::Publish(envelope) => {
                if matches!(*inner.crypto.borrow(), Crypto::Public) {
                    publish(inner, &envelope.encode());
                } else {
                    queue(inner, Job::Seal(envelope));
                }
            }
            PresenceOutput::Open(envelope) => queue(inner, Job::Open(envelope)),
            PresenceOutput::PeerSeen { id, name } => {
                (inner.on_event)(PresenceEvent::PeerSeen { id, name })
            }
            PresenceOutput::PeerGone(id) => (inner.on_event)(PresenceEvent::PeerGone(id)),
            PresenceOutput::Signal { from, signal } => {
                (inner.on_event)(PresenceEvent::Signal { from, signal })
            }
        }
    }
    arm_timer(inner);
}

fn queue(inner: &Rc<Inner>, job: Job) {
    inner.jobs.borrow_mut().push_back(job);
    if inner.working.replace(true) {
        return;
    }
    let inner = inner.clone();
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            let job = inner.jobs.borrow_mut().pop_front();
            let Some(job) = job else { break };
            let Some(sealer) = sealer(&inner).await else {
                if matches!(job, Job::Open(_)) {
                    inner.rules.borrow_mut().count_unopenable();
                }
                continue;
            };
            match job {
                Job::Seal(envelope) => match sealer.seal(envelope).await {
                    Ok(sealed) => publish(&inner, &sealed.encode()),
                    Err(err) => warn(&err),
                },
                Job::Open(envelope) => {
                    match sealer.open(envelope).await {
                        Ok(opened) => inner.rules.borrow_mut().receive_opened(opened, now()),
                        Err(_) => inner.rules.borrow_mut().count_unopenable(),
                    }
                    flush(&inner);
                }
            }
        }
        inner.working.set(false);
    });
}

/// The imported key, importing it on first use.
async fn sealer(inner: &Inner) -> Option<Sealer> {
    let raw = match &*inner.crypto.borrow() {
        Crypto::Ready(sealer) => return Some(sealer.clone()),
        Crypto::Public | Crypto::Failed => return None,
        Crypto::Pending(raw) => *raw,
    };
    let result = Sealer::new(&raw).await;
    let sealer = result.as_ref().ok().cloned();
    *inner.crypto.borrow_mut() = match result {
        Ok(sealer) => Crypto::Ready(sealer),
        Err(err) => {
            warn(&err);
            Crypto::Failed
        }
    };
    sealer
}

fn warn(err: &SealError) {
    web_sys::console::warn_1(&format!("peerlink: {err}").into());
}

fn publish(inner: &Inner, text: &str) {
    let Ok(data) = RawValue::from_string(text.to_string()) else {
        return;
    };
    if let Some(client) = inner.client.borrow().as_ref() {
        client.publish(&inner.topic, data);
    }
}

fn arm_timer(inner: &Rc<Inner>) {
    let at = inner.rules.borrow().poll_timeout();
    inner.timer.arm(at, inner, |inner| {
        inner.rules.borrow_mut().handle_timeout(now());
        flush(inner);
    });
}
