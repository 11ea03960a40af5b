//! One-use links sent by email. The link carries 256 random bits; the database keeps their SHA-256, the purpose,
//! the address and the expiry. Opening a link (GET) only looks at it ([`peek`]): it is used up by the form the
//! page shows ([`consume`]), so mail scanners that open links by themselves do not spend it.

use chrono::{DateTime, Utc};
use serde_json::Value;
use shared::UserId;
use sqlx::PgConnection;

use crate::secrets::{new_token, token_hash};
use crate::{Error, Result};

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "email_token_purpose", rename_all = "snake_case")]
pub enum Purpose {
    ConfirmAccount,
    ResetPassword,
    ConfirmAction,
    /// A member of staff invited by an administrator chooses their password (valid for days, not an hour).
    Invitation,
}

/// The purposes whose link lets a person choose a password (the same page, `/nuova-password/{token}`).
pub const PASSWORD_LINKS: [Purpose; 2] = [Purpose::ResetPassword, Purpose::Invitation];

/// A link's row.
#[derive(Debug, Clone)]
pub struct Token {
    pub email: String,
    pub user: Option<UserId>,
    pub action: Option<Value>,
    pub expires_at: DateTime<Utc>,
}

/// Issues a link for `purpose` to `email`, valid for `lifetime`. Earlier unused links of the same purpose for
/// the same account stop working (only the newest email counts).
pub async fn issue(
    conn: &mut PgConnection,
    purpose: Purpose,
    email: &str,
    user: Option<UserId>,
    action: Option<&Value>,
    lifetime: std::time::Duration,
) -> Result<String> {
    if let Some(u) = user {
        sqlx::query!(
            "update email_token set used_at = now() where user_id = $1 and purpose = $2 and used_at is null",
            u as UserId,
            purpose as Purpose
        )
        .execute(&mut *conn)
        .await?;
    }
    let token = new_token();
    let expires = Utc::now() + chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::hours(1));
    sqlx::query!(
        "insert into email_token (token_hash, purpose, email, user_id, action, expires_at) values ($1, $2, $3, $4, $5, $6)",
        token_hash(&token),
        purpose as Purpose,
        email,
        user as Option<UserId>,
        action,
        expires
    )
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

async fn find(conn: &mut PgConnection, purpose: Purpose, token: &str, lock: bool) -> Result<Token> {
    // Tokens have one shape; anything else was altered (and is not worth a query).
    if token.len() != 43
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::LinkInvalid);
    }
    let row = if lock {
        sqlx::query!(
            r#"select email, user_id as "user: UserId", action, expires_at, used_at from email_token
               where token_hash = $1 and purpose = $2 for update"#,
            token_hash(token),
            purpose as Purpose
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.email, r.user, r.action, r.expires_at, r.used_at))
    } else {
        sqlx::query!(
            r#"select email, user_id as "user: UserId", action, expires_at, used_at from email_token
               where token_hash = $1 and purpose = $2"#,
            token_hash(token),
            purpose as Purpose
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.email, r.user, r.action, r.expires_at, r.used_at))
    };
    let (email, user, action, expires_at, used_at) = row.ok_or(Error::LinkInvalid)?;
    if used_at.is_some() {
        return Err(Error::LinkUsed);
    }
    if expires_at <= Utc::now() {
        return Err(Error::LinkExpired);
    }
    Ok(Token {
        email,
        user,
        action,
        expires_at,
    })
}

/// The first of `purposes` the link is for, with its row (as [`peek`]).
pub async fn peek_any(
    conn: &mut PgConnection,
    purposes: &[Purpose],
    token: &str,
) -> Result<(Purpose, Token)> {
    for p in purposes {
        match find(conn, *p, token, false).await {
            Err(Error::LinkInvalid) => continue,
            other => return other.map(|t| (*p, t)),
        }
    }
    Err(Error::LinkInvalid)
}

/// The link's row if it can still be used; `LinkInvalid`, `LinkUsed` or `LinkExpired` otherwise. Changes nothing.
pub async fn peek(conn: &mut PgConnection, purpose: Purpose, token: &str) -> Result<Token> {
    find(conn, purpose, token, false).await
}

/// Uses the link up, inside the caller's transaction (so it stays usable if what it was for fails).
pub async fn consume(conn: &mut PgConnection, purpose: Purpose, token: &str) -> Result<Token> {
    let t = find(conn, purpose, token, true).await?;
    sqlx::query!(
        "update email_token set used_at = now() where token_hash = $1",
        token_hash(token)
    )
    .execute(&mut *conn)
    .await?;
    Ok(t)
}
