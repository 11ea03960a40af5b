//! Segnala's services and storage. Every door (the Leptos `#[server]` fns, the REST API, the CLI) calls the
//! services here; nothing else touches the database.

pub mod areas;
pub mod db;
pub mod error;
pub mod mail;
pub mod reports;
pub mod secrets;
pub mod seed;
pub mod settings;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;

pub use error::{Error, Result};
pub use settings::Settings;

use std::sync::Arc;

use sqlx::PgPool;

/// What the services need, built once at startup and passed down (never a global: each test has its own).
#[derive(Clone, Debug)]
pub struct State {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    /// Password hashing: argon2id off the async runtime, a bounded number at a time.
    pub passwords: Arc<users::password::Hasher>,
    /// Keys generated on first start and shared by every instance through the database, loaded on first use.
    keys: Arc<tokio::sync::OnceCell<secrets::Keys>>,
}

impl State {
    pub fn new(pool: PgPool, settings: Settings) -> Self {
        let passwords = Arc::new(users::password::Hasher::new(&settings.password));
        Self {
            pool,
            settings: Arc::new(settings),
            passwords,
            keys: Arc::default(),
        }
    }

    /// The signing keys (created in the database the first time any instance needs them).
    pub async fn keys(&self) -> Result<&secrets::Keys> {
        self.keys
            .get_or_try_init(|| secrets::load_or_create(&self.pool))
            .await
    }

    /// An absolute link to `path` on this site (for emails).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.settings.public_url.trim_end_matches('/'))
    }
}
