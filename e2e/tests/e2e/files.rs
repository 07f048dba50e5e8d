//! File transfer between real browsers, through the file picker.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use peerlink_e2e::page::{self, wait_connected};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, Harness};
use sha2::{Digest, Sha256};

/// Writes `size` pseudo-random bytes to a temp file; returns its path and SHA-256.
pub(crate) fn make_file(name: &str, size: usize) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("peerlink-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut hasher = Sha256::new();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ size as u64;
    let mut block = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len());
        for chunk in block[..n].chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let bytes = state.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        hasher.update(&block[..n]);
        file.write_all(&block[..n]).expect("write");
        left -= n;
    }
    file.flush().expect("flush");
    (
        path,
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

pub(crate) async fn transfer_attr(driver: &WebDriver, attr: &str) -> Option<String> {
    let js = format!("const t = document.querySelector('[data-testid=transfer]'); return t ? t.getAttribute('{attr}') : null;");
    page::script(driver, &js).await.as_str().map(str::to_string)
}

pub(crate) async fn received_bytes(driver: &WebDriver) -> f64 {
    let js = "const p = document.querySelector('[data-testid=transfer] progress'); return p ? Number(p.getAttribute('value')) : 0;";
    page::script(driver, js).await.as_f64().unwrap_or(0.0)
}

pub(crate) async fn pick(driver: &WebDriver, path: &std::path::Path) {
    let input = driver
        .find(By::Css("[data-testid=file-input]"))
        .await
        .expect("the file input");
    input
        .send_keys(path.to_string_lossy())
        .await
        .expect("choose the file");
}

pub(crate) async fn accept(driver: &WebDriver) {
    let button = eventually(
        "the offer with an accept button",
        Duration::from_secs(20),
        || async {
            driver
                .find(By::Css(
                    "[data-testid=transfer] [data-testid=transfer-accept]",
                ))
                .await
                .ok()
        },
    )
    .await;
    button.click().await.expect("accept");
}

#[tokio::test]
async fn a_64_mib_file_arrives_verified_with_the_right_hash() {
    let harness = Harness::start().await;
    let (path, expected) = make_file("sixty-four.bin", 64 * 1024 * 1024);
    let sender = harness.browser().await;
    let receiver = harness.browser().await;
    let outcome = async {
        page::open_room(
            &sender,
            &harness.room_url("files", "name=sender&media=none"),
        )
        .await?;
        page::open_room(
            &receiver,
            &harness.room_url("files", "name=receiver&media=none"),
        )
        .await?;
        wait_connected(&sender, 1, "sender connected").await;
        wait_connected(&receiver, 1, "receiver connected").await;
        pick(&sender, &path).await;
        accept(&receiver).await;
        let sha = eventually(
            "the receiver verifies the file",
            Duration::from_secs(120),
            || async {
                (transfer_attr(&receiver, "data-state").await.as_deref() == Some("verified"))
                    .then_some(())?;
                transfer_attr(&receiver, "data-sha256").await
            },
        )
        .await;
        assert_eq!(sha, expected, "the receiver's SHA-256 is the file's");
        assert_eq!(
            transfer_attr(&receiver, "data-storage").await.as_deref(),
            Some("opfs"),
            "kept in OPFS while it arrived"
        );
        eventually(
            "the sender sees it verified",
            Duration::from_secs(20),
            || async {
                (transfer_attr(&sender, "data-state").await.as_deref() == Some("verified"))
                    .then_some(())
            },
        )
        .await;
        let link = receiver.find(By::Css("[data-testid=download]")).await?;
        assert_eq!(
            link.attr("download").await?.as_deref(),
            Some("sixty-four.bin")
        );
        assert!(link
            .attr("href")
            .await?
            .is_some_and(|h| h.starts_with("blob:")));
        WebDriverResult::Ok(())
    }
    .await;
    let _ = sender.quit().await;
    let _ = receiver.quit().await;
    let _ = std::fs::remove_file(&path);
    outcome.expect("the transfer test ran");
}

#[tokio::test]
async fn closing_the_senders_browser_mid_transfer_leaves_a_resumable_failure() {
    let harness = Harness::start().await;
    // Content does not matter here: a sparse file is instant to make.
    let path = std::env::temp_dir().join(format!("peerlink-e2e-sparse-{}.bin", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(512 * 1024 * 1024))
        .expect("sparse file");
    let sender = harness.browser().await;
    let receiver = harness.browser().await;
    let outcome = async {
        page::open_room(
            &sender,
            &harness.room_url("vanish", "name=sender&media=none"),
        )
        .await?;
        page::open_room(
            &receiver,
            &harness.room_url("vanish", "name=receiver&media=none"),
        )
        .await?;
        wait_connected(&sender, 1, "sender connected").await;
        wait_connected(&receiver, 1, "receiver connected").await;
        pick(&sender, &path).await;
        accept(&receiver).await;
        eventually("bytes are flowing", Duration::from_secs(30), || async {
            (received_bytes(&receiver).await > 1024.0 * 1024.0).then_some(())
        })
        .await;
        sender.clone().quit().await?;
        eventually(
            "the receiver shows a failed, resumable transfer",
            Duration::from_secs(30),
            || async {
                let state = transfer_attr(&receiver, "data-state").await;
                let resumable = transfer_attr(&receiver, "data-resumable").await;
                (state.as_deref() == Some("failed") && resumable.as_deref() == Some("true"))
                    .then_some(())
            },
        )
        .await;
        let got = received_bytes(&receiver).await;
        assert!(
            got > 0.0 && got < 512.0 * 1024.0 * 1024.0,
            "stopped part-way: {got} bytes"
        );
        assert!(
            receiver
                .find(By::Css("[data-testid=download]"))
                .await
                .is_err(),
            "nothing offered for download"
        );
        WebDriverResult::Ok(())
    }
    .await;
    let _ = sender.quit().await;
    let _ = receiver.quit().await;
    let _ = std::fs::remove_file(&path);
    outcome.expect("the vanishing-sender test ran");
}

#[tokio::test]
async fn a_file_sent_from_a_peers_tile_goes_to_that_peer_only() {
    let harness = Harness::start().await;
    let (path, expected) = make_file("just-for-bo.bin", 1024 * 1024);
    let browsers = [
        harness.browser().await,
        harness.browser().await,
        harness.browser().await,
    ];
    let outcome = async {
        for (browser, name) in browsers.iter().zip(["al", "bo", "cy"]) {
            page::open_room(
                browser,
                &harness.room_url("one-to-one", &format!("name={name}&media=none")),
            )
            .await?;
        }
        for browser in &browsers {
            wait_connected(browser, 2, "a mesh of three").await;
        }
        // Bo's id is the one al and cy both see and bo does not.
        let al_sees = wait_connected(&browsers[0], 2, "al's view").await;
        let bo_sees = wait_connected(&browsers[1], 2, "bo's view").await;
        let cy_sees = wait_connected(&browsers[2], 2, "cy's view").await;
        let bo = al_sees
            .iter()
            .find(|id| cy_sees.contains(id) && !bo_sees.contains(id))
            .cloned()
            .expect("bo's id");
        let input = browsers[0]
            .find(By::Css(format!(
                "[data-testid=peer][data-peer-id='{bo}'] input[type=file]"
            )))
            .await?;
        input.send_keys(path.to_string_lossy()).await?;
        accept(&browsers[1]).await;
        let sha = eventually("bo verifies the file", Duration::from_secs(30), || async {
            (transfer_attr(&browsers[1], "data-state").await.as_deref() == Some("verified"))
                .then_some(())?;
            transfer_attr(&browsers[1], "data-sha256").await
        })
        .await;
        assert_eq!(sha, expected);
        let cy_transfers = browsers[2]
            .find_all(By::Css("[data-testid=transfer]"))
            .await?;
        assert!(cy_transfers.is_empty(), "cy was not offered bo's file");
        WebDriverResult::Ok(())
    }
    .await;
    for browser in browsers {
        let _ = browser.quit().await;
    }
    let _ = std::fs::remove_file(&path);
    outcome.expect("the one-to-one file test ran");
}
