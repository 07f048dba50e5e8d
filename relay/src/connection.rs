//! One client's WebSocket session, in one task: reads and checks its frames,
//! applies its limits (rate, bytes, topics, size, heartbeat, subscribe
//! before publish) and writes what the hub queued in its outbox, one socket
//! write per frame (see WRITE_BATCH in server.rs). Every way a session ends
//! unsubscribes it from every topic; it must not know about HTTP or routes.

use std::future::Future;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::{SinkExt, StreamExt};
use peerlink_protocol::{ClientFrame, RelayFrame};

use crate::hub::SubscribeError;
use crate::metrics::DropReason;
use crate::outbox::{Kicked, Outbox};
use crate::state::{AppState, ConnId, IpSlot};

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

/// How long the closing handshake may take.
const CLOSING: Duration = Duration::from_secs(2);

/// One live connection: everything it keeps while it waits, in one box, so
/// the task's future holds a pointer to it instead of copies of it (rustc
/// keeps an async fn's arguments and their moved-to locals side by side).
struct Live {
    socket: WebSocket,
    session: Session,
    /// The client address's connection slot, freed when the box is.
    _slot: IpSlot,
}

/// Runs one session to its end; the slot's address is what limits count by.
pub fn run(socket: WebSocket, state: AppState, slot: IpSlot) -> impl Future<Output = ()> + Send {
    let conn = state.next_conn.fetch_add(1, Ordering::Relaxed);
    state.metrics.connections.fetch_add(1, Ordering::Relaxed);
    state
        .metrics
        .connections_total
        .fetch_add(1, Ordering::Relaxed);
    let mut live = Box::new(Live {
        socket,
        session: Session {
            outbox: Outbox::new(state.config.send_queue),
            state,
            conn,
            client: slot.key,
            topics: Vec::new(),
        },
        _slot: slot,
    });
    async move {
        let Live {
            socket, session, ..
        } = &mut *live;
        let ending = session.serve(socket).await;
        session.leave_all();
        session.outbox.close();
        if let Some(ending) = ending {
            if let Some(reason) = ending.counted {
                session.state.metrics.dropped(reason);
            }
            tracing::debug!(
                conn,
                code = ending.code,
                reason = ending.reason,
                "closing connection"
            );
            // Boxed: the closing state is allocated only by a closing
            // session, not kept inside every idle connection's task.
            Box::pin(close(socket, ending)).await;
        }
        let metrics = live.session.state.metrics.clone();
        drop(live);
        metrics.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Sends the close frame and finishes the closing handshake.
async fn close(socket: &mut WebSocket, ending: Ending) {
    let close = Message::Close(Some(CloseFrame {
        code: ending.code,
        reason: ending.reason.into(),
    }));
    // A socket that cannot take the close frame within the bound is stuck.
    if let Ok(Ok(())) = tokio::time::timeout(CLOSING, socket.send(close)).await {
        finish_closing_handshake(socket).await;
    }
}

/// Reads and discards until the client answers our close (or 2 s pass).
/// Dropping a socket with unread input makes the kernel send a reset, and a
/// reset destroys the close frame still on its way to the client.
async fn finish_closing_handshake(socket: &mut WebSocket) {
    let drain = async {
        while let Some(Ok(message)) = socket.next().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(CLOSING, drain).await;
}

fn is_too_large(err: &axum::Error) -> bool {
    let text = err.to_string();
    text.contains("too long") || text.contains("too big") || text.contains("Space limit")
}

const KICKED: Ending = Ending::new(close_code::POLICY, "send queue full", None);

/// The per-connection state the frame handler needs.
struct Session {
    state: AppState,
    conn: ConnId,
    client: IpAddr,
    outbox: Outbox,
    /// At most `max_topics_per_connection` (32 by default): a scan is cheaper
    /// than a set, in time and in bytes.
    topics: Vec<String>,
}

impl Session {
    /// Reads frames and writes queued ones until the client leaves or breaks
    /// a rule (`Some`: the close frame to send), or the socket fails (`None`).
    async fn serve(&mut self, socket: &mut WebSocket) -> Option<Ending> {
        let timeout = self.state.config.heartbeat_timeout();
        let every = (timeout / 3).max(Duration::from_millis(100));
        let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        let mut last_heard = Instant::now();
        let mut bucket = crate::rate::TokenBucket::new(
            self.state.config.frames_per_second,
            self.state.config.frame_burst,
        );
        let mut shutdown = self.state.shutdown.clone();
        loop {
            tokio::select! {
                message = socket.next() => {
                    last_heard = Instant::now();
                    let text = match message {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Binary(_))) => {
                            return Some(Ending::new(close_code::UNSUPPORTED, "binary frames are not supported", Some(DropReason::Binary)));
                        }
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Close(_))) | None => return None,
                        Some(Err(err)) => {
                            if is_too_large(&err) {
                                return Some(Ending::new(close_code::TOO_BIG, "frame too large", Some(DropReason::TooLarge)));
                            }
                            tracing::debug!(conn = self.conn, %err, "read error");
                            return None;
                        }
                    };
                    self.state.metrics.frames_in.fetch_add(1, Ordering::Relaxed);
                    if !bucket.take() {
                        return Some(Ending::new(close_code::POLICY, "rate limit exceeded", Some(DropReason::RateLimited)));
                    }
                    if !self.state.ip_bytes.take(&self.client, text.len() as f64) {
                        return Some(Ending::new(close_code::POLICY, "byte rate exceeded", Some(DropReason::IpByteRate)));
                    }
                    if let Err(ending) = self.handle(text.as_str()) {
                        return Some(ending);
                    }
                }
                () = self.outbox.ready() => {
                    // Boxed, like every rare or short-lived state: an idle
                    // connection's task holds only the waits below.
                    if let Err(ending) = Box::pin(self.write_queued(socket, timeout)).await {
                        return ending;
                    }
                }
                _ = ping.tick() => {
                    let silent = last_heard.elapsed();
                    if silent > timeout {
                        return Some(Ending::new(close_code::GOING_AWAY, "heartbeat timeout", Some(DropReason::HeartbeatTimeout)));
                    }
                    // A client heard from within the last interval is alive:
                    // only a silent one is asked for a pong. (A pong costs the
                    // client a write; one that leaves Nagle on may then hold
                    // its next publish until our delayed ACK.)
                    if silent < every {
                        continue;
                    }
                    let ping = socket.send(Message::Ping(Default::default()));
                    Box::pin(tokio::time::timeout(timeout, ping)).await.ok()?.ok()?;
                }
                _ = shutdown.changed() => {
                    return Some(Ending::new(close_code::GOING_AWAY, "relay shutting down", None));
                }
            }
        }
    }

    /// Writes every queued frame (each as it is fed), then flushes. Gives up when the outbox is kicked meanwhile, or when the
    /// client has not taken the batch within `timeout`.
    async fn write_queued(
        &mut self,
        socket: &mut WebSocket,
        timeout: Duration,
    ) -> Result<(), Option<Ending>> {
        let outbox = &self.outbox;
        let write = async {
            loop {
                match outbox.pop() {
                    Ok(Some(frame)) => socket.feed(Message::Text(frame)).await?,
                    Ok(None) => break,
                    Err(Kicked) => return Ok(Err(Kicked)),
                }
            }
            socket.flush().await.map(Ok)
        };
        // A push during the write wakes this instead of the next turn of the
        // loop: re-arm below, so the frame it queued is not left waiting.
        let kicked = async {
            loop {
                outbox.ready().await;
                if let Err(Kicked) = outbox.check_kicked() {
                    return;
                }
            }
        };
        let result = tokio::select! {
            written = write => written,
            () = kicked => return Err(Some(KICKED)),
            () = tokio::time::sleep(timeout) => return Err(None),
        };
        match result {
            Ok(Ok(())) => {
                if !outbox.is_idle() {
                    outbox.wake();
                }
                Ok(())
            }
            Ok(Err(Kicked)) => Err(Some(KICKED)),
            Err(err) => {
                tracing::debug!(conn = self.conn, %err, "write error");
                Err(None)
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
                    // Most clients listen to one room: no spare slots.
                    self.topics.reserve_exact(1);
                    self.topics.push(topic);
                }
            }
            ClientFrame::Unsubscribe { topics } => {
                for topic in topics {
                    if let Some(index) = self.topics.iter().position(|t| *t == topic) {
                        self.topics.swap_remove(index);
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
                // A full queue kicks the connection; its task sees that.
                let _ = self.outbox.push(Utf8Bytes::from_static(RelayFrame::PONG));
            }
        }
        Ok(())
    }

    fn leave_all(&mut self) {
        for topic in self.topics.drain(..) {
            self.state.hub.unsubscribe(&topic, self.conn);
        }
    }
}

/// Sessions without sockets, for the fuzz driver (relay/examples/fuzz.rs).
pub mod harness;
