//! `/lingua/{tag}?ritorno=/path`: remembers the chosen language in a cookie and goes back. A plain link, so the
//! switch works without JavaScript.

use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::{ErrorCode, Field, Locale};

use super::doors::Doors;
use super::extract::{Path, one, query_pairs};
use super::refusal::Refusal;

pub fn doors() -> Doors {
    Doors::new().get("/lingua/{tag}", switch)
}

/// Only same-site paths: never an open redirect.
fn safe_back(back: Option<&str>) -> &str {
    back.and_then(shared::url::local_path).unwrap_or("/")
}

async fn switch(Path(tag): Path<String>, parts: Parts) -> Response {
    let Some(locale) = Locale::from_tag(&tag) else {
        return Refusal::code(ErrorCode::NotFound).into_response();
    };
    let pairs = query_pairs(&parts);
    let back = match one(&pairs, "ritorno", Field::ReturnTo) {
        Ok(b) => b,
        Err(e) => return Refusal::of(&e.into()).into_response(),
    };
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        Locale::COOKIE,
        locale.tag()
    );
    // A path that cannot be a header as it is (letters beyond ASCII): the map.
    let location = HeaderValue::from_str(safe_back(back)).unwrap_or(HeaderValue::from_static("/"));
    let mut res = StatusCode::SEE_OTHER.into_response();
    res.headers_mut().insert(header::LOCATION, location);
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, cookie);
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
        assert_eq!(safe_back(Some("/\t/evil.example")), "/");
        assert_eq!(safe_back(None), "/");
    }
}
