//! The relay's HTTP surface and lifecycle: routes, per-IP admission, and a
//! graceful shutdown that sends every client a close frame.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::bridge::RedisBridge;
use crate::hub::Hub;
use crate::metrics::Metrics;
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
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// Shared by every request handler and connection.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub hub: Arc<Hub>,
    pub metrics: Arc<Metrics>,
    pub shutdown: watch::Receiver<bool>,
    per_ip: Arc<Mutex<HashMap<IpAddr, usize>>>,
    next_conn: Arc<AtomicU64>,
}

/// Holds one connection slot of a client IP; frees it when dropped.
struct IpSlot {
    ip: IpAddr,
    per_ip: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        let mut map = self.per_ip.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = map.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

impl AppState {
    fn admit(&self, ip: IpAddr) -> Option<IpSlot> {
        let mut map = self.per_ip.lock().unwrap_or_else(|p| p.into_inner());
        let count = map.entry(ip).or_insert(0);
        if *count >= self.config.max_connections_per_ip {
            return None;
        }
        *count += 1;
        Some(IpSlot {
            ip,
            per_ip: self.per_ip.clone(),
        })
    }
}

/// A bound relay, ready to serve. Binding first lets callers learn the port
/// (`--listen 127.0.0.1:0`) before serving starts.
pub struct Relay {
    listener: TcpListener,
    router: Router,
    state: AppState,
    shutdown_tx: watch::Sender<bool>,
}

impl Relay {
    pub async fn bind(config: Config) -> Result<Relay, RelayError> {
        let metrics = Arc::new(Metrics::default());
        let (bridge, bridge_task) = match &config.redis {
            Some(url) => {
                let (bridge, task) = RedisBridge::connect(url).await?;
                (Some(bridge), Some(task))
            }
            None => (None, None),
        };
        let hub = Arc::new(Hub::new(metrics.clone(), bridge));
        if let Some(task) = bridge_task {
            tokio::spawn(task.run(Arc::downgrade(&hub)));
        }
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| RelayError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let (shutdown_tx, shutdown) = watch::channel(false);
        let serve_dir = config.serve.clone();
        let state = AppState {
            config: Arc::new(config),
            hub,
            metrics,
            shutdown,
            per_ip: Arc::default(),
            next_conn: Arc::default(),
        };
        let mut router = Router::new()
            .route("/ws", get(upgrade))
            .route("/healthz", get(|| async { "ok\n" }))
            .route("/metrics", get(metrics_text))
            .route("/turn", get(turn::credentials));
        if let Some(dir) = serve_dir {
            router = router.fallback_service(static_files::service(&dir)?);
            for (name, value) in static_files::security_headers(&dir)? {
                router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
            }
        }
        Ok(Relay {
            listener,
            router: router.with_state(state.clone()),
            state,
            shutdown_tx,
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, RelayError> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until `stop` completes, then closes every client with 1001 and
    /// waits (at most 5 s) for them to go.
    pub async fn serve_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), RelayError> {
        let Relay {
            listener,
            router,
            state,
            shutdown_tx,
        } = self;
        let (stopped_tx, mut stopped) = watch::channel(false);
        tokio::spawn(async move {
            stop.await;
            let _ = shutdown_tx.send(true);
            let _ = stopped_tx.send(true);
        });
        let mut http_stop = stopped.clone();
        let server = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = http_stop.wait_for(|stopped| *stopped).await;
        });
        server.await?;
        let _ = stopped.wait_for(|stopped| *stopped).await;
        let drained = async {
            while state.metrics.connections.load(Ordering::Relaxed) > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(5), drained).await;
        Ok(())
    }
}

async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if *state.shutdown.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "relay shutting down\n").into_response();
    }
    let Some(slot) = state.admit(peer.ip()) else {
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
    // buffer still grows for the rare large one.
    ws.max_message_size(hard_limit)
        .max_frame_size(hard_limit)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .on_upgrade(move |socket| async move {
            let conn = state.next_conn.fetch_add(1, Ordering::Relaxed);
            state.metrics.connections.fetch_add(1, Ordering::Relaxed);
            state
                .metrics
                .connections_total
                .fetch_add(1, Ordering::Relaxed);
            connection::run(socket, state.clone(), conn).await;
            state.metrics.connections.fetch_sub(1, Ordering::Relaxed);
            drop(slot);
        })
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
