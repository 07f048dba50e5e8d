//! Room for received files: an accept without enough free storage (a small
//! quota, simulated) is refused with the figures and the offer keeps
//! waiting; OPFS leftovers of pages that are gone are swept.

use js_sys::{Array, Function, Object, Promise, Reflect};
use peerlink::rtc::transfer::{sweep_leftovers, SendOptions, TransferState};
use peerlink_protocol::PeerId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{sleep, wait_until};
use crate::transfer::{connected_pair, random_file, B_ID};

fn storage() -> JsValue {
    web_sys::window()
        .expect("window")
        .navigator()
        .storage()
        .into()
}

/// Makes `navigator.storage.estimate()` report `free` bytes left.
fn simulate_quota(free: u64) {
    let body = format!(
        "return Promise.resolve({{ quota: {}, usage: 1000 }});",
        free + 1000
    );
    let estimate = Function::new_no_args(&body);
    Reflect::set(&storage(), &"estimate".into(), &estimate).expect("override");
}

fn restore_quota() {
    Reflect::delete_property(&storage().unchecked_into::<Object>(), &"estimate".into())
        .expect("restore");
}

#[wasm_bindgen_test]
async fn an_accept_without_room_is_refused_with_the_figures() {
    let (_pair, sender, receiver) = connected_pair(SendOptions::default()).await;
    let size = 300_000;
    let (file, expected) = random_file("big.bin", size);
    let id = sender
        .transfers
        .offer(PeerId::from_bytes(B_ID), file)
        .expect("offer");
    wait_until("offered", 10_000, || receiver.view(&id).is_some()).await;
    simulate_quota(100_000);
    receiver.transfers.accept(&id);
    wait_until("refused for room", 5_000, || {
        receiver.view(&id).is_some_and(|v| v.no_room.is_some())
    })
    .await;
    restore_quota();
    let view = receiver.view(&id).expect("view");
    assert_eq!(view.no_room, Some((size as u64, 100_000)));
    assert_eq!(view.state, TransferState::Offered, "the offer still waits");
    sleep(300).await;
    assert_eq!(
        sender.state(&id),
        Some(TransferState::Offered),
        "sender not asked"
    );
    // With room it goes through, and the note is gone.
    receiver.transfers.accept(&id);
    wait_until("verified", 20_000, || {
        receiver.state(&id) == Some(TransferState::Verified)
    })
    .await;
    let view = receiver.view(&id).expect("view");
    assert_eq!(view.sha256, Some(expected));
    assert_eq!(view.no_room, None);
}

async fn call(target: &JsValue, name: &str, args: &Array) -> JsValue {
    let f: Function = Reflect::get(target, &name.into())
        .expect("method")
        .dyn_into()
        .expect("function");
    let promise: Promise = f
        .apply(target, args)
        .expect("call")
        .dyn_into()
        .expect("promise");
    JsFuture::from(promise).await.expect("resolved")
}

async fn subdir(dir: &JsValue, name: &str) -> JsValue {
    let options = Object::new();
    Reflect::set(&options, &"create".into(), &true.into()).expect("set");
    call(
        dir,
        "getDirectoryHandle",
        &Array::of2(&name.into(), &options),
    )
    .await
}

async fn has_entry(dir: &JsValue, name: &str) -> bool {
    let f: Function = Reflect::get(dir, &"getDirectoryHandle".into())
        .expect("method")
        .dyn_into()
        .expect("function");
    let promise: Promise = f
        .call1(dir, &name.into())
        .expect("call")
        .dyn_into()
        .expect("promise");
    JsFuture::from(promise).await.is_ok()
}

#[wasm_bindgen_test]
async fn leftovers_of_gone_pages_are_swept_and_living_ones_kept() {
    let root = call(&storage(), "getDirectory", &Array::new()).await;
    let incoming = subdir(&root, "peerlink-incoming").await;
    // A page that crashed mid-transfer left a partial file behind.
    let dead = subdir(&incoming, "page-dead").await;
    let options = Object::new();
    Reflect::set(&options, &"create".into(), &true.into()).expect("set");
    call(
        &dead,
        "getFileHandle",
        &Array::of2(&"x.part".into(), &options),
    )
    .await;
    // A page that is alive holds its lock (as space.rs does).
    let locks = Reflect::get(
        &web_sys::window().expect("window").navigator(),
        &"locks".into(),
    )
    .expect("locks");
    let hold = Function::new_no_args("return new Promise(() => {});");
    let request: Function = Reflect::get(&locks, &"request".into())
        .expect("request")
        .dyn_into()
        .expect("function");
    let _ = request.call2(&locks, &"page-alive".into(), &hold);
    subdir(&incoming, "page-alive").await;
    sleep(100).await;
    let removed = sweep_leftovers().await;
    assert!(removed >= 1, "removed {removed}");
    assert!(
        !has_entry(&incoming, "page-dead").await,
        "the dead page's folder is gone"
    );
    assert!(
        has_entry(&incoming, "page-alive").await,
        "a living page's folder is kept"
    );
}

/// Stands in for the person picking a file in `showSaveFilePicker`: the
/// handle is a file in OPFS, which the test reads back.
const FAKE_SAVE_PICKER: &str = "
    window.showSaveFilePicker = async (options) => {
        window.pickedName = options.suggestedName;
        const root = await navigator.storage.getDirectory();
        return root.getFileHandle('picked-by-test.bin', { create: true });
    };";

#[wasm_bindgen_test]
async fn a_file_saved_as_is_written_where_the_person_picked() {
    js_sys::eval(FAKE_SAVE_PICKER).expect("fake picker");
    let (_pair, sender, receiver) = connected_pair(SendOptions::default()).await;
    let (file, expected) = random_file("chosen.bin", 3 * 1024 * 1024 + 5);
    let id = sender
        .transfers
        .offer(PeerId::from_bytes(B_ID), file)
        .expect("offer");
    wait_until("offered", 10_000, || receiver.view(&id).is_some()).await;
    receiver.transfers.accept_save_as(&id);
    wait_until("verified", 20_000, || {
        receiver.state(&id) == Some(TransferState::Verified)
    })
    .await;
    let view = receiver.view(&id).expect("view");
    assert_eq!(view.storage, Some("picked"));
    assert_eq!(view.sha256.as_deref(), Some(expected.as_str()));
    let window = web_sys::window().expect("window");
    let suggested = Reflect::get(&window, &"pickedName".into()).expect("name");
    assert_eq!(suggested.as_string().as_deref(), Some("chosen.bin"));
    // The bytes are in the picked file.
    let root = call(&storage(), "getDirectory", &Array::new()).await;
    let handle = call(
        &root,
        "getFileHandle",
        &Array::of1(&"picked-by-test.bin".into()),
    )
    .await;
    let blob: web_sys::Blob = call(&handle, "getFile", &Array::new())
        .await
        .dyn_into()
        .expect("file");
    let bytes = JsFuture::from(blob.array_buffer()).await.expect("bytes");
    let bytes = js_sys::Uint8Array::new(&bytes).to_vec();
    let got: String = <sha2::Sha256 as sha2::Digest>::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(got, expected);
    let _ = Reflect::delete_property(&window, &"showSaveFilePicker".into());
}
