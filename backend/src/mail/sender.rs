//! Delivering the outbox over SMTP with `lettre`.
//!
//! Each worker takes one message at a time in a transaction of its own (`for update skip locked`): two workers,
//! or two server instances, never take the same message; nothing is marked sent before the SMTP server accepted
//! it; and a worker killed mid-send releases its row, so the message goes out again with the same `Message-ID`
//! (the only possible repeat). Failures are retried with exponential backoff and recorded; permanent refusals
//! (5xx) are given up after three tries.
//!
//! The lock held during the SMTP exchange is on the outbox row alone: writes of reports (which only insert new
//! outbox rows) never wait for it.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::sync::{Mutex, Notify, watch};
use tokio::task::JoinHandle;

use super::outbox::{self, Claimed};
use crate::State;

/// SMTP settings.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465` (TLS), or
    /// `smtp://host:25` (plain, for a relay on the local network), as lettre reads it.
    pub url: String,
    /// Messages sent at once (each worker holds one database connection while it sends).
    pub workers: usize,
    /// At most this many messages a minute (relays often impose a rate); `None`: as fast as the server takes them.
    pub max_per_minute: Option<u32>,
    /// How long one SMTP exchange may take.
    pub timeout: Duration,
}

/// Whether `s` is an address a `From` header can carry (`segnala@x.it` or `Segnala <segnala@x.it>`).
pub fn is_valid_mailbox(s: &str) -> bool {
    s.parse::<Mailbox>().is_ok()
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim_matches(['<', '>']).to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail clients may unsubscribe with one POST.
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// `Content-Language: it`.
#[derive(Clone)]
struct ContentLanguage(String);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// Builds the MIME message of an outbox row.
fn build(m: &Claimed, from: &Mailbox) -> anyhow::Result<lettre::Message> {
    let to: Mailbox = m.recipient.parse().context("recipient address")?;
    lettre::Message::builder()
        .message_id(Some(m.message_id.clone()))
        .date(SystemTime::from(m.created_at))
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone())
        .header(ListUnsubscribe(m.unsubscribe_url.clone()))
        .header(ListUnsubscribePost)
        .header(ContentLanguage(m.locale.clone()))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(m.body_text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(m.body_html.clone()),
                ),
        )
        .context("building the message")
}

/// The wait before attempt `attempts + 1`.
pub fn backoff(state: &State, attempts: i32) -> Duration {
    let s = &state.settings.mail;
    let factor = 1u32 << attempts.clamp(0, 16);
    s.retry_base.saturating_mul(factor).min(s.retry_max)
}

struct Shared {
    state: State,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    wake: Notify,
    /// When the next message may go, if the rate is limited.
    pace: Option<(Duration, Mutex<tokio::time::Instant>)>,
}

/// Sends the next message due, if any. Returns whether there was one.
async fn send_next(s: &Shared) -> crate::Result<bool> {
    let mut tx = s.state.pool.begin().await?;
    let Some(m) = outbox::claim_next(&mut tx).await? else {
        tx.commit().await?;
        return Ok(false);
    };
    if let Some((interval, next)) = &s.pace {
        let mut next = next.lock().await;
        tokio::time::sleep_until(*next).await;
        *next = tokio::time::Instant::now() + *interval;
    }
    let max_attempts = s.state.settings.mail.max_attempts;
    match build(&m, &s.from) {
        Err(e) => {
            // A message that cannot be built never will be.
            tracing::error!(mail.id = %m.id, error = %format!("{e:#}"), "mail cannot be built: given up");
            outbox::mark_failed(&mut tx, m.id, &format!("{e:#}"), Duration::ZERO, true).await?;
        }
        Ok(message) => match s.transport.send(message).await {
            Ok(reply) => {
                let text = format!(
                    "{} {}",
                    reply.code(),
                    reply.message().collect::<Vec<_>>().join(" ")
                );
                outbox::mark_sent(&mut tx, m.id, &text).await?;
                tracing::info!(mail.id = %m.id, message_id = %m.message_id, "mail sent");
            }
            Err(e) => {
                let permanent = e.is_permanent();
                let give_up = m.attempts + 1 >= max_attempts || (permanent && m.attempts + 1 >= 3);
                let wait = backoff(&s.state, m.attempts);
                tracing::warn!(mail.id = %m.id, attempts = m.attempts + 1, give_up, error = %e, "mail not sent");
                outbox::mark_failed(&mut tx, m.id, &e.to_string(), wait, give_up).await?;
            }
        },
    }
    tx.commit().await?;
    Ok(true)
}

async fn worker(s: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        match send_next(&s).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, "mail worker: cannot read the outbox");
            }
        }
        tokio::select! {
            () = s.wake.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Listens for `outbox_mail` notifications and wakes the workers (they poll every 5 s regardless).
async fn listener(s: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&s.state.pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::debug!(error = %e, "mail listener: cannot connect; retrying");
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(5)) => continue,
                    _ = stop.changed() => return,
                }
            }
        };
        if listener.listen("outbox_mail").await.is_err() {
            continue;
        }
        loop {
            tokio::select! {
                n = listener.recv() => match n {
                    Ok(_) => s.wake.notify_waiters(),
                    Err(_) => break,
                },
                _ = stop.changed() => return,
            }
        }
    }
}

/// Starts the workers; they stop when `stop` turns true (after the message in hand).
pub fn start(
    state: State,
    smtp: &SmtpSettings,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
        .with_context(|| "SEGNALA_SMTP_URL is not a valid SMTP URL (smtp://… or smtps://…)".to_string())?
        .timeout(Some(smtp.timeout))
        .build();
    let from: Mailbox = state.settings.mail_from.parse().with_context(|| {
        format!(
            "SEGNALA_MAIL_FROM={:?} is not an address",
            state.settings.mail_from
        )
    })?;
    let pace = smtp.max_per_minute.filter(|n| *n > 0).map(|n| {
        (
            Duration::from_secs(60) / n,
            Mutex::new(tokio::time::Instant::now()),
        )
    });
    let shared = Arc::new(Shared {
        state,
        transport,
        from,
        wake: Notify::new(),
        pace,
    });
    let mut handles = vec![tokio::spawn(listener(shared.clone(), stop.clone()))];
    for _ in 0..smtp.workers.max(1) {
        handles.push(tokio::spawn(worker(shared.clone(), stop.clone())));
    }
    Ok(handles)
}
