//! Pieces shared by the pages.

pub mod header;
pub mod place_picker;
pub mod report_map;
pub mod state_badge;
