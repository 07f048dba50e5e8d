//! The sender's transitions: our offer, the receiver's accept (first time or
//! resume), progress, the local digest, the verdict, and I/O failures. It
//! reads no file and sends no byte; the wrapper's pump does, on `StartSending`.

use peerlink_protocol::{ChannelMessage, FileOffer, PeerId};

use super::{
    invalid, transfer_of_mut, Action, Cancellation, Digest, Failure, Interruption, IoError, Phase,
    SendPhase, Transfer, TransferError, Transfers,
};
use crate::Instant;

impl Transfers {
    /// The user offers a file to `peer`: the offer goes out and the transfer
    /// waits for an answer. If the offer cannot be sent (reported as
    /// `IoError::ControlSend`), the transfer is forgotten.
    pub fn offer(
        &mut self,
        peer: PeerId,
        offer: FileOffer,
        now: Instant,
    ) -> Result<(), TransferError> {
        if offer.id.is_empty() {
            return Err(TransferError::BadId);
        }
        if self.transfers.contains_key(&offer.id) {
            return Err(TransferError::DuplicateId);
        }
        let file = (offer.name.clone(), offer.size, offer.mime.clone());
        let mut transfer = Transfer::new(
            offer.id.clone(),
            peer,
            file,
            Phase::Send(SendPhase::Offered),
            now,
        );
        transfer.path = offer.path.clone();
        transfer.batch = offer.batch.clone();
        transfer.modified = offer.modified;
        let id = offer.id.clone();
        self.transfers.insert(id.clone(), transfer);
        self.push(Action::Control {
            peer,
            message: ChannelMessage::FileOffer(offer),
        });
        self.view(&id);
        Ok(())
    }

    /// `file-accept`: start sending from `offset`. An accept while already
    /// sending is ignored; each accept re-reads the prefix, so their number
    /// is bounded. With `prefix` (a receiver resuming after a reload), the
    /// pump first checks it against our file (`handle_sender_prefix`); a
    /// malformed one is answered with `file-restart` at once.
    pub(super) fn accepted(
        &mut self,
        peer: PeerId,
        id: &str,
        offset: u64,
        prefix: Option<&str>,
        now: Instant,
    ) -> Result<(), TransferError> {
        let max_accepts = self.limits.max_accepts_per_transfer;
        self.owned(peer, id)?;
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let Phase::Send(phase) = &mut transfer.phase else {
            return Err(TransferError::WrongDirection);
        };
        match phase {
            SendPhase::Offered | SendPhase::Sent { .. } | SendPhase::Interrupted(_) => {}
            SendPhase::Sending { .. }
            | SendPhase::Verified { .. }
            | SendPhase::Failed(_)
            | SendPhase::Cancelled(_) => return Err(invalid(transfer, "accept")),
        }
        if offset > transfer.size {
            return Err(TransferError::OutOfRange);
        }
        if transfer.accepts >= max_accepts {
            *phase = SendPhase::Failed(Failure::TooManyResumes);
            transfer.updated = now;
            let message = ChannelMessage::FileCancel { id: id.to_string() };
            self.push(Action::Control { peer, message });
            self.view(id);
            return Ok(());
        }
        let check = match prefix.map(Digest::from_hex) {
            None => None,
            Some(Some(digest)) if offset > 0 => Some(digest),
            Some(_) => {
                transfer.accepts += 1;
                let message = ChannelMessage::FileRestart { id: id.to_string() };
                self.push(Action::Control { peer, message });
                return Ok(());
            }
        };
        transfer.check_prefix = check;
        transfer.resumed_at = check.map(|_| offset);
        *phase = SendPhase::Sending { from: offset };
        transfer.accepts += 1;
        transfer.transferred = offset;
        transfer.started = now;
        transfer.updated = now;
        transfer.last_report = None;
        self.push(Action::StopSending { id: id.to_string() });
        self.push(Action::StartSending {
            id: id.to_string(),
            peer,
            offset,
        });
        self.view(id);
        Ok(())
    }

    /// The pump has sent `sent` bytes of the file in total.
    pub fn handle_progress(
        &mut self,
        id: &str,
        sent: u64,
        now: Instant,
    ) -> Result<(), TransferError> {
        let limits = &self.limits;
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let Phase::Send(SendPhase::Sending { from }) = transfer.phase else {
            return Err(invalid(transfer, "progress"));
        };
        if sent < from || sent > transfer.size {
            return Err(TransferError::OutOfRange);
        }
        transfer.transferred = sent;
        transfer.updated = now;
        if Transfers::progress_due(limits, transfer, now) {
            self.view(id);
        }
        Ok(())
    }

    /// The wrapper's digest of a transfer's bytes: the whole file (sender),
    /// or everything received (receiver), which must match the sender's.
    pub fn handle_local_hash(
        &mut self,
        id: &str,
        digest: Digest,
        now: Instant,
    ) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        match transfer.phase {
            Phase::Send(_) => self.sent(id, digest, now),
            Phase::Receive(_) => self.hashed(id, digest, now),
        }
    }

    /// Every byte is out and hashed: tell the receiver the digest.
    fn sent(&mut self, id: &str, sha256: Digest, now: Instant) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let Phase::Send(phase @ SendPhase::Sending { .. }) = &mut transfer.phase else {
            return Err(invalid(transfer, "local hash"));
        };
        *phase = SendPhase::Sent { sha256 };
        transfer.transferred = transfer.size;
        transfer.updated = now;
        let peer = transfer.peer;
        self.view(id);
        // The control channel is another SCTP stream: this may overtake the
        // last chunks, so the receiver verifies once it has both.
        let message = ChannelMessage::FileDone {
            id: id.to_string(),
            sha256: sha256.to_hex(),
        };
        self.push(Action::Control { peer, message });
        Ok(())
    }

    /// `file-reject`: the receiver declines our offer.
    pub(super) fn rejected(
        &mut self,
        peer: PeerId,
        id: &str,
        now: Instant,
    ) -> Result<(), TransferError> {
        if !matches!(self.owned(peer, id)?.phase, Phase::Send(_)) {
            return Err(TransferError::WrongDirection);
        }
        self.cancel_with(id, Cancellation::Declined, now)
    }

    /// `file-ok` / `file-corrupt`: the receiver's verdict. Only `ok` after
    /// our own digest went out counts as verified.
    pub(super) fn verdict(
        &mut self,
        peer: PeerId,
        id: &str,
        ok: bool,
        now: Instant,
    ) -> Result<(), TransferError> {
        self.owned(peer, id)?;
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let Phase::Send(phase) = &mut transfer.phase else {
            return Err(TransferError::WrongDirection);
        };
        *phase = match (&*phase, ok) {
            (SendPhase::Sent { sha256 }, true) => SendPhase::Verified { sha256: *sha256 },
            (SendPhase::Sent { .. } | SendPhase::Sending { .. }, false) => {
                SendPhase::Failed(Failure::ReceiverFoundCorrupt)
            }
            _ => {
                return Err(invalid(
                    transfer,
                    if ok { "file-ok" } else { "file-corrupt" },
                ))
            }
        };
        transfer.updated = now;
        self.push(Action::StopSending { id: id.to_string() });
        self.view(id);
        Ok(())
    }

    pub(super) fn send_io_error(
        &mut self,
        id: &str,
        error: IoError,
        now: Instant,
    ) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let Phase::Send(phase) = &mut transfer.phase else {
            return Err(TransferError::WrongDirection);
        };
        let failure = match (&*phase, error) {
            (SendPhase::Offered, IoError::ControlSend(_)) if transfer.accepts == 0 => {
                // The offer never reached the peer: as if it was never made.
                self.transfers.remove(id);
                return Ok(());
            }
            (SendPhase::Sending { .. }, IoError::ChannelSend(why)) => {
                self.interrupt(id, &Interruption::SendFailed(why), now);
                return Ok(());
            }
            (SendPhase::Sending { .. }, IoError::OpenChannel) => Failure::NoConnection,
            (SendPhase::Sending { .. }, IoError::ReadFile(why)) => Failure::ReadFile(why),
            (SendPhase::Sending { .. }, IoError::FileChanged) => Failure::FileChanged,
            _ => return Err(invalid(transfer, "I/O error")),
        };
        *phase = SendPhase::Failed(failure);
        transfer.updated = now;
        self.push(Action::StopSending { id: id.to_string() });
        self.view(id);
        Ok(())
    }
}
