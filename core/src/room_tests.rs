//! Tests of the room rules: a table of single rules, and a property test
//! feeding arbitrary relay traffic through presence into the room.

use peerlink_protocol::{CandidateBody, DescriptionBody, Envelope, HelloBody, Payload, SdpKind};
use proptest::prelude::*;

use super::*;
use crate::test_support::{at, id};
use crate::{Presence, PresenceConfig, PresenceOutput, TrustMode};

fn drain(r: &mut RoomRules) -> Vec<RoomAction> {
    std::iter::from_fn(|| r.poll_action()).collect()
}

fn candidate() -> Signal {
    Signal::Candidate(CandidateBody {
        candidate: None,
        sdp_mid: None,
        sdp_m_line_index: None,
        username_fragment: None,
    })
}

fn room() -> RoomRules {
    RoomRules::new(id(5), RoomConfig::default(), TrustMode::Public)
}

#[test]
fn the_larger_id_opens_and_the_smaller_is_polite() {
    let mut r = room();
    r.peer_seen(id(9), "nine".into(), [0; 32], at(0));
    r.peer_seen(id(2), "two".into(), [0; 32], at(0));
    let roles: Vec<_> = drain(&mut r)
        .into_iter()
        .filter_map(|a| match a {
            RoomAction::OpenSession { id, role, .. } => Some((id, role)),
            _ => None,
        })
        .collect();
    assert_eq!(roles, vec![(id(9), Role::Polite), (id(2), Role::Impolite)]);
}

#[test]
fn a_full_room_says_so_at_most_every_ten_seconds() {
    let config = RoomConfig {
        max_sessions: 1,
        ..RoomConfig::default()
    };
    let mut r = RoomRules::new(id(5), config, TrustMode::Public);
    r.peer_seen(id(6), "a".into(), [0; 32], at(0));
    drain(&mut r);
    for (n, t) in [(7, 0), (8, 5_000), (9, 10_000)] {
        r.peer_seen(id(n), "x".into(), [0; 32], at(t));
    }
    let actions = drain(&mut r);
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == RoomAction::RoomFull)
            .count(),
        2
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| matches!(a, RoomAction::Forget(_)))
            .count(),
        3
    );
    assert_eq!(r.peers().count(), 1);
}

#[test]
fn an_unconnected_session_is_dropped_at_the_connect_timeout() {
    let mut r = room();
    r.peer_seen(id(6), "a".into(), [0; 32], at(0));
    drain(&mut r);
    assert_eq!(r.poll_timeout(), Some(at(30_000)));
    r.handle_timeout(at(29_999));
    assert!(drain(&mut r).is_empty());
    r.handle_timeout(at(30_000));
    assert_eq!(
        drain(&mut r),
        vec![
            RoomAction::GaveUp(id(6)),
            RoomAction::Forget(id(6)),
            RoomAction::CloseSession(id(6))
        ]
    );
}

#[test]
fn connecting_cancels_the_timeout_and_failure_starts_a_grace() {
    let mut r = room();
    r.peer_seen(id(6), "a".into(), [0; 32], at(0));
    r.connection_state(id(6), ConnectionState::Connected, at(1_000));
    assert!(drain(&mut r).contains(&RoomAction::MarkConnected(id(6))));
    assert_eq!(r.poll_timeout(), None);
    r.connection_state(id(6), ConnectionState::Failed, at(2_000));
    assert_eq!(r.poll_timeout(), Some(at(22_000)));
    r.connection_state(id(6), ConnectionState::Connected, at(3_000));
    r.handle_timeout(at(60_000));
    assert!(r.is_established(id(6)), "recovered by ICE restart");
}

#[test]
fn bye_through_the_relay_only_ends_unconnected_sessions() {
    let mut r = room();
    r.peer_seen(id(6), "a".into(), [0; 32], at(0));
    r.peer_seen(id(7), "b".into(), [0; 32], at(0));
    r.connection_state(id(7), ConnectionState::Connected, at(1));
    drain(&mut r);
    r.peer_gone(id(6));
    r.peer_gone(id(7));
    assert_eq!(r.peers().collect::<Vec<_>>(), vec![id(7)]);
    r.goodbye(id(7));
    assert_eq!(r.peers().count(), 0, "a goodbye in-band ends it");
}

#[test]
fn the_control_channel_closing_ends_a_connected_session() {
    let mut r = room();
    r.peer_seen(id(6), "a".into(), [0; 32], at(0));
    r.control_closed(id(6));
    assert_eq!(
        r.peers().count(),
        1,
        "not connected yet: the timeout decides"
    );
    r.connection_state(id(6), ConnectionState::Connected, at(1));
    r.control_closed(id(6));
    assert_eq!(r.peers().count(), 0);
}

#[test]
fn relay_signals_stop_once_the_link_negotiates_in_band() {
    let mut r = room();
    r.peer_seen(id(6), "a".into(), [0; 32], at(0));
    drain(&mut r);
    assert_eq!(r.route(id(6)), Route::Relay);
    r.control_open(id(6), at(1_000));
    r.ice_state(id(6), IceConnectionState::Connected);
    assert_eq!(r.route(id(6)), Route::InBand);
    r.relay_signal(id(6), candidate(), at(2_000));
    assert_eq!(drain(&mut r).len(), 1, "within the grace: still delivered");
    r.relay_signal(id(6), candidate(), at(2_501));
    assert!(drain(&mut r).is_empty());
    assert_eq!(r.ignored_relay_signals(), 1);
    r.ice_state(id(6), IceConnectionState::Disconnected);
    r.relay_signal(id(6), candidate(), at(3_000));
    assert_eq!(
        drain(&mut r).len(),
        1,
        "link down: the relay carries the restart"
    );
}

#[test]
fn names_change_through_the_relay_only_before_connecting() {
    let mut r = room();
    r.peer_seen(id(6), "a".into(), [0; 32], at(0));
    r.peer_seen(id(6), "b".into(), [0; 32], at(1));
    r.connection_state(id(6), ConnectionState::Connected, at(2));
    r.peer_seen(id(6), "mallory".into(), [0; 32], at(3));
    assert_eq!(r.name(id(6)), Some("b"));
    r.named_in_band(id(6), "bob".into());
    assert_eq!(r.name(id(6)), Some("bob"));
}

/// What a hostile relay may send: anything, claiming to be anyone.
#[derive(Debug, Clone)]
enum Forged {
    Hello(u8, String),
    Bye(u8),
    Offer(u8),
    Candidate(u8),
    Garbage(String),
    Replay(u8, u64),
    Wait(u16),
}

fn forged() -> impl Strategy<Value = Forged> {
    prop_oneof![
        (0u8..4, "[a-z]{0,8}").prop_map(|(n, s)| Forged::Hello(n, s)),
        (0u8..4).prop_map(Forged::Bye),
        (0u8..4).prop_map(Forged::Offer),
        (0u8..4).prop_map(Forged::Candidate),
        ".{0,40}".prop_map(Forged::Garbage),
        (0u8..4, 0u64..8).prop_map(|(n, s)| Forged::Replay(n, s)),
        any::<u16>().prop_map(Forged::Wait),
    ]
}

fn envelope(from: PeerId, to: Option<PeerId>, seq: u64, signal: Signal) -> String {
    Envelope {
        from,
        to,
        seq,
        payload: Payload::Open(signal),
    }
    .encode()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No sequence of relay messages removes or renames a connected peer.
    #[test]
    fn the_relay_cannot_end_or_rename_a_connected_peer(script in proptest::collection::vec(forged(), 0..120)) {
        let me = id(5);
        let friend = id(10);
        let mut presence = Presence::new(me, PresenceConfig::new("me"), at(0));
        let mut room = RoomRules::new(me, RoomConfig::default(), TrustMode::Public);
        let mut now = at(0);
        let mut seq = 100;
        presence.receive(&envelope(friend, None, 1, Signal::Hello(HelloBody { name: "friend".into(), caps: vec![] })), now);
        pump(&mut presence, &mut room, now);
        room.connection_state(friend, ConnectionState::Connected, now);
        room.control_open(friend, now);
        room.ice_state(friend, IceConnectionState::Connected);
        pump(&mut presence, &mut room, now);
        // Past the crossing grace: the link negotiates in-band only.
        now = at(2_000);

        for step in script {
            seq += 1;
            // Ids 10..14: the friend itself and three strangers.
            let who = |n: u8| id(10 + n);
            let text = match step {
                Forged::Hello(n, name) => envelope(who(n), None, seq, Signal::Hello(HelloBody { name, caps: vec![] })),
                Forged::Bye(n) => envelope(who(n), None, seq, Signal::Bye),
                Forged::Offer(n) => envelope(who(n), Some(me), seq, Signal::Description(DescriptionBody { kind: SdpKind::Offer, sdp: "v=0".into() })),
                Forged::Candidate(n) => envelope(who(n), Some(me), seq, candidate()),
                Forged::Garbage(text) => text,
                Forged::Replay(n, s) => envelope(who(n), None, s, Signal::Bye),
                Forged::Wait(ms) => {
                    now = now + std::time::Duration::from_millis(u64::from(ms) * 4);
                    presence.handle_timeout(now);
                    room.handle_timeout(now);
                    String::new()
                }
            };
            presence.receive(&text, now);
            let actions = pump(&mut presence, &mut room, now);
            prop_assert!(!actions.contains(&RoomAction::CloseSession(friend)));
            let renamed = actions.iter().any(|a| matches!(a, RoomAction::Renamed { id, .. } if *id == friend));
            let delivered = actions.iter().any(|a| matches!(a, RoomAction::Deliver { to, .. } if *to == friend));
            prop_assert!(!renamed, "renamed by the relay");
            prop_assert!(!delivered, "a relay signal reached the live session");
            prop_assert_eq!(room.name(friend), Some("friend"));
        }
        prop_assert!(room.is_established(friend));
    }
}

/// Routes presence outputs into the room, as `src/room/` does; returns what
/// the room decided.
fn pump(presence: &mut Presence, room: &mut RoomRules, now: Instant) -> Vec<RoomAction> {
    let mut actions = Vec::new();
    loop {
        while let Some(output) = presence.poll_output() {
            match output {
                PresenceOutput::PeerSeen { id, name } => room.peer_seen(id, name, [0; 32], now),
                PresenceOutput::PeerGone(id) => room.peer_gone(id),
                PresenceOutput::Signal { from, signal } => room.relay_signal(from, signal, now),
                PresenceOutput::Publish(_) | PresenceOutput::Open(_) => {}
            }
        }
        let Some(action) = room.poll_action() else {
            break;
        };
        match &action {
            RoomAction::Forget(id) => presence.forget(*id),
            RoomAction::MarkConnected(id) => presence.set_connected(*id, true, now),
            _ => {}
        }
        actions.push(action);
    }
    actions
}

#[test]
fn connecting_sessions_have_a_cap_of_their_own() {
    let mut r = room();
    for n in 20..30 {
        r.peer_seen(id(n), "fake".into(), [0; 32], at(0));
    }
    assert_eq!(
        r.peers().count(),
        4,
        "fake hellos fill only the connecting slots"
    );
    r.connection_state(id(20), ConnectionState::Connected, at(1));
    r.peer_seen(id(40), "real".into(), [0; 32], at(2));
    assert!(
        r.peers().any(|p| p == id(40)),
        "a slot freed by connecting is taken"
    );
    r.handle_timeout(at(30_000));
    let mut left: Vec<_> = r.peers().collect();
    left.sort();
    assert_eq!(left, vec![id(20), id(40)], "the fakes timed out");
    r.peer_seen(id(41), "later".into(), [0; 32], at(30_001));
    assert!(
        r.peers().any(|p| p == id(41)),
        "after the timeout the fakes are gone"
    );
}
