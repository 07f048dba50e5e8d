//! Calls through a real TURN server (coturn on loopback, e2e/src/coturn.rs)
//! under the relay-only policy, with credentials from the relay's `/turn`:
//! over UDP; over TCP when coturn has no UDP listener; across a coturn
//! restart (ICE restart, no page reload, an in-flight file finishes); and
//! the message a relay-only call without any TURN server shows. Host
//! candidates work on loopback, so only `?policy=relay` proves TURN is used.

use std::time::{Duration, Instant};

use peerlink_e2e::coturn::{Coturn, Listeners};
use peerlink_e2e::page::{self, wait_connected, wait_videos_playing};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, Harness};
use serde_json::json;

use crate::files::{accept, make_file, pick, received_bytes, transfer_attr};

/// Test instrumentation, injected before any page script: keeps every
/// RTCPeerConnection the app makes, so the test can read the selected
/// candidate pair from `getStats()` as the browser reports it.
const RECORD_CONNECTIONS: &str = "{ const Native = window.RTCPeerConnection; \
    window.__pcs = []; \
    window.RTCPeerConnection = class extends Native { \
      constructor(...args) { super(...args); window.__pcs.push(this); } }; }";

/// `[local type, remote type, local relayProtocol]` of the selected pair
/// of every connected RTCPeerConnection.
const SELECTED_PAIRS: &str = "const out = []; \
    for (const pc of window.__pcs || []) { \
      if (pc.connectionState !== 'connected') continue; \
      const stats = [...(await pc.getStats()).values()]; \
      const byId = id => stats.find(s => s.id === id); \
      const transport = stats.find(s => s.type === 'transport' && s.selectedCandidatePairId); \
      const pair = transport && byId(transport.selectedCandidatePairId); \
      if (!pair) continue; \
      const local = byId(pair.localCandidateId) || {}, remote = byId(pair.remoteCandidateId) || {}; \
      out.push([local.candidateType || '', remote.candidateType || '', local.relayProtocol || '']); \
    } \
    return out;";

/// A browser that records its peer connections (see [`RECORD_CONNECTIONS`]).
async fn recording_browser(harness: &Harness) -> WebDriver {
    let driver = harness.browser().await;
    driver
        .cdp()
        .send_raw(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": RECORD_CONNECTIONS }),
        )
        .await
        .expect("the recording script is installed");
    driver
}

/// The room link with the relay-only policy and no `?ice=`: the ICE
/// servers are then only the TURN credentials the relay hands out.
fn relay_only_url(harness: &Harness, room: &str, query: &str) -> String {
    format!("{}?policy=relay&{query}#{room}", harness.base_url())
}

async fn selected_pairs(driver: &WebDriver) -> Vec<(String, String, String)> {
    let js = format!("return (async () => {{ {SELECTED_PAIRS} }})();");
    page::script(driver, &js)
        .await
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| {
                    Some((
                        r[0].as_str()?.to_string(),
                        r[1].as_str()?.to_string(),
                        r[2].as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A script's array of strings (anything else in it is left out).
async fn strings(driver: &WebDriver, js: &str) -> Vec<String> {
    page::script(driver, js)
        .await
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `data-path` of every peer tile.
async fn data_paths(driver: &WebDriver) -> Vec<String> {
    let js = "return [...document.querySelectorAll('[data-testid=peer]')].map(e => e.dataset.path || '');";
    strings(driver, js).await
}

async fn wait_relayed(driver: &WebDriver, what: &str) {
    eventually(what, Duration::from_secs(20), || async {
        (data_paths(driver).await == ["relayed"]).then_some(())
    })
    .await;
}

async fn chat_both_ways(alice: &WebDriver, bob: &WebDriver, tag: &str) -> WebDriverResult<()> {
    let to_bob = format!("{tag}: hello bob");
    page::send_chat(alice, &to_bob).await?;
    page::wait_chat(bob, &to_bob, "bob gets alice's message").await;
    let to_alice = format!("{tag}: hello alice");
    page::send_chat(bob, &to_alice).await?;
    page::wait_chat(alice, &to_alice, "alice gets bob's message").await;
    Ok(())
}

async fn wait_verified(driver: &WebDriver, timeout: Duration) -> String {
    eventually("the receiver verifies the file", timeout, || async {
        (transfer_attr(driver, "data-state").await.as_deref() == Some("verified")).then_some(())?;
        transfer_attr(driver, "data-sha256").await
    })
    .await
}

/// Every transfer element's attributes and text (for failure messages).
async fn transfers(driver: &WebDriver) -> String {
    let js = "return [...document.querySelectorAll('[data-testid=transfer]')].map(t => \
        [...t.attributes].map(a => a.name + '=' + a.value).join(' ') + ' | ' + t.textContent).join('\\n');";
    page::script(driver, js)
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Like [`wait_verified`], but a timeout says where both sides stand.
async fn wait_verified_or_explain(
    sender: &WebDriver,
    receiver: &WebDriver,
    timeout: Duration,
) -> String {
    let deadline = Instant::now() + timeout;
    loop {
        if transfer_attr(receiver, "data-state").await.as_deref() == Some("verified") {
            if let Some(sha) = transfer_attr(receiver, "data-sha256").await {
                return sha;
            }
        }
        if Instant::now() >= deadline {
            panic!(
                "the receiver did not verify the file within {timeout:?}\nsender: {}\nreceiver: {}",
                transfers(sender).await,
                transfers(receiver).await
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Alice and bob join relay-only; returns once both are connected with
/// video playing both ways.
async fn relay_only_video_call(
    harness: &Harness,
    alice: &WebDriver,
    bob: &WebDriver,
    room: &str,
) -> WebDriverResult<()> {
    page::open_room(alice, &relay_only_url(harness, room, "name=alice")).await?;
    page::open_room(bob, &relay_only_url(harness, room, "name=bob")).await?;
    wait_connected(alice, 1, "alice sees bob connected through TURN").await;
    wait_connected(bob, 1, "bob sees alice connected through TURN").await;
    wait_videos_playing(alice, "bob's video plays at alice").await;
    wait_videos_playing(bob, "alice's video plays at bob").await;
    Ok(())
}

/// A relay-only call through coturn with `listeners`, the relay offering
/// its URLs with the `offered` transports: video, chat and a file, tiles
/// marked relayed, and the selected pair a TURN pair reached over `protocol`.
async fn relay_only_call(listeners: Listeners, offered: &[&str], protocol: &str) {
    let coturn = Coturn::start(listeners).await;
    let urls: Vec<String> = coturn
        .urls()
        .into_iter()
        .filter(|url| {
            offered
                .iter()
                .any(|t| url.ends_with(&format!("transport={t}")))
        })
        .collect();
    let harness = Harness::start_with_turn(&coturn.secret, &urls).await;
    let alice = recording_browser(&harness).await;
    let bob = recording_browser(&harness).await;
    let (path, expected) = make_file(&format!("through-turn-{protocol}.bin"), 3 << 20);
    let outcome = async {
        relay_only_video_call(&harness, &alice, &bob, &format!("turn-{protocol}")).await?;
        chat_both_ways(&alice, &bob, protocol).await?;
        pick(&alice, &path).await;
        accept(&bob).await;
        let sha = wait_verified(&bob, Duration::from_secs(60)).await;
        assert_eq!(sha, expected, "the file arrived intact through TURN");
        for (browser, who) in [(&alice, "alice"), (&bob, "bob")] {
            wait_relayed(browser, &format!("{who}'s tile says relayed")).await;
            let pairs = selected_pairs(browser).await;
            assert!(
                !pairs.is_empty()
                    && pairs.iter().all(|(local, remote, via)| {
                        local == "relay" && remote == "relay" && via == protocol
                    }),
                "{who}'s selected pair is TURN on both sides, over {protocol}: {pairs:?}"
            );
        }
        WebDriverResult::Ok(())
    }
    .await;
    let _ = alice.quit().await;
    let _ = bob.quit().await;
    let _ = std::fs::remove_file(&path);
    if let Err(err) = outcome {
        panic!("{err}\ncoturn's log:\n{}", coturn.log());
    }
}

#[tokio::test]
async fn a_relay_only_call_goes_through_turn_over_udp() {
    // Only UDP is offered: with both, the browser may nominate either.
    relay_only_call(Listeners::UdpAndTcp, &["udp"], "udp").await;
}

#[tokio::test]
async fn with_udp_blocked_a_relay_only_call_falls_back_to_turn_over_tcp() {
    // UDP is offered first but coturn does not answer on it.
    relay_only_call(Listeners::TcpOnly, &["udp", "tcp"], "tcp").await;
}

/// The local ICE username fragment of every RTCPeerConnection the page
/// made, in creation order (an ICE restart changes it).
async fn ice_ufrags(driver: &WebDriver) -> Vec<String> {
    let js = "return (window.__pcs || []).map(pc => \
        ((pc.localDescription && pc.localDescription.sdp.match(/a=ice-ufrag:(\\S+)/)) || [])[1] || '');";
    strings(driver, js).await
}

/// Whether the page is the one loaded at the start (a reload loses it).
async fn same_page(driver: &WebDriver) -> bool {
    page::script(driver, "return window.__samePage === true;")
        .await
        .as_bool()
        == Some(true)
}

#[tokio::test]
async fn a_coturn_restart_mid_call_recovers_by_ice_restart_and_the_transfer_finishes() {
    let mut coturn = Coturn::start(Listeners::UdpAndTcp).await;
    let harness = Harness::start_with_turn(&coturn.secret, &coturn.urls()).await;
    let alice = recording_browser(&harness).await;
    let bob = recording_browser(&harness).await;
    let size = 96 << 20;
    let (path, expected) = make_file("across-a-turn-restart.bin", size);
    let outcome = async {
        relay_only_video_call(&harness, &alice, &bob, "turn-restart").await?;
        for browser in [&alice, &bob] {
            page::script(browser, "window.__samePage = true; return true;").await;
        }
        let bob_id = wait_connected(&alice, 1, "before the restart").await;
        let ufrags_before = [ice_ufrags(&alice).await, ice_ufrags(&bob).await];
        pick(&alice, &path).await;
        accept(&bob).await;
        eventually("bytes are flowing", Duration::from_secs(30), || async {
            (received_bytes(&bob).await > f64::from(1 << 20)).then_some(())
        })
        .await;

        coturn.kill().await;
        let killed = Instant::now();
        let at_kill = received_bytes(&bob).await;
        assert!(
            at_kill < size as f64,
            "the file is still in flight when coturn dies ({at_kill} of {size} bytes)"
        );
        eventually(
            "the call notices that TURN is gone",
            Duration::from_secs(60),
            || async {
                let states = [page::peers(&alice).await, page::peers(&bob).await];
                states
                    .iter()
                    .flatten()
                    .any(|(_, state)| state != "connected")
                    .then_some(())
            },
        )
        .await;
        let noticed = killed.elapsed();
        tokio::time::sleep(Duration::from_secs(1)).await;

        coturn.restart().await;
        let back = Instant::now();
        let after = wait_connected(&alice, 1, "alice connected again").await;
        wait_connected(&bob, 1, "bob connected again").await;
        let reconnected = back.elapsed();
        assert_eq!(after, bob_id, "the same session, not a new peer");
        wait_videos_playing(&alice, "bob's video plays again").await;
        wait_videos_playing(&bob, "alice's video plays again").await;
        chat_both_ways(&alice, &bob, "after the restart").await?;
        let sha = wait_verified_or_explain(&alice, &bob, Duration::from_secs(240)).await;
        let verified = back.elapsed();
        assert_eq!(sha, expected, "the transfer resumed and arrived intact");
        let ufrags_after = [ice_ufrags(&alice).await, ice_ufrags(&bob).await];
        for (before, after) in ufrags_before.iter().zip(&ufrags_after) {
            assert!(
                before.len() == 1
                    && after.len() == 1
                    && !before[0].is_empty()
                    && after[0] != before[0],
                "one RTCPeerConnection each, whose ICE was restarted: {before:?} → {after:?}"
            );
        }
        for (browser, who) in [(&alice, "alice"), (&bob, "bob")] {
            assert!(same_page(browser).await, "{who}'s page was not reloaded");
            wait_relayed(browser, &format!("{who} is still relayed")).await;
        }
        println!(
            "coturn killed → call noticed: {:.1} s; coturn back → both connected again: {:.1} s, \
             file verified: {:.1} s (killed at {:.1} of {} MiB)",
            noticed.as_secs_f64(),
            reconnected.as_secs_f64(),
            verified.as_secs_f64(),
            at_kill / f64::from(1 << 20),
            size >> 20
        );
        WebDriverResult::Ok(())
    }
    .await;
    let _ = alice.quit().await;
    let _ = bob.quit().await;
    let _ = std::fs::remove_file(&path);
    if let Err(err) = outcome {
        panic!("{err}\ncoturn's log:\n{}", coturn.log());
    }
}

/// Opens the settings (its side panel, then the section if closed), ticks
/// *Always relay* and saves.
async fn turn_on_always_relay(driver: &WebDriver) -> WebDriverResult<()> {
    let js = "const p = document.getElementById('panel-settings'); return !p || p.hidden;";
    if page::script(driver, js).await.as_bool() != Some(false) {
        driver
            .find(By::Css("button[aria-controls=panel-settings]"))
            .await?
            .click()
            .await?;
    }
    let js = "const d = document.querySelector('details.settings'); return !!d && d.open;";
    if page::script(driver, js).await.as_bool() != Some(true) {
        driver
            .find(By::Css("details.settings > summary"))
            .await?
            .click()
            .await?;
    }
    driver
        .find(By::Css("[data-testid=always-relay]"))
        .await?
        .click()
        .await?;
    driver
        .find(By::Css("details.settings button"))
        .await?
        .click()
        .await?;
    let saved = page::script(
        driver,
        "return localStorage.getItem('peerlink.ice.policy');",
    )
    .await;
    assert_eq!(saved.as_str(), Some("relay"), "Always relay is saved");
    Ok(())
}

#[tokio::test]
async fn relay_only_without_a_turn_server_says_what_to_do() {
    // This relay hands out no TURN credentials, and no `?ice=` is given.
    let harness = Harness::start().await;
    let alice = harness.browser().await;
    let bob = harness.browser().await;
    let outcome = async {
        // Alice by the link; bob by the setting, saved in an earlier call.
        page::open_room(&alice, &relay_only_url(&harness, "no-turn", "name=alice&media=none"))
            .await?;
        // The first call is a plain one with no ICE servers at all (never the internet).
        let plain = format!("{}?ice=%5B%5D&name=bob&media=none#no-turn-setup", harness.base_url());
        page::open_room(&bob, &plain).await?;
        turn_on_always_relay(&bob).await?;
        let bob_url = format!("{}?name=bob&media=none#no-turn", harness.base_url());
        page::open_room(&bob, &bob_url).await?;
        for (browser, who) in [(&alice, "alice"), (&bob, "bob")] {
            let message = eventually(
                &format!("{who} is told that Always relay needs a TURN server"),
                Duration::from_secs(90),
                || async {
                    let texts = page::script(
                        browser,
                        "return [...document.querySelectorAll('[data-testid=error]')].map(e => e.textContent);",
                    )
                    .await;
                    texts.as_array()?.iter().find_map(|t| {
                        let t = t.as_str()?;
                        (t.contains("“Always relay” is on but no TURN server is set")
                            || t.contains("已开启“始终中继”，但未设置 TURN 服务器"))
                        .then(|| t.to_string())
                    })
                },
            )
            .await;
            assert!(message.contains("Settings") || message.contains("设置"), "{message}");
            let peers = page::peers(browser).await;
            assert!(
                peers.iter().all(|(_, state)| state != "connected"),
                "nothing connected without TURN: {peers:?}"
            );
            assert!(
                data_paths(browser).await.iter().all(String::is_empty),
                "no data path is shown"
            );
        }
        WebDriverResult::Ok(())
    }
    .await;
    let _ = alice.quit().await;
    let _ = bob.quit().await;
    outcome.expect("the no-TURN test ran");
}
