//! `use_ice_setting`: the ICE server list and the *Always relay* choice the
//! user keeps in settings — the text being edited, and saving both to local
//! storage once the list parses. It must not apply them to a running call
//! (the next call reads them).

use leptos::prelude::*;

use crate::browser::{storage, StorageError};
use crate::rtc::{IceConfig, IceError};
use peerlink_core::IcePolicy;

/// Local storage key of the saved ICE server list.
pub const ICE_STORAGE_KEY: &str = "peerlink.ice";

/// Local storage key of *Always relay* (`relay` when on; absent when off).
pub const ICE_POLICY_STORAGE_KEY: &str = "peerlink.ice.policy";

/// The saved ICE server list (raw JSON), if any.
pub fn saved_ice() -> Option<String> {
    storage::load(ICE_STORAGE_KEY)
}

/// True when *Always relay* is saved on.
pub fn saved_always_relay() -> bool {
    storage::load(ICE_POLICY_STORAGE_KEY)
        .and_then(|text| IcePolicy::parse(&text))
        .is_some_and(IcePolicy::relay_only)
}

/// The outcome of the last save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved,
    Invalid(IceError),
    NotStored(StorageError),
}

#[derive(Clone, Copy)]
pub struct UseIceSettingReturn {
    /// The list as the user is editing it.
    pub text: RwSignal<String>,
    /// *Always relay*: TURN candidates only (`iceTransportPolicy: "relay"`).
    pub always_relay: RwSignal<bool>,
    pub outcome: RwSignal<Option<SaveOutcome>>,
    /// Checks and saves `text` (blank clears the setting).
    pub save: Callback<()>,
}

pub fn use_ice_setting() -> UseIceSettingReturn {
    let text = RwSignal::new(saved_ice().unwrap_or_default());
    let always_relay = RwSignal::new(saved_always_relay());
    let outcome = RwSignal::new(None);
    let save = Callback::new(move |()| {
        let json = text.get_untracked();
        let checked = if json.trim().is_empty() {
            Ok(())
        } else {
            IceConfig::parse(&json)
                .map(drop)
                .map_err(SaveOutcome::Invalid)
        };
        let policy = if always_relay.get_untracked() {
            IcePolicy::Relay.as_str()
        } else {
            ""
        };
        let result = checked.and_then(|()| {
            storage::save(ICE_STORAGE_KEY, &json)
                .and_then(|()| storage::save(ICE_POLICY_STORAGE_KEY, policy))
                .map_err(SaveOutcome::NotStored)
        });
        outcome.set(Some(result.map_or_else(|e| e, |()| SaveOutcome::Saved)));
    });
    UseIceSettingReturn {
        text,
        always_relay,
        outcome,
        save,
    }
}
