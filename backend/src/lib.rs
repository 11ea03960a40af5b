//! Segnala's services and storage. Every door (the Leptos `#[server]` fns, the REST API, the CLI) calls the
//! services here; nothing else touches the database.

pub mod areas;
pub mod db;
pub mod error;
pub mod reports;
pub mod seed;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Error, Result};

use sqlx::PgPool;

/// What the services need, built once at startup and passed down (never a global: each test has its own).
#[derive(Clone, Debug)]
pub struct State {
    pub pool: PgPool,
}

impl State {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}
