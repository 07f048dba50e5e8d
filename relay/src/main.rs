//! The relay binary: parses flags, binds, prints the address and serves
//! until Ctrl-C/SIGTERM. It must not hold any relay logic (that is the library's).

use clap::Parser;
use peerlink_relay::{shutdown_signal, Config, Relay};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config::parse();
    let relay = match Relay::bind(config).await {
        Ok(relay) => relay,
        Err(err) => {
            eprintln!("peerlink-relay: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match relay.local_addr() {
        // Scripts read this line to learn the port picked for --listen …:0.
        Ok(addr) => println!("peerlink-relay listening on http://{addr}"),
        Err(err) => eprintln!("peerlink-relay: {err}"),
    }
    if let Some(addr) = relay.metrics_addr() {
        println!("peerlink-relay metrics on http://{addr}/metrics");
    }
    if let Err(err) = relay.serve_until(shutdown_signal()).await {
        eprintln!("peerlink-relay: {err}");
        return std::process::ExitCode::FAILURE;
    }
    tracing::info!("stopped");
    std::process::ExitCode::SUCCESS
}
