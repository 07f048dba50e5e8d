//! `use_paste`: what is pasted into the room (not into a text field):
//! files (a copied image) go out as files, text as a chat snippet. It owns
//! the window's `paste` listener, removed on cleanup; the caller sends.

use gloo_events::{EventListener, EventListenerOptions};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, File, HtmlElement};

/// Something pasted into the room.
pub enum Pasted {
    Files(Vec<File>),
    Text(String),
}

/// Whether the paste goes into a field that takes text itself.
fn into_text_field(event: &ClipboardEvent) -> bool {
    let Some(target) = event.target() else {
        return false;
    };
    let Some(element) = target.dyn_ref::<HtmlElement>() else {
        return false;
    };
    let tag = element.tag_name().to_ascii_lowercase();
    tag == "input" || tag == "textarea" || element.is_content_editable()
}

fn pasted(event: &ClipboardEvent) -> Option<Pasted> {
    let data = event.clipboard_data()?;
    let files: Vec<File> = data
        .files()
        .map(|l| (0..l.length()).filter_map(|i| l.item(i)).collect())
        .unwrap_or_default();
    if !files.is_empty() {
        return Some(Pasted::Files(files));
    }
    if into_text_field(event) {
        return None; // the field takes its text as usual
    }
    let text = data.get_data("text/plain").ok()?;
    (!text.trim().is_empty()).then_some(Pasted::Text(text))
}

/// Calls `on_paste` for every paste into the room that carries files, or
/// text outside a text field; those pastes are then not handled otherwise.
pub fn use_paste(on_paste: impl Fn(Pasted) + 'static) {
    let listener: StoredValue<Option<EventListener>, LocalStorage> = StoredValue::new_local(None);
    let Some(window) = web_sys::window() else {
        return;
    };
    let active = EventListenerOptions::enable_prevent_default();
    let paste = EventListener::new_with_options(&window, "paste", active, move |event| {
        let Some(event) = event.dyn_ref::<ClipboardEvent>() else {
            return;
        };
        if let Some(what) = pasted(event) {
            event.prevent_default();
            on_paste(what);
        }
    });
    listener.set_value(Some(paste));
    on_cleanup(move || {
        listener.try_set_value(None);
    });
}
