//! `#[server]` fns: the browser's doors into `backend`. Each extracts, calls one service, maps the result.

pub mod mail;
pub mod reports;
pub mod site;
pub mod stats;
pub mod users;
pub mod work;
