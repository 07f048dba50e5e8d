//! The relay's HTTP surface and lifecycle: routes, admission of WebSocket
//! upgrades (origin, per-address cap), the separate metrics listener, and a
//! graceful shutdown that sends every client a close frame. Must not handle
//! frames (that is `connection.rs`) or topics (`hub.rs`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::accept::{self, AcceptLimits};
use crate::backend::{Backend, LocalDelivery, Memory};
use crate::bridge::RedisBridge;
use crate::client::{client_ip, limit_key, origin_allowed};
use crate::hub::{Hub, TopicLimits};
use crate::metrics::Metrics;
use crate::state::AppState;
use crate::{connection, static_files, turn, Config};

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot serve {path}: {reason}")]
    Serve { path: String, reason: String },
    #[error(transparent)]
    Redis(#[from] crate::bridge::BridgeError),
    #[error(transparent)]
    Secret(#[from] crate::config::SecretError),
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// A bound relay, ready to serve. Binding first lets callers learn the port
/// (`--listen 127.0.0.1:0`) before serving starts.
pub struct Relay {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
    shutdown_tx: watch::Sender<bool>,
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, RelayError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| RelayError::Bind { addr, source })
}

async fn hub_for(config: &Config, metrics: &Arc<Metrics>) -> Result<Arc<Hub>, RelayError> {
    let limits = TopicLimits {
        max_subscribers: config.max_subscribers_per_topic,
        publishes_per_second: config.topic_publishes_per_second,
        publish_burst: config.topic_publish_burst,
    };
    let Some(url) = &config.redis else {
        return Ok(Arc::new(Hub::new(
            metrics.clone(),
            Box::new(Memory),
            limits,
        )));
    };
    let (bridge, task) =
        RedisBridge::connect(url, config.redis_queue_bytes, metrics.clone()).await?;
    let backend: Box<dyn Backend> = Box::new(bridge);
    let hub = Arc::new(Hub::new(metrics.clone(), backend, limits));
    let delivery: Arc<dyn LocalDelivery> = hub.clone();
    tokio::spawn(task.run(Arc::downgrade(&delivery)));
    Ok(hub)
}

impl Relay {
    pub async fn bind(config: Config) -> Result<Relay, RelayError> {
        let metrics = Arc::new(Metrics::default());
        let turn_secret = config.turn_secret()?;
        let hub = hub_for(&config, &metrics).await?;
        let listener = bind(config.listen).await?;
        let metrics_listener = match config.metrics_listen {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        let (shutdown_tx, shutdown) = watch::channel(false);
        let serve_dir = config.serve.clone();
        let state = AppState::new(config, hub, metrics, shutdown, turn_secret);
        let mut router = Router::new()
            .route("/ws", get(upgrade))
            .route("/healthz", get(|| async { "ok\n" }))
            .route("/turn", get(turn::credentials));
        if let Some(dir) = serve_dir {
            let headers = static_files::SecurityHeaders::new(&dir)?;
            router = router.fallback_service(static_files::service(&dir)?).layer(
                axum::middleware::from_fn_with_state(headers, static_files::add_headers),
            );
        }
        Ok(Relay {
            listener,
            metrics_listener,
            router: router.with_state(state.clone()),
            state,
            shutdown_tx,
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, RelayError> {
        Ok(self.listener.local_addr()?)
    }

    /// The metrics listener's address, when `--metrics-listen` was given.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener.as_ref()?.local_addr().ok()
    }

    /// Serves until `stop` completes, then closes every client with 1001 and
    /// waits (at most 5 s) for them to go.
    pub async fn serve_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), RelayError> {
        let Relay {
            listener,
            metrics_listener,
            router,
            state,
            shutdown_tx,
        } = self;
        let stopped = state.shutdown.clone();
        tokio::spawn(async move {
            stop.await;
            let _ = shutdown_tx.send(true);
        });
        if let Some(listener) = metrics_listener {
            let metrics = state.metrics.clone();
            let app = Router::new()
                .route("/metrics", get(metrics_text))
                .with_state(metrics);
            let mut stop = stopped.clone();
            tokio::spawn(async move {
                let shutdown = async move {
                    let _ = stop.wait_for(|stopped| *stopped).await;
                };
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown)
                    .await;
            });
        }
        let limits = AcceptLimits {
            max_connections: state.config.max_connections,
            header_timeout: state.config.header_timeout(),
        };
        accept::serve(listener, router, limits, state.metrics.clone(), stopped).await;
        let drained = async {
            while state.metrics.connections.load(Ordering::Relaxed) > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(5), drained).await;
        Ok(())
    }
}

/// Bytes tungstenite reads per call (and its buffer's starting size). Per
/// idle connection (relay/examples/relay_load.rs, 10 000 held): 1 KiB made
/// 3.2 KiB of RSS, 512 B 2.7 KiB, 256 B 2.4 KiB. A publish of a few hundred
/// bytes still takes one or two reads; a 4 KiB SDP offer takes 16 (rare).
const READ_BUFFER: usize = 256;
/// Bytes tungstenite gathers before a write without waiting for a flush:
/// none, every frame is written as it is queued. Its buffer keeps the
/// capacity of its fullest moment for the connection's life: gathering up to
/// 1 KiB left ~1.2 KiB in each busy connection (3.1–3.4 KiB per connection
/// under load instead of ≤ 3, relay/examples/relay_load.rs).
const WRITE_BATCH: usize = 0;

async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if *state.shutdown.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "relay shutting down\n").into_response();
    }
    if !origin_allowed(&headers, &state.config.allowed_origins) {
        state
            .metrics
            .connections_rejected_origin
            .fetch_add(1, Ordering::Relaxed);
        return (StatusCode::FORBIDDEN, "origin not allowed\n").into_response();
    }
    let client = limit_key(client_ip(
        peer.ip(),
        &headers,
        &state.config.trusted_proxies,
    ));
    let Some(slot) = state.admit(client) else {
        state
            .metrics
            .connections_rejected_per_ip
            .fetch_add(1, Ordering::Relaxed);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many connections from this address\n",
        )
            .into_response();
    };
    // Messages up to 4x the limit are read and refused with a 1009 close
    // frame; larger ones are cut off by the WebSocket layer itself.
    let hard_limit = state.config.max_frame_bytes.saturating_mul(4);
    // tungstenite's default 128 KiB read buffer per socket made an idle
    // connection cost ~133 KiB of RSS; signaling frames are small, and the
    // buffer still grows for the rare large one (READ_BUFFER). Each frame is
    // written as connection.rs feeds it (WRITE_BATCH); the write buffer is
    // only allocated once written to.
    ws.max_message_size(hard_limit)
        .max_frame_size(hard_limit)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BATCH)
        // Boxed: axum's task keeps its callback's captures for the whole
        // connection; one pointer is cheaper than the state and the slot.
        .on_upgrade({
            let admitted = Box::new((state, slot));
            move |socket| {
                let (state, slot) = *admitted;
                connection::run(socket, state, slot)
            }
        })
}

async fn metrics_text(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics.render(),
    )
}
