//! The receiver's worker path (receive.rs): a received OPFS file is
//! hashed and written by a worker (hasher.rs `Sink`) fed transferred
//! chunks; the chunks that come before it opens wait here, and go the
//! main-thread way (receive.rs `keep`) if it cannot. Also the resume
//! cases: a kept prefix read back and hashed by the worker, a receive
//! taken over with its worker. It decides nothing about the transfer.

use std::rc::Rc;

use peerlink_core::transfer::{Digest, IoError};
use sha2::{Digest as _, Sha256};
use wasm_bindgen_futures::spawn_local;
use web_sys::Blob;

use super::super::hasher::{claim, count_sink, sink_target, sunk_blob, take_lock, Sink};
use super::super::parts::Manifest;
use super::super::store::{Store, StoreError};
use super::super::{drive, now, Inner};
use super::{keep, Incoming};

/// Moves `old`'s storage, hash state and worker to `id`: `None` when it
/// had no storage, else its worker, if any.
pub(super) fn take_over(inner: &Inner, old: &str, id: &str) -> Option<Option<Rc<Sink>>> {
    let mut incoming = inner.incoming.borrow_mut();
    let o = incoming.get_mut(old)?;
    let store = o.store.take()?;
    let taken = (
        o.sink.take(),
        o.sink_ready,
        o.sink_tried,
        std::mem::take(&mut o.pending),
        std::mem::replace(&mut o.hasher, Sha256::new()),
    );
    let transfer = incoming.get_mut(id)?;
    let sink = taken.0.clone();
    transfer.storage = Some(store.kind());
    drop_store(transfer, Some(store), false);
    (transfer.sink, transfer.sink_ready, transfer.sink_tried) = (taken.0, taken.1, taken.2);
    (transfer.pending, transfer.hasher) = (taken.3, taken.4);
    Some(sink)
}

/// The main-thread hash of `id`'s bytes (when it has storage).
pub(super) fn here_digest(inner: &Inner, id: &str) -> Option<Digest> {
    let incoming = inner.incoming.borrow();
    let transfer = incoming.get(id)?;
    transfer.store.as_ref()?;
    Some(Digest(transfer.hasher.clone().finalize().into()))
}

/// Has a worker read back and hash partial `key`'s first `offset` bytes
/// and go on writing it as `id`'s storage; `Err` when no worker can.
pub(super) async fn kept_in_worker(
    inner: &Rc<Inner>,
    id: &str,
    key: &str,
    offset: u64,
) -> Result<Option<Digest>, ()> {
    let manifest = inner
        .core
        .borrow()
        .get(id)
        .and_then(|t| Some(Manifest::new(t.name.clone(), t.size, t.modified?, offset)));
    let Some(manifest) = manifest else {
        return Ok(None);
    };
    let lock = inner.kept_locks.borrow_mut().remove(key);
    let store = Store::kept(key, manifest, inner.receive_options.batch_bytes, lock);
    let sink = sink_target(&store).and_then(|t| Sink::start(&t));
    let prefix = match &sink {
        Some(sink) => sink.opened().await,
        None => None,
    };
    let (Some(sink), Some(Some(digest))) = (sink, prefix) else {
        // The lock goes back to wait for the main-thread path (or a later try).
        if let Some(lock) = take_lock(&store) {
            inner.kept_locks.borrow_mut().insert(key.to_string(), lock);
        }
        return if prefix.is_some() { Ok(None) } else { Err(()) };
    };
    let mut incoming = inner.incoming.borrow_mut();
    let Some(transfer) = incoming.get_mut(id) else {
        return Ok(None);
    };
    transfer.storage = Some(store.kind());
    drop_store(transfer, Some(store), false);
    transfer.sink = Some(Rc::new(sink));
    (transfer.sink_ready, transfer.sink_tried) = (true, true);
    count_sink();
    Ok(Some(digest))
}

/// Replaces `transfer`'s storage; the old one is thrown away when
/// `discard` or when a worker wrote it (after the worker closed its file).
pub(super) fn drop_store(transfer: &mut Incoming, replacement: Option<Store>, discard: bool) {
    let old = std::mem::replace(&mut transfer.store, replacement);
    let sink = transfer.sink.take();
    (transfer.sink_ready, transfer.sink_tried) = (false, false);
    transfer.pending.clear();
    match (old, sink) {
        (Some(old), Some(sink)) => spawn_local(async move {
            sink.abort().await;
            drop(sink);
            old.discard();
        }),
        (Some(old), None) if discard => old.discard(),
        _ => {}
    }
}

/// An OPFS file's chunk goes to its worker (started with the first
/// chunk), or waits for it to open; anything else is kept here.
pub(super) fn to_worker(
    inner: &Rc<Inner>,
    transfer: &mut Incoming,
    buffer: js_sys::ArrayBuffer,
    len: usize,
) -> Result<(), IoError> {
    if !transfer.sink_tried {
        transfer.sink_tried = true;
        let target = transfer.store.as_ref().and_then(sink_target);
        if let (Some(target), Some(store)) = (target, transfer.store.as_ref()) {
            if let Some(sink) = Sink::start(&target).map(Rc::new) {
                transfer.sink = Some(sink.clone());
                let (inner, claimed) = (inner.clone(), claim(store));
                spawn_local(async move {
                    claimed.await;
                    let opened = sink.opened().await.is_some();
                    settle(&inner, &sink, opened);
                    drive(&inner);
                });
            }
        }
    }
    match &transfer.sink {
        Some(sink) if transfer.sink_ready => sink.push(&buffer).map_err(IoError::StorePush),
        Some(_) => {
            transfer.pending.push(buffer);
            Ok(())
        }
        None => keep(transfer, buffer, len),
    }
}

/// `sink` could open (or not): it gets the chunks that waited, or they
/// go the main-thread way and the worker ends. Only once per worker.
pub(super) fn settle(inner: &Inner, sink: &Rc<Sink>, opened: bool) {
    let mut incoming = inner.incoming.borrow_mut();
    let mine = |t: &&mut Incoming| t.sink.as_ref().is_some_and(|s| Rc::ptr_eq(s, sink));
    let Some((id, transfer)) = incoming.iter_mut().find(|(_, t)| mine(t)) else {
        return;
    };
    if transfer.sink_ready {
        return;
    }
    let pending = std::mem::take(&mut transfer.pending);
    let mut result = Ok(());
    if opened {
        count_sink();
        transfer.sink_ready = true;
        for buffer in pending {
            result = result.and_then(|()| sink.push(&buffer).map_err(IoError::StorePush));
        }
    } else {
        transfer.sink = None;
        for buffer in pending {
            let len = buffer.byte_length() as usize;
            result = result.and_then(|()| keep(transfer, buffer, len));
        }
    }
    let id = id.clone();
    drop(incoming);
    if let Err(error) = result {
        let _ = inner.core.borrow_mut().handle_io_error(&id, error, now());
    }
}

/// The worker closes the file (if it could open; otherwise the chunks
/// went to `store` the main-thread way): the file, from OPFS.
pub(super) async fn finish_sunk(
    inner: &Inner,
    sink: Rc<Sink>,
    store: Store,
) -> Result<Blob, StoreError> {
    let opened = sink.opened().await.is_some();
    settle(inner, &sink, opened);
    if !opened {
        return store.finish().await;
    }
    let count = sink.finish().await.map_err(StoreError::Browser)?;
    // Every file is closed: the worker has nothing left to do.
    sink.end();
    sunk_blob(store, count).await
}

/// `FinishHash` of a receive with a worker: its digest once it has every
/// chunk (the page's, if it could not open).
pub(super) fn finish_hash(inner: &Rc<Inner>, sink: Rc<Sink>, id: &str) {
    let (inner, id) = (inner.clone(), id.to_string());
    spawn_local(async move {
        let opened = sink.opened().await.is_some();
        settle(&inner, &sink, opened);
        let digest = match opened {
            true => sink.digest().await,
            false => here_digest(&inner, &id),
        };
        let mut core = inner.core.borrow_mut();
        let _ = match digest {
            Some(digest) => core.handle_local_hash(&id, digest, now()),
            None => {
                let reason = sink.failure().unwrap_or_else(|| "NoDigest".into());
                core.handle_io_error(&id, IoError::StoreFinish(reason), now())
            }
        };
        drop(core);
        drive(&inner);
    });
}

/// `HashPrefix` of a receive taken over with its worker: the worker's
/// running digest (the page's, if it could not open).
pub(super) fn prefix_hash(inner: &Rc<Inner>, sink: Rc<Sink>, id: &str) {
    let (inner, id) = (inner.clone(), id.to_string());
    spawn_local(async move {
        let opened = sink.opened().await.is_some();
        settle(&inner, &sink, opened);
        let digest = match opened {
            true => sink.digest().await,
            false => here_digest(&inner, &id),
        };
        let _ = inner
            .core
            .borrow_mut()
            .handle_prefix_hash(&id, digest, now());
        drive(&inner);
    });
}
