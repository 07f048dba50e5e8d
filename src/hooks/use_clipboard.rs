//! `use_clipboard`: copies text and shows the outcome (copied or failed) for
//! a few seconds. It owns the reset timer, cleared on cleanup; it must not
//! say "copied" before the browser has accepted the text.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::{clipboard, ClipboardError, Timeout};

/// How long the outcome of a copy stays visible.
const SHOW_OUTCOME_MS: u32 = 3_000;

/// The outcome of the last copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyState {
    Idle,
    Copied,
    Failed(ClipboardError),
}

#[derive(Clone, Copy)]
pub struct UseClipboardReturn {
    pub state: RwSignal<CopyState>,
    /// Copies the text; `state` follows once the browser answers.
    pub copy: Callback<String>,
}

pub fn use_clipboard() -> UseClipboardReturn {
    let state = RwSignal::new(CopyState::Idle);
    let reset: StoredValue<Option<Timeout>, LocalStorage> = StoredValue::new_local(None);
    let copy = Callback::new(move |text: String| {
        spawn_local(async move {
            let outcome = match clipboard::write_text(&text).await {
                Ok(()) => CopyState::Copied,
                Err(err) => CopyState::Failed(err),
            };
            if state.try_set(outcome).is_some() {
                return; // the component is gone
            }
            let timer = Timeout::new(SHOW_OUTCOME_MS, move || {
                state.try_set(CopyState::Idle);
            });
            reset.try_set_value(Some(timer));
        });
    });
    on_cleanup(move || {
        reset.try_set_value(None);
    });
    UseClipboardReturn { state, copy }
}
