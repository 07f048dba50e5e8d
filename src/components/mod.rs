//! View components: one file per part of the UI. They render signals and
//! raise callbacks; they own no browser resources themselves.

mod call;
mod language_switch;
mod lobby;

pub use call::CallView;
pub use language_switch::LanguageSwitch;
pub use lobby::Lobby;
