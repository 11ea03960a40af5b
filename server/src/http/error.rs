//! The REST API's error: a stable code, an HTTP status and a message in the caller's language. Internal
//! details go to the log, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shared::Locale;

/// A failed API call.
#[derive(Debug)]
pub struct ApiError {
    pub error: backend::Error,
    pub locale: Locale,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a shared::Rule>,
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
        let code = self.error.code();
        let status = StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let validation = self.error.validation();
        let (message, field, rule) = match (&self.error, &validation) {
            (_, Some(v)) => (v.message(self.locale), Some(v.field.name()), Some(&v.rule)),
            (backend::Error::Unavailable(source), _) => {
                tracing::warn!(error = %source, "database unavailable");
                (code.message(self.locale).to_owned(), None, None)
            }
            (backend::Error::Internal(source), _) => {
                tracing::error!(error = ?source, "internal error");
                (code.message(self.locale).to_owned(), None, None)
            }
            _ => (code.message(self.locale).to_owned(), None, None),
        };
        let body = Body {
            code: code.as_str(),
            message,
            field,
            rule,
        };
        let mut res = (status, Json(body)).into_response();
        if let Some(secs) = self.error.retry_after() {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        res
    }
}
