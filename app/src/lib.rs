//! Segnala's user interface: a Leptos app rendered on the server and hydrated in the browser.
//!
//! - `shell` (server only) writes the HTML document around the app.
//! - `App` holds the routes, made from the table of pages (`page_table`); pages live in `pages`, pieces in
//!   `components`.
//! - `server_fns` are the thin doors from the browser into `backend`; forms post to the server's own doors.
//!
//! The browser gets one of three bundles (docs/build-notes.md): the public one — the map and report pages a
//! citizen loads first, kept small —, the reporting one (feature `reporting`), which adds filing a report (the
//! form, the receipt, the confirmation link), or the full one (feature `pages`), which adds the signed-in pages.
//! The server renders every page and tells the shell which bundle a page needs ([`bundle_for`]). Links from a
//! page to a page of a larger bundle are `rel="external"` (a full load, which fetches that bundle).
// Leptos views are deeply nested types; the report page passes the compiler's default depth.
#![recursion_limit = "256"]

pub mod auth;
pub mod components;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod live;
pub mod page_table;
pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod shell;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::Router;

use crate::auth::provide_auth;
use crate::i18n::provide_locale;

pub use page_table::{Bundle, PAGES, Page, bundle_for};

/// The application: routes and the per-request context (language, signed-in person, meta tags).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_locale();
    provide_auth();
    let site = crate::auth::use_site();
    view! {
        // The formatter of every page's title (the last one given wins, and pages give none): "Page · Comune di
        // Vigonza".
        <Title text="" formatter=move |t: String| title_text(site.title(&t)) />
        <Router>
            {page_table::routes()}
        </Router>
    }
}

/// A page's title as it goes into the document. Leptos writes the server's `<title>` without escaping it, and
/// titles carry people's words (a report's title): on the server they are escaped here, once for every page. In
/// the browser the title is set as text (`document.title`), which needs no escaping.
fn title_text(title: String) -> String {
    #[cfg(feature = "ssr")]
    {
        shared::html::escape_html(&title)
    }
    #[cfg(not(feature = "ssr"))]
    {
        title
    }
}

/// The browser's entry point, called by the module script the shell writes.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // The page is live (its events wired): tests wait for this mark instead of a guessed delay.
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("data-hydrated", "");
    }
}
