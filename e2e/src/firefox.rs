//! Firefox ESR sessions: one geckodriver per session (geckodriver serves a
//! single session at a time), each in its own process group so the
//! harness can kill it with every Firefox it started. Fake camera and
//! microphone and loopback ICE come from the same prefs as webdriver.json
//! (the browser tests'); autoplay keeps Firefox's default (blocked with
//! sound), which the app answers with its *Click to start* button.

use thirtyfour::common::capabilities::firefox::FirefoxPreferences;
use thirtyfour::prelude::*;
use thirtyfour::FirefoxCapabilities;
use tokio::process::{Child, Command};

/// A started geckodriver and where it listens.
pub struct Geckodriver {
    pub url: String,
    pub child: Child,
}

pub async fn start_geckodriver() -> Geckodriver {
    let port = super::free_port();
    let bin = std::env::var("GECKODRIVER").unwrap_or_else(|_| {
        format!(
            "{}/.cargo/bin/geckodriver",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let child = Command::new(&bin)
        .arg("--host=127.0.0.1")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|err| {
            panic!("cannot start {bin}: {err} (scripts/setup.sh installs geckodriver)")
        });
    super::wait_for_port(port, "geckodriver").await;
    Geckodriver {
        url: format!("http://127.0.0.1:{port}"),
        child,
    }
}

/// The capabilities of a headless Firefox ESR with fake media devices.
pub fn capabilities() -> WebDriverResult<FirefoxCapabilities> {
    let mut caps = DesiredCapabilities::firefox();
    let binary = std::env::var("FIREFOX_BIN").unwrap_or_else(|_| "/usr/bin/firefox-esr".into());
    caps.set_firefox_binary(&binary)?;
    for arg in ["-headless", "--width=1280", "--height=800"] {
        caps.add_arg(arg)?;
    }
    let mut prefs = FirefoxPreferences::new();
    prefs.set("media.navigator.streams.fake", true)?;
    prefs.set("media.navigator.permission.disabled", true)?;
    prefs.set("media.peerconnection.ice.loopback", true)?;
    prefs.set("media.peerconnection.ice.obfuscate_host_addresses", false)?;
    caps.set_preferences(prefs)?;
    Ok(caps)
}
