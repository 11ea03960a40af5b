//! Administration: offices, categories and their answer templates, contractors, the municipal boundary and the
//! districts, routing rules (category × district → office) and staff. Administrators only; every change is in
//! the audit log. Nothing is cached: a change applies to the next request on every instance, without a restart.

use serde_json::json;
use shared::admin::{
    AdminOverview, AreaRow, CategoryRow, ContractorRow, OfficeMail, OfficeRow, PendingInvitation, Retirable,
    Retire, RuleRow, StaffRow, TemplateRow,
};
use shared::permission::{Action, Target};
use shared::report::work::check_template;
use shared::user::Email;
use shared::{AreaId, CategoryId, ContractorId, Field, Locale, OfficeId, Role, Rule, UserId, Viewer};
use sqlx::PgConnection;

use crate::error::invalid;
use crate::users::require;
use crate::{Error, Result, State};

mod boundaries;
pub mod invitations;
pub use boundaries::{AreaUpload, preview_area, restore_boundary, upload_area};

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
        select o.office_id, o.name, o.email, o.disabled_at is not null as "disabled!", o.new_report_mail,
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
        new_report_mail: OfficeMail::parse(&o.new_report_mail).unwrap_or_default(),
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
               ST_Area(boundary::geography) / 1e6 as "km2!", disabled_at is not null as "disabled!",
               kind = 'municipality' and previous_boundary is not null as "restorable!"
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
        restorable: a.restorable,
    })
    .collect();
    let rules = sqlx::query!(
        r#"
        select r.category_id, c.name as category_name, r.area_id, a.name as area_name, r.office_id,
               o.name as "office_name?", r.offered, r.disabled_at is not null as "disabled!"
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
        disabled: r.disabled,
    })
    .collect();
    let staff = sqlx::query!(
        r#"
        select u.user_id, u.display_name, u.email, u.role as "role: Role", u.contractor_id,
               u.disabled_at is not null as "disabled!",
               coalesce(array_agg(uo.office_id order by uo.office_id) filter (where uo.office_id is not null), '{}') as "offices!",
               i.expires_at as "invitation_expires?", inviter.display_name as "invited_by?"
        from app_user u left join user_office uo using (user_id)
        left join staff_invitation i on i.user_id = u.user_id and i.accepted_at is null and i.revoked_at is null
        left join app_user inviter on inviter.user_id = i.invited_by
        where u.role <> 'citizen'
        group by u.user_id, i.expires_at, inviter.display_name order by u.display_name
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
        invitation: u.invitation_expires.map(|expires_at| PendingInvitation {
            invited_by: u.invited_by.clone().unwrap_or_default(),
            expires_at,
            expired: expires_at <= chrono::Utc::now(),
        }),
    })
    .collect();
    let gazetteer = sqlx::query!(
        r#"select (select count(*) from place where kind = 'street') as "streets!",
                  (select count(*) from house_number) as "numbers!""#
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(AdminOverview {
        offices,
        categories,
        templates,
        contractors,
        areas,
        rules,
        staff,
        streets: gazetteer.streets,
        house_numbers: gazetteer.numbers,
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
    new_report_mail: &str,
) -> Result<OfficeId> {
    let (v, mut tx) = begin(state, viewer, Action::ManageOffices).await?;
    let n = name(office_name)?;
    let email = optional_email(email)?;
    let mode = if new_report_mail.trim().is_empty() {
        OfficeMail::default()
    } else {
        OfficeMail::parse(new_report_mail.trim())
            .ok_or_else(|| invalid(Field::Notifications, Rule::UnknownValue))?
    };
    let id = match id {
        None => sqlx::query_scalar!(
            "insert into office (name, email, new_report_mail, digest_sent_at) values ($1, $2, $3, now())
             returning office_id",
            n,
            email,
            mode.as_str()
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(taken)?,
        Some(o) => sqlx::query_scalar!(
            // Switching to the digest: the first one covers what comes from now (what came before was sent).
            "update office set name = $2, email = $3, new_report_mail = $4, updated_at = now(),
                    digest_sent_at = case when new_report_mail <> $4 then now() else digest_sent_at end
             where office_id = $1 returning office_id",
            o.0,
            n,
            email,
            mode.as_str()
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
        json!({ "office": id, "name": n, "email": email, "new_report_mail": mode.as_str() }),
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

/// Disables a routing rule (routing ignores it; it stays, to enable again) or enables it again.
pub async fn set_rule_disabled(
    state: &State,
    viewer: Option<&Viewer>,
    category: i32,
    area: i32,
    disabled: bool,
) -> Result<()> {
    let (v, mut tx) = begin(state, viewer, Action::ManageRoutingRules).await?;
    let n = sqlx::query!(
        "update category_area_rule set disabled_at = case when $3 then coalesce(disabled_at, now()) end,
                updated_at = now()
         where category_id = $1 and area_id = $2",
        category,
        area,
        disabled
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(Error::NotFound);
    }
    let action = if disabled { "disable_rule" } else { "enable_rule" };
    audit(
        &mut tx,
        v,
        action,
        json!({ "category": category, "district": area }),
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
        Some(ContractorId(number(
            Field::Company,
            &form.contractor,
            1,
            i32::MAX,
        )?))
    };
    if role.needs_office() && offices.is_empty() {
        return Err(invalid(Field::Office, Rule::Required));
    }
    match (role == Role::Contractor, contractor.is_some()) {
        (true, false) => return Err(invalid(Field::Company, Rule::ContractorNeedsCompany)),
        (false, true) => return Err(invalid(Field::Company, Rule::CompanyOnlyForContractor)),
        _ => {}
    }
    Ok((role, offices, contractor))
}

/// Adds a member of staff (or a contractor's person): a new account gets an invitation with a link to choose
/// the password (`invitations`); an existing citizen's account is given the role and told by email. All in one
/// transaction: nobody is left created without their message.
pub async fn create_staff(
    state: &State,
    viewer: Option<&Viewer>,
    form: &StaffForm,
    locale: Locale,
) -> Result<UserId> {
    let (v, mut tx) = begin(state, viewer, Action::ManageStaff).await?;
    let (role, offices, contractor) = staff_parts(form)?;
    if role == Role::Citizen {
        return Err(invalid(Field::Role, Rule::UnknownValue));
    }
    let email = Email::parse(&form.email)?;
    let id = match crate::users::store::find_by_email(&mut tx, &email).await? {
        Some(a) if a.role == Role::Citizen && !a.disabled => {
            sqlx::query!(
                "update app_user set role = $2, contractor_id = $3, updated_at = now() where user_id = $1",
                a.id as UserId,
                role as Role,
                contractor.map(|c| c.0)
            )
            .execute(&mut *tx)
            .await?;
            crate::users::store::set_offices(&mut tx, a.id, &offices).await?;
            invitations::role_granted(&mut tx, state, v, a.id).await?;
            audit(
                &mut tx,
                v,
                "promote_staff",
                json!({ "user": a.id, "role": role.as_str() }),
            )
            .await?;
            a.id
        }
        Some(_) => return Err(invalid(Field::Email, Rule::AlreadyStaff)),
        None => {
            let name = shared::user::DisplayName::parse(&form.name)?;
            // No password until they choose one with the invitation's link: nobody can sign in as them before.
            let id = crate::users::store::insert(
                &mut tx,
                &crate::users::store::NewUser {
                    email: &email,
                    name: name.as_str(),
                    password_hash: None,
                    confirmed: false,
                    role,
                    contractor,
                    locale,
                },
            )
            .await?;
            crate::users::store::set_offices(&mut tx, id, &offices).await?;
            invitations::send(&mut tx, state, v, id).await?;
            audit(
                &mut tx,
                v,
                "create_staff",
                json!({ "user": id, "role": role.as_str() }),
            )
            .await?;
            id
        }
    };
    tx.commit().await?;
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
        return Err(invalid(Field::Role, Rule::OwnAccount));
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
