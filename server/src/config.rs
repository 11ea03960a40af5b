//! Configuration from the environment, with documented defaults (docs/configuration.md).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use backend::Settings;
use backend::mail::sender::SmtpSettings;
use backend::settings::OidcSettings;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Everything the server reads from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `SEGNALA_ADDR`: where to listen. Default `127.0.0.1:3000`.
    pub addr: SocketAddr,
    /// `DATABASE_URL`: the PostgreSQL + PostGIS database. Required.
    pub database_url: String,
    /// `SEGNALA_DB_MAX_CONNECTIONS`: pool size. Default 10.
    pub db_max_connections: u32,
    /// `SEGNALA_SITE_ROOT`: the built site (WASM, JS, CSS, Leaflet). Default `target/site`.
    pub site_root: String,
    /// `SEGNALA_TILE_URL`: the map tile template. Default OpenStreetMap's.
    pub tile_url: String,
    /// `SEGNALA_TILE_ATTRIBUTION`: the attribution the tile provider requires (HTML).
    pub tile_attribution: String,
    /// `SEGNALA_LOG_FORMAT`: `pretty` (default) or `json`. Levels come from `RUST_LOG` (default `info`).
    pub log_format: LogFormat,
    /// `SEGNALA_MIGRATE`: apply migrations at startup (`true`, default) or refuse to start when they are
    /// missing (`false`, for deployments that migrate separately with `segnala migrate`).
    pub migrate_on_start: bool,
    /// The services' settings: `SEGNALA_PUBLIC_URL`, `SEGNALA_ORGANISATION`, `SEGNALA_MAIL_FROM`, the password
    /// cost (`SEGNALA_PASSWORD_MEMORY_KIB`, `SEGNALA_PASSWORD_ITERATIONS`, `SEGNALA_PASSWORD_CONCURRENCY`) and
    /// OpenID Connect (`SEGNALA_OIDC_*`).
    pub settings: Settings,
    /// `SEGNALA_SMTP_URL` (+ `SEGNALA_SMTP_WORKERS`, `SEGNALA_SMTP_MAX_PER_MINUTE`): where mail goes. Unset: mail
    /// stays in the outbox, readable by administrators on the development mailbox page.
    pub smtp: Option<SmtpSettings>,
    /// `SEGNALA_CLIENT_IP_HEADER`: the header a trusted reverse proxy puts the client's address in
    /// (`X-Forwarded-For`: its last entry; `X-Real-IP`, `Forwarded`…). Unset: the connection's own address.
    pub client_ip_header: Option<String>,
    /// Per-IP limits on sign-up, sign-in, confirmation and reset requests (`SEGNALA_RATE_LIMIT_PER_MINUTE`,
    /// default 10, burst 10; `0` turns them off, for load tests only).
    pub auth_requests_per_minute: u32,
    /// Per-IP limits on new reports (`SEGNALA_REPORTS_PER_IP_PER_HOUR`, default 30) and on the photos they carry
    /// (`SEGNALA_PHOTOS_PER_IP_PER_HOUR`, default 100); `0` turns each off. The per-account limit is
    /// `SEGNALA_REPORTS_PER_ACCOUNT_PER_HOUR` (default 20, in the database, shared by every instance).
    pub reports_per_ip_per_hour: u32,
    pub photos_per_ip_per_hour: u32,
}

pub const DEFAULT_TILE_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
pub const DEFAULT_TILE_ATTRIBUTION: &str =
    "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>";

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads from any key → value lookup (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let addr = get("SEGNALA_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr
            .parse()
            .with_context(|| format!("SEGNALA_ADDR={addr:?} is not an address like 127.0.0.1:3000"))?;
        let Some(database_url) = get("DATABASE_URL").filter(|s| !s.trim().is_empty()) else {
            bail!(
                "DATABASE_URL is not set. Point it at a PostgreSQL 15+ database with PostGIS 3.3+, e.g. \
                 postgres://segnala@127.0.0.1:5432/segnala, or start Segnala with scripts/run, which sets up a \
                 private database by itself."
            );
        };
        let db_max_connections = match get("SEGNALA_DB_MAX_CONNECTIONS") {
            Some(v) => v
                .parse()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .with_context(|| {
                    format!("SEGNALA_DB_MAX_CONNECTIONS={v:?} must be a number from 1 to 1000")
                })?,
            None => 10,
        };
        let log_format = match get("SEGNALA_LOG_FORMAT").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("SEGNALA_LOG_FORMAT={other:?} must be `pretty` or `json`"),
        };
        let tile_url = get("SEGNALA_TILE_URL").unwrap_or_else(|| DEFAULT_TILE_URL.into());
        if !(tile_url.contains("{z}") && tile_url.contains("{x}") && tile_url.contains("{y}")) {
            bail!("SEGNALA_TILE_URL={tile_url:?} must contain {{z}}, {{x}} and {{y}}");
        }
        let migrate_on_start = match get("SEGNALA_MIGRATE").as_deref() {
            None | Some("true") | Some("1") => true,
            Some("false") | Some("0") => false,
            Some(other) => bail!("SEGNALA_MIGRATE={other:?} must be `true` or `false`"),
        };
        let public_url = get("SEGNALA_PUBLIC_URL")
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{addr}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("SEGNALA_PUBLIC_URL={public_url:?} must start with http:// or https://");
        }
        let mut settings = Settings {
            public_url,
            ..Settings::default()
        };
        if let Some(org) = get("SEGNALA_ORGANISATION").filter(|s| !s.trim().is_empty()) {
            settings.organisation = org;
        }
        if let Some(from) = get("SEGNALA_MAIL_FROM") {
            if !backend::mail::sender::is_valid_mailbox(&from) {
                bail!(
                    "SEGNALA_MAIL_FROM={from:?} must be an address, e.g. \"Segnala <segnala@comune.example.it>\""
                );
            }
            settings.mail_from = from;
        } else {
            let host = settings
                .public_url
                .split("://")
                .nth(1)
                .and_then(|h| h.split([':', '/']).next())
                .filter(|h| h.contains('.') && !h.chars().all(|c| c.is_ascii_digit() || c == '.'))
                .unwrap_or("localhost")
                .to_owned();
            settings.mail_from = format!("Segnala <segnala@{host}>");
        }
        let number = |key: &str, min: u64, max: u64| -> anyhow::Result<Option<u64>> {
            match get(key) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .map(Some)
                    .with_context(|| format!("{key}={v:?} must be a number from {min} to {max}")),
            }
        };
        if let Some(m) = number("SEGNALA_PASSWORD_MEMORY_KIB", 8, 4 * 1024 * 1024)? {
            settings.password.memory_kib = m as u32;
        }
        if let Some(t) = number("SEGNALA_PASSWORD_ITERATIONS", 1, 100)? {
            settings.password.iterations = t as u32;
        }
        if let Some(c) = number("SEGNALA_PASSWORD_CONCURRENCY", 1, 1024)? {
            settings.password.max_concurrent = c as usize;
        }
        let smtp_workers = number("SEGNALA_SMTP_WORKERS", 1, 64)?.unwrap_or(2) as usize;
        let smtp_max_per_minute = number("SEGNALA_SMTP_MAX_PER_MINUTE", 1, 1_000_000)?.map(|n| n as u32);
        let smtp = match get("SEGNALA_SMTP_URL").filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(url) => {
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    bail!(
                        "SEGNALA_SMTP_URL must start with smtp:// (STARTTLS with ?tls=required) or smtps:// (TLS)"
                    );
                }
                Some(SmtpSettings {
                    url,
                    workers: smtp_workers,
                    max_per_minute: smtp_max_per_minute,
                    timeout: Duration::from_secs(30),
                })
            }
        };
        settings.oidc = match (get("SEGNALA_OIDC_ISSUER"), get("SEGNALA_OIDC_CLIENT_ID")) {
            (None, None) => None,
            (Some(issuer), Some(client_id)) => Some(OidcSettings {
                issuer: issuer.trim_end_matches('/').to_owned(),
                client_id,
                client_secret: get("SEGNALA_OIDC_CLIENT_SECRET"),
                label: get("SEGNALA_OIDC_LABEL").unwrap_or_else(|| "SPID / CIE".into()),
            }),
            _ => bail!("OpenID Connect needs both SEGNALA_OIDC_ISSUER and SEGNALA_OIDC_CLIENT_ID"),
        };
        let client_ip_header = get("SEGNALA_CLIENT_IP_HEADER")
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty());
        if let Some(h) = &client_ip_header
            && axum::http::HeaderName::from_bytes(h.as_bytes()).is_err()
        {
            bail!("SEGNALA_CLIENT_IP_HEADER={h:?} is not a header name");
        }
        let auth_requests_per_minute =
            number("SEGNALA_RATE_LIMIT_PER_MINUTE", 0, 1_000_000)?.unwrap_or(10) as u32;
        let reports_per_ip_per_hour =
            number("SEGNALA_REPORTS_PER_IP_PER_HOUR", 0, 1_000_000)?.unwrap_or(30) as u32;
        let photos_per_ip_per_hour =
            number("SEGNALA_PHOTOS_PER_IP_PER_HOUR", 0, 1_000_000)?.unwrap_or(100) as u32;
        if let Some(n) = number("SEGNALA_REPORTS_PER_ACCOUNT_PER_HOUR", 0, 1_000_000)? {
            settings.reports.per_account_per_hour = n as u32;
        }
        if let Some(n) = number("SEGNALA_COMMENTS_PER_ACCOUNT_PER_HOUR", 0, 1_000_000)? {
            settings.reports.comments_per_hour = n as u32;
        }
        if let Some(n) = number("SEGNALA_MAP_CACHE_ENTRIES", 0, 10_000_000)? {
            settings.map_cache_entries = n as usize;
        }
        if let Some(h) = number("SEGNALA_UNCONFIRMED_REPORT_HOURS", 49, 24 * 365)? {
            settings.reports.unconfirmed_ttl = std::time::Duration::from_secs(h * 3600);
        }
        if let Some(n) = number("SEGNALA_STATS_WINDOW_MONTHS", 1, 120)? {
            settings.stats.window_months = n as u32;
        }
        if let Some(n) = number("SEGNALA_STATS_MIN_REPORTS", 1, 1_000_000)? {
            settings.stats.min_reports = n as i64;
        }
        if let Some(n) = number("SEGNALA_STATS_REFRESH_SECONDS", 1, 86_400)? {
            settings.stats.refresh_every = std::time::Duration::from_secs(n);
        }
        if let Some(n) = number("SEGNALA_SURVEY_AFTER_DAYS", 0, 365)? {
            settings.stats.survey_after_days = n as u32;
        }
        if let Some(n) = number("SEGNALA_SURVEY_LINK_DAYS", 1, 365)? {
            settings.stats.survey_link_days = n as u32;
        }
        if let Some(list) = get("SEGNALA_REPORT_RECIPIENTS") {
            let mut out = Vec::new();
            for a in list.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                shared::user::Email::parse(a).map_err(|_| {
                    anyhow::anyhow!("SEGNALA_REPORT_RECIPIENTS: {a:?} is not an email address")
                })?;
                out.push(a.to_lowercase());
            }
            settings.stats.report_recipients = out;
        }
        if let Some(dir) = get("SEGNALA_PHOTOS").filter(|s| !s.trim().is_empty()) {
            settings.photos_url = dir;
        }
        if let Some(url) = get("SEGNALA_GEOCODER_URL").filter(|s| !s.trim().is_empty()) {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("SEGNALA_GEOCODER_URL={url:?} must start with http:// or https://");
            }
            let ms = number("SEGNALA_GEOCODER_TIMEOUT_MS", 100, 60_000)?.unwrap_or(2_000);
            settings.reports.geocoder = Some(backend::settings::GeocoderSettings {
                url,
                timeout: std::time::Duration::from_millis(ms),
            });
        }
        Ok(Self {
            addr,
            database_url,
            db_max_connections,
            site_root: get("SEGNALA_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            tile_url,
            tile_attribution: get("SEGNALA_TILE_ATTRIBUTION")
                .unwrap_or_else(|| DEFAULT_TILE_ATTRIBUTION.into()),
            log_format,
            migrate_on_start,
            settings,
            smtp,
            client_ip_header,
            auth_requests_per_minute,
            reports_per_ip_per_hour,
            photos_per_ip_per_hour,
        })
    }

    /// Whether cookies may be sent over plain HTTP: only when the site is served over HTTP on a loopback address
    /// (a developer's machine); everywhere else they are `Secure`.
    pub fn insecure_cookies_allowed(&self) -> bool {
        let url = &self.settings.public_url;
        let Some(rest) = url.strip_prefix("http://") else {
            return false;
        };
        let host = rest.split('/').next().unwrap_or_default();
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        matches!(host, "127.0.0.1" | "localhost" | "[::1]") || host.starts_with("127.")
    }

    /// The site's origin (`scheme://host[:port]`), which state-changing requests must come from.
    pub fn public_origin(&self) -> String {
        let url = &self.settings.public_url;
        match url.split_once("://") {
            Some((scheme, rest)) => format!("{scheme}://{}", rest.split('/').next().unwrap_or_default()),
            None => url.clone(),
        }
    }

    /// The origin of the tile server (for the Content-Security-Policy), e.g. `https://tile.openstreetmap.org`.
    pub fn tile_origin(&self) -> Option<String> {
        let rest = self.tile_url.split_once("://")?;
        let host = rest.1.split('/').next()?;
        // Leaflet's `{s}` subdomain placeholder: allow every subdomain.
        let host = host.replace("{s}", "*");
        Some(format!("{}://{host}", rest.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = cfg(&[("DATABASE_URL", "postgres://x/db")]).expect("valid");
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.db_max_connections, 10);
        assert_eq!(c.tile_origin().as_deref(), Some("https://tile.openstreetmap.org"));
        assert!(c.migrate_on_start);
        assert_eq!(c.settings.public_url, "http://127.0.0.1:3000");
        assert!(c.insecure_cookies_allowed(), "plain HTTP on loopback");
        assert_eq!(c.public_origin(), "http://127.0.0.1:3000");
        assert!(c.smtp.is_none() && c.settings.oidc.is_none());
        assert_eq!(c.settings.mail_from, "Segnala <segnala@localhost>");
        assert_eq!(c.auth_requests_per_minute, 10);
    }

    #[test]
    fn statistics_settings_are_read_and_checked() {
        let c = cfg(&[
            ("DATABASE_URL", "postgres://x/db"),
            ("SEGNALA_STATS_WINDOW_MONTHS", "24"),
            ("SEGNALA_STATS_MIN_REPORTS", "5"),
            ("SEGNALA_SURVEY_AFTER_DAYS", "0"),
            (
                "SEGNALA_REPORT_RECIPIENTS",
                " Giunta@Comune.example , urp@comune.example,",
            ),
        ])
        .expect("valid");
        assert_eq!(
            (c.settings.stats.window_months, c.settings.stats.min_reports),
            (24, 5)
        );
        assert_eq!(c.settings.stats.survey_after_days, 0);
        assert_eq!(
            c.settings.stats.report_recipients,
            vec!["giunta@comune.example", "urp@comune.example"]
        );
        let d = cfg(&[("DATABASE_URL", "postgres://x/db")]).expect("valid");
        assert_eq!(
            (d.settings.stats.window_months, d.settings.stats.min_reports),
            (12, 10)
        );
        let e = cfg(&[
            ("DATABASE_URL", "postgres://x/db"),
            ("SEGNALA_REPORT_RECIPIENTS", "giunta"),
        ])
        .expect_err("not an address")
        .to_string();
        assert!(e.contains("SEGNALA_REPORT_RECIPIENTS"), "{e}");
        assert!(
            cfg(&[
                ("DATABASE_URL", "postgres://x/db"),
                ("SEGNALA_STATS_WINDOW_MONTHS", "0")
            ])
            .is_err()
        );
    }

    #[test]
    fn mail_and_public_url() {
        let c = cfg(&[
            ("DATABASE_URL", "x"),
            ("SEGNALA_PUBLIC_URL", "https://segnala.comune.padova.it/"),
            (
                "SEGNALA_SMTP_URL",
                "smtp://u:p@mail.comune.padova.it:587?tls=required",
            ),
            ("SEGNALA_SMTP_MAX_PER_MINUTE", "300"),
            ("SEGNALA_CLIENT_IP_HEADER", "X-Forwarded-For"),
        ])
        .expect("valid");
        assert!(!c.insecure_cookies_allowed(), "HTTPS: Secure cookies");
        assert_eq!(c.public_origin(), "https://segnala.comune.padova.it");
        assert_eq!(c.settings.mail_from, "Segnala <segnala@segnala.comune.padova.it>");
        let smtp = c.smtp.expect("smtp");
        assert_eq!((smtp.workers, smtp.max_per_minute), (2, Some(300)));
        assert_eq!(c.client_ip_header.as_deref(), Some("x-forwarded-for"));
        let http_lan = cfg(&[
            ("DATABASE_URL", "x"),
            ("SEGNALA_PUBLIC_URL", "http://segnala.lan"),
        ])
        .expect("valid");
        assert!(
            !http_lan.insecure_cookies_allowed(),
            "plain HTTP elsewhere than loopback still gets Secure"
        );
        for (k, v, needle) in [
            ("SEGNALA_SMTP_URL", "mail.example:25", "smtp://"),
            ("SEGNALA_PUBLIC_URL", "segnala.example", "http://"),
            ("SEGNALA_MAIL_FROM", "nobody", "SEGNALA_MAIL_FROM"),
            ("SEGNALA_SMTP_WORKERS", "0", "SEGNALA_SMTP_WORKERS"),
            (
                "SEGNALA_OIDC_ISSUER",
                "https://id.example",
                "SEGNALA_OIDC_CLIENT_ID",
            ),
        ] {
            let e = cfg(&[("DATABASE_URL", "x"), (k, v)]).unwrap_err().to_string();
            assert!(e.contains(needle), "{k}: {e}");
        }
    }

    #[test]
    fn clear_errors() {
        let e = cfg(&[]).unwrap_err().to_string();
        assert!(e.contains("DATABASE_URL is not set"), "{e}");
        let e = cfg(&[("DATABASE_URL", "x"), ("SEGNALA_ADDR", "nowhere")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("SEGNALA_ADDR"), "{e}");
        let e = cfg(&[("DATABASE_URL", "x"), ("SEGNALA_TILE_URL", "https://t/{z}.png")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("{z}, {x} and {y}"), "{e}");
        let c = cfg(&[
            ("DATABASE_URL", "x"),
            ("SEGNALA_TILE_URL", "https://{s}.tile.example/{z}/{x}/{y}.png"),
        ])
        .expect("valid");
        assert_eq!(c.tile_origin().as_deref(), Some("https://*.tile.example"));
    }
}
