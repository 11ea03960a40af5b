//! Cross-site request forgery protection for every state-changing request (docs/security.md).
//!
//! Two layers: the session cookie is `SameSite=Lax`, so browsers do not send it with another site's POSTs; and
//! this middleware refuses any non-GET request whose `Origin` (or, failing that, `Referer`) is not this site.
//! A request with neither header is let through only when it carries no session cookie: that is a script or an
//! API client, which has no ambient authority a forged request could borrow. Browsers always send `Origin` on
//! POSTs. One-click unsubscribe posts (RFC 8058) come from mail providers' servers and are authorised by their
//! signed link alone, so they are exempt.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;
use shared::ErrorCode;

use super::locale::api_locale;
use super::refusal::Refusal;
use super::session::cookie;
use crate::state::AppState;

/// The `scheme://host[:port]` of a URL (an `Origin` is already one).
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// Whether `origin` is this site: the configured public address, or the address the request was sent to.
fn is_same_site(origin: &str, public_origin: &str, host: Option<&str>) -> bool {
    let Some(o) = origin_of(origin) else {
        return false;
    };
    o == public_origin.to_ascii_lowercase()
        || host.is_some_and(|h| {
            o.split_once("://")
                .is_some_and(|(_, oh)| oh == h.to_ascii_lowercase())
        })
}

pub async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.uri().path().starts_with("/disiscrizione/")
    {
        return next.run(req).await;
    }
    let headers = req.headers();
    let header_str = |name| {
        headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
    };
    let claimed = header_str(header::ORIGIN).or_else(|| header_str(header::REFERER));
    let host = header_str(header::HOST);
    let allowed = match claimed {
        Some(o) => is_same_site(o, &state.config.public_origin(), host),
        None => cookie(headers, backend::users::sessions::COOKIE).is_none(),
    };
    if allowed {
        return next.run(req).await;
    }
    tracing::warn!(origin = ?claimed, path = %req.uri().path(), "cross-site request refused");
    Refusal::code(ErrorCode::CrossOrigin).json(api_locale(req.uri(), headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let public = "https://segnala.comune.padova.it";
        assert!(is_same_site("https://segnala.comune.padova.it", public, None));
        assert!(
            is_same_site("https://segnala.comune.padova.it/la-mia-pagina?x=1", public, None),
            "a Referer"
        );
        assert!(!is_same_site("https://evil.example", public, None));
        assert!(!is_same_site(
            "https://segnala.comune.padova.it.evil.example",
            public,
            None
        ));
        assert!(!is_same_site("null", public, None));
        assert!(
            is_same_site("http://127.0.0.1:4000", public, Some("127.0.0.1:4000")),
            "the Host it was sent to"
        );
        assert!(!is_same_site(
            "http://127.0.0.1:4001",
            public,
            Some("127.0.0.1:4000")
        ));
    }
}
