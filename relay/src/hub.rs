//! The topic table: which local connections listen to which topic, the
//! per-topic limits, and the fan-out of a publish to them. Topics are split
//! over shards with a lock each, so publishes to different topics do not
//! contend; a frame is encoded once per publish and shared by every receiver.
//! It must not do network I/O: sharing beyond this process is the backend's.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Utf8Bytes;
use peerlink_protocol::RelayFrame;
use serde_json::value::RawValue;

use crate::backend::{Backend, LocalDelivery};
use crate::metrics::{DropReason, Metrics};
use crate::outbox::{Outbox, Push};
use crate::rate::TokenBucket;
use crate::state::ConnId;

const SHARDS: usize = 64;

/// Per-topic limits (see `Config`).
#[derive(Debug, Clone, Copy)]
pub struct TopicLimits {
    pub max_subscribers: usize,
    pub publishes_per_second: u32,
    pub publish_burst: u32,
}

/// A subscribe the hub refused.
#[derive(Debug, PartialEq, Eq)]
pub enum SubscribeError {
    TopicFull,
}

struct Topic {
    subscribers: HashMap<ConnId, Outbox>,
    publishes: TokenBucket,
}

type Shard = HashMap<String, Topic>;

pub struct Hub {
    shards: Box<[Mutex<Shard>]>,
    hasher: RandomState,
    backend: Box<dyn Backend>,
    limits: TopicLimits,
    metrics: Arc<Metrics>,
}

impl Hub {
    pub fn new(metrics: Arc<Metrics>, backend: Box<dyn Backend>, limits: TopicLimits) -> Self {
        Hub {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            hasher: RandomState::new(),
            backend,
            limits,
            metrics,
        }
    }

    fn shard(&self, topic: &str) -> MutexGuard<'_, Shard> {
        let index = (self.hasher.hash_one(topic) as usize) % self.shards.len();
        // A poisoned lock only means another task panicked mid-update of a
        // map of channels; the map itself is still usable.
        self.shards[index]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn subscribe(
        &self,
        topic: &str,
        conn: ConnId,
        outbox: &Outbox,
    ) -> Result<(), SubscribeError> {
        let first = {
            let mut shard = self.shard(topic);
            let entry = shard.entry(topic.to_string()).or_insert_with(|| Topic {
                subscribers: HashMap::new(),
                publishes: TokenBucket::new(
                    self.limits.publishes_per_second,
                    self.limits.publish_burst,
                ),
            });
            if entry.subscribers.len() >= self.limits.max_subscribers
                && !entry.subscribers.contains_key(&conn)
            {
                if entry.subscribers.is_empty() {
                    shard.remove(topic);
                }
                return Err(SubscribeError::TopicFull);
            }
            entry.subscribers.insert(conn, outbox.clone());
            entry.subscribers.len() == 1
        };
        if first {
            self.metrics.topics.fetch_add(1, Ordering::Relaxed);
            self.backend.subscribe(topic);
        }
        Ok(())
    }

    pub fn unsubscribe(&self, topic: &str, conn: ConnId) {
        let emptied = {
            let mut shard = self.shard(topic);
            match shard.get_mut(topic) {
                Some(entry) => {
                    let removed = entry.subscribers.remove(&conn).is_some();
                    let empty = entry.subscribers.is_empty();
                    if empty {
                        shard.remove(topic);
                    }
                    removed && empty
                }
                None => false,
            }
        };
        if emptied {
            self.metrics.topics.fetch_sub(1, Ordering::Relaxed);
            self.backend.unsubscribe(topic);
        }
    }

    /// Publishes `data` to every local subscriber of `topic` and hands it to
    /// the backend for other relays. Over the topic's rate it is dropped and
    /// counted instead.
    pub fn publish(&self, topic: &str, data: &RawValue) {
        if self.fan_out(topic, data, true) {
            self.backend.publish(topic, data);
        }
    }

    /// Sends one publish frame to the local subscribers; `false` when the
    /// topic has none or was over its rate. The shard lock is held only to
    /// copy the receivers out: queueing and waking them happen after it, so
    /// a publisher preempted mid-fan-out never stalls the shard.
    fn fan_out(&self, topic: &str, data: &RawValue, throttle: bool) -> bool {
        let receivers: Vec<(ConnId, Outbox)> = {
            let mut shard = self.shard(topic);
            let Some(entry) = shard.get_mut(topic) else {
                return false;
            };
            if throttle && !entry.publishes.take() {
                self.metrics.dropped(DropReason::TopicRateLimited);
                return false;
            }
            entry
                .subscribers
                .iter()
                .map(|(conn, outbox)| (*conn, outbox.clone()))
                .collect()
        };
        let clients = receivers.len() as u64;
        let text = Utf8Bytes::from(RelayFrame::publish_text(topic, data, Some(clients)));
        let mut sent = 0;
        for (conn, outbox) in receivers {
            match outbox.push(text.clone()) {
                Push::Queued => sent += 1,
                Push::Full => {
                    self.metrics.dropped(DropReason::SlowReader);
                    self.unsubscribe(topic, conn);
                }
                Push::Closed => {}
            }
        }
        self.metrics.frames_out.fetch_add(sent, Ordering::Relaxed);
        true
    }
}

impl LocalDelivery for Hub {
    fn deliver_remote(&self, topic: &str, data: &RawValue) {
        self.fan_out(topic, data, false);
    }

    fn local_topics(&self) -> Vec<String> {
        self.shards
            .iter()
            .flat_map(|shard| {
                let shard = shard.lock().unwrap_or_else(|p| p.into_inner());
                shard.keys().cloned().collect::<Vec<_>>()
            })
            .collect()
    }
}
