//! The server over HTTP, against its own fresh database per test.

mod accounts;
mod admin;
mod helpers;
mod intake;
mod mail;
mod map;
mod oidc;
mod pages;
mod refusals;
mod reports;
mod resilience;
mod second_factor;
mod server_fns;
mod site;
mod stats;
mod visibility;
mod work;
