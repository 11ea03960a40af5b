//! REST: `GET /api/v1/reports?bbox=west,south,east,north` and `GET /api/v1/reports/{receipt_code}`.
//! The same services as the pages, for apps and integrations.

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use shared::report::{ReportDetail, Viewport};
use shared::{BBox, Field, Locale, Rule, ValidationError};

use super::error::ApiError;
use super::session::CurrentUser;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/reports", get(list))
        .route("/api/v1/reports/{code}", get(show))
}

/// The caller's language: `?lang=en`, else the language cookie, else `Accept-Language`, else Italian.
pub struct ApiLocale(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for ApiLocale {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let from_query = parts.uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == "lang")
                .and_then(|(_, v)| Locale::from_tag(v))
        });
        let from_cookie = parts
            .headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(Locale::from_cookie);
        let from_accept = parts
            .headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .find_map(|tag| Locale::from_tag(tag.split(';').next().unwrap_or_default()))
            });
        Ok(ApiLocale(
            from_query.or(from_cookie).or(from_accept).unwrap_or_default(),
        ))
    }
}

#[derive(Deserialize)]
struct ListQuery {
    bbox: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ApiLocale(locale): ApiLocale,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Viewport>, ApiError> {
    let Query(query) = query.map_err(|_| {
        ApiError::new(
            ValidationError::new(
                Field::Bbox,
                Rule::Format {
                    expected: "11.80,45.35,11.95,45.45".into(),
                },
            ),
            locale,
        )
    })?;
    let bbox = match query.bbox {
        Some(s) => BBox::parse(&s).map_err(|e| ApiError::new(e, locale))?,
        None => {
            return Err(ApiError::new(
                ValidationError::new(Field::Bbox, Rule::Required),
                locale,
            ));
        }
    };
    backend::reports::viewport(&state.backend, Some(&bbox))
        .await
        .map(Json)
        .map_err(|e| ApiError::new(e, locale))
}

async fn show(
    State(state): State<AppState>,
    ApiLocale(locale): ApiLocale,
    CurrentUser(auth): CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<ReportDetail>, ApiError> {
    backend::reports::get_by_code(&state.backend, auth.as_ref().map(|a| &a.viewer), &code)
        .await
        .map(Json)
        .map_err(|e| ApiError::new(e, locale))
}
