//! Many files at once: a batch with nested folders and hostile names is
//! answered once and arrives sanitised; every received file is typed
//! `application/octet-stream`, whatever the sender claimed.

use peerlink::rtc::transfer::{Picked, TransferState};
use peerlink::rtc::ChannelKind;
use peerlink_protocol::{ChannelMessage, FileOffer, PeerId};
use sha2::{Digest, Sha256};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::wait_until;
use crate::transfer::{connected_pair, random_file, A_ID, B_ID};

#[wasm_bindgen_test]
async fn a_batch_with_nested_hostile_paths_is_accepted_once_and_arrives_sanitised() {
    let (_pair, sender, receiver) =
        connected_pair(peerlink::rtc::transfer::SendOptions::default()).await;
    // (folder, name) as sent, and the relative path the receiver must report.
    let cases = [
        ("album/2024", "ok.txt", "album/2024/ok.txt"),
        ("album/../../etc", "NUL.txt", "album/etc/_NUL.txt"),
        ("/abs/olute", "in\u{202E}voice.exe", "abs/olute/invoice.exe"),
        ("album\\win", "con", "album/win/_con"),
        ("a/./b/", "x<y>:z?.txt", "a/b/x_y__z_.txt"),
        ("", "top.bin", "top.bin"),
    ];
    let picked: Vec<Picked> = cases
        .iter()
        .enumerate()
        .map(|(i, (path, name, _))| Picked {
            file: random_file(name, 1000 + i * 70_000).0,
            path: path.to_string(),
        })
        .collect();
    let offered = sender
        .transfers
        .offer_batch(PeerId::from_bytes(B_ID), &picked, "batch-1");
    assert_eq!(offered, cases.len());
    wait_until("every offer arrives", 10_000, || {
        receiver.views.borrow().len() == cases.len()
    })
    .await;
    assert!(receiver
        .views
        .borrow()
        .values()
        .all(|v| v.batch == "batch-1" && v.state == TransferState::Offered));
    // One answer for the whole batch.
    receiver
        .transfers
        .accept_batch(PeerId::from_bytes(A_ID), "batch-1");
    wait_until("every file verified", 30_000, || {
        receiver
            .views
            .borrow()
            .values()
            .all(|v| v.state == TransferState::Verified)
    })
    .await;
    let mut got: Vec<String> = receiver
        .views
        .borrow()
        .values()
        .map(|v| v.relative_path())
        .collect();
    got.sort();
    let mut want: Vec<String> = cases.iter().map(|c| c.2.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    for id in receiver.views.borrow().keys() {
        let blob = receiver.transfers.blob(id).expect("verified file");
        assert_eq!(blob.type_(), "application/octet-stream");
    }
}

#[wasm_bindgen_test]
async fn an_html_file_is_offered_as_octet_stream() {
    let (pair, _sender, receiver) =
        connected_pair(peerlink::rtc::transfer::SendOptions::default()).await;
    let bytes = b"<script>alert(1)</script>";
    let offer = ChannelMessage::FileOffer(FileOffer {
        id: "page".into(),
        name: "page.html".into(),
        size: bytes.len() as u64,
        mime: "text/html".into(),
        ..FileOffer::default()
    });
    pair.a
        .session()
        .send(ChannelKind::Control, &offer)
        .expect("offer");
    wait_until("offer", 5_000, || receiver.view("page").is_some()).await;
    receiver.transfers.accept("page");
    wait_until("accepted", 5_000, || {
        receiver.state("page") == Some(TransferState::Receiving)
    })
    .await;
    let channel = pair.a.session().create_channel("file:page");
    wait_until("channel open", 5_000, || {
        channel.ready_state() == web_sys::RtcDataChannelState::Open
    })
    .await;
    channel.send_with_u8_array(bytes).expect("bytes");
    let sha256: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let done = ChannelMessage::FileDone {
        id: "page".into(),
        sha256,
    };
    pair.a
        .session()
        .send(ChannelKind::Control, &done)
        .expect("done");
    wait_until("verified", 10_000, || {
        receiver.state("page") == Some(TransferState::Verified)
    })
    .await;
    let view = receiver.view("page").expect("view");
    assert_eq!(view.mime, "text/html", "shown as offered");
    let blob = receiver.transfers.blob("page").expect("file");
    assert_eq!(blob.type_(), "application/octet-stream");
}
