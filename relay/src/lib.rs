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
mod rate;
mod server;
mod state;
mod static_files;
mod turn;

pub use client::Cidr;
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
