//! File transfer between two sessions in one page: integrity, cancel, corruption,
//! resume, hostile input, and bounded wasm memory.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use peerlink::rtc::transfer::{
    Failure, LinkError, Reason, ReceiveOptions, SendOptions, TransferLink, TransferState,
    TransferView, Transfers,
};
use peerlink::rtc::{ChannelKind, PeerEvent, PeerSession};
use peerlink_protocol::{ChannelMessage, FileOffer, PeerId};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{File, RtcDataChannel};

use crate::pair::Pair;
use crate::support::{sleep, wait_until};

/// Routes one side's transfers through its session.
struct SessionLink {
    session: Rc<RefCell<Option<PeerSession>>>,
}

impl TransferLink for SessionLink {
    fn send_control(&self, _peer: PeerId, message: &ChannelMessage) -> Result<(), LinkError> {
        let session = self.session.borrow();
        let session = session.as_ref().ok_or(LinkError::NoSession)?;
        session
            .send(ChannelKind::Control, message)
            .map_err(|e| LinkError::Send(e.to_string()))
    }

    fn open_channel(&self, _peer: PeerId, label: &str) -> Option<RtcDataChannel> {
        self.session
            .borrow()
            .as_ref()
            .map(|s| s.create_channel(label))
    }

    fn max_message_size(&self, _peer: PeerId) -> Option<f64> {
        self.session
            .borrow()
            .as_ref()
            .and_then(|s| s.max_message_size())
    }
}

pub(crate) struct End {
    pub(crate) transfers: Rc<Transfers>,
    pub(crate) views: Rc<RefCell<HashMap<String, TransferView>>>,
    /// File channels the peer opened to us (for the tests that break them).
    pub(crate) channels: Rc<RefCell<Vec<RtcDataChannel>>>,
}

impl End {
    pub(crate) fn view(&self, id: &str) -> Option<TransferView> {
        self.views.borrow().get(id).cloned()
    }

    pub(crate) fn state(&self, id: &str) -> Option<TransferState> {
        self.view(id).map(|v| v.state)
    }

    fn offered_ids(&self) -> Vec<String> {
        self.views
            .borrow()
            .values()
            .filter(|v| v.state == TransferState::Offered)
            .map(|v| v.id.clone())
            .collect()
    }
}

pub(crate) const A_ID: [u8; 16] = [0xAA; 16];
pub(crate) const B_ID: [u8; 16] = [0x0B; 16];

pub(crate) fn attach(side: &crate::pair::Side, options: SendOptions, peer: PeerId) -> End {
    let views: Rc<RefCell<HashMap<String, TransferView>>> = Rc::default();
    let log = views.clone();
    let transfers = Rc::new(Transfers::new(
        SessionLink {
            session: side.session.clone(),
        },
        options,
        ReceiveOptions::default(),
        move |view| {
            log.borrow_mut().insert(view.id.clone(), view.clone());
        },
    ));
    let channels: Rc<RefCell<Vec<RtcDataChannel>>> = Rc::default();
    let (weak, seen) = (Rc::downgrade(&transfers), channels.clone());
    *side.hook.borrow_mut() = Some(Box::new(move |event| {
        let Some(transfers) = weak.upgrade() else {
            return;
        };
        match event {
            PeerEvent::Message(ChannelKind::Control, message) => {
                transfers.on_control(peer, message.clone())
            }
            PeerEvent::IncomingChannel(channel) => {
                seen.borrow_mut().push(Clone::clone(channel));
                transfers.on_channel(peer, Clone::clone(channel));
            }
            _ => {}
        }
    }));
    End {
        transfers,
        views,
        channels,
    }
}

pub(crate) async fn connected_pair(options: SendOptions) -> (Pair, End, End) {
    let pair = Pair::new(Vec::new(), Vec::new(), false);
    wait_until("connected", 15_000, || pair.both_connected()).await;
    wait_until("control channels open", 10_000, || {
        pair.a.session().is_channel_open(ChannelKind::Control)
            && pair.b.session().is_channel_open(ChannelKind::Control)
    })
    .await;
    let sender = attach(&pair.a, options, PeerId::from_bytes(B_ID));
    let receiver = attach(&pair.b, SendOptions::default(), PeerId::from_bytes(A_ID));
    (pair, sender, receiver)
}

/// A file of `size` random bytes made in JS memory, and its SHA-256 (hex).
pub(crate) fn random_file(name: &str, size: usize) -> (File, String) {
    let crypto = web_sys::window().expect("window").crypto().expect("crypto");
    let parts = js_sys::Array::new();
    let mut hasher = Sha256::new();
    let mut scratch = vec![0u8; 65_536];
    let mut left = size;
    while left > 0 {
        let n = left.min(65_536);
        let part = js_sys::Uint8Array::new_with_length(n as u32);
        crypto
            .get_random_values_with_array_buffer_view(&part)
            .expect("random");
        part.copy_to(&mut scratch[..n]);
        hasher.update(&scratch[..n]);
        parts.push(&part);
        left -= n;
    }
    let file = File::new_with_u8_array_sequence(&parts, name).expect("file");
    (
        file,
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

async fn wait_offered(receiver: &End) -> String {
    wait_until("the offer arrives", 10_000, || {
        !receiver.offered_ids().is_empty()
    })
    .await;
    receiver.offered_ids()[0].clone()
}

#[wasm_bindgen_test]
async fn thirty_two_mib_arrive_with_a_matching_sha256() {
    let (_pair, sender, receiver) = connected_pair(SendOptions::default()).await;
    let (file, expected) = random_file("random.bin", 32 * 1024 * 1024);
    let id = sender
        .transfers
        .offer(PeerId::from_bytes(B_ID), file)
        .expect("offer");
    assert_eq!(wait_offered(&receiver).await, id);
    assert_eq!(
        receiver.view(&id).map(|v| (v.name, v.size)),
        Some(("random.bin".to_string(), 32 * 1024 * 1024))
    );
    receiver.transfers.accept(&id);
    wait_until("verified on both sides", 60_000, || {
        receiver.state(&id) == Some(TransferState::Verified)
            && sender.state(&id) == Some(TransferState::Verified)
    })
    .await;
    let received = receiver.view(&id).expect("view");
    assert_eq!(received.sha256.as_deref(), Some(expected.as_str()));
    assert_eq!(received.transferred, 32 * 1024 * 1024);
    assert!(
        received
            .url
            .as_deref()
            .is_some_and(|u| u.starts_with("blob:")),
        "a download URL"
    );
    assert_eq!(
        received.storage,
        Some("opfs"),
        "a large file is kept in the origin private file system"
    );
    assert_eq!(sender.view(&id).and_then(|v| v.sha256), Some(expected));
}

#[wasm_bindgen_test]
async fn cancel_from_either_side_leaves_both_cancelled() {
    // Small chunks and a low high-water mark keep the transfer in flight long enough to cancel.
    let slow = SendOptions {
        chunk_bytes: 16 * 1024,
        high_water: 64 * 1024,
        low_water: 16 * 1024,
        ..SendOptions::default()
    };
    let (_pair, sender, receiver) = connected_pair(slow).await;
    for cancel_on_sender in [true, false] {
        let (file, _) = random_file("big.bin", 48 * 1024 * 1024);
        let id = sender
            .transfers
            .offer(PeerId::from_bytes(B_ID), file)
            .expect("offer");
        wait_until("offer", 10_000, || {
            receiver.state(&id) == Some(TransferState::Offered)
        })
        .await;
        receiver.transfers.accept(&id);
        wait_until("bytes flowing", 20_000, || {
            receiver.view(&id).is_some_and(|v| v.transferred > 0)
        })
        .await;
        if cancel_on_sender {
            sender.transfers.cancel(&id);
        } else {
            receiver.transfers.cancel(&id);
        }
        wait_until("both cancelled", 10_000, || {
            sender.state(&id) == Some(TransferState::Cancelled)
                && receiver.state(&id) == Some(TransferState::Cancelled)
        })
        .await;
        let got = receiver.view(&id).expect("view");
        assert!(got.transferred < got.size, "cancelled mid-way");
        assert!(got.url.is_none(), "nothing offered for download");
    }
}

#[wasm_bindgen_test]
async fn a_corrupted_chunk_is_detected_and_the_data_discarded() {
    let corrupt = SendOptions {
        flip_byte_at: Some(1_000_001),
        ..SendOptions::default()
    };
    let (_pair, sender, receiver) = connected_pair(corrupt).await;
    let (file, _) = random_file("flipped.bin", 4 * 1024 * 1024);
    let id = sender
        .transfers
        .offer(PeerId::from_bytes(B_ID), file)
        .expect("offer");
    wait_offered(&receiver).await;
    receiver.transfers.accept(&id);
    wait_until("both failed", 20_000, || {
        receiver.state(&id) == Some(TransferState::Failed)
            && sender.state(&id) == Some(TransferState::Failed)
    })
    .await;
    let got = receiver.view(&id).expect("view");
    assert_eq!(
        got.storage,
        Some("blob"),
        "a small file is kept as Blob parts"
    );
    assert_eq!(got.reason, Some(Reason::Failed(Failure::Corrupt)));
    assert!(got.url.is_none() && got.sha256.is_none() && !got.resumable);
}

#[wasm_bindgen_test]
async fn an_interrupted_transfer_resumes_from_the_receivers_offset() {
    let paced = SendOptions {
        chunk_bytes: 16 * 1024,
        high_water: 128 * 1024,
        low_water: 32 * 1024,
        ..SendOptions::default()
    };
    let (_pair, sender, receiver) = connected_pair(paced).await;
    let size = 24 * 1024 * 1024;
    let (file, expected) = random_file("resume.bin", size);
    let id = sender
        .transfers
        .offer(PeerId::from_bytes(B_ID), file)
        .expect("offer");
    wait_offered(&receiver).await;
    receiver.transfers.accept(&id);
    wait_until("a few MiB in", 20_000, || {
        receiver
            .view(&id)
            .is_some_and(|v| v.transferred > 4 * 1024 * 1024)
    })
    .await;
    // The link under the transfer breaks (as when a connection drops).
    receiver.channels.borrow()[0].close();
    wait_until("both interrupted and resumable", 10_000, || {
        receiver
            .view(&id)
            .is_some_and(|v| v.state == TransferState::Failed && v.resumable)
            && sender
                .view(&id)
                .is_some_and(|v| v.state == TransferState::Failed && v.resumable)
    })
    .await;
    let offset = receiver.view(&id).expect("view").transferred;
    assert!(offset > 0 && (offset as usize) < size);
    receiver.transfers.accept(&id);
    wait_until("verified after resuming", 60_000, || {
        receiver.state(&id) == Some(TransferState::Verified)
    })
    .await;
    assert_eq!(
        receiver.view(&id).and_then(|v| v.sha256),
        Some(expected),
        "the hash covers the whole file"
    );
    wait_until("sender verified", 5_000, || {
        sender.state(&id) == Some(TransferState::Verified)
    })
    .await;
}

#[wasm_bindgen_test]
async fn hostile_offers_and_stray_chunks_end_in_clear_states() {
    let (pair, _sender, receiver) = connected_pair(SendOptions::default()).await;
    let offer = |id: &str, name: String, size: u64| {
        ChannelMessage::FileOffer(FileOffer {
            id: id.into(),
            name,
            size,
            mime: "text/plain".into(),
            ..FileOffer::default()
        })
    };
    pair.a
        .session()
        .send(
            ChannelKind::Control,
            &offer("evil1", "../../etc/passwd".into(), 10),
        )
        .expect("send");
    pair.a
        .session()
        .send(
            ChannelKind::Control,
            &offer("evil2", "bad\u{0}\u{1b}[31mname.txt".into(), 10),
        )
        .expect("send");
    pair.a
        .session()
        .send(
            ChannelKind::Control,
            &offer("evil3", "x".repeat(10_000), 10),
        )
        .expect("send");
    wait_until("three offers", 5_000, || receiver.views.borrow().len() == 3).await;
    assert_eq!(receiver.view("evil1").expect("offer").name, "etc_passwd");
    assert_eq!(
        receiver.view("evil2").expect("offer").name,
        "bad[31mname.txt"
    );
    assert!(receiver.view("evil3").expect("offer").name.len() <= 255);

    // Accepted, then more bytes than announced arrive: a clear failure.
    receiver.transfers.accept("evil1");
    // Accepting first asks storage for room: wait until it is accepted.
    wait_until("accepted", 5_000, || {
        receiver.state("evil1") == Some(TransferState::Receiving)
    })
    .await;
    let channel = pair.a.session().create_channel("file:evil1");
    wait_until("channel open", 5_000, || {
        channel.ready_state() == web_sys::RtcDataChannelState::Open
    })
    .await;
    channel.send_with_u8_array(&[7u8; 100]).expect("send");
    wait_until("oversize detected", 5_000, || {
        receiver.state("evil1") == Some(TransferState::Failed)
    })
    .await;
    assert_eq!(
        receiver.view("evil1").and_then(|v| v.reason),
        Some(Reason::Failed(Failure::Oversize))
    );

    // Chunks for a transfer nobody accepted: the channel is refused.
    let stray = pair.a.session().create_channel("file:nobody");
    sleep(1_000).await;
    assert_ne!(
        stray.ready_state(),
        web_sys::RtcDataChannelState::Open,
        "a stray file channel is closed"
    );
    assert!(receiver.view("nobody").is_none());
}

#[wasm_bindgen_test]
async fn wasm_heap_growth_stays_well_under_the_file_size() {
    let (_pair, sender, receiver) = connected_pair(SendOptions::default()).await;
    let size = 64 * 1024 * 1024;
    let (file, expected) = random_file("heap.bin", size);
    let heap = || {
        wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length()
    };
    let before = heap();
    let id = sender
        .transfers
        .offer(PeerId::from_bytes(B_ID), file)
        .expect("offer");
    wait_offered(&receiver).await;
    receiver.transfers.accept(&id);
    wait_until("verified", 90_000, || {
        receiver.state(&id) == Some(TransferState::Verified)
    })
    .await;
    assert_eq!(receiver.view(&id).and_then(|v| v.sha256), Some(expected));
    let growth = heap().saturating_sub(before);
    web_sys::console::log_1(
        &format!(
            "wasm heap grew by {} KiB during a 64 MiB transfer",
            growth / 1024
        )
        .into(),
    );
    assert!(
        growth < 8 * 1024 * 1024,
        "the wasm heap grew by {growth} bytes for a {size}-byte file"
    );
}
