//! The top bar: name, and the language switch (plain links, so it works without WASM).

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::Locale;
use shared::i18n::Msg;

use crate::i18n::use_locale;

/// Where the language switch sends the visitor: a server route sets the cookie and comes back to `back`.
pub fn switch_href(target: Locale, back: &str) -> String {
    let back = if back.starts_with('/') && !back.starts_with("//") {
        back
    } else {
        "/"
    };
    let mut encoded = String::new();
    for b in back.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                encoded.push(b as char)
            }
            _ => encoded.push_str(&format!("%{b:02X}")),
        }
    }
    format!("/lingua/{}?ritorno={encoded}", target.tag())
}

#[component]
pub fn Header() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let here = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-name">{locale.t(Msg::AppName)}</span>
                <span class="brand-tagline">{locale.t(Msg::Tagline)}</span>
            </a>
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
