//! Firefox ESR sessions: one geckodriver per session (geckodriver serves a
//! single session at a time), each in its own process group so the
//! harness can kill it with every Firefox it started. Fake camera and
//! microphone and loopback ICE come from the same prefs as webdriver.json
//! (the browser tests'); autoplay keeps Firefox's default (blocked with
//! sound), which the app answers with its *Click to start* button.

use thirtyfour::common::capabilities::firefox::FirefoxPreferences;
use thirtyfour::prelude::*;
use thirtyfour::FirefoxCapabilities;

/// A geckodriver of its own for one Firefox session.
pub(crate) async fn start_geckodriver() -> super::Driver {
    let bin = std::env::var("GECKODRIVER").unwrap_or_else(|_| {
        format!(
            "{}/.cargo/bin/geckodriver",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    super::spawn_driver(&bin, &["--host=127.0.0.1"], "geckodriver").await
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
