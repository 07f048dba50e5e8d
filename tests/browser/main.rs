//! Browser tests of the app crate, run by wasm-bindgen-test in headless
//! Chromium (or Firefox) with fake media devices.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod app;
mod diagnosis;
mod foundation;
mod launch;
mod pair;
mod peer;
mod room;
mod sealed;
mod signaling;
mod support;
mod transfer;
mod transfer_batch;
mod transfer_resume;
mod transfer_space;
mod transfer_worker;
mod trust;
