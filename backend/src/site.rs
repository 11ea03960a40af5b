//! The municipality the installation serves: identity, contacts, legal texts, logo, the setup checklist and the
//! opening day (migration 0018, one row). Every page reads it, so each instance keeps a copy, dropped when the
//! row changes (the `site` notification, heard by `live::run`) and right after a change made here.

pub mod legal;

use std::io::Cursor;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use serde_json::json;
use shared::permission::{Action, Target};
use shared::site::{Checklist, Contacts, SetupStep, Site};
use shared::user::Email;
use shared::{Field, Rule, Viewer};
use sqlx::PgConnection;

use crate::error::invalid;
use crate::users::require;
use crate::{Error, Result, State};

/// The notification the row's trigger sends.
pub const CHANNEL: &str = "site";

/// Everything the row holds but the logo's bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteRecord {
    /// What every page shows.
    pub site: Site,
    pub dpo: String,
    /// The administrator's own texts (empty: generated).
    pub privacy_notice: String,
    pub legal_notes: String,
    pub opened_at: Option<DateTime<Utc>>,
}

/// This instance's copy of the row.
#[derive(Debug, Default)]
pub struct Cache(RwLock<Option<Arc<SiteRecord>>>);

impl Cache {
    fn get(&self) -> Option<Arc<SiteRecord>> {
        self.0.read().map(|g| g.clone()).unwrap_or_default()
    }

    fn put(&self, r: Arc<SiteRecord>) {
        if let Ok(mut g) = self.0.write() {
            *g = Some(r);
        }
    }

    /// Drops the copy: the next reader loads the row again.
    pub fn clear(&self) {
        if let Ok(mut g) = self.0.write() {
            *g = None;
        }
    }
}

/// The site as it stands (from this instance's copy when it has one).
pub async fn get(state: &State) -> Result<Arc<SiteRecord>> {
    if let Some(r) = state.site.get() {
        return Ok(r);
    }
    let mut conn = state.pool.acquire().await?;
    get_in(state, &mut conn).await
}

/// The same on a connection already held (a transaction writing mail).
pub async fn get_in(state: &State, conn: &mut PgConnection) -> Result<Arc<SiteRecord>> {
    if let Some(r) = state.site.get() {
        return Ok(r);
    }
    let r = Arc::new(load(state, conn).await?);
    state.site.put(r.clone());
    Ok(r)
}

async fn load(state: &State, conn: &mut PgConnection) -> Result<SiteRecord> {
    let r = sqlx::query!(
        r#"
        select name, name_of, name_to, case when logo is null then null else logo_version end as logo_version,
               urp_address, phone, email, pec, hours, footer, dpo, accessibility_url, privacy_notice, legal_notes,
               example_street, opened_at
        from site
        "#
    )
    .fetch_one(&mut *conn)
    .await?;
    // Until the administrator names the municipality, the name the operator configured (SEGNALA_ORGANISATION).
    let name = if r.name.is_empty() && state.settings.organisation != shared::site::PRODUCT {
        state.settings.organisation.clone()
    } else {
        r.name
    };
    Ok(SiteRecord {
        site: Site {
            name,
            name_of: r.name_of,
            name_to: r.name_to,
            logo_version: r.logo_version,
            contacts: Contacts {
                address: r.urp_address,
                phone: r.phone,
                email: r.email,
                pec: r.pec,
                hours: r.hours,
            },
            footer: r.footer,
            accessibility_url: r.accessibility_url,
            example_street: r.example_street,
            open: r.opened_at.is_some(),
        },
        dpo: r.dpo,
        privacy_notice: r.privacy_notice,
        legal_notes: r.legal_notes,
        opened_at: r.opened_at,
    })
}

/// What the identity form says (every field as typed).
#[derive(Debug, Clone, Default)]
pub struct IdentityForm {
    pub name: String,
    pub name_of: String,
    pub name_to: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub pec: String,
    pub hours: String,
    pub footer: String,
    pub dpo: String,
    pub accessibility_url: String,
    pub privacy_notice: String,
    pub legal_notes: String,
    pub example_street: String,
}

impl IdentityForm {
    /// The form's field names, as the page and the door use them.
    pub const FIELDS: [&'static str; 14] = [
        "name",
        "name_of",
        "name_to",
        "address",
        "phone",
        "email",
        "pec",
        "hours",
        "footer",
        "dpo",
        "accessibility_url",
        "privacy_notice",
        "legal_notes",
        "example_street",
    ];

    /// The form filled from the site as it stands.
    pub fn of(r: &SiteRecord) -> Self {
        let s = &r.site;
        Self {
            name: s.name.clone(),
            name_of: s.name_of.clone(),
            name_to: s.name_to.clone(),
            address: s.contacts.address.clone(),
            phone: s.contacts.phone.clone(),
            email: s.contacts.email.clone(),
            pec: s.contacts.pec.clone(),
            hours: s.contacts.hours.clone(),
            footer: s.footer.clone(),
            dpo: r.dpo.clone(),
            accessibility_url: s.accessibility_url.clone(),
            privacy_notice: r.privacy_notice.clone(),
            legal_notes: r.legal_notes.clone(),
            example_street: s.example_street.clone(),
        }
    }

    /// The value of the field named `name` (one of [`Self::FIELDS`]).
    pub fn get(&self, name: &str) -> &str {
        match name {
            "name" => &self.name,
            "name_of" => &self.name_of,
            "name_to" => &self.name_to,
            "address" => &self.address,
            "phone" => &self.phone,
            "email" => &self.email,
            "pec" => &self.pec,
            "hours" => &self.hours,
            "footer" => &self.footer,
            "dpo" => &self.dpo,
            "accessibility_url" => &self.accessibility_url,
            "privacy_notice" => &self.privacy_notice,
            "legal_notes" => &self.legal_notes,
            "example_street" => &self.example_street,
            _ => "",
        }
    }

    /// The form from `value(name)` for each of [`Self::FIELDS`].
    pub fn from_fields(value: impl Fn(&str) -> String) -> Self {
        Self {
            name: value("name"),
            name_of: value("name_of"),
            name_to: value("name_to"),
            address: value("address"),
            phone: value("phone"),
            email: value("email"),
            pec: value("pec"),
            hours: value("hours"),
            footer: value("footer"),
            dpo: value("dpo"),
            accessibility_url: value("accessibility_url"),
            privacy_notice: value("privacy_notice"),
            legal_notes: value("legal_notes"),
            example_street: value("example_street"),
        }
    }
}

/// Trimmed text of at most `max` characters (empty allowed), without control characters.
fn optional(field: Field, s: &str, max: usize) -> Result<String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    Ok(shared::validation::text(field, s, 1, max)?.as_str().to_owned())
}

fn optional_email(field: Field, s: &str) -> Result<String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    Email::parse(s).map(|e| e.as_str().to_owned()).map_err(|_| {
        invalid(
            field,
            Rule::Format {
                expected: "urp@comune.esempio.it".into(),
            },
        )
    })
}

/// An `https://` (or `http://`) address, or nothing.
fn optional_url(field: Field, s: &str) -> Result<String> {
    let s = optional(field, s, 500)?;
    if s.is_empty()
        || ((s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace))
    {
        Ok(s)
    } else {
        Err(invalid(
            field,
            Rule::Format {
                expected: "https://form.agid.gov.it/view/…".into(),
            },
        ))
    }
}

/// Saves the identity, contacts and legal texts.
pub async fn save_identity(state: &State, viewer: Option<&Viewer>, form: &IdentityForm) -> Result<()> {
    let v = require(viewer, Action::ManageOffices, Target::Municipality)?;
    let name = optional(Field::SiteName, &form.name, 120)?;
    if name.chars().count() < 2 {
        return Err(invalid(Field::SiteName, Rule::Required));
    }
    let values = [
        optional(Field::NameOf, &form.name_of, 140)?,
        optional(Field::NameTo, &form.name_to, 140)?,
        optional(Field::Address, &form.address, 300)?,
        optional(Field::Phone, &form.phone, 60)?,
        optional_email(Field::Email, &form.email)?,
        optional_email(Field::Pec, &form.pec)?,
        optional(Field::Hours, &form.hours, 500)?,
        optional(Field::Footer, &form.footer, 1000)?,
        optional(Field::Dpo, &form.dpo, 300)?,
        optional_url(Field::AccessibilityUrl, &form.accessibility_url)?,
        optional(Field::PrivacyNotice, &form.privacy_notice, 50_000)?,
        optional(Field::LegalNotes, &form.legal_notes, 50_000)?,
        optional(Field::ExampleStreet, &form.example_street, 120)?,
    ];
    let [
        name_of,
        name_to,
        address,
        phone,
        email,
        pec,
        hours,
        footer,
        dpo,
        accessibility_url,
        privacy_notice,
        legal_notes,
        example_street,
    ] = values;
    let mut tx = state.pool.begin().await?;
    sqlx::query!(
        r#"
        update site set name = $1, name_of = $2, name_to = $3, urp_address = $4, phone = $5, email = $6, pec = $7,
               hours = $8, footer = $9, dpo = $10, accessibility_url = $11, privacy_notice = $12, legal_notes = $13,
               example_street = $14, updated_at = now()
        "#,
        name,
        name_of,
        name_to,
        address,
        phone,
        email,
        pec,
        hours,
        footer,
        dpo,
        accessibility_url,
        privacy_notice,
        legal_notes,
        example_street
    )
    .execute(&mut *tx)
    .await?;
    crate::audit::record(
        &mut tx,
        v,
        "save_identity",
        None,
        &json!({ "name": name, "email": email, "pec": pec, "dpo": dpo, "accessibility_url": accessibility_url,
                 "privacy_notice": if privacy_notice.is_empty() { "generated" } else { "own" } }),
    )
    .await?;
    tx.commit().await?;
    state.site.clear();
    Ok(())
}

/// The largest logo accepted (before re-encoding).
pub const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;
/// The logo is kept at most this many pixels on its longer side.
const LOGO_SIZE: u32 = 256;

/// Decodes a PNG, JPEG or WebP logo and re-encodes it as a PNG of at most [`LOGO_SIZE`] pixels (nothing of the
/// file but its pixels is kept).
pub fn process_logo(bytes: &[u8]) -> Result<Vec<u8>> {
    let bad = |rule: Rule| invalid(Field::Logo, rule);
    if bytes.is_empty() {
        return Err(bad(Rule::Required));
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(bad(Rule::FileTooLarge { max_mb: 2 }));
    }
    let format = crate::photos::sniff(bytes).ok_or_else(|| {
        bad(Rule::UnsupportedType {
            accepted: "PNG, JPEG, WebP".into(),
        })
    })?;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| bad(Rule::Unreadable))?;
    let img = if img.width().max(img.height()) > LOGO_SIZE {
        img.resize(LOGO_SIZE, LOGO_SIZE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let mut out = Vec::new();
    img.to_rgba8()
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| Error::Internal(anyhow::anyhow!("encoding the logo: {e}")))?;
    Ok(out)
}

/// Replaces the logo (`bytes` none: removes it).
pub async fn save_logo(state: &State, viewer: Option<&Viewer>, bytes: Option<Vec<u8>>) -> Result<()> {
    let v = require(viewer, Action::ManageOffices, Target::Municipality)?;
    let png = match bytes {
        Some(b) => Some(
            tokio::task::spawn_blocking(move || process_logo(&b))
                .await
                .map_err(|e| Error::Internal(e.into()))??,
        ),
        None => None,
    };
    let mut tx = state.pool.begin().await?;
    sqlx::query!(
        "update site set logo = $1, logo_version = logo_version + 1, updated_at = now()",
        png
    )
    .execute(&mut *tx)
    .await?;
    crate::audit::record(
        &mut tx,
        v,
        "save_logo",
        None,
        &json!({ "bytes": png.as_ref().map(Vec::len) }),
    )
    .await?;
    tx.commit().await?;
    state.site.clear();
    Ok(())
}

/// The logo's PNG, when `version` is the current one.
pub async fn logo(state: &State, version: i32) -> Result<Vec<u8>> {
    sqlx::query_scalar!(
        "select logo from site where logo_version = $1 and logo is not null",
        version
    )
    .fetch_optional(&state.pool)
    .await?
    .flatten()
    .ok_or(Error::NotFound)
}

/// The checklist, counted from what the installation holds (`smtp`: whether the server sends mail).
pub async fn checklist(state: &State, viewer: Option<&Viewer>, smtp: bool) -> Result<Checklist> {
    require(viewer, Action::ManageOffices, Target::Municipality)?;
    let site = get(state).await?;
    let c = sqlx::query!(
        r#"
        select exists(select 1 from area where kind = 'municipality') as "boundary!",
               exists(select 1 from area where kind = 'district' and disabled_at is null) as "districts!",
               exists(select 1 from place) as "streets!",
               exists(select 1 from office where disabled_at is null) as "offices!",
               exists(select 1 from category where enabled) as "categories!",
               exists(select 1 from app_user where role not in ('citizen', 'administrator') and disabled_at is null)
                   as "staff!",
               not exists(select 1 from office where disabled_at is null and email is null)
                   and exists(select 1 from office where disabled_at is null) as "mail!"
        "#
    )
    .fetch_one(&state.pool)
    .await?;
    let s = &site.site;
    let done = |step: SetupStep| match step {
        SetupStep::Identity => !s.name.is_empty() && !s.contacts.email.is_empty(),
        SetupStep::Boundary => c.boundary,
        SetupStep::Districts => c.districts,
        SetupStep::Streets => c.streets,
        SetupStep::Offices => c.offices,
        SetupStep::Categories => c.categories,
        SetupStep::Staff => c.staff,
        SetupStep::Mail => c.mail && smtp,
        SetupStep::Legal => !site.dpo.is_empty() && !s.accessibility_url.is_empty(),
    };
    Ok(Checklist {
        steps: SetupStep::ALL.iter().map(|s| (*s, done(*s))).collect(),
        opened_at: site.opened_at,
    })
}

/// Opens the service to citizens, once every required step is done. The opening day is set once: periodic
/// reports count from it.
pub async fn open_service(
    state: &State,
    viewer: Option<&Viewer>,
    smtp: bool,
    locale: shared::Locale,
) -> Result<()> {
    let v = require(viewer, Action::ManageOffices, Target::Municipality)?;
    let missing = checklist(state, viewer, smtp).await?.missing();
    if !missing.is_empty() {
        let steps = missing
            .iter()
            .map(|s| shared::i18n::setup_step_label(*s, locale))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(invalid(Field::Setup, Rule::StepsMissing { steps }));
    }
    let mut tx = state.pool.begin().await?;
    sqlx::query!("update site set opened_at = coalesce(opened_at, now()), updated_at = now()")
        .execute(&mut *tx)
        .await?;
    crate::audit::record(&mut tx, v, "open_service", None, &json!({})).await?;
    tx.commit().await?;
    state.site.clear();
    Ok(())
}

/// Refuses a citizen's report while the service is not open (staff may file, to try the setup).
pub async fn require_open(state: &State, conn: &mut PgConnection, viewer: Option<&Viewer>) -> Result<()> {
    let site = get_in(state, conn).await?;
    let staff = viewer.is_some_and(|v| v.role.is_staff());
    if site.site.open || staff {
        Ok(())
    } else {
        Err(invalid(Field::Location, Rule::NotOpenYet))
    }
}
