//! Rules for both directions: ownership, finality, the link grace, I/O
//! failures, progress cadence.

use std::time::Duration;

use super::*;

#[test]
fn only_the_owner_may_cancel_or_reject() {
    let mut t = receiving("in");
    t.offer(alice(), file_offer("out", "a"), at(0))
        .expect("offer");
    drain(&mut t);
    let before = (t.get("in").cloned(), t.get("out").cloned());
    for id in ["in", "out"] {
        let cancel = ChannelMessage::FileCancel { id: id.into() };
        let reject = ChannelMessage::FileReject { id: id.into() };
        for message in [cancel, reject] {
            let got = t.handle_control(mallory(), message, at(1));
            assert_eq!(got, Err(TransferError::NotOwner));
        }
    }
    assert_eq!((t.get("in").cloned(), t.get("out").cloned()), before);
    assert!(drain(&mut t).is_empty());
    // A reject is for offers we made, not for ones we received.
    let reject = ChannelMessage::FileReject { id: "in".into() };
    assert_eq!(
        t.handle_control(alice(), reject, at(1)),
        Err(TransferError::WrongDirection)
    );
    let reject = ChannelMessage::FileReject { id: "out".into() };
    t.handle_control(alice(), reject, at(1)).expect("declined");
    assert_eq!(
        t.get("out").and_then(Transfer::reason),
        Some(Reason::Cancelled(Cancellation::Declined))
    );
    let cancel = ChannelMessage::FileCancel { id: "in".into() };
    t.handle_control(alice(), cancel, at(1)).expect("cancelled");
    assert_eq!(
        t.get("in").and_then(Transfer::reason),
        Some(Reason::Cancelled(Cancellation::ByPeer))
    );
}

#[test]
fn finished_transfers_stay_finished() {
    let mut t = sending("f");
    t.handle_local_hash("f", GOOD, at(1)).expect("hashed");
    let ok = ChannelMessage::FileOk { id: "f".into() };
    t.handle_control(alice(), ok, at(2)).expect("verified");
    drain(&mut t);
    let cancel = ChannelMessage::FileCancel { id: "f".into() };
    assert!(t.handle_control(alice(), cancel, at(3)).is_err());
    assert!(t.cancel("f", at(3)).is_err());
    assert_eq!(state(&t, "f"), TransferState::Verified);
    assert!(drain(&mut t).is_empty());
}

#[test]
fn a_link_down_past_the_grace_stops_only_what_is_moving() {
    let mut t = sending("out");
    let offer = ChannelMessage::FileOffer(file_offer("in", "a"));
    t.handle_control(alice(), offer, at(0)).expect("offer");
    t.accept("in", at(0)).expect("accept");
    t.offer(alice(), file_offer("sent", "a"), at(0))
        .expect("offer");
    let accept = ChannelMessage::FileAccept {
        id: "sent".into(),
        offset: 0,
    };
    t.handle_control(alice(), accept, at(0)).expect("accept");
    t.handle_local_hash("sent", GOOD, at(0)).expect("sent all");
    t.handle_peer_state(alice(), ConnectionState::Disconnected, at(1_000));
    assert_eq!(t.poll_timeout(), Some(at(6_000)));
    t.handle_timeout(at(5_999));
    assert_eq!(state(&t, "out"), TransferState::Sending);
    t.handle_timeout(at(6_000));
    assert_eq!(t.poll_timeout(), None);
    for id in ["out", "in"] {
        let got = t.get(id).expect("transfer");
        assert!(got.resumable(), "{id}");
        assert_eq!(
            got.reason(),
            Some(Reason::Interrupted(Interruption::LinkLost))
        );
    }
    // A sender that sent everything keeps waiting for the verdict.
    assert_eq!(state(&t, "sent"), TransferState::Done);
}

#[test]
fn a_link_back_within_the_grace_changes_nothing() {
    let mut t = sending("f");
    t.handle_peer_state(alice(), ConnectionState::Disconnected, at(0));
    t.handle_peer_state(alice(), ConnectionState::Connected, at(4_000));
    assert_eq!(t.poll_timeout(), None);
    t.handle_timeout(at(10_000));
    assert_eq!(state(&t, "f"), TransferState::Sending);
    assert!(drain(&mut t).is_empty());
}

#[test]
fn failed_or_closed_stops_at_once_and_connected_resumes_receives() {
    for down in [ConnectionState::Failed, ConnectionState::Closed] {
        let mut t = receiving("f");
        let offer = ChannelMessage::FileOffer(file_offer("left", "a"));
        t.handle_control(mallory(), offer, at(0)).expect("offer");
        t.accept("left", at(0)).expect("accept");
        t.handle_peer_left(mallory(), at(1));
        t.handle_chunk("f", 250, at(1)).expect("chunk");
        t.handle_peer_state(alice(), down, at(2));
        assert!(t.get("f").is_some_and(Transfer::resumable));
        drain(&mut t);
        t.handle_peer_state(alice(), ConnectionState::Connected, at(3));
        let resume = ChannelMessage::FileAccept {
            id: "f".into(),
            offset: 250,
        };
        assert_eq!(drain(&mut t), vec![view("f"), control(alice(), resume)]);
        // Only link losses resume by themselves; a peer that left does not.
        t.handle_peer_state(mallory(), ConnectionState::Connected, at(4));
        assert_eq!(
            t.get("left").and_then(Transfer::reason),
            Some(Reason::Interrupted(Interruption::PeerLeft))
        );
    }
}

#[test]
fn a_receive_whose_sender_stopped_resumes_once_the_link_is_up() {
    // The sender's link grace ran out and ours did not: its channel closes
    // while our link is up, and we resume from what is here at once.
    let mut t = receiving("f");
    t.handle_peer_state(alice(), ConnectionState::Connected, at(0));
    t.handle_chunk("f", 250, at(1)).expect("chunk");
    drain(&mut t);
    t.handle_channel_closed("f", at(2)).expect("closed");
    let resume = ChannelMessage::FileAccept {
        id: "f".into(),
        offset: 250,
    };
    assert!(drain(&mut t).contains(&control(alice(), resume.clone())));
    assert_eq!(state(&t, "f"), TransferState::Receiving);
    // Closed while the link is down: it waits, and resumes when it is back.
    t.handle_peer_state(alice(), ConnectionState::Disconnected, at(3));
    t.handle_channel_closed("f", at(4)).expect("closed");
    assert!(t.get("f").is_some_and(Transfer::resumable));
    drain(&mut t);
    t.handle_peer_state(alice(), ConnectionState::Connected, at(5));
    assert!(drain(&mut t).contains(&control(alice(), resume)));
    // A sender that left does not come back by itself.
    t.handle_peer_left(alice(), at(6));
    assert_eq!(
        t.get("f").and_then(Transfer::reason),
        Some(Reason::Interrupted(Interruption::PeerLeft))
    );
    t.handle_peer_state(alice(), ConnectionState::Connected, at(7));
    assert_eq!(state(&t, "f"), TransferState::Failed);
}

#[test]
fn io_failures_end_in_clear_states() {
    let cases: [(IoError, TransferState, bool); 4] = [
        (IoError::OpenChannel, TransferState::Failed, false),
        (
            IoError::ReadFile("NotFoundError".into()),
            TransferState::Failed,
            false,
        ),
        (IoError::FileChanged, TransferState::Failed, false),
        (
            IoError::ChannelSend("InvalidStateError".into()),
            TransferState::Failed,
            true,
        ),
    ];
    for (error, expected, resumable) in cases {
        let mut t = sending("f");
        t.handle_io_error("f", error.clone(), at(1))
            .expect("handled");
        let got = t.get("f").expect("transfer");
        assert_eq!(
            (got.state(), got.resumable()),
            (expected, resumable),
            "{error:?}"
        );
        assert!(drain(&mut t).contains(&Action::StopSending { id: "f".into() }));
    }
    let mut t = receiving("f");
    t.handle_io_error("f", IoError::ControlSend("x".into()), at(1))
        .expect("handled");
    assert!(t.get("f").is_some_and(Transfer::resumable));
    let mut t = receiving("f");
    t.handle_io_error("f", IoError::StorePush("QuotaExceededError".into()), at(1))
        .expect("handled");
    assert_eq!(
        t.get("f").and_then(Transfer::reason),
        Some(Reason::Failed(Failure::StoreRefused(
            "QuotaExceededError".into()
        )))
    );
    let mut t = receiving("f");
    t.handle_control(alice(), done("f", GOOD), at(0))
        .expect("done");
    t.handle_chunk("f", SIZE as usize, at(1)).expect("all");
    t.handle_local_hash("f", GOOD, at(2)).expect("match");
    drain(&mut t);
    t.handle_io_error("f", IoError::StoreFinish("x".into()), at(3))
        .expect("handled");
    assert_eq!(
        drain(&mut t),
        vec![Action::Discard { id: "f".into() }, view("f")]
    );
    assert!(t.handle_stored("f", at(4)).is_err());
}

#[test]
fn progress_is_shown_at_most_every_100_ms() {
    let mut t = receiving("f");
    let views = |t: &mut Transfers| drain(t).iter().filter(|a| **a == view("f")).count();
    for ms in [0, 50, 99, 100, 150, 200] {
        t.handle_chunk("f", 10, at(1_000 + ms)).expect("chunk");
    }
    assert_eq!(views(&mut t), 3);
    let mut t = sending("f");
    assert_eq!(
        t.handle_progress("f", SIZE + 1, at(1)),
        Err(TransferError::OutOfRange)
    );
    t.handle_progress("f", 10, at(1)).expect("progress");
    t.handle_progress("f", 20, at(2)).expect("progress");
    assert_eq!(views(&mut t), 1);
    assert_eq!(t.get("f").map(|f| f.transferred), Some(20));
}

#[test]
fn other_messages_are_not_ours_and_time_passes_as_a_value() {
    let mut t = Transfers::default();
    assert_eq!(
        t.handle_control(alice(), ChannelMessage::Bye, at(0)),
        Err(TransferError::NotTransferMessage)
    );
    t.handle_peer_state(alice(), ConnectionState::Disconnected, at(0));
    t.handle_peer_state(alice(), ConnectionState::Disconnected, at(3_000));
    assert_eq!(t.poll_timeout(), Some(at(0) + Duration::from_millis(8_000)));
    assert_eq!(Digest::from_hex(&GOOD.to_hex()), Some(GOOD));
}
