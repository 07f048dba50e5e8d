//! `setTimeout` / `setInterval` as owned values: dropping one clears it, so a
//! timer can never call into something that is gone.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A one-shot timer; cleared if dropped before it fires.
pub struct Timeout {
    id: Option<i32>,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    pub fn new(ms: u32, callback: impl FnOnce() + 'static) -> Timeout {
        let mut callback = Some(callback);
        let closure = Closure::<dyn FnMut()>::new(move || {
            if let Some(callback) = callback.take() {
                callback();
            }
        });
        let id = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                closure.as_ref().unchecked_ref(),
                ms.min(i32::MAX as u32) as i32,
            )
            .ok()
        });
        Timeout {
            id,
            _callback: closure,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.id, web_sys::window()) {
            window.clear_timeout_with_handle(id);
        }
    }
}

/// A repeating timer; cleared when dropped.
pub struct Interval {
    id: Option<i32>,
    _callback: Closure<dyn FnMut()>,
}

impl Interval {
    pub fn new(ms: u32, callback: impl FnMut() + 'static) -> Interval {
        let closure = Closure::<dyn FnMut()>::new(callback);
        let id = web_sys::window().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(
                closure.as_ref().unchecked_ref(),
                ms.min(i32::MAX as u32) as i32,
            )
            .ok()
        });
        Interval {
            id,
            _callback: closure,
        }
    }
}

impl Drop for Interval {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.id, web_sys::window()) {
            window.clear_interval_with_handle(id);
        }
    }
}
