//! Batches: offers a peer sends together (several files, a folder) share a
//! batch id, and the person answers them once. Accepting a batch accepts
//! every offer of it already here and remembers the batch, so its offers
//! still on their way are taken as they arrive — within the free storage
//! the browser estimated at that moment; beyond it they wait for the person
//! again. Declining declines them all.

use peerlink_protocol::PeerId;

use super::{Phase, ReceivePhase, TransferError, Transfers};
use crate::Instant;

/// A batch the person accepted: `room` is what its later offers may still
/// take (bytes), `None` when the browser gave no storage estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AcceptedBatch {
    peer: PeerId,
    batch: String,
    room: Option<u64>,
}

impl Transfers {
    /// Whether a later offer of `size` bytes in an accepted batch (never a
    /// lone file: its batch is empty and never accepted) is taken
    /// without asking: it must fit what is left of the room counted at the
    /// accept, which it then uses up.
    pub(super) fn take_batch_room(&mut self, peer: PeerId, batch: &str, size: u64) -> bool {
        let Some(accepted) = self
            .accepted_batches
            .iter_mut()
            .find(|a| a.peer == peer && a.batch == batch)
        else {
            return false;
        };
        match accepted.room {
            None => true,
            Some(room) if size <= room => {
                accepted.room = Some(room - size);
                true
            }
            Some(_) => false,
        }
    }

    /// The ids of `peer`'s offers in `batch` still waiting for an answer.
    fn waiting_in(&self, peer: PeerId, batch: &str) -> Vec<String> {
        self.transfers
            .values()
            .filter(|t| {
                t.peer == peer
                    && t.batch == batch
                    && t.phase == Phase::Receive(ReceivePhase::Offered)
            })
            .map(|t| t.id.clone())
            .collect()
    }

    /// The user accepts `peer`'s whole batch: returns how many offers it
    /// accepted now. Later offers of the batch are accepted on arrival.
    /// When the offers waiting need more than `free` bytes of storage (as
    /// the browser estimates it), nothing is accepted: `NoRoom`.
    pub fn accept_batch(
        &mut self,
        peer: PeerId,
        batch: &str,
        free: Option<u64>,
        now: Instant,
    ) -> Result<usize, TransferError> {
        if batch.is_empty() {
            return Err(TransferError::BadId);
        }
        let needed: u64 = self
            .waiting_in(peer, batch)
            .iter()
            .filter_map(|id| self.transfers.get(id))
            .map(|t| t.size)
            .sum();
        if let Some(free) = free.filter(|free| *free < needed) {
            return Err(TransferError::NoRoom { needed, free });
        }
        let room = free.map(|free| free - needed);
        match self
            .accepted_batches
            .iter_mut()
            .find(|a| a.peer == peer && a.batch == batch)
        {
            Some(accepted) => accepted.room = room,
            None => {
                if self.accepted_batches.len() >= self.limits.max_accepted_batches {
                    self.accepted_batches.pop_front();
                }
                let batch = batch.to_string();
                self.accepted_batches
                    .push_back(AcceptedBatch { peer, batch, room });
            }
        }
        let ids = self.waiting_in(peer, batch);
        for id in &ids {
            self.accept(id, now)?;
        }
        Ok(ids.len())
    }

    /// The user declines `peer`'s whole batch: every offer of it waiting is
    /// rejected. Returns how many.
    pub fn decline_batch(
        &mut self,
        peer: PeerId,
        batch: &str,
        now: Instant,
    ) -> Result<usize, TransferError> {
        if batch.is_empty() {
            return Err(TransferError::BadId);
        }
        self.accepted_batches
            .retain(|a| !(a.peer == peer && a.batch == batch));
        let ids = self.waiting_in(peer, batch);
        for id in &ids {
            self.cancel(id, now)?;
        }
        Ok(ids.len())
    }
}
