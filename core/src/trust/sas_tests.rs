//! SAS: honest peers see the same code; the commit-then-reveal order is
//! enforced; a man in the middle ends up with two different codes.

use proptest::prelude::*;

use super::*;
use crate::test_support::id;

fn fps(a: &str, b: &str) -> Vec<String> {
    vec![format!("sha-256 {a}"), format!("sha-256 {b}")]
}

/// Runs the exchange between two sides until both are quiet.
fn exchange(a: &mut Sas, b: &mut Sas) {
    for _ in 0..4 {
        while let Some(m) = a.poll_message() {
            b.receive(m);
        }
        while let Some(m) = b.poll_message() {
            a.receive(m);
        }
    }
}

fn code(sas: &Sas) -> Option<String> {
    match sas.state() {
        SasState::Ready(code) => Some(code.clone()),
        _ => None,
    }
}

#[test]
fn honest_peers_see_the_same_six_digits() {
    let mut a = Sas::new(id(1), id(2), [7; 32], fps("aa", "bb"));
    let mut b = Sas::new(id(2), id(1), [9; 32], fps("bb", "aa"));
    exchange(&mut a, &mut b);
    let (ca, cb) = (
        code(&a).expect("a has a code"),
        code(&b).expect("b has a code"),
    );
    assert_eq!(ca, cb);
    assert_eq!(ca.len(), 7);
    assert!(ca.chars().enumerate().all(|(i, c)| if i == 3 {
        c == ' '
    } else {
        c.is_ascii_digit()
    }));
}

#[test]
fn the_nonce_is_revealed_only_after_their_commitment() {
    let mut a = Sas::new(id(1), id(2), [7; 32], fps("aa", "bb"));
    assert!(matches!(a.poll_message(), Some(SasMessage::Commit(_))));
    assert_eq!(a.poll_message(), None, "no reveal before their commitment");
    a.receive(SasMessage::Commit([0; 32]));
    assert_eq!(a.poll_message(), Some(SasMessage::Reveal([7; 32])));
}

#[test]
fn a_reveal_before_the_commitment_fails() {
    let mut a = Sas::new(id(1), id(2), [7; 32], fps("aa", "bb"));
    a.receive(SasMessage::Reveal([9; 32]));
    assert_eq!(a.state(), &SasState::Failed(SasError::RevealBeforeCommit));
}

#[test]
fn a_reveal_that_does_not_match_its_commitment_fails() {
    let mut a = Sas::new(id(1), id(2), [7; 32], fps("aa", "bb"));
    let mut b = Sas::new(id(2), id(1), [9; 32], fps("bb", "aa"));
    let Some(commit) = b.poll_message() else {
        panic!("b commits")
    };
    a.receive(commit);
    a.receive(SasMessage::Reveal([8; 32]));
    assert_eq!(a.state(), &SasState::Failed(SasError::CommitMismatch));
}

#[test]
fn repeated_messages_fail() {
    let mut a = Sas::new(id(1), id(2), [7; 32], fps("aa", "bb"));
    a.receive(SasMessage::Commit([1; 32]));
    a.receive(SasMessage::Commit([2; 32]));
    assert_eq!(a.state(), &SasState::Failed(SasError::Repeated));
}

/// Computed independently with Python's hashlib: the SHA-256 of
/// `peerlink/v1/sas\n`, each sorted fingerprint and a newline, the nonce of
/// the smaller id, the other nonce; its first four bytes big-endian mod 10⁶.
#[test]
fn code_vector() {
    let mut a = Sas::new(id(1), id(2), [7; 32], fps("aa", "bb"));
    let mut b = Sas::new(id(2), id(1), [9; 32], fps("bb", "aa"));
    exchange(&mut a, &mut b);
    assert_eq!(code(&a).as_deref(), Some(CODE_VECTOR));
}

const CODE_VECTOR: &str = "062 097";

proptest! {
    /// A man in the middle runs one exchange with each side (with its own
    /// certificates and nonces): the two codes differ.
    #[test]
    fn a_man_in_the_middle_gets_two_different_codes(
        na in any::<[u8; 32]>(), nb in any::<[u8; 32]>(),
        m1 in any::<[u8; 32]>(), m2 in any::<[u8; 32]>(),
    ) {
        let mut a = Sas::new(id(1), id(2), na, fps("aa", "m1"));
        let mut ma = Sas::new(id(2), id(1), m1, fps("m1", "aa"));
        let mut b = Sas::new(id(2), id(1), nb, fps("bb", "m2"));
        let mut mb = Sas::new(id(1), id(2), m2, fps("m2", "bb"));
        exchange(&mut a, &mut ma);
        exchange(&mut b, &mut mb);
        prop_assert_ne!(code(&a), code(&b));
    }
}
