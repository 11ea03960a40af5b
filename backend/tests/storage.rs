//! Storage against a real PostgreSQL + PostGIS: the rules the database enforces, the viewport query's plan,
//! receipt codes, and the demo municipality.

use backend::testing::{
    TestDb, create_category, create_district, create_office, create_report, create_report_at,
};
use chrono::{TimeZone, Utc};
use shared::{BBox, ReportState};
use sqlx::Row;

#[tokio::test]
async fn state_transitions_in_sql_match_the_shared_rules() {
    let db = TestDb::new().await;
    let rows = sqlx::query("select from_state::text as f, to_state::text as t from report_state_transition")
        .fetch_all(&db.pool)
        .await
        .expect("read transitions");
    let mut in_sql: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.get::<String, _>("f"), r.get::<String, _>("t")))
        .collect();
    in_sql.sort();
    let mut in_rust: Vec<(String, String)> = ReportState::ALL
        .iter()
        .flat_map(|f| {
            f.next_states()
                .iter()
                .map(move |t| (f.as_str().to_owned(), t.as_str().to_owned()))
        })
        .collect();
    in_rust.sort();
    assert_eq!(in_sql, in_rust);
}

/// The rules written once in SQL (migration 0017) and once in `shared` say the same: open and resolved states,
/// who sees a report, and the staff's sight for every role over every kind of report.
#[tokio::test]
async fn the_report_rules_in_sql_match_the_shared_rules() {
    use shared::permission::{ReportAccess, StaffSight};
    use shared::{ContractorId, OfficeId, Role, UserId};
    let db = TestDb::new().await;
    for state in ReportState::ALL {
        let (open, resolved): (bool, bool) = sqlx::query_as(
            "select report_state_is_open($1::text::report_state), report_state_is_resolved($1::text::report_state)",
        )
        .bind(state.as_str())
        .fetch_one(&db.pool)
        .await
        .expect("rules");
        assert_eq!(
            (open, resolved),
            (state.is_open(), state.is_resolved()),
            "{state}"
        );
    }
    for public in [false, true] {
        for internal in [false, true] {
            for confirmed in [false, true] {
                let sql: bool =
                    sqlx::query_scalar("select report_open_to_all($1, $2, case when $3 then now() end)")
                        .bind(public)
                        .bind(internal)
                        .bind(confirmed)
                        .fetch_one(&db.pool)
                        .await
                        .expect("rule");
                assert_eq!(sql, shared::report::open_to_all(public, internal, confirmed));
            }
        }
    }
    let people = [None, Some(UserId(7)), Some(UserId(8))];
    let companies = [None, Some(ContractorId(3)), Some(ContractorId(4))];
    for role in Role::ALL {
        let viewer = backend::testing::viewer(role);
        let sight = StaffSight::of(Some(&viewer));
        let args = backend::reports::sight::SightArgs::from(&sight);
        for office in [OfficeId(1), OfficeId(2)] {
            for reporter in people {
                for assigned_user in people {
                    for assigned_contractor in companies {
                        for open_to_all in [false, true] {
                            let sql: bool = sqlx::query_scalar(
                                "select report_in_sight($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                            )
                            .bind(open_to_all)
                            .bind(office.0)
                            .bind(assigned_user.map(|u| u.0))
                            .bind(assigned_contractor.map(|c| c.0))
                            .bind(reporter.map(|u| u.0))
                            .bind(args.open_to_all)
                            .bind(args.all)
                            .bind(&args.offices)
                            .bind(args.person)
                            .bind(args.contractor)
                            .bind(args.own)
                            .fetch_one(&db.pool)
                            .await
                            .expect("sight");
                            let access = ReportAccess {
                                office: Some(office),
                                reporter,
                                assigned_user,
                                assigned_contractor,
                            };
                            assert_eq!(
                                sql,
                                sight.allows(&access, open_to_all),
                                "{role:?} {access:?} open_to_all={open_to_all}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn the_database_refuses_a_forbidden_state_change() {
    let db = TestDb::new().await;
    let office = create_office(&db.pool, "Lavori pubblici").await;
    let cat = create_category(&db.pool, office, "Buche stradali").await;
    let (id, _) = create_report(&db.pool, cat, "Buca in via Roma", 45.40, 11.87).await;
    let insert = |from: &'static str, to: &'static str| {
        sqlx::query(
            "insert into report_update (report_id, from_state, to_state, actor_kind, actor_name) \
             values ($1, $2::report_state, $3::report_state, 'staff', 'M. Rossi')",
        )
        .bind(id.0)
        .bind(from)
        .bind(to)
        .execute(&db.pool)
    };
    let err = insert("submitted", "resolved")
        .await
        .expect_err("submitted -> resolved is not allowed");
    assert!(err.to_string().contains("foreign key"), "{err}");
    insert("submitted", "in_charge")
        .await
        .expect("submitted -> in_charge is allowed");
}

#[tokio::test]
async fn receipt_codes_count_per_year_and_never_repeat() {
    let db = TestDb::new().await;
    let office = create_office(&db.pool, "Lavori pubblici").await;
    let cat = create_category(&db.pool, office, "Buche stradali").await;
    let y2025 = Utc
        .with_ymd_and_hms(2025, 12, 31, 10, 0, 0)
        .single()
        .expect("date");
    let y2026 = Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 0).single().expect("date");
    let (_, a) = create_report_at(&db.pool, cat, "Primo del 2025", 45.4, 11.8, y2025, true).await;
    let (_, b) = create_report_at(&db.pool, cat, "Secondo del 2025", 45.4, 11.8, y2025, true).await;
    let (_, c) = create_report_at(&db.pool, cat, "Primo del 2026", 45.4, 11.8, y2026, true).await;
    assert_eq!(a.to_string(), "SEG-2025-000001");
    assert_eq!(b.to_string(), "SEG-2025-000002");
    assert_eq!(c.to_string(), "SEG-2026-000001");

    // Concurrent submissions each get their own number.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let pool = db.pool.clone();
        tasks.push(tokio::spawn(async move {
            create_report_at(&pool, cat, &format!("Concorrente {i}"), 45.4, 11.8, y2026, true)
                .await
                .1
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.expect("task").to_string());
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 20);
    assert_eq!(codes.last().map(String::as_str), Some("SEG-2026-000021"));
}

#[tokio::test]
async fn reports_are_located_in_their_district_and_routed_to_the_category_office() {
    let db = TestDb::new().await;
    create_district(&db.pool, "Quartiere 1 Centro", 11.86, 45.40, 11.89, 45.42).await;
    let office = create_office(&db.pool, "Ambiente e verde").await;
    let cat = create_category(&db.pool, office, "Rifiuti abbandonati").await;
    let (id, _) = create_report(&db.pool, cat, "Rifiuti in piazza", 45.41, 11.87).await;
    let (outside, _) = create_report(&db.pool, cat, "Rifiuti fuori comune", 45.50, 11.70).await;
    let row = sqlx::query(
        "select r.office_id, a.name from report r left join area a using (area_id) where report_id = $1",
    )
    .bind(id.0)
    .fetch_one(&db.pool)
    .await
    .expect("row");
    assert_eq!(row.get::<i32, _>("office_id"), office.0);
    assert_eq!(
        row.get::<Option<String>, _>("name").as_deref(),
        Some("Quartiere 1 Centro")
    );
    let area: Option<i32> = sqlx::query_scalar("select area_id from report where report_id = $1")
        .bind(outside.0)
        .fetch_one(&db.pool)
        .await
        .expect("row");
    assert_eq!(area, None);
}

/// The map's question must be answered by the GiST index, not by reading the whole table.
#[tokio::test]
async fn the_viewport_query_uses_the_gist_index() {
    let db = TestDb::new().await;
    let office = create_office(&db.pool, "Lavori pubblici").await;
    let cat = create_category(&db.pool, office, "Buche stradali").await;
    // 50,000 reports over a 20 × 20 km square, the same ones every run (a seeded random sequence).
    let mut conn = db.pool.acquire().await.expect("connection");
    sqlx::query("select setseed(0.2026)")
        .execute(&mut *conn)
        .await
        .expect("seed");
    sqlx::query(
        "insert into report (receipt_code, kind, category_id, office_id, location, title, description, created_at)
         select 'SEG-2026-' || lpad(g::text, 6, '0'), 'problem', $1, $2,
                ST_SetSRID(ST_MakePoint(11.75 + random() * 0.25, 45.32 + random() * 0.18), 4326),
                'Segnalazione ' || g, 'Descrizione', now() - (g || ' minutes')::interval
         from generate_series(1, 50000) g",
    )
    .bind(cat.0)
    .bind(office.0)
    .execute(&mut *conn)
    .await
    .expect("bulk insert");
    drop(conn);
    sqlx::query("analyze report")
        .execute(&db.pool)
        .await
        .expect("analyze");

    // A neighbourhood-sized viewport. The SQL is read from the committed offline data of the store's own
    // queries, so this checks exactly what the server runs.
    let bbox = BBox::new(11.86, 45.40, 11.88, 45.41).expect("bbox");
    for (what, marker) in [("pins", "limit $5"), ("count", "count(*)")] {
        let sql = backend::testing::offline_query(&["ST_MakeEnvelope($1, $2, $3, $4, 4326)", marker]);
        let mut explain = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(format!("explain {sql}")))
            .bind(bbox.west())
            .bind(bbox.south())
            .bind(bbox.east())
            .bind(bbox.north());
        if what == "pins" {
            explain = explain.bind(500_i64);
        }
        let plan = explain.fetch_all(&db.pool).await.expect("explain").join("\n");
        assert!(
            plan.contains("report_location_gix"),
            "{what} query does not use the GiST index:\n{plan}"
        );
        assert!(
            !plan.contains("Seq Scan on report"),
            "{what} query scans the whole table:\n{plan}"
        );
    }

    // And the service returns what is there.
    let state = db.state();
    let v = backend::reports::viewport(&state, Some(&bbox))
        .await
        .expect("viewport");
    assert!(!v.pins.is_empty());
    // `&&` compares the single-precision boxes PostGIS keeps for each geometry, so a point within about 1e-6°
    // (a few centimetres) outside the viewport may come back: harmless on a map, allowed for here.
    let slack = BBox::new(
        bbox.west() - 1e-5,
        bbox.south() - 1e-5,
        bbox.east() + 1e-5,
        bbox.north() + 1e-5,
    )
    .expect("bbox");
    for p in &v.pins {
        assert!(
            slack.contains(shared::LatLng::new(p.lat, p.lng).expect("point")),
            "{p:?} is outside {bbox:?}"
        );
    }
    assert!(
        v.pins.windows(2).all(|w| w[0].created_at >= w[1].created_at),
        "newest first"
    );
}

#[tokio::test]
async fn the_demo_municipality_loads_once_with_consistent_timelines() {
    let db = TestDb::new().await;
    let opts = backend::seed::DemoOptions {
        seed: 7,
        reports: 600,
        now: Utc
            .with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
            .single()
            .expect("date"),
    };
    let state = db.state();
    let mut conn = db.pool.acquire().await.expect("conn");
    let first = backend::seed::load_demo(&mut conn, &state.passwords, &opts)
        .await
        .expect("seed");
    assert!(first.created);
    assert_eq!(first.accounts, backend::seed::accounts::DEMO_ACCOUNTS.len());
    // One account per role, each able to sign in with its printed password.
    let roles: Vec<String> = sqlx::query_scalar("select role::text from app_user order by role")
        .fetch_all(&db.pool)
        .await
        .expect("roles");
    assert_eq!(roles.len(), shared::Role::ALL.len());
    for a in backend::seed::accounts::DEMO_ACCOUNTS {
        let outcome = backend::users::login(&state, a.email, a.password, None, &Default::default())
            .await
            .unwrap_or_else(|e| panic!("{} cannot sign in: {e}", a.email));
        assert!(matches!(outcome, backend::users::LoginOutcome::SignedIn { .. }));
    }
    assert_eq!(first.reports, 600);
    assert!((6..=10).contains(&first.districts));
    assert!(first.offices >= 6 && first.categories >= 15);
    let again = backend::seed::load_demo(&mut conn, &state.passwords, &opts)
        .await
        .expect("seed again");
    assert!(!again.created, "a second run must not load twice");

    let counts: (i64, i64) =
        sqlx::query_as("select (select count(*) from report), (select count(*) from area)")
            .fetch_one(&db.pool)
            .await
            .expect("counts");
    assert_eq!(counts, (600, 1 + first.districts as i64));
    // Every report's state is the last state of its timeline.
    let mismatched: i64 = sqlx::query_scalar(
        "select count(*) from report r
         where r.state <> (select u.to_state from report_update u where u.report_id = r.report_id
                           and u.to_state is not null order by u.created_at desc, u.update_id desc limit 1)",
    )
    .fetch_one(&db.pool)
    .await
    .expect("check");
    assert_eq!(mismatched, 0);
    // The districts tile the municipality, and nearly every report falls in one.
    let unlocated: i64 = sqlx::query_scalar("select count(*) from report where area_id is null")
        .fetch_one(&db.pool)
        .await
        .expect("check");
    assert_eq!(unlocated, 0);
    let gap: f64 = sqlx::query_scalar(
        "select ST_Area(ST_Difference(m.boundary, (select ST_Union(boundary) from area where kind = 'district'))::geography)
         from area m where kind = 'municipality'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("area");
    assert!(
        gap < 1000.0,
        "districts leave {gap} m² of the municipality uncovered"
    );
    // The map opens on the municipality, with its name and border.
    let state = db.state();
    let view = backend::areas::map_view(&state).await.expect("map view");
    assert_eq!(view.municipality, "Padova");
    assert!(
        view.bbox
            .contains(shared::LatLng::new(45.4077, 11.8734).expect("Padova"))
    );
    assert_eq!(view.outline.len(), 1);
    assert!(view.outline[0].len() > 20, "a real outline, not a box");
    assert!(
        view.outline[0]
            .iter()
            .all(|&(lat, lng)| view.bbox.contains(shared::LatLng::new(lat, lng).expect("point")))
    );
    // And the first viewport, with no bbox, is the whole municipality.
    let whole = backend::reports::viewport(&state, None).await.expect("viewport");
    assert_eq!(whole.total, 600 - private_reports(&db.pool).await);
}

async fn private_reports(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from report where not is_public")
        .fetch_one(pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn before_a_municipality_is_loaded_the_map_opens_on_italy() {
    let db = TestDb::new().await;
    let state = db.state();
    let view = backend::areas::map_view(&state).await.expect("map view");
    assert_eq!(view.municipality, "");
    assert!(view.outline.is_empty());
    assert!(view.bbox.contains(shared::LatLng::new(41.9, 12.5).expect("Rome")));
    let err = backend::reports::viewport(&state, None)
        .await
        .expect_err("no municipality, no default viewport");
    assert!(matches!(err, backend::Error::NotFound), "{err:?}");
}
