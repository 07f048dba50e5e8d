//! Reading the launch URL and picking the UI language.

use peerlink::i18n::Lang;
use peerlink::launch::{
    percent_decode, percent_encode, same_origin_relay, LaunchOptions, MediaMode,
};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn reads_room_and_overrides() {
    let options = LaunchOptions::parse(
        "?relay=ws%3A%2F%2F127.0.0.1%3A9%2Fws&name=alice&media=none&ice=%5B%5D",
        "#room1",
    );
    assert_eq!(options.room.as_deref(), Some("room1"));
    assert_eq!(options.relay.as_deref(), Some("ws://127.0.0.1:9/ws"));
    assert_eq!(options.name.as_deref(), Some("alice"));
    assert_eq!(options.ice.as_deref(), Some("[]"));
    assert_eq!(options.media, MediaMode::None);
}

#[wasm_bindgen_test]
fn defaults_bad_escapes_and_round_trips() {
    let options = LaunchOptions::parse("", "");
    assert_eq!(options.room, None);
    assert_eq!(options.relay, None);
    assert_eq!(options.media, MediaMode::Video);
    assert_eq!(
        LaunchOptions::parse("?media=bogus", "#%20").media,
        MediaMode::Video
    );
    assert_eq!(LaunchOptions::parse("", "#%20").room, None);
    assert_eq!(percent_decode("a%zz%4"), "a%zz%4");
    assert_eq!(
        percent_decode(&percent_encode("café & co/#x")),
        "café & co/#x"
    );
    assert_eq!(
        same_origin_relay("https:", "example.com"),
        "wss://example.com/ws"
    );
    assert_eq!(
        same_origin_relay("http:", "localhost:8080"),
        "ws://localhost:8080/ws"
    );
}

#[wasm_bindgen_test]
fn chinese_for_zh_browsers() {
    assert_eq!(Lang::from_browser_language("zh-CN"), Lang::Zh);
    assert_eq!(Lang::from_browser_language("zh-TW"), Lang::Zh);
    assert_eq!(Lang::from_browser_language("en-US"), Lang::En);
}

#[wasm_bindgen_test]
fn turn_url_follows_the_relay_url() {
    use peerlink::rtc::turn_url;
    assert_eq!(
        turn_url("wss://relay.example.com/ws").as_deref(),
        Some("https://relay.example.com/turn")
    );
    assert_eq!(
        turn_url("ws://127.0.0.1:9/ws?x=1").as_deref(),
        Some("http://127.0.0.1:9/turn")
    );
    assert_eq!(
        turn_url("ws://host/prefix/ws").as_deref(),
        Some("http://host/prefix/turn")
    );
    assert_eq!(turn_url("https://not-a-websocket/ws"), None);
}

#[wasm_bindgen_test]
async fn turn_credentials_come_from_the_relay_when_it_has_them() {
    let relay = crate::signaling::relay_url();
    let ice = peerlink::rtc::fetch_turn(relay)
        .await
        .expect("the test relay hands out TURN credentials");
    let server = &ice.servers[0];
    assert_eq!(
        server.urls,
        peerlink::rtc::IceUrls::Many(vec!["turn:127.0.0.1:3478".into()])
    );
    assert!(server
        .username
        .as_deref()
        .is_some_and(|u| u.ends_with(":peerlink")));
    assert!(server.credential.as_deref().is_some_and(|c| c.len() == 28));
    // The broadcast relay has no /turn: no credentials, no error.
    let none = peerlink::rtc::fetch_turn(crate::signaling::broadcast_relay_url()).await;
    assert!(none.is_none());
}

#[wasm_bindgen_test]
fn ice_lists_fail_with_typed_errors() {
    use peerlink::rtc::{IceConfig, IceError};
    assert!(matches!(IceConfig::parse("nope"), Err(IceError::Json(_))));
    assert_eq!(IceConfig::parse(r#"[{"urls":[]}]"#), Err(IceError::NoUrls));
    assert_eq!(
        IceConfig::parse(r#"[{"urls":"http://x"}]"#),
        Err(IceError::BadScheme("http://x".into()))
    );
    assert_eq!(
        IceConfig::parse(r#"[{"urls":"turn:x"}]"#),
        Err(IceError::MissingCredential("turn:x".into()))
    );
    assert!(IceConfig::parse("[]").is_ok_and(|c| c.servers.is_empty()));
}

#[wasm_bindgen_test]
fn error_texts_come_from_i18n_in_both_languages() {
    use peerlink::errors::{ice_error_message, Notice};
    use peerlink::rtc::{IceError, MediaError};
    let notices = [
        Notice::Media(MediaError::PermissionDenied),
        Notice::Media(MediaError::NotFound),
        Notice::BadIce(IceError::Json("expected value at line 1".into())),
        Notice::RoomFull,
    ];
    for notice in notices {
        let en = notice.message(Lang::En);
        let zh = notice.message(Lang::Zh);
        assert!(!en.is_empty() && !zh.is_empty());
        assert_ne!(en, zh, "{notice:?} is translated");
        // The parser's English detail never reaches the user.
        assert!(!zh.contains("expected") && !en.contains("expected"), "{zh}");
    }
    let missing = IceError::MissingCredential("turn:relay.example".into());
    assert!(ice_error_message(Lang::Zh, &missing).contains("turn:relay.example"));
    assert_ne!(
        ice_error_message(Lang::Zh, &missing),
        ice_error_message(Lang::En, &missing)
    );
}

#[wasm_bindgen_test]
fn device_kinds_name_their_track_kind() {
    use peerlink::rtc::{DeviceKind, MediaRequest};
    assert_eq!(DeviceKind::Camera.track_kind(), "video");
    assert_eq!(DeviceKind::Microphone.track_kind(), "audio");
    let request = MediaRequest::one_device(DeviceKind::Microphone, "mic-1".into());
    assert!(request.audio && !request.video);
    assert_eq!(request.audio_device.as_deref(), Some("mic-1"));
    assert_eq!(request.video_device, None);
}

#[wasm_bindgen_test]
fn the_share_link_keeps_relay_and_ice_and_drops_personal_settings() {
    use peerlink::launch::share_link;
    assert_eq!(
        share_link(
            "http://h:1/app/?relay=ws%3A%2F%2Fr&name=al&ice=%5B%5D&media=none#old",
            "s/abc"
        ),
        "http://h:1/app/?relay=ws%3A%2F%2Fr&ice=%5B%5D#s%2Fabc"
    );
    assert_eq!(
        share_link("https://h/#x", "team room"),
        "https://h/#team%20room"
    );
}

#[wasm_bindgen_test]
fn the_pre_join_screen_names_hosts_other_than_the_page() {
    use peerlink::launch::{foreign_hosts, LaunchOptions};
    let options = LaunchOptions::parse(
        "?relay=wss%3A%2F%2Frelay.example%3A443%2Fws&ice=%5B%7B%22urls%22%3A%5B%22stun%3Astun.example%3A3478%22%2C%22turn%3Arelay.example%3A443%3Ftransport%3Dtcp%22%5D%2C%22username%22%3A%22u%22%2C%22credential%22%3A%22c%22%7D%5D",
        "",
    );
    assert_eq!(
        foreign_hosts(&options, "app.example"),
        vec![
            "relay.example:443".to_string(),
            "stun.example:3478".to_string()
        ]
    );
    let same = LaunchOptions::parse("?relay=ws%3A%2F%2Fapp.example%2Fws", "");
    assert!(foreign_hosts(&same, "app.example").is_empty());
}
