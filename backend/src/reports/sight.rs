//! The staff's sight (`shared::permission::StaffSight`) in SQL: `report_in_sight(…)` (migrations/0017) with the
//! sight's fields as its arguments. Every staff listing that names reports filters by it, and the staff page asks
//! the same rule in Rust ([`super::work::may_view_work`]), so a report is listed exactly when it can be opened.

use shared::permission::StaffSight;
use sqlx::{Postgres, QueryBuilder};

/// The sight's fields as SQL arguments, in `report_in_sight`'s order after the report's own columns.
#[derive(Debug, Clone, PartialEq)]
pub struct SightArgs {
    pub open_to_all: bool,
    pub all: bool,
    pub offices: Vec<i32>,
    pub person: Option<i64>,
    pub contractor: Option<i32>,
    pub own: Option<i64>,
}

impl From<&StaffSight> for SightArgs {
    fn from(s: &StaffSight) -> Self {
        Self {
            open_to_all: s.open_to_all,
            all: s.all,
            offices: s.offices.iter().map(|o| o.0).collect(),
            person: s.person.map(|u| u.0),
            contractor: s.contractor.map(|c| c.0),
            own: s.own.map(|u| u.0),
        }
    }
}

/// The report's own arguments of `report_in_sight`, for the report aliased `r`.
pub const REPORT_COLUMNS: &str = "report_open_to_all(r.is_public, r.is_internal, r.confirmed_at), r.office_id, \
                                  r.assigned_user_id, r.assigned_contractor_id, r.reporter_id";

/// `report_in_sight(…)` for the report aliased `r`, the sight bound, in a query being assembled.
pub fn push_in_sight(qb: &mut QueryBuilder<Postgres>, sight: &SightArgs) {
    qb.push("report_in_sight(")
        .push(REPORT_COLUMNS)
        .push(", ")
        .push_bind(sight.open_to_all)
        .push(", ")
        .push_bind(sight.all)
        .push(", ")
        .push_bind(sight.offices.clone())
        .push(", ")
        .push_bind(sight.person)
        .push(", ")
        .push_bind(sight.contractor)
        .push(", ")
        .push_bind(sight.own)
        .push(")");
}
