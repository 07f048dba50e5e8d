//! peerlink-relay: a y-webrtc compatible pub/sub relay over WebSocket, with
//! limits on everything a client controls, Prometheus metrics, optional
//! Redis scale-out, TURN credentials and static serving of the app. It never
//! panics on client input and never lets one client grow its memory.
//! Modules point one way: server → connection → hub → backend ← bridge, and
//! all of them read `state`; nothing points back up.

mod accept;
mod backend;
mod bridge;
mod client;
mod config;
mod connection;
mod hub;
mod metrics;
mod outbox;
mod rate;
mod server;
mod state;
mod static_files;
mod turn;

pub use client::Cidr;

/// Frame handling without sockets, for the fuzz driver only.
#[doc(hidden)]
pub mod fuzz {
    use std::sync::Arc;

    pub use crate::connection::harness::Harness;

    /// A harness over a fresh in-memory hub with the default limits, except
    /// rates (a fuzzer sends far faster than any client may).
    pub fn harness(connections: usize) -> Harness {
        let mut config = crate::Config::with_listen(([127, 0, 0, 1], 0).into());
        config.ip_bytes_per_second = u32::MAX;
        config.topic_publishes_per_second = u32::MAX;
        config.topic_publish_burst = u32::MAX;
        let metrics = Arc::new(crate::metrics::Metrics::default());
        let limits = crate::hub::TopicLimits {
            max_subscribers: config.max_subscribers_per_topic,
            publishes_per_second: config.topic_publishes_per_second,
            publish_burst: config.topic_publish_burst,
        };
        let hub = Arc::new(crate::hub::Hub::new(
            metrics.clone(),
            Box::new(crate::backend::Memory),
            limits,
        ));
        let (_stop, shutdown) = tokio::sync::watch::channel(false);
        let state = crate::state::AppState::new(config, hub, metrics, shutdown, None);
        Harness::new(state, connections)
    }
}
pub use config::Config;
pub use connection::close_code;
pub use server::{Relay, RelayError};

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
