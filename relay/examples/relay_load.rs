//! `make bench` relay figures: starts the release relay, and the y-webrtc
//! 10.3.0 signaling server (`node bin/server.js`) when its path is given, as
//! their own processes on 127.0.0.1, and drives both with the same generator:
//! (1) 1 000 clients in 100 rooms publishing at two offered rates for a fixed
//! time: deliveries per second, p50/p99 delivery latency and RSS; repeated
//! for several rounds with the two servers interleaved (the one that goes
//! first alternates), so a burst of load from elsewhere on a shared machine
//! lands on both; per round the ratio, then the median of the rounds; the
//! load average is printed with every run. (2) 10 000 idle connections to
//! each server: RSS per connection.
//!
//! Environment: RELAY_BENCH_ROUNDS (default 3); RELAY_BENCH_PIN=1 pins the
//! generator to CPU 0 and each server to CPU 1 (`taskset`), the relay with
//! one worker thread, like node's one thread; RELAY_LOAD_IDLE_ONLY=1 runs only (2);
//! RELAY_BENCH_RT=1 (root) runs the generator and both servers (which inherit
//! it) under SCHED_RR priority 1, so that builds and browsers elsewhere on a
//! shared machine cannot preempt them (at load 30-45, p50 was 0.1-1 s
//! without it and under 1 ms with it). Unpinned, the relay's two workers and
//! the generator's two share 2 CPUs, and a busy SCHED_RR thread keeps its
//! CPU for up to 100 ms: RELAY_BENCH_PIN=1 with it is the fairer comparison.
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

/// CPU time (user + system) the process has used, in ms.
fn cpu_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after ')'.
    (ticks(11) + ticks(12)) * 1000.0 / per_second
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Whether to pin (RELAY_BENCH_PIN=1): generator on CPU 0, servers on CPU 1.
fn pinned() -> bool {
    std::env::var("RELAY_BENCH_PIN").is_ok_and(|v| v == "1")
}

/// A command for `program`, under `taskset -c 1` when pinning.
fn server_command(program: &str) -> Command {
    if pinned() {
        let mut command = Command::new("taskset");
        command.args(["-c", "1", program]);
        command
    } else {
        Command::new(program)
    }
}

fn pin_generator() {
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(0, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// SCHED_RR priority 1 for this thread, and so for the runtime's threads and
/// the servers started from it (RELAY_BENCH_RT=1).
fn realtime() {
    let param = libc::sched_param { sched_priority: 1 };
    if unsafe { libc::sched_setscheduler(0, libc::SCHED_RR, &param) } != 0 {
        println!("  (RELAY_BENCH_RT=1: SCHED_RR refused, running at normal priority)");
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
    // taskset execs the server (same pid): wait for the exec, so that
    // /proc/PID/status is the server's.
    for _ in 0..100 {
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() != "taskset" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

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
    let mut command = server_command(bin);
    if pinned() {
        command.env("TOKIO_WORKER_THREADS", "1");
    }
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
    let mut command = server_command("node");
    command.arg(server_js).env("PORT", port.to_string());
    start("y-webrtc 10.3.0", command, port, "/").await
}

/// What one fan-out run measured.
struct Run {
    per_second: f64,
    /// The server's CPU time (user + system) per 1 000 deliveries.
    cpu_ms_per_k: f64,
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
    let cpu_before = cpu_ms(server.pid);
    for task in tasks {
        let _ = tokio::time::timeout(RUN_FOR + Duration::from_secs(10), task).await;
    }
    let rss = sampler.await.unwrap_or(0);
    let secs = measure_from.elapsed().as_secs_f64();
    let count = delivered.load(Ordering::Relaxed) - before;
    let cpu = cpu_ms(server.pid) - cpu_before;
    let mut lat = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    lat.sort_unstable();
    Run {
        per_second: count as f64 / secs,
        cpu_ms_per_k: cpu / (count.max(1) as f64 / 1000.0),
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
        "  {name:<16} every {:>5} ms: {:>8.0} deliveries/s, CPU {:>5.1} ms per 1k, p50 {:>6.2} ms, p99 {:>6.2} ms, RSS {:>6.1} MiB ({:.1} KiB per client over idle), load {}",
        every.as_millis(),
        run.per_second,
        run.cpu_ms_per_k,
        run.p50,
        run.p99,
        run.rss_kib as f64 / 1024.0,
        run.rss_kib.saturating_sub(run.base_kib) as f64 / CLIENTS as f64,
        load_average()
    );
}

/// One run of one server at one rate, in one round.
struct Result {
    round: usize,
    name: &'static str,
    every: Duration,
    run: Run,
}

fn ratio(ours: f64, theirs: f64) -> f64 {
    ours / theirs.max(1e-9)
}

fn print_summary(results: &[Result], rounds: usize) {
    let find = |round: usize, name: &str, every: Duration| {
        results
            .iter()
            .find(|r| r.round == round && r.name.starts_with(name) && r.every == every)
            .map(|r| &r.run)
    };
    println!("-- per round, peerlink/y-webrtc (below 1: peerlink lower)");
    for every in RATES {
        for round in 0..rounds {
            if let (Some(ours), Some(theirs)) = (
                find(round, "peerlink", every),
                find(round, "y-webrtc", every),
            ) {
                println!(
                    "  round {} every {:>4} ms: deliveries/s {:.2}, CPU per delivery {:.2}, p50 {:.2}, p99 {:.2}, RSS {:.2}",
                    round + 1,
                    every.as_millis(),
                    ratio(ours.per_second, theirs.per_second),
                    ratio(ours.cpu_ms_per_k, theirs.cpu_ms_per_k),
                    ratio(ours.p50, theirs.p50),
                    ratio(ours.p99, theirs.p99),
                    ratio(ours.rss_kib as f64, theirs.rss_kib as f64)
                );
            }
        }
    }
    println!("-- median of {rounds} rounds");
    for every in RATES {
        let mut p99_ratios = Vec::new();
        for name in ["peerlink", "y-webrtc"] {
            let runs: Vec<&Run> = (0..rounds).filter_map(|r| find(r, name, every)).collect();
            if runs.is_empty() {
                continue;
            }
            let pick = |f: fn(&Run) -> f64| median(runs.iter().map(|r| f(r)).collect());
            println!(
                "  {name:<9} every {:>4} ms: {:>8.0} deliveries/s, CPU {:>5.1} ms per 1k, p50 {:>6.2} ms, p99 {:>6.2} ms, RSS {:>6.1} MiB",
                every.as_millis(),
                pick(|r| r.per_second),
                pick(|r| r.cpu_ms_per_k),
                pick(|r| r.p50),
                pick(|r| r.p99),
                pick(|r| r.rss_kib as f64) / 1024.0
            );
        }
        for round in 0..rounds {
            if let (Some(ours), Some(theirs)) = (
                find(round, "peerlink", every),
                find(round, "y-webrtc", every),
            ) {
                p99_ratios.push(ratio(ours.p99, theirs.p99));
            }
        }
        if !p99_ratios.is_empty() {
            println!(
                "  ratio p99 peerlink/y-webrtc every {:>4} ms: median {:.2} (rounds: {})",
                every.as_millis(),
                median(p99_ratios.clone()),
                p99_ratios
                    .iter()
                    .map(|r| format!("{r:.2}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let relay_bin = args
        .next()
        .unwrap_or_else(|| "target/release/peerlink-relay".into());
    let y_webrtc = args
        .next()
        .filter(|path| std::path::Path::new(path).is_file());
    raise_fd_limit();
    if std::env::var("RELAY_BENCH_RT").is_ok_and(|v| v == "1") {
        realtime();
    }
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if pinned() {
        pin_generator();
        runtime.worker_threads(1);
    }
    let runtime = runtime.enable_all().build().expect("tokio runtime");
    runtime.block_on(bench(relay_bin, y_webrtc));
}

async fn bench(relay_bin: String, y_webrtc: Option<String>) {
    if std::env::var_os("RELAY_LOAD_IDLE_ONLY").is_some() {
        let mut relay = start_relay(&relay_bin).await;
        idle_connections(&relay).await;
        let _ = relay.child.kill().await;
        return;
    }
    let rounds: usize = std::env::var("RELAY_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    println!(
        "== relay fan-out: {CLIENTS} clients in {ROOMS} rooms, {} s per run, {rounds} rounds, servers interleaved, same generator{} ==",
        RUN_FOR.as_secs(),
        if pinned() { "; generator on CPU 0, each server on CPU 1 (relay: 1 worker thread)" } else { "; no pinning" }
    );
    if std::env::var("RELAY_BENCH_RT").is_ok_and(|v| v == "1") {
        println!("  generator and servers at real-time priority (SCHED_RR 1, RELAY_BENCH_RT=1)");
    }
    println!("  load average at start: {}", load_average());
    let mut results: Vec<Result> = Vec::new();
    for round in 0..rounds {
        for every in RATES {
            let offered = CLIENTS as f64 / every.as_secs_f64() * (CLIENTS / ROOMS) as f64;
            println!(
                "-- round {}: offered {offered:.0} deliveries/s (each client publishes every {} ms)",
                round + 1,
                every.as_millis()
            );
            let mut order: Vec<bool> = vec![true];
            if y_webrtc.is_some() {
                order.push(false);
            }
            // The server that goes first alternates from round to round.
            if round % 2 == 1 {
                order.reverse();
            }
            for relay in order {
                let mut server = match (&y_webrtc, relay) {
                    (Some(path), false) => start_y_webrtc(path).await,
                    _ => start_relay(&relay_bin).await,
                };
                let run = fan_out(&server, every).await;
                print_run(server.name, every, &run);
                // A server that died mid-run (or delivered nothing) has no
                // figures to compare: leave the run out of ratios and medians.
                if let Ok(Some(status)) = server.child.try_wait() {
                    println!(
                        "  ({} exited during the run ({status}): run left out)",
                        server.name
                    );
                } else if run.per_second < 1.0 {
                    println!("  ({} delivered nothing: run left out)", server.name);
                } else {
                    results.push(Result {
                        round,
                        name: server.name,
                        every,
                        run,
                    });
                }
                let _ = server.child.kill().await;
                let _ = server.child.wait().await;
            }
        }
    }
    if y_webrtc.is_none() {
        println!("  (y-webrtc server not found: no comparison; scripts/setup.sh installs it)");
    }
    print_summary(&results, rounds);
    println!("  load average at end: {}", load_average());
    let mut relay = start_relay(&relay_bin).await;
    idle_connections(&relay).await;
    let _ = relay.child.kill().await;
    if let Some(path) = &y_webrtc {
        let mut server = start_y_webrtc(path).await;
        idle_connections(&server).await;
        let _ = server.child.kill().await;
    }
}
