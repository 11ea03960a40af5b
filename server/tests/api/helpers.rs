//! `spawn_app()`: the real server on a random port against a fresh database, a small cookie-keeping client, and
//! domain fixtures.

use std::collections::BTreeMap;
use std::sync::Mutex;

use backend::testing::{TestDb, create_category, create_office, create_report};
use server::state::AppState;
use server::{Application, Config};
use shared::{CategoryId, ContractorId, OfficeId, ReceiptCode, ReportId, Role, UserId};

/// The password of the tests' accounts (long enough for the rules, on no list of common ones).
pub const PASSWORD: &str = "una frase lunga abbastanza";

pub struct TestApp {
    pub base: String,
    pub db: TestDb,
    pub client: reqwest::Client,
    /// The running server's state (the backend's services, its hasher, its settings).
    pub state: AppState,
}

/// Tracing is silent in tests unless `TEST_LOG` is set.
fn init_logs() {
    if std::env::var("TEST_LOG").is_ok() {
        server::telemetry::init(server::config::LogFormat::Pretty);
    }
}

pub fn test_config(database_url: &str, site_root: &str) -> Config {
    config_with(database_url, site_root, &[])
}

/// A test configuration with extra environment variables.
pub fn config_with(database_url: &str, site_root: &str, extra: &[(&str, &str)]) -> Config {
    let mut env: BTreeMap<String, String> = [
        ("DATABASE_URL", database_url),
        ("SEGNALA_ADDR", "127.0.0.1:0"),
        ("SEGNALA_SITE_ROOT", site_root),
        // Cheap hashing: tests check behaviour, bench/ measures cost.
        ("SEGNALA_PASSWORD_MEMORY_KIB", "1024"),
        ("SEGNALA_PASSWORD_ITERATIONS", "1"),
        ("SEGNALA_RATE_LIMIT_PER_MINUTE", "0"),
        ("SEGNALA_REPORTS_PER_IP_PER_HOUR", "0"),
        ("SEGNALA_PHOTOS_PER_IP_PER_HOUR", "0"),
        ("SEGNALA_REPORTS_PER_ACCOUNT_PER_HOUR", "0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    // Photos of each test database in a folder of its own (the one `TestDb::photos_dir` names).
    let db_name = database_url
        .rsplit('/')
        .next()
        .unwrap_or("segnala")
        .split('?')
        .next()
        .unwrap_or("segnala");
    let photos = std::env::temp_dir().join("segnala-test-photos").join(db_name);
    env.insert("SEGNALA_PHOTOS".into(), photos.to_string_lossy().into_owned());
    for (k, v) in extra {
        env.insert((*k).to_owned(), (*v).to_owned());
    }
    let mut config = Config::from_lookup(move |k| env.get(k).cloned()).expect("test config");
    config.settings.accounts.min_answer_time = std::time::Duration::ZERO;
    config.settings.mail.retry_base = std::time::Duration::from_millis(200);
    config.settings.mail.retry_max = std::time::Duration::from_secs(1);
    config
}

/// Spawns the server; `site_root` defaults to an empty folder (pages render without a built bundle).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with_site(site_root: Option<&std::path::Path>) -> TestApp {
    spawn(site_root, &[]).await
}

/// Spawns the server with extra environment variables (`SEGNALA_SMTP_URL`, limits…).
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn(None, extra).await
}

async fn spawn(site_root: Option<&std::path::Path>, extra: &[(&str, &str)]) -> TestApp {
    init_logs();
    let db = TestDb::new().await;
    let app = spawn_on(&db, site_root, extra).await;
    TestApp { db, ..app }
}

/// Another server instance on the same database (for "several instances" tests). Its `db` is a handle on the
/// same database.
pub async fn spawn_on(db: &TestDb, site_root: Option<&std::path::Path>, extra: &[(&str, &str)]) -> TestApp {
    let site = site_root.map_or_else(
        || std::env::temp_dir().join("segnala-empty-site"),
        |p| p.to_path_buf(),
    );
    let app = Application::build(config_with(&db.url, &site.to_string_lossy(), extra))
        .await
        .expect("build application");
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    // A request that never ends fails its test after this long (instead of holding up the whole run).
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(90))
        .build()
        .expect("client");
    TestApp {
        base,
        db: db.handle(),
        client,
        state,
    }
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

    /// A browser on this site: keeps cookies, sends `Origin` on posts.
    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: Mutex::new(BTreeMap::new()),
        }
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

    /// A confirmed account with `role` (and one new office when the role needs one).
    pub async fn account(&self, email: &str, password: &str, role: Role) -> shared::UserId {
        let offices = if role.needs_office() {
            vec![create_office(&self.db.pool, &format!("Ufficio di {email}")).await]
        } else {
            vec![]
        };
        backend::users::create_account(
            &self.state.backend,
            None,
            &backend::users::NewAccount {
                email: email.into(),
                name: "Maria Rossi".into(),
                password: password.into(),
                role,
                offices,
                contractor: None,
                locale: shared::Locale::It,
            },
            true,
        )
        .await
        .expect("create account")
    }

    /// Rows of a table matching a condition (quick database assertions).
    pub async fn count(&self, sql_from_where: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select count(*) from {sql_from_where}"
        )))
        .fetch_one(&self.db.pool)
        .await
        .expect("count")
    }
}

/// A browser: cookies kept between requests (as `Set-Cookie` says), `Origin` sent with posts.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    cookies: Mutex<BTreeMap<String, String>>,
}

impl Browser<'_> {
    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .expect("cookies")
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&self, res: &reqwest::Response) {
        let mut jar = self.cookies.lock().expect("cookies");
        for sc in res.headers().get_all("set-cookie") {
            let sc = sc.to_str().expect("ascii");
            let (pair, attrs) = sc.split_once(';').unwrap_or((sc, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || attrs.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().expect("cookies").get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .expect("cookies")
            .insert(name.to_owned(), value.to_owned());
    }

    pub fn forget(&self, name: &str) {
        self.cookies.lock().expect("cookies").remove(name);
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        let res = self
            .app
            .client
            .get(format!("{}{path}", self.app.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
            .send()
            .await
            .expect("request");
        self.keep(&res);
        res
    }

    /// Files a report through `POST /api/v1/reports` as this browser (its session, its site), with PNG photos.
    pub async fn file_report(&self, report: &serde_json::Value, photos: Vec<Vec<u8>>) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new().text("report", report.to_string());
        for (i, bytes) in photos.into_iter().enumerate() {
            form = form.part(
                "photos",
                reqwest::multipart::Part::bytes(bytes)
                    .file_name(format!("foto{i}.png"))
                    .mime_str("image/png")
                    .expect("mime"),
            );
        }
        let res = self
            .app
            .client
            .post(format!("{}/api/v1/reports", self.app.base))
            .header("cookie", self.cookie_header())
            .header("origin", &self.app.base)
            .multipart(form)
            .send()
            .await
            .expect("request");
        self.keep(&res);
        res
    }

    /// A multipart form post (a file upload) from this site's own page.
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> reqwest::Response {
        let res = self
            .app
            .client
            .post(format!("{}{path}", self.app.base))
            .header("cookie", self.cookie_header())
            .header("origin", &self.app.base)
            .multipart(form)
            .send()
            .await
            .expect("request");
        self.keep(&res);
        res
    }

    /// A form post from this site's own page.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.post_from(path, form, Some(&self.app.base.clone())).await
    }

    /// A form post with the given `Origin` (`None`: no Origin header at all).
    pub async fn post_from(
        &self,
        path: &str,
        form: &[(&str, &str)],
        origin: Option<&str>,
    ) -> reqwest::Response {
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = self
            .app
            .client
            .post(format!("{}{path}", self.app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", self.cookie_header())
            .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
            .body(body);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let res = req.send().await.expect("request");
        self.keep(&res);
        res
    }

    /// Signs in; panics unless it worked.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let res = self
            .post("/accedi", &[("email", email), ("password", password)])
            .await;
        assert_eq!(
            res.status(),
            303,
            "sign-in of {email}: {}",
            res.text().await.unwrap_or_default()
        );
        assert!(self.cookie("segnala_session").is_some());
    }

    /// `GET /api/v1/me`'s status and email.
    pub async fn me(&self) -> (u16, Option<String>) {
        let res = self.get("/api/v1/me").await;
        let status = res.status().as_u16();
        let body: serde_json::Value = res.json().await.unwrap_or_default();
        (status, body["email"].as_str().map(str::to_owned))
    }
}

/// A municipality with two offices, two companies and a member of staff of every kind (`PASSWORD` each), and
/// one report of roads with its reporter's contact: the back office's tests start here.
pub struct Town {
    pub roads: OfficeId,
    pub parks: OfficeId,
    pub parks_category: i32,
    pub contractor: ContractorId,
    pub other_contractor: ContractorId,
    pub manager: UserId,
    pub code: String,
}

pub async fn staff(
    app: &TestApp,
    email: &str,
    name: &str,
    role: Role,
    offices: Vec<OfficeId>,
    contractor: Option<ContractorId>,
) -> UserId {
    backend::users::create_account(
        &app.state.backend,
        None,
        &backend::users::NewAccount {
            email: email.into(),
            name: name.into(),
            password: PASSWORD.into(),
            role,
            offices,
            contractor,
            locale: shared::Locale::It,
        },
        true,
    )
    .await
    .expect("create account")
}

pub async fn contractor(app: &TestApp, name: &str, email: &str) -> ContractorId {
    sqlx::query_scalar("insert into contractor (name, email) values ($1, $2) returning contractor_id")
        .bind(name)
        .bind(email)
        .fetch_one(&app.db.pool)
        .await
        .map(ContractorId)
        .expect("contractor")
}

pub async fn staff_town(app: &TestApp) -> Town {
    let roads = create_office(&app.db.pool, "Lavori pubblici").await;
    let parks = create_office(&app.db.pool, "Verde pubblico").await;
    let potholes = create_category(&app.db.pool, roads, "Buche stradali").await;
    let parks_category = create_category(&app.db.pool, parks, "Alberi e aree verdi").await;
    let c = contractor(app, "Asfalti Veneti S.r.l.", "ufficio@asfalti.example").await;
    let other_contractor = contractor(app, "Edilstrade S.p.A.", "info@edilstrade.example").await;
    staff(
        app,
        "urp@comune.example",
        "Paolo Zanon",
        Role::UrpOperator,
        vec![],
        None,
    )
    .await;
    let manager = staff(
        app,
        "rossi@comune.example",
        "ing. Marco Rossi",
        Role::OfficeManager,
        vec![roads],
        None,
    )
    .await;
    staff(
        app,
        "bianchi@comune.example",
        "geom. Luca Bianchi",
        Role::OfficeStaff,
        vec![roads],
        None,
    )
    .await;
    staff(
        app,
        "verdi@comune.example",
        "dott. Anna Verdi",
        Role::OfficeStaff,
        vec![parks],
        None,
    )
    .await;
    staff(
        app,
        "pavan@asfalti.example",
        "Sara Pavan",
        Role::Contractor,
        vec![],
        Some(c),
    )
    .await;
    staff(
        app,
        "neri@edilstrade.example",
        "Gino Neri",
        Role::Contractor,
        vec![],
        Some(other_contractor),
    )
    .await;
    staff(
        app,
        "admin@comune.example",
        "Giulia Ferri",
        Role::Administrator,
        vec![],
        None,
    )
    .await;
    let (id, code) = app
        .report(potholes, "Buca profonda in via Roma", 45.40, 11.87)
        .await;
    sqlx::query("insert into report_contact (report_id, email, phone, name) values ($1, 'maria@esempio.it', '+39 049 1234567', 'Maria Esposito')")
        .bind(id.0)
        .execute(&app.db.pool)
        .await
        .expect("contact");
    Town {
        roads,
        parks,
        parks_category: parks_category.0,
        contractor: c,
        other_contractor,
        manager,
        code: code.to_string(),
    }
}

/// Asserts an answer's status and that its page says `needle`; returns the page.
pub async fn expect_page(res: reqwest::Response, status: u16, needle: &str) -> String {
    let got = res.status().as_u16();
    let page = res.text().await.expect("a page");
    assert_eq!(got, status, "status of the page that should say {needle:?}");
    assert!(
        page.contains(needle),
        "the page should say {needle:?}:\n{}",
        page.chars().take(3000).collect::<String>()
    );
    page
}

/// The path of an absolute link to this site (`http://127.0.0.1:PORT/x` → `/x`).
pub fn path_of(link: &str) -> String {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    rest.find('/').map_or("/".into(), |i| rest[i..].to_owned())
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
