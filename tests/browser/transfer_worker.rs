//! Hashing off the main thread: the worker's SHA-256 equals sha2's on the
//! awkward lengths, and a transfer verifies both with the worker and with
//! the main-thread fallback; a received OPFS file is hashed and written
//! by the receiver's worker, or on the page when that is off.

use peerlink::rtc::transfer::{
    hash_file_in_worker, hash_file_with_worker_code, receive_worker_stats, set_receive_in_worker,
    SendOptions, TransferState,
};
use peerlink_protocol::PeerId;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::wait_until;
use crate::transfer::{connected_pair, random_file, B_ID};

#[wasm_bindgen_test]
async fn the_worker_hash_equals_sha2_on_every_padding_case() {
    for size in [
        0,
        1,
        55,
        56,
        63,
        64,
        65,
        119,
        120,
        1_000_003,
        9 * 1024 * 1024 + 7,
    ] {
        let (file, expected) = random_file("h.bin", size);
        let in_worker = hash_file_in_worker(&file).await.expect("a worker runs");
        assert_eq!(in_worker.to_hex(), expected, "worker, {size} bytes");
        let here = hash_file_with_worker_code(&file).await.expect("hash");
        assert_eq!(
            here.to_hex(),
            expected,
            "same code on the page, {size} bytes"
        );
    }
}

#[wasm_bindgen_test]
async fn a_transfer_verifies_with_the_worker_and_with_the_main_thread_fallback() {
    for hash_in_worker in [true, false] {
        let options = SendOptions {
            hash_in_worker,
            ..SendOptions::default()
        };
        let (_pair, sender, receiver) = connected_pair(options).await;
        let (file, expected) = random_file("w.bin", 6 * 1024 * 1024 + 123);
        let id = sender
            .transfers
            .offer(PeerId::from_bytes(B_ID), file)
            .expect("offer");
        wait_until("offered", 10_000, || receiver.view(&id).is_some()).await;
        receiver.transfers.accept(&id);
        wait_until("verified on both sides", 30_000, || {
            receiver.state(&id) == Some(TransferState::Verified)
                && sender.state(&id) == Some(TransferState::Verified)
        })
        .await;
        assert_eq!(
            sender.view(&id).and_then(|v| v.sha256),
            Some(expected),
            "worker: {hash_in_worker}"
        );
        let place = if hash_in_worker { "worker" } else { "page" };
        assert_eq!(sender.view(&id).and_then(|v| v.hashed_in), Some(place));
    }
}

#[wasm_bindgen_test]
async fn an_opfs_receive_is_hashed_and_written_in_a_worker_or_on_the_page() {
    for in_worker in [true, false] {
        set_receive_in_worker(in_worker);
        let (_pair, sender, receiver) = connected_pair(SendOptions::default()).await;
        // Not a multiple of 16 MiB: a closed segment and a last part.
        let size = 16 * 1024 * 1024 + 777;
        let (file, expected) = random_file("sink.bin", size);
        let before = receive_worker_stats().0;
        let id = sender
            .transfers
            .offer(PeerId::from_bytes(B_ID), file)
            .expect("offer");
        wait_until("offered", 10_000, || receiver.view(&id).is_some()).await;
        receiver.transfers.accept(&id);
        wait_until("verified on both sides", 60_000, || {
            receiver.state(&id) == Some(TransferState::Verified)
                && sender.state(&id) == Some(TransferState::Verified)
        })
        .await;
        set_receive_in_worker(true);
        let got = receiver.view(&id).expect("view");
        assert_eq!(got.storage, Some("opfs"), "worker: {in_worker}");
        let started = receive_worker_stats().0 - before;
        assert_eq!(started, u32::from(in_worker), "receives given to a worker");
        assert!(got.url.is_some(), "a download URL");
        assert_eq!(got.sha256.as_deref(), Some(expected.as_str()));
    }
}
