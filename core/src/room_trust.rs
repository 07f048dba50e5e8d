//! The trust side of the room rules: each session's `PeerTrust` is fed from
//! the connection (DTLS up, control channel open, trust messages) and its
//! verdicts become room actions; an intercepted session is closed at once.

use peerlink_protocol::PeerId;

use crate::{Instant, RoomAction, RoomRules, TrustAction, TrustMessage};

impl RoomRules {
    /// DTLS is up with `id`: the fingerprints of the applied local and
    /// remote descriptions.
    pub fn dtls_up(&mut self, id: PeerId, local: Vec<String>, remote: Vec<String>, now: Instant) {
        if let Some(trust) = self.session_trust(id) {
            trust.dtls_up(local, remote, now);
        }
        self.drain_trust(id);
    }

    /// A trust message arrived on `id`'s control channel.
    pub fn trust_message(&mut self, id: PeerId, message: TrustMessage) {
        if let Some(trust) = self.session_trust(id) {
            trust.receive(message);
        }
        self.drain_trust(id);
    }

    /// The person compared the codes and says they match.
    pub fn codes_match(&mut self, id: PeerId) {
        if self.session_trust(id).is_some() {
            self.push(RoomAction::Verified(id));
        }
    }

    pub(crate) fn trust_timeout(&mut self, now: Instant) {
        for id in self.session_ids() {
            if let Some(trust) = self.session_trust(id) {
                trust.handle_timeout(now);
            }
            self.drain_trust(id);
        }
    }

    pub(crate) fn drain_trust(&mut self, id: PeerId) {
        loop {
            let Some(action) = self.session_trust(id).and_then(|t| t.poll_action()) else {
                return;
            };
            match action {
                TrustAction::Send(message) => self.push(RoomAction::SendTrust { to: id, message }),
                TrustAction::Verified => self.push(RoomAction::Verified(id)),
                TrustAction::Code(code) => self.push(RoomAction::Code { id, code }),
                TrustAction::CodeFailed => self.push(RoomAction::CodeFailed(id)),
                TrustAction::Intercepted(why) => {
                    self.push(RoomAction::Intercepted { id, why });
                    self.close(id);
                    return;
                }
            }
        }
    }
}
