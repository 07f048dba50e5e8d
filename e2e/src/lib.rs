//! End-to-end harness: the built app (`dist/`) served by an in-process relay
//! on a free loopback port, and real headless browsers (Chromium, and
//! Firefox ESR: `firefox.rs`) driven over WebDriver by drivers this harness
//! starts and always stops. Any page error fails the test (`page_errors.rs`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use peerlink_relay::{Config, Relay};
use thirtyfour::prelude::*;
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

pub use thirtyfour;

mod firefox;
pub mod memory;
pub mod page_errors;

/// Which browser a session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    Chromium,
    Firefox,
}

pub mod coturn;

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

/// A started WebDriver server (chromedriver, geckodriver) and its URL.
struct Driver {
    url: String,
    child: Child,
}

/// Starts the WebDriver server `binary` (with `args`) on a free loopback
/// port and waits until it listens. Its own process group: the browsers it
/// launches join it, and Drop kills the whole group, so no browser outlives
/// a failed test. `package` is what scripts/setup.sh installs it from.
async fn spawn_driver(binary: &str, args: &[&str], package: &str) -> Driver {
    let port = free_port();
    let child = Command::new(binary)
        .args(args)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|err| {
            panic!("cannot start {binary}: {err} (scripts/setup.sh installs {package})")
        });
    let name = std::path::Path::new(binary)
        .file_name()
        .map_or(binary.into(), |name| name.to_string_lossy());
    wait_for_port(port, &name).await;
    Driver {
        url: format!("http://127.0.0.1:{port}"),
        child,
    }
}

/// The y-webrtc 10.3.0 reference signaling server (npm, installed by
/// scripts/setup.sh) on a free loopback port; stopped when dropped.
pub struct YWebrtcServer {
    /// Its WebSocket URL, for `?relay=`.
    pub url: String,
    _child: Child,
}

impl YWebrtcServer {
    pub async fn start() -> YWebrtcServer {
        let tools = std::env::var("PEERLINK_TOOLS_DIR").unwrap_or_else(|_| {
            format!(
                "{}/.local/share/peerlink-tools",
                std::env::var("HOME").unwrap_or_default()
            )
        });
        let script = format!("{tools}/node_modules/y-webrtc/bin/server.js");
        assert!(
            std::path::Path::new(&script).is_file(),
            "{script} is missing: scripts/setup.sh installs y-webrtc"
        );
        // server.js listens on every interface; bind it to loopback only.
        let js = format!(
            "const http = require('http'); const listen = http.Server.prototype.listen; \
             http.Server.prototype.listen = function (port) {{ return listen.call(this, port, '127.0.0.1') }}; \
             import({script:?});"
        );
        let port = free_port();
        let child = Command::new("node")
            .arg("-e")
            .arg(js)
            .env("PORT", port.to_string())
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start node: {err}"));
        wait_for_port(port, "the y-webrtc server").await;
        YWebrtcServer {
            url: format!("ws://127.0.0.1:{port}"),
            _child: child,
        }
    }
}

/// The plain broadcast relay (relay/examples/broadcast_relay.rs: every frame
/// to everyone, no topics) on a free loopback port; stopped when dropped.
/// `make test` builds it before the browser tests.
pub struct BroadcastRelay {
    /// Its WebSocket URL, for `?relay=`.
    pub url: String,
    _child: Child,
}

impl BroadcastRelay {
    pub async fn start() -> BroadcastRelay {
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
        let binary = target.join("debug/examples/broadcast_relay");
        assert!(
            binary.is_file(),
            "{} is missing: cargo build -p peerlink-relay --example broadcast_relay",
            binary.display()
        );
        let port = free_port();
        let child = Command::new(&binary)
            .arg(format!("127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
        wait_for_port(port, "the broadcast relay").await;
        BroadcastRelay {
            url: format!("ws://127.0.0.1:{port}/ws"),
            _child: child,
        }
    }
}

/// Starts the relay serving `dist/` on `listen`; returns where it listens
/// and the switch that stops it (gracefully: a close frame to everyone).
async fn spawn_relay(listen: SocketAddr) -> (SocketAddr, oneshot::Sender<()>) {
    spawn_relay_with(Config::with_listen(listen)).await
}

async fn spawn_relay_with(mut config: Config) -> (SocketAddr, oneshot::Sender<()>) {
    config.serve = Some(dist_dir());
    let relay = Relay::bind(config).await.expect("the relay binds");
    let addr = relay.local_addr().expect("the relay's address");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(relay.serve_until(async {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// The relay (serving the app) and a chromedriver; both stop when dropped.
pub struct Harness {
    pub relay_addr: SocketAddr,
    relay_stop: Option<oneshot::Sender<()>>,
    driver_url: String,
    _driver: Child,
    /// One geckodriver per Firefox session, killed (with its Firefox) on drop.
    geckodrivers: std::sync::Mutex<Vec<Child>>,
    /// Every Chromium profile of this harness (one folder each below it),
    /// removed on drop: left to chromedriver, a profile stays in the temp
    /// dir with all it stored (a 2 GiB file's OPFS copy included).
    profiles: PathBuf,
    sessions: std::sync::atomic::AtomicUsize,
}

impl Harness {
    pub async fn start() -> Harness {
        let dist = dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "{} has no index.html: run `trunk build --release --offline` first (make test does)",
            dist.display()
        );
        let (relay_addr, relay_stop) =
            spawn_relay("127.0.0.1:0".parse().expect("an address")).await;

        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let driver = spawn_driver(&driver_bin, &[], "chromium-driver").await;
        Harness {
            relay_addr,
            relay_stop: Some(relay_stop),
            driver_url: driver.url,
            _driver: driver.child,
            geckodrivers: std::sync::Mutex::new(Vec::new()),
            profiles: profiles_dir(),
            sessions: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Stops the relay, waits `down`, and starts a new one on the same port,
    /// as a routine restart in production would.
    pub async fn restart_relay(&mut self, down: Duration) {
        if let Some(stop) = self.relay_stop.take() {
            let _ = stop.send(());
        }
        tokio::time::sleep(down).await;
        let (_, stop) = spawn_relay(self.relay_addr).await;
        self.relay_stop = Some(stop);
    }

    /// Stops the relay (and so the app's files) until [`Harness::start_relay`];
    /// returns once its port refuses connections.
    pub async fn stop_relay(&mut self) {
        if let Some(stop) = self.relay_stop.take() {
            let _ = stop.send(());
        }
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(self.relay_addr)
                .await
                .is_err()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the relay at {} still accepts connections", self.relay_addr);
    }

    /// Starts the relay again on the same address after [`Harness::stop_relay`].
    pub async fn start_relay(&mut self) {
        if self.relay_stop.is_none() {
            let (_, stop) = spawn_relay(self.relay_addr).await;
            self.relay_stop = Some(stop);
        }
    }

    /// The app's URL for `room` with signaling through `relay_url` instead of
    /// the harness's own relay (which still serves the page).
    pub fn room_url_via(&self, relay_url: &str, room: &str, query: &str) -> String {
        let sep = if query.is_empty() { "" } else { "&" };
        format!(
            "http://{}/?relay={}&ice=%5B%5D{sep}{query}#{room}",
            self.relay_addr,
            urlencode(relay_url)
        )
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
        self.browser_with(&[
            "--use-fake-ui-for-media-stream",
            "--autoplay-policy=no-user-gesture-required",
        ])
        .await
    }

    /// A Chromium that keeps the desktop autoplay policy: sound needs a
    /// user gesture first (for the *Click to start* tests).
    pub async fn browser_strict_autoplay(&self) -> WebDriver {
        self.browser_with(&[
            "--use-fake-ui-for-media-stream",
            "--autoplay-policy=document-user-activation-required",
        ])
        .await
    }

    /// A browser whose user refuses camera and microphone permission.
    pub async fn browser_denying_media(&self) -> WebDriver {
        self.browser_with(&[
            "--use-fake-ui-for-media-stream=deny",
            "--autoplay-policy=no-user-gesture-required",
        ])
        .await
    }

    async fn browser_with(&self, media_ui: &[&str]) -> WebDriver {
        let mut caps = DesiredCapabilities::chrome();
        let binary = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        caps.set_binary(&binary).expect("binary capability");
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--use-fake-device-for-media-stream",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-features=WebRtcHideLocalIpsWithMdns",
            "--allow-loopback-in-peer-connection",
            "--window-size=1280,800",
        ]
        .iter()
        .chain(media_ui)
        {
            caps.add_arg(arg).expect("chrome argument");
        }
        let session = self
            .sessions
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let profile = self.profiles.join(session.to_string());
        caps.add_arg(&format!("--user-data-dir={}", profile.display()))
            .expect("chrome argument");
        let driver = WebDriver::new(&self.driver_url, caps)
            .await
            .expect("a WebDriver session");
        page_errors::install_on_new_documents(&driver)
            .await
            .expect("the page error listener");
        driver
    }

    /// A new headless Firefox ESR session (its own geckodriver) with fake
    /// camera and microphone.
    pub async fn firefox(&self) -> WebDriver {
        let gecko = firefox::start_geckodriver().await;
        let caps = firefox::capabilities().expect("Firefox capabilities");
        let url = gecko.url.clone();
        self.geckodrivers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(gecko.child);
        WebDriver::new(&url, caps)
            .await
            .expect("a Firefox WebDriver session")
    }

    /// A new session of `browser`.
    pub async fn session(&self, browser: Browser) -> WebDriver {
        match browser {
            Browser::Chromium => self.browser().await,
            Browser::Firefox => self.firefox().await,
        }
    }
}

impl Harness {
    /// Like [`Harness::start`], but the relay also hands out TURN
    /// credentials for `urls` signed with `secret` at `/turn` (coturn's
    /// use-auth-secret scheme; see [`coturn::Coturn`]).
    pub async fn start_with_turn(secret: &str, urls: &[String]) -> Harness {
        let mut harness = Harness::start().await;
        let mut config = Config::with_listen("127.0.0.1:0".parse().expect("an address"));
        config.turn_secret = Some(secret.to_string());
        config.turn_urls = urls.to_vec();
        let (addr, stop) = spawn_relay_with(config).await;
        if let Some(plain) = harness.relay_stop.replace(stop) {
            let _ = plain.send(());
        }
        harness.relay_addr = addr;
        harness
    }

    /// The process group of chromedriver and every browser it started.
    pub fn browser_process_group(&self) -> Option<i32> {
        self._driver.id().map(|pid| pid as i32)
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(stop) = self.relay_stop.take() {
            let _ = stop.send(());
        }
        let chromedriver = self.browser_process_group();
        let geckodrivers = self
            .geckodrivers
            .get_mut()
            .unwrap_or_else(|p| p.into_inner());
        let groups = geckodrivers.iter().filter_map(|child| child.id());
        for group in chromedriver.into_iter().chain(groups.map(|id| id as i32)) {
            // SAFETY: kill(2) with a negative pid signals that process group only.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        let _ = std::fs::remove_dir_all(&self.profiles);
    }
}

/// A new folder for one harness's Chromium profiles, in the temp dir.
fn profiles_dir() -> PathBuf {
    static HARNESSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = HARNESSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("peerlink-e2e-{}-{n}", std::process::id()))
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

/// A WebSocket to `relay`, subscribed to `topic` like any relay client.
pub async fn subscribed_socket(
    relay: SocketAddr,
    topic: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    use futures_util::SinkExt;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{relay}/ws"))
        .await
        .expect("connects to the relay");
    let subscribe = format!(r#"{{"type":"subscribe","topics":["{topic}"]}}"#);
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        subscribe.into(),
    ))
    .await
    .expect("subscribes");
    ws
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

/// Runs `test` on `browsers` and quits every one of them afterwards, even
/// when it fails (the test runs in its own task, so its panic is caught and
/// raised again once the browsers are gone).
pub async fn quit_after<F, Fut, T>(browsers: Vec<WebDriver>, test: F)
where
    F: FnOnce(Vec<WebDriver>) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles = browsers.clone();
    let outcome = tokio::spawn(test(browsers)).await;
    for browser in handles {
        let _ = browser.quit().await;
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}

/// [`quit_after`] with `count` new Chromium sessions of `harness`.
pub async fn with_browsers<F, Fut, T>(harness: &Harness, count: usize, test: F)
where
    F: FnOnce(Vec<WebDriver>) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut browsers = Vec::new();
    for _ in 0..count {
        browsers.push(harness.browser().await);
    }
    quit_after(browsers, test).await;
}

/// What the page shows, read through the data-testid contract only.
pub mod page {
    use std::time::Duration;

    use serde_json::Value;
    use thirtyfour::prelude::*;

    use super::eventually;

    /// Loads `url` and makes sure its page errors are recorded (Firefox has
    /// no hook that runs before the page: see page_errors.rs).
    pub async fn goto(driver: &WebDriver, url: &str) -> WebDriverResult<()> {
        driver.goto(url).await?;
        crate::page_errors::install(driver).await
    }

    /// Opens a room link and presses *Join* on the pre-join screen it shows.
    pub async fn open_room(driver: &WebDriver, url: &str) -> WebDriverResult<()> {
        goto(driver, url).await?;
        let join = eventually("the pre-join screen", Duration::from_secs(20), || async {
            driver.find(By::Css("[data-testid=join]")).await.ok()
        })
        .await;
        join.click().await
    }

    /// Runs `js` in the page and returns what it returned (`null` on
    /// failure). Panics if the page has raised an error or an unhandled
    /// rejection (page_errors.rs), so every helper that polls checks it.
    pub async fn script(driver: &WebDriver, js: &str) -> Value {
        match driver
            .execute(crate::page_errors::wrap(js), Vec::new())
            .await
        {
            Ok(ret) => {
                let errors = crate::page_errors::errors_in(ret.json());
                if !errors.is_empty() {
                    let url = driver
                        .current_url()
                        .await
                        .map(|u| u.to_string())
                        .unwrap_or_default();
                    crate::page_errors::fail_on(&errors, &url);
                }
                ret.json()[0].clone()
            }
            Err(_) => Value::Null,
        }
    }

    /// Runs `js`, which returns an array of `[string, string]` rows.
    async fn string_pairs(driver: &WebDriver, js: &str) -> Vec<(String, String)> {
        script(driver, js)
            .await
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|r| Some((r[0].as_str()?.to_string(), r[1].as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `(data-peer-id, data-state)` of every `peer` element.
    pub async fn peers(driver: &WebDriver) -> Vec<(String, String)> {
        string_pairs(
            driver,
            "return [...document.querySelectorAll('[data-testid=peer]')].map(e => [e.dataset.peerId, e.dataset.state]);",
        )
        .await
    }

    /// Waits until exactly `n` peers are shown, all connected; returns their ids.
    pub async fn wait_connected(driver: &WebDriver, n: usize, what: &str) -> Vec<String> {
        eventually(what, Duration::from_secs(45), || async {
            let peers = peers(driver).await;
            (peers.len() == n && peers.iter().all(|(_, state)| state == "connected"))
                .then(|| peers.into_iter().map(|(id, _)| id).collect())
        })
        .await
    }

    /// `data-verified` of every `peer` element.
    pub async fn verified(driver: &WebDriver) -> Vec<String> {
        string_pairs(
            driver,
            "return [...document.querySelectorAll('[data-testid=peer]')].map(e => [e.dataset.peerId, e.dataset.verified]);",
        )
        .await
        .into_iter()
        .map(|(_, verified)| verified)
        .collect()
    }

    /// The `href` of the `room-link` element, once shown.
    pub async fn room_link(driver: &WebDriver) -> String {
        eventually("the room link", Duration::from_secs(20), || async {
            let value = script(
                driver,
                "const a = document.querySelector('[data-testid=room-link]'); return a && a.href;",
            )
            .await;
            value.as_str().filter(|s| !s.is_empty()).map(str::to_string)
        })
        .await
    }

    /// `(videoWidth, currentTime)` of every remote video.
    pub async fn remote_videos(driver: &WebDriver) -> Vec<(f64, f64)> {
        let value = script(
            driver,
            "return [...document.querySelectorAll('[data-testid=peer] [data-testid=remote-video]')].map(v => [v.videoWidth, v.currentTime]);",
        )
        .await;
        value
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|r| (r[0].as_f64().unwrap_or(0.0), r[1].as_f64().unwrap_or(0.0)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits until every remote video has a picture and its time advances.
    pub async fn wait_videos_playing(driver: &WebDriver, what: &str) {
        let first = eventually(what, Duration::from_secs(30), || async {
            let videos = remote_videos(driver).await;
            (!videos.is_empty() && videos.iter().all(|(w, t)| *w > 0.0 && *t > 0.0))
                .then_some(videos)
        })
        .await;
        eventually(what, Duration::from_secs(15), || async {
            let now = remote_videos(driver).await;
            (now.len() == first.len() && now.iter().zip(&first).all(|(n, f)| n.1 > f.1))
                .then_some(())
        })
        .await;
    }

    /// Clicks every *Click to start audio/video* button shown (as a person
    /// would where the browser refused to autoplay); returns how many.
    pub async fn click_start_playback(driver: &WebDriver) -> usize {
        let buttons = driver
            .find_all(By::Css("[data-testid=start-playback]"))
            .await
            .unwrap_or_default();
        let mut clicked = 0;
        for button in buttons {
            if button.click().await.is_ok() {
                clicked += 1;
            }
        }
        clicked
    }

    /// `data-playback` of every remote video (`ok`/`refused`).
    pub async fn playback_states(driver: &WebDriver) -> Vec<String> {
        script(
            driver,
            "return [...document.querySelectorAll('[data-testid=remote-video]')].map(v => v.dataset.playback || '');",
        )
        .await
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
    }

    pub async fn send_chat(driver: &WebDriver, text: &str) -> WebDriverResult<()> {
        let input = driver.find(By::Css("[data-testid=chat-input]")).await?;
        input.send_keys(text).await?;
        driver
            .find(By::Css("[data-testid=chat-send]"))
            .await?
            .click()
            .await
    }

    /// `(data-from, text)` of every chat message.
    pub async fn chat(driver: &WebDriver) -> Vec<(String, String)> {
        string_pairs(
            driver,
            "return [...document.querySelectorAll('[data-testid=chat-message]')].map(e => [e.dataset.from, e.querySelector('.text').textContent]);",
        )
        .await
    }

    /// Waits until a chat message with exactly `text` is shown; returns its `data-from`.
    pub async fn wait_chat(driver: &WebDriver, text: &str, what: &str) -> String {
        eventually(what, Duration::from_secs(20), || async {
            chat(driver)
                .await
                .into_iter()
                .find(|(_, t)| t == text)
                .map(|(from, _)| from)
        })
        .await
    }

    pub async fn relay_state(driver: &WebDriver) -> String {
        script(driver, "const e = document.querySelector('[data-testid=relay-state]'); return e ? e.dataset.state : '';")
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}
