//! An owned RTCDataChannel: its listeners are removed and the channel closed
//! when the value drops. Chat and control are negotiated with fixed ids, so
//! neither side waits for `ondatachannel`.

use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{
    MessageEvent, RtcDataChannel, RtcDataChannelInit, RtcDataChannelState, RtcDataChannelType,
    RtcPeerConnection,
};

use super::PeerError;
use crate::browser::js_error_name;

/// The two channels every session has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    Chat,
    Control,
}

impl ChannelKind {
    pub fn id(self) -> u16 {
        match self {
            ChannelKind::Chat => 0,
            ChannelKind::Control => 1,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::Chat => "chat",
            ChannelKind::Control => "control",
        }
    }
}

#[derive(Debug, Clone)]
pub enum ChannelEvent {
    Open,
    Closed,
    Text(String),
    Binary(js_sys::ArrayBuffer),
    /// `bufferedAmount` fell to the low-water mark.
    BufferedLow,
}

pub struct Channel {
    channel: RtcDataChannel,
    _listeners: Vec<EventListener>,
}

impl Channel {
    /// Creates the negotiated channel of `kind` on `pc` (same id on both sides).
    pub fn negotiated(
        pc: &RtcPeerConnection,
        kind: ChannelKind,
        on_event: Rc<dyn Fn(ChannelEvent)>,
    ) -> Channel {
        let init = RtcDataChannelInit::new();
        init.set_negotiated(true);
        init.set_id(kind.id());
        init.set_ordered(true);
        Channel::wrap(
            pc.create_data_channel_with_data_channel_dict(kind.label(), &init),
            on_event,
        )
    }

    /// Takes ownership of a channel (one we created, or one `ondatachannel` gave us).
    pub fn wrap(channel: RtcDataChannel, on_event: Rc<dyn Fn(ChannelEvent)>) -> Channel {
        channel.set_binary_type(RtcDataChannelType::Arraybuffer);
        let listen = |name: &'static str, map: fn(&web_sys::Event) -> Option<ChannelEvent>| {
            let on_event = on_event.clone();
            EventListener::new(&channel, name, move |event| {
                if let Some(event) = map(event) {
                    on_event(event);
                }
            })
        };
        let listeners = vec![
            listen("open", |_| Some(ChannelEvent::Open)),
            listen("close", |_| Some(ChannelEvent::Closed)),
            listen("bufferedamountlow", |_| Some(ChannelEvent::BufferedLow)),
            listen("message", |event| {
                let data = event.unchecked_ref::<MessageEvent>().data();
                if let Some(text) = data.as_string() {
                    Some(ChannelEvent::Text(text))
                } else {
                    data.dyn_into::<js_sys::ArrayBuffer>()
                        .ok()
                        .map(ChannelEvent::Binary)
                }
            }),
        ];
        Channel {
            channel,
            _listeners: listeners,
        }
    }

    pub fn is_open(&self) -> bool {
        self.channel.ready_state() == RtcDataChannelState::Open
    }

    pub fn label(&self) -> String {
        self.channel.label()
    }

    pub fn send_text(&self, text: &str) -> Result<(), PeerError> {
        self.channel
            .send_with_str(text)
            .map_err(|e| PeerError::Send(js_error_name(&e)))
    }

    pub fn send_bytes(&self, bytes: &[u8]) -> Result<(), PeerError> {
        self.channel
            .send_with_u8_array(bytes)
            .map_err(|e| PeerError::Send(js_error_name(&e)))
    }

    pub fn send_js_bytes(&self, bytes: &js_sys::Uint8Array) -> Result<(), PeerError> {
        self.channel
            .send_with_array_buffer_view(bytes)
            .map_err(|e| PeerError::Send(js_error_name(&e)))
    }

    pub fn buffered_amount(&self) -> u32 {
        self.channel.buffered_amount()
    }

    pub fn set_buffered_amount_low_threshold(&self, bytes: u32) {
        self.channel.set_buffered_amount_low_threshold(bytes);
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.close();
    }
}
