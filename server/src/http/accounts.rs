//! The account forms' doors: each post is read, handed to one `backend` service with the viewer and client, and
//! answered with a redirect (success) or the same page rendered again with the error and what was typed
//! (failure, with a 4xx status and `Retry-After` when it applies). Passwords are never sent back.

use app::forms::{FormFeedback, safe_return};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use backend::users::{LoginOutcome, Registration};
use shared::SessionId;

use super::body::{MAX_FORM_BYTES, form_fields};
use super::doors::Doors;
use super::error::ApiError;
use super::extract::Path;
use super::form::{FormPost, render_page, see_other};
use super::locale::ApiLocale;
use super::refusal::Refusal;
use super::session::{CurrentUser, DEVICE_COOKIE, PENDING_COOKIE, cookie, session_cookie, set_cookie};
use crate::state::AppState;

/// Where the sub-forms of "La mia pagina" are.
const MY_PAGE: &str = "/la-mia-pagina";

pub fn doors() -> Doors {
    Doors::new()
        .post("/accedi", login)
        .post("/accedi/verifica", second_factor)
        .get("/accedi/oidc", oidc_begin)
        .get(backend::users::oidc::CALLBACK_PATH, oidc_callback)
        .post("/esci", logout)
        .post("/registrati", register)
        .post("/conferma-email/{token}", confirm_email)
        .post("/password-dimenticata", forgot_password)
        .post("/nuova-password/{token}", reset_password)
        .post("/la-mia-pagina/password", change_password)
        .post("/la-mia-pagina/notifiche", preferences)
        .post("/la-mia-pagina/sessioni/{id}/termina", end_session)
        .post("/la-mia-pagina/verifica/inizia", totp_begin)
        .post("/la-mia-pagina/verifica/attiva", totp_enable)
        .post("/la-mia-pagina/verifica/disattiva", totp_disable)
        .post("/disiscrizione/{token}", unsubscribe)
        .post("/amministrazione/posta/prova", send_test_mail)
        .get("/api/v1/me", me)
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
    let fields = match form_fields(body, MAX_FORM_BYTES).await {
        Ok(f) => f,
        Err(e) => return Refusal::of(&e).into_response(),
    };
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
