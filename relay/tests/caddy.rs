//! The relay behind a real Caddy (Debian's package) configured with the block
//! from docs/deploy.md: WebSocket upgrade through it, and per-client caps
//! applied to the addresses Caddy forwards, not to Caddy's own. Skipped, with
//! a message, when caddy is not installed (scripts/setup.sh installs it).

mod support;

use std::net::SocketAddr;

use support::proxy::{
    assert_listening, assert_proxy_limits, binary, docs_block, free_port, relay_behind,
};

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
    let relay = relay_behind("127.0.0.1").await;
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
    assert_listening("caddy", port, &log).await;
    assert_proxy_limits("caddy", port, &relay).await;
    let _ = std::fs::remove_dir_all(&dir);
}
