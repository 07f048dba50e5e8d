//! Redis scale-out: the `Backend` that shares topics with other relay
//! processes over Redis pub/sub. Owns the Redis connections, a byte-bounded
//! publish queue, the coalesced subscribe/unsubscribe set and the reconnect
//! loop; must never block the hub or hold up local delivery (local
//! subscribers are served by the hub before anything reaches this module).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::value::RawValue;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::backend::{Backend, LocalDelivery};
use crate::metrics::{DropReason, Metrics};

const CHANNEL_PREFIX: &str = "peerlink:topic:";
/// Hex digits of the relay id that prefixes every payload this relay sends.
const ID_LEN: usize = 16;
/// Publishes sent to Redis in one pipelined round trip.
const BATCH: usize = 256;
/// Least time between two warnings of the same kind.
const WARN_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
#[error("redis: {0}")]
pub struct BridgeError(#[from] redis::RedisError);

#[derive(Default)]
struct PublishQueue {
    items: VecDeque<(String, String)>,
    bytes: usize,
}

/// A warning logged at most once per `WARN_EVERY`, with how many were skipped.
#[derive(Default)]
struct Throttled {
    last: Option<Instant>,
    skipped: u64,
}

impl Throttled {
    fn warn(&mut self, what: &str) {
        if self.last.is_some_and(|last| last.elapsed() < WARN_EVERY) {
            self.skipped += 1;
            return;
        }
        tracing::warn!(skipped = self.skipped, "{what}");
        self.last = Some(Instant::now());
        self.skipped = 0;
    }
}

struct Shared {
    relay_id: String,
    queue: Mutex<PublishQueue>,
    /// Latest wish per topic (true: subscribed); coalesced, so bounded by the topic count.
    control: Mutex<HashMap<String, bool>>,
    wake: Notify,
    max_queue_bytes: usize,
    queue_warning: Mutex<Throttled>,
    metrics: Arc<Metrics>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The hub's handle on Redis.
pub struct RedisBridge {
    shared: Arc<Shared>,
}

impl RedisBridge {
    /// Checks that Redis answers, then returns the bridge and the task that
    /// `BridgeTask::run` drives once the hub exists.
    pub async fn connect(
        url: &str,
        max_queue_bytes: usize,
        metrics: Arc<Metrics>,
    ) -> Result<(RedisBridge, BridgeTask), BridgeError> {
        let client = redis::Client::open(url)?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await?;
        let mut id = [0u8; 8];
        // Without OS randomness, the clock still tells relays apart.
        if getrandom::fill(&mut id).is_err() {
            let nanos = Instant::now().elapsed().as_nanos() as u64 ^ u64::from(std::process::id());
            id = nanos.to_le_bytes();
        }
        let shared = Arc::new(Shared {
            relay_id: format!("{:016x}", u64::from_le_bytes(id)),
            queue: Mutex::default(),
            control: Mutex::default(),
            wake: Notify::new(),
            max_queue_bytes,
            queue_warning: Mutex::default(),
            metrics,
        });
        let task = BridgeTask {
            client,
            shared: shared.clone(),
        };
        Ok((RedisBridge { shared }, task))
    }

    fn control(&self, topic: &str, subscribed: bool) {
        lock(&self.shared.control).insert(topic.to_string(), subscribed);
        self.shared.wake.notify_one();
    }
}

impl Backend for RedisBridge {
    fn subscribe(&self, topic: &str) {
        self.control(topic, true);
    }

    fn unsubscribe(&self, topic: &str) {
        self.control(topic, false);
    }

    fn publish(&self, topic: &str, data: &RawValue) {
        let shared = &self.shared;
        let payload = format!("{}{}", shared.relay_id, data.get());
        let cost = payload.len() + topic.len();
        {
            let mut queue = lock(&shared.queue);
            if queue.bytes + cost > shared.max_queue_bytes {
                drop(queue);
                shared.metrics.dropped(DropReason::RedisQueueFull);
                lock(&shared.queue_warning)
                    .warn("redis publish queue full (is Redis down?); dropping publishes for other relays");
                return;
            }
            queue.bytes += cost;
            queue.items.push_back((topic.to_string(), payload));
        }
        shared.wake.notify_one();
    }
}

/// Aborts the task it holds when dropped, on every way out of a session.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The background half of the bridge: started with the hub it delivers to.
pub struct BridgeTask {
    client: redis::Client,
    shared: Arc<Shared>,
}

impl BridgeTask {
    /// Runs until the hub is gone, reconnecting to Redis after failures.
    pub async fn run(self, hub: Weak<dyn LocalDelivery>) {
        let mut warning = Throttled::default();
        while hub.strong_count() > 0 {
            if let Err(err) = self.session(&hub).await {
                warning.warn(&format!(
                    "redis bridge lost ({err}); reconnecting every second"
                ));
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }

    /// One connected period: Ok when the hub is gone, Err when Redis fails.
    async fn session(&self, hub: &Weak<dyn LocalDelivery>) -> Result<(), BridgeError> {
        let mut publisher = self.client.get_multiplexed_async_connection().await?;
        let (mut sink, stream) = self.client.get_async_pubsub().await?.split();
        // Everything wished before now is in the snapshot of local topics.
        lock(&self.shared.control).clear();
        let Some(local) = hub.upgrade() else {
            return Ok(());
        };
        for topic in local.local_topics() {
            sink.subscribe(format!("{CHANNEL_PREFIX}{topic}")).await?;
        }
        drop(local);
        tracing::info!("redis bridge connected");
        let mut delivery = AbortOnDrop(tokio::spawn(deliver_all(
            stream,
            hub.clone(),
            self.shared.relay_id.clone(),
        )));
        loop {
            let changes: Vec<(String, bool)> = lock(&self.shared.control).drain().collect();
            for (topic, subscribed) in &changes {
                let channel = format!("{CHANNEL_PREFIX}{topic}");
                if *subscribed {
                    sink.subscribe(channel).await?;
                } else {
                    sink.unsubscribe(channel).await?;
                }
            }
            let sent = self.publish_batch(&mut publisher).await?;
            if !changes.is_empty() || sent {
                continue;
            }
            tokio::select! {
                _ = self.shared.wake.notified() => {}
                _ = &mut delivery.0 => {
                    return Err(BridgeError(redis::RedisError::from((redis::ErrorKind::Io, "pub/sub stream ended"))));
                }
                _ = tokio::time::sleep(Duration::from_secs(1)) => {
                    if hub.strong_count() == 0 { return Ok(()); }
                }
            }
        }
    }

    /// Sends up to `BATCH` queued publishes in one pipeline; `true` if any.
    async fn publish_batch(
        &self,
        publisher: &mut redis::aio::MultiplexedConnection,
    ) -> Result<bool, BridgeError> {
        let batch: Vec<(String, String)> = {
            let mut queue = lock(&self.shared.queue);
            let n = queue.items.len().min(BATCH);
            let batch: Vec<_> = queue.items.drain(..n).collect();
            queue.bytes -= batch.iter().map(|(t, p)| t.len() + p.len()).sum::<usize>();
            batch
        };
        if batch.is_empty() {
            return Ok(false);
        }
        let mut pipe = redis::pipe();
        for (topic, payload) in &batch {
            pipe.cmd("PUBLISH")
                .arg(format!("{CHANNEL_PREFIX}{topic}"))
                .arg(payload)
                .ignore();
        }
        pipe.query_async::<()>(publisher).await?;
        Ok(true)
    }
}

async fn deliver_all(
    mut stream: impl futures_util::Stream<Item = redis::Msg> + Unpin,
    hub: Weak<dyn LocalDelivery>,
    relay_id: String,
) {
    let mut warning = Throttled::default();
    while let Some(message) = stream.next().await {
        let Some(hub) = hub.upgrade() else {
            return;
        };
        if let Err(why) = deliver(hub.as_ref(), &message, &relay_id) {
            warning.warn(why);
        }
    }
}

/// Hands one Redis message to the hub, unless this relay sent it (its own
/// subscribers already have it).
fn deliver(
    hub: &dyn LocalDelivery,
    message: &redis::Msg,
    relay_id: &str,
) -> Result<(), &'static str> {
    let Some(topic) = message.get_channel_name().strip_prefix(CHANNEL_PREFIX) else {
        return Ok(());
    };
    let payload: String = message
        .get_payload()
        .map_err(|_| "ignoring a non-text message on a relay channel")?;
    let (sender, data) = match (payload.get(..ID_LEN), payload.get(ID_LEN..)) {
        (Some(sender), Some(data)) => (sender, data),
        _ => return Err("ignoring a message without a relay id on a relay channel"),
    };
    if sender == relay_id {
        return Ok(());
    }
    // Redis may be shared with other software: only well-formed JSON goes on.
    let data: Box<RawValue> =
        serde_json::from_str(data).map_err(|_| "ignoring non-JSON message on a relay channel")?;
    hub.deliver_remote(topic, &data);
    Ok(())
}
