//! The sending side in the browser: owns each offered `File` and, once the
//! core says `StartSending`, a `file:<id>` channel and a pump that reads one
//! block at a time, hashes it and sends while `bufferedAmount` stays under
//! the high-water mark. It must not decide when to start, stop or resume:
//! it reports progress, the digest and failures to the core and obeys it.

use std::cell::Cell;
use std::rc::Rc;

use peerlink_core::transfer::{Digest, IoError};
use peerlink_protocol::limits::MAX_CHUNK_BYTES;
use peerlink_protocol::PeerId;
use sha2::{Digest as _, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::File;

use super::hasher::{hash_range, prefix_digest, WorkerHash};
use super::{drive, now, Inner};
use crate::browser::{js_error_name, Notify};
use crate::rtc::{Channel, ChannelEvent};

/// Bytes read from the file per async read.
const READ_BLOCK: usize = 1024 * 1024;

pub(crate) struct Outgoing {
    file: File,
    channel: Option<Rc<Channel>>,
    /// Bumped whenever the current pump must stop (cancel, loss, resume).
    generation: Rc<Cell<u64>>,
    open: Notify,
    low: Notify,
}

impl Outgoing {
    pub fn new(file: File) -> Outgoing {
        Outgoing {
            file,
            channel: None,
            generation: Rc::new(Cell::new(0)),
            open: Notify::new(),
            low: Notify::new(),
        }
    }

    fn stop(&mut self) {
        self.generation.set(self.generation.get() + 1);
        self.channel = None;
        // Wake a pump waiting on the channel so it sees it must stop.
        self.open.notify();
        self.low.notify();
    }
}

/// The `File` of a send (to offer it again).
pub(crate) fn file_of(transfer: &Outgoing) -> File {
    Clone::clone(&transfer.file)
}

/// `StopSending`: the pump stops and the channel is dropped.
pub(crate) fn stop(inner: &Inner, id: &str) {
    if let Some(transfer) = inner.outgoing.borrow_mut().get_mut(id) {
        transfer.stop();
    }
}

/// `StartSending`: open the transfer's channel and pump from `offset`. A
/// receiver resuming after a reload sent the SHA-256 of the bytes it kept:
/// ours of `[0, offset)` goes to the core first, before any channel opens,
/// and only if they are equal does the send go on (else the core has told
/// the receiver to start over).
pub(crate) fn start(inner: &Rc<Inner>, id: &str, peer: PeerId, offset: u64) {
    let check = inner
        .core
        .borrow()
        .get(id)
        .and_then(|t| t.prefix_to_check());
    let file = inner.outgoing.borrow().get(id).map(file_of);
    let (Some(_), Some(file)) = (check, file) else {
        return open_and_pump(inner, id, peer, offset);
    };
    let (inner, id) = (inner.clone(), id.to_string());
    spawn_local(async move {
        let same = match prefix_digest(&file, offset).await {
            Ok(digest) => inner
                .core
                .borrow_mut()
                .handle_sender_prefix(&id, digest, now()),
            Err(error) => {
                let _ = inner.core.borrow_mut().handle_io_error(&id, error, now());
                Ok(false)
            }
        };
        drive(&inner);
        if same == Ok(true) {
            open_and_pump(&inner, &id, peer, offset);
        }
    });
}

fn open_and_pump(inner: &Rc<Inner>, id: &str, peer: PeerId, offset: u64) {
    let Some(raw) = inner.link.open_channel(peer, &format!("file:{id}")) else {
        let _ = inner
            .core
            .borrow_mut()
            .handle_io_error(id, IoError::OpenChannel, now());
        return;
    };
    let (open, low, generation) = {
        let mut outgoing = inner.outgoing.borrow_mut();
        let Some(transfer) = outgoing.get_mut(id) else {
            return;
        };
        transfer.stop();
        (
            transfer.open.clone(),
            transfer.low.clone(),
            transfer.generation.get(),
        )
    };
    let weak = Rc::downgrade(inner);
    let transfer_id = id.to_string();
    let channel = Channel::wrap(
        raw,
        Rc::new(move |event| match event {
            ChannelEvent::Open => open.notify(),
            ChannelEvent::BufferedLow => low.notify(),
            ChannelEvent::Closed => {
                if let Some(inner) = weak.upgrade() {
                    let closed = inner
                        .core
                        .borrow_mut()
                        .handle_channel_closed(&transfer_id, now());
                    if closed.is_ok() {
                        drive(&inner);
                    }
                }
            }
            ChannelEvent::Text(_) | ChannelEvent::Binary(_) => {}
        }),
    );
    channel.set_buffered_amount_low_threshold(inner.send_options.low_water);
    if let Some(transfer) = inner.outgoing.borrow_mut().get_mut(id) {
        transfer.channel = Some(Rc::new(channel));
    }
    spawn_local(pump(inner.clone(), id.to_string(), generation, offset));
}

/// Reports an I/O failure of the pump to the core and carries out the result.
fn report_error(inner: &Rc<Inner>, id: &str, error: IoError) {
    let _ = inner.core.borrow_mut().handle_io_error(id, error, now());
    drive(inner);
}

/// Starts reading `[start, end)` of the file now (the browser works on it
/// while we do other things); `finish_read` collects the bytes.
pub(super) fn start_read(file: &File, start: u64, end: u64) -> Result<JsFuture, IoError> {
    let blob = file
        .slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|e| IoError::ReadFile(js_error_name(&e)))?;
    Ok(JsFuture::from(blob.array_buffer()))
}

pub(super) async fn finish_read(
    read: Result<JsFuture, IoError>,
) -> Result<js_sys::Uint8Array, IoError> {
    let buffer = read?
        .await
        .map_err(|e| IoError::ReadFile(js_error_name(&e)))?;
    let buffer: js_sys::ArrayBuffer = buffer
        .dyn_into()
        .map_err(|_| IoError::ReadFile("not an ArrayBuffer".into()))?;
    Ok(js_sys::Uint8Array::new(&buffer))
}

/// One running pump: what it needs, taken once when it starts.
struct Pump {
    inner: Rc<Inner>,
    id: String,
    file: File,
    channel: Rc<Channel>,
    open: Notify,
    low: Notify,
    current: Rc<Cell<u64>>,
    generation: u64,
    size: u64,
    chunk: usize,
}

impl Pump {
    fn alive(&self) -> bool {
        self.current.get() == self.generation
    }

    fn take(inner: &Rc<Inner>, id: &str, generation: u64, peer: PeerId) -> Option<Pump> {
        let outgoing = inner.outgoing.borrow();
        let transfer = outgoing.get(id)?;
        let limit = inner
            .link
            .max_message_size(peer)
            .map(|m| m as usize)
            .unwrap_or(64 * 1024);
        Some(Pump {
            inner: inner.clone(),
            id: id.to_string(),
            file: Clone::clone(&transfer.file),
            channel: transfer.channel.clone()?,
            open: transfer.open.clone(),
            low: transfer.low.clone(),
            current: transfer.generation.clone(),
            generation,
            size: transfer.file.size() as u64,
            chunk: inner
                .send_options
                .chunk_bytes
                .min(limit)
                .clamp(1024, MAX_CHUNK_BYTES),
        })
    }

    /// Resuming: hash what the receiver already has, without sending it.
    async fn hash_prefix(&self, hasher: &mut Sha256, offset: u64) -> Result<bool, IoError> {
        hash_range(&self.file, hasher, offset, self.chunk as u64, || {
            self.alive()
        })
        .await
    }

    /// Sends one block in chunks, pausing above the high-water mark.
    /// Returns false when the pump must stop.
    async fn send_block(&self, bytes: &js_sys::Uint8Array, pos: u64) -> Result<bool, IoError> {
        let (len, high) = (bytes.length(), self.inner.send_options.high_water);
        let mut sent = 0u32;
        while sent < len {
            while self.channel.buffered_amount() > high {
                self.low.notified().await;
                if !self.alive() {
                    return Ok(false);
                }
            }
            let piece_end = (sent + self.chunk as u32).min(len);
            self.channel
                .send_js_bytes(&bytes.subarray(sent, piece_end))
                .map_err(|e| IoError::ChannelSend(e.to_string()))?;
            sent = piece_end;
            let progress = self.inner.core.borrow_mut().handle_progress(
                &self.id,
                pos + u64::from(sent),
                now(),
            );
            if progress.is_ok() {
                drive(&self.inner);
            }
        }
        Ok(true)
    }

    /// Hashes the whole file here (no worker, or it failed).
    async fn hash_here(&self) -> Result<Option<Digest>, IoError> {
        let mut hasher = Sha256::new();
        if !self.hash_prefix(&mut hasher, self.size).await? {
            return Ok(None);
        }
        Ok(Some(Digest(hasher.finalize().into())))
    }

    /// Read big, send small: one async Blob read per READ_BLOCK (the next
    /// one already in flight while this one is sent) instead of one per
    /// chunk. The hash runs in a worker reading the file itself
    /// (hasher.rs), or here, block by block, when there is none. Returns
    /// the digest, or `None` when told to stop.
    async fn run(&self, offset: u64) -> Result<Option<Digest>, IoError> {
        while !self.channel.is_open() {
            self.open.notified().await;
            if !self.alive() {
                return Ok(None);
            }
        }
        let worker = self
            .inner
            .send_options
            .hash_in_worker
            .then(|| WorkerHash::start(&self.file))
            .flatten();
        let mut hasher = worker.is_none().then(Sha256::new);
        if let Some(hasher) = hasher.as_mut() {
            if !self.hash_prefix(hasher, offset).await? {
                return Ok(None);
            }
        }
        if !self.send_from(offset, hasher.as_mut()).await? {
            return Ok(None);
        }
        let (digest, place) = match (hasher, worker) {
            (Some(hasher), _) => (Some(Digest(hasher.finalize().into())), "page"),
            (None, Some(worker)) => match worker.digest().await {
                Some(digest) => (Some(digest), "worker"),
                None => (self.hash_here().await?, "page"),
            },
            (None, None) => (self.hash_here().await?, "page"),
        };
        self.inner
            .hashed_in
            .borrow_mut()
            .insert(self.id.clone(), place);
        Ok(digest)
    }

    /// Sends the file from `offset`, hashing each block into `hasher` when
    /// given. Returns false when the pump must stop.
    async fn send_from(
        &self,
        offset: u64,
        mut hasher: Option<&mut Sha256>,
    ) -> Result<bool, IoError> {
        let (size, block) = (self.size, READ_BLOCK.max(self.chunk) as u64);
        let mut scratch = Vec::new();
        let mut pos = offset;
        let mut next = Some(start_read(&self.file, pos, (pos + block).min(size)));
        while pos < size {
            let Some(reading) = next.take() else { break };
            let bytes = finish_read(reading).await?;
            if !self.alive() {
                return Ok(false);
            }
            let block_end = (pos + block).min(size);
            let len = bytes.length() as usize;
            if len as u64 != block_end - pos {
                return Err(IoError::FileChanged);
            }
            if block_end < size {
                next = Some(start_read(
                    &self.file,
                    block_end,
                    (block_end + block).min(size),
                ));
            }
            if let Some(hasher) = hasher.as_deref_mut() {
                scratch.resize(len, 0);
                bytes.copy_to(&mut scratch[..len]);
                hasher.update(&scratch[..len]);
            }
            self.flip_for_tests(&bytes, pos, block_end);
            if !self.send_block(&bytes, pos).await? {
                return Ok(false);
            }
            pos = block_end;
        }
        Ok(true)
    }

    /// `SendOptions::flip_byte_at`: corrupt one byte after hashing it.
    fn flip_for_tests(&self, bytes: &js_sys::Uint8Array, pos: u64, block_end: u64) {
        let flip = self.inner.send_options.flip_byte_at;
        if let Some(at) = flip.filter(|at| (pos..block_end).contains(at)) {
            let i = (at - pos) as u32;
            bytes.set_index(i, bytes.get_index(i) ^ 0xff);
        }
    }
}

async fn pump(inner: Rc<Inner>, id: String, generation: u64, offset: u64) {
    let peer = inner.core.borrow().get(&id).map(|t| t.peer);
    let Some(pump) = peer.and_then(|peer| Pump::take(&inner, &id, generation, peer)) else {
        return;
    };
    match pump.run(offset).await {
        Ok(Some(digest)) if pump.alive() => {
            let _ = inner
                .core
                .borrow_mut()
                .handle_local_hash(&id, digest, now());
            drive(&inner);
        }
        Ok(_) => {}
        Err(error) if pump.alive() => report_error(&inner, &id, error),
        Err(_) => {}
    }
}
