//! One module per page.

pub mod map;
pub mod not_found;
pub mod report;
