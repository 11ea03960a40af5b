//! The municipality's boundary and its districts from GeoJSON: read in the system they were drawn in, each
//! shape checked there (valid, closed, not self-intersecting), reprojected to WGS 84, then checked for sense — on
//! the globe, in Italy (with a word when latitude and longitude look swapped), districts inside the boundary
//! and not overlapping one another. A preview says what an upload would load without loading it; the boundary
//! an upload replaces is kept for a one-click rollback.
//!
//! Districts come one per upload (named on the form) or many from one feature collection, each feature named
//! by a property of its own; adjacent districts share edges, which is fine: each is checked alone.

use serde_json::json;
use shared::admin::{AreaPreview, PreviewPiece};
use shared::permission::Action;
use shared::validation::DistrictProblem;
use shared::{AreaId, Field, Rule, Viewer};
use sqlx::PgConnection;

use super::{audit, begin, name, number, taken};
use crate::error::invalid;
use crate::{Error, Result, State};

/// Overlaps and parts outside the boundary smaller than this share of a district (in percent) are drawing
/// noise, not mistakes.
const TOLERANCE_PERCENT: f64 = 1.0;

/// Properties tried, in order, for a feature's name when the form names none.
const NAME_PROPERTIES: [&str; 6] = ["name", "nome", "NOME", "Name", "NAME", "denominazione"];

/// What an area upload says.
#[derive(Debug, Clone, Default)]
pub struct AreaUpload {
    /// The municipality's boundary, or districts.
    pub municipality: bool,
    /// The municipality's or the (only) district's name; for a collection of districts, unused.
    pub name: String,
    pub geojson: String,
    /// The EPSG code of the coordinates when the document does not say (empty: WGS 84).
    pub srid: String,
    /// For a collection of districts: the property that names each feature (empty: `name`, `nome`, …).
    pub name_property: String,
}

/// One shape of the document, before it is checked.
struct Feature {
    /// Its name from the chosen property, if any.
    name: Option<String>,
    /// A GeoJSON MultiPolygon's text.
    geometry: String,
}

/// One shape as it would be stored.
struct Piece {
    name: String,
    wkb: Vec<u8>,
}

fn bad(reason: &str) -> Error {
    invalid(
        Field::Boundary,
        Rule::InvalidGeometry {
            reason: reason.to_owned(),
        },
    )
}

/// The SRID a GeoJSON document declares (`crs.properties.name` as `EPSG:3003`, `urn:ogc:def:crs:EPSG::3003` or
/// the OGC name of WGS 84), if any.
fn declared_srid(doc: &serde_json::Value) -> Result<Option<i32>> {
    let Some(name) = doc.pointer("/crs/properties/name").and_then(|n| n.as_str()) else {
        return Ok(None);
    };
    if name.ends_with("CRS84") {
        return Ok(Some(4326));
    }
    name.rsplit(':')
        .next()
        .and_then(|c| c.parse::<i32>().ok())
        .map(Some)
        .ok_or_else(|| invalid(Field::Srid, Rule::UnknownValue))
}

/// A feature's name: the property asked for, or the first of [`NAME_PROPERTIES`] it has.
fn feature_name(
    props: Option<&serde_json::Map<String, serde_json::Value>>,
    property: &str,
) -> Option<String> {
    let props = props?;
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if !property.trim().is_empty() {
        return props.get(property.trim()).and_then(text);
    }
    NAME_PROPERTIES.iter().find_map(|p| props.get(*p).and_then(text))
}

/// The polygons of a GeoJSON document (a geometry, a feature or a feature collection), one [`Feature`] per
/// feature, and the system it declares.
fn features(text: &str, name_property: &str) -> Result<(Vec<Feature>, Option<i32>)> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(&format!("JSON: {e}")))?;
    let srid = declared_srid(&doc)?;
    let parsed = text
        .parse::<geojson::GeoJson>()
        .map_err(|e| bad(&e.to_string()))?;
    let raw: Vec<(Option<String>, geojson::Geometry)> = match parsed {
        geojson::GeoJson::Geometry(g) => vec![(None, g)],
        geojson::GeoJson::Feature(f) => {
            let n = feature_name(f.properties.as_ref(), name_property);
            f.geometry.into_iter().map(|g| (n.clone(), g)).collect()
        }
        geojson::GeoJson::FeatureCollection(fc) => fc
            .features
            .into_iter()
            .filter_map(|f| {
                let n = feature_name(f.properties.as_ref(), name_property);
                f.geometry.map(|g| (n, g))
            })
            .collect(),
    };
    let mut out = Vec::new();
    for (name, g) in raw {
        let polygons = match g.value {
            geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
            geojson::GeometryValue::MultiPolygon { coordinates } => coordinates,
            other => return Err(bad(&format!("{} is not a polygon", other.type_name()))),
        };
        let multi = geojson::Geometry::new(geojson::GeometryValue::MultiPolygon {
            coordinates: polygons,
        });
        out.push(Feature {
            name,
            geometry: multi.to_string(),
        });
    }
    if out.is_empty() {
        return Err(bad("no polygon in the document"));
    }
    Ok((out, srid))
}

/// One feature checked where it was drawn and reprojected: its WGS 84 EWKB, or PostGIS' reason.
async fn reproject(
    conn: &mut PgConnection,
    geometry: &str,
    srid: i32,
) -> Result<std::result::Result<Vec<u8>, String>> {
    let checked = sqlx::query!(
        r#"
        with g as (select ST_SetSRID(ST_GeomFromGeoJSON($1), $2) as geom)
        select ST_IsValid(geom) as "valid!", ST_IsValidReason(geom) as "reason!",
               case when ST_IsValid(geom) then ST_AsEWKB(ST_Multi(ST_Transform(geom, 4326))) end as wkb
        from g
        "#,
        geometry,
        srid
    )
    .fetch_one(&mut *conn)
    .await;
    match checked {
        Ok(c) if c.valid => Ok(Ok(c.wkb.unwrap_or_default())),
        Ok(c) => Ok(Err(c.reason)),
        // What the parser of PostGIS refuses (an unclosed ring, too few points) says why in its message.
        Err(sqlx::Error::Database(d)) => Ok(Err(d.message().to_owned())),
        Err(e) => Err(e.into()),
    }
}

/// Everything an upload would store, checked. Reads only: the caller applies it or not.
async fn prepare(conn: &mut PgConnection, upload: &AreaUpload) -> Result<(Vec<Piece>, i32)> {
    if upload.geojson.trim().is_empty() {
        return Err(invalid(Field::Boundary, Rule::Required));
    }
    let (features, declared) = features(&upload.geojson, &upload.name_property)?;
    let given = if upload.srid.trim().is_empty() {
        None
    } else {
        Some(number(Field::Srid, &upload.srid, 1, 999_999)?)
    };
    let srid = declared.or(given).unwrap_or(4326);
    let known = sqlx::query_scalar!(
        r#"select exists(select 1 from spatial_ref_sys where srid = $1) as "x!""#,
        srid
    )
    .fetch_one(&mut *conn)
    .await?;
    if !known {
        return Err(invalid(Field::Srid, Rule::UnknownSrid { code: srid }));
    }
    if !upload.municipality
        && features.len() == 1
        && upload.name.trim().is_empty()
        && features[0].name.is_none()
    {
        return Err(invalid(Field::Name, Rule::Required));
    }
    let many = !upload.municipality && features.len() > 1;
    if !many {
        // One shape: the municipality (its features joined) or one district, named on the form.
        let n = if upload.municipality || !upload.name.trim().is_empty() {
            name(&upload.name)?
        } else {
            name(features[0].name.as_deref().unwrap_or_default())?
        };
        let mut parts = Vec::new();
        for f in &features {
            parts.push(reproject(conn, &f.geometry, srid).await?.map_err(|r| bad(&r))?);
        }
        let wkb = if parts.len() == 1 {
            parts.pop().unwrap_or_default()
        } else {
            sqlx::query_scalar!(
                r#"select ST_AsEWKB(ST_Multi(ST_Union(ST_GeomFromEWKB(p)))) as "wkb!" from unnest($1::bytea[]) as p"#,
                &parts
            )
            .fetch_one(&mut *conn)
            .await?
        };
        let pieces = vec![Piece { name: n, wkb }];
        check_place(conn, &pieces).await?;
        if !upload.municipality {
            let problems = fit_problems(conn, &pieces).await?;
            if !problems.is_empty() {
                return Err(invalid(Field::Boundary, Rule::DistrictProblems { problems }));
            }
        }
        return Ok((pieces, srid));
    }
    // Many districts, each named by its feature.
    let property = if upload.name_property.trim().is_empty() {
        NAME_PROPERTIES[0].to_owned()
    } else {
        upload.name_property.trim().to_owned()
    };
    let mut problems = Vec::new();
    let mut pieces: Vec<Piece> = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let Some(n) = f.name.clone() else {
            problems.push(DistrictProblem::Unnamed {
                index: i + 1,
                property: property.clone(),
            });
            continue;
        };
        if pieces.iter().any(|p| shared::validation::same_name(&p.name, &n)) {
            problems.push(DistrictProblem::Repeated { name: n });
            continue;
        }
        match reproject(conn, &f.geometry, srid).await? {
            Ok(wkb) => pieces.push(Piece { name: n, wkb }),
            Err(reason) => problems.push(DistrictProblem::Invalid { name: n, reason }),
        }
    }
    for p in &pieces {
        name(&p.name)?;
    }
    // Every problem at once: the named, valid features are also checked against the boundary and each other.
    if !pieces.is_empty() {
        check_place(conn, &pieces).await?;
        problems.extend(fit_problems(conn, &pieces).await?);
    }
    if !problems.is_empty() {
        return Err(invalid(Field::Boundary, Rule::DistrictProblems { problems }));
    }
    Ok((pieces, srid))
}

/// On the globe (metres read as degrees are not), and in Italy — or, when only exchanging latitude and longitude
/// would put it there, a word saying so.
async fn check_place(conn: &mut PgConnection, pieces: &[Piece]) -> Result<()> {
    let wkbs: Vec<Vec<u8>> = pieces.iter().map(|p| p.wkb.clone()).collect();
    let c = sqlx::query!(
        r#"
        with u as (select ST_Collect(ST_GeomFromEWKB(p)) as g from unnest($1::bytea[]) as p)
        select ST_XMin(g) as "west!", ST_XMax(g) as "east!", ST_YMin(g) as "south!", ST_YMax(g) as "north!",
               ST_X(ST_Centroid(g)) as "x!", ST_Y(ST_Centroid(g)) as "y!"
        from u
        "#,
        &wkbs
    )
    .fetch_one(&mut *conn)
    .await?;
    let on_globe = c.west >= -180.0 && c.east <= 180.0 && c.south >= -90.0 && c.north <= 90.0;
    if !on_globe {
        return Err(invalid(Field::Srid, Rule::OutsideItaly));
    }
    let italy = crate::areas::italy();
    let inside = |lat: f64, lng: f64| shared::LatLng::new(lat, lng).is_ok_and(|p| italy.contains(p));
    if inside(c.y, c.x) {
        Ok(())
    } else if inside(c.x, c.y) {
        Err(invalid(Field::Boundary, Rule::SwappedCoordinates))
    } else {
        Err(invalid(Field::Boundary, Rule::OutsideItaly))
    }
}

/// What keeps districts from fitting: parts outside the municipality's boundary (one is needed first), overlaps
/// with one another and with the active districts they do not replace.
async fn fit_problems(conn: &mut PgConnection, pieces: &[Piece]) -> Result<Vec<DistrictProblem>> {
    let has_boundary =
        sqlx::query_scalar!(r#"select exists(select 1 from area where kind = 'municipality') as "x!""#)
            .fetch_one(&mut *conn)
            .await?;
    if !has_boundary {
        return Err(invalid(Field::District, Rule::Required));
    }
    let names: Vec<String> = pieces.iter().map(|p| p.name.clone()).collect();
    let wkbs: Vec<Vec<u8>> = pieces.iter().map(|p| p.wkb.clone()).collect();
    let mut problems = Vec::new();
    let outside = sqlx::query!(
        r#"
        with p as (select n, ST_GeomFromEWKB(w) as g from unnest($1::text[], $2::bytea[]) as t(n, w)),
             m as (select boundary from area where kind = 'municipality' order by area_id limit 1)
        select p.n as "name!",
               (100 * (1 - ST_Area(ST_Intersection(p.g, m.boundary)::geography)
                           / nullif(ST_Area(p.g::geography), 0)))::float8 as "outside!"
        from p, m
        "#,
        &names,
        &wkbs
    )
    .fetch_all(&mut *conn)
    .await?;
    for o in outside {
        if o.outside > TOLERANCE_PERCENT {
            problems.push(DistrictProblem::Outside {
                name: o.name,
                percent: o.outside.round().clamp(0.0, 100.0) as u32,
            });
        }
    }
    let overlaps = sqlx::query!(
        r#"
        with p as (select n, ST_GeomFromEWKB(w) as g from unnest($1::text[], $2::bytea[]) as t(n, w)),
             e as (select name as n, boundary as g from area
                   where kind = 'district' and disabled_at is null
                     and name_key(name) <> all (select name_key(n) from p)),
             everything as (select n, g, true as new from p union all select n, g, false from e)
        select a.n as "name!", b.n as "other!",
               (100 * ST_Area(ST_Intersection(a.g, b.g)::geography)
                    / nullif(least(ST_Area(a.g::geography), ST_Area(b.g::geography)), 0))::float8 as "percent!"
        from p a join everything b on ST_Intersects(a.g, b.g) and (not b.new or a.n < b.n)
        order by 1, 2
        "#,
        &names,
        &wkbs
    )
    .fetch_all(&mut *conn)
    .await?;
    for o in overlaps {
        if o.percent > TOLERANCE_PERCENT {
            problems.push(DistrictProblem::Overlaps {
                name: o.name,
                other: o.other,
                percent: o.percent.round().clamp(0.0, 100.0) as u32,
            });
        }
    }
    Ok(problems)
}

/// What an upload would load, checked as [`upload_area`] checks it, without loading anything.
pub async fn preview_area(
    state: &State,
    viewer: Option<&Viewer>,
    upload: &AreaUpload,
) -> Result<AreaPreview> {
    let (_, mut tx) = begin(state, viewer, Action::ManageAreas).await?;
    let (pieces, srid) = prepare(&mut tx, upload).await?;
    let names: Vec<String> = pieces.iter().map(|p| p.name.clone()).collect();
    let wkbs: Vec<Vec<u8>> = pieces.iter().map(|p| p.wkb.clone()).collect();
    let rows = sqlx::query!(
        r#"
        select t.n as "name!", ST_Area(g::geography) / 1e6 as "km2!",
               ST_Y(ST_PointOnSurface(g)) as "lat!", ST_X(ST_PointOnSurface(g)) as "lng!",
               ST_AsGeoJSON(ST_SimplifyPreserveTopology(g, 0.0002), 6) as "outline!",
               exists(select 1 from area a where a.kind = (case when $3 then 'municipality' else 'district' end)::area_kind
                      and ($3 or name_key(a.name) = name_key(t.n))) as "replaces!"
        from unnest($1::text[], $2::bytea[]) with ordinality as t(n, w, i), ST_GeomFromEWKB(t.w) as g
        order by t.i
        "#,
        &names,
        &wkbs,
        upload.municipality
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(PreviewPiece {
            name: r.name,
            km2: r.km2,
            lat: r.lat,
            lng: r.lng,
            replaces: r.replaces,
            outline: crate::areas::outline_rings(&r.outline)?,
        });
    }
    let current = crate::areas::map_view(state).await?.outline;
    // Nothing was written; the transaction ends here.
    tx.rollback().await?;
    Ok(AreaPreview {
        municipality: upload.municipality,
        srid,
        pieces: out,
        current,
    })
}

/// Loads the municipality's boundary (replacing it; the old one is kept for [`restore_boundary`]) or districts
/// (each replacing the one of the same name), all checked as [`preview_area`] says; the ids loaded.
pub async fn upload_area(state: &State, viewer: Option<&Viewer>, upload: &AreaUpload) -> Result<Vec<AreaId>> {
    let (v, mut tx) = begin(state, viewer, Action::ManageAreas).await?;
    let (pieces, srid) = prepare(&mut tx, upload).await?;
    let mut ids = Vec::new();
    if upload.municipality {
        let p = &pieces[0];
        let existing = sqlx::query_scalar!(
            "select area_id from area where kind = 'municipality' order by area_id limit 1"
        )
        .fetch_optional(&mut *tx)
        .await?;
        let id = match existing {
            Some(a) => sqlx::query_scalar!(
                r#"
                update area set previous_boundary = boundary, previous_name = name, replaced_at = now(),
                       name = $2, boundary = ST_GeomFromEWKB($3), updated_at = now()
                where area_id = $1 returning area_id
                "#,
                a,
                p.name,
                p.wkb
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(taken)?,
            None => sqlx::query_scalar!(
                "insert into area (kind, name, boundary) values ('municipality', $1, ST_GeomFromEWKB($2)) returning area_id",
                p.name,
                p.wkb
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(taken)?,
        };
        ids.push(AreaId(id));
    } else {
        for p in &pieces {
            let id = sqlx::query_scalar!(
                r#"
                insert into area (kind, parent_id, name, boundary)
                select 'district', area_id, $1, ST_GeomFromEWKB($2)
                from area where kind = 'municipality' order by area_id limit 1
                on conflict (kind, name_key(name)) do update
                    set previous_boundary = area.boundary, previous_name = area.name, replaced_at = now(),
                        boundary = excluded.boundary, updated_at = now()
                returning area_id
                "#,
                p.name,
                p.wkb
            )
            .fetch_one(&mut *tx)
            .await?;
            ids.push(AreaId(id));
        }
    }
    let names: Vec<&str> = pieces.iter().map(|p| p.name.as_str()).collect();
    audit(
        &mut tx,
        v,
        "upload_area",
        json!({ "areas": ids, "names": names, "municipality": upload.municipality, "srid": srid }),
    )
    .await?;
    tx.commit().await?;
    Ok(ids)
}

/// Puts back the boundary the last upload replaced (the current one becomes the previous, so this can be undone
/// the same way).
pub async fn restore_boundary(state: &State, viewer: Option<&Viewer>) -> Result<()> {
    let (v, mut tx) = begin(state, viewer, Action::ManageAreas).await?;
    let row = sqlx::query!(
        r#"
        update area set boundary = previous_boundary, previous_boundary = boundary,
               name = coalesce(previous_name, name), previous_name = name, replaced_at = now(), updated_at = now()
        where kind = 'municipality' and previous_boundary is not null
        returning area_id, name
        "#
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| invalid(Field::Boundary, Rule::NothingToRestore))?;
    audit(
        &mut tx,
        v,
        "restore_boundary",
        json!({ "area": row.area_id, "name": row.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_name_their_polygons_and_systems() {
        let (f, srid) = features(
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3003"}},
                "features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#,
            "",
        )
        .expect("a polygon");
        assert_eq!(srid, Some(3003));
        assert!(f[0].geometry.contains("MultiPolygon"));
        let e = features(r#"{"type":"Point","coordinates":[11.8,45.4]}"#, "").err();
        assert!(matches!(e, Some(Error::Invalid(v)) if v.field == Field::Boundary));
        assert!(features("not json", "").is_err());
        assert!(features(r#"{"type":"FeatureCollection","features":[]}"#, "").is_err());
        assert_eq!(
            declared_srid(
                &serde_json::json!({"crs":{"properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}})
            )
            .expect("ok"),
            Some(4326)
        );
    }

    #[test]
    fn features_of_a_collection_keep_their_names() {
        let fc = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"NOME":"Nord"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
            {"type":"Feature","properties":{"quartiere":"Sud","NOME":"x"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}]}"#;
        let (f, srid) = features(fc, "").expect("features");
        assert_eq!(srid, None);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].name.as_deref(), Some("Nord"));
        let (f, _) = features(fc, "quartiere").expect("features");
        assert_eq!(f[0].name, None);
        assert_eq!(f[1].name.as_deref(), Some("Sud"));
        assert!(f[1].geometry.contains("MultiPolygon"));
    }
}
