//! Configuration from the environment, with documented defaults (docs/configuration.md).

use std::net::SocketAddr;

use anyhow::{Context, bail};

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
        })
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
