//! The audit log: every staff action, append-only (the database refuses changes), read by administrators only.

use serde_json::Value;
use shared::permission::{Action, Target};
use shared::report::work::{AuditEntry, AuditPage};
use shared::{ReportId, Viewer};
use sqlx::PgConnection;

use crate::users::require;
use crate::{Result, State};

/// Records `action` by `viewer` (on `report`, with `detail`) in the caller's transaction, beside the change.
pub async fn record(
    conn: &mut PgConnection,
    viewer: &Viewer,
    action: &str,
    report: Option<ReportId>,
    detail: &Value,
) -> Result<()> {
    sqlx::query!(
        "insert into audit_log (user_id, actor, action, report_id, detail) values ($1, $2, $3, $4, $5)",
        viewer.id as shared::UserId,
        format!("{} <{}> ({})", viewer.name, viewer.email, viewer.role.as_str()),
        action,
        report as Option<ReportId>,
        detail
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A page of the log, newest first, before `before` (keyset); administrators only.
pub async fn page(
    state: &State,
    viewer: Option<&Viewer>,
    report: Option<&str>,
    before: Option<i64>,
) -> Result<AuditPage> {
    require(viewer, Action::ManageStaff, Target::Municipality)?;
    const PAGE: i64 = 100;
    let rows = sqlx::query!(
        r#"
        select l.audit_id, l.at, l.actor, l.action, r.receipt_code as "code?", l.detail::text as "detail!"
        from audit_log l left join report r on r.report_id = l.report_id
        where ($1::bigint is null or l.audit_id < $1) and ($2::text is null or r.receipt_code = $2)
        order by l.audit_id desc
        limit $3
        "#,
        before,
        report,
        PAGE + 1
    )
    .fetch_all(&state.pool)
    .await?;
    let mut items: Vec<AuditEntry> = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.audit_id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            report: r.code,
            detail: r.detail,
        })
        .collect();
    let next = (items.len() as i64 > PAGE).then(|| {
        items.truncate(PAGE as usize);
        items.last().map_or(0, |e| e.id)
    });
    Ok(AuditPage { items, next })
}
