//! Counters the relay exposes at /metrics in the Prometheus text format.
//! Owns the counters and their rendering; must not decide anything (callers
//! count what they refused).

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
    NotSubscribed,
    TopicFull,
    TopicRateLimited,
    IpByteRate,
    RedisQueueFull,
}

impl DropReason {
    const ALL: [DropReason; REASONS] = [
        DropReason::TooLarge,
        DropReason::Unparsable,
        DropReason::Binary,
        DropReason::RateLimited,
        DropReason::TooManyTopics,
        DropReason::SlowReader,
        DropReason::HeartbeatTimeout,
        DropReason::NotSubscribed,
        DropReason::TopicFull,
        DropReason::TopicRateLimited,
        DropReason::IpByteRate,
        DropReason::RedisQueueFull,
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
            DropReason::NotSubscribed => "not_subscribed",
            DropReason::TopicFull => "topic_full",
            DropReason::TopicRateLimited => "topic_rate_limited",
            DropReason::IpByteRate => "ip_byte_rate",
            DropReason::RedisQueueFull => "redis_queue_full",
        }
    }
}

const REASONS: usize = 12;

#[derive(Default)]
pub struct Metrics {
    pub connections: AtomicU64,
    pub connections_total: AtomicU64,
    pub connections_rejected_per_ip: AtomicU64,
    pub connections_rejected_global: AtomicU64,
    pub connections_rejected_origin: AtomicU64,
    pub turn_refused: AtomicU64,
    pub tcp_connections: AtomicU64,
    pub topics: AtomicU64,
    pub frames_in: AtomicU64,
    pub frames_out: AtomicU64,
    dropped: [AtomicU64; REASONS],
}

impl Metrics {
    pub fn dropped(&self, reason: DropReason) {
        self.dropped[reason as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn dropped_count(&self, reason: DropReason) -> u64 {
        self.dropped[reason as usize].load(Ordering::Relaxed)
    }

    /// (name, type, help, value) of every plain metric.
    fn rows(&self) -> [(&'static str, &'static str, &'static str, u64); 10] {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        [
            (
                "peerlink_connections",
                "gauge",
                "Open WebSocket connections.",
                get(&self.connections),
            ),
            (
                "peerlink_connections_total",
                "counter",
                "WebSocket connections accepted.",
                get(&self.connections_total),
            ),
            (
                "peerlink_connections_rejected_total",
                "counter",
                "Upgrades refused because the client address had too many connections.",
                get(&self.connections_rejected_per_ip),
            ),
            (
                "peerlink_connections_over_global_cap_total",
                "counter",
                "TCP connections closed at once because --max-connections were open.",
                get(&self.connections_rejected_global),
            ),
            (
                "peerlink_connections_bad_origin_total",
                "counter",
                "Upgrades refused because the page's Origin is not allowed.",
                get(&self.connections_rejected_origin),
            ),
            (
                "peerlink_turn_refused_total",
                "counter",
                "TURN credential requests refused (origin or rate).",
                get(&self.turn_refused),
            ),
            (
                "peerlink_topics",
                "gauge",
                "Topics with at least one local subscriber.",
                get(&self.topics),
            ),
            (
                "peerlink_frames_in_total",
                "counter",
                "Frames received from clients.",
                get(&self.frames_in),
            ),
            (
                "peerlink_frames_out_total",
                "counter",
                "Frames queued to clients.",
                get(&self.frames_out),
            ),
            (
                "peerlink_tcp_connections",
                "gauge",
                "Open TCP connections (HTTP and WebSocket).",
                get(&self.tcp_connections),
            ),
        ]
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, kind, help, value) in self.rows() {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
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
