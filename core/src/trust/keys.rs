//! What a room secret is used for, each key from HKDF-SHA256 with its own
//! label, and the DTLS fingerprints read from applied descriptions. Sealing
//! itself (AES-GCM) runs in WebCrypto; this module only derives and reads.

use hkdf::Hkdf;
use sha2::Sha256;

/// Keys of one private room, derived from its secret.
#[derive(Clone)]
pub struct RoomKeys {
    secret: Vec<u8>,
}

impl std::fmt::Debug for RoomKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RoomKeys(…)")
    }
}

impl RoomKeys {
    pub fn new(secret: &[u8]) -> RoomKeys {
        RoomKeys {
            secret: secret.to_vec(),
        }
    }

    /// 32 bytes for `label` (HKDF-SHA256, no salt, `info` = the label).
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's 8160-byte limit.
        let _ = Hkdf::<Sha256>::new(None, &self.secret).expand(label.as_bytes(), &mut out);
        out
    }

    /// The key that proves, after DTLS, that both ends hold the secret.
    pub fn confirm_key(&self) -> [u8; 32] {
        self.derive("peerlink/v1/confirm")
    }

    /// The AES-GCM-256 key that seals envelopes.
    pub fn seal_key(&self) -> [u8; 32] {
        self.derive("peerlink/v1/seal")
    }

    /// The relay topic of the room: derived from the secret, so the relay
    /// cannot find room names by brute force.
    pub fn topic(&self) -> String {
        super::to_hex(&self.derive("peerlink/v1/topic"))
    }
}

/// The `a=fingerprint:` values of an SDP blob (lowercased, deduplicated,
/// sorted), e.g. `sha-256 ab:cd:…`.
pub fn fingerprints(sdp: &str) -> Vec<String> {
    let mut found: Vec<String> = sdp
        .lines()
        .filter_map(|l| l.trim_end().strip_prefix("a=fingerprint:"))
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_separate_per_label_and_per_secret() {
        let a = RoomKeys::new(b"secret one");
        let b = RoomKeys::new(b"secret two");
        assert_ne!(a.confirm_key(), a.seal_key());
        assert_ne!(a.confirm_key(), b.confirm_key());
        assert_eq!(a.topic().len(), 64);
        assert_eq!(a.topic(), RoomKeys::new(b"secret one").topic());
    }

    #[test]
    fn hkdf_matches_rfc_5869_test_case_3() {
        // RFC 5869 A.3: IKM = 22 × 0x0b, no salt, no info; first 32 bytes of OKM.
        let keys = RoomKeys::new(&[0x0b; 22]);
        assert_eq!(
            crate::trust::to_hex(&keys.derive("")),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
        );
    }

    #[test]
    fn fingerprints_are_read_normalised() {
        let sdp =
            "v=0\r\na=fingerprint:sha-256 AB:CD\r\nm=audio\r\na=fingerprint:sha-256 ab:cd\r\n";
        assert_eq!(fingerprints(sdp), vec!["sha-256 ab:cd".to_string()]);
        assert!(fingerprints("v=0\r\n").is_empty());
    }
}
