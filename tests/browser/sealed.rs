//! Private rooms against the live test relay: members with the room secret
//! meet through sealed envelopes on a topic derived from the secret; open,
//! tampered, re-addressed and replayed frames are dropped and counted.

use std::cell::RefCell;
use std::rc::Rc;

use peerlink::signaling::{Presence, PresenceEvent, PresenceOptions, Sealer};
use peerlink_core::RoomKeys;
use peerlink_protocol::{Envelope, HelloBody, Payload, PeerId, Signal};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::signaling::{relay_url, unique_room, Member};
use crate::support::{publish_raw, raw_publisher, sleep, wait_until};

fn join_private(room: &str, name: &str, secret: &[u8]) -> Member {
    let events = Rc::new(RefCell::new(Vec::<PresenceEvent>::new()));
    let sink = events.clone();
    let mut options = PresenceOptions::new(relay_url(), room, name);
    options.secret = Some(secret.to_vec());
    let presence =
        Presence::join(options, move |event| sink.borrow_mut().push(event)).expect("joins");
    Member { presence, events }
}

fn hello_from(from: PeerId, seq: u64, name: &str) -> Envelope {
    Envelope {
        from,
        to: None,
        seq,
        payload: Payload::Open(Signal::Hello(HelloBody {
            name: name.into(),
            caps: vec![],
        })),
    }
}

#[wasm_bindgen_test]
async fn members_with_the_secret_meet_and_nobody_else_hears_them() {
    let room = unique_room("private");
    let secret = peerlink::browser::random_bytes::<16>();
    let alice = join_private(&room, "alice", &secret);
    let bob = join_private(&room, "bob", &secret);
    let public = Member::join(&room, "same-name-public");
    let other = join_private(&room, "other-secret", b"another secret..");
    let (a, b) = (alice.presence.me(), bob.presence.me());
    wait_until("alice and bob meet", 10_000, || {
        alice.saw(b).is_some() && bob.saw(a).is_some()
    })
    .await;
    assert_eq!(alice.saw(b).as_deref(), Some("bob"));
    sleep(500).await;
    for outsider in [&public, &other] {
        assert!(outsider.saw(a).is_none() && outsider.saw(b).is_none());
    }
    assert!(alice.saw(public.presence.me()).is_none());
    assert!(alice.saw(other.presence.me()).is_none());
}

#[wasm_bindgen_test]
async fn open_tampered_readdressed_and_replayed_frames_are_dropped() {
    let room = unique_room("sealed-hostile");
    let secret = peerlink::browser::random_bytes::<16>();
    let keys = RoomKeys::new(&secret);
    let topic = keys.topic();
    let alice = join_private(&room, "alice", &secret);
    let raw = raw_publisher(&topic).await;
    let sealer = Sealer::new(&keys.seal_key()).await.expect("key imports");
    let (x, y) = (PeerId::from_bytes([7; 16]), PeerId::from_bytes([8; 16]));

    // An open hello in a private room.
    publish_raw(&raw, &topic, &hello_from(x, 1, "open").encode());
    // A sealed hello with one character of the ciphertext changed.
    let sealed = sealer
        .seal(hello_from(x, 2, "tampered"))
        .await
        .expect("seals");
    let Payload::Sealed(text) = &sealed.payload else {
        panic!("sealed")
    };
    let flipped: String = text
        .char_indices()
        .map(|(i, c)| {
            if i == 20 {
                if c == 'A' {
                    'B'
                } else {
                    'A'
                }
            } else {
                c
            }
        })
        .collect();
    let tampered = Envelope {
        payload: Payload::Sealed(flipped),
        ..sealed.clone()
    };
    publish_raw(&raw, &topic, &tampered.encode());
    // The same sealed body under another sender: the header is authenticated.
    let readdressed = Envelope {
        from: y,
        ..sealed.clone()
    };
    publish_raw(&raw, &topic, &readdressed.encode());
    wait_until("alice counted them", 5_000, || {
        let d = alice.presence.drops();
        d.unsealed >= 1 && d.unopenable >= 2
    })
    .await;
    assert!(alice.saw(x).is_none() && alice.saw(y).is_none());

    // A well-sealed hello is believed (the path above really was open)…
    let good = sealer
        .seal(hello_from(x, 3, "sealed"))
        .await
        .expect("seals");
    publish_raw(&raw, &topic, &good.encode());
    wait_until("alice sees the sealed hello", 5_000, || {
        alice.saw(x).is_some()
    })
    .await;
    // …and the same frame again is a duplicate.
    publish_raw(&raw, &topic, &good.encode());
    wait_until("the replay is counted", 5_000, || {
        alice.presence.drops().duplicate >= 1
    })
    .await;
    raw.close().ok();
}

/// The expected secret was computed independently with Python's
/// `hashlib.pbkdf2_hmac("sha256", b"correct horse", topic, 600000, 32)`.
#[wasm_bindgen_test]
async fn password_rooms_derive_their_secret_with_pbkdf2() {
    let secret = peerlink::signaling::password_secret("standup", "correct horse")
        .await
        .expect("derives");
    assert_eq!(
        peerlink_core::to_hex(&secret),
        "ec3d7fb0c4479d9698afa4b3a5b31f6c80ad40bd4c148689cf13cd88e3e198b1"
    );
    let other = peerlink::signaling::password_secret("standup", "wrong horse")
        .await
        .expect("derives");
    assert_ne!(secret, other);
}
