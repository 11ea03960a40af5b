//! Segnala's user interface: a Leptos app rendered on the server and hydrated in the browser.
//!
//! - `shell` (server only) writes the HTML document around the app.
//! - `App` holds the routes; pages live in `pages`, pieces in `components`.
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
pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod shell;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::auth::provide_auth;
use crate::i18n::{provide_locale, use_locale};
use crate::pages::not_found::NotFound;
#[cfg(any(feature = "ssr", feature = "pages", not(feature = "reporting")))]
use crate::pages::{map::MapPage, report::ReportPage};
use shared::i18n::Msg;

/// Which browser bundle a page needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The map and report pages: what a citizen loads first.
    Public,
    /// Filing a report: the form, the receipt, the confirmation link.
    Reporting,
    /// Everything, signed-in pages included.
    Full,
    /// No WASM at all: pages made only of links and plain forms (the list view), rendered on the server.
    Static,
}

/// The bundle for a path: the public pages (and unknown paths, which show the public 404 page) get the small
/// one. Keep in step with the routes below.
pub fn bundle_for(path: &str) -> Bundle {
    const STATIC: [&str; 4] = ["/elenco", "/trasparenza", "/soddisfazione/", "/ufficio/cruscotto"];
    const REPORTING: [&str; 3] = ["/segnala", "/ricevuta/", "/conferma/"];
    const FULL: [&str; 9] = [
        "/accedi",
        "/registrati",
        "/conferma-email/",
        "/password-dimenticata",
        "/nuova-password/",
        "/la-mia-pagina",
        "/disiscrizione/",
        "/amministrazione",
        "/ufficio",
    ];
    let under = |p: &str| {
        path == p || (path.starts_with(p) && (p.ends_with('/') || path[p.len()..].starts_with('/')))
    };
    if STATIC.iter().any(|p| under(p)) {
        Bundle::Static
    } else if FULL.iter().any(|p| under(p)) {
        Bundle::Full
    } else if REPORTING.iter().any(|p| under(p)) {
        Bundle::Reporting
    } else {
        Bundle::Public
    }
}

/// The application: routes and the per-request context (language, signed-in person, meta tags).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_locale();
    provide_auth();
    let locale = use_locale();
    view! {
        <Title text=locale.t(Msg::AppName) />
        <Router>
            <AppRoutes />
        </Router>
    }
}

/// Every route: the server renders them all, and the full bundle hydrates them all.
#[cfg(any(feature = "ssr", feature = "pages"))]
#[component]
fn AppRoutes() -> impl IntoView {
    use crate::pages::account::my_page::MyPageView;
    use crate::pages::account::sign_in::{
        ConfirmEmailPage, ForgotPasswordPage, LoginPage, RegisterPage, RegisterSentPage, ResetPasswordPage,
        SecondFactorPage,
    };
    use crate::pages::account::unsubscribe::UnsubscribePage;
    use crate::pages::admin::{AdminHome, AuditPageView, MailPageView, MailboxPage};
    use crate::pages::list::ListPage;
    use crate::pages::new_report::NewReportPage;
    use crate::pages::office::{InboxView, ModerationPage, StaffNewReportPage, WorkPage};
    use crate::pages::receipt::{ConfirmActionPage, ReceiptPage};
    use crate::pages::transparency::{
        DashboardPage, PeriodListPage, PeriodPage, SurveyPage, TransparencyPage,
    };
    view! {
        <Routes fallback=|| view! { <NotFound /> }>
            // Async: the whole page (list included) arrives in the first response, so it is useful before
            // or without WASM, and a missing report can answer 404.
            <Route path=path!("/") view=MapPage ssr=SsrMode::Async />
            <Route path=path!("/elenco") view=ListPage ssr=SsrMode::Async />
            <Route path=path!("/segnalazioni/:code") view=ReportPage ssr=SsrMode::Async />
            <Route path=path!("/segnala") view=NewReportPage ssr=SsrMode::Async />
            <Route path=path!("/ricevuta/:code") view=ReceiptPage ssr=SsrMode::Async />
            <Route path=path!("/conferma/:token") view=ConfirmActionPage ssr=SsrMode::Async />
            <Route path=path!("/accedi") view=LoginPage />
            <Route path=path!("/accedi/verifica") view=SecondFactorPage />
            <Route path=path!("/registrati") view=RegisterPage />
            <Route path=path!("/registrati/inviata") view=RegisterSentPage />
            <Route path=path!("/conferma-email/:token") view=ConfirmEmailPage ssr=SsrMode::Async />
            <Route path=path!("/password-dimenticata") view=ForgotPasswordPage />
            <Route path=path!("/nuova-password/:token") view=ResetPasswordPage ssr=SsrMode::Async />
            <Route path=path!("/la-mia-pagina") view=MyPageView ssr=SsrMode::Async />
            <Route path=path!("/disiscrizione/:token") view=UnsubscribePage ssr=SsrMode::Async />
            <Route path=path!("/amministrazione") view=AdminHome ssr=SsrMode::Async />
            <Route path=path!("/amministrazione/posta") view=MailboxPage ssr=SsrMode::Async />
            <Route path=path!("/amministrazione/posta/:id") view=MailPageView ssr=SsrMode::Async />
            <Route path=path!("/amministrazione/registro") view=AuditPageView ssr=SsrMode::Async />
            <Route path=path!("/ufficio") view=InboxView ssr=SsrMode::Async />
            <Route path=path!("/ufficio/nuova") view=StaffNewReportPage ssr=SsrMode::Async />
            <Route path=path!("/ufficio/moderazione") view=ModerationPage ssr=SsrMode::Async />
            <Route path=path!("/ufficio/segnalazioni/:code") view=WorkPage ssr=SsrMode::Async />
            <Route path=path!("/ufficio/cruscotto") view=DashboardPage ssr=SsrMode::Async />
            <Route path=path!("/trasparenza") view=TransparencyPage ssr=SsrMode::Async />
            <Route path=path!("/trasparenza/resoconti") view=PeriodListPage ssr=SsrMode::Async />
            <Route path=path!("/trasparenza/resoconti/:period") view=PeriodPage ssr=SsrMode::Async />
            <Route path=path!("/soddisfazione/:token") view=SurveyPage ssr=SsrMode::Async />
        </Routes>
    }
}

/// The reporting bundle's routes: filing a report (its pages link to the others with `rel="external"`).
#[cfg(all(feature = "reporting", not(any(feature = "ssr", feature = "pages"))))]
#[component]
fn AppRoutes() -> impl IntoView {
    use crate::pages::new_report::NewReportPage;
    use crate::pages::receipt::{ConfirmActionPage, ReceiptPage};
    view! {
        <Routes fallback=|| view! { <NotFound /> }>
            <Route path=path!("/segnala") view=NewReportPage ssr=SsrMode::Async />
            <Route path=path!("/ricevuta/:code") view=ReceiptPage ssr=SsrMode::Async />
            <Route path=path!("/conferma/:token") view=ConfirmActionPage ssr=SsrMode::Async />
        </Routes>
    }
}

/// The public bundle's routes: the pages a citizen loads first.
#[cfg(not(any(feature = "ssr", feature = "pages", feature = "reporting")))]
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <NotFound /> }>
            <Route path=path!("/") view=MapPage ssr=SsrMode::Async />
            <Route path=path!("/segnalazioni/:code") view=ReportPage ssr=SsrMode::Async />
        </Routes>
    }
}

/// The browser's entry point, called by the module script the shell writes.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_get_their_bundle() {
        for p in [
            "/",
            "/segnalazioni/SEG-2026-000001",
            "/accediamo",
            "/nowhere",
            "/segnalaz",
        ] {
            assert_eq!(bundle_for(p), Bundle::Public, "{p}");
        }
        for p in ["/segnala", "/ricevuta/SEG-2026-000001", "/conferma/x"] {
            assert_eq!(bundle_for(p), Bundle::Reporting, "{p}");
        }
        for p in [
            "/accedi",
            "/accedi/verifica",
            "/registrati",
            "/registrati/inviata",
            "/conferma-email/abc",
            "/password-dimenticata",
            "/nuova-password/abc",
            "/la-mia-pagina",
            "/disiscrizione/x.all.y",
            "/amministrazione/posta",
            "/amministrazione/posta/3",
            "/amministrazione/registro",
            "/amministrazione",
            "/ufficio",
            "/ufficio/segnalazioni/SEG-2026-000001",
        ] {
            assert_eq!(bundle_for(p), Bundle::Full, "{p}");
        }
        for p in ["/elenco", "/elenco/"] {
            assert_eq!(bundle_for(p), Bundle::Static, "{p}");
        }
        assert_eq!(bundle_for("/elencone"), Bundle::Public);
    }
}
