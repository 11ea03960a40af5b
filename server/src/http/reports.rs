//! REST: `GET /api/v1/reports?bbox=west,south,east,north` and `GET /api/v1/reports/{receipt_code}`.
//! The same services as the pages, for apps and integrations.

use axum::Json;
use axum::extract::State;
use axum::http::request::Parts;
use shared::report::{ReportDetail, Viewport};
use shared::{BBox, Field, Rule, ValidationError};

use super::doors::Doors;
use super::error::ApiError;
use super::extract::{Path, one, query_pairs};
use super::locale::ApiLocale;
use super::session::CurrentUser;
use crate::state::AppState;

pub fn doors() -> Doors {
    Doors::new()
        .get("/api/v1/reports", list)
        .get("/api/v1/reports/{code}", show)
}

async fn list(
    State(state): State<AppState>,
    ApiLocale(locale): ApiLocale,
    parts: Parts,
) -> Result<Json<Viewport>, ApiError> {
    let pairs = query_pairs(&parts);
    let bbox = one(&pairs, "bbox", Field::Bbox).map_err(|e| ApiError::new(e, locale))?;
    let bbox = match bbox {
        Some(s) => BBox::parse(s).map_err(|e| ApiError::new(e, locale))?,
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
