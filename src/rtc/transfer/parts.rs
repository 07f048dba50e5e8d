//! Received files that survive a reload: OPFS folder
//! `peerlink-resume/<key>/` holds the file as numbered segments of
//! `SEGMENT_BYTES` and a `manifest.json` (name, size, last-modified, bytes
//! kept, when). A writable's bytes land in its file only when it closes,
//! so each segment is closed when full and only then counted in the
//! manifest: after a reload every counted byte is really there. Each
//! folder in use is guarded by a Web Lock of its name, so no other tab
//! sweeps or takes it. `load` hands the manifests of free folders to the
//! core, which decides what to keep (core/src/transfer/resume.rs); the
//! rest is removed here. It stores and lists bytes; it decides nothing.

use std::cell::{Cell, RefCell};

use js_sys::{Array, ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use peerlink_core::transfer::{keep_partials, Partial};
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, FileSystemDirectoryHandle, FileSystemWritableFileStream};

use super::space::{call_async, entry_names, held_locks, locks, method, remove};
use super::store::{browser, done, resolve, StoreError};

/// The OPFS folder of every kept partial file.
pub const RESUME_DIR: &str = "peerlink-resume";
/// Bytes per segment: what a reload may lose at most.
pub const SEGMENT_BYTES: u64 = 16 * 1024 * 1024;
const MANIFEST: &str = "manifest.json";
/// Partials older than this are removed at startup…
const MAX_AGE_MS: u64 = 7 * 24 * 3600 * 1000;
/// …and so are the oldest beyond this many bytes in total.
const MAX_KEPT_BYTES: u64 = 16 * 1024 * 1024 * 1024;

/// What `manifest.json` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub name: String,
    pub size: u64,
    pub modified: u64,
    /// Bytes in closed segments, from the start of the file.
    pub bytes: u64,
    pub saved_ms: u64,
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

fn lock_name(key: &str) -> String {
    format!("{RESUME_DIR}/{key}")
}

/// A Web Lock on one partial's folder, held until dropped.
pub(crate) struct LockGuard {
    release: Option<js_sys::Function>,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}

/// Takes the Web Lock of `key`'s folder; `None` when another page (or
/// this one) holds it. Without Web Locks nothing can be guarded: a guard
/// that holds nothing.
pub(crate) async fn hold(key: &str) -> Option<LockGuard> {
    let Some(locks) = locks() else {
        return Some(LockGuard { release: None });
    };
    let request = method(&locks, "request")?;
    let mut answer = None;
    let got = Promise::new(&mut |resolve, _| answer = Some(resolve));
    let answer = answer?;
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        if lock.is_null() {
            let _ = answer.call1(&JsValue::NULL, &JsValue::NULL);
            return JsValue::UNDEFINED;
        }
        let mut release = None;
        let held = Promise::new(&mut |resolve, _| release = Some(resolve));
        let release: JsValue = release.map_or(JsValue::NULL, Into::into);
        let _ = answer.call1(&JsValue::NULL, &release);
        held.into()
    });
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &true.into());
    let args = Array::of3(&lock_name(key).into(), &options, &callback);
    request.apply(&locks, &args).ok()?;
    let release = JsFuture::from(got).await.ok()?;
    let release: js_sys::Function = release.dyn_into().ok()?;
    Some(LockGuard {
        release: Some(release),
    })
}

/// `peerlink-resume` (created), if this browser has OPFS.
async fn resume_dir() -> Result<FileSystemDirectoryHandle, StoreError> {
    let storage: JsValue = web_sys::window()
        .ok_or(StoreError::NoOpfs)?
        .navigator()
        .storage()
        .into();
    let root = call_async(&storage, "getDirectory", &Array::new())
        .await
        .ok_or(StoreError::NoOpfs)?;
    let root: FileSystemDirectoryHandle = root.dyn_into().map_err(|_| StoreError::NoOpfs)?;
    let options = web_sys::FileSystemGetDirectoryOptions::new();
    options.set_create(true);
    resolve(root.get_directory_handle_with_options(RESUME_DIR, &options)).await
}

/// The folder of partial `key` (created).
pub(crate) async fn key_dir(key: &str) -> Result<FileSystemDirectoryHandle, StoreError> {
    let options = web_sys::FileSystemGetDirectoryOptions::new();
    options.set_create(true);
    resolve(
        resume_dir()
            .await?
            .get_directory_handle_with_options(key, &options),
    )
    .await
}

async fn writable(
    dir: &FileSystemDirectoryHandle,
    name: &str,
) -> Result<FileSystemWritableFileStream, StoreError> {
    let options = web_sys::FileSystemGetFileOptions::new();
    options.set_create(true);
    let handle: web_sys::FileSystemFileHandle =
        resolve(dir.get_file_handle_with_options(name, &options)).await?;
    resolve(handle.create_writable()).await
}

/// Opens segment `index` for writing (from empty).
pub(crate) async fn open_segment(
    dir: &FileSystemDirectoryHandle,
    index: u64,
) -> Result<FileSystemWritableFileStream, StoreError> {
    writable(dir, &index.to_string()).await
}

/// Writes the manifest (closed, so it is on disk).
pub(crate) async fn save_manifest(
    dir: &FileSystemDirectoryHandle,
    manifest: &Manifest,
) -> Result<(), StoreError> {
    let text = serde_json::to_string(manifest).map_err(|_| StoreError::UnexpectedValue)?;
    let out = writable(dir, MANIFEST).await?;
    let wrote = out
        .write_with_str(&text)
        .map_err(|e| StoreError::Browser(crate::browser::js_error_name(&e)))?;
    done(wrote).await?;
    done(out.close()).await
}

/// The file is complete: it is no longer a partial (its segments stay
/// while the download needs them; a later startup removes them).
pub(crate) async fn forget_manifest(dir: &FileSystemDirectoryHandle) {
    let _ = done(dir.remove_entry(MANIFEST)).await;
}

/// Removes partial `key` entirely.
pub(crate) async fn remove_key(key: &str) -> bool {
    match resume_dir().await {
        Ok(dir) => remove(&dir, key).await,
        Err(_) => false,
    }
}

/// The first `count` segments of `dir`, as one Blob (no copy).
pub(crate) async fn segments(
    dir: &FileSystemDirectoryHandle,
    count: u64,
) -> Result<Blob, StoreError> {
    let parts = Array::new();
    for index in 0..count {
        let handle: web_sys::FileSystemFileHandle =
            resolve(dir.get_file_handle(&index.to_string())).await?;
        let file: Blob = resolve(handle.get_file()).await?;
        parts.push(&file);
    }
    Blob::new_with_blob_sequence(&parts).map_err(|_| StoreError::UnexpectedValue)
}

async fn read_manifest(dir: &JsValue, key: &str) -> Option<Manifest> {
    let sub = call_async(dir, "getDirectoryHandle", &Array::of1(&key.into())).await?;
    let handle = call_async(&sub, "getFileHandle", &Array::of1(&MANIFEST.into())).await?;
    let file: Blob = call_async(&handle, "getFile", &Array::new())
        .await?
        .dyn_into()
        .ok()?;
    let text = JsFuture::from(file.text()).await.ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

/// At startup: the partials this page may continue, with their locks,
/// after removing those no page holds that are too old, complete, beyond
/// the byte cap, or without a readable manifest.
pub(crate) async fn load() -> Vec<(Partial, LockGuard)> {
    let Ok(dir) = resume_dir().await else {
        return Vec::new();
    };
    let dir: JsValue = dir.into();
    let held = match locks() {
        Some(locks) => held_locks(&locks).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let mut found = Vec::new();
    for key in entry_names(&dir).await {
        if held.contains(&lock_name(&key)) {
            continue;
        }
        match read_manifest(&dir, &key).await {
            Some(m) => found.push(Partial {
                key,
                name: m.name,
                size: m.size,
                modified: m.modified,
                bytes: m.bytes,
                saved_ms: m.saved_ms,
            }),
            None => {
                remove(&dir, &key).await;
            }
        }
    }
    let keep = keep_partials(&found, now_ms(), MAX_AGE_MS, MAX_KEPT_BYTES);
    let mut kept = Vec::new();
    for partial in found {
        if !keep.contains(&partial.key) {
            remove(&dir, &partial.key).await;
        } else if let Some(lock) = hold(&partial.key).await {
            kept.push((partial, lock));
        }
    }
    kept
}

/// `Transfers::restore`: hands the kept partials to the core and keeps
/// their locks until a receive takes one over; returns how many.
pub(crate) async fn restore(inner: &super::Inner) -> usize {
    let kept = load().await;
    let count = kept.len();
    let mut locks = inner.kept_locks.borrow_mut();
    let mut core = inner.core.borrow_mut();
    for (partial, lock) in kept {
        locks.insert(partial.key.clone(), lock);
        core.add_partials([partial]);
    }
    count
}

impl Manifest {
    pub(crate) fn new(name: String, size: u64, modified: u64, bytes: u64) -> Manifest {
        Manifest {
            name,
            size,
            modified,
            bytes,
            saved_ms: now_ms(),
        }
    }

    pub(crate) fn at(&self, bytes: u64) -> Manifest {
        Manifest {
            bytes,
            saved_ms: now_ms(),
            ..self.clone()
        }
    }
}

/// One kept partial being written: its folder, manifest and position.
pub(crate) struct PartsState {
    key: String,
    manifest: RefCell<Manifest>,
    dir: RefCell<Option<FileSystemDirectoryHandle>>,
    /// The segment being written, and the bytes already in it.
    segment: Cell<u64>,
    in_segment: Cell<u64>,
    /// The folder's Web Lock, while this page writes it.
    lock: RefCell<Option<LockGuard>>,
}

impl PartsState {
    /// Goes on after `manifest.bytes` (whole segments) already kept.
    pub(crate) fn new(key: &str, manifest: Manifest, lock: Option<LockGuard>) -> PartsState {
        PartsState {
            lock: RefCell::new(lock),
            key: key.to_string(),
            segment: Cell::new(manifest.bytes / SEGMENT_BYTES),
            in_segment: Cell::new(0),
            manifest: RefCell::new(manifest),
            dir: RefCell::new(None),
        }
    }

    /// For the receiver's worker: the key, the manifest, and (async) the lock.
    pub(crate) fn target(&self) -> (String, Manifest) {
        (self.key.clone(), self.manifest.borrow().clone())
    }

    pub(crate) fn take_lock(&self) -> Option<LockGuard> {
        self.lock.borrow_mut().take()
    }

    pub(crate) async fn claim(&self) {
        if self.lock.borrow().is_none() {
            let lock = hold(&self.key).await;
            *self.lock.borrow_mut() = lock;
        }
    }

    pub(crate) fn opened(&self) -> bool {
        self.dir.borrow().is_some()
    }

    /// The first write: the folder (locked, with its manifest) and the
    /// current segment's writable.
    pub(crate) async fn open(&self) -> Result<FileSystemWritableFileStream, StoreError> {
        let dir = key_dir(&self.key).await?;
        // A resumed partial's lock is already ours; a new one's is free.
        self.claim().await;
        let manifest = self.manifest.borrow().clone();
        save_manifest(&dir, &manifest).await?;
        let writable = open_segment(&dir, self.segment.get()).await?;
        *self.dir.borrow_mut() = Some(dir);
        Ok(writable)
    }

    /// Writes `buffer`, closing each segment as it fills (then the
    /// manifest counts it) and opening the next when needed.
    pub(crate) async fn write(
        &self,
        writable: &RefCell<Option<FileSystemWritableFileStream>>,
        buffer: &ArrayBuffer,
    ) -> Result<(), StoreError> {
        let dir = self.dir.borrow().clone().ok_or(StoreError::NotOpened)?;
        let len = u64::from(buffer.byte_length());
        let mut offset = 0u64;
        while offset < len {
            let current = writable.borrow().clone();
            let out = match current {
                Some(out) => out,
                None => {
                    let out = open_segment(&dir, self.segment.get()).await?;
                    *writable.borrow_mut() = Some(out.clone());
                    out
                }
            };
            let take = (SEGMENT_BYTES - self.in_segment.get()).min(len - offset);
            let piece =
                Uint8Array::new_with_byte_offset_and_length(buffer, offset as u32, take as u32);
            done(out.write_with_buffer_source(&piece).map_err(browser)?).await?;
            offset += take;
            self.in_segment.set(self.in_segment.get() + take);
            if self.in_segment.get() == SEGMENT_BYTES {
                writable.borrow_mut().take();
                done(out.close()).await?;
                self.segment.set(self.segment.get() + 1);
                self.in_segment.set(0);
                let manifest = self
                    .manifest
                    .borrow()
                    .at(self.segment.get() * SEGMENT_BYTES);
                save_manifest(&dir, &manifest).await?;
                *self.manifest.borrow_mut() = manifest;
            }
        }
        Ok(())
    }

    /// Every byte is in (the last writable closed): the whole file, and
    /// it is no partial any more.
    pub(crate) async fn finish(&self) -> Result<Blob, StoreError> {
        let opened = self.dir.borrow().clone();
        let dir = match opened {
            Some(dir) => dir,
            None => key_dir(&self.key).await?,
        };
        let count = self.segment.get() + u64::from(self.in_segment.get() > 0);
        let whole = segments(&dir, count).await?;
        forget_manifest(&dir).await;
        Ok(whole)
    }

    pub(crate) async fn remove(&self) -> Result<(), StoreError> {
        if remove_key(&self.key).await || !self.opened() {
            Ok(())
        } else {
            Err(StoreError::Browser("NotRemoved".into()))
        }
    }
}
