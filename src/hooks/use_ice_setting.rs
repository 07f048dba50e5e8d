//! `use_ice_setting`: the ICE server list the user keeps in settings — the
//! text being edited, and saving it to local storage once it parses. It
//! must not apply the list to a running call (the next call reads it).

use leptos::prelude::*;

use crate::browser::{storage, StorageError};
use crate::rtc::{IceConfig, IceError};

/// Local storage key of the saved ICE server list.
pub const ICE_STORAGE_KEY: &str = "peerlink.ice";

/// The saved ICE server list (raw JSON), if any.
pub fn saved_ice() -> Option<String> {
    storage::load(ICE_STORAGE_KEY)
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
    pub outcome: RwSignal<Option<SaveOutcome>>,
    /// Checks and saves `text` (blank clears the setting).
    pub save: Callback<()>,
}

pub fn use_ice_setting() -> UseIceSettingReturn {
    let text = RwSignal::new(saved_ice().unwrap_or_default());
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
        let result = checked
            .and_then(|()| storage::save(ICE_STORAGE_KEY, &json).map_err(SaveOutcome::NotStored));
        outcome.set(Some(result.map_or_else(|e| e, |()| SaveOutcome::Saved)));
    });
    UseIceSettingReturn {
        text,
        outcome,
        save,
    }
}
