//! One module per page (or family of pages).

#[cfg(any(feature = "ssr", feature = "pages"))]
pub mod account;
#[cfg(any(feature = "ssr", feature = "pages"))]
pub mod admin;
#[cfg(any(feature = "ssr", feature = "pages"))]
pub mod admin_sections;
pub mod list;
pub mod map;
pub mod new_report;
pub mod not_found;
#[cfg(any(feature = "ssr", feature = "pages"))]
pub mod office;
pub mod receipt;
pub mod report;
#[cfg(any(feature = "ssr", feature = "pages"))]
pub mod site;
#[cfg(any(feature = "ssr", feature = "pages"))]
pub mod transparency;
