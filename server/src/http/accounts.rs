//! The account forms' doors: each post is read, handed to one `backend` service with the viewer and client, and
//! answered with a redirect (success) or the same page rendered again with the error and what was typed
//! (failure, with a 4xx status and `Retry-After` when it applies). Passwords are never sent back.

use app::error::AppError;
use app::forms::{FormFeedback, safe_return};
use axum::body::Body;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use backend::users::{Authenticated, ClientInfo, LoginOutcome, Registration};
use shared::{Locale, SessionId};

use super::error::ApiError;
use super::reports::ApiLocale;
use super::session::{
    CurrentUser, DEVICE_COOKIE, PENDING_COOKIE, client_info, cookie, session_cookie, set_cookie,
};
use crate::startup::{AppState, PageRoutes};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accedi", post(login))
        .route("/accedi/verifica", post(second_factor))
        .route("/accedi/oidc", get(oidc_begin))
        .route(backend::users::oidc::CALLBACK_PATH, get(oidc_callback))
        .route("/esci", post(logout))
        .route("/registrati", post(register))
        .route("/conferma-email/{token}", post(confirm_email))
        .route("/password-dimenticata", post(forgot_password))
        .route("/nuova-password/{token}", post(reset_password))
        .route("/la-mia-pagina/password", post(change_password))
        .route("/la-mia-pagina/notifiche", post(preferences))
        .route("/la-mia-pagina/sessioni/{id}/termina", post(end_session))
        .route("/la-mia-pagina/verifica/inizia", post(totp_begin))
        .route("/la-mia-pagina/verifica/attiva", post(totp_enable))
        .route("/la-mia-pagina/verifica/disattiva", post(totp_disable))
        .route("/disiscrizione/{token}", post(unsubscribe))
        .route("/amministrazione/posta/prova", post(send_test_mail))
        .route("/api/v1/me", get(me))
}

/// A form post: its fields (read leniently: missing fields are empty, and the services say what is wrong), who
/// sent it and from where, and the request to render its page again.
pub struct FormPost {
    pub(crate) parts: Parts,
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) auth: Option<Authenticated>,
    pub(crate) client: ClientInfo,
    pub(crate) locale: Locale,
}

/// Where the sub-forms of "La mia pagina" are.
const MY_PAGE: &str = "/la-mia-pagina";

/// Form bodies are small; anything larger is not a form of ours.
const MAX_FORM: usize = 64 * 1024;

impl FromRequest<AppState> for FormPost {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_FORM)
            .await
            .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response())?;
        let mut post = Self::from_parts(state, parts);
        post.fields = form_urlencoded::parse(&bytes).into_owned().collect();
        Ok(post)
    }
}

impl FormPost {
    /// A request without a form body (the OpenID Connect redirects): its fields are those of the query.
    pub(crate) fn from_parts(state: &AppState, parts: Parts) -> Self {
        let fields = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
        let locale = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(Locale::from_cookie)
            .unwrap_or_default();
        Self {
            auth: parts.extensions.get::<Authenticated>().cloned(),
            client: client_info(&parts, state.config.client_ip_header.as_deref()),
            parts,
            fields,
            locale,
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
        };
        let mut res = render_page(self.parts, feedback).await;
        *res.status_mut() = status;
        if let Some(secs) = retry {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }

    /// Checks the per-IP limit of the guessing and mail-sending forms; over it, returns the answer, a small fixed
    /// page: a flood must cost next to nothing (no database, no page rendering).
    fn over_limit(&self, state: &AppState) -> Option<Response> {
        state
            .limiter
            .check(self.client.ip)
            .err()
            .map(|secs| too_many(state, self.locale, self.parts.uri.path(), secs))
    }
}

/// 429 with `Retry-After` and a short page in the visitor's language that links back to the form.
pub(crate) fn too_many(state: &AppState, locale: Locale, back: &str, retry_after_secs: u64) -> Response {
    let message = AppError::RateLimited { retry_after_secs }.message(locale);
    let title = shared::ErrorCode::RateLimited.message(locale);
    let back_label = match locale {
        Locale::It => "Torna al modulo",
        Locale::En => "Back to the form",
    };
    let esc = shared::html::escape_html;
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title} · Segnala</title><link rel=\"stylesheet\" \
         href=\"{css}\"></head><body><main class=\"page narrow\"><h1>{title}</h1><p class=\"form-error\" \
         role=\"alert\">{message}</p><p><a href=\"{back}\">{back_label}</a></p></main></body></html>",
        lang = locale.tag(),
        title = esc(title),
        css = esc(&state.assets.css),
        message = esc(&message),
        back = esc(back),
    );
    let mut res = (StatusCode::TOO_MANY_REQUESTS, axum::response::Html(html)).into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    res
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

/// 303 See Other to `to`.
pub(crate) fn see_other(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Where to go after signing in: the page the person came from, unless it was a sign-in page itself.
fn after_sign_in(ritorno: &str) -> String {
    let back = safe_return(Some(ritorno));
    let entry = [
        "/accedi",
        "/registrati",
        "/conferma-email",
        "/nuova-password",
        "/password-dimenticata",
    ];
    if back.is_empty() || entry.iter().any(|p| back.starts_with(p)) {
        "/la-mia-pagina".into()
    } else {
        back
    }
}

/// The answer to a right password: in, or on to the second factor.
fn signed_in(state: &AppState, outcome: LoginOutcome, ritorno: &str) -> Response {
    match outcome {
        LoginOutcome::SignedIn { session, device } => {
            let mut res = see_other(&after_sign_in(ritorno));
            let h = res.headers_mut();
            h.append(header::SET_COOKIE, session_cookie(state, &session));
            h.append(
                header::SET_COOKIE,
                set_cookie(state, DEVICE_COOKIE, &device, "/", Some(365 * 86_400)),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(state, PENDING_COOKIE, "", "/accedi", None),
            );
            res
        }
        LoginOutcome::SecondFactor { pending } => {
            let to = format!(
                "/accedi/verifica?ritorno={}",
                app::components::header::encode_path(ritorno)
            );
            let mut res = see_other(&to);
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(state, PENDING_COOKIE, &pending.token, "/accedi", Some(600)),
            );
            res
        }
    }
}

async fn login(State(state): State<AppState>, post: FormPost) -> Response {
    if let Some(res) = post.over_limit(&state) {
        return res;
    }
    let device = cookie(&post.parts.headers, DEVICE_COOKIE);
    let result = backend::users::login(
        &state.backend,
        &post.get("email"),
        &post.get("password"),
        device.as_deref(),
        &post.client,
    )
    .await;
    match result {
        Ok(outcome) => signed_in(&state, outcome, &post.get("ritorno")),
        Err(e) => post.fail("accedi", e, &["email"]).await,
    }
}

async fn second_factor(State(state): State<AppState>, post: FormPost) -> Response {
    if let Some(res) = post.over_limit(&state) {
        return res;
    }
    let Some(pending) = cookie(&post.parts.headers, PENDING_COOKIE) else {
        return see_other("/accedi");
    };
    match backend::users::second_factor(&state.backend, &pending, &post.get("codice"), &post.client).await {
        Ok(outcome) => signed_in(&state, outcome, &post.get("ritorno")),
        // The half-session expired (ten minutes): start again.
        Err(backend::Error::Unauthenticated) => see_other("/accedi"),
        Err(e) => post.fail("verifica", e, &[]).await,
    }
}

/// Binds an OpenID Connect sign-in to the browser that started it (the callback must show the same `state`).
const OIDC_COOKIE: &str = "segnala_oidc";

/// `GET /accedi/oidc?ritorno=…`: off to the provider.
async fn oidc_begin(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let (parts, _) = req.into_parts();
    let post = FormPost::from_parts(&state, parts);
    match backend::users::oidc::begin(&state.backend, &after_sign_in(&post.get("ritorno"))).await {
        Ok(started) => {
            let mut res = see_other(&started.url);
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    &state,
                    OIDC_COOKIE,
                    &started.state,
                    backend::users::oidc::CALLBACK_PATH,
                    Some(600),
                ),
            );
            res
        }
        Err(e) => post.fail_on(Uri::from_static("/accedi"), "accedi", e, &[]).await,
    }
}

/// `GET /accedi/oidc/ritorno?code=…&state=…`: back from the provider.
async fn oidc_callback(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let (parts, _) = req.into_parts();
    let post = FormPost::from_parts(&state, parts);
    let login = Uri::from_static("/accedi");
    if let Some(res) = post.over_limit(&state) {
        return res;
    }
    let (code, returned_state) = (post.get("code"), post.get("state"));
    // The provider refused (the person cancelled, say), or the answer is not for this browser's sign-in.
    let ours = cookie(&post.parts.headers, OIDC_COOKIE).is_some_and(|c| !c.is_empty() && c == returned_state);
    if !post.get("error").is_empty() || code.is_empty() || !ours {
        tracing::info!(error = %post.get("error"), ours, "OpenID sign-in not completed");
        return post
            .fail_on(login, "accedi", backend::Error::LinkInvalid, &[])
            .await;
    }
    match backend::users::oidc::complete(&state.backend, &code, &returned_state, &post.client).await {
        Ok((outcome, return_to)) => {
            let mut res = signed_in(&state, outcome, &return_to);
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, OIDC_COOKIE, "", backend::users::oidc::CALLBACK_PATH, None),
            );
            res
        }
        Err(e) => post.fail_on(login, "accedi", e, &[]).await,
    }
}

async fn logout(State(state): State<AppState>, post: FormPost) -> Response {
    if let Some(token) = cookie(&post.parts.headers, backend::users::sessions::COOKIE)
        && let Err(e) = backend::users::logout(&state.backend, &token).await
    {
        return post.fail_on(Uri::from_static(MY_PAGE), "esci", e, &[]).await;
    }
    let mut res = see_other("/accedi?avviso=uscito");
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, backend::users::sessions::COOKIE, "", "/", None),
    );
    res
}

async fn register(State(state): State<AppState>, post: FormPost) -> Response {
    if let Some(res) = post.over_limit(&state) {
        return res;
    }
    let form = Registration {
        email: post.get("email"),
        name: post.get("nome"),
        password: post.get("password"),
        locale: post.locale,
    };
    match backend::users::register(&state.backend, &form).await {
        Ok(email) => see_other(&format!(
            "/registrati/inviata?a={}",
            form_urlencoded::byte_serialize(email.masked().as_bytes()).collect::<String>()
        )),
        Err(e) => post.fail("registrati", e, &["nome", "email"]).await,
    }
}

async fn confirm_email(State(state): State<AppState>, Path(token): Path<String>, post: FormPost) -> Response {
    if let Some(res) = post.over_limit(&state) {
        return res;
    }
    match backend::users::confirm_account(&state.backend, &token, &post.get("password"), &post.client).await {
        Ok(outcome) => signed_in(&state, outcome, "/la-mia-pagina"),
        Err(e) => post.fail("conferma", e, &[]).await,
    }
}

async fn forgot_password(State(state): State<AppState>, post: FormPost) -> Response {
    if let Some(res) = post.over_limit(&state) {
        return res;
    }
    match backend::users::request_password_reset(&state.backend, &post.get("email"), post.locale).await {
        Ok(()) => see_other("/password-dimenticata?inviata=1"),
        Err(e) => post.fail("dimenticata", e, &["email"]).await,
    }
}

async fn reset_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    post: FormPost,
) -> Response {
    if let Some(res) = post.over_limit(&state) {
        return res;
    }
    match backend::users::reset_password(&state.backend, &token, &post.get("password"), &post.client).await {
        Ok(Some(outcome)) => signed_in(&state, outcome, "/la-mia-pagina?avviso=password"),
        Ok(None) => see_other("/accedi?avviso=password"),
        Err(e) => post.fail("nuova", e, &[]).await,
    }
}

async fn change_password(State(state): State<AppState>, post: FormPost) -> Response {
    let result = backend::users::change_password(
        &state.backend,
        post.auth.as_ref(),
        &post.get("attuale"),
        &post.get("nuova"),
        &post.client,
    )
    .await;
    match result {
        Ok(session) => {
            let mut res = see_other("/la-mia-pagina?avviso=password");
            res.headers_mut()
                .append(header::SET_COOKIE, session_cookie(&state, &session));
            res
        }
        Err(e) => post.fail_on(Uri::from_static(MY_PAGE), "password", e, &[]).await,
    }
}

async fn preferences(State(state): State<AppState>, post: FormPost) -> Response {
    let result = backend::users::save_mail_settings(
        &state.backend,
        post.viewer(),
        &post.all("attive"),
        &post.get("lingua"),
    )
    .await;
    on_my_page(post, "notifiche", result, "/la-mia-pagina?avviso=salvato").await
}

async fn end_session(State(state): State<AppState>, Path(id): Path<i64>, post: FormPost) -> Response {
    let current = post.auth.as_ref().map(|a| a.session) == Some(SessionId(id));
    match backend::users::end_session(&state.backend, post.viewer(), SessionId(id)).await {
        Ok(()) if current => {
            let mut res = see_other("/accedi?avviso=uscito");
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, backend::users::sessions::COOKIE, "", "/", None),
            );
            res
        }
        Ok(()) => see_other("/la-mia-pagina?avviso=sessione"),
        Err(e) => post.fail_on(Uri::from_static(MY_PAGE), "sessioni", e, &[]).await,
    }
}

/// The answer to a sub-form of "La mia pagina": on to `ok`, or the page again with the error on `form`.
async fn on_my_page(post: FormPost, form: &str, result: backend::Result<()>, ok: &str) -> Response {
    match result {
        Ok(()) => see_other(ok),
        Err(e) => post.fail_on(Uri::from_static(MY_PAGE), form, e, &[]).await,
    }
}

async fn totp_begin(State(state): State<AppState>, post: FormPost) -> Response {
    let result = backend::users::totp::begin(&state.backend, post.viewer()).await;
    on_my_page(post, "verifica-attiva", result, "/la-mia-pagina#sezione-verifica").await
}

async fn totp_enable(State(state): State<AppState>, post: FormPost) -> Response {
    let result = backend::users::totp::enable(&state.backend, post.viewer(), &post.get("codice")).await;
    on_my_page(
        post,
        "verifica-attiva",
        result,
        "/la-mia-pagina?avviso=verifica-attiva",
    )
    .await
}

async fn totp_disable(State(state): State<AppState>, post: FormPost) -> Response {
    let result = backend::users::totp::disable(&state.backend, post.viewer(), &post.get("password")).await;
    on_my_page(
        post,
        "verifica-disattiva",
        result,
        "/la-mia-pagina?avviso=verifica-disattiva",
    )
    .await
}

/// The unsubscribe link's post: RFC 8058's one-click body from a mail client, or the page's buttons.
async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_FORM).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let one_click = fields
        .iter()
        .any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click");
    let undo = fields.iter().any(|(k, v)| k == "azione" && v == "riattiva");
    let result = if undo {
        backend::mail::resubscribe(&state.backend, &token).await
    } else {
        backend::mail::unsubscribe(&state.backend, &token).await
    };
    match (result, one_click) {
        (Ok(_), true) => (StatusCode::OK, "unsubscribed").into_response(),
        (Ok(_), false) => see_other(&format!(
            "/disiscrizione/{token}?fatto={}",
            if undo { "riattivato" } else { "disiscritto" }
        )),
        (Err(e), true) => (
            StatusCode::from_u16(e.code().http_status()).unwrap_or(StatusCode::BAD_REQUEST),
            e.code().as_str(),
        )
            .into_response(),
        // The page says what is wrong with the link.
        (Err(e), false) => {
            let status = StatusCode::from_u16(e.code().http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            // The same address without the query: the page says what is wrong with the link.
            if let Ok(uri) = Uri::try_from(parts.uri.path()) {
                parts.uri = uri;
            }
            let mut res = render_page(parts, FormFeedback::default()).await;
            *res.status_mut() = status;
            res
        }
    }
}

async fn send_test_mail(State(state): State<AppState>, post: FormPost) -> Response {
    match backend::mail::send_test(&state.backend, post.viewer(), &post.get("email"), post.locale).await {
        Ok(_) => see_other("/amministrazione/posta?avviso=prova"),
        Err(e) => {
            post.fail_on(Uri::from_static("/amministrazione/posta"), "prova", e, &["email"])
                .await
        }
    }
}

/// `GET /api/v1/me`: who the session cookie belongs to (401 when nobody).
async fn me(
    CurrentUser(auth): CurrentUser,
    ApiLocale(locale): ApiLocale,
) -> Result<Json<shared::Viewer>, ApiError> {
    auth.map(|a| Json(a.viewer))
        .ok_or_else(|| ApiError::new(backend::Error::Unauthenticated, locale))
}

#[cfg(test)]
mod tests {
    use super::after_sign_in;

    #[test]
    fn where_sign_in_leads() {
        assert_eq!(
            after_sign_in("/segnalazioni/SEG-2026-000001"),
            "/segnalazioni/SEG-2026-000001"
        );
        assert_eq!(after_sign_in(""), "/la-mia-pagina");
        assert_eq!(after_sign_in("/accedi"), "/la-mia-pagina");
        assert_eq!(after_sign_in("https://evil.example"), "/la-mia-pagina");
    }
}
