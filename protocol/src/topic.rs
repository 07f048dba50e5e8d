//! Topic names: the relay sees `hex(SHA-256("peerlink/v1/" + room))`, never a room name.

use sha2::{Digest, Sha256};

/// A pub/sub topic name as it travels on the wire.
pub type Topic = String;

/// Derives the relay topic for a room, so the relay never learns room names.
pub fn topic_for_room(room: &str) -> Topic {
    let digest = Sha256::digest(format!("peerlink/v1/{room}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_is_sha256_hex_of_prefixed_room() {
        // printf 'peerlink/v1/room1' | sha256sum
        assert_eq!(
            topic_for_room("room1"),
            "e3a383fa4438481f7afda1eba20dcad9cdf0bc4bc87c40cb388bef7bb44a00bd"
        );
        assert_ne!(topic_for_room("room1"), topic_for_room("room2"));
    }
}
