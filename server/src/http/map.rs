//! `GET /api/v1/map/{z}/{x}/{y}?filters`: one tile of the public map, compact and cacheable.
//!
//! The same tile with the same filters is the same answer for every visitor: it is served from memory in the
//! encoding the browser asks for (brotli, gzip or none, each compressed once), with an `ETag` that changes when
//! a report of the tile changes, and `Cache-Control: public, no-cache` — browsers and any HTTP cache in front
//! keep it and revalidate (a `304` costs no database query). No session: the map is the same for everyone.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::map::{MapFilter, Tile};

use super::doors::Doors;
use super::error::ApiError;
use super::extract::Path;
use super::locale::ApiLocale;
use crate::state::AppState;

pub fn doors() -> Doors {
    Doors::new().get("/api/v1/map/{z}/{x}/{y}", tile)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

/// The best encoding the client accepts (`q=0` refuses one).
fn coding(headers: &HeaderMap) -> Coding {
    let accepted = |name: &str| {
        headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|item| {
                let mut parts = item.split(';').map(str::trim);
                parts.next().is_some_and(|n| n.eq_ignore_ascii_case(name))
                    && !parts.any(|p| p.replace(' ', "").starts_with("q=0") && !p.contains("q=0."))
            })
    };
    if accepted("br") {
        Coding::Brotli
    } else if accepted("gzip") {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

async fn tile(
    State(state): State<AppState>,
    ApiLocale(locale): ApiLocale,
    Path((z, x, y)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let tile = Tile::parse(&z, &x, &y).map_err(|e| ApiError::new(e, locale))?;
    let filter =
        MapFilter::from_query(query.as_deref().unwrap_or_default()).map_err(|e| ApiError::new(e, locale))?;
    let answer = backend::map::tile(&state.backend, tile, &filter)
        .await
        .map_err(|e| ApiError::new(e, locale))?;
    let etag = HeaderValue::from_str(&answer.etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    let mut out = HeaderMap::new();
    out.insert(header::ETAG, etag);
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    out.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let fresh = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().trim_start_matches("W/") == answer.etag || t.trim() == "*");
    if fresh {
        return Ok((StatusCode::NOT_MODIFIED, out).into_response());
    }
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let body = match coding(&headers) {
        Coding::Brotli => {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            answer.br()
        }
        Coding::Gzip => {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            answer.gzip()
        }
        Coding::Identity => answer.json.clone(),
    };
    Ok((StatusCode::OK, out, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).expect("header"));
        h
    }

    #[test]
    fn picks_what_the_client_accepts() {
        assert_eq!(coding(&with("gzip, deflate, br, zstd")), Coding::Brotli);
        assert_eq!(coding(&with("gzip")), Coding::Gzip);
        assert_eq!(coding(&with("br;q=0, gzip")), Coding::Gzip);
        assert_eq!(coding(&with("br;q=0.5")), Coding::Brotli);
        assert_eq!(coding(&HeaderMap::new()), Coding::Identity);
    }
}
