//! Starting a `<video>`/`<audio>` element with `play()` and reading why it
//! did not start. It reports; it must not retry or decide what to show.

use std::future::Future;

use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlMediaElement;

use super::js_error_name;

/// Why `play()` did not start playback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlayError {
    /// Autoplay policy: the browser wants a user gesture first.
    #[error("autoplay was refused")]
    Refused,
    /// A newer `srcObject` replaced the one being started (harmless).
    #[error("playback was interrupted by a new source")]
    Interrupted,
    #[error("playback failed: {0}")]
    Other(String),
}

/// Calls `element.play()` at once (so a click handler's user gesture
/// counts) and returns a future of its promise's outcome. The promise is
/// always awaited, so a refusal never becomes an unhandled rejection.
pub fn play(element: &HtmlMediaElement) -> impl Future<Output = Result<(), PlayError>> {
    let started = element
        .play()
        .map_err(|e| PlayError::Other(js_error_name(&e)));
    async move {
        JsFuture::from(started?).await.map(drop).map_err(|e| {
            let name = js_error_name(&e);
            if name.starts_with("NotAllowedError") {
                PlayError::Refused
            } else if name.starts_with("AbortError") {
                PlayError::Interrupted
            } else {
                PlayError::Other(name)
            }
        })
    }
}
