//! The server over HTTP, against its own fresh database per test.

mod helpers;
mod pages;
mod reports;
mod resilience;
