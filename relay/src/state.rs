//! The state one relay process shares between its request handlers and its
//! connections: config, hub, metrics, per-address admission and rate tables,
//! and connection ids. It must not read sockets or
//! define routes (that is `server.rs` and `connection.rs`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::rate::RateTable;
use crate::Config;

/// Identifies one WebSocket connection within this process.
pub type ConnId = u64;

/// Shared by every request handler and connection.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub hub: Arc<Hub>,
    pub metrics: Arc<Metrics>,
    pub shutdown: watch::Receiver<bool>,
    pub turn_secret: Option<Arc<str>>,
    pub next_conn: Arc<AtomicU64>,
    per_ip: Arc<Mutex<HashMap<IpAddr, usize>>>,
    /// Bytes per second per client address (all its connections together).
    pub ip_bytes: Arc<RateTable<IpAddr>>,
    /// TURN credentials per minute per client address.
    pub turn_rate: Arc<RateTable<IpAddr>>,
}

/// Holds one connection slot of a client address; frees it when dropped.
pub struct IpSlot {
    pub key: IpAddr,
    per_ip: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        let mut map = self.per_ip.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = map.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                map.remove(&self.key);
            }
        }
    }
}

impl AppState {
    pub fn new(
        config: Config,
        hub: Arc<Hub>,
        metrics: Arc<Metrics>,
        shutdown: watch::Receiver<bool>,
        turn_secret: Option<String>,
    ) -> Self {
        let bytes = f64::from(config.ip_bytes_per_second);
        let turn = f64::from(config.turn_per_minute);
        AppState {
            ip_bytes: Arc::new(RateTable::new(bytes, bytes * 4.0)),
            turn_rate: Arc::new(RateTable::new(turn / 60.0, turn)),
            config: Arc::new(config),
            hub,
            metrics,
            shutdown,
            turn_secret: turn_secret.map(Arc::from),
            next_conn: Arc::default(),
            per_ip: Arc::default(),
        }
    }

    /// A connection slot for the client address `key`, if it has one left.
    pub fn admit(&self, key: IpAddr) -> Option<IpSlot> {
        let mut map = self.per_ip.lock().unwrap_or_else(|p| p.into_inner());
        let count = map.entry(key).or_insert(0);
        if *count >= self.config.max_connections_per_ip {
            return None;
        }
        *count += 1;
        Some(IpSlot {
            key,
            per_ip: self.per_ip.clone(),
        })
    }
}
