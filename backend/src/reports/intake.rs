//! Citizens' reports coming in: checked, placed, routed, stored with their photos, acknowledged with a receipt —
//! exactly once per idempotency key — and confirmed by email when sent without an account. Also "same problem":
//! supporting an existing report instead of filing it again.
//!
//! The order matters for "never lose, never half-write": every check that can fail comes first; photos are
//! processed and stored next (outside the transaction: files cannot roll back); then one transaction writes the
//! report, its first timeline entry, photos' rows, contact, idempotency key and the email; if it does not commit,
//! the stored files are removed (and the sweeper removes any that a crash left behind).

use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use shared::i18n::date_label;
use shared::permission::{Action, Target, can};
use shared::report::submission::{
    IdempotencyKey, MAX_PHOTOS, PlaceInput, RawSubmission, Receipt, Submission,
};
use shared::report::work::Channel;
use shared::{Field, LatLng, Locale, ReceiptCode, ReportId, ReportState, Rule, Viewer};
use sqlx::PgConnection;

use super::store::{self, NewReport};
use crate::error::invalid;
use crate::mail::{self, Message, Recipient};
use crate::photos::{self, Upload};
use crate::users::throttle::{self, Policy};
use crate::{Error, Result, State};

/// A submission as a door hands it over.
#[derive(Debug, Clone)]
pub struct Intake {
    pub raw: RawSubmission,
    pub photos: Vec<Upload>,
    /// The idempotency key (`Idempotency-Key`, or the form's hidden token).
    pub key: Option<String>,
    /// The reporter's language (for the emails of a reporter without an account).
    pub locale: Locale,
    /// Through the REST API (the report's channel is `api`).
    pub api: bool,
}

/// The outcome: the receipt, and whether it is the answer to an earlier request with the same key.
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    pub receipt: Receipt,
    pub replayed: bool,
}

/// SHA-256 over what the submission says: the validated fields, who sends it, and each photo's bytes.
fn request_hash(s: &Submission, viewer: Option<&Viewer>, photos: &[Upload]) -> Result<Vec<u8>> {
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(s).map_err(|e| Error::Internal(e.into()))?);
    h.update(viewer.map_or(0, |v| v.id.0).to_be_bytes());
    for p in photos {
        h.update(Sha256::digest(&p.bytes));
    }
    Ok(h.finalize().to_vec())
}

/// The report a key was used for, and the hash of that request.
async fn find_key(conn: &mut PgConnection, key: &IdempotencyKey) -> Result<Option<(ReportId, Vec<u8>)>> {
    let row = sqlx::query!(
        r#"select report_id as "id: ReportId", request_hash from submission where idempotency_key = $1"#,
        key.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| (r.id, r.request_hash)))
}

/// The same key again: the same receipt if the request is the same, a conflict if not.
async fn replay(
    state: &State,
    conn: &mut PgConnection,
    found: (ReportId, Vec<u8>),
    hash: &[u8],
) -> Result<Submitted> {
    if found.1 != hash {
        return Err(Error::IdempotencyConflict);
    }
    Ok(Submitted {
        receipt: receipt(state, conn, found.0).await?,
        replayed: true,
    })
}

/// Turns the place given into a point inside the municipality, with its district.
async fn place_point(state: &State, conn: &mut PgConnection, place: &PlaceInput) -> Result<LatLng> {
    let point = match place {
        PlaceInput::Point(p) => *p,
        PlaceInput::District(d) => crate::places::district_point(conn, *d).await?,
        PlaceInput::Address(a) => {
            let hits = crate::places::search(state, a).await?;
            let first = hits.first().ok_or(invalid(Field::Address, Rule::PlaceNotFound))?;
            LatLng::new(first.lat, first.lng)?
        }
    };
    Ok(point)
}

fn per_account(state: &State) -> Policy {
    let n = state.settings.reports.per_account_per_hour;
    let hour = std::time::Duration::from_secs(3600);
    Policy {
        max: n,
        window: hour,
        block: hour,
        block_max: hour,
    }
}

/// Whether `viewer` may use the back office's reporting form: staff who file internal reports or file on a
/// citizen's behalf (`Unauthenticated` when not signed in, `Forbidden` for anyone else).
pub fn require_staff_intake(viewer: Option<&Viewer>) -> Result<&Viewer> {
    let v = viewer.ok_or(Error::Unauthenticated)?;
    if can(Some(v), Action::FileInternalReport, Target::Municipality)
        || can(Some(v), Action::IntakeOnBehalf, Target::Municipality)
    {
        Ok(v)
    } else {
        Err(Error::Forbidden)
    }
}

/// Files a report. See the module's documentation for the order of things.
#[tracing::instrument(skip_all, fields(signed_in = viewer.is_some()))]
pub async fn submit(state: &State, viewer: Option<&Viewer>, intake: Intake) -> Result<Submitted> {
    if !can(viewer, Action::SubmitReport, Target::Municipality) {
        return Err(Error::Forbidden);
    }
    let mut submission = intake.raw.validate(viewer.is_some())?;
    if intake.api && submission.channel == Channel::Web {
        submission.channel = Channel::Api;
    }
    // Staff filing on a citizen's behalf, or for the municipality itself.
    if submission.behalf.is_some() {
        crate::users::require(viewer, Action::IntakeOnBehalf, Target::Municipality)?;
    }
    if submission.internal {
        crate::users::require(viewer, Action::FileInternalReport, Target::Municipality)?;
    }
    if intake.photos.len() > MAX_PHOTOS {
        return Err(invalid(Field::Photos, Rule::TooMany { max: MAX_PHOTOS }));
    }
    let key = intake.key.as_deref().map(IdempotencyKey::parse).transpose()?;
    let hash = request_hash(&submission, viewer, &intake.photos)?;
    let mut conn = state.pool.acquire().await?;
    // A retry of a request that went through: answer at once, without redoing (or re-storing) anything.
    if let Some(k) = &key
        && let Some(found) = find_key(&mut conn, k).await?
    {
        return replay(state, &mut conn, found, &hash).await;
    }
    crate::site::require_open(state, &mut conn, viewer).await?;

    let point = place_point(state, &mut conn, &submission.place).await?;
    let (inside, district) = crate::places::locate(&mut conn, point).await?;
    if !inside {
        return Err(invalid(Field::Location, Rule::OutsideMunicipality));
    }
    let route = crate::places::route(&mut conn, submission.category, district.as_ref().map(|d| d.0))
        .await?
        .ok_or(invalid(Field::Category, Rule::UnknownValue))?;
    if !route.enabled {
        return Err(invalid(Field::Category, Rule::Disabled));
    }
    if !route.offered {
        return Err(invalid(Field::Category, Rule::NotOffered));
    }
    // Per-account (or per-address) limit, checked before the photos cost anything.
    let limit_key = match (viewer, &submission.contact) {
        (Some(v), _) => format!("report:user:{}", v.id.0),
        (None, Some(c)) => format!("report:email:{}", c.email.as_str()),
        (None, None) => "report:anonymous".to_owned(),
    };
    let limited = state.settings.reports.per_account_per_hour > 0;
    if limited {
        throttle::check(&mut conn, &limit_key).await?;
    }
    drop(conn);

    let processed = photos::process_all(state, intake.photos).await?;
    let stored = photos::store_all(&state.photos, processed).await?;
    let limit_key = limited.then_some(limit_key);
    match record(
        state,
        viewer,
        &submission,
        point,
        &route,
        &stored,
        key.as_ref(),
        &hash,
        limit_key.as_deref(),
        intake.locale,
    )
    .await
    {
        Ok(Recorded::New(id)) => {
            let mut conn = state.pool.acquire().await?;
            let receipt = receipt(state, &mut conn, id).await?;
            tracing::info!(report.id = %id.0, code = %receipt.receipt_code, photos = stored.len(), "report received");
            Ok(Submitted {
                receipt,
                replayed: false,
            })
        }
        Ok(Recorded::Earlier(found)) => {
            photos::remove(&state.photos, &stored).await;
            let mut conn = state.pool.acquire().await?;
            replay(state, &mut conn, found, &hash).await
        }
        Err(e) => {
            photos::remove(&state.photos, &stored).await;
            Err(e)
        }
    }
}

enum Recorded {
    New(ReportId),
    /// Another request with the same key committed first.
    Earlier((ReportId, Vec<u8>)),
}

/// The transaction: everything about the new report, or nothing.
#[allow(clippy::too_many_arguments)]
async fn record(
    state: &State,
    viewer: Option<&Viewer>,
    s: &Submission,
    point: LatLng,
    route: &crate::places::Route,
    stored: &[photos::Stored],
    key: Option<&IdempotencyKey>,
    hash: &[u8],
    limit_key: Option<&str>,
    locale: Locale,
) -> Result<Recorded> {
    let mut tx = state.pool.begin().await?;
    if let Some(k) = key {
        // Requests with the same key wait here for each other; the first to commit wins, the others find it.
        sqlx::query!(
            "select pg_advisory_xact_lock(hashtextextended($1, 7))",
            k.as_str()
        )
        .execute(&mut *tx)
        .await?;
        if let Some(found) = find_key(&mut tx, k).await? {
            return Ok(Recorded::Earlier(found));
        }
    }
    if let Some(k) = limit_key {
        throttle::hit(&mut tx, k, per_account(state)).await?;
    }
    let now = Utc::now();
    let new = NewReport {
        kind: s.kind,
        category: s.category,
        location: point,
        title: s.title.clone(),
        description: s.description.clone(),
        is_public: s.is_public && !s.internal,
        created_at: now,
        actor_name: match viewer {
            Some(v) if s.internal => v.name.clone(),
            _ => "Cittadino".into(),
        },
        office: Some(route.office),
        // On a citizen's behalf, the report is the citizen's: the member of staff is in the audit log.
        reporter: viewer.filter(|_| s.behalf.is_none()).map(|v| v.id),
        confirmed: viewer.is_some(),
        show_name: s.show_name && viewer.is_some() && s.behalf.is_none(),
        channel: s.channel,
        internal: s.internal,
    };
    let (id, code) = store::insert(&mut tx, &new).await?;
    store::insert_photos(&mut tx, id, stored).await?;
    if let Some(k) = key {
        sqlx::query!(
            "insert into submission (idempotency_key, request_hash, report_id) values ($1, $2, $3)",
            k.as_str(),
            hash,
            id as ReportId
        )
        .execute(&mut *tx)
        .await?;
    }
    // The expected answer date, in the language of whoever reads it.
    let expected_by = now + chrono::Duration::days(i64::from(route.sla_days));
    match (viewer, &s.contact) {
        (Some(v), _) if s.behalf.is_some() || s.internal => {
            let action = if s.internal {
                "file_internal_report"
            } else {
                "intake_on_behalf"
            };
            crate::audit::record(&mut tx, v, action, Some(id), &json!({ "channel": s.channel })).await?;
            if let Some(b) = &s.behalf {
                store::insert_contact(
                    &mut tx,
                    id,
                    b.email.as_ref().map(|e| e.as_str()),
                    b.phone.as_ref().map(|p| p.as_str()),
                    b.name.as_deref(),
                )
                .await?;
                // The citizen gets the receipt at the address they gave (the member of staff vouches for it).
                if let Some(email) = &b.email {
                    let expected = date_label(expected_by, locale);
                    let message = receipt_message(state, &code, s.title.as_str(), route, expected);
                    mail::enqueue(&mut tx, state, &Recipient::address(email, locale), &message).await?;
                }
            }
        }
        (Some(v), _) => {
            let account = crate::users::store::find_by_id(&mut tx, v.id)
                .await?
                .ok_or(Error::Unauthenticated)?;
            let to = Recipient::account(&account);
            let expected = date_label(expected_by, to.locale);
            mail::enqueue(
                &mut tx,
                state,
                &to,
                &receipt_message(state, &code, s.title.as_str(), route, expected),
            )
            .await?;
        }
        (None, Some(c)) => {
            let expected = date_label(expected_by, locale);
            store::insert_contact(
                &mut tx,
                id,
                Some(c.email.as_str()),
                c.phone.as_ref().map(|p| p.as_str()),
                c.name.as_deref(),
            )
            .await?;
            let what = match locale {
                Locale::It => format!(
                    "l'invio della segnalazione {code} «{}» (ufficio {}, risposta attesa entro il {expected})",
                    s.title.as_str(),
                    route.office_name
                ),
                Locale::En => format!(
                    "sending the report {code} “{}” (office {}, answer expected by {expected})",
                    s.title.as_str(),
                    route.office_name
                ),
            };
            crate::users::service::request_action_confirmation(
                &mut tx,
                state,
                &c.email,
                locale,
                &what,
                &json!({ "confirm_report": id.0 }),
            )
            .await?;
        }
        (None, None) => return Err(invalid(Field::Email, Rule::Required)),
    }
    // Received now when someone signed in filed it; an address to confirm first makes it wait for the link.
    if let Some(v) = viewer {
        super::notify::new_report(&mut tx, state, id, Some(&v.email)).await?;
    }
    tx.commit().await?;
    Ok(Recorded::New(id))
}

fn receipt_message(
    state: &State,
    code: &ReceiptCode,
    title: &str,
    route: &crate::places::Route,
    expected_by: String,
) -> Message {
    Message::ReportReceipt {
        code: code.to_string(),
        title: title.to_owned(),
        office: route.office_name.clone(),
        expected_by,
        link: state.link(&format!("/segnalazioni/{code}")),
    }
}

/// The receipt of a report, whoever may see it (the door decides who asks).
pub async fn receipt(state: &State, conn: &mut PgConnection, id: ReportId) -> Result<Receipt> {
    let r = sqlx::query!(
        r#"
        select r.receipt_code, r.title, c.name as category, o.name as office, a.name as "district?",
               r.created_at, r.created_at + make_interval(days => c.sla_days) as "expected_by!",
               r.is_public, r.confirmed_at is null as "awaiting!",
               (select count(*) from report_photo p where p.report_id = r.report_id) as "photos!"
        from report r
        join category c using (category_id)
        join office o on o.office_id = r.office_id
        left join area a on a.area_id = r.area_id
        where r.report_id = $1
        "#,
        id as ReportId
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Receipt {
        url: state.link(&format!("/segnalazioni/{}", r.receipt_code)),
        receipt_code: r.receipt_code,
        title: r.title,
        category: r.category,
        office: r.office,
        district: r.district,
        submitted_at: r.created_at,
        expected_by: r.expected_by,
        is_public: r.is_public,
        awaiting_confirmation: r.awaiting,
        photos: r.photos as usize,
    })
}

/// The signature that lets the receipt page show a report to whoever was given its link (the reporter, right
/// after sending), before it is public — or when it never will be.
pub async fn receipt_signature(state: &State, code: &str) -> Result<String> {
    Ok(state.keys().await?.sign("receipt", code))
}

/// The receipt of `code` if `signature` is its own.
#[tracing::instrument(skip(state, signature))]
pub async fn signed_receipt(state: &State, code: &str, signature: &str) -> Result<Receipt> {
    let code = ReceiptCode::parse(code)?.to_string();
    if !state.keys().await?.verify("receipt", &code, signature) {
        return Err(Error::NotFound);
    }
    let mut conn = state.pool.acquire().await?;
    let id = sqlx::query_scalar!(
        r#"select report_id as "id: ReportId" from report where receipt_code = $1"#,
        code
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    receipt(state, &mut conn, id).await
}

/// What a one-action confirmation link was for, in words for its page.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    Report { code: String, title: String },
    Support { code: String, title: String },
    Comment { code: String, title: String },
    Follow { code: String, title: String },
}

/// The actions a one-action link can confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkAction {
    Report,
    Support,
    Comment,
    Follow,
}

fn action_report(action: &serde_json::Value) -> Option<(LinkAction, i64)> {
    [
        ("confirm_report", LinkAction::Report),
        ("support", LinkAction::Support),
        ("comment", LinkAction::Comment),
        ("follow", LinkAction::Follow),
    ]
    .into_iter()
    .find_map(|(key, kind)| {
        action
            .get(key)
            .and_then(serde_json::Value::as_i64)
            .map(|id| (kind, id))
    })
}

/// What the link is for, without using it.
pub async fn peek_confirmation(state: &State, token: &str) -> Result<Pending> {
    let mut conn = state.pool.acquire().await?;
    let t =
        crate::users::tokens::peek(&mut conn, crate::users::tokens::Purpose::ConfirmAction, token).await?;
    let (kind, id) = t
        .action
        .as_ref()
        .and_then(action_report)
        .ok_or(Error::LinkInvalid)?;
    let r = sqlx::query!("select receipt_code, title from report where report_id = $1", id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::LinkInvalid)?;
    let (code, title) = (r.receipt_code, r.title);
    Ok(match kind {
        LinkAction::Report => Pending::Report { code, title },
        LinkAction::Support => Pending::Support { code, title },
        LinkAction::Comment => Pending::Comment { code, title },
        LinkAction::Follow => Pending::Follow { code, title },
    })
}

/// Uses a one-action link: confirms the report it was sent for (which becomes public if it is, and gets its
/// receipt email), or records the support, comment or follow it was sent for. Returns the report's receipt code.
#[tracing::instrument(skip_all)]
pub async fn confirm(state: &State, token: &str, locale: Locale) -> Result<String> {
    let mut tx = state.pool.begin().await?;
    let (email, action) = crate::users::service::confirm_action(&mut tx, token).await?;
    let (kind, id) = action_report(&action).ok_or(Error::LinkInvalid)?;
    let id = ReportId(id);
    let code = match kind {
        LinkAction::Support => {
            let code = sqlx::query_scalar!(
                "select receipt_code from report where report_id = $1",
                id as ReportId
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Error::NotFound)?;
            sqlx::query!(
                "insert into report_supporter (report_id, email) values ($1, $2) on conflict do nothing",
                id as ReportId,
                email.as_str()
            )
            .execute(&mut *tx)
            .await?;
            code
        }
        LinkAction::Comment => {
            let text = action
                .get("text")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default();
            super::conversation::confirm_comment(&mut tx, state, &email, id, text).await?
        }
        LinkAction::Follow => super::conversation::confirm_follow(&mut tx, &email, id).await?,
        LinkAction::Report => {
            // A report purged before its link was used cannot be confirmed: the link says so.
            let row = sqlx::query!(
                r#"
                update report r set confirmed_at = now(), updated_at = now()
                from category c, office o
                where r.report_id = $1 and c.category_id = r.category_id and o.office_id = r.office_id
                returning r.receipt_code, r.title, o.name as office, r.created_at + make_interval(days => c.sla_days) as "expected_by!"
                "#,
                id as ReportId
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Error::LinkExpired)?;
            let message = Message::ReportReceipt {
                code: row.receipt_code.clone(),
                title: row.title,
                office: row.office,
                expected_by: date_label(row.expected_by, locale),
                link: state.link(&format!("/segnalazioni/{}", row.receipt_code)),
            };
            mail::enqueue(&mut tx, state, &Recipient::address(&email, locale), &message).await?;
            super::notify::new_report(&mut tx, state, id, Some(email.as_str())).await?;
            row.receipt_code
        }
    };
    tx.commit().await?;
    tracing::info!(code = %code, action = ?kind, "confirmed by email");
    Ok(code)
}

/// What supporting a report led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supported {
    /// Recorded (or already recorded): the person is a supporter.
    Done,
    /// Without an account: a confirmation link was sent to the address given.
    ConfirmationSent,
}

/// "Same problem": the viewer (or, without an account, the address given, once confirmed) supports the open
/// public report `code` and follows its updates, instead of filing a new one.
#[tracing::instrument(skip(state, viewer, email))]
pub async fn support(
    state: &State,
    viewer: Option<&Viewer>,
    code: &str,
    email: Option<&str>,
    locale: Locale,
) -> Result<Supported> {
    if !can(viewer, Action::SupportReport, Target::Municipality) {
        return Err(Error::Forbidden);
    }
    let code = ReceiptCode::parse(code)?;
    let mut tx = state.pool.begin().await?;
    let row = sqlx::query!(
        r#"
        select report_id as "id: ReportId", title, state as "state: ReportState", reporter_id
        from report where receipt_code = $1 and report_open_to_all(is_public, is_internal, confirmed_at)
        "#,
        code.to_string()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    if !row.state.is_open() {
        return Err(invalid(Field::ReceiptCode, Rule::Disabled));
    }
    match viewer {
        Some(v) => {
            if row.reporter_id != Some(v.id.0) {
                sqlx::query!(
                    "insert into report_supporter (report_id, user_id) values ($1, $2) on conflict do nothing",
                    row.id as ReportId,
                    v.id as shared::UserId
                )
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(Supported::Done)
        }
        None => {
            let email = shared::user::Email::parse(email.unwrap_or_default())?;
            let what = match locale {
                Locale::It => format!("il sostegno alla segnalazione {code} «{}»", row.title),
                Locale::En => format!("your support for the report {code} “{}”", row.title),
            };
            crate::users::service::request_action_confirmation(
                &mut tx,
                state,
                &email,
                locale,
                &what,
                &json!({ "support": row.id.0 }),
            )
            .await?;
            tx.commit().await?;
            Ok(Supported::ConfirmationSent)
        }
    }
}

/// Deletes reports sent without an account and never confirmed, older than the configured time, and their
/// photos. Returns how many.
pub async fn purge_unconfirmed(state: &State) -> Result<u64> {
    let ttl = chrono::Duration::from_std(state.settings.reports.unconfirmed_ttl)
        .unwrap_or(chrono::Duration::days(3));
    purge_unconfirmed_before(state, Utc::now() - ttl).await
}

/// [`purge_unconfirmed`] with an explicit cut-off.
pub async fn purge_unconfirmed_before(state: &State, before: DateTime<Utc>) -> Result<u64> {
    let keys = sqlx::query!(
        r#"
        with gone as (
            delete from report where confirmed_at is null and created_at < $1 returning report_id
        )
        select count(distinct gone.report_id) as "n!", coalesce(array_agg(k) filter (where k is not null), '{}') as "keys!: Vec<String>"
        from gone left join lateral (
            select unnest(array[p.object_key, p.thumb_key]) as k from report_photo p where p.report_id = gone.report_id
        ) photos on true
        "#,
        before
    )
    .fetch_one(&state.pool)
    .await;
    let row = keys?;
    for k in &row.keys {
        if let Err(e) = state.photos.delete(k).await {
            tracing::warn!(key = %k, error = %e, "cannot remove a purged report's photo; the sweeper will");
        }
    }
    if row.n > 0 {
        tracing::info!(reports = row.n, "unconfirmed reports purged");
    }
    Ok(row.n as u64)
}
