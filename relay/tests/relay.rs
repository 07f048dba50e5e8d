//! The relay over real sockets on 127.0.0.1: y-webrtc fan-out, every limit,
//! hostile input, slow readers, heartbeats, shutdown and Redis scale-out.

mod support;

use std::time::Duration;

use futures_util::SinkExt;
use peerlink_relay::close_code::{GOING_AWAY, POLICY, TOO_BIG, UNSUPPORTED};
use serde_json::json;
use support::{Received, TestRedis, TestRelay};
use tokio_tungstenite::tungstenite::Message;

const SHORT: Duration = Duration::from_millis(300);

fn publish_frame(topic: &str, data: serde_json::Value, clients: u64) -> Received {
    Received::Text(json!({"type":"publish","topic":topic,"data":data,"clients":clients}))
}

#[tokio::test]
async fn publish_reaches_every_subscriber_including_the_sender() {
    let relay = TestRelay::start(|_| {}).await;
    let mut clients = Vec::new();
    for _ in 0..3 {
        let mut client = relay.client().await;
        client.subscribe(&["room"]).await;
        clients.push(client);
    }
    // Subscriptions are processed in order per connection; a ping round trip
    // proves the last subscribe has been applied.
    clients[2].send_text(r#"{"type":"ping"}"#).await;
    assert_eq!(
        clients[2].next().await,
        Received::Text(json!({"type":"pong"}))
    );

    clients[0].publish("room", json!({"hello": "world"})).await;
    for client in &mut clients {
        assert_eq!(
            client.next().await,
            publish_frame("room", json!({"hello": "world"}), 3)
        );
    }
}

#[tokio::test]
async fn topics_are_isolated_and_unsubscribe_stops_delivery() {
    let relay = TestRelay::start(|_| {}).await;
    let mut a = relay.client().await;
    let mut b = relay.client().await;
    let mut other = relay.client().await;
    a.subscribe(&["t1"]).await;
    b.subscribe(&["t1"]).await;
    other.subscribe(&["t2"]).await;
    b.send_text(r#"{"type":"ping"}"#).await;
    b.next().await;
    other.send_text(r#"{"type":"ping"}"#).await;
    other.next().await;

    a.publish("t1", json!(1)).await;
    assert_eq!(b.next().await, publish_frame("t1", json!(1), 2));
    other.expect_silence(SHORT).await;

    b.send_text(r#"{"type":"unsubscribe","topics":["t1"]}"#)
        .await;
    b.send_text(r#"{"type":"ping"}"#).await;
    assert_eq!(b.next().await, Received::Text(json!({"type":"pong"})));
    a.publish("t1", json!(2)).await;
    assert_eq!(a.next().await, publish_frame("t1", json!(1), 2));
    assert_eq!(a.next().await, publish_frame("t1", json!(2), 1));
    b.expect_silence(SHORT).await;
}

#[tokio::test]
async fn oversized_frame_closes_with_1009_and_spares_others() {
    let relay = TestRelay::start(|_| {}).await;
    let mut bystander = relay.client().await;
    bystander.subscribe(&["t"]).await;
    let mut attacker = relay.client().await;
    attacker.publish("t", json!("x".repeat(70 * 1024))).await;
    attacker.expect_close(TOO_BIG).await;

    // A 10 MB message is cut off too, and the relay keeps serving.
    let mut huge = relay.client().await;
    huge.send_text("y".repeat(10 * 1024 * 1024)).await;
    assert!(matches!(huge.next().await, Received::Closed(_)));

    let mut sender = relay.client().await;
    sender.subscribe(&["t"]).await;
    sender.publish("t", json!("fine")).await;
    assert_eq!(bystander.next().await, publish_frame("t", json!("fine"), 2));
    let metrics = relay.metrics().await;
    assert!(
        metrics.contains("peerlink_frames_dropped_total{reason=\"too_large\"} 2"),
        "{metrics}"
    );
}

#[tokio::test]
async fn garbage_and_binary_frames_close_only_that_connection() {
    let relay = TestRelay::start(|_| {}).await;
    let mut bystander = relay.client().await;
    bystander.subscribe(&["t"]).await;

    for junk in [
        "not json",
        "{}",
        r#"{"type":"publish","topic":"t"}"#,
        r#"{"type":"subscribe","topics":"t"}"#,
        "[1,2,3]",
        "\u{0}",
    ] {
        let mut bad = relay.client().await;
        bad.send_text(junk).await;
        bad.expect_close(POLICY).await;
    }
    let mut binary = relay.client().await;
    let _ = binary.ws.send(Message::Binary(vec![1, 2, 3].into())).await;
    binary.expect_close(UNSUPPORTED).await;

    let mut sender = relay.client().await;
    sender.subscribe(&["t"]).await;
    sender.publish("t", json!("still here")).await;
    assert_eq!(
        bystander.next().await,
        publish_frame("t", json!("still here"), 2)
    );
    let metrics = relay.metrics().await;
    assert!(
        metrics.contains("peerlink_frames_dropped_total{reason=\"unparsable\"} 6"),
        "{metrics}"
    );
    assert!(
        metrics.contains("peerlink_frames_dropped_total{reason=\"binary\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn topic_limit_per_connection() {
    let relay = TestRelay::start(|c| c.max_topics_per_connection = 3).await;
    let mut client = relay.client().await;
    client.subscribe(&["a", "b", "c"]).await;
    client.subscribe(&["a"]).await; // already subscribed: not a new topic
    client.send_text(r#"{"type":"ping"}"#).await;
    assert_eq!(client.next().await, Received::Text(json!({"type":"pong"})));
    client.subscribe(&["d"]).await;
    client.expect_close(POLICY).await;
}

#[tokio::test]
async fn frame_rate_limit_per_connection() {
    let relay = TestRelay::start(|c| {
        c.frames_per_second = 1;
        c.frame_burst = 5;
    })
    .await;
    let mut client = relay.client().await;
    for _ in 0..5 {
        client.send_text(r#"{"type":"ping"}"#).await;
        assert_eq!(client.next().await, Received::Text(json!({"type":"pong"})));
    }
    client.send_text(r#"{"type":"ping"}"#).await;
    client.expect_close(POLICY).await;
}

#[tokio::test]
async fn connections_per_ip_are_capped() {
    let relay = TestRelay::start(|c| c.max_connections_per_ip = 2).await;
    let first = relay.client().await;
    let _second = relay.client().await;
    let refused = tokio_tungstenite::connect_async(relay.ws_url()).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429)
        }
        other => panic!(
            "third connection should be refused, got {:?}",
            other.map(|_| ())
        ),
    }
    // A slot frees when a connection goes.
    drop(first);
    let mut admitted = false;
    for _ in 0..50 {
        if tokio_tungstenite::connect_async(relay.ws_url())
            .await
            .is_ok()
        {
            admitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(admitted, "a freed slot admits a new connection");
}

#[tokio::test]
async fn slow_reader_is_disconnected_and_memory_stays_bounded() {
    let relay = TestRelay::start(|c| {
        c.send_queue = 4;
        c.frames_per_second = 100_000;
        c.frame_burst = 100_000;
    })
    .await;
    let mut slow = relay.client().await;
    slow.subscribe(&["t"]).await;
    let mut fast = relay.client().await;
    fast.subscribe(&["t"]).await;
    fast.send_text(r#"{"type":"ping"}"#).await;
    fast.next().await;

    // 60 KiB frames until the slow reader's socket buffers and queue are full.
    let payload = json!("z".repeat(60 * 1024));
    let mut publisher = relay.client().await;
    publisher.subscribe(&["t"]).await;
    let mut kicked = false;
    for _ in 0..2_000 {
        publisher.publish("t", payload.clone()).await;
        // Keep the fast readers drained so only `slow` falls behind.
        while let Some(Received::Text(_)) = fast.next_within(Duration::from_millis(1)).await {}
        while let Some(Received::Text(_)) = publisher.next_within(Duration::from_millis(1)).await {}
        let metrics = relay.metrics().await;
        if metrics.contains("peerlink_frames_dropped_total{reason=\"slow_reader\"} 1") {
            kicked = true;
            break;
        }
    }
    assert!(kicked, "the slow reader was disconnected");
    publisher.publish("t", json!("after")).await;
    loop {
        match fast.next().await {
            Received::Text(frame) if frame["data"] == json!("after") => {
                assert_eq!(
                    frame["clients"],
                    json!(2),
                    "only the fast reader and the publisher are left in the topic"
                );
                break;
            }
            Received::Text(_) => continue,
            Received::Closed(code) => panic!("fast reader closed: {code:?}"),
        }
    }
}

#[tokio::test]
async fn silent_client_is_dropped_after_the_heartbeat_timeout() {
    let relay = TestRelay::start(|c| c.heartbeat_secs = 1).await;
    let mut silent = relay.client().await;
    // Not reading means not answering pings: the relay must give up on us.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    silent.expect_close(GOING_AWAY).await;
    let metrics = relay.metrics().await;
    assert!(
        metrics.contains("peerlink_frames_dropped_total{reason=\"heartbeat_timeout\"} 1"),
        "{metrics}"
    );

    // A client that reads (and so answers pings) stays.
    let mut lively = relay.client().await;
    lively.expect_silence(Duration::from_millis(2_500)).await;
    lively.send_text(r#"{"type":"ping"}"#).await;
    assert_eq!(lively.next().await, Received::Text(json!({"type":"pong"})));
}

#[tokio::test]
async fn thousand_concurrent_connections_in_a_hundred_topics() {
    support::raise_fd_limit();
    let relay = TestRelay::start(|c| c.max_connections_per_ip = 2_000).await;
    let mut clients = Vec::with_capacity(1_000);
    for i in 0..1_000 {
        let mut client = relay.client().await;
        client.subscribe(&[&format!("topic-{}", i % 100)]).await;
        clients.push(client);
    }
    for client in clients.iter_mut().skip(900) {
        client.send_text(r#"{"type":"ping"}"#).await;
        assert_eq!(client.next().await, Received::Text(json!({"type":"pong"})));
    }
    for (i, client) in clients.iter_mut().take(100).enumerate() {
        client.publish(&format!("topic-{i}"), json!(i)).await;
    }
    for (i, client) in clients.iter_mut().enumerate() {
        let topic = i % 100;
        assert_eq!(
            client.next().await,
            publish_frame(&format!("topic-{topic}"), json!(topic), 10)
        );
    }
    let metrics = relay.metrics().await;
    assert!(metrics.contains("peerlink_connections 1000"), "{metrics}");
    assert!(metrics.contains("peerlink_topics 100"), "{metrics}");
}

#[tokio::test]
async fn shutdown_sends_every_client_a_close_frame() {
    let relay = TestRelay::start(|_| {}).await;
    let mut a = relay.client().await;
    let mut b = relay.client().await;
    a.subscribe(&["t"]).await;
    relay.stop().await;
    a.expect_close(GOING_AWAY).await;
    b.expect_close(GOING_AWAY).await;
}

#[tokio::test]
async fn health_metrics_and_turn_endpoints() {
    let relay = TestRelay::start(|c| c.metrics_listen = Some("127.0.0.1:0".parse().unwrap())).await;
    let (status, _, body) = relay.get("/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    let (status, _, _) = relay.get("/metrics").await;
    assert_eq!(status, 404, "metrics stay off the public port");
    let metrics = relay.metrics_addr.expect("a metrics listener");
    let (status, _, body) = support::http_get(metrics, "/metrics").await;
    assert_eq!(status, 200);
    assert!(body.contains("# TYPE peerlink_connections gauge"));
    let (status, _, _) = relay.get("/turn").await;
    assert_eq!(status, 404, "no TURN secret, no credentials");

    let turn = TestRelay::start(|c| {
        c.turn_secret = Some("s3cret".into());
        c.turn_urls = vec!["turn:127.0.0.1:3478".into()];
    })
    .await;
    let origin = "Origin: http://localhost:8080";
    let (status, head, body) = support::http_get_with(turn.addr, "/turn", &[origin]).await;
    assert_eq!(status, 200);
    assert!(head.contains("cache-control: no-store"));
    assert!(
        head.contains("access-control-allow-origin: http://localhost:8080"),
        "an allowed page gets its own origin back, never *: {head}"
    );
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    let server = &value["iceServers"][0];
    assert_eq!(server["urls"], json!(["turn:127.0.0.1:3478"]));
    let username = server["username"].as_str().unwrap();
    let parts: Vec<&str> = username.split(':').collect();
    assert!(
        parts.len() == 3 && parts[0].parse::<u64>().is_ok() && parts[1].len() == 16,
        "<expiry>:<random>:peerlink, got {username}"
    );
    assert!(username.ends_with(":peerlink"), "{username}");
    // base64 of a 20-byte HMAC-SHA1
    assert_eq!(server["credential"].as_str().unwrap().len(), 28);
}

#[tokio::test]
async fn serves_the_app_with_security_headers() {
    let dir = std::env::temp_dir().join(format!("peerlink-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<html><script type=\"module\">boot()</script></html>",
    )
    .unwrap();
    let relay = TestRelay::start(|c| c.serve = Some(dir.clone())).await;
    let (status, head, body) = relay.get("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("boot()"));
    assert!(head.contains("x-content-type-options: nosniff"));
    assert!(head.contains("referrer-policy: no-referrer"));
    let csp = head
        .lines()
        .find(|l| l.starts_with("content-security-policy:"))
        .expect("a CSP header");
    assert!(csp.contains("connect-src 'self' ws: wss:"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    // sha256 of "boot()", base64
    assert!(csp.contains("'sha256-"), "{csp}");
    let (status, _, _) = relay.get("/missing.js").await;
    assert_eq!(status, 404);
    // The relay still answers on /ws and /healthz when serving files.
    let (status, _, _) = relay.get("/healthz").await;
    assert_eq!(status, 200);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn two_relays_share_topics_through_redis() {
    let redis = TestRedis::start().await;
    let one = TestRelay::start(|c| c.redis = Some(redis.url.clone())).await;
    let two = TestRelay::start(|c| c.redis = Some(redis.url.clone())).await;
    let mut alice = one.client().await;
    let mut bob = two.client().await;
    alice.subscribe(&["shared"]).await;
    bob.subscribe(&["shared"]).await;
    let mut lonely = two.client().await;
    lonely.subscribe(&["elsewhere"]).await;

    // Redis SUBSCRIBE is asynchronous: publish until bob hears alice.
    let mut heard = false;
    for attempt in 0..50 {
        alice.publish("shared", json!({"n": attempt})).await;
        if let Some(Received::Text(frame)) = bob.next_within(Duration::from_millis(100)).await {
            assert_eq!(frame["topic"], "shared");
            heard = true;
            break;
        }
    }
    assert!(
        heard,
        "a publish on relay one reaches a subscriber on relay two"
    );
    bob.publish("shared", json!("from bob")).await;
    loop {
        match alice.next().await {
            Received::Text(frame) if frame["data"] == json!("from bob") => break,
            Received::Text(_) => continue,
            Received::Closed(code) => panic!("alice closed: {code:?}"),
        }
    }
    lonely.expect_silence(SHORT).await;
}
