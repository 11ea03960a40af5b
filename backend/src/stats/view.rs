//! What the pages read: only the precomputed rows (`stats_window`, `stats_month`), the names of offices,
//! categories and districts, and a handful of indexed lookups (newest compliments, the staff dashboard's
//! workload and coming SLA breaches). Never an aggregate over all reports.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::permission::{Action, StaffSight, Target, can};
use shared::stats::{
    Breach, Dashboard, DistrictShape, Figures, MonthFigures, Scope, ScopeFigures, StatsQuery, StatsView,
    Workload,
};
use shared::{Field, Rule, Viewer};
use sqlx::PgConnection;

use super::{channels_of, month_of, month_start, window_start};
use crate::error::invalid;
use crate::reports::sight::SightArgs;
use crate::{Error, Result, State};

macro_rules! figures_of {
    ($r:expr) => {
        Figures {
            received: i64::from($r.received),
            compliments: i64::from($r.compliments),
            internal_received: i64::from($r.internal_received),
            by_channel: channels_of(&$r.by_channel),
            taken_in_charge: i64::from($r.taken_in_charge),
            take_median_s: $r.take_median_s,
            take_p90_s: $r.take_p90_s,
            resolved: i64::from($r.resolved),
            resolve_median_s: $r.resolve_median_s,
            resolve_p90_s: $r.resolve_p90_s,
            resolved_within_sla: i64::from($r.resolved_within_sla),
            rejected: i64::from($r.rejected),
            ratings: i64::from($r.ratings),
            timeliness_avg: $r.timeliness_avg,
            quality_avg: $r.quality_avg,
            not_solved: i64::from($r.not_solved),
        }
    };
}

/// Every scope's window row, with its name, sorted by name (the municipality first).
async fn scopes(conn: &mut PgConnection, organisation: &str) -> Result<Vec<ScopeFigures>> {
    let rows = sqlx::query!(
        r#"select w.scope as "scope: Scope", w.scope_id, w.received, w.compliments, w.internal_received,
                  w.by_channel, w.taken_in_charge, w.take_median_s, w.take_p90_s, w.resolved, w.resolve_median_s,
                  w.resolve_p90_s, w.resolved_within_sla, w.rejected, w.ratings, w.timeliness_avg, w.quality_avg,
                  w.not_solved, w.open_now, w.overdue_now,
                  coalesce(o.name, c.name, a.name) as name
           from stats_window w
           left join office o on w.scope = 'office' and o.office_id = w.scope_id
           left join category c on w.scope = 'category' and c.category_id = w.scope_id
           left join area a on w.scope = 'area' and a.area_id = w.scope_id
           order by w.scope, name"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ScopeFigures {
            scope: r.scope,
            id: r.scope_id,
            name: r.name.unwrap_or_else(|| organisation.to_owned()),
            figures: figures_of!(r),
            open_now: i64::from(r.open_now),
            overdue_now: i64::from(r.overdue_now),
        })
        .collect())
}

/// The statistics for the Trasparenza page (and the dashboard's common part).
pub async fn stats_view(state: &State, q: &StatsQuery) -> Result<StatsView> {
    stats_view_at(state, q, Utc::now()).await
}

pub async fn stats_view_at(state: &State, q: &StatsQuery, now: DateTime<Utc>) -> Result<StatsView> {
    let settings = &state.settings.stats;
    let mut conn = state.pool.acquire().await?;
    let (scope, id) = q.scope();
    // An unknown office, category or district is a named error.
    let name = scope_name(&mut conn, scope, id).await?;
    let unknown = |field| Err(invalid(field, Rule::UnknownValue));
    match (scope, &name) {
        (Scope::Office, None) => return unknown(Field::Office),
        (Scope::Category, None) => return unknown(Field::Category),
        (Scope::Area, None) => return unknown(Field::District),
        _ => {}
    }
    let start = window_start(settings, now);
    let current = month_of(now);
    let from = q.from.unwrap_or(start).max(start);
    let to = q.to.unwrap_or(current).min(current);
    if q.from.is_some_and(|f| f > current) || q.to.is_some_and(|t| t < start) {
        // Wholly outside the window the tables hold.
        return Err(invalid(
            Field::DateRange,
            Rule::OutOfRange {
                min: f64::from(start.year) * 100.0 + f64::from(start.month),
                max: f64::from(current.year) * 100.0 + f64::from(current.month),
            },
        ));
    }
    let refreshed_at: Option<DateTime<Utc>> = sqlx::query_scalar!("select refreshed_at from stats_state")
        .fetch_one(&mut *conn)
        .await?;
    let organisation = crate::site::get_in(state, &mut conn)
        .await?
        .site
        .display_name()
        .to_owned();
    let all = scopes(&mut conn, &organisation).await?;
    let chosen = all
        .iter()
        .find(|s| s.scope == scope && s.id == id)
        .cloned()
        .unwrap_or_else(|| ScopeFigures {
            scope,
            id,
            name: name.unwrap_or(organisation),
            figures: Figures::default(),
            open_now: 0,
            overdue_now: 0,
        });
    let month_rows = sqlx::query!(
        r#"select month, received, compliments, internal_received, by_channel, taken_in_charge, take_median_s,
                  take_p90_s, resolved, resolve_median_s, resolve_p90_s, resolved_within_sla, rejected, ratings,
                  timeliness_avg, quality_avg, not_solved
           from stats_month where scope = $1 and scope_id = $2 and month >= $3 and month <= $4 order by month"#,
        scope as Scope,
        id,
        month_start(from).date_naive(),
        month_start(to).date_naive()
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut months = Vec::new();
    let mut m = from;
    let mut it = month_rows.into_iter().peekable();
    while m <= to {
        let figures = match it.peek() {
            Some(r) if r.month == month_start(m).date_naive() => {
                let r = it.next().expect("peeked");
                figures_of!(r)
            }
            _ => Figures::default(),
        };
        months.push(MonthFigures { month: m, figures });
        m = m.next();
    }
    let compliments = sqlx::query!(
        r#"select r.receipt_code, r.title, r.created_at from report r
           where r.report_id in (
               select c.report_id from report c
               where c.kind = 'compliment' and report_open_to_all(c.is_public, c.is_internal, c.confirmed_at)
                 and ($1::int is null or c.office_id = $1) and ($2::int is null or c.category_id = $2)
                 and ($3::int is null or c.area_id = $3)
               order by c.created_at desc limit 5)
           order by r.created_at desc"#,
        q.office,
        q.category,
        q.district
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.receipt_code, r.title, r.created_at))
    .collect();
    let pick = |s: Scope| all.iter().filter(|x| x.scope == s).cloned().collect::<Vec<_>>();
    Ok(StatsView {
        min_reports: settings.min_reports,
        window: (start, current),
        months_shown: (from, to),
        refreshed_at,
        scope: chosen,
        months,
        offices: pick(Scope::Office),
        categories: pick(Scope::Category),
        areas: pick(Scope::Area),
        compliments,
    })
}

async fn scope_name(conn: &mut PgConnection, scope: Scope, id: i32) -> Result<Option<String>> {
    Ok(match scope {
        Scope::All => None,
        Scope::Office => {
            sqlx::query_scalar!("select name from office where office_id = $1", id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Scope::Category => {
            sqlx::query_scalar!("select name from category where category_id = $1", id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Scope::Area => {
            sqlx::query_scalar!("select name from area where area_id = $1", id)
                .fetch_optional(&mut *conn)
                .await?
        }
    })
}

/// Every district's outline, for the map coloured by median resolution time.
pub async fn district_shapes(state: &State) -> Result<Vec<DistrictShape>> {
    let rows = sqlx::query!(
        r#"select a.area_id, a.name,
                  ST_AsSVG(ST_SimplifyPreserveTopology(ST_Transform(a.boundary, 3857), 20), 0, 0) as "path!",
                  ST_XMin(ST_Transform(a.boundary, 3857)) as "x0!", ST_YMax(ST_Transform(a.boundary, 3857)) as "y1!",
                  ST_XMax(ST_Transform(a.boundary, 3857)) as "x1!", ST_YMin(ST_Transform(a.boundary, 3857)) as "y0!",
                  ST_X(ST_PointOnSurface(ST_Transform(a.boundary, 3857))) as "lx!",
                  ST_Y(ST_PointOnSurface(ST_Transform(a.boundary, 3857))) as "ly!"
           from area a where a.kind = 'district' order by a.name"#
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DistrictShape {
            id: r.area_id,
            name: r.name,
            path: r.path,
            // ST_AsSVG writes -y: the top edge is -ymax.
            bounds: (r.x0, -r.y1, r.x1 - r.x0, r.y1 - r.y0),
            label_at: (r.lx, -r.ly),
        })
        .collect())
}

/// The dashboard for staff who may see it; an office's staff see their offices' workload and breaches.
pub async fn dashboard(state: &State, viewer: Option<&Viewer>, q: &StatsQuery) -> Result<Dashboard> {
    let v = viewer.ok_or(Error::Unauthenticated)?;
    if !can(Some(v), Action::ViewStaffDashboard, Target::Municipality) {
        return Err(Error::Forbidden);
    }
    let stats = stats_view(state, q).await?;
    // Staff bound to offices see those offices' work; the others (administrators, URP, observers) all.
    let offices: Option<Vec<i32>> = match v.role {
        shared::Role::OfficeManager | shared::Role::OfficeStaff => {
            Some(v.offices.iter().map(|o| o.0).collect())
        }
        _ => None,
    };
    let office = q.office;
    let now = Utc::now();
    let mut conn = state.pool.acquire().await?;
    // Open work per person and per company in one pass (index-only over the open assigned reports).
    let mut people = Vec::new();
    let mut contractors = Vec::new();
    let rows = sqlx::query!(
        r#"select true as "person!", u.display_name as "name!", count(*) as "open!",
                  count(*) filter (where r.sla_due_at < $1) as "late!"
           from report r join app_user u on u.user_id = r.assigned_user_id
           where r.assigned_user_id is not null and report_state_is_open(r.state)
             and ($2::int[] is null or r.office_id = any($2)) and ($3::int is null or r.office_id = $3)
           group by u.display_name
           union all
           select false, c.name, count(*), count(*) filter (where r.sla_due_at < $1)
           from report r join contractor c on c.contractor_id = r.assigned_contractor_id
           where r.assigned_contractor_id is not null and report_state_is_open(r.state)
             and ($2::int[] is null or r.office_id = any($2)) and ($3::int is null or r.office_id = $3)
           group by c.name
           order by 3 desc, 2"#,
        now,
        offices.as_deref(),
        office
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        let w = Workload {
            name: r.name,
            open: r.open,
            overdue: r.late,
        };
        if r.person {
            people.push(w);
        } else {
            contractors.push(w);
        }
    }
    // Reports by name: only those the viewer may open (an observer sees no private report's title).
    let sight = SightArgs::from(&StaffSight::of(Some(v)));
    let breaches = sqlx::query!(
        r#"select r.receipt_code, r.title, o.name as office, r.sla_due_at
           from report r join office o on o.office_id = r.office_id
           where report_state_is_open(r.state) and r.confirmed_at is not null
             and r.sla_due_at >= $1 and r.sla_due_at < $1::timestamptz + interval '7 days'
             and ($2::int[] is null or r.office_id = any($2)) and ($3::int is null or r.office_id = $3)
             and report_in_sight(report_open_to_all(r.is_public, r.is_internal, r.confirmed_at), r.office_id,
                                 r.assigned_user_id, r.assigned_contractor_id, r.reporter_id,
                                 $4, $5, $6, $7, $8, $9)
           order by r.sla_due_at limit 50"#,
        now,
        offices.as_deref(),
        office,
        sight.open_to_all,
        sight.all,
        &sight.offices,
        sight.person,
        sight.contractor,
        sight.own
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| Breach {
        code: r.receipt_code,
        title: r.title,
        office: r.office,
        due: r.sla_due_at,
    })
    .collect();
    Ok(Dashboard {
        stats,
        people,
        contractors,
        breaches,
        may_export: can(Some(v), Action::ExportData, Target::Municipality),
    })
}

/// A report's place against its category: its promised date, and once done, the category's median times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryMedians {
    pub resolve_median_s: Option<f64>,
    pub take_median_s: Option<f64>,
    pub min_reports: i64,
}

/// The category's medians over the window, when shown (enough reports).
pub async fn category_medians(conn: &mut PgConnection, min: i64, category: i32) -> Result<CategoryMedians> {
    let r = sqlx::query!(
        "select resolve_median_s, resolved, take_median_s, taken_in_charge from stats_window
         where scope = 'category' and scope_id = $1",
        category
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match r {
        Some(r) => CategoryMedians {
            resolve_median_s: r.resolve_median_s.filter(|_| i64::from(r.resolved) >= min),
            take_median_s: r.take_median_s.filter(|_| i64::from(r.taken_in_charge) >= min),
            min_reports: min,
        },
        None => CategoryMedians {
            resolve_median_s: None,
            take_median_s: None,
            min_reports: min,
        },
    })
}
