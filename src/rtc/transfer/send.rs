//! The sending side: reads the `File` one chunk at a time, hashes it as it
//! goes, and sends while `bufferedAmount` stays under the high-water mark
//! (pausing until `bufferedamountlow`). Resuming from an offset re-hashes the
//! prefix locally, so the final hash still covers the whole file.

use std::cell::Cell;
use std::rc::Rc;

use peerlink_protocol::limits::MAX_CHUNK_BYTES;
use peerlink_protocol::{ChannelMessage, PeerId};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::File;

use super::{end, interrupt, Inner, TransferState, TransferView};
use crate::browser::{js_error_name, now_ms, Notify};
use crate::rtc::{Channel, ChannelEvent};

/// Bytes read from the file per async read.
const READ_BLOCK: usize = 1024 * 1024;
/// Progress is reported at most this often (ms).
const PROGRESS_EVERY_MS: f64 = 100.0;

pub(crate) struct Outgoing {
    pub view: TransferView,
    file: File,
    channel: Option<Rc<Channel>>,
    /// Bumped whenever the current pump must stop (cancel, loss, resume).
    generation: Rc<Cell<u64>>,
    open: Notify,
    low: Notify,
    last_report: f64,
}

impl Outgoing {
    pub fn new(view: TransferView, file: File) -> Outgoing {
        Outgoing {
            view,
            file,
            channel: None,
            generation: Rc::new(Cell::new(0)),
            open: Notify::new(),
            low: Notify::new(),
            last_report: 0.0,
        }
    }

    fn stop(&mut self) {
        self.generation.set(self.generation.get() + 1);
        self.channel = None;
        // Wake a pump waiting on the channel so it sees it must stop.
        self.open.notify();
        self.low.notify();
    }

    pub fn finish(&mut self, state: TransferState, error: Option<String>) -> TransferView {
        if !self.view.state.is_final() || state == TransferState::Cancelled {
            self.view.state = state;
            self.view.error = error;
            self.view.resumable = false;
        }
        self.stop();
        self.view.updated_ms = now_ms();
        self.view.clone()
    }

    pub fn interrupt(&mut self, why: &str) -> Option<TransferView> {
        // Once every byte is sent, the receiver closing the channel is the
        // normal end (its verdict follows on the control channel); if bytes
        // were lost, it resumes from its offset and `accepted` takes it.
        if self.view.state != TransferState::Sending {
            return None;
        }
        self.stop();
        self.view.state = TransferState::Failed;
        self.view.resumable = true;
        self.view.error = Some(why.to_string());
        Some(self.view.clone())
    }
}

/// `file-accept`: open the transfer's channel and start (or resume) sending.
pub(crate) fn accepted(inner: &Rc<Inner>, peer: PeerId, id: &str, offset: u64) {
    let label = format!("file:{id}");
    let ready = {
        let outgoing = inner.outgoing.borrow();
        let Some(transfer) = outgoing.get(id) else {
            return;
        };
        let resumable = transfer.view.state == TransferState::Failed && transfer.view.resumable;
        let may_start = matches!(
            transfer.view.state,
            TransferState::Offered | TransferState::Done | TransferState::Sending
        ) || resumable;
        transfer.view.peer == peer && may_start && offset <= transfer.view.size
    };
    if !ready {
        return;
    }
    let Some(raw) = inner.link.open_channel(peer, &label) else {
        return end(
            inner,
            id,
            TransferState::Failed,
            Some("no connection to the receiver".into()),
        );
    };
    let weak = Rc::downgrade(inner);
    let transfer_id = id.to_string();
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
    let events_open = open.clone();
    let events_low = low.clone();
    let channel = Channel::wrap(
        raw,
        Rc::new(move |event| match event {
            ChannelEvent::Open => events_open.notify(),
            ChannelEvent::BufferedLow => events_low.notify(),
            ChannelEvent::Closed => {
                if let Some(inner) = weak.upgrade() {
                    interrupt(
                        &inner,
                        &transfer_id,
                        "the connection to the receiver was lost",
                    );
                }
            }
            _ => {}
        }),
    );
    channel.set_buffered_amount_low_threshold(inner.send_options.low_water);
    let view = {
        let mut outgoing = inner.outgoing.borrow_mut();
        let Some(transfer) = outgoing.get_mut(id) else {
            return;
        };
        transfer.channel = Some(Rc::new(channel));
        transfer.view.state = TransferState::Sending;
        transfer.view.transferred = offset;
        transfer.view.resumable = false;
        transfer.view.error = None;
        transfer.view.started_ms = now_ms();
        transfer.view.updated_ms = now_ms();
        transfer.view.clone()
    };
    inner.update(&view);
    spawn_local(pump(inner.clone(), id.to_string(), generation, offset));
}

/// `file-ok` / `file-corrupt` from the receiver.
pub(crate) fn verdict(inner: &Inner, peer: PeerId, id: &str, ok: bool) {
    let sha = {
        let outgoing = inner.outgoing.borrow();
        match outgoing.get(id) {
            Some(t)
                if t.view.peer == peer
                    && matches!(t.view.state, TransferState::Done | TransferState::Sending) =>
            {
                t.view.sha256.clone()
            }
            _ => return,
        }
    };
    if ok {
        let view = inner.outgoing.borrow_mut().get_mut(id).map(|t| {
            let mut view = t.finish(TransferState::Verified, None);
            view.sha256 = sha;
            t.view.sha256 = view.sha256.clone();
            view
        });
        if let Some(view) = view {
            inner.update(&view);
        }
    } else {
        end(
            inner,
            id,
            TransferState::Failed,
            Some("the receiver found the file corrupt".into()),
        );
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Starts reading `[start, end)` of the file now (the browser works on it
/// while we do other things); `finish_read` collects the bytes.
fn start_read(file: &File, start: u64, end: u64) -> Result<JsFuture, String> {
    let blob = file
        .slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|e| js_error_name(&e))?;
    Ok(JsFuture::from(blob.array_buffer()))
}

async fn finish_read(read: Result<JsFuture, String>) -> Result<js_sys::Uint8Array, String> {
    let buffer = read?.await.map_err(|e| js_error_name(&e))?;
    let buffer: js_sys::ArrayBuffer = buffer
        .dyn_into()
        .map_err(|_| "not an ArrayBuffer".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer))
}

async fn read_slice(file: &File, start: u64, end: u64) -> Result<js_sys::Uint8Array, String> {
    finish_read(start_read(file, start, end)).await
}

async fn pump(inner: Rc<Inner>, id: String, generation: u64, offset: u64) {
    let parts = {
        let outgoing = inner.outgoing.borrow();
        outgoing.get(&id).and_then(|t| {
            Some((
                Clone::clone(&t.file),
                t.channel.clone()?,
                t.open.clone(),
                t.low.clone(),
                t.generation.clone(),
                t.view.size,
                t.view.peer,
            ))
        })
    };
    let Some((file, channel, open, low, current, size, peer)) = parts else {
        return;
    };
    let alive = || current.get() == generation;
    while !channel.is_open() {
        open.notified().await;
        if !alive() {
            return;
        }
    }
    let limit = inner
        .link
        .max_message_size(peer)
        .map(|m| m as usize)
        .unwrap_or(64 * 1024);
    let chunk = inner
        .send_options
        .chunk_bytes
        .min(limit)
        .clamp(1024, MAX_CHUNK_BYTES);
    let mut hasher = Sha256::new();
    let mut scratch = vec![0u8; chunk];
    let high = inner.send_options.high_water;

    // Resuming: hash what the receiver already has, without sending it.
    let mut pos = 0u64;
    while pos < offset {
        let end = (pos + chunk as u64).min(offset);
        match read_slice(&file, pos, end).await {
            Ok(bytes) => {
                let len = bytes.length() as usize;
                bytes.copy_to(&mut scratch[..len]);
                hasher.update(&scratch[..len]);
                pos = end;
            }
            Err(err) => return end_failed(&inner, &id, &format!("cannot read the file: {err}")),
        }
        if !alive() {
            return;
        }
    }

    // Read big, send small: one async Blob read per READ_BLOCK (the next one
    // already in flight while this one is hashed and sent) instead of one
    // per chunk; the scratch buffer for hashing is one block, reused.
    let block = READ_BLOCK.max(chunk) as u64;
    let mut block_scratch = vec![0u8; block as usize];
    let mut next = Some(start_read(&file, pos, (pos + block).min(size)));
    while pos < size {
        let Some(reading) = next.take() else { break };
        let bytes = match finish_read(reading).await {
            Ok(bytes) => bytes,
            Err(err) => return end_failed(&inner, &id, &format!("cannot read the file: {err}")),
        };
        if !alive() {
            return;
        }
        let block_end = (pos + block).min(size);
        let len = bytes.length() as usize;
        if len as u64 != block_end - pos {
            return end_failed(&inner, &id, "the file changed while it was being sent");
        }
        if block_end < size {
            next = Some(start_read(&file, block_end, (block_end + block).min(size)));
        }
        bytes.copy_to(&mut block_scratch[..len]);
        hasher.update(&block_scratch[..len]);
        if let Some(at) = inner
            .send_options
            .flip_byte_at
            .filter(|at| (pos..block_end).contains(at))
        {
            let i = (at - pos) as u32;
            bytes.set_index(i, bytes.get_index(i) ^ 0xff);
        }
        let mut sent = 0u32;
        while (sent as usize) < len {
            while channel.buffered_amount() > high {
                low.notified().await;
                if !alive() {
                    return;
                }
            }
            let piece_end = (sent + chunk as u32).min(len as u32);
            if let Err(err) = channel.send_js_bytes(&bytes.subarray(sent, piece_end)) {
                interrupt(&inner, &id, &format!("sending failed: {err}"));
                return;
            }
            sent = piece_end;
            report(&inner, &id, pos + u64::from(sent));
        }
        pos = block_end;
    }

    let sha256 = hex(&hasher.finalize());
    let view = inner.outgoing.borrow_mut().get_mut(&id).map(|t| {
        t.view.state = TransferState::Done;
        t.view.transferred = size;
        t.view.sha256 = Some(sha256.clone());
        t.view.updated_ms = now_ms();
        t.view.clone()
    });
    if let Some(view) = view {
        inner.update(&view);
    }
    // The control channel is another SCTP stream: this may overtake the last
    // chunks, so the receiver verifies once it has both.
    if let Err(err) = inner.link.send_control(
        peer,
        &ChannelMessage::FileDone {
            id: id.clone(),
            sha256,
        },
    ) {
        interrupt(&inner, &id, &err);
    }
}

fn end_failed(inner: &Inner, id: &str, why: &str) {
    end(inner, id, TransferState::Failed, Some(why.to_string()));
}

fn report(inner: &Inner, id: &str, pos: u64) {
    let view = inner.outgoing.borrow_mut().get_mut(id).and_then(|t| {
        t.view.transferred = pos;
        t.view.updated_ms = now_ms();
        (t.view.updated_ms - t.last_report >= PROGRESS_EVERY_MS).then(|| {
            t.last_report = t.view.updated_ms;
            t.view.clone()
        })
    });
    if let Some(view) = view {
        inner.update(&view);
    }
}
