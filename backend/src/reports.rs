//! The report aggregate: services (`service`) over storage (`store`); citizens' submissions (`intake`) and the
//! duplicate suggestions shown before them (`duplicates`);
//! the back office's work (`work`, `inbox`, and `sight`: which reports staff may open, in SQL), the public
//! conversation (`conversation`) and who is told (`notify`).

pub mod browse;
pub mod conversation;
pub mod duplicates;
pub mod inbox;
pub mod intake;
pub mod notify;
pub mod service;
pub mod sight;
pub mod store;
pub mod work;

pub use service::{VIEWPORT_LIMIT, get_by_code, of_reporter, viewport};
