//! The untrusted-relay rules of a room, without I/O: when a peer session
//! opens (room cap, "room full" said at most every so often), when it ends
//! (connect timeout, failed grace, closed, goodbye or control channel closing)
//! and which relay signals a session may still receive. The relay can never
//! end or rename a connected session. `src/room/` carries the actions out.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use peerlink_protocol::{PeerId, Signal};

use crate::{
    ConnectionState, IceConnectionState, Instant, Interception, PeerTrust, Role, TrustMessage,
    TrustMode,
};

#[derive(Debug, Clone)]
pub struct RoomConfig {
    /// Most peer sessions at once; further peers see "room full".
    pub max_sessions: usize,
    /// Most sessions still connecting at once, a cap of its own: fake
    /// hellos can hold these slots for a connect timeout at most, never the
    /// places of people already connected.
    pub max_connecting: usize,
    /// A session that has not connected by then is dropped.
    pub connect_timeout: Duration,
    /// A connected session whose connection failed and did not recover by
    /// then is dropped.
    pub failed_grace: Duration,
    /// Relay signals are still taken this long after the control channel
    /// opens: the peer switches to in-band at its own moment, and a signal it
    /// sent through the relay just before must not be lost in the crossing.
    pub in_band_grace: Duration,
    /// "Room full" is said at most this often, however many hellos come.
    pub room_full_every: Duration,
}

impl Default for RoomConfig {
    fn default() -> Self {
        RoomConfig {
            max_sessions: 16,
            max_connecting: 4,
            connect_timeout: Duration::from_secs(30),
            failed_grace: Duration::from_secs(20),
            in_band_grace: Duration::from_millis(1_500),
            room_full_every: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RoomAction {
    /// Create a peer session (a new `RTCPeerConnection`).
    OpenSession {
        id: PeerId,
        name: String,
        role: Role,
    },
    /// Close and drop the session; the peer left.
    CloseSession(PeerId),
    /// Hand a relay signal to the peer's session.
    Deliver {
        to: PeerId,
        signal: Signal,
    },
    /// Presence forgets the peer (a later hello may bring it back).
    Forget(PeerId),
    /// Presence must treat the peer as connected (signaling cannot drop it).
    MarkConnected(PeerId),
    Renamed {
        id: PeerId,
        name: String,
    },
    RoomFull,
    /// A trust message for the peer's control channel.
    SendTrust {
        to: PeerId,
        message: TrustMessage,
    },
    /// Key confirmation passed, or the person said the codes match.
    Verified(PeerId),
    /// Key confirmation failed: the session is closed (a `CloseSession`
    /// follows) and the person must be told.
    Intercepted {
        id: PeerId,
        why: Interception,
    },
    /// A public room's code to compare by voice.
    Code {
        id: PeerId,
        code: String,
    },
    /// The peer broke the code exchange: show no code.
    CodeFailed(PeerId),
    /// The session did not connect in time (or did not recover): say why
    /// (`diagnose` its facts) before the `CloseSession` that follows.
    GaveUp(PeerId),
}

/// Where a signal our session produced goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Over our own control channel: it is open and ICE is up.
    InBand,
    Relay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not connected yet; dropped at the deadline.
    Connecting,
    /// Has been connected: only the connection itself can end it.
    Established,
}

#[derive(Debug)]
struct Session {
    name: String,
    phase: Phase,
    deadline: Option<Instant>,
    control_open_at: Option<Instant>,
    ice: IceConnectionState,
    trust: PeerTrust,
}

/// The session table of one room and its rules.
#[derive(Debug)]
pub struct RoomRules {
    me: PeerId,
    config: RoomConfig,
    mode: TrustMode,
    sessions: HashMap<PeerId, Session>,
    full_said_at: Option<Instant>,
    ignored_relay_signals: u32,
    out: VecDeque<RoomAction>,
}

impl RoomRules {
    pub fn new(me: PeerId, config: RoomConfig, mode: TrustMode) -> RoomRules {
        RoomRules {
            me,
            config,
            mode,
            sessions: HashMap::new(),
            full_said_at: None,
            ignored_relay_signals: 0,
            out: VecDeque::new(),
        }
    }

    pub fn poll_action(&mut self) -> Option<RoomAction> {
        self.out.pop_front()
    }

    /// The earliest session deadline, for [`RoomRules::handle_timeout`].
    pub fn poll_timeout(&self) -> Option<Instant> {
        let trust = self
            .sessions
            .values()
            .filter_map(|s| s.trust.poll_timeout());
        self.sessions
            .values()
            .filter_map(|s| s.deadline)
            .chain(trust)
            .min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.trust_timeout(now);
        let due: Vec<PeerId> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.deadline.is_some_and(|d| now >= d))
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            self.out.push_back(RoomAction::GaveUp(id));
            self.close(id);
        }
    }

    pub fn peers(&self) -> impl Iterator<Item = PeerId> + '_ {
        self.sessions.keys().copied()
    }

    pub fn name(&self, id: PeerId) -> Option<&str> {
        self.sessions.get(&id).map(|s| s.name.as_str())
    }

    /// True once the peer's connection has been up.
    pub fn is_established(&self, id: PeerId) -> bool {
        self.sessions
            .get(&id)
            .is_some_and(|s| s.phase == Phase::Established)
    }

    pub(crate) fn session_trust(&mut self, id: PeerId) -> Option<&mut PeerTrust> {
        self.sessions.get_mut(&id).map(|s| &mut s.trust)
    }

    pub(crate) fn push(&mut self, action: RoomAction) {
        self.out.push_back(action);
    }

    pub(crate) fn session_ids(&self) -> Vec<PeerId> {
        self.sessions.keys().copied().collect()
    }

    /// Relay signals ignored because they named a peer whose link is up.
    pub fn ignored_relay_signals(&self) -> u32 {
        self.ignored_relay_signals
    }

    /// Presence saw a peer (a hello, or a new name in one). `nonce`: fresh
    /// random bytes for this session's code exchange.
    pub fn peer_seen(&mut self, id: PeerId, name: String, nonce: [u8; 32], now: Instant) {
        if id == self.me {
            return;
        }
        if let Some(session) = self.sessions.get_mut(&id) {
            // Once connected, names come in-band only: the relay cannot
            // rename someone we are talking to.
            if session.phase == Phase::Connecting && session.name != name {
                session.name = name.clone();
                self.out.push_back(RoomAction::Renamed { id, name });
            }
            return;
        }
        let connecting = self
            .sessions
            .values()
            .filter(|s| s.phase == Phase::Connecting)
            .count();
        if connecting >= self.config.max_connecting {
            // Not now: presence forgets it, and its next hello tries again.
            self.out.push_back(RoomAction::Forget(id));
            return;
        }
        if self.sessions.len() >= self.config.max_sessions {
            let quiet = self
                .full_said_at
                .is_some_and(|at| now.since(at) < self.config.room_full_every);
            if !quiet {
                self.full_said_at = Some(now);
                self.out.push_back(RoomAction::RoomFull);
            }
            self.out.push_back(RoomAction::Forget(id));
            return;
        }
        // The larger id opens; the smaller one is polite.
        let role = if self.me < id {
            Role::Polite
        } else {
            Role::Impolite
        };
        self.sessions.insert(
            id,
            Session {
                name: name.clone(),
                phase: Phase::Connecting,
                deadline: Some(now + self.config.connect_timeout),
                control_open_at: None,
                ice: IceConnectionState::New,
                trust: PeerTrust::new(self.mode.clone(), self.me, id, nonce),
            },
        );
        self.out
            .push_back(RoomAction::OpenSession { id, name, role });
    }

    /// A name the peer told us over its own control channel.
    pub fn named_in_band(&mut self, id: PeerId, name: String) {
        if let Some(session) = self.sessions.get_mut(&id) {
            if session.name != name {
                session.name = name.clone();
                self.out.push_back(RoomAction::Renamed { id, name });
            }
        }
    }

    /// Presence says the peer left (bye, or silent): only ends a session
    /// that never connected.
    pub fn peer_gone(&mut self, id: PeerId) {
        if self
            .sessions
            .get(&id)
            .is_some_and(|s| s.phase == Phase::Connecting)
        {
            self.close(id);
        }
    }

    /// A description or candidate that the relay says comes from `from`.
    pub fn relay_signal(&mut self, from: PeerId, signal: Signal, now: Instant) {
        let Some(session) = self.sessions.get(&from) else {
            return;
        };
        let settled = session
            .control_open_at
            .is_some_and(|at| now.since(at) > self.config.in_band_grace);
        if settled && self.route(from) == Route::InBand {
            // A live link negotiates over its own channel: whatever the
            // relay claims this peer said is not from them.
            self.ignored_relay_signals += 1;
        } else {
            self.out.push_back(RoomAction::Deliver { to: from, signal });
        }
    }

    /// Where a signal for `to` goes.
    pub fn route(&self, to: PeerId) -> Route {
        match self.sessions.get(&to) {
            Some(s) if s.control_open_at.is_some() && s.ice.is_up() => Route::InBand,
            _ => Route::Relay,
        }
    }

    pub fn connection_state(&mut self, id: PeerId, state: ConnectionState, now: Instant) {
        let Some(session) = self.sessions.get_mut(&id) else {
            return;
        };
        match state {
            ConnectionState::Connected => {
                session.phase = Phase::Established;
                session.deadline = None;
                self.out.push_back(RoomAction::MarkConnected(id));
            }
            // ICE restart is under way (impolite side); give it time.
            ConnectionState::Failed => session.deadline = Some(now + self.config.failed_grace),
            ConnectionState::Closed => self.close(id),
            ConnectionState::New | ConnectionState::Connecting | ConnectionState::Disconnected => {}
        }
    }

    pub fn ice_state(&mut self, id: PeerId, state: IceConnectionState) {
        if let Some(session) = self.sessions.get_mut(&id) {
            session.ice = state;
        }
    }

    pub fn control_open(&mut self, id: PeerId, now: Instant) {
        if let Some(session) = self.sessions.get_mut(&id) {
            session.control_open_at.get_or_insert(now);
            session.trust.control_open(now);
        }
        self.drain_trust(id);
    }

    /// The control channel closed: a closing tab tears down SCTP, so a
    /// connected peer is gone.
    pub fn control_closed(&mut self, id: PeerId) {
        if self.is_established(id) {
            self.close(id);
        }
    }

    /// The peer said goodbye on its own control channel.
    pub fn goodbye(&mut self, id: PeerId) {
        self.close(id);
    }

    /// We leave: every session closes.
    pub fn leave(&mut self) {
        let ids: Vec<PeerId> = self.sessions.keys().copied().collect();
        for id in ids {
            self.close(id);
        }
    }

    pub(crate) fn close(&mut self, id: PeerId) {
        if self.sessions.remove(&id).is_some() {
            self.out.push_back(RoomAction::Forget(id));
            self.out.push_back(RoomAction::CloseSession(id));
        }
    }
}

#[cfg(test)]
#[path = "room_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "room_trust_tests.rs"]
mod trust_tests;
