//! What the UI knows about one transfer: the core's record (see
//! core/src/transfer/record.rs) plus what only the browser has (download URL,
//! storage kind), with the core's typed reasons put in words. It decides
//! nothing; every state here was decided in `peerlink_core::transfer`.

use peerlink_core::transfer::{Cancellation, Failure, Interruption, Reason, Transfer};
use peerlink_protocol::PeerId;

pub use peerlink_core::transfer::{Direction, TransferState};

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
    /// A failed transfer that can continue from `transferred`.
    pub resumable: bool,
    /// Hex SHA-256 of the whole file (the receiver's once verified).
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
            transferred: transfer.transferred,
            state: transfer.state(),
            error: transfer.reason().as_ref().and_then(reason_text),
            resumable: transfer.resumable(),
            sha256: transfer.sha256().map(|d| d.to_hex()),
            url,
            storage,
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

    /// Seconds left at the average rate.
    pub fn eta_seconds(&self) -> Option<f64> {
        let rate = self.bytes_per_second();
        (rate > 0.0 && self.transferred < self.size)
            .then(|| (self.size - self.transferred) as f64 / rate)
    }
}

/// The words shown for a reason; `None` when we cancelled it ourselves.
fn reason_text(reason: &Reason) -> Option<String> {
    Some(match reason {
        Reason::Interrupted(why) => match why {
            Interruption::LinkLost => {
                "the connection to the peer was lost; it resumes when the peer is back".into()
            }
            Interruption::PeerLeft => "the peer left".into(),
            Interruption::ReceiverLost => "the connection to the receiver was lost".into(),
            Interruption::SenderLost => "the connection to the sender was lost".into(),
            Interruption::SendFailed(err) => format!("sending failed: {err}"),
            Interruption::CannotReachSender(err) => format!("cannot reach the sender: {err}"),
        },
        Reason::Failed(why) => failure_text(why),
        Reason::Cancelled(Cancellation::ByUs) => return None,
        Reason::Cancelled(Cancellation::ByPeer) => "cancelled by the peer".into(),
        Reason::Cancelled(Cancellation::Declined) => "declined by the receiver".into(),
    })
}

fn failure_text(failure: &Failure) -> String {
    match failure {
        Failure::NoConnection => "no connection to the receiver".into(),
        Failure::ReadFile(err) => format!("cannot read the file: {err}"),
        Failure::FileChanged => "the file changed while it was being sent".into(),
        Failure::ReceiverFoundCorrupt => "the receiver found the file corrupt".into(),
        Failure::TooManyResumes => "the receiver asked to resume too often".into(),
        Failure::UnexpectedText => "unexpected text on a file channel".into(),
        Failure::ChunkTooLarge => "a chunk was larger than the protocol allows".into(),
        Failure::Oversize => "the sender sent more bytes than it announced".into(),
        Failure::StoreRefused(err) => format!("the browser refused to store the file: {err}"),
        Failure::Corrupt => {
            "corrupt: the SHA-256 of the received bytes does not match; the data was discarded"
                .into()
        }
        Failure::StoreFinish(err) => format!("cannot store the file: {err}"),
    }
}
