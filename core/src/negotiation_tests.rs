//! Tests of perfect negotiation: a table of single rules, then two machines
//! negotiating through a model of `RTCPeerConnection`'s JSEP states with
//! random interleavings, duplicates and replays.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::negotiation_model::{assert_converged, candidate, description, run};

fn offer(version: u64) -> Signal {
    Signal::Description(description(SdpKind::Offer, "r", version, &BTreeSet::new()))
}

fn answer(version: u64) -> Signal {
    Signal::Description(description(SdpKind::Answer, "r", version, &BTreeSet::new()))
}

fn drain(n: &mut Negotiation) -> Vec<NegotiationAction> {
    std::iter::from_fn(|| n.poll_action()).collect()
}

#[test]
fn impolite_side_starts_at_once_polite_side_waits_for_an_offer() {
    let mut impolite = Negotiation::new(Role::Impolite);
    assert_eq!(drain(&mut impolite), vec![NegotiationAction::Start]);
    let mut polite = Negotiation::new(Role::Polite);
    assert_eq!(drain(&mut polite), vec![]);
    assert!(!polite.started());
}

#[test]
fn polite_side_attaches_between_the_remote_offer_and_its_answer() {
    let mut n = Negotiation::new(Role::Polite);
    n.remote_signal(offer(1));
    let set = drain(&mut n);
    assert!(matches!(
        set[..],
        [NegotiationAction::SetRemoteDescription(_)]
    ));
    n.remote_description_set(Ok(()), SignalingState::HaveRemoteOffer);
    assert_eq!(
        drain(&mut n),
        vec![
            NegotiationAction::Start,
            NegotiationAction::SetLocalDescription
        ]
    );
    let local = description(SdpKind::Answer, "l", 1, &BTreeSet::new());
    n.local_description_set(Ok(Some(local.clone())), SignalingState::Stable);
    assert_eq!(
        drain(&mut n),
        vec![NegotiationAction::Send(Signal::Description(local))]
    );
}

#[test]
fn early_candidates_wait_for_the_description_and_keep_their_order() {
    let mut n = Negotiation::new(Role::Polite);
    n.remote_signal(candidate(1));
    n.remote_signal(candidate(2));
    assert_eq!(drain(&mut n), vec![], "nothing to add before a description");
    n.remote_signal(offer(1));
    drain(&mut n);
    n.remote_description_set(Ok(()), SignalingState::HaveRemoteOffer);
    let mut added = Vec::new();
    while let Some(action) = n.poll_action() {
        match action {
            NegotiationAction::AddCandidate(c) => {
                added.push(c.candidate.unwrap_or_default());
                n.candidate_added(Ok(()));
            }
            NegotiationAction::SetLocalDescription => {
                n.local_description_set(Ok(None), SignalingState::Stable)
            }
            _ => {}
        }
    }
    assert_eq!(added.len(), 2);
    assert!(added[0].starts_with("candidate:1 ") && added[1].starts_with("candidate:2 "));
}

#[test]
fn early_candidates_are_capped() {
    let mut n = Negotiation::new(Role::Polite);
    for i in 0..(MAX_EARLY_CANDIDATES as u32 + 10) {
        n.remote_signal(candidate(i));
    }
    drain(&mut n);
    assert_eq!(n.drops().overflow, 10);
}

#[test]
fn operations_run_one_at_a_time_in_arrival_order() {
    let mut n = Negotiation::new(Role::Polite);
    n.remote_signal(offer(1));
    n.remote_signal(candidate(1));
    assert!(matches!(
        drain(&mut n)[..],
        [NegotiationAction::SetRemoteDescription(_)]
    ));
    assert_eq!(
        n.poll_action(),
        None,
        "the candidate waits for the description"
    );
}

#[test]
fn impolite_side_ignores_a_colliding_offer_and_its_failing_candidates() {
    let mut n = Negotiation::new(Role::Impolite);
    n.negotiation_needed();
    assert_eq!(
        drain(&mut n),
        vec![
            NegotiationAction::Start,
            NegotiationAction::SetLocalDescription
        ]
    );
    n.local_description_set(Ok(None), SignalingState::HaveLocalOffer);
    n.remote_signal(offer(1));
    n.remote_signal(candidate(1));
    // The description was never applied, but an earlier one may have been:
    // pretend the browser has one so the candidate is tried.
    n.has_remote_description = true;
    let actions = drain(&mut n);
    assert!(matches!(actions[..], [NegotiationAction::AddCandidate(_)]));
    n.candidate_added(Err("OperationError".into()));
    assert_eq!(
        drain(&mut n),
        vec![],
        "no error reported for the ignored offer"
    );
    assert_eq!(n.drops().colliding_offers, 1);
}

#[test]
fn polite_side_takes_the_colliding_offer() {
    let mut n = Negotiation::new(Role::Polite);
    n.started = true;
    n.negotiation_needed();
    drain(&mut n);
    n.local_description_set(Ok(None), SignalingState::HaveLocalOffer);
    n.remote_signal(offer(1));
    assert!(matches!(
        drain(&mut n)[..],
        [NegotiationAction::SetRemoteDescription(_)]
    ));
}

#[test]
fn stale_answers_and_replayed_descriptions_are_dropped() {
    let mut n = Negotiation::new(Role::Polite);
    n.remote_signal(answer(1));
    assert_eq!(drain(&mut n), vec![]);
    assert_eq!(n.drops().stale_answers, 1);

    n.remote_signal(offer(3));
    drain(&mut n);
    n.remote_description_set(Ok(()), SignalingState::HaveRemoteOffer);
    drain(&mut n);
    n.local_description_set(Ok(None), SignalingState::Stable);
    n.remote_signal(offer(3));
    n.remote_signal(offer(2));
    assert_eq!(drain(&mut n), vec![]);
    assert_eq!(n.drops().stale_descriptions, 2);
}

#[test]
fn an_offer_is_only_made_from_stable() {
    let mut n = Negotiation::new(Role::Polite);
    n.signaling = SignalingState::HaveLocalOffer;
    n.negotiation_needed();
    assert_eq!(drain(&mut n), vec![]);
}

#[test]
fn failures_are_reported_and_negotiation_goes_on() {
    let mut n = Negotiation::new(Role::Polite);
    n.remote_signal(offer(1));
    n.remote_signal(candidate(1));
    drain(&mut n);
    n.remote_description_set(Err("InvalidAccessError".into()), SignalingState::Stable);
    assert_eq!(
        drain(&mut n),
        vec![NegotiationAction::Report(
            NegotiationError::SetRemoteDescription("InvalidAccessError".into())
        )]
    );
    assert_eq!(n.drops().overflow, 0);
}

#[test]
fn a_plain_call_converges() {
    let (a, b) = run(&[]);
    assert_converged(&a, &b);
}

#[test]
fn glare_converges() {
    // Both sides add a track and offer before either hears the other.
    let script = [
        (6, 0),
        (6, 1),
        (0, 0),
        (0, 0),
        (2, 0),
        (2, 0),
        (2, 0),
        (0, 0),
    ];
    let (a, b) = run(&script);
    assert_converged(&a, &b);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any interleaving of delivery, processing, new tracks on either side
    /// and replayed signals ends with both sides stable and each receiving
    /// every track the other sends.
    #[test]
    fn any_interleaving_converges(script in proptest::collection::vec((any::<u8>(), any::<u8>()), 0..160)) {
        let (a, b) = run(&script);
        assert_converged(&a, &b);
    }
}
