//! Places: the street gazetteer (kept in PostGIS, trigram-ranked), an optional Nominatim-compatible geocoder in
//! front of it, and what a point is — inside the municipality or not, its nearest street, its district, and the
//! categories a report can be filed under there (with the office that answers for each).

use serde::Deserialize;
use shared::report::submission::{CategoryChoice, PlaceHit, PointInfo};
use shared::{AreaId, CategoryId, Field, LatLng, OfficeId, Rule, ValidationError};
use sqlx::PgConnection;

use crate::settings::GeocoderSettings;
use crate::{Error, Result, State};

/// At most this many answers to a search.
pub const MAX_HITS: i64 = 8;
/// The nearest street is named only if it is closer than this.
const STREET_WITHIN_M: f64 = 300.0;

/// Streets and places whose name looks like `q`, best first: the geocoder when configured (and answering in
/// time), else the local gazetteer.
#[tracing::instrument(skip(state))]
pub async fn search(state: &State, q: &str) -> Result<Vec<PlaceHit>> {
    let q = &shared::validation::search_text(q.trim());
    if q.chars().count() < 2 {
        return Ok(Vec::new());
    }
    if q.chars().count() > 200 {
        return Err(ValidationError::new(Field::Address, Rule::TooLong { max: 200 }).into());
    }
    if let Some(geocoder) = &state.settings.reports.geocoder {
        match geocode(state, geocoder, q).await {
            Ok(hits) if !hits.is_empty() => return Ok(hits),
            Ok(_) => tracing::debug!("geocoder found nothing; asking the gazetteer"),
            Err(e) => tracing::warn!(error = %e, "geocoder unavailable; asking the gazetteer"),
        }
    }
    let mut conn = state.pool.acquire().await?;
    search_local(&mut conn, q, MAX_HITS).await
}

/// The gazetteer: trigram similarity of the lower-cased name, plus names that contain what was typed. A house
/// number typed after the street ("via Arrigoni 10", "arrigoni 10/a") puts that door first, where the imported
/// house numbers place it.
pub async fn search_local(conn: &mut PgConnection, q: &str, limit: i64) -> Result<Vec<PlaceHit>> {
    let (street, number) = split_number(q);
    let mut hits = Vec::new();
    if let Some(key) = number {
        let rows = sqlx::query!(
            r#"
            select p.name || ' ' || h.number as "name!", ST_Y(h.location) as "lat!", ST_X(h.location) as "lng!"
            from place p join house_number h using (place_id)
            where (lower(p.name) % $1 or lower(p.name) like '%' || $1 || '%') and h.number_key = $2
            order by similarity(lower(p.name), $1) desc, p.name
            limit $3
            "#,
            street,
            key,
            limit
        )
        .fetch_all(&mut *conn)
        .await?;
        hits.extend(rows.into_iter().map(|r| PlaceHit {
            name: r.name,
            lat: r.lat,
            lng: r.lng,
        }));
    }
    let rows = sqlx::query!(
        r#"
        select name, ST_Y(ST_PointOnSurface(geom)) as "lat!", ST_X(ST_PointOnSurface(geom)) as "lng!"
        from place
        where lower(name) % $1 or lower(name) like '%' || $1 || '%'
        order by similarity(lower(name), $1) desc, name
        limit $2
        "#,
        street,
        limit - hits.len() as i64
    )
    .fetch_all(&mut *conn)
    .await?;
    hits.extend(rows.into_iter().map(|r| PlaceHit {
        name: r.name,
        lat: r.lat,
        lng: r.lng,
    }));
    Ok(hits)
}

/// "via Arrigoni 10/a" → ("via arrigoni", Some("10a")): the street as the gazetteer compares it, and the house
/// number typed at its end (a number, and perhaps a letter: "12 b"), as house numbers are compared
/// (`streets::house_number`). Numbers inside a name ("via 4 Novembre") stay in it.
fn split_number(q: &str) -> (String, Option<String>) {
    let words: Vec<&str> = q.split_whitespace().collect();
    let starts_with_digit = |w: &&str| w.chars().next().is_some_and(|c| c.is_ascii_digit());
    if let Some(i) = words.iter().rposition(starts_with_digit) {
        let tail = &words[i + 1..];
        let letter = |t: &&str| t.chars().count() <= 3 && t.chars().all(char::is_alphabetic);
        if i > 0 && tail.len() <= 1 && tail.iter().all(letter) {
            let street = words[..i].join(" ").trim_end_matches(',').to_lowercase();
            let key = crate::streets::house_number(&words[i..].join(""), "").map(|(_, k)| k);
            return (street, key);
        }
    }
    // No house number at the end: numbers before the name ("12 via Roma") are not part of it.
    let street = match words.iter().position(|w| !starts_with_digit(w)) {
        Some(first) => words[first..].join(" "),
        None => words.join(" "),
    };
    (street.to_lowercase(), None)
}

#[derive(Deserialize)]
struct NominatimHit {
    lat: String,
    lon: String,
    display_name: String,
}

/// Asks the geocoder, within the municipality's extent, in Italian.
async fn geocode(state: &State, g: &GeocoderSettings, q: &str) -> anyhow::Result<Vec<PlaceHit>> {
    let bbox = crate::areas::municipality_bbox(state).await?;
    let mut req = state
        .http
        .get(format!("{}/search", g.url.trim_end_matches('/')))
        .timeout(g.timeout)
        .query(&[
            ("q", q),
            ("format", "jsonv2"),
            ("limit", "8"),
            ("accept-language", "it"),
        ]);
    if let Some(b) = bbox {
        let viewbox = format!("{},{},{},{}", b.west(), b.north(), b.east(), b.south());
        req = req.query(&[("viewbox", viewbox.as_str()), ("bounded", "1")]);
    }
    let hits: Vec<NominatimHit> = req.send().await?.error_for_status()?.json().await?;
    Ok(hits
        .into_iter()
        .filter_map(|h| {
            let (lat, lng) = (h.lat.parse::<f64>().ok()?, h.lon.parse::<f64>().ok()?);
            let p = LatLng::new(lat, lng).ok()?;
            bbox.is_none_or(|b| b.contains(p)).then_some(PlaceHit {
                name: h.display_name,
                lat,
                lng,
            })
        })
        .collect())
}

/// The name of the street nearest to `p`, if one is close enough (KNN on the gazetteer's GiST index).
pub async fn nearest_street(conn: &mut PgConnection, p: LatLng) -> Result<Option<String>> {
    let row = sqlx::query!(
        r#"
        select name, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) as "m!"
        from place
        where kind = 'street'
        order by geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)
        limit 1
        "#,
        p.lng(),
        p.lat()
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.filter(|r| r.m <= STREET_WITHIN_M).map(|r| r.name))
}

/// Where a point is: inside the municipality (`false` also when no municipality is loaded), and its district.
pub async fn locate(conn: &mut PgConnection, p: LatLng) -> Result<(bool, Option<(AreaId, String)>)> {
    let row = sqlx::query!(
        r#"
        select
          exists(select 1 from area where kind = 'municipality'
                 and ST_Intersects(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326))) as "inside!",
          d.area_id as "district_id?", d.name as "district?"
        from (select 1) as one
        left join lateral (
          select area_id, name from area where kind = 'district' and disabled_at is null
            and ST_Intersects(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326))
          order by area_id limit 1
        ) d on true
        "#,
        p.lng(),
        p.lat()
    )
    .fetch_one(&mut *conn)
    .await?;
    let district = match (row.district_id, row.district) {
        (Some(id), Some(name)) => Some((AreaId(id), name)),
        _ => None,
    };
    Ok((row.inside, district))
}

/// A category as routing sees it at one place.
#[derive(Debug, Clone)]
pub struct Route {
    pub category: CategoryId,
    pub category_name: String,
    pub enabled: bool,
    /// False when the district's rule says the category is not offered there.
    pub offered: bool,
    /// The category's office, or the district rule's.
    pub office: OfficeId,
    pub office_name: String,
    pub sla_days: i32,
}

/// Categories as routing sees them in `district`: all of them, or only `category`; only those offered when
/// `offered_only`. Category first, then the district's rule (`category_area_rule`).
async fn routes(
    conn: &mut PgConnection,
    district: Option<AreaId>,
    category: Option<CategoryId>,
    offered_only: bool,
) -> Result<Vec<Route>> {
    let rows = sqlx::query!(
        r#"
        select c.category_id, c.name as category_name, c.enabled, coalesce(r.offered, true) as "offered!",
               o.office_id, o.name as office_name, c.sla_days
        from category c
        left join category_area_rule r on r.category_id = c.category_id and r.area_id = $1 and r.disabled_at is null
        join office o on o.office_id = coalesce(r.office_id, c.office_id)
        where ($2::int is null or c.category_id = $2)
          and (not $3 or (c.enabled and coalesce(r.offered, true)))
        order by c.name
        "#,
        district.map(|d| d.0),
        category.map(|c| c.0),
        offered_only
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Route {
            category: CategoryId(r.category_id),
            category_name: r.category_name,
            enabled: r.enabled,
            offered: r.offered,
            office: OfficeId(r.office_id),
            office_name: r.office_name,
            sla_days: r.sla_days,
        })
        .collect())
}

/// How `category` is routed in `district`. `None` for an unknown category.
pub async fn route(
    conn: &mut PgConnection,
    category: CategoryId,
    district: Option<AreaId>,
) -> Result<Option<Route>> {
    Ok(routes(conn, district, Some(category), false)
        .await?
        .into_iter()
        .next())
}

/// The categories offered in `district` (every enabled one where no rule says otherwise), by name.
pub async fn offered(conn: &mut PgConnection, district: Option<AreaId>) -> Result<Vec<CategoryChoice>> {
    Ok(routes(conn, district, None, true)
        .await?
        .into_iter()
        .map(|r| CategoryChoice {
            id: r.category,
            name: r.category_name,
            office: r.office_name,
            sla_days: r.sla_days,
        })
        .collect())
}

/// Everything the reporting page shows about a point.
#[tracing::instrument(skip(state))]
pub async fn point_info(state: &State, p: LatLng) -> Result<PointInfo> {
    let mut conn = state.pool.acquire().await?;
    let (inside, district) = locate(&mut conn, p).await?;
    let (street, categories) = if inside {
        (
            nearest_street(&mut conn, p).await?,
            offered(&mut conn, district.as_ref().map(|d| d.0)).await?,
        )
    } else {
        (None, Vec::new())
    };
    Ok(PointInfo {
        lat: p.lat(),
        lng: p.lng(),
        inside,
        street,
        district: district.map(|d| d.1),
        categories,
    })
}

/// A district's representative point (inside it), for reports placed by district.
pub async fn district_point(conn: &mut PgConnection, district: AreaId) -> Result<LatLng> {
    let row = sqlx::query!(
        r#"
        select ST_Y(ST_PointOnSurface(boundary)) as "lat!", ST_X(ST_PointOnSurface(boundary)) as "lng!"
        from area where area_id = $1 and kind = 'district' and disabled_at is null
        "#,
        district.0
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::Invalid(ValidationError::new(
        Field::District,
        Rule::UnknownValue,
    )))?;
    Ok(LatLng::new(row.lat, row.lng)?)
}

/// The districts, for the "no address" choice: (id, name).
pub async fn districts(state: &State) -> Result<Vec<(AreaId, String)>> {
    let rows = sqlx::query!(
        "select area_id, name from area where kind = 'district' and disabled_at is null order by name"
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows.into_iter().map(|r| (AreaId(r.area_id), r.name)).collect())
}

/// Every enabled category, for the form before a place is chosen (the server checks the place's rules on
/// submission).
pub async fn all_categories(state: &State) -> Result<Vec<CategoryChoice>> {
    let mut conn = state.pool.acquire().await?;
    offered(&mut conn, None).await
}

#[cfg(test)]
mod tests {
    use super::split_number;

    #[test]
    fn the_house_number_is_read_at_the_end() {
        assert_eq!(
            split_number("via Arrigoni 10"),
            ("via arrigoni".into(), Some("10".into()))
        );
        assert_eq!(
            split_number("Via Roma, 12/b"),
            ("via roma".into(), Some("12b".into()))
        );
        assert_eq!(
            split_number("via Roma 12 b"),
            ("via roma".into(), Some("12b".into()))
        );
        assert_eq!(split_number("via Roma"), ("via roma".into(), None));
        assert_eq!(
            split_number("via 4 Novembre 10"),
            ("via 4 novembre".into(), Some("10".into()))
        );
        assert_eq!(split_number("via 4 Novembre"), ("via 4 novembre".into(), None));
        assert_eq!(split_number("12 via Roma"), ("via roma".into(), None));
    }
}
