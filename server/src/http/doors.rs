//! The HTTP doors as a list: each module's routes are added through [`Doors`], which builds the axum router and
//! records every route's method and path as it goes. The router is what serves; the list is what tests walk, so a
//! door added tomorrow is in the walk without anyone remembering to add it.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;

use crate::state::AppState;

/// One route: its method and its path as written for axum (`/segnalazioni/{code}/segui`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Door {
    pub method: Method,
    pub path: &'static str,
}

impl Door {
    /// The path's parameters, in order (`{code}`, `{*key}` → `code`, `key`).
    pub fn params(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(|p| p.trim_start_matches('*'))
            .collect()
    }

    /// The path with every parameter replaced by `value` (already percent-encoded as needed).
    pub fn with_params(&self, value: &str) -> String {
        self.path
            .split('/')
            .map(|s| if s.starts_with('{') { value } else { s })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// A router under construction, with the list of what it routes.
pub struct Doors {
    router: Router<AppState>,
    list: Vec<Door>,
}

impl Default for Doors {
    fn default() -> Self {
        Self::new()
    }
}

impl Doors {
    pub fn new() -> Self {
        Self {
            router: Router::new(),
            list: Vec::new(),
        }
    }

    /// `GET path` (and `HEAD`, as axum answers it).
    pub fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.route(path, Method::GET, axum::routing::get(handler))
    }

    /// `POST path`.
    pub fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.route(path, Method::POST, axum::routing::post(handler))
    }

    /// A route for one method, for a method router with layers of its own (a body limit, say).
    pub fn route(mut self, path: &'static str, method: Method, on: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, on);
        self.list.push(Door { method, path });
        self
    }

    /// A layer around the routes added so far (as [`Router::layer`]).
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: tower::Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<axum::extract::Request> + Clone + Send + Sync + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Response:
            axum::response::IntoResponse + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Error:
            Into<std::convert::Infallible> + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Future: Send + 'static,
    {
        self.router = self.router.layer(layer);
        self
    }

    /// Both sets of doors.
    pub fn merge(mut self, other: Doors) -> Self {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    /// The list of routes.
    pub fn list(&self) -> &[Door] {
        &self.list
    }

    /// The router.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_door_names_its_parameters() {
        let d = Door {
            method: Method::POST,
            path: "/segnalazioni/{code}/commenti/{id}/abuso",
        };
        assert_eq!(d.params(), ["code", "id"]);
        assert_eq!(d.with_params("abc"), "/segnalazioni/abc/commenti/abc/abuso");
        let photo = Door {
            method: Method::GET,
            path: "/foto/{*key}",
        };
        assert_eq!(photo.params(), ["key"]);
        assert_eq!(photo.with_params("x"), "/foto/x");
    }
}
