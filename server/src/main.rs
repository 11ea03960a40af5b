//! `segnala`: the server binary.
//!
//! ```text
//! segnala [serve]            run the server (default)
//! segnala migrate            apply database migrations and exit
//! segnala seed-demo          load the demo municipality unless one is already loaded
//! segnala check-db           check the database is reachable and has PostGIS
//! ```

use anyhow::Context;
use server::{Application, Config, telemetry};

const USAGE: &str = "usage: segnala [serve | migrate | seed-demo [--reports N] | check-db]";

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("segnala: error: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if matches!(command, "-h" | "--help" | "help") {
        println!("{USAGE}");
        return Ok(());
    }
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    match command {
        "serve" => {
            let app = Application::build(config.clone()).await?;
            tracing::info!(
                port = app.port(),
                "Segnala is listening on http://{}",
                config.addr
            );
            app.run_until_stopped().await
        }
        "migrate" => {
            let pool = backend::db::connect(&config.database_url, 2).await?;
            backend::db::check_server(&pool).await?;
            backend::db::migrate(&pool).await?;
            println!("migrations applied");
            Ok(())
        }
        "check-db" => {
            let pool = backend::db::connect(&config.database_url, 2).await?;
            backend::db::check_server(&pool).await?;
            println!("database ok: {}", backend::db::redact(&config.database_url));
            Ok(())
        }
        "seed-demo" => {
            let mut opts = backend::seed::DemoOptions::default();
            if let Some(i) = args.iter().position(|a| a == "--reports") {
                opts.reports = args
                    .get(i + 1)
                    .and_then(|n| n.parse().ok())
                    .context("--reports needs a number")?;
            }
            let pool = backend::db::connect(&config.database_url, 2).await?;
            backend::db::check_server(&pool).await?;
            backend::db::migrate(&pool).await?;
            let mut conn = pool.acquire().await?;
            let summary = backend::seed::load_demo(&mut conn, &opts).await?;
            if summary.created {
                println!(
                    "demo municipality loaded: {} districts, {} offices, {} categories, {} reports, {} timeline entries",
                    summary.districts, summary.offices, summary.categories, summary.reports, summary.updates
                );
            } else {
                println!("demo municipality already present: nothing to do");
            }
            Ok(())
        }
        other => anyhow::bail!("unknown command {other:?}\n{USAGE}"),
    }
}
