//! The installable app: `use_service_worker` registers `sw.js` once per
//! page, and `use_shared_files` holds the files the OS share sheet sent to
//! the app (taken from `sw.js`'s store when the call view opens) until they
//! are sent or discarded. They start tasks only; nothing to release.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::File;

use crate::browser::pwa;

/// Registers the service worker (a no-op where there is none).
pub fn use_service_worker() {
    spawn_local(pwa::register_service_worker());
}

/// The shared files waiting to be sent; empty when nothing was shared.
pub fn use_shared_files() -> RwSignal<Vec<File>, LocalStorage> {
    let files = RwSignal::new_local(Vec::new());
    spawn_local(async move {
        let shared = pwa::take_shared_files().await;
        if !shared.is_empty() {
            files.try_set(shared);
        }
    });
    files
}
