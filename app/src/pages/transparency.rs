//! The transparency pages: `/trasparenza` (the public statistics), `/trasparenza/resoconti` and
//! `/trasparenza/resoconti/{period}` (the monthly and annual reports), `/soddisfazione/{token}` (the
//! satisfaction questionnaire) and `/ufficio/cruscotto` (the staff dashboard).
//!
//! Rendered on the server only, with no browser bundle (`Bundle::Static`): tables, server-drawn SVG charts,
//! links and plain forms. The browser bundles carry none of it: in them these routes are empty stubs, never
//! reached, because every link here is `rel="external"`.

#[cfg(feature = "ssr")]
pub mod charts;
#[cfg(feature = "ssr")]
mod public;
#[cfg(feature = "ssr")]
mod staff;
#[cfg(feature = "ssr")]
mod survey;

#[cfg(feature = "ssr")]
pub use public::{PeriodListPage, PeriodPage, TransparencyPage};
#[cfg(feature = "ssr")]
pub use staff::DashboardPage;
#[cfg(feature = "ssr")]
pub use survey::SurveyPage;

#[cfg(not(feature = "ssr"))]
mod stubs {
    use leptos::prelude::*;

    #[component]
    pub fn TransparencyPage() -> impl IntoView {}
    #[component]
    pub fn PeriodListPage() -> impl IntoView {}
    #[component]
    pub fn PeriodPage() -> impl IntoView {}
    #[component]
    pub fn DashboardPage() -> impl IntoView {}
    #[component]
    pub fn SurveyPage() -> impl IntoView {}
}
#[cfg(not(feature = "ssr"))]
pub use stubs::*;

#[cfg(feature = "ssr")]
pub(crate) mod fmt {
    //! How figures read: durations, shares, averages, or why a figure is not shown.
    use shared::Locale;
    use shared::i18n::StatsMsg as S;
    use shared::stats::{Shown, human_duration};

    pub fn duration(s: Shown, min: i64, locale: Locale) -> String {
        match s {
            Shown::Value(v) => human_duration(v, locale == Locale::It),
            Shown::TooFew { .. } => too_few(min, locale),
        }
    }

    pub fn share(s: Shown, min: i64, locale: Locale) -> String {
        match s {
            Shown::Value(v) => format!("{:.0}%", v * 100.0),
            Shown::TooFew { .. } => too_few(min, locale),
        }
    }

    pub fn mark(s: Shown, min: i64, locale: Locale) -> String {
        match (s, locale) {
            (Shown::Value(v), Locale::It) => format!("{v:.1}").replace('.', ","),
            (Shown::Value(v), Locale::En) => format!("{v:.1}"),
            (Shown::TooFew { .. }, _) => too_few(min, locale),
        }
    }

    pub fn too_few(min: i64, locale: Locale) -> String {
        format!("{} {min} {}", locale.t(S::TooFew), locale.t(S::Reports))
    }
}
