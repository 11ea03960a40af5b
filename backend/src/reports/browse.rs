//! Browsing the public reports without the map: the list beside the map and at `/elenco` (keyset pages),
//! the exports (GeoJSON, CSV) and the feeds (Atom, RSS). The same filters as the map
//! ([`crate::map::push_filters`]), and only what the map shows: public, confirmed, not internal — never a
//! reporter's contact or name, never an internal note.

use chrono::{DateTime, Utc};
use shared::map::{MapFilter, ReportList};
use shared::report::MapPin;
use shared::{BBox, Field, ReportId, ReportKind, ReportState, Rule, ValidationError};
use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::{Error, Result, State};

/// Rows an export may hold. Past it the export is refused with a message saying so (narrow the filters).
pub const EXPORT_MAX_ROWS: i64 = 50_000;
/// Rows read per database round trip while an export streams.
const EXPORT_BATCH: i64 = 2_000;
/// Entries in a feed.
pub const FEED_ENTRIES: i64 = 50;

/// Where the reports are: a rectangle of the map, or anywhere.
#[derive(Debug, Clone, Default)]
pub struct Browse {
    pub bbox: Option<BBox>,
    pub filter: MapFilter,
}

impl Browse {
    /// The bbox (optional, once) and the filters of a query string; the other parameters are the caller's.
    pub fn from_query(query: &str) -> std::result::Result<Self, ValidationError> {
        let pairs = shared::map::parse_query(query);
        let mut bbox = None;
        for (k, v) in &pairs {
            if k == "bbox" {
                if bbox.is_some() {
                    return Err(ValidationError::new(Field::Bbox, Rule::Repeated));
                }
                bbox = Some(BBox::parse(v)?);
            }
        }
        let filter = MapFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        Ok(Self { bbox, filter })
    }
}

fn push_where(qb: &mut QueryBuilder<Postgres>, b: &Browse) {
    qb.push(" where report_open_to_all(r.is_public, r.is_internal, r.confirmed_at)");
    if let Some(bbox) = &b.bbox {
        qb.push(" and r.location && ST_MakeEnvelope(")
            .push_bind(bbox.west())
            .push(", ")
            .push_bind(bbox.south())
            .push(", ")
            .push_bind(bbox.east())
            .push(", ")
            .push_bind(bbox.north())
            .push(", 4326)");
    }
    crate::map::push_filters(qb, &b.filter);
}

/// A keyset position: the last row's creation time and id.
fn cursor(at: DateTime<Utc>, id: ReportId) -> String {
    format!("{}_{}", at.timestamp_micros(), id.0)
}

fn parse_cursor(s: &str) -> Result<(DateTime<Utc>, i64)> {
    let bad = || {
        Error::from(ValidationError::new(
            Field::Body,
            Rule::Format {
                expected: "1764000000000000_42".into(),
            },
        ))
    };
    let (at, id) = s.split_once('_').ok_or_else(bad)?;
    let at = DateTime::<Utc>::from_timestamp_micros(at.parse().map_err(|_| bad())?).ok_or_else(bad)?;
    Ok((at, id.parse().map_err(|_| bad())?))
}

#[derive(sqlx::FromRow)]
struct Row {
    report_id: i64,
    receipt_code: String,
    title: String,
    kind: ReportKind,
    state: ReportState,
    category: String,
    lat: f64,
    lng: f64,
    created_at: DateTime<Utc>,
}

const COLUMNS: &str = "select r.report_id, r.receipt_code, r.title, r.kind, r.state, c.name as category, \
     ST_Y(r.location) as lat, ST_X(r.location) as lng, r.created_at from report r \
     join category c on c.category_id = r.category_id";

/// The newest matching reports, `limit` at a time after `after` (a cursor from the previous page).
#[tracing::instrument(skip(state))]
pub async fn list(state: &State, b: &Browse, after: Option<&str>, limit: i64) -> Result<ReportList> {
    let after = after.filter(|s| !s.is_empty()).map(parse_cursor).transpose()?;
    let mut conn = state.pool.acquire().await?;
    let mut qb = QueryBuilder::<Postgres>::new(COLUMNS);
    push_where(&mut qb, b);
    if let Some((at, id)) = after {
        qb.push(" and (r.created_at, r.report_id) < (")
            .push_bind(at)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    qb.push(" order by r.created_at desc, r.report_id desc limit ")
        .push_bind(limit + 1);
    let rows: Vec<Row> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let more = rows.len() as i64 > limit;
    let items: Vec<MapPin> = rows.into_iter().take(limit as usize).map(pin).collect();
    let next = if more {
        items.last().map(|p| cursor(p.created_at, p.id))
    } else {
        None
    };
    Ok(ReportList {
        items,
        next,
        now: Utc::now(),
    })
}

fn pin(r: Row) -> MapPin {
    MapPin {
        id: ReportId(r.report_id),
        receipt_code: r.receipt_code,
        title: r.title,
        kind: r.kind,
        state: r.state,
        category: r.category,
        lat: r.lat,
        lng: r.lng,
        created_at: r.created_at,
    }
}

/// The categories, offices and districts the filters offer, by name.
pub async fn choices(state: &State) -> Result<shared::map::FilterChoices> {
    let mut conn = state.pool.acquire().await?;
    let categories: Vec<(i32, String)> =
        sqlx::query_as("select category_id, name from category order by name")
            .fetch_all(&mut *conn)
            .await?;
    let offices: Vec<(i32, String)> = sqlx::query_as("select office_id, name from office order by name")
        .fetch_all(&mut *conn)
        .await?;
    let districts: Vec<(i32, String)> = sqlx::query_as(
        "select area_id, name from area where kind = 'district' and disabled_at is null order by name",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(shared::map::FilterChoices {
        categories,
        offices,
        districts,
    })
}

/// The public columns of an export row (and of a feed entry).
const EXPORT_COLUMNS: &str = "select r.report_id, r.receipt_code, r.title, r.description, r.kind, r.state, \
     c.name as category, o.name as office, a.name as district, ST_Y(r.location) as lat, ST_X(r.location) as lng, \
     r.created_at, r.updated_at from report r join category c on c.category_id = r.category_id \
     join office o on o.office_id = r.office_id left join area a on a.area_id = r.area_id";

/// One row of an export.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    pub report_id: i64,
    pub receipt_code: String,
    pub title: String,
    pub description: String,
    pub kind: ReportKind,
    pub state: ReportState,
    pub category: String,
    pub office: String,
    pub district: Option<String>,
    pub lat: f64,
    pub lng: f64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checks that an export of `b` stays under [`EXPORT_MAX_ROWS`] (reads at most one row more than that).
pub async fn check_export(state: &State, b: &Browse) -> Result<i64> {
    let mut conn = state.pool.acquire().await?;
    let mut qb = QueryBuilder::<Postgres>::new("select count(*) from (select 1 from report r");
    push_where(&mut qb, b);
    qb.push(" limit ").push_bind(EXPORT_MAX_ROWS + 1).push(") x");
    let n: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
    if n > EXPORT_MAX_ROWS {
        return Err(ValidationError::new(
            Field::Limit,
            Rule::TooManyRows {
                max: EXPORT_MAX_ROWS as u64,
            },
        )
        .into());
    }
    Ok(n)
}

/// The next batch of an export, oldest first, after report id `after` (0 to start).
pub async fn export_batch(state: &State, b: &Browse, after: i64) -> Result<Vec<ExportRow>> {
    let mut conn = state.pool.acquire().await?;
    export_rows(&mut conn, b, after, EXPORT_BATCH).await
}

async fn export_rows(conn: &mut PgConnection, b: &Browse, after: i64, limit: i64) -> Result<Vec<ExportRow>> {
    let mut qb = QueryBuilder::<Postgres>::new(EXPORT_COLUMNS);
    push_where(&mut qb, b);
    qb.push(" and r.report_id > ")
        .push_bind(after)
        .push(" order by r.report_id limit ")
        .push_bind(limit);
    Ok(qb.build_query_as().fetch_all(&mut *conn).await?)
}

/// Which reports a feed follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// Newly sent, newest first.
    New,
    /// Resolved or closed, most recently changed first.
    Resolved,
}

/// A feed's title parts and entries.
#[derive(Debug, Clone)]
pub struct Feed {
    pub municipality: String,
    /// The district or category it is narrowed to, by name.
    pub scope: Option<String>,
    pub entries: Vec<ExportRow>,
    pub updated: DateTime<Utc>,
}

/// The entries of a feed for the whole town, a district or a category (unknown ones are `NotFound`).
#[tracing::instrument(skip(state))]
pub async fn feed(
    state: &State,
    kind: FeedKind,
    district: Option<i32>,
    category: Option<i32>,
) -> Result<Feed> {
    let mut conn = state.pool.acquire().await?;
    let mut scope = Vec::new();
    if let Some(d) = district {
        let name: Option<String> =
            sqlx::query_scalar("select name from area where area_id = $1 and kind = 'district'")
                .bind(d)
                .fetch_optional(&mut *conn)
                .await?;
        scope.push(name.ok_or(Error::NotFound)?);
    }
    if let Some(c) = category {
        let name: Option<String> = sqlx::query_scalar("select name from category where category_id = $1")
            .bind(c)
            .fetch_optional(&mut *conn)
            .await?;
        scope.push(name.ok_or(Error::NotFound)?);
    }
    let municipality = crate::site::get_in(state, &mut conn)
        .await?
        .site
        .display_name()
        .to_owned();
    let b = Browse {
        bbox: None,
        filter: MapFilter {
            district,
            category,
            state: match kind {
                FeedKind::New => shared::map::StateFilter::All,
                FeedKind::Resolved => shared::map::StateFilter::Resolved,
            },
            ..MapFilter::default()
        },
    };
    let mut qb = QueryBuilder::<Postgres>::new(EXPORT_COLUMNS);
    push_where(&mut qb, &b);
    qb.push(match kind {
        FeedKind::New => " order by r.created_at desc, r.report_id desc limit ",
        FeedKind::Resolved => " order by r.updated_at desc, r.report_id desc limit ",
    })
    .push_bind(FEED_ENTRIES);
    let entries: Vec<ExportRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let updated = entries
        .iter()
        .map(|e| match kind {
            FeedKind::New => e.created_at,
            FeedKind::Resolved => e.updated_at,
        })
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    Ok(Feed {
        municipality,
        scope: (!scope.is_empty()).then(|| scope.join(" · ")),
        entries,
        updated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let at = DateTime::<Utc>::from_timestamp_micros(1_764_000_000_123_456).expect("time");
        let (a, id) = parse_cursor(&cursor(at, ReportId(42))).expect("ok");
        assert_eq!((a, id), (at, 42));
        for bad in [
            "",
            "1",
            "a_b",
            "1_x",
            "99999999999999999999_1",
            "1_2'; drop table report",
        ] {
            assert!(parse_cursor(bad).is_err(), "{bad}");
        }
    }
}
