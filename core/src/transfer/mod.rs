//! The file-transfer state machine (offer → accept/reject → bytes → done with
//! SHA-256 → the receiver's verdict, cancel from either side, resume from the
//! receiver's offset, link-loss grace, per-peer limits) as a plain struct:
//! typed inputs with `now` passed in, actions out through `poll_action`.
//! It touches no file, channel, storage or hasher: `src/rtc/transfer` owns
//! those, feeds their events in and carries the actions out.

mod action;
mod batch;
use batch::AcceptedBatch;
mod receive;
mod record;
mod resume;
mod send;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use peerlink_protocol::{ChannelMessage, PeerId};

use crate::{ConnectionState, Instant};

pub use action::{Action, IoError, Limits, TransferError, RECEIVED_MIME};
pub use receive::Chunk;
pub use record::{
    Cancellation, Claim, Digest, Direction, Failure, Interruption, Phase, Reason, ReceivePhase,
    SendPhase, Transfer, TransferState,
};
pub use resume::{keep_partials, Partial, Resume, ResumeSource};

/// Every transfer of this page, both directions, and what to do next.
#[derive(Debug, Default)]
pub struct Transfers {
    limits: Limits,
    transfers: BTreeMap<String, Transfer>,
    /// Offers each peer made in this session (finished ones included).
    offers_from: BTreeMap<PeerId, usize>,
    /// Batches we accepted, oldest first (see `batch.rs`).
    /// Batches the person accepted, with the bytes their later offers may
    /// still take without asking again (`None`: the browser gave no estimate).
    accepted_batches: VecDeque<AcceptedBatch>,
    /// Peers whose link is `disconnected`, and when the grace ends.
    grace: BTreeMap<PeerId, Instant>,
    /// Peers whose link is `connected` now.
    connected: BTreeSet<PeerId>,
    /// Partial files kept from before a reload, by key (see `resume.rs`).
    partials: BTreeMap<String, Partial>,
    /// Prefix hashes each peer's offers made us compute in this session.
    prefix_hashes: BTreeMap<PeerId, u32>,
    actions: VecDeque<Action>,
}

impl Transfers {
    pub fn new(limits: Limits) -> Transfers {
        Transfers {
            limits,
            ..Transfers::default()
        }
    }

    pub fn get(&self, id: &str) -> Option<&Transfer> {
        self.transfers.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Transfer> {
        self.transfers.values()
    }

    /// The next thing to do, in order.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// When `handle_timeout` should be called next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.grace.values().min().copied()
    }

    /// A control message from `peer`.
    pub fn handle_control(
        &mut self,
        peer: PeerId,
        message: ChannelMessage,
        now: Instant,
    ) -> Result<(), TransferError> {
        match message {
            ChannelMessage::FileOffer(offer) => self.offered(peer, offer, now),
            ChannelMessage::FileAccept { id, offset } => {
                self.accepted(peer, &id, offset, None, now)
            }
            ChannelMessage::FileResume { id, offset, prefix } => {
                self.accepted(peer, &id, offset, Some(&prefix), now)
            }
            ChannelMessage::FileRestart { id } => self.restarted(peer, &id, now),
            ChannelMessage::FileReject { id } => self.rejected(peer, &id, now),
            ChannelMessage::FileDone { id, sha256 } => self.done(peer, &id, &sha256, now),
            ChannelMessage::FileOk { id } => self.verdict(peer, &id, true, now),
            ChannelMessage::FileCorrupt { id } => self.verdict(peer, &id, false, now),
            ChannelMessage::FileCancel { id } => {
                self.owned(peer, &id)?;
                self.cancel_with(&id, Cancellation::ByPeer, now)
            }
            ChannelMessage::Chat(_)
            | ChannelMessage::Bye
            | ChannelMessage::Negotiate { .. }
            | ChannelMessage::Confirm { .. }
            | ChannelMessage::SasCommit { .. }
            | ChannelMessage::SasReveal { .. }
            | ChannelMessage::Name { .. }
            | ChannelMessage::Media { .. } => Err(TransferError::NotTransferMessage),
        }
    }

    /// The user cancels a transfer (declining it if it is an offer to us).
    pub fn cancel(&mut self, id: &str, now: Instant) -> Result<(), TransferError> {
        let transfer = self.transfers.get(id).ok_or(TransferError::Unknown)?;
        if transfer.state().is_final() {
            return Err(invalid(transfer, "cancel"));
        }
        let id = id.to_string();
        let message = match transfer.phase {
            Phase::Receive(ReceivePhase::Offered) => ChannelMessage::FileReject { id: id.clone() },
            _ => ChannelMessage::FileCancel { id: id.clone() },
        };
        let peer = transfer.peer;
        self.push(Action::Control { peer, message });
        self.cancel_with(&id, Cancellation::ByUs, now)
    }

    /// The peer's `connectionState` changed. A link that stays down (failed,
    /// closed, or disconnected past the grace) stops its transfers, keeping
    /// what they have; when it is back, receives it stopped (or whose
    /// sender stopped) continue.
    pub fn handle_peer_state(&mut self, peer: PeerId, state: ConnectionState, now: Instant) {
        if state == ConnectionState::Connected {
            self.connected.insert(peer);
        } else {
            self.connected.remove(&peer);
        }
        match state {
            ConnectionState::Disconnected => {
                self.grace.insert(peer, now + self.limits.link_grace);
            }
            ConnectionState::Failed | ConnectionState::Closed => {
                self.grace.remove(&peer);
                self.interrupt_all(peer, &Interruption::LinkLost, now);
            }
            ConnectionState::Connected => {
                self.grace.remove(&peer);
                let again: Vec<String> = self
                    .transfers
                    .values()
                    .filter(|t| {
                        t.peer == peer
                            && matches!(
                                t.phase,
                                Phase::Receive(ReceivePhase::Interrupted(
                                    Interruption::LinkLost | Interruption::SenderLost
                                ))
                            )
                    })
                    .map(|t| t.id.clone())
                    .collect();
                for id in again {
                    let _ = self.accept(&id, now);
                }
            }
            ConnectionState::New | ConnectionState::Connecting => {}
        }
    }

    /// The peer is gone: everything moving with it stops, resumable.
    pub fn handle_peer_left(&mut self, peer: PeerId, now: Instant) {
        self.grace.remove(&peer);
        self.connected.remove(&peer);
        self.interrupt_all(peer, &Interruption::PeerLeft, now);
    }

    /// Time passed: links disconnected past their grace count as lost.
    pub fn handle_timeout(&mut self, now: Instant) {
        let lost: Vec<PeerId> = self
            .grace
            .iter()
            .filter(|(_, deadline)| **deadline <= now)
            .map(|(peer, _)| *peer)
            .collect();
        for peer in lost {
            self.grace.remove(&peer);
            self.interrupt_all(peer, &Interruption::LinkLost, now);
        }
    }

    /// The transfer's `file:<id>` channel closed under it. A receive whose
    /// sender closed it while the link is up (the sender's link grace ran
    /// out and ours did not) resumes at once, as after a lost link.
    pub fn handle_channel_closed(&mut self, id: &str, now: Instant) -> Result<(), TransferError> {
        let transfer = self.transfers.get(id).ok_or(TransferError::Unknown)?;
        let peer = transfer.peer;
        let why = match transfer.direction() {
            Direction::Send => Interruption::ReceiverLost,
            Direction::Receive => Interruption::SenderLost,
        };
        if self.interrupt(id, &why, now) {
            let link_up = self.connected.contains(&peer) && !self.grace.contains_key(&peer);
            if why == Interruption::SenderLost && link_up {
                return self.accept(id, now);
            }
            Ok(())
        } else {
            Err(invalid(transfer_of(&self.transfers, id)?, "channel closed"))
        }
    }

    /// A browser operation for transfer `id` failed.
    pub fn handle_io_error(
        &mut self,
        id: &str,
        error: IoError,
        now: Instant,
    ) -> Result<(), TransferError> {
        let transfer = self.transfers.get(id).ok_or(TransferError::Unknown)?;
        match transfer.direction() {
            Direction::Send => self.send_io_error(id, error, now),
            Direction::Receive => self.receive_io_error(id, error, now),
        }
    }

    fn push(&mut self, action: Action) {
        self.actions.push_back(action);
    }

    fn view(&mut self, id: &str) {
        self.push(Action::View { id: id.to_string() });
    }

    /// Checks that transfer `id` exists and belongs to `peer`: a peer may
    /// only act on its own transfers.
    fn owned(&self, peer: PeerId, id: &str) -> Result<&Transfer, TransferError> {
        let transfer = self.transfers.get(id).ok_or(TransferError::Unknown)?;
        if transfer.peer == peer {
            Ok(transfer)
        } else {
            Err(TransferError::NotOwner)
        }
    }

    /// Ends a transfer that is not final yet as cancelled.
    fn cancel_with(
        &mut self,
        id: &str,
        who: Cancellation,
        now: Instant,
    ) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        if transfer.state().is_final() {
            return Err(invalid(transfer, "cancel"));
        }
        transfer.updated = now;
        let release = match &mut transfer.phase {
            Phase::Send(phase) => {
                *phase = SendPhase::Cancelled(who);
                Action::StopSending { id: id.to_string() }
            }
            Phase::Receive(phase) => {
                *phase = ReceivePhase::Cancelled(who);
                Action::Discard { id: id.to_string() }
            }
        };
        self.push(release);
        self.view(id);
        Ok(())
    }

    /// Stops a transfer that is moving bytes, keeping what it has; returns
    /// whether it did. Only a sender still sending, or a receiver still
    /// missing bytes, is interrupted: a sender that sent everything keeps
    /// waiting for the verdict.
    fn interrupt(&mut self, id: &str, why: &Interruption, now: Instant) -> bool {
        let Some(transfer) = self.transfers.get_mut(id) else {
            return false;
        };
        let short = transfer.transferred < transfer.size;
        let release = match &mut transfer.phase {
            Phase::Send(phase @ SendPhase::Sending { .. }) => {
                *phase = SendPhase::Interrupted(why.clone());
                Action::StopSending { id: id.to_string() }
            }
            Phase::Receive(phase @ ReceivePhase::Receiving { .. }) if short => {
                *phase = ReceivePhase::Interrupted(why.clone());
                Action::CloseChannel { id: id.to_string() }
            }
            _ => return false,
        };
        transfer.updated = now;
        self.push(release);
        self.view(id);
        true
    }

    fn interrupt_all(&mut self, peer: PeerId, why: &Interruption, now: Instant) {
        let ids: Vec<String> = self
            .transfers
            .values()
            .filter(|t| t.peer == peer)
            .map(|t| t.id.clone())
            .collect();
        for id in ids {
            self.interrupt(&id, why, now);
        }
    }

    /// True when a progress view is due for `transfer` (and notes it).
    fn progress_due(limits: &Limits, transfer: &mut Transfer, now: Instant) -> bool {
        let due = transfer
            .last_report
            .is_none_or(|last| now.since(last) >= limits.progress_every);
        if due {
            transfer.last_report = Some(now);
        }
        due
    }
}

fn invalid(transfer: &Transfer, input: &'static str) -> TransferError {
    TransferError::InvalidTransition {
        state: transfer.state(),
        input,
    }
}

fn transfer_of<'a>(
    transfers: &'a BTreeMap<String, Transfer>,
    id: &str,
) -> Result<&'a Transfer, TransferError> {
    transfers.get(id).ok_or(TransferError::Unknown)
}

fn transfer_of_mut<'a>(
    transfers: &'a mut BTreeMap<String, Transfer>,
    id: &str,
) -> Result<&'a mut Transfer, TransferError> {
    transfers.get_mut(id).ok_or(TransferError::Unknown)
}
