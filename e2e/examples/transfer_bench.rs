//! `make bench` file throughput: a 256 MiB file (and a 1 GiB one when the
//! machine has the memory for the plain-JS page, which holds the whole file)
//! between two headless Chromium
//! tabs over loopback, through peerlink (release build, SHA-256 on both
//! sides) and through a minimal plain-JavaScript sender/receiver (`bench/`,
//! same chunk size and bufferedAmount marks, no hashing), in the same run.
//! Prints MB/s for each, the ratio peerlink/JS, and the peak RSS of all
//! browser processes and the receiving tab's JS heap during each transfer.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use peerlink_e2e::page::{self, wait_connected};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, Harness};
use peerlink_relay::{Config, Relay};

const MIB: u64 = 1024 * 1024;
const RUNS: usize = 3;
/// The plain-JS receiver keeps every byte in memory: 1 GiB runs only with
/// this much memory available (MiB).
const BIG_RUN_NEEDS_MIB: u64 = 6 * 1024;

/// MemAvailable of /proc/meminfo, in MiB.
fn available_mib() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemAvailable:"))?
                .split_whitespace()
                .nth(1)?
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kib| kib / 1024)
}
fn runs() -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RUNS)
}
// Keep in step with peerlink's SendOptions::default().
const CHUNK: u32 = 256 * 1024;
const HIGH: u32 = 8 * 1024 * 1024;
const LOW: u32 = 2 * 1024 * 1024;

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Total RSS (KiB) of the browser processes in our chromedriver's process group.
fn browser_rss_kib(group: i32) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .chars()
                .all(|c| c.is_ascii_digit())
        })
        .filter(|e| {
            // Field 5 of /proc/PID/stat is the process group (after "(comm)").
            std::fs::read_to_string(e.path().join("stat"))
                .ok()
                .and_then(|stat| {
                    stat.rsplit_once(')')?
                        .1
                        .split_whitespace()
                        .nth(2)?
                        .parse::<i32>()
                        .ok()
                })
                == Some(group)
        })
        .filter(|e| {
            std::fs::read_to_string(e.path().join("comm"))
                .is_ok_and(|c| c.trim().starts_with("chromium"))
        })
        .filter_map(|e| {
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

/// Samples browser RSS and the receiver's JS heap until stopped; returns the peaks.
struct Sampler {
    stop: Arc<AtomicBool>,
    rss: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Sampler {
    fn start(group: i32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let rss = Arc::new(AtomicU64::new(0));
        let (s, r) = (stop.clone(), rss.clone());
        let task = tokio::spawn(async move {
            while !s.load(Ordering::Relaxed) {
                r.fetch_max(browser_rss_kib(group), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        Sampler { stop, rss, task }
    }

    async fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        self.rss.load(Ordering::Relaxed)
    }
}

async fn js_heap_mib(driver: &WebDriver) -> f64 {
    let js = "return performance.memory ? performance.memory.usedJSHeapSize : 0;";
    page::script(driver, js).await.as_f64().unwrap_or(0.0) / 1048576.0
}

async fn peerlink_run(harness: &Harness, run: usize, path: &str, size: u64) -> (f64, u64, f64) {
    let sender = harness.browser().await;
    let receiver = harness.browser().await;
    let room = format!("throughput-{run}-{size}-{}", std::process::id());
    let _ = page::open_room(&receiver, &harness.room_url(&room, "name=recv&media=none")).await;
    let _ = page::open_room(&sender, &harness.room_url(&room, "name=send&media=none")).await;
    wait_connected(&sender, 1, "sender connected").await;
    wait_connected(&receiver, 1, "receiver connected").await;
    let input = sender
        .find(By::Css("[data-testid=file-input]"))
        .await
        .expect("file input");
    input.send_keys(path).await.expect("pick the file");
    let accept = eventually("the offer", Duration::from_secs(30), || async {
        receiver
            .find(By::Css("[data-testid=transfer-accept]"))
            .await
            .ok()
    })
    .await;
    let sampler = Sampler::start(harness.browser_process_group().unwrap_or(0));
    let mut heap: f64 = 0.0;
    let start = Instant::now();
    accept.click().await.expect("accept");
    let secs = loop {
        let value = page::script(
            &receiver,
            "const t = document.querySelector('[data-testid=transfer]'); \
             return t ? [t.dataset.state, Number(t.dataset.startedMs), Number(t.dataset.updatedMs)] : null;",
        )
        .await;
        let state = value[0].as_str().unwrap_or_default().to_string();
        if state == "verified" {
            // In-page times: accepted → verified, as the receiver's page saw them.
            break (value[2].as_f64().unwrap_or(0.0) - value[1].as_f64().unwrap_or(0.0)) / 1000.0;
        }
        assert!(
            state != "failed" && start.elapsed() < Duration::from_secs(1800),
            "peerlink transfer ended {state:?}"
        );
        heap = heap.max(js_heap_mib(&receiver).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let rss = sampler.finish().await;
    let _ = sender.quit().await;
    let _ = receiver.quit().await;
    (size as f64 / 1e6 / secs, rss, heap)
}

async fn js_run(
    harness: &Harness,
    bench_addr: std::net::SocketAddr,
    run: usize,
    path: &str,
    size: u64,
) -> (f64, u64, f64) {
    let sender = harness.browser().await;
    let receiver = harness.browser().await;
    let query = format!(
        "room={run}-{size}-{}&chunk={CHUNK}&high={HIGH}&low={LOW}",
        std::process::id()
    );
    let _ = receiver
        .goto(format!("http://{bench_addr}/?role=recv&{query}"))
        .await;
    let _ = sender
        .goto(format!("http://{bench_addr}/?role=send&{query}"))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sampler = Sampler::start(harness.browser_process_group().unwrap_or(0));
    let mut heap: f64 = 0.0;
    let input = sender.find(By::Css("#file")).await.expect("file input");
    input.send_keys(path).await.expect("pick the file");
    let picked = now_ms();
    let result = loop {
        let value = page::script(&receiver, "return window.result || null;").await;
        if !value.is_null() {
            break value;
        }
        assert!(
            now_ms() - picked < 1_800_000.0,
            "the JS transfer did not finish"
        );
        heap = heap.max(js_heap_mib(&receiver).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let rss = sampler.finish().await;
    let bytes = result["bytes"].as_f64().unwrap_or(0.0);
    let ms = result["end"].as_f64().unwrap_or(0.0) - result["start"].as_f64().unwrap_or(0.0);
    assert_eq!(bytes as u64, size, "the JS receiver got every byte");
    let _ = sender.quit().await;
    let _ = receiver.quit().await;
    (bytes / 1e6 / (ms / 1000.0), rss, heap)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let harness = Harness::start().await;
    let bench_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bench");
    let mut config = Config::with_listen("127.0.0.1:0".parse().expect("address"));
    config.serve = Some(bench_dir);
    let relay = Relay::bind(config).await.expect("bench relay");
    let bench_addr = relay.local_addr().expect("address");
    tokio::spawn(relay.serve_until(std::future::pending()));

    let mut sizes = vec![256 * MIB];
    if available_mib() >= BIG_RUN_NEEDS_MIB {
        sizes.push(1024 * MIB);
    } else {
        println!(
            "  (1 GiB skipped: {} MiB available, the plain-JS page needs {BIG_RUN_NEEDS_MIB})",
            available_mib()
        );
    }
    for size in sizes {
        bench_size(&harness, bench_addr, size).await;
    }
}

/// Both pages, `runs()` times each, on a sparse file of `size` bytes.
async fn bench_size(harness: &Harness, bench_addr: std::net::SocketAddr, size: u64) {
    let path =
        std::env::temp_dir().join(format!("peerlink-bench-{size}-{}.bin", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(size))
        .expect("the bench file");
    let path = path.to_string_lossy().to_string();

    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut ours_rss, mut theirs_rss, mut ours_heap, mut theirs_heap) = (0, 0, 0.0f64, 0.0f64);
    for run in 0..runs() {
        let (mbs, rss, heap) = js_run(harness, bench_addr, run, &path, size).await;
        println!("  {} MiB run {}: plain JS  {mbs:7.1} MB/s   both tabs' browsers peak RSS {:6.0} MiB   receiver JS heap {heap:5.1} MiB", size / MIB, run + 1, rss as f64 / 1024.0);
        theirs.push(mbs);
        theirs_rss = theirs_rss.max(rss);
        theirs_heap = theirs_heap.max(heap);
        let (mbs, rss, heap) = peerlink_run(harness, run, &path, size).await;
        println!("  {} MiB run {}: peerlink  {mbs:7.1} MB/s   both tabs' browsers peak RSS {:6.0} MiB   receiver JS heap {heap:5.1} MiB", size / MIB, run + 1, rss as f64 / 1024.0);
        ours.push(mbs);
        ours_rss = ours_rss.max(rss);
        ours_heap = ours_heap.max(heap);
    }
    let _ = std::fs::remove_file(&path);
    let (ours, theirs) = (median(ours), median(theirs));
    println!("== file throughput: {} MiB, two headless Chromium tabs, loopback, chunk {} KiB, marks {}/{} MiB ==", size / MIB, CHUNK / 1024, HIGH >> 20, LOW >> 20);
    println!(
        "  peerlink (SHA-256 both sides)  {ours:7.1} MB/s  (median of {})",
        runs()
    );
    println!(
        "  plain JavaScript (no hashing)  {theirs:7.1} MB/s  (median of {})",
        runs()
    );
    println!("  ratio peerlink/JS              {:7.2}", ours / theirs);
    println!("  peak RSS of all browser processes: peerlink {:.0} MiB, JS {:.0} MiB; receiver JS heap peak: peerlink {ours_heap:.1} MiB, JS {theirs_heap:.1} MiB", ours_rss as f64 / 1024.0, theirs_rss as f64 / 1024.0);
}
