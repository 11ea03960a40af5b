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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractorRow {
    pub id: ContractorId,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaRow {
    pub id: AreaId,
    pub municipality: bool,
    pub name: String,
    pub km2: f64,
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
