//! Reads for the back office's pages. The writes are form posts to the server (`server::http::work`), so they
//! work without WASM; these fns fetch what the pages show, with the viewer the server resolved.

use leptos::prelude::*;
use shared::report::work::{AuditPage, InboxPage, InboxQuery, WorkView};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::reports::state;

#[cfg(feature = "ssr")]
fn viewer() -> Option<shared::Viewer> {
    crate::auth::authenticated().map(|a| a.viewer)
}

/// A page of the signed-in person's inbox.
#[server(endpoint = "inbox")]
pub async fn get_inbox(query: InboxQuery) -> Result<InboxPage, AppError> {
    backend::reports::inbox::inbox(&state()?, viewer().as_ref(), &query)
        .await
        .map_err(AppError::from_backend)
}

/// The staff page of a report.
#[server(endpoint = "work")]
pub async fn get_work(code: String) -> Result<WorkView, AppError> {
    backend::reports::work::view(&state()?, viewer().as_ref(), &code)
        .await
        .map_err(AppError::from_backend)
}

/// A page of the audit log (administrators).
#[server(endpoint = "audit")]
pub async fn get_audit(report: Option<String>, before: Option<i64>) -> Result<AuditPage, AppError> {
    backend::audit::page(&state()?, viewer().as_ref(), report.as_deref(), before)
        .await
        .map_err(AppError::from_backend)
}

/// The administration page (administrators).
#[server(endpoint = "admin")]
pub async fn get_admin() -> Result<shared::admin::AdminOverview, AppError> {
    backend::admin::overview(&state()?, viewer().as_ref())
        .await
        .map_err(AppError::from_backend)
}

/// Comments reported as abusive (moderators, the URP, administrators).
#[server(endpoint = "reported_comments")]
pub async fn get_reported_comments() -> Result<Vec<shared::report::work::ReportedComment>, AppError> {
    backend::reports::conversation::reported_comments(&state()?, viewer().as_ref())
        .await
        .map_err(AppError::from_backend)
}
