//! Transparency: the public figures, the periodic reports, the staff dashboard and the satisfaction
//! questionnaire. Their pages render on the server with no browser bundle, but read through these doors like
//! every other page.

use leptos::prelude::*;
use shared::stats::{Dashboard, PeriodReport, PeriodSummary, SurveyView, TransparencyData};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::reports::state;

/// The filters of a statistics page's address (`?ufficio=2&dal=2026-01…`); a bad one answers 400.
#[cfg(feature = "ssr")]
fn query_of(search: &str) -> Result<shared::stats::StatsQuery, AppError> {
    shared::stats::StatsQuery::from_query(search).map_err(|e| AppError::from_backend(e.into()))
}

/// The Trasparenza page: the figures of the scope in `search` (its address' query) and the districts' outlines.
#[server(endpoint = "transparency")]
pub async fn get_transparency(search: String) -> Result<TransparencyData, AppError> {
    let q = query_of(&search)?;
    let state = state()?;
    let view = backend::stats::view::stats_view(&state, &q)
        .await
        .map_err(AppError::from_backend)?;
    let districts = backend::stats::view::district_shapes(&state)
        .await
        .map_err(AppError::from_backend)?;
    Ok(TransparencyData { view, districts })
}

/// The staff dashboard for the scope in `search`.
#[server(endpoint = "dashboard")]
pub async fn get_dashboard(search: String) -> Result<Dashboard, AppError> {
    let q = query_of(&search)?;
    let auth = crate::auth::authenticated();
    backend::stats::view::dashboard(&state()?, auth.as_ref().map(|a| &a.viewer), &q)
        .await
        .map_err(AppError::from_backend)
}

/// The periodic reports written so far, newest first.
#[server(endpoint = "period_reports")]
pub async fn get_period_reports() -> Result<Vec<PeriodSummary>, AppError> {
    backend::stats::period::list(&state()?)
        .await
        .map_err(AppError::from_backend)
}

/// One periodic report (`2026-10`, `2026`).
#[server(endpoint = "period_report")]
pub async fn get_period_report(label: String) -> Result<PeriodReport, AppError> {
    backend::stats::period::get(&state()?, &label)
        .await
        .map_err(AppError::from_backend)
}

/// A satisfaction questionnaire by its link's token.
#[server(endpoint = "survey")]
pub async fn get_survey(token: String) -> Result<SurveyView, AppError> {
    backend::survey::open(&state()?, &token)
        .await
        .map_err(AppError::from_backend)
}
