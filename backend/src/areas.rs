//! Areas: the municipality's boundary and its districts.

use shared::BBox;

use crate::{Result, State};

/// The municipality's extent, where the map opens. `None` before any area is loaded.
pub async fn municipality_bbox(state: &State) -> Result<Option<BBox>> {
    let row = sqlx::query!(
        r#"
        select ST_XMin(e) as "west!", ST_YMin(e) as "south!", ST_XMax(e) as "east!", ST_YMax(e) as "north!"
        from (select ST_Extent(boundary)::box2d as e from area where kind = 'municipality') x
        where e is not null
        "#
    )
    .fetch_optional(&state.pool)
    .await?;
    Ok(match row {
        Some(r) => Some(BBox::new(r.west, r.south, r.east, r.north)?),
        None => None,
    })
}

/// The municipality's name, for titles. `None` before any area is loaded.
pub async fn municipality_name(state: &State) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar!("select name from area where kind = 'municipality' order by area_id limit 1")
            .fetch_optional(&state.pool)
            .await?,
    )
}
