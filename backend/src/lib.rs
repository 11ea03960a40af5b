//! Segnala's services and storage. Every door (the Leptos `#[server]` fns, the REST API, the CLI) calls the
//! services here; nothing else touches the database.

pub mod admin;
pub mod areas;
pub mod audit;
pub mod clock;
pub mod db;
pub mod error;
pub mod live;
pub mod mail;
pub mod map;
pub mod photos;
pub mod places;
pub mod reports;
pub mod secrets;
pub mod seed;
pub mod settings;
pub mod site;
pub mod stats;
pub mod streets;
pub mod survey;
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
    /// Where photos are kept.
    pub photos: photos::PhotoStore,
    /// Photo decoding runs on the blocking pool, at most this many at once.
    pub photo_permits: Arc<tokio::sync::Semaphore>,
    /// For the geocoder.
    pub http: reqwest::Client,
    /// Report changes, from the database's notifications to this instance's live pages (`live`).
    pub live: tokio::sync::broadcast::Sender<live::LiveEvent>,
    /// Whether the database listener behind `live` is listening now (a stream opened before it may miss a
    /// change: streams say "ready" once it is).
    pub live_listening: Arc<tokio::sync::watch::Sender<bool>>,
    /// The map's encoded tiles (`map`), dropped by the database's notifications of the cells that changed.
    pub map_cache: Arc<map::Cache>,
    /// The time, for what counts in time steps (the second factor); tests move it instead of sleeping.
    pub clock: clock::Clock,
    /// This instance's copy of the municipality's identity (`site`), dropped when it changes.
    pub site: Arc<site::Cache>,
}

impl State {
    /// Fails when the photo storage cannot be opened.
    pub fn new(pool: PgPool, settings: Settings) -> Result<Self> {
        let passwords = Arc::new(users::password::Hasher::new(&settings.password));
        let photos = photos::PhotoStore::open(&settings.photos_url)?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let http = reqwest::Client::builder()
            .user_agent(concat!("Segnala/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Internal(e.into()))?;
        let map_cache = Arc::new(map::Cache::new(settings.map_cache_entries));
        Ok(Self {
            pool,
            settings: Arc::new(settings),
            passwords,
            keys: Arc::default(),
            photos,
            photo_permits: Arc::new(tokio::sync::Semaphore::new(cores)),
            http,
            live: live::channel(),
            live_listening: Arc::new(tokio::sync::watch::Sender::new(false)),
            map_cache,
            clock: clock::Clock::default(),
            site: Arc::default(),
        })
    }

    /// The signing keys (created in the database the first time any instance needs them).
    pub async fn keys(&self) -> Result<&secrets::Keys> {
        self.keys
            .get_or_try_init(|| secrets::load_or_create(&self.pool))
            .await
    }

    /// Waits (at most `max`) until the live listener listens; false if it did not in time.
    pub async fn live_ready(&self, max: std::time::Duration) -> bool {
        let mut rx = self.live_listening.subscribe();
        tokio::time::timeout(max, rx.wait_for(|on| *on))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// An absolute link to `path` on this site (for emails).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.settings.public_url.trim_end_matches('/'))
    }
}
