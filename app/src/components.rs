//! Pieces shared by the pages.

pub mod header;
pub mod report_map;
pub mod state_badge;
