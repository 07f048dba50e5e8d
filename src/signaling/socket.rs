//! One WebSocket to the relay, owned: its listeners are removed and the
//! socket closed when the value drops.

use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::SignalingError;
use crate::browser::js_error_name;

/// What the socket reports; `Closed` always follows `Error`.
#[derive(Debug, Clone)]
pub enum SocketEvent {
    Open,
    Text(String),
    /// A binary frame: relays of this protocol never send one.
    Binary,
    Closed {
        code: u16,
    },
}

pub struct RelaySocket {
    socket: WebSocket,
    _listeners: [EventListener; 3],
}

impl RelaySocket {
    pub fn open(
        url: &str,
        on_event: Rc<dyn Fn(SocketEvent)>,
    ) -> Result<RelaySocket, SignalingError> {
        let socket =
            WebSocket::new(url).map_err(|e| SignalingError::BadRelayUrl(js_error_name(&e)))?;
        let on_open = {
            let on_event = on_event.clone();
            EventListener::new(&socket, "open", move |_| on_event(SocketEvent::Open))
        };
        let on_message = {
            let on_event = on_event.clone();
            EventListener::new(&socket, "message", move |event| {
                let event: &MessageEvent = event.unchecked_ref();
                match event.data().as_string() {
                    Some(text) => on_event(SocketEvent::Text(text)),
                    None => on_event(SocketEvent::Binary),
                }
            })
        };
        let on_close = EventListener::new(&socket, "close", move |event| {
            let code = event
                .dyn_ref::<CloseEvent>()
                .map(|e| e.code())
                .unwrap_or(1006);
            on_event(SocketEvent::Closed { code });
        });
        Ok(RelaySocket {
            socket,
            _listeners: [on_open, on_message, on_close],
        })
    }

    pub fn send(&self, text: &str) -> bool {
        self.socket.ready_state() == WebSocket::OPEN && self.socket.send_with_str(text).is_ok()
    }
}

impl Drop for RelaySocket {
    fn drop(&mut self) {
        // Listeners drop with the struct; closing here stops the browser
        // from keeping a connection nobody listens to.
        let _ = self.socket.close_with_code(1000);
    }
}
