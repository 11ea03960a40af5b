//! Areas: the municipality's boundary and its districts.

use shared::BBox;

use crate::{Result, State};

/// What the public map opens on.
#[derive(Debug, Clone, PartialEq)]
pub struct MapView {
    /// The municipality's name; empty before any area is loaded.
    pub municipality: String,
    /// Its extent; all of Italy before any area is loaded.
    pub bbox: BBox,
    /// Its border as rings of `(lat, lng)`, simplified to about 20 m for drawing.
    pub outline: Vec<Vec<(f64, f64)>>,
}

/// Italy's extent (Lampedusa to the Vetta d'Italia, Sardinia to Otranto): where the map opens before a
/// municipality is loaded, and where an uploaded boundary must lie.
pub fn italy() -> BBox {
    BBox::new(6.6, 35.4, 18.6, 47.1).unwrap_or_else(|_| unreachable!("a valid constant"))
}

/// The municipality's row, or `None` before any area is loaded.
async fn municipality_row(state: &State) -> Result<Option<(String, BBox, String)>> {
    let row = sqlx::query!(
        r#"
        select name,
               ST_XMin(boundary) as "west!", ST_YMin(boundary) as "south!",
               ST_XMax(boundary) as "east!", ST_YMax(boundary) as "north!",
               ST_AsGeoJSON(ST_SimplifyPreserveTopology(boundary, 0.0002), 6) as "outline!"
        from area where kind = 'municipality' order by area_id limit 1
        "#
    )
    .fetch_optional(&state.pool)
    .await?;
    Ok(match row {
        Some(r) => Some((r.name, BBox::new(r.west, r.south, r.east, r.north)?, r.outline)),
        None => None,
    })
}

/// Name, extent and border of the municipality in one query.
pub async fn map_view(state: &State) -> Result<MapView> {
    let Some((municipality, bbox, outline)) = municipality_row(state).await? else {
        return Ok(MapView {
            municipality: String::new(),
            bbox: italy(),
            outline: Vec::new(),
        });
    };
    Ok(MapView {
        municipality,
        bbox,
        outline: outline_rings(&outline)?,
    })
}

/// The municipality's extent, `None` before any area is loaded. Its own query: the first viewport asks for it,
/// and needs no outline.
pub async fn municipality_bbox(state: &State) -> Result<Option<BBox>> {
    let row = sqlx::query!(
        r#"
        select ST_XMin(boundary) as "west!", ST_YMin(boundary) as "south!",
               ST_XMax(boundary) as "east!", ST_YMax(boundary) as "north!"
        from area where kind = 'municipality' order by area_id limit 1
        "#
    )
    .fetch_optional(&state.pool)
    .await?;
    Ok(match row {
        Some(r) => Some(BBox::new(r.west, r.south, r.east, r.north)?),
        None => None,
    })
}

/// The exterior rings of a GeoJSON (Multi)Polygon as `(lat, lng)` pairs.
pub(crate) fn outline_rings(geojson_text: &str) -> Result<Vec<Vec<(f64, f64)>>> {
    let geometry: geojson::Geometry = geojson_text
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

#[cfg(test)]
mod tests {
    use super::outline_rings;

    #[test]
    fn outlines_are_exterior_rings_in_lat_lng_order() {
        let rings = outline_rings(
            r#"{"type":"MultiPolygon","coordinates":[[[[11.8,45.3],[11.9,45.3],[11.9,45.4],[11.8,45.3]],
               [[11.85,45.35],[11.86,45.35],[11.86,45.36],[11.85,45.35]]]]}"#,
        )
        .expect("valid");
        assert_eq!(rings.len(), 1, "holes are not drawn");
        assert_eq!(rings[0][1], (45.3, 11.9));
        assert!(outline_rings("{\"type\":\"Nonsense\"}").is_err());
    }
}
