//! One client's WebSocket session: reads and checks its frames, applies its
//! limits (rate, bytes, topics, size, heartbeat, subscribe before publish)
//! and writes what the hub queues for it. Every way a session ends
//! unsubscribes it from every topic; it must not know about HTTP or routes.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use peerlink_protocol::{ClientFrame, RelayFrame};
use tokio::sync::{mpsc, Notify};

use crate::hub::SubscribeError;
use crate::metrics::DropReason;
use crate::state::{AppState, ConnId, Outbox, Outgoing};

/// WebSocket close codes the relay uses (RFC 6455 §7.4.1).
pub mod close_code {
    pub const GOING_AWAY: u16 = 1001;
    pub const UNSUPPORTED: u16 = 1003;
    pub const POLICY: u16 = 1008;
    pub const TOO_BIG: u16 = 1009;
}

/// Why the relay ends a session, with the close frame it sends.
struct Ending {
    code: u16,
    reason: &'static str,
    counted: Option<DropReason>,
}

impl Ending {
    const fn new(code: u16, reason: &'static str, counted: Option<DropReason>) -> Self {
        Ending {
            code,
            reason,
            counted,
        }
    }
}

/// Runs one session to its end; `client` is the address limits count by.
pub async fn run(socket: WebSocket, state: AppState, conn: ConnId, client: IpAddr) {
    let (sink, mut stream) = socket.split();
    let (tx, rx) = mpsc::channel(state.config.send_queue.max(1));
    let outbox = Outbox {
        tx,
        kick: Arc::new(Notify::new()),
    };
    let writer = tokio::spawn(write_loop(sink, rx));
    let mut session = Session {
        state: state.clone(),
        conn,
        client,
        outbox: outbox.clone(),
        topics: HashSet::new(),
    };
    let ending = session.read_loop(&mut stream).await;
    session.leave_all();
    if let Some(ending) = ending {
        if let Some(reason) = ending.counted {
            state.metrics.dropped(reason);
        }
        tracing::debug!(
            conn,
            code = ending.code,
            reason = ending.reason,
            "closing connection"
        );
        // A full queue means the reader is gone or stuck: no close frame then.
        if outbox
            .tx
            .try_send(Outgoing::Close(ending.code, ending.reason))
            .is_ok()
        {
            finish_closing_handshake(&mut stream).await;
        }
    }
    drop(session);
    drop(outbox);
    let mut writer = writer;
    if tokio::time::timeout(Duration::from_secs(2), &mut writer)
        .await
        .is_err()
    {
        writer.abort();
    }
}

/// Reads and discards until the client answers our close (or 2 s pass).
/// Dropping a socket with unread input makes the kernel send a reset, and a
/// reset destroys the close frame still on its way to the client.
async fn finish_closing_handshake(stream: &mut Reader) {
    let drain = async {
        while let Some(Ok(message)) = stream.next().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
}

fn is_too_large(err: &axum::Error) -> bool {
    let text = err.to_string();
    text.contains("too long") || text.contains("too big") || text.contains("Space limit")
}

async fn write_loop(
    mut sink: futures_util::stream::SplitSink<WebSocket, Message>,
    mut rx: mpsc::Receiver<Outgoing>,
) {
    while let Some(out) = rx.recv().await {
        let message = match out {
            Outgoing::Text(text) => Message::Text(text),
            Outgoing::Ping => Message::Ping(Default::default()),
            Outgoing::Close(code, reason) => {
                let _ = sink
                    .send(Message::Close(Some(CloseFrame {
                        code,
                        reason: reason.into(),
                    })))
                    .await;
                break;
            }
        };
        if sink.send(message).await.is_err() {
            break;
        }
    }
    let _ = sink.close().await;
}

/// The per-connection state the frame handler needs.
struct Session {
    state: AppState,
    conn: ConnId,
    client: IpAddr,
    outbox: Outbox,
    topics: HashSet<String>,
}

type Reader = futures_util::stream::SplitStream<WebSocket>;

impl Session {
    /// Reads frames until the client leaves (`None`) or breaks a rule.
    async fn read_loop(&mut self, stream: &mut Reader) -> Option<Ending> {
        let state = self.state.clone();
        let timeout = state.config.heartbeat_timeout();
        let mut ping = tokio::time::interval((timeout / 3).max(Duration::from_millis(100)));
        let mut last_heard = Instant::now();
        let mut bucket =
            crate::rate::TokenBucket::new(state.config.frames_per_second, state.config.frame_burst);
        let mut shutdown = state.shutdown.clone();
        let kick = self.outbox.kick.clone();
        loop {
            tokio::select! {
                message = stream.next() => {
                    last_heard = Instant::now();
                    match message {
                        Some(Ok(Message::Text(text))) => {
                            state.metrics.frames_in.fetch_add(1, Ordering::Relaxed);
                            if !bucket.take() {
                                return Some(Ending::new(close_code::POLICY, "rate limit exceeded", Some(DropReason::RateLimited)));
                            }
                            if !state.ip_bytes.take(&self.client, text.len() as f64) {
                                return Some(Ending::new(close_code::POLICY, "byte rate exceeded", Some(DropReason::IpByteRate)));
                            }
                            if let Err(ending) = self.handle(text.as_str()) {
                                return Some(ending);
                            }
                        }
                        Some(Ok(Message::Binary(_))) => {
                            return Some(Ending::new(close_code::UNSUPPORTED, "binary frames are not supported", Some(DropReason::Binary)));
                        }
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                        Some(Ok(Message::Close(_))) | None => return None,
                        Some(Err(err)) => {
                            if is_too_large(&err) {
                                return Some(Ending::new(close_code::TOO_BIG, "frame too large", Some(DropReason::TooLarge)));
                            }
                            tracing::debug!(conn = self.conn, %err, "read error");
                            return None;
                        }
                    }
                }
                _ = kick.notified() => {
                    return Some(Ending::new(close_code::POLICY, "send queue full", None));
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > timeout {
                        return Some(Ending::new(close_code::GOING_AWAY, "heartbeat timeout", Some(DropReason::HeartbeatTimeout)));
                    }
                    let _ = self.outbox.tx.try_send(Outgoing::Ping);
                }
                _ = shutdown.changed() => {
                    return Some(Ending::new(close_code::GOING_AWAY, "relay shutting down", None));
                }
            }
        }
    }

    fn handle(&mut self, text: &str) -> Result<(), Ending> {
        if text.len() > self.state.config.max_frame_bytes {
            return Err(Ending::new(
                close_code::TOO_BIG,
                "frame too large",
                Some(DropReason::TooLarge),
            ));
        }
        let frame = ClientFrame::decode(text).map_err(|err| {
            tracing::debug!(conn = self.conn, %err, "unparsable frame");
            match err {
                peerlink_protocol::DecodeError::TooLarge { .. } => Ending::new(
                    close_code::TOO_BIG,
                    "frame too large",
                    Some(DropReason::TooLarge),
                ),
                _ => Ending::new(
                    close_code::POLICY,
                    "malformed frame",
                    Some(DropReason::Unparsable),
                ),
            }
        })?;
        match frame {
            ClientFrame::Subscribe { topics } => {
                for topic in topics {
                    if self.topics.contains(&topic) {
                        continue;
                    }
                    if self.topics.len() >= self.state.config.max_topics_per_connection {
                        return Err(Ending::new(
                            close_code::POLICY,
                            "too many topics",
                            Some(DropReason::TooManyTopics),
                        ));
                    }
                    if let Err(SubscribeError::TopicFull) =
                        self.state.hub.subscribe(&topic, self.conn, &self.outbox)
                    {
                        return Err(Ending::new(
                            close_code::POLICY,
                            "topic full",
                            Some(DropReason::TopicFull),
                        ));
                    }
                    self.topics.insert(topic);
                }
            }
            ClientFrame::Unsubscribe { topics } => {
                for topic in topics {
                    if self.topics.remove(&topic) {
                        self.state.hub.unsubscribe(&topic, self.conn);
                    }
                }
            }
            ClientFrame::Publish { topic, data } => {
                // y-webrtc clients always subscribe first; a socket that
                // publishes blind is spraying topics it does not listen to.
                if !self.topics.contains(&topic) {
                    return Err(Ending::new(
                        close_code::POLICY,
                        "publish without subscribe",
                        Some(DropReason::NotSubscribed),
                    ));
                }
                self.state.hub.publish(&topic, &data)
            }
            ClientFrame::Ping => {
                let _ = self
                    .outbox
                    .tx
                    .try_send(Outgoing::Text(RelayFrame::PONG.into()));
            }
        }
        Ok(())
    }

    fn leave_all(&mut self) {
        for topic in self.topics.drain() {
            self.state.hub.unsubscribe(&topic, self.conn);
        }
    }
}

/// Sessions without sockets, for the fuzz driver (relay/examples/fuzz.rs):
/// the same frame checks and hub calls a live connection makes.
pub mod harness {
    use super::*;

    /// A few connections to one in-memory hub; a session that breaks a rule
    /// is closed (unsubscribed) and replaced, as the socket would be.
    pub struct Harness {
        state: AppState,
        sessions: Vec<(Session, mpsc::Receiver<Outgoing>)>,
        next: ConnId,
    }

    impl Harness {
        pub fn new(state: AppState, connections: usize) -> Self {
            let mut harness = Harness {
                state,
                sessions: Vec::new(),
                next: 0,
            };
            for _ in 0..connections.max(1) {
                let session = harness.open();
                harness.sessions.push(session);
            }
            harness
        }

        fn open(&mut self) -> (Session, mpsc::Receiver<Outgoing>) {
            let (tx, rx) = mpsc::channel(self.state.config.send_queue.max(1));
            self.next += 1;
            let session = Session {
                state: self.state.clone(),
                conn: self.next,
                client: IpAddr::from([127, 0, 0, 1]),
                outbox: Outbox {
                    tx,
                    kick: Arc::new(Notify::new()),
                },
                topics: HashSet::new(),
            };
            (session, rx)
        }

        /// Feeds one text frame to connection `which`; the close code if it
        /// was closed for it. Drains every outbox afterwards.
        pub fn feed(&mut self, which: usize, text: &str) -> Option<u16> {
            let index = which % self.sessions.len();
            let result = self.sessions[index].0.handle(text);
            let code = match result {
                Ok(()) => None,
                Err(ending) => {
                    self.sessions[index].0.leave_all();
                    self.sessions[index] = self.open();
                    Some(ending.code)
                }
            };
            for (_, rx) in &mut self.sessions {
                while rx.try_recv().is_ok() {}
            }
            code
        }
    }
}
