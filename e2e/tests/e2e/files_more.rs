//! Files, second round, between real browsers: a folder of 20 files
//! arrives with its structure after one accept, and pasting an image or
//! text into the room sends it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use peerlink_e2e::page::{self, wait_connected};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, Harness};
use sha2::{Digest, Sha256};

/// `album/` with 20 files over nested folders; returns the root and the
/// relative paths the receiver must report, sorted.
fn make_folder() -> (PathBuf, Vec<String>) {
    let base = std::env::temp_dir().join(format!("peerlink-e2e-folder-{}", std::process::id()));
    let root = base.join("album");
    let subs = ["", "photos", "photos/2024", "docs/a b"];
    let mut want = Vec::new();
    for i in 0..20usize {
        let sub = subs[i % subs.len()];
        let dir = root.join(sub);
        std::fs::create_dir_all(&dir).expect("folder");
        let name = format!("f{i:02}.bin");
        let bytes: Vec<u8> = (0..(1_000 + i * 5_000))
            .map(|b| (b * 31 + i) as u8)
            .collect();
        std::fs::write(dir.join(&name), bytes).expect("file");
        want.push(if sub.is_empty() {
            format!("album/{name}")
        } else {
            format!("album/{sub}/{name}")
        });
    }
    want.sort();
    (root, want)
}

async fn attrs_of_all(driver: &WebDriver, attr: &str) -> Vec<String> {
    let js = format!(
        "return [...document.querySelectorAll('[data-testid=transfer]')].map(e => e.getAttribute('{attr}') || '');"
    );
    page::script(driver, &js)
        .await
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

async fn two_in_a_room(harness: &Harness, room: &str) -> WebDriverResult<(WebDriver, WebDriver)> {
    let sender = harness.browser().await;
    let receiver = harness.browser().await;
    page::open_room(&sender, &harness.room_url(room, "name=sender&media=none")).await?;
    page::open_room(
        &receiver,
        &harness.room_url(room, "name=receiver&media=none"),
    )
    .await?;
    wait_connected(&sender, 1, "sender connected").await;
    wait_connected(&receiver, 1, "receiver connected").await;
    Ok((sender, receiver))
}

async fn click(driver: &WebDriver, css: &str, what: &str) {
    let button = eventually(what, Duration::from_secs(20), || async {
        driver.find(By::Css(css)).await.ok()
    })
    .await;
    button.click().await.expect("click");
}

async fn send_folder(sender: &WebDriver, root: &Path) -> WebDriverResult<()> {
    let input = sender.find(By::Css("[data-testid=folder-input]")).await?;
    input.send_keys(root.to_string_lossy()).await
}

#[tokio::test]
async fn a_folder_of_20_files_arrives_with_its_structure_after_one_accept() {
    let harness = Harness::start().await;
    let (root, want) = make_folder();
    let mut browsers = Vec::new();
    let outcome = async {
        let (sender, receiver) = two_in_a_room(&harness, "folder").await?;
        browsers = vec![sender.clone(), receiver.clone()];
        send_folder(&sender, &root).await?;
        eventually("all 20 offers arrive", Duration::from_secs(20), || async {
            (attrs_of_all(&receiver, "data-state").await.len() == 20).then_some(())
        })
        .await;
        let batches = receiver.find_all(By::Css("[data-testid=batch]")).await?;
        assert_eq!(batches.len(), 1, "one batch");
        assert_eq!(batches[0].attr("data-count").await?.as_deref(), Some("20"));
        click(&receiver, "[data-testid=batch-accept]", "accept all").await;
        eventually("all 20 verified", Duration::from_secs(60), || async {
            let states = attrs_of_all(&receiver, "data-state").await;
            (states.len() == 20 && states.iter().all(|s| s == "verified")).then_some(())
        })
        .await;
        let mut got = attrs_of_all(&receiver, "data-path").await;
        got.sort();
        assert_eq!(got, want, "every file in its folder");
        WebDriverResult::Ok(())
    }
    .await;
    for browser in browsers {
        let _ = browser.quit().await;
    }
    let _ = std::fs::remove_dir_all(root.parent().unwrap_or(&root));
    outcome.expect("the folder test ran");
}

/// Pastes into the page as a person would (a `paste` event whose
/// clipboardData holds an image file), since headless Chromium has no
/// real clipboard to paste from.
const PASTE_IMAGE: &str = "
    const bytes = new Uint8Array(50000);
    bytes.set([137, 80, 78, 71, 13, 10, 26, 10]);
    for (let i = 8; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 255;
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    document.body.dispatchEvent(ev);
    return ev.defaultPrevented;";

const PASTE_TEXT: &str = "
    const dt = new DataTransfer();
    dt.setData('text/plain', 'line one\\nline two');
    const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    document.body.dispatchEvent(ev);
    return ev.defaultPrevented;";

fn pasted_image_sha() -> String {
    let mut bytes: Vec<u8> = (0..50_000usize)
        .map(|i| ((i * 31 + 7) & 255) as u8)
        .collect();
    bytes[..8].copy_from_slice(&[137, 80, 78, 71, 13, 10, 26, 10]);
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn pasting_an_image_sends_it_and_pasting_text_sends_a_snippet() {
    let harness = Harness::start().await;
    let mut browsers = Vec::new();
    let outcome = async {
        let (sender, receiver) = two_in_a_room(&harness, "paste").await?;
        browsers = vec![sender.clone(), receiver.clone()];
        let taken = page::script(&sender, PASTE_IMAGE).await;
        assert_eq!(taken.as_bool(), Some(true), "the app took the paste");
        click(
            &receiver,
            "[data-testid=transfer] [data-testid=transfer-accept]",
            "the pasted image offered",
        )
        .await;
        let sha = eventually("the image verified", Duration::from_secs(30), || async {
            let states = attrs_of_all(&receiver, "data-state").await;
            (states == ["verified"]).then_some(())?;
            attrs_of_all(&receiver, "data-sha256").await.pop()
        })
        .await;
        assert_eq!(sha, pasted_image_sha());
        assert_eq!(attrs_of_all(&receiver, "data-path").await, ["image.png"]);
        let taken = page::script(&sender, PASTE_TEXT).await;
        assert_eq!(taken.as_bool(), Some(true));
        page::wait_chat(&receiver, "line one\nline two", "the snippet arrives").await;
        let copy = receiver
            .find_all(By::Css("[data-testid=chat-copy]"))
            .await?;
        assert_eq!(copy.len(), 1, "the snippet has a copy button");
        WebDriverResult::Ok(())
    }
    .await;
    for browser in browsers {
        let _ = browser.quit().await;
    }
    outcome.expect("the paste test ran");
}

/// Total RSS (KiB) of the processes in process group `group` (chromedriver
/// and every browser it started).
fn group_rss_kib(group: i32) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let pgrp: i32 = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(2)?
                .parse()
                .ok()?;
            (pgrp == group).then_some(())?;
            let status = std::fs::read_to_string(e.path().join("status")).ok()?;
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))?
                .split_whitespace()
                .nth(1)?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

/// 1 GiB through the file picker, verified, while the RSS of both browsers
/// together grows by less than `GROWTH_BOUND_MIB` (the file goes to OPFS
/// as it arrives and is read in 1 MiB blocks; holding it would add 1 GiB).
const GROWTH_BOUND_MIB: u64 = 400;

#[tokio::test]
async fn a_1_gib_file_arrives_verified_without_memory_growing_with_it() {
    const SIZE: u64 = 1024 * 1024 * 1024;
    let harness = Harness::start().await;
    let group = harness.browser_process_group().unwrap_or(0);
    // A sparse file of zeros: instant to make, and its hash is known.
    let path = std::env::temp_dir().join(format!("peerlink-e2e-gib-{}.bin", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(SIZE))
        .expect("sparse file");
    let mut hasher = Sha256::new();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        hasher.update(&zeros);
    }
    let expected: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut browsers = Vec::new();
    let outcome = async {
        let (sender, receiver) = two_in_a_room(&harness, "gib").await?;
        browsers = vec![sender.clone(), receiver.clone()];
        let input = sender.find(By::Css("[data-testid=file-input]")).await?;
        input.send_keys(path.to_string_lossy()).await?;
        let accept = "[data-testid=transfer] [data-testid=transfer-accept]";
        let button = eventually("the offer", Duration::from_secs(20), || async {
            receiver.find(By::Css(accept)).await.ok()
        })
        .await;
        let before = group_rss_kib(group);
        button.click().await?;
        let peak = AtomicU64::new(before);
        let sha = eventually("1 GiB verified", Duration::from_secs(900), || async {
            peak.fetch_max(group_rss_kib(group), Ordering::Relaxed);
            (attrs_of_all(&receiver, "data-state").await == ["verified"]).then_some(())?;
            attrs_of_all(&receiver, "data-sha256").await.pop()
        })
        .await;
        assert_eq!(sha, expected);
        let peak = peak.load(Ordering::Relaxed);
        let growth = peak.saturating_sub(before) / 1024;
        println!(
            "1 GiB: browsers' RSS {} MiB before, peak {} MiB (+{growth} MiB)",
            before / 1024,
            peak / 1024
        );
        assert!(growth < GROWTH_BOUND_MIB, "RSS grew by {growth} MiB");
        assert_eq!(attrs_of_all(&receiver, "data-storage").await, ["opfs"]);
        assert_eq!(
            attrs_of_all(&sender, "data-hash").await,
            ["worker"],
            "the sender hashed in its worker (served under the relay's CSP)"
        );
        WebDriverResult::Ok(())
    }
    .await;
    for browser in browsers {
        let _ = browser.quit().await;
    }
    let _ = std::fs::remove_file(&path);
    outcome.expect("the 1 GiB test ran");
}
