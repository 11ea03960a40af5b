//! Who may do what: one table of roles × actions, and [`can`], which the service layer asks before every change.
//! No door (page, `#[server]` fn, REST handler) decides permissions on its own: they pass the viewer down.
//!
//! A cell of the table is a [`Grant`]: never, always, or only on targets in the person's own offices, assigned
//! to them or their company, or their own. The same table serves the back office, the citizens' pages and the
//! REST API; `tests::the_table_names_every_role_and_action` prints it whole.

use serde::{Deserialize, Serialize};

use crate::ids::{ContractorId, OfficeId, UserId};
use crate::user::{Role, Viewer};

/// Something a person may want to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ViewPublicReports,
    SubmitReport,
    CommentOnReport,
    FollowReport,
    /// "Same problem": join a report as a supporter instead of filing a new one.
    SupportReport,
    ViewPrivateReport,
    ViewReporterContact,
    ViewInbox,
    TakeInCharge,
    AssignReport,
    SetPriority,
    ChangeReportState,
    PublishUpdate,
    AddInternalNote,
    ReclassifyReport,
    MarkDuplicate,
    RejectReport,
    PostContractorProgress,
    ValidateCompletion,
    ModerateContent,
    FileInternalReport,
    IntakeOnBehalf,
    ViewStaffDashboard,
    ExportData,
    ManageOffices,
    ManageCategories,
    ManageAreas,
    ManageRoutingRules,
    ManageStaff,
    ReadDevMailbox,
    RegeneratePeriodicReports,
    ManageOwnAccount,
}

/// How far a role's permission for an action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    No,
    Yes,
    /// Only on reports (or offices) of the offices the person works for.
    OwnOffices,
    /// Only on reports assigned to the person or to their company.
    Assigned,
    /// Only on their own reports or their own account.
    Own,
}

/// What an action is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// The municipality as a whole (configuration, the mailbox, creating a report).
    Municipality,
    Office(OfficeId),
    Report(&'a ReportAccess),
    User(UserId),
}

/// The facts about a report that permissions depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReportAccess {
    pub office: Option<OfficeId>,
    pub reporter: Option<UserId>,
    pub assigned_user: Option<UserId>,
    pub assigned_contractor: Option<ContractorId>,
}

use Grant::{Assigned as A, No as N, Own as S, OwnOffices as O, Yes as Y};

/// Column order of [`TABLE`]: visitors who are not signed in, then [`Role::ALL`].
pub const COLUMNS: [&str; 9] = [
    "anonymous",
    "citizen",
    "administrator",
    "urp_operator",
    "office_manager",
    "office_staff",
    "contractor",
    "moderator",
    "observer",
];

/// The permission table, one row per action in [`Action::ALL`] order.
#[rustfmt::skip]
pub const TABLE: [(Action, [Grant; 9]); 32] = [
    //                                anon citz admin urp  mngr staff contr moder obsrv
    (Action::ViewPublicReports,       [Y,   Y,   Y,    Y,   Y,   Y,    Y,    Y,    Y]),
    // Anonymous visitors confirm their email address for the one action (issue: citizens report).
    (Action::SubmitReport,            [Y,   Y,   Y,    Y,   Y,   Y,    N,    Y,    N]),
    (Action::CommentOnReport,         [Y,   Y,   N,    N,   N,   N,    N,    N,    N]),
    (Action::FollowReport,            [Y,   Y,   Y,    Y,   Y,   Y,    N,    Y,    Y]),
    (Action::SupportReport,           [Y,   Y,   N,    N,   N,   N,    N,    N,    N]),
    (Action::ViewPrivateReport,       [N,   S,   Y,    Y,   O,   O,    A,    N,    N]),
    (Action::ViewReporterContact,     [N,   S,   Y,    Y,   O,   O,    N,    N,    N]),
    (Action::ViewInbox,               [N,   N,   Y,    Y,   Y,   Y,    Y,    N,    Y]),
    (Action::TakeInCharge,            [N,   N,   Y,    Y,   O,   O,    N,    N,    N]),
    (Action::AssignReport,            [N,   N,   Y,    Y,   O,   N,    N,    N,    N]),
    (Action::SetPriority,             [N,   N,   Y,    Y,   O,   O,    N,    N,    N]),
    (Action::ChangeReportState,       [N,   N,   Y,    Y,   O,   O,    A,    N,    N]),
    (Action::PublishUpdate,           [N,   N,   Y,    Y,   O,   O,    N,    N,    N]),
    (Action::AddInternalNote,         [N,   N,   Y,    Y,   O,   O,    A,    N,    N]),
    (Action::ReclassifyReport,        [N,   N,   Y,    Y,   O,   N,    N,    N,    N]),
    (Action::MarkDuplicate,           [N,   N,   Y,    Y,   O,   O,    N,    N,    N]),
    (Action::RejectReport,            [N,   N,   Y,    Y,   O,   N,    N,    N,    N]),
    (Action::PostContractorProgress,  [N,   N,   N,    N,   N,   N,    A,    N,    N]),
    (Action::ValidateCompletion,      [N,   N,   Y,    Y,   O,   O,    N,    N,    N]),
    (Action::ModerateContent,         [N,   N,   Y,    Y,   N,   N,    N,    Y,    N]),
    (Action::FileInternalReport,      [N,   N,   Y,    Y,   Y,   Y,    N,    N,    N]),
    (Action::IntakeOnBehalf,          [N,   N,   Y,    Y,   N,   N,    N,    N,    N]),
    (Action::ViewStaffDashboard,      [N,   N,   Y,    Y,   Y,   Y,    N,    N,    Y]),
    (Action::ExportData,              [N,   N,   Y,    Y,   Y,   N,    N,    N,    Y]),
    (Action::ManageOffices,           [N,   N,   Y,    N,   N,   N,    N,    N,    N]),
    (Action::ManageCategories,        [N,   N,   Y,    N,   N,   N,    N,    N,    N]),
    (Action::ManageAreas,             [N,   N,   Y,    N,   N,   N,    N,    N,    N]),
    (Action::ManageRoutingRules,      [N,   N,   Y,    N,   N,   N,    N,    N,    N]),
    (Action::ManageStaff,             [N,   N,   Y,    N,   N,   N,    N,    N,    N]),
    (Action::ReadDevMailbox,          [N,   N,   Y,    N,   N,   N,    N,    N,    N]),
    (Action::RegeneratePeriodicReports, [N, N,   Y,    N,   N,   N,    N,    N,    N]),
    (Action::ManageOwnAccount,        [N,   S,   S,    S,   S,   S,    S,    S,    S]),
];

impl Action {
    /// Every action, in the table's order.
    pub const ALL: [Action; 32] = {
        let mut all = [Action::ViewPublicReports; 32];
        let mut i = 0;
        while i < TABLE.len() {
            all[i] = TABLE[i].0;
            i += 1;
        }
        all
    };
}

/// The grant of `role` (or of an anonymous visitor, `None`) for `action`.
pub fn grant(role: Option<Role>, action: Action) -> Grant {
    let column = match role {
        None => 0,
        Some(r) => 1 + Role::ALL.iter().position(|x| *x == r).unwrap_or(0),
    };
    TABLE
        .iter()
        .find(|(a, _)| *a == action)
        .map_or(Grant::No, |(_, row)| row[column])
}

/// Whether `viewer` (`None`: not signed in) may do `action` on `target`.
pub fn can(viewer: Option<&Viewer>, action: Action, target: Target<'_>) -> bool {
    let g = grant(viewer.map(|v| v.role), action);
    match (g, viewer) {
        (Grant::No, _) => false,
        (Grant::Yes, _) => true,
        (_, None) => false,
        (Grant::OwnOffices, Some(v)) => match target {
            Target::Office(o) => v.offices.contains(&o),
            Target::Report(r) => r.office.is_some_and(|o| v.offices.contains(&o)),
            Target::Municipality | Target::User(_) => false,
        },
        (Grant::Assigned, Some(v)) => match target {
            Target::Report(r) => {
                r.assigned_user == Some(v.id)
                    || (v.contractor.is_some() && r.assigned_contractor == v.contractor)
            }
            _ => false,
        },
        (Grant::Own, Some(v)) => match target {
            Target::Report(r) => r.reporter == Some(v.id),
            Target::User(u) => u == v.id,
            Target::Municipality | Target::Office(_) => false,
        },
    }
}

/// Which reports a person may open on the staff side: a report's staff page, and with it every staff listing
/// that names reports (the inbox and its map, the dashboard's deadlines, the exports). One rule for the page and
/// the lists: Rust asks [`StaffSight::allows`], SQL asks `report_in_sight(…)` with the same fields (a test holds
/// the two together, and another walks every role × every listing).
///
/// From the table: the reports the person may see privately (`ViewPrivateReport`: every one, their offices',
/// those assigned to them or their company), and — for staff who read the inbox or moderate, contractors aside
/// — every report everyone sees. Citizens see no staff page (their own reports are on the public side).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffSight {
    /// Every report everyone may see (public, confirmed, not internal).
    pub open_to_all: bool,
    /// Every report, private and internal ones included.
    pub all: bool,
    /// Reports of these offices.
    pub offices: Vec<OfficeId>,
    /// Reports assigned to this person.
    pub person: Option<UserId>,
    /// Reports assigned to this company.
    pub contractor: Option<ContractorId>,
    /// Reports this person sent.
    pub own: Option<UserId>,
}

impl StaffSight {
    /// What `viewer` may open on the staff side (nothing when not signed in, or a citizen).
    pub fn of(viewer: Option<&Viewer>) -> Self {
        let Some(v) = viewer.filter(|v| v.role != Role::Citizen) else {
            return Self::default();
        };
        let mut sight = Self {
            open_to_all: v.role != Role::Contractor
                && (can(Some(v), Action::ViewInbox, Target::Municipality)
                    || can(Some(v), Action::ModerateContent, Target::Municipality)),
            ..Self::default()
        };
        match grant(Some(v.role), Action::ViewPrivateReport) {
            Grant::Yes => sight.all = true,
            Grant::OwnOffices => sight.offices = v.offices.clone(),
            Grant::Assigned => {
                sight.person = Some(v.id);
                sight.contractor = v.contractor;
            }
            Grant::Own => sight.own = Some(v.id),
            Grant::No => {}
        }
        sight
    }

    /// Whether the report (its facts, and whether everyone sees it) is in sight.
    pub fn allows(&self, r: &ReportAccess, open_to_all: bool) -> bool {
        (self.open_to_all && open_to_all)
            || self.all
            || r.office.is_some_and(|o| self.offices.contains(&o))
            || (self.person.is_some() && r.assigned_user == self.person)
            || (self.contractor.is_some() && r.assigned_contractor == self.contractor)
            || (self.own.is_some() && r.reporter == self.own)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every role × every kind of report: the sight is what the table grants — a private report when
    /// `ViewPrivateReport` allows it, one everyone sees for inbox readers and moderators (contractors aside),
    /// nothing for citizens.
    #[test]
    fn the_staff_sight_is_the_tables() {
        let offices = [Some(OfficeId(1)), Some(OfficeId(2))];
        let people = [None, Some(UserId(7)), Some(UserId(8))];
        let companies = [None, Some(ContractorId(3)), Some(ContractorId(4))];
        for role in Role::ALL {
            let v = viewer(role);
            let sight = StaffSight::of(Some(&v));
            for office in offices {
                for reporter in people {
                    for assigned_user in people {
                        for assigned_contractor in companies {
                            let r = ReportAccess {
                                office,
                                reporter,
                                assigned_user,
                                assigned_contractor,
                            };
                            for open in [false, true] {
                                let expected = role != Role::Citizen
                                    && (can(Some(&v), Action::ViewPrivateReport, Target::Report(&r))
                                        || (open
                                            && role != Role::Contractor
                                            && (can(Some(&v), Action::ViewInbox, Target::Municipality)
                                                || can(
                                                    Some(&v),
                                                    Action::ModerateContent,
                                                    Target::Municipality,
                                                ))));
                                assert_eq!(sight.allows(&r, open), expected, "{role:?} {r:?} open={open}");
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(StaffSight::of(None), StaffSight::default());
        // The observer of the testers' report: public reports only.
        let o = StaffSight::of(Some(&viewer(Role::Observer)));
        assert!(o.open_to_all && !o.all && o.offices.is_empty());
    }

    fn viewer(role: Role) -> Viewer {
        Viewer {
            id: UserId(7),
            name: "Maria Rossi".into(),
            email: "maria@esempio.it".into(),
            role,
            offices: if role.needs_office() {
                vec![OfficeId(1)]
            } else {
                vec![]
            },
            contractor: (role == Role::Contractor).then_some(ContractorId(3)),
        }
    }

    fn letter(g: Grant) -> &'static str {
        match g {
            Grant::No => "-",
            Grant::Yes => "Y",
            Grant::OwnOffices => "office",
            Grant::Assigned => "assigned",
            Grant::Own => "own",
        }
    }

    /// Walks every role × action and compares the whole table with the one written out here, so a change to
    /// any permission shows in review as a change to this picture.
    #[test]
    fn the_table_names_every_role_and_action() {
        let mut picture = String::new();
        for action in Action::ALL {
            let cells: Vec<String> = std::iter::once(None)
                .chain(Role::ALL.into_iter().map(Some))
                .zip(COLUMNS)
                .map(|(role, col)| format!("{col}={}", letter(grant(role, action))))
                .collect();
            picture.push_str(&format!("{action:?}: {}\n", cells.join(" ")));
        }
        let expected = "\
ViewPublicReports: anonymous=Y citizen=Y administrator=Y urp_operator=Y office_manager=Y office_staff=Y contractor=Y moderator=Y observer=Y
SubmitReport: anonymous=Y citizen=Y administrator=Y urp_operator=Y office_manager=Y office_staff=Y contractor=- moderator=Y observer=-
CommentOnReport: anonymous=Y citizen=Y administrator=- urp_operator=- office_manager=- office_staff=- contractor=- moderator=- observer=-
FollowReport: anonymous=Y citizen=Y administrator=Y urp_operator=Y office_manager=Y office_staff=Y contractor=- moderator=Y observer=Y
SupportReport: anonymous=Y citizen=Y administrator=- urp_operator=- office_manager=- office_staff=- contractor=- moderator=- observer=-
ViewPrivateReport: anonymous=- citizen=own administrator=Y urp_operator=Y office_manager=office office_staff=office contractor=assigned moderator=- observer=-
ViewReporterContact: anonymous=- citizen=own administrator=Y urp_operator=Y office_manager=office office_staff=office contractor=- moderator=- observer=-
ViewInbox: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=Y office_staff=Y contractor=Y moderator=- observer=Y
TakeInCharge: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=office office_staff=office contractor=- moderator=- observer=-
AssignReport: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=office office_staff=- contractor=- moderator=- observer=-
SetPriority: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=office office_staff=office contractor=- moderator=- observer=-
ChangeReportState: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=office office_staff=office contractor=assigned moderator=- observer=-
PublishUpdate: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=office office_staff=office contractor=- moderator=- observer=-
AddInternalNote: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=office office_staff=office contractor=assigned moderator=- observer=-
ReclassifyReport: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=office office_staff=- contractor=- moderator=- observer=-
MarkDuplicate: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=office office_staff=office contractor=- moderator=- observer=-
RejectReport: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=office office_staff=- contractor=- moderator=- observer=-
PostContractorProgress: anonymous=- citizen=- administrator=- urp_operator=- office_manager=- office_staff=- contractor=assigned moderator=- observer=-
ValidateCompletion: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=office office_staff=office contractor=- moderator=- observer=-
ModerateContent: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=- office_staff=- contractor=- moderator=Y observer=-
FileInternalReport: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=Y office_staff=Y contractor=- moderator=- observer=-
IntakeOnBehalf: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=- office_staff=- contractor=- moderator=- observer=-
ViewStaffDashboard: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=Y office_staff=Y contractor=- moderator=- observer=Y
ExportData: anonymous=- citizen=- administrator=Y urp_operator=Y office_manager=Y office_staff=- contractor=- moderator=- observer=Y
ManageOffices: anonymous=- citizen=- administrator=Y urp_operator=- office_manager=- office_staff=- contractor=- moderator=- observer=-
ManageCategories: anonymous=- citizen=- administrator=Y urp_operator=- office_manager=- office_staff=- contractor=- moderator=- observer=-
ManageAreas: anonymous=- citizen=- administrator=Y urp_operator=- office_manager=- office_staff=- contractor=- moderator=- observer=-
ManageRoutingRules: anonymous=- citizen=- administrator=Y urp_operator=- office_manager=- office_staff=- contractor=- moderator=- observer=-
ManageStaff: anonymous=- citizen=- administrator=Y urp_operator=- office_manager=- office_staff=- contractor=- moderator=- observer=-
ReadDevMailbox: anonymous=- citizen=- administrator=Y urp_operator=- office_manager=- office_staff=- contractor=- moderator=- observer=-
RegeneratePeriodicReports: anonymous=- citizen=- administrator=Y urp_operator=- office_manager=- office_staff=- contractor=- moderator=- observer=-
ManageOwnAccount: anonymous=- citizen=own administrator=own urp_operator=own office_manager=own office_staff=own contractor=own moderator=own observer=own
";
        assert_eq!(picture, expected);
        // Every action has exactly one row, and every role a column.
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(Action::ALL.iter().filter(|b| *b == a).count(), 1, "{a:?} twice");
            assert_eq!(TABLE[i].0, *a);
        }
        for (i, r) in Role::ALL.iter().enumerate() {
            assert_eq!(COLUMNS[i + 1], r.as_str());
        }
    }

    #[test]
    fn scoped_grants_look_at_the_target() {
        let staff = viewer(Role::OfficeStaff);
        let mine = ReportAccess {
            office: Some(OfficeId(1)),
            ..ReportAccess::default()
        };
        let other = ReportAccess {
            office: Some(OfficeId(2)),
            ..ReportAccess::default()
        };
        assert!(can(Some(&staff), Action::TakeInCharge, Target::Report(&mine)));
        assert!(!can(Some(&staff), Action::TakeInCharge, Target::Report(&other)));
        assert!(!can(Some(&staff), Action::TakeInCharge, Target::Municipality));
        assert!(can(
            Some(&viewer(Role::UrpOperator)),
            Action::TakeInCharge,
            Target::Report(&other)
        ));

        let contractor = viewer(Role::Contractor);
        let assigned = ReportAccess {
            office: Some(OfficeId(2)),
            assigned_contractor: Some(ContractorId(3)),
            ..ReportAccess::default()
        };
        assert!(can(
            Some(&contractor),
            Action::PostContractorProgress,
            Target::Report(&assigned)
        ));
        assert!(!can(
            Some(&contractor),
            Action::PostContractorProgress,
            Target::Report(&other)
        ));

        let citizen = viewer(Role::Citizen);
        let own = ReportAccess {
            reporter: Some(UserId(7)),
            ..ReportAccess::default()
        };
        assert!(can(
            Some(&citizen),
            Action::ViewPrivateReport,
            Target::Report(&own)
        ));
        assert!(!can(
            Some(&citizen),
            Action::ViewPrivateReport,
            Target::Report(&other)
        ));
        assert!(can(
            Some(&citizen),
            Action::ManageOwnAccount,
            Target::User(UserId(7))
        ));
        assert!(!can(
            Some(&citizen),
            Action::ManageOwnAccount,
            Target::User(UserId(8))
        ));

        assert!(can(None, Action::ViewPublicReports, Target::Municipality));
        assert!(!can(None, Action::ManageOwnAccount, Target::User(UserId(7))));
        assert!(!can(None, Action::ViewPrivateReport, Target::Report(&own)));
        assert!(can(
            Some(&viewer(Role::Administrator)),
            Action::ReadDevMailbox,
            Target::Municipality
        ));
        assert!(!can(
            Some(&viewer(Role::UrpOperator)),
            Action::ReadDevMailbox,
            Target::Municipality
        ));
    }
}
