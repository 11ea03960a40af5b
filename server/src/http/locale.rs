//! The visitor's language: for pages, their choice (the language cookie); for API answers, `?lang=`, the cookie
//! or `Accept-Language`. Read by the doors, and by the refusals, which answer in it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use shared::Locale;

/// The language of the pages: the visitor's choice (the language cookie), else Italian.
pub fn page_locale(headers: &HeaderMap) -> Locale {
    page_locale_choice(headers).unwrap_or_default()
}

/// The language cookie's choice, if the visitor made one.
fn page_locale_choice(headers: &HeaderMap) -> Option<Locale> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(Locale::from_cookie)
}

/// The language of an API answer: `?lang=en`, else the language cookie, else `Accept-Language`, else Italian.
pub fn api_locale(uri: &Uri, headers: &HeaderMap) -> Locale {
    let from_query = uri.query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Locale::from_tag(v))
    });
    let from_cookie = page_locale_choice(headers);
    let from_accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|tag| Locale::from_tag(tag.split(';').next().unwrap_or_default()))
        });
    from_query.or(from_cookie).or(from_accept).unwrap_or_default()
}

/// The caller's language for an API answer ([`api_locale`]).
pub struct ApiLocale(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for ApiLocale {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiLocale(api_locale(&parts.uri, &parts.headers)))
    }
}
