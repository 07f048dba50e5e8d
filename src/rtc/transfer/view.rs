//! What the UI knows about one transfer: the core's record (see
//! core/src/transfer/record.rs) plus what only the browser has (download URL,
//! storage kind). Reasons stay typed (`Reason`); the files panel puts them
//! in words through src/i18n/messages.rs. It decides nothing; every state here was
//! decided in `peerlink_core::transfer`.

use peerlink_core::transfer::Transfer;
use peerlink_protocol::PeerId;

pub use peerlink_core::transfer::{
    Cancellation, Direction, Failure, Interruption, Reason, TransferState,
};

#[derive(Debug, Clone, PartialEq)]
pub struct TransferView {
    pub id: String,
    pub peer: PeerId,
    pub direction: Direction,
    /// Sanitised for received files.
    pub name: String,
    pub size: u64,
    pub mime: String,
    /// The folder it belongs in, relative (sanitised for received files).
    pub path: String,
    /// The batch it was offered in; empty for a lone file.
    pub batch: String,
    pub transferred: u64,
    pub state: TransferState,
    /// Why it stopped, failed or was cancelled.
    pub reason: Option<Reason>,
    /// A failed transfer that can continue from `transferred`.
    pub resumable: bool,
    /// Hex SHA-256 of the whole file (the receiver's once verified).
    pub sha256: Option<String>,
    /// Object URL of the received file (verified only).
    pub url: Option<String>,
    /// Where a received file is kept while it arrives: "opfs" or "blob".
    pub storage: Option<&'static str>,
    /// Sender: where the SHA-256 was computed, "worker" or "page".
    pub hashed_in: Option<&'static str>,
    /// The last accept was refused for lack of storage: (needed, free) bytes.
    pub no_room: Option<(u64, u64)>,
    /// Receiver: an offer of a file kept from before a reload continues
    /// from this byte once accepted.
    pub resumes_at: Option<u64>,
    /// It continued from this byte after a reload (either side).
    pub resumed_at: Option<u64>,
    /// Milliseconds since the epoch when bytes started to flow.
    pub started_ms: f64,
    pub updated_ms: f64,
}

impl TransferView {
    /// The view of the core's `transfer`, with the browser-side extras.
    pub fn of(
        transfer: &Transfer,
        url: Option<String>,
        storage: Option<&'static str>,
    ) -> TransferView {
        TransferView {
            id: transfer.id.clone(),
            peer: transfer.peer,
            direction: transfer.direction(),
            name: transfer.name.clone(),
            size: transfer.size,
            mime: transfer.mime.clone(),
            path: transfer.path.clone(),
            batch: transfer.batch.clone(),
            transferred: transfer.transferred,
            state: transfer.state(),
            reason: transfer.reason(),
            resumable: transfer.resumable(),
            sha256: transfer.sha256().map(|d| d.to_hex()),
            url,
            storage,
            no_room: None,
            hashed_in: None,
            resumes_at: None,
            resumed_at: None,
            started_ms: transfer.started.as_millis() as f64,
            updated_ms: transfer.updated.as_millis() as f64,
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

    /// The path shown and reported: folder and name, `/`-separated.
    pub fn relative_path(&self) -> String {
        if self.path.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.path, self.name)
        }
    }

    /// Seconds left at the average rate.
    pub fn eta_seconds(&self) -> Option<f64> {
        let rate = self.bytes_per_second();
        (rate > 0.0 && self.transferred < self.size)
            .then(|| (self.size - self.transferred) as f64 / rate)
    }
}
