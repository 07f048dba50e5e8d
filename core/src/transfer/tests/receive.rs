//! The receiver's rules: offers within limits, accept and resume, chunks
//! never above the announced size, the digest comparison, file channels.

use super::*;

#[test]
fn received_offers_are_sanitised_and_get_storage() {
    let mut t = Transfers::default();
    let mut offer = file_offer("f", "../../etc/passwd");
    offer.mime = format!("text/\u{1b}plain{}", "x".repeat(500));
    offer.path = "/../home/\u{202E}me/./NUL".into();
    t.handle_control(alice(), ChannelMessage::FileOffer(offer), at(0))
        .expect("offer");
    let got = t.get("f").expect("offer");
    assert_eq!(got.name, "etc_passwd");
    assert_eq!(got.path, "home/me/_NUL");
    assert!(!got.mime.contains('\u{1b}') && got.mime.chars().count() <= 100);
    let store = Action::PrepareStore {
        id: "f".into(),
        size: SIZE,
    };
    assert_eq!(drain(&mut t), vec![store, view("f")]);
}

#[test]
fn bad_and_duplicate_ids_are_refused() {
    let mut t = Transfers::default();
    let offer = |id: &str| ChannelMessage::FileOffer(file_offer(id, "a"));
    let cases = [
        ("", Err(TransferError::BadId)),
        (&"x".repeat(65), Err(TransferError::BadId)),
        ("ok", Ok(())),
        ("ok", Err(TransferError::DuplicateId)),
    ];
    for (id, expected) in cases {
        assert_eq!(
            t.handle_control(alice(), offer(id), at(0)),
            expected,
            "{id}"
        );
    }
    // Our own outgoing ids are taken too.
    t.offer(alice(), file_offer("mine", "a"), at(0))
        .expect("offer");
    assert_eq!(
        t.handle_control(mallory(), offer("mine"), at(0)),
        Err(TransferError::DuplicateId)
    );
}

#[test]
fn pending_offers_and_all_offers_per_peer_are_capped() {
    let limits = Limits {
        max_pending_offers_per_peer: 2,
        max_transfers_per_peer: 3,
        ..Limits::default()
    };
    let mut t = Transfers::new(limits);
    let offer = |id: &str| ChannelMessage::FileOffer(file_offer(id, "a"));
    t.handle_control(alice(), offer("1"), at(0)).expect("1");
    t.handle_control(alice(), offer("2"), at(0)).expect("2");
    drain(&mut t);
    let third = t.handle_control(alice(), offer("3"), at(0));
    assert_eq!(third, Err(TransferError::TooManyPendingOffers));
    // The sender is told, so it does not wait for an answer that never comes.
    let reject = ChannelMessage::FileReject { id: "3".into() };
    assert_eq!(drain(&mut t), vec![control(alice(), reject)]);
    assert!(t.get("3").is_none());
    // Another peer has its own budget.
    t.handle_control(mallory(), offer("m"), at(0)).expect("m");
    // Declined offers still count toward the session cap.
    t.cancel("1", at(1)).expect("decline");
    t.handle_control(alice(), offer("3"), at(1)).expect("3");
    t.cancel("2", at(1)).expect("decline");
    t.cancel("3", at(1)).expect("decline");
    drain(&mut t);
    let fourth = t.handle_control(alice(), offer("4"), at(2));
    assert_eq!(fourth, Err(TransferError::TooManyTransfers));
    let reject = ChannelMessage::FileReject { id: "4".into() };
    assert_eq!(drain(&mut t), vec![control(alice(), reject)]);
}

#[test]
fn accept_and_resume_ask_from_the_bytes_already_here() {
    let mut t = Transfers::default();
    let offer = ChannelMessage::FileOffer(file_offer("f", "a"));
    t.handle_control(alice(), offer, at(0)).expect("offer");
    drain(&mut t);
    t.accept("f", at(0)).expect("accept");
    let first = ChannelMessage::FileAccept {
        id: "f".into(),
        offset: 0,
    };
    assert_eq!(drain(&mut t), vec![view("f"), control(alice(), first)]);
    t.handle_chunk("f", 300, at(1)).expect("chunk");
    t.handle_channel_closed("f", at(2)).expect("interrupted");
    assert!(t.get("f").is_some_and(Transfer::resumable));
    drain(&mut t);
    t.accept("f", at(3)).expect("resume");
    let again = ChannelMessage::FileAccept {
        id: "f".into(),
        offset: 300,
    };
    assert_eq!(drain(&mut t), vec![view("f"), control(alice(), again)]);
    // Accepting twice is not a transition.
    assert!(matches!(
        t.accept("f", at(4)),
        Err(TransferError::InvalidTransition { .. })
    ));
}

#[test]
fn declining_an_offer_is_a_reject_and_later_a_cancel() {
    let mut t = Transfers::default();
    for id in ["a", "b"] {
        let offer = ChannelMessage::FileOffer(file_offer(id, "x"));
        t.handle_control(alice(), offer, at(0)).expect("offer");
    }
    t.accept("b", at(0)).expect("accept");
    drain(&mut t);
    t.cancel("a", at(1)).expect("decline");
    let reject = ChannelMessage::FileReject { id: "a".into() };
    let discard = Action::Discard { id: "a".into() };
    assert_eq!(
        drain(&mut t),
        vec![control(alice(), reject), discard, view("a")]
    );
    t.cancel("b", at(1)).expect("cancel");
    let cancel = ChannelMessage::FileCancel { id: "b".into() };
    assert_eq!(drain(&mut t)[0], control(alice(), cancel));
    assert_eq!(state(&t, "a"), TransferState::Cancelled);
    assert_eq!(
        t.get("a").and_then(Transfer::reason),
        Some(Reason::Cancelled(Cancellation::ByUs))
    );
}

#[test]
fn more_bytes_than_announced_fail_and_are_discarded() {
    let cases = [
        (vec![SIZE as usize, 1], Failure::Oversize),
        (vec![600, 600], Failure::Oversize),
        (vec![300 * 1024], Failure::ChunkTooLarge),
    ];
    for (chunks, failure) in cases {
        let mut t = receiving("f");
        let verdicts: Vec<Chunk> = chunks
            .iter()
            .map(|len| t.handle_chunk("f", *len, at(1)).expect("handled"))
            .collect();
        assert_eq!(verdicts.last(), Some(&Chunk::Drop), "{chunks:?}");
        assert_eq!(
            t.get("f").and_then(Transfer::reason),
            Some(Reason::Failed(failure.clone())),
            "{chunks:?}"
        );
        assert!(t.get("f").is_some_and(|f| f.transferred <= SIZE));
        let actions = drain(&mut t);
        assert!(actions.contains(&Action::Discard { id: "f".into() }));
        let corrupt = ChannelMessage::FileCorrupt { id: "f".into() };
        assert!(actions.contains(&control(alice(), corrupt)));
    }
}

#[test]
fn extra_bytes_while_verifying_fail_too() {
    let mut t = receiving("f");
    t.handle_control(alice(), done("f", GOOD), at(0))
        .expect("done");
    t.handle_chunk("f", SIZE as usize, at(1)).expect("all");
    t.handle_chunk("f", 1, at(2)).expect("handled");
    assert_eq!(state(&t, "f"), TransferState::Failed);
    assert!(t.handle_local_hash("f", GOOD, at(3)).is_err());
    assert_eq!(state(&t, "f"), TransferState::Failed);
}

#[test]
fn verification_waits_for_every_byte_and_the_claim_in_either_order() {
    for claim_first in [true, false] {
        let mut t = receiving("f");
        if claim_first {
            t.handle_control(alice(), done("f", GOOD), at(0))
                .expect("done");
        }
        t.handle_chunk("f", 400, at(1)).expect("chunk");
        t.handle_chunk("f", 600, at(2)).expect("chunk");
        if !claim_first {
            t.handle_control(alice(), done("f", GOOD), at(3))
                .expect("done");
        }
        let hash = Action::FinishHash { id: "f".into() };
        assert_eq!(drain(&mut t).iter().filter(|a| **a == hash).count(), 1);
        // A second file-done does not make us hash again.
        assert!(t.handle_control(alice(), done("f", GOOD), at(4)).is_err());
        t.handle_local_hash("f", GOOD, at(5)).expect("match");
        assert_eq!(drain(&mut t), vec![Action::FinishStore { id: "f".into() }]);
        assert_eq!(state(&t, "f"), TransferState::Receiving);
        t.handle_stored("f", at(6)).expect("stored");
        let ok = ChannelMessage::FileOk { id: "f".into() };
        assert_eq!(drain(&mut t), vec![view("f"), control(alice(), ok)]);
        let got = t.get("f").expect("transfer");
        assert_eq!(
            (got.state(), got.sha256()),
            (TransferState::Verified, Some(GOOD))
        );
    }
}

#[test]
fn a_wrong_or_malformed_claim_is_corrupt() {
    let claims = [BAD.to_hex(), "zz".into(), GOOD.to_hex().to_uppercase()];
    for (claim, verified) in claims.into_iter().zip([false, false, true]) {
        let mut t = receiving("f");
        let message = ChannelMessage::FileDone {
            id: "f".into(),
            sha256: claim.clone(),
        };
        t.handle_control(alice(), message, at(0)).expect("done");
        t.handle_chunk("f", SIZE as usize, at(1)).expect("chunk");
        t.handle_local_hash("f", GOOD, at(2)).expect("hashed");
        let expected = if verified {
            TransferState::Receiving
        } else {
            TransferState::Failed
        };
        assert_eq!(state(&t, "f"), expected, "{claim}");
        if !verified {
            assert_eq!(
                t.get("f").and_then(Transfer::reason),
                Some(Reason::Failed(Failure::Corrupt))
            );
        }
    }
}

#[test]
fn file_channels_are_taken_only_for_accepted_receives_of_their_owner() {
    let mut t = receiving("f");
    let offer = ChannelMessage::FileOffer(file_offer("waiting", "a"));
    t.handle_control(alice(), offer, at(0)).expect("offer");
    t.offer(alice(), file_offer("mine", "a"), at(0))
        .expect("offer");
    assert_eq!(t.handle_channel(alice(), "file:f"), Ok("f".to_string()));
    let refused = [
        (alice(), "chat"),
        (alice(), "file:nobody"),
        (mallory(), "file:f"),
        (alice(), "file:waiting"),
        (alice(), "file:mine"),
    ];
    for (peer, label) in refused {
        assert!(t.handle_channel(peer, label).is_err(), "{label}");
    }
}

#[test]
fn a_channel_closing_after_every_byte_is_not_an_interruption() {
    let mut t = receiving("f");
    t.handle_chunk("f", SIZE as usize, at(1)).expect("all");
    assert!(t.handle_channel_closed("f", at(2)).is_err());
    assert_eq!(state(&t, "f"), TransferState::Receiving);
    t.handle_control(alice(), done("f", GOOD), at(3))
        .expect("done");
    assert!(drain(&mut t).contains(&Action::FinishHash { id: "f".into() }));
}

#[test]
fn chunks_after_an_interruption_are_not_counted() {
    let mut t = receiving("f");
    t.handle_chunk("f", 100, at(1)).expect("chunk");
    t.handle_peer_left(alice(), at(2));
    assert!(t.handle_chunk("f", 100, at(3)).is_err());
    assert_eq!(t.get("f").map(|f| f.transferred), Some(100));
}
