//! Transparency statistics: the figures the public page, the staff dashboard and the periodic reports show,
//! and the rule that no figure is shown on too few reports (docs/transparency.md).
//!
//! The figures are computed by the server's job (`backend::stats`); here are their shape and the pure rules
//! about showing them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::map::Month;
use crate::report::work::Channel;
use crate::validation::{Field, Rule, ValidationError};

/// The default least number of reports a median, a percentile, a share or an average is shown on.
pub const DEFAULT_MIN_REPORTS: i64 = 10;

/// The longest span of months a page shows at once (ten years).
pub const MAX_MONTHS: i32 = 120;

/// What a row of figures is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "stats_scope", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The whole municipality.
    All,
    Office,
    Category,
    /// A district.
    Area,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::All, Scope::Office, Scope::Category, Scope::Area];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Office => "office",
            Scope::Category => "category",
            Scope::Area => "area",
        }
    }
}

/// The figures of a scope over a period. Times are in seconds. The raw median and percentile fields are
/// stored whatever the count; [`Figures::take_median`] and the other readers apply the minimum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Reports received (compliments and internal reports are counted apart and not here).
    pub received: i64,
    pub compliments: i64,
    pub internal_received: i64,
    /// Reports received by channel (internal ones included), in [`Channel`] order; channels with none left out.
    pub by_channel: Vec<(Channel, i64)>,
    pub taken_in_charge: i64,
    pub take_median_s: Option<f64>,
    pub take_p90_s: Option<f64>,
    pub resolved: i64,
    pub resolve_median_s: Option<f64>,
    pub resolve_p90_s: Option<f64>,
    /// Of `resolved`, those resolved by their category's promised date.
    pub resolved_within_sla: i64,
    pub rejected: i64,
    /// Satisfaction answers with ratings.
    pub ratings: i64,
    pub timeliness_avg: Option<f64>,
    pub quality_avg: Option<f64>,
    /// Answers saying the problem was not solved.
    pub not_solved: i64,
}

/// A figure that is shown only on enough reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    Value(f64),
    /// On fewer than the minimum: `n` is how many there were.
    TooFew {
        n: i64,
    },
}

impl Shown {
    fn of(value: Option<f64>, n: i64, min: i64) -> Self {
        match value {
            Some(v) if n >= min.max(1) => Shown::Value(v),
            _ => Shown::TooFew { n },
        }
    }

    pub fn value(self) -> Option<f64> {
        match self {
            Shown::Value(v) => Some(v),
            Shown::TooFew { .. } => None,
        }
    }
}

impl Figures {
    pub fn take_median(&self, min: i64) -> Shown {
        Shown::of(self.take_median_s, self.taken_in_charge, min)
    }
    pub fn take_p90(&self, min: i64) -> Shown {
        Shown::of(self.take_p90_s, self.taken_in_charge, min)
    }
    pub fn resolve_median(&self, min: i64) -> Shown {
        Shown::of(self.resolve_median_s, self.resolved, min)
    }
    pub fn resolve_p90(&self, min: i64) -> Shown {
        Shown::of(self.resolve_p90_s, self.resolved, min)
    }
    /// The share (0–1) of resolved reports resolved within the SLA.
    pub fn within_sla(&self, min: i64) -> Shown {
        let share = (self.resolved > 0).then(|| self.resolved_within_sla as f64 / self.resolved as f64);
        Shown::of(share, self.resolved, min)
    }
    pub fn timeliness(&self, min: i64) -> Shown {
        Shown::of(self.timeliness_avg, self.ratings, min)
    }
    pub fn quality(&self, min: i64) -> Shown {
        Shown::of(self.quality_avg, self.ratings, min)
    }
}

/// The figures of one scope over the window, with the backlog now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeFigures {
    pub scope: Scope,
    /// 0 for [`Scope::All`].
    pub id: i32,
    /// The office, category or district's name (the municipality's for [`Scope::All`]).
    pub name: String,
    pub figures: Figures,
    pub open_now: i64,
    pub overdue_now: i64,
}

/// The figures of one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthFigures {
    pub month: Month,
    pub figures: Figures,
}

/// Which part of the statistics a page asks for: one scope (at most one of office, category, district) and a
/// span of months within the window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsQuery {
    pub office: Option<i32>,
    pub category: Option<i32>,
    pub district: Option<i32>,
    pub from: Option<Month>,
    pub to: Option<Month>,
}

impl StatsQuery {
    /// Reads the filters from a page's query string (`ufficio=2&dal=2026-01`, percent-encoded).
    pub fn from_query(query: &str) -> Result<Self, ValidationError> {
        let pairs = crate::map::parse_query(query);
        Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// Reads `ufficio`, `categoria`, `quartiere`, `dal`, `al` from query pairs; the other names are ignored.
    /// Errors name the field and the rule: a number that is not one, two scopes at once, an inverted or absurd
    /// span of months.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ValidationError> {
        let mut q = StatsQuery::default();
        let id = |field: Field, v: &str| -> Result<Option<i32>, ValidationError> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            v.parse::<i32>()
                .ok()
                .filter(|n| *n > 0)
                .map(Some)
                .ok_or_else(|| ValidationError::new(field, Rule::NotANumber))
        };
        for (k, v) in pairs {
            match k {
                "ufficio" => q.office = id(Field::Office, v)?,
                "categoria" => q.category = id(Field::Category, v)?,
                "quartiere" => q.district = id(Field::District, v)?,
                "dal" if !v.trim().is_empty() => q.from = Some(Month::parse(v)?),
                "al" if !v.trim().is_empty() => q.to = Some(Month::parse(v)?),
                _ => {}
            }
        }
        let scopes = [q.office, q.category, q.district].iter().flatten().count();
        if scopes > 1 {
            return Err(ValidationError::new(Field::Scope, Rule::Repeated));
        }
        if let (Some(f), Some(t)) = (q.from, q.to) {
            if f > t {
                return Err(ValidationError::new(Field::DateRange, Rule::Inverted));
            }
            if i32::from(t.index()) - i32::from(f.index()) >= MAX_MONTHS {
                return Err(ValidationError::new(
                    Field::DateRange,
                    Rule::OutOfRange {
                        min: 1.0,
                        max: f64::from(MAX_MONTHS),
                    },
                ));
            }
        }
        Ok(q)
    }

    /// The scope asked for.
    pub fn scope(&self) -> (Scope, i32) {
        match (self.office, self.category, self.district) {
            (Some(o), _, _) => (Scope::Office, o),
            (_, Some(c), _) => (Scope::Category, c),
            (_, _, Some(d)) => (Scope::Area, d),
            _ => (Scope::All, 0),
        }
    }

    /// The query string (without `?`) of this scope, for links.
    pub fn scope_query(&self) -> String {
        match self.scope() {
            (Scope::Office, id) => format!("ufficio={id}"),
            (Scope::Category, id) => format!("categoria={id}"),
            (Scope::Area, id) => format!("quartiere={id}"),
            (Scope::All, _) => String::new(),
        }
    }
}

/// The map's filter (query string, without `?`) showing the reports behind a scope's figure: `state` is
/// `None` for every state, or `risolte`/`aperte`; `months` a span of receipt months.
pub fn map_query(scope: Scope, id: i32, state: Option<&str>, months: Option<(Month, Month)>) -> String {
    let mut parts = Vec::new();
    match scope {
        Scope::Office => parts.push(format!("ufficio={id}")),
        Scope::Category => parts.push(format!("categoria={id}")),
        Scope::Area => parts.push(format!("quartiere={id}")),
        Scope::All => {}
    }
    if let Some(s) = state {
        parts.push(format!("stato={s}"));
    }
    if let Some((from, to)) = months {
        parts.push(format!("dal={from}&al={to}"));
    }
    parts.join("&")
}

/// The figures the Trasparenza page and the staff dashboard show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsView {
    pub min_reports: i64,
    /// The first month of the window and the current month.
    pub window: (Month, Month),
    /// The months shown (within the window, as asked).
    pub months_shown: (Month, Month),
    pub refreshed_at: Option<DateTime<Utc>>,
    /// The scope asked for, over the window.
    pub scope: ScopeFigures,
    /// That scope month by month (months with no report included, as zeros).
    pub months: Vec<MonthFigures>,
    /// Every office, category and district over the window (for the tables and the district map).
    pub offices: Vec<ScopeFigures>,
    pub categories: Vec<ScopeFigures>,
    pub areas: Vec<ScopeFigures>,
    /// The newest public compliments in the scope: (receipt code, title, when).
    pub compliments: Vec<(String, String, DateTime<Utc>)>,
}

/// The length of a periodic report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "period_kind", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Year,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Year => "year",
        }
    }
}

/// A period's label: `2026-03` for a month, `2026` for a year.
pub fn period_label(kind: PeriodKind, start: Month) -> String {
    match kind {
        PeriodKind::Month => start.to_string(),
        PeriodKind::Year => format!("{:04}", start.year),
    }
}

/// Reads a period's label back: (kind, first month). Errors name the period field.
pub fn parse_period(label: &str) -> Result<(PeriodKind, Month), ValidationError> {
    let label = label.trim();
    if label.len() == 4 && label.bytes().all(|b| b.is_ascii_digit()) {
        return Ok((PeriodKind::Year, Month::parse(&format!("{label}-01"))?));
    }
    Ok((PeriodKind::Month, Month::parse(label)?))
}

/// A period's report (resoconto): what the administration did in a month or a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodReport {
    pub kind: PeriodKind,
    /// `2026-03` or `2026`.
    pub label: String,
    pub start: chrono::NaiveDate,
    /// The day after the period.
    pub end: chrono::NaiveDate,
    pub generated_at: DateTime<Utc>,
    pub generation: i32,
    pub total: Figures,
    pub offices: Vec<(String, Figures)>,
    pub categories: Vec<(String, Figures)>,
    pub districts: Vec<(String, Figures)>,
    /// Comments the public posted on reports in the period.
    pub comments: i64,
    pub min_reports: i64,
}

/// A line of the list of periodic reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodSummary {
    pub kind: PeriodKind,
    pub label: String,
    pub received: i64,
    pub resolved: i64,
    pub generated_at: DateTime<Utc>,
    pub generation: i32,
}

/// Formats a duration in seconds for people: minutes under an hour (less than a minute said as such), hours
/// under two days, days with one decimal above.
pub fn human_duration(seconds: f64, it: bool) -> String {
    let hours = seconds / 3600.0;
    if seconds < 60.0 {
        return if it {
            "meno di un minuto"
        } else {
            "less than a minute"
        }
        .into();
    }
    if seconds < 3600.0 {
        let m = (seconds / 60.0).round();
        return match (it, m == 1.0) {
            (true, true) => "1 minuto".into(),
            (true, false) => format!("{m:.0} minuti"),
            (false, true) => "1 minute".into(),
            (false, false) => format!("{m:.0} minutes"),
        };
    }
    if hours < 48.0 {
        let h = hours.round().max(1.0);
        match (it, h == 1.0) {
            (true, true) => "1 ora".into(),
            (true, false) => format!("{h:.0} ore"),
            (false, true) => "1 hour".into(),
            (false, false) => format!("{h:.0} hours"),
        }
    } else {
        let d = hours / 24.0;
        let s = format!("{d:.1}");
        if it {
            format!("{} giorni", s.replace('.', ","))
        } else {
            format!("{s} days")
        }
    }
}

/// A district's outline as SVG path data (Web Mercator, y down), simplified for a small map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictShape {
    pub id: i32,
    pub name: String,
    pub path: String,
    /// The outline's bounds in the same coordinates: (min x, min y, width, height).
    pub bounds: (f64, f64, f64, f64),
    /// Where its label goes: a point inside it.
    pub label_at: (f64, f64),
}

/// A person's or a company's open work, for the staff dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    pub name: String,
    pub open: i64,
    pub overdue: i64,
}

/// An open report whose SLA date is near (or past).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breach {
    pub code: String,
    pub title: String,
    pub office: String,
    pub due: DateTime<Utc>,
}

/// The staff dashboard: the public figures plus workload, coming SLA breaches and internal reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub stats: StatsView,
    pub people: Vec<Workload>,
    pub contractors: Vec<Workload>,
    /// Open reports due within the next seven days, soonest first, at most 50 (those already late are counted
    /// in the figures and listed first in the inbox).
    pub breaches: Vec<Breach>,
    /// Whether the viewer may export tables.
    pub may_export: bool,
}

/// The Trasparenza page's data: the figures and the districts' outlines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransparencyData {
    pub view: StatsView,
    pub districts: Vec<DistrictShape>,
}

/// What the questionnaire page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyView {
    pub code: String,
    pub title: String,
    pub resolved_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &str) -> Vec<(&str, &str)> {
        s.split('&').filter_map(|kv| kv.split_once('=')).collect()
    }

    #[test]
    fn queries_parse_and_refuse_bad_input_naming_the_field() {
        let q = StatsQuery::from_pairs(pairs("ufficio=3&dal=2026-01&al=2026-03")).unwrap();
        assert_eq!(q.scope(), (Scope::Office, 3));
        assert_eq!(q.from.unwrap().to_string(), "2026-01");
        let e = StatsQuery::from_pairs(pairs("dal=2026-05&al=2026-03")).unwrap_err();
        assert_eq!((e.field, e.rule), (Field::DateRange, Rule::Inverted));
        let e = StatsQuery::from_pairs(pairs("dal=2000-01&al=2099-12")).unwrap_err();
        assert_eq!(e.field, Field::DateRange);
        assert!(matches!(e.rule, Rule::OutOfRange { .. }));
        let e = StatsQuery::from_pairs(pairs("dal=1999-12")).unwrap_err();
        assert_eq!(e.field, Field::DateRange);
        let e = StatsQuery::from_pairs(pairs("ufficio=abc")).unwrap_err();
        assert_eq!(StatsQuery::from_query("ufficio=abc").unwrap_err(), e);
        assert_eq!(
            StatsQuery::from_query("ufficio=3&dal=2026-01&al=2026-03").unwrap(),
            q
        );
        assert_eq!((e.field, e.rule), (Field::Office, Rule::NotANumber));
        let e = StatsQuery::from_pairs(pairs("categoria=-2")).unwrap_err();
        assert_eq!((e.field, e.rule), (Field::Category, Rule::NotANumber));
        let e = StatsQuery::from_pairs(pairs("ufficio=1&quartiere=2")).unwrap_err();
        assert_eq!((e.field, e.rule), (Field::Scope, Rule::Repeated));
        assert_eq!(
            StatsQuery::from_pairs(pairs("ufficio=&lang=en")).unwrap(),
            StatsQuery::default()
        );
    }

    #[test]
    fn figures_on_too_few_reports_are_not_shown() {
        let f = Figures {
            resolved: 9,
            resolve_median_s: Some(3600.0),
            resolved_within_sla: 9,
            ..Figures::default()
        };
        assert_eq!(f.resolve_median(10), Shown::TooFew { n: 9 });
        assert_eq!(f.within_sla(10), Shown::TooFew { n: 9 });
        assert_eq!(f.resolve_median(9), Shown::Value(3600.0));
        assert_eq!(f.within_sla(9), Shown::Value(1.0));
        assert_eq!(f.take_median(0), Shown::TooFew { n: 0 });
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(4.0, true), "meno di un minuto");
        assert_eq!(human_duration(0.0, false), "less than a minute");
        assert_eq!(human_duration(61.0, true), "1 minuto");
        assert_eq!(human_duration(1800.0, true), "30 minuti");
        assert_eq!(human_duration(59.0 * 60.0, false), "59 minutes");
        assert_eq!(human_duration(3600.0, true), "1 ora");
        assert_eq!(human_duration(5.0 * 3600.0, false), "5 hours");
        assert_eq!(human_duration(3.4 * 86400.0, true), "3,4 giorni");
        assert_eq!(human_duration(3.4 * 86400.0, false), "3.4 days");
    }

    #[test]
    fn map_links_carry_the_scope_state_and_months() {
        let m = Month::parse("2026-03").unwrap();
        assert_eq!(
            map_query(Scope::Office, 2, Some("risolte"), Some((m, m))),
            "ufficio=2&stato=risolte&dal=2026-03&al=2026-03"
        );
        assert_eq!(map_query(Scope::All, 0, None, None), "");
    }
}
