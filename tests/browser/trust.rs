//! Trust with real DTLS: key confirmation over real control channels catches
//! a man in the middle who bridges two sessions with his own certificates;
//! rooms joined with a secret verify each other, public rooms show one code.

use std::cell::RefCell;
use std::rc::Rc;

use peerlink::room::{Room, RoomEvent, RoomOptions};
use peerlink::rtc::{ChannelKind, IceConfig, PeerEvent};
use peerlink_core::{
    from_hex, to_hex, Instant, Interception, PeerTrust, RoomKeys, TrustAction, TrustMessage,
    TrustMode,
};
use peerlink_protocol::{ChannelMessage, PeerId};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::pair::{Pair, Side};
use crate::signaling::{relay_url, unique_room};
use crate::support::wait_until;

fn id(n: u8) -> PeerId {
    PeerId::from_bytes([n; 16])
}

fn control_open(side: &Side) -> bool {
    side.session().is_channel_open(ChannelKind::Control)
}

async fn connected_pair() -> Pair {
    let pair = Pair::new(Vec::new(), Vec::new(), false);
    wait_until("the pair connects", 20_000, || {
        pair.both_connected() && control_open(&pair.a) && control_open(&pair.b)
    })
    .await;
    pair
}

/// Proofs seen on `side`'s control channel so far.
fn proofs(side: &Side) -> Vec<Vec<u8>> {
    side.events
        .borrow()
        .iter()
        .filter_map(|e| match e {
            PeerEvent::Message(_, ChannelMessage::Confirm { proof }) => from_hex(proof),
            _ => None,
        })
        .collect()
}

fn send_proof(side: &Side, proof: &[u8]) {
    let message = ChannelMessage::Confirm {
        proof: to_hex(proof),
    };
    side.session()
        .send(ChannelKind::Control, &message)
        .expect("control channel sends");
}

/// Starts trust for `side` (as peer `me` talking to `peer`) and sends its
/// proof on `side`'s control channel.
fn start(side: &Side, me: u8, peer: u8) -> PeerTrust {
    let keys = RoomKeys::new(b"a secret shared by a and b");
    let mut trust = PeerTrust::new(TrustMode::Private(keys), id(me), id(peer), [0; 32]);
    let (local, remote) = side.session().fingerprints();
    assert!(
        !local.is_empty() && !remote.is_empty(),
        "fingerprints as applied"
    );
    trust.control_open(Instant::from_millis(0));
    trust.dtls_up(local, remote, Instant::from_millis(0));
    while let Some(action) = trust.poll_action() {
        if let TrustAction::Send(TrustMessage::Confirm(proof)) = action {
            send_proof(side, &proof);
        }
    }
    trust
}

fn verdict(trust: &mut PeerTrust, proof: Vec<u8>) -> Option<TrustAction> {
    trust.receive(TrustMessage::Confirm(proof));
    std::iter::from_fn(|| trust.poll_action()).find(|a| !matches!(a, TrustAction::Send(_)))
}

#[wasm_bindgen_test]
async fn key_confirmation_verifies_a_direct_connection() {
    let pair = connected_pair().await;
    let mut a = start(&pair.a, 1, 2);
    let mut b = start(&pair.b, 2, 1);
    wait_until("proofs cross", 5_000, || {
        !proofs(&pair.a).is_empty() && !proofs(&pair.b).is_empty()
    })
    .await;
    assert_eq!(
        verdict(&mut a, proofs(&pair.a)[0].clone()),
        Some(TrustAction::Verified)
    );
    assert_eq!(
        verdict(&mut b, proofs(&pair.b)[0].clone()),
        Some(TrustAction::Verified)
    );
}

#[wasm_bindgen_test]
async fn key_confirmation_catches_a_bridging_man_in_the_middle() {
    // A ↔ M1 and M2 ↔ B: M terminates DTLS on both legs with its own
    // certificates and forwards every control message between them.
    let left = connected_pair().await;
    let right = connected_pair().await;
    let (alice, m1, m2, bob) = (&left.a, &left.b, &right.a, &right.b);
    let mut a = start(alice, 1, 2);
    let mut b = start(bob, 2, 1);
    wait_until("M holds both proofs", 5_000, || {
        !proofs(m1).is_empty() && !proofs(m2).is_empty()
    })
    .await;
    send_proof(m2, &proofs(m1)[0]);
    send_proof(m1, &proofs(m2)[0]);
    wait_until("the forwarded proofs arrive", 5_000, || {
        !proofs(alice).is_empty() && !proofs(bob).is_empty()
    })
    .await;
    let mismatch = Some(TrustAction::Intercepted(Interception::ProofMismatch));
    assert_eq!(verdict(&mut a, proofs(alice)[0].clone()), mismatch);
    assert_eq!(verdict(&mut b, proofs(bob)[0].clone()), mismatch);
}

struct Member {
    room: Room,
    events: Rc<RefCell<Vec<RoomEvent>>>,
}

fn join(room: &str, name: &str, secret: Option<&[u8]>) -> Member {
    let mut options = RoomOptions::new(relay_url(), room, name, IceConfig::host_only());
    options.secret = secret.map(<[u8]>::to_vec);
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    let room = Room::join(options, Vec::new(), move |e| sink.borrow_mut().push(e)).expect("joins");
    Member { room, events }
}

impl Member {
    fn verified(&self, peer: PeerId) -> bool {
        self.events
            .borrow()
            .iter()
            .any(|e| matches!(e, RoomEvent::PeerVerified(p) if *p == peer))
    }

    fn code(&self, peer: PeerId) -> Option<String> {
        self.events.borrow().iter().find_map(|e| match e {
            RoomEvent::PeerCode { id, code } if *id == peer => Some(code.clone()),
            _ => None,
        })
    }

    fn name_of(&self, peer: PeerId) -> Option<String> {
        self.events.borrow().iter().rev().find_map(|e| match e {
            RoomEvent::PeerRenamed { id, name } | RoomEvent::PeerJoined { id, name }
                if *id == peer =>
            {
                Some(name.clone())
            }
            _ => None,
        })
    }
}

#[wasm_bindgen_test]
async fn a_private_room_verifies_its_members() {
    let room = unique_room("verified");
    let secret = peerlink::browser::random_bytes::<16>();
    let alice = join(&room, "alice", Some(&secret));
    let bob = join(&room, "bob", Some(&secret));
    let (a, b) = (alice.room.me(), bob.room.me());
    wait_until("both verified", 20_000, || {
        alice.verified(b) && bob.verified(a)
    })
    .await;
    assert!(alice.room.is_private());
    assert!(
        alice.code(b).is_none(),
        "no code to compare in a private room"
    );
    assert_eq!(alice.name_of(b).as_deref(), Some("bob"));
}

#[wasm_bindgen_test]
async fn a_public_room_shows_both_sides_the_same_code() {
    let room = unique_room("public-sas");
    let alice = join(&room, "alice", None);
    let bob = join(&room, "bob", None);
    let (a, b) = (alice.room.me(), bob.room.me());
    wait_until("both have a code", 20_000, || {
        alice.code(b).is_some() && bob.code(a).is_some()
    })
    .await;
    assert_eq!(alice.code(b), bob.code(a));
    assert!(!alice.verified(b), "not verified until the person says so");
    alice.room.codes_match(b);
    assert!(alice.verified(b));
}

/// Runs a public room's code exchange between two sides' real fingerprints
/// (the messages are passed in memory); returns both codes.
fn codes(a: &Side, b: &Side, nonces: (u8, u8)) -> (Option<String>, Option<String>) {
    let start = |side: &Side, me: u8, peer: u8, nonce: u8| {
        let mut trust = PeerTrust::new(TrustMode::Public, id(me), id(peer), [nonce; 32]);
        let (local, remote) = side.session().fingerprints();
        trust.control_open(Instant::from_millis(0));
        trust.dtls_up(local, remote, Instant::from_millis(0));
        trust
    };
    let (mut ta, mut tb) = (start(a, 1, 2, nonces.0), start(b, 2, 1, nonces.1));
    let (mut ca, mut cb) = (None, None);
    for _ in 0..4 {
        while let Some(action) = ta.poll_action() {
            match action {
                TrustAction::Send(m) => tb.receive(m),
                TrustAction::Code(code) => ca = Some(code),
                _ => {}
            }
        }
        while let Some(action) = tb.poll_action() {
            match action {
                TrustAction::Send(m) => ta.receive(m),
                TrustAction::Code(code) => cb = Some(code),
                _ => {}
            }
        }
    }
    (ca, cb)
}

#[wasm_bindgen_test]
async fn public_room_codes_match_directly_and_differ_through_a_bridge() {
    let direct = connected_pair().await;
    let (a, b) = codes(&direct.a, &direct.b, (1, 2));
    assert!(a.is_some(), "a code once DTLS is up");
    assert_eq!(a, b, "both ends of a direct link see the same code");

    let left = connected_pair().await;
    let right = connected_pair().await;
    let (alice_code, _) = codes(&left.a, &left.b, (1, 3));
    let (_, bob_code) = codes(&right.a, &right.b, (4, 2));
    assert!(alice_code.is_some() && bob_code.is_some());
    assert_ne!(
        alice_code, bob_code,
        "a man in the middle cannot make the codes match"
    );
}
