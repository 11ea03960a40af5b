//! The optional second factor for staff: time-based codes (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps,
//! one step of clock skew) from any authenticator app. A code is accepted once: the last step used is stored.

use anyhow::anyhow;
use qrcodegen::{QrCode, QrCodeEcc};
use shared::permission::{Action, Target};
use shared::user::TotpSetup;
use shared::{Field, Rule, UserId, ValidationError, Viewer};
use sqlx::PgConnection;
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::{require, store};
use crate::mail::{self, Message, Recipient};
use crate::{Error, Result, State};

fn totp(secret_base32: &str, account: &str, issuer: &str) -> Result<Totp> {
    let secret = Secret::try_from_base32(secret_base32).map_err(|e| anyhow!("stored TOTP secret: {e:?}"))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_account_name(account.replace(':', ""))
        .with_issuer(Some(issuer.replace(':', "")))
        .build()
        .map_err(|e| Error::Internal(anyhow!("TOTP parameters: {e:?}")))
}

/// The code as typed ("123 456" → "123456"), or a validation error.
fn parse_code(code: &str) -> Result<String, ValidationError> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Err(ValidationError::new(Field::TotpCode, Rule::Required));
    }
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValidationError::new(
            Field::TotpCode,
            Rule::Format {
                expected: "123456".into(),
            },
        ));
    }
    Ok(digits)
}

/// Draws a QR code as SVG (a path per dark module, a four-module quiet zone).
pub fn qr_svg(text: &str) -> Result<String> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|e| anyhow!("QR code: {e:?}"))?;
    let n = qr.size();
    let mut path = String::new();
    for y in 0..n {
        for x in 0..n {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let side = n + 8;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// Starts setting up the second factor: a new secret, not active until [`enable`] gets a right code. Staff only.
pub async fn begin(state: &State, viewer: Option<&Viewer>) -> Result<()> {
    let v = require(
        viewer,
        Action::ManageOwnAccount,
        Target::User(viewer.map_or(UserId(0), |v| v.id)),
    )?;
    if !v.role.is_staff() {
        return Err(Error::Forbidden);
    }
    let secret = Secret::generate().to_base32();
    let done = sqlx::query!(
        "update app_user set totp_secret = $2, updated_at = now() where user_id = $1 and totp_enabled_at is null",
        v.id as UserId,
        secret
    )
    .execute(&state.pool)
    .await?;
    if done.rows_affected() == 0 {
        // Already on: turn it off first to change it.
        return Err(Error::Forbidden);
    }
    Ok(())
}

/// The second factor being set up (begun, not yet on), to show its QR code; `None` when there is none.
pub async fn setup(state: &State, viewer: Option<&Viewer>) -> Result<Option<TotpSetup>> {
    let v = require(
        viewer,
        Action::ManageOwnAccount,
        Target::User(viewer.map_or(UserId(0), |v| v.id)),
    )?;
    let secret = sqlx::query_scalar!(
        "select totp_secret from app_user where user_id = $1 and totp_enabled_at is null",
        v.id as UserId
    )
    .fetch_optional(&state.pool)
    .await?
    .flatten();
    let Some(secret) = secret else { return Ok(None) };
    let uri = totp(&secret, &v.email, &state.settings.organisation)?.to_string();
    Ok(Some(TotpSetup {
        qr_svg: qr_svg(&uri)?,
        secret,
        uri,
    }))
}

/// Checks `code` against the person's secret and remembers its step (a code works once). `pending_only`: the
/// secret being set up (not yet on), else the active one.
async fn check(
    conn: &mut PgConnection,
    state: &State,
    user: UserId,
    code: &str,
    pending_only: bool,
) -> Result<bool> {
    let code = parse_code(code)?;
    let row = sqlx::query!(
        r#"select email, totp_secret, totp_enabled_at is not null as "on!", totp_last_step from app_user
           where user_id = $1 for update"#,
        user as UserId
    )
    .fetch_one(&mut *conn)
    .await?;
    let Some(secret) = row.totp_secret.filter(|_| row.on != pending_only) else {
        return Ok(false);
    };
    let t = totp(&secret, &row.email, &state.settings.organisation)?;
    match t.check(&code, state.clock.unix()) {
        Some(step) if row.totp_last_step.is_none_or(|last| (step as i64) > last) => {
            sqlx::query!(
                "update app_user set totp_last_step = $2 where user_id = $1",
                user as UserId,
                step as i64
            )
            .execute(&mut *conn)
            .await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// The code an authenticator app shows now for `secret` (tests play the app with it).
pub fn current_code(secret_base32: &str, at_unix: u64) -> Result<String> {
    Ok(totp(secret_base32, "test", "test")?.generate(at_unix).to_string())
}

/// Checks a sign-in's second factor.
pub async fn verify_login(conn: &mut PgConnection, state: &State, user: UserId, code: &str) -> Result<bool> {
    check(conn, state, user, code, false).await
}

/// Turns the second factor on once the person shows a right code from their app.
pub async fn enable(state: &State, viewer: Option<&Viewer>, code: &str) -> Result<()> {
    let v = require(
        viewer,
        Action::ManageOwnAccount,
        Target::User(viewer.map_or(UserId(0), |v| v.id)),
    )?;
    let mut tx = state.pool.begin().await?;
    if !check(&mut tx, state, v.id, code, true).await? {
        return Err(ValidationError::new(Field::TotpCode, Rule::Mismatch).into());
    }
    sqlx::query!(
        "update app_user set totp_enabled_at = now(), updated_at = now() where user_id = $1",
        v.id as UserId
    )
    .execute(&mut *tx)
    .await?;
    notify_change(&mut tx, state, v.id, true).await?;
    tx.commit().await?;
    Ok(())
}

/// Turns the second factor off; the current password is asked again.
pub async fn disable(state: &State, viewer: Option<&Viewer>, password: &str) -> Result<()> {
    let v = require(
        viewer,
        Action::ManageOwnAccount,
        Target::User(viewer.map_or(UserId(0), |v| v.id)),
    )?;
    let mut tx = state.pool.begin().await?;
    let account = store::find_by_id(&mut tx, v.id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    // Already off (a second tab, an old page): nothing to do, and no "turned off" notice to send.
    if !account.totp_enabled {
        return Ok(());
    }
    if !state
        .passwords
        .verify(password, account.password_hash.as_deref())
        .await?
    {
        return Err(ValidationError::new(Field::CurrentPassword, Rule::Mismatch).into());
    }
    sqlx::query!(
        "update app_user set totp_enabled_at = null, totp_secret = null, totp_last_step = null, updated_at = now() \
         where user_id = $1",
        v.id as UserId
    )
    .execute(&mut *tx)
    .await?;
    notify_change(&mut tx, state, v.id, false).await?;
    tx.commit().await?;
    Ok(())
}

async fn notify_change(conn: &mut PgConnection, state: &State, user: UserId, enabled: bool) -> Result<()> {
    let account = store::find_by_id(conn, user).await?.ok_or(Error::NotFound)?;
    mail::enqueue(
        conn,
        state,
        &Recipient::account(&account),
        &Message::TwoFactorChanged {
            name: account.name.clone(),
            enabled,
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_qr() {
        assert_eq!(parse_code(" 123 456 "), Ok("123456".into()));
        assert!(parse_code("12345").is_err());
        assert!(parse_code("abcdef").is_err());
        assert!(matches!(parse_code("").unwrap_err().rule, Rule::Required));
        let svg = qr_svg("otpauth://totp/Segnala:maria%40esempio.it?secret=JBSWY3DPEHPK3PXP").expect("qr");
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M"), "{svg}");
    }

    #[test]
    fn rfc6238_vector() {
        // RFC 6238 appendix B, SHA-1, time 59 s -> 94287082 (8 digits); the 6-digit code is its last six.
        let secret = Secret::from(*b"12345678901234567890").to_base32();
        let t = totp(&secret, "maria@esempio.it", "Segnala").expect("totp");
        assert_eq!(t.check("287082", 59), Some(1));
        assert_eq!(t.check("287083", 59), None);
    }
}
