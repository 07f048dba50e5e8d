//! The facts a session collects for naming a failed step are real: local
//! candidates by type, remote candidates received, TURN configured or not.

use peerlink_core::{diagnose, ConnectFailure};
use peerlink_protocol::Signal;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::pair::Pair;
use crate::support::{sleep, wait_until};

#[wasm_bindgen_test]
async fn a_connected_pair_counted_its_candidates() {
    let pair = Pair::new(Vec::new(), Vec::new(), false);
    wait_until("the pair connects", 20_000, || pair.both_connected()).await;
    let facts = pair.a.session().connect_facts(true);
    assert!(
        facts.local.host > 0,
        "host candidates on loopback: {facts:?}"
    );
    assert!(facts.remote_candidates > 0, "{facts:?}");
    assert!(!facts.turn_configured);
    assert_eq!(diagnose(&facts), ConnectFailure::NoTurnFallback);
}

#[wasm_bindgen_test]
async fn a_peer_whose_candidates_never_arrive_is_named() {
    // A's signals are held; only its descriptions get through.
    let pair = Pair::new(Vec::new(), Vec::new(), true);
    wait_until("A gathered", 10_000, || {
        pair.a.session().connect_facts(true).local.total() > 0
    })
    .await;
    let held: Vec<Signal> = pair.a.out.held.borrow_mut().drain(..).collect();
    for signal in held
        .into_iter()
        .filter(|s| matches!(s, Signal::Description(_)))
    {
        pair.b.session().handle_signal(signal);
    }
    sleep(500).await;
    let facts = pair.b.session().connect_facts(true);
    assert_eq!(facts.remote_candidates, 0, "{facts:?}");
    assert!(facts.local.total() > 0);
    assert_eq!(diagnose(&facts), ConnectFailure::NoRemoteCandidates);
}
