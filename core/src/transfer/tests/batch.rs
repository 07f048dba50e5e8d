//! Batches: one answer for offers sent together, and nothing more.

use super::*;

fn batch_offer(id: &str, batch: &str) -> ChannelMessage {
    let mut offer = file_offer(id, "a.txt");
    offer.batch = batch.into();
    offer.path = "dir/sub".into();
    ChannelMessage::FileOffer(offer)
}

fn accept_of(id: &str) -> Action {
    let message = ChannelMessage::FileAccept {
        id: id.into(),
        offset: 0,
    };
    control(alice(), message)
}

#[test]
fn accepting_a_batch_takes_its_offers_now_and_later_only() {
    let mut t = Transfers::default();
    for id in ["1", "2"] {
        t.handle_control(alice(), batch_offer(id, "b"), at(0))
            .expect("offer");
    }
    t.handle_control(alice(), batch_offer("other", "c"), at(0))
        .expect("offer");
    t.handle_control(mallory(), batch_offer("m", "b"), at(0))
        .expect("offer");
    drain(&mut t);
    assert_eq!(t.accept_batch(alice(), "b", None, at(1)), Ok(2));
    let actions = drain(&mut t);
    assert!(actions.contains(&accept_of("1")) && actions.contains(&accept_of("2")));
    assert_eq!(state(&t, "1"), TransferState::Receiving);
    // Another batch, and the same batch id from another peer, still wait.
    assert_eq!(state(&t, "other"), TransferState::Offered);
    assert_eq!(state(&t, "m"), TransferState::Offered);
    // An offer of the accepted batch arriving later is taken at once…
    t.handle_control(alice(), batch_offer("3", "b"), at(2))
        .expect("offer");
    assert!(drain(&mut t).contains(&accept_of("3")));
    assert_eq!(state(&t, "3"), TransferState::Receiving);
    // …but a lone offer never is.
    t.handle_control(alice(), batch_offer("lone", ""), at(2))
        .expect("offer");
    assert_eq!(state(&t, "lone"), TransferState::Offered);
    assert_eq!(t.get("3").expect("3").path, "dir/sub");
    assert_eq!(
        t.accept_batch(alice(), "", None, at(3)),
        Err(TransferError::BadId)
    );
}

#[test]
fn declining_a_batch_rejects_what_waits_and_forgets_it() {
    let mut t = Transfers::default();
    for id in ["1", "2"] {
        t.handle_control(alice(), batch_offer(id, "b"), at(0))
            .expect("offer");
    }
    drain(&mut t);
    assert_eq!(t.decline_batch(alice(), "b", at(1)), Ok(2));
    let rejects: Vec<Action> = drain(&mut t)
        .into_iter()
        .filter(|a| matches!(a, Action::Control { .. }))
        .collect();
    assert_eq!(rejects.len(), 2);
    assert_eq!(state(&t, "1"), TransferState::Cancelled);
    t.handle_control(alice(), batch_offer("3", "b"), at(2))
        .expect("offer");
    assert_eq!(state(&t, "3"), TransferState::Offered);
}

#[test]
fn remembered_batches_are_bounded() {
    let limits = Limits {
        max_accepted_batches: 2,
        ..Limits::default()
    };
    let mut t = Transfers::new(limits);
    for batch in ["x", "y", "z"] {
        t.accept_batch(alice(), batch, None, at(0)).expect("batch");
    }
    // "x" was forgotten: its offers wait for an answer again.
    t.handle_control(alice(), batch_offer("late-x", "x"), at(1))
        .expect("offer");
    assert_eq!(state(&t, "late-x"), TransferState::Offered);
    t.handle_control(alice(), batch_offer("late-z", "z"), at(1))
        .expect("offer");
    assert_eq!(state(&t, "late-z"), TransferState::Receiving);
}

#[test]
fn nothing_is_accepted_without_room_for_it() {
    let mut t = Transfers::default();
    for id in ["1", "2"] {
        t.handle_control(alice(), batch_offer(id, "b"), at(0))
            .expect("offer");
    }
    t.handle_control(alice(), batch_offer("lone", ""), at(0))
        .expect("offer");
    drain(&mut t);
    let short = t.accept_batch(alice(), "b", Some(2 * SIZE - 1), at(1));
    assert_eq!(
        short,
        Err(TransferError::NoRoom {
            needed: 2 * SIZE,
            free: 2 * SIZE - 1
        })
    );
    assert_eq!(
        t.accept_within("lone", Some(SIZE - 1), at(1)),
        Err(TransferError::NoRoom {
            needed: SIZE,
            free: SIZE - 1
        })
    );
    assert!(drain(&mut t).is_empty(), "nothing asked of the sender");
    assert_eq!(state(&t, "1"), TransferState::Offered);
    assert_eq!(state(&t, "lone"), TransferState::Offered);
    // With room (or when the browser cannot tell), they are accepted.
    assert_eq!(t.accept_batch(alice(), "b", Some(2 * SIZE), at(2)), Ok(2));
    assert_eq!(t.accept_within("lone", None, at(2)), Ok(()));
    assert_eq!(state(&t, "lone"), TransferState::Receiving);
}

#[test]
fn a_resume_needs_room_only_for_the_rest() {
    let mut t = receiving("r");
    t.handle_chunk("r", 600, at(1)).expect("chunk");
    t.handle_peer_left(alice(), at(2));
    assert_eq!(state(&t, "r"), TransferState::Failed);
    assert_eq!(t.accept_within("r", Some(SIZE - 600), at(3)), Ok(()));
    assert_eq!(state(&t, "r"), TransferState::Receiving);
}

#[test]
fn a_batch_waits_as_one_answer_however_many_files_it_has() {
    let limits = Limits {
        max_pending_offers_per_peer: 2,
        max_transfers_per_peer: 300,
        ..Limits::default()
    };
    let mut t = Transfers::new(limits);
    for i in 0..250 {
        t.handle_control(alice(), batch_offer(&format!("f{i}"), "folder"), at(0))
            .expect("every file of a big folder is offered");
    }
    // One lone file still fits beside the waiting folder; a third answer
    // (another lone file or another batch) does not.
    t.handle_control(alice(), batch_offer("lone", ""), at(0))
        .expect("a lone file");
    drain(&mut t);
    assert_eq!(
        t.handle_control(alice(), batch_offer("x", "other"), at(0)),
        Err(TransferError::TooManyPendingOffers)
    );
    assert_eq!(t.accept_batch(alice(), "folder", None, at(1)), Ok(250));
}

#[test]
fn later_offers_of_an_accepted_batch_are_taken_only_within_the_room_counted() {
    let mut t = Transfers::default();
    t.handle_control(alice(), batch_offer("1", "b"), at(0))
        .expect("offer");
    drain(&mut t);
    // SIZE bytes wait; the browser says 2.5 × SIZE are free: 1.5 × SIZE left.
    let free = Some(SIZE * 5 / 2);
    assert_eq!(t.accept_batch(alice(), "b", free, at(1)), Ok(1));
    t.handle_control(alice(), batch_offer("2", "b"), at(2))
        .expect("offer");
    assert_eq!(state(&t, "2"), TransferState::Receiving, "fits: taken");
    t.handle_control(alice(), batch_offer("3", "b"), at(2))
        .expect("offer");
    assert_eq!(
        state(&t, "3"),
        TransferState::Offered,
        "beyond the room counted: the person is asked again"
    );
    drain(&mut t);
    assert_eq!(
        t.accept_batch(alice(), "b", Some(SIZE / 2), at(3)),
        Err(TransferError::NoRoom {
            needed: SIZE,
            free: SIZE / 2
        })
    );
    assert_eq!(t.accept_batch(alice(), "b", Some(SIZE), at(3)), Ok(1));
}
