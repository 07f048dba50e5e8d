//! Sealed envelopes for private rooms: AES-GCM-256 in WebCrypto over the
//! signal (`{kind, body}`), the envelope header (`v`, `from`, `to`, `seq`) as
//! associated data, a fresh 96-bit IV per envelope. The key comes from the
//! room secret (core/src/trust/keys.rs); this module owns only the
//! `CryptoKey` and the calls.

use js_sys::{Array, Uint8Array};
use peerlink_core::base64url;
use peerlink_protocol::{Envelope, Payload, Signal};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, CryptoKey, SubtleCrypto};

use crate::browser::{js_error_name, random_bytes};

const IV_BYTES: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("WebCrypto is not available (it needs a secure context)")]
    NoCrypto,
    #[error("importing the room key failed: {0}")]
    Import(String),
    #[error("sealing failed: {0}")]
    Seal(String),
    /// Tampered, forged, from another room, or not base64url: dropped.
    #[error("the envelope does not open")]
    Open,
}

/// The room's sealing key, imported once.
#[derive(Clone)]
pub struct Sealer {
    subtle: SubtleCrypto,
    key: CryptoKey,
}

fn subtle() -> Result<SubtleCrypto, SealError> {
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or(SealError::NoCrypto)?;
    Ok(crypto.subtle())
}

impl Sealer {
    pub async fn new(raw_key: &[u8; 32]) -> Result<Sealer, SealError> {
        let subtle = subtle()?;
        let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
        let data = Uint8Array::from(&raw_key[..]);
        let promise = subtle
            .import_key_with_str("raw", &data, "AES-GCM", false, &usages)
            .map_err(|e| SealError::Import(js_error_name(&e)))?;
        let key = JsFuture::from(promise)
            .await
            .map_err(|e| SealError::Import(js_error_name(&e)))?
            .unchecked_into::<CryptoKey>();
        Ok(Sealer { subtle, key })
    }

    /// Seals an open envelope (a sealed one is returned as it is).
    pub async fn seal(&self, envelope: Envelope) -> Result<Envelope, SealError> {
        let Payload::Open(signal) = &envelope.payload else {
            return Ok(envelope);
        };
        let mut iv = random_bytes::<IV_BYTES>();
        let params = self.params(&mut iv, &envelope);
        let plain = Uint8Array::from(signal.encode_sealable().as_bytes());
        let promise = self
            .subtle
            .encrypt_with_object_and_buffer_source(&params, &self.key, &plain)
            .map_err(|e| SealError::Seal(js_error_name(&e)))?;
        let sealed = JsFuture::from(promise)
            .await
            .map_err(|e| SealError::Seal(js_error_name(&e)))?;
        let mut bytes = iv.to_vec();
        bytes.extend(Uint8Array::new(&sealed).to_vec());
        Ok(Envelope {
            payload: Payload::Sealed(base64url::encode(&bytes)),
            ..envelope
        })
    }

    /// Opens a sealed envelope; anything that does not open is an error.
    pub async fn open(&self, envelope: Envelope) -> Result<Envelope, SealError> {
        let Payload::Sealed(text) = &envelope.payload else {
            return Err(SealError::Open);
        };
        let bytes = base64url::decode(text).ok_or(SealError::Open)?;
        if bytes.len() <= IV_BYTES {
            return Err(SealError::Open);
        }
        let mut iv = [0u8; IV_BYTES];
        iv.copy_from_slice(&bytes[..IV_BYTES]);
        let params = self.params(&mut iv, &envelope);
        let sealed = Uint8Array::from(&bytes[IV_BYTES..]);
        let promise = self
            .subtle
            .decrypt_with_object_and_buffer_source(&params, &self.key, &sealed)
            .map_err(|_| SealError::Open)?;
        let plain = JsFuture::from(promise).await.map_err(|_| SealError::Open)?;
        let text =
            String::from_utf8(Uint8Array::new(&plain).to_vec()).map_err(|_| SealError::Open)?;
        let signal = Signal::decode_sealable(&text).map_err(|_| SealError::Open)?;
        Ok(Envelope {
            payload: Payload::Open(signal),
            ..envelope
        })
    }

    fn params(&self, iv: &mut [u8; IV_BYTES], envelope: &Envelope) -> AesGcmParams {
        let params = AesGcmParams::new_with_u8_slice("AES-GCM", iv);
        let associated = Uint8Array::from(envelope.associated_data().as_bytes());
        params.set_additional_data_u8_array(&associated);
        params
    }
}
