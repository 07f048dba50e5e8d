//! Where received bytes go while a file arrives: the origin private file
//! system (OPFS) for large files where the browser has it, Blob parts in
//! batches otherwise. Either way the wasm heap never holds the file. OPFS
//! calls go through `Reflect` (web-sys keeps the File System Access types
//! behind unstable cfgs).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, ArrayBuffer, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Blob, BlobPropertyBag, Url};

use crate::browser::{js_error_name, Notify};

/// Files at least this large go to OPFS when it is available.
pub const OPFS_MIN_BYTES: u64 = 16 * 1024 * 1024;
const OPFS_DIR: &str = "peerlink-incoming";

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
    name: String,
    batch_limit: usize,
    /// OPFS would not open: the store falls back to Blob parts, queue intact.
    open_failed: Cell<bool>,
    writable: RefCell<Option<JsValue>>,
    queue: RefCell<VecDeque<ArrayBuffer>>,
    writing: Cell<bool>,
    failed: RefCell<Option<String>>,
    idle: Notify,
}

async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let function: Function = Reflect::get(target, &method.into())
        .map_err(|e| js_error_name(&e))?
        .dyn_into()
        .map_err(|_| format!("{method} is not a function"))?;
    let result = function
        .apply(target, &args.iter().collect::<Array>())
        .map_err(|e| js_error_name(&e))?;
    match result.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await.map_err(|e| js_error_name(&e)),
        Err(value) => Ok(value),
    }
}

fn storage() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    let storage = Reflect::get(&navigator, &"storage".into()).ok()?;
    let has = Reflect::get(&storage, &"getDirectory".into())
        .ok()
        .is_some_and(|f| f.is_function());
    has.then_some(storage)
}

fn create_option() -> JsValue {
    let options = Object::new();
    let _ = Reflect::set(&options, &"create".into(), &JsValue::TRUE);
    options.into()
}

async fn directory() -> Result<JsValue, String> {
    let root = call(&storage().ok_or("no OPFS")?, "getDirectory", &[]).await?;
    call(
        &root,
        "getDirectoryHandle",
        &[OPFS_DIR.into(), create_option()],
    )
    .await
}

impl Store {
    /// OPFS for large files where available, Blob batches otherwise.
    pub fn for_size(size: u64, id: &str, batch_limit: usize) -> Store {
        if size >= OPFS_MIN_BYTES && storage().is_some() {
            Store::Opfs(Rc::new(OpfsFile {
                name: format!("{id}.part"),
                batch_limit,
                open_failed: Cell::new(false),
                writable: RefCell::new(None),
                queue: RefCell::new(VecDeque::new()),
                writing: Cell::new(false),
                failed: RefCell::new(None),
                idle: Notify::new(),
            }))
        } else {
            Store::blobs(batch_limit)
        }
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
            Store::Opfs(_) => "opfs",
        }
    }

    /// Takes one chunk.
    pub fn push(&mut self, buffer: ArrayBuffer) -> Result<(), String> {
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
                    let blob = Blob::new_with_buffer_source_sequence(batch)
                        .map_err(|e| js_error_name(&e))?;
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

    /// All bytes are in: the file as an object URL for download.
    pub async fn finish(self, mime: &str) -> Result<String, String> {
        let options = BlobPropertyBag::new();
        options.set_type(mime);
        match self {
            Store::Blobs { batch, parts, .. } => {
                if batch.length() > 0 {
                    let last = Blob::new_with_buffer_source_sequence(&batch)
                        .map_err(|e| js_error_name(&e))?;
                    parts.push(&last);
                }
                let blob = Blob::new_with_blob_sequence_and_options(&parts, &options)
                    .map_err(|e| js_error_name(&e))?;
                Url::create_object_url_with_blob(&blob).map_err(|e| js_error_name(&e))
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
                    return Box::pin(blobs.finish(mime)).await;
                }
                if let Some(err) = file.failed.borrow().clone() {
                    return Err(err);
                }
                let writable = file
                    .writable
                    .borrow_mut()
                    .take()
                    .ok_or("the file was never opened")?;
                call(&writable, "close", &[]).await?;
                let dir = directory().await?;
                let handle = call(&dir, "getFileHandle", &[file.name.clone().into()]).await?;
                let stored: Blob = call(&handle, "getFile", &[])
                    .await?
                    .dyn_into()
                    .map_err(|_| "not a file")?;
                // Re-type it (the OPFS file has no MIME type) without copying.
                let typed =
                    Blob::new_with_blob_sequence_and_options(&Array::of1(&stored), &options)
                        .map_err(|e| js_error_name(&e))?;
                Url::create_object_url_with_blob(&typed).map_err(|e| js_error_name(&e))
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
                if let Some(writable) = writable {
                    let _ = call(&writable, "abort", &[]).await;
                }
                if let Ok(dir) = directory().await {
                    let _ = call(&dir, "removeEntry", &[file.name.clone().into()]).await;
                }
            });
        }
    }
}

/// Writes queued chunks in order; one writer per file at a time.
async fn write_queued(file: Rc<OpfsFile>) {
    if file.writable.borrow().is_none() {
        let opened = async {
            let dir = directory().await?;
            let handle = call(
                &dir,
                "getFileHandle",
                &[file.name.clone().into(), create_option()],
            )
            .await?;
            call(&handle, "createWritable", &[]).await
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
        let Some(writable) = file.writable.borrow().clone() else {
            break;
        };
        if let Err(err) = call(&writable, "write", &[buffer.into()]).await {
            *file.failed.borrow_mut() = Some(format!("cannot store the file: {err}"));
            file.queue.borrow_mut().clear();
            break;
        }
    }
    file.writing.set(false);
    file.idle.notify();
}
