//! `make bench` file throughput: a 256 MiB file and a 1 GiB one (when the
//! machine has the memory for the plain-JS page, which holds the whole
//! file) between two headless Chromium tabs over loopback, through peerlink
//! (release build, SHA-256 on both sides) and through a minimal
//! plain-JavaScript sender/receiver (`bench/`, same chunk size and
//! bufferedAmount marks, no hashing), interleaved in the same run. Prints
//! MiB/s for each, the ratio peerlink/JS (of the medians and per run), each
//! tab's peak RSS (all processes of its browser, e2e/src/memory.rs), the CPU
//! time each tab's browser spent per GiB, the receiving tab's JS heap, and
//! the load average (the machine may be shared: compare same-run ratios).
//! `BENCH_RUNS` (default 3) and `BENCH_SIZES_MIB` (e.g. `256,1024`) override;
//! `BENCH_JS_SINKS=worker,main` adds plain-JS receivers that hash and write
//! to OPFS (in a worker, or on the page) as references; `BENCH_DIST_B=dir`
//! also runs another build of the app (a `trunk build --dist dir`).

use std::time::{Duration, Instant};

use peerlink_e2e::page::{self, wait_connected};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, memory, Harness};
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

/// What one transfer measured.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    mibs: f64,
    /// Peak RSS of each tab's browser (all its processes), MiB.
    send_rss: u64,
    recv_rss: u64,
    /// CPU seconds each tab's browser used during the transfer.
    send_cpu: f64,
    recv_cpu: f64,
    /// Peak of the receiving tab's JS heap, MiB.
    heap: f64,
}

/// Two Chromium sessions and which browser process tree is which.
struct Tabs {
    sender: WebDriver,
    receiver: WebDriver,
    group: i32,
    send_key: i32,
    recv_key: i32,
}

impl Tabs {
    async fn open(harness: &Harness) -> Tabs {
        let group = harness.browser_process_group().unwrap_or(0);
        let before = memory::session_roots(group);
        let sender = harness.browser().await;
        let send_key = memory::new_session(group, &before);
        let before = memory::session_roots(group);
        let receiver = harness.browser().await;
        let recv_key = memory::new_session(group, &before);
        Tabs {
            sender,
            receiver,
            group,
            send_key,
            recv_key,
        }
    }

    fn cpu(&self) -> (f64, f64) {
        let cpu = memory::sessions_cpu_secs(self.group);
        let of = |k| cpu.get(&k).copied().unwrap_or(0.0);
        (of(self.send_key), of(self.recv_key))
    }

    /// Fills in the memory and CPU figures of `run` and closes both tabs.
    async fn finish(self, sampler: memory::Sampler, cpu_before: (f64, f64), run: &mut Run) {
        let cpu = self.cpu();
        let peaks = sampler.finish().await;
        run.send_rss = peaks.mib(self.send_key);
        run.recv_rss = peaks.mib(self.recv_key);
        run.send_cpu = cpu.0 - cpu_before.0;
        run.recv_cpu = cpu.1 - cpu_before.1;
        let _ = self.sender.quit().await;
        let _ = self.receiver.quit().await;
    }
}

async fn js_heap_mib(driver: &WebDriver) -> f64 {
    let js = "return performance.memory ? performance.memory.usedJSHeapSize : 0;";
    page::script(driver, js).await.as_f64().unwrap_or(0.0) / 1048576.0
}

const SAMPLE_EVERY: Duration = Duration::from_millis(200);

/// The app's URL for `room` when served from `app` (another build), else
/// from the harness's relay.
fn app_url(
    harness: &Harness,
    app: Option<std::net::SocketAddr>,
    room: &str,
    query: &str,
) -> String {
    match app {
        None => harness.room_url(room, query),
        Some(addr) => {
            format!("http://{addr}/?relay=ws%3A%2F%2F{addr}%2Fws&ice=%5B%5D&{query}#{room}")
        }
    }
}

async fn peerlink_run(
    harness: &Harness,
    app: Option<std::net::SocketAddr>,
    run: usize,
    path: &str,
    size: u64,
) -> Run {
    let tabs = Tabs::open(harness).await;
    let (sender, receiver) = (&tabs.sender, &tabs.receiver);
    let room = format!(
        "throughput-{run}-{size}-{}-{}",
        app.is_some(),
        std::process::id()
    );
    let _ = page::open_room(
        receiver,
        &app_url(harness, app, &room, "name=recv&media=none"),
    )
    .await;
    let _ = page::open_room(
        sender,
        &app_url(harness, app, &room, "name=send&media=none"),
    )
    .await;
    wait_connected(sender, 1, "sender connected").await;
    wait_connected(receiver, 1, "receiver connected").await;
    let sampler = memory::Sampler::start(tabs.group, SAMPLE_EVERY);
    let cpu_before = tabs.cpu();
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
    let mut heap: f64 = 0.0;
    let start = Instant::now();
    accept.click().await.expect("accept");
    let secs = loop {
        let value = page::script(
            receiver,
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
        heap = heap.max(js_heap_mib(receiver).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut run = Run {
        mibs: size as f64 / MIB as f64 / secs,
        heap,
        ..Run::default()
    };
    tabs.finish(sampler, cpu_before, &mut run).await;
    run
}

async fn js_run(
    harness: &Harness,
    bench_addr: std::net::SocketAddr,
    run: usize,
    path: &str,
    size: u64,
    sink: &str,
) -> Run {
    let tabs = Tabs::open(harness).await;
    let (sender, receiver) = (&tabs.sender, &tabs.receiver);
    let query = format!(
        "room={run}-{size}-{sink}-{}&chunk={CHUNK}&high={HIGH}&low={LOW}&sink={sink}",
        std::process::id()
    );
    let _ = receiver
        .goto(format!("http://{bench_addr}/?role=recv&{query}"))
        .await;
    let _ = sender
        .goto(format!("http://{bench_addr}/?role=send&{query}"))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sampler = memory::Sampler::start(tabs.group, SAMPLE_EVERY);
    let cpu_before = tabs.cpu();
    let mut heap: f64 = 0.0;
    let input = sender.find(By::Css("#file")).await.expect("file input");
    input.send_keys(path).await.expect("pick the file");
    let picked = Instant::now();
    let result = loop {
        let value = page::script(receiver, "return window.result || null;").await;
        if !value.is_null() {
            break value;
        }
        assert!(
            picked.elapsed() < Duration::from_secs(1800),
            "the JS transfer did not finish"
        );
        heap = heap.max(js_heap_mib(receiver).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let bytes = result["bytes"].as_f64().unwrap_or(0.0);
    let ms = result["end"].as_f64().unwrap_or(0.0) - result["start"].as_f64().unwrap_or(0.0);
    assert_eq!(bytes as u64, size, "the JS receiver got every byte");
    if sink != "memory" {
        let hex = result["hex"].as_str().unwrap_or_default();
        assert_eq!(hex.len(), 64, "the JS receiver ({sink}) hashed");
    }
    let mut run = Run {
        mibs: bytes / MIB as f64 / (ms / 1000.0),
        heap,
        ..Run::default()
    };
    tabs.finish(sampler, cpu_before, &mut run).await;
    run
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// The 1-minute load average, from /proc/loadavg.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
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

    // BENCH_DIST_B=dir: another build of the app, run after peerlink each time.
    let mut other = None;
    if let Ok(dir) = std::env::var("BENCH_DIST_B") {
        let mut config = Config::with_listen("127.0.0.1:0".parse().expect("address"));
        config.serve = Some(dir.into());
        let relay = Relay::bind(config).await.expect("relay for build B");
        other = relay.local_addr().ok();
        tokio::spawn(relay.serve_until(std::future::pending()));
    }
    let mut sizes = vec![256 * MIB];
    if available_mib() >= BIG_RUN_NEEDS_MIB {
        sizes.push(1024 * MIB);
    } else {
        println!(
            "  (1 GiB skipped: {} MiB available, the plain-JS page needs {BIG_RUN_NEEDS_MIB})",
            available_mib()
        );
    }
    if let Ok(only) = std::env::var("BENCH_SIZES_MIB") {
        sizes = only
            .split(',')
            .filter_map(|s| s.trim().parse::<u64>().ok())
            .map(|m| m * MIB)
            .collect();
    }
    let mut summaries = Vec::new();
    for size in sizes {
        summaries.push(bench_size(&harness, bench_addr, other, size).await);
    }
    println!();
    for summary in summaries {
        println!("{summary}");
    }
}

fn run_line(size: u64, run: usize, who: &str, r: &Run) -> String {
    format!(
        "  {} MiB run {}: {who:<9} {:6.1} MiB/s   peak RSS sender {:5} MiB receiver {:5} MiB   CPU s sender {:5.1} receiver {:5.1}   receiver JS heap {:6.1} MiB",
        size / MIB, run + 1, r.mibs, r.send_rss, r.recv_rss, r.send_cpu, r.recv_cpu, r.heap
    )
}

/// Both pages, `runs()` times each (interleaved), on a sparse file of
/// `size` bytes; prints each run and returns the summary.
async fn bench_size(
    harness: &Harness,
    bench_addr: std::net::SocketAddr,
    other: Option<std::net::SocketAddr>,
    size: u64,
) -> String {
    let path =
        std::env::temp_dir().join(format!("peerlink-bench-{size}-{}.bin", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(size))
        .expect("the bench file");
    let path = path.to_string_lossy().to_string();

    let load_before = load_average();
    let sinks = extra_sinks();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let mut extra: Vec<Vec<Run>> = vec![Vec::new(); sinks.len()];
    let mut bs = Vec::new();
    for run in 0..runs() {
        let js = js_run(harness, bench_addr, run, &path, size, "memory").await;
        println!("{}", run_line(size, run, "plain JS", &js));
        theirs.push(js);
        for (sink, runs) in sinks.iter().zip(&mut extra) {
            let js = js_run(harness, bench_addr, run, &path, size, sink).await;
            println!("{}", run_line(size, run, &format!("JS {sink}"), &js));
            runs.push(js);
        }
        let pl = peerlink_run(harness, None, run, &path, size).await;
        println!("{}", run_line(size, run, "peerlink", &pl));
        ours.push(pl);
        if let Some(app) = other {
            let b = peerlink_run(harness, Some(app), run, &path, size).await;
            println!("{}", run_line(size, run, "build B", &b));
            bs.push(b);
        }
    }
    let _ = std::fs::remove_file(&path);
    let mut out = summary(size, &ours, &theirs, &load_before);
    if !bs.is_empty() {
        let b = median(bs.iter().map(|r| r.mibs));
        let per_run: Vec<String> = bs
            .iter()
            .zip(&ours)
            .map(|(b, a)| format!("{:.2}", b.mibs / a.mibs))
            .collect();
        out += &format!(
            "\n  build B (BENCH_DIST_B): median {b:.1} MiB/s; B/JS {:.2}; B/peerlink {:.2} of the medians, per run {}; peak RSS sender {} receiver {} MiB; CPU s/GiB sender {:.1} receiver {:.1}",
            b / median(theirs.iter().map(|r| r.mibs)),
            b / median(ours.iter().map(|r| r.mibs)),
            per_run.join(" "),
            bs.iter().map(|r| r.send_rss).max().unwrap_or(0),
            bs.iter().map(|r| r.recv_rss).max().unwrap_or(0),
            median(bs.iter().map(|r| r.send_cpu)) / (size as f64 / (1024.0 * MIB as f64)),
            median(bs.iter().map(|r| r.recv_cpu)) / (size as f64 / (1024.0 * MIB as f64)),
        );
    }
    for (sink, runs) in sinks.iter().zip(&extra) {
        let theirs = median(runs.iter().map(|r| r.mibs));
        out += &format!(
            "\n  plain JS, sink={sink} ({}): median {theirs:.1} MiB/s; peerlink/it {:.2}; peak RSS sender {} receiver {} MiB; CPU s/GiB sender {:.1} receiver {:.1}",
            if sink == "worker" { "SHA-256 and OPFS writes in a worker" } else { "SHA-256 and OPFS writes on the page" },
            median(ours.iter().map(|r| r.mibs)) / theirs,
            runs.iter().map(|r| r.send_rss).max().unwrap_or(0),
            runs.iter().map(|r| r.recv_rss).max().unwrap_or(0),
            median(runs.iter().map(|r| r.send_cpu)) / (size as f64 / (1024.0 * MIB as f64)),
            median(runs.iter().map(|r| r.recv_cpu)) / (size as f64 / (1024.0 * MIB as f64)),
        );
    }
    out
}

/// `BENCH_JS_SINKS=worker,main`: also run the plain-JS page with a
/// hashing receiver (bench/transfer.js), as references for peerlink's.
fn extra_sinks() -> Vec<String> {
    std::env::var("BENCH_JS_SINKS")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| s == "worker" || s == "main")
        .collect()
}

fn summary(size: u64, ours: &[Run], theirs: &[Run], load_before: &str) -> String {
    let n = ours.len();
    let med = |runs: &[Run], f: fn(&Run) -> f64| median(runs.iter().map(f));
    let peak = |runs: &[Run], f: fn(&Run) -> u64| runs.iter().map(f).max().unwrap_or(0);
    let list = |runs: &[Run]| {
        runs.iter()
            .map(|r| format!("{:.1}", r.mibs))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (o, t) = (med(ours, |r| r.mibs), med(theirs, |r| r.mibs));
    let pairs: Vec<String> = ours
        .iter()
        .zip(theirs)
        .map(|(o, t)| format!("{:.2}", o.mibs / t.mibs))
        .collect();
    let gib = size as f64 / (1024.0 * MIB as f64);
    let mut out = format!(
        "== file throughput: {} MiB, two headless Chromium tabs, loopback, chunk {} KiB, marks {}/{} MiB, {n} interleaved runs, load average {load_before} → {} ==\n",
        size / MIB, CHUNK / 1024, HIGH >> 20, LOW >> 20, load_average()
    );
    out += &format!(
        "  peerlink (SHA-256 both sides)  median {o:6.1} MiB/s   (runs: {})\n",
        list(ours)
    );
    out += &format!(
        "  plain JavaScript (no hashing)  median {t:6.1} MiB/s   (runs: {})\n",
        list(theirs)
    );
    out += &format!(
        "  ratio peerlink/JS: {:.2} of the medians; per run {}\n",
        o / t,
        pairs.join(" ")
    );
    out += &format!(
        "  peak RSS, each tab's browser (all its processes), max of the runs: peerlink sender {} MiB receiver {} MiB; JS sender {} MiB receiver {} MiB\n",
        peak(ours, |r| r.send_rss), peak(ours, |r| r.recv_rss), peak(theirs, |r| r.send_rss), peak(theirs, |r| r.recv_rss)
    );
    out += &format!(
        "  CPU seconds per GiB (median): peerlink sender {:.1} receiver {:.1}; JS sender {:.1} receiver {:.1}\n",
        med(ours, |r| r.send_cpu) / gib, med(ours, |r| r.recv_cpu) / gib, med(theirs, |r| r.send_cpu) / gib, med(theirs, |r| r.recv_cpu) / gib
    );
    out += &format!(
        "  receiver JS heap peak: peerlink {:.1} MiB, JS {:.1} MiB",
        ours.iter().map(|r| r.heap).fold(0.0, f64::max),
        theirs.iter().map(|r| r.heap).fold(0.0, f64::max)
    );
    out
}
