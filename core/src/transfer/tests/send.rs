//! The sender's rules: offer, accept and resume, bounded re-reads, verdict.

use super::*;

#[test]
fn an_offer_goes_out_and_waits() {
    let mut t = Transfers::default();
    let offer = file_offer("f", "a.txt");
    t.offer(alice(), offer.clone(), at(0)).expect("offer");
    let sent = control(alice(), ChannelMessage::FileOffer(offer));
    assert_eq!(drain(&mut t), vec![sent, view("f")]);
    assert_eq!(state(&t, "f"), TransferState::Offered);
    assert_eq!(t.get("f").map(Transfer::direction), Some(Direction::Send));
}

#[test]
fn an_offer_that_cannot_be_sent_is_forgotten() {
    let mut t = Transfers::default();
    t.offer(alice(), file_offer("f", "a"), at(0))
        .expect("offer");
    let failed = IoError::ControlSend("closed".into());
    t.handle_io_error("f", failed, at(1)).expect("forgotten");
    assert!(t.get("f").is_none());
}

#[test]
fn the_receivers_accept_starts_sending_from_its_offset() {
    let mut t = Transfers::default();
    t.offer(alice(), file_offer("f", "a"), at(0))
        .expect("offer");
    drain(&mut t);
    let accept = |offset| ChannelMessage::FileAccept {
        id: "f".into(),
        offset,
    };
    assert_eq!(
        t.handle_control(alice(), accept(SIZE + 1), at(1)),
        Err(TransferError::OutOfRange)
    );
    t.handle_control(alice(), accept(0), at(1)).expect("accept");
    let start = Action::StartSending {
        id: "f".into(),
        peer: alice(),
        offset: 0,
    };
    let stop = Action::StopSending { id: "f".into() };
    assert_eq!(drain(&mut t), vec![stop, start, view("f")]);
    // An accept while already sending is ignored.
    let twice = t.handle_control(alice(), accept(500), at(2));
    assert!(matches!(
        twice,
        Err(TransferError::InvalidTransition { .. })
    ));
    assert!(drain(&mut t).is_empty());
    t.handle_channel_closed("f", at(3)).expect("lost");
    drain(&mut t);
    t.handle_control(alice(), accept(400), at(4))
        .expect("resume");
    let got = t.get("f").expect("transfer");
    assert_eq!(
        (got.state(), got.transferred),
        (TransferState::Sending, 400)
    );
}

#[test]
fn a_receiver_cannot_make_us_reread_the_file_without_bound() {
    let limits = Limits {
        max_accepts_per_transfer: 3,
        ..Limits::default()
    };
    let mut t = Transfers::new(limits);
    t.offer(alice(), file_offer("f", "a"), at(0))
        .expect("offer");
    let accept = ChannelMessage::FileAccept {
        id: "f".into(),
        offset: 10,
    };
    for ms in 0..3 {
        t.handle_control(alice(), accept.clone(), at(ms))
            .expect("accept");
        t.handle_channel_closed("f", at(ms)).expect("lost");
    }
    drain(&mut t);
    t.handle_control(alice(), accept, at(9)).expect("handled");
    let cancel = ChannelMessage::FileCancel { id: "f".into() };
    assert_eq!(drain(&mut t), vec![control(alice(), cancel), view("f")]);
    assert_eq!(
        t.get("f").and_then(Transfer::reason),
        Some(Reason::Failed(Failure::TooManyResumes))
    );
}

#[test]
fn the_sender_reports_its_digest_and_takes_only_a_verdict_after_it() {
    let mut t = sending("f");
    let ok = ChannelMessage::FileOk { id: "f".into() };
    // file-ok before our digest went out is a lie.
    assert!(t.handle_control(alice(), ok.clone(), at(1)).is_err());
    t.handle_progress("f", SIZE, at(2)).expect("progress");
    t.handle_local_hash("f", GOOD, at(3)).expect("hashed");
    assert_eq!(state(&t, "f"), TransferState::Done);
    assert!(drain(&mut t).contains(&control(alice(), done("f", GOOD))));
    // Not the owner: nothing changes.
    assert_eq!(
        t.handle_control(mallory(), ok.clone(), at(4)),
        Err(TransferError::NotOwner)
    );
    t.handle_control(alice(), ok, at(4)).expect("verified");
    let got = t.get("f").expect("transfer");
    assert_eq!(
        (got.state(), got.sha256()),
        (TransferState::Verified, Some(GOOD))
    );

    let mut t = sending("g");
    let corrupt = ChannelMessage::FileCorrupt { id: "g".into() };
    t.handle_control(alice(), corrupt, at(1)).expect("corrupt");
    assert_eq!(
        t.get("g").and_then(Transfer::reason),
        Some(Reason::Failed(Failure::ReceiverFoundCorrupt))
    );
}

#[test]
fn a_sender_that_sent_everything_resumes_when_the_tail_was_lost() {
    let mut t = sending("f");
    t.handle_local_hash("f", GOOD, at(1)).expect("sent");
    assert_eq!(state(&t, "f"), TransferState::Done);
    let accept = ChannelMessage::FileAccept {
        id: "f".into(),
        offset: 900,
    };
    t.handle_control(alice(), accept, at(2)).expect("resume");
    let got = t.get("f").expect("transfer");
    assert_eq!(
        (got.state(), got.transferred),
        (TransferState::Sending, 900)
    );
    assert_eq!(got.sha256(), None, "a new digest comes with the new pass");
}
