//! The sender's SHA-256 off the main thread: a module worker
//! (hash_worker.js) reads and hashes the `File` itself while the page only
//! reads and sends, so no byte is copied to the worker. If the worker
//! cannot run (no module workers, an error), the caller hashes on the main
//! thread as before. Owns the worker; dropping it ends the worker.

use js_sys::Promise;
use peerlink_core::transfer::Digest;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

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
