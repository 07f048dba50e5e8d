//! Helpers for the tests that put the relay behind a real reverse proxy
//! (nginx.rs, caddy.rs): free ports, waiting for a listener, and WebSocket
//! clients that connect from a chosen loopback source address.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Error as WsError;

use super::Client;

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
