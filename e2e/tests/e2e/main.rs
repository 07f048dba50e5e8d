//! End-to-end tests: real browsers, the release build, the real relay,
//! driven only through the data-testid contract in docs/architecture.md.

mod call;
mod files;
mod lobby;
mod rejoin;
mod trust;
mod ui;
