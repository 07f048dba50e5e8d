//! The Web Share API (`navigator.share`): whether the browser has it and
//! handing it a link. It reports what happened; it must not decide what
//! the user is told.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::js_error_name;

/// Why a share did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// No `navigator.share` here (most desktop Firefox and Chromium builds).
    #[error("this browser has no Web Share API")]
    Unavailable,
    /// The user closed the share sheet (`AbortError`): nothing to report.
    #[error("sharing was cancelled")]
    Cancelled,
    #[error("sharing failed: {0}")]
    Failed(String),
}

/// True where `navigator.share` exists (checked, since calling a missing
/// method would throw).
pub fn can_share() -> bool {
    web_sys::window()
        .map(|w| js_sys::Reflect::has(&w.navigator(), &JsValue::from_str("share")).unwrap_or(false))
        .unwrap_or(false)
}

/// Opens the system share sheet with `title` and `url`. Call it from a
/// click: browsers require a user gesture.
pub async fn share(title: &str, url: &str) -> Result<(), ShareError> {
    if !can_share() {
        return Err(ShareError::Unavailable);
    }
    let window = web_sys::window().ok_or(ShareError::Unavailable)?;
    let data = web_sys::ShareData::new();
    data.set_title(title);
    data.set_url(url);
    JsFuture::from(window.navigator().share_with_data(&data))
        .await
        .map(drop)
        .map_err(|e| {
            let name = js_error_name(&e);
            if name.starts_with("AbortError") {
                ShareError::Cancelled
            } else {
                ShareError::Failed(name)
            }
        })
}
