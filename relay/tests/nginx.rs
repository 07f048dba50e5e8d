//! The relay behind a real nginx (Debian's package) configured with the block
//! from docs/deploy.md: WebSocket upgrade through it, and per-client caps
//! applied to the forwarded addresses, not to the proxy's. Skipped, with a
//! message, when nginx is not installed (scripts/setup.sh installs it).

mod support;

use std::net::SocketAddr;
use std::path::Path;

use support::proxy::{
    assert_listening, assert_proxy_limits, binary, docs_block, free_port, relay_behind,
};

/// The address nginx connects to the relay from; the only trusted proxy.
const PROXY_SOURCE: &str = "127.0.0.2";

/// The first ```nginx block of docs/deploy.md, made to run on loopback:
/// no TLS, a free port, the test relay upstream, and a source address for
/// the proxied connections so the relay can tell nginx from clients.
fn config_from_docs(dir: &Path, port: u16, relay: SocketAddr) -> String {
    let block = docs_block("nginx");
    let mut server = String::new();
    for line in block.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("ssl_") || trimmed.starts_with("listen [::]") {
            continue;
        }
        if trimmed.starts_with("listen 443") {
            server.push_str(&format!("    listen 127.0.0.1:{port};\n"));
        } else if trimmed.starts_with("proxy_pass http://127.0.0.1:8787;") {
            server.push_str(&format!("        proxy_pass http://{relay};\n"));
            server.push_str(&format!("        proxy_bind {PROXY_SOURCE};\n"));
        } else {
            server.push_str(line);
            server.push('\n');
        }
    }
    let d = dir.display();
    format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
         {server}}}\n"
    )
}

#[tokio::test]
async fn relay_behind_nginx_with_the_documented_config() {
    let Some(nginx) = binary(&["/usr/sbin/nginx", "/usr/bin/nginx"]) else {
        println!("SKIPPED relay_behind_nginx_with_the_documented_config: nginx is not installed (scripts/setup.sh installs it)");
        return;
    };
    let relay = relay_behind(PROXY_SOURCE).await;
    let dir = std::env::temp_dir().join(format!("peerlink-nginx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, config_from_docs(&dir, port, relay.addr)).unwrap();
    let _nginx = tokio::process::Command::new(nginx)
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(&conf)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        // One process (master_process off), so killing it leaves no worker.
        .kill_on_drop(true)
        .spawn()
        .expect("nginx starts");
    assert_listening("nginx", port, &dir.join("error.log")).await;
    assert_proxy_limits("nginx", port, &relay).await;
    let _ = std::fs::remove_dir_all(&dir);
}
