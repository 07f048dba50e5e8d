//! Relay settings: every limit is a flag with a `PEERLINK_*` environment
//! equivalent and a default that is safe on the public internet. Owns parsing
//! and defaults only; must not open files or sockets (the secret file is read
//! by `Config::turn_secret`, at startup).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::client::Cidr;

/// peerlink-relay: the signaling relay for peerlink. It speaks the y-webrtc
/// pub/sub protocol over WebSocket at /ws, serves /healthz (and /metrics on
/// --metrics-listen), can serve the built app (--serve) and hand out TURN
/// credentials (/turn).
#[derive(Debug, Clone, Parser)]
#[command(name = "peerlink-relay", version, about, long_about = None)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port and prints it.
    #[arg(long, env = "PEERLINK_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    /// Serve /metrics on this separate address (e.g. 127.0.0.1:9787); the
    /// public port never serves it.
    #[arg(long, env = "PEERLINK_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Serve the built app from this directory, with security headers.
    #[arg(long, env = "PEERLINK_SERVE")]
    pub serve: Option<PathBuf>,

    /// Share topics with other relay processes through this Redis server
    /// (redis://[:password@]host:port, or rediss:// for TLS when built with
    /// it). Without it, topics live in this process only.
    #[arg(long, env = "PEERLINK_REDIS")]
    pub redis: Option<String>,

    /// Bytes of publishes waiting for Redis (while it is slow or down) before
    /// further ones are dropped for other relays; local delivery never waits.
    #[arg(long, env = "PEERLINK_REDIS_QUEUE_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub redis_queue_bytes: usize,

    /// Reverse proxy address block whose X-Forwarded-For is believed
    /// (repeatable or comma separated, e.g. 127.0.0.1/32). Default: none.
    #[arg(
        long = "trusted-proxy",
        env = "PEERLINK_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<Cidr>,

    /// Origin whose pages may use /ws and /turn (repeatable or comma
    /// separated; `*` for any). Default: the relay's own origin and localhost.
    #[arg(
        long = "allowed-origin",
        env = "PEERLINK_ALLOWED_ORIGIN",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,

    /// Most open TCP connections in total; further ones are closed at once.
    #[arg(long, env = "PEERLINK_MAX_CONNECTIONS", default_value_t = 16_384)]
    pub max_connections: usize,

    /// Seconds a client may take to send a request's headers (slowloris).
    #[arg(long, env = "PEERLINK_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// Largest WebSocket message accepted, in bytes; larger ones close the
    /// connection with code 1009.
    #[arg(long, env = "PEERLINK_MAX_FRAME_BYTES", default_value_t = 64 * 1024)]
    pub max_frame_bytes: usize,

    /// Most topics one connection may be subscribed to at once.
    #[arg(long, env = "PEERLINK_MAX_TOPICS", default_value_t = 32)]
    pub max_topics_per_connection: usize,

    /// Most subscribers of one topic on this relay; one more is closed (1008).
    #[arg(
        long,
        env = "PEERLINK_MAX_SUBSCRIBERS_PER_TOPIC",
        default_value_t = 256
    )]
    pub max_subscribers_per_topic: usize,

    /// Sustained publishes per second into one topic; above it (after the
    /// burst) publishes are dropped and counted.
    #[arg(
        long,
        env = "PEERLINK_TOPIC_PUBLISHES_PER_SECOND",
        default_value_t = 500
    )]
    pub topic_publishes_per_second: u32,

    /// Burst of publishes one topic may take above its sustained rate.
    #[arg(long, env = "PEERLINK_TOPIC_PUBLISH_BURST", default_value_t = 1000)]
    pub topic_publish_burst: u32,

    /// Most simultaneous connections from one client address (IPv6: per /64).
    #[arg(long, env = "PEERLINK_MAX_CONNECTIONS_PER_IP", default_value_t = 64)]
    pub max_connections_per_ip: usize,

    /// Sustained bytes per second all connections of one client address may
    /// send (burst: 4 seconds' worth); above it the connection is closed (1008).
    #[arg(long, env = "PEERLINK_IP_BYTES_PER_SECOND", default_value_t = 1024 * 1024)]
    pub ip_bytes_per_second: u32,

    /// Sustained frames per second one connection may send (token bucket).
    #[arg(long, env = "PEERLINK_FRAMES_PER_SECOND", default_value_t = 50)]
    pub frames_per_second: u32,

    /// Burst of frames a connection may send above the sustained rate.
    #[arg(long, env = "PEERLINK_FRAME_BURST", default_value_t = 200)]
    pub frame_burst: u32,

    /// Frames queued for one slow reader before it is disconnected.
    #[arg(long, env = "PEERLINK_SEND_QUEUE", default_value_t = 256)]
    pub send_queue: usize,

    /// Seconds without any frame from a client (pongs included) before it is
    /// disconnected; a client silent for a third of this is pinged.
    #[arg(long, env = "PEERLINK_HEARTBEAT_SECS", default_value_t = 30)]
    pub heartbeat_secs: u64,

    /// Shared secret for TURN REST credentials (coturn's use-auth-secret);
    /// enables GET /turn. Prefer --turn-secret-file: flags show in `ps`.
    #[arg(long, env = "PEERLINK_TURN_SECRET")]
    pub turn_secret: Option<String>,

    /// File holding the TURN shared secret (first line; trailing space ignored).
    #[arg(
        long,
        env = "PEERLINK_TURN_SECRET_FILE",
        conflicts_with = "turn_secret"
    )]
    pub turn_secret_file: Option<PathBuf>,

    /// TURN server URLs handed out with credentials, comma separated
    /// (turn:turn.example.com:3478?transport=udp,…).
    #[arg(long, env = "PEERLINK_TURN_URLS", value_delimiter = ',')]
    pub turn_urls: Vec<String>,

    /// Lifetime of TURN credentials, in seconds (60 to 86400).
    #[arg(long, env = "PEERLINK_TURN_TTL_SECS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(60..=86_400))]
    pub turn_ttl_secs: u64,

    /// TURN credentials one client address may fetch per minute.
    #[arg(long, env = "PEERLINK_TURN_PER_MINUTE", default_value_t = 30)]
    pub turn_per_minute: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot read the TURN secret from {path}: {reason}")]
pub struct SecretError {
    pub path: String,
    pub reason: String,
}

impl Config {
    /// Defaults with the given listen address: what tests and embedders start from.
    pub fn with_listen(listen: SocketAddr) -> Self {
        let mut config = Config::parse_from(["peerlink-relay"]);
        config.listen = listen;
        config
    }

    pub fn heartbeat_timeout(&self) -> Duration {
        Duration::from_secs(self.heartbeat_secs.max(1))
    }

    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.header_timeout_secs.max(1))
    }

    /// The TURN secret from the flag or the file, if any; an empty one is an error.
    pub fn turn_secret(&self) -> Result<Option<String>, SecretError> {
        if let Some(secret) = &self.turn_secret {
            return Ok(Some(secret.clone()));
        }
        let Some(path) = &self.turn_secret_file else {
            return Ok(None);
        };
        let error = |reason: String| SecretError {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|err| error(err.to_string()))?;
        let secret = text.lines().next().unwrap_or("").trim_end().to_string();
        if secret.is_empty() {
            return Err(error("the file is empty".into()));
        }
        Ok(Some(secret))
    }
}
