//! The administration pages' read models: offices, categories and their answer templates, contractors, areas,
//! routing rules and staff, as one overview.

use serde::{Deserialize, Serialize};

use crate::ids::{AreaId, CategoryId, ContractorId, OfficeId, UserId};
use crate::user::Role;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeRow {
    pub id: OfficeId,
    pub name: String,
    pub email: Option<String>,
    /// Open reports it answers for.
    pub open: i64,
    /// Hidden from the choices (assignment, new categories), kept for history and statistics.
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub id: CategoryId,
    pub name: String,
    pub office: OfficeId,
    pub office_name: String,
    pub sla_days: i32,
    pub duplicate_radius_m: i32,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateRow {
    pub id: i32,
    /// `None`: offered for every category.
    pub category: Option<CategoryId>,
    pub category_name: Option<String>,
    pub name: String,
    pub body: String,
    /// Not offered when answering.
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractorRow {
    pub id: ContractorId,
    pub name: String,
    pub email: Option<String>,
    /// Not offered for assignment.
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaRow {
    pub id: AreaId,
    pub municipality: bool,
    pub name: String,
    pub km2: f64,
    /// A district hidden from citizens (the municipality's boundary is never disabled).
    pub disabled: bool,
    /// The boundary an upload replaced is kept: it can be put back.
    pub restorable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRow {
    pub category: CategoryId,
    pub category_name: String,
    pub area: AreaId,
    pub area_name: String,
    /// `None`: the category's own office.
    pub office: Option<OfficeId>,
    pub office_name: Option<String>,
    pub offered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub offices: Vec<OfficeId>,
    pub contractor: Option<ContractorId>,
    pub disabled: bool,
    /// An invitation not accepted yet (nor revoked).
    pub invitation: Option<PendingInvitation>,
}

/// Everything the administration page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub offices: Vec<OfficeRow>,
    pub categories: Vec<CategoryRow>,
    pub templates: Vec<TemplateRow>,
    pub contractors: Vec<ContractorRow>,
    pub areas: Vec<AreaRow>,
    pub rules: Vec<RuleRow>,
    pub staff: Vec<StaffRow>,
}

/// An area upload checked but not applied: what it would load, for the administrator to confirm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaPreview {
    /// The municipality's boundary (else districts).
    pub municipality: bool,
    /// The reference system the coordinates were read in.
    pub srid: i32,
    pub pieces: Vec<PreviewPiece>,
    /// The municipality's current border, to compare (`(lat, lng)` rings), empty when none is loaded.
    pub current: Vec<Vec<(f64, f64)>>,
}

/// One shape of a preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewPiece {
    pub name: String,
    pub km2: f64,
    /// A point inside it.
    pub lat: f64,
    pub lng: f64,
    /// Whether it replaces what is loaded (the boundary, or a district of the same name).
    pub replaces: bool,
    /// Its border, simplified for drawing (`(lat, lng)` rings).
    pub outline: Vec<Vec<(f64, f64)>>,
}

/// How many days an invitation's link works.
pub const INVITATION_VALID_DAYS: i64 = 7;

/// An invitation waiting for its person to choose a password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub invited_by: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// Its link no longer works: it can be sent again.
    pub expired: bool,
}

/// What the administrator can disable, enable again, or delete when nothing refers to it. Categories are
/// disabled through their own "enabled" box; routing rules are deleted only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Retirable {
    Office,
    Category,
    Template,
    Contractor,
    District,
}

impl Retirable {
    pub const ALL: [Retirable; 5] = [
        Retirable::Office,
        Retirable::Category,
        Retirable::Template,
        Retirable::Contractor,
        Retirable::District,
    ];

    /// Its path segment, and the administration page's section (`/amministrazione/{slug}/{id}/{action}`).
    pub fn slug(self) -> &'static str {
        match self {
            Retirable::Office => "uffici",
            Retirable::Category => "categorie",
            Retirable::Template => "modelli",
            Retirable::Contractor => "ditte",
            Retirable::District => "aree",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s)
    }

    /// The name a refusal is shown under on the administration page (above the section's table).
    pub fn form(self) -> String {
        format!("retire-{}", self.slug())
    }

    /// The audit log's name of the thing.
    pub fn as_str(self) -> &'static str {
        match self {
            Retirable::Office => "office",
            Retirable::Category => "category",
            Retirable::Template => "template",
            Retirable::Contractor => "contractor",
            Retirable::District => "district",
        }
    }
}

/// What happens to a [`Retirable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Retire {
    Disable,
    Enable,
    Delete,
}

impl Retire {
    pub const ALL: [Retire; 3] = [Retire::Disable, Retire::Enable, Retire::Delete];

    pub fn slug(self) -> &'static str {
        match self {
            Retire::Disable => "disattiva",
            Retire::Enable => "riattiva",
            Retire::Delete => "elimina",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.slug() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Retire::Disable => "disable",
            Retire::Enable => "enable",
            Retire::Delete => "delete",
        }
    }

    /// The form's address for one thing.
    pub fn href(self, kind: Retirable, id: i32) -> String {
        format!("/amministrazione/{}/{id}/{}", kind.slug(), self.slug())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_retire_address_reads_back() {
        for kind in Retirable::ALL {
            assert_eq!(Retirable::from_slug(kind.slug()), Some(kind));
            for a in Retire::ALL {
                assert_eq!(Retire::from_slug(a.slug()), Some(a));
                assert!(
                    a.href(kind, 7)
                        .starts_with(&format!("/amministrazione/{}/7/", kind.slug()))
                );
            }
        }
        assert_eq!(Retirable::from_slug("personale"), None);
    }
}
