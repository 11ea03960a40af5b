//! Mail through an outbox. [`enqueue`] renders a message in the recipient's language and writes it in the
//! caller's transaction, so it exists exactly when the change that caused it does; `sender` delivers it over
//! SMTP. Every message carries a stable `Message-ID` and a one-click unsubscribe link that needs no sign-in.
//!
//! Without SMTP settings nothing is sent: messages wait in the outbox and administrators read them on the
//! development mailbox page.

pub mod outbox;
pub mod sender;
pub mod templates;

pub use templates::Message;

use serde::{Deserialize, Serialize};
use shared::mail::{MailDetail, MailPage, MailStatus, NotificationKind};
use shared::permission::{Action, Target};
use shared::user::Email;
use shared::{Locale, MailId, UserId, Viewer};
use sqlx::PgConnection;

use crate::users::{require, store::Account};
use crate::{Error, Result, State};

/// Who a message goes to, and in which language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub user: Option<UserId>,
    pub locale: Locale,
}

impl Recipient {
    /// The holder of an account, in the account's language.
    pub fn account(a: &Account) -> Self {
        Self {
            email: a.email.clone(),
            user: Some(a.id),
            locale: a.locale,
        }
    }

    /// An address without (or regardless of) an account.
    pub fn address(email: &Email, locale: Locale) -> Self {
        Self {
            email: email.as_str().to_owned(),
            user: None,
            locale,
        }
    }
}

/// What an unsubscribe link turns off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Every optional notification (the link of account messages).
    All,
    One(NotificationKind),
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::One(k) => k.as_str(),
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "all" => Some(Scope::All),
            other => NotificationKind::parse(other).map(Scope::One),
        }
    }

    /// The notifications this scope covers.
    pub fn kinds(self) -> Vec<NotificationKind> {
        match self {
            Scope::All => NotificationKind::ALL.to_vec(),
            Scope::One(k) => vec![k],
        }
    }
}

const UNSUBSCRIBE: &str = "unsubscribe";

/// The path of the unsubscribe link for `email` and `scope`: `/disiscrizione/<address>.<scope>.<signature>`.
pub async fn unsubscribe_path(state: &State, email: &str, scope: Scope) -> Result<String> {
    let data = format!("{email}|{}", scope.as_str());
    let sig = state.keys().await?.sign(UNSUBSCRIBE, &data);
    Ok(format!(
        "/disiscrizione/{}.{}.{sig}",
        crate::secrets::encode_segment(email),
        scope.as_str()
    ))
}

/// Reads an unsubscribe token; `LinkInvalid` when it was altered.
pub async fn read_unsubscribe(state: &State, token: &str) -> Result<(String, Scope)> {
    let mut parts = token.split('.');
    let (Some(addr), Some(scope), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::LinkInvalid);
    };
    let email = crate::secrets::decode_segment(addr).ok_or(Error::LinkInvalid)?;
    let scope = Scope::parse(scope).ok_or(Error::LinkInvalid)?;
    if !state
        .keys()
        .await?
        .verify(UNSUBSCRIBE, &format!("{email}|{}", scope.as_str()), sig)
    {
        return Err(Error::LinkInvalid);
    }
    Ok((email, scope))
}

/// Turns off what an unsubscribe link names (idempotent). Returns the address and the scope.
pub async fn unsubscribe(state: &State, token: &str) -> Result<(String, Scope)> {
    let (email, scope) = read_unsubscribe(state, token).await?;
    let kinds = scope.kinds();
    sqlx::query!(
        "insert into mail_optout (email, kind) select $1, unnest($2::notification_kind[]) on conflict do nothing",
        email,
        &kinds as &[NotificationKind]
    )
    .execute(&state.pool)
    .await?;
    tracing::info!(scope = scope.as_str(), "unsubscribed by link");
    Ok((email, scope))
}

/// Undoes [`unsubscribe`] with the same link.
pub async fn resubscribe(state: &State, token: &str) -> Result<(String, Scope)> {
    let (email, scope) = read_unsubscribe(state, token).await?;
    let kinds = scope.kinds();
    sqlx::query!(
        "delete from mail_optout where email = $1 and kind = any($2::notification_kind[])",
        email,
        &kinds as &[NotificationKind]
    )
    .execute(&state.pool)
    .await?;
    Ok((email, scope))
}

/// The notifications a person can choose, and whether each is on (staff-only ones only for staff).
pub async fn preferences(state: &State, viewer: Option<&Viewer>) -> Result<Vec<(NotificationKind, bool)>> {
    let v = require(
        viewer,
        Action::ManageOwnAccount,
        Target::User(viewer.map_or(UserId(0), |v| v.id)),
    )?;
    let off: Vec<NotificationKind> = sqlx::query_scalar!(
        r#"select kind as "kind: NotificationKind" from mail_optout where email = $1"#,
        v.email
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(NotificationKind::ALL
        .into_iter()
        .filter(|k| v.role.is_staff() || !k.staff_only())
        .map(|k| (k, !off.contains(&k)))
        .collect())
}

/// Keeps on exactly the notifications in `enabled` (of those the person can choose).
pub async fn set_preferences(
    state: &State,
    viewer: Option<&Viewer>,
    enabled: &[NotificationKind],
) -> Result<()> {
    let choices = preferences(state, viewer).await?;
    let v = viewer.ok_or(Error::Unauthenticated)?;
    let off: Vec<NotificationKind> = choices
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !enabled.contains(k))
        .collect();
    let all: Vec<NotificationKind> = choices.iter().map(|(k, _)| *k).collect();
    let mut tx = state.pool.begin().await?;
    sqlx::query!(
        "delete from mail_optout where email = $1 and kind = any($2::notification_kind[])",
        v.email,
        &all as &[NotificationKind]
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into mail_optout (email, kind) select $1, unnest($2::notification_kind[])",
        v.email,
        &off as &[NotificationKind]
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The host part of the site's address, for Message-IDs.
fn message_id_host(public_url: &str) -> String {
    let rest = public_url.split_once("://").map_or(public_url, |(_, r)| r);
    let host = rest.split(['/', ':']).next().unwrap_or("segnala.local");
    if host.is_empty() {
        "segnala.local".into()
    } else {
        host.to_owned()
    }
}

/// Writes `message` for `to` into the outbox, inside the caller's transaction. An optional notification the
/// recipient turned off is recorded as `suppressed` and never sent.
pub async fn enqueue(
    conn: &mut PgConnection,
    state: &State,
    to: &Recipient,
    message: &Message,
) -> Result<MailId> {
    let kind = message.kind();
    let notification = message.notification();
    let suppressed = match notification {
        Some(n) => {
            sqlx::query_scalar!(
                r#"select exists(select 1 from mail_optout where email = $1 and kind = $2) as "x!""#,
                to.email,
                n as NotificationKind
            )
            .fetch_one(&mut *conn)
            .await?
        }
        None => false,
    };
    let scope = notification.map_or(Scope::All, Scope::One);
    let unsubscribe = state.link(&unsubscribe_path(state, &to.email, scope).await?);
    let site = crate::site::get_in(state, conn).await?;
    let rendered = templates::render(
        message,
        to.locale,
        &templates::Frame {
            organisation: site.site.display_name(),
            of_organisation: &site.site.of(to.locale),
            site: &state.settings.public_url,
            unsubscribe: &unsubscribe,
            optional: notification.is_some(),
        },
    );
    let message_id = format!(
        "<{}.{}@{}>",
        chrono::Utc::now().format("%Y%m%d%H%M%S"),
        crate::secrets::new_token().replace(['-', '_'], "x"),
        message_id_host(&state.settings.public_url)
    );
    let status = if suppressed {
        MailStatus::Suppressed
    } else {
        MailStatus::Pending
    };
    let id = outbox::insert(
        conn,
        &outbox::NewMail {
            message_id: &message_id,
            kind,
            notification,
            recipient: &to.email,
            user: to.user,
            locale: to.locale,
            subject: &rendered.subject,
            body_text: &rendered.text,
            body_html: &rendered.html,
            unsubscribe_url: &unsubscribe,
            status,
        },
    )
    .await?;
    tracing::debug!(mail.id = %id, kind = kind.as_str(), "mail queued");
    Ok(id)
}

/// The outbox as administrators see it.
/// `smtp`: whether the server has SMTP settings (the page says whether mail leaves the outbox).
pub async fn mailbox(
    state: &State,
    viewer: Option<&Viewer>,
    before: Option<MailId>,
    limit: i64,
    smtp: bool,
) -> Result<MailPage> {
    require(viewer, Action::ReadDevMailbox, Target::Municipality)?;
    let limit = limit.clamp(1, 200);
    let mut conn = state.pool.acquire().await?;
    let mut items = outbox::page(&mut conn, before, limit + 1).await?;
    let next = (items.len() as i64 > limit).then(|| {
        items.truncate(limit as usize);
        items.last().map(|m| m.id)
    });
    let counts = outbox::counts(&mut conn).await?;
    Ok(MailPage {
        items,
        next: next.flatten(),
        counts,
        smtp,
        now: chrono::Utc::now(),
    })
}

/// One message of the outbox.
pub async fn mailbox_message(state: &State, viewer: Option<&Viewer>, id: MailId) -> Result<MailDetail> {
    require(viewer, Action::ReadDevMailbox, Target::Municipality)?;
    let mut conn = state.pool.acquire().await?;
    outbox::get(&mut conn, id).await?.ok_or(Error::NotFound)
}

/// Queues a test message to `to` (administrators checking the mail settings).
pub async fn send_test(state: &State, viewer: Option<&Viewer>, to: &str, locale: Locale) -> Result<MailId> {
    let v = require(viewer, Action::ReadDevMailbox, Target::Municipality)?;
    let email = Email::parse(to)?;
    let mut tx = state.pool.begin().await?;
    let id = enqueue(
        &mut tx,
        state,
        &Recipient::address(&email, locale),
        &Message::Test { by: v.name.clone() },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_id_hosts() {
        assert_eq!(
            message_id_host("https://segnala.comune.padova.it/"),
            "segnala.comune.padova.it"
        );
        assert_eq!(message_id_host("http://127.0.0.1:3000"), "127.0.0.1");
        assert_eq!(message_id_host(""), "segnala.local");
        assert_eq!(Scope::parse("all"), Some(Scope::All));
        assert_eq!(
            Scope::parse("comments"),
            Some(Scope::One(NotificationKind::Comments))
        );
        assert_eq!(Scope::parse("x"), None);
    }
}
