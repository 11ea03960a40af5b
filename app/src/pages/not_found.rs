//! Error pages and boxes.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::i18n::Msg;

use crate::components::header::Header;
use crate::error::AppError;
use crate::i18n::use_locale;

/// Makes the page being rendered on the server answer 404 (a no-op in the browser).
pub fn set_not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
}

/// The 404 page for unknown paths.
#[component]
pub fn NotFound() -> impl IntoView {
    set_not_found_status();
    let locale = use_locale();
    view! {
        <Title text=locale.t(Msg::NotFoundTitle) />
        <Header />
        <main class="page narrow" id="contenuto" tabindex="-1">
            <h1>{locale.t(Msg::NotFoundTitle)}</h1>
            <p role="alert" data-code=shared::ErrorCode::NotFound.as_str()>{locale.t(Msg::NotFoundText)}</p>
            <p><a href="/" rel="external">{locale.t(Msg::BackToMap)}</a></p>
        </main>
    }
}

/// An error inside a page, with a message for people (never internals).
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="error-box" role="alert" data-code=error.code().as_str()>
            <strong>{locale.t(Msg::ErrorTitle)}</strong>
            <p>{error.message(locale)}</p>
        </div>
    }
}
