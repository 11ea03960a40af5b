//! Every refusal in the app's own shape, in the visitor's language: JSON (`{"code", "message", "field"?,
//! "rule"?}`) for API clients, a small page for browsers (its `role="alert"` box carries `data-code`).
//!
//! Doors and extractors answer a [`Refusal`] (or an `ApiError`, which carries one); the [`shape`] middleware
//! writes it for whoever asked — a browser (it accepts `text/html`) gets the page, anyone else the JSON. The same
//! middleware catches what the framework answers by itself (an unknown method, a body the router's limit
//! refused), so its English text and Rust type names never reach anyone, whichever door is added next.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shared::i18n::Msg;
use shared::{ErrorCode, Locale, ValidationError};

use super::locale::{api_locale, page_locale};
use crate::state::AppState;

/// A refused request: its code, and the field and rule when it is about one.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub validation: Option<ValidationError>,
    /// For a rate limit: when to try again (also sent as `Retry-After`).
    pub retry_after: Option<u64>,
    /// Where the page's link leads (the form that was refused); the map otherwise.
    pub back: Option<String>,
}

impl Refusal {
    pub fn code(code: ErrorCode) -> Self {
        Self {
            code,
            validation: None,
            retry_after: None,
            back: None,
        }
    }

    /// The refusal of a service error (logging is the caller's: `ApiError` does it).
    pub fn of(e: &backend::Error) -> Self {
        Self {
            code: e.code(),
            validation: e.validation(),
            retry_after: e.retry_after(),
            back: None,
        }
    }

    /// Too many requests from this address: try again in `secs`; the page links back to `form`.
    pub fn too_many(secs: u64, form: &str) -> Self {
        Self {
            retry_after: Some(secs),
            back: Some(form.to_owned()),
            ..Self::code(ErrorCode::RateLimited)
        }
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST)
    }

    /// A sentence for people: the field and rule when there are, else the code's.
    pub fn message(&self, locale: Locale) -> String {
        match (&self.validation, self.retry_after) {
            (Some(v), _) => v.message(locale),
            (None, Some(secs)) if self.code == ErrorCode::RateLimited => app::error::AppError::RateLimited {
                retry_after_secs: secs,
            }
            .message(locale),
            (None, _) => self.code.message(locale).to_owned(),
        }
    }

    /// `Retry-After` when there is one.
    fn with_retry(&self, mut res: Response) -> Response {
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res.extensions_mut().insert(self.clone());
        res
    }

    /// The JSON answer.
    pub fn json(&self, locale: Locale) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            code: &'static str,
            message: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            field: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            rule: Option<&'a shared::Rule>,
        }
        let body = Body {
            code: self.code.as_str(),
            message: self.message(locale),
            field: self.validation.as_ref().map(|v| v.field.name()),
            rule: self.validation.as_ref().map(|v| &v.rule),
        };
        self.with_retry((self.status(), axum::Json(body)).into_response())
    }

    /// The page for a browser.
    pub fn page(&self, locale: Locale, css: &str) -> Response {
        let esc = shared::html::escape_html;
        let title = if self.code == ErrorCode::NotFound {
            Msg::NotFoundTitle.text(locale)
        } else {
            Msg::ErrorTitle.text(locale)
        };
        let html = format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
             content=\"width=device-width, initial-scale=1\"><title>{title} · {app}</title><link rel=\"stylesheet\" \
             href=\"{css}\"></head><body><main class=\"page narrow\" id=\"contenuto\"><h1>{title}</h1>\
             <div class=\"error-box\" role=\"alert\" data-code=\"{code}\"><p>{message}</p></div>\
             <p><a href=\"{href}\">{back}</a></p></main></body></html>",
            lang = locale.tag(),
            title = esc(title),
            app = esc(Msg::AppName.text(locale)),
            css = esc(css),
            code = self.code.as_str(),
            message = esc(&self.message(locale)),
            href = esc(self.back.as_deref().unwrap_or("/")),
            back = esc(if self.back.is_some() {
                Msg::BackToForm.text(locale)
            } else {
                Msg::BackToMap.text(locale)
            }),
        );
        self.with_retry((self.status(), axum::response::Html(html)).into_response())
    }
}

/// Written by [`shape`] for whoever asked; this JSON is what a caller without the middleware would see.
impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        self.json(Locale::default())
    }
}

/// Whether the request comes from a browser page (navigation or form post), which is answered with a page.
/// `/api/` is for programs (and the app's own `#[server]` fns), whatever they accept.
pub fn wants_page(path: &str, headers: &HeaderMap) -> bool {
    !path.starts_with("/api/")
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
}

/// The refusal the framework meant by an answer it wrote itself: an error status with plain text (or nothing) as
/// its body. `#[server]` fns' errors are the app's own (their `AppError`, marked by a header) and pass.
fn framework_refusal(res: &Response) -> Option<Refusal> {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    if res.headers().contains_key("serverfnerror") {
        return None;
    }
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|t| t.starts_with("text/plain"));
    if !plain {
        return None;
    }
    let code = match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::RateLimited,
        StatusCode::SERVICE_UNAVAILABLE => ErrorCode::ServiceUnavailable,
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::InvalidInput,
    };
    Some(Refusal::code(code))
}

/// Middleware: refusals written for whoever asked, in their language (pages: the language cookie; API: `?lang`,
/// the cookie, `Accept-Language`). The refused answer's own headers (`Retry-After`, `Allow`, cookies) stay.
pub async fn shape(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let page = wants_page(req.uri().path(), req.headers());
    let locale = if page {
        page_locale(req.headers())
    } else {
        api_locale(req.uri(), req.headers())
    };
    let res = next.run(req).await;
    let refusal = match res.extensions().get::<Refusal>() {
        Some(r) => Some(r.clone()),
        None => framework_refusal(&res),
    };
    let Some(refusal) = refusal else { return res };
    // Already what this caller wants (a JSON refusal to a program): as it is.
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == HeaderValue::from_static("application/json"));
    if !page && is_json {
        return res;
    }
    let mut out = if page {
        refusal.page(locale, &state.assets.css)
    } else {
        refusal.json(locale)
    };
    *out.status_mut() = res.status();
    for (name, value) in res.headers() {
        if !matches!(
            *name,
            header::CONTENT_TYPE | header::CONTENT_LENGTH | header::CONTENT_ENCODING
        ) {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out
}
