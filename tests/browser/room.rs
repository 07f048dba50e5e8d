//! The room under a hostile relay: a flood of fake hellos is capped ("room
//! full"), never-connecting sessions are dropped after the connect timeout,
//! and two real rooms still connect and chat.

use std::cell::RefCell;
use std::rc::Rc;

use peerlink::room::{Room, RoomEvent, RoomOptions};
use peerlink::rtc::IceConfig;
use peerlink_protocol::{topic_for_room, Envelope, HelloBody, Payload, PeerId, Signal};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::signaling::{relay_url, unique_room};
use crate::support::{publish_raw, raw_publisher, sleep, wait_until};

struct Joined {
    room: Room,
    events: Rc<RefCell<Vec<RoomEvent>>>,
}

fn join(room: &str, name: &str, tweak: impl FnOnce(&mut RoomOptions)) -> Joined {
    let mut options = RoomOptions::new(relay_url(), room, name, IceConfig::host_only());
    tweak(&mut options);
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    let room = Room::join(options, Vec::new(), move |e| sink.borrow_mut().push(e)).expect("joins");
    Joined { room, events }
}

impl Joined {
    fn count(&self, f: impl Fn(&RoomEvent) -> bool) -> usize {
        self.events.borrow().iter().filter(|e| f(e)).count()
    }

    fn connected_to(&self, id: PeerId) -> bool {
        self.events
            .borrow()
            .iter()
            .any(|e| matches!(e, RoomEvent::PeerState { id: p, state } if *p == id && *state == peerlink_core::ConnectionState::Connected))
    }
}

#[wasm_bindgen_test]
async fn fake_hellos_are_capped_and_dropped_while_real_peers_connect() {
    let name = unique_room("flood");
    let alice = join(&name, "alice", |o| {
        o.rules.max_sessions = 4;
        o.rules.connect_timeout = std::time::Duration::from_secs(3);
    });
    let bob = join(&name, "bob", |_| {});
    let (a, b) = (alice.room.me(), bob.room.me());
    wait_until("alice and bob connect", 20_000, || {
        alice.connected_to(b) && bob.connected_to(a)
    })
    .await;

    let topic = topic_for_room(&name);
    let raw = raw_publisher(&topic).await;
    for i in 0..50u32 {
        let mut bytes = [0xEEu8; 16];
        bytes[..4].copy_from_slice(&i.to_be_bytes());
        let hello = Envelope {
            from: PeerId::from_bytes(bytes),
            to: None,
            seq: 1,
            payload: Payload::Open(Signal::Hello(HelloBody {
                name: format!("fake{i}"),
                caps: vec![],
            })),
        };
        publish_raw(&raw, &topic, &hello.encode());
    }
    wait_until("room full is reported", 5_000, || {
        alice.count(|e| matches!(e, RoomEvent::RoomFull)) > 0
    })
    .await;
    assert!(
        alice.room.peers().len() <= 4,
        "at most max_sessions sessions: {}",
        alice.room.peers().len()
    );
    // The fakes never connect: after the connect timeout only bob is left.
    wait_until("fake sessions dropped", 10_000, || {
        alice.room.peers() == vec![b]
    })
    .await;
    assert!(alice.connected_to(b));
    // And the real pair still talks.
    sleep(200).await;
    alice.room.send_chat("still here").expect("chat");
    wait_until("bob hears alice", 5_000, || {
        bob.count(|e| matches!(e, RoomEvent::Chat { message, .. } if message.text == "still here"))
            > 0
    })
    .await;
    raw.close().ok();
}

#[wasm_bindgen_test]
async fn a_leaving_peer_is_gone_at_once_and_a_forged_bye_is_ignored() {
    let name = unique_room("leave");
    let alice = join(&name, "alice", |_| {});
    let bob = join(&name, "bob", |_| {});
    let carol = join(&name, "carol", |_| {});
    let (a, b, c) = (alice.room.me(), bob.room.me(), carol.room.me());
    wait_until("mesh of three", 20_000, || {
        alice.connected_to(b) && alice.connected_to(c) && bob.connected_to(c)
    })
    .await;
    // Past the in-band grace: from now on the relay cannot speak for bob.
    sleep(2_000).await;
    // A bye and a candidate in bob's name through the relay: ignored.
    let topic = topic_for_room(&name);
    let raw = raw_publisher(&topic).await;
    let bye = Envelope {
        from: b,
        to: None,
        seq: u64::MAX / 2,
        payload: Payload::Open(Signal::Bye),
    };
    publish_raw(&raw, &topic, &bye.encode());
    let candidate = Envelope {
        from: b,
        to: Some(a),
        seq: u64::MAX / 2 + 1,
        payload: Payload::Open(Signal::Candidate(peerlink_protocol::CandidateBody {
            candidate: Some("candidate:9 1 udp 1 10.255.255.9 9 typ host".into()),
            sdp_mid: Some("0".into()),
            sdp_m_line_index: Some(0),
            username_fragment: None,
        })),
    };
    publish_raw(&raw, &topic, &candidate.encode());
    wait_until("alice counted the forgeries", 5_000, || {
        alice.room.signaling_drops().ignored_bye >= 1 && alice.room.ignored_relay_signals() >= 1
    })
    .await;
    assert!(
        alice.room.peers().contains(&b),
        "a forged bye does not drop a connected peer"
    );
    // Carol really leaves: goodbye on the control channel, gone at once.
    carol.room.leave();
    wait_until("carol's departure is seen", 5_000, || {
        !alice.room.peers().contains(&c) && !bob.room.peers().contains(&c)
    })
    .await;
    assert!(alice.count(|e| matches!(e, RoomEvent::PeerLeft(id) if *id == c)) == 1);
    raw.close().ok();
}

#[wasm_bindgen_test]
async fn a_chat_id_repeated_by_a_peer_is_shown_once() {
    let name = unique_room("chat-dup");
    let alice = join(&name, "alice", |_| {});
    let bob = join(&name, "bob", |_| {});
    let (a, b) = (alice.room.me(), bob.room.me());
    let chat_open = |joined: &Joined, peer: PeerId| {
        joined
            .room
            .session(peer)
            .is_some_and(|s| s.is_channel_open(peerlink::rtc::ChannelKind::Chat))
    };
    wait_until("chat channels open", 20_000, || {
        chat_open(&alice, b) && chat_open(&bob, a)
    })
    .await;
    let session = alice.room.session(b).expect("alice's session with bob");
    for text in ["first", "second with the same id"] {
        let message = peerlink_protocol::ChannelMessage::Chat(peerlink_protocol::ChatMessage {
            id: "same".into(),
            text: text.into(),
            ts: 1.0,
        });
        session
            .send(peerlink::rtc::ChannelKind::Chat, &message)
            .expect("sends");
    }
    alice.room.send_chat("a fresh one").expect("sends");
    let chats = || bob.count(|e| matches!(e, RoomEvent::Chat { .. }));
    wait_until("bob gets the fresh message", 5_000, || chats() >= 2).await;
    sleep(300).await;
    assert_eq!(chats(), 2, "the repeated id is dropped");
}
