//! Trust per session: both modes between honest peers, and through a man in
//! the middle who bridges two sessions with his own DTLS certificates.

use super::*;
use crate::test_support::{at, fp, id};

fn private() -> TrustMode {
    TrustMode::Private(RoomKeys::new(b"the room secret!"))
}

/// Passes messages both ways until quiet; returns each side's verdicts.
fn run(a: &mut PeerTrust, b: &mut PeerTrust) -> (Vec<TrustAction>, Vec<TrustAction>) {
    let (mut va, mut vb) = (Vec::new(), Vec::new());
    for _ in 0..6 {
        while let Some(action) = a.poll_action() {
            match action {
                TrustAction::Send(m) => b.receive(m),
                verdict => va.push(verdict),
            }
        }
        while let Some(action) = b.poll_action() {
            match action {
                TrustAction::Send(m) => a.receive(m),
                verdict => vb.push(verdict),
            }
        }
    }
    (va, vb)
}

fn up(t: &mut PeerTrust, local: &str, remote: &str) {
    t.control_open(at(0));
    t.dtls_up(fp(local), fp(remote), at(0));
}

#[test]
fn nothing_starts_before_dtls_and_the_control_channel() {
    let mut a = PeerTrust::new(private(), id(1), id(2), [1; 32]);
    a.control_open(at(0));
    assert_eq!(a.poll_action(), None);
    a.dtls_up(fp("aa"), fp("bb"), at(0));
    assert!(matches!(
        a.poll_action(),
        Some(TrustAction::Send(TrustMessage::Confirm(_)))
    ));
}

#[test]
fn private_room_peers_verify_each_other_even_if_one_proof_comes_early() {
    let mut a = PeerTrust::new(private(), id(1), id(2), [1; 32]);
    let mut b = PeerTrust::new(private(), id(2), id(1), [2; 32]);
    up(&mut b, "bb", "aa");
    let (_, _) = run(&mut a, &mut b); // b's proof reaches a before a is up
    up(&mut a, "aa", "bb");
    let (va, vb) = run(&mut a, &mut b);
    assert_eq!(va, vec![TrustAction::Verified]);
    assert_eq!(vb, vec![TrustAction::Verified]);
}

#[test]
fn a_bridging_man_in_the_middle_is_intercepted_on_both_sides() {
    // M holds no secret; it forwards the control messages between its two legs.
    let mut a = PeerTrust::new(private(), id(1), id(2), [1; 32]);
    let mut b = PeerTrust::new(private(), id(2), id(1), [2; 32]);
    up(&mut a, "aa", "m1");
    up(&mut b, "bb", "m2");
    let (va, vb) = run(&mut a, &mut b);
    assert_eq!(
        va,
        vec![TrustAction::Intercepted(Interception::ProofMismatch)]
    );
    assert_eq!(
        vb,
        vec![TrustAction::Intercepted(Interception::ProofMismatch)]
    );
}

#[test]
fn a_silent_peer_is_intercepted_after_the_timeout() {
    let mut a = PeerTrust::new(private(), id(1), id(2), [1; 32]);
    up(&mut a, "aa", "bb");
    let deadline = a.poll_timeout().expect("waits for a proof");
    a.handle_timeout(deadline);
    let verdicts: Vec<_> = std::iter::from_fn(|| a.poll_action())
        .filter(|x| !matches!(x, TrustAction::Send(_)))
        .collect();
    assert_eq!(
        verdicts,
        vec![TrustAction::Intercepted(Interception::NoProof)]
    );
}

#[test]
fn public_room_peers_get_the_same_code_and_a_bridge_gets_two() {
    let mut a = PeerTrust::new(TrustMode::Public, id(1), id(2), [1; 32]);
    let mut b = PeerTrust::new(TrustMode::Public, id(2), id(1), [2; 32]);
    up(&mut a, "aa", "bb");
    up(&mut b, "bb", "aa");
    let (va, vb) = run(&mut a, &mut b);
    assert!(matches!(va[..], [TrustAction::Code(_)]));
    assert_eq!(va, vb);

    let mut a = PeerTrust::new(TrustMode::Public, id(1), id(2), [1; 32]);
    let mut m1 = PeerTrust::new(TrustMode::Public, id(2), id(1), [3; 32]);
    let mut b = PeerTrust::new(TrustMode::Public, id(2), id(1), [2; 32]);
    let mut m2 = PeerTrust::new(TrustMode::Public, id(1), id(2), [4; 32]);
    up(&mut a, "aa", "m1");
    up(&mut m1, "m1", "aa");
    up(&mut b, "bb", "m2");
    up(&mut m2, "m2", "bb");
    let (ca, _) = run(&mut a, &mut m1);
    let (cb, _) = run(&mut b, &mut m2);
    assert_ne!(ca, cb);
}
