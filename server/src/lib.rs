//! The Segnala server: configuration, startup and the HTTP doors. No business rules live here: handlers
//! extract, call one `backend` service, and map the result.
// Leptos views are deeply nested types; the report page passes the compiler's default depth.
#![recursion_limit = "256"]

pub mod config;
pub mod http;
pub mod limits;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use config::Config;
pub use startup::{Application, build_router};
