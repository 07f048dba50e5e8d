//! Helpers for the tests that put the relay behind a real reverse proxy
//! (nginx.rs, caddy.rs): free ports, waiting for a listener, and WebSocket
//! clients that connect from a chosen loopback source address, and the
//! checks both tests make through their proxy.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Error as WsError;

use super::{Client, Received, TestRelay};

/// The first of `candidates` that exists.
pub fn binary(candidates: &[&str]) -> Option<PathBuf> {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|path| path.is_file())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether something accepts on 127.0.0.1:`port` within 10 s.
pub async fn listening(port: u16) -> bool {
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// Waits for the proxy `name` to listen on 127.0.0.1:`port`; fails the test
/// with the proxy's `log` when it does not.
pub async fn assert_listening(name: &str, port: u16, log: &Path) {
    let up = listening(port).await;
    let log = std::fs::read_to_string(log).unwrap_or_default();
    assert!(up, "{name} listens on 127.0.0.1:{port}: {log}");
}

/// A relay that trusts X-Forwarded-For only from `proxy_source` (the address
/// the proxy connects from) and allows one connection per client address.
pub async fn relay_behind(proxy_source: &str) -> TestRelay {
    let trusted = format!("{proxy_source}/32").parse().unwrap();
    TestRelay::start(|c| {
        c.trusted_proxies = vec![trusted];
        c.max_connections_per_ip = 1;
    })
    .await
}

/// What every proxy test checks through the proxy `name` on 127.0.0.1:`port`
/// in front of `relay` (started by [`relay_behind`]): the WebSocket upgrade
/// and frames, a slot per forwarded client address that a forged
/// X-Forwarded-For cannot escape (429), a foreign Origin refused (403), and
/// the relay counting the two clients, not the proxy.
pub async fn assert_proxy_limits(name: &str, port: u16, relay: &TestRelay) {
    // The upgrade goes through, with the page's own origin, and frames flow.
    let origin = format!("http://127.0.0.1:{port}");
    let mut alice = connect_from("127.0.0.3", port, &[("origin", origin)])
        .await
        .unwrap();
    let text = json!(format!("through {name}"));
    alice.subscribe(&["room"]).await;
    alice.publish("room", text.clone()).await;
    match alice.next().await {
        Received::Text(frame) => assert_eq!(frame["data"], text),
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
}

/// The fenced block after "````lang`\n" in docs/deploy.md.
pub fn docs_block(lang: &str) -> String {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/deploy.md"))
        .expect("docs/deploy.md");
    docs.split(&format!("```{lang}\n"))
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("a {lang} block in docs/deploy.md"))
        .to_string()
}

/// A WebSocket to the proxy on 127.0.0.1:`port`, from the loopback address `from`.
pub async fn connect_from(
    from: &str,
    port: u16,
    headers: &[(&'static str, String)],
) -> Result<Client, WsError> {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(from.parse::<IpAddr>().unwrap(), 0))
        .unwrap();
    let stream: TcpStream = socket.connect(([127, 0, 0, 1], port).into()).await.unwrap();
    let mut request = format!("ws://127.0.0.1:{port}/ws").into_client_request()?;
    for (name, value) in headers {
        request.headers_mut().insert(*name, value.parse().unwrap());
    }
    let (ws, _) =
        tokio_tungstenite::client_async(request, tokio_tungstenite::MaybeTlsStream::Plain(stream))
            .await?;
    Ok(Client { ws })
}

/// 101 for an upgrade, else the HTTP status the upgrade was refused with.
pub fn status(result: Result<Client, WsError>) -> u16 {
    match result {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => 101,
    }
}
