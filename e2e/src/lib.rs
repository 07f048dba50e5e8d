//! End-to-end harness: the built app (`dist/`) served by an in-process relay
//! on a free loopback port, and real headless browsers driven over WebDriver
//! by a chromedriver this harness starts and always stops.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use peerlink_relay::{Config, Relay};
use thirtyfour::prelude::*;
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

pub use thirtyfour;

/// Where `trunk build --release` puts the app.
pub fn dist_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn wait_for_port(port: u16, what: &str) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not start listening on port {port}");
}

/// The relay (serving the app) and a chromedriver; both stop when dropped.
pub struct Harness {
    pub relay_addr: SocketAddr,
    relay_stop: Option<oneshot::Sender<()>>,
    driver_url: String,
    _driver: Child,
}

impl Harness {
    pub async fn start() -> Harness {
        let dist = dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "{} has no index.html: run `trunk build --release --offline` first (make test does)",
            dist.display()
        );
        let mut config = Config::with_listen("127.0.0.1:0".parse().expect("an address"));
        config.serve = Some(dist);
        let relay = Relay::bind(config).await.expect("the relay binds");
        let relay_addr = relay.local_addr().expect("the relay's address");
        let (relay_stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(relay.serve_until(async {
            let _ = stopped.await;
        }));

        let port = free_port();
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|err| {
                panic!(
                    "cannot start {driver_bin}: {err} (scripts/setup.sh installs chromium-driver)"
                )
            });
        wait_for_port(port, "chromedriver").await;
        Harness {
            relay_addr,
            relay_stop: Some(relay_stop),
            driver_url: format!("http://127.0.0.1:{port}"),
            _driver: driver,
        }
    }

    /// The app's URL for `room` with extra query parameters (`name=alice&media=none`).
    /// Tests never reach the internet: the ICE server list is empty (host candidates only).
    pub fn room_url(&self, room: &str, query: &str) -> String {
        let relay = format!("ws://{}/ws", self.relay_addr);
        let sep = if query.is_empty() { "" } else { "&" };
        format!(
            "http://{}/?relay={}&ice=%5B%5D{sep}{query}#{room}",
            self.relay_addr,
            urlencode(&relay)
        )
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/", self.relay_addr)
    }

    /// A new headless Chromium session with fake camera and microphone.
    pub async fn browser(&self) -> WebDriver {
        let mut caps = DesiredCapabilities::chrome();
        let binary = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        caps.set_binary(&binary).expect("binary capability");
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-features=WebRtcHideLocalIpsWithMdns",
            "--allow-loopback-in-peer-connection",
            "--autoplay-policy=no-user-gesture-required",
            "--window-size=1280,800",
        ] {
            caps.add_arg(arg).expect("chrome argument");
        }
        WebDriver::new(&self.driver_url, caps)
            .await
            .expect("a WebDriver session")
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(stop) = self.relay_stop.take() {
            let _ = stop.send(());
        }
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Polls `check` every 100 ms until it returns `Some`, or panics with `what`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
