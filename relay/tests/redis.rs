//! Two relays sharing one Redis server through an outage: local rooms keep
//! working while Redis is down, cross-relay delivery resumes after it comes
//! back, and nobody receives a publish twice.

mod support;

use std::time::Duration;

use serde_json::json;
use support::{Client, Received, TestRedis, TestRelay};

/// Publishes from `from` until `to` hears it (Redis SUBSCRIBE is asynchronous).
async fn until_heard(from: &mut Client, to: &mut Client, tag: &str) -> bool {
    for attempt in 0..100 {
        from.publish("shared", json!({ "probe": tag, "n": attempt }))
            .await;
        while let Some(Received::Text(frame)) = to.next_within(Duration::from_millis(100)).await {
            if frame["data"]["probe"] == json!(tag) {
                return true;
            }
        }
    }
    false
}

/// Everything a client receives within `wait`, as `data` values.
async fn drain(client: &mut Client, wait: Duration) -> Vec<serde_json::Value> {
    let mut got = Vec::new();
    while let Some(Received::Text(frame)) = client.next_within(wait).await {
        got.push(frame["data"].clone());
    }
    got
}

fn count(values: &[serde_json::Value], marker: &serde_json::Value) -> usize {
    values.iter().filter(|v| *v == marker).count()
}

#[tokio::test]
async fn redis_outage_keeps_local_rooms_and_resumes_without_duplicates() {
    let mut redis = TestRedis::start().await;
    let one = TestRelay::start(|c| c.redis = Some(redis.url.clone())).await;
    let two = TestRelay::start(|c| c.redis = Some(redis.url.clone())).await;
    let mut alice = one.client().await;
    let mut carol = one.client().await;
    let mut bob = two.client().await;
    for client in [&mut alice, &mut carol, &mut bob] {
        client.subscribe(&["shared"]).await;
    }
    assert!(
        until_heard(&mut alice, &mut bob, "before").await,
        "cross-relay delivery works"
    );

    redis.stop().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    for client in [&mut alice, &mut carol, &mut bob] {
        drain(client, Duration::from_millis(50)).await;
    }
    alice.publish("shared", json!("during the outage")).await;
    match carol.next().await {
        Received::Text(frame) => assert_eq!(frame["data"], json!("during the outage")),
        other => panic!("carol, on alice's relay, still hears her: {other:?}"),
    }

    redis.restart().await;
    assert!(
        until_heard(&mut alice, &mut bob, "after").await,
        "cross-relay delivery resumes after Redis comes back"
    );
    assert!(
        until_heard(&mut bob, &mut alice, "back").await,
        "in both directions"
    );
    for client in [&mut alice, &mut carol, &mut bob] {
        drain(client, Duration::from_millis(200)).await;
    }
    let marker = json!("exactly once");
    alice.publish("shared", marker.clone()).await;
    for (name, client) in [
        ("alice", &mut alice),
        ("carol", &mut carol),
        ("bob", &mut bob),
    ] {
        let got = drain(client, Duration::from_millis(500)).await;
        assert_eq!(count(&got, &marker), 1, "{name} got {got:?}");
    }
}

#[tokio::test]
async fn redis_with_auth() {
    let redis = TestRedis::start_with_password(Some("s3cret-pass")).await;
    let without = redis.url_without_password();
    let mut config = peerlink_relay::Config::with_listen("127.0.0.1:0".parse().unwrap());
    config.redis = Some(without);
    assert!(
        peerlink_relay::Relay::bind(config).await.is_err(),
        "a relay without the password does not start"
    );
    let one = TestRelay::start(|c| c.redis = Some(redis.url.clone())).await;
    let two = TestRelay::start(|c| c.redis = Some(redis.url.clone())).await;
    let mut alice = one.client().await;
    let mut bob = two.client().await;
    alice.subscribe(&["shared"]).await;
    bob.subscribe(&["shared"]).await;
    assert!(
        until_heard(&mut alice, &mut bob, "auth").await,
        "AUTH from the URL is used"
    );
}

/// `rediss://`: only with `--features tls` (the relay's TLS to Redis goes
/// through the system's OpenSSL). A self-signed certificate made with the
/// openssl CLI; `#insecure` skips verification for it.
#[cfg(feature = "tls")]
#[tokio::test]
async fn redis_over_tls() {
    let dir = std::env::temp_dir().join(format!("peerlink-rediss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(made.success());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = tokio::process::Command::new("redis-server")
        .args([
            "--port",
            "0",
            "--tls-port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
        ])
        .args([
            "--save",
            "",
            "--appendonly",
            "no",
            "--tls-auth-clients",
            "no",
        ])
        .arg("--tls-cert-file")
        .arg(&cert)
        .arg("--tls-key-file")
        .arg(&key)
        .arg("--tls-ca-cert-file")
        .arg(&cert)
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("redis-server starts");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let url = format!("rediss://127.0.0.1:{port}/#insecure");
    let one = TestRelay::start(|c| c.redis = Some(url.clone())).await;
    let two = TestRelay::start(|c| c.redis = Some(url.clone())).await;
    let mut alice = one.client().await;
    let mut bob = two.client().await;
    alice.subscribe(&["shared"]).await;
    bob.subscribe(&["shared"]).await;
    assert!(
        until_heard(&mut alice, &mut bob, "tls").await,
        "publishes cross over rediss://"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
