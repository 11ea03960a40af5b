//! Who is signed in, for the pages. The server resolves the session cookie once per request (a middleware puts
//! `backend::users::Authenticated` into the request's extensions); `#[server]` fns read it from there, and the
//! pages get a summary that travels into hydration with the page (`SharedValue`), so the header renders the same
//! on both sides without a request of its own.

use leptos::prelude::*;
use leptos::server::SharedValue;
use serde::{Deserialize, Serialize};
use shared::Role;
use shared::site::Site;

/// The signed-in person, as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub name: String,
    pub role: Role,
}

/// What the sign-in page offers besides a password (server configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthOptions {
    /// The label of the OpenID Connect button ("SPID / CIE"), when a provider is configured.
    pub oidc_label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PageContext {
    signed_in: Option<SignedIn>,
    options: AuthOptions,
    /// The municipality: its name, logo, contacts (the header, footer and titles of every page).
    site: Site,
}

/// Provides the signed-in person and the sign-in options to every component below (call once, in `App`).
pub fn provide_auth() {
    let ctx = SharedValue::new(read_context).into_inner();
    provide_context(ctx.signed_in);
    provide_context(ctx.options);
    provide_context(ctx.site);
}

/// The municipality the site serves.
pub fn use_site() -> Site {
    use_context::<Site>().unwrap_or_default()
}

/// The signed-in person, if any.
pub fn use_signed_in() -> Option<SignedIn> {
    use_context::<Option<SignedIn>>().flatten()
}

pub fn use_auth_options() -> AuthOptions {
    use_context::<AuthOptions>().unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn read_context() -> PageContext {
    PageContext {
        signed_in: authenticated().map(|a| SignedIn {
            name: a.viewer.name,
            role: a.viewer.role,
        }),
        options: use_context::<AuthOptions>().unwrap_or_default(),
        site: use_context::<http::request::Parts>()
            .and_then(|p| {
                p.extensions
                    .get::<std::sync::Arc<backend::site::SiteRecord>>()
                    .cloned()
            })
            .map(|r| r.site.clone())
            .unwrap_or_default(),
    }
}

/// Runs only when the page was not rendered by the server (never, in practice): nobody is signed in.
#[cfg(not(feature = "ssr"))]
fn read_context() -> PageContext {
    PageContext {
        signed_in: None,
        options: AuthOptions::default(),
        site: Site::default(),
    }
}

/// The session of the request being served (pages and `#[server]` fns alike).
#[cfg(feature = "ssr")]
pub fn authenticated() -> Option<backend::users::Authenticated> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<backend::users::Authenticated>()
        .cloned()
}
