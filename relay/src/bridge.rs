//! Redis scale-out: relays sharing one Redis server exchange publishes over
//! Redis pub/sub, so clients on different relay processes meet in one topic.
//! Owns the Redis connections and reconnects them; never blocks the caller.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::value::RawValue;
use tokio::sync::mpsc;

use crate::hub::Hub;

const CHANNEL_PREFIX: &str = "peerlink:topic:";
/// Commands waiting for Redis; past this, publishes are dropped (and counted
/// in the log) rather than letting memory grow while Redis is down.
const COMMAND_QUEUE: usize = 10_000;

enum Command {
    Subscribe(String),
    Unsubscribe(String),
    Publish(String, String),
}

/// Handle the hub uses to reach Redis; cheap to clone.
#[derive(Clone)]
pub struct RedisBridge {
    tx: mpsc::Sender<Command>,
}

#[derive(Debug, thiserror::Error)]
#[error("redis: {0}")]
pub struct BridgeError(#[from] redis::RedisError);

impl RedisBridge {
    /// Checks that Redis answers, then returns the bridge and the receiver
    /// that `run` consumes once the hub exists.
    pub async fn connect(url: &str) -> Result<(RedisBridge, BridgeTask), BridgeError> {
        let client = redis::Client::open(url)?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await?;
        let (tx, rx) = mpsc::channel(COMMAND_QUEUE);
        Ok((RedisBridge { tx }, BridgeTask { client, rx }))
    }

    fn send(&self, command: Command) {
        if self.tx.try_send(command).is_err() {
            tracing::warn!("redis command queue full or closed; dropping a command");
        }
    }

    pub fn subscribe(&self, topic: &str) {
        self.send(Command::Subscribe(topic.to_string()));
    }

    pub fn unsubscribe(&self, topic: &str) {
        self.send(Command::Unsubscribe(topic.to_string()));
    }

    pub fn publish(&self, topic: &str, data: &str) {
        self.send(Command::Publish(topic.to_string(), data.to_string()));
    }
}

/// The background half of the bridge: started with the hub it delivers to.
pub struct BridgeTask {
    client: redis::Client,
    rx: mpsc::Receiver<Command>,
}

impl BridgeTask {
    /// Runs until the hub is gone, reconnecting to Redis after failures.
    pub async fn run(mut self, hub: Weak<Hub>) {
        loop {
            match self.session(&hub).await {
                Ok(()) => return,
                Err(err) => {
                    tracing::warn!(%err, "redis bridge lost; reconnecting in 1 s");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// One connected period: returns Ok when the hub is dropped, Err when Redis fails.
    async fn session(&mut self, hub: &Weak<Hub>) -> Result<(), BridgeError> {
        let mut publisher = self.client.get_multiplexed_async_connection().await?;
        let (mut sink, mut stream) = self.client.get_async_pubsub().await?.split();
        if let Some(hub) = hub.upgrade() {
            for topic in hub.local_topics() {
                sink.subscribe(format!("{CHANNEL_PREFIX}{topic}")).await?;
            }
        }
        let delivery_hub = hub.clone();
        let mut delivery = tokio::spawn(async move {
            while let Some(message) = stream.next().await {
                let Some(hub) = delivery_hub.upgrade() else {
                    return;
                };
                deliver(&hub, message);
            }
        });
        loop {
            tokio::select! {
                command = self.rx.recv() => match command {
                    None => { delivery.abort(); return Ok(()) }
                    Some(Command::Subscribe(topic)) => sink.subscribe(format!("{CHANNEL_PREFIX}{topic}")).await?,
                    Some(Command::Unsubscribe(topic)) => sink.unsubscribe(format!("{CHANNEL_PREFIX}{topic}")).await?,
                    Some(Command::Publish(topic, data)) => {
                        redis::cmd("PUBLISH")
                            .arg(format!("{CHANNEL_PREFIX}{topic}"))
                            .arg(data)
                            .query_async::<i64>(&mut publisher)
                            .await?;
                    }
                },
                _ = &mut delivery => {
                    return Err(BridgeError(redis::RedisError::from((redis::ErrorKind::Io, "pub/sub stream ended"))));
                }
            }
        }
    }
}

fn deliver(hub: &Arc<Hub>, message: redis::Msg) {
    let Some(topic) = message
        .get_channel_name()
        .strip_prefix(CHANNEL_PREFIX)
        .map(str::to_string)
    else {
        return;
    };
    let Ok(payload) = message.get_payload::<String>() else {
        return;
    };
    // Redis may be shared with other software: only well-formed JSON goes on.
    match RawValue::from_string(payload) {
        Ok(data) => hub.deliver_local(&topic, &data),
        Err(err) => tracing::warn!(%err, "ignoring non-JSON message on a relay channel"),
    }
}
