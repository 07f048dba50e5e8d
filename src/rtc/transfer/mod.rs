//! File transfer over data channels (docs/protocol.md) in the browser: owns the
//! `File`s, the `file:<id>` channels, storage and the hashers, feeds their
//! events into `peerlink_core::transfer::Transfers` and carries out its
//! actions. It must not decide anything itself (what to accept, when to stop,
//! resume or verify): those rules live in core/src/transfer/. No leptos here.

mod accept;
mod folder;
mod hasher;
mod parts;
mod pick;
mod receive;
mod send;
mod space;
mod store;
mod view;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use peerlink_core::transfer::{self as core, Action, IoError, TransferError};
use peerlink_core::{ConnectionState, Instant};
use peerlink_protocol::{ChannelMessage, FileOffer, PeerId};
use web_sys::{File, RtcDataChannel};

use crate::browser::{now, random_bytes, Deadline};
pub use folder::{
    can_save_as, can_save_to_folder, pick_folder, save_to_folder, FolderError, SaveItem,
};
pub use hasher::{
    hash_file_in_worker, hash_file_with_worker_code, receive_worker_stats, set_receive_in_worker,
};
pub use pick::{drop_entries, picked_from_drop, picked_from_list, Picked};
pub use space::{free_bytes, remove_page_folder, sweep_leftovers};
pub use store::{StoreError, OPFS_MIN_BYTES};
pub use view::{
    Cancellation, Direction, Failure, Interruption, Reason, TransferState, TransferView,
};

use receive::Incoming;
use send::Outgoing;

/// A control message could not reach the peer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("no connection to the peer")]
    NoSession,
    #[error("{0}")]
    Send(String),
}

/// Why an offer did not go out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    #[error("the offer could not be sent")]
    NotSent,
    #[error(transparent)]
    Refused(#[from] TransferError),
}

/// What the transfers need from the room: a control message to a peer, and
/// a new data channel to a peer.
pub trait TransferLink {
    fn send_control(&self, peer: PeerId, message: &ChannelMessage) -> Result<(), LinkError>;
    fn open_channel(&self, peer: PeerId, label: &str) -> Option<RtcDataChannel>;
    /// The SCTP maxMessageSize towards `peer`, once known.
    fn max_message_size(&self, peer: PeerId) -> Option<f64>;
}

/// Sender tuning; the defaults come from `make bench` (see the README).
#[derive(Debug, Clone)]
pub struct SendOptions {
    /// Upper bound of a chunk; the SCTP maxMessageSize lowers it further.
    pub chunk_bytes: usize,
    /// Sending pauses while `bufferedAmount` is above this…
    pub high_water: u32,
    /// …and resumes at `bufferedamountlow`, fired below this.
    pub low_water: u32,
    /// Fault injection for tests of the integrity check: flip one byte at
    /// this offset after hashing it, so the receiver must detect corruption.
    pub flip_byte_at: Option<u64>,
    /// Hash in a worker (src/rtc/transfer/hasher.rs) when one can run;
    /// `false` keeps the main-thread path.
    pub hash_in_worker: bool,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            chunk_bytes: 256 * 1024,
            high_water: 8 * 1024 * 1024,
            low_water: 2 * 1024 * 1024,
            flip_byte_at: None,
            hash_in_worker: true,
        }
    }
}

/// Receiver limits.
#[derive(Debug, Clone)]
pub struct ReceiveOptions {
    /// Chunks are handed to Blob storage in batches of this many bytes.
    pub batch_bytes: usize,
}

impl Default for ReceiveOptions {
    fn default() -> Self {
        ReceiveOptions {
            batch_bytes: 8 * 1024 * 1024,
        }
    }
}

pub(crate) struct Inner {
    link: Box<dyn TransferLink>,
    on_update: Box<dyn Fn(&TransferView)>,
    send_options: SendOptions,
    receive_options: ReceiveOptions,
    /// Every decision; borrowed only for one call at a time.
    core: RefCell<core::Transfers>,
    outgoing: RefCell<HashMap<String, Outgoing>>,
    incoming: RefCell<HashMap<String, Incoming>>,
    /// Where each send's SHA-256 was computed: "worker" or "page".
    hashed_in: RefCell<HashMap<String, &'static str>>,
    /// Accepts refused for lack of storage: (bytes needed, bytes free).
    no_room: RefCell<HashMap<String, (u64, u64)>>,
    /// Web Locks of the partials kept from before a reload, until a
    /// receive takes one over (parts.rs).
    kept_locks: RefCell<HashMap<String, parts::LockGuard>>,
    /// The core's next timeout, armed.
    timer: Deadline,
}

/// Every transfer of this page, both directions.
pub struct Transfers {
    inner: Rc<Inner>,
}

impl Transfers {
    pub fn new(
        link: impl TransferLink + 'static,
        send_options: SendOptions,
        receive_options: ReceiveOptions,
        on_update: impl Fn(&TransferView) + 'static,
    ) -> Transfers {
        Transfers {
            inner: Rc::new(Inner {
                link: Box::new(link),
                on_update: Box::new(on_update),
                send_options,
                receive_options,
                core: RefCell::new(core::Transfers::default()),
                outgoing: RefCell::new(HashMap::new()),
                incoming: RefCell::new(HashMap::new()),
                no_room: RefCell::new(HashMap::new()),
                hashed_in: RefCell::new(HashMap::new()),
                kept_locks: RefCell::new(HashMap::new()),
                timer: Deadline::default(),
            }),
        }
    }

    /// Offers `file` to `peer`; returns the transfer id.
    pub fn offer(&self, peer: PeerId, file: File) -> Result<String, OfferError> {
        self.offer_in(peer, file, String::new(), String::new())
    }

    /// Offers `files` to `peer` as one batch (answered once by the
    /// receiver), each with its relative folder; returns how many went out.
    pub fn offer_batch(&self, peer: PeerId, files: &[Picked], batch: &str) -> usize {
        files
            .iter()
            .filter(|p| {
                let (file, path) = (Clone::clone(&p.file), p.path.clone());
                self.offer_in(peer, file, path, batch.to_string()).is_ok()
            })
            .count()
    }

    /// A fresh random id (transfers, batches).
    pub fn new_id() -> String {
        PeerId::from_bytes(random_bytes::<16>()).to_string()
    }

    fn offer_in(
        &self,
        peer: PeerId,
        file: File,
        path: String,
        batch: String,
    ) -> Result<String, OfferError> {
        let id = Transfers::new_id();
        let offer = FileOffer {
            id: id.clone(),
            name: file.name(),
            size: file.size() as u64,
            mime: file.type_(),
            path,
            batch,
            modified: Some(file.last_modified() as u64),
        };
        let outgoing = Outgoing::new(file);
        self.inner
            .outgoing
            .borrow_mut()
            .insert(id.clone(), outgoing);
        let offered = self.inner.core.borrow_mut().offer(peer, offer, now());
        drive(&self.inner);
        let kept = offered.is_ok() && self.inner.core.borrow().get(&id).is_some();
        if kept {
            return Ok(id);
        }
        self.inner.outgoing.borrow_mut().remove(&id);
        offered?;
        Err(OfferError::NotSent)
    }

    /// At startup: partial files kept from before a reload (parts.rs) that
    /// offers of the same file may continue; returns how many.
    pub async fn restore(&self) -> usize {
        parts::restore(&self.inner).await
    }

    /// Offers the file of send `id` again to each of `peers` (its receiver
    /// reloaded: the new offer continues from what it kept); returns how
    /// many offers went out.
    pub fn send_again(&self, id: &str, peers: &[PeerId]) -> usize {
        let file = self.inner.outgoing.borrow().get(id).map(send::file_of);
        let Some(file) = file else { return 0 };
        peers
            .iter()
            .filter(|peer| self.offer(**peer, Clone::clone(&file)).is_ok())
            .count()
    }

    /// Accepts an offered file (or resumes an interrupted one) once
    /// storage says there is room for it (asynchronously).
    pub fn accept(&self, id: &str) {
        accept::accept(&self.inner, id);
    }

    /// Asks where to save offer `id` (`showSaveFilePicker`, from a click),
    /// then accepts it, writing its bytes there as they arrive.
    pub fn accept_save_as(&self, id: &str) {
        accept::accept_save_as(&self.inner, id);
    }

    /// Accepts every offer of `peer`'s batch, and those still coming, once
    /// storage says there is room for them (asynchronously).
    pub fn accept_batch(&self, peer: PeerId, batch: &str) {
        accept::accept_batch(&self.inner, peer, batch);
    }

    /// Declines every offer of `peer`'s batch still waiting.
    pub fn decline_batch(&self, peer: PeerId, batch: &str) {
        self.feed(|core, now| core.decline_batch(peer, batch, now).map(drop));
    }

    /// The verified file of a receive, for saving into a folder.
    pub fn blob(&self, id: &str) -> Option<web_sys::Blob> {
        self.inner.incoming.borrow().get(id)?.blob.clone()
    }

    /// Cancels a transfer in either direction and tells the peer.
    pub fn cancel(&self, id: &str) {
        self.feed(|core, now| core.cancel(id, now));
    }

    /// Handles a control message from `peer`.
    pub fn on_control(&self, peer: PeerId, message: ChannelMessage) {
        self.feed(|core, now| core.handle_control(peer, message, now));
    }

    /// Handles a channel `peer` opened; `file:<id>` channels carry chunks.
    pub fn on_channel(&self, peer: PeerId, channel: RtcDataChannel) {
        receive::channel(&self.inner, peer, channel);
    }

    /// The peer is gone: everything in flight with it stops, resumable.
    pub fn on_peer_left(&self, peer: PeerId) {
        self.feed(|core, now| {
            core.handle_peer_left(peer, now);
            Ok(())
        });
    }

    /// The peer's `connectionState` changed (the rules: core/src/transfer/mod.rs).
    pub fn on_peer_state(&self, peer: PeerId, state: ConnectionState) {
        self.feed(|core, now| {
            core.handle_peer_state(peer, state, now);
            Ok(())
        });
    }

    pub fn view(&self, id: &str) -> Option<TransferView> {
        view_of(&self.inner, id)
    }

    /// Feeds one input to the core, then carries out what it decided. A
    /// refused input changes nothing, so there is nothing more to do.
    fn feed(&self, input: impl FnOnce(&mut core::Transfers, Instant) -> Result<(), TransferError>) {
        let _refused = input(&mut self.inner.core.borrow_mut(), now());
        drive(&self.inner);
    }
}

/// The view of transfer `id` as it stands.
fn view_of(inner: &Inner, id: &str) -> Option<TransferView> {
    let core = inner.core.borrow();
    let transfer = core.get(id)?;
    let (url, storage) = inner
        .incoming
        .borrow()
        .get(id)
        .map_or((None, None), |i| (i.url.clone(), i.storage));
    let mut view = TransferView::of(transfer, url, storage);
    view.resumes_at = transfer
        .resume
        .as_ref()
        .filter(|_| transfer.state() == core::TransferState::Offered)
        .map(|r| r.offset);
    view.resumed_at = transfer.resumed_at;
    view.no_room = inner.no_room.borrow().get(id).copied();
    view.hashed_in = inner.hashed_in.borrow().get(id).copied();
    Some(view)
}

/// Carries out every pending action of the core, in order, then arms the
/// timer for its next timeout. Actions may feed the core again (a failed
/// send, a finished hash); what that queues is carried out in the same loop.
pub(crate) fn drive(inner: &Rc<Inner>) {
    loop {
        let action = inner.core.borrow_mut().poll_action();
        let Some(action) = action else { break };
        execute(inner, action);
    }
    arm_timer(inner);
}

fn execute(inner: &Rc<Inner>, action: Action) {
    match action {
        Action::Control { peer, message } => {
            if let Err(err) = inner.link.send_control(peer, &message) {
                if let Some(id) = transfer_id(&message) {
                    let error = IoError::ControlSend(err.to_string());
                    let _ = inner.core.borrow_mut().handle_io_error(id, error, now());
                }
            }
        }
        Action::StartSending { id, peer, offset } => send::start(inner, &id, peer, offset),
        Action::StopSending { id } => send::stop(inner, &id),
        Action::PrepareStore { id, size } => receive::prepare(inner, &id, size),
        Action::HashPrefix { id, source, offset } => {
            receive::hash_prefix(inner, &id, source, offset)
        }
        Action::Restart { id } => receive::restart(inner, &id),
        Action::CloseChannel { id } => receive::close(inner, &id),
        Action::FinishHash { id } => receive::finish_hash(inner, &id),
        Action::FinishStore { id } => receive::finish_store(inner, &id),
        Action::Discard { id } => receive::discard(inner, &id),
        Action::View { id } => {
            if let Some(view) = view_of(inner, &id) {
                (inner.on_update)(&view);
            }
        }
    }
}

/// The transfer a control message is about.
fn transfer_id(message: &ChannelMessage) -> Option<&str> {
    match message {
        ChannelMessage::FileOffer(FileOffer { id, .. })
        | ChannelMessage::FileAccept { id, .. }
        | ChannelMessage::FileResume { id, .. }
        | ChannelMessage::FileRestart { id }
        | ChannelMessage::FileReject { id }
        | ChannelMessage::FileDone { id, .. }
        | ChannelMessage::FileOk { id }
        | ChannelMessage::FileCorrupt { id }
        | ChannelMessage::FileCancel { id } => Some(id),
        ChannelMessage::Chat(_)
        | ChannelMessage::Bye
        | ChannelMessage::Negotiate { .. }
        | ChannelMessage::Confirm { .. }
        | ChannelMessage::SasCommit { .. }
        | ChannelMessage::SasReveal { .. }
        | ChannelMessage::Name { .. }
        | ChannelMessage::Media { .. } => None,
    }
}

/// Keeps one browser timer armed for the core's next timeout.
fn arm_timer(inner: &Rc<Inner>) {
    let next = inner.core.borrow().poll_timeout();
    inner.timer.arm(next, inner, |inner| {
        inner.core.borrow_mut().handle_timeout(now());
        drive(inner);
    });
}
