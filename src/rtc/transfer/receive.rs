//! The receiving side: takes chunks from the transfer's own channel, hashes
//! them as they arrive and hands them to Blob storage in batches (so the wasm
//! heap never holds the file), then checks size and SHA-256 before offering
//! the file for download. Anything off ends in a clear failed state.

use std::rc::Rc;

use peerlink_protocol::limits::MAX_CHUNK_BYTES;
use peerlink_protocol::{ChannelMessage, FileOffer, PeerId};
use sha2::{Digest, Sha256};
use wasm_bindgen_futures::spawn_local;
use web_sys::{RtcDataChannel, Url};

use super::store::Store;
use super::{clean_name, end, interrupt, Direction, Inner, TransferState, TransferView};
use crate::browser::now_ms;
use crate::rtc::{Channel, ChannelEvent};

/// Offers from one peer waiting for an answer; more are ignored.
const MAX_PENDING_OFFERS_PER_PEER: usize = 64;
const PROGRESS_EVERY_MS: f64 = 100.0;

pub(crate) struct Incoming {
    pub view: TransferView,
    hasher: Sha256,
    scratch: Vec<u8>,
    /// Where the bytes go (OPFS or Blob parts); taken when finished.
    store: Option<Store>,
    expected: Option<String>,
    channel: Option<Channel>,
    last_report: f64,
}

impl Incoming {
    fn discard(&mut self) {
        if let Some(store) = self.store.take() {
            store.discard();
        }
        self.channel = None;
    }

    pub fn finish(&mut self, state: TransferState, error: Option<String>) -> TransferView {
        if !self.view.state.is_final() || state == TransferState::Cancelled {
            if state != TransferState::Verified {
                self.discard();
                if let Some(url) = self.view.url.take() {
                    let _ = Url::revoke_object_url(&url);
                }
            }
            self.view.state = state;
            self.view.error = error;
            self.view.resumable = false;
        }
        self.channel = None;
        self.view.updated_ms = now_ms();
        self.view.clone()
    }

    pub fn interrupt(&mut self, why: &str) -> Option<TransferView> {
        if self.view.state != TransferState::Receiving || self.view.transferred >= self.view.size {
            return None;
        }
        // Keep the bytes and the hash state: `accept` resumes from here.
        self.channel = None;
        self.view.state = TransferState::Failed;
        self.view.resumable = true;
        self.view.error = Some(why.to_string());
        self.view.updated_ms = now_ms();
        Some(self.view.clone())
    }
}

/// `file-offer`: show it, sanitised, and wait for the user.
pub(crate) fn offered(inner: &Inner, peer: PeerId, offer: FileOffer) {
    if inner.incoming.borrow().contains_key(&offer.id)
        || inner.outgoing.borrow().contains_key(&offer.id)
    {
        return;
    }
    let pending = inner
        .incoming
        .borrow()
        .values()
        .filter(|i| i.view.peer == peer && i.view.state == TransferState::Offered)
        .count();
    if pending >= MAX_PENDING_OFFERS_PER_PEER || offer.id.is_empty() || offer.id.len() > 64 {
        return;
    }
    let mime: String = offer
        .mime
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let view = TransferView::new(
        &offer.id,
        peer,
        Direction::Receive,
        &clean_name(&offer.name),
        offer.size,
        &mime,
    );
    let store = Store::for_size(offer.size, &offer.id, inner.receive_options.batch_bytes);
    let mut view = view;
    view.storage = Some(store.kind());
    inner.update(&view);
    inner.incoming.borrow_mut().insert(
        offer.id,
        Incoming {
            view,
            hasher: Sha256::new(),
            scratch: Vec::new(),
            store: Some(store),
            expected: None,
            channel: None,
            last_report: 0.0,
        },
    );
}

/// The user accepts an offer, or resumes an interrupted receive.
pub(crate) fn accept(inner: &Inner, id: &str) {
    let request = {
        let mut incoming = inner.incoming.borrow_mut();
        let Some(transfer) = incoming.get_mut(id) else {
            return;
        };
        let resumable = transfer.view.state == TransferState::Failed && transfer.view.resumable;
        if transfer.view.state != TransferState::Offered && !resumable {
            return;
        }
        transfer.view.state = TransferState::Receiving;
        transfer.view.resumable = false;
        transfer.view.error = None;
        transfer.view.started_ms = now_ms();
        transfer.view.updated_ms = now_ms();
        (
            transfer.view.peer,
            transfer.view.transferred,
            transfer.view.clone(),
        )
    };
    let (peer, offset, view) = request;
    inner.update(&view);
    if let Err(err) = inner.link.send_control(
        peer,
        &ChannelMessage::FileAccept {
            id: id.to_string(),
            offset,
        },
    ) {
        interrupt(inner, id, &format!("cannot reach the sender: {err}"));
    }
}

/// A channel from `peer`: `file:<id>` for an accepted transfer of theirs.
pub(crate) fn channel(inner: &Rc<Inner>, peer: PeerId, channel: RtcDataChannel) {
    let label = channel.label();
    let Some(id) = label.strip_prefix("file:").map(str::to_string) else {
        channel.close();
        return;
    };
    let expected = inner
        .incoming
        .borrow()
        .get(&id)
        .is_some_and(|t| t.view.peer == peer && t.view.state == TransferState::Receiving);
    if !expected {
        // Chunks for a transfer we do not know (or did not accept): refuse.
        channel.close();
        return;
    }
    let weak = Rc::downgrade(inner);
    let transfer_id = id.clone();
    let wrapped = Channel::wrap(
        channel,
        Rc::new(move |event| {
            let Some(inner) = weak.upgrade() else { return };
            match event {
                ChannelEvent::Binary(buffer) => on_chunk(&inner, &transfer_id, buffer),
                ChannelEvent::Text(_) => {
                    fail(&inner, &transfer_id, "unexpected text on a file channel")
                }
                ChannelEvent::Closed => interrupt(
                    &inner,
                    &transfer_id,
                    "the connection to the sender was lost",
                ),
                _ => {}
            }
        }),
    );
    if let Some(transfer) = inner.incoming.borrow_mut().get_mut(&id) {
        transfer.channel = Some(wrapped);
    }
}

fn fail(inner: &Inner, id: &str, why: &str) {
    let peer = inner.incoming.borrow().get(id).map(|t| t.view.peer);
    end(inner, id, TransferState::Failed, Some(why.to_string()));
    if let Some(peer) = peer {
        let _ = inner
            .link
            .send_control(peer, &ChannelMessage::FileCorrupt { id: id.to_string() });
    }
}

fn on_chunk(inner: &Rc<Inner>, id: &str, buffer: js_sys::ArrayBuffer) {
    let len = buffer.byte_length() as usize;
    let outcome = {
        let mut incoming = inner.incoming.borrow_mut();
        let Some(transfer) = incoming.get_mut(id) else {
            return;
        };
        if transfer.view.state != TransferState::Receiving {
            return;
        }
        if len > MAX_CHUNK_BYTES {
            Err("a chunk was larger than the protocol allows".to_string())
        } else if transfer.view.transferred + len as u64 > transfer.view.size {
            Err("the sender sent more bytes than it announced".to_string())
        } else {
            if transfer.scratch.len() < len {
                transfer.scratch.resize(len, 0);
            }
            js_sys::Uint8Array::new(&buffer).copy_to(&mut transfer.scratch[..len]);
            transfer.hasher.update(&transfer.scratch[..len]);
            transfer.view.transferred += len as u64;
            transfer.view.updated_ms = now_ms();
            let stored = match transfer.store.as_mut() {
                Some(store) => store.push(buffer),
                None => Err("no storage for this transfer".to_string()),
            };
            match stored {
                Err(err) => Err(format!("the browser refused to store the file: {err}")),
                Ok(()) => {
                    let due = transfer.view.updated_ms - transfer.last_report >= PROGRESS_EVERY_MS;
                    if due {
                        transfer.last_report = transfer.view.updated_ms;
                    }
                    Ok((
                        due.then(|| transfer.view.clone()),
                        transfer.view.transferred == transfer.view.size,
                    ))
                }
            }
        }
    };
    match outcome {
        Err(why) => fail(inner, id, &why),
        Ok((report, complete)) => {
            if let Some(view) = report {
                inner.update(&view);
            }
            if complete {
                verify(inner, id);
            }
        }
    }
}

/// `file-done`: the sender's hash. Verification waits for every byte.
pub(crate) fn done(inner: &Rc<Inner>, peer: PeerId, id: &str, sha256: String) {
    let complete = {
        let mut incoming = inner.incoming.borrow_mut();
        let Some(transfer) = incoming.get_mut(id) else {
            return;
        };
        if transfer.view.peer != peer || transfer.view.state != TransferState::Receiving {
            return;
        }
        transfer.expected = Some(sha256.to_ascii_lowercase());
        transfer.view.transferred == transfer.view.size
    };
    if complete {
        verify(inner, id);
    }
}

fn verify(inner: &Rc<Inner>, id: &str) {
    let checked = {
        let mut incoming = inner.incoming.borrow_mut();
        let Some(transfer) = incoming.get_mut(id) else {
            return;
        };
        let Some(expected) = transfer.expected.clone() else {
            return;
        };
        if transfer.view.transferred != transfer.view.size || transfer.store.is_none() {
            return;
        }
        let actual: String = transfer
            .hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if actual == expected {
            // Finishing may be async (OPFS flushes and closes): take the store.
            Ok((
                actual,
                transfer.store.take(),
                transfer.view.mime.clone(),
                transfer.view.peer,
            ))
        } else {
            Err(())
        }
    };
    let Ok((actual, Some(store), mime, peer)) = checked else {
        return fail(
            inner,
            id,
            "corrupt: the SHA-256 of the received bytes does not match; the data was discarded",
        );
    };
    let inner = inner.clone();
    let id = id.to_string();
    spawn_local(async move {
        match store.finish(&mime).await {
            Ok(url) => {
                let view = inner.incoming.borrow_mut().get_mut(&id).map(|t| {
                    t.view.sha256 = Some(actual);
                    t.view.url = Some(url);
                    t.finish(TransferState::Verified, None)
                });
                if let Some(view) = view {
                    inner.update(&view);
                }
                let _ = inner
                    .link
                    .send_control(peer, &ChannelMessage::FileOk { id: id.clone() });
            }
            Err(err) => end(
                &inner,
                &id,
                TransferState::Failed,
                Some(format!("cannot store the file: {err}")),
            ),
        }
    });
}
