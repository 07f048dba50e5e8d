//! Resuming after a reload between real browsers: a big file is
//! interrupted by reloading the receiver's tab, then the sender's, and
//! each time continues from the receiver's kept bytes (README, *Resume
//! after a reload*), verified by SHA-256 at the end.

use std::time::Duration;

use peerlink_e2e::page::{self, wait_connected};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, Harness};

use crate::files::{make_file, pick};

const MIB: f64 = 1024.0 * 1024.0;
const SIZE: usize = 160 * 1024 * 1024;

/// An attribute of the first transfer row matching `selector`.
async fn row_attr(driver: &WebDriver, selector: &str, attr: &str) -> Option<String> {
    let js = format!(
        "const t = document.querySelector('[data-testid=transfer]{selector}'); return t ? t.getAttribute('{attr}') : null;"
    );
    page::script(driver, &js).await.as_str().map(str::to_string)
}

/// Bytes the receiving row shows.
async fn receiving(driver: &WebDriver) -> f64 {
    let js = "const p = document.querySelector('[data-testid=transfer][data-state=receiving] progress'); return p ? Number(p.getAttribute('value')) : 0;";
    page::script(driver, js).await.as_f64().unwrap_or(0.0)
}

async fn click(driver: &WebDriver, what: &str, css: &'static str) {
    let button = eventually(what, Duration::from_secs(30), || async {
        driver.find(By::Css(css)).await.ok()
    })
    .await;
    button.click().await.expect("click");
}

/// Accepts the offer that continues from kept bytes; returns that offset.
async fn accept_resume(receiver: &WebDriver) -> f64 {
    let at = eventually(
        "an offer that continues from kept bytes",
        Duration::from_secs(30),
        || async { row_attr(receiver, "[data-resumes-at]", "data-resumes-at").await },
    )
    .await;
    click(
        receiver,
        "its accept button",
        "[data-testid=transfer][data-resumes-at] [data-testid=transfer-accept]",
    )
    .await;
    at.parse().expect("a byte offset")
}

/// Reloads the tab and joins again from the pre-join screen.
async fn reload(driver: &WebDriver) -> WebDriverResult<()> {
    driver.refresh().await?;
    let join = eventually(
        "the pre-join screen after the reload",
        Duration::from_secs(30),
        || async { driver.find(By::Css("[data-testid=join]")).await.ok() },
    )
    .await;
    join.click().await
}

async fn wait_received(receiver: &WebDriver, bytes: f64) {
    eventually("bytes are flowing", Duration::from_secs(60), || async {
        (receiving(receiver).await >= bytes).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_big_file_continues_after_a_reload_of_the_receiver_then_of_the_sender() {
    let harness = Harness::start().await;
    let (path, expected) = make_file("resume-e2e.bin", SIZE);
    let sender = harness.browser().await;
    let receiver = harness.browser().await;
    let sender_url = harness.room_url("resume", "name=sender&media=none");
    let receiver_url = harness.room_url("resume", "name=receiver&media=none");
    let outcome = async {
        page::open_room(&sender, &sender_url).await?;
        page::open_room(&receiver, &receiver_url).await?;
        wait_connected(&sender, 1, "sender connected").await;
        wait_connected(&receiver, 1, "receiver connected").await;
        pick(&sender, &path).await;
        click(&receiver, "the accept button", "[data-testid=transfer-accept]").await;
        wait_received(&receiver, 40.0 * MIB).await;
        let arrived_first = receiving(&receiver).await;
        // The receiver's tab reloads; the sender offers the same File again.
        reload(&receiver).await?;
        wait_connected(&receiver, 1, "receiver back").await;
        click(&sender, "Send again", "[data-testid=transfer-send-again]").await;
        let first = accept_resume(&receiver).await;
        wait_received(&receiver, first + 40.0 * MIB).await;
        let arrived_second = receiving(&receiver).await;
        // The sender's tab reloads; the person picks the same file again.
        reload(&sender).await?;
        wait_connected(&sender, 1, "sender back").await;
        pick(&sender, &path).await;
        let second = accept_resume(&receiver).await;
        let sha = eventually(
            "the receiver verifies the file",
            Duration::from_secs(180),
            || async { row_attr(&receiver, "[data-state=verified]", "data-sha256").await },
        )
        .await;
        assert_eq!(sha, expected, "the whole file's SHA-256");
        let size = SIZE as f64;
        println!(
            "resume e2e: receiver reload kept {:.0} MiB (sent again {:.0} MiB), sender reload kept {:.0} MiB (sent again {:.0} MiB), of {:.0} MiB",
            first / MIB,
            (size - first) / MIB,
            second / MIB,
            (size - second) / MIB,
            size / MIB
        );
        // Each resume keeps what had arrived, but for the segment being
        // written when the receiver reloaded (16 MiB at most).
        assert!(
            first >= arrived_first - 16.0 * MIB,
            "kept {first} of {arrived_first} bytes"
        );
        assert!(
            second >= arrived_second - 16.0 * MIB,
            "kept {second} of {arrived_second} bytes"
        );
        WebDriverResult::Ok(())
    }
    .await;
    let _ = sender.quit().await;
    let _ = receiver.quit().await;
    let _ = std::fs::remove_file(&path);
    outcome.expect("the resume test ran");
}
