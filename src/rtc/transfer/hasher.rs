//! The sender's SHA-256 off the main thread: a module worker
//! (hash_worker.js) reads and hashes the `File` itself while the page only
//! reads and sends, so no byte is copied to the worker. If the worker
//! cannot run (no module workers, an error), the caller hashes on the main
//! thread as before. Owns the worker; dropping it ends the worker. Also
//! the SHA-256 of a file's first bytes, which a receiver resuming after a
//! reload asks the sender to compare (send.rs).

use js_sys::Promise;
use peerlink_core::transfer::{Digest, IoError};
use sha2::{Digest as _, Sha256};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use super::send::{finish_read, start_read};

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
