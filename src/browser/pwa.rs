//! The installable app's browser side: registering the service worker
//! (`sw.js`, which caches the app shell) and taking the files the OS share
//! sheet handed to it (`sw.js` keeps them in Cache Storage under
//! [`SHARED_CACHE`]). It must not decide what to do with the files.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, File, FilePropertyBag, Request, Response};

use super::js_error_name;
use crate::launch::percent_decode;

/// The Cache Storage cache `sw.js` puts shared files in (keep in step).
pub const SHARED_CACHE: &str = "peerlink-shared-v1";
/// The header holding a shared file's percent-encoded name.
const NAME_HEADER: &str = "x-peerlink-name";

fn has(target: &JsValue, name: &str) -> bool {
    js_sys::Reflect::has(target, &JsValue::from_str(name)).unwrap_or(false)
}

/// Registers `sw.js` (next to the page) where service workers exist; a
/// failure is logged, never fatal: the app works without it.
pub async fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    if !window.is_secure_context() || !has(&navigator, "serviceWorker") {
        return;
    }
    let registration = navigator.service_worker().register("sw.js");
    if let Err(err) = JsFuture::from(registration).await {
        web_sys::console::warn_1(
            &format!("peerlink: service worker: {}", js_error_name(&err)).into(),
        );
    }
}

async fn awaited<T: JsCast>(promise: js_sys::Promise) -> Result<T, String> {
    JsFuture::from(promise)
        .await
        .map_err(|e| js_error_name(&e))?
        .dyn_into::<T>()
        .map_err(|_| "unexpected value".to_string())
}

async fn file_of(cache: &Cache, request: &Request) -> Result<File, String> {
    let response: Response = awaited(cache.match_with_request(request)).await?;
    let name = response
        .headers()
        .get(NAME_HEADER)
        .ok()
        .flatten()
        .map(|n| percent_decode(&n))
        .unwrap_or_else(|| "shared".into());
    let blob: web_sys::Blob = awaited(response.blob().map_err(|e| js_error_name(&e))?).await?;
    let options = FilePropertyBag::new();
    options.set_type(&blob.type_());
    let parts = js_sys::Array::of1(&blob);
    File::new_with_blob_sequence_and_options(&parts, &name, &options).map_err(|e| js_error_name(&e))
}

/// The files shared to the app that no one took yet, removed from the
/// store as they are taken (oldest first). Empty where there is no Cache
/// Storage or nothing was shared.
pub async fn take_shared_files() -> Vec<File> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    if !has(&window, "caches") {
        return Vec::new();
    }
    let Ok(storage) = window.caches() else {
        return Vec::new();
    };
    let Ok(cache) = awaited::<Cache>(storage.open(SHARED_CACHE)).await else {
        return Vec::new();
    };
    let Ok(keys) = awaited::<js_sys::Array>(cache.keys()).await else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for key in keys.iter() {
        let Ok(request) = key.dyn_into::<Request>() else {
            continue;
        };
        match file_of(&cache, &request).await {
            Ok(file) => files.push(file),
            Err(err) => web_sys::console::warn_1(&format!("peerlink: shared file: {err}").into()),
        }
        let _ = JsFuture::from(cache.delete_with_request(&request)).await;
    }
    files
}
