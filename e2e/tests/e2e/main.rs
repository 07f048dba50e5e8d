//! End-to-end tests: real browsers, the release build, the real relay,
//! driven only through the data-testid contract of DESIGN.md §6.

mod call;
mod files;
mod lobby;
