//! Calls between real browsers: mesh rooms, video, chat, leaving, data-only
//! peers, and forged signaling that must not break a connected pair.

use std::time::Duration;

use futures_util::SinkExt;
use peerlink_e2e::page::{self, wait_connected, wait_videos_playing};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, with_browsers, Harness};
use peerlink_protocol::{
    topic_for_room, CandidateBody, DescriptionBody, Envelope, HelloBody, Payload, PeerId, SdpKind,
    Signal,
};
use tokio_tungstenite::tungstenite::Message;

/// Alice (`b[0]`) and bob (`b[1]`) open their links and join; returns once
/// both are connected with video playing both ways: the peer ids alice
/// and bob see.
async fn video_call(b: &[WebDriver], alice_url: &str, bob_url: &str) -> (Vec<String>, Vec<String>) {
    page::open_room(&b[0], alice_url)
        .await
        .expect("alice opens the link");
    page::open_room(&b[1], bob_url)
        .await
        .expect("bob opens the link");
    let seen_by_alice = wait_connected(&b[0], 1, "alice sees bob connected").await;
    let seen_by_bob = wait_connected(&b[1], 1, "bob sees alice connected").await;
    wait_videos_playing(&b[0], "bob's video plays at alice").await;
    wait_videos_playing(&b[1], "alice's video plays at bob").await;
    (seen_by_alice, seen_by_bob)
}

#[tokio::test]
async fn two_browsers_see_each_other_and_chat_both_ways() {
    let harness = Harness::start().await;
    let alice_url = harness.room_url("duo", "name=alice");
    let bob_url = harness.room_url("duo", "name=bob");
    with_browsers(&harness, 2, |b| async move {
        let (seen_by_alice, seen_by_bob) = video_call(&b, &alice_url, &bob_url).await;

        page::send_chat(&b[0], "hello bob")
            .await
            .expect("alice types");
        let from = page::wait_chat(&b[1], "hello bob", "bob gets alice's message").await;
        assert_eq!(from, seen_by_bob[0], "the message is from alice's peer id");
        page::send_chat(&b[1], "<img src=x onerror=alert(1)>")
            .await
            .expect("bob types");
        let from = page::wait_chat(
            &b[0],
            "<img src=x onerror=alert(1)>",
            "alice gets bob's message as text",
        )
        .await;
        assert_eq!(from, seen_by_alice[0]);
        let images = b[0]
            .find_all(By::Css("[data-testid=chat-message] img"))
            .await
            .expect("query");
        assert!(images.is_empty(), "chat is rendered as text, never HTML");
        assert_eq!(page::relay_state(&b[0]).await, "open");
        // Kept as an artifact: what a two-person call looks like (README).
        let shots =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
        let _ = std::fs::create_dir_all(&shots);
        let _ = b[0].screenshot(&shots.join("call.png")).await;
        b
    })
    .await;
}

#[tokio::test]
async fn three_browsers_form_a_mesh_and_a_leaver_disappears() {
    let harness = Harness::start().await;
    let urls: Vec<String> = ["ann", "ben", "cy"]
        .iter()
        .map(|n| harness.room_url("trio", &format!("name={n}")))
        .collect();
    with_browsers(&harness, 3, |b| async move {
        for (browser, url) in b.iter().zip(&urls) {
            page::open_room(browser, url).await.expect("opens the link");
        }
        for (i, browser) in b.iter().enumerate() {
            wait_connected(browser, 2, &format!("browser {i} sees two connected peers")).await;
        }
        // The third closes its window: the others drop its tile within 15 s.
        let leaver_ids = wait_connected(&b[0], 2, "before leaving").await;
        let cy_id = {
            let ben_sees = wait_connected(&b[1], 2, "ben's view").await;
            ben_sees
                .into_iter()
                .find(|id| leaver_ids.contains(id))
                .expect("ann and ben both see cy")
        };
        b[2].close_window().await.expect("cy closes the tab");
        for (i, browser) in b.iter().take(2).enumerate() {
            eventually(
                &format!("browser {i} drops cy's tile"),
                Duration::from_secs(15),
                || async {
                    let peers = page::peers(browser).await;
                    (!peers.iter().any(|(id, _)| id == &cy_id) && peers.len() == 1).then_some(())
                },
            )
            .await;
        }
        page::send_chat(&b[0], "just us").await.expect("ann types");
        page::wait_chat(&b[1], "just us", "ben still hears ann").await;
        b
    })
    .await;
}

#[tokio::test]
async fn a_data_only_browser_still_chats() {
    let harness = Harness::start().await;
    let viewer = harness.room_url("quiet", "name=viewer&media=none");
    let caller = harness.room_url("quiet", "name=caller");
    with_browsers(&harness, 2, |b| async move {
        page::open_room(&b[0], &viewer).await.expect("opens");
        page::open_room(&b[1], &caller).await.expect("opens");
        wait_connected(&b[0], 1, "the data-only browser connects").await;
        wait_connected(&b[1], 1, "the caller connects").await;
        wait_videos_playing(&b[0], "the caller's video still reaches the data-only browser").await;
        let js = "const v = document.querySelector('[data-testid=local-video]'); return v && v.srcObject ? v.srcObject.getTracks().length : 0;";
        assert_eq!(page::script(&b[0], js).await.as_u64(), Some(0), "no camera was opened");
        page::send_chat(&b[0], "I can only type").await.expect("types");
        page::wait_chat(&b[1], "I can only type", "chat from the data-only browser").await;
        page::send_chat(&b[1], "and I can see you type").await.expect("types");
        page::wait_chat(&b[0], "and I can see you type", "chat to the data-only browser").await;
        b
    })
    .await;
}

/// Publishes frames into `topic` from outside any browser.
pub async fn forge(relay: std::net::SocketAddr, topic: &str, frames: Vec<String>) {
    // The relay only takes publishes into topics the socket subscribed to.
    let mut ws = peerlink_e2e::subscribed_socket(relay, topic).await;
    for data in frames {
        let frame = format!(r#"{{"type":"publish","topic":"{topic}","data":{data}}}"#);
        if ws.send(Message::Text(frame.into())).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let _ = ws.close(None).await;
}

fn envelope(from: PeerId, to: Option<PeerId>, seq: u64, signal: Signal) -> String {
    Envelope {
        from,
        to,
        seq,
        payload: Payload::Open(signal),
    }
    .encode()
}

/// What a hostile relay or client sends: byes and an offer in the pair's
/// names, junk of every kind, and hundreds of fake hellos.
pub fn forgeries(alice: PeerId, bob: PeerId) -> Vec<String> {
    let mut frames = Vec::new();
    // A bye in each one's name, with sequence numbers far ahead.
    frames.push(envelope(alice, None, 1_000_000, Signal::Bye));
    frames.push(envelope(bob, None, 1_000_000, Signal::Bye));
    // An offer and candidates in alice's name, sent to bob.
    let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:evil\r\na=ice-pwd:evilevilevilevilevilevil\r\na=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\n";
    frames.push(envelope(
        alice,
        Some(bob),
        1_000_001,
        Signal::Description(DescriptionBody {
            kind: SdpKind::Offer,
            sdp: sdp.into(),
        }),
    ));
    frames.push(envelope(
        alice,
        Some(bob),
        1_000_002,
        Signal::Candidate(CandidateBody {
            candidate: Some("candidate:1 1 udp 2122260223 10.255.255.1 9 typ host".into()),
            sdp_mid: Some("0".into()),
            sdp_m_line_index: Some(0),
            username_fragment: Some("evil".into()),
        }),
    ));
    // Junk of every kind.
    for junk in [
        "\"junk\"",
        "{}",
        "[1,2,3]",
        r#"{"v":1,"from":"zz","seq":1,"kind":"bye"}"#,
        r#"{"v":9,"from":"00000000000000000000000000000001","seq":1,"kind":"bye","body":{}}"#,
    ] {
        frames.push(junk.to_string());
    }
    // Hundreds of fake hellos from ids nobody owns.
    for i in 0..300u32 {
        let mut bytes = [0u8; 16];
        bytes[..4].copy_from_slice(&i.to_be_bytes());
        bytes[15] = 0x5a;
        frames.push(envelope(
            PeerId::from_bytes(bytes),
            None,
            1,
            Signal::Hello(HelloBody {
                name: format!("fake{i}"),
                caps: vec![],
            }),
        ));
    }
    frames
}

#[tokio::test]
async fn forged_signaling_leaves_a_connected_pair_connected() {
    let harness = Harness::start().await;
    let relay = harness.relay_addr;
    let a_url = harness.room_url("target", "name=alice");
    let b_url = harness.room_url("target", "name=bob");
    with_browsers(&harness, 2, |b| async move {
        page::open_room(&b[0], &a_url).await.expect("opens");
        page::open_room(&b[1], &b_url).await.expect("opens");
        let bob =
            PeerId::parse(&wait_connected(&b[0], 1, "alice sees bob").await[0]).expect("bob's id");
        let alice = PeerId::parse(&wait_connected(&b[1], 1, "bob sees alice").await[0])
            .expect("alice's id");
        // Past the 1.5 s in which the relay is still heard after the control
        // channel opens (IN_BAND_GRACE_MS): from here on the pair is settled.
        tokio::time::sleep(Duration::from_secs(2)).await;

        forge(relay, &topic_for_room("target"), forgeries(alice, bob)).await;

        // Give the forgeries time to do harm, then check nothing happened.
        tokio::time::sleep(Duration::from_secs(3)).await;
        for (browser, other) in [(&b[0], bob), (&b[1], alice)] {
            let peers = page::peers(browser).await;
            let real = peers
                .iter()
                .find(|(id, _)| id == &other.to_string())
                .expect("the real peer is still shown");
            assert_eq!(real.1, "connected", "the real peer is still connected");
            assert!(
                peers.len() <= 16,
                "fake hellos are capped: {} tiles",
                peers.len()
            );
        }
        page::send_chat(&b[0], "still here?").await.expect("types");
        page::wait_chat(&b[1], "still here?", "chat after the forgeries").await;
        page::send_chat(&b[1], "still here.").await.expect("types");
        page::wait_chat(&b[0], "still here.", "chat back after the forgeries").await;
        b
    })
    .await;
}

#[tokio::test]
async fn a_denied_camera_gets_a_clear_error_and_the_call_goes_on_data_only() {
    let harness = Harness::start().await;
    let denied = harness.browser_denying_media().await;
    let other = harness.browser().await;
    let outcome = async {
        page::open_room(&denied, &harness.room_url("refused", "name=shy")).await?;
        page::open_room(&other, &harness.room_url("refused", "name=open")).await?;
        let error = eventually(
            "a clear error about the permission",
            Duration::from_secs(20),
            || async {
                let text = denied
                    .find(By::Css("[data-testid=error]"))
                    .await
                    .ok()?
                    .text()
                    .await
                    .ok()?;
                (text.contains("permission") || text.contains("权限")).then_some(text)
            },
        )
        .await;
        assert!(!error.is_empty());
        wait_connected(&denied, 1, "the denied browser still joins").await;
        wait_connected(&other, 1, "the other sees it").await;
        wait_videos_playing(&denied, "the other's video still arrives").await;
        page::send_chat(&denied, "no camera, still here").await?;
        page::wait_chat(
            &other,
            "no camera, still here",
            "chat from the denied browser",
        )
        .await;
        WebDriverResult::Ok(())
    }
    .await;
    let _ = denied.quit().await;
    let _ = other.quit().await;
    outcome.expect("the denied-camera test ran");
}

#[tokio::test]
async fn a_call_works_over_the_y_webrtc_signaling_server() {
    let harness = Harness::start().await;
    let server = peerlink_e2e::YWebrtcServer::start().await;
    let alice_url = harness.room_url_via(&server.url, "yjs", "name=alice");
    let bob_url = harness.room_url_via(&server.url, "yjs", "name=bob");
    with_browsers(&harness, 2, |b| async move {
        video_call(&b, &alice_url, &bob_url).await;
        page::send_chat(&b[0], "via y-webrtc")
            .await
            .expect("alice types");
        page::wait_chat(&b[1], "via y-webrtc", "bob gets it").await;
        page::send_chat(&b[1], "and back").await.expect("bob types");
        page::wait_chat(&b[0], "and back", "alice gets it").await;
        b
    })
    .await;
    drop(server);
}

#[tokio::test]
async fn a_call_works_over_a_plain_broadcast_relay() {
    let harness = Harness::start().await;
    let relay = peerlink_e2e::BroadcastRelay::start().await;
    let alice_url = harness.room_url_via(&relay.url, "broadcast", "name=alice");
    let bob_url = harness.room_url_via(&relay.url, "broadcast", "name=bob");
    with_browsers(&harness, 2, |b| async move {
        video_call(&b, &alice_url, &bob_url).await;
        page::send_chat(&b[0], "via broadcast")
            .await
            .expect("alice types");
        page::wait_chat(&b[1], "via broadcast", "bob gets it").await;
        page::send_chat(&b[1], "and back").await.expect("bob types");
        page::wait_chat(&b[0], "and back", "alice gets it").await;
        b
    })
    .await;
    drop(relay);
}

/// The `data-mic`/`data-cam` marks of the (only) peer tile `driver` shows.
async fn peer_switches(driver: &WebDriver) -> (String, String) {
    let js = "const t = document.querySelector('[data-testid=peer]'); \
              return t ? [t.dataset.mic || '', t.dataset.cam || ''] : ['', ''];";
    let value = page::script(driver, js).await;
    let part = |i: usize| value[i].as_str().unwrap_or_default().to_string();
    (part(0), part(1))
}

async fn wait_switches(driver: &WebDriver, mic: &str, cam: &str, what: &str) {
    eventually(what, Duration::from_secs(20), || async {
        (peer_switches(driver).await == (mic.to_string(), cam.to_string())).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_muted_microphone_and_a_stopped_camera_show_on_the_other_side() {
    let harness = Harness::start().await;
    let alice_url = harness.room_url("switches", "name=alice");
    let bob_url = harness.room_url("switches", "name=bob");
    with_browsers(&harness, 2, |b| async move {
        video_call(&b, &alice_url, &bob_url).await;
        wait_switches(
            &b[1],
            "on",
            "on",
            "bob sees alice's microphone and camera on",
        )
        .await;
        let click = |control: &'static str| {
            let driver = b[0].clone();
            async move {
                driver
                    .find(By::Css(format!("[data-control={control}]")))
                    .await
                    .expect("the bar button")
                    .click()
                    .await
                    .expect("it clicks");
            }
        };
        click("mic").await;
        wait_switches(&b[1], "off", "on", "bob sees alice muted").await;
        click("camera").await;
        wait_switches(&b[1], "off", "off", "bob sees alice's camera off").await;
        let avatar = page::script(
            &b[1],
            "return !!document.querySelector('[data-testid=peer] .avatar');",
        )
        .await;
        assert_eq!(
            avatar.as_bool(),
            Some(true),
            "a stopped camera shows the avatar"
        );
        click("mic").await;
        wait_switches(&b[1], "on", "off", "bob sees alice unmuted").await;
        assert_eq!(
            peer_switches(&b[0]).await,
            ("on".into(), "on".into()),
            "alice's own marks of bob are untouched"
        );
        b
    })
    .await;
}
