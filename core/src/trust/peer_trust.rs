//! Trust in one peer session: once DTLS is up and the control channel is
//! open, a private room runs key confirmation and a public room runs the SAS
//! exchange. Out come the control messages to send and the verdict: verified,
//! intercepted (the session must close), or a code for people to compare.

use std::collections::VecDeque;

use peerlink_protocol::PeerId;

use super::{Confirmation, ConfirmationState, RoomKeys, Sas, SasMessage, SasState};
use crate::Instant;

/// What a room is protected by.
#[derive(Debug, Clone)]
pub enum TrustMode {
    /// Everyone with the link holds the secret: prove it.
    Private(RoomKeys),
    /// No shared secret: people compare a short code by voice.
    Public,
}

/// A trust message on the control channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustMessage {
    Confirm(Vec<u8>),
    Sas(SasMessage),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interception {
    /// The proof did not match the fingerprints we see.
    ProofMismatch,
    /// No proof arrived in time.
    NoProof,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustAction {
    Send(TrustMessage),
    Verified,
    /// Someone sits in the middle (or the peer lacks the secret): close the
    /// session and tell the person.
    Intercepted(Interception),
    /// A public room's code to compare.
    Code(String),
    /// The peer broke the SAS exchange: no code can be trusted.
    CodeFailed,
}

#[derive(Debug, Clone)]
enum Check {
    Confirm(Confirmation),
    Sas(Sas),
}

/// Trust in one session.
#[derive(Debug)]
pub struct PeerTrust {
    mode: TrustMode,
    me: PeerId,
    peer: PeerId,
    nonce: [u8; 32],
    control_open: bool,
    fingerprints: Option<(Vec<String>, Vec<String>)>,
    check: Option<Check>,
    /// Messages that came before we could start.
    early: Vec<TrustMessage>,
    verdict: bool,
    out: VecDeque<TrustAction>,
}

impl PeerTrust {
    /// `nonce`: fresh random bytes, used by the SAS exchange.
    pub fn new(mode: TrustMode, me: PeerId, peer: PeerId, nonce: [u8; 32]) -> PeerTrust {
        PeerTrust {
            mode,
            me,
            peer,
            nonce,
            control_open: false,
            fingerprints: None,
            check: None,
            early: Vec::new(),
            verdict: false,
            out: VecDeque::new(),
        }
    }

    pub fn poll_action(&mut self) -> Option<TrustAction> {
        self.out.pop_front()
    }

    pub fn control_open(&mut self, now: Instant) {
        self.control_open = true;
        self.try_start(now);
    }

    /// DTLS is up: the fingerprints of the applied local and remote descriptions.
    pub fn dtls_up(&mut self, local: Vec<String>, remote: Vec<String>, now: Instant) {
        if self.fingerprints.is_none() {
            self.fingerprints = Some((local, remote));
            self.try_start(now);
        }
    }

    pub fn receive(&mut self, message: TrustMessage) {
        match (&mut self.check, message) {
            (None, message) => {
                if self.early.len() < 4 {
                    self.early.push(message);
                }
            }
            (Some(Check::Confirm(confirm)), TrustMessage::Confirm(proof)) => {
                confirm.receive(&proof);
                self.settle();
            }
            (Some(Check::Sas(sas)), TrustMessage::Sas(message)) => {
                sas.receive(message);
                self.settle();
            }
            // A message of the other mode is not part of this room's check.
            (Some(_), _) => {}
        }
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.check {
            Some(Check::Confirm(confirm)) => confirm.poll_timeout(),
            _ => None,
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some(Check::Confirm(confirm)) = &mut self.check {
            confirm.handle_timeout(now);
            self.settle();
        }
    }

    fn try_start(&mut self, now: Instant) {
        let (Some((local, remote)), true, None) =
            (&self.fingerprints, self.control_open, &self.check)
        else {
            return;
        };
        let check = match &self.mode {
            TrustMode::Private(keys) => {
                let mut confirm = Confirmation::new(keys, self.me, self.peer);
                let proof = confirm.start(local, remote, now);
                self.out
                    .push_back(TrustAction::Send(TrustMessage::Confirm(proof)));
                Check::Confirm(confirm)
            }
            TrustMode::Public => {
                let all = local.iter().chain(remote).cloned().collect();
                Check::Sas(Sas::new(self.me, self.peer, self.nonce, all))
            }
        };
        self.check = Some(check);
        for message in std::mem::take(&mut self.early) {
            self.receive(message);
        }
        self.settle();
    }

    /// Sends what the check wants sent and reports its verdict once.
    fn settle(&mut self) {
        match &mut self.check {
            Some(Check::Sas(sas)) => {
                while let Some(message) = sas.poll_message() {
                    self.out
                        .push_back(TrustAction::Send(TrustMessage::Sas(message)));
                }
                let verdict = match sas.state() {
                    SasState::Exchanging => None,
                    SasState::Ready(code) => Some(TrustAction::Code(code.clone())),
                    SasState::Failed(_) => Some(TrustAction::CodeFailed),
                };
                self.report(verdict);
            }
            Some(Check::Confirm(confirm)) => {
                let verdict = match confirm.state() {
                    ConfirmationState::Verified => Some(TrustAction::Verified),
                    ConfirmationState::Mismatch => {
                        Some(TrustAction::Intercepted(Interception::ProofMismatch))
                    }
                    ConfirmationState::Silent => {
                        Some(TrustAction::Intercepted(Interception::NoProof))
                    }
                    ConfirmationState::Idle | ConfirmationState::Waiting { .. } => None,
                };
                self.report(verdict);
            }
            None => {}
        }
    }

    fn report(&mut self, verdict: Option<TrustAction>) {
        if let Some(verdict) = verdict {
            if !self.verdict {
                self.verdict = true;
                self.out.push_back(verdict);
            }
        }
    }
}

#[cfg(test)]
#[path = "peer_trust_tests.rs"]
mod tests;
