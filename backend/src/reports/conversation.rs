//! The conversation on a report's public page: comments (text only), "report abuse", and following by email.
//!
//! Citizens with an account comment and follow at once; without one, the address given confirms the one action
//! by email first (the same one-action links as "same problem"). Comments are closed when the report is; private
//! and internal reports take none. Each account or address may post a limited number of comments an hour (in the
//! database, so every instance counts the same).

use serde_json::json;
use shared::permission::{Action, Target, can};
use shared::report::CommentView;
use shared::report::work::{CommentText, ReportedComment};
use shared::user::Email;
use shared::{Field, Locale, ReceiptCode, ReportId, Rule, Viewer};
use sqlx::PgConnection;

use super::store::{self, Facts};
use crate::error::invalid;
use crate::users::throttle::{self, Policy};
use crate::{Error, Result, State};

/// The comments of a report, oldest first; hidden ones only for staff pages (`with_hidden`).
pub async fn comments(conn: &mut PgConnection, id: ReportId, with_hidden: bool) -> Result<Vec<CommentView>> {
    let rows = sqlx::query!(
        r#"
        select comment_id, author_name, body, created_at, hidden_at is not null as "hidden!", abuse_reports
        from report_comment
        where report_id = $1 and ($2 or hidden_at is null)
        order by created_at, comment_id
        "#,
        id as ReportId,
        with_hidden
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CommentView {
            id: r.comment_id,
            author: r.author_name,
            body: r.body,
            at: r.created_at,
            hidden: r.hidden,
            abuse_reports: r.abuse_reports,
        })
        .collect())
}

/// What posting led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    Done,
    /// Without an account: a link to confirm the address was sent; the comment appears once it is used.
    ConfirmationSent,
}

/// The report `code` if everyone may see it (comments and follows are for public reports only).
async fn public_report(conn: &mut PgConnection, code: &str) -> Result<Facts> {
    let code = ReceiptCode::parse(code)?;
    store::facts(conn, &code.to_string(), false)
        .await?
        .filter(Facts::is_open_to_all)
        .ok_or(Error::NotFound)
}

fn comment_policy(state: &State) -> Policy {
    let hour = std::time::Duration::from_secs(3600);
    Policy {
        max: state.settings.reports.comments_per_hour,
        window: hour,
        block: hour,
        block_max: hour,
    }
}

/// Writes a comment by `author` and tells the people who follow the report.
async fn insert_comment(
    conn: &mut PgConnection,
    state: &State,
    f: &Facts,
    user: Option<&Viewer>,
    email: &str,
    text: &CommentText,
) -> Result<()> {
    if state.settings.reports.comments_per_hour > 0 {
        throttle::take(conn, &format!("comment:{email}"), comment_policy(state)).await?;
    }
    let author = user.map_or_else(
        || Locale::It.t(shared::i18n::Msg::Citizen).to_owned(),
        |v| v.name.clone(),
    );
    sqlx::query!(
        "insert into report_comment (report_id, user_id, email, author_name, body) values ($1, $2, $3, $4, $5)",
        f.id as ReportId,
        user.map(|v| v.id.0),
        user.is_none().then_some(email),
        author,
        text.as_str()
    )
    .execute(&mut *conn)
    .await?;
    super::notify::comment(conn, state, f, &author, email, text.as_str()).await
}

/// Comments on the open public report `code`: at once with an account, after confirming `email` without one.
#[tracing::instrument(skip(state, viewer, text, email))]
pub async fn comment(
    state: &State,
    viewer: Option<&Viewer>,
    code: &str,
    text: &str,
    email: Option<&str>,
    locale: Locale,
) -> Result<Posted> {
    if !can(viewer, Action::CommentOnReport, Target::Municipality) {
        return Err(Error::Forbidden);
    }
    let text = CommentText::parse(text)?;
    let mut tx = state.pool.begin().await?;
    let f = public_report(&mut tx, code).await?;
    if !f.state.is_open() {
        return Err(invalid(Field::Comment, Rule::Closed));
    }
    let posted = match viewer {
        Some(v) => {
            insert_comment(&mut tx, state, &f, Some(v), &v.email, &text).await?;
            Posted::Done
        }
        None => {
            let email = Email::parse(email.unwrap_or_default())?;
            throttle::check(&mut tx, &format!("comment:{email}")).await?;
            let what = match locale {
                Locale::It => format!("il tuo commento alla segnalazione {} «{}»", f.code, f.title),
                Locale::En => format!("your comment on the report {} “{}”", f.code, f.title),
            };
            crate::users::service::request_action_confirmation(
                &mut tx,
                state,
                &email,
                locale,
                &what,
                &json!({ "comment": f.id.0, "text": text.as_str() }),
            )
            .await?;
            Posted::ConfirmationSent
        }
    };
    tx.commit().await?;
    Ok(posted)
}

/// Uses a confirmed one-action link for a comment (called by the confirmation service, in its transaction).
pub async fn confirm_comment(
    conn: &mut PgConnection,
    state: &State,
    email: &Email,
    id: ReportId,
    text: &str,
) -> Result<String> {
    let code = sqlx::query_scalar!(
        "select receipt_code from report where report_id = $1",
        id as ReportId
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    let f = public_report(conn, &code).await?;
    if !f.state.is_open() {
        return Err(invalid(Field::Comment, Rule::Closed));
    }
    let text = CommentText::parse(text)?;
    insert_comment(conn, state, &f, None, email.as_str(), &text).await?;
    Ok(f.code)
}

/// "Report abuse" on a comment, once per `reporter` (an account id or the address of a session).
pub async fn report_abuse(
    state: &State,
    viewer: Option<&Viewer>,
    code: &str,
    comment: i64,
    reporter: &str,
) -> Result<()> {
    let reporter = viewer.map_or_else(|| format!("anon:{reporter}"), |v| format!("user:{}", v.id));
    let mut tx = state.pool.begin().await?;
    let f = public_report(&mut tx, code).await?;
    let added = sqlx::query!(
        r#"
        insert into comment_abuse (comment_id, reporter)
        select comment_id, $3 from report_comment where comment_id = $1 and report_id = $2 and hidden_at is null
        on conflict do nothing
        "#,
        comment,
        f.id as ReportId,
        reporter
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added > 0 {
        sqlx::query!(
            "update report_comment set abuse_reports = abuse_reports + 1 where comment_id = $1",
            comment
        )
        .execute(&mut *tx)
        .await?;
    } else {
        let exists = sqlx::query_scalar!(
            r#"select exists(select 1 from report_comment where comment_id = $1 and report_id = $2) as "x!""#,
            comment,
            f.id as ReportId
        )
        .fetch_one(&mut *tx)
        .await?;
        if !exists {
            return Err(Error::NotFound);
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Follows (or stops following) the public report `code`: at once with an account; without one, following
/// waits for the address's confirmation, and stopping is the email's unsubscribe link.
#[tracing::instrument(skip(state, viewer, email))]
pub async fn follow(
    state: &State,
    viewer: Option<&Viewer>,
    code: &str,
    on: bool,
    email: Option<&str>,
    locale: Locale,
) -> Result<Posted> {
    if !can(viewer, Action::FollowReport, Target::Municipality) {
        return Err(Error::Forbidden);
    }
    let mut tx = state.pool.begin().await?;
    let f = public_report(&mut tx, code).await?;
    let posted = match viewer {
        Some(v) if on => {
            sqlx::query!(
                "insert into report_follower (report_id, user_id) values ($1, $2) on conflict do nothing",
                f.id as ReportId,
                v.id as shared::UserId
            )
            .execute(&mut *tx)
            .await?;
            Posted::Done
        }
        Some(v) => {
            sqlx::query!(
                "delete from report_follower where report_id = $1 and user_id = $2",
                f.id as ReportId,
                v.id as shared::UserId
            )
            .execute(&mut *tx)
            .await?;
            Posted::Done
        }
        None if !on => return Err(Error::Unauthenticated),
        None => {
            let email = Email::parse(email.unwrap_or_default())?;
            let what = match locale {
                Locale::It => format!(
                    "gli aggiornamenti via email della segnalazione {} «{}»",
                    f.code, f.title
                ),
                Locale::En => format!("email updates on the report {} “{}”", f.code, f.title),
            };
            crate::users::service::request_action_confirmation(
                &mut tx,
                state,
                &email,
                locale,
                &what,
                &json!({ "follow": f.id.0 }),
            )
            .await?;
            Posted::ConfirmationSent
        }
    };
    tx.commit().await?;
    Ok(posted)
}

/// Uses a confirmed one-action link for following.
pub async fn confirm_follow(conn: &mut PgConnection, email: &Email, id: ReportId) -> Result<String> {
    let code = sqlx::query_scalar!(
        "insert into report_follower (report_id, email) select report_id, $2 from report where report_id = $1 \
         on conflict do nothing returning (select receipt_code from report where report_id = $1) as \"code!\"",
        id as ReportId,
        email.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?;
    match code {
        Some(c) => Ok(c),
        None => sqlx::query_scalar!(
            "select receipt_code from report where report_id = $1",
            id as ReportId
        )
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(Error::NotFound),
    }
}

/// Whether `viewer` follows the report (directly, as a supporter, or as its reporter).
pub async fn follows(conn: &mut PgConnection, viewer: Option<&Viewer>, id: ReportId) -> Result<bool> {
    let Some(v) = viewer else { return Ok(false) };
    Ok(sqlx::query_scalar!(
        r#"
        select exists(select 1 from report_follower where report_id = $1 and user_id = $2)
            or exists(select 1 from report_supporter where report_id = $1 and user_id = $2)
            or exists(select 1 from report where report_id = $1 and reporter_id = $2) as "x!"
        "#,
        id as ReportId,
        v.id as shared::UserId
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// The moderators' queue: visible comments someone reported, most reported first, then oldest.
pub async fn reported_comments(state: &State, viewer: Option<&Viewer>) -> Result<Vec<ReportedComment>> {
    crate::users::require(viewer, Action::ModerateContent, Target::Municipality)?;
    let rows = sqlx::query!(
        r#"
        select r.receipt_code, r.title, c.comment_id, c.author_name, c.body, c.created_at, c.abuse_reports
        from report_comment c join report r using (report_id)
        where c.abuse_reports > 0 and c.hidden_at is null
        order by c.abuse_reports desc, c.created_at
        limit 200
        "#
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReportedComment {
            receipt_code: r.receipt_code,
            report_title: r.title,
            comment: CommentView {
                id: r.comment_id,
                author: r.author_name,
                body: r.body,
                at: r.created_at,
                hidden: false,
                abuse_reports: r.abuse_reports,
            },
        })
        .collect())
}
