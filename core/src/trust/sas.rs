//! The short authentication string of a public room: each side commits to a
//! random nonce (SHA-256), reveals it only after the other's commitment has
//! arrived, and the code is a hash of both DTLS fingerprints and both nonces.
//! A man in the middle must commit on both legs before seeing either nonce,
//! so it cannot steer the two codes to match (odds 1 in 10⁶ per try).

use peerlink_protocol::PeerId;
use sha2::{Digest, Sha256};

/// What goes over the control channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SasMessage {
    Commit([u8; 32]),
    Reveal([u8; 32]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SasError {
    /// A reveal came before the commitment it must match.
    RevealBeforeCommit,
    /// The revealed nonce does not match the commitment.
    CommitMismatch,
    /// A second commitment or reveal.
    Repeated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SasState {
    /// Exchanging commitments and nonces.
    Exchanging,
    /// The code to compare by voice, e.g. `"048 193"`.
    Ready(String),
    /// The peer broke the protocol; no code will be shown.
    Failed(SasError),
}

/// One peer's SAS exchange.
#[derive(Debug, Clone)]
pub struct Sas {
    me: PeerId,
    peer: PeerId,
    nonce: [u8; 32],
    fingerprints: Vec<String>,
    their_commit: Option<[u8; 32]>,
    their_nonce: Option<[u8; 32]>,
    revealed: bool,
    state: SasState,
    out: Vec<SasMessage>,
}

fn commitment(nonce: &[u8; 32]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"peerlink/v1/sas-commit\n");
    hash.update(nonce);
    hash.finalize().into()
}

impl Sas {
    /// Starts once DTLS is up; `nonce` must be fresh random bytes.
    /// `fingerprints` are both sides' as applied.
    pub fn new(me: PeerId, peer: PeerId, nonce: [u8; 32], fingerprints: Vec<String>) -> Sas {
        let mut fingerprints = fingerprints;
        fingerprints.sort();
        Sas {
            me,
            peer,
            nonce,
            fingerprints,
            their_commit: None,
            their_nonce: None,
            revealed: false,
            state: SasState::Exchanging,
            out: vec![SasMessage::Commit(commitment(&nonce))],
        }
    }

    pub fn state(&self) -> &SasState {
        &self.state
    }

    /// Messages to send, in order.
    pub fn poll_message(&mut self) -> Option<SasMessage> {
        (!self.out.is_empty()).then(|| self.out.remove(0))
    }

    pub fn receive(&mut self, message: SasMessage) {
        if self.state != SasState::Exchanging {
            return;
        }
        match message {
            SasMessage::Commit(_) if self.their_commit.is_some() => self.fail(SasError::Repeated),
            SasMessage::Commit(commit) => {
                self.their_commit = Some(commit);
                // Only now may our nonce be seen: theirs is fixed.
                self.revealed = true;
                self.out.push(SasMessage::Reveal(self.nonce));
            }
            SasMessage::Reveal(_) if self.their_nonce.is_some() => self.fail(SasError::Repeated),
            SasMessage::Reveal(nonce) => match self.their_commit {
                None => self.fail(SasError::RevealBeforeCommit),
                Some(commit) if commit != commitment(&nonce) => self.fail(SasError::CommitMismatch),
                Some(_) => {
                    self.their_nonce = Some(nonce);
                    self.finish();
                }
            },
        }
    }

    fn fail(&mut self, error: SasError) {
        self.state = SasState::Failed(error);
        self.out.clear();
    }

    fn finish(&mut self) {
        let (Some(theirs), true) = (self.their_nonce, self.revealed) else {
            return;
        };
        // Both sides must hash the same bytes: order the nonces by peer id.
        let (first, second) = if self.me < self.peer {
            (self.nonce, theirs)
        } else {
            (theirs, self.nonce)
        };
        let mut hash = Sha256::new();
        hash.update(b"peerlink/v1/sas\n");
        for fingerprint in &self.fingerprints {
            hash.update(fingerprint.as_bytes());
            hash.update(b"\n");
        }
        hash.update(first);
        hash.update(second);
        let digest: [u8; 32] = hash.finalize().into();
        let number = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 1_000_000;
        self.state = SasState::Ready(format!("{:03} {:03}", number / 1000, number % 1000));
    }
}

#[cfg(test)]
#[path = "sas_tests.rs"]
mod tests;
