//! The doors of citizens' reports: the reporting form (`POST /segnala`, multipart, works without WASM), the API
//! (`POST /api/v1/reports`, JSON, or multipart with a `report` JSON part and `photos` parts), "same problem"
//! (`POST /segnalazioni/{code}/sostieni`), the one-action confirmation link (`POST /conferma/{token}`), and the
//! photos themselves (`GET /foto/…`). Each reads the request, calls one service, maps the answer.
//!
//! Bodies are read as they arrive, with the limits applied as they are crossed: a photo past 10 MB or a sixth
//! photo stops the reading at once, and a body announcing more than the whole limit is refused unread.

use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use backend::error::invalid;
use backend::photos::Upload;
use backend::reports::intake::{self, Intake, Supported};
use backend::reports::service::PhotoAccess;
use shared::report::submission::{MAX_SUBMISSION_BYTES, RawSubmission};
use shared::{Field, Locale, Rule};

use super::body::{self, MAX_TEXT_BYTES, Read};
use super::doors::Doors;
use super::error::ApiError;
use super::extract::Path;
use super::form::{FormPost, report_page, see_other, too_many};
use super::locale::ApiLocale;
use super::session::{CurrentUser, client_info};
use crate::state::AppState;

pub fn doors() -> Doors {
    Doors::new()
        .post("/segnala", form_submit)
        .post("/api/v1/reports", api_submit)
        .layer(DefaultBodyLimit::max(MAX_SUBMISSION_BYTES))
        .post("/segnalazioni/{code}/sostieni", support)
        .post("/conferma/{token}", confirm)
        .get("/foto/{*key}", photo)
}

/// The fields of the reporting form kept when it is shown again after an error (photos must be chosen again:
/// browsers do not let a page refill a file field): every field of a submission, and its key.
fn kept_fields() -> Vec<&'static str> {
    let mut kept = RawSubmission::FIELDS.to_vec();
    kept.push("idempotency_key");
    kept
}

/// Checks the per-IP limits on reports and photos; the answer when over.
fn over_limits(state: &AppState, ip: Option<std::net::IpAddr>, photos: usize) -> Option<u64> {
    state
        .report_limiter
        .check(ip)
        .and_then(|()| state.photo_limiter.check_n(ip, photos as u32))
        .err()
}

/// `POST /segnala`: the reporting form. Success: to the receipt page. Failure: the form again, with the error
/// and what was typed.
async fn form_submit(State(state): State<AppState>, req: Request) -> Response {
    let (parts, req_body) = req.into_parts();
    let mut post = FormPost::from_parts(&state, parts.clone());
    post.fields.clear();
    let ctype = body::media_type(&parts.headers);
    let read = match body::check_length(&parts.headers, MAX_SUBMISSION_BYTES) {
        Err(e) => Err(e),
        Ok(()) if ctype == "multipart/form-data" => {
            body::read_multipart(
                Request::from_parts(parts, req_body),
                &state,
                MAX_SUBMISSION_BYTES,
                body::Files::Photos,
            )
            .await
        }
        Ok(()) if ctype == "application/x-www-form-urlencoded" => body::form_fields(req_body, MAX_TEXT_BYTES)
            .await
            .map(|fields| Read {
                fields,
                photos: Vec::new(),
            }),
        Ok(()) => Err(body::wrong_type("multipart/form-data")),
    };
    let read = match read {
        Ok(r) => r,
        Err(e) => return post.fail("report", e, &[]).await,
    };
    post.fields = read.fields;
    if let Some(secs) = over_limits(&state, post.client.ip, read.photos.len()) {
        return too_many(post.locale, "/segnala", secs);
    }
    let intake = Intake {
        raw: RawSubmission::from_fields(&post.fields, true),
        photos: read.photos,
        key: Some(post.get("idempotency_key")).filter(|k| !k.is_empty()),
        locale: post.locale,
        api: false,
    };
    // The back office's form (`/ufficio/nuova`) posts here too, and is shown again on failure.
    let page = if post.get("modulo") == "ufficio" {
        Uri::from_static("/ufficio/nuova")
    } else {
        Uri::from_static("/segnala")
    };
    match intake::submit(&state.backend, post.viewer(), intake).await {
        Ok(done) => match intake::receipt_signature(&state.backend, &done.receipt.receipt_code).await {
            Ok(sig) => see_other(&format!("/ricevuta/{}?firma={sig}", done.receipt.receipt_code)),
            Err(e) => post.fail_on(page, "report", e, &kept_fields()).await,
        },
        Err(e) => post.fail_on(page, "report", e, &kept_fields()).await,
    }
}

/// `POST /api/v1/reports`: 201 with the receipt (and `Location`); the same receipt, with
/// `Idempotent-Replayed: true`, for a retry with the same `Idempotency-Key`.
async fn api_submit(State(state): State<AppState>, ApiLocale(locale): ApiLocale, req: Request) -> Response {
    let (parts, req_body) = req.into_parts();
    let auth = parts.extensions.get::<backend::users::Authenticated>().cloned();
    let client = client_info(&parts, state.config.client_ip_header.as_deref());
    let key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let ctype = body::media_type(&parts.headers);
    let read: Result<(RawSubmission, Vec<Upload>), backend::Error> = async {
        body::check_length(&parts.headers, MAX_SUBMISSION_BYTES)?;
        if body::is_json(&parts.headers) {
            let bytes = body::bytes(req_body, MAX_TEXT_BYTES).await?;
            let raw = serde_json::from_slice::<RawSubmission>(&bytes).map_err(|_| {
                invalid(
                    Field::Body,
                    Rule::Format {
                        expected: "JSON".into(),
                    },
                )
            })?;
            Ok((raw, Vec::new()))
        } else if ctype == "multipart/form-data" {
            let read = body::read_multipart(
                Request::from_parts(parts, req_body),
                &state,
                MAX_SUBMISSION_BYTES,
                body::Files::Photos,
            )
            .await?;
            let raw = match read.fields.iter().find(|(n, _)| n == "report") {
                Some((_, json)) => serde_json::from_str::<RawSubmission>(json).map_err(|_| {
                    invalid(
                        Field::Body,
                        Rule::Format {
                            expected: "JSON".into(),
                        },
                    )
                })?,
                None => RawSubmission::from_fields(&read.fields, false),
            };
            Ok((raw, read.photos))
        } else {
            Err(body::wrong_type("application/json, multipart/form-data"))
        }
    }
    .await;
    let (raw, photos) = match read {
        Ok(r) => r,
        Err(e) => return ApiError::new(e, locale).into_response(),
    };
    if let Some(secs) = over_limits(&state, client.ip, photos.len()) {
        return ApiError::new(
            backend::Error::RateLimited {
                retry_after_secs: secs,
            },
            locale,
        )
        .into_response();
    }
    let intake = Intake {
        raw,
        photos,
        key,
        locale,
        api: true,
    };
    match intake::submit(&state.backend, auth.as_ref().map(|a| &a.viewer), intake).await {
        Ok(done) => {
            let mut res = (StatusCode::CREATED, Json(&done.receipt)).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/reports/{}", done.receipt.receipt_code)) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            if done.replayed {
                res.headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
            }
            res
        }
        Err(e) => ApiError::new(e, locale).into_response(),
    }
}

/// `POST /segnalazioni/{code}/sostieni`: "same problem". Signed in: done, back to the report. Without an
/// account: a confirmation link goes to the address given.
async fn support(State(state): State<AppState>, Path(code): Path<String>, post: FormPost) -> Response {
    let (page, uri) = match report_page("/segnalazioni", &code) {
        Ok(p) => p,
        Err(refused) => return refused.into_response(),
    };
    let email = post.get("email");
    let result = intake::support(
        &state.backend,
        post.viewer(),
        &code,
        Some(email.as_str()).filter(|e| !e.is_empty()),
        post.locale,
    )
    .await;
    match result {
        Ok(Supported::Done) => see_other(&format!("{page}?avviso=sostegno")),
        Ok(Supported::ConfirmationSent) => see_other(&format!("{page}?avviso=conferma-inviata")),
        Err(e) => post.fail_on(uri, "support", e, &["email"]).await,
    }
}

/// `POST /conferma/{token}`: uses a one-action link (its page, a GET, only shows what it is for).
async fn confirm(State(state): State<AppState>, Path(token): Path<String>, post: FormPost) -> Response {
    match intake::confirm(&state.backend, &token, post.locale).await {
        Ok(code) => see_other(&format!("/segnalazioni/{code}?avviso=confermata")),
        Err(e) => post.fail("confirm", e, &[]).await,
    }
}

/// `GET /foto/{key}`: a photo, to whoever may see it (`reports::service::photo`); the same 404 for one they may
/// not see as for none. Keys are random and never reused, so a public photo may be cached for good.
async fn photo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(key): Path<String>,
) -> Response {
    let valid = key.len() < 100
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'-' || b == b'.')
        && !key.contains("..");
    if !valid {
        return StatusCode::NOT_FOUND.into_response();
    }
    let key = format!("photos/{key}");
    let found = backend::reports::service::photo(&state.backend, auth.as_ref().map(|a| &a.viewer), &key)
        .await
        .map(|p| {
            p.map(|(bytes, access)| {
                let cache = match access {
                    PhotoAccess::Public => "public, max-age=31536000, immutable",
                    PhotoAccess::Private => "private, no-store",
                };
                (bytes, cache)
            })
        });
    match found {
        Ok(Some((bytes, cache))) => {
            let mut res = Body::from(bytes).into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            res
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => ApiError::new(e, Locale::It).into_response(),
    }
}
