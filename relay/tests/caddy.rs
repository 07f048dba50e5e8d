//! The relay behind a real Caddy (Debian's package) configured with the block
//! from docs/deploy.md: WebSocket upgrade through it, and per-client caps
//! applied to the addresses Caddy forwards, not to Caddy's own. Skipped, with
//! a message, when caddy is not installed (scripts/setup.sh installs it).

mod support;

use std::net::SocketAddr;

use serde_json::json;
use support::proxy::{binary, connect_from, docs_block, free_port, listening, status};
use support::{Received, TestRelay};

/// The ```caddy block of docs/deploy.md, made to run on loopback: plain
/// HTTP on a free port instead of the site's name (so no certificate), the
/// test relay upstream, and no admin endpoint (tests run side by side).
fn config_from_docs(port: u16, relay: SocketAddr) -> String {
    let mut config = String::new();
    for (index, line) in docs_block("caddy").lines().enumerate() {
        let trimmed = line.trim();
        if index == 0 && trimmed == "{" {
            config.push_str("{\n\tadmin off\n");
        } else if trimmed == "peerlink.example.com {" {
            config.push_str(&format!("http://127.0.0.1:{port} {{\n"));
        } else if trimmed == "reverse_proxy 127.0.0.1:8787 {" {
            config.push_str(&format!("\treverse_proxy {relay} {{\n"));
        } else {
            config.push_str(line);
            config.push('\n');
        }
    }
    assert!(
        config.contains("admin off"),
        "the docs' block starts with Caddy's global options: {config}"
    );
    config
}

#[tokio::test]
async fn relay_behind_caddy_with_the_documented_config() {
    let Some(caddy) = binary(&["/usr/bin/caddy", "/usr/local/bin/caddy"]) else {
        println!("SKIPPED relay_behind_caddy_with_the_documented_config: caddy is not installed (scripts/setup.sh installs it)");
        return;
    };
    // Caddy reaches the relay from 127.0.0.1; the clients below come from
    // other loopback addresses, so the relay can tell them apart.
    let relay = TestRelay::start(|c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        c.max_connections_per_ip = 1;
    })
    .await;
    let dir = std::env::temp_dir().join(format!("peerlink-caddy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let conf = dir.join("Caddyfile");
    std::fs::write(&conf, config_from_docs(port, relay.addr)).unwrap();
    let log = dir.join("caddy.log");
    let _caddy = tokio::process::Command::new(caddy)
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&conf)
        // Caddy keeps its state under these; not in the user's home.
        .env("HOME", &dir)
        .env("XDG_DATA_HOME", &dir)
        .env("XDG_CONFIG_HOME", &dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .expect("caddy starts");
    let up = listening(port).await;
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(up, "caddy listens on 127.0.0.1:{port}: {log}");

    // The upgrade goes through, with the page's own origin, and frames flow.
    let origin = format!("http://127.0.0.1:{port}");
    let mut alice = connect_from("127.0.0.3", port, &[("origin", origin.clone())])
        .await
        .unwrap();
    alice.subscribe(&["room"]).await;
    alice.publish("room", json!("through caddy")).await;
    match alice.next().await {
        Received::Text(frame) => assert_eq!(frame["data"], json!("through caddy")),
        other => panic!("{other:?}"),
    }
    // Another client address behind the same proxy has its own slot…
    let _bob = connect_from("127.0.0.4", port, &[]).await.unwrap();
    // …the same address does not, even with a forged X-Forwarded-For…
    let forged = [("x-forwarded-for", "198.51.100.9".to_string())];
    assert_eq!(status(connect_from("127.0.0.3", port, &forged).await), 429);
    // …and a page from another origin is refused through the proxy too.
    let evil = [("origin", "https://evil.example".to_string())];
    assert_eq!(status(connect_from("127.0.0.5", port, &evil).await), 403);
    let metrics = relay.metrics().await;
    assert!(metrics.contains("peerlink_connections 2"), "{metrics}");
    let _ = std::fs::remove_dir_all(&dir);
}
