//! Page errors fail tests: every uncaught exception (`error` on window) and
//! unhandled promise rejection (`unhandledrejection`) a page raises is kept
//! in `window.__peerlinkErrors`, and the page helpers (`page::script`, so
//! every poll) panic when that list is not empty. In Chromium the listener
//! goes in before any page script runs, on every document (CDP
//! `Page.addScriptToEvaluateOnNewDocument`); classic WebDriver has no such
//! hook for Firefox, so there `page::goto` installs it once the page has
//! loaded (the app's own work starts after that, on *Join*).

use serde_json::Value;
use thirtyfour::prelude::*;

/// Installs the listeners once per document.
pub const INSTALL_JS: &str = r#"(() => {
  if (window.__peerlinkErrors) return;
  const errors = (window.__peerlinkErrors = []);
  window.addEventListener('error', (e) => {
    errors.push('uncaught error: ' + (e.message || e.type) + (e.filename ? ' at ' + e.filename + ':' + e.lineno : ''));
  });
  window.addEventListener('unhandledrejection', (e) => {
    const r = e.reason;
    errors.push('unhandled rejection: ' + (r && (r.name || '') + ': ' + (r.message || '') || String(r)));
  });
})();"#;

/// Chromium: runs [`INSTALL_JS`] in every new document of this session.
pub async fn install_on_new_documents(driver: &WebDriver) -> WebDriverResult<()> {
    driver
        .cdp()
        .send_raw(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": INSTALL_JS }),
        )
        .await
        .map(drop)
}

/// Installs the listeners in the current document (a no-op if present).
pub async fn install(driver: &WebDriver) -> WebDriverResult<()> {
    driver.execute(INSTALL_JS, Vec::new()).await.map(drop)
}

/// Wraps `js` (a function body that may `return`) so one round trip also
/// brings back the page's errors: the result is `[value, errors]`.
pub fn wrap(js: &str) -> String {
    format!(
        "const __value = (function () {{ {js} }})(); \
         const __with_errors = (v) => [v === undefined ? null : v, (window.__peerlinkErrors || []).slice()]; \
         return __value && typeof __value.then === 'function' ? __value.then(__with_errors) : __with_errors(__value);"
    )
}

/// The errors in a [`wrap`]ped result.
pub fn errors_in(result: &Value) -> Vec<String> {
    result[1]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Panics with the page's errors, if it raised any.
pub fn fail_on(errors: &[String], url: &str) {
    assert!(
        errors.is_empty(),
        "the page {url} raised errors:\n  {}",
        errors.join("\n  ")
    );
}

/// Panics if the page raised any error so far; call it before quitting.
pub async fn assert_none(driver: &WebDriver) {
    let url = driver
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    if let Ok(ret) = driver.execute(&wrap("return null;"), Vec::new()).await {
        fail_on(&errors_in(ret.json()), &url);
    }
}
