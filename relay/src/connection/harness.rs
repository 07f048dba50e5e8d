//! Sessions without sockets, for the fuzz driver (relay/examples/fuzz.rs):
//! the same frame checks and hub calls a live connection makes, on one
//! in-memory hub. Must not open sockets.

use std::net::IpAddr;

use super::Session;
use crate::outbox::{Kicked, Outbox};
use crate::state::{AppState, ConnId};

/// A few connections to one in-memory hub; a session that breaks a rule
/// is closed (unsubscribed) and replaced, as the socket would be.
pub struct Harness {
    state: AppState,
    sessions: Vec<Session>,
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

    fn open(&mut self) -> Session {
        self.next += 1;
        Session {
            state: self.state.clone(),
            conn: self.next,
            client: IpAddr::from([127, 0, 0, 1]),
            outbox: Outbox::new(self.state.config.send_queue),
            topics: Vec::new(),
        }
    }

    /// Feeds one text frame to connection `which`; the close code if it
    /// was closed for it. Drains every outbox afterwards (a kicked one is
    /// closed and replaced, as its socket would be).
    pub fn feed(&mut self, which: usize, text: &str) -> Option<u16> {
        let index = which % self.sessions.len();
        let code = match self.sessions[index].handle(text) {
            Ok(()) => None,
            Err(ending) => {
                self.close(index);
                Some(ending.code)
            }
        };
        for index in 0..self.sessions.len() {
            loop {
                match self.sessions[index].outbox.pop() {
                    Ok(Some(_)) => continue,
                    Ok(None) => break,
                    Err(Kicked) => {
                        self.close(index);
                        break;
                    }
                }
            }
        }
        code
    }

    fn close(&mut self, index: usize) {
        self.sessions[index].leave_all();
        self.sessions[index].outbox.close();
        self.sessions[index] = self.open();
    }
}
