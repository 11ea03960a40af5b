//! The Segnala server: configuration, startup and the HTTP doors. No business rules live here: handlers
//! extract, call one `backend` service, and map the result.

pub mod config;
pub mod http;
pub mod startup;
pub mod telemetry;

pub use config::Config;
pub use startup::{Application, build_router};
