//! The inbox: the reports a person works on, filtered and sorted, a page at a time (keyset paging), with counts
//! per state.
//!
//! Scope: the offices the person works for (every office for the URP, administrators and observers; the
//! company's assignments for a contractor), or what is assigned to the person; and only reports the person may
//! open (the staff's sight, `super::sight`: an observer lists no private report). Open reports unless a state is
//! chosen. Unconfirmed reports (an address not yet confirmed) are not work yet.
//!
//! Paging: each sort order is a key on real columns — `(sla_due_at, id)`, `(created_at, id)` either way, or
//! `(priority desc, sla_due_at, id)` — so a page continues exactly after the last row of the previous one whatever
//! changes meanwhile, and the office's partial index (`report_inbox_office_idx`) finds the open reports. The page
//! is chosen on `report` alone and joined to its names afterwards (51 rows, not the office's thousands). The
//! query is assembled from fixed fragments by the sort and the filters given (values are always bound); the
//! cursor is the last row's key as text.

use chrono::{DateTime, Utc};
use shared::permission::{Action, StaffSight, Target, can};
use shared::report::work::{Choice, InboxItem, InboxPage, InboxQuery, InboxScope, InboxSort, Priority};
use shared::report::{ReportKind, ReportState};
use shared::{Field, Role, Rule, ValidationError, Viewer};
use sqlx::{Postgres, QueryBuilder};

use super::sight::{SightArgs, push_in_sight};
use crate::users::require;
use crate::{Error, Result, State};

/// Rows per page.
pub const PAGE: i64 = 50;

/// Where a page starts: the last row of the previous page, by the sort's key.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cursor {
    priority: Option<Priority>,
    at: DateTime<Utc>,
    id: i64,
}

fn cursor(c: &Cursor) -> String {
    let micros = c.at.timestamp_micros();
    match c.priority {
        Some(p) => format!("{}_{micros}_{}", p.as_str(), c.id),
        None => format!("{micros}_{}", c.id),
    }
}

fn parse_cursor(s: &str, sort: InboxSort) -> Result<Cursor> {
    let bad = || Error::Invalid(ValidationError::new(Field::Body, Rule::UnknownValue));
    let parts: Vec<&str> = s.split('_').collect();
    let (priority, rest) = match (sort, parts.as_slice()) {
        (InboxSort::Priority, [p, rest @ ..]) => (Some(p.parse::<Priority>().map_err(|_| bad())?), rest),
        (InboxSort::Priority, []) => return Err(bad()),
        (_, rest) => (None, rest),
    };
    let [at, id] = rest else { return Err(bad()) };
    let at = at
        .parse::<i64>()
        .ok()
        .and_then(DateTime::<Utc>::from_timestamp_micros)
        .ok_or_else(bad)?;
    Ok(Cursor {
        priority,
        at,
        id: id.parse().map_err(|_| bad())?,
    })
}

#[derive(sqlx::FromRow)]
struct Row {
    report_id: i64,
    receipt_code: String,
    title: String,
    kind: ReportKind,
    state: ReportState,
    priority: Priority,
    category: String,
    office: String,
    district: Option<String>,
    assignee: Option<String>,
    is_public: bool,
    is_internal: bool,
    lat: f64,
    lng: f64,
    created_at: DateTime<Utc>,
    sla_due_at: DateTime<Utc>,
    completion: bool,
}

/// Whose reports `viewer` sees in the inbox: `(offices, contractor, user)`; `None` offices: every office.
fn scope(v: &Viewer, q: &InboxQuery) -> (Option<Vec<i32>>, Option<i32>, Option<i64>) {
    let mine = (q.scope == InboxScope::Mine).then_some(v.id.0);
    match v.role {
        Role::Contractor => (None, Some(v.contractor.map_or(-1, |c| c.0)), mine),
        Role::OfficeManager | Role::OfficeStaff => {
            (Some(v.offices.iter().map(|o| o.0).collect()), None, mine)
        }
        _ => (None, None, mine),
    }
}

/// The filters every inbox query shares, after `where`: the viewer's work, and only reports they may open.
fn push_scope(
    qb: &mut QueryBuilder<Postgres>,
    sight: &SightArgs,
    offices: &[i32],
    contractor: Option<i32>,
    user: Option<i64>,
) {
    qb.push("r.confirmed_at is not null and ");
    push_in_sight(qb, sight);
    qb.push(" and r.office_id = any(");
    qb.push_bind(offices.to_vec());
    qb.push(")");
    if let Some(c) = contractor {
        qb.push(" and r.assigned_contractor_id = ").push_bind(c);
    }
    if let Some(u) = user {
        qb.push(" and r.assigned_user_id = ").push_bind(u);
    }
}

const OPEN: &str = " and report_state_is_open(r.state)";

/// A page of `viewer`'s inbox.
#[tracing::instrument(skip(state, viewer))]
pub async fn inbox(state: &State, viewer: Option<&Viewer>, q: &InboxQuery) -> Result<InboxPage> {
    let v = require(viewer, Action::ViewInbox, Target::Municipality)?;
    let sight = SightArgs::from(&StaffSight::of(Some(v)));
    let (mine, contractor, user) = scope(v, q);
    let all = mine.is_none();
    let after = q.after.as_deref().map(|c| parse_cursor(c, q.sort)).transpose()?;
    let mut conn = state.pool.acquire().await?;
    let offices = match mine {
        Some(o) => o,
        None => {
            sqlx::query_scalar!("select office_id from office")
                .fetch_all(&mut *conn)
                .await?
        }
    };

    let mut qb = QueryBuilder::<Postgres>::new("with page as (select r.report_id from report r where ");
    push_scope(&mut qb, &sight, &offices, contractor, user);
    match q.state {
        None => {
            qb.push(OPEN);
        }
        Some(s) => {
            qb.push(" and r.state = ").push_bind(s);
        }
    }
    if let Some(c) = q.category {
        qb.push(" and r.category_id = ").push_bind(c.0);
    }
    if let Some(d) = q.district {
        qb.push(" and r.area_id = ").push_bind(d);
    }
    if let Some(o) = q.office {
        qb.push(" and r.office_id = ").push_bind(o.0);
    }
    if q.overdue {
        qb.push(" and r.sla_due_at < now()");
    }
    if q.internal {
        qb.push(" and r.is_internal");
    }
    let (key, order) = match q.sort {
        InboxSort::Due => ("(r.sla_due_at, r.report_id) > (", "r.sla_due_at, r.report_id"),
        InboxSort::Oldest => ("(r.created_at, r.report_id) > (", "r.created_at, r.report_id"),
        InboxSort::Newest => (
            "(r.created_at, r.report_id) < (",
            "r.created_at desc, r.report_id desc",
        ),
        InboxSort::Priority => (
            "(r.sla_due_at, r.report_id) > (",
            "r.priority desc, r.sla_due_at, r.report_id",
        ),
    };
    if let Some(c) = after {
        qb.push(" and ");
        if let Some(p) = c.priority {
            qb.push("(r.priority < ")
                .push_bind(p)
                .push(" or (r.priority = ")
                .push_bind(p)
                .push(" and ");
        }
        qb.push(key).push_bind(c.at).push(", ").push_bind(c.id).push(")");
        if c.priority.is_some() {
            qb.push("))");
        }
    }
    qb.push(" order by ")
        .push(order)
        .push(" limit ")
        .push_bind(PAGE + 1);
    qb.push(
        r#")
        select r.report_id, r.receipt_code, r.title, r.kind, r.state, r.priority,
               c.name as category, o.name as office, a.name as district,
               coalesce(u.display_name, ct.name) as assignee, r.is_public, r.is_internal,
               ST_Y(r.location) as lat, ST_X(r.location) as lng, r.created_at, r.sla_due_at,
               r.completion_reported_at is not null as completion
        from page join report r using (report_id)
        join category c on c.category_id = r.category_id
        join office o on o.office_id = r.office_id
        left join area a on a.area_id = r.area_id
        left join app_user u on u.user_id = r.assigned_user_id
        left join contractor ct on ct.contractor_id = r.assigned_contractor_id
        order by "#,
    );
    qb.push(order);
    let rows: Vec<Row> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let more = rows.len() as i64 > PAGE;
    let mut next = None;
    let mut items = Vec::with_capacity(rows.len().min(PAGE as usize));
    for r in rows.into_iter().take(PAGE as usize) {
        next = Some(cursor(&Cursor {
            priority: (q.sort == InboxSort::Priority).then_some(r.priority),
            at: match q.sort {
                InboxSort::Due | InboxSort::Priority => r.sla_due_at,
                InboxSort::Oldest | InboxSort::Newest => r.created_at,
            },
            id: r.report_id,
        }));
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
    // Open work per state (the inbox is about open reports; a state filter shows any state's list).
    let counts = sqlx::query!(
        r#"
        select r.state as "state: ReportState", count(*) as "n!",
               count(*) filter (where r.sla_due_at < now()) as "overdue!"
        from report r
        where r.confirmed_at is not null and r.office_id = any($1)
          and ($2::int is null or r.assigned_contractor_id = $2)
          and ($3::bigint is null or r.assigned_user_id = $3)
          and report_state_is_open(r.state)
          and report_in_sight(report_open_to_all(r.is_public, r.is_internal, r.confirmed_at), r.office_id,
                              r.assigned_user_id, r.assigned_contractor_id, r.reporter_id,
                              $4, $5, $6, $7, $8, $9)
        group by r.state
        "#,
        &offices,
        contractor,
        user,
        sight.open_to_all,
        sight.all,
        &sight.offices,
        sight.person,
        sight.contractor,
        sight.own
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
        let at = DateTime::<Utc>::from_timestamp_micros(1_764_000_000_123_456).expect("time");
        let c = Cursor {
            priority: None,
            at,
            id: 42,
        };
        assert_eq!(parse_cursor(&cursor(&c), InboxSort::Due).expect("ok"), c);
        let p = Cursor {
            priority: Some(Priority::Urgent),
            at,
            id: 7,
        };
        assert_eq!(parse_cursor(&cursor(&p), InboxSort::Priority).expect("ok"), p);
        for bad in [
            "",
            "1",
            "a_b",
            "1_2_3",
            "99999999999999999999_1",
            "1_2'; drop table report",
        ] {
            assert!(parse_cursor(bad, InboxSort::Due).is_err(), "{bad}");
        }
        assert!(
            parse_cursor("1_2", InboxSort::Priority).is_err(),
            "a priority cursor needs its priority"
        );
        assert!(parse_cursor("soon_1_2", InboxSort::Priority).is_err());
    }
}
