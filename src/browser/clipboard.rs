//! Writing text to the system clipboard with web-sys's `Clipboard` binding.
//! It reports whether the browser accepted the text; it must not decide what
//! the user is told about it (that is `errors.rs` and the hooks).

use wasm_bindgen_futures::JsFuture;

use super::js_error_name;

/// Why text could not be copied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    /// No `navigator.clipboard` here (insecure context, old browser).
    #[error("this page has no clipboard API")]
    Unavailable,
    /// The browser rejected the write (`NotAllowedError`, …).
    #[error("the browser refused the clipboard write: {0}")]
    Refused(String),
}

/// Puts `text` on the clipboard; resolves once the browser has accepted it.
pub async fn write_text(text: &str) -> Result<(), ClipboardError> {
    let window = web_sys::window().ok_or(ClipboardError::Unavailable)?;
    // `navigator.clipboard` is undefined outside secure contexts.
    let clipboard = window.navigator().clipboard();
    if clipboard.is_undefined() || clipboard.is_null() {
        return Err(ClipboardError::Unavailable);
    }
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(drop)
        .map_err(|e| ClipboardError::Refused(js_error_name(&e)))
}
