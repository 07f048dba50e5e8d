//! Key confirmation: honest peers verify; a relay in the middle, a reflected
//! proof, a wrong secret or silence never do.

use proptest::prelude::*;

use super::*;
use crate::test_support::{at, fp, id};
use crate::trust::to_hex;

fn pair(secret: &[u8]) -> (Confirmation, Confirmation) {
    let keys = RoomKeys::new(secret);
    (
        Confirmation::new(&keys, id(1), id(2)),
        Confirmation::new(&keys, id(2), id(1)),
    )
}

#[test]
fn honest_peers_verify_each_other() {
    let (mut a, mut b) = pair(b"room secret");
    let pa = a.start(&fp("aa"), &fp("bb"), at(0));
    let pb = b.start(&fp("bb"), &fp("aa"), at(0));
    a.receive(&pb);
    b.receive(&pa);
    assert_eq!(a.state(), ConfirmationState::Verified);
    assert_eq!(b.state(), ConfirmationState::Verified);
}

#[test]
fn a_proof_that_came_early_is_checked_once_dtls_is_up() {
    let (mut a, mut b) = pair(b"room secret");
    let pb = b.start(&fp("bb"), &fp("aa"), at(0));
    a.receive(&pb);
    assert_eq!(a.state(), ConfirmationState::Idle);
    a.start(&fp("aa"), &fp("bb"), at(5));
    assert_eq!(a.state(), ConfirmationState::Verified);
}

#[test]
fn a_relay_in_the_middle_is_detected_on_both_sides() {
    // The relay answered each side with its own DTLS certificate and relays
    // the proofs between the two legs.
    let (mut a, mut b) = pair(b"room secret");
    let pa = a.start(&fp("aa"), &fp("m1"), at(0));
    let pb = b.start(&fp("bb"), &fp("m2"), at(0));
    a.receive(&pb);
    b.receive(&pa);
    assert_eq!(a.state(), ConfirmationState::Mismatch);
    assert_eq!(b.state(), ConfirmationState::Mismatch);
}

#[test]
fn a_reflected_proof_does_not_pass() {
    let (mut a, _) = pair(b"room secret");
    let own = a.start(&fp("aa"), &fp("mm"), at(0));
    a.receive(&own);
    assert_eq!(a.state(), ConfirmationState::Mismatch);
}

#[test]
fn a_peer_without_the_secret_fails() {
    let keys = RoomKeys::new(b"room secret");
    let wrong = RoomKeys::new(b"guessed secret");
    let mut a = Confirmation::new(&keys, id(1), id(2));
    let mut b = Confirmation::new(&wrong, id(2), id(1));
    a.start(&fp("aa"), &fp("bb"), at(0));
    let pb = b.start(&fp("bb"), &fp("aa"), at(0));
    a.receive(&pb);
    assert_eq!(a.state(), ConfirmationState::Mismatch);
}

#[test]
fn silence_fails_after_the_timeout() {
    let (mut a, _) = pair(b"room secret");
    a.start(&fp("aa"), &fp("bb"), at(1_000));
    assert_eq!(a.poll_timeout(), Some(at(11_000)));
    a.handle_timeout(at(10_999));
    assert!(matches!(a.state(), ConfirmationState::Waiting { .. }));
    a.handle_timeout(at(11_000));
    assert_eq!(a.state(), ConfirmationState::Silent);
}

#[test]
fn the_verdict_is_final() {
    let (mut a, mut b) = pair(b"room secret");
    let pb = b.start(&fp("bb"), &fp("aa"), at(0));
    a.start(&fp("aa"), &fp("bb"), at(0));
    a.receive(b"garbage");
    a.receive(&pb);
    assert_eq!(a.state(), ConfirmationState::Mismatch);
}

/// Computed independently with Python's hmac/hashlib (HKDF by hand per
/// RFC 5869): HMAC-SHA256(HKDF(b"0123456789abcdef", info
/// b"peerlink/v1/confirm"), b"peerlink/v1/confirm\n" + id(1) hex + "\n" +
/// id(2) hex + "\nsha-256 aa:bb\nsha-256 cc:dd").
#[test]
fn proof_vector() {
    let (mut a, _) = pair(b"0123456789abcdef");
    let proof = a.start(&fp("aa:bb"), &fp("cc:dd"), at(0));
    assert_eq!(to_hex(&proof), PROOF_VECTOR);
}

const PROOF_VECTOR: &str = "495309b04b7f039599ba0117ba709aa623e6ba20b713acc4c6d04ee7b4990e37";

proptest! {
    /// A relay that rewrites either fingerprint is always detected.
    #[test]
    fn any_rewritten_fingerprint_is_detected(
        real_a in "[0-9a-f]{8}", real_b in "[0-9a-f]{8}",
        seen_by_a in "[0-9a-f]{8}", seen_by_b in "[0-9a-f]{8}",
    ) {
        prop_assume!(seen_by_a != real_b || seen_by_b != real_a);
        let (mut a, mut b) = pair(b"room secret");
        let pa = a.start(&fp(&real_a), &fp(&seen_by_a), at(0));
        let pb = b.start(&fp(&real_b), &fp(&seen_by_b), at(0));
        a.receive(&pb);
        b.receive(&pa);
        prop_assert_eq!(a.state(), ConfirmationState::Mismatch);
        prop_assert_eq!(b.state(), ConfirmationState::Mismatch);
    }
}
