//! The development mailbox (administrators): the outbox, page by page, and one message in full.

use leptos::prelude::*;
use shared::mail::{MailDetail, MailPage};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::reports::state;

/// Whether the server sends mail (SMTP configured), provided as context by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmtpConfigured(pub bool);

/// A page of the outbox, newest first, before the message `before` (keyset paging).
#[server(endpoint = "mailbox")]
pub async fn get_mailbox(before: Option<i64>) -> Result<MailPage, AppError> {
    let auth = crate::auth::authenticated();
    let smtp = use_context::<SmtpConfigured>().is_some_and(|s| s.0);
    backend::mail::mailbox(
        &state()?,
        auth.as_ref().map(|a| &a.viewer),
        before.map(shared::MailId),
        50,
        smtp,
    )
    .await
    .map_err(AppError::from_backend)
}

/// One message of the outbox.
#[server(endpoint = "mailbox_message")]
pub async fn get_mail(id: i64) -> Result<MailDetail, AppError> {
    let auth = crate::auth::authenticated();
    backend::mail::mailbox_message(&state()?, auth.as_ref().map(|a| &a.viewer), shared::MailId(id))
        .await
        .map_err(AppError::from_backend)
}
