//! A report's kind and where it is in its life: the lifecycle state machine, the states' counts, and who may see
//! a report. Plain data, below validation and translation (both name these types).

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a citizen is telling the municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "report_kind", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Problem,
    Suggestion,
    Complaint,
    Compliment,
}

impl ReportKind {
    pub const ALL: [ReportKind; 4] = [Self::Problem, Self::Suggestion, Self::Complaint, Self::Compliment];

    /// Stable machine name, as in SQL and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Problem => "problem",
            Self::Suggestion => "suggestion",
            Self::Complaint => "complaint",
            Self::Compliment => "compliment",
        }
    }
}

/// Where a report is in its life. The allowed moves are in [`ReportState::can_become`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "report_state", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Sent by a citizen, not yet looked at.
    Submitted,
    /// An office has taken it in charge (presa in carico).
    InCharge,
    /// Assigned to an office or an external contractor for the work.
    Assigned,
    /// Work under way.
    InProgress,
    /// The office says it is fixed or answered.
    Resolved,
    /// Final: resolved and confirmed, or closed after the reopening window.
    Closed,
    /// Not a matter for the municipality, or not acceptable.
    Rejected,
    /// Same as an earlier report (which it points at).
    Duplicate,
    /// Opened again after being resolved, closed, rejected or marked duplicate.
    Reopened,
}

impl ReportState {
    /// How many states there are.
    pub const COUNT: usize = 9;

    pub const ALL: [ReportState; Self::COUNT] = [
        Self::Submitted,
        Self::InCharge,
        Self::Assigned,
        Self::InProgress,
        Self::Resolved,
        Self::Closed,
        Self::Rejected,
        Self::Duplicate,
        Self::Reopened,
    ];

    /// Stable machine name, as in SQL and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::InCharge => "in_charge",
            Self::Assigned => "assigned",
            Self::InProgress => "in_progress",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Rejected => "rejected",
            Self::Duplicate => "duplicate",
            Self::Reopened => "reopened",
        }
    }

    /// The states this one may move to. The same table is enforced in SQL (`report_state_transition`), and a
    /// test checks that the two agree.
    pub fn next_states(self) -> &'static [ReportState] {
        use ReportState::*;
        match self {
            Submitted => &[InCharge, Rejected, Duplicate],
            InCharge => &[Assigned, InProgress, Resolved, Rejected, Duplicate],
            // An assignment can be handed back to the office in charge (wrong contractor, say).
            Assigned => &[InProgress, Resolved, InCharge],
            InProgress => &[Resolved, Assigned],
            Resolved => &[Closed, Reopened],
            Closed => &[Reopened],
            Rejected => &[Reopened],
            Duplicate => &[Reopened],
            Reopened => &[InCharge, Assigned, InProgress, Resolved, Rejected, Duplicate],
        }
    }

    /// Whether a report in `self` may move to `next`. Staying in the same state is not a transition.
    pub fn can_become(self, next: ReportState) -> bool {
        self.next_states().contains(&next)
    }

    /// Whether the office still has work to do on it. SQL's twin: `report_state_is_open(state)` (a test holds
    /// the two together).
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Self::Resolved | Self::Closed | Self::Rejected | Self::Duplicate
        )
    }

    /// Whether it was solved: resolved, then possibly closed. SQL's twin: `report_state_is_resolved(state)`.
    pub fn is_resolved(self) -> bool {
        matches!(self, Self::Resolved | Self::Closed)
    }

    /// Where the state is in [`ReportState::ALL`] (the map's wire format counts by it).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Marker colour on the map (also the badges' background). Mostly the Okabe–Ito palette, distinct for
    /// colour-blind eyes; each keeps a 4.5:1 contrast with the badge text (white on submitted, in progress and
    /// closed, dark on the others: style/main.css), checked by the accessibility test.
    pub fn colour(self) -> &'static str {
        match self {
            Self::Submitted => "#c62828",
            Self::InCharge => "#e69f00",
            Self::Assigned => "#cc79a7",
            Self::InProgress => "#0072b2",
            Self::Resolved => "#009e73",
            Self::Closed => "#4d4d4d",
            Self::Rejected => "#999999",
            Self::Duplicate => "#b3b3b3",
            Self::Reopened => "#56b4e9",
        }
    }
}

/// Whether everyone sees a report (the public map, lists, pages, exports and feeds): public, confirmed, not
/// internal. SQL's twin: `report_open_to_all(is_public, is_internal, confirmed_at)`.
pub fn open_to_all(is_public: bool, is_internal: bool, confirmed: bool) -> bool {
    is_public && !is_internal && confirmed
}

/// How many reports are in each state, in [`ReportState::ALL`] order: a cluster's counts, and the map's wire
/// format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct StateCounts(pub [u32; ReportState::COUNT]);

impl StateCounts {
    /// All of them.
    pub fn total(&self) -> u32 {
        self.0.iter().sum()
    }

    pub fn get(&self, state: ReportState) -> u32 {
        self.0[state.index()]
    }

    /// Adds `n` to `state`'s count (saturating).
    pub fn add(&mut self, state: ReportState, n: u32) {
        let c = &mut self.0[state.index()];
        *c = c.saturating_add(n);
    }

    /// Each state with its count, in [`ReportState::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (ReportState, u32)> + '_ {
        ReportState::ALL.into_iter().zip(self.0.iter().copied())
    }
}

impl fmt::Display for ReportState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
