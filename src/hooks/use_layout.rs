//! `use_narrow`: whether the window is phone-sized (≤ 600 px wide), kept
//! fresh on `resize`; and `use_document_title`: the tab's title while a
//! view is shown. The listener is removed and the title restored on cleanup.

use gloo_events::EventListener;
use leptos::prelude::*;

/// Widest window (CSS px) that gets the phone layout; style.css agrees.
pub const NARROW_MAX_PX: f64 = 600.0;

fn window_is_narrow() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w <= NARROW_MAX_PX)
}

/// True while the window is at most [`NARROW_MAX_PX`] wide.
pub fn use_narrow() -> ReadSignal<bool> {
    let (narrow, set_narrow) = signal(window_is_narrow());
    let listener = web_sys::window().map(|w| {
        EventListener::new(&w, "resize", move |_| {
            let now = window_is_narrow();
            if narrow.try_get_untracked() != Some(now) {
                set_narrow.try_set(now);
            }
        })
    });
    let listener = StoredValue::new_local(listener);
    on_cleanup(move || {
        listener.try_set_value(None);
    });
    narrow
}

fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// Keeps `document.title` at `title` while the caller lives; puts the
/// previous title back on cleanup.
pub fn use_document_title(title: impl Fn() -> String + 'static) {
    let before = web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.title())
        .unwrap_or_default();
    Effect::new(move |_| set_title(&title()));
    on_cleanup(move || set_title(&before));
}
