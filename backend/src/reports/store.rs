//! SQL for reports. Functions take a connection (or a transaction) from the caller, which owns its scope.

use chrono::{DateTime, Datelike, Utc};
use shared::permission::ReportAccess;
use shared::report::{ActorKind, MapPin, MyReport, PhotoRef, ReportDetail, TimelineEntry};
use shared::{
    BBox, CategoryId, ContractorId, LatLng, OfficeId, ReceiptCode, ReportId, ReportKind, ReportState, UserId,
};
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
        where report_open_to_all(r.is_public, r.is_internal, r.confirmed_at)
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
        where report_open_to_all(r.is_public, r.is_internal, r.confirmed_at)
          and r.location && ST_MakeEnvelope($1, $2, $3, $4, 4326)
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

/// The facts about a report that decide who may see it and what they may do.
#[derive(Debug, Clone)]
pub struct Facts {
    pub id: ReportId,
    pub code: String,
    pub title: String,
    pub state: ReportState,
    pub version: i32,
    pub category: CategoryId,
    pub office: OfficeId,
    pub area: Option<i32>,
    pub reporter: Option<UserId>,
    pub assigned_user: Option<UserId>,
    pub assigned_contractor: Option<ContractorId>,
    pub is_public: bool,
    pub is_internal: bool,
    pub confirmed: bool,
    pub completion_reported: bool,
}

impl Facts {
    pub fn access(&self) -> ReportAccess {
        ReportAccess {
            office: Some(self.office),
            reporter: self.reporter,
            assigned_user: self.assigned_user,
            assigned_contractor: self.assigned_contractor,
        }
    }

    /// On the public map and pages for everyone.
    pub fn is_open_to_all(&self) -> bool {
        shared::report::open_to_all(self.is_public, self.is_internal, self.confirmed)
    }
}

/// A stored photo (or its thumbnail) by key: whose report, whether staff hid it, whether it came with a timeline
/// entry (a contractor's progress) rather than with the report.
#[derive(Debug, Clone)]
pub struct PhotoOfKey {
    pub code: String,
    pub hidden: bool,
    pub from_update: bool,
}

pub async fn photo_of_key(conn: &mut PgConnection, key: &str) -> Result<Option<PhotoOfKey>> {
    let row = sqlx::query!(
        r#"
        select r.receipt_code, p.is_hidden, p.update_id is not null as "from_update!"
        from report_photo p join report r using (report_id)
        where p.object_key = $1 or p.thumb_key = $1
        "#,
        key
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| PhotoOfKey {
        code: r.receipt_code,
        hidden: r.is_hidden,
        from_update: r.from_update,
    }))
}

/// The facts of the report `code`; `lock` takes its row for the caller's transaction (read-modify-write).
pub async fn facts(conn: &mut PgConnection, code: &str, lock: bool) -> Result<Option<Facts>> {
    let row = sqlx::query!(
        r#"
        select report_id as "id: ReportId", receipt_code, title, state as "state: ReportState", version,
               category_id, office_id, area_id, reporter_id, assigned_user_id, assigned_contractor_id,
               is_public, is_internal, confirmed_at is not null as "confirmed!",
               completion_reported_at is not null as "completion!"
        from report where receipt_code = $1
        "#,
        code
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    if lock {
        sqlx::query!(
            "select 1 as x from report where report_id = $1 for update",
            r.id as ReportId
        )
        .fetch_one(&mut *conn)
        .await?;
    }
    Ok(Some(Facts {
        id: r.id,
        code: r.receipt_code,
        title: r.title,
        state: r.state,
        version: r.version,
        category: CategoryId(r.category_id),
        office: OfficeId(r.office_id),
        area: r.area_id,
        reporter: r.reporter_id.map(UserId),
        assigned_user: r.assigned_user_id.map(UserId),
        assigned_contractor: r.assigned_contractor_id.map(ContractorId),
        is_public: r.is_public,
        is_internal: r.is_internal,
        confirmed: r.confirmed,
        completion_reported: r.completion,
    }))
}

/// A report by id, without its timeline and the rest (left empty, with `now` unset, for the service). Who may
/// see it is the service's question.
pub async fn detail(conn: &mut PgConnection, id: ReportId) -> Result<ReportDetail> {
    let r = sqlx::query!(
        r#"
        select r.report_id as "id: ReportId", r.receipt_code, r.title, r.description,
               r.kind as "kind: ReportKind", r.state as "state: ReportState",
               c.name as category, o.name as "office?", a.name as "district?",
               ST_Y(r.location) as "lat!", ST_X(r.location) as "lng!",
               r.created_at, r.updated_at, r.sla_due_at, r.is_public and not r.is_internal as "is_public!"
        from report r
        join category c using (category_id)
        left join office o on o.office_id = r.office_id
        left join area a on a.area_id = r.area_id
        where r.report_id = $1
        "#,
        id as ReportId
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(ReportDetail {
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
        photos: Vec::new(),
        supporters: 0,
        reporter: None,
        sla_due_at: r.sla_due_at,
        is_public: r.is_public,
        comments: Vec::new(),
        viewer: Default::default(),
        now: DateTime::<Utc>::UNIX_EPOCH,
        pace: Default::default(),
    })
}

/// The report's times to take in charge and to resolve (from its signed timeline), beside its category's
/// medians over the statistics' window, shown only on at least `min` reports.
pub async fn pace(conn: &mut PgConnection, id: ReportId, min: i64) -> Result<shared::report::Pace> {
    let r = sqlx::query!(
        r#"select extract(epoch from (select min(u.created_at) from report_update u
                                      where u.report_id = r.report_id and u.to_state = 'in_charge') - r.created_at)::float8 as take_s,
                  case when report_state_is_resolved(r.state) then
                      extract(epoch from (select max(u.created_at) from report_update u
                                          where u.report_id = r.report_id and u.to_state = 'resolved') - r.created_at)::float8
                  end as resolve_s,
                  w.take_median_s, coalesce(w.taken_in_charge, 0) as "taken!", w.resolve_median_s,
                  coalesce(w.resolved, 0) as "resolved!"
           from report r left join stats_window w on w.scope = 'category' and w.scope_id = r.category_id
           where r.report_id = $1"#,
        id as ReportId
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(shared::report::Pace {
        take_s: r.take_s,
        take_median_s: r.take_median_s.filter(|_| i64::from(r.taken) >= min),
        resolve_s: r.resolve_s,
        resolve_median_s: r.resolve_median_s.filter(|_| i64::from(r.resolved) >= min),
        min_reports: min,
    })
}

/// The public timeline of a report, oldest first.
pub async fn public_timeline(conn: &mut PgConnection, id: ReportId) -> Result<Vec<TimelineEntry>> {
    let rows = sqlx::query_as!(
        TimelineEntry,
        r#"
        select u.from_state as "from_state: ReportState", u.to_state as "to_state: ReportState",
               u.note, u.actor_kind as "actor_kind: ActorKind", u.actor_name as actor, u.actor_role as role,
               o.name as "office?", u.created_at as at
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
    /// The office routing chose; `None`: the category's.
    pub office: Option<OfficeId>,
    /// The account that sent it.
    pub reporter: Option<UserId>,
    /// False for a report sent without an account, until its address is confirmed.
    pub confirmed: bool,
    pub show_name: bool,
    pub channel: shared::report::work::Channel,
    /// Filed by staff for the municipality's own use (never public).
    pub internal: bool,
}

impl NewReport {
    /// A confirmed report with the category's office, no reporter, name hidden (fixtures, the demo).
    pub fn basic(
        kind: ReportKind,
        category: CategoryId,
        location: LatLng,
        title: shared::Title,
        description: shared::Description,
        is_public: bool,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self {
            kind,
            category,
            location,
            title,
            description,
            is_public,
            created_at,
            actor_name: "Cittadino".into(),
            office: None,
            reporter: None,
            confirmed: true,
            show_name: false,
            channel: shared::report::work::Channel::Web,
            internal: false,
        }
    }
}

/// Inserts a report in state `submitted` with its first timeline entry, routed to `new.office` (else its
/// category's office) and located in its district. Run inside the caller's transaction.
pub async fn insert(conn: &mut PgConnection, new: &NewReport) -> Result<(ReportId, ReceiptCode)> {
    let code = next_receipt_code(conn, new.created_at.year()).await?;
    let id = sqlx::query_scalar!(
        r#"
        insert into report (receipt_code, kind, category_id, office_id, area_id, location, title, description,
                            is_public, created_at, updated_at, reporter_id, confirmed_at, reporter_name_shown,
                            channel, is_internal)
        select $1, $2, c.category_id, coalesce($10, c.office_id),
               (select a.area_id from area a
                where a.kind = 'district' and a.disabled_at is null and ST_Intersects(a.boundary, ST_SetSRID(ST_MakePoint($4, $5), 4326))
                order by a.area_id limit 1),
               ST_SetSRID(ST_MakePoint($4, $5), 4326), $6, $7, $8, $9::timestamptz, $9::timestamptz, $11,
               case when $12 then $9::timestamptz end, $13, $14, $15
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
        new.created_at,
        new.office as Option<OfficeId>,
        new.reporter as Option<UserId>,
        new.confirmed,
        new.show_name,
        new.channel as shared::report::work::Channel,
        new.internal
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

/// Records how to reach the reporter of a report sent without an account.
pub async fn insert_contact(
    conn: &mut PgConnection,
    report: ReportId,
    email: Option<&str>,
    phone: Option<&str>,
    name: Option<&str>,
) -> Result<()> {
    sqlx::query!(
        "insert into report_contact (report_id, email, phone, name) values ($1, $2, $3, $4)",
        report as ReportId,
        email,
        phone,
        name
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a report's stored photos, in order.
pub async fn insert_photos(
    conn: &mut PgConnection,
    report: ReportId,
    photos: &[crate::photos::Stored],
) -> Result<()> {
    for (i, p) in photos.iter().enumerate() {
        sqlx::query!(
            r#"
            insert into report_photo (report_id, position, object_key, thumb_key, width, height, bytes)
            values ($1, $2, $3, $4, $5, $6, $7)
            "#,
            report as ReportId,
            i as i16,
            p.key,
            p.thumb_key,
            p.width as i32,
            p.height as i32,
            p.bytes as i32
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Records photos posted with a timeline entry (a contractor's), after the report's others.
pub async fn insert_update_photos(
    conn: &mut PgConnection,
    report: ReportId,
    update: i64,
    photos: &[crate::photos::Stored],
) -> Result<()> {
    for p in photos {
        sqlx::query!(
            r#"
            insert into report_photo (report_id, update_id, position, object_key, thumb_key, width, height, bytes)
            select $1, $2, coalesce(max(position) + 1, 0), $3, $4, $5, $6, $7 from report_photo where report_id = $1
            "#,
            report as ReportId,
            update,
            p.key,
            p.thumb_key,
            p.width as i32,
            p.height as i32,
            p.bytes as i32
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The public photos of a report, in order.
pub async fn public_photos(conn: &mut PgConnection, id: ReportId) -> Result<Vec<PhotoRef>> {
    let rows = sqlx::query!(
        r#"
        select object_key, thumb_key, width, height from report_photo
        where report_id = $1 and not is_hidden and update_id is null order by position
        "#,
        id as ReportId
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PhotoRef {
            url: photo_url(&r.object_key),
            thumb_url: photo_url(&r.thumb_key),
            width: r.width,
            height: r.height,
        })
        .collect())
}

/// The address a stored photo is served at.
pub fn photo_url(key: &str) -> String {
    format!("/foto/{}", key.trim_start_matches("photos/"))
}

/// How many people support a report, and the reporter's name when shown.
pub async fn supporters_and_reporter(conn: &mut PgConnection, id: ReportId) -> Result<(i64, Option<String>)> {
    let row = sqlx::query!(
        r#"
        select (select count(*) from report_supporter s where s.report_id = r.report_id) as "n!",
               case when r.reporter_name_shown then u.display_name end as name
        from report r left join app_user u on u.user_id = r.reporter_id
        where r.report_id = $1
        "#,
        id as ReportId
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.n, row.name))
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
