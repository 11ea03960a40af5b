//! Every page in one table: its address, the browser bundle it needs, how the server renders it, and its view.
//! The table drives both the routes (each bundle's router holds the pages of its bundle; the server's and the
//! full bundle's hold them all) and the shell's choice of bundle for an address ([`bundle_for`]). A page is
//! added here and nowhere else.

use std::borrow::Cow;

use leptos::children::ToChildren;
use leptos::prelude::*;
use leptos::tachys::view::iterators::StaticVec;
use leptos_router::any_nested_route::{AnyNestedRoute, IntoAnyNestedRoute};
use leptos_router::components::{RouteChildren, Routes, RoutesProps};
use leptos_router::{
    NestedRoute, ParamSegment, PartialPathMatch, PathSegment, PossibleRouteMatch, SsrMode, StaticSegment,
};

use crate::pages::not_found::NotFound;

/// Which browser bundle a page needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The map and report pages: what a citizen loads first.
    Public,
    /// Filing a report: the form, the receipt, the confirmation link.
    Reporting,
    /// Everything, signed-in pages included.
    Full,
    /// No WASM at all: pages made only of links and plain forms, rendered on the server.
    Static,
}

/// A page: its address in the router's syntax (`/segnalazioni/:code`) and its bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub path: &'static str,
    pub bundle: Bundle,
}

/// A route of the table, in the bundles that hold its page: the public bundle holds the public pages, the
/// reporting bundle the reporting ones; the server and the full bundle hold every page.
macro_rules! in_bundle {
    (Public, $routes:ident, $route:expr) => {
        #[cfg(any(feature = "ssr", feature = "pages", not(feature = "reporting")))]
        $routes.push($route);
    };
    (Reporting, $routes:ident, $route:expr) => {
        #[cfg(any(feature = "ssr", feature = "pages", feature = "reporting"))]
        $routes.push($route);
    };
    (Full, $routes:ident, $route:expr) => {
        #[cfg(any(feature = "ssr", feature = "pages"))]
        $routes.push($route);
    };
    (Static, $routes:ident, $route:expr) => {
        #[cfg(any(feature = "ssr", feature = "pages"))]
        $routes.push($route);
    };
}

macro_rules! pages {
    ($( $path:literal => $bundle:ident, $ssr:ident, $($view:ident)::+ ; )*) => {
        /// Every page, in the order the router tries them.
        pub const PAGES: &[Page] = &[$( Page { path: $path, bundle: Bundle::$bundle } ),*];

        /// The routes of the pages this build holds.
        fn page_routes() -> Vec<AnyNestedRoute> {
            #[allow(unused_mut)]
            let mut routes = Vec::new();
            $( in_bundle!($bundle, routes, route($path, SsrMode::$ssr, || $($view)::+())); )*
            routes
        }
    };
}

// `Async`: the whole page (list included) arrives in the first response, useful before or without WASM, and a
// missing report can answer 404. The others stream.
pages! {
    "/" => Public, Async, crate::pages::map::MapPage;
    "/elenco" => Static, Async, crate::pages::list::ListPage;
    "/segnalazioni/:code" => Public, Async, crate::pages::report::ReportPage;
    "/segnala" => Reporting, Async, crate::pages::new_report::NewReportPage;
    "/ricevuta/:code" => Reporting, Async, crate::pages::receipt::ReceiptPage;
    "/conferma/:token" => Reporting, Async, crate::pages::receipt::ConfirmActionPage;
    "/accedi" => Full, OutOfOrder, crate::pages::account::sign_in::LoginPage;
    "/accedi/verifica" => Full, OutOfOrder, crate::pages::account::sign_in::SecondFactorPage;
    "/registrati" => Full, OutOfOrder, crate::pages::account::sign_in::RegisterPage;
    "/registrati/inviata" => Full, OutOfOrder, crate::pages::account::sign_in::RegisterSentPage;
    "/conferma-email/:token" => Full, Async, crate::pages::account::sign_in::ConfirmEmailPage;
    "/password-dimenticata" => Full, OutOfOrder, crate::pages::account::sign_in::ForgotPasswordPage;
    "/nuova-password/:token" => Full, Async, crate::pages::account::sign_in::ResetPasswordPage;
    "/la-mia-pagina" => Full, Async, crate::pages::account::my_page::MyPageView;
    "/disiscrizione/:token" => Full, Async, crate::pages::account::unsubscribe::UnsubscribePage;
    "/amministrazione" => Full, Async, crate::pages::admin::AdminHome;
    "/amministrazione/posta" => Full, Async, crate::pages::admin::MailboxPage;
    "/amministrazione/posta/:id" => Full, Async, crate::pages::admin::MailPageView;
    "/amministrazione/registro" => Full, Async, crate::pages::admin::AuditPageView;
    "/ufficio" => Full, Async, crate::pages::office::InboxView;
    "/ufficio/nuova" => Full, Async, crate::pages::office::StaffNewReportPage;
    "/ufficio/moderazione" => Full, Async, crate::pages::office::ModerationPage;
    "/ufficio/segnalazioni/:code" => Full, Async, crate::pages::office::WorkPage;
    "/ufficio/cruscotto" => Static, Async, crate::pages::transparency::DashboardPage;
    "/trasparenza" => Static, Async, crate::pages::transparency::TransparencyPage;
    "/trasparenza/resoconti" => Static, Async, crate::pages::transparency::PeriodListPage;
    "/trasparenza/resoconti/:period" => Static, Async, crate::pages::transparency::PeriodPage;
    "/soddisfazione/:token" => Static, Async, crate::pages::transparency::SurveyPage;
    "/privacy" => Static, Async, crate::pages::site::PrivacyPage;
    "/accessibilita" => Static, Async, crate::pages::site::AccessibilityPage;
    "/note-legali" => Static, Async, crate::pages::site::LegalNotesPage;
    "/amministrazione/ente" => Static, Async, crate::pages::site::IdentityAdminPage;
}

/// The router's routes of this build, with the 404 page for anything else.
pub fn routes() -> impl IntoView {
    Routes(
        RoutesProps::builder()
            .fallback(|| view! { <NotFound /> })
            .children(RouteChildren::to_children(|| StaticVec::from(page_routes())))
            .build(),
    )
}

#[allow(dead_code)]
fn route<V: IntoView + 'static>(path: &'static str, ssr: SsrMode, view: fn() -> V) -> AnyNestedRoute {
    NestedRoute::new(PagePath(path), view)
        .ssr_mode(ssr)
        .into_any_nested_route()
}

/// A page's address in the router's syntax, matched segment by segment (`:name` takes one segment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PagePath(&'static str);

impl PagePath {
    fn segments(self) -> impl Iterator<Item = &'static str> {
        self.0.split('/').filter(|s| !s.is_empty())
    }
}

impl PossibleRouteMatch for PagePath {
    fn optional(&self) -> bool {
        false
    }

    fn test<'a>(&self, path: &'a str) -> Option<PartialPathMatch<'a>> {
        if self.0 == "/" {
            return ().test(path);
        }
        let mut rest = path;
        let mut matched = 0;
        let mut params: Vec<(Cow<'static, str>, String)> = Vec::new();
        for seg in self.segments() {
            let m = match seg.strip_prefix(':') {
                Some(name) => ParamSegment(name).test(rest)?,
                None => StaticSegment(seg).test(rest)?,
            };
            matched += m.matched().len();
            rest = m.remaining();
            params.extend(m.params());
        }
        Some(PartialPathMatch::new(rest, params, &path[..matched]))
    }

    fn generate_path(&self, path: &mut Vec<PathSegment>) {
        for seg in self.segments() {
            path.push(match seg.strip_prefix(':') {
                Some(name) => PathSegment::Param(name.into()),
                None => PathSegment::Static(seg.into()),
            });
        }
    }
}

/// Whether `path` (an address, without its query) is the page `pattern` (`/segnalazioni/:code`).
pub fn matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.split('/').filter(|s| !s.is_empty());
    let mut have = path.split('/').filter(|s| !s.is_empty());
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some(w), Some(h)) if w.starts_with(':') || w == h => {}
            _ => return false,
        }
    }
}

/// The bundle for an address: its page's, or the public one for an address that is no page (the 404 page).
pub fn bundle_for(path: &str) -> Bundle {
    PAGES
        .iter()
        .find(|p| matches(p.path, path))
        .map_or(Bundle::Public, |p| p.bundle)
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
            "/elencone",
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
        for p in [
            "/elenco",
            "/elenco/",
            "/trasparenza",
            "/trasparenza/resoconti/2026-10",
            "/ufficio/cruscotto",
        ] {
            assert_eq!(bundle_for(p), Bundle::Static, "{p}");
        }
    }

    #[test]
    fn every_page_is_its_own_bundles_and_named_once() {
        for (i, p) in PAGES.iter().enumerate() {
            assert_eq!(bundle_for(&p.path.replace(':', "x-")), p.bundle, "{}", p.path);
            assert!(PAGES[..i].iter().all(|q| q.path != p.path), "{} twice", p.path);
        }
    }

    #[test]
    fn a_page_path_matches_as_the_router_does() {
        let report = PagePath("/segnalazioni/:code");
        let m = report.test("/segnalazioni/SEG-2026-000001").expect("matches");
        assert!(m.is_complete());
        assert_eq!(
            m.params(),
            vec![(Cow::Borrowed("code"), "SEG-2026-000001".to_owned())]
        );
        assert!(report.test("/segnalazioni").is_none());
        let partial = report.test("/segnalazioni/X/commenti").expect("a prefix");
        assert!(
            !partial.is_complete(),
            "the rest is left for the router to refuse"
        );
        assert!(PagePath("/").test("/").expect("root").is_complete());
        assert!(
            !PagePath("/")
                .test("/elenco")
                .expect("root is a prefix")
                .is_complete()
        );
        let mut segs = Vec::new();
        PagePath("/trasparenza/resoconti/:period").generate_path(&mut segs);
        assert_eq!(
            segs,
            vec![
                PathSegment::Static("trasparenza".into()),
                PathSegment::Static("resoconti".into()),
                PathSegment::Param("period".into())
            ]
        );
    }
}
