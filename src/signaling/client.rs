//! The relay client: connects, subscribes to its topics, reconnects after
//! any loss as core/src/reconnect.rs decides (fast jittered attempts, then
//! backoff, a probe for the relay's return) and subscribes again, hands the
//! `data` of publishes on its topics to the caller. It works the same
//! against peerlink-relay, a y-webrtc server or a plain broadcast relay.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use peerlink_protocol::{ClientFrame, RelayFrame};
use serde_json::value::RawValue;

use super::reconnect::Reconnector;
use super::socket::{RelaySocket, SocketEvent};

/// Frames kept while the relay is unreachable; older ones are dropped first.
const OUTBOX_LIMIT: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignalingError {
    #[error("the relay address is not a valid WebSocket URL: {0}")]
    BadRelayUrl(String),
}

/// The link to the relay, as the UI shows it (`data-state` of `relay-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayState {
    Connecting,
    Open,
    Closed,
}

impl RelayState {
    pub fn as_str(self) -> &'static str {
        match self {
            RelayState::Connecting => "connecting",
            RelayState::Open => "open",
            RelayState::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone)]
pub enum ClientEvent {
    State(RelayState),
    /// The `data` of a publish on one of our topics, as raw JSON text.
    Data(String),
    /// A frame that did not parse (counted; never fatal).
    BadFrame(String),
}

struct Inner {
    url: String,
    topics: Vec<String>,
    on_event: Box<dyn Fn(ClientEvent)>,
    socket: RefCell<Option<RelaySocket>>,
    state: Cell<RelayState>,
    reconnect: RefCell<Option<Reconnector>>,
    outbox: RefCell<VecDeque<String>>,
}

/// Owns the connection; dropping it closes the socket and stops retrying.
pub struct SignalingClient {
    inner: Rc<Inner>,
}

impl SignalingClient {
    /// Starts connecting to `url` and subscribing to `topics`.
    pub fn connect(
        url: &str,
        topics: Vec<String>,
        on_event: impl Fn(ClientEvent) + 'static,
    ) -> Result<SignalingClient, SignalingError> {
        let inner = Rc::new(Inner {
            url: url.to_string(),
            topics,
            on_event: Box::new(on_event),
            socket: RefCell::new(None),
            state: Cell::new(RelayState::Connecting),
            reconnect: RefCell::new(None),
            outbox: RefCell::new(VecDeque::new()),
        });
        let weak = Rc::downgrade(&inner);
        let reconnect = Reconnector::new(url, move || {
            if let Some(inner) = weak.upgrade() {
                if let Err(err) = open_socket(&inner) {
                    (inner.on_event)(ClientEvent::BadFrame(err.to_string()));
                }
            }
        });
        *inner.reconnect.borrow_mut() = Some(reconnect);
        open_socket(&inner)?;
        Ok(SignalingClient { inner })
    }

    pub fn state(&self) -> RelayState {
        self.inner.state.get()
    }

    /// Publishes `data` (raw JSON) to `topic`; queued while the relay is away.
    pub fn publish(&self, topic: &str, data: Box<RawValue>) {
        let text = ClientFrame::Publish {
            topic: topic.to_string(),
            data,
        }
        .encode();
        let sent = self
            .inner
            .socket
            .borrow()
            .as_ref()
            .is_some_and(|s| self.inner.state.get() == RelayState::Open && s.send(&text));
        if !sent {
            let mut outbox = self.inner.outbox.borrow_mut();
            if outbox.len() >= OUTBOX_LIMIT {
                outbox.pop_front();
            }
            outbox.push_back(text);
        }
    }
}

fn open_socket(inner: &Rc<Inner>) -> Result<(), SignalingError> {
    let weak: Weak<Inner> = Rc::downgrade(inner);
    let handler: Rc<dyn Fn(SocketEvent)> = Rc::new(move |event| {
        if let Some(inner) = weak.upgrade() {
            on_socket_event(&inner, event);
        }
    });
    set_state(inner, RelayState::Connecting);
    let socket = RelaySocket::open(&inner.url, handler)?;
    *inner.socket.borrow_mut() = Some(socket);
    Ok(())
}

fn set_state(inner: &Inner, state: RelayState) {
    if inner.state.replace(state) != state {
        (inner.on_event)(ClientEvent::State(state));
    }
}

fn send_now(inner: &Inner, text: &str) -> bool {
    inner.socket.borrow().as_ref().is_some_and(|s| s.send(text))
}

fn on_socket_event(inner: &Rc<Inner>, event: SocketEvent) {
    match event {
        SocketEvent::Open => {
            if let Some(reconnect) = inner.reconnect.borrow().as_ref() {
                reconnect.opened();
            }
            send_now(
                inner,
                &ClientFrame::Subscribe {
                    topics: inner.topics.clone(),
                }
                .encode(),
            );
            let queued: Vec<String> = inner.outbox.borrow_mut().drain(..).collect();
            for text in queued {
                send_now(inner, &text);
            }
            set_state(inner, RelayState::Open);
        }
        SocketEvent::Text(text) => match RelayFrame::decode(&text) {
            Ok(RelayFrame::Publish { topic, data, .. }) => {
                if inner.topics.contains(&topic) {
                    (inner.on_event)(ClientEvent::Data(data.get().to_string()));
                }
            }
            Ok(RelayFrame::Pong | RelayFrame::Ignored) => {}
            Err(err) => (inner.on_event)(ClientEvent::BadFrame(err.to_string())),
        },
        SocketEvent::Binary => (inner.on_event)(ClientEvent::BadFrame("binary frame".into())),
        SocketEvent::Closed { code } => {
            inner.socket.borrow_mut().take();
            set_state(inner, RelayState::Closed);
            web_sys::console::info_1(
                &format!("peerlink: relay connection closed (code {code}); reconnecting").into(),
            );
            if let Some(reconnect) = inner.reconnect.borrow().as_ref() {
                reconnect.closed();
            }
        }
    }
}
