//! The doors of citizens' reports: the reporting form (`POST /segnala`, multipart, works without WASM), the API
//! (`POST /api/v1/reports`, JSON, or multipart with a `report` JSON part and `photos` parts), "same problem"
//! (`POST /segnalazioni/{code}/sostieni`), the one-action confirmation link (`POST /conferma/{token}`), and the
//! photos themselves (`GET /foto/…`). Each reads the request, calls one service, maps the answer.
//!
//! Bodies are read as they arrive, with the limits applied as they are crossed: a photo past 10 MB or a sixth
//! photo stops the reading at once, and a body announcing more than the whole limit is refused unread.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use backend::error::invalid;
use backend::photos::Upload;
use backend::reports::intake::{self, Intake, Supported};
use shared::report::submission::{MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_SUBMISSION_BYTES, RawSubmission, Value};
use shared::{Field, Locale, Rule, ValidationError};

use super::accounts::{FormPost, see_other, too_many};
use super::error::ApiError;
use super::reports::ApiLocale;
use super::session::CurrentUser;
use super::session::client_info;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/segnala", post(form_submit))
        .route("/api/v1/reports", post(api_submit))
        .layer(DefaultBodyLimit::max(MAX_SUBMISSION_BYTES))
        .route("/segnalazioni/{code}/sostieni", post(support))
        .route("/conferma/{token}", post(confirm))
        .route("/foto/{*key}", get(photo))
}

/// The fields of the reporting form kept when it is shown again after an error (photos must be chosen again:
/// browsers do not let a page refill a file field).
pub const FORM_FIELDS: [&str; 16] = [
    "kind",
    "category_id",
    "lat",
    "lng",
    "address",
    "district_id",
    "title",
    "description",
    "is_public",
    "show_name",
    "email",
    "phone",
    "name",
    "idempotency_key",
    "channel",
    "internal",
];

fn body_too_large() -> backend::Error {
    backend::Error::TooLarge(ValidationError::new(
        Field::Body,
        Rule::BodyTooLarge {
            max_mb: (MAX_SUBMISSION_BYTES / (1024 * 1024)) as u64,
        },
    ))
}

fn wrong_type(expected: &str) -> backend::Error {
    backend::Error::UnsupportedMediaType(ValidationError::new(
        Field::Body,
        Rule::WrongContentType {
            expected: expected.into(),
        },
    ))
}

/// A body read: its text fields (and a `report` JSON part, for the API) and its photos.
#[derive(Default)]
pub(crate) struct Read {
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) photos: Vec<Upload>,
}

pub(crate) fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// A body announced larger than the limit is refused before a byte of it is read.
fn check_length(headers: &HeaderMap) -> Result<(), backend::Error> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match announced {
        Some(n) if n > MAX_SUBMISSION_BYTES => Err(body_too_large()),
        _ => Ok(()),
    }
}

/// Reads a multipart body, photo by photo, enforcing the limits as it goes.
pub(crate) async fn read_multipart(req: Request, state: &AppState) -> Result<Read, backend::Error> {
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|_| wrong_type("multipart/form-data"))?;
    let mut read = Read::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(body_too_large()),
            Err(_) => return Err(invalid(Field::Body, Rule::Unreadable)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            if !matches!(name.as_str(), "photos" | "photo" | "foto") {
                return Err(invalid(Field::Photos, Rule::UnknownValue));
            }
            let mut field = field;
            let mut bytes = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if bytes.len() + chunk.len() > MAX_PHOTO_BYTES {
                            return Err(invalid(
                                Field::Photos,
                                Rule::FileTooLarge {
                                    max_mb: (MAX_PHOTO_BYTES / (1024 * 1024)) as u64,
                                },
                            ));
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(body_too_large()),
                    Err(_) => return Err(invalid(Field::Body, Rule::Unreadable)),
                }
            }
            // A file field left empty (no photo chosen) arrives as a part with no name and no bytes.
            if bytes.is_empty() && file_name.is_empty() {
                continue;
            }
            if read.photos.len() == MAX_PHOTOS {
                return Err(invalid(Field::Photos, Rule::TooMany { max: MAX_PHOTOS }));
            }
            read.photos.push(Upload {
                file_name,
                bytes: bytes.into(),
            });
        } else {
            let text = field.text().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    body_too_large()
                } else {
                    invalid(Field::Body, Rule::Unreadable)
                }
            })?;
            read.fields.push((name, text));
        }
    }
    Ok(read)
}

fn raw_from_fields(fields: &[(String, String)]) -> RawSubmission {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| Value::Text(v.clone()))
    };
    RawSubmission {
        kind: get("kind"),
        category_id: get("category_id"),
        lat: get("lat"),
        lng: get("lng"),
        address: get("address"),
        district_id: get("district_id"),
        title: get("title"),
        description: get("description"),
        // An unticked checkbox is absent: in the form, absent means "no" (the API's default is public).
        is_public: Some(get("is_public").unwrap_or(Value::Bool(false))),
        show_name: get("show_name"),
        email: get("email"),
        phone: get("phone"),
        name: get("name"),
        channel: get("channel"),
        internal: get("internal"),
    }
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
    let (parts, body) = req.into_parts();
    let mut post = FormPost::from_parts(&state, parts.clone());
    post.fields.clear();
    let ctype = content_type(&parts.headers);
    let read = match check_length(&parts.headers) {
        Err(e) => Err(e),
        Ok(()) if ctype.starts_with("multipart/form-data") => {
            read_multipart(Request::from_parts(parts, body), &state).await
        }
        Ok(()) if ctype.starts_with("application/x-www-form-urlencoded") => {
            match axum::body::to_bytes(body, 256 * 1024).await {
                Ok(b) => Ok(Read {
                    fields: form_urlencoded::parse(&b).into_owned().collect(),
                    photos: Vec::new(),
                }),
                Err(_) => Err(body_too_large()),
            }
        }
        Ok(()) => Err(wrong_type("multipart/form-data")),
    };
    let read = match read {
        Ok(r) => r,
        Err(e) => return post.fail("report", e, &[]).await,
    };
    post.fields = read.fields;
    if let Some(secs) = over_limits(&state, post.client.ip, read.photos.len()) {
        return too_many(&state, post.locale, "/segnala", secs);
    }
    let intake = Intake {
        raw: raw_from_fields(&post.fields),
        photos: read.photos,
        key: Some(post.get("idempotency_key")).filter(|k| !k.is_empty()),
        locale: post.locale,
        api: false,
    };
    // The back office's form (`/ufficio/nuova`) posts here too, and is shown again on failure.
    let page: axum::http::Uri = if post.get("modulo") == "ufficio" {
        axum::http::Uri::from_static("/ufficio/nuova")
    } else {
        axum::http::Uri::from_static("/segnala")
    };
    match intake::submit(&state.backend, post.viewer(), intake).await {
        Ok(done) => match intake::receipt_signature(&state.backend, &done.receipt.receipt_code).await {
            Ok(sig) => see_other(&format!("/ricevuta/{}?firma={sig}", done.receipt.receipt_code)),
            Err(e) => post.fail_on(page, "report", e, &FORM_FIELDS).await,
        },
        Err(e) => post.fail_on(page, "report", e, &FORM_FIELDS).await,
    }
}

/// `POST /api/v1/reports`: 201 with the receipt (and `Location`); the same receipt, with
/// `Idempotent-Replayed: true`, for a retry with the same `Idempotency-Key`.
async fn api_submit(State(state): State<AppState>, ApiLocale(locale): ApiLocale, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let auth = parts.extensions.get::<backend::users::Authenticated>().cloned();
    let client = client_info(&parts, state.config.client_ip_header.as_deref());
    let key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let ctype = content_type(&parts.headers);
    let read: Result<(RawSubmission, Vec<Upload>), backend::Error> = async {
        check_length(&parts.headers)?;
        if ctype.starts_with("application/json") {
            let bytes = axum::body::to_bytes(body, 256 * 1024)
                .await
                .map_err(|_| body_too_large())?;
            let raw = serde_json::from_slice::<RawSubmission>(&bytes).map_err(|_| {
                invalid(
                    Field::Body,
                    Rule::Format {
                        expected: "JSON".into(),
                    },
                )
            })?;
            Ok((raw, Vec::new()))
        } else if ctype.starts_with("multipart/form-data") {
            let read = read_multipart(Request::from_parts(parts, body), &state).await?;
            let raw = match read.fields.iter().find(|(n, _)| n == "report") {
                Some((_, json)) => serde_json::from_str::<RawSubmission>(json).map_err(|_| {
                    invalid(
                        Field::Body,
                        Rule::Format {
                            expected: "JSON".into(),
                        },
                    )
                })?,
                None => {
                    let mut raw = raw_from_fields(&read.fields);
                    raw.is_public = read
                        .fields
                        .iter()
                        .find(|(n, _)| n == "is_public")
                        .map(|(_, v)| Value::Text(v.clone()));
                    raw
                }
            };
            Ok((raw, read.photos))
        } else {
            Err(wrong_type("application/json, multipart/form-data"))
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
        Ok(Supported::Done) => see_other(&format!("/segnalazioni/{code}?avviso=sostegno")),
        Ok(Supported::ConfirmationSent) => {
            see_other(&format!("/segnalazioni/{code}?avviso=conferma-inviata"))
        }
        Err(e) => {
            let page = format!("/segnalazioni/{code}").parse().unwrap_or_default();
            post.fail_on(page, "support", e, &["email"]).await
        }
    }
}

/// `POST /conferma/{token}`: uses a one-action link (its page, a GET, only shows what it is for).
async fn confirm(State(state): State<AppState>, Path(token): Path<String>, post: FormPost) -> Response {
    match intake::confirm(&state.backend, &token, post.locale).await {
        Ok(code) => see_other(&format!("/segnalazioni/{code}?avviso=confermata")),
        Err(e) => post.fail("confirm", e, &[]).await,
    }
}

/// `GET /foto/{key}`: a photo of a public report (the same 404 for a hidden one as for none). Keys are random
/// and never reused, so the answer may be cached for good.
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
    // Public first (cacheable by anyone); else a photo only the back office may see, never cached by others.
    let found = match backend::photos::public_bytes(&state.backend, &key).await {
        Ok(Some(b)) => Ok(Some((b, "public, max-age=31536000, immutable"))),
        Ok(None) => backend::photos::staff_bytes(&state.backend, auth.as_ref().map(|a| &a.viewer), &key)
            .await
            .map(|b| b.map(|b| (b, "private, no-store"))),
        Err(e) => Err(e),
    };
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
