//! The sender's SHA-256 off the main thread: a module worker
//! (hash_worker.js) reads and hashes the `File` itself while the page only
//! reads and sends, so no byte is copied to the worker. If the worker
//! cannot run (no module workers, an error), the caller hashes on the main
//! thread as before. Owns the worker; dropping it ends the worker. Also
//! the SHA-256 of a file's first bytes, which a receiver resuming after a
//! reload asks the sender to compare (send.rs). And the receiver's sink:
//! a worker (same file) that hashes and writes received OPFS files from
//! transferred chunks (receive.rs decides when to use it).

use std::cell::Cell;

use js_sys::Promise;
use peerlink_core::transfer::RECEIVED_MIME;
use peerlink_core::transfer::{Digest, IoError};
use sha2::{Digest as _, Sha256};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File};

use super::parts::{key_dir, segments, RESUME_DIR};
use super::send::{finish_read, start_read};
use super::space::{page_folder, OPFS_DIR};
use super::store::{file_handle, resolve, Store, StoreError};

#[wasm_bindgen(module = "/src/rtc/transfer/hash_worker.js")]
extern "C" {
    type FileHasher;

    #[wasm_bindgen(constructor, catch)]
    fn new(file: &File, start: f64, end: f64) -> Result<FileHasher, JsValue>;

    #[wasm_bindgen(method)]
    fn digest(this: &FileHasher) -> Promise;

    #[wasm_bindgen(method)]
    fn stop(this: &FileHasher);

    #[wasm_bindgen(js_name = hashHere)]
    fn hash_here(file: &File, start: f64, end: f64) -> Promise;
}

#[wasm_bindgen(module = "/src/rtc/transfer/hash_worker.js")]
extern "C" {
    /// The receiver's worker: hashes and writes (OPFS) transferred chunks.
    pub(super) type ReceiveSink;

    #[wasm_bindgen(constructor, catch)]
    fn new(spec: &JsValue) -> Result<ReceiveSink, JsValue>;

    #[wasm_bindgen(method)]
    fn opened(this: &ReceiveSink) -> Promise;

    #[wasm_bindgen(method)]
    fn push(this: &ReceiveSink, buffer: &js_sys::ArrayBuffer);

    #[wasm_bindgen(method)]
    fn ask(this: &ReceiveSink, kind: &str) -> Promise;

    #[wasm_bindgen(method, js_name = inFlight)]
    fn in_flight(this: &ReceiveSink) -> f64;

    #[wasm_bindgen(method, getter)]
    fn peak(this: &ReceiveSink) -> f64;

    #[wasm_bindgen(method)]
    fn failure(this: &ReceiveSink) -> Option<String>;

    #[wasm_bindgen(method, js_name = stop)]
    fn stop_sink(this: &ReceiveSink);
}

/// Bytes the receiver's worker may hold unwritten before the page warns.
const SINK_IN_FLIGHT_WARN: f64 = 64.0 * 1024.0 * 1024.0;

thread_local! {
    static SINK_ENABLED: Cell<bool> = const { Cell::new(true) };
    static SINKS_STARTED: Cell<u32> = const { Cell::new(0) };
    static SINK_PEAK: Cell<f64> = const { Cell::new(0.0) };
}

/// Lets received OPFS files be hashed and written in a worker (default)
/// or forces the main-thread path (for tests of the fallback).
pub fn set_receive_in_worker(enabled: bool) {
    SINK_ENABLED.with(|e| e.set(enabled));
}

/// How many receives this page gave to a worker that could write, and
/// the most bytes any of them held unwritten (for tests and figures).
pub fn receive_worker_stats() -> (u32, f64) {
    (SINKS_STARTED.with(Cell::get), SINK_PEAK.with(Cell::get))
}

/// A receive went to a worker that can write.
pub(super) fn count_sink() {
    SINKS_STARTED.with(|n| n.set(n.get() + 1));
}

/// Where a receive's worker writes: one OPFS file at `dirs/name`, or the
/// segments and manifest of a kept partial in `dirs` after `kept` bytes.
pub(super) enum SinkTarget {
    File {
        dirs: Vec<String>,
        name: String,
    },
    Parts {
        dirs: Vec<String>,
        manifest: String,
        kept: u64,
    },
}

/// One receive's worker (hash_worker.js); dropping it ends the worker.
pub(super) struct Sink {
    js: ReceiveSink,
    warned: Cell<bool>,
}

impl Sink {
    /// Starts a worker for `target`; `None` when none can start or the
    /// worker path is off.
    pub(super) fn start(target: &SinkTarget) -> Option<Sink> {
        if !SINK_ENABLED.with(Cell::get) {
            return None;
        }
        let spec = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&spec, &key.into(), value);
        let dirs = |dirs: &[String]| dirs.iter().map(JsValue::from).collect::<js_sys::Array>();
        match target {
            SinkTarget::File { dirs: d, name } => {
                set("dirs", &dirs(d).into()).ok()?;
                set("name", &name.into()).ok()?;
            }
            SinkTarget::Parts {
                dirs: d,
                manifest,
                kept,
            } => {
                set("dirs", &dirs(d).into()).ok()?;
                set("manifest", &js_sys::JSON::parse(manifest).ok()?).ok()?;
                set("kept", &(*kept as f64).into()).ok()?;
            }
        }
        let js = ReceiveSink::new(&spec).ok()?;
        Some(Sink {
            js,
            warned: Cell::new(false),
        })
    }

    /// Once the worker can write: the kept prefix's digest (`Some(None)`
    /// when the kept bytes are not all there); `None` if it cannot write.
    pub(super) async fn opened(&self) -> Option<Option<Digest>> {
        let prefix = JsFuture::from(self.js.opened()).await.ok()?;
        Some(prefix.as_string().and_then(|hex| Digest::from_hex(&hex)))
    }

    /// Hands one chunk over (transferred: the page keeps no copy); warns
    /// once when the worker falls more than `SINK_IN_FLIGHT_WARN` behind.
    pub(super) fn push(&self, buffer: &js_sys::ArrayBuffer) -> Result<(), String> {
        if let Some(reason) = self.js.failure() {
            return Err(reason);
        }
        self.js.push(buffer);
        if self.js.in_flight() > SINK_IN_FLIGHT_WARN && !self.warned.replace(true) {
            let mib = self.js.in_flight() / 1048576.0;
            let text = format!("peerlink: the receiving worker is {mib:.0} MiB behind");
            web_sys::console::warn_1(&text.into());
        }
        Ok(())
    }

    /// The SHA-256 of every byte pushed so far.
    pub(super) async fn digest(&self) -> Option<Digest> {
        let hex = JsFuture::from(self.js.ask("digest")).await.ok()?;
        Digest::from_hex(&hex.as_string()?)
    }

    /// Flushes and closes the last file: how many files (segments) hold it.
    pub(super) async fn finish(&self) -> Result<u64, String> {
        let count = JsFuture::from(self.js.ask("finish")).await.map_err(|e| {
            self.js
                .failure()
                .unwrap_or_else(|| crate::browser::js_error_name(&e))
        })?;
        SINK_PEAK.with(|p| p.set(p.get().max(self.js.peak())));
        Ok(count.as_f64().unwrap_or(0.0) as u64)
    }

    /// Ends the worker now.
    pub(super) fn end(&self) {
        self.js.stop_sink();
    }

    /// Why the worker stopped writing, if it did.
    pub(super) fn failure(&self) -> Option<String> {
        self.js.failure()
    }

    /// Closes the file unwritten and ends the worker.
    pub(super) async fn abort(&self) {
        let _ = JsFuture::from(self.js.ask("abort")).await;
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.js.stop_sink();
    }
}

/// Bytes read per step when a prefix is hashed on this thread.
const PREFIX_STEP: u64 = 1024 * 1024;

/// A SHA-256 of a whole file being computed in a worker.
pub struct WorkerHash {
    hasher: FileHasher,
}

impl WorkerHash {
    /// Starts hashing `file` in a worker; `None` if no worker can start.
    pub fn start(file: &File) -> Option<WorkerHash> {
        FileHasher::new(file, 0.0, file.size())
            .ok()
            .map(|hasher| WorkerHash { hasher })
    }

    /// Starts hashing bytes `[start, end)` of `file` in a worker.
    pub fn start_range(file: &File, start: u64, end: u64) -> Option<WorkerHash> {
        FileHasher::new(file, start as f64, end as f64)
            .ok()
            .map(|hasher| WorkerHash { hasher })
    }

    /// The digest, or `None` when the worker failed.
    pub async fn digest(&self) -> Option<Digest> {
        let hex = JsFuture::from(self.hasher.digest())
            .await
            .ok()?
            .as_string()?;
        Digest::from_hex(&hex)
    }
}

impl Drop for WorkerHash {
    fn drop(&mut self) {
        self.hasher.stop();
    }
}

/// Hashes `file` in a worker (for tests: `None` when no worker can run).
pub async fn hash_file_in_worker(file: &File) -> Option<Digest> {
    WorkerHash::start(file)?.digest().await
}

/// The worker's code run on this thread (for tests comparing it to sha2).
pub async fn hash_file_with_worker_code(file: &File) -> Option<Digest> {
    let hex = JsFuture::from(hash_here(file, 0.0, file.size()))
        .await
        .ok()?
        .as_string()?;
    Digest::from_hex(&hex)
}

/// The SHA-256 of `file`'s first `offset` bytes: in a worker, or here
/// when none can run.
pub(super) async fn prefix_digest(file: &File, offset: u64) -> Result<Digest, IoError> {
    if let Some(worker) = WorkerHash::start_range(file, 0, offset) {
        if let Some(digest) = worker.digest().await {
            return Ok(digest);
        }
    }
    let mut hasher = Sha256::new();
    hash_range(file, &mut hasher, offset, PREFIX_STEP, || true).await?;
    Ok(Digest(hasher.finalize().into()))
}

/// Hashes `file`'s first `end` bytes into `hasher`, `step` at a time, as
/// long as `alive` (returns false when it stopped).
pub(super) async fn hash_range(
    file: &File,
    hasher: &mut Sha256,
    end: u64,
    step: u64,
    alive: impl Fn() -> bool,
) -> Result<bool, IoError> {
    let (mut pos, mut scratch) = (0u64, Vec::new());
    while pos < end {
        let to = (pos + step).min(end);
        let bytes = finish_read(start_read(file, pos, to)).await?;
        scratch.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut scratch);
        hasher.update(&scratch);
        pos = to;
        if !alive() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Where `store`'s worker would write: OPFS stores only (not Blob parts,
/// not a file the person picked).
pub(super) fn sink_target(store: &Store) -> Option<SinkTarget> {
    let Store::Opfs(file) = store else {
        return None;
    };
    if file.picked.is_some() {
        return None;
    }
    Some(match &file.parts {
        Some(parts) => {
            let (key, manifest) = parts.target();
            SinkTarget::Parts {
                dirs: vec![RESUME_DIR.to_string(), key],
                manifest: serde_json::to_string(&manifest).ok()?,
                kept: manifest.bytes,
            }
        }
        None => SinkTarget::File {
            dirs: vec![OPFS_DIR.to_string(), page_folder()],
            name: file.name.clone(),
        },
    })
}

/// Takes the lock of `store`'s kept partial, if it has one (before its
/// worker writes there).
pub(super) fn claim(store: &Store) -> impl std::future::Future<Output = ()> {
    let file = match store {
        Store::Opfs(file) => Some(file.clone()),
        Store::Blobs { .. } => None,
    };
    async move {
        if let Some(parts) = file.as_ref().and_then(|f| f.parts.as_ref()) {
            parts.claim().await;
        }
    }
}

/// Gives up the lock `store`'s kept partial holds, if any.
pub(super) fn take_lock(store: &Store) -> Option<super::parts::LockGuard> {
    match store {
        Store::Opfs(file) => file.parts.as_ref()?.take_lock(),
        Store::Blobs { .. } => None,
    }
}

/// The file `store`'s worker wrote in `count` files, typed `RECEIVED_MIME`.
pub(super) async fn sunk_blob(store: Store, count: u64) -> Result<Blob, StoreError> {
    let Store::Opfs(file) = store else {
        return Err(StoreError::NotOpened);
    };
    let stored: Blob = match &file.parts {
        Some(parts) => segments(&key_dir(&parts.target().0).await?, count).await?,
        None => resolve(file_handle(&file.name, false).await?.get_file()).await?,
    };
    let options = BlobPropertyBag::new();
    options.set_type(RECEIVED_MIME);
    Blob::new_with_blob_sequence_and_options(&js_sys::Array::of1(&stored), &options)
        .map_err(|e| StoreError::Browser(crate::browser::js_error_name(&e)))
}
