//! What a room link names: a private room by its secret (`#s/<base64url>`,
//! ≥ 128 bits, never sent to any server since it lives in the fragment) or
//! a public room by its name (`#<name>`). Parsing only; no I/O.

use super::base64url;

/// Fewest secret bytes a private room link may carry.
pub const MIN_SECRET_BYTES: usize = 16;
const PRIVATE_PREFIX: &str = "s/";

#[derive(Clone, PartialEq, Eq)]
pub enum RoomRef {
    /// Sealed signaling, key confirmation; the link is the key.
    Private { secret: Vec<u8> },
    /// Open signaling; people compare codes to rule out a man in the middle.
    Public { name: String },
}

impl std::fmt::Debug for RoomRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RoomRef::Private { .. } => f.write_str("RoomRef::Private(…)"),
            RoomRef::Public { name } => write!(f, "RoomRef::Public({name:?})"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomRefError {
    /// `#s/…` whose secret is not base64url or shorter than 128 bits.
    BadSecret,
}

impl RoomRef {
    /// Reads a URL fragment (without `#`, already percent-decoded).
    /// `Ok(None)` for an empty fragment.
    pub fn parse(fragment: &str) -> Result<Option<RoomRef>, RoomRefError> {
        let fragment = fragment.trim();
        if fragment.is_empty() {
            return Ok(None);
        }
        match fragment.strip_prefix(PRIVATE_PREFIX) {
            Some(secret) => match base64url::decode(secret) {
                Some(secret) if secret.len() >= MIN_SECRET_BYTES => {
                    Ok(Some(RoomRef::Private { secret }))
                }
                _ => Err(RoomRefError::BadSecret),
            },
            None => Ok(Some(RoomRef::Public {
                name: fragment.to_string(),
            })),
        }
    }

    /// The fragment that names this room (without `#`; a public name may
    /// still need percent-encoding).
    pub fn fragment(&self) -> String {
        match self {
            RoomRef::Private { secret } => format!("{PRIVATE_PREFIX}{}", base64url::encode(secret)),
            RoomRef::Public { name } => name.clone(),
        }
    }

    /// A short label to show: the public name, or a fingerprint of the
    /// secret that gives nothing away.
    pub fn label(&self) -> String {
        match self {
            RoomRef::Private { secret } => {
                let topic = super::RoomKeys::new(secret).derive("peerlink/v1/label");
                super::to_hex(&topic[..3])
            }
            RoomRef::Public { name } => name.clone(),
        }
    }

    pub fn secret(&self) -> Option<&[u8]> {
        match self {
            RoomRef::Private { secret } => Some(secret),
            RoomRef::Public { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_links_round_trip_and_public_names_pass_through() {
        let private = RoomRef::Private {
            secret: vec![7; 16],
        };
        assert_eq!(
            RoomRef::parse(&private.fragment()),
            Ok(Some(private.clone()))
        );
        assert_eq!(
            RoomRef::parse("team-standup"),
            Ok(Some(RoomRef::Public {
                name: "team-standup".into()
            }))
        );
        assert_eq!(RoomRef::parse(""), Ok(None));
    }

    #[test]
    fn short_or_malformed_secrets_are_refused() {
        let short = format!("s/{}", base64url::encode(&[1; 15]));
        assert_eq!(RoomRef::parse(&short), Err(RoomRefError::BadSecret));
        assert_eq!(
            RoomRef::parse("s/not base64!"),
            Err(RoomRefError::BadSecret)
        );
    }

    #[test]
    fn the_label_does_not_reveal_the_secret() {
        let room = RoomRef::Private {
            secret: vec![9; 16],
        };
        assert_eq!(room.label().len(), 6);
        assert!(!room.fragment().contains(&room.label()));
        assert!(format!("{room:?}").contains('…'));
    }
}
