//! Doors of the back office and of the public conversation: the staff page's forms (one per command), comments,
//! "report abuse", following; and the live event stream the report pages and the map listen to.
//!
//! Forms post here and are answered with a redirect (success) or the page rendered again with the error beside
//! the form and what was typed (failure). Every post goes through the same-origin check (`origin`) and the
//! session resolver: the services decide what the viewer may do.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use backend::live::LiveEvent;
use backend::reports::conversation::{self, Posted};
use backend::reports::work;
use futures_util::{Stream, StreamExt};
use shared::report::work::Command;
use shared::{Field, Rule, ValidationError};

use super::body::{self, MAX_FORM_BYTES};
use super::doors::Doors;
use super::error::ApiError;
use super::extract::{Path, one, query_pairs};
use super::form::{FormPost, report_page, see_other, too_many};
use super::locale::ApiLocale;
use super::session::CurrentUser;
use crate::state::AppState;

/// A contractor's progress with its photos: the photos' limit, and room for the note.
const MAX_COMMAND_BYTES: usize = shared::report::submission::MAX_SUBMISSION_BYTES;

pub fn doors() -> Doors {
    Doors::new()
        .post("/ufficio/segnalazioni/{code}/{command}", command)
        .post("/segnalazioni/{code}/commenti", comment)
        .post("/segnalazioni/{code}/commenti/{id}/abuso", abuse)
        .post("/segnalazioni/{code}/segui", follow)
        .get("/api/v1/live", live)
}

/// The fields each command's form may send back when it is shown again.
const KEPT: [&str; 8] = [
    "note", "to", "due", "priority", "state", "category", "of", "public",
];

/// `POST /ufficio/segnalazioni/{code}/{command}`: one staff command, with the version the page showed. A form,
/// or multipart when it carries photos (a contractor's progress).
async fn command(
    State(state): State<AppState>,
    Path((code, name)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (page, uri) = match report_page("/ufficio/segnalazioni", &code) {
        Ok(p) => p,
        Err(refused) => return refused.into_response(),
    };
    let (parts, req_body) = req.into_parts();
    let mut post = FormPost::from_parts(&state, parts.clone());
    post.fields.clear();
    let photos = if body::media_type(&parts.headers) == "multipart/form-data" {
        match body::read_multipart(
            Request::from_parts(parts, req_body),
            &state,
            MAX_COMMAND_BYTES,
            body::Files::Photos,
        )
        .await
        {
            Ok(read) => {
                post.fields = read.fields;
                read.photos
            }
            Err(e) => return post.fail_on(uri, &name, e, &KEPT).await,
        }
    } else {
        match body::form_fields(req_body, MAX_FORM_BYTES).await {
            Ok(fields) => post.fields = fields,
            Err(e) => return post.fail_on(uri, &name, e, &KEPT).await,
        }
        Vec::new()
    };
    if !photos.is_empty()
        && let Err(secs) = state.photo_limiter.check_n(post.client.ip, photos.len() as u32)
    {
        return too_many(post.locale, &page, secs);
    }
    let version = post.get("version").trim().parse::<i32>();
    let parsed = Command::from_form(&name, |k| post.get(k));
    let result = match (version, parsed) {
        (Err(_), _) => Err(backend::Error::Invalid(ValidationError::new(
            Field::Version,
            Rule::NotANumber,
        ))),
        (_, Err(e)) => Err(e.into()),
        (Ok(v), Ok(c)) => work::act_with_photos(&state.backend, post.viewer(), &code, v, c, photos).await,
    };
    match result {
        Ok(()) => see_other(&format!("{page}?fatto={name}")),
        // Without a session the page itself asks to sign in; a forbidden command shows nothing of the report.
        Err(e @ (backend::Error::Unauthenticated | backend::Error::Forbidden | backend::Error::NotFound)) => {
            ApiError::new(e, post.locale).into_response()
        }
        Err(e) => post.fail_on(uri, &name, e, &KEPT).await,
    }
}

/// `POST /segnalazioni/{code}/commenti`.
async fn comment(State(state): State<AppState>, Path(code): Path<String>, post: FormPost) -> Response {
    let (page, uri) = match report_page("/segnalazioni", &code) {
        Ok(p) => p,
        Err(refused) => return refused.into_response(),
    };
    let email = post.get("email");
    let result = conversation::comment(
        &state.backend,
        post.viewer(),
        &code,
        &post.get("comment"),
        Some(email.as_str()).filter(|e| !e.is_empty()),
        post.locale,
    )
    .await;
    match result {
        Ok(Posted::Done) => see_other(&format!("{page}?avviso=commento#commenti")),
        Ok(Posted::ConfirmationSent) => see_other(&format!("{page}?avviso=conferma-inviata#commenti")),
        Err(e) => post.fail_on(uri, "comment", e, &["comment", "email"]).await,
    }
}

/// `POST /segnalazioni/{code}/commenti/{id}/abuso`.
async fn abuse(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, i64)>,
    post: FormPost,
) -> Response {
    let (page, uri) = match report_page("/segnalazioni", &code) {
        Ok(p) => p,
        Err(refused) => return refused.into_response(),
    };
    let who = post.client.ip.map(|ip| ip.to_string()).unwrap_or_default();
    match conversation::report_abuse(&state.backend, post.viewer(), &code, id, &who).await {
        Ok(()) => see_other(&format!("{page}?avviso=abuso#commenti")),
        Err(e) => post.fail_on(uri, "comment", e, &[]).await,
    }
}

/// `POST /segnalazioni/{code}/segui` (`segui=0` stops following).
async fn follow(State(state): State<AppState>, Path(code): Path<String>, post: FormPost) -> Response {
    let (page, uri) = match report_page("/segnalazioni", &code) {
        Ok(p) => p,
        Err(refused) => return refused.into_response(),
    };
    let on = post.get("segui") != "0";
    let email = post.get("email");
    let result = conversation::follow(
        &state.backend,
        post.viewer(),
        &code,
        on,
        Some(email.as_str()).filter(|e| !e.is_empty()),
        post.locale,
    )
    .await;
    match result {
        Ok(Posted::Done) => see_other(&format!(
            "{page}?avviso={}",
            if on { "segui" } else { "non-segui" }
        )),
        Ok(Posted::ConfirmationSent) => see_other(&format!("{page}?avviso=conferma-inviata")),
        Err(e) => post.fail_on(uri, "follow", e, &["email"]).await,
    }
}

/// `GET /api/v1/live[?report=CODE]`: server-sent events: `event: ready` once no change can be missed, then
/// `event: changed` with no data beyond the report's code
/// (the page fetches what its viewer may see). One report's stream is open to whoever may see the report; the
/// map's stream says only "something changed", at most once a second. Browsers reconnect by themselves
/// (`retry: 3000`).
async fn live(
    State(state): State<AppState>,
    ApiLocale(locale): ApiLocale,
    CurrentUser(auth): CurrentUser,
    parts: Parts,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.viewer);
    // `report`: one report's receipt code; without it, every change (the map).
    let pairs = query_pairs(&parts);
    let report = one(&pairs, "report", Field::ReceiptCode).map_err(|e| ApiError::new(e, locale))?;
    let watched = match report {
        Some(code) => Some(
            backend::reports::service::visible_id(&state.backend, viewer, code)
                .await
                .map_err(|e| ApiError::new(e, locale))?,
        ),
        None => None,
    };
    let rx = state.backend.live.subscribe();
    // "ready" once the database listener listens: from then on no change is missed.
    if !state.backend.live_ready(Duration::from_secs(10)).await {
        tracing::warn!("live stream opened while the database listener is not listening");
    }
    let ready = Event::default()
        .retry(Duration::from_secs(3))
        .event("ready")
        .data("");
    let id = watched.as_ref().map(|(id, _)| *id);
    let code = watched.map(|(_, code)| code).unwrap_or_default();
    let stream = futures_util::stream::once(async move { Ok(ready) }).chain(futures_util::stream::unfold(
        rx,
        move |mut rx| {
            let code = code.clone();
            async move {
                loop {
                    match rx.recv().await {
                        Ok(e) => {
                            let hit = match (id, e) {
                                (Some(watched), LiveEvent::Report(changed)) => watched == changed,
                                (_, LiveEvent::Everything) | (None, LiveEvent::Report(_)) => true,
                            };
                            if !hit {
                                continue;
                            }
                            if id.is_none() {
                                // The map: a burst of changes is one reload.
                                tokio::time::sleep(Duration::from_secs(1)).await;
                                while rx.try_recv().is_ok() {}
                            }
                            return Some((Ok(Event::default().event("changed").data(code)), rx));
                        }
                        // Missed some: "changed" once, and the page reloads what it shows.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            return Some((Ok(Event::default().event("changed").data(code)), rx));
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                }
            }
        },
    ));
    let mut stopping = state.stopping.clone();
    let stream = stream.take_until(async move {
        let _ = stopping.wait_for(|s| *s).await;
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}
