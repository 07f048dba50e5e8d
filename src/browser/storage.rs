//! Small string values kept in `localStorage` (settings that outlive a call).
//! It stores and reads text only; it must not parse or validate what it keeps.

/// Why a value could not be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// No `localStorage` here (disabled, private mode in some browsers).
    #[error("local storage is not available")]
    Unavailable,
    /// The browser refused the write (`QuotaExceededError`, …).
    #[error("local storage refused the write: {0}")]
    Refused(String),
}

fn local_storage() -> Result<web_sys::Storage, StorageError> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or(StorageError::Unavailable)
}

/// The value saved under `key`, if any.
pub fn load(key: &str) -> Option<String> {
    local_storage().ok()?.get_item(key).ok()?
}

/// Saves `value` under `key`; an empty (blank) value removes the key.
pub fn save(key: &str, value: &str) -> Result<(), StorageError> {
    let storage = local_storage()?;
    let result = if value.trim().is_empty() {
        storage.remove_item(key)
    } else {
        storage.set_item(key, value)
    };
    result.map_err(|e| StorageError::Refused(super::js_error_name(&e)))
}
