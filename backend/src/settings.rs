//! What the services are configured with (the server fills it from its environment; tests from defaults).

use std::time::Duration;

/// Service settings. `Default` gives sensible production values for everything but the site's address.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where people reach this site, for links in emails, e.g. `https://segnala.comune.padova.it`.
    pub public_url: String,
    /// Who the municipality is, for emails ("Comune di Padova").
    pub organisation: String,
    /// The `From` of every email, e.g. `Segnala <segnala@comune.padova.it>`.
    pub mail_from: String,
    pub password: PasswordSettings,
    pub accounts: AccountSettings,
    pub mail: MailSettings,
    /// Sign-in through an OpenID Connect provider, when configured.
    pub oidc: Option<OidcSettings>,
    pub reports: ReportSettings,
    /// Transparency statistics, satisfaction questionnaires and periodic reports.
    pub stats: crate::stats::StatsSettings,
    /// Where photos are kept: a folder, or `s3://bucket/prefix` (built with the `s3` feature).
    pub photos_url: String,
    /// Encoded map tiles kept in memory (a few KB each); 0 turns the cache off (benchmarks of the database path).
    pub map_cache_entries: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:3000".into(),
            organisation: "Segnala".into(),
            mail_from: "Segnala <segnala@localhost>".into(),
            password: PasswordSettings::default(),
            accounts: AccountSettings::default(),
            mail: MailSettings::default(),
            oidc: None,
            reports: ReportSettings::default(),
            stats: crate::stats::StatsSettings::default(),
            photos_url: "data/photos".into(),
            map_cache_entries: 20_000,
        }
    }
}

/// Limits and lifetimes of citizens' reports.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    /// A report sent without an account and never confirmed is deleted after this long (longer than the
    /// confirmation link lives).
    pub unconfirmed_ttl: Duration,
    /// Reports one account (or one email address, without an account) may send per hour.
    pub per_account_per_hour: u32,
    /// Comments one account (or confirmed address) may post per hour; 0: no limit.
    pub comments_per_hour: u32,
    /// Photos a stored file may go without its report's row before the sweeper removes it: longer than any
    /// submission takes between storing its photos and committing.
    pub orphan_grace: Duration,
    /// A Nominatim-compatible geocoder for addresses, tried before the local gazetteer.
    pub geocoder: Option<GeocoderSettings>,
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            unconfirmed_ttl: Duration::from_secs(72 * 3600),
            per_account_per_hour: 20,
            comments_per_hour: 10,
            orphan_grace: Duration::from_secs(15 * 60),
            geocoder: None,
        }
    }
}

/// A Nominatim-compatible search service (`{url}/search?q=…&format=jsonv2`).
#[derive(Debug, Clone)]
pub struct GeocoderSettings {
    pub url: String,
    /// Past this the local gazetteer answers instead.
    pub timeout: Duration,
}

/// argon2id cost. The defaults (32 MiB, 3 passes) take about 100 ms a hash on this project's 2-core machines
/// (docs/benchmarks.md): slow enough to make guessing expensive, fast enough for people.
#[derive(Debug, Clone)]
pub struct PasswordSettings {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// At most this many hashes run at once; the others wait their turn. Bounds the CPU a flood of sign-ins can
    /// take from everything else (the map).
    pub max_concurrent: usize,
    /// How long a sign-in may wait for its turn before the answer is "busy, try again".
    pub queue_timeout: Duration,
}

impl Default for PasswordSettings {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            memory_kib: 32 * 1024,
            iterations: 3,
            max_concurrent: (cores / 2).max(1),
            queue_timeout: Duration::from_secs(10),
        }
    }
}

/// Lifetimes and limits of accounts.
#[derive(Debug, Clone)]
pub struct AccountSettings {
    /// A session ends this long after sign-in, whatever happens.
    pub session_lifetime: Duration,
    /// A session unused for this long ends.
    pub session_idle: Duration,
    pub confirm_link_lifetime: Duration,
    pub reset_link_lifetime: Duration,
    pub action_link_lifetime: Duration,
    /// Failed sign-ins to one address (or one trusted device) allowed in `login_window` before it is throttled.
    pub login_failures: u32,
    pub login_window: Duration,
    /// The first pause after too many failures; each further failure doubles it, up to `login_block_max`.
    pub login_block: Duration,
    pub login_block_max: Duration,
    /// Reset, registration and confirmation emails to one address per `mail_window`.
    pub mails_per_address: u32,
    pub mail_window: Duration,
    /// Registration and reset answers take at least this long, whether or not the address has an account, so
    /// that timing tells nothing either.
    pub min_answer_time: Duration,
}

impl Default for AccountSettings {
    fn default() -> Self {
        let minutes = |m: u64| Duration::from_secs(60 * m);
        Self {
            session_lifetime: minutes(60 * 24 * 30),
            session_idle: minutes(60 * 24 * 7),
            confirm_link_lifetime: minutes(60 * 48),
            reset_link_lifetime: minutes(60),
            action_link_lifetime: minutes(60 * 48),
            login_failures: 5,
            login_window: minutes(15),
            login_block: Duration::from_secs(30),
            login_block_max: minutes(15),
            mails_per_address: 3,
            mail_window: minutes(60),
            min_answer_time: Duration::from_millis(400),
        }
    }
}

/// How queued mail is retried.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The first retry waits this long; each further one twice as long, up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// After this many failed attempts a message is given up ("failed").
    pub max_attempts: i32,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            max_attempts: 20,
        }
    }
}

/// An OpenID Connect provider (the municipality's SPID/CIE gateway, or any certified provider).
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer URL; its `/.well-known/openid-configuration` is read at start-up.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// The name on the sign-in button ("SPID / CIE").
    pub label: String,
}
