//! Report services: what the doors call.

use chrono::Utc;
use shared::permission::{Action, Target, can};
use shared::report::{MyReport, ReportDetail, ViewerOnReport, Viewport};
use shared::{BBox, ReceiptCode, ReportId, Viewer};

use super::store;
use crate::{Error, Result, State};

/// At most this many pins per viewport request. Beyond it the page says how many there are in all; clustering
/// for large numbers is the map-at-scale work, not this function's.
pub const VIEWPORT_LIMIT: i64 = 500;

/// The public reports in a map viewport, newest first; the whole municipality when `bbox` is `None` (not found
/// before a municipality is loaded).
#[tracing::instrument(skip(state))]
pub async fn viewport(state: &State, bbox: Option<&BBox>) -> Result<Viewport> {
    let bbox = match bbox {
        Some(b) => *b,
        None => crate::areas::municipality_bbox(state)
            .await?
            .ok_or(Error::NotFound)?,
    };
    let mut conn = state.pool.acquire().await?;
    let pins = store::pins_in_bbox(&mut conn, &bbox, VIEWPORT_LIMIT).await?;
    // Counting is only needed when the page is full.
    let total = if (pins.len() as i64) < VIEWPORT_LIMIT {
        pins.len() as i64
    } else {
        store::count_in_bbox(&mut conn, &bbox).await?
    };
    Ok(Viewport {
        pins,
        total,
        now: Utc::now(),
    })
}

/// The facts of the report `code` if `viewer` may see it: everyone a public one; a private one its reporter and
/// the staff who may (others get `NotFound`, as if it did not exist).
async fn visible_facts(
    conn: &mut sqlx::PgConnection,
    viewer: Option<&Viewer>,
    code: &str,
) -> Result<store::Facts> {
    let code = ReceiptCode::parse(code)?;
    let f = store::facts(conn, &code.to_string(), false)
        .await?
        .ok_or(Error::NotFound)?;
    if !may_see(viewer, &f) {
        return Err(Error::NotFound);
    }
    Ok(f)
}

/// Whether `viewer` may see the report on the public side: everyone a report everyone sees; a private one its
/// reporter and the staff who may see it privately, once confirmed.
fn may_see(viewer: Option<&Viewer>, f: &store::Facts) -> bool {
    f.is_open_to_all() || (f.confirmed && can(viewer, Action::ViewPrivateReport, Target::Report(&f.access())))
}

/// The id of the report `code` if `viewer` may see it (what a live stream needs: one query, not the page's eight).
pub async fn visible_id(state: &State, viewer: Option<&Viewer>, code: &str) -> Result<(ReportId, String)> {
    let mut conn = state.pool.acquire().await?;
    let f = visible_facts(&mut conn, viewer, code).await?;
    Ok((f.id, f.code))
}

/// A report with its public timeline, comments and photos, by receipt code as typed by a person. Public
/// reports for everyone; a private one only for its reporter and the staff who may see it (others get
/// `NotFound`, as if it did not exist).
#[tracing::instrument(skip(state, viewer))]
pub async fn get_by_code(state: &State, viewer: Option<&Viewer>, code: &str) -> Result<ReportDetail> {
    let mut tx = state.pool.begin().await?;
    let f = visible_facts(&mut tx, viewer, code).await?;
    let open_to_all = f.is_open_to_all();
    let mut report = store::detail(&mut tx, f.id).await?;
    report.timeline = store::public_timeline(&mut tx, f.id).await?;
    report.photos = store::public_photos(&mut tx, f.id).await?;
    (report.supporters, report.reporter) = store::supporters_and_reporter(&mut tx, f.id).await?;
    report.comments = super::conversation::comments(&mut tx, f.id, false).await?;
    report.pace = store::pace(&mut tx, f.id, state.settings.stats.min_reports).await?;
    report.viewer = ViewerOnReport {
        signed_in: viewer.is_some(),
        may_comment: open_to_all
            && f.state.is_open()
            && can(viewer, Action::CommentOnReport, Target::Municipality),
        follows: super::conversation::follows(&mut tx, viewer, f.id).await?,
        may_work: super::work::may_view_work(viewer, &f),
    };
    tx.commit().await?;
    report.now = Utc::now();
    Ok(report)
}

/// Who may see a photo, and for how long others may keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoAccess {
    /// Anyone: a photo the reporter sent with a report everyone sees (cacheable by anyone, for good: keys are
    /// never reused).
    Public,
    /// Only the viewer: the photos of their own private report, or any photo of a report their staff sight
    /// reaches (hidden ones, a contractor's).
    Private,
}

/// A photo's bytes (`key` as stored: `photos/…`) if `viewer` may see it, with how it may be cached; `None`
/// otherwise — the same answer as for a key that does not exist. The report's reporter photos (not hidden) go
/// with the report: to everyone when everyone sees it, else to whoever may see it (its reporter, the staff who
/// may); every photo of a report, hidden ones and a contractor's included, to the staff who may open its staff
/// page.
pub async fn photo(
    state: &State,
    viewer: Option<&Viewer>,
    key: &str,
) -> Result<Option<(bytes::Bytes, PhotoAccess)>> {
    let mut conn = state.pool.acquire().await?;
    let Some(p) = store::photo_of_key(&mut conn, key).await? else {
        return Ok(None);
    };
    let f = store::facts(&mut conn, &p.code, false)
        .await?
        .ok_or(Error::NotFound)?;
    drop(conn);
    let with_report = !p.hidden && !p.from_update;
    let access = if with_report && f.is_open_to_all() {
        Some(PhotoAccess::Public)
    } else if (with_report && may_see(viewer, &f)) || super::work::may_view_work(viewer, &f) {
        Some(PhotoAccess::Private)
    } else {
        None
    };
    let Some(access) = access else { return Ok(None) };
    Ok(state.photos.get(key).await?.map(|b| (b, access)))
}

/// The reports the signed-in person sent with their account, newest first (private ones too).
#[tracing::instrument(skip_all)]
pub async fn of_reporter(state: &State, viewer: Option<&Viewer>) -> Result<Vec<MyReport>> {
    let v = crate::users::require(
        viewer,
        Action::ManageOwnAccount,
        Target::User(viewer.map_or(shared::UserId(0), |v| v.id)),
    )?;
    let mut conn = state.pool.acquire().await?;
    store::by_reporter(&mut conn, v.id, 200).await
}
