//! Satisfaction questionnaires (docs/transparency.md): some days after a report is resolved, its reporter gets
//! an email with a one-use link to rate the answer's timeliness and quality (1-5), leave a comment, or say it is
//! not solved — which reopens the report, signed "the reporter", and tells its office. Answers count, in
//! aggregate, in the statistics (through `report_timing`).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use shared::report::ReportState;
use shared::stats::SurveyView;
use shared::{Field, Locale, Rule, UserId};
use sqlx::PgConnection;

use crate::error::invalid;
use crate::mail::templates::Message;
use crate::mail::{Recipient, enqueue};
use crate::secrets::{new_token, token_hash};
use crate::{Error, Result, State};

/// The longest comment.
pub const COMMENT_MAX: usize = 2000;

/// A reporter's answer, as the form sends it (text, checked here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerForm {
    pub timeliness: Option<String>,
    pub quality: Option<String>,
    pub comment: Option<String>,
    /// "on" (a checkbox) or "true" when the problem is not solved.
    pub not_solved: Option<String>,
}

/// A checked answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub timeliness: Option<i16>,
    pub quality: Option<i16>,
    pub comment: Option<String>,
    pub not_solved: bool,
}

fn rating(field: Field, v: Option<&str>, required: bool) -> Result<Option<i16>> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None if required => Err(invalid(field, Rule::Required)),
        None => Ok(None),
        Some(s) => {
            let n: f64 = s.parse().map_err(|_| invalid(field, Rule::NotANumber))?;
            if n.fract() != 0.0 || !(1.0..=5.0).contains(&n) {
                return Err(invalid(field, Rule::OutOfRange { min: 1.0, max: 5.0 }));
            }
            Ok(Some(n as i16))
        }
    }
}

impl AnswerForm {
    /// Ratings 1-5 (both required unless the problem is not solved), a comment of at most 2,000 characters.
    pub fn check(&self) -> Result<Answer> {
        let not_solved = matches!(
            self.not_solved.as_deref().map(str::trim),
            Some("on" | "true" | "1")
        );
        let timeliness = rating(Field::Timeliness, self.timeliness.as_deref(), !not_solved)?;
        let quality = rating(Field::Quality, self.quality.as_deref(), !not_solved)?;
        if timeliness.is_some() != quality.is_some() {
            let missing = if timeliness.is_none() {
                Field::Timeliness
            } else {
                Field::Quality
            };
            return Err(invalid(missing, Rule::Required));
        }
        let comment = self
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|c| shared::validation::text(Field::Comment, c, 1, COMMENT_MAX))
            .transpose()?;
        Ok(Answer {
            timeliness,
            quality,
            comment,
            not_solved,
        })
    }
}

/// Queues the questionnaires that are due: reports resolved between `survey_after_days` and a week more ago,
/// still resolved, with a reporter's address, not yet asked about this resolution. At most 500 a run.
pub async fn send_due(state: &State) -> Result<usize> {
    send_due_at(state, Utc::now()).await
}

pub async fn send_due_at(state: &State, now: DateTime<Utc>) -> Result<usize> {
    let s = &state.settings.stats;
    let newest = now - Duration::days(i64::from(s.survey_after_days));
    let oldest = newest - Duration::days(7);
    let mut tx = state.pool.begin().await?;
    let due = sqlx::query!(
        r#"select t.report_id, t.resolved_at as "resolved_at!", r.receipt_code, r.title,
                  coalesce(u.email, c.email) as "email!", u.user_id as "user_id?", coalesce(u.locale, 'it') as "locale!"
           from report_timing t
           join report r on r.report_id = t.report_id
           left join app_user u on u.user_id = r.reporter_id and u.disabled_at is null
           left join report_contact c on c.report_id = r.report_id
           where t.resolved_at >= $1 and t.resolved_at < $2 and r.state = 'resolved' and not t.is_internal
             and coalesce(u.email, c.email) is not null
             and not exists (select 1 from survey v where v.report_id = t.report_id and v.resolved_at = t.resolved_at)
           order by t.resolved_at limit 500
           for update of r skip locked"#,
        oldest,
        newest
    )
    .fetch_all(&mut *tx)
    .await?;
    let expires = now + Duration::days(i64::from(s.survey_link_days.max(1)));
    for d in &due {
        let token = new_token();
        let locale = Locale::from_tag(&d.locale).unwrap_or_default();
        sqlx::query!(
            "insert into survey (report_id, resolved_at, token_hash, email, locale, sent_at, expires_at)
             values ($1, $2, $3, $4, $5, $6, $7)",
            d.report_id,
            d.resolved_at,
            token_hash(&token),
            d.email.to_lowercase(),
            locale.tag(),
            now,
            expires
        )
        .execute(&mut *tx)
        .await?;
        let to = Recipient {
            email: d.email.to_lowercase(),
            user: d.user_id.map(UserId),
            locale,
        };
        let message = Message::SatisfactionSurvey {
            code: d.receipt_code.clone(),
            title: d.title.clone(),
            link: state.link(&format!("/soddisfazione/{token}")),
            days: s.survey_link_days,
        };
        enqueue(&mut tx, state, &to, &message).await?;
    }
    tx.commit().await?;
    Ok(due.len())
}

struct Found {
    survey_id: i64,
    report_id: i64,
    code: String,
    title: String,
    resolved_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    answered: bool,
}

/// The questionnaire behind `token`, if it may still be answered.
async fn find(conn: &mut PgConnection, token: &str) -> Result<Found> {
    let f = sqlx::query_as!(
        Found,
        r#"select v.survey_id, v.report_id, r.receipt_code as code, r.title, v.resolved_at, v.expires_at,
                  v.answered_at is not null as "answered!"
           from survey v join report r using (report_id) where v.token_hash = $1"#,
        token_hash(token)
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    if f.answered {
        return Err(Error::LinkUsed);
    }
    if f.expires_at <= Utc::now() {
        return Err(Error::LinkExpired);
    }
    Ok(f)
}

/// The questionnaire behind `token`: `LinkUsed` once answered, `LinkExpired` past its date, `NotFound` when
/// there is no such link.
pub async fn open(state: &State, token: &str) -> Result<SurveyView> {
    let mut conn = state.pool.acquire().await?;
    let f = find(&mut conn, token).await?;
    Ok(SurveyView {
        code: f.code,
        title: f.title,
        resolved_at: f.resolved_at,
        expires_at: f.expires_at,
    })
}

/// Records the answer once. "Not solved" reopens the report (when it is still resolved or closed) with an entry
/// signed by the reporter, and emails its office. Returns the report's receipt code.
#[tracing::instrument(skip(state, token, form))]
pub async fn answer(state: &State, token: &str, form: &AnswerForm) -> Result<String> {
    let a = form.check()?;
    let mut tx = state.pool.begin().await?;
    let f = find(&mut tx, token).await?;
    // Once: of two answers at the same moment, the second finds it answered.
    let recorded = sqlx::query!(
        "update survey set answered_at = now(), timeliness = $2, quality = $3, comment = $4, not_solved = $5
         where survey_id = $1 and answered_at is null",
        f.survey_id,
        a.timeliness,
        a.quality,
        a.comment,
        a.not_solved
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if recorded == 0 {
        return Err(Error::LinkUsed);
    }
    sqlx::query!(
        "insert into stats_queue (report_id) values ($1) on conflict do nothing",
        f.report_id
    )
    .execute(&mut *tx)
    .await?;
    if a.not_solved {
        reopen(&mut tx, state, &f, a.comment.as_deref()).await?;
    }
    tx.commit().await?;
    tracing::info!(report = %f.code, not_solved = a.not_solved, "satisfaction answer recorded");
    Ok(f.code)
}

async fn reopen(conn: &mut PgConnection, state: &State, f: &Found, comment: Option<&str>) -> Result<()> {
    let r = sqlx::query!(
        r#"select r.state as "state: ReportState", r.office_id, o.name as office, o.email as office_email
           from report r join office o using (office_id) where r.report_id = $1 for update of r"#,
        f.report_id
    )
    .fetch_one(&mut *conn)
    .await?;
    if !r.state.can_become(ReportState::Reopened) {
        // Already reopened (or worked again) since the questionnaire was sent: the answer is kept, nothing moves.
        return Ok(());
    }
    let note = match comment {
        Some(c) => format!("Il segnalante indica che il problema non è risolto: {c}"),
        None => "Il segnalante indica che il problema non è risolto.".to_owned(),
    };
    sqlx::query!(
        "update report set state = 'reopened', version = version + 1, updated_at = now() where report_id = $1",
        f.report_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into report_update (report_id, from_state, to_state, note, is_public, actor_kind, actor_name, office_id)
         values ($1, $2, 'reopened', $3, true, 'citizen', 'Il segnalante', $4)",
        f.report_id,
        r.state as ReportState,
        note,
        r.office_id
    )
    .execute(&mut *conn)
    .await?;
    if let Some(email) = r.office_email {
        let message = Message::ReportReopened {
            code: f.code.clone(),
            title: f.title.clone(),
            office: r.office,
            comment: comment.map(str::to_owned),
            link: state.link(&format!("/ufficio/segnalazioni/{}", f.code)),
        };
        let to = Recipient {
            email: email.to_lowercase(),
            user: None,
            locale: Locale::It,
        };
        enqueue(conn, state, &to, &message).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(t: &str, q: &str, not_solved: bool) -> AnswerForm {
        AnswerForm {
            timeliness: Some(t.into()),
            quality: Some(q.into()),
            comment: None,
            not_solved: not_solved.then(|| "on".into()),
        }
    }

    fn rule_of(r: Result<Answer>) -> (Field, Rule) {
        match r {
            Err(Error::Invalid(e)) => (e.field, e.rule),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn ratings_are_whole_numbers_from_one_to_five() {
        assert_eq!(form("5", "1", false).check().unwrap().timeliness, Some(5));
        let out = Rule::OutOfRange { min: 1.0, max: 5.0 };
        assert_eq!(
            rule_of(form("6", "3", false).check()),
            (Field::Timeliness, out.clone())
        );
        assert_eq!(
            rule_of(form("3", "0", false).check()),
            (Field::Quality, out.clone())
        );
        assert_eq!(rule_of(form("2.5", "3", false).check()), (Field::Timeliness, out));
        assert_eq!(
            rule_of(form("tre", "3", false).check()),
            (Field::Timeliness, Rule::NotANumber)
        );
        assert_eq!(
            rule_of(form("", "3", false).check()),
            (Field::Timeliness, Rule::Required)
        );
        // "Not solved" needs no rating, but half a rating is still refused.
        assert!(form("", "", true).check().unwrap().not_solved);
        assert_eq!(
            rule_of(form("4", "", true).check()),
            (Field::Quality, Rule::Required)
        );
        let long = AnswerForm {
            comment: Some("x".repeat(COMMENT_MAX + 1)),
            ..form("4", "4", false)
        };
        assert_eq!(
            rule_of(long.check()),
            (Field::Comment, Rule::TooLong { max: COMMENT_MAX })
        );
    }
}
