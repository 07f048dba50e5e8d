//! The receiving side in the browser: owns each receive's storage (OPFS or
//! Blob parts, via store.rs), its streaming SHA-256 and its `file:<id>`
//! channel, so the wasm heap never holds the file. OPFS files are hashed
//! and written by a worker (hasher.rs `Sink`) when one can start; the
//! main-thread hash and store.rs's writes are the fallback. It must not judge what
//! arrives: the core says which channels and chunks to take, when to hash,
//! store, discard or close, and compares the digests.

use std::rc::Rc;

use peerlink_core::transfer::{Chunk, Digest, IoError, ResumeSource};
use peerlink_protocol::PeerId;
use sha2::{Digest as _, Sha256};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Blob, RtcDataChannel, Url};

use super::hasher::Sink;
use super::parts::{key_dir, segments, Manifest, SEGMENT_BYTES};
use super::store::{Store, StoreError};
use super::{drive, now, Inner};
use crate::rtc::{Channel, ChannelEvent};
use sink::{drop_store, finish_sunk, kept_in_worker, take_over, to_worker};

mod sink;

/// Bytes read back per step when hashing a kept prefix.
const HASH_BLOCK: u64 = 4 * 1024 * 1024;

pub(crate) struct Incoming {
    /// The worker hashing and writing this OPFS file, once chunks came;
    /// chunks wait in `pending` until it can write (`sink_ready`).
    sink: Option<Rc<Sink>>,
    sink_ready: bool,
    sink_tried: bool,
    pending: Vec<js_sys::ArrayBuffer>,
    hasher: Sha256,
    scratch: Vec<u8>,
    /// Where the bytes go (OPFS or Blob parts); taken when finishing.
    store: Option<Store>,
    channel: Option<Channel>,
    /// The verified file, and its object URL.
    pub blob: Option<Blob>,
    pub url: Option<String>,
    /// "opfs" or "blob", for the view.
    pub storage: Option<&'static str>,
}

/// `PrepareStore`: storage for an offered file; kept across a reload
/// (parts.rs) when its last-modified time is known.
pub(crate) fn prepare(inner: &Inner, id: &str, size: u64) {
    let store = fresh_store(inner, id, size);
    let incoming = Incoming {
        sink: None,
        sink_ready: false,
        sink_tried: false,
        pending: Vec::new(),
        hasher: Sha256::new(),
        scratch: Vec::new(),
        storage: Some(store.kind()),
        store: Some(store),
        channel: None,
        blob: None,
        url: None,
    };
    inner.incoming.borrow_mut().insert(id.to_string(), incoming);
}

fn fresh_store(inner: &Inner, id: &str, size: u64) -> Store {
    let manifest = inner.core.borrow().get(id).and_then(|t| {
        let modified = t.modified?;
        Some(Manifest::new(t.name.clone(), t.size, modified, 0))
    });
    Store::for_size(size, id, inner.receive_options.batch_bytes, manifest)
}

/// `Restart`: the kept bytes were not the sender's; store from 0 again.
pub(crate) fn restart(inner: &Inner, id: &str) {
    let size = inner.core.borrow().get(id).map_or(0, |t| t.size);
    let store = fresh_store(inner, id, size);
    if let Some(transfer) = inner.incoming.borrow_mut().get_mut(id) {
        drop_store(transfer, Some(store), true);
        transfer.hasher = Sha256::new();
    }
}

/// `HashPrefix`: take the first `offset` bytes of `source` as `id`'s own
/// (storage and hash state) and report their SHA-256. An interrupted
/// receive of this page hands over its store and running hash (nothing to
/// read; a worker moves along); a partial kept on disk is read back and
/// hashed once, by a worker that goes on writing it (receive/sink.rs) or
/// here when none can start.
pub(crate) fn hash_prefix(inner: &Rc<Inner>, id: &str, source: ResumeSource, offset: u64) {
    match source {
        ResumeSource::Receive(old) => {
            let taken = take_over(inner, &old, id);
            if let Some(Some(sink)) = taken {
                return sink::prefix_hash(inner, sink, id);
            }
            let digest = taken.and_then(|_| {
                let incoming = inner.incoming.borrow();
                Some(Digest(incoming.get(id)?.hasher.clone().finalize().into()))
            });
            let _ = inner
                .core
                .borrow_mut()
                .handle_prefix_hash(id, digest, now());
        }
        ResumeSource::Stored(key) => {
            let (inner, id) = (inner.clone(), id.to_string());
            spawn_local(async move {
                let digest = match kept_in_worker(&inner, &id, &key, offset).await {
                    Ok(digest) => digest,
                    Err(()) => hash_kept(&inner, &id, &key, offset).await,
                };
                let _ = inner
                    .core
                    .borrow_mut()
                    .handle_prefix_hash(&id, digest, now());
                drive(&inner);
            });
        }
    }
}

/// Reads partial `key`'s first `offset` bytes into a new hash and, if all
/// are there, makes it and the partial `id`'s storage.
async fn hash_kept(inner: &Rc<Inner>, id: &str, key: &str, offset: u64) -> Option<Digest> {
    let manifest = inner
        .core
        .borrow()
        .get(id)
        .and_then(|t| Some(Manifest::new(t.name.clone(), t.size, t.modified?, offset)))?;
    let dir = key_dir(key).await.ok()?;
    let blob = segments(&dir, offset / SEGMENT_BYTES).await.ok()?;
    if blob.size() as u64 != offset {
        return None;
    }
    let mut hasher = Sha256::new();
    let mut scratch = Vec::new();
    let mut pos = 0u64;
    while pos < offset {
        let end = (pos + HASH_BLOCK).min(offset);
        let slice = blob.slice_with_f64_and_f64(pos as f64, end as f64).ok()?;
        let bytes = JsFuture::from(slice.array_buffer()).await.ok()?;
        let bytes = js_sys::Uint8Array::new(&bytes);
        scratch.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut scratch);
        hasher.update(&scratch);
        pos = end;
    }
    let digest = Digest(hasher.clone().finalize().into());
    let lock = inner.kept_locks.borrow_mut().remove(key);
    let store = Store::kept(key, manifest, inner.receive_options.batch_bytes, lock);
    let mut incoming = inner.incoming.borrow_mut();
    let transfer = incoming.get_mut(id)?;
    transfer.storage = Some(store.kind());
    drop_store(transfer, Some(store), false);
    transfer.sink_tried = true;
    transfer.hasher = hasher;
    Some(digest)
}

/// The person chose where to save `id` before accepting: its bytes go
/// there as they arrive. Only before any byte came.
pub(crate) fn use_picked(inner: &Inner, id: &str, handle: web_sys::FileSystemFileHandle) {
    if let Some(transfer) = inner.incoming.borrow_mut().get_mut(id) {
        let store = Store::picked(id, inner.receive_options.batch_bytes, handle);
        transfer.storage = Some(store.kind());
        drop_store(transfer, Some(store), false);
    }
}

/// `CloseChannel`: keep the bytes and the hash state for a resume.
pub(crate) fn close(inner: &Inner, id: &str) {
    if let Some(transfer) = inner.incoming.borrow_mut().get_mut(id) {
        transfer.channel = None;
    }
}

/// `Discard`: the channel closed, the bytes and any download gone.
pub(crate) fn discard(inner: &Inner, id: &str) {
    let mut incoming = inner.incoming.borrow_mut();
    let Some(transfer) = incoming.get_mut(id) else {
        return;
    };
    transfer.channel = None;
    drop_store(transfer, None, true);
    if let Some(url) = transfer.url.take() {
        let _ = Url::revoke_object_url(&url);
    }
    transfer.blob = None;
}

/// A channel from `peer`: taken if the core expects it, closed otherwise.
pub(crate) fn channel(inner: &Rc<Inner>, peer: PeerId, channel: RtcDataChannel) {
    let taken = inner.core.borrow().handle_channel(peer, &channel.label());
    let Ok(id) = taken else {
        // Chunks for a transfer we do not know (or did not accept): refuse.
        channel.close();
        return;
    };
    let weak = Rc::downgrade(inner);
    let transfer_id = id.clone();
    let wrapped = Channel::wrap(
        channel,
        Rc::new(move |event| {
            let Some(inner) = weak.upgrade() else { return };
            let fed = match event {
                ChannelEvent::Binary(buffer) => return on_chunk(&inner, &transfer_id, buffer),
                ChannelEvent::Text(_) => inner.core.borrow_mut().handle_io_error(
                    &transfer_id,
                    IoError::ChannelText,
                    now(),
                ),
                ChannelEvent::Closed => inner
                    .core
                    .borrow_mut()
                    .handle_channel_closed(&transfer_id, now()),
                ChannelEvent::Open | ChannelEvent::BufferedLow => return,
            };
            if fed.is_ok() {
                drive(&inner);
            }
        }),
    );
    if let Some(transfer) = inner.incoming.borrow_mut().get_mut(&id) {
        transfer.channel = Some(wrapped);
    }
}

/// One chunk: the core decides whether it counts; if so it is hashed and
/// stored before any action that follows (a `FinishHash` must include it).
fn on_chunk(inner: &Rc<Inner>, id: &str, buffer: js_sys::ArrayBuffer) {
    let len = buffer.byte_length() as usize;
    let verdict = inner.core.borrow_mut().handle_chunk(id, len, now());
    if verdict == Ok(Chunk::Keep) {
        let stored = match inner.incoming.borrow_mut().get_mut(id) {
            Some(transfer) => to_worker(inner, transfer, buffer, len),
            None => Err(no_storage()),
        };
        if let Err(error) = stored {
            let _ = inner.core.borrow_mut().handle_io_error(id, error, now());
        }
    }
    drive(inner);
}

/// A chunk arrived after storage was finished or discarded.
fn no_storage() -> IoError {
    IoError::StorePush(StoreError::NotOpened.to_string())
}

fn keep(transfer: &mut Incoming, buffer: js_sys::ArrayBuffer, len: usize) -> Result<(), IoError> {
    if transfer.scratch.len() < len {
        transfer.scratch.resize(len, 0);
    }
    js_sys::Uint8Array::new(&buffer).copy_to(&mut transfer.scratch[..len]);
    transfer.hasher.update(&transfer.scratch[..len]);
    match transfer.store.as_mut() {
        Some(store) => store
            .push(buffer)
            .map_err(|e| IoError::StorePush(e.to_string())),
        None => Err(no_storage()),
    }
}

/// `FinishHash`: the digest of every byte kept, for the core to compare
/// (from the worker once it has every chunk, when there is one).
pub(crate) fn finish_hash(inner: &Rc<Inner>, id: &str) {
    let sink = inner.incoming.borrow().get(id).and_then(|t| t.sink.clone());
    if let Some(sink) = sink {
        return sink::finish_hash(inner, sink, id);
    }
    let digest = inner
        .incoming
        .borrow()
        .get(id)
        .map(|t| Digest(t.hasher.clone().finalize().into()));
    if let Some(digest) = digest {
        let _ = inner.core.borrow_mut().handle_local_hash(id, digest, now());
    }
}

/// `FinishStore`: flush and close storage (async for OPFS), then report.
pub(crate) fn finish_store(inner: &Rc<Inner>, id: &str) {
    let store = inner
        .incoming
        .borrow_mut()
        .get_mut(id)
        .and_then(|t| t.store.take());
    let Some(store) = store else {
        let error = IoError::StoreFinish(StoreError::NotOpened.to_string());
        let _ = inner.core.borrow_mut().handle_io_error(id, error, now());
        return;
    };
    let sink = inner
        .incoming
        .borrow_mut()
        .get_mut(id)
        .and_then(|t| t.sink.take());
    let inner = inner.clone();
    let id = id.to_string();
    spawn_local(async move {
        let finished = match sink {
            Some(sink) => finish_sunk(&inner, sink, store).await,
            None => store.finish().await,
        };
        let url = match finished {
            Ok(blob) => Url::create_object_url_with_blob(&blob)
                .map(|url| (blob, url))
                .map_err(|e| StoreError::Browser(crate::browser::js_error_name(&e))),
            Err(err) => Err(err),
        };
        match url {
            Ok((blob, url)) => stored(&inner, &id, blob, url),
            Err(err) => {
                let error = IoError::StoreFinish(err.to_string());
                let _ = inner.core.borrow_mut().handle_io_error(&id, error, now());
            }
        }
        drive(&inner);
    });
}

/// The file is ready at `url`: verified, unless the transfer ended meanwhile.
fn stored(inner: &Inner, id: &str, blob: Blob, url: String) {
    if let Some(transfer) = inner.incoming.borrow_mut().get_mut(id) {
        transfer.blob = Some(blob);
        transfer.url = Some(url.clone());
        transfer.channel = None;
    }
    if inner.core.borrow_mut().handle_stored(id, now()).is_err() {
        if let Some(transfer) = inner.incoming.borrow_mut().get_mut(id) {
            transfer.url = None;
            transfer.blob = None;
        }
        let _ = Url::revoke_object_url(&url);
    }
}
