//! End-to-end tests: real browsers, the release build, the real relay,
//! driven only through the data-testid contract in docs/architecture.md.

mod call;
mod cross_browser;
mod files;
mod files_more;
mod lobby;
mod pwa;
mod rejoin;
mod resume;
mod trust;
mod turn;
mod ui;
