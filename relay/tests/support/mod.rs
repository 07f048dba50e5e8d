//! Test harness: an in-process relay on a free loopback port, WebSocket
//! clients for it, and a real redis-server when a test needs one.

#![allow(dead_code)]

pub mod proxy;

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use peerlink_relay::{Config, Relay};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const WAIT: Duration = Duration::from_secs(5);

pub struct TestRelay {
    pub addr: SocketAddr,
    pub metrics_addr: Option<SocketAddr>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestRelay {
    pub async fn start(tweak: impl FnOnce(&mut Config)) -> TestRelay {
        let mut config = Config::with_listen("127.0.0.1:0".parse().unwrap());
        config.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
        tweak(&mut config);
        let relay = Relay::bind(config).await.expect("relay binds");
        let addr = relay.local_addr().unwrap();
        let metrics_addr = relay.metrics_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            relay
                .serve_until(async {
                    let _ = stopped.await;
                })
                .await
                .expect("relay serves");
        });
        TestRelay {
            addr,
            metrics_addr,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    pub async fn client(&self) -> Client {
        Client::connect(&self.ws_url()).await
    }

    pub async fn get(&self, path: &str) -> (u16, String, String) {
        http_get(self.addr, path).await
    }

    /// The Prometheus text from the metrics listener.
    pub async fn metrics(&self) -> String {
        let addr = self.metrics_addr.expect("tests run a metrics listener");
        http_get(addr, "/metrics").await.2
    }

    /// Stops the relay and waits until it has shut down.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
        }
    }
}

impl Drop for TestRelay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A minimal HTTP/1.1 GET over a raw socket: (status, headers, body).
pub async fn http_get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    http_get_with(addr, path, &[]).await
}

/// A GET with extra header lines ("Name: value").
pub async fn http_get_with(addr: SocketAddr, path: &str, extra: &[&str]) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let extra: String = extra.iter().map(|line| format!("{line}\r\n")).collect();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_lowercase(), body.to_string())
}

pub struct Client {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

#[derive(Debug, PartialEq)]
pub enum Received {
    Text(serde_json::Value),
    Closed(Option<u16>),
}

impl Client {
    pub async fn connect(url: &str) -> Client {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket connects");
        Client { ws }
    }

    /// Connects with extra request headers; the error when the upgrade is refused.
    pub async fn connect_with(
        url: &str,
        headers: &[(&'static str, &str)],
    ) -> Result<Client, tokio_tungstenite::tungstenite::Error> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.into_client_request()?;
        for (name, value) in headers {
            request
                .headers_mut()
                .insert(*name, value.parse().expect("a header value"));
        }
        let (ws, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Client { ws })
    }

    pub async fn send_text(&mut self, text: impl Into<String>) {
        let _ = self.ws.send(Message::Text(text.into().into())).await;
    }

    pub async fn subscribe(&mut self, topics: &[&str]) {
        self.send_text(serde_json::json!({"type":"subscribe","topics":topics}).to_string())
            .await;
    }

    pub async fn publish(&mut self, topic: &str, data: serde_json::Value) {
        self.send_text(serde_json::json!({"type":"publish","topic":topic,"data":data}).to_string())
            .await;
    }

    /// The next text frame or the close, skipping pings; panics after `WAIT`.
    pub async fn next(&mut self) -> Received {
        self.next_within(WAIT)
            .await
            .expect("a frame within the wait")
    }

    pub async fn next_within(&mut self, wait: Duration) -> Option<Received> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()?;
            match message {
                Some(Ok(Message::Text(text))) => {
                    return Some(Received::Text(
                        serde_json::from_str(&text).expect("relay sends JSON"),
                    ))
                }
                Some(Ok(Message::Close(frame))) => {
                    return Some(Received::Closed(frame.map(|f| u16::from(f.code))))
                }
                Some(Ok(_)) => continue,
                Some(Err(err)) => {
                    eprintln!("read error: {err}");
                    return Some(Received::Closed(None));
                }
                None => return Some(Received::Closed(None)),
            }
        }
    }

    /// Asserts nothing but pings arrives for `wait`.
    pub async fn expect_silence(&mut self, wait: Duration) {
        if let Some(got) = self.next_within(wait).await {
            panic!("expected silence, got {got:?}");
        }
    }

    pub async fn expect_close(&mut self, code: u16) {
        loop {
            match self.next().await {
                Received::Closed(got) => {
                    assert_eq!(got, Some(code), "close code");
                    return;
                }
                Received::Text(_) => continue,
            }
        }
    }
}

pub fn close_code(code: CloseCode) -> u16 {
    u16::from(code)
}

/// A redis-server on a free loopback port, killed when dropped; it can be
/// stopped and started again on the same port.
pub struct TestRedis {
    pub url: String,
    port: u16,
    password: Option<String>,
    child: Option<tokio::process::Child>,
}

impl TestRedis {
    pub async fn start() -> TestRedis {
        Self::start_with_password(None).await
    }

    /// A server that requires AUTH with `password` (`requirepass`).
    pub async fn start_with_password(password: Option<&str>) -> TestRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = match password {
            Some(password) => format!("redis://:{password}@127.0.0.1:{port}"),
            None => format!("redis://127.0.0.1:{port}"),
        };
        let mut redis = TestRedis {
            url,
            port,
            password: password.map(str::to_string),
            child: None,
        };
        redis.restart().await;
        redis
    }

    /// Kills the server (as an outage would) and waits until it is gone.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// The URL without the password.
    pub fn url_without_password(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) on its port and waits until it accepts.
    pub async fn restart(&mut self) {
        let port = self.port;
        let mut command = tokio::process::Command::new("redis-server");
        if let Some(password) = &self.password {
            command.args(["--requirepass", password]);
        }
        let child = command
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server is installed (scripts/setup.sh installs it)");
        self.child = Some(child);
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start on port {port}");
    }
}

/// Raises the open-file limit to the hard limit, for tests holding many sockets.
pub fn raise_fd_limit() {
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}
