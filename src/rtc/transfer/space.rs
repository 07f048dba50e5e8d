//! Room for received files: how much storage is free before accepting
//! (`navigator.storage.estimate()`), and OPFS leftovers. Each page keeps its
//! partial files in its own OPFS folder, `peerlink-incoming/<page id>`, and
//! holds a Web Lock of the same name while it lives (a once-per-page
//! singleton); a sweep removes every folder whose lock nobody holds, which
//! is what a crashed or closed tab leaves behind. It decides nothing about
//! transfers: the core compares the free bytes with what a file needs.

use std::cell::OnceCell;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::browser::random_bytes;

/// The folder under the OPFS root that holds every page's partial files.
pub const OPFS_DIR: &str = "peerlink-incoming";

thread_local! {
    static PAGE: OnceCell<String> = const { OnceCell::new() };
}

pub(super) fn method(target: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(target, &name.into()).ok()?.dyn_into().ok()
}

pub(super) async fn call_async(target: &JsValue, name: &str, args: &Array) -> Option<JsValue> {
    let promise: Promise = method(target, name)?
        .apply(target, args)
        .ok()?
        .dyn_into()
        .ok()?;
    JsFuture::from(promise).await.ok()
}

pub(super) fn locks() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    (!locks.is_undefined()).then_some(locks)
}

/// This page's folder name; the first call takes its Web Lock, held until
/// the page goes away (the lock's callback never settles).
pub fn page_folder() -> String {
    PAGE.with(|page| {
        page.get_or_init(|| {
            let bytes = random_bytes::<8>();
            let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let name = format!("page-{name}");
            if let Some(locks) = locks() {
                let hold = Closure::once_into_js(|| Promise::new(&mut |_, _| {}));
                let args = Array::of2(&name.clone().into(), &hold);
                if let Some(request) = method(&locks, "request") {
                    let _ = request.apply(&locks, &args);
                }
            }
            name
        })
        .clone()
    })
}

/// Free bytes of this origin's storage quota, when the browser tells.
pub async fn free_bytes() -> Option<u64> {
    let storage: JsValue = web_sys::window()?.navigator().storage().into();
    if storage.is_undefined() {
        return None;
    }
    let estimate = call_async(&storage, "estimate", &Array::new()).await?;
    let quota = Reflect::get(&estimate, &"quota".into()).ok()?.as_f64()?;
    let usage = Reflect::get(&estimate, &"usage".into())
        .ok()?
        .as_f64()
        .unwrap_or(0.0);
    Some((quota - usage).max(0.0) as u64)
}

/// Names of the Web Locks held by any page of this origin.
pub(super) async fn held_locks(locks: &JsValue) -> Option<Vec<String>> {
    let state = call_async(locks, "query", &Array::new()).await?;
    let held: Array = Reflect::get(&state, &"held".into()).ok()?.dyn_into().ok()?;
    Some(
        held.iter()
            .filter_map(|l| Reflect::get(&l, &"name".into()).ok()?.as_string())
            .collect(),
    )
}

/// Every entry name of an OPFS directory handle.
pub(super) async fn entry_names(dir: &JsValue) -> Vec<String> {
    let mut names = Vec::new();
    let Some(iterator) = method(dir, "keys").and_then(|k| k.call0(dir).ok()) else {
        return names;
    };
    while let Some(step) = call_async(&iterator, "next", &Array::new()).await {
        let done = Reflect::get(&step, &"done".into()).is_ok_and(|d| d.is_truthy());
        if done {
            break;
        }
        if let Some(name) = Reflect::get(&step, &"value".into())
            .ok()
            .and_then(|v| v.as_string())
        {
            names.push(name);
        }
    }
    names
}

/// Removes `name` (recursively) from `dir`; true when it is gone.
pub async fn remove(dir: &JsValue, name: &str) -> bool {
    let options = Object::new();
    let _ = Reflect::set(&options, &"recursive".into(), &true.into());
    let args = Array::of2(&name.into(), &options);
    call_async(dir, "removeEntry", &args).await.is_some()
}

/// The OPFS folder of all pages, if this browser has OPFS.
async fn incoming() -> Option<JsValue> {
    let storage: JsValue = web_sys::window()?.navigator().storage().into();
    let root = call_async(&storage, "getDirectory", &Array::new()).await?;
    let options = Object::new();
    let _ = Reflect::set(&options, &"create".into(), &true.into());
    let args = Array::of2(&OPFS_DIR.into(), &options);
    call_async(&root, "getDirectoryHandle", &args).await
}

/// Removes what no living page owns: folders of pages whose lock is free,
/// and loose files. Returns how many entries went. Without Web Locks it
/// cannot tell and removes nothing.
pub async fn sweep_leftovers() -> usize {
    let Some(locks) = locks() else { return 0 };
    let Some(dir) = incoming().await else {
        return 0;
    };
    let Some(held) = held_locks(&locks).await else {
        return 0;
    };
    let mine = page_folder();
    let mut removed = 0;
    for name in entry_names(&dir).await {
        if name != mine && !held.contains(&name) && remove(&dir, &name).await {
            removed += 1;
        }
    }
    removed
}

/// Removes this page's own folder (when the transfers are dropped).
pub async fn remove_page_folder() -> bool {
    match incoming().await {
        Some(dir) => remove(&dir, &page_folder()).await,
        None => false,
    }
}
