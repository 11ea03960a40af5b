//! Test support (feature `testing`): a fresh database per test, cloned from a migrated template so it takes
//! a fraction of a second, and fixtures named after the domain.
//!
//! The server is the one of `TEST_DATABASE_URL` (a superuser connection), else `DATABASE_URL`, else the local
//! default `postgres://postgres@127.0.0.1:5432/postgres`.

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Utc};
use shared::{CategoryId, Description, LatLng, OfficeId, ReceiptCode, ReportId, ReportKind, Title};
use sqlx::{Connection, Executor, PgConnection, PgPool};

use crate::reports::store::{self, NewReport};

/// A database of its own for one test, dropped when the test is over (`SEGNALA_KEEP_TEST_DB=1` keeps them, to look
/// into a failure); handles on it ([`TestDb::handle`]) drop nothing.
pub struct TestDb {
    pub name: String,
    pub url: String,
    pub pool: PgPool,
    owner: bool,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.owner && std::env::var_os("SEGNALA_KEEP_TEST_DB").is_none() {
            drop_database(&self.name);
        }
    }
}

/// Drops the database `name`, closing whatever still holds it (a test's server, its pool). On a thread of its
/// own, so that it works from inside a test's runtime as from outside.
pub fn drop_database(name: &str) {
    let name = name.to_owned();
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        runtime.block_on(async {
            let mut conn = PgConnection::connect(&admin_url()).await.ok()?;
            conn.execute(sqlx::AssertSqlSafe(format!(
                "drop database if exists \"{name}\" with (force)"
            )))
            .await
            .ok()
        })
    })
    .join();
    if !matches!(dropped, Ok(Some(_))) {
        eprintln!("could not drop a test database; `scripts/test` drops what earlier runs left");
    }
}

/// Settings for tests: cheap password hashing (a few milliseconds instead of ~100), no padding of answers.
pub fn test_settings() -> crate::Settings {
    let mut s = crate::Settings::default();
    s.password.memory_kib = 1024;
    s.password.iterations = 1;
    s.accounts.min_answer_time = std::time::Duration::ZERO;
    s.mail.retry_base = std::time::Duration::from_millis(200);
    s.mail.retry_max = std::time::Duration::from_secs(1);
    s
}

/// The superuser URL tests create databases with.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The template's name changes whenever a migration does, so a stale template is never used.
fn template_name() -> String {
    let migrator = sqlx::migrate!("../migrations");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for m in migrator.iter() {
        for b in m.checksum.iter() {
            h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    format!("segnala_tpl_{:012x}", h & 0xffff_ffff_ffff)
}

impl TestDb {
    /// Creates `segnala_test_<pid>_<n>` from the migrated template (creating the template first if needed).
    pub async fn new() -> Self {
        let admin = admin_url();
        let tpl = template_name();
        let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!(
                "tests need PostgreSQL + PostGIS at {}: {e}",
                crate::db::redact(&admin)
            )
        });
        // One creator at a time, across threads and test binaries.
        conn.execute("select pg_advisory_lock(727001)")
            .await
            .expect("advisory lock");
        let exists: Option<i32> = sqlx::query_scalar("select 1 from pg_database where datname = $1")
            .bind(&tpl)
            .fetch_optional(&mut conn)
            .await
            .expect("look up template");
        if exists.is_none() {
            conn.execute(sqlx::AssertSqlSafe(format!("create database \"{tpl}\"")))
                .await
                .expect("create template");
            let pool = PgPool::connect(&with_database(&admin, &tpl))
                .await
                .expect("connect template");
            crate::db::check_server(&pool).await.expect("PostGIS present");
            crate::db::migrate(&pool).await.expect("migrate template");
            // Tests run in a town that has gone live long ago (the tests of going live close it first).
            sqlx::query("update site set opened_at = '2000-01-01'")
                .execute(&pool)
                .await
                .expect("open the test town");
            pool.close().await;
        }
        let name = format!(
            "segnala_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        conn.execute(sqlx::AssertSqlSafe(format!("drop database if exists \"{name}\"")))
            .await
            .expect("drop old");
        conn.execute(sqlx::AssertSqlSafe(format!(
            "create database \"{name}\" template \"{tpl}\" strategy file_copy"
        )))
        .await
        .expect("create test database");
        conn.execute("select pg_advisory_unlock(727001)")
            .await
            .expect("unlock");
        let url = with_database(&admin, &name);
        let pool = crate::db::pool_options(5)
            .connect(&url)
            .await
            .expect("connect test database");
        Self {
            name,
            url,
            pool,
            owner: true,
        }
    }

    /// Another handle on the same database (for a second server instance): dropping it drops nothing.
    pub fn handle(&self) -> Self {
        Self {
            name: self.name.clone(),
            url: self.url.clone(),
            pool: self.pool.clone(),
            owner: false,
        }
    }

    /// Keeps the database after this handle is dropped (the caller drops it, with [`drop_database`]).
    pub fn keep(&mut self) {
        self.owner = false;
    }

    /// The services' state over this database, with [`test_settings`] and a photo folder of its own.
    pub fn state(&self) -> crate::State {
        let mut settings = test_settings();
        settings.photos_url = self.photos_dir().to_string_lossy().into_owned();
        crate::State::new(self.pool.clone(), settings).expect("test state")
    }

    /// This test's photo folder (under the system's temporary folder, named after the database).
    pub fn photos_dir(&self) -> std::path::PathBuf {
        std::env::temp_dir().join("segnala-test-photos").join(&self.name)
    }
}

/// An office.
pub async fn create_office(pool: &PgPool, name: &str) -> OfficeId {
    sqlx::query_scalar("insert into office (name) values ($1) returning office_id")
        .bind(name)
        .fetch_one(pool)
        .await
        .map(OfficeId)
        .expect("create office")
}

/// A category of `office` with a 30-day SLA.
pub async fn create_category(pool: &PgPool, office: OfficeId, name: &str) -> CategoryId {
    sqlx::query_scalar(
        "insert into category (office_id, name, sla_days, duplicate_radius_m) values ($1, $2, 30, 50) \
         returning category_id",
    )
    .bind(office.0)
    .bind(name)
    .fetch_one(pool)
    .await
    .map(CategoryId)
    .expect("create category")
}

/// The town the statistics and map tests fill with random reports: two offices (Lavori pubblici with Buche
/// stradali and Illuminazione — a 7-day promise —, Ambiente with Rifiuti) and two districts, Ovest from `west` to
/// 11.85 and Est from there to 11.95, between `south` and `north`.
pub struct TwoOfficeTown {
    pub offices: Vec<i32>,
    /// Each category with its office.
    pub categories: Vec<(i32, i32)>,
    pub districts: Vec<i32>,
}

pub async fn two_office_town(pool: &PgPool, west: f64, south: f64, north: f64) -> TwoOfficeTown {
    let a = create_office(pool, "Lavori pubblici").await;
    let b = create_office(pool, "Ambiente").await;
    let c1 = create_category(pool, a, "Buche stradali").await.0;
    let c2 = create_category(pool, a, "Illuminazione").await.0;
    let c3 = create_category(pool, b, "Rifiuti").await.0;
    sqlx::query("update category set sla_days = 7 where category_id = $1")
        .bind(c2)
        .execute(pool)
        .await
        .expect("database");
    create_district(pool, "Ovest", west, south, 11.85, north).await;
    create_district(pool, "Est", 11.85, south, 11.95, north).await;
    let districts = sqlx::query_scalar("select area_id from area where kind = 'district' order by area_id")
        .fetch_all(pool)
        .await
        .expect("districts");
    TwoOfficeTown {
        offices: vec![a.0, b.0],
        categories: vec![(c1, a.0), (c2, a.0), (c3, b.0)],
        districts,
    }
}

/// A district: the rectangle `west, south, east, north`, inside a municipality of the same shape.
pub async fn create_district(pool: &PgPool, name: &str, w: f64, s: f64, e: f64, n: f64) {
    let municipality: i32 = sqlx::query_scalar(
        "insert into area (kind, name, boundary) values ('municipality', 'Comune di prova', \
         ST_Multi(ST_MakeEnvelope($1, $2, $3, $4, 4326))) \
         on conflict (kind, name_key(name)) do update set name = excluded.name returning area_id",
    )
    .bind(w)
    .bind(s)
    .bind(e)
    .bind(n)
    .fetch_one(pool)
    .await
    .expect("create municipality");
    sqlx::query(
        "insert into area (kind, parent_id, name, boundary) \
         values ('district', $1, $2, ST_Multi(ST_MakeEnvelope($3, $4, $5, $6, 4326)))",
    )
    .bind(municipality)
    .bind(name)
    .bind(w)
    .bind(s)
    .bind(e)
    .bind(n)
    .execute(pool)
    .await
    .expect("create district");
}

/// A town for reporting tests: a municipality (11.80–11.95 E, 45.35–45.45 N) with two districts, an office per category, the categories
/// (one disabled, one not offered in the east district and routed to another office in the west one), and a
/// small gazetteer. Returns (pothole category, disabled, restricted).
pub async fn reporting_town(pool: &PgPool) -> (i32, i32, i32) {
    let sql = r#"
        insert into area (kind, name, boundary) values
          ('municipality', 'Comune di prova', ST_Multi(ST_MakeEnvelope(11.80, 45.35, 11.95, 45.45, 4326)));
        insert into area (kind, parent_id, name, boundary)
          select 'district', area_id, 'Ovest', ST_Multi(ST_MakeEnvelope(11.80, 45.35, 11.875, 45.45, 4326))
          from area where kind = 'municipality';
        insert into area (kind, parent_id, name, boundary)
          select 'district', area_id, 'Est', ST_Multi(ST_MakeEnvelope(11.875, 45.35, 11.95, 45.45, 4326))
          from area where kind = 'municipality';
        insert into office (name) values ('Lavori pubblici'), ('Ambiente'), ('Polizia locale');
        insert into category (office_id, name, sla_days, duplicate_radius_m)
          select office_id, 'Buche stradali', 30, 250 from office where name = 'Lavori pubblici';
        insert into category (office_id, name, sla_days, enabled)
          select office_id, 'Vecchia categoria', 30, false from office where name = 'Lavori pubblici';
        insert into category (office_id, name, sla_days)
          select office_id, 'Rifiuti', 10 from office where name = 'Ambiente';
        insert into category_area_rule (category_id, area_id, offered)
          select c.category_id, a.area_id, false from category c, area a where c.name = 'Rifiuti' and a.name = 'Est';
        insert into category_area_rule (category_id, area_id, office_id)
          select c.category_id, a.area_id, o.office_id from category c, area a, office o
          where c.name = 'Rifiuti' and a.name = 'Ovest' and o.name = 'Polizia locale';
        insert into place (kind, name, geom) values
          ('street', 'via Roma', ST_GeomFromText('LINESTRING(11.86 45.40, 11.87 45.40)', 4326)),
          ('street', 'via del Santo', ST_GeomFromText('LINESTRING(11.90 45.40, 11.90 45.41)', 4326)),
          ('place', 'Prato della Valle', ST_GeomFromText('POINT(11.88 45.39)', 4326));
    "#;
    sqlx::raw_sql(sql).execute(pool).await.expect("town");
    let id = |name: &'static str| async move {
        sqlx::query_scalar::<_, i32>("select category_id from category where name = $1")
            .bind(name)
            .fetch_one(pool)
            .await
            .expect("category")
    };
    (
        id("Buche stradali").await,
        id("Vecchia categoria").await,
        id("Rifiuti").await,
    )
}

/// A signed-in person of `role` (id 7): office 1 when the role works for offices, company 3 for a contractor.
pub fn viewer(role: shared::Role) -> shared::Viewer {
    shared::Viewer {
        id: shared::UserId(7),
        name: "Maria Rossi".into(),
        email: "maria@esempio.it".into(),
        role,
        offices: if role.needs_office() {
            vec![OfficeId(1)]
        } else {
            vec![]
        },
        contractor: (role == shared::Role::Contractor).then_some(shared::ContractorId(3)),
    }
}

/// A public problem report at `lat, lng`, submitted at `at`.
pub async fn create_report_at(
    pool: &PgPool,
    category: CategoryId,
    title: &str,
    lat: f64,
    lng: f64,
    at: DateTime<Utc>,
    is_public: bool,
) -> (ReportId, ReceiptCode) {
    let mut tx = pool.begin().await.expect("begin");
    let created = store::insert(
        &mut tx,
        &NewReport::basic(
            ReportKind::Problem,
            category,
            LatLng::new(lat, lng).expect("valid point"),
            Title::parse(title).expect("valid title"),
            Description::parse("Descrizione di prova.").expect("valid description"),
            is_public,
            at,
        ),
    )
    .await
    .expect("insert report");
    tx.commit().await.expect("commit");
    created
}

/// A public problem report submitted now.
pub async fn create_report(
    pool: &PgPool,
    category: CategoryId,
    title: &str,
    lat: f64,
    lng: f64,
) -> (ReportId, ReceiptCode) {
    create_report_at(pool, category, title, lat, lng, Utc::now(), true).await
}

/// A real SMTP server for tests: Python's `aiosmtpd` in a process of its own, writing what it receives into a
/// maildir. `scripts/test` installs it (Debian's `python3-aiosmtpd`); `SEGNALA_TEST_PYTHON` picks the Python.
pub struct SmtpSink {
    pub port: u16,
    dir: std::path::PathBuf,
    child: Option<std::process::Child>,
}

/// A message as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Every header, names lower-cased.
    pub headers: Vec<(String, String)>,
}

impl ReceivedMail {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == &name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }

    /// The first link in the text part that starts with `prefix` (e.g. `http://127.0.0.1:4000/conferma-email/`).
    pub fn link(&self, prefix: &str) -> Option<String> {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with(prefix))
            .map(|w| w.trim_end_matches(LINK_END).to_owned())
    }
}

/// The text of the one compile-time-checked query in `.sqlx/` (the offline data of every `query!`) containing
/// every marker: tests EXPLAIN exactly what the services run, not a hand copy.
pub fn offline_query(markers: &[&str]) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.sqlx");
    let found: Vec<String> = std::fs::read_dir(&dir)
        .expect("read .sqlx")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .filter_map(|text| {
            let json: serde_json::Value = serde_json::from_str(&text).ok()?;
            Some(json["query"].as_str()?.to_owned())
        })
        .filter(|q| markers.iter().all(|m| q.contains(m)))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one query with {markers:?} in .sqlx, found {}",
        found.len()
    );
    found.into_iter().next().unwrap_or_default()
}

/// What may follow a link in running text without being part of it.
const LINK_END: [char; 4] = ['.', ',', ')', '>'];

/// The first link in `text` to this site's `path` (`/conferma/`, `/soddisfazione/`, `/nuova-password/`…), from
/// `path` on: `/conferma/Ab3…`. The one reading of a link in a message for every test.
pub fn link_path(text: &str, path: &str) -> Option<String> {
    text.split_whitespace().find_map(|w| {
        let i = w.find(path)?;
        Some(w[i..].trim_end_matches(LINK_END).to_owned())
    })
}

/// The token of the first link to `path` in `text`: what follows `path`.
pub fn link_token(text: &str, path: &str) -> Option<String> {
    link_path(text, path).map(|p| p[path.len()..].to_owned())
}

/// The path of the link to `path` in the newest outbox message to `to` (of `kind`, when given): the messages
/// as written, before any SMTP server.
pub async fn outbox_link(pool: &PgPool, to: &str, kind: Option<&str>, path: &str) -> String {
    let text: String = sqlx::query_scalar(
        "select body_text from outbox_mail where recipient = $1 and ($2::text is null or kind::text = $2)
         order by mail_id desc limit 1",
    )
    .bind(to)
    .bind(kind)
    .fetch_one(pool)
    .await
    .unwrap_or_else(|e| panic!("a message to {to} in the outbox: {e}"));
    link_path(&text, path).unwrap_or_else(|| panic!("a link to {path} in the message to {to}: {text}"))
}

/// Waits until `check` holds, at most `secs` seconds; then fails the test saying what was awaited. For every
/// "eventually" of the tests: a condition, never the clock alone.
pub async fn wait_until<F, Fut>(what: &str, secs: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !check().await {
        assert!(std::time::Instant::now() < deadline, "waited {secs} s for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Waits until every message of the outbox has been accepted by the SMTP server (at most `secs`): after that no
/// message can reach it again, so what the sink holds is final.
pub async fn wait_outbox_sent(pool: &PgPool, secs: u64) {
    wait_until("every message of the outbox to be sent", secs, || async {
        sqlx::query_scalar::<_, i64>("select count(*) from outbox_mail where status <> 'sent'")
            .fetch_one(pool)
            .await
            .is_ok_and(|n| n == 0)
    })
    .await;
}

fn python() -> String {
    std::env::var("SEGNALA_TEST_PYTHON").unwrap_or_else(|_| {
        if std::path::Path::new("/usr/bin/python3").exists() {
            "/usr/bin/python3".into()
        } else {
            "python3".into()
        }
    })
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub async fn start() -> Self {
        Self::start_on(free_port()).await
    }

    /// Starts a sink on `port` (to bring back a server that was "down").
    pub async fn start_on(port: u16) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "segnala-smtp-{}-{}-{port}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let mut sink = Self {
            port,
            dir,
            child: None,
        };
        sink.spawn().await;
        sink
    }

    async fn spawn(&mut self) {
        let child = std::process::Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.dir)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} -m aiosmtpd: {e}", python()));
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!(
                    "the SMTP sink exited ({status}): is aiosmtpd installed? `apt-get install python3-aiosmtpd` \
                     (scripts/test installs it), or set SEGNALA_TEST_PYTHON"
                );
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the SMTP sink did not listen on port {}", self.port);
    }

    /// `smtp://127.0.0.1:PORT` for `SEGNALA_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops the server (the messages it received stay readable).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("new")) else {
            return Vec::new();
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).collect();
        files.sort_by_key(|e| e.metadata().and_then(|m| m.modified()).ok());
        files
            .iter()
            .filter_map(|e| std::fs::read(e.path()).ok())
            .map(|raw| parse_mail(&raw))
            .collect()
    }

    /// The messages sent to `to`.
    pub fn messages_to(&self, to: &str) -> Vec<ReceivedMail> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.contains(to))
            .collect()
    }

    /// Waits until at least `n` messages went to `to` (at most `secs` seconds); returns them.
    pub async fn wait_for(&self, to: &str, n: usize, secs: u64) -> Vec<ReceivedMail> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            let got = self.messages_to(to);
            if got.len() >= n || std::time::Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn parse_mail(raw: &[u8]) -> ReceivedMail {
    let parsed = mailparse::parse_mail(raw).expect("a mail the sink received parses");
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| (h.get_key().to_ascii_lowercase(), h.get_value()))
        .collect();
    let get = |k: &str| {
        headers
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut text = String::new();
    let mut html = String::new();
    let mut parts = vec![&parsed];
    while let Some(p) = parts.pop() {
        match p.ctype.mimetype.as_str() {
            "text/plain" => text = p.get_body().unwrap_or_default(),
            "text/html" => html = p.get_body().unwrap_or_default(),
            _ => parts.extend(p.subparts.iter()),
        }
    }
    ReceivedMail {
        message_id: get("message-id"),
        to: get("to"),
        subject: get("subject"),
        text,
        html,
        headers,
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
