//! SQL for the outbox: writing messages, the workers' claim (`for update skip locked`), and what happened.

use chrono::{DateTime, Utc};
use shared::mail::{MailKind, MailStatus, NotificationKind};
use shared::{Locale, MailId, UserId};
use sqlx::PgConnection;

use crate::Result;
use shared::mail::{MailDetail, MailSummary};

/// A rendered message to write.
pub struct NewMail<'a> {
    pub message_id: &'a str,
    pub kind: MailKind,
    pub notification: Option<NotificationKind>,
    pub recipient: &'a str,
    pub user: Option<UserId>,
    pub locale: Locale,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub unsubscribe_url: &'a str,
    pub status: MailStatus,
}

pub async fn insert(conn: &mut PgConnection, m: &NewMail<'_>) -> Result<MailId> {
    let id = sqlx::query_scalar!(
        r#"
        insert into outbox_mail (message_id, kind, notification, recipient, user_id, locale, subject, body_text,
                                 body_html, unsubscribe_url, status)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        returning mail_id as "id: MailId"
        "#,
        m.message_id,
        m.kind as MailKind,
        m.notification as Option<NotificationKind>,
        m.recipient,
        m.user as Option<UserId>,
        m.locale.tag(),
        m.subject,
        m.body_text,
        m.body_html,
        m.unsubscribe_url,
        m.status as MailStatus
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// A message a worker is sending.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: MailId,
    pub message_id: String,
    pub recipient: String,
    pub locale: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub unsubscribe_url: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
}

/// The oldest message due, locked by this transaction; other workers skip it (and take the next one). The lock
/// lasts while the message is handed to SMTP: a worker that dies releases it, and the message is sent again
/// with the same Message-ID.
pub async fn claim_next(conn: &mut PgConnection) -> Result<Option<Claimed>> {
    let row = sqlx::query_as!(
        Claimed,
        r#"
        select mail_id as "id: MailId", message_id, recipient, locale, subject, body_text, body_html, unsubscribe_url,
               attempts, created_at
        from outbox_mail
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at, mail_id
        limit 1
        for update skip locked
        "#
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row)
}

pub async fn mark_sent(conn: &mut PgConnection, id: MailId, reply: &str) -> Result<()> {
    sqlx::query!(
        "update outbox_mail set status = 'sent', sent_at = now(), attempts = attempts + 1, smtp_reply = $2, \
         last_error = null where mail_id = $1",
        id as MailId,
        reply
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a failed attempt: another one after `retry_in`, or none (`failed`) when `give_up`.
pub async fn mark_failed(
    conn: &mut PgConnection,
    id: MailId,
    error: &str,
    retry_in: std::time::Duration,
    give_up: bool,
) -> Result<()> {
    sqlx::query!(
        r#"
        update outbox_mail set attempts = attempts + 1, last_error = $2,
               status = case when $4 then 'failed'::mail_status else status end,
               next_attempt_at = now() + make_interval(secs => $3)
        where mail_id = $1
        "#,
        id as MailId,
        error,
        retry_in.as_secs_f64(),
        give_up
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn page(conn: &mut PgConnection, before: Option<MailId>, limit: i64) -> Result<Vec<MailSummary>> {
    let rows = sqlx::query_as!(
        MailSummary,
        r#"
        select mail_id as "id: MailId", created_at, kind as "kind: MailKind", recipient, subject,
               status as "status: MailStatus", attempts, sent_at, last_error
        from outbox_mail
        where ($1::bigint is null or mail_id < $1)
        order by mail_id desc
        limit $2
        "#,
        before as Option<MailId>,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

pub async fn counts(conn: &mut PgConnection) -> Result<Vec<(MailStatus, i64)>> {
    let rows = sqlx::query!(
        r#"select status as "status: MailStatus", count(*) as "n!" from outbox_mail group by status order by status"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.n)).collect())
}

pub async fn get(conn: &mut PgConnection, id: MailId) -> Result<Option<MailDetail>> {
    let r = sqlx::query!(
        r#"
        select mail_id as "id: MailId", created_at, kind as "kind: MailKind", recipient, subject,
               status as "status: MailStatus", attempts, sent_at, last_error, message_id, locale, body_text, body_html,
               unsubscribe_url, smtp_reply, next_attempt_at
        from outbox_mail where mail_id = $1
        "#,
        id as MailId
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(r.map(|r| MailDetail {
        summary: MailSummary {
            id: r.id,
            created_at: r.created_at,
            kind: r.kind,
            recipient: r.recipient,
            subject: r.subject,
            status: r.status,
            attempts: r.attempts,
            sent_at: r.sent_at,
            last_error: r.last_error,
        },
        message_id: r.message_id,
        locale: Locale::from_tag(&r.locale).unwrap_or_default(),
        body_text: r.body_text,
        body_html: r.body_html,
        unsubscribe_url: r.unsubscribe_url,
        smtp_reply: r.smtp_reply,
        next_attempt_at: r.next_attempt_at,
    }))
}
