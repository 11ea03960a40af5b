//! `spawn_app()`: the real server on a random port against a fresh database, and domain fixtures.

use backend::testing::{TestDb, create_category, create_office, create_report};
use server::{Application, Config};
use shared::{CategoryId, ReceiptCode, ReportId};

pub struct TestApp {
    pub base: String,
    pub db: TestDb,
    pub client: reqwest::Client,
}

/// Tracing is silent in tests unless `TEST_LOG` is set.
fn init_logs() {
    if std::env::var("TEST_LOG").is_ok() {
        server::telemetry::init(server::config::LogFormat::Pretty);
    }
}

pub fn test_config(database_url: &str, site_root: &str) -> Config {
    let url = database_url.to_owned();
    let site_root = site_root.to_owned();
    Config::from_lookup(move |k| match k {
        "DATABASE_URL" => Some(url.clone()),
        "SEGNALA_ADDR" => Some("127.0.0.1:0".into()),
        "SEGNALA_SITE_ROOT" => Some(site_root.clone()),
        _ => None,
    })
    .expect("test config")
}

/// Spawns the server; `site_root` defaults to an empty folder (pages render without a built bundle).
pub async fn spawn_app() -> TestApp {
    spawn_app_with_site(None).await
}

pub async fn spawn_app_with_site(site_root: Option<&std::path::Path>) -> TestApp {
    init_logs();
    let db = TestDb::new().await;
    let site = site_root.map_or_else(
        || std::env::temp_dir().join("segnala-empty-site"),
        |p| p.to_path_buf(),
    );
    let app = Application::build(test_config(&db.url, &site.to_string_lossy()))
        .await
        .expect("build application");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp { base, db, client }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request")
    }

    /// Calls a `#[server]` fn the way the browser does (URL-encoded POST).
    pub async fn server_fn(&self, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.client
            .post(format!("{}/api/{name}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// Lavori pubblici → Buche stradali.
    pub async fn pothole_category(&self) -> CategoryId {
        let office = create_office(&self.db.pool, "Lavori pubblici").await;
        create_category(&self.db.pool, office, "Buche stradali").await
    }

    pub async fn report(
        &self,
        category: CategoryId,
        title: &str,
        lat: f64,
        lng: f64,
    ) -> (ReportId, ReceiptCode) {
        create_report(&self.db.pool, category, title, lat, lng).await
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
