//! Who is told of what happens to a report, through the outbox in the change's own transaction: one message per
//! event per address, in the recipient's language, never to the person who made the change.
//!
//! - a public step: the reporter (account or confirmed address), supporters and followers;
//! - an assignment: the assignee (a person; an office's address and managers; a contractor's address and staff);
//! - a comment: the reporter, followers and the people working on it.

use shared::report::ReportState;
use shared::report::work::Assignee;
use shared::{ContractorId, Locale, OfficeId, UserId, Viewer};
use sqlx::PgConnection;

use super::store::Facts;
use crate::mail::{self, Message, Recipient};
use crate::{Result, State};

/// A public step, rendered per recipient's language.
pub struct Step<'a> {
    to: Option<ReportState>,
    note: Option<&'a str>,
}

impl<'a> Step<'a> {
    pub fn new(to: Option<ReportState>, note: Option<&'a str>) -> Self {
        Self { to, note }
    }

    fn text(&self, locale: Locale) -> String {
        match (self.to, self.note) {
            (Some(s), Some(n)) => format!("{}: {n}", s.label(locale)),
            (Some(s), None) => format!("{}.", s.label(locale)),
            (None, Some(n)) => n.to_owned(),
            (None, None) => String::new(),
        }
    }
}

struct Person {
    email: String,
    user: Option<UserId>,
    locale: Locale,
    mine: bool,
}

fn locale_of(tag: &str) -> Locale {
    Locale::from_tag(tag).unwrap_or_default()
}

/// The reporter, supporters and followers of a report, one line per address (the reporter's first).
async fn audience(conn: &mut PgConnection, f: &Facts, reporter_only: bool) -> Result<Vec<Person>> {
    let rows = sqlx::query!(
        r#"
        select distinct on (email) email as "email!", user_id, locale as "locale!", mine as "mine!" from (
            select u.email, u.user_id, u.locale, true as mine, 0 as o
            from report r join app_user u on u.user_id = r.reporter_id
            where r.report_id = $1 and u.disabled_at is null
            union all
            select c.email, null, 'it', true, 0 from report_contact c join report r using (report_id)
            where c.report_id = $1 and c.email is not null and r.reporter_id is null
            union all
            select coalesce(u.email, s.email), s.user_id, coalesce(u.locale, 'it'), false, 1
            from report_supporter s left join app_user u using (user_id)
            where s.report_id = $1 and not $2
            union all
            select coalesce(u.email, w.email), w.user_id, coalesce(u.locale, 'it'), false, 1
            from report_follower w left join app_user u using (user_id)
            where w.report_id = $1 and not $2
        ) a
        where email is not null
        order by email, o
        "#,
        f.id as shared::ReportId,
        reporter_only
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Person {
            email: r.email,
            user: r.user_id.map(UserId),
            locale: locale_of(&r.locale),
            mine: r.mine,
        })
        .collect())
}

async fn tell_step(
    conn: &mut PgConnection,
    state: &State,
    f: &Facts,
    step: &Step<'_>,
    signed: &str,
    actor: &Viewer,
    people: Vec<Person>,
) -> Result<()> {
    let link = state.link(&format!("/segnalazioni/{}", f.code));
    for p in people.into_iter().filter(|p| p.email != actor.email) {
        let message = Message::ReportUpdate {
            code: f.code.clone(),
            title: f.title.clone(),
            step: step.text(p.locale),
            signed: signed.to_owned(),
            mine: p.mine,
            link: link.clone(),
        };
        let to = Recipient {
            email: p.email,
            user: p.user,
            locale: p.locale,
        };
        mail::enqueue(conn, state, &to, &message).await?;
    }
    Ok(())
}

/// Tells everyone who follows the report of a public step.
pub async fn public_step(
    conn: &mut PgConnection,
    state: &State,
    f: &Facts,
    step: &Step<'_>,
    signed: &str,
    actor: &Viewer,
) -> Result<()> {
    // Internal reports have no public audience: their reporter is staff, who works in the inbox.
    if f.is_internal {
        return Ok(());
    }
    let people = audience(conn, f, false).await?;
    tell_step(conn, state, f, step, signed, actor, people).await
}

/// Tells only the report's reporter of a public step (the original of a duplicate).
pub async fn reporter_only(
    conn: &mut PgConnection,
    state: &State,
    f: &Facts,
    step: &Step<'_>,
    signed: &str,
    actor: &Viewer,
) -> Result<()> {
    if f.is_internal {
        return Ok(());
    }
    let people = audience(conn, f, true).await?;
    tell_step(conn, state, f, step, signed, actor, people).await
}

/// Staff addresses for an assignee: a person; an office's address and its managers; a contractor's address and
/// its staff. `(email, user, locale)`.
async fn assignee_addresses(
    conn: &mut PgConnection,
    to: Assignee,
) -> Result<Vec<(String, Option<UserId>, Locale)>> {
    let (office, user, contractor) = match to {
        Assignee::Office(o) => (Some(o), None, None),
        Assignee::User(u) => (None, Some(u), None),
        Assignee::Contractor(c) => (None, None, Some(c)),
    };
    let rows = sqlx::query!(
        r#"
        select distinct on (email) email as "email!", user_id, locale as "locale!" from (
            select lower(o.email) as email, null::bigint as user_id, 'it' as locale, 1 as k
            from office o where o.office_id = $1 and o.email is not null
            union all
            select u.email, u.user_id, u.locale, 0 from app_user u join user_office uo using (user_id)
            where uo.office_id = $1 and u.role = 'office_manager' and u.disabled_at is null
            union all
            select u.email, u.user_id, u.locale, 0 from app_user u where u.user_id = $2 and u.disabled_at is null
            union all
            select lower(c.email), null, 'it', 1 from contractor c where c.contractor_id = $3 and c.email is not null
            union all
            select u.email, u.user_id, u.locale, 0 from app_user u
            where u.contractor_id = $3 and u.disabled_at is null
        ) a
        order by email, k
        "#,
        office.map(|o: OfficeId| o.0),
        user.map(|u: UserId| u.0),
        contractor.map(|c: ContractorId| c.0)
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.email, r.user_id.map(UserId), locale_of(&r.locale)))
        .collect())
}

/// Tells the new assignee, with a link to the report's staff page.
pub async fn assigned(
    conn: &mut PgConnection,
    state: &State,
    f: &Facts,
    to: Assignee,
    by: &str,
    due: Option<chrono::NaiveDate>,
) -> Result<()> {
    let what = match to {
        Assignee::Office(o) => {
            sqlx::query_scalar!("select name from office where office_id = $1", o as OfficeId)
                .fetch_one(&mut *conn)
                .await
                .map(|n| (Some(n), None))?
        }
        Assignee::Contractor(c) => sqlx::query_scalar!(
            "select name from contractor where contractor_id = $1",
            c as ContractorId
        )
        .fetch_one(&mut *conn)
        .await
        .map(|n| (None, Some(n)))?,
        Assignee::User(_) => (None, None),
    };
    let link = state.link(&format!("/ufficio/segnalazioni/{}", f.code));
    for (email, user, locale) in assignee_addresses(conn, to).await? {
        let to_text = match (&what, locale) {
            ((Some(o), _), Locale::It) => format!("all'ufficio {o}"),
            ((Some(o), _), Locale::En) => format!("to the office {o}"),
            ((_, Some(c)), Locale::It) => format!("alla ditta {c}"),
            ((_, Some(c)), Locale::En) => format!("to the contractor {c}"),
            (_, Locale::It) => "a te".to_owned(),
            (_, Locale::En) => "to you".to_owned(),
        };
        let message = Message::ReportAssigned {
            code: f.code.clone(),
            title: f.title.clone(),
            to: to_text,
            by: by.to_owned(),
            due: due.map(|d| d.format("%d/%m/%Y").to_string()),
            link: link.clone(),
        };
        mail::enqueue(conn, state, &Recipient { email, user, locale }, &message).await?;
    }
    Ok(())
}

/// A contractor reported completion: the office is told it has something to validate.
pub async fn completion_reported(conn: &mut PgConnection, state: &State, f: &Facts, by: &str) -> Result<()> {
    let link = state.link(&format!("/ufficio/segnalazioni/{}", f.code));
    for (email, user, locale) in assignee_addresses(conn, Assignee::Office(f.office)).await? {
        let excerpt = match locale {
            Locale::It => {
                "La ditta ha comunicato la fine dei lavori: serve la validazione dell'ufficio.".to_owned()
            }
            Locale::En => "The contractor reported the work done: the office must validate it.".to_owned(),
        };
        let message = Message::ReportComment {
            code: f.code.clone(),
            title: f.title.clone(),
            author: by.to_owned(),
            excerpt,
            link: link.clone(),
        };
        mail::enqueue(conn, state, &Recipient { email, user, locale }, &message).await?;
    }
    Ok(())
}

/// A new comment: the reporter and followers (public page link), and the people working on it (staff link).
pub async fn comment(
    conn: &mut PgConnection,
    state: &State,
    f: &Facts,
    author: &str,
    author_email: &str,
    body: &str,
) -> Result<()> {
    let excerpt: String = body.chars().take(500).collect();
    let mut told = vec![author_email.to_owned()];
    let public_link = state.link(&format!("/segnalazioni/{}", f.code));
    let people = audience(conn, f, false).await?;
    let mut send = Vec::new();
    for p in people {
        send.push((p.email, p.user, p.locale, public_link.clone()));
    }
    let staff_link = state.link(&format!("/ufficio/segnalazioni/{}", f.code));
    let mut workers = Vec::new();
    if let Some(u) = f.assigned_user {
        workers.extend(assignee_addresses(conn, Assignee::User(u)).await?);
    }
    if let Some(c) = f.assigned_contractor {
        workers.extend(assignee_addresses(conn, Assignee::Contractor(c)).await?);
    }
    if f.assigned_user.is_none() && f.assigned_contractor.is_none() {
        workers.extend(assignee_addresses(conn, Assignee::Office(f.office)).await?);
    }
    for (email, user, locale) in workers {
        send.push((email, user, locale, staff_link.clone()));
    }
    for (email, user, locale, link) in send {
        if told.contains(&email) {
            continue;
        }
        told.push(email.clone());
        let message = Message::ReportComment {
            code: f.code.clone(),
            title: f.title.clone(),
            author: author.to_owned(),
            excerpt: excerpt.clone(),
            link,
        };
        mail::enqueue(conn, state, &Recipient { email, user, locale }, &message).await?;
    }
    Ok(())
}

/// The office's address and its people (managers and staff, not disabled): `(email, user, locale)`. Each person's
/// own switch ("new reports for my offices") is applied by the outbox.
async fn office_audience(
    conn: &mut PgConnection,
    office: OfficeId,
) -> Result<Vec<(String, Option<UserId>, Locale)>> {
    let rows = sqlx::query!(
        r#"
        select distinct on (email) email as "email!", user_id, locale as "locale!" from (
            select lower(o.email) as email, null::bigint as user_id, 'it' as locale, 1 as k
            from office o where o.office_id = $1 and o.email is not null
            union all
            select u.email, u.user_id, u.locale, 0 from app_user u join user_office uo using (user_id)
            where uo.office_id = $1 and u.role in ('office_manager', 'office_staff') and u.disabled_at is null
        ) a
        order by email, k
        "#,
        office as OfficeId
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.email, r.user_id.map(UserId), locale_of(&r.locale)))
        .collect())
}

/// A report reached its office (filed with an account or by staff, or its address confirmed): the office's
/// address and people are told at once — unless the office chose the daily digest or no email. Not the person who
/// filed it.
pub async fn new_report(
    conn: &mut PgConnection,
    state: &State,
    report: shared::ReportId,
    filed_by: Option<&str>,
) -> Result<()> {
    let r = sqlx::query!(
        r#"
        select r.receipt_code, r.title, c.name as category, o.office_id, o.name as office, o.new_report_mail,
               a.name as "district?"
        from report r join category c using (category_id) join office o on o.office_id = r.office_id
        left join area a on a.area_id = r.area_id
        where r.report_id = $1
        "#,
        report as shared::ReportId
    )
    .fetch_one(&mut *conn)
    .await?;
    if r.new_report_mail != shared::admin::OfficeMail::Immediate.as_str() {
        return Ok(());
    }
    let link = state.link(&format!("/ufficio/segnalazioni/{}", r.receipt_code));
    for (email, user, locale) in office_audience(conn, OfficeId(r.office_id)).await? {
        if filed_by.is_some_and(|f| f.eq_ignore_ascii_case(&email)) {
            continue;
        }
        let message = Message::NewReport {
            code: r.receipt_code.clone(),
            title: r.title.clone(),
            category: r.category.clone(),
            office: r.office.clone(),
            place: r.district.clone().unwrap_or_default(),
            link: link.clone(),
        };
        mail::enqueue(conn, state, &Recipient { email, user, locale }, &message).await?;
    }
    Ok(())
}

/// The daily digests: each office that chose one gets, once a day from 07:00 Italian time, the reports that reached
/// it since its last digest (nothing when there were none). Safe on several instances: an office being sent is
/// locked and skipped by the others. Returns how many offices were sent one.
pub async fn send_digests(state: &State, now: chrono::DateTime<chrono::Utc>) -> Result<u32> {
    let mut sent = 0;
    loop {
        let mut tx = state.pool.begin().await?;
        let due = sqlx::query!(
            r#"
            select office_id, name, digest_sent_at from office
            where new_report_mail = 'daily' and disabled_at is null
              and ($1::timestamptz at time zone 'Europe/Rome')::time >= time '07:00'
              and (digest_sent_at is null
                   or (digest_sent_at at time zone 'Europe/Rome')::date < ($1::timestamptz at time zone 'Europe/Rome')::date)
            order by office_id
            limit 1
            for update skip locked
            "#,
            now
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(office) = due else {
            return Ok(sent);
        };
        let reports: Vec<(String, String, String)> = sqlx::query!(
            r#"
            select r.receipt_code, r.title, c.name as category
            from report r join category c using (category_id)
            where r.office_id = $1 and r.confirmed_at is not null
              and r.confirmed_at > coalesce($2, $3::timestamptz - interval '1 day') and r.confirmed_at <= $3
            order by r.confirmed_at
            "#,
            office.office_id,
            office.digest_sent_at,
            now
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.receipt_code, r.title, r.category))
        .collect();
        if !reports.is_empty() {
            let link = state.link(&format!("/ufficio?ufficio={}", office.office_id));
            for (email, user, locale) in office_audience(&mut tx, OfficeId(office.office_id)).await? {
                let message = Message::NewReportsDigest {
                    office: office.name.clone(),
                    reports: reports.clone(),
                    link: link.clone(),
                };
                mail::enqueue(&mut tx, state, &Recipient { email, user, locale }, &message).await?;
            }
            sent += 1;
        }
        sqlx::query!(
            "update office set digest_sent_at = $2 where office_id = $1",
            office.office_id,
            now
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
}
