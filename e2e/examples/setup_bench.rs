//! `make bench` connection setup: two headless Chromium tabs open the same
//! room link on the release build; the figure is the time from the later
//! tab's navigation start until the chat channel is open in both tabs (the
//! app marks `peerlink:chat-open:*` with the Performance API). Ten runs on
//! loopback, host candidates only; prints each run and the median.

use std::time::Duration;

use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, page, Harness};

const RUNS: usize = 10;

/// (timeOrigin, chat-open mark time) in epoch milliseconds, once the mark exists.
async fn chat_open(driver: &WebDriver) -> Option<(f64, f64)> {
    let js = "const m = performance.getEntriesByType('mark').find(e => e.name.startsWith('peerlink:chat-open')); \
              return m ? [performance.timeOrigin, performance.timeOrigin + m.startTime] : null;";
    let value = peerlink_e2e::page::script(driver, js).await;
    Some((value.get(0)?.as_f64()?, value.get(1)?.as_f64()?))
}

#[tokio::main]
async fn main() {
    let harness = Harness::start().await;
    let mut results = Vec::new();
    for run in 0..RUNS {
        let room = format!("bench-{run}-{}", std::process::id());
        let a = harness.browser().await;
        let b = harness.browser().await;
        let (url_a, url_b) = (
            harness.room_url(&room, "name=a&media=none"),
            harness.room_url(&room, "name=b&media=none"),
        );
        let (_ra, _rb) = tokio::join!(page::open_room(&a, &url_a), page::open_room(&b, &url_b));
        let (ta, tb) = tokio::join!(
            eventually("tab a chat open", Duration::from_secs(60), || chat_open(&a)),
            eventually("tab b chat open", Duration::from_secs(60), || chat_open(&b)),
        );
        let started = ta.0.max(tb.0);
        let open = ta.1.max(tb.1);
        let ms = open - started;
        println!("  run {:2}: {ms:7.1} ms", run + 1);
        results.push(ms);
        let _ = a.quit().await;
        let _ = b.quit().await;
    }
    results.sort_by(|x, y| x.total_cmp(y));
    let median = (results[RUNS / 2 - 1] + results[RUNS / 2]) / 2.0;
    println!("== connection setup: later tab's navigation start → chat channel open in both (release build, loopback) ==");
    println!(
        "  median of {RUNS}: {median:.1} ms (min {:.1}, max {:.1})",
        results[0],
        results[RUNS - 1]
    );
}
