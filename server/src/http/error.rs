//! The REST API's error: a stable code, an HTTP status and a message in the caller's language. Internal
//! details go to the log, never to the client. A browser that meets one gets it as a page ([`super::refusal`]).

use axum::response::{IntoResponse, Response};
use shared::Locale;

use super::refusal::Refusal;

/// A failed call.
#[derive(Debug)]
pub struct ApiError {
    pub error: backend::Error,
    pub locale: Locale,
}

impl ApiError {
    pub fn new(error: impl Into<backend::Error>, locale: Locale) -> Self {
        Self {
            error: error.into(),
            locale,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self.error {
            backend::Error::Unavailable(source) => tracing::warn!(error = %source, "database unavailable"),
            backend::Error::Internal(source) => tracing::error!(error = ?source, "internal error"),
            _ => {}
        }
        Refusal::of(&self.error).json(self.locale)
    }
}
