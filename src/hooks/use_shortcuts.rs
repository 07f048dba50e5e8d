//! `use_shortcuts`: the room view's keyboard shortcuts (M, V, C, F, P) from
//! `keydown` on the window, never while typing in a field or with Ctrl, Alt
//! or Meta held. Which key does what is `peerlink_core::shortcut`'s; the
//! listener is removed on cleanup.

use gloo_events::EventListener;
use leptos::prelude::*;
use peerlink_core::{shortcut, Shortcut};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

/// True when the key press goes to something that takes text.
fn typing(event: &KeyboardEvent) -> bool {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
    else {
        return false;
    };
    matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || target.is_content_editable()
}

/// Calls `on_shortcut` for every shortcut pressed while the caller lives.
pub fn use_shortcuts(on_shortcut: impl Fn(Shortcut) + 'static) {
    let listener = web_sys::window().map(|w| {
        EventListener::new(&w, "keydown", move |event| {
            let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            let modified = event.ctrl_key() || event.alt_key() || event.meta_key();
            if event.repeat() {
                return;
            }
            if let Some(action) = shortcut(&event.key(), modified, typing(event)) {
                event.prevent_default();
                on_shortcut(action);
            }
        })
    });
    let listener = StoredValue::new_local(listener);
    on_cleanup(move || {
        listener.try_set_value(None);
    });
}
