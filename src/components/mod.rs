//! View components: one file per part of the UI. They render signals and
//! raise callbacks; they own no browser resources and do no I/O themselves.

mod call;
mod chat;
mod controls;
mod files;
mod icons;
mod language_switch;
mod lobby;
mod peer_tile;
mod self_view;
pub mod settings;
mod share;
mod side_panel;
mod video_tile;

pub use call::CallView;
pub use chat::ChatPanel;
pub use controls::Controls;
pub use files::FilesPanel;
pub use icons::{Icon, IconSvg};
pub use language_switch::LanguageSwitch;
pub use lobby::Lobby;
pub use peer_tile::PeerTile;
pub use self_view::SelfView;
pub use settings::Settings;
pub use share::{SharePanel, SharedFiles};
pub use side_panel::SidePanel;
pub use video_tile::VideoTile;
