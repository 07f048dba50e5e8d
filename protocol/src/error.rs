//! The one error type every decoder in this crate returns.

/// Why bytes from the network were not accepted. Each variant names the rule
/// that was broken, so counters and logs can say which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("message is {size} bytes, over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("unknown message type {0:?}")]
    UnknownType(String),
    #[error("missing field {0:?}")]
    MissingField(&'static str),
    #[error("field {field:?} is invalid: {reason}")]
    InvalidField { field: &'static str, reason: String },
    #[error("unsupported protocol version {0}")]
    UnsupportedVersion(u64),
}

impl DecodeError {
    /// A short stable label for metrics (`reason="json"` …).
    pub fn label(&self) -> &'static str {
        match self {
            DecodeError::TooLarge { .. } => "too_large",
            DecodeError::Json(_) => "json",
            DecodeError::UnknownType(_) => "unknown_type",
            DecodeError::MissingField(_) => "missing_field",
            DecodeError::InvalidField { .. } => "invalid_field",
            DecodeError::UnsupportedVersion(_) => "version",
        }
    }

    pub(crate) fn json(err: serde_json::Error) -> Self {
        DecodeError::Json(err.to_string())
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        DecodeError::InvalidField {
            field,
            reason: reason.into(),
        }
    }
}

/// Rejects input over `limit` bytes before any parsing happens.
pub(crate) fn check_size(len: usize, limit: usize) -> Result<(), DecodeError> {
    if len > limit {
        Err(DecodeError::TooLarge { size: len, limit })
    } else {
        Ok(())
    }
}
