//! Transparency statistics against a real PostgreSQL + PostGIS: on random reports with random signed
//! timelines and satisfaction answers, every precomputed figure (each scope, each month of the window and the
//! window itself) equals a direct recomputation in SQL over the raw tables (`percentile_cont` for medians and
//! percentiles); after random changes the incremental refresh equals both the direct recomputation and a
//! rebuild; the periodic report is written once, and a generation dropped half-way leaves nothing.

use backend::seed::rng::Rng;
use backend::stats::{self, period};
use backend::testing::{TestDb, TwoOfficeTown as Town, two_office_town};
use chrono::{DateTime, Duration, Utc};
use shared::stats::{PeriodKind, Scope};
use sqlx::{PgPool, Row};

async fn town(pool: &PgPool) -> Town {
    two_office_town(pool, 11.80, 45.35, 45.45).await
}

/// Inserts a report received at `at` with a random signed timeline; returns its id.
async fn random_report(
    pool: &PgPool,
    rng: &mut Rng,
    town: &Town,
    n: u64,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> i64 {
    let (category, office) = *rng.pick(&town.categories);
    let kind = *rng.pick(&[
        "problem",
        "problem",
        "problem",
        "suggestion",
        "complaint",
        "compliment",
    ]);
    let channel = *rng.pick(&["web", "web", "api", "phone", "email", "counter", "letter"]);
    let internal = rng.chance(0.08);
    let lng = 11.80 + rng.below(1500) as f64 / 10_000.0;
    let id: i64 = sqlx::query_scalar(
        "insert into report (receipt_code, kind, category_id, office_id, area_id, location, title, description,
             created_at, channel, is_internal, is_public, confirmed_at)
         values ($1, $2::report_kind, $3, $4,
             (select area_id from area where kind = 'district' and ST_Intersects(boundary, ST_SetSRID(ST_MakePoint($5, 45.4), 4326)) limit 1),
             ST_SetSRID(ST_MakePoint($5, 45.4), 4326), 'Segnalazione di prova', 'Descrizione', $6,
             $7::report_channel, $8, not $8, $9)
         returning report_id",
    )
    .bind(format!("SEG-2026-{n:06}"))
    .bind(kind)
    .bind(category)
    .bind(office)
    .bind(lng)
    .bind(at)
    .bind(channel)
    .bind(internal)
    // A few never confirmed: they count nowhere.
    .bind(if rng.chance(0.04) { None } else { Some(at) })
    .fetch_one(pool)
    .await
    .expect("insert report");
    let mut t = at;
    let mut state = "submitted";
    entry(pool, id, None, "submitted", t).await;
    let steps = rng.below(6);
    for _ in 0..steps {
        let next = match state {
            "submitted" => *rng.pick(&["in_charge", "in_charge", "in_charge", "rejected"]),
            "in_charge" => *rng.pick(&["resolved", "resolved", "assigned", "rejected"]),
            "assigned" => *rng.pick(&["in_progress", "resolved"]),
            "in_progress" => "resolved",
            "resolved" => *rng.pick(&["closed", "reopened", "closed"]),
            "closed" | "rejected" => "reopened",
            "reopened" => *rng.pick(&["in_charge", "resolved"]),
            _ => break,
        };
        let dt = Duration::minutes(rng.below(60 * 24 * 40) as i64 + 1);
        if t + dt > now {
            break;
        }
        t += dt;
        entry(pool, id, Some(state), next, t).await;
        state = next;
    }
    sqlx::query("update report set state = $2::report_state where report_id = $1")
        .bind(id)
        .bind(state)
        .execute(pool)
        .await
        .expect("database");
    if matches!(state, "resolved" | "closed") && rng.chance(0.5) {
        let answered = t + Duration::hours(rng.below(24 * 20) as i64 + 1);
        if answered < now {
            let not_solved = rng.chance(0.15);
            let rate = |rng: &mut Rng| (rng.below(5) + 1) as i16;
            let (a, b) = if not_solved && rng.chance(0.5) {
                (None, None)
            } else {
                (Some(rate(rng)), Some(rate(rng)))
            };
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
            hash[8..16].copy_from_slice(&(id as u64).to_le_bytes());
            sqlx::query(
                "insert into survey (report_id, resolved_at, token_hash, email, locale, sent_at, expires_at,
                     answered_at, timeliness, quality, not_solved)
                 values ($1, $2, $3, 'a@example.org', 'it', $2, $2 + interval '60 days', $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(t)
            .bind(&hash[..])
            .bind(answered)
            .bind(a)
            .bind(b)
            .bind(not_solved)
            .execute(pool)
            .await
            .expect("database");
        }
    }
    id
}

async fn entry(pool: &PgPool, id: i64, from: Option<&str>, to: &str, at: DateTime<Utc>) {
    sqlx::query(
        "insert into report_update (report_id, from_state, to_state, actor_kind, actor_name, created_at)
         values ($1, $2::report_state, $3::report_state, 'staff', 'M. Rossi', $4)",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(at)
    .execute(pool)
    .await
    .expect("timeline entry");
}

/// The figures recomputed directly from the raw tables, for one scope over `[a, b)`.
async fn direct(
    pool: &PgPool,
    scope: Scope,
    id: i32,
    a: DateTime<Utc>,
    b: DateTime<Utc>,
) -> Vec<Option<f64>> {
    let (office, category, area) = match scope {
        Scope::All => (None, None, None),
        Scope::Office => (Some(id), None, None),
        Scope::Category => (None, Some(id), None),
        Scope::Area => (None, None, Some(id)),
    };
    let row = sqlx::query(
        r#"
        with r as (
            select r.*, (select min(u.created_at) from report_update u where u.report_id = r.report_id and u.to_state = 'in_charge') as ic,
                   case when r.state in ('resolved', 'closed') then
                       (select max(u.created_at) from report_update u where u.report_id = r.report_id and u.to_state = 'resolved') end as rs,
                   case when r.state = 'rejected' then
                       (select max(u.created_at) from report_update u where u.report_id = r.report_id and u.to_state = 'rejected') end as rj,
                   (select v.answered_at from survey v where v.report_id = r.report_id and v.answered_at is not null order by v.answered_at desc limit 1) as va,
                   (select v.timeliness from survey v where v.report_id = r.report_id and v.answered_at is not null order by v.answered_at desc limit 1) as vt,
                   (select v.quality from survey v where v.report_id = r.report_id and v.answered_at is not null order by v.answered_at desc limit 1) as vq
            from report r
            where r.confirmed_at is not null and ($3::int is null or r.office_id = $3)
              and ($4::int is null or r.category_id = $4) and ($5::int is null or r.area_id = $5)),
        h as (select * from r where kind <> 'compliment' and not is_internal)
        select
          (select count(*) from h where created_at >= $1 and created_at < $2)::float8,
          (select count(*) from r where kind = 'compliment' and created_at >= $1 and created_at < $2)::float8,
          (select count(*) from r where kind <> 'compliment' and is_internal and created_at >= $1 and created_at < $2)::float8,
          (select count(*) from h where ic >= $1 and ic < $2)::float8,
          (select percentile_cont(0.5) within group (order by extract(epoch from ic - created_at)::float8) from h where ic >= $1 and ic < $2)::float8,
          (select percentile_cont(0.9) within group (order by extract(epoch from ic - created_at)::float8) from h where ic >= $1 and ic < $2)::float8,
          (select count(*) from h where rs >= $1 and rs < $2)::float8,
          (select percentile_cont(0.5) within group (order by extract(epoch from rs - created_at)::float8) from h where rs >= $1 and rs < $2)::float8,
          (select percentile_cont(0.9) within group (order by extract(epoch from rs - created_at)::float8) from h where rs >= $1 and rs < $2)::float8,
          (select count(*) from h where rs >= $1 and rs < $2 and rs <= sla_due_at)::float8,
          (select count(*) from h where rj >= $1 and rj < $2)::float8,
          (select count(*) from h where va >= $1 and va < $2 and vt is not null)::float8,
          (select avg(vt) from h where va >= $1 and va < $2 and vt is not null)::float8,
          (select avg(vq) from h where va >= $1 and va < $2 and vt is not null)::float8
        "#,
    )
    .bind(a)
    .bind(b)
    .bind(office)
    .bind(category)
    .bind(area)
    .fetch_one(pool)
    .await
    .expect("direct recomputation");
    (0..14).map(|i| row.get::<Option<f64>, _>(i)).collect()
}

const NAMES: [&str; 14] = [
    "received",
    "compliments",
    "internal_received",
    "taken_in_charge",
    "take_median_s",
    "take_p90_s",
    "resolved",
    "resolve_median_s",
    "resolve_p90_s",
    "resolved_within_sla",
    "rejected",
    "ratings",
    "timeliness_avg",
    "quality_avg",
];

/// The precomputed figures of a scope for a month (`None`: the window row). A month with no row is all zeros.
async fn stored(pool: &PgPool, scope: Scope, id: i32, month: Option<chrono::NaiveDate>) -> Vec<Option<f64>> {
    let cols = NAMES
        .iter()
        .map(|c| format!("{c}::float8"))
        .collect::<Vec<_>>()
        .join(", ");
    let row = match month {
        Some(m) => sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {cols} from stats_month where scope = $1 and scope_id = $2 and month = $3"
        )))
        .bind(scope)
        .bind(id)
        .bind(m)
        .fetch_optional(pool)
        .await
        .expect("database"),
        None => sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {cols} from stats_window where scope = $1 and scope_id = $2"
        )))
        .bind(scope)
        .bind(id)
        .fetch_optional(pool)
        .await
        .expect("database"),
    };
    match row {
        Some(r) => (0..14).map(|i| r.get::<Option<f64>, _>(i)).collect(),
        None => vec![
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(0.0),
            None,
            None,
            Some(0.0),
            None,
            None,
            Some(0.0),
            Some(0.0),
            Some(0.0),
            None,
            None,
        ],
    }
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-6 * x.abs().max(1.0),
        (None, None) => true,
        // SQL's count gives 0 where the table keeps a zero; medians and averages are null on nothing in both.
        _ => false,
    }
}

/// Compares every scope's window and months with the direct recomputation; returns how many figures it checked.
async fn check_all(pool: &PgPool, settings: &stats::StatsSettings, now: DateTime<Utc>) -> usize {
    let start = stats::window_start(settings, now);
    let mut scopes = vec![(Scope::All, 0)];
    for (s, sql) in [
        (Scope::Office, "select office_id from office"),
        (Scope::Category, "select category_id from category"),
        (Scope::Area, "select area_id from area where kind = 'district'"),
    ] {
        for id in sqlx::query_scalar::<_, i32>(sql)
            .fetch_all(pool)
            .await
            .expect("database")
        {
            scopes.push((s, id));
        }
    }
    let mut checked = 0;
    for (scope, id) in scopes {
        let mut periods = vec![(
            None,
            stats::month_start(start),
            stats::month_start(stats::month_of(now).next()),
        )];
        let mut m = start;
        while m <= stats::month_of(now) {
            periods.push((
                Some(stats::month_start(m).date_naive()),
                stats::month_start(m),
                stats::month_start(m.next()),
            ));
            m = m.next();
        }
        for (month, a, b) in periods {
            let want = direct(pool, scope, id, a, b).await;
            let got = stored(pool, scope, id, month).await;
            for (i, name) in NAMES.iter().enumerate() {
                assert!(
                    same(want[i], got[i]),
                    "{scope:?} {id} {month:?} {name}: direct {:?}, precomputed {:?}",
                    want[i],
                    got[i]
                );
                checked += 1;
            }
        }
    }
    checked
}

async fn table_dump(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "select format('%s', m) from (select scope, scope_id, month, received, compliments, internal_received, by_channel,
             taken_in_charge, round(take_median_s::numeric, 3), round(take_p90_s::numeric, 3), resolved,
             round(resolve_median_s::numeric, 3), round(resolve_p90_s::numeric, 3), resolved_within_sla, rejected,
             ratings, round(timeliness_avg::numeric, 6), round(quality_avg::numeric, 6), not_solved
           from stats_month order by 1, 2, 3) m
         union all
         select format('%s', w) from (select scope, scope_id, received, resolved, round(resolve_median_s::numeric, 3),
             ratings, open_now, overdue_now from stats_window order by 1, 2) w",
    )
    .fetch_all(pool)
    .await
    .expect("database")
}

#[tokio::test]
async fn precomputed_figures_equal_a_direct_recomputation_on_random_data() {
    let db = TestDb::new().await;
    let state = db.state();
    let pool = &db.pool;
    let town = town(pool).await;
    let now = Utc::now();
    let mut rng = Rng::new(0x5eed_2026_1126);
    let mut ids = Vec::new();
    for n in 1..=400 {
        // Fifteen months back: some reports fall before the window, some milestones inside it.
        let at = now - Duration::minutes(rng.below(60 * 24 * 455) as i64 + 60);
        ids.push(random_report(pool, &mut rng, &town, n, at, now).await);
    }
    let r = stats::rebuild(&state).await.expect("rebuild");
    assert!(r.ran && r.scopes >= 8, "{r:?}");
    let checked = check_all(pool, &state.settings.stats, now).await;
    assert!(checked > 1000, "{checked} figures checked");

    // Random changes through the queue: state moves with their timeline entries, a reclassification, a deletion.
    for _ in 0..60 {
        let id = *rng.pick(&ids);
        let st: String = sqlx::query_scalar("select state::text from report where report_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .expect("database");
        let next = match st.as_str() {
            "submitted" => "in_charge",
            "in_charge" | "assigned" | "in_progress" | "reopened" => "resolved",
            "resolved" | "closed" | "rejected" => "reopened",
            _ => continue,
        };
        entry(
            pool,
            id,
            Some(&st),
            next,
            now - Duration::minutes(rng.below(600) as i64),
        )
        .await;
        sqlx::query("update report set state = $2::report_state where report_id = $1")
            .bind(id)
            .bind(next)
            .execute(pool)
            .await
            .expect("database");
    }
    let (c, o) = town.categories[2];
    sqlx::query("update report set category_id = $1, office_id = $2 where report_id = $3")
        .bind(c)
        .bind(o)
        .bind(ids[0])
        .execute(pool)
        .await
        .expect("database");
    sqlx::query("delete from report where report_id = $1")
        .bind(ids[1])
        .execute(pool)
        .await
        .expect("database");
    let queued: i64 = sqlx::query_scalar("select count(*) from stats_queue")
        .fetch_one(pool)
        .await
        .expect("database");
    assert!(queued > 30, "changes are queued by the triggers ({queued})");
    let r = stats::refresh(&state).await.expect("refresh");
    assert_eq!(r.reports as i64, queued);
    let empty: i64 = sqlx::query_scalar("select count(*) from stats_queue")
        .fetch_one(pool)
        .await
        .expect("database");
    assert_eq!(empty, 0);
    check_all(pool, &state.settings.stats, Utc::now()).await;
    let incremental = table_dump(pool).await;
    stats::rebuild(&state).await.expect("database");
    assert_eq!(
        incremental,
        table_dump(pool).await,
        "incremental refresh = rebuild"
    );

    // A version bump (or any column the figures do not read) queues nothing.
    sqlx::query("update report set version = version + 1")
        .execute(pool)
        .await
        .expect("database");
    let queued: i64 = sqlx::query_scalar("select count(*) from stats_queue")
        .fetch_one(pool)
        .await
        .expect("database");
    assert_eq!(queued, 0);
}

#[tokio::test]
async fn a_periodic_report_is_written_once_and_never_half() {
    let db = TestDb::new().await;
    let mut settings = backend::testing::test_settings();
    settings.stats.report_recipients = vec!["giunta@comune.example".into()];
    let state = backend::State::new(db.pool.clone(), settings).expect("state");
    let pool = &db.pool;
    let town = town(pool).await;
    let now = Utc::now();
    let mut rng = Rng::new(42);
    for n in 1..=150 {
        let at = now - Duration::minutes(rng.below(60 * 24 * 90) as i64 + 60);
        random_report(pool, &mut rng, &town, n, at, now).await;
    }
    stats::rebuild(&state).await.expect("database");
    let last = stats::months_back(stats::month_of(now), 1);

    // Interrupted half-way: the transaction is dropped after the row and its content were written.
    {
        let mut tx = pool.begin().await.expect("database");
        assert!(
            period::generate_in(&mut tx, &state, PeriodKind::Month, last, None)
                .await
                .expect("database")
        );
        drop(tx);
    }
    let rows: i64 = sqlx::query_scalar("select count(*) from period_report")
        .fetch_one(pool)
        .await
        .expect("database");
    assert_eq!(rows, 0, "nothing of an interrupted generation is published");

    // While a generation brings the milestones up to date, the job's refresh skips its tick rather than rewrite
    // the same rows beside it; afterwards it runs.
    {
        let mut tx = pool.begin().await.expect("database");
        period::generate_in(&mut tx, &state, PeriodKind::Month, last, None)
            .await
            .expect("database");
        let beside = stats::refresh(&state).await.expect("database");
        assert!(!beside.ran, "{beside:?}");
        // Rolled back now: a dropped transaction is rolled back by the pool in the background, a moment later.
        tx.rollback().await.expect("database");
    }
    assert!(stats::refresh(&state).await.expect("database").ran);

    // Four instances at once: one writes it, the others find it.
    let runs = (0..4).map(|_| period::generate(&state, PeriodKind::Month, last, None));
    let wrote = futures_util::future::join_all(runs).await;
    assert_eq!(
        wrote.iter().filter(|r| matches!(r, Ok(true))).count(),
        1,
        "{wrote:?}"
    );
    assert!(wrote.iter().all(|r| r.is_ok()));
    let label = last.to_string();
    let mails: i64 = sqlx::query_scalar(
        "select count(*) from outbox_mail where kind = 'period_report' and recipient = 'giunta@comune.example'
         and subject like '%' || $1",
    )
    .bind(&label)
    .fetch_one(pool)
    .await
    .expect("database");
    assert_eq!(mails, 1, "emailed once to the administration, through the outbox");
    let report = period::get(&state, &label).await.expect("database");
    assert_eq!(report.generation, 1);

    // Its numbers are the direct counts of the month.
    let (a, b) = (stats::month_start(last), stats::month_start(last.next()));
    let want = direct(pool, Scope::All, 0, a, b).await;
    assert_eq!(Some(report.total.received as f64), want[0]);
    assert_eq!(Some(report.total.resolved as f64), want[6]);
    assert_eq!(Some(report.total.rejected as f64), want[10]);
    assert!(same(report.total.resolve_median_s, want[7]));
    let offices: i64 = report.offices.iter().map(|(_, f)| f.received).sum();
    assert_eq!(offices, report.total.received, "the offices add up to the total");

    // The scheduled job finds it written; the current month cannot be written yet.
    let n = period::generate_due(&state, now).await.expect("database");
    assert!(n <= 1, "at most the year's report is new ({n})");
    assert!(
        !period::generate(&state, PeriodKind::Month, last, None)
            .await
            .expect("database")
    );
    let e = period::generate(&state, PeriodKind::Month, stats::month_of(now), None)
        .await
        .expect_err("an error");
    assert!(matches!(e, backend::Error::Invalid(v) if v.rule == shared::Rule::NotEnded));
    let listed = period::list(&state).await.expect("database");
    assert!(
        listed
            .iter()
            .any(|p| p.label == label && p.kind == PeriodKind::Month)
    );
}

/// After a stop across several month ends, the job writes every missing month since the newest report, oldest
/// first, each once.
#[tokio::test]
async fn the_job_writes_the_months_missed_while_stopped() {
    let db = TestDb::new().await;
    let state = backend::State::new(db.pool.clone(), backend::testing::test_settings()).expect("state");
    let now = Utc::now();
    let current = stats::month_of(now);
    // Written before the stop: the report of four months ago, and last year's.
    let before = stats::months_back(current, 4);
    let last_year = shared::map::Month {
        year: current.year - 1,
        month: 1,
    };
    for (kind, first) in [(PeriodKind::Month, before), (PeriodKind::Year, last_year)] {
        assert!(
            period::generate(&state, kind, first, None)
                .await
                .expect("database")
        );
    }
    let written = period::generate_due(&state, now).await.expect("database");
    assert_eq!(written, 3, "the three months since");
    let months: Vec<String> = sqlx::query_scalar(
        "select to_char(period_start, 'YYYY-MM') from period_report where kind = 'month' order by generated_at, period_start",
    )
    .fetch_all(&db.pool)
    .await
    .expect("database");
    let want: Vec<String> = (1..=4)
        .rev()
        .map(|n| stats::months_back(current, n).to_string())
        .collect();
    assert_eq!(months, want);
    assert_eq!(
        period::generate_due(&state, now).await.expect("database"),
        0,
        "once"
    );
}

/// An office whose open reports are all older than the window, and that did nothing in it, still shows its
/// backlog; closing the report clears it.
#[tokio::test]
async fn the_backlog_of_a_scope_without_recent_activity_is_shown() {
    let db = TestDb::new().await;
    let state = backend::State::new(db.pool.clone(), backend::testing::test_settings()).expect("state");
    let (roads, _, _) = backend::testing::reporting_town(&db.pool).await;
    let old = Utc::now() - Duration::days(500);
    let (id, _) = backend::testing::create_report_at(
        &db.pool,
        shared::CategoryId(roads),
        "Buca dimenticata",
        45.40,
        11.86,
        old,
        true,
    )
    .await;
    stats::rebuild(&state).await.expect("database");
    let office: i32 = sqlx::query_scalar("select office_id from report where report_id = $1")
        .bind(id.0)
        .fetch_one(&db.pool)
        .await
        .expect("database");
    let row = |scope: &'static str, scope_id: i32| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_as::<_, (i32, i32, i32)>(
                "select received, open_now, overdue_now from stats_window where scope = $1::stats_scope and scope_id = $2",
            )
            .bind(scope)
            .bind(scope_id)
            .fetch_optional(&pool)
            .await
            .expect("database")
        }
    };
    assert_eq!(
        row("office", office).await,
        Some((0, 1, 1)),
        "open and past its SLA, received before the window"
    );
    assert_eq!(row("category", roads).await, Some((0, 1, 1)));
    assert_eq!(row("all", 0).await, Some((0, 1, 1)));

    sqlx::query("update report set state = 'rejected' where report_id = $1")
        .bind(id.0)
        .execute(&db.pool)
        .await
        .expect("database");
    stats::refresh(&state).await.expect("database");
    assert_eq!(row("office", office).await, Some((0, 0, 0)));
    assert_eq!(row("all", 0).await, Some((0, 0, 0)));
}
