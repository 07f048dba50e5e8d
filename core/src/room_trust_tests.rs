//! The room side of trust: verdicts become actions, an intercepted session
//! is closed, and two rooms' rules talking to each other verify.

use super::*;
use crate::test_support::{at, fp, id};
use crate::RoomKeys;

fn private() -> TrustMode {
    TrustMode::Private(RoomKeys::new(b"0123456789abcdef"))
}

/// A room of `me` with a session to `peer`, connected, DTLS up.
fn connected(me: u8, peer: u8, mode: TrustMode, local: &str, remote: &str) -> RoomRules {
    let mut r = RoomRules::new(id(me), RoomConfig::default(), mode);
    r.peer_seen(id(peer), "p".into(), [me; 32], at(0));
    r.connection_state(id(peer), ConnectionState::Connected, at(1));
    r.control_open(id(peer), at(1));
    r.dtls_up(id(peer), fp(local), fp(remote), at(1));
    r
}

/// Delivers trust messages between two rooms until quiet; returns the
/// other actions each took.
fn talk(a: &mut RoomRules, b: &mut RoomRules) -> (Vec<RoomAction>, Vec<RoomAction>) {
    let (mut xa, mut xb) = (Vec::new(), Vec::new());
    for _ in 0..6 {
        while let Some(action) = a.poll_action() {
            match action {
                RoomAction::SendTrust { message, .. } => b.trust_message(id(1), message),
                other => xa.push(other),
            }
        }
        while let Some(action) = b.poll_action() {
            match action {
                RoomAction::SendTrust { message, .. } => a.trust_message(id(2), message),
                other => xb.push(other),
            }
        }
    }
    (xa, xb)
}

#[test]
fn private_room_sessions_verify() {
    let mut a = connected(1, 2, private(), "aa", "bb");
    let mut b = connected(2, 1, private(), "bb", "aa");
    let (xa, xb) = talk(&mut a, &mut b);
    assert!(xa.contains(&RoomAction::Verified(id(2))), "{xa:?}");
    assert!(xb.contains(&RoomAction::Verified(id(1))), "{xb:?}");
}

#[test]
fn an_intercepted_session_is_reported_and_closed() {
    let mut a = connected(1, 2, private(), "aa", "m1");
    let mut b = connected(2, 1, private(), "bb", "m2");
    let (xa, _) = talk(&mut a, &mut b);
    let intercepted = RoomAction::Intercepted {
        id: id(2),
        why: Interception::ProofMismatch,
    };
    let at_intercept = xa
        .iter()
        .position(|x| *x == intercepted)
        .expect("intercepted");
    assert_eq!(
        xa.get(at_intercept + 2),
        Some(&RoomAction::CloseSession(id(2)))
    );
    assert!(!a.is_established(id(2)) && a.peers().count() == 0);
}

#[test]
fn silence_closes_the_session_at_the_deadline() {
    let mut a = connected(1, 2, private(), "aa", "bb");
    while a.poll_action().is_some() {}
    let deadline = a.poll_timeout().expect("a deadline for the proof");
    a.handle_timeout(deadline);
    let actions: Vec<_> = std::iter::from_fn(|| a.poll_action()).collect();
    assert!(actions.contains(&RoomAction::Intercepted {
        id: id(2),
        why: Interception::NoProof
    }));
    assert_eq!(a.peers().count(), 0);
}

#[test]
fn public_rooms_show_a_code_and_verify_when_the_person_says_so() {
    let mut a = connected(1, 2, TrustMode::Public, "aa", "bb");
    let mut b = connected(2, 1, TrustMode::Public, "bb", "aa");
    let (xa, xb) = talk(&mut a, &mut b);
    let code = |xs: &[RoomAction]| {
        xs.iter().find_map(|x| match x {
            RoomAction::Code { code, .. } => Some(code.clone()),
            _ => None,
        })
    };
    assert!(code(&xa).is_some());
    assert_eq!(code(&xa), code(&xb));
    assert!(!xa.contains(&RoomAction::Verified(id(2))));
    a.codes_match(id(2));
    assert_eq!(a.poll_action(), Some(RoomAction::Verified(id(2))));
}
