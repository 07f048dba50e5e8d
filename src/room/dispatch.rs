//! Routes what presence and the peer sessions report into
//! `peerlink_core::RoomRules`, and carries out the actions it returns:
//! opening and closing sessions, handing signals over (through the relay or
//! in-band on the control channel), telling presence who is connected.

use std::rc::Rc;

use peerlink_core::{ConnectionState, Role, RoomAction, Route};
use peerlink_protocol::{ChannelMessage, PeerId, Signal};

use super::trust;
use super::{emit, Inner, MediaState, RoomEvent};
use crate::browser::{now, random_bytes};
use crate::rtc::{ChannelKind, PeerConfig, PeerEvent, PeerSession};
use crate::signaling::PresenceEvent;

pub(super) fn on_presence_event(inner: &Rc<Inner>, event: PresenceEvent) {
    match event {
        PresenceEvent::Relay(state) => return emit(inner, RoomEvent::Relay(state)),
        PresenceEvent::PeerSeen { id, name } => {
            let nonce = random_bytes::<32>();
            inner.rules.borrow_mut().peer_seen(id, name, nonce, now())
        }
        PresenceEvent::PeerGone(id) => inner.rules.borrow_mut().peer_gone(id),
        PresenceEvent::Signal { from, signal } => {
            inner.rules.borrow_mut().relay_signal(from, signal, now())
        }
    }
    apply(inner);
}

pub(super) fn on_peer_event(inner: &Rc<Inner>, id: PeerId, event: PeerEvent) {
    match event {
        PeerEvent::Signal(signal) => send_signal(inner, id, signal),
        PeerEvent::ConnectionState(state) => {
            inner.rules.borrow_mut().connection_state(id, state, now());
            if state == ConnectionState::Connected {
                dtls_up(inner, id);
            }
            emit(inner, RoomEvent::PeerState { id, state });
            apply(inner);
        }
        PeerEvent::IceState(state) => inner.rules.borrow_mut().ice_state(id, state),
        PeerEvent::ChannelOpen(ChannelKind::Control) => {
            // Once connected, names travel in-band only.
            let name = ChannelMessage::Name {
                name: inner.options.name.clone(),
            };
            send_control(inner, id, &name);
            send_control(inner, id, &inner.media.get().message());
            inner.rules.borrow_mut().control_open(id, now());
            apply(inner);
        }
        PeerEvent::ChannelClosed(ChannelKind::Control) => {
            inner.rules.borrow_mut().control_closed(id);
            apply(inner);
        }
        PeerEvent::Message(ChannelKind::Control, message) => on_control(inner, id, message),
        PeerEvent::Message(ChannelKind::Chat, ChannelMessage::Chat(message)) => {
            // A repeated id is shown once, whatever the peer does.
            if inner.chat_filter.borrow_mut().first_time(id, &message.id) {
                emit(inner, RoomEvent::Chat { from: id, message })
            }
        }
        PeerEvent::Message(kind, _) => emit(
            inner,
            RoomEvent::Warning(format!(
                "unexpected message on the {} channel",
                kind.label()
            )),
        ),
        PeerEvent::BadMessage(kind, why) => emit(
            inner,
            RoomEvent::Warning(format!("dropped a bad {} message: {why}", kind.label())),
        ),
        PeerEvent::RemoteStream(stream) => emit(inner, RoomEvent::PeerStream { id, stream }),
        PeerEvent::IncomingChannel(channel) => {
            emit(inner, RoomEvent::IncomingChannel { from: id, channel })
        }
        PeerEvent::Error(err) => emit(inner, RoomEvent::Warning(err.to_string())),
        PeerEvent::ChannelOpen(ChannelKind::Chat) => mark_chat_open(id),
        PeerEvent::ChannelClosed(ChannelKind::Chat) => {}
    }
}

/// A message on `id`'s control channel: in-band negotiation, goodbye, name
/// and trust are the room's; everything else (file transfers) goes up.
fn on_control(inner: &Rc<Inner>, id: PeerId, message: ChannelMessage) {
    match message {
        ChannelMessage::Negotiate { data } => match Signal::decode_sealable(&data) {
            Ok(signal) => {
                if let Some(session) = inner.sessions.borrow().get(&id).cloned() {
                    session.handle_signal(signal);
                }
            }
            Err(err) => emit(
                inner,
                RoomEvent::Warning(format!("bad in-band signal: {err}")),
            ),
        },
        ChannelMessage::Bye => {
            inner.rules.borrow_mut().goodbye(id);
            apply(inner);
        }
        ChannelMessage::Name { name } => {
            inner.rules.borrow_mut().named_in_band(id, name);
            apply(inner);
        }
        ChannelMessage::Media { mic, cam } => {
            let state = MediaState { mic, cam };
            emit(inner, RoomEvent::PeerMedia { id, state })
        }
        message if trust::is_trust(&message) => {
            match trust::decode(message) {
                Some(message) => inner.rules.borrow_mut().trust_message(id, message),
                None => emit(
                    inner,
                    RoomEvent::Warning("a malformed trust message".into()),
                ),
            }
            apply(inner);
        }
        message => emit(inner, RoomEvent::Control { from: id, message }),
    }
}

/// A Performance API mark: how long joining took, for benchmarks and for
/// anyone profiling in devtools.
fn mark_chat_open(id: PeerId) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        // A failed mark only loses a measurement.
        let _ = performance.mark(&format!("peerlink:chat-open:{id}"));
    }
}

/// Our session produced a description or candidate for `to`.
fn send_signal(inner: &Inner, to: PeerId, signal: Signal) {
    if inner.rules.borrow().route(to) == Route::InBand {
        let session = inner.sessions.borrow().get(&to).cloned();
        let message = ChannelMessage::Negotiate {
            data: signal.encode_sealable(),
        };
        if session.is_some_and(|s| s.send(ChannelKind::Control, &message).is_ok()) {
            return;
        }
    }
    if let Some(presence) = inner.presence.borrow().as_ref() {
        presence.send(to, signal);
    }
}

/// Carries out everything the rules decided, then re-arms the deadline timer.
pub(super) fn apply(inner: &Rc<Inner>) {
    loop {
        let action = inner.rules.borrow_mut().poll_action();
        let Some(action) = action else { break };
        match action {
            RoomAction::OpenSession { id, name, role } => open_session(inner, id, name, role),
            RoomAction::CloseSession(id) => {
                let session = inner.sessions.borrow_mut().remove(&id);
                if session.is_some() {
                    drop(session);
                    emit(inner, RoomEvent::PeerLeft(id));
                }
            }
            RoomAction::Deliver { to, signal } => {
                let session = inner.sessions.borrow().get(&to).cloned();
                if let Some(session) = session {
                    session.handle_signal(signal);
                }
            }
            RoomAction::Forget(id) => with_presence(inner, |p| p.forget(id)),
            RoomAction::MarkConnected(id) => with_presence(inner, |p| p.set_connected(id, true)),
            RoomAction::Renamed { id, name } => emit(inner, RoomEvent::PeerRenamed { id, name }),
            RoomAction::RoomFull => emit(inner, RoomEvent::RoomFull),
            RoomAction::SendTrust { to, message } => {
                send_control(inner, to, &trust::encode(message))
            }
            RoomAction::Verified(id) => emit(inner, RoomEvent::PeerVerified(id)),
            RoomAction::Intercepted { id, .. } => emit(inner, RoomEvent::Intercepted(id)),
            RoomAction::Code { id, code } => emit(inner, RoomEvent::PeerCode { id, code }),
            RoomAction::GaveUp(id) => gave_up(inner, id),
            RoomAction::CodeFailed(id) => emit(
                inner,
                RoomEvent::Warning(format!("{} broke the code exchange", id.short())),
            ),
        }
    }
    arm_timer(inner);
}

/// The session never connected (or never recovered): name the step.
fn gave_up(inner: &Inner, id: PeerId) {
    let session = inner.sessions.borrow().get(&id).cloned();
    let relay_open = inner
        .presence
        .borrow()
        .as_ref()
        .is_some_and(|p| p.relay_state() == crate::signaling::RelayState::Open);
    if let Some(session) = session {
        let failure = peerlink_core::diagnose(&session.connect_facts(relay_open));
        emit(inner, RoomEvent::ConnectFailed { id, failure });
    }
}

/// DTLS is up: hand the applied fingerprints to the trust rules.
fn dtls_up(inner: &Rc<Inner>, id: PeerId) {
    let session = inner.sessions.borrow().get(&id).cloned();
    if let Some(session) = session {
        let (local, remote) = session.fingerprints();
        inner.rules.borrow_mut().dtls_up(id, local, remote, now());
    }
}

/// A closed control channel means the session is ending anyway: logged.
fn send_control(inner: &Inner, to: PeerId, message: &ChannelMessage) {
    let session = inner.sessions.borrow().get(&to).cloned();
    if let Some(session) = session {
        if let Err(err) = session.send(ChannelKind::Control, message) {
            emit(inner, RoomEvent::Warning(err.to_string()));
        }
    }
}

fn with_presence(inner: &Inner, f: impl FnOnce(&crate::signaling::Presence)) {
    if let Some(presence) = inner.presence.borrow().as_ref() {
        f(presence);
    }
}

fn open_session(inner: &Rc<Inner>, id: PeerId, name: String, role: Role) {
    let weak = Rc::downgrade(inner);
    let config = PeerConfig {
        ice: inner.options.ice.clone(),
        role,
    };
    let tracks = inner.local_tracks.borrow().clone();
    let session = PeerSession::new(config, tracks, move |event| {
        if let Some(inner) = weak.upgrade() {
            on_peer_event(&inner, id, event);
        }
    });
    match session {
        Ok(session) => {
            inner.sessions.borrow_mut().insert(id, Rc::new(session));
            emit(inner, RoomEvent::PeerJoined { id, name });
        }
        Err(err) => {
            // No connection to keep: the rules drop the entry at once.
            inner.rules.borrow_mut().goodbye(id);
            emit(inner, RoomEvent::Warning(err.to_string()));
        }
    }
}

fn arm_timer(inner: &Rc<Inner>) {
    let at = inner.rules.borrow().poll_timeout();
    inner.timer.arm(at, inner, |inner| {
        inner.rules.borrow_mut().handle_timeout(now());
        apply(inner);
    });
}
