//! Pieces shared by the pages.

pub mod cluster_map;
pub mod filter_form;
pub mod footer;
pub mod header;
pub mod place_picker;
pub mod report_list;
pub mod report_map;
pub mod state_badge;
