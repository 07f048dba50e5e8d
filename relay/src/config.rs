//! Relay settings: every limit is a flag with a `PEERLINK_*` environment
//! equivalent and a default that is safe on the public internet.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// peerlink-relay: the signaling relay for peerlink. It speaks the y-webrtc
/// pub/sub protocol over WebSocket at /ws, serves /healthz and /metrics, and
/// can serve the built app (--serve) and hand out TURN credentials (/turn).
#[derive(Debug, Clone, Parser)]
#[command(name = "peerlink-relay", version, about, long_about = None)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port and prints it.
    #[arg(long, env = "PEERLINK_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    /// Serve the built app from this directory, with security headers.
    #[arg(long, env = "PEERLINK_SERVE")]
    pub serve: Option<PathBuf>,

    /// Share topics with other relay processes through this Redis server
    /// (redis://host:port). Without it, topics live in this process only.
    #[arg(long, env = "PEERLINK_REDIS")]
    pub redis: Option<String>,

    /// Largest WebSocket message accepted, in bytes; larger ones close the
    /// connection with code 1009.
    #[arg(long, env = "PEERLINK_MAX_FRAME_BYTES", default_value_t = 64 * 1024)]
    pub max_frame_bytes: usize,

    /// Most topics one connection may be subscribed to at once.
    #[arg(long, env = "PEERLINK_MAX_TOPICS", default_value_t = 32)]
    pub max_topics_per_connection: usize,

    /// Most simultaneous connections from one client IP address.
    #[arg(long, env = "PEERLINK_MAX_CONNECTIONS_PER_IP", default_value_t = 64)]
    pub max_connections_per_ip: usize,

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
    /// disconnected; the relay pings every third of this.
    #[arg(long, env = "PEERLINK_HEARTBEAT_SECS", default_value_t = 30)]
    pub heartbeat_secs: u64,

    /// Shared secret for TURN REST credentials (coturn's use-auth-secret);
    /// enables GET /turn.
    #[arg(long, env = "PEERLINK_TURN_SECRET")]
    pub turn_secret: Option<String>,

    /// TURN server URLs handed out with credentials, comma separated
    /// (turn:turn.example.com:3478?transport=udp,…).
    #[arg(long, env = "PEERLINK_TURN_URLS", value_delimiter = ',')]
    pub turn_urls: Vec<String>,

    /// Lifetime of TURN credentials, in seconds.
    #[arg(long, env = "PEERLINK_TURN_TTL_SECS", default_value_t = 3600)]
    pub turn_ttl_secs: u64,
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
}
