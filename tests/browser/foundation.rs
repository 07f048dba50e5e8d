//! The platform works: the app mounts, two peer connections in one page talk
//! over a data channel, and the fake camera yields a live video track.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{
    MediaStreamTrack, MessageEvent, RtcDataChannel, RtcDataChannelInit, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcSdpType, RtcSessionDescriptionInit,
};

use crate::support::{fresh_root, query, sleep, wait_until};

#[wasm_bindgen_test]
async fn app_mounts_and_shows_the_lobby() {
    // No room in the fragment: the lobby, not an automatic join.
    web_sys::window()
        .expect("window")
        .location()
        .set_hash("")
        .expect("clear the fragment");
    let root = fresh_root();
    let _handle = leptos::mount::mount_to(root.clone(), peerlink::App);
    sleep(0).await;
    let html = root.inner_html();
    let join =
        query(&root, "[data-testid=join]").unwrap_or_else(|| panic!("a join button in {html}"));
    let label = join.text_content().unwrap_or_default();
    assert!(
        label == "Join" || label == "加入",
        "join button says {label:?}"
    );
    assert!(query(&root, "[data-testid=room-input]").is_some());
    assert!(query(&root, "[data-testid=name-input]").is_some());
}

/// Forwards every ICE candidate `from` gathers to `to`.
fn trickle(from: &RtcPeerConnection, to: &RtcPeerConnection) -> EventListener {
    let to = to.clone();
    EventListener::new(from, "icecandidate", move |event| {
        let event: &RtcPeerConnectionIceEvent = event.unchecked_ref();
        if let Some(candidate) = event.candidate() {
            let _ = to.add_ice_candidate_with_opt_rtc_ice_candidate(Some(&candidate));
        }
    })
}

fn negotiated_channel(pc: &RtcPeerConnection) -> RtcDataChannel {
    let init = RtcDataChannelInit::new();
    init.set_negotiated(true);
    init.set_id(0);
    pc.create_data_channel_with_data_channel_dict("chat", &init)
}

fn inbox(channel: &RtcDataChannel) -> (Rc<RefCell<Vec<String>>>, EventListener) {
    let received = Rc::new(RefCell::new(Vec::new()));
    let sink = received.clone();
    let listener = EventListener::new(channel, "message", move |event| {
        let event: &MessageEvent = event.unchecked_ref();
        if let Some(text) = event.data().as_string() {
            sink.borrow_mut().push(text);
        }
    });
    (received, listener)
}

#[wasm_bindgen_test]
async fn two_peer_connections_exchange_data_channel_messages() {
    let a = RtcPeerConnection::new().expect("pc a");
    let b = RtcPeerConnection::new().expect("pc b");
    let _a_ice = trickle(&a, &b);
    let _b_ice = trickle(&b, &a);
    let chan_a = negotiated_channel(&a);
    let chan_b = negotiated_channel(&b);
    let (inbox_a, _la) = inbox(&chan_a);
    let (inbox_b, _lb) = inbox(&chan_b);

    let offer = JsFuture::from(a.create_offer()).await.expect("offer");
    let offer: RtcSessionDescriptionInit = offer.unchecked_into();
    JsFuture::from(a.set_local_description(&offer))
        .await
        .expect("a local");
    JsFuture::from(b.set_remote_description(&offer))
        .await
        .expect("b remote");
    let answer = JsFuture::from(b.create_answer()).await.expect("answer");
    let answer: RtcSessionDescriptionInit = answer.unchecked_into();
    assert_eq!(answer.get_type(), RtcSdpType::Answer);
    JsFuture::from(b.set_local_description(&answer))
        .await
        .expect("b local");
    JsFuture::from(a.set_remote_description(&answer))
        .await
        .expect("a remote");

    wait_until("both channels open", 10_000, || {
        chan_a.ready_state() == web_sys::RtcDataChannelState::Open
            && chan_b.ready_state() == web_sys::RtcDataChannelState::Open
    })
    .await;
    chan_a.send_with_str("hello from a").expect("send a");
    chan_b.send_with_str("hello from b").expect("send b");
    wait_until("messages both ways", 5_000, || {
        !inbox_a.borrow().is_empty() && !inbox_b.borrow().is_empty()
    })
    .await;
    assert_eq!(inbox_b.borrow().as_slice(), ["hello from a"]);
    assert_eq!(inbox_a.borrow().as_slice(), ["hello from b"]);
    a.close();
    b.close();
}

#[wasm_bindgen_test]
async fn fake_camera_yields_a_live_video_track() {
    let (stream, _) = crate::pair::fake_media(false).await;
    let tracks = stream.get_video_tracks();
    assert_eq!(tracks.length(), 1);
    let track: MediaStreamTrack = tracks.get(0).unchecked_into();
    assert_eq!(track.kind(), "video");
    assert_eq!(track.ready_state(), web_sys::MediaStreamTrackState::Live);
    track.stop();
}

#[wasm_bindgen_test]
async fn timers_fire_unless_dropped_and_the_clock_is_monotonic() {
    use peerlink::browser::{now, Interval, Timeout};
    let fired = Rc::new(RefCell::new(Vec::new()));
    let (kept, dropped, ticks) = (fired.clone(), fired.clone(), fired.clone());
    let before = now();
    let _kept = Timeout::new(10, move || kept.borrow_mut().push("kept"));
    drop(Timeout::new(10, move || {
        dropped.borrow_mut().push("dropped")
    }));
    let interval = Interval::new(5, move || ticks.borrow_mut().push("tick"));
    wait_until("the kept timeout fires", 2_000, || {
        fired.borrow().contains(&"kept")
    })
    .await;
    drop(interval);
    let ticks_then = fired.borrow().iter().filter(|f| **f == "tick").count();
    sleep(50).await;
    let ticks_now = fired.borrow().iter().filter(|f| **f == "tick").count();
    assert_eq!(ticks_then, ticks_now, "a dropped interval stops");
    assert!(!fired.borrow().contains(&"dropped"));
    assert!(now().since(before).as_millis() >= 9);
}
