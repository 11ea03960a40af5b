//! Segnala's user interface: a Leptos app rendered on the server and hydrated in the browser.
//!
//! - `shell` (server only) writes the HTML document around the app.
//! - `App` holds the routes; pages live in `pages`, pieces in `components`.
//! - `server_fns` are the thin doors from the browser into `backend`.

pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod shell;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::i18n::{provide_locale, use_locale};
use crate::pages::{map::MapPage, not_found::NotFound, report::ReportPage};
use shared::i18n::Msg;

/// The application: routes and the per-request context (language, meta tags).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_locale();
    let locale = use_locale();
    view! {
        <Title text=locale.t(Msg::AppName) />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                // Async: the whole page (list included) arrives in the first response, so it is useful before
                // or without WASM, and a missing report can answer 404.
                <Route path=path!("/") view=MapPage ssr=SsrMode::Async />
                <Route path=path!("/segnalazioni/:code") view=ReportPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// The browser's entry point, called by the module script the shell writes.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
