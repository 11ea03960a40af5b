//! Connecting, checking the server is fit, and migrating.

use std::time::Duration;

use anyhow::{Context, bail};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

/// The oldest PostGIS Segnala runs on (the `ST_*` functions and GiST behaviour it relies on).
pub const MIN_POSTGIS: (u32, u32) = (3, 3);
/// The oldest PostgreSQL.
pub const MIN_POSTGRES: u32 = 15;

/// Pool settings. A short acquire timeout turns "database down" into a quick 503 instead of a hung request.
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(3))
        .idle_timeout(Duration::from_secs(300))
}

/// Connects, failing with a clear message when the server cannot be reached.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    pool_options(max_connections)
        .connect(url)
        .await
        .with_context(|| format!("cannot connect to PostgreSQL at {}", redact(url)))
}

/// Hides the password of a connection URL for logs and messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Parses "3.3.2" or "3.4.0dev" into (major, minor).
fn major_minor(v: &str) -> Option<(u32, u32)> {
    let mut it = v.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// Refuses to go on when PostgreSQL or PostGIS is missing or too old, saying what to install.
pub async fn check_server(pool: &PgPool) -> anyhow::Result<()> {
    let pg: i32 = sqlx::query_scalar("select current_setting('server_version_num')::int")
        .fetch_one(pool)
        .await
        .context("cannot read the PostgreSQL version")?;
    let available: Option<String> =
        sqlx::query_scalar("select default_version from pg_available_extensions where name = 'postgis'")
            .fetch_optional(pool)
            .await
            .context("cannot list the available extensions")?;
    let installed: Option<String> =
        sqlx::query_scalar("select extversion from pg_extension where extname = 'postgis'")
            .fetch_optional(pool)
            .await
            .context("cannot list the installed extensions")?;
    check_versions(pg, installed.as_deref(), available.as_deref())
}

/// The decision of [`check_server`]: `pg` is `server_version_num` (e.g. 150019); `installed` the PostGIS version
/// in this database, `available` the one the server could install.
pub fn check_versions(pg: i32, installed: Option<&str>, available: Option<&str>) -> anyhow::Result<()> {
    let major = pg / 10000;
    if major < MIN_POSTGRES as i32 {
        bail!("PostgreSQL {MIN_POSTGRES} or newer is required; this server is {major}");
    }
    let Some(version) = installed.or(available) else {
        bail!(
            "PostGIS is not installed on this PostgreSQL server. Segnala needs PostGIS {}.{} or newer: on Debian, \
             `apt-get install postgresql-{major}-postgis-3`.",
            MIN_POSTGIS.0,
            MIN_POSTGIS.1,
        );
    };
    match major_minor(version) {
        Some(v) if v >= MIN_POSTGIS => Ok(()),
        _ => bail!(
            "PostGIS {version} is too old: Segnala needs {}.{} or newer.",
            MIN_POSTGIS.0,
            MIN_POSTGIS.1
        ),
    }
}

/// Whether the database answers (for health checks).
pub async fn ping(pool: &PgPool) -> crate::Result<()> {
    sqlx::query_scalar::<_, i32>("select 1").fetch_one(pool).await?;
    Ok(())
}

/// Applies the migrations in `migrations/` (embedded at compile time).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("../migrations")
        .run(pool)
        .await
        .context("cannot apply the database migrations")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_redaction() {
        assert_eq!(major_minor("3.3.2"), Some((3, 3)));
        assert_eq!(major_minor("3.4.0dev"), Some((3, 4)));
        assert_eq!(major_minor("x"), None);
        assert!(major_minor("3.2.1") < Some(MIN_POSTGIS));
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
    }

    #[test]
    fn refuses_servers_without_a_recent_postgis() {
        assert!(check_versions(150019, Some("3.3.2"), Some("3.3.2")).is_ok());
        assert!(
            check_versions(160004, None, Some("3.4.0")).is_ok(),
            "available is enough: migrations install it"
        );
        let e = check_versions(150019, None, None).unwrap_err().to_string();
        assert!(
            e.contains("PostGIS is not installed") && e.contains("postgresql-15-postgis-3"),
            "{e}"
        );
        let e = check_versions(150019, Some("3.1.4"), Some("3.3.2"))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "PostGIS 3.1.4 is too old: Segnala needs 3.3 or newer.");
        let e = check_versions(140010, Some("3.3.2"), None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("PostgreSQL 15 or newer is required; this server is 14"),
            "{e}"
        );
    }
}
