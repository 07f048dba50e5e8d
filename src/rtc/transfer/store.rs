//! Where received bytes go while a file arrives: the origin private file
//! system (OPFS, over web-sys's File System bindings) for large files where
//! the browser has it, Blob parts in batches otherwise, never the wasm heap.
//! It stores bytes; it must not decide a transfer's fate. Every finished
//! file is typed `RECEIVED_MIME` (core/src/transfer/action.rs).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, ArrayBuffer, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    Blob, BlobPropertyBag, FileSystemDirectoryHandle, FileSystemFileHandle,
    FileSystemGetDirectoryOptions, FileSystemGetFileOptions, FileSystemWritableFileStream,
    StorageManager,
};

use peerlink_core::transfer::RECEIVED_MIME;

use super::parts::{LockGuard, Manifest, PartsState};
use super::space::{page_folder, OPFS_DIR};

use crate::browser::{js_error_name, Notify};

/// Why storage failed; `Display` is a short token or the browser's own
/// error name (`QuotaExceededError`), which is what the core keeps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// This browser has no OPFS with writable files.
    #[error("NoOpfs")]
    NoOpfs,
    /// The OPFS file was never opened.
    #[error("NotOpened")]
    NotOpened,
    /// The file system answered with something else than expected.
    #[error("UnexpectedValue")]
    UnexpectedValue,
    /// The browser refused (its DOMException name).
    #[error("{0}")]
    Browser(String),
}

pub(super) fn browser(value: JsValue) -> StoreError {
    StoreError::Browser(js_error_name(&value))
}

/// Files at least this large go to OPFS when it is available.
pub const OPFS_MIN_BYTES: u64 = 16 * 1024 * 1024;

pub(crate) enum Store {
    Blobs {
        batch: Array,
        batch_bytes: usize,
        parts: Array,
        batch_limit: usize,
    },
    Opfs(Rc<OpfsFile>),
}

pub(crate) struct OpfsFile {
    pub(super) name: String,
    /// The file the person picked, instead of one in OPFS.
    pub(super) picked: Option<FileSystemFileHandle>,
    /// Kept across a reload, in segments (parts.rs), instead of one file.
    pub(super) parts: Option<PartsState>,
    batch_limit: usize,
    /// OPFS would not open: the store falls back to Blob parts, queue intact.
    open_failed: Cell<bool>,
    pub(super) writable: RefCell<Option<FileSystemWritableFileStream>>,
    queue: RefCell<VecDeque<ArrayBuffer>>,
    writing: Cell<bool>,
    failed: RefCell<Option<StoreError>>,
    idle: Notify,
}

/// Awaits a promise and casts what it resolves to; errors keep the DOMException name.
pub(super) async fn resolve<T: JsCast>(promise: Promise) -> Result<T, StoreError> {
    JsFuture::from(promise)
        .await
        .map_err(browser)?
        .dyn_into()
        .map_err(|_| StoreError::UnexpectedValue)
}

fn has(target: &JsValue, name: &str) -> bool {
    Reflect::get(target, &name.into()).is_ok_and(|f| f.is_function())
}

/// `navigator.storage`, when it has OPFS with writable files (Safari has
/// `getDirectory` but no `createWritable` outside workers). The bindings do
/// not catch a missing method, so it is checked here first.
fn storage() -> Option<StorageManager> {
    let storage = web_sys::window()?.navigator().storage();
    if storage.is_undefined() || !has(&storage, "getDirectory") {
        return None;
    }
    let handle = Reflect::get(&js_sys::global(), &"FileSystemFileHandle".into()).ok()?;
    let prototype = Reflect::get(&handle, &"prototype".into()).ok()?;
    has(&prototype, "createWritable").then_some(storage)
}

/// This page's OPFS folder for partial files (see space.rs).
async fn directory() -> Result<FileSystemDirectoryHandle, StoreError> {
    let storage = storage().ok_or(StoreError::NoOpfs)?;
    let root: FileSystemDirectoryHandle = resolve(storage.get_directory()).await?;
    let options = FileSystemGetDirectoryOptions::new();
    options.set_create(true);
    let all: FileSystemDirectoryHandle =
        resolve(root.get_directory_handle_with_options(OPFS_DIR, &options)).await?;
    resolve(all.get_directory_handle_with_options(&page_folder(), &options)).await
}

pub(super) async fn file_handle(
    name: &str,
    create: bool,
) -> Result<FileSystemFileHandle, StoreError> {
    let options = FileSystemGetFileOptions::new();
    options.set_create(create);
    resolve(
        directory()
            .await?
            .get_file_handle_with_options(name, &options),
    )
    .await
}

/// Awaits a promise whose value does not matter.
pub(super) async fn done(promise: Promise) -> Result<(), StoreError> {
    JsFuture::from(promise).await.map(drop).map_err(browser)
}

impl Store {
    /// OPFS for large files where available (kept across a reload when
    /// `manifest` says what the file is), Blob batches otherwise.
    pub fn for_size(size: u64, id: &str, batch_limit: usize, manifest: Option<Manifest>) -> Store {
        if size < OPFS_MIN_BYTES || storage().is_none() {
            return Store::blobs(batch_limit);
        }
        match manifest {
            Some(manifest) => Store::kept(id, manifest, batch_limit, None),
            None => Store::file(id, batch_limit, None),
        }
    }

    /// Writes (or goes on writing) partial `key` of parts.rs, whose first
    /// `manifest.bytes` are already there.
    pub(crate) fn kept(
        key: &str,
        manifest: Manifest,
        batch_limit: usize,
        lock: Option<LockGuard>,
    ) -> Store {
        let mut store = Store::file(key, batch_limit, None);
        if let Store::Opfs(file) = &mut store {
            if let Some(file) = Rc::get_mut(file) {
                file.parts = Some(PartsState::new(key, manifest, lock));
            }
        }
        store
    }

    /// Written as it arrives into the file the person chose
    /// (`showSaveFilePicker`), which stays theirs: never removed here.
    pub fn picked(id: &str, batch_limit: usize, handle: FileSystemFileHandle) -> Store {
        Store::file(id, batch_limit, Some(handle))
    }

    fn file(id: &str, batch_limit: usize, picked: Option<FileSystemFileHandle>) -> Store {
        Store::Opfs(Rc::new(OpfsFile {
            name: format!("{id}.part"),
            picked,
            parts: None,
            batch_limit,
            open_failed: Cell::new(false),
            writable: RefCell::new(None),
            queue: RefCell::new(VecDeque::new()),
            writing: Cell::new(false),
            failed: RefCell::new(None),
            idle: Notify::new(),
        }))
    }

    pub fn blobs(batch_limit: usize) -> Store {
        Store::Blobs {
            batch: Array::new(),
            batch_bytes: 0,
            parts: Array::new(),
            batch_limit,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Store::Blobs { .. } => "blob",
            Store::Opfs(file) if file.picked.is_some() => "picked",
            Store::Opfs(_) => "opfs",
        }
    }

    /// Takes one chunk.
    pub fn push(&mut self, buffer: ArrayBuffer) -> Result<(), StoreError> {
        match self {
            Store::Blobs {
                batch,
                batch_bytes,
                parts,
                batch_limit,
            } => {
                *batch_bytes += buffer.byte_length() as usize;
                batch.push(&buffer);
                if *batch_bytes >= *batch_limit {
                    let blob = Blob::new_with_buffer_source_sequence(batch).map_err(browser)?;
                    parts.push(&blob);
                    *batch = Array::new();
                    *batch_bytes = 0;
                }
                Ok(())
            }
            Store::Opfs(file) => {
                if file.open_failed.get() {
                    let mut blobs = Store::blobs(file.batch_limit);
                    let queued: Vec<ArrayBuffer> = file.queue.borrow_mut().drain(..).collect();
                    for earlier in queued {
                        blobs.push(earlier)?;
                    }
                    blobs.push(buffer)?;
                    *self = blobs;
                    return Ok(());
                }
                if let Some(err) = file.failed.borrow().clone() {
                    return Err(err);
                }
                file.queue.borrow_mut().push_back(buffer);
                if !file.writing.replace(true) {
                    spawn_local(write_queued(file.clone()));
                }
                Ok(())
            }
        }
    }

    /// All bytes are in: the file, typed `RECEIVED_MIME`.
    pub async fn finish(self) -> Result<Blob, StoreError> {
        let options = BlobPropertyBag::new();
        options.set_type(RECEIVED_MIME);
        match self {
            Store::Blobs { batch, parts, .. } => {
                if batch.length() > 0 {
                    let last = Blob::new_with_buffer_source_sequence(&batch).map_err(browser)?;
                    parts.push(&last);
                }
                Blob::new_with_blob_sequence_and_options(&parts, &options).map_err(browser)
            }
            Store::Opfs(file) => {
                while file.writing.get() {
                    file.idle.notified().await;
                }
                if file.open_failed.get() {
                    // Every chunk is still queued: finish as Blob parts.
                    let mut blobs = Store::blobs(file.batch_limit);
                    let queued: Vec<ArrayBuffer> = file.queue.borrow_mut().drain(..).collect();
                    for buffer in queued {
                        blobs.push(buffer)?;
                    }
                    return Box::pin(blobs.finish()).await;
                }
                if let Some(err) = file.failed.borrow().clone() {
                    return Err(err);
                }
                let writable = file.writable.borrow_mut().take();
                let stored: Blob = match &file.parts {
                    Some(parts) => {
                        if let Some(writable) = writable {
                            done(writable.close()).await?;
                        }
                        parts.finish().await?
                    }
                    None => {
                        let writable = writable.ok_or(StoreError::NotOpened)?;
                        done(writable.close()).await?;
                        let handle = match file.picked.clone() {
                            Some(handle) => handle,
                            None => file_handle(&file.name, false).await?,
                        };
                        resolve(handle.get_file()).await?
                    }
                };
                // Type it (the OPFS file has none) without copying.
                Blob::new_with_blob_sequence_and_options(&Array::of1(&stored), &options)
                    .map_err(browser)
            }
        }
    }

    /// Throws the bytes away (cancel, corruption).
    pub fn discard(self) {
        if let Store::Opfs(file) = self {
            file.queue.borrow_mut().clear();
            spawn_local(async move {
                while file.writing.get() {
                    file.idle.notified().await;
                }
                let writable = file.writable.borrow_mut().take();
                let aborted = match writable {
                    Some(writable) => done(writable.abort()).await,
                    None => Ok(()),
                };
                let removed = match &file.parts {
                    Some(parts) => parts.remove().await,
                    None => Ok(()),
                };
                let removed = match directory().await {
                    // Aborting left the picked file as it was; it is theirs.
                    _ if file.picked.is_some() || file.parts.is_some() => removed,
                    Ok(dir) => done(dir.remove_entry(&file.name)).await,
                    Err(err) => Err(err),
                };
                if let Err(err) = aborted.and(removed) {
                    web_sys::console::warn_1(
                        &format!("peerlink: a discarded file stays in OPFS ({err})").into(),
                    );
                }
            });
        }
    }
}

/// Writes queued chunks in order; one writer per file at a time.
async fn write_queued(file: Rc<OpfsFile>) {
    let first = file.parts.as_ref().is_none_or(|p| !p.opened());
    if file.writable.borrow().is_none() && first {
        let opened = async {
            if let Some(parts) = &file.parts {
                return parts.open().await;
            }
            let handle = match file.picked.clone() {
                Some(handle) => handle,
                None => file_handle(&file.name, true).await?,
            };
            resolve::<FileSystemWritableFileStream>(handle.create_writable()).await
        }
        .await;
        match opened {
            Ok(writable) => *file.writable.borrow_mut() = Some(writable),
            Err(err) => {
                web_sys::console::warn_1(
                    &format!("peerlink: OPFS unavailable ({err}); keeping the file in memory")
                        .into(),
                );
                file.open_failed.set(true);
                file.writing.set(false);
                file.idle.notify();
                return;
            }
        }
    }
    loop {
        let next = file.queue.borrow_mut().pop_front();
        let Some(buffer) = next else { break };
        let written = match &file.parts {
            Some(parts) => parts.write(&file.writable, &buffer).await,
            None => {
                let Some(writable) = file.writable.borrow().clone() else {
                    break;
                };
                match writable.write_with_buffer_source(&buffer) {
                    Ok(promise) => done(promise).await,
                    Err(err) => Err(browser(err)),
                }
            }
        };
        if let Err(err) = written {
            *file.failed.borrow_mut() = Some(err);
            file.queue.borrow_mut().clear();
            break;
        }
    }
    file.writing.set(false);
    file.idle.notify();
}
