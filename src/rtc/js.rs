//! The few browser calls web-sys does not bind (argument-less
//! `setLocalDescription`, `restartIce`) and string-valued properties, all
//! through `Reflect` in this one place. Nothing else in the app may use
//! `Reflect` for a call web-sys binds.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Reads a string property (`connectionState`, `signalingState`, …).
pub fn string_prop(target: &JsValue, name: &str) -> String {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Sets a string property (a dictionary member web-sys's enabled features
/// do not cover, such as `iceTransportPolicy`).
pub fn set_string_prop(target: &JsValue, name: &str, value: &str) -> Result<(), JsValue> {
    Reflect::set(target, &JsValue::from_str(name), &JsValue::from_str(value)).map(drop)
}

/// Calls `target[name]()` and awaits the promise it returns, if any.
pub async fn call0(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(target, &JsValue::from_str(name))?.dyn_into()?;
    let result = function.call0(target)?;
    match result.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}
