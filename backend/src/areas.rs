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

/// The municipality's border as rings of `(lat, lng)`, simplified to about 20 m for drawing on the map. Empty
/// before any area is loaded.
pub async fn municipality_outline(state: &State) -> Result<Vec<Vec<(f64, f64)>>> {
    let json = sqlx::query_scalar!(
        r#"
        select ST_AsGeoJSON(ST_SimplifyPreserveTopology(boundary, 0.0002), 6) as "geojson!"
        from area where kind = 'municipality' order by area_id limit 1
        "#
    )
    .fetch_optional(&state.pool)
    .await?;
    let Some(json) = json else { return Ok(Vec::new()) };
    let geometry: geojson::Geometry = json
        .parse()
        .map_err(|e| anyhow::anyhow!("PostGIS returned GeoJSON that does not parse: {e}"))?;
    let polygons = match geometry.value {
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates,
        geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
        _ => Vec::new(),
    };
    Ok(polygons
        .into_iter()
        .filter_map(|rings| rings.into_iter().next())
        .map(|exterior| exterior.iter().map(|p| (p[1], p[0])).collect())
        .collect())
}
