//! The pages of people with an account: signing in and up, confirming the address, resetting the password,
//! "La mia pagina", and unsubscribing. They are in the full bundle only (`pages` feature in the browser build):
//! the public map's bundle stays small.

pub mod my_page;
pub mod sign_in;
pub mod unsubscribe;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::i18n::AccountMsg as A;

use crate::components::header::Header;
use crate::i18n::use_locale;

/// The notice a redirect asked the next page to show (`?avviso=…`): a fixed set, never free text.
pub fn notice_from_query() -> Option<A> {
    let query = use_query_map();
    let key = query.read_untracked().get("avviso")?;
    Some(match key.as_str() {
        "uscito" => A::NoticeSignedOut,
        "password" => A::NoticePasswordChanged,
        "sessione" => A::NoticeSessionEnded,
        "salvato" => A::NoticeSaved,
        "verifica-attiva" => A::NoticeTwoFactorOn,
        "verifica-disattiva" => A::NoticeTwoFactorOff,
        "accedi" => A::NoticeSignInFirst,
        "prova" => A::TestQueued,
        _ => return None,
    })
}

/// A status line for a notice (announced politely by screen readers).
#[component]
pub fn Notice(notice: Option<A>) -> impl IntoView {
    let locale = use_locale();
    notice.map(|n| view! { <p class="notice" role="status">{locale.t(n)}</p> })
}

/// The frame of an account page: title, header, a narrow main column.
#[component]
pub fn AccountFrame(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <Title text=title />
        <Header />
        <main class="page narrow account-page" id="contenuto" tabindex="-1">
            <h1>{title}</h1>
            {children()}
        </main>
    }
}
