//! The UI's error type: what a `#[server]` fn or a form can fail with, so components can `match` on it.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use shared::{ErrorCode, Locale, ValidationError};

/// Errors a page can show. Never carries internal details: those stay in the server log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("invalid input: {0}")]
    Invalid(ValidationError),
    /// A request whose body could not be read (wrong field types, missing fields, random bytes).
    #[error("malformed request")]
    Malformed,
    #[error("not found")]
    NotFound,
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
    /// Too many attempts; `retry_after_secs` says for how long.
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// Any other failure with a stable code (signing in, permissions, links from emails).
    #[error("{0:?}")]
    Code(ErrorCode),
    /// The request itself failed (network down, server unreachable, bad response).
    #[error("request failed: {0}")]
    Request(String),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Invalid(_) | AppError::Malformed => ErrorCode::InvalidInput,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::Unavailable | AppError::Request(_) => ErrorCode::ServiceUnavailable,
            AppError::Internal => ErrorCode::Internal,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Code(c) => *c,
        }
    }

    /// The field the error is about, if any.
    pub fn field(&self) -> Option<shared::Field> {
        match self {
            AppError::Invalid(v) => Some(v.field),
            _ => None,
        }
    }

    /// A sentence for people in the page's language.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            AppError::Invalid(v) => v.message(locale),
            AppError::RateLimited { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                match locale {
                    Locale::It if minutes == 1 => "Troppi tentativi. Riprova tra un minuto.".into(),
                    Locale::It => format!("Troppi tentativi. Riprova tra {minutes} minuti."),
                    Locale::En if minutes == 1 => "Too many attempts. Please try again in a minute.".into(),
                    Locale::En => format!("Too many attempts. Please try again in {minutes} minutes."),
                }
            }
            other => other.code().message(locale).to_owned(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request's body or query could not be read: the client's fault, so 400, not 500.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::MissingArg(_) => {
                #[cfg(feature = "ssr")]
                set_status(400);
                AppError::Malformed
            }
            other => AppError::Request(other.to_string()),
        }
    }
}

/// Sets the status of the response being produced (a page or a `#[server]` fn's answer).
#[cfg(feature = "ssr")]
pub fn set_status(status: u16) {
    if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(status)
    {
        opts.set_status(status);
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Maps a service error at the door: logs what people must not see, and sets the HTTP status of the response
    /// (the page during server rendering, or the `#[server]` fn's own response).
    pub fn from_backend(e: backend::Error) -> Self {
        set_status(e.code().http_status());
        if let (Some(secs), Some(opts)) = (
            e.retry_after(),
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        ) {
            opts.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
        Self::classify(e)
    }

    /// The error people may see for a service error; logs what they must not (the one place that does, for
    /// pages, `#[server]` fns and form posts alike).
    pub fn classify(e: backend::Error) -> Self {
        match e {
            backend::Error::Invalid(v)
            | backend::Error::TooLarge(v)
            | backend::Error::UnsupportedMediaType(v) => AppError::Invalid(v),
            backend::Error::IdempotencyConflict => AppError::Invalid(ValidationError::new(
                shared::Field::IdempotencyKey,
                shared::Rule::KeyReused,
            )),
            backend::Error::NotFound => AppError::NotFound,
            backend::Error::RateLimited { retry_after_secs } => AppError::RateLimited { retry_after_secs },
            backend::Error::Unavailable(source) => {
                tracing::warn!(error = %source, "service unavailable");
                AppError::Unavailable
            }
            backend::Error::Internal(source) => {
                tracing::error!(error = ?source, "internal error");
                AppError::Internal
            }
            other => AppError::Code(other.code()),
        }
    }
}
