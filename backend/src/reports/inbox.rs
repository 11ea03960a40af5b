//! The inbox: the reports a person works on, filtered and sorted, a page at a time (keyset paging), with counts
//! per state.
//!
//! Scope: the offices the person works for (every office for the URP, administrators and observers; the
//! company's assignments for a contractor), or what is assigned to the person. Open reports unless a state is
//! chosen. Unconfirmed reports (an address not yet confirmed) are not work yet.
//!
//! Paging: each sort order is expressed as one key `(k1, k2, id)` compared as a row, so a page continues exactly
//! after the last row of the previous one whatever changes meanwhile. The cursor is that key as text.

use chrono::Utc;
use shared::permission::{Action, Target, can};
use shared::report::work::{Choice, InboxItem, InboxPage, InboxQuery, InboxScope, InboxSort, Priority};
use shared::report::{ReportKind, ReportState};
use shared::{Field, Role, Rule, ValidationError, Viewer};

use crate::users::require;
use crate::{Error, Result, State};

/// Rows per page.
pub const PAGE: i64 = 50;

fn cursor(k1: i32, k2: f64, id: i64) -> String {
    format!("{k1}_{k2}_{id}")
}

fn parse_cursor(s: &str) -> Result<(i32, f64, i64)> {
    let bad = || Error::Invalid(ValidationError::new(Field::Body, Rule::UnknownValue));
    let mut p = s.split('_');
    let (Some(a), Some(b), Some(c), None) = (p.next(), p.next(), p.next(), p.next()) else {
        return Err(bad());
    };
    Ok((
        a.parse().map_err(|_| bad())?,
        b.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(bad)?,
        c.parse().map_err(|_| bad())?,
    ))
}

/// Whose reports `viewer` sees in the inbox: `(all offices, offices, contractor, user)`.
fn scope(v: &Viewer, q: &InboxQuery) -> (bool, Vec<i32>, Option<i32>, Option<i64>) {
    let mine = (q.scope == InboxScope::Mine).then_some(v.id.0);
    match v.role {
        Role::Contractor => (false, vec![], Some(v.contractor.map_or(-1, |c| c.0)), mine),
        Role::OfficeManager | Role::OfficeStaff => {
            (false, v.offices.iter().map(|o| o.0).collect(), None, mine)
        }
        _ => (true, vec![], None, mine),
    }
}

/// A page of `viewer`'s inbox.
#[tracing::instrument(skip(state, viewer))]
pub async fn inbox(state: &State, viewer: Option<&Viewer>, q: &InboxQuery) -> Result<InboxPage> {
    let v = require(viewer, Action::ViewInbox, Target::Municipality)?;
    let (all, offices, contractor, user) = scope(v, q);
    let after = q.after.as_deref().map(parse_cursor).transpose()?;
    let sort = match q.sort {
        InboxSort::Due => "due",
        InboxSort::Oldest => "oldest",
        InboxSort::Newest => "newest",
        InboxSort::Priority => "priority",
    };
    let mut conn = state.pool.acquire().await?;
    let rows = sqlx::query!(
        r#"
        select * from (
            select r.report_id, r.receipt_code, r.title, r.kind as "kind: ReportKind",
                   r.state as "state: ReportState", r.priority as "priority: Priority",
                   c.name as category, o.name as office, a.name as "district?",
                   coalesce(u.display_name, ct.name) as "assignee?", r.is_public, r.is_internal,
                   ST_Y(r.location) as "lat!", ST_X(r.location) as "lng!", r.created_at, r.sla_due_at,
                   r.completion_reported_at is not null as "completion!",
                   case when $12 = 'priority' then 3 - array_position(enum_range(null::report_priority), r.priority)
                        else 0 end as "k1!",
                   case $12 when 'newest' then -extract(epoch from r.created_at)
                            when 'oldest' then extract(epoch from r.created_at)
                            else extract(epoch from r.sla_due_at) end::float8 as "k2!"
            from report r
            join category c on c.category_id = r.category_id
            join office o on o.office_id = r.office_id
            left join area a on a.area_id = r.area_id
            left join app_user u on u.user_id = r.assigned_user_id
            left join contractor ct on ct.contractor_id = r.assigned_contractor_id
            where r.confirmed_at is not null
              and ($1 or r.office_id = any($2) or $3::int is not null)
              and ($3::int is null or r.assigned_contractor_id = $3)
              and ($4::bigint is null or r.assigned_user_id = $4)
              and (case when $5::report_state is null
                        then r.state not in ('resolved', 'closed', 'rejected', 'duplicate')
                        else r.state = $5 end)
              and ($6::int is null or r.category_id = $6)
              and ($7::int is null or r.area_id = $7)
              and ($8::int is null or r.office_id = $8)
              and (not $9 or r.sla_due_at < now())
              and (not $10 or r.is_internal)
        ) x
        where $11::text is null or (x."k1!", x."k2!", x.report_id) > ($13, $14, $15)
        order by x."k1!", x."k2!", x.report_id
        limit $16
        "#,
        all,
        &offices,
        contractor,
        user,
        q.state as Option<ReportState>,
        q.category.map(|c| c.0),
        q.district,
        q.office.map(|o| o.0),
        q.overdue,
        q.internal,
        q.after.as_deref(),
        sort,
        after.map_or(0, |a| a.0),
        after.map_or(0.0, |a| a.1),
        after.map_or(0, |a| a.2),
        PAGE + 1
    )
    .fetch_all(&mut *conn)
    .await?;
    let more = rows.len() as i64 > PAGE;
    let mut next = None;
    let mut items = Vec::with_capacity(rows.len().min(PAGE as usize));
    for r in rows.into_iter().take(PAGE as usize) {
        next = Some(cursor(r.k1, r.k2, r.report_id));
        items.push(InboxItem {
            receipt_code: r.receipt_code,
            title: r.title,
            kind: r.kind,
            state: r.state,
            priority: r.priority,
            category: r.category,
            office: r.office,
            district: r.district,
            assignee: r.assignee,
            is_public: r.is_public,
            is_internal: r.is_internal,
            lat: r.lat,
            lng: r.lng,
            created_at: r.created_at,
            sla_due_at: r.sla_due_at,
            completion_reported: r.completion,
        });
    }
    let counts = sqlx::query!(
        r#"
        select r.state as "state: ReportState", count(*) as "n!",
               count(*) filter (where r.sla_due_at < now()
                                and r.state not in ('resolved', 'closed', 'rejected', 'duplicate')) as "overdue!"
        from report r
        where r.confirmed_at is not null
          and ($1 or r.office_id = any($2) or $3::int is not null)
          and ($3::int is null or r.assigned_contractor_id = $3)
          and ($4::bigint is null or r.assigned_user_id = $4)
          and r.state not in ('closed', 'duplicate')
        group by r.state
        "#,
        all,
        &offices,
        contractor,
        user
    )
    .fetch_all(&mut *conn)
    .await?;
    let overdue = counts.iter().map(|c| c.overdue).sum();
    let counts = ReportState::ALL
        .into_iter()
        .filter_map(|s| counts.iter().find(|c| c.state == s).map(|c| (s, c.n)))
        .collect();
    let choice = |value: i32, label: String| Choice {
        value: value.to_string(),
        label,
    };
    let categories = sqlx::query!("select category_id, name from category order by name")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|c| choice(c.category_id, c.name))
        .collect();
    let districts = sqlx::query!("select area_id, name from area where kind = 'district' order by name")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|a| choice(a.area_id, a.name))
        .collect();
    let offices = if can(Some(v), Action::AssignReport, Target::Municipality) || all {
        sqlx::query!("select office_id, name from office order by name")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|o| choice(o.office_id, o.name))
            .collect()
    } else {
        vec![]
    };
    Ok(InboxPage {
        items,
        counts,
        overdue,
        next: if more { next } else { None },
        categories,
        districts,
        offices,
        now: Utc::now(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let c = cursor(2, 1_764_000_000.123_456, 42);
        assert_eq!(parse_cursor(&c).expect("ok"), (2, 1_764_000_000.123_456, 42));
        for bad in [
            "",
            "1_2",
            "a_b_c",
            "1_NaN_3",
            "1_inf_3",
            "1_2_3_4",
            "1_2_'; drop table report",
        ] {
            assert!(parse_cursor(bad).is_err(), "{bad}");
        }
    }
}
