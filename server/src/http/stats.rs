//! The transparency doors beside the server-rendered pages (`app::pages::transparency`):
//!
//! - `GET /trasparenza/dati.csv?tabella=mesi|uffici|categorie|quartieri&…` — the Trasparenza page's tables.
//! - `GET /ufficio/cruscotto/dati.csv?tabella=…` — the dashboard's, plus `persone`, `ditte`, `scadenze`,
//!   `canali` (staff who may export data).
//! - `GET /trasparenza/resoconti/{period}/resoconto.csv` — a periodic report; `…/resoconto.pdf` as PDF.
//! - `POST /trasparenza/resoconti/{period}/rigenera` — an administrator regenerates one.
//! - `POST /soddisfazione/{token}` — a reporter's answer to the satisfaction questionnaire.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use backend::stats::{csv, period};
use backend::survey::AnswerForm;
use shared::ValidationError;
use shared::map::parse_query;
use shared::stats::StatsQuery;

use super::doors::Doors;
use super::error::ApiError;
use super::extract::Path;
use super::form::{FormPost, see_other};
use super::locale::ApiLocale;
use crate::state::AppState;

pub fn doors() -> Doors {
    Doors::new()
        .get("/trasparenza/dati.csv", public_csv)
        .get("/ufficio/cruscotto/dati.csv", dashboard_csv)
        .get("/trasparenza/resoconti/{period}/{file}", period_file)
        .post("/trasparenza/resoconti/{period}/rigenera", regenerate)
        .post("/soddisfazione/{token}", answer)
}

fn query_of(raw: Option<&str>) -> Result<(StatsQuery, String), ValidationError> {
    let pairs = parse_query(raw.unwrap_or_default());
    let q = StatsQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let table = pairs
        .iter()
        .find(|(k, _)| k == "tabella")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    Ok((q, table))
}

fn csv_response(body: String, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

async fn public_csv(
    State(state): State<AppState>,
    ApiLocale(locale): ApiLocale,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let fail = |e: backend::Error| ApiError::new(e, locale);
    let (q, table) = query_of(raw.as_deref()).map_err(|e| fail(e.into()))?;
    let body = csv::public_table(&state.backend, &q, &table)
        .await
        .map_err(fail)?;
    Ok(csv_response(body, &format!("trasparenza-{table}.csv")))
}

async fn dashboard_csv(State(state): State<AppState>, post: FormPost) -> Result<Response, ApiError> {
    let fail = |e: backend::Error| ApiError::new(e, post.locale);
    let (q, table) = query_of(post.parts.uri.query()).map_err(|e| fail(e.into()))?;
    let body = csv::dashboard_table(&state.backend, post.viewer(), &q, &table)
        .await
        .map_err(fail)?;
    Ok(csv_response(body, &format!("cruscotto-{table}.csv")))
}

/// `resoconto.csv`, or `resoconto.pdf` in the visitor's language.
async fn period_file(
    State(state): State<AppState>,
    ApiLocale(locale): ApiLocale,
    Path((label, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    if file != "resoconto.csv" && file != "resoconto.pdf" {
        return Err(ApiError::new(backend::Error::NotFound, locale));
    }
    let r = period::get(&state.backend, &label)
        .await
        .map_err(|e| ApiError::new(e, locale))?;
    if file == "resoconto.pdf" {
        return pdf_response(r, locale).await;
    }
    Ok(csv_response(
        csv::period(&r),
        &format!("resoconto-{}.csv", r.label),
    ))
}

async fn pdf_response(r: shared::stats::PeriodReport, locale: shared::Locale) -> Result<Response, ApiError> {
    let name = format!("resoconto-{}.pdf", r.label);
    let bytes = tokio::task::spawn_blocking(move || backend::stats::pdf::render(&r, locale))
        .await
        .map_err(|e| ApiError::new(backend::Error::Internal(e.into()), locale))?
        .map_err(|e| ApiError::new(e, locale))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("inline; filename=\"{name}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("inline")),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn regenerate(State(state): State<AppState>, Path(label): Path<String>, post: FormPost) -> Response {
    match period::regenerate(&state.backend, post.viewer(), &label).await {
        Ok(()) => see_other(&format!("/trasparenza/resoconti/{label}?rigenerato=1")),
        Err(e) => ApiError::new(e, post.locale).into_response(),
    }
}

async fn answer(State(state): State<AppState>, Path(token): Path<String>, post: FormPost) -> Response {
    let form = AnswerForm {
        timeliness: Some(post.get("timeliness")),
        quality: Some(post.get("quality")),
        comment: Some(post.get("comment")),
        not_solved: Some(post.get("not_solved")),
    };
    match backend::survey::answer(&state.backend, &token, &form).await {
        Ok(code) => {
            let reopened = if form.check().is_ok_and(|a| a.not_solved) {
                "&riaperta=1"
            } else {
                ""
            };
            see_other(&format!("/soddisfazione/{token}?fatto=1&codice={code}{reopened}"))
        }
        Err(e @ backend::Error::Invalid(_)) => {
            post.fail("survey", e, &["timeliness", "quality", "comment", "not_solved"])
                .await
        }
        // A used, expired or unknown link: the page says which (it renders the same error).
        Err(e) => {
            let status = StatusCode::from_u16(e.code().http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let mut res = post.fail("survey", e, &[]).await;
            *res.status_mut() = status;
            res
        }
    }
}
