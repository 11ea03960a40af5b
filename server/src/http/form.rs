//! Plain HTML form posts, the way every door takes them: [`FormPost`] reads the fields, who sent them and in
//! which language; a success answers [`see_other`]; a failure renders the form's page again with the error and
//! what was typed ([`FormPost::fail`], through the very page routes a GET takes: [`render_page`]).

use app::error::AppError;
use app::forms::FormFeedback;
use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use backend::users::{Authenticated, ClientInfo};
use shared::Locale;

use super::body::{MAX_FORM_BYTES, form_fields};
use super::locale::page_locale;
use super::refusal::Refusal;
use super::session::client_info;
use crate::state::{AppState, PageRoutes};

/// A form post: its fields (read leniently: missing fields are empty, and the services say what is wrong), who
/// sent it and from where, and the request to render its page again.
pub struct FormPost {
    pub(crate) parts: Parts,
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) auth: Option<Authenticated>,
    pub(crate) client: ClientInfo,
    pub(crate) locale: Locale,
}

impl FromRequest<AppState> for FormPost {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let mut post = Self::from_parts(state, parts);
        // Form bodies are small; anything larger is not a form of ours.
        match form_fields(body, MAX_FORM_BYTES).await {
            Ok(fields) => post.fields = fields,
            Err(e) => return Err(Refusal::of(&e).json(post.locale)),
        }
        Ok(post)
    }
}

impl FormPost {
    /// A request whose body is read elsewhere (multipart), or that has none (the OpenID Connect redirects): its
    /// fields are those of the query until the caller sets them.
    pub(crate) fn from_parts(state: &AppState, parts: Parts) -> Self {
        let fields = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
        Self {
            auth: parts.extensions.get::<Authenticated>().cloned(),
            client: client_info(&parts, state.config.client_ip_header.as_deref()),
            locale: page_locale(&parts.headers),
            parts,
            fields,
        }
    }

    /// A multipart form post of the administration (an area, the streets, the logo): the post with the body's
    /// text fields, and its files — or why the body could not be read, a body over `max` being `too_large`.
    pub(crate) async fn multipart(
        state: &AppState,
        req: Request,
        max: usize,
        files: super::body::Files,
        too_large: backend::Error,
    ) -> (Self, Result<Vec<backend::photos::Upload>, backend::Error>) {
        let (parts, body) = req.into_parts();
        let mut post = Self::from_parts(state, parts.clone());
        post.fields.clear();
        match super::body::read_multipart(Request::from_parts(parts, body), state, max, files).await {
            Ok(read) => {
                post.fields = read.fields;
                (post, Ok(read.photos))
            }
            Err(backend::Error::TooLarge(_)) => (post, Err(too_large)),
            Err(e) => (post, Err(e)),
        }
    }

    pub(crate) fn get(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub(crate) fn viewer(&self) -> Option<&shared::Viewer> {
        self.auth.as_ref().map(|a| &a.viewer)
    }

    /// The fields to give back to the page, by name (never passwords).
    fn keep(&self, names: &[&str]) -> Vec<(String, String)> {
        names.iter().map(|n| ((*n).to_owned(), self.get(n))).collect()
    }

    /// The page of this post (the form's own address) rendered again with `error` on `form`.
    pub(crate) async fn fail(self, form: &str, error: backend::Error, keep: &[&str]) -> Response {
        let page = self.parts.uri.clone();
        self.fail_on(page, form, error, keep).await
    }

    /// The page at `page` (where the form is, when it posts elsewhere) rendered again with `error` on `form`.
    pub(crate) async fn fail_on(
        mut self,
        page: Uri,
        form: &str,
        error: backend::Error,
        keep: &[&str],
    ) -> Response {
        self.parts.uri = page;
        let status = StatusCode::from_u16(error.code().http_status()).unwrap_or(StatusCode::BAD_REQUEST);
        let retry = error.retry_after();
        let values = self.keep(keep);
        let feedback = FormFeedback {
            form: form.to_owned(),
            error: Some(AppError::classify(error)),
            values,
            outcome: None,
        };
        let mut res = render_page(self.parts, feedback).await;
        *res.status_mut() = status;
        if let Some(secs) = retry {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }

    /// The page at `page` rendered again with `outcome` shown at `form` (a preview: nothing was changed; a
    /// report of what was done), and what was typed.
    pub(crate) async fn outcome_on(
        mut self,
        page: Uri,
        form: &str,
        outcome: shared::admin::FormOutcome,
        keep: &[&str],
    ) -> Response {
        self.parts.uri = page;
        let feedback = FormFeedback {
            form: form.to_owned(),
            error: None,
            values: self.keep(keep),
            outcome: serde_json::to_string(&outcome).ok(),
        };
        render_page(self.parts, feedback).await
    }

    /// Checks the per-IP limit of the guessing and mail-sending forms; over it, returns the answer, a small fixed
    /// page: a flood must cost next to nothing (no database, no page rendering).
    pub(crate) fn over_limit(&self, state: &AppState) -> Option<Response> {
        state
            .limiter
            .check(self.client.ip)
            .err()
            .map(|secs| too_many(self.locale, self.parts.uri.path(), secs))
    }
}

/// 429 with `Retry-After`: a short page (or JSON for a program) that links back to the form.
pub(crate) fn too_many(locale: Locale, back: &str, retry_after_secs: u64) -> Response {
    Refusal::too_many(retry_after_secs, back).json(locale)
}

/// Renders the page at `parts`' address with `feedback` (the answer to a failed form post): the request goes
/// through the page routes as a GET, with the feedback in its extensions (`app::forms::use_feedback`).
pub async fn render_page(mut parts: Parts, feedback: FormFeedback) -> Response {
    use tower::ServiceExt;
    parts.method = Method::GET;
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.extensions.insert(feedback);
    let Some(PageRoutes(pages)) = parts.extensions.get::<PageRoutes>().cloned() else {
        tracing::error!("the page routes are missing from the request's extensions");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match pages.oneshot(Request::from_parts(parts, Body::empty())).await {
        Ok(res) => res,
        Err(never) => match never {},
    }
}

/// The page of the report `code` under `base` (`/segnalazioni` or `/ufficio/segnalazioni`), for a form on it:
/// its address as text and as a URI. A code that is not one names no report: `Err` is the answer, 404 in the
/// app's shape, before anything else is read.
pub(crate) fn report_page(base: &str, code: &str) -> Result<(String, Uri), Refusal> {
    let not_found = || Refusal::code(shared::ErrorCode::NotFound);
    let code = shared::ReceiptCode::parse(code).map_err(|_| not_found())?;
    let page = format!("{base}/{code}");
    let uri = page.parse().map_err(|_| not_found())?;
    Ok((page, uri))
}

/// 303 See Other to `to`.
pub(crate) fn see_other(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}
