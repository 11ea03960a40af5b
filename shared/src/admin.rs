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
    /// How its address and people hear of new reports.
    pub new_report_mail: OfficeMail,
}

/// How an office hears of the reports that reach it: each at once, all of a day in one message (at 07:00), or
/// not by email (its people watch the inbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OfficeMail {
    #[default]
    Immediate,
    Daily,
    None,
}

impl OfficeMail {
    pub const ALL: [OfficeMail; 3] = [OfficeMail::Immediate, OfficeMail::Daily, OfficeMail::None];

    /// As the database and the form write it.
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeMail::Immediate => "immediate",
            OfficeMail::Daily => "daily",
            OfficeMail::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self, locale: crate::Locale) -> &'static str {
        use crate::Locale::{En, It};
        match (self, locale) {
            (OfficeMail::Immediate, It) => "Nuove segnalazioni: subito, una per email",
            (OfficeMail::Immediate, En) => "New reports: at once, one email each",
            (OfficeMail::Daily, It) => "Nuove segnalazioni: un riepilogo al giorno (alle 7)",
            (OfficeMail::Daily, En) => "New reports: one digest a day (at 7)",
            (OfficeMail::None, It) => "Nuove segnalazioni: nessuna email",
            (OfficeMail::None, En) => "New reports: no email",
        }
    }
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
    /// Ignored by routing, kept to enable again.
    pub disabled: bool,
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
    /// The gazetteer: streets, and house numbers.
    pub streets: i64,
    pub house_numbers: i64,
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

/// What a street import did: counts, and the lines it skipped with the reason of each (the first
/// [`MAX_REPORTED_PROBLEMS`]; `skipped` counts them all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetImportReport {
    /// Data lines read (features, for GeoJSON).
    pub lines: u32,
    pub streets_added: u32,
    pub streets_updated: u32,
    pub numbers: u32,
    pub skipped: u32,
    pub problems: Vec<LineProblem>,
    /// The whole gazetteer after the import.
    pub total_streets: i64,
    pub total_numbers: i64,
}

/// At most this many skipped lines are described one by one.
pub const MAX_REPORTED_PROBLEMS: usize = 50;

/// A line of a street file that was skipped, and why (`line`: its number in the file, the header being 1; for
/// GeoJSON, the feature's, from 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineProblem {
    pub line: u32,
    pub problem: StreetProblem,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum StreetProblem {
    /// The line does not read as CSV (a stray quote), or has fewer fields than the header.
    Unreadable,
    NoName,
    /// A house number without coordinates, or coordinates that are not numbers.
    BadCoordinates {
        value: String,
    },
    /// A house number that is not one ("-", "s.n.c.").
    BadNumber {
        value: String,
    },
    /// Outside the municipality's boundary.
    Outside,
    /// A GeoJSON feature that is neither a street line nor an address point.
    NotStreet,
}

impl LineProblem {
    pub fn message(&self, locale: crate::Locale) -> String {
        use crate::Locale::{En, It};
        let line = self.line;
        match (&self.problem, locale) {
            (StreetProblem::Unreadable, It) => {
                format!("riga {line}: non si legge come CSV (virgolette o campi mancanti)")
            }
            (StreetProblem::Unreadable, En) => {
                format!("line {line}: does not read as CSV (quotes or missing fields)")
            }
            (StreetProblem::NoName, It) => format!("riga {line}: manca il nome della via"),
            (StreetProblem::NoName, En) => format!("line {line}: the street has no name"),
            (StreetProblem::BadCoordinates { value }, It) => {
                format!("riga {line}: coordinate non valide «{value}»")
            }
            (StreetProblem::BadCoordinates { value }, En) => {
                format!("line {line}: invalid coordinates “{value}”")
            }
            (StreetProblem::BadNumber { value }, It) => {
                format!("riga {line}: numero civico non valido «{value}»")
            }
            (StreetProblem::BadNumber { value }, En) => {
                format!("line {line}: invalid house number “{value}”")
            }
            (StreetProblem::Outside, It) => format!("riga {line}: fuori dal confine comunale"),
            (StreetProblem::Outside, En) => format!("line {line}: outside the municipal boundary"),
            (StreetProblem::NotStreet, It) => {
                format!(
                    "elemento {line}: né una via (linea con nome) né un civico (punto con addr:street e addr:housenumber)"
                )
            }
            (StreetProblem::NotStreet, En) => {
                format!(
                    "feature {line}: neither a street (a named line) nor a house number (a point with addr:street and addr:housenumber)"
                )
            }
        }
    }
}

/// What a form post of the administration page answers besides an error: an area upload's preview, a street
/// import's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FormOutcome {
    AreaPreview(AreaPreview),
    StreetImport(StreetImportReport),
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
