//! The town's streets and house numbers, imported by the administrator: the national street and house-number
//! registry's CSV export (ANNCSU) or a GeoJSON of street lines and address points (an OpenStreetMap extract).
//! Every line is read; what cannot be used is skipped and reported by line, the rest is stored in one
//! transaction, replacing the gazetteer's streets or merged into them. The accepted columns are in
//! docs/streets.md.

use std::collections::HashMap;

use serde_json::json;
use shared::admin::{LineProblem, MAX_REPORTED_PROBLEMS, StreetImportReport, StreetProblem};
use shared::permission::{Action, Target};
use shared::{Field, Rule, Viewer};

use crate::error::invalid;
use crate::users::require;
use crate::{Result, State};

/// What the import form says.
#[derive(Debug, Clone, Default)]
pub struct StreetImport {
    /// The file's text: CSV (`;` or `,` separated, a header line) or GeoJSON.
    pub text: String,
    /// For CSV coordinates that are not longitude and latitude: their EPSG code (e.g. 6707, 3003).
    pub srid: String,
    /// Replace every street of the gazetteer, else merge (same name or code: updated).
    pub replace: bool,
}

/// One street or house number read from the file.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    line: u32,
    code: Option<String>,
    street: String,
    /// A house number and where its door is (x, y in the file's system).
    number: Option<(String, f64, f64)>,
    /// A street's line (GeoJSON text), from a GeoJSON file.
    line_geometry: Option<String>,
}

/// The columns the CSV may have, by the names ANNCSU and common exports use (case and spacing aside).
const CODE: &[&str] = &[
    "codice_via",
    "progr_nazionale",
    "codice_strada",
    "id_strada",
    "codice_toponimo",
    "codice",
];
const DUG: &[&str] = &["dug"];
const NAME: &[&str] = &[
    "denominazione",
    "denominazione_ufficiale",
    "denom_ufficiale",
    "toponimo",
    "nome",
    "via",
    "name",
];
const NUMBER: &[&str] = &["civico", "numero", "numero_civico", "housenumber"];
const EXPONENT: &[&str] = &["esponente", "barrato", "lettera"];
const LNG: &[&str] = &["longitudine", "lon", "lng", "long"];
const LAT: &[&str] = &["latitudine", "lat"];
const X: &[&str] = &["coord_x", "x", "est", "coord_x_comune"];
const Y: &[&str] = &["coord_y", "y", "nord", "coord_y_comune"];

/// "VIA GIUSEPPE GARIBALDI" → "Via Giuseppe Garibaldi" (a name written in capitals only; others stay as they
/// are), with the small words of Italian names in lower case.
pub fn tidy_name(name: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().any(|c| c.is_lowercase()) {
        return name;
    }
    const SMALL: [&str; 20] = [
        "di", "del", "della", "dello", "dei", "degli", "delle", "da", "dal", "dalla", "in", "e", "a", "al",
        "alla", "ai", "alle", "sul", "sulla", "per",
    ];
    name.split(' ')
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0 && SMALL.contains(&lower.as_str()) {
                return lower;
            }
            // "D'ANNUNZIO" → "D'Annunzio", "DELL'ORTO" → "dell'Orto" (after the first word).
            let mut out = String::new();
            for (j, part) in lower.split('\'').enumerate() {
                if j > 0 {
                    out.push('\'');
                }
                let keep_small = j == 0 && i > 0 && part.len() <= 4 && lower.contains('\'');
                let mut c = part.chars();
                match c.next() {
                    Some(f) if !keep_small => {
                        out.extend(f.to_uppercase());
                        out.push_str(c.as_str());
                    }
                    _ => out.push_str(part),
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A house number as written ("10", "10/A") and as compared ("10a"); `None` when it is not one.
pub fn house_number(number: &str, exponent: &str) -> Option<(String, String)> {
    let number = number.trim();
    let exponent = exponent.trim().trim_start_matches('/');
    if number.is_empty() || !number.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let written = if exponent.is_empty() {
        number.to_uppercase()
    } else {
        format!("{number}/{}", exponent.to_uppercase())
    };
    let key: String = written
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    (written.chars().count() <= 20 && !key.is_empty()).then_some((written, key))
}

/// A coordinate written with a decimal comma or point.
fn coordinate(s: &str) -> Option<f64> {
    s.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The CSV's rows, and the lines it could not use.
fn read_csv(text: &str) -> Result<(Vec<Row>, Vec<LineProblem>, u32)> {
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() >= first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| {
            invalid(
                Field::Streets,
                Rule::MissingColumns {
                    columns: "denominazione".into(),
                },
            )
        })?
        .iter()
        .map(|h| h.trim().to_lowercase().replace([' ', '-'], "_"))
        .collect();
    let find = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (code, dug, name, number, exponent) =
        (find(CODE), find(DUG), find(NAME), find(NUMBER), find(EXPONENT));
    let (lng, lat, x, y) = (find(LNG), find(LAT), find(X), find(Y));
    let Some(name) = name else {
        return Err(invalid(
            Field::Streets,
            Rule::MissingColumns {
                columns: "DENOMINAZIONE (o NOME, VIA)".into(),
            },
        ));
    };
    let coords = match (lng, lat, x, y) {
        (Some(a), Some(b), _, _) | (_, _, Some(a), Some(b)) => Some((a, b)),
        _ => None,
    };
    if number.is_some() && coords.is_none() {
        return Err(invalid(
            Field::Streets,
            Rule::MissingColumns {
                columns: "LONGITUDINE e LATITUDINE (o COORD_X e COORD_Y)".into(),
            },
        ));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut lines = 0;
    for (i, record) in reader.records().enumerate() {
        let line = i as u32 + 2;
        lines += 1;
        let Ok(r) = record else {
            problems.push(LineProblem {
                line,
                problem: StreetProblem::Unreadable,
            });
            continue;
        };
        let get = |c: Option<usize>| c.and_then(|c| r.get(c)).unwrap_or_default().trim().to_owned();
        if r.len() < headers.len().min(name + 1) {
            problems.push(LineProblem {
                line,
                problem: StreetProblem::Unreadable,
            });
            continue;
        }
        let street = tidy_name(&format!("{} {}", get(dug), get(Some(name))));
        if get(Some(name)).is_empty() || street.chars().count() < 2 {
            problems.push(LineProblem {
                line,
                problem: StreetProblem::NoName,
            });
            continue;
        }
        let code = Some(get(code)).filter(|c| !c.is_empty() && c.chars().count() <= 40);
        let raw_number = get(number);
        let number = if number.is_none() || raw_number.is_empty() {
            None
        } else {
            let Some((written, _)) = house_number(&raw_number, &get(exponent)) else {
                problems.push(LineProblem {
                    line,
                    problem: StreetProblem::BadNumber { value: raw_number },
                });
                continue;
            };
            let (cx, cy) = coords.unwrap_or_default();
            let (vx, vy) = (get(Some(cx)), get(Some(cy)));
            match (coordinate(&vx), coordinate(&vy)) {
                (Some(a), Some(b)) => Some((written, a, b)),
                _ => {
                    problems.push(LineProblem {
                        line,
                        problem: StreetProblem::BadCoordinates {
                            value: format!("{vx} {vy}").trim().to_owned(),
                        },
                    });
                    continue;
                }
            }
        };
        rows.push(Row {
            line,
            code,
            street,
            number,
            line_geometry: None,
        });
    }
    Ok((rows, problems, lines))
}

/// A GeoJSON's street lines (named by `name`, `nome` or `NOME`) and address points (`addr:street` and
/// `addr:housenumber`, as OpenStreetMap tags them).
fn read_geojson(text: &str) -> Result<(Vec<Row>, Vec<LineProblem>, u32)> {
    let bad = |e: &dyn std::fmt::Display| {
        invalid(
            Field::Streets,
            Rule::InvalidGeometry {
                reason: format!("JSON: {e}"),
            },
        )
    };
    let parsed: geojson::GeoJson = text.parse().map_err(|e| bad(&e))?;
    let features = match parsed {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(_) => Vec::new(),
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let lines = features.len() as u32;
    for (i, f) in features.into_iter().enumerate() {
        let line = i as u32 + 1;
        let prop = |k: &str| {
            f.properties
                .as_ref()
                .and_then(|p| p.get(k))
                .and_then(|v| v.as_str())
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let Some(geometry) = f.geometry.clone() else {
            problems.push(LineProblem {
                line,
                problem: StreetProblem::NotStreet,
            });
            continue;
        };
        match &geometry.value {
            geojson::GeometryValue::LineString { .. } | geojson::GeometryValue::MultiLineString { .. } => {
                let Some(name) = prop("name").or_else(|| prop("nome")).or_else(|| prop("NOME")) else {
                    problems.push(LineProblem {
                        line,
                        problem: StreetProblem::NoName,
                    });
                    continue;
                };
                rows.push(Row {
                    line,
                    code: None,
                    street: tidy_name(&name),
                    number: None,
                    line_geometry: Some(geometry.to_string()),
                });
            }
            geojson::GeometryValue::Point { coordinates } => {
                let (Some(street), Some(n)) = (prop("addr:street"), prop("addr:housenumber")) else {
                    problems.push(LineProblem {
                        line,
                        problem: StreetProblem::NotStreet,
                    });
                    continue;
                };
                let Some((written, _)) = house_number(&n, "") else {
                    problems.push(LineProblem {
                        line,
                        problem: StreetProblem::BadNumber { value: n },
                    });
                    continue;
                };
                rows.push(Row {
                    line,
                    code: None,
                    street: tidy_name(&street),
                    number: Some((written, coordinates[0], coordinates[1])),
                    line_geometry: None,
                });
            }
            _ => problems.push(LineProblem {
                line,
                problem: StreetProblem::NotStreet,
            }),
        }
    }
    Ok((rows, problems, lines))
}

/// Imports the file: streets (with their code, line or the points of their numbers as geometry) and house
/// numbers; points outside the municipality's boundary are skipped. One transaction: all of it or nothing.
pub async fn import(
    state: &State,
    viewer: Option<&Viewer>,
    upload: &StreetImport,
) -> Result<StreetImportReport> {
    let v = require(viewer, Action::ManageAreas, Target::Municipality)?;
    let text = upload.text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(invalid(Field::Streets, Rule::Required));
    }
    let geojson = text.starts_with('{');
    let (rows, mut problems, lines) = if geojson {
        read_geojson(text)?
    } else {
        read_csv(text)?
    };
    let srid = if geojson || upload.srid.trim().is_empty() {
        4326
    } else {
        crate::admin::number(Field::Srid, &upload.srid, 1, 999_999)?
    };
    let mut tx = state.pool.begin().await?;
    let known = sqlx::query_scalar!(
        r#"select exists(select 1 from spatial_ref_sys where srid = $1) as "x!""#,
        srid
    )
    .fetch_one(&mut *tx)
    .await?;
    if !known {
        return Err(invalid(Field::Srid, Rule::UnknownSrid { code: srid }));
    }

    // The numbers: reprojected, and those outside the boundary (when one is loaded) reported.
    let numbered: Vec<&Row> = rows.iter().filter(|r| r.number.is_some()).collect();
    let n_lines: Vec<i32> = numbered.iter().map(|r| r.line as i32).collect();
    let xs: Vec<f64> = numbered
        .iter()
        .map(|r| r.number.as_ref().map_or(0.0, |n| n.1))
        .collect();
    let ys: Vec<f64> = numbered
        .iter()
        .map(|r| r.number.as_ref().map_or(0.0, |n| n.2))
        .collect();
    let placed = sqlx::query!(
        r#"
        with p as (
            select l, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), $4), 4326) as g
            from unnest($1::int[], $2::float8[], $3::float8[]) as t(l, x, y)
        ), m as (select boundary from area where kind = 'municipality' order by area_id limit 1)
        select p.l as "line!", ST_X(p.g) as "lng!", ST_Y(p.g) as "lat!",
               (not exists (select 1 from m) or exists (select 1 from m where ST_DWithin(m.boundary, p.g, 0.0005)))
                   and ST_X(p.g) between -180 and 180 and ST_Y(p.g) between -90 and 90 as "inside!"
        from p
        "#,
        &n_lines,
        &xs,
        &ys,
        srid
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| match &e {
        // A coordinate PostGIS cannot reproject (far off the system's area).
        sqlx::Error::Database(_) => invalid(Field::Srid, Rule::OutsideItaly),
        _ => e.into(),
    })?;
    let placed: HashMap<u32, (f64, f64, bool)> = placed
        .into_iter()
        .map(|p| (p.line as u32, (p.lng, p.lat, p.inside)))
        .collect();

    if upload.replace {
        sqlx::query!("delete from place where kind = 'street'")
            .execute(&mut *tx)
            .await?;
    }
    // Streets: one per name, case and spacing aside (the first code given wins).
    let mut streets: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in &rows {
        let key = shared::validation::name_key(&r.street);
        match index.get(&key) {
            Some(&i) => {
                let s = &mut streets[i];
                if s.1.is_none() {
                    s.1.clone_from(&r.code);
                }
                if s.2.is_none() {
                    s.2.clone_from(&r.line_geometry);
                }
            }
            None => {
                index.insert(key, streets.len());
                streets.push((r.street.clone(), r.code.clone(), r.line_geometry.clone()));
            }
        }
    }
    // Numbers inside the boundary, per street.
    let mut numbers: Vec<(String, String, String, f64, f64)> = Vec::new();
    for r in &numbered {
        let Some((written, _, _)) = &r.number else {
            continue;
        };
        match placed.get(&r.line) {
            Some((lng, lat, true)) => {
                let key = house_number(written, "").map(|(_, k)| k).unwrap_or_default();
                numbers.push((r.street.clone(), written.clone(), key, *lng, *lat));
            }
            _ => problems.push(LineProblem {
                line: r.line,
                problem: StreetProblem::Outside,
            }),
        }
    }
    let s_names: Vec<String> = streets.iter().map(|s| s.0.clone()).collect();
    let s_codes: Vec<Option<String>> = streets.iter().map(|s| s.1.clone()).collect();
    let s_lines: Vec<Option<String>> = streets.iter().map(|s| s.2.clone()).collect();
    let h_streets: Vec<String> = numbers.iter().map(|n| n.0.clone()).collect();
    let h_numbers: Vec<String> = numbers.iter().map(|n| n.1.clone()).collect();
    let h_keys: Vec<String> = numbers.iter().map(|n| n.2.clone()).collect();
    let h_lngs: Vec<f64> = numbers.iter().map(|n| n.3).collect();
    let h_lats: Vec<f64> = numbers.iter().map(|n| n.4).collect();
    // A street's geometry: its line when the file has one, else the points of its numbers (kept as they were
    // when merging into a street that has a line).
    let upserted = sqlx::query!(
        r#"
        with s as (
            select n, c, l from unnest($1::text[], $2::text[], $3::text[]) as t(n, c, l)
        ), h as (
            -- The points of each street's numbers, collected once per street (a join, not a scan per street).
            select name_key(st) as k, ST_Collect(ST_SetSRID(ST_MakePoint(x, y), 4326)) as g
            from unnest($4::text[], $5::float8[], $6::float8[]) as t(st, x, y)
            group by 1
        ), existing as (
            select distinct on (name_key(name)) name_key(name) as k, name from place
            where kind = 'street' order by name_key(name), place_id
        ), g as (
            -- A street already in the gazetteer under another case or spacing keeps its name.
            select coalesce(e.name, s.n) as n, s.c,
                   coalesce(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(s.l), 4326)), h.g) as geom
            from s left join h on h.k = name_key(s.n) left join existing e on e.k = name_key(s.n)
        ), ins as (
            insert into place (kind, name, code, geom)
            select 'street', g.n, g.c, g.geom from g where g.geom is not null
            on conflict (kind, name) do update
                set code = coalesce(excluded.code, place.code),
                    geom = case when ST_Dimension(place.geom) = 1 and ST_Dimension(excluded.geom) = 0
                                then place.geom else excluded.geom end
            returning (xmax = 0) as added
        )
        select count(*) filter (where added) as "added!", count(*) filter (where not added) as "updated!" from ins
        "#,
        &s_names,
        &s_codes as &[Option<String>],
        &s_lines as &[Option<String>],
        &h_streets,
        &h_lngs,
        &h_lats
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("23505") => {
            invalid(Field::Streets, Rule::Taken)
        }
        _ => e.into(),
    })?;
    let stored = sqlx::query_scalar!(
        r#"
        with h as (
            select st, num, k, ST_SetSRID(ST_MakePoint(x, y), 4326) as g
            from unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[]) as t(st, num, k, x, y)
        ), ins as (
            insert into house_number (place_id, number, number_key, location)
            select distinct on (p.place_id, h.k) p.place_id, h.num, h.k, h.g
            from h join place p on p.kind = 'street' and name_key(p.name) = name_key(h.st)
            on conflict (place_id, number_key) do update set number = excluded.number, location = excluded.location
            returning 1
        )
        select count(*) as "n!" from ins
        "#,
        &h_streets,
        &h_numbers,
        &h_keys,
        &h_lngs,
        &h_lats
    )
    .fetch_one(&mut *tx)
    .await?;
    let totals = sqlx::query!(
        r#"select (select count(*) from place where kind = 'street') as "streets!",
                  (select count(*) from house_number) as "numbers!""#
    )
    .fetch_one(&mut *tx)
    .await?;
    let skipped = problems.len() as u32;
    problems.sort_by_key(|p| p.line);
    problems.truncate(MAX_REPORTED_PROBLEMS);
    let report = StreetImportReport {
        lines,
        streets_added: upserted.added as u32,
        streets_updated: upserted.updated as u32,
        numbers: stored as u32,
        skipped,
        problems,
        total_streets: totals.streets,
        total_numbers: totals.numbers,
    };
    crate::audit::record(
        &mut tx,
        v,
        "import_streets",
        None,
        &json!({
            "replace": upload.replace, "lines": lines, "streets_added": report.streets_added,
            "streets_updated": report.streets_updated, "numbers": report.numbers, "skipped": skipped,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_capitals_are_tidied_and_numbers_compared_as_people_type_them() {
        assert_eq!(tidy_name("VIA  GIUSEPPE GARIBALDI"), "Via Giuseppe Garibaldi");
        assert_eq!(tidy_name("PIAZZA DEI SIGNORI"), "Piazza dei Signori");
        assert_eq!(tidy_name("VIA GABRIELE D'ANNUNZIO"), "Via Gabriele d'Annunzio");
        assert_eq!(tidy_name("Via dell'Orto"), "Via dell'Orto");
        assert_eq!(house_number("10", "a"), Some(("10/A".into(), "10a".into())));
        assert_eq!(house_number(" 12 ", ""), Some(("12".into(), "12".into())));
        assert_eq!(house_number("12bis", ""), Some(("12BIS".into(), "12bis".into())));
        assert_eq!(house_number("snc", ""), None);
        assert_eq!(house_number("", ""), None);
    }

    #[test]
    fn an_anncsu_csv_is_read_line_by_line() {
        let csv = "CODICE_VIA;DUG;DENOMINAZIONE;CIVICO;ESPONENTE;LONGITUDINE;LATITUDINE\n\
                   101;VIA;ARRIGONI;10;;11,87;45,40\n\
                   101;VIA;ARRIGONI;12;B;11.871;45.401\n\
                   102;PIAZZA;;1;;11.8;45.4\n\
                   103;VIA;ROMA;snc;;11.8;45.4\n\
                   104;VIA;VENEZIA;3;;;\n";
        let (rows, problems, lines) = read_csv(csv).expect("csv");
        assert_eq!(lines, 5);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].street, "Via Arrigoni");
        assert_eq!(rows[0].code.as_deref(), Some("101"));
        assert_eq!(rows[1].number, Some(("12/B".into(), 11.871, 45.401)));
        let lines: Vec<(u32, &StreetProblem)> = problems.iter().map(|p| (p.line, &p.problem)).collect();
        assert_eq!(lines[0].0, 4);
        assert!(matches!(lines[1], (5, StreetProblem::BadNumber { .. })));
        assert!(matches!(lines[2], (6, StreetProblem::BadCoordinates { .. })));
        assert!(read_csv("A;B\n1;2\n").is_err(), "no name column");
    }
}
