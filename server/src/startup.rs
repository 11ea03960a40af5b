//! Building the application: database, router, listener, mail workers; and running it until SIGTERM/Ctrl-C.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use app::auth::AuthOptions;
use app::server_fns::mail::SmtpConfigured;
use app::server_fns::reports::TileConfig;
use app::shell::{Assets, shell};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::http;
use crate::limits::IpLimiter;
use crate::state::{AppState, PageContext, PageRoutes};

/// The name the WASM bundle is built under (scripts/lib.sh, `[workspace.metadata.leptos]`).
pub const OUTPUT_NAME: &str = "segnala";

/// The state over an existing pool (tests use this with their own database).
pub fn app_state(config: Config, pool: sqlx::PgPool) -> anyhow::Result<AppState> {
    let leptos_options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(config.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let assets = Assets::load(&config.site_root, "pkg", OUTPUT_NAME);
    let backend = backend::State::new(pool, config.settings.clone())?;
    backend.photos.ready().context("opening the photo storage")?;
    let tiles = TileConfig {
        url: config.tile_url.clone(),
        attribution: config.tile_attribution.clone(),
    };
    let auth_options = AuthOptions {
        oidc_label: config.settings.oidc.as_ref().map(|o| o.label.clone()),
    };
    let smtp = SmtpConfigured(config.smtp.is_some());
    let page_context: PageContext = {
        let backend = backend.clone();
        Arc::new(move || {
            provide_context(backend.clone());
            provide_context(tiles.clone());
            // The nonce the `page_nonce` layer wrote into this response's policy (replacing the one Leptos made).
            if let Some(n) = leptos::prelude::use_context::<axum::http::request::Parts>()
                .and_then(|p| p.extensions.get::<http::PageNonce>().cloned())
            {
                provide_context(leptos::nonce::Nonce::from_value(n.0));
            }
            provide_context(auth_options.clone());
            provide_context(smtp);
        })
    };
    let (stop, stopping) = watch::channel(false);
    Ok(AppState {
        stopping,
        stop: Arc::new(stop),
        leptos_options,
        backend,
        assets,
        limiter: IpLimiter::new(config.auth_requests_per_minute),
        report_limiter: IpLimiter::per_hour(config.reports_per_ip_per_hour),
        photo_limiter: IpLimiter::per_hour(config.photos_per_ip_per_hour),
        config: Arc::new(config),
        page_context,
    })
}

/// Builds the router over an existing pool (tests use this with their own database).
pub fn build_router(config: Config, pool: sqlx::PgPool) -> anyhow::Result<Router> {
    Ok(router(app_state(config, pool)?))
}

/// The page routes, listed once per process. Listing them runs the app with resource loading switched off by a
/// process-wide flag (leptos_server's `SuppressResourceLoad`): a page whose resource first polls while another
/// router is being built waits forever (leptos-rs/leptos#4773). One server builds one router, but the API tests
/// build one per test, in parallel, in one process — an SSR page hung there about once in a hundred runs.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::LazyLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::LazyLock::new(|| generate_route_list(app::App));
    ROUTES.clone()
}

/// The paths of the page routes the server renders (in the router's syntax, `/segnalazioni/:code`).
pub fn page_paths() -> Vec<String> {
    route_list().iter().map(|r| r.path().to_owned()).collect()
}

/// The whole router: pages, `#[server]` fns, REST, forms, files; sessions resolved and cross-site posts refused.
pub fn router(state: AppState) -> Router {
    let context = {
        let c = state.page_context.clone();
        move || c()
    };
    let page_shell = {
        let assets = state.assets.clone();
        move |_: LeptosOptions| shell(assets.clone())
    };
    let routes = route_list();
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let assets = state.assets.clone();
            move || shell(assets.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, page_shell,
        ));
    // A failed form post renders its page again through these very routes (one rendering path); its request
    // already carries the session the middleware resolved.
    let page_routes = PageRoutes(pages.clone().with_state(state.clone()));
    // Pages, server fns, the REST API and the forms all see the person behind the session cookie.
    let with_people = http::people_doors()
        .into_router()
        .merge(pages)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::session::resolve,
        ))
        .layer(axum::Extension(page_routes));
    let router = http::public_doors()
        .into_router()
        .merge(http::files(&state))
        .merge(with_people)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::origin::same_origin,
        ))
        .with_state(state.clone());
    http::layers(router, &state)
}

/// A server ready to run: connected, migrated, listening.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Connects to the database, checks PostGIS, migrates (unless disabled), binds the address.
    pub async fn build(mut config: Config) -> anyhow::Result<Self> {
        let pool = backend::db::connect(&config.database_url, config.db_max_connections).await?;
        backend::db::check_server(&pool).await?;
        if config.migrate_on_start {
            backend::db::migrate(&pool).await?;
        }
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        // Port 0 (tests, or "any free port"): links in emails need the port actually bound.
        if let (Some(base), Ok(bound)) = (
            config.settings.public_url.strip_suffix(":0"),
            listener.local_addr(),
        ) {
            config.settings.public_url = format!("{base}:{}", bound.port());
        }
        Ok(Self {
            listener,
            state: app_state(config, pool)?,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    /// The services' state (tests reach the database and the hasher through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight. Mail workers (with SMTP configured)
    /// and housekeeping run beside it and stop with it.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let stop_tx = self.state.stop.clone();
        let stop = self.state.stopping.clone();
        let mut background = Vec::new();
        match &self.state.config.smtp {
            Some(smtp) => {
                background.extend(backend::mail::sender::start(
                    self.state.backend.clone(),
                    smtp,
                    stop.clone(),
                )?);
                tracing::info!(workers = smtp.workers, "mail: sending the outbox over SMTP");
            }
            None => tracing::info!(
                "mail: no SMTP server configured (SEGNALA_SMTP_URL); messages stay in the outbox, \
                 readable by administrators at /amministrazione/posta"
            ),
        }
        background.push(tokio::spawn(housekeeping(self.state.clone(), stop.clone())));
        background.push(tokio::spawn(backend::stats::run(
            self.state.backend.clone(),
            stop.clone(),
        )));
        background.push(tokio::spawn(backend::live::run(
            self.state.backend.clone(),
            stop.clone(),
        )));
        let app = router(self.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let signalled = stop_tx.clone();
        let mut asked = stop.clone();
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(async move {
                // SIGTERM or Ctrl-C, or `AppState::stop` (an embedding program, the tests).
                tokio::select! {
                    () = shutdown_signal() => {}
                    _ = asked.wait_for(|stopping| *stopping) => {}
                }
                let _ = signalled.send(true);
            })
            .await
            .context("server error");
        let _ = stop_tx.send(true);
        for h in background {
            let _ = tokio::time::timeout(Duration::from_secs(10), h).await;
        }
        served
    }
}

/// Every few minutes: expired sessions and sign-in attempts out of the database, idle addresses out of the
/// per-IP limiter.
async fn housekeeping(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        state.limiter.shrink();
        match backend::users::sessions::purge_expired(&state.backend).await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping: cannot purge sessions"),
        }
        if let Ok(mut conn) = state.backend.pool.acquire().await {
            let _ = backend::users::throttle::purge(&mut conn, Duration::from_secs(86_400)).await;
        }
        state.report_limiter.shrink();
        state.photo_limiter.shrink();
        if let Err(e) = backend::reports::intake::purge_unconfirmed(&state.backend).await {
            tracing::warn!(error = %e, "housekeeping: cannot purge unconfirmed reports");
        }
        let grace = state.backend.settings.reports.orphan_grace;
        if let Err(e) = backend::photos::sweep_orphans(&state.backend, grace, false).await {
            tracing::warn!(error = %e, "housekeeping: cannot sweep orphan photos");
        }
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
