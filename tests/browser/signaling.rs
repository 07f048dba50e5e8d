//! The signaling client against a live peerlink-relay that `make test`
//! starts (PEERLINK_TEST_RELAY), including a real restart of that relay.

use std::cell::RefCell;
use std::rc::Rc;

use peerlink::signaling::{Presence, PresenceEvent, PresenceOptions, RelayState};
use peerlink_protocol::{
    topic_for_room, CandidateBody, Envelope, HelloBody, Payload, PeerId, Signal,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{publish_raw, raw_publisher, sleep, wait_until};

pub fn relay_url() -> &'static str {
    match option_env!("PEERLINK_TEST_RELAY") {
        Some(url) => url,
        None => panic!("PEERLINK_TEST_RELAY names the test relay (make test sets it)"),
    }
}

pub fn unique_room(label: &str) -> String {
    format!(
        "{label}-{}",
        PeerId::from_bytes(peerlink::browser::random_bytes::<16>()).short()
    )
}

/// A presence plus everything it reported.
pub struct Member {
    pub presence: Presence,
    pub events: Rc<RefCell<Vec<PresenceEvent>>>,
}

impl Member {
    pub fn join(room: &str, name: &str) -> Member {
        let events = Rc::new(RefCell::new(Vec::new()));
        let sink = events.clone();
        let presence = Presence::join(
            PresenceOptions::new(relay_url(), room, name),
            move |event| sink.borrow_mut().push(event),
        )
        .expect("joins");
        Member { presence, events }
    }

    pub fn saw(&self, id: PeerId) -> Option<String> {
        self.events.borrow().iter().find_map(|e| match e {
            PresenceEvent::PeerSeen { id: seen, name } if *seen == id => Some(name.clone()),
            _ => None,
        })
    }

    pub fn signals_from(&self, id: PeerId) -> Vec<Signal> {
        self.events
            .borrow()
            .iter()
            .filter_map(|e| match e {
                PresenceEvent::Signal { from, signal } if *from == id => Some(signal.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn relay_states(&self) -> Vec<RelayState> {
        self.events
            .borrow()
            .iter()
            .filter_map(|e| match e {
                PresenceEvent::Relay(state) => Some(*state),
                _ => None,
            })
            .collect()
    }
}

fn candidate(text: &str) -> Signal {
    Signal::Candidate(CandidateBody {
        candidate: Some(text.to_string()),
        sdp_mid: Some("0".into()),
        sdp_m_line_index: Some(0),
        username_fragment: None,
    })
}

#[wasm_bindgen_test]
async fn two_clients_in_a_room_see_each_others_hello() {
    let room = unique_room("hello");
    let alice = Member::join(&room, "alice");
    let bob = Member::join(&room, "bob");
    wait_until("both see each other", 10_000, || {
        alice.saw(bob.presence.me()).is_some() && bob.saw(alice.presence.me()).is_some()
    })
    .await;
    assert_eq!(alice.saw(bob.presence.me()).as_deref(), Some("bob"));
    assert_eq!(bob.saw(alice.presence.me()).as_deref(), Some("alice"));
    assert_eq!(alice.presence.relay_state(), RelayState::Open);
    // Someone in another room is never seen.
    let stranger = Member::join(&unique_room("other"), "carol");
    sleep(1_000).await;
    assert!(alice.saw(stranger.presence.me()).is_none());
    assert!(stranger.saw(alice.presence.me()).is_none());
}

#[wasm_bindgen_test]
async fn a_directed_frame_reaches_only_its_target() {
    let room = unique_room("directed");
    let alice = Member::join(&room, "alice");
    let bob = Member::join(&room, "bob");
    let carol = Member::join(&room, "carol");
    let (a, b, c) = (alice.presence.me(), bob.presence.me(), carol.presence.me());
    wait_until("all three see each other", 10_000, || {
        alice.saw(b).is_some()
            && alice.saw(c).is_some()
            && bob.saw(a).is_some()
            && carol.saw(a).is_some()
    })
    .await;
    let before = carol.presence.drops().not_for_us;
    alice
        .presence
        .send(b, candidate("candidate:1 1 udp 1 127.0.0.1 9 typ host"));
    wait_until("bob gets alice's candidate", 5_000, || {
        !bob.signals_from(a).is_empty()
    })
    .await;
    assert_eq!(
        bob.signals_from(a),
        vec![candidate("candidate:1 1 udp 1 127.0.0.1 9 typ host")]
    );
    wait_until("carol drops the frame addressed to bob", 5_000, || {
        carol.presence.drops().not_for_us > before
    })
    .await;
    assert!(carol.signals_from(a).is_empty());
}

/// Publishes raw frames into a room's topic, as a hostile client would.
async fn raw_room_publisher(room: &str) -> web_sys::WebSocket {
    raw_publisher(&topic_for_room(room)).await
}

fn publish_to_room(socket: &web_sys::WebSocket, room: &str, data: &str) {
    publish_raw(socket, &topic_for_room(room), data);
}

#[wasm_bindgen_test]
async fn bad_foreign_and_duplicate_frames_are_counted_not_fatal() {
    let room = unique_room("hostile");
    let alice = Member::join(&room, "alice");
    let bob = Member::join(&room, "bob");
    let b = bob.presence.me();
    wait_until("alice sees bob", 10_000, || alice.saw(b).is_some()).await;
    let raw = raw_room_publisher(&room).await;

    publish_to_room(&raw, &room, r#""not an envelope""#);
    publish_to_room(
        &raw,
        &room,
        r#"{"v":2,"from":"00000000000000000000000000000001","to":null,"seq":1,"kind":"bye","body":{}}"#,
    );
    // The same frame twice: the second is a duplicate.
    let forged = Envelope {
        from: PeerId::from_bytes([7; 16]),
        to: None,
        seq: 42,
        payload: Payload::Open(Signal::Hello(HelloBody {
            name: "mallory".into(),
            caps: vec![],
        })),
    };
    publish_to_room(&raw, &room, &forged.encode());
    publish_to_room(&raw, &room, &forged.encode());
    wait_until("alice counted them", 5_000, || {
        let d = alice.presence.drops();
        d.unparsable >= 1 && d.version >= 1 && d.duplicate >= 1
    })
    .await;
    // Still working afterwards.
    bob.presence.send(
        alice.presence.me(),
        candidate("candidate:2 1 udp 1 127.0.0.1 9 typ host"),
    );
    wait_until("alice still hears bob", 5_000, || {
        !alice.signals_from(b).is_empty()
    })
    .await;
    assert!(
        alice.presence.drops().own_echo >= 1,
        "alice's own hellos come back and are dropped"
    );
    raw.close().ok();
}

async fn restart_relay() {
    let control = match option_env!("PEERLINK_TEST_RELAY_CONTROL") {
        Some(url) => url,
        None => {
            panic!("PEERLINK_TEST_RELAY_CONTROL names the relay control server (make test sets it)")
        }
    };
    let window = web_sys::window().expect("window");
    let response = JsFuture::from(window.fetch_with_str(&format!("{control}/restart")))
        .await
        .expect("restart request");
    let response: web_sys::Response = response.unchecked_into();
    assert_eq!(
        response.status(),
        200,
        "the control server restarted the relay"
    );
}

#[wasm_bindgen_test]
async fn clients_reconnect_and_meet_again_after_the_relay_restarts() {
    let room = unique_room("restart");
    let alice = Member::join(&room, "alice");
    let bob = Member::join(&room, "bob");
    let (a, b) = (alice.presence.me(), bob.presence.me());
    wait_until("both see each other", 10_000, || {
        alice.saw(b).is_some() && bob.saw(a).is_some()
    })
    .await;
    // Bob forgets alice, so seeing her again proves a fresh hello got through.
    bob.presence.forget(a);
    bob.events.borrow_mut().clear();

    restart_relay().await;
    wait_until("both reconnect", 20_000, || {
        let back = |m: &Member| {
            let states = m.relay_states();
            states.contains(&RelayState::Closed) && m.presence.relay_state() == RelayState::Open
        };
        back(&alice) && back(&bob)
    })
    .await;
    wait_until("bob sees alice again", 15_000, || bob.saw(a).is_some()).await;
    alice
        .presence
        .send(b, candidate("candidate:3 1 udp 1 127.0.0.1 9 typ host"));
    wait_until("directed frames flow again", 5_000, || {
        !bob.signals_from(a).is_empty()
    })
    .await;
}

pub fn broadcast_relay_url() -> &'static str {
    match option_env!("PEERLINK_TEST_BROADCAST_RELAY") {
        Some(url) => url,
        None => panic!(
            "PEERLINK_TEST_BROADCAST_RELAY names a plain broadcast relay (make test starts one)"
        ),
    }
}

fn join_at(relay: &str, room: &str, name: &str) -> Member {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    let presence = Presence::join(PresenceOptions::new(relay, room, name), move |event| {
        sink.borrow_mut().push(event)
    })
    .expect("joins");
    Member { presence, events }
}

#[wasm_bindgen_test]
async fn works_unchanged_against_a_plain_broadcast_relay() {
    let relay = broadcast_relay_url();
    let room = unique_room("broadcast");
    let alice = join_at(relay, &room, "alice");
    let bob = join_at(relay, &room, "bob");
    let carol = join_at(relay, &unique_room("elsewhere"), "carol");
    let (a, b) = (alice.presence.me(), bob.presence.me());
    wait_until("alice and bob meet", 10_000, || {
        alice.saw(b).is_some() && bob.saw(a).is_some()
    })
    .await;
    alice
        .presence
        .send(b, candidate("candidate:4 1 udp 1 127.0.0.1 9 typ host"));
    wait_until("bob gets the directed frame", 5_000, || {
        !bob.signals_from(a).is_empty()
    })
    .await;
    sleep(500).await;
    // Carol hears everything on the wire but filters by topic.
    assert!(carol.saw(a).is_none() && carol.saw(b).is_none());
    assert!(carol.signals_from(a).is_empty());
    assert_eq!(
        carol.presence.drops().unparsable,
        0,
        "echoed subscribe frames are ignored, not counted as bad"
    );
}
