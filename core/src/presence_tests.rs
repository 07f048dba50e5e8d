//! Table tests of presence: each filter, admission, hello schedule and expiry.

use super::*;
use crate::test_support::{at, id};

fn frame(from: PeerId, to: Option<PeerId>, seq: u64, signal: Signal) -> String {
    Envelope {
        from,
        to,
        seq,
        payload: Payload::Open(signal),
    }
    .encode()
}

fn hello(name: &str) -> Signal {
    Signal::Hello(HelloBody {
        name: name.into(),
        caps: vec![],
    })
}

fn presence() -> Presence {
    let mut p = Presence::new(id(1), PresenceConfig::new("me"), at(0));
    drain(&mut p);
    p
}

fn drain(p: &mut Presence) -> Vec<PresenceOutput> {
    std::iter::from_fn(|| p.poll_output()).collect()
}

fn published(outputs: &[PresenceOutput]) -> Vec<(Option<PeerId>, &'static str)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            PresenceOutput::Publish(e) => match &e.payload {
                Payload::Open(s) => Some((e.to, s.kind())),
                Payload::Sealed(_) => None,
            },
            _ => None,
        })
        .collect()
}

#[test]
fn joining_says_hello_and_a_newcomer_gets_one_straight_back() {
    let mut p = Presence::new(id(1), PresenceConfig::new("me"), at(0));
    assert_eq!(published(&drain(&mut p)), vec![(None, "hello")]);
    p.receive(&frame(id(2), None, 1, hello("bob")), at(10));
    let out = drain(&mut p);
    assert_eq!(published(&out), vec![(Some(id(2)), "hello")]);
    assert!(out.contains(&PresenceOutput::PeerSeen {
        id: id(2),
        name: "bob".into()
    }));
}

#[test]
fn bad_and_foreign_frames_are_counted_never_delivered() {
    let mut p = presence();
    p.receive("not json", at(1));
    p.receive(&"x".repeat(70 * 1024), at(1));
    p.receive(&frame(id(1), None, 1, hello("me")), at(1));
    p.receive(&frame(id(2), Some(id(3)), 1, hello("eve")), at(1));
    let text = frame(id(2), None, 1, hello("bob")).replace("\"v\":1", "\"v\":9");
    p.receive(&text, at(1));
    let drops = p.drops();
    assert_eq!(
        (
            drops.unparsable,
            drops.too_large,
            drops.own_echo,
            drops.not_for_us,
            drops.version
        ),
        (1, 1, 1, 1, 1)
    );
    assert!(drain(&mut p).is_empty());
}

#[test]
fn duplicates_of_from_and_seq_are_dropped() {
    let mut p = presence();
    let candidate = Signal::Candidate(peerlink_protocol::CandidateBody {
        candidate: None,
        sdp_mid: None,
        sdp_m_line_index: None,
        username_fragment: None,
    });
    p.receive(&frame(id(2), None, 1, hello("bob")), at(1));
    p.receive(&frame(id(2), Some(id(1)), 2, candidate.clone()), at(2));
    p.receive(&frame(id(2), Some(id(1)), 2, candidate), at(3));
    let signals = drain(&mut p)
        .into_iter()
        .filter(|o| matches!(o, PresenceOutput::Signal { .. }))
        .count();
    assert_eq!(signals, 1);
    assert_eq!(p.drops().duplicate, 1);
}

#[test]
fn new_ids_are_admitted_at_a_bounded_rate() {
    let mut config = PresenceConfig::new("me");
    config.admission_burst = 4.0;
    config.admissions_per_second = 1.0;
    let mut p = Presence::new(id(1), config, at(0));
    for n in 10..30 {
        p.receive(&frame(id(n), None, 1, hello("x")), at(0));
    }
    let seen = |p: &mut Presence| {
        drain(p)
            .into_iter()
            .filter(|o| matches!(o, PresenceOutput::PeerSeen { .. }))
            .count()
    };
    assert_eq!(seen(&mut p), 4);
    assert_eq!(p.drops().flood, 16);
    p.receive(&frame(id(40), None, 1, hello("late")), at(1_000));
    assert_eq!(seen(&mut p), 1, "one more a second later");
}

#[test]
fn a_new_name_in_a_hello_is_reported() {
    let mut p = presence();
    p.receive(&frame(id(2), None, 1, hello("bob")), at(1));
    drain(&mut p);
    p.receive(&frame(id(2), None, 2, hello("robert")), at(2));
    assert_eq!(
        drain(&mut p),
        vec![PresenceOutput::PeerSeen {
            id: id(2),
            name: "robert".into()
        }]
    );
}

#[test]
fn bye_ends_an_unconnected_peer_but_not_a_connected_one() {
    let mut p = presence();
    p.receive(&frame(id(2), None, 1, hello("bob")), at(1));
    p.receive(&frame(id(3), None, 1, hello("carol")), at(1));
    p.set_connected(id(3), true, at(2));
    drain(&mut p);
    p.receive(&frame(id(2), None, 2, Signal::Bye), at(3));
    p.receive(&frame(id(3), None, 2, Signal::Bye), at(3));
    assert_eq!(drain(&mut p), vec![PresenceOutput::PeerGone(id(2))]);
    assert_eq!(p.drops().ignored_bye, 1);
}

#[test]
fn hellos_repeat_and_silent_unconnected_peers_expire_after_three() {
    let mut p = presence();
    p.receive(&frame(id(2), None, 1, hello("bob")), at(0));
    p.receive(&frame(id(3), None, 1, hello("carol")), at(0));
    p.set_connected(id(3), true, at(0));
    drain(&mut p);
    assert_eq!(p.poll_timeout(), Some(at(5_000)));
    p.handle_timeout(at(4_999));
    assert!(drain(&mut p).is_empty(), "not due yet");
    let mut gone = Vec::new();
    for t in [5_000, 10_000, 15_000, 20_000] {
        p.handle_timeout(at(t));
        let out = drain(&mut p);
        assert_eq!(published(&out), vec![(None, "hello")], "a hello at {t}");
        gone.extend(
            out.into_iter()
                .filter(|o| matches!(o, PresenceOutput::PeerGone(_))),
        );
    }
    assert_eq!(gone, vec![PresenceOutput::PeerGone(id(2))]);
}

#[test]
fn leaving_says_bye_once_and_then_nothing() {
    let mut p = presence();
    p.leave();
    p.leave();
    p.relay_opened();
    p.send(id(2), Signal::Bye);
    p.handle_timeout(at(60_000));
    assert_eq!(published(&drain(&mut p)), vec![(None, "bye")]);
    assert_eq!(p.poll_timeout(), None);
}

#[test]
fn sealed_frames_are_dropped_until_a_key_can_open_them() {
    let mut p = presence();
    let sealed = Envelope {
        from: id(2),
        to: None,
        seq: 1,
        payload: Payload::Sealed("AAAA".into()),
    };
    p.receive(&sealed.encode(), at(1));
    assert_eq!(p.drops().sealed, 1);
}

fn private_presence() -> Presence {
    let config = PresenceConfig {
        sealed: true,
        ..PresenceConfig::new("me")
    };
    let mut p = Presence::new(id(1), config, at(0));
    drain(&mut p);
    p
}

fn sealed(from: PeerId, to: Option<PeerId>, seq: u64) -> Envelope {
    Envelope {
        from,
        to,
        seq,
        payload: Payload::Sealed("AAAA".into()),
    }
}

#[test]
fn a_private_room_drops_open_frames_and_opens_only_frames_for_us() {
    let mut p = private_presence();
    p.receive(&frame(id(2), None, 1, hello("bob")), at(1));
    assert_eq!(p.drops().unsealed, 1);
    assert!(drain(&mut p).is_empty(), "an open hello is not believed");
    p.receive(&sealed(id(1), None, 1).encode(), at(1));
    p.receive(&sealed(id(2), Some(id(3)), 2).encode(), at(1));
    assert!(
        drain(&mut p).is_empty(),
        "own echoes and others' frames are not decrypted"
    );
    p.receive(&sealed(id(2), None, 3).encode(), at(1));
    assert_eq!(
        drain(&mut p),
        vec![PresenceOutput::Open(sealed(id(2), None, 3))]
    );
}

#[test]
fn opened_envelopes_go_through_the_same_rules() {
    let mut p = private_presence();
    let opened = Envelope {
        from: id(2),
        to: None,
        seq: 1,
        payload: Payload::Open(hello("bob")),
    };
    p.receive_opened(opened.clone(), at(1));
    p.receive_opened(opened, at(2));
    let seen = drain(&mut p)
        .into_iter()
        .filter(|o| matches!(o, PresenceOutput::PeerSeen { .. }))
        .count();
    assert_eq!(seen, 1);
    assert_eq!(
        p.drops().duplicate,
        1,
        "a replayed sealed frame is a duplicate"
    );
    p.count_unopenable();
    assert_eq!(p.drops().unopenable, 1);
}
