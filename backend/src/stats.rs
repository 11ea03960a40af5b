//! Transparency statistics (docs/transparency.md): the refresh job that keeps `stats_month` and `stats_window`
//! current, and the reads the Trasparenza page, the staff dashboard and the report pages make.
//!
//! A change to a report queues it (`stats_queue`, by trigger). [`refresh`] takes the queue, rewrites those
//! reports' milestones (`report_timing`), and recomputes the figures of every scope they were or are in — the
//! municipality, their office, category and district — over the window, month by month. Pages read only the
//! precomputed rows. One instance refreshes at a time (an advisory lock); the work is one transaction, so a
//! failed refresh leaves the tables as they were and the queue as it was.

pub mod compute;
pub mod csv;
pub mod pdf;
pub mod period;
pub mod view;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use shared::ReportKind;
use shared::map::Month;
use shared::report::work::Channel;
use shared::stats::{Figures, Scope};
use sqlx::PgConnection;

use compute::{Acc, Period, Timing};

use crate::{Result, State};

/// Statistics settings.
#[derive(Debug, Clone)]
pub struct StatsSettings {
    /// Months in the rolling window, this one included.
    pub window_months: u32,
    /// The least number of reports a median, percentile, share or average is shown on.
    pub min_reports: i64,
    /// How often the job runs.
    pub refresh_every: Duration,
    /// Days after resolution before the reporter is asked how it went.
    pub survey_after_days: u32,
    /// How long the satisfaction link works.
    pub survey_link_days: u32,
    /// Who gets the monthly and annual reports by email.
    pub report_recipients: Vec<String>,
}

impl Default for StatsSettings {
    fn default() -> Self {
        Self {
            window_months: 12,
            min_reports: shared::stats::DEFAULT_MIN_REPORTS,
            refresh_every: Duration::from_secs(60),
            survey_after_days: 3,
            survey_link_days: 30,
            report_recipients: Vec::new(),
        }
    }
}

/// The advisory lock key of the refresh (any fixed number nobody else uses).
pub(crate) const REFRESH_LOCK: i64 = 0x5e67_0001;

/// What a refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// Reports taken from the queue.
    pub reports: u64,
    /// Scopes recomputed.
    pub scopes: usize,
    /// Rows of report_timing read.
    pub rows_read: usize,
    /// False when another instance was refreshing.
    pub ran: bool,
}

/// A month's first instant.
pub fn month_start(m: Month) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(i32::from(m.year), u32::from(m.month), 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The month of an instant.
pub fn month_of(t: DateTime<Utc>) -> Month {
    Month::of_date(t.date_naive())
}

/// The month `n` months before `m`.
pub fn months_back(m: Month, n: u32) -> Month {
    let idx = i64::from(m.year) * 12 + i64::from(m.month) - 1 - i64::from(n);
    Month {
        year: u16::try_from(idx.div_euclid(12)).unwrap_or(2000),
        month: u8::try_from(idx.rem_euclid(12) + 1).unwrap_or(1),
    }
}

/// The window's first month at `now`.
pub fn window_start(settings: &StatsSettings, now: DateTime<Utc>) -> Month {
    months_back(month_of(now), settings.window_months.max(1) - 1)
}

fn naive(m: Month) -> NaiveDate {
    month_start(m).date_naive()
}

/// Puts every confirmed report in the queue and refreshes: the tables rebuilt from the timelines.
pub async fn rebuild(state: &State) -> Result<Refreshed> {
    let mut conn = state.pool.acquire().await?;
    sqlx::query_scalar!("select report_timing_refresh(null)")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query!("update stats_state set window_start = null")
        .execute(&mut *conn)
        .await?;
    drop(conn);
    refresh(state).await
}

/// Takes the queue and recomputes what it touched (everything when the window moved). Returns at once when
/// another instance is refreshing.
#[tracing::instrument(skip(state))]
pub async fn refresh(state: &State) -> Result<Refreshed> {
    refresh_at(state, Utc::now()).await
}

/// [`refresh`] as if it were `now` (tests move the clock).
pub async fn refresh_at(state: &State, now: DateTime<Utc>) -> Result<Refreshed> {
    let started = Instant::now();
    let settings = &state.settings.stats;
    let mut tx = state.pool.begin().await?;
    let got: bool = sqlx::query_scalar!(r#"select pg_try_advisory_xact_lock($1) as "x!""#, REFRESH_LOCK)
        .fetch_one(&mut *tx)
        .await?;
    if !got {
        return Ok(Refreshed::default());
    }
    let window = window_start(settings, now);
    let stored: Option<NaiveDate> = sqlx::query_scalar!("select window_start from stats_state")
        .fetch_one(&mut *tx)
        .await?;
    let everything = stored != Some(naive(window));

    let ids: Vec<i64> = sqlx::query_scalar!(
        "with taken as (delete from stats_queue returning report_id) select report_id as \"id!\" from taken"
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut dirty: BTreeSet<(Scope, i32)> = BTreeSet::new();
    if !ids.is_empty() {
        scopes_of(&mut tx, &ids, &mut dirty).await?;
        sqlx::query_scalar!("select report_timing_refresh($1)", &ids)
            .fetch_one(&mut *tx)
            .await?;
        scopes_of(&mut tx, &ids, &mut dirty).await?;
    }

    let mut out = Refreshed {
        reports: ids.len() as u64,
        ran: true,
        ..Refreshed::default()
    };
    if everything || !dirty.is_empty() {
        let rows = load(&mut tx, month_start(window), None, None).await?;
        out.rows_read = rows.len();
        let current = month_of(now);
        let months = month_list(window, current);
        let groups = group(&rows, everything.then_some(()), &dirty);
        if everything {
            sqlx::query!("delete from stats_month").execute(&mut *tx).await?;
            sqlx::query!("delete from stats_window").execute(&mut *tx).await?;
        }
        let whole = Period {
            start: month_start(window),
            end: month_start(current.next()),
        };
        for ((scope, id), members) in &groups {
            let mut per_month: Vec<Acc> = months.iter().map(|_| Acc::default()).collect();
            let mut total = Acc::default();
            for r in members {
                total.add(r, whole);
                for (i, m) in months.iter().enumerate() {
                    per_month[i].add(
                        r,
                        Period {
                            start: month_start(*m),
                            end: month_start(m.next()),
                        },
                    );
                }
            }
            sqlx::query!(
                "delete from stats_month where scope = $1 and scope_id = $2",
                *scope as Scope,
                id
            )
            .execute(&mut *tx)
            .await?;
            for (m, acc) in months.iter().zip(per_month) {
                let f = acc.finish();
                if f == Figures::default() {
                    continue;
                }
                write_month(&mut tx, *scope, *id, naive(*m), &f).await?;
            }
            write_window(&mut tx, *scope, *id, naive(window), &total.finish()).await?;
        }
        out.scopes = groups.len();
    }
    backlog(&mut tx, window, now).await?;
    sqlx::query!(
        "update stats_state set window_start = $1, refreshed_at = $2",
        naive(window),
        now
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if out.reports > 0 || everything {
        tracing::info!(
            reports = out.reports,
            scopes = out.scopes,
            rows = out.rows_read,
            ms = started.elapsed().as_millis() as u64,
            "statistics refreshed"
        );
    }
    Ok(out)
}

fn month_list(from: Month, to: Month) -> Vec<Month> {
    let mut out = Vec::new();
    let mut m = from;
    while m <= to {
        out.push(m);
        m = m.next();
    }
    out
}

/// The scopes of the timing rows of `ids` (before or after their rewrite).
async fn scopes_of(conn: &mut PgConnection, ids: &[i64], into: &mut BTreeSet<(Scope, i32)>) -> Result<()> {
    let rows = sqlx::query!(
        "select office_id, category_id, area_id from report_timing where report_id = any($1)",
        ids
    )
    .fetch_all(&mut *conn)
    .await?;
    if !rows.is_empty() {
        into.insert((Scope::All, 0));
    }
    for r in rows {
        into.insert((Scope::Office, r.office_id));
        into.insert((Scope::Category, r.category_id));
        if let Some(a) = r.area_id {
            into.insert((Scope::Area, a));
        }
    }
    Ok(())
}

/// The rows of the scopes to recompute (`all`: every scope that has rows), by scope.
fn group<'a>(
    rows: &'a [Timing],
    all: Option<()>,
    dirty: &BTreeSet<(Scope, i32)>,
) -> BTreeMap<(Scope, i32), Vec<&'a Timing>> {
    let mut out: BTreeMap<(Scope, i32), Vec<&Timing>> = BTreeMap::new();
    for &(s, id) in dirty {
        out.entry((s, id)).or_default();
    }
    if all.is_some() {
        out.entry((Scope::All, 0)).or_default();
    }
    let wanted = |k: &(Scope, i32)| all.is_some() || dirty.contains(k);
    for r in rows {
        let mut keys = vec![
            (Scope::All, 0),
            (Scope::Office, r.office_id),
            (Scope::Category, r.category_id),
        ];
        if let Some(a) = r.area_id {
            keys.push((Scope::Area, a));
        }
        for k in keys {
            if wanted(&k) {
                out.entry(k).or_default().push(r);
            }
        }
    }
    out
}

/// Timing rows with any milestone at or after `from` (and before `to`, when given), optionally of one office.
pub(crate) async fn load(
    conn: &mut PgConnection,
    from: DateTime<Utc>,
    to: Option<DateTime<Utc>>,
    office: Option<i32>,
) -> Result<Vec<Timing>> {
    let to = to.unwrap_or(DateTime::<Utc>::MAX_UTC);
    let rows = sqlx::query!(
        r#"select report_id, kind as "kind: ReportKind", channel as "channel: Channel", is_internal, office_id,
                  category_id, area_id, received_at, in_charge_at, resolved_at, rejected_at, sla_due_at, rated_at,
                  rating_timeliness, rating_quality, not_solved
           from report_timing
           where ($3::int is null or office_id = $3)
             and ((received_at >= $1 and received_at < $2) or (in_charge_at >= $1 and in_charge_at < $2)
               or (resolved_at >= $1 and resolved_at < $2) or (rejected_at >= $1 and rejected_at < $2)
               or (rated_at >= $1 and rated_at < $2))"#,
        from,
        to,
        office
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Timing {
            report_id: r.report_id,
            kind: r.kind,
            channel: r.channel,
            is_internal: r.is_internal,
            office_id: r.office_id,
            category_id: r.category_id,
            area_id: r.area_id,
            received_at: r.received_at,
            in_charge_at: r.in_charge_at,
            resolved_at: r.resolved_at,
            rejected_at: r.rejected_at,
            sla_due_at: r.sla_due_at,
            rated_at: r.rated_at,
            rating_timeliness: r.rating_timeliness,
            rating_quality: r.rating_quality,
            not_solved: r.not_solved,
        })
        .collect())
}

fn channels_json(f: &Figures) -> serde_json::Value {
    serde_json::Value::Object(
        f.by_channel
            .iter()
            .map(|(c, n)| (c.as_str().to_owned(), serde_json::Value::from(*n)))
            .collect(),
    )
}

/// Reads `{"web": 3, ...}` back.
pub(crate) fn channels_of(v: &serde_json::Value) -> Vec<(Channel, i64)> {
    let map: HashMap<String, i64> = serde_json::from_value(v.clone()).unwrap_or_default();
    let mut out: Vec<(Channel, i64)> = Channel::ALL
        .iter()
        .filter_map(|c| map.get(c.as_str()).map(|n| (*c, *n)))
        .collect();
    out.retain(|(_, n)| *n > 0);
    out
}

fn int(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

async fn write_month(
    conn: &mut PgConnection,
    scope: Scope,
    id: i32,
    month: NaiveDate,
    f: &Figures,
) -> Result<()> {
    sqlx::query!(
        "insert into stats_month (scope, scope_id, month, received, compliments, internal_received, by_channel,
             taken_in_charge, take_median_s, take_p90_s, resolved, resolve_median_s, resolve_p90_s,
             resolved_within_sla, rejected, ratings, timeliness_avg, quality_avg, not_solved)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        scope as Scope,
        id,
        month,
        int(f.received),
        int(f.compliments),
        int(f.internal_received),
        channels_json(f),
        int(f.taken_in_charge),
        f.take_median_s,
        f.take_p90_s,
        int(f.resolved),
        f.resolve_median_s,
        f.resolve_p90_s,
        int(f.resolved_within_sla),
        int(f.rejected),
        int(f.ratings),
        f.timeliness_avg,
        f.quality_avg,
        int(f.not_solved),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn write_window(
    conn: &mut PgConnection,
    scope: Scope,
    id: i32,
    start: NaiveDate,
    f: &Figures,
) -> Result<()> {
    sqlx::query!(
        "insert into stats_window (scope, scope_id, window_start, received, compliments, internal_received,
             by_channel, taken_in_charge, take_median_s, take_p90_s, resolved, resolve_median_s, resolve_p90_s,
             resolved_within_sla, rejected, ratings, timeliness_avg, quality_avg, not_solved, refreshed_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, now())
         on conflict (scope, scope_id) do update set window_start = excluded.window_start,
             received = excluded.received, compliments = excluded.compliments,
             internal_received = excluded.internal_received, by_channel = excluded.by_channel,
             taken_in_charge = excluded.taken_in_charge, take_median_s = excluded.take_median_s,
             take_p90_s = excluded.take_p90_s, resolved = excluded.resolved,
             resolve_median_s = excluded.resolve_median_s, resolve_p90_s = excluded.resolve_p90_s,
             resolved_within_sla = excluded.resolved_within_sla, rejected = excluded.rejected,
             ratings = excluded.ratings, timeliness_avg = excluded.timeliness_avg,
             quality_avg = excluded.quality_avg, not_solved = excluded.not_solved, refreshed_at = now()",
        scope as Scope,
        id,
        start,
        int(f.received),
        int(f.compliments),
        int(f.internal_received),
        channels_json(f),
        int(f.taken_in_charge),
        f.take_median_s,
        f.take_p90_s,
        int(f.resolved),
        f.resolve_median_s,
        f.resolve_p90_s,
        int(f.resolved_within_sla),
        int(f.rejected),
        int(f.ratings),
        f.timeliness_avg,
        f.quality_avg,
        int(f.not_solved),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The backlog now, per scope: open reports (confirmed, public-facing, not compliments) and those past their
/// SLA. A grouped count over the open reports' partial index, written into every scope's window row — and into
/// a new row for a scope whose open reports are all older than the window (an office that has not moved for a
/// year still shows what waits on it).
async fn backlog(conn: &mut PgConnection, window: Month, now: DateTime<Utc>) -> Result<()> {
    sqlx::query!(
        r#"with open as (
               select office_id, category_id, area_id, count(*) as n, count(*) filter (where sla_due_at < $1) as late
               from report
               where report_state_is_open(state) and confirmed_at is not null
                 and not is_internal and kind <> 'compliment'
               group by 1, 2, 3),
           per as (
               select 'all'::stats_scope as scope, 0 as id, sum(n) as n, sum(late) as late from open
               union all select 'office', office_id, sum(n), sum(late) from open group by office_id
               union all select 'category', category_id, sum(n), sum(late) from open group by category_id
               union all select 'area', area_id, sum(n), sum(late) from open where area_id is not null group by area_id),
           counted as (
               insert into stats_window (scope, scope_id, window_start, open_now, overdue_now)
               select scope, id, $2, coalesce(n, 0)::int, coalesce(late, 0)::int from per
               on conflict (scope, scope_id) do update
                   set open_now = excluded.open_now, overdue_now = excluded.overdue_now)
           update stats_window w set open_now = 0, overdue_now = 0
           where (w.open_now <> 0 or w.overdue_now <> 0)
             and not exists (select 1 from per p where p.scope = w.scope and p.id = w.scope_id)"#,
        now,
        naive(window)
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The job: refreshes every `refresh_every`, then sends the satisfaction questionnaires that are due, writes
/// the periodic reports of the periods just ended and queues the offices' daily digests. Stops with the server.
pub async fn run(state: State, mut stop: tokio::sync::watch::Receiver<bool>) {
    // The first run one period after start: start-up is busy enough (`seed-demo` computes its own figures).
    let every = state.settings.stats.refresh_every;
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = refresh(&state).await {
            tracing::warn!(error = %e, "statistics: refresh failed");
            continue;
        }
        match crate::survey::send_due(&state).await {
            Ok(n) if n > 0 => tracing::info!(sent = n, "satisfaction questionnaires queued"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "statistics: cannot queue questionnaires"),
        }
        if let Err(e) = period::generate_due(&state, Utc::now()).await {
            tracing::warn!(error = %e, "statistics: cannot write the periodic reports");
        }
        match crate::reports::notify::send_digests(&state, Utc::now()).await {
            Ok(n) if n > 0 => tracing::info!(offices = n, "daily digests of new reports queued"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot queue the daily digests of new reports"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_go_back_across_years() {
        let m = Month { year: 2026, month: 2 };
        assert_eq!(months_back(m, 11), Month { year: 2025, month: 3 });
        assert_eq!(months_back(m, 0), m);
        assert_eq!(
            month_list(
                Month {
                    year: 2025,
                    month: 11
                },
                m
            )
            .len(),
            4
        );
    }
}
