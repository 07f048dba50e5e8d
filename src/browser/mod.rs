//! Small owned browser primitives the rest of the app builds on: timers that
//! clear themselves on drop, the clocks, random bytes, the clipboard, local
//! storage and the page address. Each is a thin typed call into the browser;
//! none of them decides anything or imports leptos.

pub mod clipboard;
pub mod location;
pub mod notification;
mod notify;
pub mod playback;
pub mod pwa;
pub mod share;
pub mod storage;
mod timer;

pub use clipboard::ClipboardError;
pub use notify::Notify;
pub use storage::StorageError;
pub use timer::{Deadline, Interval, Timeout};

/// Milliseconds since the Unix epoch, from `Date.now()` (wall clock: for
/// timestamps people read; use [`now`] to measure time).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The monotonic clock for `peerlink-core`, from `performance.now()`: it
/// never jumps when the wall clock is set. Falls back to `Date.now()` where
/// there is no `performance` (never in the browsers peerlink supports).
pub fn now() -> peerlink_core::Instant {
    let ms = web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now);
    peerlink_core::Instant::from_millis(ms.max(0.0) as u64)
}

/// Milliseconds from now until `at` (zero if it has passed), for timers.
pub fn millis_until(at: peerlink_core::Instant) -> u32 {
    u32::try_from(at.since(now()).as_millis()).unwrap_or(u32::MAX)
}

/// Fills `bytes` from `crypto.getRandomValues`; falls back to `Math.random`
/// where WebCrypto is missing (insecure contexts still need peer ids).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok())
        .unwrap_or(false);
    if !filled {
        for byte in bytes.iter_mut() {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// A uniform random number in [0, 1).
pub fn random_unit() -> f64 {
    js_sys::Math::random()
}

/// The DOMException name (`NotAllowedError`, …) or message of a JS error
/// value, for typed errors that keep what the browser said.
pub fn js_error_name(value: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    if let Some(exception) = value.dyn_ref::<web_sys::DomException>() {
        return exception.name();
    }
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        let name: String = error.name().into();
        let message: String = error.message().into();
        return if message.is_empty() {
            name
        } else {
            format!("{name}: {message}")
        };
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
