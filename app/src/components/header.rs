//! The top bar: name, who is signed in (with "La mia pagina" and "Esci") or "Accedi", and the language switch.
//! Plain links and one plain form, so it works without WASM.
//!
//! Links to the signed-in pages carry `rel="external"`: they are in the other browser bundle (lib.rs), so the
//! browser loads them as a new page instead of the client-side router looking for them.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::i18n::Msg;
use shared::{Locale, Role};

use crate::auth::use_signed_in;
use crate::i18n::use_locale;

/// Where the language switch sends the visitor: a server route sets the cookie and comes back to `back`.
pub fn switch_href(target: Locale, back: &str) -> String {
    format!("/lingua/{}?ritorno={}", target.tag(), encode_path(back))
}

/// Percent-encodes a same-site path for a query parameter (anything else becomes `/`).
pub use shared::url::encode_local_path as encode_path;

#[component]
pub fn Header() -> impl IntoView {
    let locale = use_locale();
    let site = crate::auth::use_site();
    let location = use_location();
    let here = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    let account = match use_signed_in() {
        Some(me) => view! {
            <div class="account-menu">
                <span class="signed-in">
                    <span class="visually-hidden">{locale.t(Msg::SignedInAs)} " "</span>
                    <span class="signed-in-name">{me.name}</span>
                    <span class="signed-in-role">{format!(" ({})", me.role.label(locale))}</span>
                </span>
                {(!matches!(me.role, Role::Citizen | Role::Moderator)).then(|| view! {
                    <a href="/ufficio" rel="external">{locale.t(Msg::Office)}</a>
                })}
                {matches!(me.role, Role::Administrator | Role::UrpOperator | Role::OfficeManager | Role::OfficeStaff | Role::Observer).then(|| view! {
                    <a href="/ufficio/cruscotto" rel="external">{locale.t(Msg::Dashboard)}</a>
                })}
                {matches!(me.role, Role::Moderator | Role::UrpOperator | Role::Administrator).then(|| view! {
                    <a href="/ufficio/moderazione" rel="external">{locale.t(Msg::Moderation)}</a>
                })}
                {(me.role == Role::Administrator).then(|| view! {
                    <a href="/amministrazione" rel="external">{locale.t(Msg::Administration)}</a>
                })}
                <a href="/la-mia-pagina" rel="external">{locale.t(Msg::MyPage)}</a>
                <form method="post" action="/esci" class="inline-form">
                    <button type="submit" class="link-button">{locale.t(Msg::SignOut)}</button>
                </form>
            </div>
        }
        .into_any(),
        None => view! {
            <div class="account-menu">
                <a
                    href=move || format!("/accedi?ritorno={}", encode_path(&location.pathname.get()))
                    rel="external"
                    class="sign-in"
                >
                    {locale.t(Msg::SignIn)}
                </a>
            </div>
        }
        .into_any(),
    };
    view! {
        // First on every page: keyboard and screen-reader users skip the header (every page's <main> is
        // `#contenuto`). External: the client router would take the in-page link and leave the focus behind.
        <a class="skip-link" href="#contenuto" rel="external">{locale.t(Msg::SkipToContent)}</a>
        <header class="site-header">
            // External: the map is in the public bundle, and this header is on pages of every bundle.
            <a class="brand" href="/" rel="external">
                {site.logo_url().map(|src| view! { <img class="brand-logo" src=src alt="" width="32" height="32" /> })}
                <span class="brand-name">{site.display_name().to_owned()}</span>
                <span class="brand-tagline">{shared::i18n::tagline(&site, locale)}</span>
            </a>
            <a class="transparency-link" href="/trasparenza" rel="external">{locale.t(Msg::Transparency)}</a>
            <a class="button new-report-link" href="/segnala" rel="external">{locale.t(shared::i18n::ReportMsg::NewReport)}</a>
            {account}
            <nav class="lang-switch" aria-label=locale.t(Msg::Language)>
                {Locale::ALL
                    .into_iter()
                    .map(|l| {
                        let current = l == locale;
                        view! {
                            <a
                                href=move || switch_href(l, &here())
                                hreflang=l.tag()
                                lang=l.tag()
                                aria-current=current.then_some("true")
                                class:current=current
                                rel="external nofollow"
                            >
                                {l.native_name()}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
        </header>
    }
}
