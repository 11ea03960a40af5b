//! `/lingua/{tag}?ritorno=/path`: remembers the chosen language in a cookie and goes back. A plain link, so the
//! switch works without JavaScript.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use shared::Locale;

use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/lingua/{tag}", get(switch))
}

#[derive(Deserialize)]
struct Back {
    ritorno: Option<String>,
}

/// Only same-site paths: never an open redirect.
fn safe_back(back: Option<&str>) -> &str {
    match back {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/",
    }
}

async fn switch(Path(tag): Path<String>, Query(back): Query<Back>) -> Response {
    let Some(locale) = Locale::from_tag(&tag) else {
        return (StatusCode::NOT_FOUND, "unknown language / lingua sconosciuta").into_response();
    };
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        Locale::COOKIE,
        locale.tag()
    );
    let location = safe_back(back.ritorno.as_deref());
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let (Ok(cookie), Ok(location)) = (HeaderValue::from_str(&cookie), HeaderValue::from_str(location)) {
        res.headers_mut().insert(header::SET_COOKIE, cookie);
        res.headers_mut().insert(header::LOCATION, location);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn no_open_redirects() {
        assert_eq!(
            safe_back(Some("/segnalazioni/SEG-2026-000001")),
            "/segnalazioni/SEG-2026-000001"
        );
        assert_eq!(safe_back(Some("//evil.example")), "/");
        assert_eq!(safe_back(Some("https://evil.example")), "/");
        assert_eq!(safe_back(Some("/\\evil.example")), "/");
        assert_eq!(safe_back(None), "/");
    }
}
