//! File transfer over data channels (DESIGN §3): offer → accept/reject →
//! binary chunks on a `file:<id>` channel of their own → done with SHA-256 →
//! the receiver's verdict. Memory stays bounded on both sides: the sender
//! reads one chunk at a time from the `File`, the receiver hands chunks to
//! Blob storage in batches; both hash as the bytes stream by. A transfer whose
//! channel is lost can resume from the receiver's offset. No leptos here.

mod receive;
mod send;
mod store;
mod view;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use peerlink_protocol::{sanitize_file_name, ChannelMessage, FileOffer, PeerId};
use web_sys::{File, RtcDataChannel};

use crate::browser::{random_bytes, Timeout};
pub use store::OPFS_MIN_BYTES;
pub use view::{Direction, TransferState, TransferView};

use receive::Incoming;
use send::Outgoing;

/// What the transfers need from the room: a control message to a peer, and
/// a new data channel to a peer.
pub trait TransferLink {
    fn send_control(&self, peer: PeerId, message: &ChannelMessage) -> Result<(), String>;
    fn open_channel(&self, peer: PeerId, label: &str) -> Option<RtcDataChannel>;
    /// The SCTP maxMessageSize towards `peer`, once known.
    fn max_message_size(&self, peer: PeerId) -> Option<f64>;
}

/// Why a transfer stopped when its peer's connection dropped.
const LINK_LOST: &str = "the connection to the peer was lost; it resumes when the peer is back";
/// How long `disconnected` may last before transfers count the link as lost.
const LINK_GRACE_MS: u32 = 5_000;

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
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            chunk_bytes: 256 * 1024,
            high_water: 8 * 1024 * 1024,
            low_water: 2 * 1024 * 1024,
            flip_byte_at: None,
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
    outgoing: RefCell<HashMap<String, Outgoing>>,
    incoming: RefCell<HashMap<String, Incoming>>,
    /// Peers whose link is down, waiting out `LINK_GRACE_MS`.
    link_timers: RefCell<HashMap<PeerId, Timeout>>,
}

impl Inner {
    pub(crate) fn update(&self, view: &TransferView) {
        (self.on_update)(view);
    }
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
                outgoing: RefCell::new(HashMap::new()),
                incoming: RefCell::new(HashMap::new()),
                link_timers: RefCell::new(HashMap::new()),
            }),
        }
    }

    /// Offers `file` to `peer`; returns the transfer id.
    pub fn offer(&self, peer: PeerId, file: File) -> Result<String, String> {
        let id = PeerId::from_bytes(random_bytes::<16>()).to_string();
        let offer = FileOffer {
            id: id.clone(),
            name: file.name(),
            size: file.size() as u64,
            mime: file.type_(),
        };
        let view = TransferView::new(
            &id,
            peer,
            Direction::Send,
            &offer.name,
            offer.size,
            &offer.mime,
        );
        self.inner
            .link
            .send_control(peer, &ChannelMessage::FileOffer(offer))?;
        self.inner.update(&view);
        self.inner
            .outgoing
            .borrow_mut()
            .insert(id.clone(), Outgoing::new(view, file));
        Ok(id)
    }

    /// Accepts an offered file (or resumes an interrupted one).
    pub fn accept(&self, id: &str) {
        receive::accept(&self.inner, id);
    }

    /// Cancels a transfer in either direction and tells the peer.
    pub fn cancel(&self, id: &str) {
        let peer = self
            .inner
            .outgoing
            .borrow()
            .get(id)
            .map(|o| o.view.peer)
            .or_else(|| self.inner.incoming.borrow().get(id).map(|i| i.view.peer));
        // Declining an offer is a reject; anything later is a cancel.
        let declining = self
            .inner
            .incoming
            .borrow()
            .get(id)
            .is_some_and(|i| i.view.state == TransferState::Offered);
        if let Some(peer) = peer {
            let message = if declining {
                ChannelMessage::FileReject { id: id.to_string() }
            } else {
                ChannelMessage::FileCancel { id: id.to_string() }
            };
            let _ = self.inner.link.send_control(peer, &message);
        }
        end(&self.inner, id, TransferState::Cancelled, None);
    }

    /// Handles a control message from `peer`.
    pub fn on_control(&self, peer: PeerId, message: ChannelMessage) {
        let inner = &self.inner;
        match message {
            ChannelMessage::FileOffer(offer) => receive::offered(inner, peer, offer),
            ChannelMessage::FileAccept { id, offset } => send::accepted(inner, peer, &id, offset),
            ChannelMessage::FileReject { id } if owned_by(inner, &id, peer) => {
                end(
                    inner,
                    &id,
                    TransferState::Cancelled,
                    Some("declined by the receiver".into()),
                );
            }
            ChannelMessage::FileDone { id, sha256 } => receive::done(inner, peer, &id, sha256),
            ChannelMessage::FileOk { id } => send::verdict(inner, peer, &id, true),
            ChannelMessage::FileCorrupt { id } => send::verdict(inner, peer, &id, false),
            ChannelMessage::FileCancel { id } if owned_by(inner, &id, peer) => {
                end(
                    inner,
                    &id,
                    TransferState::Cancelled,
                    Some("cancelled by the peer".into()),
                );
            }
            _ => {}
        }
    }

    /// Handles a channel `peer` opened; `file:<id>` channels carry chunks.
    pub fn on_channel(&self, peer: PeerId, channel: RtcDataChannel) {
        receive::channel(&self.inner, peer, channel);
    }

    /// The peer is gone: everything in flight with it stops, resumable.
    pub fn on_peer_left(&self, peer: PeerId) {
        let ids: Vec<String> = self
            .inner
            .outgoing
            .borrow()
            .values()
            .filter(|o| o.view.peer == peer)
            .map(|o| o.view.id.clone())
            .chain(
                self.inner
                    .incoming
                    .borrow()
                    .values()
                    .filter(|i| i.view.peer == peer)
                    .map(|i| i.view.id.clone()),
            )
            .collect();
        for id in ids {
            interrupt(&self.inner, &id, "the peer left");
        }
    }

    /// The peer's `connectionState` changed. A link that stays down (failed,
    /// or disconnected for `LINK_GRACE_MS`) stops its transfers — resumable,
    /// nothing discarded; when it is back, receives that the link interrupted
    /// continue from where they stopped.
    pub fn on_peer_state(&self, peer: PeerId, state: &str) {
        match state {
            "disconnected" => {
                let weak = Rc::downgrade(&self.inner);
                let timer = Timeout::new(LINK_GRACE_MS, move || {
                    if let Some(inner) = weak.upgrade() {
                        inner.link_timers.borrow_mut().remove(&peer);
                        interrupt_all(&inner, peer);
                    }
                });
                self.inner.link_timers.borrow_mut().insert(peer, timer);
            }
            "failed" | "closed" => {
                self.inner.link_timers.borrow_mut().remove(&peer);
                interrupt_all(&self.inner, peer);
            }
            "connected" => {
                self.inner.link_timers.borrow_mut().remove(&peer);
                let resumable: Vec<String> = self
                    .inner
                    .incoming
                    .borrow()
                    .values()
                    .filter(|i| {
                        i.view.peer == peer
                            && i.view.resumable
                            && i.view.error.as_deref() == Some(LINK_LOST)
                    })
                    .map(|i| i.view.id.clone())
                    .collect();
                for id in resumable {
                    self.accept(&id);
                }
            }
            _ => {}
        }
    }

    pub fn view(&self, id: &str) -> Option<TransferView> {
        let outgoing = self.inner.outgoing.borrow().get(id).map(|o| o.view.clone());
        outgoing.or_else(|| self.inner.incoming.borrow().get(id).map(|i| i.view.clone()))
    }
}

/// Stops every transfer with `peer` that is moving bytes. A sender that has
/// sent everything keeps waiting for the receiver's verdict.
fn interrupt_all(inner: &Inner, peer: PeerId) {
    let ids: Vec<String> = {
        let outgoing = inner.outgoing.borrow();
        let incoming = inner.incoming.borrow();
        outgoing
            .values()
            .map(|o| &o.view)
            .chain(incoming.values().map(|i| &i.view))
            .filter(|v| {
                v.peer == peer
                    && matches!(v.state, TransferState::Sending | TransferState::Receiving)
            })
            .map(|v| v.id.clone())
            .collect()
    };
    for id in ids {
        interrupt(inner, &id, LINK_LOST);
    }
}

/// True if transfer `id` exists and belongs to `peer` (a peer may only
/// cancel or reject its own transfers).
fn owned_by(inner: &Inner, id: &str, peer: PeerId) -> bool {
    inner
        .outgoing
        .borrow()
        .get(id)
        .is_some_and(|o| o.view.peer == peer)
        || inner
            .incoming
            .borrow()
            .get(id)
            .is_some_and(|i| i.view.peer == peer)
}

/// Applies a change to transfer `id`, whichever direction it is, and
/// reports the new view if the change produced one.
fn change(
    inner: &Inner,
    id: &str,
    outgoing: impl FnOnce(&mut Outgoing) -> Option<TransferView>,
    incoming: impl FnOnce(&mut Incoming) -> Option<TransferView>,
) {
    let sent = inner.outgoing.borrow_mut().get_mut(id).map(outgoing);
    let view = match sent {
        Some(view) => view,
        None => inner.incoming.borrow_mut().get_mut(id).and_then(incoming),
    };
    if let Some(view) = view {
        inner.update(&view);
    }
}

/// Ends a transfer: final state, channel closed, buffers released.
pub(crate) fn end(inner: &Inner, id: &str, state: TransferState, error: Option<String>) {
    let again = error.clone();
    change(
        inner,
        id,
        |o| Some(o.finish(state, error)),
        |i| Some(i.finish(state, again)),
    );
}

/// The link under a transfer went away mid-way: stop, keep what we have.
pub(crate) fn interrupt(inner: &Inner, id: &str, why: &str) {
    change(inner, id, |o| o.interrupt(why), |i| i.interrupt(why));
}

/// Offered names are cleaned before anyone sees them.
pub(crate) fn clean_name(name: &str) -> String {
    sanitize_file_name(name)
}
