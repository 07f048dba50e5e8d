//! What the person picked, dropped or pasted, as files with the folder each
//! sits in (relative, `/`-separated): a file input (`webkitdirectory` gives
//! `webkitRelativePath`), or a drop walked through `webkitGetAsEntry`
//! directory entries. It owns no transfer and decides nothing; the sender
//! puts the folder in its offer and the receiver sanitises it.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemDirectoryReader,
    FileSystemEntry, FileSystemFileEntry,
};

/// Most files taken from one drop (a dropped home folder must not hang
/// the tab); the rest are left out.
const MAX_DROPPED_FILES: usize = 10_000;

/// One file to send and the folder it belongs in (empty: none).
#[derive(Clone)]
pub struct Picked {
    pub file: File,
    pub path: String,
}

/// The folder part of `a/b/name`: `a/b`.
fn folder_of(relative: &str) -> String {
    relative
        .trim_start_matches('/')
        .rsplit_once('/')
        .map(|(dir, _)| dir.to_string())
        .unwrap_or_default()
}

/// The files of an `<input type=file>` (with `webkitdirectory`, each keeps
/// its folder from `webkitRelativePath`).
pub fn picked_from_list(list: Option<FileList>) -> Vec<Picked> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|file| {
            let relative = Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            Picked {
                path: folder_of(&relative),
                file,
            }
        })
        .collect()
}

/// Must run inside the `drop` handler (the data is gone after it): the
/// dropped entries, and the plain files when the browser gives no entries.
pub fn drop_entries(data: &DataTransfer) -> (Vec<FileSystemEntry>, Vec<File>) {
    let items = data.items();
    let entries: Vec<FileSystemEntry> = (0..items.length())
        .filter_map(|i| items.get(i))
        .filter(|item| item.kind() == "file")
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect();
    if !entries.is_empty() {
        return (entries, Vec::new());
    }
    let files = data.files();
    let files = files
        .map(|l| (0..l.length()).filter_map(|i| l.item(i)).collect())
        .unwrap_or_default();
    (Vec::new(), files)
}

/// A callback API as a promise: `call(resolve, reject)`.
async fn callback(call: impl Fn(&Function, &Function)) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| call(&resolve, &reject));
    JsFuture::from(promise).await
}

async fn file_of(entry: &FileSystemFileEntry) -> Option<File> {
    callback(|ok, err| entry.file_with_callback_and_callback(ok, err))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// Every entry of a directory (`readEntries` gives them in pieces).
async fn children(reader: &FileSystemDirectoryReader) -> Vec<FileSystemEntry> {
    let mut all = Vec::new();
    loop {
        let got = callback(|ok, err| {
            let _ = reader.read_entries_with_callback_and_callback(ok, err);
        })
        .await;
        let Some(batch) = got.ok().and_then(|v| v.dyn_into::<Array>().ok()) else {
            break;
        };
        if batch.length() == 0 {
            break;
        }
        all.extend(batch.iter().filter_map(|e| e.dyn_into().ok()));
    }
    all
}

/// Walks dropped entries depth-first into files with their folders; the
/// loose files (no entry API) come with no folder.
pub async fn picked_from_drop(entries: Vec<FileSystemEntry>, loose: Vec<File>) -> Vec<Picked> {
    let mut out: Vec<Picked> = loose
        .into_iter()
        .map(|file| Picked {
            file,
            path: String::new(),
        })
        .collect();
    let mut stack = entries;
    while let Some(entry) = stack.pop() {
        if out.len() >= MAX_DROPPED_FILES {
            break;
        }
        if entry.is_directory() {
            let dir: FileSystemDirectoryEntry = entry.unchecked_into();
            stack.extend(children(&dir.create_reader()).await);
        } else if entry.is_file() {
            let path = folder_of(&entry.full_path());
            let file_entry: FileSystemFileEntry = entry.unchecked_into();
            if let Some(file) = file_of(&file_entry).await {
                out.push(Picked { file, path });
            }
        }
    }
    out
}
