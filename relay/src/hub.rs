//! The topic table: which local connections listen to which topic, and the
//! fan-out of a publish to them. With a Redis bridge, publishes go through
//! Redis so every relay process delivers them to its own subscribers.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Utf8Bytes;
use peerlink_protocol::RelayFrame;
use serde_json::value::RawValue;
use tokio::sync::{mpsc, Notify};

use crate::bridge::RedisBridge;
use crate::metrics::{DropReason, Metrics};

/// Identifies one WebSocket connection within this process.
pub type ConnId = u64;

/// What the connection's writer task sends to the socket.
#[derive(Debug)]
pub enum Outgoing {
    Text(Utf8Bytes),
    Ping,
    Close(u16, &'static str),
}

/// The sending side of one connection, as the hub holds it. When its queue
/// is full the reader is too slow: the hub unsubscribes it and rings `kick`.
#[derive(Clone)]
pub struct Outbox {
    pub tx: mpsc::Sender<Outgoing>,
    pub kick: Arc<Notify>,
}

pub struct Hub {
    topics: Mutex<HashMap<String, HashMap<ConnId, Outbox>>>,
    bridge: Option<RedisBridge>,
    metrics: Arc<Metrics>,
}

impl Hub {
    pub fn new(metrics: Arc<Metrics>, bridge: Option<RedisBridge>) -> Self {
        Hub {
            topics: Mutex::new(HashMap::new()),
            bridge,
            metrics,
        }
    }

    fn table(&self) -> MutexGuard<'_, HashMap<String, HashMap<ConnId, Outbox>>> {
        // A poisoned lock only means another task panicked mid-update of a
        // map of channels; the map itself is still usable.
        self.topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn subscribe(&self, topic: &str, conn: ConnId, outbox: &Outbox) {
        let first = {
            let mut table = self.table();
            let subscribers = table.entry(topic.to_string()).or_default();
            subscribers.insert(conn, outbox.clone());
            subscribers.len() == 1
        };
        if first {
            self.metrics.topics.fetch_add(1, Ordering::Relaxed);
            if let Some(bridge) = &self.bridge {
                bridge.subscribe(topic);
            }
        }
    }

    pub fn unsubscribe(&self, topic: &str, conn: ConnId) {
        let emptied = {
            let mut table = self.table();
            match table.get_mut(topic) {
                Some(subscribers) => {
                    subscribers.remove(&conn);
                    let empty = subscribers.is_empty();
                    if empty {
                        table.remove(topic);
                    }
                    empty
                }
                None => false,
            }
        };
        if emptied {
            self.metrics.topics.fetch_sub(1, Ordering::Relaxed);
            if let Some(bridge) = &self.bridge {
                bridge.unsubscribe(topic);
            }
        }
    }

    /// Publishes `data` to every subscriber of `topic`, here and, with a
    /// bridge, on every other relay sharing the Redis server.
    pub fn publish(&self, topic: &str, data: &RawValue) {
        match &self.bridge {
            Some(bridge) => bridge.publish(topic, data.get()),
            None => self.deliver_local(topic, data),
        }
    }

    /// Sends a publish frame to this process's subscribers of `topic`. The
    /// frame is encoded once and shared by all of them.
    pub fn deliver_local(&self, topic: &str, data: &RawValue) {
        let mut slow = Vec::new();
        {
            let table = self.table();
            let Some(subscribers) = table.get(topic) else {
                return;
            };
            let clients = subscribers.len() as u64;
            let text = Utf8Bytes::from(RelayFrame::publish_text(topic, data, Some(clients)));
            for (conn, outbox) in subscribers {
                match outbox.tx.try_send(Outgoing::Text(text.clone())) {
                    Ok(()) => {
                        self.metrics.frames_out.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        slow.push((*conn, outbox.kick.clone()))
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => {}
                }
            }
        }
        for (conn, kick) in slow {
            self.metrics.dropped(DropReason::SlowReader);
            self.unsubscribe(topic, conn);
            kick.notify_one();
        }
    }

    /// Topics with local subscribers, for resubscribing after Redis reconnects.
    pub fn local_topics(&self) -> Vec<String> {
        self.table().keys().cloned().collect()
    }
}
