//! The report aggregate: kinds, the lifecycle state machine, receipt codes, validated text, and the read
//! models the pages show.

pub mod state;
pub mod submission;
pub mod work;

pub use state::{ReportKind, ReportState, StateCounts, open_to_all};

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::ReportId;
use crate::validation::{Field, Rule, ValidationError};

impl FromStr for ReportState {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| ValidationError::new(Field::State, Rule::UnknownValue))
    }
}

impl FromStr for ReportKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ValidationError::new(Field::Kind, Rule::UnknownValue))
    }
}

/// The code a citizen receives: `SEG-<year>-<six digits>`, unique within the year, e.g. `SEG-2026-000123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReceiptCode {
    year: u16,
    number: u32,
}

impl ReceiptCode {
    pub const PREFIX: &'static str = "SEG";
    /// Six digits: up to 999,999 reports a year.
    pub const MAX_NUMBER: u32 = 999_999;

    /// The `number`-th report of `year` (counting from 1).
    pub fn new(year: u16, number: u32) -> Result<Self, ValidationError> {
        if !(2000..=9999).contains(&year) || number == 0 || number > Self::MAX_NUMBER {
            return Err(Self::format_error());
        }
        Ok(Self { year, number })
    }

    fn format_error() -> ValidationError {
        ValidationError::new(
            Field::ReceiptCode,
            Rule::Format {
                expected: "SEG-2026-000123".into(),
            },
        )
    }

    /// Parses a code as typed by a person: case and surrounding spaces are forgiven.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ValidationError::new(Field::ReceiptCode, Rule::Required));
        }
        let upper = s.to_ascii_uppercase();
        let mut parts = upper.split('-');
        let (Some(prefix), Some(year), Some(number), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Self::format_error());
        };
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        if prefix != Self::PREFIX || !digits(year, 4) || !digits(number, 6) {
            return Err(Self::format_error());
        }
        let year = year.parse().map_err(|_| Self::format_error())?;
        let number = number.parse().map_err(|_| Self::format_error())?;
        Self::new(year, number)
    }

    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn number(&self) -> u32 {
        self.number
    }
}

impl fmt::Display for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}-{:06}", Self::PREFIX, self.year, self.number)
    }
}

impl TryFrom<String> for ReceiptCode {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ReceiptCode> for String {
    fn from(c: ReceiptCode) -> Self {
        c.to_string()
    }
}

/// A report's title: 5–120 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

impl Title {
    pub const MIN: usize = 5;
    pub const MAX: usize = 120;

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        crate::validation::text(Field::Title, s, Self::MIN, Self::MAX).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A report's description: up to 5,000 characters after trimming; required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Description(String);

impl Description {
    pub const MIN: usize = 1;
    pub const MAX: usize = 5000;

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        crate::validation::text(Field::Description, s, Self::MIN, Self::MAX).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_conversions {
    ($t:ident) => {
        impl TryFrom<String> for $t {
            type Error = ValidationError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> Self {
                v.0
            }
        }
    };
}
string_conversions!(Title);
string_conversions!(Description);

/// One report as a point on the map (and a row of the plain list beside it): only what the popup shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPin {
    pub id: ReportId,
    pub receipt_code: String,
    pub title: String,
    pub kind: ReportKind,
    pub state: ReportState,
    pub category: String,
    pub lat: f64,
    pub lng: f64,
    pub created_at: DateTime<Utc>,
}

/// The reports in a map viewport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Viewport {
    pub pins: Vec<MapPin>,
    /// How many public reports the viewport holds in all (the pins are the newest `pins.len()` of them).
    pub total: i64,
    /// When the server answered: ages ("3 days ago") are counted from here, so server and browser agree.
    pub now: DateTime<Utc>,
}

/// Who made a timeline entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "actor_kind", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// The citizen who sent the report (never named in public).
    Citizen,
    /// A member of staff, who signs the entry.
    Staff,
    /// Segnala itself (e.g. closing after the reopening window).
    System,
}

/// One entry of a report's public timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub from_state: Option<ReportState>,
    pub to_state: Option<ReportState>,
    pub note: Option<String>,
    pub actor_kind: ActorKind,
    /// The signature of a staff member ("ing. M. Rossi, Lavori pubblici"); not shown for citizens.
    pub actor: String,
    /// The role the staff member signed with (`office_manager`…; [`crate::user::Role`]'s machine name).
    pub role: Option<String>,
    pub office: Option<String>,
    pub at: DateTime<Utc>,
}

/// One of the signed-in person's own reports, as "La mia pagina" lists them (private ones included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyReport {
    pub receipt_code: String,
    pub title: String,
    pub kind: ReportKind,
    pub state: ReportState,
    pub category: String,
    pub is_public: bool,
    pub created_at: DateTime<Utc>,
}

/// A comment, as a page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub at: DateTime<Utc>,
    /// Only staff pages see hidden comments (with this flag); public pages leave them out.
    pub hidden: bool,
    pub abuse_reports: i32,
}

/// Everything the public report page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDetail {
    pub id: ReportId,
    pub receipt_code: String,
    pub title: String,
    pub description: String,
    pub kind: ReportKind,
    pub state: ReportState,
    pub category: String,
    pub office: Option<String>,
    pub district: Option<String>,
    pub lat: f64,
    pub lng: f64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub timeline: Vec<TimelineEntry>,
    /// Its photos (hidden ones left out), in the order they were sent.
    pub photos: Vec<PhotoRef>,
    /// People who said "same problem" instead of filing it again.
    pub supporters: i64,
    /// The reporter's name, when they chose to show it.
    pub reporter: Option<String>,
    /// When the answer is due by the category's SLA.
    pub sla_due_at: DateTime<Utc>,
    /// False for a private report (shown only to its reporter and staff).
    pub is_public: bool,
    /// Its public comments (hidden ones left out), oldest first.
    pub comments: Vec<CommentView>,
    /// Whether the page's viewer may comment, follows it, and is a member of staff who may work on it.
    pub viewer: ViewerOnReport,
    pub now: DateTime<Utc>,
    /// Its response times beside its category's medians.
    #[serde(default)]
    pub pace: Pace,
}

/// How fast a report was answered, beside its category's medians over the statistics' window (`None` when the
/// step has not happened, or the median is on too few reports to be shown).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Pace {
    pub take_s: Option<f64>,
    pub take_median_s: Option<f64>,
    pub resolve_s: Option<f64>,
    pub resolve_median_s: Option<f64>,
    pub min_reports: i64,
}

impl ReportDetail {
    /// Still open and past its SLA date.
    pub fn overdue(&self) -> bool {
        self.state.is_open() && self.sla_due_at < self.now
    }
}

/// What the report page's viewer may do there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ViewerOnReport {
    pub signed_in: bool,
    pub may_comment: bool,
    pub follows: bool,
    pub may_work: bool,
}

/// A photo of a report: the full-size image and its thumbnail, as addresses on this site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub url: String,
    pub thumb_url: String,
    pub width: i32,
    pub height: i32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportState::*;

    #[test]
    fn states_count_in_their_listed_order() {
        assert_eq!(ReportState::ALL.len(), ReportState::COUNT);
        for (i, s) in ReportState::ALL.into_iter().enumerate() {
            assert_eq!(s.index(), i, "{s}");
        }
        let mut c = StateCounts::default();
        c.add(Resolved, 2);
        c.add(Submitted, 1);
        c.add(Resolved, u32::MAX);
        assert_eq!(
            (c.get(Submitted), c.get(Resolved), c.get(Closed)),
            (1, u32::MAX, 0)
        );
        assert_eq!(c.iter().next(), Some((Submitted, 1)));
        assert!(Resolved.is_resolved() && Closed.is_resolved() && !Rejected.is_resolved());
        assert!(ReportState::ALL.iter().all(|s| !(s.is_open() && s.is_resolved())));
    }

    #[test]
    fn happy_path_is_allowed() {
        let path = [Submitted, InCharge, Assigned, InProgress, Resolved, Closed];
        for w in path.windows(2) {
            assert!(w[0].can_become(w[1]), "{} -> {}", w[0], w[1]);
        }
    }

    #[test]
    fn shortcuts_and_side_exits() {
        assert!(Submitted.can_become(Rejected));
        assert!(Submitted.can_become(Duplicate));
        assert!(InCharge.can_become(Resolved));
        assert!(Resolved.can_become(Reopened));
        assert!(Closed.can_become(Reopened));
        assert!(Rejected.can_become(Reopened));
        assert!(Reopened.can_become(InCharge));
    }

    #[test]
    fn forbidden_moves() {
        assert!(!Submitted.can_become(Resolved), "must be taken in charge first");
        assert!(!Submitted.can_become(Closed));
        assert!(!Closed.can_become(InProgress), "must be reopened first");
        assert!(!Resolved.can_become(Submitted));
        assert!(!Reopened.can_become(Closed));
        for s in ReportState::ALL {
            assert!(!s.can_become(s), "{s} -> {s} is not a transition");
            assert!(!s.can_become(Submitted), "nothing goes back to submitted");
        }
    }

    #[test]
    fn every_state_is_reachable_and_every_state_but_closed_can_move() {
        for target in ReportState::ALL.into_iter().filter(|s| *s != Submitted) {
            assert!(
                ReportState::ALL.iter().any(|s| s.can_become(target)),
                "{target} unreachable"
            );
        }
        for s in ReportState::ALL {
            assert!(!s.next_states().is_empty(), "{s} is a dead end");
        }
    }

    #[test]
    fn states_and_kinds_parse_their_own_names() {
        for s in ReportState::ALL {
            assert_eq!(s.as_str().parse::<ReportState>().expect("parse"), s);
        }
        for k in ReportKind::ALL {
            assert_eq!(k.as_str().parse::<ReportKind>().expect("parse"), k);
        }
        assert_eq!(
            "done".parse::<ReportState>().unwrap_err().rule,
            Rule::UnknownValue
        );
        assert_eq!("praise".parse::<ReportKind>().unwrap_err().field, Field::Kind);
    }

    #[test]
    fn receipt_code_formats_and_parses() {
        let c = ReceiptCode::new(2026, 123).expect("valid");
        assert_eq!(c.to_string(), "SEG-2026-000123");
        assert_eq!(ReceiptCode::parse(" seg-2026-000123 ").expect("lenient"), c);
        assert_eq!(
            ReceiptCode::new(2025, 999_999).expect("max").to_string(),
            "SEG-2025-999999"
        );
    }

    #[test]
    fn receipt_code_rejects_bad_input() {
        for bad in [
            "SEG-2026-123",
            "SEG-26-000123",
            "ABC-2026-000123",
            "SEG-2026-000123-1",
            "SEG2026000123",
            "SEG-2026-00012a",
            "SEG-2026-000000",
            "SEG-1999-000001",
            "SEG-+026-000001",
        ] {
            let e = ReceiptCode::parse(bad).unwrap_err();
            assert_eq!(e.field, Field::ReceiptCode, "{bad}");
        }
        assert_eq!(ReceiptCode::parse("").unwrap_err().rule, Rule::Required);
        assert!(ReceiptCode::new(2026, 1_000_000).is_err());
    }

    #[test]
    fn receipt_code_serde_validates() {
        let c: ReceiptCode = serde_json::from_str("\"SEG-2026-000001\"").expect("valid");
        assert_eq!(c.number(), 1);
        assert!(serde_json::from_str::<ReceiptCode>("\"SEG-2026-1\"").is_err());
    }

    #[test]
    fn title_and_description_rules() {
        assert_eq!(
            Title::parse("  Buca in via Roma ").expect("ok").as_str(),
            "Buca in via Roma"
        );
        assert_eq!(Title::parse("   ").unwrap_err().rule, Rule::Required);
        assert_eq!(Title::parse("Buca").unwrap_err().rule, Rule::TooShort { min: 5 });
        let long = "è".repeat(121);
        assert_eq!(Title::parse(&long).unwrap_err().rule, Rule::TooLong { max: 120 });
        assert!(
            Title::parse(&"è".repeat(120)).is_ok(),
            "counts characters, not bytes"
        );
        assert_eq!(Description::parse("").unwrap_err().field, Field::Description);
        assert_eq!(
            Description::parse(&"x".repeat(5001)).unwrap_err().rule,
            Rule::TooLong { max: 5000 }
        );
    }
}
