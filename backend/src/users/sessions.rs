//! Sessions: a random token in an `HttpOnly` cookie, its SHA-256 in `user_session`. A new one at every sign-in
//! (the token is never reused or carried over: "rotated on login"), removed at sign-out, and every one of a person
//! removed when their password changes.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use shared::user::SessionInfo;
use shared::{SessionId, UserId, Viewer};
use sqlx::PgConnection;

use crate::secrets::{new_token, token_hash};
use crate::{Result, State};

/// The session cookie's name.
pub const COOKIE: &str = "segnala_session";

/// Where a request comes from, as far as the server can tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address (the proxy header's, when one is trusted).
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

/// A session just created: the cookie's value and when it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Who a request's session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    pub viewer: Viewer,
    pub session: SessionId,
}

fn duration(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::days(30))
}

/// Starts a session for `user`. A `pending` one only lets the person type their second factor's code.
pub async fn create(
    conn: &mut PgConnection,
    state: &State,
    user: UserId,
    pending: bool,
    client: &ClientInfo,
) -> Result<NewSession> {
    let token = new_token();
    let lifetime = if pending {
        Duration::minutes(10)
    } else {
        duration(state.settings.accounts.session_lifetime)
    };
    let expires_at = Utc::now() + lifetime;
    let agent = client
        .user_agent
        .as_deref()
        .map(|a| a.chars().take(300).collect::<String>());
    sqlx::query!(
        "insert into user_session (token_hash, user_id, second_factor_pending, expires_at, user_agent, ip) \
         values ($1, $2, $3, $4, $5, $6)",
        token_hash(&token),
        user as UserId,
        pending,
        expires_at,
        agent,
        client.ip.map(sqlx::types::ipnet::IpNet::from)
    )
    .execute(&mut *conn)
    .await?;
    Ok(NewSession { token, expires_at })
}

/// The person a session cookie belongs to; `None` for an unknown, ended, expired, idle or half-finished session.
/// Refreshes the session's last use at most every five minutes (one write, not one per request).
pub async fn authenticate(state: &State, token: &str) -> Result<Option<Authenticated>> {
    if token.len() != 43 {
        return Ok(None);
    }
    let idle = duration(state.settings.accounts.session_idle);
    let mut conn = state.pool.acquire().await?;
    let row = sqlx::query!(
        r#"
        select session_id as "id: SessionId", user_id as "user: UserId", last_seen_at
        from user_session
        where token_hash = $1 and not second_factor_pending and expires_at > now() and last_seen_at > now() - $2::interval
        "#,
        token_hash(token),
        sqlx::postgres::types::PgInterval::try_from(idle).unwrap_or_default()
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if Utc::now() - row.last_seen_at > Duration::minutes(5) {
        sqlx::query!(
            "update user_session set last_seen_at = now() where session_id = $1",
            row.id as SessionId
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(super::store::viewer(&mut conn, row.user)
        .await?
        .map(|viewer| Authenticated {
            viewer,
            session: row.id,
        }))
}

/// The person waiting to type their second factor's code, by the half-finished session's cookie.
pub async fn pending_user(conn: &mut PgConnection, token: &str) -> Result<Option<(SessionId, UserId)>> {
    let row = sqlx::query!(
        r#"
        select session_id as "id: SessionId", user_id as "user: UserId" from user_session
        where token_hash = $1 and second_factor_pending and expires_at > now()
        for update
        "#,
        token_hash(token)
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| (r.id, r.user)))
}

/// Ends the session with this cookie (sign-out). Unknown cookies are fine: the result is the same.
pub async fn revoke_token(conn: &mut PgConnection, token: &str) -> Result<()> {
    sqlx::query!(
        "delete from user_session where token_hash = $1",
        token_hash(token)
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends every session of a person (password changed or reset, account disabled).
pub async fn revoke_all(conn: &mut PgConnection, user: UserId) -> Result<u64> {
    let done = sqlx::query!("delete from user_session where user_id = $1", user as UserId)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// Ends one session of `user` (from "La mia pagina"); false when it is not theirs or already ended.
pub async fn revoke_one(conn: &mut PgConnection, user: UserId, session: SessionId) -> Result<bool> {
    let done = sqlx::query!(
        "delete from user_session where user_id = $1 and session_id = $2",
        user as UserId,
        session as SessionId
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn list(conn: &mut PgConnection, user: UserId, current: SessionId) -> Result<Vec<SessionInfo>> {
    let rows = sqlx::query!(
        r#"
        select session_id as "id: SessionId", created_at, last_seen_at, user_agent, host(ip) as ip
        from user_session
        where user_id = $1 and not second_factor_pending and expires_at > now()
        order by last_seen_at desc, session_id desc
        "#,
        user as UserId
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SessionInfo {
            current: r.id == current,
            id: r.id,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            user_agent: r.user_agent,
            ip: r.ip,
        })
        .collect())
}

/// Removes sessions and sign-in attempts past their time (run from time to time by the server).
pub async fn purge_expired(state: &State) -> Result<u64> {
    let done = sqlx::query!("delete from user_session where expires_at < now()")
        .execute(&state.pool)
        .await?;
    sqlx::query!("delete from oidc_login where expires_at < now()")
        .execute(&state.pool)
        .await?;
    Ok(done.rows_affected())
}
