//! Carries out what `peerlink_core::Negotiation` decides, one operation at a
//! time, on the session's `RTCPeerConnection`, and reports each result back.
//! It decides nothing itself: every rule is in core/src/negotiation.rs.

use std::rc::Rc;

use peerlink_core::{NegotiationAction, NegotiationError};
use peerlink_protocol::{CandidateBody, DescriptionBody, SdpKind};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{RtcIceCandidateInit, RtcSdpType, RtcSessionDescriptionInit};

use super::{emit, start, Inner, PeerEvent};
use crate::browser::js_error_name;
use crate::rtc::{js, state, PeerError};

/// Runs the action loop unless it is running already; it stops when the
/// core has nothing more to do and starts again on the next event.
pub(super) fn drive(inner: &Rc<Inner>) {
    if inner.driving.replace(true) {
        return;
    }
    let inner = inner.clone();
    spawn_local(async move {
        loop {
            if inner.closed.get() {
                break;
            }
            let action = inner.negotiation.borrow_mut().poll_action();
            let Some(action) = action else { break };
            run(&inner, action).await;
        }
        inner.driving.set(false);
    });
}

async fn run(inner: &Rc<Inner>, action: NegotiationAction) {
    match action {
        NegotiationAction::Start => start(inner),
        NegotiationAction::SetLocalDescription => {
            let result = set_local_description(inner).await;
            let signaling = state::signaling_state(&inner.pc);
            inner
                .negotiation
                .borrow_mut()
                .local_description_set(result, signaling);
        }
        NegotiationAction::SetRemoteDescription(description) => {
            let result = set_remote_description(inner, &description).await;
            let signaling = state::signaling_state(&inner.pc);
            inner
                .negotiation
                .borrow_mut()
                .remote_description_set(result, signaling);
        }
        NegotiationAction::AddCandidate(candidate) => {
            let result = add_candidate(inner, &candidate).await;
            inner.negotiation.borrow_mut().candidate_added(result);
        }
        NegotiationAction::Send(signal) => emit(inner, PeerEvent::Signal(signal)),
        NegotiationAction::Report(error) => emit(inner, PeerEvent::Error(peer_error(error))),
    }
}

fn peer_error(error: NegotiationError) -> PeerError {
    match error {
        NegotiationError::SetLocalDescription(name) => PeerError::SetLocalDescription(name),
        NegotiationError::SetRemoteDescription(name) => PeerError::SetRemoteDescription(name),
        NegotiationError::AddCandidate(name) => PeerError::AddCandidate(name),
    }
}

/// Argument-less setLocalDescription (the right offer or answer for the
/// state, rollback-safe); returns the description to send.
async fn set_local_description(inner: &Inner) -> Result<Option<DescriptionBody>, String> {
    js::call0(&inner.pc, "setLocalDescription")
        .await
        .map_err(|e| js_error_name(&e))?;
    let Some(description) = inner.pc.local_description() else {
        return Ok(None);
    };
    let kind = match description.type_() {
        RtcSdpType::Offer => SdpKind::Offer,
        RtcSdpType::Answer => SdpKind::Answer,
        _ => return Ok(None),
    };
    Ok(Some(DescriptionBody {
        kind,
        sdp: description.sdp(),
    }))
}

/// On an offer collision (polite side) this implicitly rolls back our own
/// offer first.
async fn set_remote_description(
    inner: &Inner,
    description: &DescriptionBody,
) -> Result<(), String> {
    let init = RtcSessionDescriptionInit::new(match description.kind {
        SdpKind::Offer => RtcSdpType::Offer,
        SdpKind::Answer => RtcSdpType::Answer,
    });
    init.set_sdp(&description.sdp);
    JsFuture::from(inner.pc.set_remote_description(&init))
        .await
        .map(drop)
        .map_err(|e| js_error_name(&e))
}

async fn add_candidate(inner: &Inner, body: &CandidateBody) -> Result<(), String> {
    let init = RtcIceCandidateInit::new(body.candidate.as_deref().unwrap_or(""));
    init.set_sdp_mid(body.sdp_mid.as_deref());
    init.set_sdp_m_line_index(body.sdp_m_line_index);
    if let Some(ufrag) = &body.username_fragment {
        // web-sys does not bind `usernameFragment` on the init dictionary.
        let _ = js_sys::Reflect::set(&init, &"usernameFragment".into(), &ufrag.into());
    }
    if body.candidate.is_none() && body.sdp_mid.is_none() && body.sdp_m_line_index.is_none() {
        // End of candidates: an empty candidate needs an m-line to name.
        init.set_sdp_m_line_index(Some(0));
    }
    let promise = inner
        .pc
        .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init));
    JsFuture::from(promise)
        .await
        .map(drop)
        .map_err(|e| js_error_name(&e))
}
