//! The pages of people with an account: signing in and up, confirming the address, resetting the password,
//! "La mia pagina", and unsubscribing. They are in the full bundle only (`pages` feature in the browser build):
//! the public map's bundle stays small.

pub mod my_page;
pub mod sign_in;
pub mod unsubscribe;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::i18n::Msg;

use crate::components::header::Header;
use crate::i18n::use_locale;

/// The notice a redirect asked the next page to show (`?avviso=…`): a fixed set, never free text.
pub fn notice_from_query() -> Option<Msg> {
    let query = use_query_map();
    let key = query.read_untracked().get("avviso")?;
    Some(match key.as_str() {
        "uscito" => Msg::NoticeSignedOut,
        "password" => Msg::NoticePasswordChanged,
        "sessione" => Msg::NoticeSessionEnded,
        "salvato" => Msg::NoticeSaved,
        "verifica-attiva" => Msg::NoticeTwoFactorOn,
        "verifica-disattiva" => Msg::NoticeTwoFactorOff,
        "accedi" => Msg::NoticeSignInFirst,
        "prova" => Msg::TestQueued,
        _ => return None,
    })
}

/// A status line for a notice (announced politely by screen readers).
#[component]
pub fn Notice(notice: Option<Msg>) -> impl IntoView {
    let locale = use_locale();
    notice.map(|n| view! { <p class="notice" role="status">{locale.t(n)}</p> })
}

/// The frame of an account page: title, header, a narrow main column.
#[component]
pub fn AccountFrame(title: Msg, children: Children) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Title text=format!("{} · {}", locale.t(title), locale.t(Msg::AppName)) />
        <Header />
        <main class="page narrow account-page" id="contenuto">
            <h1>{locale.t(title)}</h1>
            {children()}
        </main>
    }
}
