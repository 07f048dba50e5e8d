//! `use_drop`: files and folders dropped anywhere on the window, walked
//! into files with their relative folders (src/rtc/transfer/pick.rs) and
//! handed to `on_drop`. It owns the window's `dragover`/`drop` listeners,
//! removed on cleanup; it does not send anything itself.

use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::DragEvent;

use crate::rtc::transfer::{drop_entries, picked_from_drop, Picked};

/// Whether a drag carries files (not text or a link being dragged).
fn carries_files(event: &DragEvent) -> bool {
    event.data_transfer().is_some_and(|d| {
        d.types()
            .iter()
            .any(|t| t.as_string().as_deref() == Some("Files"))
    })
}

/// Listens for drops of files and folders on the whole window.
pub fn use_drop(on_drop: impl Fn(Vec<Picked>) + 'static) {
    let listeners: StoredValue<Vec<EventListener>, LocalStorage> =
        StoredValue::new_local(Vec::new());
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_drop = Rc::new(on_drop);
    let active = EventListenerOptions::enable_prevent_default();
    let over = EventListener::new_with_options(&window, "dragover", active, move |event| {
        let Some(event) = event.dyn_ref::<DragEvent>() else {
            return;
        };
        if carries_files(event) {
            event.prevent_default();
        }
    });
    let dropped = EventListener::new_with_options(&window, "drop", active, move |event| {
        let Some(event) = event.dyn_ref::<DragEvent>() else {
            return;
        };
        if !carries_files(event) {
            return;
        }
        event.prevent_default();
        let Some(data) = event.data_transfer() else {
            return;
        };
        // The entries must be taken now: the drop's data is gone afterwards.
        let (entries, loose) = drop_entries(&data);
        let deliver = on_drop.clone();
        spawn_local(async move {
            deliver(picked_from_drop(entries, loose).await);
        });
    });
    listeners.set_value(vec![over, dropped]);
    on_cleanup(move || {
        listeners.try_set_value(Vec::new());
    });
}
