//! Resuming after a reload. A receive kept on disk leaves a `Partial` (the
//! wrapper's manifest); an interrupted receive of this page is one too.
//! When a peer offers the same file again (name, size, last-modified, all
//! equal and the time known), the offer remembers what it may continue
//! from; once the person accepts, the wrapper hashes the kept prefix (at
//! most `max_prefix_hashes_per_peer` times per peer) and the receiver
//! answers `file-accept` with that prefix's SHA-256. The sender compares
//! it with its own file's first bytes: equal, it sends the rest; not, it
//! answers `file-restart` and the receiver starts over from 0. Which kept
//! partials survive a startup is decided here too (`keep_partials`).

use peerlink_protocol::{ChannelMessage, PeerId};

use super::{
    invalid, transfer_of_mut, Action, Cancellation, Digest, Phase, ReceivePhase, SendPhase,
    TransferError, Transfers,
};
use crate::Instant;

/// A partial file kept from before a reload, as its manifest says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    /// The wrapper's name for it (the id of the receive that wrote it).
    pub key: String,
    /// Sanitised, as the receive that wrote it showed it.
    pub name: String,
    pub size: u64,
    /// The sender's last-modified time (ms since the epoch).
    pub modified: u64,
    /// Bytes safely on disk, from the start of the file.
    pub bytes: u64,
    /// When the manifest was last written (ms since the epoch).
    pub saved_ms: u64,
}

/// Where a resumed receive's first bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResumeSource {
    /// An interrupted receive of this page (its sender reloaded).
    Receive(String),
    /// A partial kept on disk from before this page reloaded.
    Stored(String),
}

/// What an offer may continue from, and from which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resume {
    pub source: ResumeSource,
    pub offset: u64,
}

/// The keys of the partials to keep at startup: younger than `max_age_ms`,
/// not complete, and, newest first, within `max_bytes` in total. The rest
/// are removed.
pub fn keep_partials(
    partials: &[Partial],
    now_ms: u64,
    max_age_ms: u64,
    max_bytes: u64,
) -> Vec<String> {
    let mut fresh: Vec<&Partial> = partials
        .iter()
        .filter(|p| now_ms.saturating_sub(p.saved_ms) <= max_age_ms)
        .filter(|p| p.bytes > 0 && p.bytes < p.size)
        .collect();
    fresh.sort_by_key(|p| std::cmp::Reverse(p.saved_ms));
    let mut total = 0u64;
    let mut keep = Vec::new();
    for partial in fresh {
        total = total.saturating_add(partial.bytes);
        if total > max_bytes {
            break;
        }
        keep.push(partial.key.clone());
    }
    keep
}

impl Transfers {
    /// Partials found on disk at startup (after `keep_partials`).
    pub fn add_partials(&mut self, partials: impl IntoIterator<Item = Partial>) {
        for partial in partials {
            self.partials.insert(partial.key.clone(), partial);
        }
    }

    /// A partial no transfer may continue any more (it was removed).
    pub fn forget_partial(&mut self, key: &str) {
        self.partials.remove(key);
    }

    fn claimed(&self, source: &ResumeSource) -> bool {
        self.transfers.values().any(|t| {
            !t.state().is_final() && t.resume.as_ref().is_some_and(|r| &r.source == source)
        })
    }

    /// Whether the bytes of `source` can still be taken.
    fn still_there(&self, source: &ResumeSource) -> bool {
        match source {
            ResumeSource::Receive(old) => self
                .transfers
                .get(old)
                .is_some_and(|t| matches!(t.phase, Phase::Receive(ReceivePhase::Interrupted(_)))),
            ResumeSource::Stored(key) => self.partials.contains_key(key),
        }
    }

    /// What an offer of this file may continue from: the interrupted
    /// receive of this page with the most bytes, else a kept partial.
    pub(super) fn find_resume(
        &self,
        name: &str,
        size: u64,
        modified: Option<u64>,
    ) -> Option<Resume> {
        let modified = modified?;
        let same = |n: &str, s: u64, m: Option<u64>| n == name && s == size && m == Some(modified);
        let live = self
            .transfers
            .values()
            .filter(|t| matches!(t.phase, Phase::Receive(ReceivePhase::Interrupted(_))))
            .filter(|t| same(&t.name, t.size, t.modified) && t.transferred > 0)
            .filter(|t| t.transferred < t.size)
            .map(|t| Resume {
                source: ResumeSource::Receive(t.id.clone()),
                offset: t.transferred,
            })
            .filter(|r| !self.claimed(&r.source))
            .max_by_key(|r| r.offset);
        live.or_else(|| {
            self.partials
                .values()
                .filter(|p| same(&p.name, p.size, Some(p.modified)))
                .filter(|p| p.bytes > 0 && p.bytes < p.size)
                .map(|p| Resume {
                    source: ResumeSource::Stored(p.key.clone()),
                    offset: p.bytes,
                })
                .filter(|r| !self.claimed(&r.source))
                .max_by_key(|r| r.offset)
        })
    }

    /// Receiver, on the person's accept of an offer that may resume: asks
    /// for the prefix hash (returns true) within the peer's budget; beyond
    /// it the offer starts from 0 (returns false).
    pub(super) fn start_prefix_hash(&mut self, id: &str) -> bool {
        let max = self.limits.max_prefix_hashes_per_peer;
        let Some(transfer) = self.transfers.get_mut(id) else {
            return false;
        };
        let Some(resume) = transfer.resume.clone() else {
            return false;
        };
        let peer = transfer.peer;
        if !self.still_there(&resume.source) {
            // Its own sender came back and it moved on meanwhile.
            if let Some(transfer) = self.transfers.get_mut(id) {
                transfer.resume = None;
            }
            return false;
        }
        let Some(transfer) = self.transfers.get_mut(id) else {
            return false;
        };
        let used = self.prefix_hashes.entry(peer).or_insert(0);
        if *used >= max {
            transfer.resume = None;
            return false;
        }
        *used += 1;
        transfer.prefix_pending = true;
        transfer.transferred = resume.offset;
        self.push(Action::HashPrefix {
            id: id.to_string(),
            source: resume.source,
            offset: resume.offset,
        });
        true
    }

    /// Receiver: the wrapper hashed the kept prefix of `id` (`None`: it could
    /// not read it, so the receive starts from 0 with fresh storage).
    pub fn handle_prefix_hash(
        &mut self,
        id: &str,
        digest: Option<Digest>,
        now: Instant,
    ) -> Result<(), TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        if !transfer.prefix_pending {
            return Err(invalid(transfer, "prefix hash"));
        }
        transfer.prefix_pending = false;
        transfer.updated = now;
        let receiving = matches!(
            transfer.phase,
            Phase::Receive(ReceivePhase::Receiving { .. })
        );
        let (peer, offset) = (transfer.peer, transfer.transferred);
        let resume = transfer.resume.clone();
        let (Some(digest), Some(resume)) = (digest, resume) else {
            transfer.resume = None;
            transfer.transferred = 0;
            self.view(id);
            if receiving {
                let message = ChannelMessage::FileAccept {
                    id: id.to_string(),
                    offset: 0,
                };
                self.push(Action::Control { peer, message });
            }
            return Ok(());
        };
        transfer.prefix = Some(digest);
        transfer.resumed_at = Some(offset);
        match &resume.source {
            ResumeSource::Receive(old) => {
                // Its bytes and hash state now belong to `id`: nothing to
                // discard, and the interrupted row says where it went.
                if let Some(old) = self.transfers.get_mut(old) {
                    old.phase = Phase::Receive(ReceivePhase::Cancelled(Cancellation::Continued));
                    old.updated = now;
                    let old = old.id.clone();
                    self.view(&old);
                }
            }
            ResumeSource::Stored(key) => {
                self.partials.remove(key);
            }
        }
        self.view(id);
        if receiving {
            self.push(Action::Control {
                peer,
                message: resume_message(id, offset, digest),
            });
        }
        Ok(())
    }

    /// Receiver, resuming an interrupted receive: a resumed one that got no
    /// byte since its prefix went out asks again with the same prefix.
    pub(super) fn resume_message_for(&self, id: &str) -> Option<ChannelMessage> {
        let transfer = self.transfers.get(id)?;
        let prefix = transfer.prefix?;
        (transfer.resumed_at == Some(transfer.transferred))
            .then(|| resume_message(id, transfer.transferred, prefix))
    }

    /// `file-restart`: the sender's file does not start with our bytes.
    /// Only before any new byte came: start over from 0.
    pub(super) fn restarted(
        &mut self,
        peer: PeerId,
        id: &str,
        now: Instant,
    ) -> Result<(), TransferError> {
        self.owned(peer, id)?;
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let waiting = matches!(
            transfer.phase,
            Phase::Receive(ReceivePhase::Receiving { claim: None })
        );
        if !waiting || transfer.resumed_at != Some(transfer.transferred) {
            return Err(invalid(transfer, "file-restart"));
        }
        transfer.transferred = 0;
        transfer.resumed_at = None;
        transfer.prefix = None;
        transfer.resume = None;
        transfer.updated = now;
        self.push(Action::Restart { id: id.to_string() });
        self.view(id);
        let message = ChannelMessage::FileAccept {
            id: id.to_string(),
            offset: 0,
        };
        self.push(Action::Control { peer, message });
        Ok(())
    }

    /// Sender: the digest of our file's first bytes, as the receiver's
    /// `file-accept` asked us to check. Equal: the pump goes on (returns
    /// true). Not: the pump stops and the receiver is told to start over.
    pub fn handle_sender_prefix(
        &mut self,
        id: &str,
        digest: Digest,
        now: Instant,
    ) -> Result<bool, TransferError> {
        let transfer = transfer_of_mut(&mut self.transfers, id)?;
        let Phase::Send(phase @ SendPhase::Sending { .. }) = &mut transfer.phase else {
            return Err(invalid(transfer, "prefix hash"));
        };
        let Some(expected) = transfer.check_prefix.take() else {
            return Err(invalid(transfer, "prefix hash"));
        };
        if expected == digest {
            return Ok(true);
        }
        *phase = SendPhase::Offered;
        transfer.transferred = 0;
        transfer.resumed_at = None;
        transfer.updated = now;
        let peer = transfer.peer;
        self.push(Action::StopSending { id: id.to_string() });
        self.view(id);
        let message = ChannelMessage::FileRestart { id: id.to_string() };
        self.push(Action::Control { peer, message });
        Ok(false)
    }
}

fn resume_message(id: &str, offset: u64, prefix: Digest) -> ChannelMessage {
    ChannelMessage::FileResume {
        id: id.to_string(),
        offset,
        prefix: prefix.to_hex(),
    }
}
