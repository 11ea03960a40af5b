//! Doors of going live: the administrator's identity form (`/amministrazione/ente`), the logo, opening the
//! service; and the logo itself (`/stemma/{version}.png`, public, cached for a year: a new logo gets a new
//! version, so a new address).

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use backend::site::{self, IdentityForm};
use shared::{Field, Rule};

use super::body::Files;
use super::doors::Doors;
use super::extract::Path;
use super::form::{FormPost, see_other};
use super::refusal::Refusal;
use crate::state::AppState;

const IDENTITY_PAGE: &str = "/amministrazione/ente";

/// A logo upload's largest body (the image's own limit is checked by the service, with its own message).
const MAX_LOGO_BODY: usize = site::MAX_LOGO_BYTES + 64 * 1024;

pub fn doors() -> Doors {
    Doors::new()
        .post(IDENTITY_PAGE, identity)
        .route(
            "/amministrazione/stemma",
            Method::POST,
            axum::routing::post(logo_upload).layer(DefaultBodyLimit::max(MAX_LOGO_BODY)),
        )
        .post("/amministrazione/apri", open_service)
        .get("/stemma/{file}", logo)
}

async fn identity(State(state): State<AppState>, post: FormPost) -> Response {
    let form = IdentityForm::from_fields(|n| post.get(n));
    match site::save_identity(&state.backend, post.viewer(), &form).await {
        Ok(()) => see_other(&format!("{IDENTITY_PAGE}?fatto=ente")),
        Err(e) => post.fail("identity", e, &IdentityForm::FIELDS).await,
    }
}

/// `POST /amministrazione/stemma` (multipart): the image as `logo`, or `remove=1` to take it away.
async fn logo_upload(State(state): State<AppState>, req: Request) -> Response {
    let too_large = backend::error::invalid(Field::Logo, Rule::FileTooLarge { max_mb: 2 });
    let (post, read) = FormPost::multipart(&state, req, MAX_LOGO_BODY, Files::Logo, too_large).await;
    let result = match read {
        Err(e) => Err(e),
        Ok(files) => {
            let bytes = if post.get("remove") == "1" {
                None
            } else {
                Some(
                    files
                        .into_iter()
                        .next()
                        .map(|u| u.bytes.to_vec())
                        .unwrap_or_default(),
                )
            };
            site::save_logo(&state.backend, post.viewer(), bytes).await
        }
    };
    match result {
        Ok(()) => see_other(&format!("{IDENTITY_PAGE}?fatto=stemma")),
        Err(e) => {
            post.fail_on(Uri::from_static(IDENTITY_PAGE), "logo", e, &[])
                .await
        }
    }
}

async fn open_service(State(state): State<AppState>, post: FormPost) -> Response {
    match site::open_service(
        &state.backend,
        post.viewer(),
        state.config.smtp.is_some(),
        post.locale,
    )
    .await
    {
        Ok(()) => see_other("/amministrazione?fatto=apertura"),
        Err(e) => {
            post.fail_on(Uri::from_static("/amministrazione"), "open", e, &[])
                .await
        }
    }
}

/// `GET /stemma/{version}.png`.
async fn logo(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let not_found = || Refusal::code(shared::ErrorCode::NotFound).into_response();
    let Some(version) = file.strip_suffix(".png").and_then(|v| v.parse::<i32>().ok()) else {
        return not_found();
    };
    match site::logo(&state.backend, version).await {
        Ok(png) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            png,
        )
            .into_response(),
        Err(backend::Error::NotFound) => not_found(),
        Err(e) => Refusal::of(&e).into_response(),
    }
}
