//! `#[server]` fns: the browser's doors into `backend`. Each extracts, calls one service, maps the result.

pub mod reports;
