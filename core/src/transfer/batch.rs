//! Batches: offers a peer sends together (several files, a folder) share a
//! batch id, and the person answers them once. Accepting a batch accepts
//! every offer of it already here and remembers the batch, so its offers
//! still on their way are taken as they arrive; declining declines them all.

use peerlink_protocol::PeerId;

use super::{Phase, ReceivePhase, TransferError, Transfers};
use crate::Instant;

impl Transfers {
    /// Whether `peer`'s batch `batch` was accepted (never for a lone file).
    pub(super) fn batch_accepted(&self, peer: PeerId, batch: &str) -> bool {
        !batch.is_empty()
            && self
                .accepted_batches
                .iter()
                .any(|(p, b)| *p == peer && b == batch)
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
        if !self.batch_accepted(peer, batch) {
            if self.accepted_batches.len() >= self.limits.max_accepted_batches {
                self.accepted_batches.pop_front();
            }
            self.accepted_batches.push_back((peer, batch.to_string()));
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
            .retain(|(p, b)| !(*p == peer && b == batch));
        let ids = self.waiting_in(peer, batch);
        for id in &ids {
            self.cancel(id, now)?;
        }
        Ok(ids.len())
    }
}
