//! The back office's side of a report: priorities, channels, the commands staff give (take in charge, assign,
//! publish an update…), answer templates, the inbox and the staff view of a report; and the public conversation
//! (comments).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{CommentView, ReportDetail, ReportKind, ReportState};
use crate::ids::{CategoryId, ContractorId, OfficeId, UserId};
use crate::locale::Locale;
pub use crate::validation::PLACEHOLDERS;
use crate::validation::{Field, Rule, ValidationError};

/// How urgent a report is for the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "report_priority", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

/// How a report reached the municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "report_channel", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Web,
    Api,
    Phone,
    Email,
    Counter,
    Letter,
}

macro_rules! named {
    ($t:ident, $field:expr, { $($v:ident => $name:literal, $it:literal, $en:literal;)* }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v),*];
            /// Stable machine name, as in SQL and forms.
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $name),* }
            }
            /// Name in the given language.
            pub fn label(self, locale: Locale) -> &'static str {
                match (self, locale) { $(($t::$v, Locale::It) => $it, ($t::$v, Locale::En) => $en,)* }
            }
        }
        impl FromStr for $t {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($name => Ok($t::$v),)*
                    "" => Err(ValidationError::new($field, Rule::Required)),
                    _ => Err(ValidationError::new($field, Rule::UnknownValue)),
                }
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named!(Priority, Field::Priority, {
    Low => "low", "Bassa", "Low";
    Normal => "normal", "Normale", "Normal";
    High => "high", "Alta", "High";
    Urgent => "urgent", "Urgente", "Urgent";
});

named!(Channel, Field::Channel, {
    Web => "web", "Sito web", "Website";
    Api => "api", "API", "API";
    Phone => "phone", "Telefono", "Phone";
    Email => "email", "Email", "Email";
    Counter => "counter", "Sportello", "Counter";
    Letter => "letter", "Lettera", "Letter";
});

/// The text of a timeline entry (a public update, an internal note, a reason): 1–5,000 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note(String);

impl Note {
    pub const MAX: usize = 5000;

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        crate::validation::text(Field::Note, s, 1, Self::MAX).map(Self)
    }

    /// An optional note: empty is `None`.
    pub fn optional(s: &str) -> Result<Option<Self>, ValidationError> {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(s).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A comment on a report's public page: text only, 2–2,000 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentText(String);

impl CommentText {
    pub const MIN: usize = 2;
    pub const MAX: usize = 2000;

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        crate::validation::text(Field::Comment, s, Self::MIN, Self::MAX).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a template's text: every `{name}` is a known placeholder, braces are balanced.
pub fn check_template(body: &str) -> Result<(), ValidationError> {
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(ValidationError::new(
                Field::Template,
                Rule::Format {
                    expected: "{codice}".into(),
                },
            ));
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(ValidationError::new(
                Field::Template,
                Rule::UnknownPlaceholder {
                    name: name.to_owned(),
                },
            ));
        }
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(ValidationError::new(
            Field::Template,
            Rule::Format {
                expected: "{codice}".into(),
            },
        ));
    }
    Ok(())
}

/// Fills a checked template: `values` in [`PLACEHOLDERS`] order.
pub fn fill_template(body: &str, values: &[&str; 6]) -> String {
    let mut out = body.to_owned();
    for (name, value) in PLACEHOLDERS.iter().zip(values) {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Who a report is assigned to, as chosen on the staff page: `office:3`, `user:12`, `contractor:5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assignee {
    Office(OfficeId),
    User(UserId),
    Contractor(ContractorId),
}

impl Assignee {
    pub fn key(self) -> String {
        match self {
            Assignee::Office(o) => format!("office:{o}"),
            Assignee::User(u) => format!("user:{u}"),
            Assignee::Contractor(c) => format!("contractor:{c}"),
        }
    }
}

impl FromStr for Assignee {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ValidationError::new(Field::Assignee, Rule::UnknownValue);
        let s = s.trim();
        if s.is_empty() {
            return Err(ValidationError::new(Field::Assignee, Rule::Required));
        }
        let (kind, id) = s.split_once(':').ok_or_else(bad)?;
        match kind {
            "office" => id
                .parse()
                .map(|i| Assignee::Office(OfficeId(i)))
                .map_err(|_| bad()),
            "user" => id.parse().map(|i| Assignee::User(UserId(i))).map_err(|_| bad()),
            "contractor" => id
                .parse()
                .map(|i| Assignee::Contractor(ContractorId(i)))
                .map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

/// What a member of staff (or a contractor) does to a report. Every command carries the version of the report
/// the person saw (optimistic concurrency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    TakeInCharge {
        note: Option<Note>,
    },
    Assign {
        to: Assignee,
        due: Option<NaiveDate>,
        note: Option<Note>,
    },
    SetPriority(Priority),
    ChangeState {
        to: ReportState,
        note: Option<Note>,
    },
    /// A public update, signed.
    PublishUpdate(Note),
    /// Never leaves the staff side.
    InternalNote(Note),
    Reclassify {
        category: CategoryId,
        note: Option<Note>,
    },
    MarkDuplicate {
        of: super::ReceiptCode,
    },
    Reject {
        reason: Note,
    },
    SetVisibility {
        public: bool,
    },
    /// A contractor's progress (internal) or completion (waits for the office's validation).
    ContractorProgress {
        note: Note,
        done: bool,
    },
    /// The office accepts a contractor's completion: the report is resolved with a public update.
    ValidateCompletion {
        note: Note,
    },
    HidePhoto {
        photo: i64,
        hidden: bool,
    },
    HideComment {
        comment: i64,
        hidden: bool,
    },
}

impl Command {
    /// The permission the command needs.
    pub fn action(&self) -> crate::permission::Action {
        use crate::permission::Action as A;
        match self {
            Command::TakeInCharge { .. } => A::TakeInCharge,
            Command::Assign { .. } => A::AssignReport,
            Command::SetPriority(_) => A::SetPriority,
            Command::ChangeState { .. } => A::ChangeReportState,
            Command::PublishUpdate(_) => A::PublishUpdate,
            Command::InternalNote(_) => A::AddInternalNote,
            Command::Reclassify { .. } => A::ReclassifyReport,
            Command::MarkDuplicate { .. } => A::MarkDuplicate,
            Command::Reject { .. } => A::RejectReport,
            Command::SetVisibility { .. } => A::ModerateContent,
            Command::ContractorProgress { .. } => A::PostContractorProgress,
            Command::ValidateCompletion { .. } => A::ValidateCompletion,
            Command::HidePhoto { .. } | Command::HideComment { .. } => A::ModerateContent,
        }
    }

    /// Stable name, as in the audit log and the staff forms' addresses.
    pub fn name(&self) -> &'static str {
        match self {
            Command::TakeInCharge { .. } => "take_in_charge",
            Command::Assign { .. } => "assign",
            Command::SetPriority(_) => "set_priority",
            Command::ChangeState { .. } => "change_state",
            Command::PublishUpdate(_) => "publish_update",
            Command::InternalNote(_) => "internal_note",
            Command::Reclassify { .. } => "reclassify",
            Command::MarkDuplicate { .. } => "mark_duplicate",
            Command::Reject { .. } => "reject",
            Command::SetVisibility { .. } => "set_visibility",
            Command::ContractorProgress { .. } => "contractor_progress",
            Command::ValidateCompletion { .. } => "validate_completion",
            Command::HidePhoto { .. } => "hide_photo",
            Command::HideComment { .. } => "hide_comment",
        }
    }

    /// Reads a staff form: `command` names the command; the other fields are its arguments. Lenient about
    /// what is missing: the error names the field and the rule.
    pub fn from_form(command: &str, get: impl Fn(&str) -> String) -> Result<Self, ValidationError> {
        let note = |name: &str| Note::optional(&get(name));
        let flag = |name: &str| matches!(get(name).as_str(), "true" | "on" | "1" | "si" | "yes");
        let id = |name: &str, field: Field| {
            get(name)
                .trim()
                .parse::<i64>()
                .map_err(|_| ValidationError::new(field, Rule::NotANumber))
        };
        Ok(match command {
            "take_in_charge" => Command::TakeInCharge { note: note("note")? },
            "assign" => {
                let due = match get("due").trim() {
                    "" => None,
                    d => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                        ValidationError::new(
                            Field::DueDate,
                            Rule::Format {
                                expected: "2026-12-31".into(),
                            },
                        )
                    })?),
                };
                Command::Assign {
                    to: get("to").parse()?,
                    due,
                    note: note("note")?,
                }
            }
            "set_priority" => Command::SetPriority(get("priority").parse()?),
            "change_state" => Command::ChangeState {
                to: get("state").parse()?,
                note: note("note")?,
            },
            "publish_update" => Command::PublishUpdate(Note::parse(&get("note"))?),
            "internal_note" => Command::InternalNote(Note::parse(&get("note"))?),
            "reclassify" => Command::Reclassify {
                category: CategoryId(id("category", Field::Category)? as i32),
                note: note("note")?,
            },
            "mark_duplicate" => Command::MarkDuplicate {
                of: super::ReceiptCode::parse(&get("of"))
                    .map_err(|e| ValidationError::new(Field::DuplicateOf, e.rule))?,
            },
            "reject" => Command::Reject {
                reason: Note::parse(&get("note"))?,
            },
            "set_visibility" => Command::SetVisibility {
                public: flag("public"),
            },
            "contractor_progress" => Command::ContractorProgress {
                note: Note::parse(&get("note"))?,
                done: flag("done"),
            },
            "validate_completion" => Command::ValidateCompletion {
                note: Note::parse(&get("note"))?,
            },
            "hide_photo" => Command::HidePhoto {
                photo: id("photo", Field::Photos)?,
                hidden: flag("hidden"),
            },
            "hide_comment" => Command::HideComment {
                comment: id("comment", Field::Comment)?,
                hidden: flag("hidden"),
            },
            _ => return Err(ValidationError::new(Field::Body, Rule::UnknownValue)),
        })
    }
}

/// The inbox's sort orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxSort {
    /// By the SLA due date, soonest (or most overdue) first.
    #[default]
    Due,
    Oldest,
    Newest,
    /// Most urgent first, then by due date.
    Priority,
}

named!(InboxSort, Field::Body, {
    Due => "due", "Scadenza", "Due date";
    Oldest => "oldest", "Più vecchie", "Oldest";
    Newest => "newest", "Più recenti", "Newest";
    Priority => "priority", "Priorità", "Priority";
});

/// Whose work the inbox shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxScope {
    /// The person's offices (every office for the URP, administrators and observers; the company's
    /// assignments for a contractor).
    #[default]
    Offices,
    /// Assigned to the person.
    Mine,
}

named!(InboxScope, Field::Body, {
    Offices => "offices", "Del mio ufficio", "My offices";
    Mine => "mine", "Assegnate a me", "Assigned to me";
});

/// The inbox's filters, from the page's query string.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    pub scope: InboxScope,
    /// `None`: every open state.
    pub state: Option<ReportState>,
    pub category: Option<CategoryId>,
    pub district: Option<i32>,
    pub office: Option<OfficeId>,
    pub overdue: bool,
    pub internal: bool,
    pub sort: InboxSort,
    /// The keyset cursor of the next page, as the previous page gave it.
    pub after: Option<String>,
}

impl InboxQuery {
    /// The filters as the inbox's address says them (`?stato=…&categoria=…`), so a view can be bookmarked;
    /// what cannot be read is left out.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let num = |k: &str| get(k).and_then(|v| v.parse::<i32>().ok());
        Self {
            scope: get("ambito").and_then(|v| v.parse().ok()).unwrap_or_default(),
            state: get("stato").and_then(|v| v.parse().ok()),
            category: num("categoria").map(CategoryId),
            district: num("quartiere"),
            office: num("ufficio").map(OfficeId),
            overdue: get("scadute").is_some_and(|v| v == "1"),
            internal: get("interne").is_some_and(|v| v == "1"),
            sort: get("ordine").and_then(|v| v.parse().ok()).unwrap_or_default(),
            after: get("dopo").filter(|v| !v.is_empty()),
        }
    }

    /// The inbox's address for these filters, starting after `after` (the first page without it).
    pub fn path(&self, after: Option<&str>) -> String {
        let mut parts = vec![
            format!("ambito={}", self.scope.as_str()),
            format!("ordine={}", self.sort.as_str()),
        ];
        if let Some(s) = self.state {
            parts.push(format!("stato={}", s.as_str()));
        }
        if let Some(c) = self.category {
            parts.push(format!("categoria={c}"));
        }
        if let Some(d) = self.district {
            parts.push(format!("quartiere={d}"));
        }
        if let Some(o) = self.office {
            parts.push(format!("ufficio={o}"));
        }
        if self.overdue {
            parts.push("scadute=1".into());
        }
        if self.internal {
            parts.push("interne=1".into());
        }
        if let Some(a) = after {
            parts.push(format!("dopo={a}"));
        }
        format!("/ufficio?{}", parts.join("&"))
    }
}

/// One row of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    pub receipt_code: String,
    pub title: String,
    pub kind: ReportKind,
    pub state: ReportState,
    pub priority: Priority,
    pub category: String,
    pub office: String,
    pub district: Option<String>,
    pub assignee: Option<String>,
    pub is_public: bool,
    pub is_internal: bool,
    pub lat: f64,
    pub lng: f64,
    pub created_at: DateTime<Utc>,
    pub sla_due_at: DateTime<Utc>,
    pub completion_reported: bool,
}

impl InboxItem {
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.state.is_open() && self.sla_due_at < now
    }
}

/// A choice in a staff form: its value and label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A page of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxPage {
    pub items: Vec<InboxItem>,
    /// Open reports per state in the inbox's scope (before the state filter).
    pub counts: Vec<(ReportState, i64)>,
    pub overdue: i64,
    pub next: Option<String>,
    pub categories: Vec<Choice>,
    pub districts: Vec<Choice>,
    pub offices: Vec<Choice>,
    pub now: DateTime<Utc>,
}

/// One entry of the full timeline the staff see (internal notes included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffEntry {
    pub entry: super::TimelineEntry,
    pub is_public: bool,
}

/// A photo on the staff page (hidden ones too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffPhoto {
    pub id: i64,
    pub photo: super::PhotoRef,
    pub hidden: bool,
}

/// The reporter's contact, for staff allowed to see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// An answer template of the report's category (or of every category).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateView {
    pub name: String,
    /// Already filled for this report.
    pub text: String,
}

/// Everything the staff page of a report shows and offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkView {
    pub report: ReportDetail,
    pub version: i32,
    pub priority: Priority,
    pub channel: Channel,
    pub is_public: bool,
    pub is_internal: bool,
    pub confirmed: bool,
    pub assigned_user: Option<String>,
    pub assigned_contractor: Option<String>,
    pub assignment_due_on: Option<NaiveDate>,
    pub completion_reported_at: Option<DateTime<Utc>>,
    pub duplicate_of: Option<String>,
    pub duplicates: Vec<String>,
    pub timeline: Vec<StaffEntry>,
    pub staff_photos: Vec<StaffPhoto>,
    pub contact: Option<Contact>,
    /// The commands the viewer may give now (their names, [`Command::name`]).
    pub allowed: Vec<String>,
    /// The states the viewer may move the report to now.
    pub next_states: Vec<ReportState>,
    pub assignees: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub templates: Vec<TemplateView>,
}

impl WorkView {
    pub fn may(&self, command: &str) -> bool {
        self.allowed.iter().any(|c| c == command)
    }
}

/// A comment someone reported as abusive, waiting for a moderator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportedComment {
    pub receipt_code: String,
    pub report_title: String,
    pub comment: CommentView,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub report: Option<String>,
    pub detail: String,
}

/// A page of the audit log, newest first; `next` continues before the last line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub next: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_know_their_placeholders() {
        assert!(
            check_template("Gentile cittadino, la segnalazione {codice} è stata risolta. {firma}").is_ok()
        );
        let e = check_template("Risolta il {giorno}").unwrap_err();
        assert_eq!(e.field, Field::Template);
        assert_eq!(
            e.rule,
            Rule::UnknownPlaceholder {
                name: "giorno".into()
            }
        );
        assert!(
            e.message(Locale::It).contains("{giorno}"),
            "{}",
            e.message(Locale::It)
        );
        assert!(check_template("aperta { senza chiusura").is_err());
        assert!(check_template("chiusa } senza apertura").is_err());
        let filled = fill_template(
            "{codice}: {titolo} ({firma})",
            &["SEG-2026-000001", "Buca", "", "", "", "M. Rossi"],
        );
        assert_eq!(filled, "SEG-2026-000001: Buca (M. Rossi)");
    }

    #[test]
    fn commands_read_from_forms_name_field_and_rule() {
        let form = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
                    .unwrap_or_default()
            }
        };
        assert_eq!(
            Command::from_form("assign", form(&[("to", "contractor:4"), ("due", "2026-12-31")])).expect("ok"),
            Command::Assign {
                to: Assignee::Contractor(ContractorId(4)),
                due: NaiveDate::from_ymd_opt(2026, 12, 31),
                note: None
            }
        );
        let e = Command::from_form("assign", form(&[("to", "contractor:4"), ("due", "31/12")])).unwrap_err();
        assert_eq!(e.field, Field::DueDate);
        assert_eq!(
            Command::from_form("assign", form(&[])).unwrap_err().rule,
            Rule::Required
        );
        assert_eq!(
            Command::from_form("publish_update", form(&[("note", "  ")]))
                .unwrap_err()
                .field,
            Field::Note
        );
        assert_eq!(
            Command::from_form("change_state", form(&[("state", "done")])).unwrap_err(),
            ValidationError::new(Field::State, Rule::UnknownValue)
        );
        assert_eq!(
            Command::from_form("explode", form(&[])).unwrap_err().rule,
            Rule::UnknownValue
        );
        assert_eq!(
            Command::from_form("mark_duplicate", form(&[("of", "SEG-1")]))
                .unwrap_err()
                .field,
            Field::DuplicateOf
        );
        assert_eq!("urgent".parse::<Priority>().expect("ok"), Priority::Urgent);
        assert_eq!("counter".parse::<Channel>().expect("ok"), Channel::Counter);
    }

    #[test]
    fn inbox_addresses_round_trip() {
        let q = InboxQuery {
            scope: InboxScope::Mine,
            state: Some(ReportState::Assigned),
            category: Some(CategoryId(3)),
            district: Some(5),
            office: Some(OfficeId(2)),
            overdue: true,
            internal: true,
            sort: InboxSort::Priority,
            after: None,
        };
        let path = q.path(Some("urgent_1764000000000000_42"));
        let params: Vec<(String, String)> = path
            .trim_start_matches("/ufficio?")
            .split('&')
            .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
            .collect();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let back = InboxQuery::from_params(get);
        assert_eq!(back.after.as_deref(), Some("urgent_1764000000000000_42"));
        assert_eq!(InboxQuery { after: None, ..back }, q);
        // Junk is left out, not an error.
        let junk = InboxQuery::from_params(|k| (k != "dopo").then(|| "x'; drop".to_owned()));
        assert_eq!(junk, InboxQuery::default());
    }

    #[test]
    fn comments_and_notes_have_limits() {
        assert_eq!(CommentText::parse(" ").unwrap_err().rule, Rule::Required);
        assert_eq!(
            CommentText::parse("x").unwrap_err().rule,
            Rule::TooShort { min: 2 }
        );
        assert!(CommentText::parse(&"è".repeat(2000)).is_ok());
        assert_eq!(
            CommentText::parse(&"è".repeat(2001)).unwrap_err().rule,
            Rule::TooLong { max: 2000 }
        );
        assert_eq!(Note::optional("  ").expect("empty is none"), None);
    }
}
