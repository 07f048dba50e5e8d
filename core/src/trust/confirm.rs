//! Key confirmation in a private room: once DTLS is up, each side sends
//! HMAC-SHA256(confirm key, sender id ‖ receiver id ‖ both fingerprints) and
//! checks the other's. A relay that answered with its own DTLS fingerprint
//! cannot produce it without the room secret; putting the sender first stops
//! a reflected proof from passing. Silence past the deadline fails too.

use std::time::Duration;

use hmac::{Hmac, Mac};
use peerlink_protocol::PeerId;
use sha2::Sha256;

use super::RoomKeys;
use crate::Instant;

/// How long the peer has to send its proof once ours is out.
pub const CONFIRM_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmationState {
    /// Fingerprints not known yet (DTLS not up).
    Idle,
    /// Our proof is out; waiting for theirs until `deadline`.
    Waiting {
        deadline: Instant,
    },
    Verified,
    /// The proof did not match: someone sits in the middle.
    Mismatch,
    /// No proof came in time.
    Silent,
}

/// One peer's key confirmation.
#[derive(Debug, Clone)]
pub struct Confirmation {
    key: [u8; 32],
    me: PeerId,
    peer: PeerId,
    state: ConfirmationState,
    /// Their proof, if it came before we knew the fingerprints.
    early: Option<Vec<u8>>,
    expected: Option<Vec<u8>>,
}

impl Confirmation {
    pub fn new(keys: &RoomKeys, me: PeerId, peer: PeerId) -> Confirmation {
        Confirmation {
            key: keys.confirm_key(),
            me,
            peer,
            state: ConfirmationState::Idle,
            early: None,
            expected: None,
        }
    }

    pub fn state(&self) -> ConfirmationState {
        self.state
    }

    /// DTLS is up: `local` and `remote` are the fingerprints of the applied
    /// local and remote descriptions. Returns our proof to send.
    pub fn start(&mut self, local: &[String], remote: &[String], now: Instant) -> Vec<u8> {
        let mut all: Vec<&str> = local.iter().chain(remote).map(String::as_str).collect();
        all.sort_unstable();
        let ours = self.proof(self.me, self.peer, &all);
        self.expected = Some(self.proof(self.peer, self.me, &all));
        if self.state == ConfirmationState::Idle {
            self.state = ConfirmationState::Waiting {
                deadline: now + CONFIRM_TIMEOUT,
            };
        }
        if let Some(early) = self.early.take() {
            self.receive(&early);
        }
        ours
    }

    /// The peer's proof arrived.
    pub fn receive(&mut self, proof: &[u8]) {
        let Some(expected) = &self.expected else {
            // Keep the first one until we can check it.
            self.early.get_or_insert_with(|| proof.to_vec());
            return;
        };
        if !matches!(self.state, ConfirmationState::Waiting { .. }) {
            return;
        }
        // Constant time over equal lengths: no early exit on the first difference.
        let good = proof.len() == expected.len()
            && proof
                .iter()
                .zip(expected)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        self.state = if good {
            ConfirmationState::Verified
        } else {
            ConfirmationState::Mismatch
        };
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            ConfirmationState::Waiting { deadline } => Some(deadline),
            _ => None,
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        if let ConfirmationState::Waiting { deadline } = self.state {
            if now >= deadline {
                self.state = ConfirmationState::Silent;
            }
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length.
        match <Hmac<Sha256> as Mac>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts 32-byte keys"),
        }
    }

    fn proof(&self, from: PeerId, to: PeerId, fingerprints: &[&str]) -> Vec<u8> {
        let mut mac = self.mac();
        mac.update(b"peerlink/v1/confirm\n");
        mac.update(from.to_string().as_bytes());
        mac.update(b"\n");
        mac.update(to.to_string().as_bytes());
        for fingerprint in fingerprints {
            mac.update(b"\n");
            mac.update(fingerprint.as_bytes());
        }
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
#[path = "confirm_tests.rs"]
mod tests;
