//! The report aggregate: services (`service`) over storage (`store`).

pub mod service;
pub mod store;

pub use service::{VIEWPORT_LIMIT, get_by_code, of_reporter, viewport};
