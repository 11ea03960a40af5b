//! HTTP doors besides the Leptos pages: health, the REST API, the language switch, the forms, static files; and
//! the layers every response goes through (refusals in the app's shape, security headers, caching,
//! compression, request logs).
//!
//! Rooms: the doors by aggregate (`accounts`, `intake`, `work`, `admin`, `stats`, `browse`, `map`, `reports`,
//! `lang`, `health`), and the plumbing every door shares — `form` (form posts and their answers), `body`
//! (reading bodies within their limits), `locale` (the visitor's language), `extract` (path and query),
//! `refusal` and `error` (refusals in the app's shape), `doors` (the routes as a list), `session`, `origin`.

pub mod accounts;
pub mod admin;
pub mod body;
pub mod browse;
pub mod doors;
pub mod error;
pub mod extract;
pub mod form;
pub mod health;
pub mod intake;
pub mod lang;
pub mod locale;
pub mod map;
pub mod origin;
pub mod refusal;
pub mod reports;
pub mod session;
pub mod site;
pub mod static_files;
pub mod stats;
pub mod work;

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::Config;
use crate::state::AppState;

/// The non-page routes that need no session (health, language switch, map tiles, exports and feeds).
pub fn public_doors() -> doors::Doors {
    doors::Doors::new()
        .merge(health::doors())
        .merge(lang::doors())
        .merge(map::doors())
        .merge(browse::doors())
}

/// The routes that act for a person: the REST API and the forms. The pages and `#[server]` fns get the same
/// session layer in `startup`.
pub fn people_doors() -> doors::Doors {
    doors::Doors::new()
        .merge(reports::doors())
        .merge(accounts::doors())
        .merge(intake::doors())
        .merge(work::doors())
        .merge(admin::doors())
        .merge(site::doors())
        .merge(stats::doors())
}

/// Every door besides the pages, `#[server]` fns and files: what the refusal tests walk.
pub fn door_list() -> Vec<doors::Door> {
    let mut all = public_doors().list().to_vec();
    all.extend_from_slice(people_doors().list());
    all
}

/// The site's built files.
pub fn files(state: &AppState) -> Router<AppState> {
    static_files::router(state)
}

/// The Content-Security-Policy with the given `script-src` sources. Styles: `style` attributes are allowed (the
/// clusters' rings, the badges' colours, the mails' preview), `<style>` elements and sheets from elsewhere are not
/// (`style-src-elem`, CSP level 3; older browsers fall back to `style-src`): docs/security.md says why.
fn policy(config: &Config, script_src: &str) -> String {
    let tiles = config.tile_origin().unwrap_or_default();
    format!(
        "default-src 'self'; script-src {script_src} 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         style-src-elem 'self'; \
         img-src 'self' data: {tiles}; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The nonce of one response: made for every request by the `page_nonce` layer, given to Leptos as the page's
/// `Nonce` (the page context) and written into the same response's Content-Security-Policy by that layer. The
/// header is set here, at the HTTP layer, not through Leptos' `ResponseOptions`: those lost it in about one page
/// load in twenty under a browser's concurrent requests (the page then ran no script: no hydration, no map).
#[derive(Clone, Debug)]
pub struct PageNonce(pub String);

/// Middleware: a fresh nonce in the request's extensions; an HTML answer gets the pages' policy with it (inline
/// scripts only with this nonce), anything else keeps the script-less policy.
async fn page_nonce(template: Arc<str>, mut req: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    req.extensions_mut().insert(PageNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && let Ok(value) = HeaderValue::from_str(&template.replace("{nonce}", &nonce)) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
    res
}

/// Layers for every response.
pub fn layers(router: Router, state: &AppState) -> Router {
    // Pages get their own policy carrying the response's nonce (`page_nonce`); everything else (JSON, files)
    // runs no scripts at all.
    let csp = policy(&state.config, "'self'");
    let pages: Arc<str> = policy(&state.config, "'self' 'nonce-{nonce}'").into();
    let set = |name: HeaderName, value: &str| {
        SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static("")),
        )
    };
    router
        // Refusals written for whoever asked (the framework's own included), inside the layers below so that
        // they get the same headers and compression as any answer.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            refusal::shape,
        ))
        .layer(axum::middleware::from_fn(move |req: Request, next: Next| {
            page_nonce(pages.clone(), req, next)
        }))
        .layer(set(header::CONTENT_SECURITY_POLICY, &csp))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(set(
            HeaderName::from_static("permissions-policy"),
            "geolocation=(self), camera=(), microphone=()",
        ))
        .layer(set(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        // Pages and API answers (files under /pkg are already compressed and pass through untouched).
        // Level 4: most of brotli's gain at a small fraction of its top level's CPU, right for dynamic answers.
        .layer(
            CompressionLayer::new()
                .br(true)
                .gzip(true)
                .quality(CompressionLevel::Precise(4)),
        )
        // One line per request at INFO: method, path, status, latency.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}
