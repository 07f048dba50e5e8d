//! Peer sessions over in-memory signaling: the details the tutorials skip.

use peerlink::rtc::ChannelKind;
use peerlink_protocol::{ChannelMessage, ChatMessage};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlVideoElement;

use crate::pair::{fake_media, Pair};
use crate::support::{document, sleep, wait_until};

fn chat(text: &str) -> ChannelMessage {
    ChannelMessage::Chat(ChatMessage {
        id: text.to_string(),
        text: text.to_string(),
        ts: 0.0,
    })
}

async fn chat_both_ways(pair: &Pair, tag: &str) {
    wait_until("chat channels open", 10_000, || {
        pair.a.session().is_channel_open(ChannelKind::Chat)
            && pair.b.session().is_channel_open(ChannelKind::Chat)
    })
    .await;
    let from_a = format!("{tag} from a");
    let from_b = format!("{tag} from b");
    pair.a
        .session()
        .send(ChannelKind::Chat, &chat(&from_a))
        .expect("a sends");
    pair.b
        .session()
        .send(ChannelKind::Chat, &chat(&from_b))
        .expect("b sends");
    wait_until("chat both ways", 5_000, || {
        pair.b.messages().contains(&chat(&from_a)) && pair.a.messages().contains(&chat(&from_b))
    })
    .await;
}

/// Plays `stream` in a muted <video> and waits until frames arrive.
async fn assert_playing(stream: &web_sys::MediaStream, what: &str) {
    let video: HtmlVideoElement = document()
        .create_element("video")
        .expect("video")
        .unchecked_into();
    video.set_muted(true);
    video.set_autoplay(true);
    video.set_src_object(Some(stream));
    document()
        .body()
        .expect("body")
        .append_child(&video)
        .expect("append");
    let _ = video.play();
    for _ in 0..100 {
        if video.video_width() > 0 && video.current_time() > 0.0 {
            break;
        }
        sleep(100).await;
    }
    let tracks: Vec<String> = stream
        .get_tracks()
        .iter()
        .map(|t| {
            let t: web_sys::MediaStreamTrack = t.unchecked_into();
            format!("{}:{:?}:{}", t.kind(), t.ready_state(), t.enabled())
        })
        .collect();
    assert!(
        video.video_width() > 0 && video.current_time() > 0.0,
        "{what}: width={} time={} paused={} ready={} net={} err={:?} tracks={:?}",
        video.video_width(),
        video.current_time(),
        video.paused(),
        video.ready_state(),
        video.network_state(),
        video.error().map(|e| e.code()),
        tracks
    );
    video.remove();
}

#[wasm_bindgen_test]
async fn call_with_video_both_ways_and_chat() {
    let (_a_stream, a_tracks) = fake_media(true).await;
    let (_b_stream, b_tracks) = fake_media(true).await;
    let pair = Pair::new(a_tracks, b_tracks, false);
    wait_until("both connected", 15_000, || pair.both_connected()).await;
    wait_until("a stream each way", 10_000, || {
        !pair.a.streams().is_empty() && !pair.b.streams().is_empty()
    })
    .await;
    assert_playing(&pair.a.streams()[0], "video from b plays at a").await;
    assert_playing(&pair.b.streams()[0], "video from a plays at b").await;
    for side in [&pair.a, &pair.b] {
        let streams = side.streams();
        assert_eq!(
            streams.len(),
            1,
            "camera and microphone arrive as one stream"
        );
        assert_eq!(
            (
                streams[0].get_audio_tracks().length(),
                streams[0].get_video_tracks().length()
            ),
            (1, 1)
        );
    }
    // The polite side answered with its tracks: exactly one offer was needed.
    assert_eq!(pair.a.offers_sent(), 1, "the opener offered once");
    assert_eq!(
        pair.b.offers_sent(),
        0,
        "the polite side's tracks rode the answer"
    );
    chat_both_ways(&pair, "hello").await;
    assert!(
        pair.a.errors().is_empty() && pair.b.errors().is_empty(),
        "{:?} {:?}",
        pair.a.errors(),
        pair.b.errors()
    );
}

#[wasm_bindgen_test]
async fn candidates_that_arrive_before_the_description_are_kept() {
    let pair = Pair::new(Vec::new(), Vec::new(), true);
    wait_until("a gathered candidates", 10_000, || {
        pair.a
            .out
            .held
            .borrow()
            .iter()
            .filter(|s| matches!(s, peerlink_protocol::Signal::Candidate(_)))
            .count()
            >= 2
    })
    .await;
    pair.release_a_candidates_first();
    wait_until("connected despite early candidates", 15_000, || {
        pair.both_connected()
    })
    .await;
    assert!(
        pair.b.errors().is_empty(),
        "no candidate was rejected: {:?}",
        pair.b.errors()
    );
    chat_both_ways(&pair, "early").await;
}

#[wasm_bindgen_test]
async fn glare_both_sides_offer_at_once_and_end_connected() {
    let pair = Pair::new(Vec::new(), Vec::new(), false);
    wait_until("connected", 15_000, || pair.both_connected()).await;
    let (_s1, extra_a) = fake_media(false).await;
    let (_s2, extra_b) = fake_media(false).await;
    let offers_before = (pair.a.offers_sent(), pair.b.offers_sent());
    // Both add a track in the same task: both fire negotiationneeded and
    // both send an offer before either sees the other's.
    pair.a.session().add_track(&extra_a[0].0, &extra_a[0].1);
    pair.b.session().add_track(&extra_b[0].0, &extra_b[0].1);
    wait_until("both offered", 10_000, || {
        pair.a.offers_sent() > offers_before.0 && pair.b.offers_sent() > offers_before.1
    })
    .await;
    wait_until("each side receives the other's new track", 15_000, || {
        !pair.a.streams().is_empty() && !pair.b.streams().is_empty()
    })
    .await;
    wait_until("stable again", 10_000, || {
        pair.a.session().connection().signaling_state() == web_sys::RtcSignalingState::Stable
            && pair.b.session().connection().signaling_state() == web_sys::RtcSignalingState::Stable
    })
    .await;
    assert!(pair.both_connected());
    chat_both_ways(&pair, "after glare").await;
}

#[wasm_bindgen_test]
async fn screen_share_track_mid_call_renegotiates() {
    let (_a_stream, a_tracks) = fake_media(false).await;
    let pair = Pair::new(a_tracks, Vec::new(), false);
    wait_until("connected with a's camera at b", 15_000, || {
        pair.both_connected() && pair.b.streams().len() == 1
    })
    .await;
    let offers = pair.a.offers_sent();
    // A second video stream stands in for getDisplayMedia (which needs a user gesture).
    let (screen, screen_tracks) = fake_media(false).await;
    pair.a.session().add_track(&screen_tracks[0].0, &screen);
    wait_until("b receives the second stream", 15_000, || {
        pair.b.streams().len() == 2
    })
    .await;
    assert!(
        pair.a.offers_sent() > offers,
        "adding the track renegotiated"
    );
    assert_playing(&pair.b.streams()[1], "the shared screen plays").await;
    assert!(pair.both_connected());
}

#[wasm_bindgen_test]
async fn forced_ice_restart_keeps_the_call() {
    let pair = Pair::new(Vec::new(), Vec::new(), false);
    wait_until("connected", 15_000, || pair.both_connected()).await;
    chat_both_ways(&pair, "before restart").await;
    let offers = pair.a.offers_sent();
    let ufrag_before = ice_ufrag(&pair);
    pair.a.session().restart_ice();
    wait_until("a restart offer went out", 10_000, || {
        pair.a.offers_sent() > offers
    })
    .await;
    wait_until("new ICE credentials in use", 10_000, || {
        ice_ufrag(&pair) != ufrag_before
    })
    .await;
    sleep(500).await;
    wait_until("still connected", 15_000, || pair.both_connected()).await;
    chat_both_ways(&pair, "after restart").await;
}

/// The ICE username fragment of A's current local description.
fn ice_ufrag(pair: &Pair) -> String {
    let sdp = pair
        .a
        .session()
        .connection()
        .local_description()
        .map(|d| d.sdp())
        .unwrap_or_default();
    sdp.lines()
        .find_map(|l| l.strip_prefix("a=ice-ufrag:"))
        .unwrap_or_default()
        .to_string()
}

#[wasm_bindgen_test]
async fn oversized_chat_is_refused_with_a_typed_error() {
    let pair = Pair::new(Vec::new(), Vec::new(), false);
    wait_until("connected", 15_000, || pair.both_connected()).await;
    wait_until("chat open", 10_000, || {
        pair.a.session().is_channel_open(ChannelKind::Chat)
    })
    .await;
    let err = pair
        .a
        .session()
        .send(ChannelKind::Chat, &chat(&"x".repeat(5_000)))
        .unwrap_err();
    assert!(
        matches!(err, peerlink::rtc::PeerError::MessageTooLarge { .. }),
        "{err}"
    );
    chat_both_ways(&pair, "still fine").await;
}
