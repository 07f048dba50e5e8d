//! A room typed by name with a password: its secret is
//! PBKDF2-SHA256(password, salt = the name's public topic, 600 000
//! iterations) in WebCrypto, so a relay that sees the topic cannot test
//! passwords cheaply. The result is used like a private link's secret.

use js_sys::{Array, Uint8Array};
use peerlink_protocol::topic_for_room;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, Pbkdf2Params};

use super::SealError;
use crate::browser::js_error_name;

/// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
pub const PBKDF2_ITERATIONS: u32 = 600_000;

/// The 32-byte secret of room `name` with `password`.
pub async fn password_secret(name: &str, password: &str) -> Result<Vec<u8>, SealError> {
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or(SealError::NoCrypto)?
        .subtle();
    let usages = Array::of1(&"deriveBits".into());
    let password = Uint8Array::from(password.as_bytes());
    let base = subtle
        .import_key_with_str("raw", &password, "PBKDF2", false, &usages)
        .map_err(|e| SealError::Import(js_error_name(&e)))?;
    let base: CryptoKey = JsFuture::from(base)
        .await
        .map_err(|e| SealError::Import(js_error_name(&e)))?
        .unchecked_into();
    let salt = Uint8Array::from(topic_for_room(name).as_bytes());
    let params = Pbkdf2Params::new_with_str("PBKDF2", "SHA-256", PBKDF2_ITERATIONS, &salt);
    let bits = subtle
        .derive_bits_with_object(&params, &base, 256)
        .map_err(|e| SealError::Import(js_error_name(&e)))?;
    let bits = JsFuture::from(bits)
        .await
        .map_err(|e| SealError::Import(js_error_name(&e)))?;
    Ok(Uint8Array::new(&bits).to_vec())
}
