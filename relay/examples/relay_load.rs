//! `make bench` relay figures: starts the release relay as its own process on
//! 127.0.0.1, then (1) 1 000 clients in 100 rooms publishing for a fixed
//! time: frames delivered per second and p50/p99 delivery latency; (2) 10 000
//! idle connections: the relay's RSS per connection. Loopback only; every
//! loop is bounded in count and time.
//!
//! Usage: relay_load PATH_TO_RELAY_BINARY

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::process::Command;
use tokio_tungstenite::tungstenite::Message;

const CLIENTS: usize = 1_000;
const ROOMS: usize = 100;
const PUBLISH_EVERY: Duration = Duration::from_millis(200);
const RUN_FOR: Duration = Duration::from_secs(10);
const IDLE: usize = 10_000;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn raise_fd_limit() {
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let relay_bin = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/release/peerlink-relay".into());
    raise_fd_limit();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let mut relay = Command::new(&relay_bin)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--max-connections-per-ip",
            "100000",
            "--frames-per-second",
            "100000",
            "--frame-burst",
            "100000",
        ])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the relay");
    let pid = relay.id().expect("relay pid");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let url = format!("ws://127.0.0.1:{port}/ws");
    let base_rss = rss_kib(pid);

    // (1) fan-out under load.
    let epoch = Instant::now();
    let delivered = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(Mutex::new(Vec::<u64>::with_capacity(1 << 20)));
    let stop_at = epoch + Duration::from_secs(3) + RUN_FOR;
    let mut tasks = Vec::new();
    for i in 0..CLIENTS {
        let (ws, _) = tokio_tungstenite::connect_async(&url)
            .await
            .expect("connect");
        let (mut tx, mut rx) = ws.split();
        let topic = format!("room-{}", i % ROOMS);
        tx.send(Message::Text(
            format!(r#"{{"type":"subscribe","topics":["{topic}"]}}"#).into(),
        ))
        .await
        .expect("sub");
        let delivered = delivered.clone();
        let latencies = latencies.clone();
        tasks.push(tokio::spawn(async move {
            let mut ticker = tokio::time::interval(PUBLISH_EVERY);
            // Spread the publishers over the interval.
            tokio::time::sleep(PUBLISH_EVERY.mul_f64((i % 97) as f64 / 97.0)).await;
            let started = Instant::now();
            loop {
                tokio::select! {
                    _ = ticker.tick() => {
                        if Instant::now() >= stop_at { break; }
                        if started.elapsed() < Duration::from_secs(2) { continue; }
                        let sent_us = epoch.elapsed().as_micros() as u64;
                        let frame = format!(r#"{{"type":"publish","topic":"{topic}","data":{{"t":{sent_us}}}}}"#);
                        if tx.send(Message::Text(frame.into())).await.is_err() { break; }
                    }
                    msg = rx.next() => match msg {
                        Some(Ok(Message::Text(text))) => {
                            let now = epoch.elapsed().as_micros() as u64;
                            if let Some(sent) = text.split("\"t\":").nth(1).and_then(|r| r.split('}').next()).and_then(|n| n.parse::<u64>().ok()) {
                                delivered.fetch_add(1, Ordering::Relaxed);
                                if let Ok(mut l) = latencies.lock() { l.push(now.saturating_sub(sent)); }
                            }
                        }
                        Some(Ok(_)) => {}
                        _ => break,
                    }
                }
            }
        }));
    }
    let measure_from = Instant::now();
    let before = delivered.load(Ordering::Relaxed);
    let loaded_rss = rss_kib(pid);
    for task in tasks {
        let _ = tokio::time::timeout(RUN_FOR + Duration::from_secs(10), task).await;
    }
    let secs = measure_from.elapsed().as_secs_f64();
    let count = delivered.load(Ordering::Relaxed) - before;
    let mut lat = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    lat.sort_unstable();
    println!("== relay fan-out: {CLIENTS} clients in {ROOMS} rooms, each publishing every {PUBLISH_EVERY:?} ==");
    println!(
        "  frames delivered     {count} in {secs:.1} s = {:.0} frames/s",
        count as f64 / secs
    );
    println!(
        "  delivery latency     p50 {:.2} ms, p99 {:.2} ms (publish to receipt, loopback)",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );
    println!(
        "  relay RSS            {:.1} MiB idle, {:.1} MiB with {CLIENTS} busy clients",
        base_rss as f64 / 1024.0,
        loaded_rss as f64 / 1024.0
    );

    // (2) many idle connections.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before_idle = rss_kib(pid);
    let mut idle = Vec::with_capacity(IDLE);
    let started = Instant::now();
    for _ in 0..IDLE {
        match tokio_tungstenite::connect_async(&url).await {
            Ok((ws, _)) => idle.push(ws),
            Err(err) => {
                println!("  stopped at {} idle connections: {err}", idle.len());
                break;
            }
        }
        if started.elapsed() > Duration::from_secs(120) {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after_idle = rss_kib(pid);
    let held = idle.len();
    println!("== relay idle connections ==");
    println!(
        "  held                 {held} connections (opened in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    println!(
        "  relay RSS            {:.1} MiB → {:.1} MiB = {:.1} KiB per connection",
        before_idle as f64 / 1024.0,
        after_idle as f64 / 1024.0,
        (after_idle.saturating_sub(before_idle)) as f64 / held.max(1) as f64
    );
    drop(idle);
    let _ = relay.kill().await;
}
