//! Building the application: database, router, listener; and running it until SIGTERM/Ctrl-C.

use std::sync::Arc;

use anyhow::Context;
use app::server_fns::reports::TileConfig;
use app::shell::{Assets, shell};
use axum::Router;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tokio::net::TcpListener;

use crate::config::Config;
use crate::http;

/// The axum state: everything a handler may need.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub backend: backend::State,
    pub assets: Assets,
    pub config: Arc<Config>,
}

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

/// The name the WASM bundle is built under (scripts/build, `[workspace.metadata.leptos]`).
pub const OUTPUT_NAME: &str = "segnala";

/// Builds the router over an existing pool (tests use this with their own database).
pub fn build_router(config: Config, pool: sqlx::PgPool) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(config.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let assets = Assets::load(&config.site_root, "pkg", OUTPUT_NAME);
    let state = AppState {
        leptos_options,
        backend: backend::State::new(pool),
        assets,
        config: Arc::new(config),
    };
    let context = {
        let backend = state.backend.clone();
        let tiles = TileConfig {
            url: state.config.tile_url.clone(),
            attribution: state.config.tile_attribution.clone(),
        };
        let csp = http::page_csp(&state);
        move || {
            provide_context(backend.clone());
            provide_context(tiles.clone());
            provide_context(csp.clone());
        }
    };
    let page_shell = {
        let assets = state.assets.clone();
        move |_: LeptosOptions| shell(assets.clone())
    };
    let routes = generate_route_list(app::App);
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let assets = state.assets.clone();
            move || shell(assets.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, page_shell,
        ));
    let router = http::router(&state).merge(pages).with_state(state.clone());
    http::layers(router, &state)
}

/// A server ready to run: connected, migrated, listening.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Connects to the database, checks PostGIS, migrates (unless disabled), binds the address.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let pool = backend::db::connect(&config.database_url, config.db_max_connections).await?;
        backend::db::check_server(&pool).await?;
        if config.migrate_on_start {
            backend::db::migrate(&pool).await?;
        }
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        let router = build_router(config, pool);
        Ok(Self { listener, router })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("server error")
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received: finishing requests in flight");
}
