//! Resuming after a reload (core/src/transfer/resume.rs,
//! src/rtc/transfer/parts.rs): a page's transfers are dropped and made
//! again, as a reload does, on either side; the same file offered again
//! continues from the receiver's kept bytes and verifies by SHA-256; a
//! different file with the same name, size and time starts over.

use peerlink::rtc::transfer::{
    hash_file_in_worker, Cancellation, Reason, SendOptions, TransferState,
};
use peerlink_protocol::PeerId;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};
use web_sys::{File, FilePropertyBag};

use crate::support::{sleep, wait_until};
use crate::transfer::{attach, connected_pair, random_file, End, A_ID, B_ID};

const MIB: u64 = 1024 * 1024;
/// parts.rs keeps received files in segments of this size.
const SEGMENT: u64 = 16 * MIB;

fn received(end: &End, id: &str) -> u64 {
    end.view(id).map_or(0, |v| v.transferred)
}

/// The id of the first offer `end` got that is not `old`.
async fn next_offer(end: &End, old: &str) -> String {
    wait_until("the new offer arrives", 10_000, || {
        end.views
            .borrow()
            .values()
            .any(|v| v.id != old && v.state == TransferState::Offered)
    })
    .await;
    let views = end.views.borrow();
    let offer = views
        .values()
        .find(|v| v.id != old && v.state == TransferState::Offered);
    offer.map(|v| v.id.clone()).unwrap_or_default()
}

async fn verified(sender: &End, receiver: &End, id: &str) {
    wait_until("verified on both sides", 120_000, || {
        receiver.state(id) == Some(TransferState::Verified)
            && sender.state(id) == Some(TransferState::Verified)
    })
    .await;
}

/// `file` with its first byte changed: same name, size and time.
fn first_byte_changed(file: &File) -> File {
    let options = FilePropertyBag::new();
    options.set_last_modified(file.last_modified());
    let first = js_sys::Uint8Array::new_with_length(1);
    first.set_index(0, 0x5a);
    let rest = file.slice_with_i32(1).expect("slice");
    let parts = js_sys::Array::of2(&first, &rest);
    File::new_with_blob_sequence_and_options(&parts, &file.name(), &options).expect("file")
}

#[wasm_bindgen_test]
async fn resume_after_a_reload_of_the_receiver() {
    let (pair, sender, receiver) = connected_pair(SendOptions::default()).await;
    let size = 96 * MIB;
    let (file, expected) = random_file("reload-receiver.bin", size as usize);
    let id = sender
        .transfers
        .offer(PeerId::from_bytes(B_ID), file)
        .expect("offer");
    wait_until("offered", 10_000, || receiver.view(&id).is_some()).await;
    receiver.transfers.accept(&id);
    wait_until("48 MiB arrived", 60_000, || {
        received(&receiver, &id) >= 48 * MIB
    })
    .await;
    let before = received(&receiver, &id);
    // The receiver's page reloads: its transfers are gone and the sender
    // sees it leave the room.
    drop(receiver);
    sender.transfers.on_peer_left(PeerId::from_bytes(B_ID));
    wait_until("the sender sees the receiver go", 10_000, || {
        sender.view(&id).is_some_and(|v| v.resumable)
    })
    .await;
    let receiver = attach(&pair.b, SendOptions::default(), PeerId::from_bytes(A_ID));
    let mut kept = 0;
    for _ in 0..100 {
        kept = receiver.transfers.restore().await;
        if kept > 0 {
            break;
        }
        sleep(100).await;
    }
    assert_eq!(kept, 1, "the partial file survived the reload");
    // The person presses "Send again" on the interrupted row.
    assert_eq!(
        sender
            .transfers
            .send_again(&id, &[PeerId::from_bytes(B_ID)]),
        1
    );
    let again = next_offer(&receiver, &id).await;
    let resumes_at = receiver.view(&again).and_then(|v| v.resumes_at);
    let at = resumes_at.expect("the offer continues from kept bytes");
    receiver.transfers.accept(&again);
    verified(&sender, &receiver, &again).await;
    let got = receiver.view(&again).expect("view");
    assert_eq!(got.sha256.as_deref(), Some(expected.as_str()));
    assert_eq!(got.resumed_at, Some(at));
    assert_eq!(sender.view(&again).and_then(|v| v.resumed_at), Some(at));
    assert_eq!(at % SEGMENT, 0, "only closed segments count");
    assert!(
        at >= 32 * MIB && at <= before,
        "kept {at} of {before} bytes"
    );
    console_log!(
        "receiver reload: {} MiB had arrived, {} MiB kept, {} MiB sent again of {} MiB",
        before / MIB,
        at / MIB,
        (size - at) / MIB,
        size / MIB
    );
}

/// Sends `size` bytes until `at_least` arrived, then the sender's page
/// reloads; returns the pair, the new sender, the receiver, the id, the
/// file and its SHA-256.
async fn sender_reloads(
    name: &str,
    size: u64,
    at_least: u64,
) -> (crate::pair::Pair, End, End, String, File, String) {
    let (pair, sender, receiver) = connected_pair(SendOptions::default()).await;
    let (file, expected) = random_file(name, size as usize);
    let id = sender
        .transfers
        .offer(PeerId::from_bytes(B_ID), Clone::clone(&file))
        .expect("offer");
    wait_until("offered", 10_000, || receiver.view(&id).is_some()).await;
    receiver.transfers.accept(&id);
    wait_until("bytes arrived", 60_000, || {
        received(&receiver, &id) >= at_least
    })
    .await;
    // The sender's page reloads: it stops and goes; the receiver sees it leave.
    sender.transfers.on_peer_left(PeerId::from_bytes(B_ID));
    drop(sender);
    receiver.transfers.on_peer_left(PeerId::from_bytes(A_ID));
    wait_until("interrupted", 10_000, || {
        receiver.view(&id).is_some_and(|v| v.resumable)
    })
    .await;
    let sender = attach(&pair.a, SendOptions::default(), PeerId::from_bytes(B_ID));
    (pair, sender, receiver, id, file, expected)
}

#[wasm_bindgen_test]
async fn resume_after_a_reload_of_the_sender() {
    let (_pair, sender, receiver, id, file, expected) =
        sender_reloads("reload-sender.bin", 64 * MIB, 20 * MIB).await;
    let before = received(&receiver, &id);
    // The person picks the same file again.
    let again = sender
        .transfers
        .offer(PeerId::from_bytes(B_ID), file)
        .expect("offer");
    wait_until("offered", 10_000, || receiver.view(&again).is_some()).await;
    assert_eq!(
        receiver.view(&again).and_then(|v| v.resumes_at),
        Some(before)
    );
    receiver.transfers.accept(&again);
    verified(&sender, &receiver, &again).await;
    let got = receiver.view(&again).expect("view");
    assert_eq!(got.sha256.as_deref(), Some(expected.as_str()));
    assert_eq!(got.resumed_at, Some(before));
    assert_eq!(sender.view(&again).and_then(|v| v.resumed_at), Some(before));
    assert_eq!(
        receiver.view(&id).and_then(|v| v.reason),
        Some(Reason::Cancelled(Cancellation::Continued)),
        "the interrupted row says where it went"
    );
    console_log!(
        "sender reload: {} MiB kept, {} MiB sent again of 64 MiB",
        before / MIB,
        64 - before / MIB
    );
}

#[wasm_bindgen_test]
async fn a_different_file_with_the_same_name_size_and_time_starts_over() {
    let (_pair, sender, receiver, id, file, _) =
        sender_reloads("reload-other.bin", 24 * MIB, 4 * MIB).await;
    let other = first_byte_changed(&file);
    let other_sha = hash_file_in_worker(&other).await.expect("hash").to_hex();
    let again = sender
        .transfers
        .offer(PeerId::from_bytes(B_ID), other)
        .expect("offer");
    wait_until("offered", 10_000, || receiver.view(&again).is_some()).await;
    assert!(receiver.view(&again).and_then(|v| v.resumes_at).is_some());
    receiver.transfers.accept(&again);
    verified(&sender, &receiver, &again).await;
    let got = receiver.view(&again).expect("view");
    assert_eq!(got.sha256.as_deref(), Some(other_sha.as_str()));
    assert_eq!(got.resumed_at, None, "it started over from 0");
    assert_eq!(
        receiver.view(&id).and_then(|v| v.reason),
        Some(Reason::Cancelled(Cancellation::Continued)),
        "its bytes were taken over, then dropped"
    );
}
