//! SQL for reports. Functions take a connection (or a transaction) from the caller, which owns its scope.

use chrono::{DateTime, Datelike, Utc};
use shared::report::{ActorKind, MapPin, MyReport, ReportDetail, TimelineEntry};
use shared::{BBox, CategoryId, LatLng, ReceiptCode, ReportId, ReportKind, ReportState, UserId};
use sqlx::PgConnection;

use crate::Result;

/// Public reports whose location falls in `bbox`, newest first, at most `limit`.
///
/// `location && envelope` is answered by the GiST index `report_location_gix` (checked by a test with EXPLAIN).
/// It compares PostGIS' single-precision bounding boxes: a point a few centimetres outside the viewport may be
/// included, which no map can show.
pub async fn pins_in_bbox(conn: &mut PgConnection, bbox: &BBox, limit: i64) -> Result<Vec<MapPin>> {
    let pins = sqlx::query_as!(
        MapPin,
        r#"
        select r.report_id as "id: ReportId", r.receipt_code, r.title,
               r.kind as "kind: ReportKind", r.state as "state: ReportState",
               c.name as category,
               ST_Y(r.location) as "lat!", ST_X(r.location) as "lng!",
               r.created_at
        from report r
        join category c using (category_id)
        where r.is_public
          and r.location && ST_MakeEnvelope($1, $2, $3, $4, 4326)
        order by r.created_at desc, r.report_id desc
        limit $5
        "#,
        bbox.west(),
        bbox.south(),
        bbox.east(),
        bbox.north(),
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(pins)
}

/// How many public reports fall in `bbox`.
pub async fn count_in_bbox(conn: &mut PgConnection, bbox: &BBox) -> Result<i64> {
    let n = sqlx::query_scalar!(
        r#"
        select count(*) as "n!" from report r
        where r.is_public and r.location && ST_MakeEnvelope($1, $2, $3, $4, 4326)
        "#,
        bbox.west(),
        bbox.south(),
        bbox.east(),
        bbox.north()
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

/// A public report by receipt code, without its timeline (left empty, with `now` unset, for the service).
pub async fn find_public_by_code(
    conn: &mut PgConnection,
    code: &ReceiptCode,
) -> Result<Option<ReportDetail>> {
    let row = sqlx::query!(
        r#"
        select r.report_id as "id: ReportId", r.receipt_code, r.title, r.description,
               r.kind as "kind: ReportKind", r.state as "state: ReportState",
               c.name as category, o.name as "office?", a.name as "district?",
               ST_Y(r.location) as "lat!", ST_X(r.location) as "lng!",
               r.created_at, r.updated_at
        from report r
        join category c using (category_id)
        left join office o on o.office_id = r.office_id
        left join area a on a.area_id = r.area_id
        where r.receipt_code = $1 and r.is_public
        "#,
        code.to_string()
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| ReportDetail {
        id: r.id,
        receipt_code: r.receipt_code,
        title: r.title,
        description: r.description,
        kind: r.kind,
        state: r.state,
        category: r.category,
        office: r.office,
        district: r.district,
        lat: r.lat,
        lng: r.lng,
        created_at: r.created_at,
        updated_at: r.updated_at,
        timeline: Vec::new(),
        now: DateTime::<Utc>::UNIX_EPOCH,
    }))
}

/// The public timeline of a report, oldest first.
pub async fn public_timeline(conn: &mut PgConnection, id: ReportId) -> Result<Vec<TimelineEntry>> {
    let rows = sqlx::query_as!(
        TimelineEntry,
        r#"
        select u.from_state as "from_state: ReportState", u.to_state as "to_state: ReportState",
               u.note, u.actor_kind as "actor_kind: ActorKind", u.actor_name as actor, o.name as "office?",
               u.created_at as at
        from report_update u
        left join office o on o.office_id = u.office_id
        where u.report_id = $1 and u.is_public
        order by u.created_at, u.update_id
        "#,
        id as ReportId
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

/// Takes the next receipt number of `year`. Locks the year's counter row until the caller's transaction ends.
pub async fn next_receipt_code(conn: &mut PgConnection, year: i32) -> Result<ReceiptCode> {
    let n = sqlx::query_scalar!(
        r#"
        insert into receipt_counter (year, last_number) values ($1, 1)
        on conflict (year) do update set last_number = receipt_counter.last_number + 1
        returning last_number
        "#,
        year
    )
    .fetch_one(&mut *conn)
    .await?;
    let year = u16::try_from(year).map_err(|e| anyhow::anyhow!("year out of range: {e}"))?;
    let number = u32::try_from(n).map_err(|e| anyhow::anyhow!("receipt number out of range: {e}"))?;
    Ok(ReceiptCode::new(year, number)?)
}

/// A report to insert, already validated.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub kind: ReportKind,
    pub category: CategoryId,
    pub location: LatLng,
    pub title: shared::Title,
    pub description: shared::Description,
    pub is_public: bool,
    pub created_at: DateTime<Utc>,
    /// Signature of the first timeline entry.
    pub actor_name: String,
}

/// Inserts a report in state `submitted` with its first timeline entry, routed to its category's office and
/// located in its district. Run inside the caller's transaction.
pub async fn insert(conn: &mut PgConnection, new: &NewReport) -> Result<(ReportId, ReceiptCode)> {
    let code = next_receipt_code(conn, new.created_at.year()).await?;
    let id = sqlx::query_scalar!(
        r#"
        insert into report (receipt_code, kind, category_id, office_id, area_id, location, title, description,
                            is_public, created_at, updated_at)
        select $1, $2, c.category_id, c.office_id,
               (select a.area_id from area a
                where a.kind = 'district' and ST_Intersects(a.boundary, ST_SetSRID(ST_MakePoint($4, $5), 4326))
                order by a.area_id limit 1),
               ST_SetSRID(ST_MakePoint($4, $5), 4326), $6, $7, $8, $9, $9
        from category c where c.category_id = $3
        returning report_id as "id: ReportId"
        "#,
        code.to_string(),
        new.kind as ReportKind,
        new.category as CategoryId,
        new.location.lng(),
        new.location.lat(),
        new.title.as_str(),
        new.description.as_str(),
        new.is_public,
        new.created_at
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        r#"
        insert into report_update (report_id, from_state, to_state, actor_kind, actor_name, created_at)
        values ($1, null, 'submitted', 'citizen', $2, $3)
        "#,
        id as ReportId,
        new.actor_name,
        new.created_at
    )
    .execute(&mut *conn)
    .await?;
    Ok((id, code))
}

/// The reports `user` sent with their account, newest first, at most `limit`.
pub async fn by_reporter(conn: &mut PgConnection, user: UserId, limit: i64) -> Result<Vec<MyReport>> {
    let rows = sqlx::query_as!(
        MyReport,
        r#"
        select r.receipt_code, r.title, r.kind as "kind: ReportKind", r.state as "state: ReportState",
               c.name as category, r.is_public, r.created_at
        from report r
        join category c using (category_id)
        where r.reporter_id = $1
        order by r.created_at desc, r.report_id desc
        limit $2
        "#,
        user as UserId,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}
