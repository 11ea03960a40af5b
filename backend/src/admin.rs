//! Administration: offices, categories and their answer templates, contractors, the municipal boundary and the
//! districts, routing rules (category × district → office) and staff. Administrators only; every change is in
//! the audit log. Nothing is cached: a change applies to the next request on every instance, without a restart.

use serde_json::json;
use shared::admin::{
    AdminOverview, AreaRow, CategoryRow, ContractorRow, OfficeRow, Retirable, Retire, RuleRow, StaffRow,
    TemplateRow,
};
use shared::permission::{Action, Target};
use shared::report::work::check_template;
use shared::user::Email;
use shared::{AreaId, CategoryId, ContractorId, Field, Locale, OfficeId, Role, Rule, UserId, Viewer};
use sqlx::PgConnection;

use crate::error::invalid;
use crate::users::require;
use crate::{Error, Result, State};

/// A unique-constraint violation is a name already in use; anything else stays what it was.
fn taken(e: sqlx::Error) -> Error {
    match &e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("23505") => invalid(Field::Name, Rule::Taken),
        _ => e.into(),
    }
}

fn name(s: &str) -> Result<String> {
    Ok(shared::validation::text(Field::Name, s, 2, 120)?)
}

fn optional_email(s: &str) -> Result<Option<String>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Ok(Some(Email::parse(s)?.as_str().to_owned()))
}

/// A whole number in `min..=max`, named by `field`.
pub fn number(field: Field, s: &str, min: i32, max: i32) -> Result<i32> {
    let n = s
        .trim()
        .parse::<i32>()
        .map_err(|_| invalid(field, Rule::NotANumber))?;
    if !(min..=max).contains(&n) {
        return Err(invalid(
            field,
            Rule::OutOfRange {
                min: f64::from(min),
                max: f64::from(max),
            },
        ));
    }
    Ok(n)
}

/// Starts an administrator's change: checks the role, opens the transaction.
async fn begin<'v>(
    state: &State,
    viewer: Option<&'v Viewer>,
    action: Action,
) -> Result<(&'v Viewer, sqlx::Transaction<'static, sqlx::Postgres>)> {
    let v = require(viewer, action, Target::Municipality)?;
    Ok((v, state.pool.begin().await?))
}

/// Everything the administration page shows.
pub async fn overview(state: &State, viewer: Option<&Viewer>) -> Result<AdminOverview> {
    require(viewer, Action::ManageOffices, Target::Municipality)?;
    let mut conn = state.pool.acquire().await?;
    let offices = sqlx::query!(
        r#"
        select o.office_id, o.name, o.email, o.disabled_at is not null as "disabled!",
               (select count(*) from report r where r.office_id = o.office_id
                and report_state_is_open(r.state)) as "open!"
        from office o order by o.disabled_at is not null, o.name
        "#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|o| OfficeRow {
        id: OfficeId(o.office_id),
        name: o.name,
        email: o.email,
        open: o.open,
        disabled: o.disabled,
    })
    .collect();
    let categories = sqlx::query!(
        r#"
        select c.category_id, c.name, c.office_id, o.name as office_name, c.sla_days, c.duplicate_radius_m, c.enabled
        from category c join office o using (office_id) order by c.name
        "#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|c| CategoryRow {
        id: CategoryId(c.category_id),
        name: c.name,
        office: OfficeId(c.office_id),
        office_name: c.office_name,
        sla_days: c.sla_days,
        duplicate_radius_m: c.duplicate_radius_m,
        enabled: c.enabled,
    })
    .collect();
    let templates = sqlx::query!(
        r#"
        select t.answer_template_id, t.category_id, c.name as "category_name?", t.name, t.body,
               t.disabled_at is not null as "disabled!"
        from answer_template t left join category c using (category_id) order by c.name nulls first, t.name
        "#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|t| TemplateRow {
        id: t.answer_template_id,
        category: t.category_id.map(CategoryId),
        category_name: t.category_name,
        name: t.name,
        body: t.body,
        disabled: t.disabled,
    })
    .collect();
    let contractors = sqlx::query!(
        r#"select contractor_id, name, email, disabled_at is not null as "disabled!" from contractor
           order by disabled_at is not null, name"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|c| ContractorRow {
        id: ContractorId(c.contractor_id),
        name: c.name,
        email: c.email,
        disabled: c.disabled,
    })
    .collect();
    let areas = sqlx::query!(
        r#"
        select area_id, kind = 'municipality' as "municipality!", name,
               ST_Area(boundary::geography) / 1e6 as "km2!", disabled_at is not null as "disabled!"
        from area order by kind, disabled_at is not null, name
        "#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|a| AreaRow {
        id: AreaId(a.area_id),
        municipality: a.municipality,
        name: a.name,
        km2: a.km2,
        disabled: a.disabled,
    })
    .collect();
    let rules = sqlx::query!(
        r#"
        select r.category_id, c.name as category_name, r.area_id, a.name as area_name, r.office_id,
               o.name as "office_name?", r.offered
        from category_area_rule r join category c using (category_id) join area a using (area_id)
        left join office o on o.office_id = r.office_id
        order by c.name, a.name
        "#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| RuleRow {
        category: CategoryId(r.category_id),
        category_name: r.category_name,
        area: AreaId(r.area_id),
        area_name: r.area_name,
        office: r.office_id.map(OfficeId),
        office_name: r.office_name,
        offered: r.offered,
    })
    .collect();
    let staff = sqlx::query!(
        r#"
        select u.user_id, u.display_name, u.email, u.role as "role: Role", u.contractor_id,
               u.disabled_at is not null as "disabled!",
               coalesce(array_agg(uo.office_id order by uo.office_id) filter (where uo.office_id is not null), '{}') as "offices!"
        from app_user u left join user_office uo using (user_id)
        where u.role <> 'citizen'
        group by u.user_id order by u.display_name
        "#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|u| StaffRow {
        id: UserId(u.user_id),
        name: u.display_name,
        email: u.email,
        role: u.role,
        offices: u.offices.into_iter().map(OfficeId).collect(),
        contractor: u.contractor_id.map(ContractorId),
        disabled: u.disabled,
    })
    .collect();
    Ok(AdminOverview {
        offices,
        categories,
        templates,
        contractors,
        areas,
        rules,
        staff,
    })
}

async fn audit(conn: &mut PgConnection, v: &Viewer, action: &str, detail: serde_json::Value) -> Result<()> {
    crate::audit::record(conn, v, action, None, &detail).await
}

/// Creates (`id` none) or changes an office.
pub async fn save_office(
    state: &State,
    viewer: Option<&Viewer>,
    id: Option<OfficeId>,
    office_name: &str,
    email: &str,
) -> Result<OfficeId> {
    let (v, mut tx) = begin(state, viewer, Action::ManageOffices).await?;
    let n = name(office_name)?;
    let email = optional_email(email)?;
    let id = match id {
        None => sqlx::query_scalar!(
            "insert into office (name, email) values ($1, $2) returning office_id",
            n,
            email
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(taken)?,
        Some(o) => sqlx::query_scalar!(
            "update office set name = $2, email = $3, updated_at = now() where office_id = $1 returning office_id",
            o.0,
            n,
            email
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(taken)?
        .ok_or(Error::NotFound)?,
    };
    audit(
        &mut tx,
        v,
        "save_office",
        json!({ "office": id, "name": n, "email": email }),
    )
    .await?;
    tx.commit().await?;
    Ok(OfficeId(id))
}

/// What a category form says.
#[derive(Debug, Clone, Default)]
pub struct CategoryForm {
    pub name: String,
    pub office: String,
    pub sla_days: String,
    pub duplicate_radius_m: String,
    pub enabled: bool,
}

/// Creates (`id` none) or changes a category. A new office applies to reports filed from now on.
pub async fn save_category(
    state: &State,
    viewer: Option<&Viewer>,
    id: Option<CategoryId>,
    form: &CategoryForm,
) -> Result<CategoryId> {
    let (v, mut tx) = begin(state, viewer, Action::ManageCategories).await?;
    let n = name(&form.name)?;
    let office = number(Field::Office, &form.office, 1, i32::MAX)?;
    let sla = number(Field::SlaDays, &form.sla_days, 1, 365)?;
    let radius = number(Field::DuplicateRadius, &form.duplicate_radius_m, 0, 5000)?;
    let exists = sqlx::query_scalar!(
        r#"select exists(select 1 from office where office_id = $1) as "x!""#,
        office
    )
    .fetch_one(&mut *tx)
    .await?;
    if !exists {
        return Err(invalid(Field::Office, Rule::UnknownValue));
    }
    let id = match id {
        None => sqlx::query_scalar!(
            r#"
            insert into category (name, office_id, sla_days, duplicate_radius_m, enabled)
            values ($1, $2, $3, $4, $5) returning category_id
            "#,
            n,
            office,
            sla,
            radius,
            form.enabled
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(taken)?,
        Some(c) => sqlx::query_scalar!(
            r#"
            update category set name = $2, office_id = $3, sla_days = $4, duplicate_radius_m = $5, enabled = $6,
                   updated_at = now()
            where category_id = $1 returning category_id
            "#,
            c.0,
            n,
            office,
            sla,
            radius,
            form.enabled
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(taken)?
        .ok_or(Error::NotFound)?,
    };
    audit(
        &mut tx,
        v,
        "save_category",
        json!({ "category": id, "name": n, "office": office, "sla_days": sla, "radius": radius, "enabled": form.enabled }),
    )
    .await?;
    tx.commit().await?;
    Ok(CategoryId(id))
}

/// Adds an answer template (for one category, or all); its placeholders are checked.
pub async fn save_template(
    state: &State,
    viewer: Option<&Viewer>,
    category: Option<CategoryId>,
    template_name: &str,
    body: &str,
) -> Result<i32> {
    let (v, mut tx) = begin(state, viewer, Action::ManageCategories).await?;
    let n = name(template_name)?;
    let body = shared::validation::text(Field::Template, body, 1, 5000)?;
    let body = body.as_str();
    check_template(body)?;
    let id = sqlx::query_scalar!(
        "insert into answer_template (category_id, name, body) values ($1, $2, $3) returning answer_template_id",
        category.map(|c| c.0),
        n,
        body
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("23503") => {
            invalid(Field::Category, Rule::UnknownValue)
        }
        _ => taken(e),
    })?;
    audit(
        &mut tx,
        v,
        "save_template",
        json!({ "template": id, "category": category, "name": n }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Disables, enables again or deletes an office, a category, an answer template, a contractor or a district.
/// Disabled, it is hidden from every choice (citizens' districts, assignment, answering, new categories) and kept
/// for history and statistics; deleted only when nothing refers to it (reports, categories, staff, rules),
/// otherwise refused with [`Rule::InUse`]. Audit-logged as `disable_office`, `delete_district`, …
pub async fn retire(
    state: &State,
    viewer: Option<&Viewer>,
    kind: Retirable,
    id: i32,
    action: Retire,
) -> Result<()> {
    let permission = match kind {
        Retirable::Office | Retirable::District => Action::ManageOffices,
        Retirable::Category | Retirable::Template => Action::ManageCategories,
        Retirable::Contractor => Action::ManageStaff,
    };
    let (v, mut tx) = begin(state, viewer, permission).await?;
    let disabled = action == Retire::Disable;
    let name: Option<String> = match (kind, action) {
        (Retirable::Office, Retire::Delete) => {
            sqlx::query_scalar!("delete from office where office_id = $1 returning name", id)
                .fetch_optional(&mut *tx)
                .await
        }
        (Retirable::Office, _) => sqlx::query_scalar!(
            "update office set disabled_at = case when $2 then coalesce(disabled_at, now()) end, updated_at = now()
             where office_id = $1 returning name",
            id,
            disabled
        )
        .fetch_optional(&mut *tx)
        .await,
        (Retirable::Category, Retire::Delete) => {
            sqlx::query_scalar!("delete from category where category_id = $1 returning name", id)
                .fetch_optional(&mut *tx)
                .await
        }
        (Retirable::Category, _) => sqlx::query_scalar!(
            "update category set enabled = not $2, updated_at = now() where category_id = $1 returning name",
            id,
            disabled
        )
        .fetch_optional(&mut *tx)
        .await,
        (Retirable::Template, Retire::Delete) => sqlx::query_scalar!(
            "delete from answer_template where answer_template_id = $1 returning name",
            id
        )
        .fetch_optional(&mut *tx)
        .await,
        (Retirable::Template, _) => sqlx::query_scalar!(
            "update answer_template set disabled_at = case when $2 then coalesce(disabled_at, now()) end
             where answer_template_id = $1 returning name",
            id,
            disabled
        )
        .fetch_optional(&mut *tx)
        .await,
        (Retirable::Contractor, Retire::Delete) => sqlx::query_scalar!(
            "delete from contractor where contractor_id = $1 returning name",
            id
        )
        .fetch_optional(&mut *tx)
        .await,
        (Retirable::Contractor, _) => sqlx::query_scalar!(
            "update contractor set disabled_at = case when $2 then coalesce(disabled_at, now()) end,
                    updated_at = now()
             where contractor_id = $1 returning name",
            id,
            disabled
        )
        .fetch_optional(&mut *tx)
        .await,
        // Districts only: the municipality's boundary is replaced, never removed.
        (Retirable::District, Retire::Delete) => sqlx::query_scalar!(
            "delete from area where area_id = $1 and kind = 'district' returning name",
            id
        )
        .fetch_optional(&mut *tx)
        .await,
        (Retirable::District, _) => sqlx::query_scalar!(
            "update area set disabled_at = case when $2 then coalesce(disabled_at, now()) end
             where area_id = $1 and kind = 'district' returning name",
            id,
            disabled
        )
        .fetch_optional(&mut *tx)
        .await,
    }
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("23503") => invalid(Field::Name, Rule::InUse),
        _ => e.into(),
    })?;
    let name = name.ok_or(Error::NotFound)?;
    audit(
        &mut tx,
        v,
        &format!("{}_{}", action.as_str(), kind.as_str()),
        json!({ kind.as_str(): id, "name": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn save_contractor(
    state: &State,
    viewer: Option<&Viewer>,
    id: Option<ContractorId>,
    contractor_name: &str,
    email: &str,
) -> Result<ContractorId> {
    let (v, mut tx) = begin(state, viewer, Action::ManageStaff).await?;
    let n = name(contractor_name)?;
    let email = optional_email(email)?;
    let id = match id {
        None => sqlx::query_scalar!(
            "insert into contractor (name, email) values ($1, $2) returning contractor_id",
            n,
            email
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(taken)?,
        Some(c) => sqlx::query_scalar!(
            "update contractor set name = $2, email = $3, updated_at = now() where contractor_id = $1 returning contractor_id",
            c.0,
            n,
            email
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(taken)?
        .ok_or(Error::NotFound)?,
    };
    audit(
        &mut tx,
        v,
        "save_contractor",
        json!({ "contractor": id, "name": n }),
    )
    .await?;
    tx.commit().await?;
    Ok(ContractorId(id))
}

/// Sets the rule for a category in a district: another office (`office`), or not offered there.
pub async fn save_rule(
    state: &State,
    viewer: Option<&Viewer>,
    category: &str,
    area: &str,
    office: &str,
    offered: bool,
) -> Result<()> {
    let (v, mut tx) = begin(state, viewer, Action::ManageRoutingRules).await?;
    let category = number(Field::Category, category, 1, i32::MAX)?;
    let area = number(Field::District, area, 1, i32::MAX)?;
    let office = if office.trim().is_empty() {
        None
    } else {
        Some(number(Field::Office, office, 1, i32::MAX)?)
    };
    let district = sqlx::query_scalar!(
        r#"select exists(select 1 from area where area_id = $1 and kind = 'district') as "x!""#,
        area
    )
    .fetch_one(&mut *tx)
    .await?;
    if !district {
        return Err(invalid(Field::District, Rule::UnknownValue));
    }
    sqlx::query!(
        r#"
        insert into category_area_rule (category_id, area_id, office_id, offered) values ($1, $2, $3, $4)
        on conflict (category_id, area_id) do update set office_id = excluded.office_id, offered = excluded.offered
        "#,
        category,
        area,
        office,
        offered
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("23503") => {
            invalid(if d.message().contains("office") { Field::Office } else { Field::Category }, Rule::UnknownValue)
        }
        _ => e.into(),
    })?;
    audit(
        &mut tx,
        v,
        "save_rule",
        json!({ "category": category, "district": area, "office": office, "offered": offered }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_rule(state: &State, viewer: Option<&Viewer>, category: i32, area: i32) -> Result<()> {
    let (v, mut tx) = begin(state, viewer, Action::ManageRoutingRules).await?;
    sqlx::query!(
        "delete from category_area_rule where category_id = $1 and area_id = $2",
        category,
        area
    )
    .execute(&mut *tx)
    .await?;
    audit(
        &mut tx,
        v,
        "delete_rule",
        json!({ "category": category, "district": area }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
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

/// The polygons of a GeoJSON document (a geometry, a feature or a feature collection), as one GeoJSON
/// MultiPolygon geometry's text.
fn polygons(text: &str) -> Result<(String, Option<i32>)> {
    let bad = |reason: &str| {
        invalid(
            Field::Boundary,
            Rule::InvalidGeometry {
                reason: reason.to_owned(),
            },
        )
    };
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(&format!("JSON: {e}")))?;
    let srid = declared_srid(&doc)?;
    let parsed = text
        .parse::<geojson::GeoJson>()
        .map_err(|e| bad(&e.to_string()))?;
    let geometries: Vec<geojson::Geometry> = match parsed {
        geojson::GeoJson::Geometry(g) => vec![g],
        geojson::GeoJson::Feature(f) => f.geometry.into_iter().collect(),
        geojson::GeoJson::FeatureCollection(fc) => {
            fc.features.into_iter().filter_map(|f| f.geometry).collect()
        }
    };
    let mut rings: Vec<geojson::PolygonType> = Vec::new();
    for g in geometries {
        match g.value {
            geojson::GeometryValue::Polygon { coordinates } => rings.push(coordinates),
            geojson::GeometryValue::MultiPolygon { coordinates } => rings.extend(coordinates),
            other => return Err(bad(&format!("{} is not a polygon", other.type_name()))),
        }
    }
    if rings.is_empty() {
        return Err(bad("no polygon in the document"));
    }
    let multi = geojson::Geometry::new(geojson::GeometryValue::MultiPolygon { coordinates: rings });
    Ok((multi.to_string(), srid))
}

/// What an area upload says.
#[derive(Debug, Clone, Default)]
pub struct AreaUpload {
    /// The municipality's boundary, or a district's.
    pub municipality: bool,
    pub name: String,
    pub geojson: String,
    /// The EPSG code of the coordinates when the document does not say (empty: WGS 84).
    pub srid: String,
}

/// Loads (or replaces, by name) the municipality's boundary or a district: polygons only, valid (closed, not
/// self-intersecting), reprojected to WGS 84 from the SRID the document declares or the form says.
pub async fn upload_area(state: &State, viewer: Option<&Viewer>, upload: &AreaUpload) -> Result<AreaId> {
    let (v, mut tx) = begin(state, viewer, Action::ManageAreas).await?;
    let n = name(&upload.name)?;
    if upload.geojson.trim().is_empty() {
        return Err(invalid(Field::Boundary, Rule::Required));
    }
    let (geometry, declared) = polygons(&upload.geojson)?;
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
    .fetch_one(&mut *tx)
    .await?;
    if !known {
        return Err(invalid(Field::Srid, Rule::UnknownValue));
    }
    // Checked in the source system (where it was drawn), then reprojected; the result must lie on the globe.
    let checked = sqlx::query!(
        r#"
        with g as (select ST_SetSRID(ST_GeomFromGeoJSON($1), $2) as geom)
        select ST_IsValid(geom) as "valid!", ST_IsValidReason(geom) as "reason!",
               case when ST_IsValid(geom) then ST_AsEWKB(ST_Multi(ST_Transform(geom, 4326))) end as wkb,
               case when ST_IsValid(geom) then ST_XMin(ST_Transform(geom, 4326)) end as west,
               case when ST_IsValid(geom) then ST_XMax(ST_Transform(geom, 4326)) end as east,
               case when ST_IsValid(geom) then ST_YMin(ST_Transform(geom, 4326)) end as south,
               case when ST_IsValid(geom) then ST_YMax(ST_Transform(geom, 4326)) end as north
        from g
        "#,
        geometry,
        srid
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) => invalid(
            Field::Boundary,
            Rule::InvalidGeometry {
                reason: d.message().to_owned(),
            },
        ),
        _ => e.into(),
    })?;
    if !checked.valid {
        return Err(invalid(
            Field::Boundary,
            Rule::InvalidGeometry {
                reason: checked.reason,
            },
        ));
    }
    let on_globe = matches!(
        (checked.west, checked.east, checked.south, checked.north),
        (Some(w), Some(e), Some(s), Some(n)) if w >= -180.0 && e <= 180.0 && s >= -90.0 && n <= 90.0
    );
    if !on_globe {
        return Err(invalid(Field::Srid, Rule::Mismatch));
    }
    let wkb = checked.wkb.unwrap_or_default();
    let id = if upload.municipality {
        let existing = sqlx::query_scalar!(
            "select area_id from area where kind = 'municipality' order by area_id limit 1"
        )
        .fetch_optional(&mut *tx)
        .await?;
        match existing {
            Some(a) => sqlx::query_scalar!(
                "update area set name = $2, boundary = ST_GeomFromEWKB($3), updated_at = now() where area_id = $1 returning area_id",
                a,
                n,
                wkb
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(taken)?,
            None => sqlx::query_scalar!(
                "insert into area (kind, name, boundary) values ('municipality', $1, ST_GeomFromEWKB($2)) returning area_id",
                n,
                wkb
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(taken)?,
        }
    } else {
        let parent = sqlx::query_scalar!(
            "select area_id from area where kind = 'municipality' order by area_id limit 1"
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| invalid(Field::District, Rule::Required))?;
        sqlx::query_scalar!(
            r#"
            insert into area (kind, parent_id, name, boundary) values ('district', $1, $2, ST_GeomFromEWKB($3))
            on conflict (kind, name_key(name)) do update set boundary = excluded.boundary, updated_at = now()
            returning area_id
            "#,
            parent,
            n,
            wkb
        )
        .fetch_one(&mut *tx)
        .await?
    };
    audit(
        &mut tx,
        v,
        "upload_area",
        json!({ "area": id, "name": n, "municipality": upload.municipality, "srid": srid }),
    )
    .await?;
    tx.commit().await?;
    Ok(AreaId(id))
}

/// An office by its id or exact name (the command line names offices either way).
pub async fn office_by_id_or_name(state: &State, id_or_name: &str) -> Result<Option<OfficeId>> {
    let id = sqlx::query_scalar!(
        "select office_id from office where office_id::text = $1 or name = $1",
        id_or_name
    )
    .fetch_optional(&state.pool)
    .await?;
    Ok(id.map(OfficeId))
}

/// A contractor by its exact name.
pub async fn contractor_by_name(state: &State, name: &str) -> Result<Option<ContractorId>> {
    let id = sqlx::query_scalar!("select contractor_id from contractor where name = $1", name)
        .fetch_optional(&state.pool)
        .await?;
    Ok(id.map(ContractorId))
}

/// One member of staff, for the command line's list.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffLine {
    pub id: UserId,
    pub role: Role,
    pub email: String,
    pub name: String,
}

/// Every account that is not a citizen's, by role and address (the command line's `admin list`; the operator
/// at the server's console needs no permission).
pub async fn staff_list(state: &State) -> Result<Vec<StaffLine>> {
    let rows = sqlx::query!(
        r#"select user_id as "id: UserId", role as "role: Role", email, display_name
           from app_user where role <> 'citizen' order by role, email"#
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StaffLine {
            id: r.id,
            role: r.role,
            email: r.email,
            name: r.display_name,
        })
        .collect())
}

/// What a staff form says.
#[derive(Debug, Clone, Default)]
pub struct StaffForm {
    pub email: String,
    pub name: String,
    pub role: String,
    pub offices: Vec<String>,
    pub contractor: String,
    pub disabled: bool,
}

fn staff_parts(form: &StaffForm) -> Result<(Role, Vec<OfficeId>, Option<ContractorId>)> {
    let role = form.role.parse::<Role>()?;
    let offices = form
        .offices
        .iter()
        .filter(|o| !o.trim().is_empty())
        .map(|o| number(Field::Office, o, 1, i32::MAX).map(OfficeId))
        .collect::<Result<Vec<_>>>()?;
    let contractor = if form.contractor.trim().is_empty() {
        None
    } else {
        Some(ContractorId(number(Field::Role, &form.contractor, 1, i32::MAX)?))
    };
    if role.needs_office() && offices.is_empty() {
        return Err(invalid(Field::Office, Rule::Required));
    }
    if (role == Role::Contractor) != contractor.is_some() {
        return Err(invalid(Field::Role, Rule::Mismatch));
    }
    Ok((role, offices, contractor))
}

/// Creates a member of staff (or a contractor's person) and emails them a link to choose their password.
pub async fn create_staff(
    state: &State,
    viewer: Option<&Viewer>,
    form: &StaffForm,
    locale: Locale,
) -> Result<UserId> {
    let v = require(viewer, Action::ManageStaff, Target::Municipality)?;
    let (role, offices, contractor) = staff_parts(form)?;
    if role == Role::Citizen {
        return Err(invalid(Field::Role, Rule::UnknownValue));
    }
    // A long random password nobody knows: the person chooses theirs with the emailed link.
    let password = format!("{}-{}", crate::secrets::new_token(), crate::secrets::new_token());
    let id = crate::users::create_account(
        state,
        viewer,
        &crate::users::NewAccount {
            email: form.email.clone(),
            name: form.name.clone(),
            password,
            role,
            offices,
            contractor,
            locale,
        },
        false,
    )
    .await?;
    let mut conn = state.pool.acquire().await?;
    audit(
        &mut conn,
        v,
        "create_staff",
        json!({ "user": id, "role": role.as_str() }),
    )
    .await?;
    drop(conn);
    crate::users::request_password_reset(state, &form.email, locale).await?;
    Ok(id)
}

/// Changes a member of staff's role, offices or company, or disables the account (which ends its sessions).
pub async fn update_staff(
    state: &State,
    viewer: Option<&Viewer>,
    user: UserId,
    form: &StaffForm,
) -> Result<()> {
    let (v, mut tx) = begin(state, viewer, Action::ManageStaff).await?;
    let (role, offices, contractor) = staff_parts(form)?;
    if user == v.id && (role != Role::Administrator || form.disabled) {
        // The last door out must not lock itself: an administrator cannot demote or disable themselves here.
        return Err(invalid(Field::Role, Rule::Mismatch));
    }
    let n = sqlx::query!(
        r#"
        update app_user set role = $2, contractor_id = $3,
               disabled_at = case when $4 then coalesce(disabled_at, now()) end, updated_at = now()
        where user_id = $1
        "#,
        user as UserId,
        role as Role,
        contractor.map(|c| c.0),
        form.disabled
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(Error::NotFound);
    }
    crate::users::store::set_offices(&mut tx, user, &offices).await?;
    if form.disabled {
        sqlx::query!("delete from user_session where user_id = $1", user as UserId)
            .execute(&mut *tx)
            .await?;
    }
    audit(
        &mut tx,
        v,
        "update_staff",
        json!({ "user": user, "role": role.as_str(), "offices": offices, "contractor": contractor, "disabled": form.disabled }),
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
        let (g, srid) = polygons(
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3003"}},
                "features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#,
        )
        .expect("a polygon");
        assert_eq!(srid, Some(3003));
        assert!(g.contains("MultiPolygon"));
        let e = polygons(r#"{"type":"Point","coordinates":[11.8,45.4]}"#).unwrap_err();
        assert!(matches!(e, Error::Invalid(v) if v.field == Field::Boundary));
        assert!(polygons("not json").is_err());
        assert!(polygons(r#"{"type":"FeatureCollection","features":[]}"#).is_err());
        assert_eq!(
            declared_srid(
                &serde_json::json!({"crs":{"properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}})
            )
            .expect("ok"),
            Some(4326)
        );
    }
}
