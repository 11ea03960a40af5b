//! The language of the current page, as context. The server reads the cookie; the browser reads `<html lang>`,
//! which the server wrote, so both render the same words.

use leptos::prelude::*;
use shared::Locale;

/// Works out this request's language and provides it to every component below.
pub fn provide_locale() {
    provide_context(current_locale());
}

/// The page's language (Italian unless the visitor chose otherwise).
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn current_locale() -> Locale {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(Locale::from_cookie)
        })
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn current_locale() -> Locale {
    document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|tag| Locale::from_tag(&tag))
        .unwrap_or_default()
}

/// The language of the request being served (for `#[server]` fns, which render text on the server).
#[cfg(feature = "ssr")]
pub fn request_locale() -> Locale {
    current_locale()
}
