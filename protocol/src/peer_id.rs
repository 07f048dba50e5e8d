//! Peer identity: 128 random bits as 32 lowercase hex digits, new per page load.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DecodeError;

/// A peer's id. Ordering is the numeric order of the 128-bit value (fixed
/// width hex compares like the number), which decides politeness: the smaller
/// id is polite, the larger one opens the connection.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeerId(u128);

impl PeerId {
    /// Builds an id from 16 random bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        PeerId(u128::from_be_bytes(bytes))
    }

    /// Parses exactly 32 lowercase hex digits.
    pub fn parse(text: &str) -> Result<Self, DecodeError> {
        let valid = text.len() == 32
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(DecodeError::invalid(
                "peer id",
                "expected 32 lowercase hex digits",
            ));
        }
        u128::from_str_radix(text, 16)
            .map(PeerId)
            .map_err(|e| DecodeError::invalid("peer id", e.to_string()))
    }

    /// The first 8 hex digits, for logs and fallback display names.
    pub fn short(&self) -> String {
        self.to_string()[..8].to_string()
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Debug for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PeerId({})", self.short())
    }
}

impl Serialize for PeerId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PeerId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        PeerId::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_orders_numerically() {
        let small = PeerId::from_bytes([0; 16]);
        let mut big_bytes = [0; 16];
        big_bytes[0] = 0xff;
        let big = PeerId::from_bytes(big_bytes);
        assert!(small < big);
        assert_eq!(PeerId::parse(&big.to_string()), Ok(big));
        assert_eq!(big.to_string().len(), 32);
    }

    #[test]
    fn rejects_uppercase_short_and_signed() {
        assert!(PeerId::parse("ABCDEF0123456789abcdef0123456789").is_err());
        assert!(PeerId::parse("abc").is_err());
        assert!(PeerId::parse("+bcdef0123456789abcdef012345678").is_err());
    }
}
