//! The UI's error type: what a `#[server]` fn can fail with, so components can `match` on it.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use shared::{ErrorCode, Locale, ValidationError};

/// Errors a page can show. Never carries internal details: those stay in the server log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("invalid input: {0}")]
    Invalid(ValidationError),
    #[error("not found")]
    NotFound,
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
    /// The request itself failed (network down, server unreachable, bad response).
    #[error("request failed: {0}")]
    Request(String),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Invalid(_) => ErrorCode::InvalidInput,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::Unavailable | AppError::Request(_) => ErrorCode::ServiceUnavailable,
            AppError::Internal => ErrorCode::Internal,
        }
    }

    /// A sentence for people in the page's language.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            AppError::Invalid(v) => v.message(locale),
            other => other.code().message(locale).to_owned(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Maps a service error at the door: logs what people must not see, and sets the HTTP status of the response
    /// (the page during server rendering, or the `#[server]` fn's own response).
    pub fn from_backend(e: backend::Error) -> Self {
        let status = e.code().http_status();
        if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = http::StatusCode::from_u16(status)
        {
            opts.set_status(status);
        }
        match e {
            backend::Error::Invalid(v) => AppError::Invalid(v),
            backend::Error::NotFound => AppError::NotFound,
            backend::Error::Unavailable(source) => {
                tracing::warn!(error = %source, "database unavailable");
                AppError::Unavailable
            }
            backend::Error::Internal(source) => {
                tracing::error!(error = ?source, "internal error");
                AppError::Internal
            }
        }
    }
}
