//! What the UI knows about one transfer.

use peerlink_protocol::PeerId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Send,
    Receive,
}

/// `data-state` of the `transfer` element (DESIGN §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub fn as_str(self) -> &'static str {
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

    pub fn is_final(self) -> bool {
        matches!(
            self,
            TransferState::Verified | TransferState::Cancelled | TransferState::Failed
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TransferView {
    pub id: String,
    pub peer: PeerId,
    pub direction: Direction,
    /// Sanitised for received files.
    pub name: String,
    pub size: u64,
    pub mime: String,
    pub transferred: u64,
    pub state: TransferState,
    /// Why it failed, in plain words.
    pub error: Option<String>,
    /// A failed receive that can continue from `transferred`.
    pub resumable: bool,
    /// Hex SHA-256 of the whole file, once verified.
    pub sha256: Option<String>,
    /// Object URL of the received file (verified only).
    pub url: Option<String>,
    /// Where a received file is kept while it arrives: "opfs" or "blob".
    pub storage: Option<&'static str>,
    /// Milliseconds since the epoch when bytes started to flow.
    pub started_ms: f64,
    pub updated_ms: f64,
}

impl TransferView {
    /// A new transfer, offered and not yet moving.
    pub fn new(
        id: &str,
        peer: PeerId,
        direction: Direction,
        name: &str,
        size: u64,
        mime: &str,
    ) -> TransferView {
        let now = crate::browser::now_ms();
        TransferView {
            id: id.to_string(),
            peer,
            direction,
            name: name.to_string(),
            size,
            mime: mime.to_string(),
            transferred: 0,
            state: TransferState::Offered,
            error: None,
            resumable: false,
            sha256: None,
            url: None,
            storage: None,
            started_ms: now,
            updated_ms: now,
        }
    }

    /// Average bytes per second since bytes started to flow.
    pub fn bytes_per_second(&self) -> f64 {
        let secs = (self.updated_ms - self.started_ms) / 1000.0;
        if secs > 0.0 {
            self.transferred as f64 / secs
        } else {
            0.0
        }
    }

    /// Seconds left at the average rate.
    pub fn eta_seconds(&self) -> Option<f64> {
        let rate = self.bytes_per_second();
        (rate > 0.0 && self.transferred < self.size)
            .then(|| (self.size - self.transferred) as f64 / rate)
    }
}
