//! One transfer as data: who, what, how far, and its phase — a single enum per
//! direction, so no two fields can contradict each other. It decides nothing
//! on its own; the transitions live in `send.rs` and `receive.rs`.

use std::fmt;

use peerlink_protocol::PeerId;

use crate::Instant;

/// Which way the bytes go, seen from this page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Send,
    Receive,
}

/// `data-state` of the `transfer` element: what a person sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferState {
    /// Offered, waiting for the receiver to accept.
    Offered,
    Sending,
    Receiving,
    /// All bytes sent; waiting for the receiver's verdict.
    Done,
    /// The receiver's SHA-256 matched the sender's.
    Verified,
    /// Corrupt, truncated, oversized, or the link was lost (see `resumable`).
    Failed,
    Cancelled,
}

impl TransferState {
    pub const fn as_str(self) -> &'static str {
        match self {
            TransferState::Offered => "offered",
            TransferState::Sending => "sending",
            TransferState::Receiving => "receiving",
            TransferState::Done => "done",
            TransferState::Verified => "verified",
            TransferState::Failed => "failed",
            TransferState::Cancelled => "cancelled",
        }
    }

    pub const fn is_final(self) -> bool {
        matches!(
            self,
            TransferState::Verified | TransferState::Cancelled | TransferState::Failed
        )
    }
}

/// A SHA-256 digest. The core never hashes: the wrapper hashes the bytes as
/// they stream by and reports the digest; the core only compares.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// Lowercase hex, as on the wire (`file-done`).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Parses 64 hex digits (either case); anything else is `None`.
    pub fn from_hex(text: &str) -> Option<Digest> {
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Digest(bytes))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

/// What the sender claimed in `file-done`: a digest, or text that is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    Digest(Digest),
    Malformed,
}

impl Claim {
    pub fn parse(text: &str) -> Claim {
        Digest::from_hex(text).map_or(Claim::Malformed, Claim::Digest)
    }
}

/// Why bytes stopped flowing; the transfer can continue from its offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interruption {
    /// The peer connection stayed down (failed, or disconnected past the
    /// grace period); receives resume by themselves when it is back.
    LinkLost,
    PeerLeft,
    /// Sender side: the `file:<id>` channel closed under us.
    ReceiverLost,
    /// Receiver side: the `file:<id>` channel closed under us.
    SenderLost,
    /// Sender side: the channel refused a chunk (browser's reason).
    SendFailed(String),
    /// Receiver side: the accept could not be sent (browser's reason).
    CannotReachSender(String),
}

/// Why a transfer ended without a verified file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Sender: no channel could be opened to the receiver.
    NoConnection,
    /// Sender: the `File` could not be read (browser's reason).
    ReadFile(String),
    /// Sender: the file's length changed while it was sent.
    FileChanged,
    /// Sender: the receiver answered `file-corrupt`.
    ReceiverFoundCorrupt,
    /// Sender: the receiver asked to resume more often than allowed.
    TooManyResumes,
    /// Receiver: text arrived on a binary file channel.
    UnexpectedText,
    /// Receiver: one chunk was larger than the protocol allows.
    ChunkTooLarge,
    /// Receiver: more bytes arrived than the offer announced.
    Oversize,
    /// Receiver: storage refused a chunk (browser's reason).
    StoreRefused(String),
    /// Receiver: the SHA-256 of the bytes does not match the sender's.
    Corrupt,
    /// Receiver: the verified file could not be stored (browser's reason).
    StoreFinish(String),
}

/// Who ended a transfer on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancellation {
    ByUs,
    ByPeer,
    /// Sender side: the receiver declined the offer.
    Declined,
    /// Receiver side: a new offer of the same file continues its bytes.
    Continued,
}

/// Why a transfer is where it is, when that needs explaining.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Interrupted(Interruption),
    Failed(Failure),
    Cancelled(Cancellation),
}

/// The sender's phases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendPhase {
    Offered,
    /// The wrapper is pumping bytes from `from` on.
    Sending {
        from: u64,
    },
    /// Every byte sent and hashed; `file-done` went out.
    Sent {
        sha256: Digest,
    },
    Interrupted(Interruption),
    Verified {
        sha256: Digest,
    },
    Failed(Failure),
    Cancelled(Cancellation),
}

/// The receiver's phases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceivePhase {
    Offered,
    /// Bytes flow in; `claim` is the sender's `file-done`, once it came.
    Receiving {
        claim: Option<Claim>,
    },
    /// Every byte and the claim are here; waiting for the local digest.
    Hashing {
        claim: Claim,
    },
    /// The digests matched; waiting for storage to finish.
    Storing {
        sha256: Digest,
    },
    Interrupted(Interruption),
    Verified {
        sha256: Digest,
    },
    Failed(Failure),
    Cancelled(Cancellation),
}

/// A transfer's phase; the direction is part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Send(SendPhase),
    Receive(ReceivePhase),
}

/// One transfer, either direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: String,
    pub peer: PeerId,
    /// Sanitised for received files.
    pub name: String,
    pub size: u64,
    /// As offered; shown only. A received file is always stored and offered
    /// for download as `RECEIVED_MIME`, whatever the sender claims.
    pub mime: String,
    /// The folder it belongs in, relative, `/`-separated (sanitised per
    /// segment for received files); empty for a lone file.
    pub path: String,
    /// The batch it was offered in (empty for a lone file).
    pub batch: String,
    /// The sender's last-modified time of the file, when known.
    pub modified: Option<u64>,
    /// Bytes sent (or received) so far; never above `size`.
    pub transferred: u64,
    pub phase: Phase,
    /// When bytes last started to flow, and the last change.
    pub started: Instant,
    pub updated: Instant,
    /// Receiver: what this offer may continue from (kept bytes of the same
    /// file), until it is accepted.
    pub resume: Option<super::Resume>,
    /// Both sides: the byte it continued from after a reload.
    pub resumed_at: Option<u64>,
    /// Receiver: the SHA-256 of the kept prefix, once hashed.
    pub(crate) prefix: Option<Digest>,
    /// Receiver: waiting for the wrapper's prefix hash.
    pub(crate) prefix_pending: bool,
    /// Sender: the receiver's prefix hash, to compare before sending.
    pub(crate) check_prefix: Option<Digest>,
    /// Sender side: how often the receiver has accepted (first time included).
    pub(crate) accepts: u32,
    pub(crate) last_report: Option<Instant>,
}

impl Transfer {
    pub(crate) fn new(
        id: String,
        peer: PeerId,
        (name, size, mime): (String, u64, String),
        phase: Phase,
        now: Instant,
    ) -> Transfer {
        Transfer {
            id,
            peer,
            name,
            size,
            mime,
            path: String::new(),
            batch: String::new(),
            modified: None,
            transferred: 0,
            phase,
            started: now,
            updated: now,
            resume: None,
            resumed_at: None,
            prefix: None,
            prefix_pending: false,
            check_prefix: None,
            accepts: 0,
            last_report: None,
        }
    }

    pub fn direction(&self) -> Direction {
        match self.phase {
            Phase::Send(_) => Direction::Send,
            Phase::Receive(_) => Direction::Receive,
        }
    }

    pub fn state(&self) -> TransferState {
        match &self.phase {
            Phase::Send(phase) => match phase {
                SendPhase::Offered => TransferState::Offered,
                SendPhase::Sending { .. } => TransferState::Sending,
                SendPhase::Sent { .. } => TransferState::Done,
                SendPhase::Interrupted(_) | SendPhase::Failed(_) => TransferState::Failed,
                SendPhase::Verified { .. } => TransferState::Verified,
                SendPhase::Cancelled(_) => TransferState::Cancelled,
            },
            Phase::Receive(phase) => match phase {
                ReceivePhase::Offered => TransferState::Offered,
                ReceivePhase::Receiving { .. }
                | ReceivePhase::Hashing { .. }
                | ReceivePhase::Storing { .. } => TransferState::Receiving,
                ReceivePhase::Interrupted(_) | ReceivePhase::Failed(_) => TransferState::Failed,
                ReceivePhase::Verified { .. } => TransferState::Verified,
                ReceivePhase::Cancelled(_) => TransferState::Cancelled,
            },
        }
    }

    /// Sender: the prefix hash to check before sending (a resume after a
    /// reload), until checked.
    pub fn prefix_to_check(&self) -> Option<Digest> {
        self.check_prefix
    }

    /// Stopped mid-way and able to continue from `transferred`.
    pub fn resumable(&self) -> bool {
        matches!(
            self.phase,
            Phase::Send(SendPhase::Interrupted(_)) | Phase::Receive(ReceivePhase::Interrupted(_))
        )
    }

    /// The whole file's SHA-256: the sender's once sent, either side's once
    /// verified (the receiver shows it only then).
    pub fn sha256(&self) -> Option<Digest> {
        match self.phase {
            Phase::Send(SendPhase::Sent { sha256 } | SendPhase::Verified { sha256 })
            | Phase::Receive(ReceivePhase::Verified { sha256 }) => Some(sha256),
            _ => None,
        }
    }

    /// Why it stopped, failed or was cancelled.
    pub fn reason(&self) -> Option<Reason> {
        match &self.phase {
            Phase::Send(SendPhase::Interrupted(why))
            | Phase::Receive(ReceivePhase::Interrupted(why)) => {
                Some(Reason::Interrupted(why.clone()))
            }
            Phase::Send(SendPhase::Failed(why)) | Phase::Receive(ReceivePhase::Failed(why)) => {
                Some(Reason::Failed(why.clone()))
            }
            Phase::Send(SendPhase::Cancelled(who))
            | Phase::Receive(ReceivePhase::Cancelled(who)) => Some(Reason::Cancelled(*who)),
            _ => None,
        }
    }
}
