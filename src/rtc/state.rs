//! The one place where the browser's state enums become `peerlink_core`'s:
//! connection, ICE and signaling states are read from web-sys bindings and
//! mapped here, and travel typed everywhere above.

use peerlink_core::{ConnectionState, IceConnectionState, SignalingState};
use web_sys::{
    RtcIceConnectionState, RtcPeerConnection, RtcPeerConnectionState, RtcSignalingState,
};

pub fn connection_state(pc: &RtcPeerConnection) -> ConnectionState {
    match pc.connection_state() {
        RtcPeerConnectionState::New => ConnectionState::New,
        RtcPeerConnectionState::Connecting => ConnectionState::Connecting,
        RtcPeerConnectionState::Connected => ConnectionState::Connected,
        RtcPeerConnectionState::Disconnected => ConnectionState::Disconnected,
        RtcPeerConnectionState::Failed => ConnectionState::Failed,
        _ => ConnectionState::Closed,
    }
}

pub fn ice_connection_state(pc: &RtcPeerConnection) -> IceConnectionState {
    match pc.ice_connection_state() {
        RtcIceConnectionState::New => IceConnectionState::New,
        RtcIceConnectionState::Checking => IceConnectionState::Checking,
        RtcIceConnectionState::Connected => IceConnectionState::Connected,
        RtcIceConnectionState::Completed => IceConnectionState::Completed,
        RtcIceConnectionState::Disconnected => IceConnectionState::Disconnected,
        RtcIceConnectionState::Failed => IceConnectionState::Failed,
        _ => IceConnectionState::Closed,
    }
}

pub fn signaling_state(pc: &RtcPeerConnection) -> SignalingState {
    match pc.signaling_state() {
        RtcSignalingState::Stable => SignalingState::Stable,
        RtcSignalingState::HaveLocalOffer => SignalingState::HaveLocalOffer,
        RtcSignalingState::HaveRemoteOffer => SignalingState::HaveRemoteOffer,
        RtcSignalingState::HaveLocalPranswer => SignalingState::HaveLocalPranswer,
        RtcSignalingState::HaveRemotePranswer => SignalingState::HaveRemotePranswer,
        _ => SignalingState::Closed,
    }
}
