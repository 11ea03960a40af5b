//! The report aggregate: services (`service`) over storage (`store`); citizens' submissions (`intake`) and the
//! duplicate suggestions shown before them (`duplicates`).

pub mod duplicates;
pub mod intake;
pub mod service;
pub mod store;

pub use service::{VIEWPORT_LIMIT, get_by_code, of_reporter, viewport};
