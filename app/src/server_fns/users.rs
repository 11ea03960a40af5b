//! Reads for the account pages. The writes are plain form posts to the server (`server::http::accounts`), so
//! they work without WASM; these fns only fetch what the pages show, with the viewer the server resolved.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::mail::NotificationKind;
use shared::user::MyPage;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::reports::state;

/// The signed-in person's page.
#[server(endpoint = "my_page")]
pub async fn get_my_page() -> Result<MyPage, AppError> {
    let auth = crate::auth::authenticated();
    backend::users::my_page(&state()?, auth.as_ref())
        .await
        .map_err(AppError::from_backend)
}

/// Whether a link from an email can still be used, and for which address (masked): `reset` for password
/// resets, else account confirmations. Opening the page does not use the link up.
#[server(endpoint = "link_status")]
pub async fn get_link_status(reset: bool, token: String) -> Result<String, AppError> {
    backend::users::peek_link(&state()?, reset, &token)
        .await
        .map_err(AppError::from_backend)
}

/// What an unsubscribe link turns off: the masked address, and the notification (`None`: every optional one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unsubscription {
    pub email: String,
    pub kind: Option<NotificationKind>,
}

#[server(endpoint = "unsubscribe_link")]
pub async fn get_unsubscribe(token: String) -> Result<Unsubscription, AppError> {
    let (email, scope) = backend::mail::read_unsubscribe(&state()?, &token)
        .await
        .map_err(AppError::from_backend)?;
    Ok(Unsubscription {
        email: shared::user::Email::parse(&email)
            .map(|e| e.masked())
            .unwrap_or_default(),
        kind: match scope {
            backend::mail::Scope::All => None,
            backend::mail::Scope::One(k) => Some(k),
        },
    })
}
