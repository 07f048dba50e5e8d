//! peerlink-relay: a y-webrtc compatible pub/sub relay over WebSocket, with
//! limits on everything a client controls, Prometheus metrics, optional
//! Redis scale-out, TURN credentials and static serving of the app. It never
//! panics on client input and never lets one client grow its memory.

mod bridge;
mod config;
mod connection;
mod hub;
mod metrics;
mod rate;
mod server;
mod static_files;
mod turn;

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
