//! Calls across browsers: Firefox↔Firefox and Chromium↔Firefox, each with
//! remote video playing on both sides (its time advancing), chat both ways
//! and a verified file. Where Firefox refuses to autoplay, the test presses
//! *Click to start audio/video*, as a person would; what each browser did
//! is printed for the issue note. Any page error fails the test.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use peerlink_e2e::page::{self, wait_connected};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, page_errors, quit_after, Browser, Harness};
use sha2::{Digest, Sha256};

/// A small file with known content; returns its path and hex SHA-256.
fn make_file(name: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("peerlink-e2e-xb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&data))
        .expect("write");
    let sha = Sha256::digest(&data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (path, sha)
}

/// Waits until every remote video plays (time advancing), pressing the
/// start button whenever one is shown; returns how many presses it took.
async fn play_remote_videos(driver: &WebDriver, what: &str) -> usize {
    let presses = std::sync::atomic::AtomicUsize::new(0);
    let first = eventually(what, Duration::from_secs(40), || async {
        let videos = page::remote_videos(driver).await;
        if !videos.is_empty() && videos.iter().all(|(w, t)| *w > 0.0 && *t > 0.0) {
            return Some(videos);
        }
        let clicked = page::click_start_playback(driver).await;
        presses.fetch_add(clicked, std::sync::atomic::Ordering::Relaxed);
        None
    })
    .await;
    eventually(what, Duration::from_secs(15), || async {
        let now = page::remote_videos(driver).await;
        (now.len() == first.len() && now.iter().zip(&first).all(|(n, f)| n.1 > f.1)).then_some(())
    })
    .await;
    presses.into_inner()
}

async fn transfer_attr(driver: &WebDriver, attr: &str) -> Option<String> {
    let js = format!("const t = document.querySelector('[data-testid=transfer]'); return t ? t.getAttribute('{attr}') : null;");
    page::script(driver, &js).await.as_str().map(str::to_string)
}

/// Alice sends a file through the picker, bob accepts; both see it verified.
async fn send_a_file(alice: &WebDriver, bob: &WebDriver) -> WebDriverResult<()> {
    let (path, expected) = make_file("hello-across.bin");
    alice
        .find(By::Css("[data-testid=file-input]"))
        .await?
        .send_keys(path.to_string_lossy())
        .await?;
    let accept = eventually(
        "bob is offered the file",
        Duration::from_secs(20),
        || async {
            bob.find(By::Css(
                "[data-testid=transfer] [data-testid=transfer-accept]",
            ))
            .await
            .ok()
        },
    )
    .await;
    accept.click().await?;
    for (who, driver) in [("bob", bob), ("alice", alice)] {
        let sha = eventually(
            &format!("{who} sees the file verified"),
            Duration::from_secs(40),
            || async {
                (transfer_attr(driver, "data-state").await.as_deref() == Some("verified"))
                    .then_some(())?;
                transfer_attr(driver, "data-sha256").await
            },
        )
        .await;
        assert_eq!(sha, expected, "{who}'s SHA-256 is the file's");
    }
    let _ = std::fs::remove_file(&path);
    Ok(())
}

/// One call between `kinds[0]` (alice) and `kinds[1]` (bob).
async fn call_across(kinds: [Browser; 2], room: &str) {
    let harness = Harness::start().await;
    let alice = harness.session(kinds[0]).await;
    let bob = harness.session(kinds[1]).await;
    let alice_url = harness.room_url(room, "name=alice");
    let bob_url = harness.room_url(room, "name=bob");
    quit_after(vec![alice, bob], |browsers| async move {
        let (a, b) = (browsers[0].clone(), browsers[1].clone());
        page::open_room(&a, &alice_url).await.expect("alice opens the link");
        page::open_room(&b, &bob_url).await.expect("bob opens the link");
        wait_connected(&a, 1, "alice sees bob connected").await;
        wait_connected(&b, 1, "bob sees alice connected").await;
        let before = (page::playback_states(&a).await, page::playback_states(&b).await);
        let presses_a = play_remote_videos(&a, "bob's video plays at alice").await;
        let presses_b = play_remote_videos(&b, "alice's video plays at bob").await;
        println!(
            "{kinds:?}: playback before any click alice={:?} bob={:?}; start presses alice={presses_a} bob={presses_b}",
            before.0, before.1
        );
        assert!(
            page::click_start_playback(&a).await + page::click_start_playback(&b).await == 0,
            "the start button is gone once the video plays"
        );
        page::send_chat(&a, "hello from alice").await.expect("alice types");
        page::wait_chat(&b, "hello from alice", "bob gets alice's message").await;
        page::send_chat(&b, "hello from bob").await.expect("bob types");
        page::wait_chat(&a, "hello from bob", "alice gets bob's message").await;
        send_a_file(&a, &b).await.expect("the file goes across");
        page_errors::assert_none(&a).await;
        page_errors::assert_none(&b).await;
    })
    .await;
}

#[tokio::test]
async fn firefox_calls_firefox_with_video_chat_and_a_file() {
    call_across([Browser::Firefox, Browser::Firefox], "fox-fox").await;
}

#[tokio::test]
async fn chromium_calls_firefox_with_video_chat_and_a_file() {
    call_across([Browser::Chromium, Browser::Firefox], "chrome-fox").await;
}

#[tokio::test]
async fn firefox_calls_chromium_with_video_chat_and_a_file() {
    call_across([Browser::Firefox, Browser::Chromium], "fox-chrome").await;
}

/// Bob's browser (`strict`: the default autoplay policy) joins with no user
/// gesture — *Join* pressed by a script, and no camera of his own, which
/// would also let Firefox autoplay — so the browser refuses to play alice's
/// video with sound. The tile says so and offers *Click to start*; one
/// click plays the video and the button goes away.
async fn refused_autoplay_is_started_by_a_click(bob_is_firefox: bool) {
    let harness = Harness::start().await;
    let alice = harness.browser().await;
    let bob = if bob_is_firefox {
        harness.firefox().await
    } else {
        harness.browser_strict_autoplay().await
    };
    let alice_url = harness.room_url("gesture", "name=alice");
    let bob_url = harness.room_url("gesture", "name=bob&media=none");
    quit_after(vec![alice, bob], |browsers| async move {
        let (a, b) = (browsers[0].clone(), browsers[1].clone());
        page::open_room(&a, &alice_url).await.expect("alice joins");
        page::goto(&b, &bob_url).await.expect("bob opens the link");
        eventually("bob's pre-join screen", Duration::from_secs(20), || async {
            b.find(By::Css("[data-testid=join]")).await.ok()
        })
        .await;
        page::script(
            &b,
            "document.querySelector('[data-testid=join]').click(); return true;",
        )
        .await;
        wait_connected(&b, 1, "bob sees alice connected").await;
        let button = eventually(
            "the start button on alice's tile",
            Duration::from_secs(30),
            || async {
                let refused = page::playback_states(&b).await == ["refused"];
                let button = b
                    .find(By::Css("[data-testid=peer] [data-testid=start-playback]"))
                    .await
                    .ok();
                button.filter(|_| refused)
            },
        )
        .await;
        let paused = page::script(
            &b,
            "return document.querySelector('[data-testid=remote-video]').paused;",
        )
        .await;
        assert_eq!(paused.as_bool(), Some(true), "the refused video is paused");
        button.click().await.expect("bob clicks start");
        page::wait_videos_playing(&b, "alice's video plays at bob after the click").await;
        eventually(
            "the start button goes away",
            Duration::from_secs(10),
            || async {
                (page::playback_states(&b).await == ["ok"]
                    && b.find(By::Css("[data-testid=start-playback]"))
                        .await
                        .is_err())
                .then_some(())
            },
        )
        .await;
        page_errors::assert_none(&a).await;
        page_errors::assert_none(&b).await;
    })
    .await;
}

#[tokio::test]
async fn firefox_refusing_autoplay_offers_click_to_start() {
    refused_autoplay_is_started_by_a_click(true).await;
}

#[tokio::test]
async fn chromium_refusing_autoplay_offers_click_to_start() {
    refused_autoplay_is_started_by_a_click(false).await;
}
