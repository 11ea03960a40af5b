//! Who is asking: the session cookie resolved once per request, the client's address, and the cookies
//! themselves.
//!
//! [`resolve`] (a middleware on pages, `#[server]` fns and the REST API) turns the session cookie into
//! `backend::users::Authenticated` in the request's extensions. REST handlers read it with [`CurrentUser`];
//! Leptos pages and `#[server]` fns read the same extension (`app::auth::authenticated`). Either way the services
//! get the viewer as an argument and decide permissions themselves.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use backend::users::sessions::COOKIE as SESSION_COOKIE;
use backend::users::{Authenticated, ClientInfo};

use crate::state::AppState;

/// The trusted-device cookie (per address: spares the person on their usual browser the throttling that
/// strangers' failed sign-ins cause).
pub const DEVICE_COOKIE: &str = "segnala_device";
/// The half-finished session between the password and the second factor's code.
pub const PENDING_COOKIE: &str = "segnala_pending";

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: `HttpOnly; SameSite=Lax`, `Secure` unless the site is plain HTTP on loopback. `max_age`
/// `None` deletes the cookie.
pub fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let secure = if state.config.insecure_cookies_allowed() {
        ""
    } else {
        "; Secure"
    };
    let (value, age) = match max_age {
        Some(a) => (value, a),
        None => ("", 0),
    };
    let c = format!("{name}={value}; Path={path}; Max-Age={age}; HttpOnly; SameSite=Lax{secure}");
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The session's cookie for `session`.
pub fn session_cookie(state: &AppState, session: &backend::users::NewSession) -> HeaderValue {
    let age = (session.expires_at - chrono::Utc::now()).num_seconds().max(0);
    set_cookie(state, SESSION_COOKIE, &session.token, "/", Some(age))
}

/// Middleware: puts the request's `Authenticated` (if its session cookie is good) into its extensions.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // The municipality's identity, for the pages (this instance's copy: a lock and a pointer, no query).
    match backend::site::get(&state.backend).await {
        Ok(site) => {
            req.extensions_mut().insert(site);
        }
        Err(e) => tracing::warn!(error = %e, "cannot read the site's identity"),
    }
    if let Some(token) = cookie(req.headers(), SESSION_COOKIE) {
        match backend::users::sessions::authenticate(&state.backend, &token).await {
            Ok(Some(auth)) => {
                req.extensions_mut().insert(auth);
            }
            Ok(None) => {}
            // The page itself will fail on the database in a moment, with the right status; here, no session.
            Err(e) => tracing::warn!(error = %e, "cannot read the session"),
        }
    }
    next.run(req).await
}

/// The signed-in person of a request (`None`: nobody).
pub struct CurrentUser(pub Option<Authenticated>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(CurrentUser(parts.extensions.get::<Authenticated>().cloned()))
    }
}

/// The client's address: the connection's, or — behind a trusted proxy (`SEGNALA_CLIENT_IP_HEADER`) — the one the
/// proxy wrote. With `X-Forwarded-For` that is the last entry: the one the trusted proxy appended itself (earlier
/// ones come from the client and can be anything).
pub fn client_ip(parts: &Parts, proxy_header: Option<&str>) -> Option<IpAddr> {
    if let Some(h) = proxy_header {
        let value = parts
            .headers
            .get_all(h)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .next_back()?;
        let last = value.rsplit(',').next()?.trim();
        // `Forwarded: for=1.2.3.4` and `for="[2001:db8::1]:4711"`.
        let last = last
            .split(';')
            .find_map(|p| p.trim().strip_prefix("for="))
            .unwrap_or(last)
            .trim_matches('"');
        let last = last
            .strip_prefix('[')
            .and_then(|l| l.split(']').next())
            .unwrap_or(last);
        return last
            .parse()
            .ok()
            .or_else(|| last.parse::<SocketAddr>().ok().map(|s| s.ip()));
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// Address and browser of the request, for sessions and limits.
pub fn client_info(parts: &Parts, proxy_header: Option<&str>) -> ClientInfo {
    ClientInfo {
        ip: client_ip(parts, proxy_header),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut b = axum::http::Request::builder();
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).expect("request").into_parts().0
    }

    #[test]
    fn cookies_and_addresses() {
        let p = parts(&[("cookie", "a=1; segnala_session=abc; b=2")]);
        assert_eq!(cookie(&p.headers, "segnala_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&p.headers, "c"), None);
        let p = parts(&[("x-forwarded-for", "6.6.6.6, 10.0.0.7")]);
        assert_eq!(client_ip(&p, Some("x-forwarded-for")), "10.0.0.7".parse().ok());
        assert_eq!(
            client_ip(&p, None),
            None,
            "no proxy trusted: the connection's address only"
        );
        let p = parts(&[("forwarded", "for=\"[2001:db8::1]:4711\";proto=https")]);
        assert_eq!(client_ip(&p, Some("forwarded")), "2001:db8::1".parse().ok());
        let p = parts(&[("x-real-ip", "not an address")]);
        assert_eq!(client_ip(&p, Some("x-real-ip")), None);
    }
}
