//! Counters the relay exposes at /metrics in the Prometheus text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a frame or connection was refused; each is a label value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    TooLarge,
    Unparsable,
    Binary,
    RateLimited,
    TooManyTopics,
    SlowReader,
    HeartbeatTimeout,
}

impl DropReason {
    const ALL: [DropReason; 7] = [
        DropReason::TooLarge,
        DropReason::Unparsable,
        DropReason::Binary,
        DropReason::RateLimited,
        DropReason::TooManyTopics,
        DropReason::SlowReader,
        DropReason::HeartbeatTimeout,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DropReason::TooLarge => "too_large",
            DropReason::Unparsable => "unparsable",
            DropReason::Binary => "binary",
            DropReason::RateLimited => "rate_limited",
            DropReason::TooManyTopics => "too_many_topics",
            DropReason::SlowReader => "slow_reader",
            DropReason::HeartbeatTimeout => "heartbeat_timeout",
        }
    }
}

#[derive(Default)]
pub struct Metrics {
    pub connections: AtomicU64,
    pub connections_total: AtomicU64,
    pub connections_rejected_per_ip: AtomicU64,
    pub topics: AtomicU64,
    pub frames_in: AtomicU64,
    pub frames_out: AtomicU64,
    dropped: [AtomicU64; 7],
}

impl Metrics {
    pub fn dropped(&self, reason: DropReason) {
        self.dropped[reason as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn dropped_count(&self, reason: DropReason) -> u64 {
        self.dropped[reason as usize].load(Ordering::Relaxed)
    }

    pub fn render(&self) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        metric(
            "peerlink_connections",
            "gauge",
            "Open WebSocket connections.",
            get(&self.connections),
        );
        metric(
            "peerlink_connections_total",
            "counter",
            "WebSocket connections accepted.",
            get(&self.connections_total),
        );
        metric(
            "peerlink_connections_rejected_total",
            "counter",
            "Upgrades refused because the client IP had too many connections.",
            get(&self.connections_rejected_per_ip),
        );
        metric(
            "peerlink_topics",
            "gauge",
            "Topics with at least one local subscriber.",
            get(&self.topics),
        );
        metric(
            "peerlink_frames_in_total",
            "counter",
            "Frames received from clients.",
            get(&self.frames_in),
        );
        metric(
            "peerlink_frames_out_total",
            "counter",
            "Frames queued to clients.",
            get(&self.frames_out),
        );
        let _ = writeln!(
            out,
            "# HELP peerlink_frames_dropped_total Frames or connections dropped, by reason.\n# TYPE peerlink_frames_dropped_total counter"
        );
        for reason in DropReason::ALL {
            let _ = writeln!(
                out,
                "peerlink_frames_dropped_total{{reason=\"{}\"}} {}",
                reason.label(),
                self.dropped_count(reason)
            );
        }
        out
    }
}
