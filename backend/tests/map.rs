//! The map at scale against a real PostgreSQL + PostGIS: the per-cell counts that the writes keep current
//! always equal `count(*)` of the matching reports, for random tiles, zooms and filters, before and after
//! random writes; the incremental tables equal a rebuild from scratch; the plans read the indexes.

use backend::map;
use backend::seed::rng::Rng;
use backend::testing::{TestDb, TwoOfficeTown as Town, two_office_town};
use shared::map::{
    CLUSTER_MAX_ZOOM, MapFilter, Month, SPARSE_PINS, StateFilter, Tile, decode_tile, world_x, world_y,
};
use shared::{ReportKind, ReportState};
use sqlx::{PgPool, Row};

// The region: two towns 20 km apart, with a dense centre each and a sprinkle between them.
const WEST: f64 = 11.70;
const EAST: f64 = 12.00;
const SOUTH: f64 = 45.30;
const NORTH: f64 = 45.50;

async fn town(pool: &PgPool) -> Town {
    two_office_town(pool, WEST, SOUTH, NORTH).await
}

/// Inserts `n` reports in one statement (as a bulk import would), at random places, states, categories,
/// offices, months; some private, internal or unconfirmed (none of which the map shows).
async fn insert_reports(pool: &PgPool, rng: &mut Rng, town: &Town, n: usize, first: usize) {
    let mut qb = sqlx::QueryBuilder::<sqlx::Postgres>::new(
        "insert into report (receipt_code, kind, state, category_id, office_id, area_id, location, title, \
         description, is_public, is_internal, confirmed_at, created_at, updated_at) ",
    );
    let states = [
        ReportState::Submitted,
        ReportState::InCharge,
        ReportState::Assigned,
        ReportState::InProgress,
        ReportState::Resolved,
        ReportState::Closed,
        ReportState::Rejected,
        ReportState::Reopened,
    ];
    let rows: Vec<_> = (0..n)
        .map(|i| {
            let (lng, lat) = match rng.below(10) {
                0..=4 => (
                    11.87 + (rng.f64() - 0.5) * 0.01,
                    45.40 + (rng.f64() - 0.5) * 0.008,
                ),
                5..=7 => (11.75 + (rng.f64() - 0.5) * 0.03, 45.45 + (rng.f64() - 0.5) * 0.02),
                _ => (
                    WEST + rng.f64() * (EAST - WEST),
                    SOUTH + rng.f64() * (NORTH - SOUTH),
                ),
            };
            let month = rng.below(30) as i64;
            (
                format!("SEG-{}-{:06}", 2024 + month / 12, first + i + 1),
                *rng.pick(&ReportKind::ALL),
                *rng.pick(&states),
                rng.pick(&town.categories).0,
                *rng.pick(&town.offices),
                (rng.below(5) > 0).then(|| *rng.pick(&town.districts)),
                (lng, lat),
                rng.below(10) > 0,
                rng.below(20) == 0,
                rng.below(15) > 0,
                format!(
                    "{}-{:02}-{:02}T10:00:00Z",
                    2024 + month / 12,
                    month % 12 + 1,
                    1 + rng.below(28)
                ),
            )
        })
        .collect();
    qb.push_values(rows, |mut b, r| {
        let title = format!("Segnalazione {} a {:.4}", r.0, r.6.1);
        b.push_bind(r.0)
            .push_bind(r.1)
            .push_bind(r.2)
            .push_bind(r.3)
            .push_bind(r.4)
            .push_bind(r.5)
            .push("ST_SetSRID(ST_MakePoint(")
            .push_bind_unseparated(r.6.0)
            .push_unseparated(", ")
            .push_bind_unseparated(r.6.1)
            .push_unseparated("), 4326)")
            .push_bind(title)
            .push_bind("Descrizione di prova.")
            .push_bind(r.7)
            .push_bind(r.8 && !r.7)
            .push("case when ")
            .push_bind_unseparated(r.9)
            .push_unseparated(" then now() end")
            .push_bind(r.10.clone())
            .push_unseparated("::timestamptz")
            .push("now()");
    });
    qb.build().execute(pool).await.expect("insert reports");
}

/// Conditions for `report r` written out independently of the service's (`map::push_filters`).
fn expected_where(tile: Tile, f: &MapFilter) -> String {
    let shift = 26 - u32::from(tile.z);
    let mut w = format!(
        "r.is_public and not r.is_internal and r.confirmed_at is not null \
         and map_wx(ST_X(r.location)) >> {shift} = {} and map_wy(ST_Y(r.location)) >> {shift} = {}",
        tile.x, tile.y
    );
    match f.state {
        StateFilter::All => {}
        StateFilter::Open => {
            w.push_str(" and r.state not in ('resolved', 'closed', 'rejected', 'duplicate')")
        }
        StateFilter::Resolved => w.push_str(" and r.state in ('resolved', 'closed')"),
    }
    if let Some(k) = f.kind {
        w.push_str(&format!(" and r.kind = '{}'", k.as_str()));
    }
    if let Some(c) = f.category {
        w.push_str(&format!(" and r.category_id = {c}"));
    }
    if let Some(o) = f.office {
        w.push_str(&format!(" and r.office_id = {o}"));
    }
    if let Some(d) = f.district {
        w.push_str(&format!(" and r.area_id = {d}"));
    }
    if let Some(m) = f.from {
        w.push_str(&format!(" and r.created_at >= '{}'", m.start_rfc3339()));
    }
    if let Some(m) = f.to {
        w.push_str(&format!(" and r.created_at < '{}'", m.next().start_rfc3339()));
    }
    w
}

fn random_filter(rng: &mut Rng, town: &Town) -> MapFilter {
    let mut f = MapFilter::default();
    if rng.below(2) == 0 {
        f.state = *rng.pick(&StateFilter::ALL);
    }
    if rng.below(4) == 0 {
        f.kind = Some(*rng.pick(&ReportKind::ALL));
    }
    if rng.below(4) == 0 {
        f.category = Some(rng.pick(&town.categories).0);
    }
    if rng.below(5) == 0 {
        f.office = Some(*rng.pick(&town.offices));
    }
    if rng.below(5) == 0 {
        f.district = Some(*rng.pick(&town.districts));
    }
    if rng.below(4) == 0 {
        let a = rng.below(30) as u16;
        let b = a + rng.below(12) as u16;
        let m = |k: u16| Month {
            year: 2024 + k / 12,
            month: (k % 12 + 1) as u8,
        };
        f.from = Some(m(a));
        f.to = (rng.below(2) == 0).then(|| m(b));
    }
    f
}

fn random_tile(rng: &mut Rng) -> Tile {
    let z = 6 + rng.below(13) as u8;
    let (lng, lat) = match rng.below(3) {
        0 => (
            11.87 + (rng.f64() - 0.5) * 0.01,
            45.40 + (rng.f64() - 0.5) * 0.008,
        ),
        _ => (
            WEST + rng.f64() * (EAST - WEST),
            SOUTH + rng.f64() * (NORTH - SOUTH),
        ),
    };
    let shift = 26 - u32::from(z);
    Tile {
        z,
        x: world_x(lng) >> shift,
        y: world_y(lat) >> shift,
    }
}

/// Checks one tile: the answer's total, the sum of its clusters and pins, and each cluster's count (against
/// the reports of its cell) all equal what `count(*)` says.
async fn check(pool: &PgPool, tile: Tile, f: &MapFilter) -> (u32, usize) {
    let mut conn = pool.acquire().await.expect("conn");
    let built = map::build(&mut conn, tile, f).await.expect("tile");
    let data = decode_tile(tile, std::str::from_utf8(&built.json).expect("utf-8")).expect("decode");
    let wh = expected_where(tile, f);
    let expected: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) from report r where {wh}"
    )))
    .fetch_one(pool)
    .await
    .expect("count");
    let ctx = format!("tile {tile:?} filter {:?}", f.to_query());
    assert_eq!(i64::from(data.total), expected, "total, {ctx}");
    let shown: u32 = data.clusters.iter().map(|c| c.count).sum::<u32>() + data.pins.len() as u32;
    if data.truncated {
        assert!(data.pins.len() >= shared::map::PIN_CAP, "{ctx}");
    } else {
        assert_eq!(i64::from(shown), expected, "clusters + pins, {ctx}");
    }
    if !data.clusters.is_empty() {
        assert!(
            tile.z <= CLUSTER_MAX_ZOOM && expected > i64::from(SPARSE_PINS),
            "{ctx}"
        );
        let level = (u32::from(tile.z) + 2).min(16);
        let shift = 26 - level;
        let mut per_cell: Vec<(i64, Vec<i64>)> = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select map_morton(map_wx(ST_X(r.location)) >> {shift}, map_wy(ST_Y(r.location)) >> {shift}) as q, \
             array_agg(r.state::text) as states from report r where {wh} group by 1 order by 1"
        )))
        .fetch_all(pool)
        .await
        .expect("per cell")
        .into_iter()
        .map(|r| {
            let states: Vec<String> = r.get("states");
            let by_state = ReportState::ALL
                .iter()
                .map(|s| states.iter().filter(|x| *x == s.as_str()).count() as i64)
                .collect();
            (r.get::<i64, _>("q"), by_state)
        })
        .collect();
        per_cell.sort_by_key(|(q, _)| *q);
        let got: Vec<Vec<i64>> = data
            .clusters
            .iter()
            .map(|c| c.by_state.iter().map(|(_, n)| i64::from(n)).collect())
            .collect();
        let want: Vec<Vec<i64>> = per_cell.into_iter().map(|(_, s)| s).collect();
        assert_eq!(got, want, "counts by state per cluster, {ctx}");
        // Each cluster is drawn inside the tile.
        let b = tile.bbox();
        for c in &data.clusters {
            assert!(
                c.lat >= b.south() && c.lat <= b.north() && c.lng >= b.west() && c.lng <= b.east(),
                "{ctx}"
            );
        }
    }
    (data.total, data.clusters.len())
}

/// The incremental tables hold exactly what a rebuild from `report` computes (zero rows aside).
async fn assert_same_as_rebuild(pool: &PgPool) {
    let snapshot = |table: &'static str| async move {
        let cols = if table == "map_cell" {
            "level, q, state::text, n::bigint, sx, sy"
        } else {
            "level, q, state::text || category_id || kind::text || area_id || office_id || month, n::bigint, sx, sy"
        };
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {cols} from {table} where n > 0 order by 1, 2, 3"
        )))
        .fetch_all(pool)
        .await
        .expect("snapshot")
        .into_iter()
        .map(|r| {
            (
                r.get::<i16, _>(0),
                r.get::<i64, _>(1),
                r.get::<String, _>(2),
                r.get::<i64, _>(3),
                r.get::<i64, _>(4),
                r.get::<i64, _>(5),
            )
        })
        .collect::<Vec<_>>()
    };
    let (cells, detail) = (snapshot("map_cell").await, snapshot("map_cell_detail").await);
    sqlx::query("select map_cells_rebuild()")
        .execute(pool)
        .await
        .expect("rebuild");
    assert_eq!(
        cells,
        snapshot("map_cell").await,
        "map_cell differs from a rebuild"
    );
    assert_eq!(
        detail,
        snapshot("map_cell_detail").await,
        "map_cell_detail differs from a rebuild"
    );
}

/// Random writes of every kind the application makes: state changes along the lifecycle, reclassification,
/// moves, private ↔ public, confirmations, deletions, new reports.
async fn random_writes(pool: &PgPool, rng: &mut Rng, town: &Town, rounds: usize, next_code: &mut usize) {
    for _ in 0..rounds {
        let id: Option<i64> =
            sqlx::query_scalar("select report_id from report order by report_id offset $1 limit 1")
                .bind(rng.below(1000) as i64)
                .fetch_optional(pool)
                .await
                .expect("pick");
        let Some(id) = id else { continue };
        let state: ReportState = sqlx::query_scalar("select state from report where report_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .expect("state");
        let res = match rng.below(7) {
            0 | 1 => {
                let next: Vec<ReportState> = state
                    .next_states()
                    .iter()
                    .copied()
                    .filter(|s| *s != ReportState::Duplicate)
                    .collect();
                let to = *rng.pick(&next);
                sqlx::query("update report set state = $2 where report_id = $1")
                    .bind(id)
                    .bind(to)
                    .execute(pool)
                    .await
            }
            2 => {
                sqlx::query(
                    "update report set category_id = $2, office_id = $3, kind = $4 where report_id = $1",
                )
                .bind(id)
                .bind(rng.pick(&town.categories).0)
                .bind(*rng.pick(&town.offices))
                .bind(*rng.pick(&ReportKind::ALL))
                .execute(pool)
                .await
            }
            3 => {
                sqlx::query(
                    "update report set location = ST_SetSRID(ST_MakePoint($2, $3), 4326), area_id = $4 \
                     where report_id = $1",
                )
                .bind(id)
                .bind(WEST + rng.f64() * (EAST - WEST))
                .bind(SOUTH + rng.f64() * (NORTH - SOUTH))
                .bind(*rng.pick(&town.districts))
                .execute(pool)
                .await
            }
            4 => {
                sqlx::query(
                    "update report set is_public = not is_public, \
                     confirmed_at = coalesce(confirmed_at, now()) where report_id = $1 and not is_internal",
                )
                .bind(id)
                .execute(pool)
                .await
            }
            5 => {
                sqlx::query(
                    "delete from report where report_id = $1 and not exists \
                             (select 1 from report d where d.duplicate_of = $1)",
                )
                .bind(id)
                .execute(pool)
                .await
            }
            _ => {
                let n = 1 + rng.below(30) as usize;
                insert_reports(pool, rng, town, n, *next_code).await;
                *next_code += n;
                continue;
            }
        };
        res.expect("write");
    }
}

#[tokio::test]
async fn cluster_counts_equal_count_star_for_random_tiles_filters_and_writes() {
    let seed = std::env::var("MAP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5e97_a1a0_2026u64);
    println!("MAP_SEED={seed}");
    let mut rng = Rng::new(seed | 1);
    let db = TestDb::new().await;
    let town = town(&db.pool).await;
    let mut next_code = 0;
    for _ in 0..4 {
        insert_reports(&db.pool, &mut rng, &town, 500, next_code).await;
        next_code += 500;
    }
    let (mut clustered, mut pinned) = (0, 0);
    for round in 0..3 {
        for _ in 0..60 {
            let tile = random_tile(&mut rng);
            let f = if rng.below(3) == 0 {
                MapFilter::default()
            } else {
                random_filter(&mut rng, &town)
            };
            let (total, clusters) = check(&db.pool, tile, &f).await;
            if clusters > 0 {
                clustered += 1;
            } else if total > 0 {
                pinned += 1;
            }
        }
        assert_same_as_rebuild(&db.pool).await;
        if round < 2 {
            random_writes(&db.pool, &mut rng, &town, 150, &mut next_code).await;
        }
    }
    assert!(
        clustered > 20 && pinned > 20,
        "both kinds of answer exercised: {clustered} clustered, {pinned} pinned"
    );
}

/// The map's queries, as the service builds and runs them (`backend::map::plans` EXPLAINs the very builders that
/// serve tiles), read the indexes on a town of 20,000 reports: the public reports' partial index on `mq` for pins,
/// counts and text searches, `map_cell_detail`'s key for filtered clusters — never a scan of `report`.
#[tokio::test]
async fn the_map_queries_read_the_indexes() {
    let mut rng = Rng::new(0x5e97_a1a0_2026);
    let db = TestDb::new().await;
    let town = town(&db.pool).await;
    for i in 0..10 {
        insert_reports(&db.pool, &mut rng, &town, 2000, i * 2000).await;
    }
    sqlx::query("analyze").execute(&db.pool).await.expect("analyze");
    let at = |z: i64| {
        let shift = 26 - z;
        shared::map::Tile::new(
            z,
            i64::from(shared::map::world_x(11.87) >> shift),
            i64::from(shared::map::world_y(45.40) >> shift),
        )
        .expect("tile")
    };
    let category = MapFilter {
        category: Some(town.categories[0].0),
        ..MapFilter::default()
    };
    let text = MapFilter {
        text: Some("buca".into()),
        ..MapFilter::default()
    };
    let mut conn = db.pool.acquire().await.expect("connection");
    for (what, tile, filter) in [
        ("street pins", at(17), MapFilter::default()),
        ("street pins by category", at(17), category.clone()),
        ("street pins by text", at(17), text.clone()),
        ("region clusters by category", at(10), category),
        ("region clusters by text", at(10), text),
    ] {
        let plans = backend::map::plans(&mut conn, tile, &filter)
            .await
            .expect("plans");
        assert!(!plans.is_empty(), "{what}: no query to check");
        for plan in &plans {
            assert!(
                !plan.contains("Seq Scan on report"),
                "{what} scans report:\n{plan}"
            );
            // The map's own indexes, or, for words, the search indexes (a handful of matches in a region).
            let indexes: &[&str] = if filter.text.is_some() {
                &["report_map_mq_idx", "report_search_gin", "report_title_trgm"]
            } else {
                &["report_map_mq_idx", "map_cell_detail_pkey"]
            };
            assert!(
                indexes.iter().any(|i| plan.contains(i)),
                "{what} reads none of {indexes:?}:\n{plan}"
            );
        }
    }
}
