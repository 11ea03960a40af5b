//! Per-account limits, counted in the database (`rate_counter`) so every server instance sees the same attempts.
//! The per-IP limits are the server's (in memory, in front of the doors); these are per address or device.
//!
//! Sign-in failures are counted per address, or per trusted device when the browser shows a device cookie that
//! earlier signed in to that address: an attacker guessing from elsewhere slows down the address for strangers
//! only, and the person on their usual device is never locked out. The pause after too many failures doubles with
//! each further failure, up to a ceiling, so it always ends.

use std::time::Duration;

use chrono::Utc;
use sqlx::PgConnection;

use crate::{Error, Result};

/// How many events a key may have in a window, and how long it is blocked past that.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max: u32,
    pub window: Duration,
    /// The first block; doubled for each event beyond `max`, up to `block_max`.
    pub block: Duration,
    pub block_max: Duration,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Fails with `RateLimited` while `key` is blocked.
pub async fn check(conn: &mut PgConnection, key: &str) -> Result<()> {
    let until = sqlx::query_scalar!(
        "select blocked_until from rate_counter where key = $1 and blocked_until > now()",
        key
    )
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    match until {
        Some(t) => Err(Error::RateLimited {
            retry_after_secs: (t - Utc::now()).num_seconds().max(1) as u64,
        }),
        None => Ok(()),
    }
}

/// Counts one event under `key` (a new window when the old one is over) and blocks the key once it has had
/// `policy.max`. Returns the count in the current window.
pub async fn hit(conn: &mut PgConnection, key: &str, policy: Policy) -> Result<u32> {
    let count = sqlx::query_scalar!(
        r#"
        insert into rate_counter as r (key, count, window_start) values ($1, 1, now())
        on conflict (key) do update set
            count = case when r.window_start < now() - make_interval(secs => $2) then 1 else r.count + 1 end,
            window_start = case when r.window_start < now() - make_interval(secs => $2) then now() else r.window_start end
        returning count
        "#,
        key,
        secs(policy.window)
    )
    .fetch_one(&mut *conn)
    .await?;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    if count >= policy.max {
        let doublings = (count - policy.max).min(20);
        let block = policy.block.saturating_mul(1 << doublings).min(policy.block_max);
        sqlx::query!(
            "update rate_counter set blocked_until = now() + make_interval(secs => $2) where key = $1",
            key,
            secs(block)
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(count)
}

/// Counts one request under `key`, refusing it with `RateLimited` once `policy.max` have been made in the
/// window (for requests that send mail: `max` are allowed, the next one is not).
pub async fn take(conn: &mut PgConnection, key: &str, policy: Policy) -> Result<()> {
    check(conn, key).await?;
    hit(conn, key, policy).await?;
    Ok(())
}

/// Forgets `key` (after a successful sign-in).
pub async fn clear(conn: &mut PgConnection, key: &str) -> Result<()> {
    sqlx::query!("delete from rate_counter where key = $1", key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes counters whose window and block are over.
pub async fn purge(conn: &mut PgConnection, older_than: Duration) -> Result<u64> {
    let done = sqlx::query!(
        "delete from rate_counter where window_start < now() - make_interval(secs => $1) \
         and (blocked_until is null or blocked_until < now())",
        secs(older_than)
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}
