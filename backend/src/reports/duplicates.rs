//! Duplicate suggestions: before a citizen files a report, the open public reports of the same category within
//! the category's radius, ranked by distance and by how much their title looks like what was typed.

use chrono::Utc;
use shared::report::submission::{DuplicateCandidate, Duplicates, MAX_DUPLICATES};
use shared::{CategoryId, LatLng, ReportState};
use sqlx::PgConnection;

use crate::{Result, State};

/// The radius used when no category is chosen yet: each candidate must still be within its own category's.
const ANY_CATEGORY_RADIUS_M: f64 = 250.0;

/// Up to [`MAX_DUPLICATES`] open public reports near `p`, of `category` when given (within its duplicate
/// radius), else of any category (within 250 m and within each one's own radius). `text` (title and words typed
/// so far) lifts the reports that read alike.
///
/// The bounding box `location && ST_Expand(…)` lets the partial GiST index of open reports
/// (`report_open_category_location_gix`) find the candidates; the exact distance is then taken on the sphere.
pub async fn near(
    conn: &mut PgConnection,
    p: LatLng,
    category: Option<CategoryId>,
    text: &str,
) -> Result<Vec<DuplicateCandidate>> {
    let radius: f64 = match category {
        Some(c) => sqlx::query_scalar!(
            "select duplicate_radius_m from category where category_id = $1",
            c as CategoryId
        )
        .fetch_optional(&mut *conn)
        .await?
        .map_or(0.0, f64::from),
        None => ANY_CATEGORY_RADIUS_M,
    };
    if radius <= 0.0 {
        return Ok(Vec::new());
    }
    let text: String = text.chars().take(300).collect::<String>().to_lowercase();
    // Degrees of longitude shrink with latitude; never let the box be narrower than the circle.
    let dlat = radius / 110_540.0;
    let dlng = radius / (111_320.0 * p.lat().to_radians().cos().max(0.01));
    let rows = sqlx::query!(
        r#"
        with here as (select ST_SetSRID(ST_MakePoint($1, $2), 4326) as g)
        select r.receipt_code, r.title, left(r.description, 200) as "description!", c.name as category,
               r.state as "state: ReportState", r.created_at,
               ST_Distance(r.location::geography, here.g::geography) as "distance_m!",
               (select p.thumb_key from report_photo p
                where p.report_id = r.report_id and not p.is_hidden order by p.position limit 1) as thumb_key,
               (select count(*) from report_supporter s where s.report_id = r.report_id) as "supporters!"
        from report r
        join category c using (category_id)
        cross join here
        where report_state_is_open(r.state)
          and report_open_to_all(r.is_public, r.is_internal, r.confirmed_at)
          and ($3::int is null or r.category_id = $3)
          and r.location && ST_Expand(here.g, $4, $5)
          and ST_DWithin(r.location::geography, here.g::geography, least($6::float8, c.duplicate_radius_m))
        order by ST_Distance(r.location::geography, here.g::geography) / $6::float8
                 - case when $7 = '' then 0 else similarity(lower(r.title), $7) end,
                 r.created_at desc
        limit $8
        "#,
        p.lng(),
        p.lat(),
        category.map(|c| c.0),
        dlng,
        dlat,
        radius,
        text,
        MAX_DUPLICATES as i64
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DuplicateCandidate {
            receipt_code: r.receipt_code,
            title: r.title,
            description: r.description,
            category: r.category,
            state: r.state,
            created_at: r.created_at,
            distance_m: r.distance_m.round(),
            thumb_url: r.thumb_key.as_deref().map(super::store::photo_url),
            supporters: r.supporters,
        })
        .collect())
}

/// The suggestions for the reporting page.
#[tracing::instrument(skip(state))]
pub async fn suggest(
    state: &State,
    p: LatLng,
    category: Option<CategoryId>,
    text: &str,
) -> Result<Duplicates> {
    let mut conn = state.pool.acquire().await?;
    let candidates = near(&mut conn, p, category, text).await?;
    Ok(Duplicates {
        candidates,
        now: Utc::now(),
    })
}
