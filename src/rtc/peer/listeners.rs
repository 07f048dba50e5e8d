//! The browser events of one session — `negotiationneeded`, trickled
//! candidates, connection and ICE states, remote tracks, incoming channels,
//! chat/control messages — turned into core inputs and `PeerEvent`s. The
//! ICE-restart timer lives here; when to restart is core/src/ice_restart.rs's call.

use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use peerlink_protocol::{CandidateBody, ChannelMessage, Signal};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    RtcDataChannelEvent, RtcPeerConnectionIceErrorEvent, RtcPeerConnectionIceEvent, RtcTrackEvent,
};

use super::{driver, emit, Inner, PeerEvent};
use crate::browser::now;
use crate::rtc::channel::{Channel, ChannelEvent, ChannelKind};
use crate::rtc::{js, state};

pub(super) fn install(inner: &Rc<Inner>) {
    let listen = |name: &'static str, handler: fn(&Rc<Inner>, &web_sys::Event)| {
        let weak: Weak<Inner> = Rc::downgrade(inner);
        EventListener::new(&inner.pc, name, move |event| {
            if let Some(inner) = weak.upgrade() {
                if !inner.closed.get() {
                    handler(&inner, event);
                }
            }
        })
    };
    let listeners = vec![
        listen("negotiationneeded", |inner, _| {
            inner.negotiation.borrow_mut().negotiation_needed();
            driver::drive(inner);
        }),
        listen("icecandidate", |inner, event| {
            let event: &RtcPeerConnectionIceEvent = event.unchecked_ref();
            if let Some(candidate) = event.candidate() {
                inner.facts.borrow_mut().local.count(&candidate.candidate());
            }
            let body = match event.candidate() {
                Some(c) if !c.candidate().is_empty() => CandidateBody {
                    candidate: Some(c.candidate()),
                    sdp_mid: c.sdp_mid(),
                    sdp_m_line_index: c.sdp_m_line_index(),
                    username_fragment: Some(js::string_prop(&c, "usernameFragment"))
                        .filter(|u| !u.is_empty()),
                },
                // Gathering finished: forward the end-of-candidates marker.
                _ => CandidateBody {
                    candidate: None,
                    sdp_mid: None,
                    sdp_m_line_index: None,
                    username_fragment: None,
                },
            };
            emit(inner, PeerEvent::Signal(Signal::Candidate(body)));
        }),
        listen("connectionstatechange", |inner, _| {
            emit(
                inner,
                PeerEvent::ConnectionState(state::connection_state(&inner.pc)),
            );
        }),
        listen("iceconnectionstatechange", |inner, _| on_ice_state(inner)),
        listen("icecandidateerror", |inner, event| {
            let event: &RtcPeerConnectionIceErrorEvent = event.unchecked_ref();
            let mut facts = inner.facts.borrow_mut();
            if event.url().starts_with("turn") && facts.turn_errors.len() < 16 {
                facts.turn_errors.push(event.error_code());
            }
        }),
        listen("track", |inner, event| {
            let event: &RtcTrackEvent = event.unchecked_ref();
            let stream = inner.remote_media.borrow_mut().add(&event.track());
            if let Some(stream) = stream {
                emit(inner, PeerEvent::RemoteStream(stream));
            }
        }),
        listen("datachannel", |inner, event| {
            let event: &RtcDataChannelEvent = event.unchecked_ref();
            emit(inner, PeerEvent::IncomingChannel(event.channel()));
        }),
    ];
    *inner.listeners.borrow_mut() = listeners;
}

/// The negotiated channel of `kind`, reporting into the session.
pub(super) fn negotiated_channel(inner: &Rc<Inner>, kind: ChannelKind) -> Channel {
    let weak = Rc::downgrade(inner);
    let on_event: Rc<dyn Fn(ChannelEvent)> = Rc::new(move |event| {
        if let Some(inner) = weak.upgrade() {
            on_channel_event(&inner, kind, event);
        }
    });
    Channel::negotiated(&inner.pc, kind, on_event)
}

fn on_channel_event(inner: &Inner, kind: ChannelKind, event: ChannelEvent) {
    match event {
        ChannelEvent::Open => emit(inner, PeerEvent::ChannelOpen(kind)),
        ChannelEvent::Closed => emit(inner, PeerEvent::ChannelClosed(kind)),
        ChannelEvent::Text(text) => match ChannelMessage::decode(&text) {
            Ok(message) => emit(inner, PeerEvent::Message(kind, message)),
            Err(err) => emit(inner, PeerEvent::BadMessage(kind, err.to_string())),
        },
        ChannelEvent::Binary(_) => emit(inner, PeerEvent::BadMessage(kind, "binary data".into())),
        ChannelEvent::BufferedLow => {}
    }
}

fn on_ice_state(inner: &Rc<Inner>) {
    let ice = state::ice_connection_state(&inner.pc);
    let restart = inner.ice_restart.borrow_mut().ice_state(ice, now());
    if restart {
        restart_ice(inner);
    }
    arm_restart_timer(inner);
    emit(inner, PeerEvent::IceState(ice));
}

/// One timer at the policy's deadline, re-armed after every change.
fn arm_restart_timer(inner: &Rc<Inner>) {
    let at = inner.ice_restart.borrow().poll_timeout();
    inner.restart_timer.arm(at, inner, |inner| {
        if !inner.closed.get() && inner.ice_restart.borrow_mut().timeout(now()) {
            restart_ice(inner);
        }
    });
}

pub(super) fn restart_ice(inner: &Rc<Inner>) {
    let pc = inner.pc.clone();
    let weak = Rc::downgrade(inner);
    spawn_local(async move {
        // restartIce() fires negotiationneeded, which makes the new offer.
        if let Err(err) = js::call0(&pc, "restartIce").await {
            if let Some(inner) = weak.upgrade() {
                let name = crate::browser::js_error_name(&err);
                emit(
                    &inner,
                    PeerEvent::Error(crate::rtc::PeerError::RestartIce(name)),
                );
            }
        }
    });
}
