//! Resuming after a reload (resume.rs): which kept partials survive, what an
//! offer of the same file continues from, the prefix hash both sides
//! compare, the restart when they differ, and the bounds on hashing.

use super::*;

const MODIFIED: u64 = 1_700_000_000_000;
const DAY: u64 = 24 * 3600 * 1000;

fn partial(key: &str, bytes: u64, saved_ms: u64) -> Partial {
    Partial {
        key: key.into(),
        name: "big.bin".into(),
        size: SIZE,
        modified: MODIFIED,
        bytes,
        saved_ms,
    }
}

fn same_file(id: &str) -> ChannelMessage {
    ChannelMessage::FileOffer(FileOffer {
        modified: Some(MODIFIED),
        ..file_offer(id, "big.bin")
    })
}

/// A page that kept 400 bytes of big.bin before it reloaded.
fn reloaded() -> Transfers {
    let mut t = Transfers::default();
    t.add_partials([partial("old", 400, 0)]);
    t
}

fn resume_message(id: &str, offset: u64, digest: Digest) -> ChannelMessage {
    ChannelMessage::FileResume {
        id: id.into(),
        offset,
        prefix: digest.to_hex(),
    }
}

#[test]
fn kept_partials_are_young_incomplete_and_within_the_byte_cap() {
    let now = 30 * DAY;
    let partials = [
        partial("old", 100, now - 8 * DAY),
        partial("empty", 0, now),
        partial("whole", SIZE, now),
        partial("a", 300, now - DAY),
        partial("b", 300, now - 2 * DAY),
        partial("c", 300, now - 3 * DAY),
    ];
    assert_eq!(keep_partials(&partials, now, 7 * DAY, 700), vec!["a", "b"]);
    assert_eq!(
        keep_partials(&partials, now, 7 * DAY, u64::MAX),
        vec!["a", "b", "c"]
    );
}

#[test]
fn the_same_file_offered_again_continues_from_the_kept_bytes() {
    let mut t = reloaded();
    t.handle_control(alice(), same_file("f"), at(0))
        .expect("offer");
    let resume = t.get("f").and_then(|f| f.resume.clone());
    let expected = Resume {
        source: ResumeSource::Stored("old".into()),
        offset: 400,
    };
    assert_eq!(resume, Some(expected.clone()));
    drain(&mut t);
    // The accept waits for the prefix hash.
    t.accept("f", at(1)).expect("accept");
    assert_eq!(
        drain(&mut t),
        vec![
            Action::HashPrefix {
                id: "f".into(),
                source: expected.source,
                offset: 400
            },
            view("f")
        ]
    );
    t.handle_prefix_hash("f", Some(GOOD), at(2))
        .expect("hashed");
    assert_eq!(
        drain(&mut t),
        vec![view("f"), control(alice(), resume_message("f", 400, GOOD))]
    );
    let f = t.get("f").expect("f");
    assert_eq!((f.transferred, f.resumed_at), (400, Some(400)));
    // The partial is taken: another offer of the same file starts from 0.
    t.handle_control(alice(), same_file("g"), at(3))
        .expect("offer");
    assert_eq!(t.get("g").and_then(|g| g.resume.clone()), None);
    // The rest arrives and is verified as usual.
    assert_eq!(t.handle_chunk("f", 600, at(4)), Ok(Chunk::Keep));
    t.handle_control(alice(), done("f", GOOD), at(5))
        .expect("done");
    assert!(drain(&mut t).contains(&Action::FinishHash { id: "f".into() }));
}

#[test]
fn only_the_same_name_size_and_known_time_match() {
    let offers = [
        FileOffer {
            modified: None,
            ..file_offer("a", "big.bin")
        },
        FileOffer {
            modified: Some(MODIFIED + 1),
            ..file_offer("b", "big.bin")
        },
        FileOffer {
            modified: Some(MODIFIED),
            size: SIZE + 1,
            ..file_offer("c", "big.bin")
        },
        FileOffer {
            modified: Some(MODIFIED),
            ..file_offer("d", "other.bin")
        },
    ];
    let mut t = reloaded();
    for offer in offers {
        let id = offer.id.clone();
        t.handle_control(alice(), ChannelMessage::FileOffer(offer), at(0))
            .expect("offer");
        assert_eq!(t.get(&id).and_then(|x| x.resume.clone()), None, "{id}");
        drain(&mut t);
        t.accept(&id, at(1)).expect("accept");
        let accept = ChannelMessage::FileAccept { id, offset: 0 };
        assert!(drain(&mut t).contains(&control(alice(), accept)));
    }
}

#[test]
fn an_interrupted_receive_continues_in_the_offer_of_a_reloaded_sender() {
    let mut t = Transfers::default();
    t.handle_control(alice(), same_file("old"), at(0))
        .expect("offer");
    t.accept("old", at(0)).expect("accept");
    t.handle_chunk("old", 250, at(1)).expect("chunk");
    t.handle_peer_left(alice(), at(2));
    drain(&mut t);
    // The sender reloaded: a new peer id offers the same file.
    t.handle_control(mallory(), same_file("new"), at(3))
        .expect("offer");
    t.accept("new", at(4)).expect("accept");
    let source = ResumeSource::Receive("old".into());
    assert!(drain(&mut t).contains(&Action::HashPrefix {
        id: "new".into(),
        source,
        offset: 250
    }));
    t.handle_prefix_hash("new", Some(GOOD), at(5))
        .expect("hashed");
    assert_eq!(
        t.get("old").and_then(Transfer::reason),
        Some(Reason::Cancelled(Cancellation::Continued))
    );
    assert!(drain(&mut t).contains(&control(mallory(), resume_message("new", 250, GOOD))));
}

#[test]
fn an_unreadable_prefix_starts_from_zero() {
    let mut t = reloaded();
    t.handle_control(alice(), same_file("f"), at(0))
        .expect("offer");
    t.accept("f", at(1)).expect("accept");
    drain(&mut t);
    t.handle_prefix_hash("f", None, at(2)).expect("reported");
    let accept = ChannelMessage::FileAccept {
        id: "f".into(),
        offset: 0,
    };
    assert!(drain(&mut t).contains(&control(alice(), accept)));
    assert_eq!(
        t.get("f").map(|f| (f.transferred, f.resumed_at)),
        Some((0, None))
    );
    // A second report is refused.
    assert!(t.handle_prefix_hash("f", Some(GOOD), at(3)).is_err());
}

#[test]
fn a_peer_cannot_make_us_hash_prefixes_without_bound() {
    let limits = Limits {
        max_prefix_hashes_per_peer: 2,
        ..Limits::default()
    };
    let mut t = Transfers::new(limits);
    for (i, key) in ["k0", "k1", "k2"].iter().enumerate() {
        t.add_partials([partial(key, 100 + i as u64, 0)]);
    }
    let mut hashed = 0;
    for id in ["a", "b", "c"] {
        t.handle_control(alice(), same_file(id), at(0))
            .expect("offer");
        t.accept(id, at(1)).expect("accept");
        let actions = drain(&mut t);
        if actions
            .iter()
            .any(|a| matches!(a, Action::HashPrefix { .. }))
        {
            hashed += 1;
            t.handle_prefix_hash(id, Some(GOOD), at(2)).expect("hashed");
        } else {
            let accept = ChannelMessage::FileAccept {
                id: id.into(),
                offset: 0,
            };
            assert!(actions.contains(&control(alice(), accept)));
        }
    }
    assert_eq!(hashed, 2);
}

#[test]
fn a_restart_drops_the_kept_bytes_before_any_new_one() {
    let mut t = reloaded();
    t.handle_control(alice(), same_file("f"), at(0))
        .expect("offer");
    t.accept("f", at(1)).expect("accept");
    t.handle_prefix_hash("f", Some(GOOD), at(2))
        .expect("hashed");
    drain(&mut t);
    let restart = ChannelMessage::FileRestart { id: "f".into() };
    assert_eq!(
        t.handle_control(mallory(), restart.clone(), at(3)),
        Err(TransferError::NotOwner)
    );
    t.handle_control(alice(), restart.clone(), at(3))
        .expect("restart");
    let accept = ChannelMessage::FileAccept {
        id: "f".into(),
        offset: 0,
    };
    assert_eq!(
        drain(&mut t),
        vec![
            Action::Restart { id: "f".into() },
            view("f"),
            control(alice(), accept)
        ]
    );
    assert_eq!(t.get("f").map(|f| f.transferred), Some(0));
    // Once bytes flow, a restart is refused.
    t.handle_chunk("f", 10, at(4)).expect("chunk");
    assert!(t.handle_control(alice(), restart, at(5)).is_err());
}

#[test]
fn the_sender_checks_the_prefix_before_sending_the_rest() {
    let mut t = Transfers::default();
    t.offer(alice(), file_offer("f", "big.bin"), at(0))
        .expect("offer");
    drain(&mut t);
    t.handle_control(alice(), resume_message("f", 400, GOOD), at(1))
        .expect("resume");
    assert!(drain(&mut t).contains(&Action::StartSending {
        id: "f".into(),
        peer: alice(),
        offset: 400
    }));
    let f = t.get("f").expect("f");
    assert_eq!((f.prefix_to_check(), f.resumed_at), (Some(GOOD), Some(400)));
    assert_eq!(t.handle_sender_prefix("f", GOOD, at(2)), Ok(true));
    // Checked once.
    assert!(t.handle_sender_prefix("f", GOOD, at(2)).is_err());
}

#[test]
fn a_different_prefix_makes_the_sender_start_over() {
    let mut t = Transfers::default();
    t.offer(alice(), file_offer("f", "big.bin"), at(0))
        .expect("offer");
    t.handle_control(alice(), resume_message("f", 400, GOOD), at(1))
        .expect("resume");
    drain(&mut t);
    assert_eq!(t.handle_sender_prefix("f", BAD, at(2)), Ok(false));
    let restart = ChannelMessage::FileRestart { id: "f".into() };
    assert_eq!(
        drain(&mut t),
        vec![
            Action::StopSending { id: "f".into() },
            view("f"),
            control(alice(), restart.clone())
        ]
    );
    assert_eq!(state(&t, "f"), TransferState::Offered);
    let accept = ChannelMessage::FileAccept {
        id: "f".into(),
        offset: 0,
    };
    t.handle_control(alice(), accept, at(3)).expect("accept");
    assert!(drain(&mut t).contains(&Action::StartSending {
        id: "f".into(),
        peer: alice(),
        offset: 0
    }));
    // A malformed prefix is answered with a restart at once.
    t.offer(alice(), file_offer("g", "big.bin"), at(4))
        .expect("offer");
    drain(&mut t);
    let malformed = ChannelMessage::FileResume {
        id: "g".into(),
        offset: 400,
        prefix: "zz".into(),
    };
    t.handle_control(alice(), malformed, at(5))
        .expect("answered");
    let restart = ChannelMessage::FileRestart { id: "g".into() };
    assert_eq!(drain(&mut t), vec![control(alice(), restart)]);
    assert_eq!(state(&t, "g"), TransferState::Offered);
}
