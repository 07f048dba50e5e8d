//! `use_ice`: decides the ICE servers of a call — `?ice=`, else the saved
//! setting, else the default plus the TURN credentials the relay hands out
//! (only those under the relay policy) — and its transport policy
//! (`?policy=`, else *Always relay*). It only decides; it must not touch
//! peer connections (`use_room` takes the decision).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::use_ice_setting::{saved_always_relay, saved_ice};
use crate::rtc::{fetch_turn, IceConfig, IceError};
use peerlink_core::IcePolicy;

#[derive(Clone, Copy)]
pub struct UseIceReturn {
    /// `Some` once decided.
    pub config: RwSignal<Option<IceConfig>>,
    /// A configured list that did not parse (the default is used instead).
    pub error: RwSignal<Option<IceError>>,
}

/// `from_url` is `?ice=`, `policy` `?policy=`; `relay` the relay's
/// WebSocket URL (for `/turn`).
pub fn use_ice(from_url: Option<String>, policy: Option<IcePolicy>, relay: &str) -> UseIceReturn {
    let ice = UseIceReturn {
        config: RwSignal::new(None),
        error: RwSignal::new(None),
    };
    let policy = IcePolicy::decide(policy, saved_always_relay());
    let default = move || IceConfig {
        policy,
        ..if policy.wants_stun() {
            IceConfig::default_public()
        } else {
            IceConfig::host_only()
        }
    };
    match from_url
        .or_else(saved_ice)
        .map(|json| IceConfig::parse(&json))
    {
        Some(Ok(config)) => ice.config.set(Some(IceConfig { policy, ..config })),
        Some(Err(err)) => {
            ice.error.set(Some(err));
            ice.config.set(Some(default()));
        }
        None => {
            let relay = relay.to_string();
            spawn_local(async move {
                let mut config = default();
                if let Some(turn) = fetch_turn(&relay).await {
                    config.servers.extend(turn.servers);
                }
                ice.config.try_set(Some(config));
            });
        }
    }
    ice
}
