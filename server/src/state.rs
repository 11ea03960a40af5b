//! The axum state: what every handler may need, built once by `startup`. A room of its own, below the doors
//! and startup, so that the doors depend on it and nothing here depends on a door.

use std::sync::Arc;

use app::shell::Assets;
use axum::Router;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use tokio::sync::watch;

use crate::config::Config;
use crate::limits::IpLimiter;

/// What every page render provides as Leptos context (the routes, and forms rendered again after a failed post).
pub type PageContext = Arc<dyn Fn() + Send + Sync>;

/// The axum state: everything a handler may need.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub backend: backend::State,
    pub assets: Assets,
    pub config: Arc<Config>,
    pub limiter: IpLimiter,
    /// Per-IP limits on new reports and on their photos.
    pub report_limiter: IpLimiter,
    pub photo_limiter: IpLimiter,
    pub page_context: PageContext,
    /// Set when the server starts to stop: long-lived answers (the live event streams) end then, so that the
    /// graceful shutdown does not wait for them for ever.
    pub stopping: watch::Receiver<bool>,
    pub(crate) stop: Arc<watch::Sender<bool>>,
}

/// The page routes, for rendering a page again in answer to a failed form post. Every request carries them as
/// an extension: the routes hold the state, so the state must not hold them (an `Arc` cycle would keep the
/// database pool of a stopped server open for ever).
#[derive(Clone)]
pub struct PageRoutes(pub Router);

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

impl FromRef<AppState> for backend::State {
    fn from_ref(s: &AppState) -> Self {
        s.backend.clone()
    }
}

impl AppState {
    /// Asks the server to stop as SIGTERM does: it finishes the requests in flight, then its background tasks.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}
