//! The receiver's transitions: a peer's offer (sanitised, within per-peer
//! limits), our accept or resume, the channel and its chunks (never more than
//! announced), the sender's claim, the digest comparison and storage. It
//! holds no byte and hashes nothing; the wrapper does, when told to.

use peerlink_protocol::{
    sanitize_file_name, sanitize_relative_path, ChannelMessage, FileOffer, PeerId,
};

use super::{
    invalid, transfer_of_mut, Action, Claim, Digest, Failure, Interruption, IoError, Phase,
    ReceivePhase, Transfer, TransferError, Transfers,
};
use crate::Instant;

/// Longest MIME type kept from an offer, in characters.
const MAX_MIME_CHARS: usize = 100;

/// What to do with a chunk that arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk {
    /// Hash and store it.
    Keep,
    /// The transfer failed on it: hash and store nothing.
    Drop,
}

impl Transfers {
    /// How many answers `peer` waits for from the person, counting a batch
    /// once (its files are answered together), plus one if an offer in
    /// `batch` would start a new one. A 300-file folder is one answer; the
    /// number of files stays capped by `max_transfers_per_peer`.
    fn pending_answers(&self, peer: PeerId, batch: &str) -> usize {
        let mut batches = std::collections::BTreeSet::new();
        let mut lone = 0;
        for t in self.transfers.values() {
            if t.peer == peer && t.phase == Phase::Receive(ReceivePhase::Offered) {
                if t.batch.is_empty() {
                    lone += 1;
                } else {
                    batches.insert(t.batch.as_str());
                }
            }
        }
        let joins_waiting_batch = !batch.is_empty() && batches.contains(batch);
        lone + batches.len() + usize::from(!joins_waiting_batch)
    }

    /// `file-offer`: keep it, sanitised, for the user to answer (or take it
    /// at once when its batch was accepted). An offer beyond the per-peer
    /// limits is refused and rejected, so the sender does not wait for it.
    pub(super) fn offered(
        &mut self,
        peer: PeerId,
        offer: FileOffer,
        now: Instant,
    ) -> Result<(), TransferError> {
        if offer.id.is_empty() || offer.id.len() > self.limits.max_id_len {
            return Err(TransferError::BadId);
        }
        if self.transfers.contains_key(&offer.id) {
            return Err(TransferError::DuplicateId);
        }
        let pending = self.pending_answers(peer, &offer.batch);
        let made = self.offers_from.get(&peer).copied().unwrap_or(0);
        let refused = if pending > self.limits.max_pending_offers_per_peer {
            Some(TransferError::TooManyPendingOffers)
        } else if made >= self.limits.max_transfers_per_peer {
            Some(TransferError::TooManyTransfers)
        } else {
            None
        };
        if let Some(error) = refused {
            let message = ChannelMessage::FileReject { id: offer.id };
            self.push(Action::Control { peer, message });
            return Err(error);
        }
        self.offers_from.insert(peer, made + 1);
        let mime: String = offer
            .mime
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_MIME_CHARS)
            .collect();
        let file = (sanitize_file_name(&offer.name), offer.size, mime);
        let id = offer.id;
        let phase = Phase::Receive(ReceivePhase::Offered);
        let mut transfer = Transfer::new(id.clone(), peer, file, phase, now);
        transfer.path = sanitize_relative_path(&offer.path);
        transfer.batch = offer.batch;
        transfer.modified = offer.modified;
        transfer.resume = self.find_resume(&transfer.name, transfer.size, transfer.modified);
        let batch_accepted = self.take_batch_room(peer, &transfer.batch, offer.size);
        self.transfers.insert(id.clone(), transfer);
        self.push(Action::PrepareStore {
            id: id.clone(),
            size: offer.size,
        });
        self.view(&id);
        if batch_accepted {
            self.accept(&id, now)?;
        }
        Ok(())
    }

    /// The user accepts an offer, or resumes an interrupted receive from the
    /// bytes already here. An offer of a file kept from before a reload
    /// first has its kept prefix hashed (resume.rs); the accept follows.
    pub fn accept(&mut self, id: &str, now: Instant) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let Phase::Receive(phase) = &mut transfer.phase else {
            return Err(TransferError::WrongDirection);
        };
        let first = match phase {
            ReceivePhase::Offered => true,
            ReceivePhase::Interrupted(_) => false,
            _ => return Err(invalid(transfer, "accept")),
        };
        *phase = ReceivePhase::Receiving { claim: None };
        transfer.started = now;
        transfer.updated = now;
        transfer.last_report = None;
        let (peer, offset, pending) =
            (transfer.peer, transfer.transferred, transfer.prefix_pending);
        if (first && self.start_prefix_hash(id)) || pending {
            self.view(id);
            return Ok(());
        }
        self.view(id);
        let message = self
            .resume_message_for(id)
            .unwrap_or(ChannelMessage::FileAccept {
                id: id.to_string(),
                offset,
            });
        self.push(Action::Control { peer, message });
        Ok(())
    }

    /// Accepts (or resumes) only if the rest of the file fits in `free`
    /// bytes of storage, as the browser estimates it (`None`: unknown, so
    /// accepted). Without room the offer keeps waiting: `NoRoom`.
    pub fn accept_within(
        &mut self,
        id: &str,
        free: Option<u64>,
        now: Instant,
    ) -> Result<(), TransferError> {
        let transfer = self.transfers.get(id).ok_or(TransferError::Unknown)?;
        let needed = transfer.size.saturating_sub(transfer.transferred);
        match free {
            Some(free) if free < needed => Err(TransferError::NoRoom { needed, free }),
            _ => self.accept(id, now),
        }
    }

    /// A channel `peer` opened with `label`: returns the transfer id when it
    /// is `file:<id>` of an accepted receive from that peer; anything else
    /// must be closed.
    pub fn handle_channel(&self, peer: PeerId, label: &str) -> Result<String, TransferError> {
        let id = label.strip_prefix("file:").ok_or(TransferError::BadId)?;
        let transfer = self.owned(peer, id)?;
        match transfer.phase {
            Phase::Receive(ReceivePhase::Receiving { .. }) => Ok(id.to_string()),
            Phase::Receive(_) => Err(invalid(transfer, "channel")),
            Phase::Send(_) => Err(TransferError::WrongDirection),
        }
    }

    /// `len` bytes arrived on the transfer's channel: `Keep` means hash and
    /// store them (before carrying out the next action). More bytes than
    /// announced, or a chunk above the protocol's limit, fail the transfer:
    /// `Drop`, and the `Discard` that follows throws away the rest.
    pub fn handle_chunk(
        &mut self,
        id: &str,
        len: usize,
        now: Instant,
    ) -> Result<Chunk, TransferError> {
        let limits = &self.limits;
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let claim = match &transfer.phase {
            Phase::Receive(ReceivePhase::Receiving { claim }) => *claim,
            Phase::Receive(ReceivePhase::Hashing { .. } | ReceivePhase::Storing { .. }) => {
                // Every announced byte is already here.
                return self.fail(id, Failure::Oversize, now).map(|()| Chunk::Drop);
            }
            Phase::Receive(_) => return Err(invalid(transfer, "chunk")),
            Phase::Send(_) => return Err(TransferError::WrongDirection),
        };
        if len > limits.max_chunk_bytes {
            return self
                .fail(id, Failure::ChunkTooLarge, now)
                .map(|()| Chunk::Drop);
        }
        let total = transfer.transferred.saturating_add(len as u64);
        if total > transfer.size {
            return self.fail(id, Failure::Oversize, now).map(|()| Chunk::Drop);
        }
        transfer.transferred = total;
        transfer.updated = now;
        let due = Transfers::progress_due(limits, transfer, now);
        let complete = total == transfer.size;
        if due {
            self.view(id);
        }
        if let (true, Some(claim)) = (complete, claim) {
            self.start_hashing(id, claim)?;
        }
        Ok(Chunk::Keep)
    }

    /// `file-done`: the sender's digest. Verification waits for every byte.
    pub(super) fn done(
        &mut self,
        peer: PeerId,
        id: &str,
        sha256: &str,
        _now: Instant,
    ) -> Result<(), TransferError> {
        self.owned(peer, id)?;
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let complete = transfer.transferred == transfer.size;
        let Phase::Receive(phase) = &mut transfer.phase else {
            return Err(TransferError::WrongDirection);
        };
        let ReceivePhase::Receiving {
            claim: claim @ None,
        } = phase
        else {
            return Err(invalid(transfer, "file-done"));
        };
        let parsed = Claim::parse(sha256);
        *claim = Some(parsed);
        if complete {
            self.start_hashing(id, parsed)?;
        }
        Ok(())
    }

    /// Every byte and the claim are here: ask for the local digest, once.
    fn start_hashing(&mut self, id: &str, claim: Claim) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        transfer.phase = Phase::Receive(ReceivePhase::Hashing { claim });
        self.push(Action::FinishHash { id: id.to_string() });
        Ok(())
    }

    /// The local digest of every received byte: it must equal the claim.
    pub(super) fn hashed(
        &mut self,
        id: &str,
        digest: Digest,
        now: Instant,
    ) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let Phase::Receive(ReceivePhase::Hashing { claim }) = transfer.phase else {
            return Err(invalid(transfer, "local hash"));
        };
        let whole = transfer.transferred == transfer.size;
        if !whole || claim != Claim::Digest(digest) {
            return self.fail(id, Failure::Corrupt, now);
        }
        transfer.phase = Phase::Receive(ReceivePhase::Storing { sha256: digest });
        transfer.updated = now;
        self.push(Action::FinishStore { id: id.to_string() });
        Ok(())
    }

    /// Storage finished (the download is ready): verified, tell the sender.
    pub fn handle_stored(&mut self, id: &str, now: Instant) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let Phase::Receive(ReceivePhase::Storing { sha256 }) = transfer.phase else {
            return Err(invalid(transfer, "stored"));
        };
        transfer.phase = Phase::Receive(ReceivePhase::Verified { sha256 });
        transfer.updated = now;
        let peer = transfer.peer;
        self.view(id);
        let message = ChannelMessage::FileOk { id: id.to_string() };
        self.push(Action::Control { peer, message });
        Ok(())
    }

    pub(super) fn receive_io_error(
        &mut self,
        id: &str,
        error: IoError,
        now: Instant,
    ) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        if transfer.state().is_final() {
            return Err(invalid(transfer, "I/O error"));
        }
        match error {
            IoError::ControlSend(why) => {
                if self.interrupt(id, &Interruption::CannotReachSender(why), now) {
                    Ok(())
                } else {
                    Err(invalid(
                        transfer_of_mut(&mut self.transfers, id)?,
                        "I/O error",
                    ))
                }
            }
            IoError::ChannelText => self.fail(id, Failure::UnexpectedText, now),
            IoError::StorePush(why) => self.fail(id, Failure::StoreRefused(why), now),
            IoError::StoreFinish(why) => {
                let transfer = transfer_of_mut(&mut self.transfers, id)?;
                if !matches!(transfer.phase, Phase::Receive(ReceivePhase::Storing { .. })) {
                    return Err(invalid(transfer, "I/O error"));
                }
                // The sender is not told: its bytes were fine, our storage
                // was not (src/rtc/transfer/receive.rs has always done so).
                transfer.phase = Phase::Receive(ReceivePhase::Failed(Failure::StoreFinish(why)));
                transfer.updated = now;
                self.push(Action::Discard { id: id.to_string() });
                self.view(id);
                Ok(())
            }
            IoError::OpenChannel
            | IoError::ReadFile(_)
            | IoError::FileChanged
            | IoError::ChannelSend(_) => Err(TransferError::WrongDirection),
        }
    }

    /// Ends a receive as failed: bytes discarded, the sender told it is
    /// corrupt (so it stops waiting for a verdict).
    fn fail(&mut self, id: &str, failure: Failure, now: Instant) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        if transfer.state().is_final() {
            return Err(invalid(transfer, "fail"));
        }
        transfer.phase = Phase::Receive(ReceivePhase::Failed(failure));
        transfer.updated = now;
        let peer = transfer.peer;
        self.push(Action::Discard { id: id.to_string() });
        self.view(id);
        let message = ChannelMessage::FileCorrupt { id: id.to_string() };
        self.push(Action::Control { peer, message });
        Ok(())
    }
}
