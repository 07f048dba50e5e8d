//! What goes in and out of the transfer machine besides control messages:
//! the actions the wrapper carries out, the I/O failures it reports, the
//! typed errors of invalid inputs, and the limits. Nothing here decides.

use std::fmt;
use std::time::Duration;

use peerlink_protocol::{ChannelMessage, PeerId};

use super::record::TransferState;

/// The only type a received file is stored and offered for download as: a
/// peer's `text/html` must never open in the app's origin.
pub const RECEIVED_MIME: &str = "application/octet-stream";

/// Something the wrapper must do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send this message on the control channel to `peer`.
    Control {
        peer: PeerId,
        message: ChannelMessage,
    },
    /// Sender: open `file:<id>` to `peer` and send the file from `offset`
    /// (hashing the first `offset` bytes locally, so the digest covers the
    /// whole file); report progress, the digest, or an I/O failure.
    StartSending {
        id: String,
        peer: PeerId,
        offset: u64,
    },
    /// Sender: stop the running pump and drop its channel.
    StopSending { id: String },
    /// Receiver: set up storage for an offered file of `size` bytes.
    PrepareStore { id: String, size: u64 },
    /// Receiver: take the first `offset` bytes from `source` as this
    /// receive's own (storage and streaming hash), then report their
    /// SHA-256 with `handle_prefix_hash` (`None` if they cannot be read).
    HashPrefix {
        id: String,
        source: super::ResumeSource,
        offset: u64,
    },
    /// Receiver: the resumed bytes are not the sender's: drop them and
    /// store (and hash) from 0 again.
    Restart { id: String },
    /// Receiver: close the transfer's channel; keep bytes and hash state.
    CloseChannel { id: String },
    /// Receiver: finalise the streaming hash and report it.
    FinishHash { id: String },
    /// Receiver: finish storage (flush, download URL) and report it.
    FinishStore { id: String },
    /// Receiver: close the channel and throw the bytes (and any URL) away.
    Discard { id: String },
    /// The transfer changed: show it again.
    View { id: String },
}

/// A browser operation that failed, as the wrapper reports it (`String`s
/// are the browser's own error names, shown to the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IoError {
    /// A control message for this transfer could not be sent.
    ControlSend(String),
    /// Sender: no data channel could be created.
    OpenChannel,
    /// Sender: reading the `File` failed.
    ReadFile(String),
    /// Sender: a read returned another length than asked for.
    FileChanged,
    /// Sender: the channel refused a chunk.
    ChannelSend(String),
    /// Receiver: text arrived on the file channel.
    ChannelText,
    /// Receiver: storage refused a chunk (or there is none).
    StorePush(String),
    /// Receiver: storage could not be finished.
    StoreFinish(String),
}

/// An input the machine refused. Nothing changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    /// No transfer has this id.
    Unknown,
    /// The id is already taken (by either direction).
    DuplicateId,
    /// Empty or longer than `Limits::max_id_len`.
    BadId,
    /// The transfer belongs to another peer.
    NotOwner,
    /// The input is for the other direction.
    WrongDirection,
    /// The input does not apply in this state.
    InvalidTransition {
        state: TransferState,
        input: &'static str,
    },
    /// Resume offset or progress beyond what is allowed.
    OutOfRange,
    /// The peer has too many offers waiting for an answer.
    TooManyPendingOffers,
    /// The peer has offered too many files in this session.
    TooManyTransfers,
    /// A control message that is not about transfers.
    NotTransferMessage,
    /// Storage has `free` bytes and the rest of the file needs `needed`:
    /// not accepted (the offer still waits).
    NoRoom { needed: u64, free: u64 },
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::Unknown => write!(f, "no such transfer"),
            TransferError::DuplicateId => write!(f, "transfer id already in use"),
            TransferError::BadId => write!(f, "invalid transfer id"),
            TransferError::NotOwner => write!(f, "transfer belongs to another peer"),
            TransferError::WrongDirection => write!(f, "input for the other direction"),
            TransferError::InvalidTransition { state, input } => {
                write!(f, "{input} does not apply to a {} transfer", state.as_str())
            }
            TransferError::OutOfRange => write!(f, "offset or length out of range"),
            TransferError::TooManyPendingOffers => write!(f, "too many pending offers"),
            TransferError::TooManyTransfers => write!(f, "too many transfers from this peer"),
            TransferError::NotTransferMessage => write!(f, "not a transfer message"),
            TransferError::NoRoom { needed, free } => {
                write!(f, "needs {needed} bytes, storage has {free}")
            }
        }
    }
}

impl std::error::Error for TransferError {}

/// Bounds that keep one peer from costing us without limit.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Offers from one peer waiting for an answer; more are refused (and
    /// rejected, so the sender is not left waiting).
    pub max_pending_offers_per_peer: usize,
    /// Offers from one peer in this session, finished ones included.
    pub max_transfers_per_peer: usize,
    /// Batches remembered as accepted (their later offers are taken
    /// without asking again); the oldest is forgotten first.
    pub max_accepted_batches: usize,
    /// Accepts of one outgoing transfer (each re-reads and re-hashes the
    /// prefix); beyond this the transfer fails.
    pub max_accepts_per_transfer: u32,
    /// Kept prefixes one peer's offers may make us hash (resuming after a
    /// reload); beyond this its offers start from 0.
    pub max_prefix_hashes_per_peer: u32,
    /// Longest transfer id accepted from a peer.
    pub max_id_len: usize,
    /// Largest binary chunk (the protocol's limit).
    pub max_chunk_bytes: usize,
    /// How long `disconnected` may last before transfers count the link lost.
    pub link_grace: Duration,
    /// Progress views at most this often.
    pub progress_every: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pending_offers_per_peer: 256,
            max_transfers_per_peer: 1024,
            max_accepted_batches: 256,
            max_accepts_per_transfer: 16,
            max_prefix_hashes_per_peer: 8,
            max_id_len: 64,
            max_chunk_bytes: peerlink_protocol::limits::MAX_CHUNK_BYTES,
            link_grace: Duration::from_millis(5_000),
            progress_every: Duration::from_millis(100),
        }
    }
}
