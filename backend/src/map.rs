//! The public map at scale: a tile `z/x/y` with filters, answered from the per-cell counts that the writes keep
//! current (migration 0014), encoded compactly ([`shared::map::encode_tile`]), compressed once, and kept in
//! memory until a write touches one of its cells.
//!
//! - Zoom ≤ 15: the tile's 16 cells of level z + 2 (4 at zoom 15), as clusters with counts by state (at most
//!   576 rows of `map_cell` without filters — 64 stored cells for an odd level; `map_cell_detail` with them). A
//!   tile with few reports shows them as pins.
//! - Zoom ≥ 16: the reports themselves (a range of the partial index on `report.mq`), at most
//!   [`PIN_CAP`](shared::map::PIN_CAP).
//! - A text search reads the matching reports of the tile (full-text and trigram indexes) and groups them by
//!   the same cells: only matching rows are read, never the whole table.
//!
//! The cache: every cached answer is keyed by tile and filters; a write notifies `map_cells` with the level-16
//! cells it touched (from the same transaction, at commit), and every instance drops the answers of the tiles
//! over those cells (`live::run`). An answer computed while a write was being applied is not kept (an epoch
//! counter tells), so the cache never holds an answer older than the last notification.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use shared::ReportState;
use shared::map::{
    CLUSTER_MAX_ZOOM, CellCount, MapFilter, PIN_CAP, PinRow, SPARSE_PINS, StateFilter, Tile, encode_tile,
};
use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::{Result, State};

/// The notification channel of cell changes (payload: level-16 cell keys, comma-separated, or `*`).
pub const CHANNEL: &str = "map_cells";

/// A sparse tile is sent as pins only if it holds at most this many reports in all (the rows its pins query
/// may read).
const SPARSE_SCAN_MAX: i64 = 20_000;

/// Bumped when the encoding changes, so that browsers' cached copies are not reused across versions.
const FORMAT: u32 = 1;

/// One answer, compressed once per encoding a browser asks for (on first demand, kept with the answer).
#[derive(Debug)]
pub struct Encoded {
    pub etag: String,
    pub json: bytes::Bytes,
    gzip: std::sync::OnceLock<bytes::Bytes>,
    br: std::sync::OnceLock<bytes::Bytes>,
    /// The matching reports in the tile, clusters and pins sent (for logs and tests).
    pub total: u32,
    pub clusters: usize,
    pub pins: usize,
}

impl Encoded {
    /// The answer gzipped (level 6).
    pub fn gzip(&self) -> bytes::Bytes {
        self.gzip.get_or_init(|| gzip(&self.json).into()).clone()
    }

    /// The answer in brotli (quality 6).
    pub fn br(&self) -> bytes::Bytes {
        self.br.get_or_init(|| brotli(&self.json).into()).clone()
    }
}

type Key = (Tile, String);

/// This instance's answers.
#[derive(Debug, Default)]
pub struct Cache {
    /// At most this many answers are kept; past it the cache starts again empty (0: nothing is kept).
    capacity: usize,
    entries: Mutex<HashMap<Key, Arc<Encoded>>>,
    /// Bumped by every eviction: an answer computed across one is not stored.
    epoch: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Cache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            ..Self::default()
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Encoded>>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, key: &Key) -> Option<Arc<Encoded>> {
        let hit = self.lock().get(key).cloned();
        let counter = if hit.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        hit
    }

    fn put(&self, key: Key, value: Arc<Encoded>, epoch: u64) {
        let mut entries = self.lock();
        // Checked under the lock: an eviction either ran before (the epoch moved: not stored) or runs after.
        if self.epoch.load(Ordering::SeqCst) != epoch || self.capacity == 0 {
            return;
        }
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(key, value);
    }

    /// Drops the answers of the tiles over any of the level-16 `cells`.
    pub fn evict_cells(&self, cells: &[u64]) {
        let mut entries = self.lock();
        self.epoch.fetch_add(1, Ordering::SeqCst);
        entries.retain(|(tile, _), _| !cells.iter().any(|c| tile.touches_cell16(*c)));
    }

    /// Drops everything (a bulk change, or a reconnection that may have missed notifications).
    pub fn clear(&self) {
        let mut entries = self.lock();
        self.epoch.fetch_add(1, Ordering::SeqCst);
        entries.clear();
    }

    /// Applies a `map_cells` notification.
    pub fn apply_notification(&self, payload: &str) {
        if payload == "*" {
            return self.clear();
        }
        let cells: Vec<u64> = payload.split(',').filter_map(|c| c.trim().parse().ok()).collect();
        if cells.is_empty() {
            self.clear();
        } else {
            self.evict_cells(&cells);
        }
    }

    /// (hits, misses, entries) since start.
    pub fn stats(&self) -> (u64, u64, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
            self.lock().len(),
        )
    }
}

/// The answer for `tile` with `filter`, from the cache or built now.
#[tracing::instrument(skip(state), fields(z = tile.z, x = tile.x, y = tile.y))]
pub async fn tile(state: &State, tile: Tile, filter: &MapFilter) -> Result<Arc<Encoded>> {
    let key = (tile, filter.to_query());
    if let Some(hit) = state.map_cache.get(&key) {
        return Ok(hit);
    }
    let epoch = state.map_cache.epoch.load(Ordering::SeqCst);
    let mut conn = state.pool.acquire().await?;
    let built = Arc::new(build(&mut conn, tile, filter).await?);
    state.map_cache.put(key, built.clone(), epoch);
    Ok(built)
}

/// Reads and encodes a tile (no cache). One database round trip for the common answers (clusters without
/// filters but the state; a street tile's pins), two or three for filtered ones.
pub async fn build(conn: &mut PgConnection, tile: Tile, filter: &MapFilter) -> Result<Encoded> {
    let mut clusters = Vec::new();
    let mut pins = Vec::new();
    let mut truncated = false;
    let (version, total) = if tile.z <= CLUSTER_MAX_ZOOM {
        let (version, all, cells) = if filter.is_plain() {
            plain_cells(conn, tile, filter.state).await?
        } else {
            let (version, all) = head(conn, tile).await?;
            (version, all, cells(conn, tile, filter).await?)
        };
        let n: u32 = cells.iter().map(CellCount::count).sum();
        // Pins for a sparse answer, when finding them reads a bounded range of the index (a filter that
        // leaves a handful of reports in a region-wide tile keeps its clusters).
        if n <= SPARSE_PINS && all <= SPARSE_SCAN_MAX {
            (_, pins, truncated) = pin_rows(conn, tile, filter).await?;
        } else {
            clusters = cells;
        }
        (version, n)
    } else {
        let version;
        (version, pins, truncated) = pin_rows(conn, tile, filter).await?;
        let version = match version {
            Some(v) => v,
            None => head(conn, tile).await?.0,
        };
        let total = if truncated {
            count_rows(conn, tile, filter).await?
        } else {
            pins.len() as u32
        };
        (version, total)
    };
    let text = encode_tile(tile, total, &clusters, &pins, truncated);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    filter.hash(&mut h);
    let etag = format!("\"m{FORMAT}-{version}-{:x}\"", h.finish() & 0xffff_ffff);
    Ok(Encoded {
        etag,
        gzip: std::sync::OnceLock::new(),
        br: std::sync::OnceLock::new(),
        total,
        clusters: clusters.len(),
        pins: pins.len(),
        json: text.into_bytes().into(),
    })
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    // Writing to a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 6, 20);
        let _ = w.write_all(data);
    }
    out
}

/// The version of the tile (the newest change of any of its cells, whatever the filters) and how many reports
/// it holds in all.
async fn head(conn: &mut PgConnection, tile: Tile) -> Result<(i64, i64)> {
    let (_, stored, lo, hi) = tile.cluster_cells();
    let head = sqlx::query!(
        r#"select coalesce(max(version), 0) as "version!", coalesce(sum(n), 0)::bigint as "all!"
           from map_cell where level = $1 and q >= $2 and q < $3"#,
        i16::from(stored),
        lo as i64,
        hi as i64
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((head.version, head.all))
}

/// Version, size and the cells of the states `states` shows, from the tile's rows of `map_cell` alone.
async fn plain_cells(
    conn: &mut PgConnection,
    tile: Tile,
    states: StateFilter,
) -> Result<(i64, i64, Vec<CellCount>)> {
    let (level, stored, lo, hi) = tile.cluster_cells();
    let merge = 2 * u32::from(stored - level);
    let rows = sqlx::query!(
        r#"select q, state as "state: ReportState", n, sx, sy, version
           from map_cell where level = $1 and q >= $2 and q < $3 order by q"#,
        i16::from(stored),
        lo as i64,
        hi as i64
    )
    .fetch_all(&mut *conn)
    .await?;
    let version = rows.iter().map(|r| r.version).max().unwrap_or(0);
    let all = rows.iter().map(|r| i64::from(r.n)).sum();
    let rows = rows.into_iter().map(|r| CellRow {
        q: r.q >> merge,
        state: r.state,
        n: i64::from(r.n),
        sx: r.sx,
        sy: r.sy,
    });
    Ok((version, all, fold_cells(rows, states)))
}

/// Rows (sorted by cell) to cells with their counts by state, only the states `states` admits.
fn fold_cells(rows: impl IntoIterator<Item = CellRow>, states: StateFilter) -> Vec<CellCount> {
    let mut out: Vec<(i64, CellCount)> = Vec::new();
    for r in rows {
        if !states.admits(r.state) || r.n <= 0 {
            continue;
        }
        if out.last().is_none_or(|(q, _)| *q != r.q) {
            out.push((r.q, CellCount::default()));
        }
        if let Some((_, c)) = out.last_mut() {
            c.by_state.add(r.state, u32::try_from(r.n).unwrap_or(u32::MAX));
            c.sum_x += r.sx;
            c.sum_y += r.sy;
        }
    }
    out.into_iter().map(|(_, c)| c).collect()
}

#[derive(sqlx::FromRow)]
struct CellRow {
    q: i64,
    state: ReportState,
    n: i64,
    sx: i64,
    sy: i64,
}

/// The tile's cells with the counts of the reports matching a filter beyond the state (plain tiles read
/// `map_cell` in [`plain_cells`]), in key order.
async fn cells(conn: &mut PgConnection, tile: Tile, filter: &MapFilter) -> Result<Vec<CellCount>> {
    let rows: Vec<CellRow> = cells_query("", tile, filter)
        .build_query_as()
        .fetch_all(&mut *conn)
        .await?;
    Ok(fold_cells(rows, filter.state))
}

/// The query of [`cells`], after `prefix` (`explain ` for the tests that read its plan).
fn cells_query(prefix: &str, tile: Tile, filter: &MapFilter) -> QueryBuilder<Postgres> {
    let (level, stored, lo, hi) = tile.cells_in(&shared::map::DETAIL_LEVELS);
    // Stored keys to the cluster level's keys.
    let merge = 2 * (i32::from(stored) - i32::from(level));
    let states = filter.state.states();
    if filter.text.is_some() {
        // Only the matching reports, grouped by the same cells.
        let mut qb = QueryBuilder::<Postgres>::new(format!("{prefix}select r.mq >> "));
        qb.push_bind(52 - 2 * i32::from(level));
        qb.push(
            " as q, r.state, count(*) as n, sum(r.mx::bigint)::bigint as sx, sum(r.my::bigint)::bigint as sy \
             from report r where ",
        );
        push_report_filters(&mut qb, tile, filter);
        qb.push(" group by 1, 2 order by 1");
        qb
    } else {
        let mut qb = QueryBuilder::<Postgres>::new(format!("{prefix}select q >> "));
        qb.push_bind(merge)
            .push(
                " as q, state, sum(n)::bigint as n, sum(sx)::bigint as sx, sum(sy)::bigint as sy \
                 from map_cell_detail where level = ",
            )
            .push_bind(i16::from(stored))
            .push(" and q >= ")
            .push_bind(lo as i64)
            .push(" and q < ")
            .push_bind(hi as i64)
            .push(" and n > 0");
        if filter.state != StateFilter::All {
            qb.push(" and state = any(").push_bind(states).push(")");
        }
        if let Some(k) = filter.kind {
            qb.push(" and kind = ").push_bind(k);
        }
        if let Some(c) = filter.category {
            qb.push(" and category_id = ").push_bind(c);
        }
        if let Some(o) = filter.office {
            qb.push(" and office_id = ").push_bind(o);
        }
        if let Some(d) = filter.district {
            qb.push(" and area_id = ").push_bind(d);
        }
        if let Some(m) = filter.from {
            qb.push(" and month >= ").push_bind(m.index());
        }
        if let Some(m) = filter.to {
            qb.push(" and month <= ").push_bind(m.index());
        }
        qb.push(" group by 1, 2 order by 1");
        qb
    }
}

/// `where` conditions on `report r` for the public reports of `tile` that match `filter` (what the map shows:
/// public, confirmed, not internal; the partial index `report_map_mq_idx` has the same condition).
pub fn push_report_filters(qb: &mut QueryBuilder<Postgres>, tile: Tile, filter: &MapFilter) {
    let (lo, hi) = tile.world_range();
    qb.push("report_open_to_all(r.is_public, r.is_internal, r.confirmed_at) and r.mq >= ")
        .push_bind(lo as i64)
        .push(" and r.mq < ")
        .push_bind(hi as i64);
    push_filters(qb, filter);
}

/// `and …` conditions on `report r` for `filter` (the map, the list, the exports and the feeds share them).
pub fn push_filters(qb: &mut QueryBuilder<Postgres>, filter: &MapFilter) {
    if filter.state != StateFilter::All {
        qb.push(" and r.state = any(")
            .push_bind(filter.state.states())
            .push(")");
    }
    if let Some(k) = filter.kind {
        qb.push(" and r.kind = ").push_bind(k);
    }
    if let Some(c) = filter.category {
        qb.push(" and r.category_id = ").push_bind(c);
    }
    if let Some(o) = filter.office {
        qb.push(" and r.office_id = ").push_bind(o);
    }
    if let Some(d) = filter.district {
        qb.push(" and r.area_id = ").push_bind(d);
    }
    if let Some(m) = filter.from {
        qb.push(" and r.created_at >= ")
            .push_bind(m.start_rfc3339())
            .push("::timestamptz");
    }
    if let Some(m) = filter.to {
        qb.push(" and r.created_at < ")
            .push_bind(m.next().start_rfc3339())
            .push("::timestamptz");
    }
    if let Some(t) = &filter.text {
        // Words (Italian stemming; websearch syntax: quotes, "or", "-"), or a receipt code / a title with a
        // typo (trigram word similarity). Bound parameters: nothing in the text is SQL.
        qb.push(" and (report_search_text(r.title, r.description) @@ websearch_to_tsquery('italian', ")
            .push_bind(t.clone())
            .push(") or upper(")
            .push_bind(t.clone())
            .push(") <% r.receipt_code or lower(")
            .push_bind(t.clone())
            .push(") <% lower(r.title))");
    }
}

#[derive(sqlx::FromRow)]
struct PinDbRow {
    version: i64,
    receipt_code: String,
    state: ReportState,
    mx: i32,
    my: i32,
}

/// The tile's reports (at most [`PIN_CAP`], and whether there were more), with the tile's version when there
/// is any report (read in the same statement).
async fn pin_rows(
    conn: &mut PgConnection,
    tile: Tile,
    filter: &MapFilter,
) -> Result<(Option<i64>, Vec<PinRow>, bool)> {
    let rows: Vec<PinDbRow> = pins_query("", tile, filter)
        .build_query_as()
        .fetch_all(&mut *conn)
        .await?;
    let version = rows.first().map(|r| r.version);
    let truncated = rows.len() > PIN_CAP;
    let pins = rows
        .into_iter()
        .take(PIN_CAP)
        .filter_map(|r| {
            let code = shared::ReceiptCode::parse(&r.receipt_code).ok()?;
            Some(PinRow {
                code: i64::from(code.year()) * 1_000_000 + i64::from(code.number()),
                wx: u32::try_from(r.mx).ok()?,
                wy: u32::try_from(r.my).ok()?,
                state: r.state,
            })
        })
        .collect();
    Ok((version, pins, truncated))
}

/// The query of [`pin_rows`], after `prefix` (`explain ` for the tests that read its plan).
fn pins_query(prefix: &str, tile: Tile, filter: &MapFilter) -> QueryBuilder<Postgres> {
    let (_, stored, lo, hi) = tile.cluster_cells();
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "{prefix}select (select coalesce(max(version), 0) from map_cell where level = "
    ));
    qb.push_bind(i16::from(stored))
        .push(" and q >= ")
        .push_bind(lo as i64)
        .push(" and q < ")
        .push_bind(hi as i64)
        .push(") as version, r.receipt_code, r.state, r.mx, r.my from report r where ");
    push_report_filters(&mut qb, tile, filter);
    qb.push(" order by r.receipt_code limit ")
        .push_bind(PIN_CAP as i64 + 1);
    qb
}

async fn count_rows(conn: &mut PgConnection, tile: Tile, filter: &MapFilter) -> Result<u32> {
    let n: i64 = count_query("", tile, filter)
        .build_query_scalar()
        .fetch_one(&mut *conn)
        .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

fn count_query(prefix: &str, tile: Tile, filter: &MapFilter) -> QueryBuilder<Postgres> {
    let mut qb = QueryBuilder::<Postgres>::new(format!("{prefix}select count(*) from report r where "));
    push_report_filters(&mut qb, tile, filter);
    qb
}

/// The plans of the queries a tile with `filter` reads, as `EXPLAIN` gives them: the tests check that they use
/// the indexes, on the very queries served. At cluster zooms that is the filtered cells (the pins of a sparse
/// answer are read only when the whole tile holds at most `SPARSE_SCAN_MAX` reports, a bounded range); at
/// street zooms the pins and, when they are cut, their count.
#[cfg(any(test, feature = "testing"))]
pub async fn plans(conn: &mut PgConnection, tile: Tile, filter: &MapFilter) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let queries = if tile.z > CLUSTER_MAX_ZOOM {
        vec![
            pins_query("explain ", tile, filter),
            count_query("explain ", tile, filter),
        ]
    } else if filter.is_plain() {
        Vec::new()
    } else {
        vec![cells_query("explain ", tile, filter)]
    };
    for mut qb in queries {
        let lines: Vec<String> = qb.build_query_scalar().fetch_all(&mut *conn).await?;
        out.push(lines.join("\n"));
    }
    Ok(out)
}
