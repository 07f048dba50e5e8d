//! `make bench` relay figures: starts the release relay, and the y-webrtc
//! 10.3.0 signaling server (`node bin/server.js`) when its path is given, as
//! their own processes on 127.0.0.1, and drives both with the same generator
//! in the same run: (1) 1 000 clients in 100 rooms publishing at two offered
//! rates for a fixed time: deliveries per second, p50/p99 delivery latency
//! and RSS; (2) 10 000 idle connections to the relay: RSS per connection.
//! Loopback only; every loop is bounded in count and time.
//!
//! Usage: relay_load PATH_TO_RELAY_BINARY [PATH_TO_Y_WEBRTC_SERVER_JS]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;

const CLIENTS: usize = 1_000;
const ROOMS: usize = 100;
/// Each client publishes once per this interval: two offered rates.
const RATES: [Duration; 2] = [Duration::from_millis(1_000), Duration::from_millis(400)];
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

/// One server under test: its process, pid and WebSocket URL.
struct Server {
    name: &'static str,
    child: Child,
    pid: u32,
    url: String,
}

async fn start(name: &'static str, mut command: Command, port: u16, path: &str) -> Server {
    let child = command
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|err| panic!("start {name}: {err}"));
    let pid = child.id().expect("server pid");
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server {
        name,
        child,
        pid,
        url: format!("ws://127.0.0.1:{port}{path}"),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

async fn start_relay(bin: &str) -> Server {
    let port = free_port();
    let mut command = Command::new(bin);
    command
        .args(["--listen", &format!("127.0.0.1:{port}")])
        // Every generated client comes from 127.0.0.1: lift the per-address
        // and per-connection limits that would otherwise cap the load.
        .args([
            "--max-connections-per-ip",
            "100000",
            "--max-connections",
            "100000",
        ])
        .args(["--frames-per-second", "100000", "--frame-burst", "100000"])
        .args(["--ip-bytes-per-second", "4000000000"])
        .env("RUST_LOG", "warn");
    start("peerlink-relay", command, port, "/ws").await
}

async fn start_y_webrtc(server_js: &str) -> Server {
    let port = free_port();
    let mut command = Command::new("node");
    command.arg(server_js).env("PORT", port.to_string());
    start("y-webrtc 10.3.0", command, port, "/").await
}

/// What one fan-out run measured.
struct Run {
    per_second: f64,
    p50: f64,
    p99: f64,
    rss_kib: u64,
    base_kib: u64,
}

/// CLIENTS clients in ROOMS rooms, each publishing every `every` for RUN_FOR.
async fn fan_out(server: &Server, every: Duration) -> Run {
    let base_kib = rss_kib(server.pid);
    let epoch = Instant::now();
    let delivered = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(Mutex::new(Vec::<u64>::with_capacity(1 << 20)));
    let warm_up = Duration::from_secs(2);
    let stop_at = epoch + Duration::from_secs(3) + RUN_FOR;
    let mut tasks = Vec::new();
    for i in 0..CLIENTS {
        let (ws, _) = tokio_tungstenite::connect_async(&server.url)
            .await
            .expect("connect");
        let (mut tx, mut rx) = ws.split();
        let topic = format!("room-{}", i % ROOMS);
        let subscribe = format!(r#"{{"type":"subscribe","topics":["{topic}"]}}"#);
        tx.send(Message::Text(subscribe.into())).await.expect("sub");
        let delivered = delivered.clone();
        let latencies = latencies.clone();
        tasks.push(tokio::spawn(async move {
            let mut ticker = tokio::time::interval(every);
            // Spread the publishers over the interval.
            tokio::time::sleep(every.mul_f64((i % 97) as f64 / 97.0)).await;
            let started = Instant::now();
            loop {
                tokio::select! {
                    _ = ticker.tick() => {
                        if Instant::now() >= stop_at { break; }
                        if started.elapsed() < warm_up { continue; }
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
    let pid = server.pid;
    let sampler = tokio::spawn(async move {
        let mut peak = 0;
        while Instant::now() < stop_at {
            peak = rss_kib(pid).max(peak);
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        peak
    });
    tokio::time::sleep(warm_up + Duration::from_secs(1)).await;
    let measure_from = Instant::now();
    let before = delivered.load(Ordering::Relaxed);
    for task in tasks {
        let _ = tokio::time::timeout(RUN_FOR + Duration::from_secs(10), task).await;
    }
    let rss = sampler.await.unwrap_or(0);
    let secs = measure_from.elapsed().as_secs_f64();
    let count = delivered.load(Ordering::Relaxed) - before;
    let mut lat = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    lat.sort_unstable();
    Run {
        per_second: count as f64 / secs,
        p50: percentile(&lat, 0.5),
        p99: percentile(&lat, 0.99),
        rss_kib: rss,
        base_kib,
    }
}

async fn idle_connections(server: &Server) {
    let before = rss_kib(server.pid);
    let mut idle = Vec::with_capacity(IDLE);
    let started = Instant::now();
    for _ in 0..IDLE {
        match tokio_tungstenite::connect_async(&server.url).await {
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
    let after = rss_kib(server.pid);
    let held = idle.len();
    println!("== {} idle connections ==", server.name);
    println!(
        "  held                 {held} connections (opened in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    println!(
        "  RSS                  {:.1} MiB → {:.1} MiB = {:.1} KiB per connection",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / held.max(1) as f64
    );
}

fn print_run(name: &str, every: Duration, run: &Run) {
    println!(
        "  {name:<16} every {:>5} ms: {:>8.0} deliveries/s, p50 {:>6.2} ms, p99 {:>6.2} ms, RSS {:>6.1} MiB ({:.1} KiB per client over idle)",
        every.as_millis(),
        run.per_second,
        run.p50,
        run.p99,
        run.rss_kib as f64 / 1024.0,
        run.rss_kib.saturating_sub(run.base_kib) as f64 / CLIENTS as f64
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let relay_bin = args
        .next()
        .unwrap_or_else(|| "target/release/peerlink-relay".into());
    let y_webrtc = args
        .next()
        .filter(|path| std::path::Path::new(path).is_file());
    raise_fd_limit();
    if std::env::var_os("RELAY_LOAD_IDLE_ONLY").is_some() {
        let mut relay = start_relay(&relay_bin).await;
        idle_connections(&relay).await;
        let _ = relay.child.kill().await;
        return;
    }
    println!(
        "== relay fan-out: {CLIENTS} clients in {ROOMS} rooms, {} s per run, same generator for every server ==",
        RUN_FOR.as_secs()
    );
    let mut results: Vec<(&str, Duration, Run)> = Vec::new();
    for every in RATES {
        let offered = CLIENTS as f64 / every.as_secs_f64() * (CLIENTS / ROOMS) as f64;
        println!(
            "-- offered: {offered:.0} deliveries/s (each client publishes every {} ms)",
            every.as_millis()
        );
        let mut servers = vec![start_relay(&relay_bin).await];
        if let Some(path) = &y_webrtc {
            servers.push(start_y_webrtc(path).await);
        }
        for mut server in servers {
            let run = fan_out(&server, every).await;
            print_run(server.name, every, &run);
            results.push((server.name, every, run));
            let _ = server.child.kill().await;
        }
    }
    if y_webrtc.is_none() {
        println!("  (y-webrtc server not found: no comparison; scripts/setup.sh installs it)");
    }
    for every in RATES {
        let find = |name: &str| {
            results
                .iter()
                .find(|(n, e, _)| n.starts_with(name) && *e == every)
                .map(|r| &r.2)
        };
        if let (Some(ours), Some(theirs)) = (find("peerlink"), find("y-webrtc")) {
            println!(
                "  ratio peerlink/y-webrtc at every {} ms: deliveries/s {:.2}, p50 {:.2}, p99 {:.2}, RSS {:.2}",
                every.as_millis(),
                ours.per_second / theirs.per_second.max(1e-9),
                ours.p50 / theirs.p50.max(1e-9),
                ours.p99 / theirs.p99.max(1e-9),
                ours.rss_kib as f64 / theirs.rss_kib.max(1) as f64
            );
        }
    }
    let mut relay = start_relay(&relay_bin).await;
    idle_connections(&relay).await;
    let _ = relay.child.kill().await;
}
