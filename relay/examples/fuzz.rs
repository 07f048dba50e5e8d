//! `make fuzz`: a bounded, structure-aware fuzz driver that runs on stable
//! Rust (cargo-fuzz needs nightly). Targets: the protocol's frame, envelope
//! and channel-message decoders, and the relay's frame handling (sessions on
//! an in-memory hub, no sockets). Inputs come from mutating seeds of every
//! message kind, from generated JSON with the protocol's field names, and
//! from random bytes; inputs that decode are kept as further seeds. Each
//! target runs until it has seen `--inputs` inputs or `--seconds` pass; a
//! panic is reported with its input written to `target/fuzz-crashes/` (make
//! it a regression test) and the driver exits non-zero.
//!
//! Usage: fuzz [--inputs N] [--seconds S] [--seed X] [--only TARGET]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use peerlink_protocol::{ChannelMessage, ClientFrame, Envelope, RelayFrame};

const PEER: &str = "0123456789abcdef0123456789abcdef";
const PEER2: &str = "fedcba9876543210fedcba9876543210";

fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = [
        r#"{"type":"subscribe","topics":["room-a","room-b"]}"#,
        r#"{"type":"unsubscribe","topics":["room-a"]}"#,
        r#"{"type":"publish","topic":"room-a","data":{"x":[1,2.5,"s",null,true]}}"#,
        r#"{"type":"publish","topic":"room-a","data":"text","clients":3}"#,
        r#"{"type":"ping"}"#,
        r#"{"type":"pong"}"#,
        r#"{"t":"chat","id":"m1","text":"hello","ts":1700000000000}"#,
        r#"{"t":"bye"}"#,
        r#"{"t":"negotiate","data":"{\"kind\":\"bye\",\"body\":{}}"}"#,
        r#"{"t":"file-offer","id":"f1","name":"a.txt","size":12,"mime":"text/plain"}"#,
        r#"{"t":"file-accept","id":"f1","offset":0}"#,
        r#"{"t":"file-reject","id":"f1"}"#,
        r#"{"t":"file-done","id":"f1","sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}"#,
        r#"{"t":"file-ok","id":"f1"}"#,
        r#"{"t":"file-corrupt","id":"f1"}"#,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let envelopes = [
        r#""kind":"hello","body":{"name":"alice","caps":["chat","file"]}"#,
        r#""kind":"bye","body":{}"#,
        r#""kind":"description","body":{"type":"offer","sdp":"v=0\r\n"}"#,
        r#""kind":"candidate","body":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"u"}"#,
        r#""kind":"candidate","body":{"candidate":null}"#,
    ];
    for tail in envelopes {
        seeds.push(format!(
            r#"{{"v":1,"from":"{PEER}","to":"{PEER2}","seq":7,{tail}}}"#
        ));
        seeds.push(format!(
            r#"{{"v":1,"from":"{PEER}","to":null,"seq":0,{tail}}}"#
        ));
    }
    seeds.push(format!(
        r#"{{"v":1,"from":"{PEER}","to":"{PEER2}","seq":1,"sealed":"AAAA"}}"#
    ));
    seeds
}

/// xorshift64*: fast, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const KEYS: &[&str] = &[
    "type",
    "topics",
    "topic",
    "data",
    "clients",
    "v",
    "from",
    "to",
    "seq",
    "kind",
    "body",
    "sealed",
    "t",
    "id",
    "text",
    "ts",
    "name",
    "size",
    "mime",
    "offset",
    "sha256",
    "caps",
    "sdp",
    "candidate",
    "sdpMid",
    "sdpMLineIndex",
    "usernameFragment",
];
const WORDS: &[&str] = &[
    "subscribe",
    "unsubscribe",
    "publish",
    "ping",
    "pong",
    "hello",
    "bye",
    "description",
    "candidate",
    "offer",
    "answer",
    "chat",
    "negotiate",
    "file-offer",
    "file-accept",
    "file-reject",
    "file-done",
    "file-ok",
    "file-corrupt",
    "room-a",
    PEER,
    PEER2,
    "",
];
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1e999",
    "-1",
    "18446744073709551616",
    "\\u0000",
    "\\ud800",
    "\\uDFFF",
    "é",
    "\u{10FFFF}",
    " ",
    "\"type\":",
    "\"t\":",
    "\"data\":",
    "\"topics\":[",
];

fn value(rng: &mut Rng, depth: usize, out: &mut String) {
    match rng.below(if depth > 4 { 5 } else { 8 }) {
        0 => out.push_str(["null", "true", "false"][rng.below(3)]),
        1 => out.push_str(&(rng.next() as i64 >> rng.below(64)).to_string()),
        2 => out.push_str(&format!(
            "{}.{}e{}",
            rng.below(1000),
            rng.below(1000),
            rng.below(700) as i64 - 350
        )),
        3 | 4 => {
            out.push('"');
            if rng.chance(20) {
                out.push_str(&"x".repeat(rng.below(70_000)));
            } else {
                out.push_str(WORDS[rng.below(WORDS.len())]);
            }
            out.push('"');
        }
        5 | 6 => object(rng, depth + 1, out),
        _ => {
            out.push('[');
            let most = if rng.chance(30) { 100 } else { 4 };
            for i in 0..rng.below(most) {
                if i > 0 {
                    out.push(',');
                }
                value(rng, depth + 1, out);
            }
            out.push(']');
        }
    }
}

fn object(rng: &mut Rng, depth: usize, out: &mut String) {
    out.push('{');
    for i in 0..rng.below(7) {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("\"{}\":", KEYS[rng.below(KEYS.len())]));
        value(rng, depth, out);
    }
    out.push('}');
}

fn char_boundary(text: &str, mut at: usize) -> usize {
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at.min(text.len())
}

fn mutate(rng: &mut Rng, pool: &[String], input: &mut String) {
    for _ in 0..1 + rng.below(4) {
        let at = char_boundary(input, rng.below(input.len() + 1));
        match rng.below(7) {
            0 => input.insert_str(at, TOKENS[rng.below(TOKENS.len())]),
            1 => {
                let end = char_boundary(input, at + rng.below(16));
                input.replace_range(at..end, "");
            }
            2 => {
                let end = char_boundary(input, at + rng.below(32));
                let piece = input[at..end].to_string();
                input.insert_str(at, &piece);
            }
            3 => {
                let other = &pool[rng.below(pool.len())];
                let from = char_boundary(other, rng.below(other.len() + 1));
                input.truncate(at);
                input.push_str(&other[from..]);
            }
            4 => input.insert(
                at,
                char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}'),
            ),
            5 => {
                let mut generated = String::new();
                value(rng, 2, &mut generated);
                input.insert_str(at, &generated);
            }
            _ => input.insert_str(at, &"[".repeat(rng.below(200))),
        }
    }
}

fn next_input(rng: &mut Rng, pool: &[String]) -> String {
    match rng.below(10) {
        0..=5 => {
            let mut input = pool[rng.below(pool.len())].clone();
            mutate(rng, pool, &mut input);
            input
        }
        6..=8 => {
            let mut input = String::new();
            object(rng, 0, &mut input);
            input
        }
        _ => {
            let bytes: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

struct Report {
    inputs: u64,
    accepted: u64,
    panics: u64,
    elapsed: Duration,
}

/// Runs one target; `check` returns whether the input was accepted.
fn run(name: &str, args: &Args, mut check: impl FnMut(&str) -> bool) -> Report {
    let mut rng = Rng(args.seed ^ name.len() as u64 ^ 0x9e37_79b9_7f4a_7c15);
    let mut pool = seeds();
    let started = Instant::now();
    let deadline = Duration::from_secs(args.seconds);
    let mut report = Report {
        inputs: 0,
        accepted: 0,
        panics: 0,
        elapsed: Duration::ZERO,
    };
    while report.inputs < args.inputs && started.elapsed() < deadline {
        let input = next_input(&mut rng, &pool);
        report.inputs += 1;
        match catch_unwind(AssertUnwindSafe(|| check(&input))) {
            Ok(true) => {
                report.accepted += 1;
                if pool.len() < 4_000 && input.len() < 4_096 {
                    pool.push(input);
                }
            }
            Ok(false) => {}
            Err(_) => {
                report.panics += 1;
                let dir = std::path::Path::new("target/fuzz-crashes");
                let _ = std::fs::create_dir_all(dir);
                let path = dir.join(format!("{name}-{}.txt", report.panics));
                let _ = std::fs::write(&path, &input);
                eprintln!("PANIC in {name}; input saved to {}", path.display());
            }
        }
    }
    report.elapsed = started.elapsed();
    report
}

struct Args {
    inputs: u64,
    seconds: u64,
    seed: u64,
    only: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        inputs: 1_000_000,
        seconds: 120,
        seed: 0x5eed,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--inputs" => args.inputs = value.parse().unwrap_or(args.inputs),
            "--seconds" => args.seconds = value.parse().unwrap_or(args.seconds),
            "--seed" => args.seed = value.parse().unwrap_or(args.seed),
            "--only" => args.only = Some(value),
            _ => eprintln!("ignoring unknown argument {flag}"),
        }
    }
    args
}

fn main() -> std::process::ExitCode {
    let args = args();
    // Panics are counted and saved by `run`; keep the default hook's noise out.
    std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    let mut harness = peerlink_relay::fuzz::harness(4);
    let mut turn = 0usize;
    type Target<'a> = (&'static str, Box<dyn FnMut(&str) -> bool + 'a>);
    let targets: Vec<Target> = vec![
        ("client-frame", Box::new(|s| ClientFrame::decode(s).is_ok())),
        ("relay-frame", Box::new(|s| RelayFrame::decode(s).is_ok())),
        ("envelope", Box::new(|s| Envelope::decode(s).is_ok())),
        (
            "channel-message",
            Box::new(|s| ChannelMessage::decode(s).is_ok()),
        ),
        (
            "relay-session",
            Box::new(move |s| {
                turn += 1;
                harness.feed(turn, s).is_none()
            }),
        ),
    ];
    println!(
        "== fuzz: up to {} inputs or {} s per target, seed {} ==",
        args.inputs, args.seconds, args.seed
    );
    let mut panics = 0;
    for (name, mut check) in targets {
        if args.only.as_deref().is_some_and(|only| only != name) {
            continue;
        }
        let report = run(name, &args, &mut check);
        panics += report.panics;
        println!(
            "  {name:<16} {:>9} inputs in {:>6.1} s ({:>7.0}/s), {:>7} accepted, {} panics",
            report.inputs,
            report.elapsed.as_secs_f64(),
            report.inputs as f64 / report.elapsed.as_secs_f64().max(1e-9),
            report.accepted,
            report.panics
        );
    }
    if panics > 0 {
        println!("{panics} panics: inputs in target/fuzz-crashes/");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
