//! Saving a batch of received files into a folder the person chooses
//! (`showDirectoryPicker`, where the browser has it), recreating their
//! relative folders inside it. Names and folders come from the core,
//! already sanitised (protocol/src/file_name.rs). It decides nothing about
//! transfers; without the picker, files are downloaded one by one. Also
//! the single-file picker (`showSaveFilePicker`) a large file can be
//! written into as it arrives.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetDirectoryOptions,
    FileSystemGetFileOptions, FileSystemWritableFileStream,
};

use crate::browser::js_error_name;
use peerlink_protocol::numbered_file_name;

/// One verified file to write: `path/name` under the chosen folder.
pub struct SaveItem {
    pub path: String,
    pub name: String,
    pub blob: Blob,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderError {
    /// No `showDirectoryPicker` in this browser.
    #[error("Unsupported")]
    Unsupported,
    /// The browser refused or the person cancelled (`AbortError`).
    #[error("{0}")]
    Browser(String),
}

fn browser(value: JsValue) -> FolderError {
    FolderError::Browser(js_error_name(&value))
}

async fn resolve<T: JsCast>(promise: Promise) -> Result<T, FolderError> {
    JsFuture::from(promise)
        .await
        .map_err(browser)?
        .dyn_into()
        .map_err(|_| FolderError::Browser("TypeError".into()))
}

/// Whether this browser can save into a chosen folder.
pub fn can_save_to_folder() -> bool {
    Reflect::get(&js_sys::global(), &"showDirectoryPicker".into()).is_ok_and(|f| f.is_function())
}

/// Calls the browser's picker `name` (`showDirectoryPicker`,
/// `showSaveFilePicker`) with the option `key: value` and waits for the
/// person's choice (needs a click).
async fn open_picker<T: JsCast>(name: &str, key: &str, value: &str) -> Result<T, FolderError> {
    let picker = Reflect::get(&js_sys::global(), &name.into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or(FolderError::Unsupported)?;
    let options = Object::new();
    let _ = Reflect::set(&options, &key.into(), &value.into());
    let promise: Promise = picker
        .call1(&js_sys::global(), &options)
        .map_err(browser)?
        .dyn_into()
        .map_err(|_| FolderError::Unsupported)?;
    resolve(promise).await
}

/// Asks the person for a folder to write into (needs a click).
pub async fn pick_folder() -> Result<FileSystemDirectoryHandle, FolderError> {
    open_picker("showDirectoryPicker", "mode", "readwrite").await
}

/// Whether this browser can write a received file where the person picks.
pub fn can_save_as() -> bool {
    Reflect::get(&js_sys::global(), &"showSaveFilePicker".into()).is_ok_and(|f| f.is_function())
}

/// Asks the person where to save `name` (needs a click).
pub async fn pick_save_file(name: &str) -> Result<FileSystemFileHandle, FolderError> {
    open_picker("showSaveFilePicker", "suggestedName", name).await
}

async fn subfolder(
    dir: &FileSystemDirectoryHandle,
    name: &str,
) -> Result<FileSystemDirectoryHandle, FolderError> {
    let options = FileSystemGetDirectoryOptions::new();
    options.set_create(true);
    resolve(dir.get_directory_handle_with_options(name, &options)).await
}

async fn write_one(root: &FileSystemDirectoryHandle, item: &SaveItem) -> Result<(), FolderError> {
    let mut dir = root.clone();
    for segment in item.path.split('/').filter(|s| !s.is_empty()) {
        dir = subfolder(&dir, segment).await?;
    }
    let name = free_name(&dir, &item.name).await?;
    let options = FileSystemGetFileOptions::new();
    options.set_create(true);
    let file: FileSystemFileHandle =
        resolve(dir.get_file_handle_with_options(&name, &options)).await?;
    let writable: FileSystemWritableFileStream = resolve(file.create_writable()).await?;
    let written = writable.write_with_blob(&item.blob).map_err(browser)?;
    JsFuture::from(written).await.map_err(browser)?;
    JsFuture::from(writable.close()).await.map_err(browser)?;
    Ok(())
}

/// A name in `dir` that no file has yet: `name`, else `name (1).ext`, … —
/// a received file never overwrites one of the person's own (nor one
/// written earlier in the same save).
async fn free_name(dir: &FileSystemDirectoryHandle, name: &str) -> Result<String, FolderError> {
    for n in 0..1000 {
        let candidate = numbered_file_name(name, n);
        match JsFuture::from(dir.get_file_handle(&candidate)).await {
            Ok(_) => continue,
            Err(err) if js_error_name(&err) == "NotFoundError" => return Ok(candidate),
            // A folder of that name (TypeMismatchError) is taken as well.
            Err(err) if js_error_name(&err) == "TypeMismatchError" => continue,
            Err(err) => return Err(browser(err)),
        }
    }
    Err(FolderError::Browser("NoFreeName".into()))
}

/// Writes every item under `root`, in order; stops at the first failure.
/// Returns how many were written.
pub async fn save_to_folder(
    root: &FileSystemDirectoryHandle,
    items: &[SaveItem],
) -> Result<usize, FolderError> {
    for item in items {
        write_one(root, item).await?;
    }
    Ok(items.len())
}
