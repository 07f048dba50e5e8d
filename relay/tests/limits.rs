//! The limits added for running on the public internet, over real sockets on
//! 127.0.0.1: forwarded addresses, the global cap, slowloris, subscribe
//! before publish, per-topic caps, per-address byte rate, origins, /turn,
//! and the CSP following index.html.

mod support;

use std::time::{Duration, Instant};

use peerlink_relay::close_code::POLICY;
use serde_json::json;
use support::{Client, Received, TestRelay};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Error as WsError;

fn refused_with(result: Result<Client, WsError>) -> u16 {
    match result {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("expected a refusal, the upgrade succeeded"),
    }
}

/// A ping round trip (publishes received meanwhile are skipped): proves the
/// connection is open and everything sent before was handled.
async fn pong(client: &mut Client) {
    client.send_text(r#"{"type":"ping"}"#).await;
    loop {
        match client.next().await {
            Received::Text(frame) if frame == json!({"type":"pong"}) => return,
            Received::Text(_) => continue,
            Received::Closed(code) => panic!("closed with {code:?} instead of a pong"),
        }
    }
}

#[tokio::test]
async fn forwarded_for_counts_clients_only_behind_trusted_proxies() {
    let trusting = TestRelay::start(|c| {
        c.max_connections_per_ip = 1;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let url = trusting.ws_url();
    let xff = |value: &'static str| [("x-forwarded-for", value)];
    let _a = Client::connect_with(&url, &xff("198.51.100.1"))
        .await
        .unwrap();
    // A different client behind the same proxy gets its own slot…
    let _b = Client::connect_with(&url, &xff("198.51.100.2"))
        .await
        .unwrap();
    // …a forged left-most entry does not help: the right-most one counts…
    let forged = Client::connect_with(&url, &xff("203.0.113.5, 198.51.100.1")).await;
    assert_eq!(refused_with(forged), 429);
    // …and IPv6 clients are counted per /64.
    let _c = Client::connect_with(&url, &xff("2001:db8:0:1::1"))
        .await
        .unwrap();
    let same64 = Client::connect_with(&url, &xff("2001:db8:0:1::2")).await;
    assert_eq!(refused_with(same64), 429);

    let untrusting = TestRelay::start(|c| c.max_connections_per_ip = 1).await;
    let url = untrusting.ws_url();
    let _a = Client::connect_with(&url, &xff("198.51.100.1"))
        .await
        .unwrap();
    let spoofed = Client::connect_with(&url, &xff("198.51.100.2")).await;
    assert_eq!(
        refused_with(spoofed),
        429,
        "X-Forwarded-For from an untrusted peer is ignored"
    );
}

#[tokio::test]
async fn global_connection_cap_closes_extra_sockets() {
    let relay = TestRelay::start(|c| c.max_connections = 3).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut client = relay.client().await;
        pong(&mut client).await;
        open.push(client);
    }
    let extra = Client::connect_with(&relay.ws_url(), &[]).await;
    assert!(extra.is_err(), "a fourth socket is closed at once");
    let metrics = relay.metrics().await;
    assert!(
        metrics.contains("peerlink_connections_over_global_cap_total 1"),
        "{metrics}"
    );
    drop(open.pop());
    let mut admitted = false;
    for _ in 0..50 {
        if let Ok(mut client) = Client::connect_with(&relay.ws_url(), &[]).await {
            pong(&mut client).await;
            admitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(admitted, "a freed slot admits a new socket");
}

#[tokio::test]
async fn slowloris_is_dropped_while_healthz_keeps_answering() {
    let relay = TestRelay::start(|c| c.header_timeout_secs = 1).await;
    let mut slow = TcpStream::connect(relay.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(4) {
        // One header byte at a time, never finishing the request.
        if slow.write_all(b"X").await.is_err() {
            closed = true;
            break;
        }
        let (status, _, body) = relay.get("/healthz").await;
        assert_eq!(
            (status, body.as_str()),
            (200, "ok\n"),
            "the relay keeps answering"
        );
        let mut buf = [0u8; 512];
        match tokio::time::timeout(Duration::from_millis(200), slow.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(_)) => {
                // hyper may answer 408 before closing; keep reading to the end.
            }
            Err(_) => {}
        }
    }
    assert!(
        closed,
        "the half-sent request was dropped after the header timeout"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "not before the timeout"
    );
}

#[tokio::test]
async fn publish_without_subscribe_is_refused() {
    let relay = TestRelay::start(|_| {}).await;
    let mut listener = relay.client().await;
    listener.subscribe(&["room"]).await;
    pong(&mut listener).await;
    let mut stranger = relay.client().await;
    stranger.publish("room", json!("spray")).await;
    stranger.expect_close(POLICY).await;
    listener.expect_silence(Duration::from_millis(300)).await;
    let metrics = relay.metrics().await;
    assert!(
        metrics.contains("reason=\"not_subscribed\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn per_topic_subscriber_cap_and_publish_rate() {
    let relay = TestRelay::start(|c| {
        c.max_subscribers_per_topic = 2;
        c.topic_publishes_per_second = 0;
        c.topic_publish_burst = 3;
    })
    .await;
    let mut a = relay.client().await;
    let mut b = relay.client().await;
    a.subscribe(&["t"]).await;
    b.subscribe(&["t"]).await;
    pong(&mut a).await;
    pong(&mut b).await;
    let mut third = relay.client().await;
    third.subscribe(&["t"]).await;
    third.expect_close(POLICY).await;

    for n in 0..5 {
        a.publish("t", json!(n)).await;
    }
    for n in 0..3 {
        match b.next().await {
            Received::Text(frame) => assert_eq!(frame["data"], json!(n)),
            other => panic!("{other:?}"),
        }
    }
    b.expect_silence(Duration::from_millis(300)).await;
    let metrics = relay.metrics().await;
    assert!(metrics.contains("reason=\"topic_full\"} 1"), "{metrics}");
    assert!(
        metrics.contains("reason=\"topic_rate_limited\"} 2"),
        "{metrics}"
    );
}

#[tokio::test]
async fn byte_rate_is_shared_by_every_connection_of_an_address() {
    let relay = TestRelay::start(|c| {
        c.ip_bytes_per_second = 1_000;
        c.frames_per_second = 1_000;
    })
    .await;
    let filler = json!("f".repeat(900));
    let mut one = relay.client().await;
    let mut two = relay.client().await;
    one.subscribe(&["a"]).await;
    two.subscribe(&["b"]).await;
    // Burst is 4 000 bytes for the address: one connection's four frames
    // (~3 850 bytes) fit; the second connection's four do not, although each
    // connection alone stays under the burst (refilling the difference would
    // take ~3.7 s).
    for _ in 0..4 {
        one.publish("a", filler.clone()).await;
    }
    pong(&mut one).await;
    for _ in 0..4 {
        two.publish("b", filler.clone()).await;
    }
    two.expect_close(POLICY).await;
    let metrics = relay.metrics().await;
    assert!(metrics.contains("reason=\"ip_byte_rate\"} 1"), "{metrics}");
}

#[tokio::test]
async fn websocket_origins_are_checked() {
    let relay = TestRelay::start(|_| {}).await;
    let url = relay.ws_url();
    let evil = Client::connect_with(&url, &[("origin", "https://evil.example")]).await;
    assert_eq!(refused_with(evil), 403);
    Client::connect_with(&url, &[("origin", "http://localhost:8080")])
        .await
        .unwrap();
    let own = format!("http://{}", relay.addr);
    Client::connect_with(&url, &[("origin", own.as_str())])
        .await
        .unwrap();

    let listed = TestRelay::start(|c| c.allowed_origins = vec!["https://app.example".into()]).await;
    let url = listed.ws_url();
    Client::connect_with(&url, &[("origin", "https://app.example")])
        .await
        .unwrap();
    let local = Client::connect_with(&url, &[("origin", "http://localhost:8080")]).await;
    assert_eq!(refused_with(local), 403, "a list replaces the default");
    let metrics = listed.metrics().await;
    assert!(
        metrics.contains("peerlink_connections_bad_origin_total 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn turn_checks_origin_and_rate_and_reads_the_secret_file() {
    let secret = std::env::temp_dir().join(format!("peerlink-turn-secret-{}", std::process::id()));
    std::fs::write(&secret, "from-a-file\n").unwrap();
    let relay = TestRelay::start(|c| {
        c.turn_secret_file = Some(secret.clone());
        c.turn_urls = vec!["turn:127.0.0.1:3478".into()];
        c.turn_per_minute = 2;
    })
    .await;
    let addr = relay.addr;
    let get = |origin: &'static str| async move {
        support::http_get_with(addr, "/turn", &[origin]).await
    };
    let (status, head, _) = get("Origin: https://evil.example").await;
    assert_eq!(status, 403);
    assert!(!head.contains("access-control-allow-origin"), "{head}");
    let (first, _, body_one) = get("Origin: http://127.0.0.1:1234").await;
    let (second, _, body_two) = get("Origin: http://127.0.0.1:1234").await;
    assert_eq!((first, second), (200, 200));
    let user = |body: &str| {
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        value["iceServers"][0]["username"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_ne!(
        user(&body_one).split_once(':').unwrap().1,
        user(&body_two).split_once(':').unwrap().1,
        "a fresh user part per credential"
    );
    let (third, _, _) = get("Origin: http://127.0.0.1:1234").await;
    assert_eq!(third, 429, "the per-address rate applies");
    let _ = std::fs::remove_file(&secret);
}

#[tokio::test]
async fn csp_follows_index_html_changes() {
    let dir = std::env::temp_dir().join(format!("peerlink-csp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let index = dir.join("index.html");
    std::fs::write(&index, "<script type=\"module\">first()</script>").unwrap();
    let relay = TestRelay::start(|c| c.serve = Some(dir.clone())).await;
    let csp = |head: String| {
        head.lines()
            .find(|l| l.starts_with("content-security-policy:"))
            .expect("a CSP")
            .to_string()
    };
    let before = csp(relay.get("/").await.1);
    // A rebuild under the running relay: new inline loader, new mtime.
    tokio::time::sleep(Duration::from_millis(20)).await;
    std::fs::write(&index, "<script type=\"module\">second_build()</script>").unwrap();
    let file = std::fs::File::options().write(true).open(&index).unwrap();
    file.set_modified(std::time::SystemTime::now() + Duration::from_secs(1))
        .unwrap();
    let (status, head, body) = relay.get("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("second_build()"));
    let after = csp(head);
    assert_ne!(before, after, "the CSP hashes the new inline script");
    let _ = std::fs::remove_dir_all(&dir);
}
