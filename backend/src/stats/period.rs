//! Periodic reports (resoconti): at the end of each month and year, a report of what was done in it — reports
//! received and processed, topics, offices involved, response times, satisfaction, comments received —
//! archived, listed publicly (HTML and CSV), and emailed through the outbox to the configured recipients.
//!
//! Exactly once per period, however many instances run the job: the generation takes a transaction-scoped
//! advisory lock, looks for the period's row, and writes the row, its content and its emails in the same
//! transaction. A job interrupted half-way commits nothing, so the next run does the whole period again; a
//! second instance waits for the lock, then finds the row and does nothing.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::json;
use shared::map::Month;
use shared::permission::{Action, Target, can};
use shared::stats::{Figures, PeriodKind, PeriodReport, PeriodSummary, Scope, period_label};
use shared::{Locale, Viewer};
use sqlx::PgConnection;

use super::compute::{Acc, Period, Timing};
use super::{load, month_of, month_start, months_back};
use crate::mail::templates::Message;
use crate::mail::{Recipient, enqueue};
use crate::{Error, Result, State};

const PERIOD_LOCK: i64 = 0x5e67_0002;

/// The period `[start, end)` of `kind` starting at `first`.
pub fn bounds(kind: PeriodKind, first: Month) -> Period {
    let end = match kind {
        PeriodKind::Month => first.next(),
        PeriodKind::Year => Month {
            year: first.year + 1,
            month: 1,
        },
    };
    Period {
        start: month_start(first),
        end: month_start(end),
    }
}

/// How far back the job goes after a stop across several month ends: the missing months of the last year, the
/// missing years of the last two.
const CATCH_UP_MONTHS: u32 = 12;
const CATCH_UP_YEARS: u16 = 2;

/// The periods that have ended by `now` and are written automatically, oldest first: the last complete month and
/// year and, when the newest report written (`newest_month`, `newest_year`: their first months) is older — the
/// server was stopped across month ends — every period since it, within [`CATCH_UP_MONTHS`] and
/// [`CATCH_UP_YEARS`]. A new installation (nothing written) starts with the last month and year only.
pub fn due_periods(
    now: DateTime<Utc>,
    newest_month: Option<Month>,
    newest_year: Option<Month>,
) -> Vec<(PeriodKind, Month)> {
    let current = month_of(now);
    let last_month = months_back(current, 1);
    let mut m = match newest_month {
        Some(n) if n < last_month => n.next().max(months_back(current, CATCH_UP_MONTHS)),
        _ => last_month,
    };
    let mut out = Vec::new();
    while m <= last_month {
        out.push((PeriodKind::Month, m));
        m = m.next();
    }
    let last_year = current.year - 1;
    let first_year = match newest_year {
        Some(n) if n.year < last_year => (n.year + 1).max(last_year + 1 - CATCH_UP_YEARS),
        _ => last_year,
    };
    for year in first_year..=last_year {
        out.push((PeriodKind::Year, Month { year, month: 1 }));
    }
    out
}

/// Writes the reports of the periods ended and not written yet (see [`due_periods`]), from the service's opening
/// day on (none before it opens: a period before the service existed has nothing to report). Returns how many
/// it wrote.
pub async fn generate_due(state: &State, now: DateTime<Utc>) -> Result<usize> {
    let Some(opened_at) = crate::site::get(state).await?.opened_at else {
        return Ok(0);
    };
    let newest = sqlx::query!(
        r#"select max(period_start) filter (where kind = 'month') as month,
                  max(period_start) filter (where kind = 'year') as year
           from period_report"#
    )
    .fetch_one(&state.pool)
    .await?;
    let mut n = 0;
    for (kind, first) in due_periods(
        now,
        newest.month.map(Month::of_date),
        newest.year.map(Month::of_date),
    ) {
        if bounds(kind, first).end <= opened_at {
            continue;
        }
        if generate(state, kind, first, None).await? {
            n += 1;
        }
    }
    Ok(n)
}

/// Writes the report of the period unless it exists (`regenerate_by`: an administrator's regeneration, which
/// replaces it). True when it wrote one.
pub async fn generate(
    state: &State,
    kind: PeriodKind,
    first: Month,
    regenerate_by: Option<&Viewer>,
) -> Result<bool> {
    let mut tx = state.pool.begin().await?;
    let wrote = generate_in(&mut tx, state, kind, first, regenerate_by).await?;
    tx.commit().await?;
    Ok(wrote)
}

/// [`generate`] inside the caller's transaction: nothing is visible until it commits (tests drop it half-way).
pub async fn generate_in(
    conn: &mut PgConnection,
    state: &State,
    kind: PeriodKind,
    first: Month,
    regenerate_by: Option<&Viewer>,
) -> Result<bool> {
    let period = bounds(kind, first);
    if period.end > Utc::now() {
        return Err(crate::error::invalid(
            shared::Field::DateRange,
            shared::Rule::NotEnded,
        ));
    }
    sqlx::query_scalar!("select pg_advisory_xact_lock($1)", PERIOD_LOCK)
        .fetch_one(&mut *conn)
        .await?;
    let existing: Option<i32> = sqlx::query_scalar!(
        "select generation from period_report where kind = $1 and period_start = $2",
        kind as PeriodKind,
        period.start.date_naive()
    )
    .fetch_optional(&mut *conn)
    .await?;
    if existing.is_some() && regenerate_by.is_none() {
        return Ok(false);
    }
    // The milestones must be current: the queue's reports first — under the refresh's lock, so that a generation
    // (an administrator's click, the command line) and the job's refresh never rewrite the same milestones at once
    // (two upserts in different orders could deadlock). The job's refresh skips its tick while this one holds it.
    sqlx::query_scalar!("select pg_advisory_xact_lock($1)", super::REFRESH_LOCK)
        .fetch_one(&mut *conn)
        .await?;
    let ids: Vec<i64> = sqlx::query_scalar!("select report_id from stats_queue")
        .fetch_all(&mut *conn)
        .await?;
    if !ids.is_empty() {
        sqlx::query_scalar!("select report_timing_refresh($1)", &ids)
            .fetch_one(&mut *conn)
            .await?;
    }
    let generation = existing.map_or(1, |g| g + 1);
    let report = compute(conn, state, kind, first, period, generation).await?;
    let data = serde_json::to_value(&report).map_err(|e| Error::Internal(e.into()))?;
    let by = regenerate_by.map(|v| v.id.0);
    sqlx::query!(
        "insert into period_report (kind, period_start, period_end, data, generation, generated_by)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (kind, period_start) do update set data = excluded.data, generation = excluded.generation,
             generated_at = now(), generated_by = excluded.generated_by",
        kind as PeriodKind,
        period.start.date_naive(),
        period.end.date_naive(),
        data,
        generation,
        by
    )
    .execute(&mut *conn)
    .await?;
    if let Some(v) = regenerate_by {
        crate::audit::record(
            conn,
            v,
            "regenerate_period_report",
            None,
            &json!({ "period": report.label, "generation": generation }),
        )
        .await?;
    }
    let link = state.link(&format!("/trasparenza/resoconti/{}", report.label));
    for to in &state.settings.stats.report_recipients {
        let Ok(email) = shared::user::Email::parse(to) else {
            tracing::warn!(recipient = %to, "periodic reports: not an email address, skipped");
            continue;
        };
        enqueue(
            conn,
            state,
            &Recipient::address(&email, Locale::It),
            &Message::PeriodReport {
                label: report.label.clone(),
                yearly: kind == PeriodKind::Year,
                received: report.total.received,
                resolved: report.total.resolved,
                link: link.clone(),
            },
        )
        .await?;
    }
    tracing::info!(period = %report.label, generation, "periodic report written");
    Ok(true)
}

/// The numbers of a period, from the milestones.
async fn compute(
    conn: &mut PgConnection,
    state: &State,
    kind: PeriodKind,
    first: Month,
    period: Period,
    generation: i32,
) -> Result<PeriodReport> {
    let rows = load(conn, period.start, Some(period.end), None).await?;
    let names: HashMap<(Scope, i32), String> = sqlx::query!(
        r#"select 'office'::stats_scope as "scope!: Scope", office_id as "id!", name as "name!" from office
           union all select 'category', category_id, name from category
           union all select 'area', area_id, name from area where kind = 'district'"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| ((r.scope, r.id), r.name))
    .collect();
    let offices = named_groups(&rows, period, &names, Scope::Office, |t| Some(t.office_id));
    let categories = named_groups(&rows, period, &names, Scope::Category, |t| Some(t.category_id));
    let districts = named_groups(&rows, period, &names, Scope::Area, |t| t.area_id);
    let comments: i64 = sqlx::query_scalar!(
        r#"select count(*) as "n!" from report_comment where created_at >= $1 and created_at < $2 and hidden_at is null"#,
        period.start,
        period.end
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(PeriodReport {
        kind,
        label: period_label(kind, first),
        start: period.start.date_naive(),
        end: period.end.date_naive(),
        generated_at: Utc::now(),
        generation,
        total: super::compute::figures(rows.iter(), period),
        offices,
        categories,
        districts,
        comments,
        min_reports: state.settings.stats.min_reports,
    })
}

/// The figures per office, category or district (by `key`), named, sorted by name; groups with nothing in the
/// period left out.
fn named_groups(
    rows: &[Timing],
    period: Period,
    names: &HashMap<(Scope, i32), String>,
    scope: Scope,
    key: impl Fn(&Timing) -> Option<i32>,
) -> Vec<(String, Figures)> {
    let mut accs: BTreeMap<i32, Acc> = BTreeMap::new();
    for r in rows {
        if let Some(k) = key(r) {
            accs.entry(k).or_default().add(r, period);
        }
    }
    let mut out: Vec<(String, Figures)> = accs
        .into_iter()
        .map(|(id, acc)| {
            let name = names
                .get(&(scope, id))
                .cloned()
                .unwrap_or_else(|| format!("#{id}"));
            (name, acc.finish())
        })
        .filter(|(_, f)| *f != Figures::default())
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every periodic report written, newest period first (months and years together).
pub async fn list(state: &State) -> Result<Vec<PeriodSummary>> {
    let rows = sqlx::query!(
        r#"select kind as "kind: PeriodKind", period_start, generated_at, generation,
                  (data->'total'->>'received')::bigint as "received!", (data->'total'->>'resolved')::bigint as "resolved!"
           from period_report order by period_start desc, kind desc"#
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PeriodSummary {
            kind: r.kind,
            label: period_label(r.kind, Month::of_date(r.period_start)),
            received: r.received,
            resolved: r.resolved,
            generated_at: r.generated_at,
            generation: r.generation,
        })
        .collect())
}

/// The periodic report `label` (`2026-03` or `2026`); `NotFound` when none was written.
pub async fn get(state: &State, label: &str) -> Result<PeriodReport> {
    let (kind, first) = shared::stats::parse_period(label)?;
    let data: Option<serde_json::Value> = sqlx::query_scalar!(
        "select data from period_report where kind = $1 and period_start = $2",
        kind as PeriodKind,
        month_start(first).date_naive()
    )
    .fetch_optional(&state.pool)
    .await?;
    let data = data.ok_or(Error::NotFound)?;
    serde_json::from_value(data).map_err(|e| Error::Internal(e.into()))
}

/// An administrator's regeneration of the report `label` (which must have ended).
pub async fn regenerate(state: &State, viewer: Option<&Viewer>, label: &str) -> Result<()> {
    let v = viewer.ok_or(Error::Unauthenticated)?;
    if !can(Some(v), Action::RegeneratePeriodicReports, Target::Municipality) {
        return Err(Error::Forbidden);
    }
    let (kind, first) = shared::stats::parse_period(label)?;
    generate(state, kind, first, Some(v)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn month(year: u16, month: u8) -> Month {
        Month { year, month }
    }

    #[test]
    fn due_periods_catch_up_after_a_stop_within_a_year() {
        let now = Utc.with_ymd_and_hms(2026, 3, 5, 10, 0, 0).single().expect("date");
        let y = |year| (PeriodKind::Year, month(year, 1));
        let m = |year, mm| (PeriodKind::Month, month(year, mm));
        // A new installation: the last month and the last year.
        assert_eq!(due_periods(now, None, None), vec![m(2026, 2), y(2025)]);
        // Running every day: the same two (both found written).
        assert_eq!(
            due_periods(now, Some(month(2026, 2)), Some(month(2025, 1))),
            vec![m(2026, 2), y(2025)]
        );
        // Stopped since November's report: December, January and February, oldest first.
        assert_eq!(
            due_periods(now, Some(month(2025, 11)), Some(month(2024, 1))),
            vec![m(2025, 12), m(2026, 1), m(2026, 2), y(2025)]
        );
        // Stopped for years: at most the last twelve months and the last two years.
        let long = due_periods(now, Some(month(2020, 5)), Some(month(2019, 1)));
        assert_eq!(long.first(), Some(&m(2025, 3)));
        assert_eq!(long.iter().filter(|(k, _)| *k == PeriodKind::Month).count(), 12);
        assert_eq!(&long[12..], &[y(2024), y(2025)]);
    }
}
