//! One connection's send queue, as the hub holds it: a bounded FIFO of
//! encoded frames shared by every topic the connection listens to, and the
//! wake-up of the connection's task. One small allocation per connection;
//! the queue itself is only allocated while frames wait. When a push finds
//! the queue full the reader is too slow: the outbox is marked kicked and the
//! connection ends. It must not know about sockets or topics.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::Notify;

/// What a push did.
#[derive(Debug, PartialEq, Eq)]
pub enum Push {
    Queued,
    /// The queue was full: the connection is now kicked.
    Full,
    /// The connection has ended.
    Closed,
}

/// The connection was kicked for reading too slowly.
#[derive(Debug, PartialEq, Eq)]
pub struct Kicked;

struct Queue {
    frames: VecDeque<Utf8Bytes>,
    limit: u32,
    kicked: bool,
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Notify,
}

/// A handle on one connection's queue; clones share it.
#[derive(Clone)]
pub struct Outbox(Arc<Shared>);

impl Outbox {
    /// An empty queue that holds at most `limit` frames.
    pub fn new(limit: usize) -> Self {
        Outbox(Arc::new(Shared {
            queue: Mutex::new(Queue {
                frames: VecDeque::new(),
                limit: u32::try_from(limit.max(1)).unwrap_or(u32::MAX),
                kicked: false,
                closed: false,
            }),
            ready: Notify::new(),
        }))
    }

    fn queue(&self) -> MutexGuard<'_, Queue> {
        // Nothing panics while holding this lock; a poisoned one is still whole.
        self.0.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `frame` and wakes the connection.
    pub fn push(&self, frame: Utf8Bytes) -> Push {
        let result = {
            let mut queue = self.queue();
            if queue.closed || queue.kicked {
                return Push::Closed;
            }
            if queue.frames.len() >= queue.limit as usize {
                queue.kicked = true;
                queue.frames = VecDeque::new();
                Push::Full
            } else {
                queue.frames.push_back(frame);
                Push::Queued
            }
        };
        self.0.ready.notify_one();
        result
    }

    /// The oldest queued frame, or `Kicked` once the connection was kicked.
    pub fn pop(&self) -> Result<Option<Utf8Bytes>, Kicked> {
        let mut queue = self.queue();
        if queue.kicked {
            return Err(Kicked);
        }
        let frame = queue.frames.pop_front();
        // A drained queue gives its memory back: one small allocation per
        // batch costs less than every busy connection keeping its peak.
        if queue.frames.is_empty() {
            queue.frames = VecDeque::new();
        }
        Ok(frame)
    }

    /// `Kicked` once the connection was kicked; takes nothing.
    pub fn check_kicked(&self) -> Result<(), Kicked> {
        if self.queue().kicked {
            Err(Kicked)
        } else {
            Ok(())
        }
    }

    /// Makes the next `ready` resolve at once.
    pub fn wake(&self) {
        self.0.ready.notify_one();
    }

    /// Whether nothing waits (a kicked queue counts as waiting: the
    /// connection must still see the kick).
    pub fn is_idle(&self) -> bool {
        let queue = self.queue();
        queue.frames.is_empty() && !queue.kicked
    }

    /// The connection ended: later pushes are refused and the queue freed.
    pub fn close(&self) {
        let mut queue = self.queue();
        queue.closed = true;
        queue.frames = VecDeque::new();
    }

    /// Resolves after a push (or at once if one happened since the last wait).
    pub async fn ready(&self) {
        self.0.ready.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_until_full_then_kicked() {
        let outbox = Outbox::new(2);
        assert_eq!(outbox.push("a".into()), Push::Queued);
        assert_eq!(outbox.push("b".into()), Push::Queued);
        assert_eq!(outbox.pop(), Ok(Some(Utf8Bytes::from("a"))));
        assert_eq!(outbox.push("c".into()), Push::Queued);
        assert_eq!(outbox.push("d".into()), Push::Full);
        assert_eq!(outbox.pop(), Err(Kicked));
        assert!(!outbox.is_idle());
        assert_eq!(outbox.push("e".into()), Push::Closed);
    }

    #[test]
    fn closed_refuses_and_drained_gives_memory_back() {
        let outbox = Outbox::new(100);
        for i in 0..50 {
            outbox.push(i.to_string().into());
        }
        while let Ok(Some(_)) = outbox.pop() {}
        assert!(outbox.is_idle());
        assert_eq!(outbox.queue().frames.capacity(), 0);
        outbox.close();
        assert_eq!(outbox.push("x".into()), Push::Closed);
    }
}
