//! Room presence without I/O: which relay frames to believe (own echoes,
//! other recipients, duplicates, bad or foreign-version frames are dropped and
//! counted), which new peer ids to admit (a token bucket and a table cap),
//! when to say hello, and when a silent or departed peer is gone — never one
//! the room reports connected. `src/signaling/presence.rs` moves the frames.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use peerlink_protocol::{DecodeError, Envelope, HelloBody, Payload, PeerId, Signal};

use crate::rate::TokenBucket;
use crate::Instant;

/// Duplicate detection remembers this many sequence numbers per peer.
pub const SEQ_WINDOW: usize = 512;

#[derive(Debug, Clone)]
pub struct PresenceConfig {
    pub name: String,
    pub caps: Vec<String>,
    /// Between hellos; a peer is gone after three missed.
    pub hello_interval: Duration,
    /// Most peers tracked at once (connected or not); hellos beyond are ignored.
    pub max_tracked: usize,
    /// New peer ids admitted per second, with a burst of `admission_burst`.
    pub admissions_per_second: f64,
    pub admission_burst: f64,
    /// A private room: every envelope must be sealed with the room key;
    /// open ones are dropped, sealed ones go out to be opened first.
    pub sealed: bool,
}

impl PresenceConfig {
    pub fn new(name: &str) -> PresenceConfig {
        PresenceConfig {
            name: name.to_string(),
            caps: vec!["chat".into(), "file".into()],
            hello_interval: Duration::from_secs(5),
            max_tracked: 64,
            admissions_per_second: 2.0,
            admission_burst: 16.0,
            sealed: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PresenceOutput {
    /// Publish this envelope on the room's topic.
    Publish(Envelope),
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
    /// A sealed envelope addressed to us: open it, then hand it back with
    /// [`Presence::receive_opened`] (or [`Presence::count_unopenable`]).
    Open(Envelope),
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
    /// Open envelopes in a private room.
    pub unsealed: u32,
    /// Sealed envelopes that did not open (tampered, forged, another key).
    pub unopenable: u32,
    /// New ids refused by the admission rate or the table limit.
    pub flood: u32,
    /// Byes naming a peer the room reports connected: ignored.
    pub ignored_bye: u32,
}

impl DropCounts {
    /// Frames that were bad or hostile (own echoes and ignored byes are normal).
    pub fn total(&self) -> u32 {
        self.unparsable
            + self.too_large
            + self.version
            + self.not_for_us
            + self.duplicate
            + self.sealed
            + self.unsealed
            + self.unopenable
            + self.flood
    }
}

#[derive(Debug)]
struct Known {
    name: String,
    last_heard: Instant,
    connected: bool,
    seen: HashSet<u64>,
    order: VecDeque<u64>,
}

impl Known {
    fn new(name: String, now: Instant) -> Known {
        Known {
            name,
            last_heard: now,
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

/// Presence of this page in one room.
#[derive(Debug)]
pub struct Presence {
    me: PeerId,
    config: PresenceConfig,
    seq: u64,
    peers: HashMap<PeerId, Known>,
    drops: DropCounts,
    admission: TokenBucket,
    next_hello: Instant,
    left: bool,
    out: VecDeque<PresenceOutput>,
}

impl Presence {
    /// Joins: the first hello is ready at once.
    pub fn new(me: PeerId, config: PresenceConfig, now: Instant) -> Presence {
        let admission = TokenBucket::new(config.admissions_per_second, config.admission_burst, now);
        let mut presence = Presence {
            me,
            next_hello: now + config.hello_interval,
            config,
            seq: 0,
            peers: HashMap::new(),
            drops: DropCounts::default(),
            admission,
            left: false,
            out: VecDeque::new(),
        };
        presence.hello(None);
        presence
    }

    pub fn me(&self) -> PeerId {
        self.me
    }

    pub fn drops(&self) -> DropCounts {
        self.drops
    }

    pub fn poll_output(&mut self) -> Option<PresenceOutput> {
        self.out.pop_front()
    }

    /// When [`Presence::handle_timeout`] wants to be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        (!self.left).then_some(self.next_hello)
    }

    /// Time passed: hello when due, and peers silent for three hellos are gone.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.left || now < self.next_hello {
            return;
        }
        self.next_hello = now + self.config.hello_interval;
        self.hello(None);
        let limit = self.config.hello_interval * 3;
        let gone: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, k)| !k.connected && now.since(k.last_heard) > limit)
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            self.peers.remove(&id);
            self.out.push_back(PresenceOutput::PeerGone(id));
        }
    }

    /// Back on the relay (first time or after a reconnect): announce
    /// ourselves so everyone in the room learns of us at once.
    pub fn relay_opened(&mut self) {
        self.hello(None);
    }

    /// A description or candidate to one peer.
    pub fn send(&mut self, to: PeerId, signal: Signal) {
        self.publish(Some(to), signal);
    }

    /// The room reports whether a peer's connection is up; connected peers
    /// are never dropped by signaling (bye, missed hellos).
    pub fn set_connected(&mut self, id: PeerId, connected: bool, now: Instant) {
        if let Some(known) = self.peers.get_mut(&id) {
            known.connected = connected;
            known.last_heard = now;
        }
    }

    /// Forgets a peer (its session ended for good); a later hello brings it back.
    pub fn forget(&mut self, id: PeerId) {
        self.peers.remove(&id);
    }

    /// Says bye; nothing more is published after this.
    pub fn leave(&mut self) {
        if !self.left {
            self.publish(None, Signal::Bye);
            self.left = true;
        }
    }

    /// A frame's `data` from the relay, as text.
    pub fn receive(&mut self, text: &str, now: Instant) {
        match Envelope::decode(text) {
            Ok(envelope) => self.receive_envelope(envelope, now),
            Err(DecodeError::TooLarge { .. }) => self.drops.too_large += 1,
            Err(DecodeError::UnsupportedVersion(_)) => self.drops.version += 1,
            Err(_) => self.drops.unparsable += 1,
        }
    }

    /// Counts a frame the transport could not even read as text.
    pub fn count_unparsable(&mut self) {
        self.drops.unparsable += 1;
    }

    /// A sealed envelope did not open.
    pub fn count_unopenable(&mut self) {
        self.drops.unopenable += 1;
    }

    /// Header checks come first, so nothing is decrypted that would be
    /// dropped anyway.
    fn receive_envelope(&mut self, envelope: Envelope, now: Instant) {
        if envelope.from == self.me {
            return self.drops.own_echo += 1;
        }
        if envelope.to.is_some_and(|to| to != self.me) {
            return self.drops.not_for_us += 1;
        }
        match (&envelope.payload, self.config.sealed) {
            (Payload::Open(_), false) => self.receive_opened(envelope, now),
            (Payload::Sealed(_), true) => self.out.push_back(PresenceOutput::Open(envelope)),
            (Payload::Open(_), true) => self.drops.unsealed += 1,
            (Payload::Sealed(_), false) => self.drops.sealed += 1,
        }
    }

    /// An envelope that passed the header checks, opened if it was sealed.
    pub fn receive_opened(&mut self, envelope: Envelope, now: Instant) {
        let signal = match envelope.payload {
            Payload::Open(signal) => signal,
            Payload::Sealed(_) => return self.drops.unopenable += 1,
        };
        if envelope.from == self.me || envelope.to.is_some_and(|to| to != self.me) {
            return self.drops.not_for_us += 1;
        }
        let (from, seq, broadcast) = (envelope.from, envelope.seq, envelope.to.is_none());
        let Some(known) = self.peers.get_mut(&from) else {
            return self.first_contact(from, seq, broadcast, signal, now);
        };
        if !known.first_time(seq) {
            return self.drops.duplicate += 1;
        }
        known.last_heard = now;
        let connected = known.connected;
        match signal {
            Signal::Hello(HelloBody { name, .. }) if name != known.name => {
                known.name = name.clone();
                self.out
                    .push_back(PresenceOutput::PeerSeen { id: from, name });
            }
            Signal::Hello(_) => {}
            Signal::Bye if connected => self.drops.ignored_bye += 1,
            Signal::Bye => {
                self.peers.remove(&from);
                self.out.push_back(PresenceOutput::PeerGone(from));
            }
            signal => self.out.push_back(PresenceOutput::Signal { from, signal }),
        }
    }

    fn first_contact(
        &mut self,
        from: PeerId,
        seq: u64,
        broadcast: bool,
        signal: Signal,
        now: Instant,
    ) {
        if matches!(signal, Signal::Bye) {
            return;
        }
        if self.peers.len() >= self.config.max_tracked || !self.admission.take(now) {
            return self.drops.flood += 1;
        }
        let name = match &signal {
            Signal::Hello(hello) => hello.name.clone(),
            _ => String::new(),
        };
        let mut known = Known::new(name.clone(), now);
        known.first_time(seq);
        self.peers.insert(from, known);
        let hello = matches!(signal, Signal::Hello(_));
        if hello && broadcast {
            // A newcomer: answer at once instead of making it wait for the next round.
            self.hello(Some(from));
        }
        self.out
            .push_back(PresenceOutput::PeerSeen { id: from, name });
        if !hello {
            self.out.push_back(PresenceOutput::Signal { from, signal });
        }
    }

    fn hello(&mut self, to: Option<PeerId>) {
        let hello = HelloBody {
            name: self.config.name.clone(),
            caps: self.config.caps.clone(),
        };
        self.publish(to, Signal::Hello(hello));
    }

    fn publish(&mut self, to: Option<PeerId>, signal: Signal) {
        if self.left {
            return;
        }
        self.seq += 1;
        self.out.push_back(PresenceOutput::Publish(Envelope {
            from: self.me,
            to,
            seq: self.seq,
            payload: Payload::Open(signal),
        }));
    }
}

#[cfg(test)]
#[path = "presence_tests.rs"]
mod tests;
