//! The statistics' tables as CSV (RFC 4180, UTF-8, comma-separated, one header row with stable English
//! names), for the Trasparenza page, the staff dashboard and the periodic reports. Durations in hours, shares
//! in percent, blank where the figure is not shown (fewer than the minimum of reports).

use shared::permission::{Action, Target, can};
use shared::stats::{Breach, Figures, MonthFigures, ScopeFigures, Shown, StatsQuery, StatsView, Workload};
use shared::{Field, Rule, Viewer};

use super::view;
use crate::error::invalid;
use crate::{Error, Result, State};

/// The Trasparenza page's table `table` (`mesi`, `uffici`, `categorie`, `quartieri`) as CSV.
pub async fn public_table(state: &State, q: &StatsQuery, table: &str) -> Result<String> {
    let v = view::stats_view(state, q).await?;
    common(&v, table)
}

/// The dashboard's table `table` as CSV: the public ones, and `persone`, `ditte`, `scadenze`, `canali`, for
/// staff who may export data.
pub async fn dashboard_table(
    state: &State,
    viewer: Option<&Viewer>,
    q: &StatsQuery,
    table: &str,
) -> Result<String> {
    if viewer.is_some() && !can(viewer, Action::ExportData, Target::Municipality) {
        return Err(Error::Forbidden);
    }
    let d = view::dashboard(state, viewer, q).await?;
    Ok(match table {
        "persone" => workload(&d.people),
        "ditte" => workload(&d.contractors),
        "scadenze" => breaches(&d.breaches),
        "canali" => channels(&d.stats.scope.figures),
        t => common(&d.stats, t)?,
    })
}

fn common(v: &StatsView, table: &str) -> Result<String> {
    let min = v.min_reports;
    Ok(match table {
        "mesi" => months(&v.months, min),
        "uffici" => scopes(&v.offices, min),
        "categorie" => scopes(&v.categories, min),
        "quartieri" => scopes(&v.areas, min),
        _ => return Err(invalid(Field::Limit, Rule::UnknownValue)),
    })
}

/// A CSV field, defused for spreadsheets: a value starting with `=`, `+`, `-`, `@` gets a leading apostrophe
/// so that it is never run as a formula.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn hours(s: Shown) -> String {
    s.value()
        .map(|v| format!("{:.1}", v / 3600.0))
        .unwrap_or_default()
}

fn percent(s: Shown) -> String {
    s.value().map(|v| format!("{:.1}", v * 100.0)).unwrap_or_default()
}

fn mark(s: Shown) -> String {
    s.value().map(|v| format!("{v:.2}")).unwrap_or_default()
}

const FIGURES: &str = "received,taken_in_charge,take_median_hours,take_p90_hours,resolved,resolve_median_hours,\
resolve_p90_hours,resolved_within_sla_percent,rejected,compliments,internal_received,ratings,timeliness_avg,\
quality_avg,not_solved";

fn figures(f: &Figures, min: i64) -> String {
    format!(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        f.received,
        f.taken_in_charge,
        hours(f.take_median(min)),
        hours(f.take_p90(min)),
        f.resolved,
        hours(f.resolve_median(min)),
        hours(f.resolve_p90(min)),
        percent(f.within_sla(min)),
        f.rejected,
        f.compliments,
        f.internal_received,
        f.ratings,
        mark(f.timeliness(min)),
        mark(f.quality(min)),
        f.not_solved
    )
}

/// Offices, categories or districts over the window, with the backlog now.
pub fn scopes(rows: &[ScopeFigures], min: i64) -> String {
    let mut out = format!("id,name,{FIGURES},open_now,overdue_now\r\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            r.id,
            field(&r.name),
            figures(&r.figures, min),
            r.open_now,
            r.overdue_now
        ));
    }
    out
}

/// A scope month by month.
pub fn months(rows: &[MonthFigures], min: i64) -> String {
    let mut out = format!("month,{FIGURES}\r\n");
    for m in rows {
        out.push_str(&format!("{},{}\r\n", m.month, figures(&m.figures, min)));
    }
    out
}

/// Named rows of a periodic report (`section`: office, category, district or total).
pub fn period(report: &shared::stats::PeriodReport) -> String {
    let min = report.min_reports;
    let mut out = format!("period,section,name,{FIGURES},comments_received\r\n");
    out.push_str(&format!(
        "{},total,,{},{}\r\n",
        report.label,
        figures(&report.total, min),
        report.comments
    ));
    for (section, rows) in [
        ("office", &report.offices),
        ("category", &report.categories),
        ("district", &report.districts),
    ] {
        for (name, f) in rows {
            out.push_str(&format!(
                "{},{section},{},{},\r\n",
                report.label,
                field(name),
                figures(f, min)
            ));
        }
    }
    out
}

/// Workload per person or company.
pub fn workload(rows: &[Workload]) -> String {
    let mut out = String::from("name,open,overdue\r\n");
    for w in rows {
        out.push_str(&format!("{},{},{}\r\n", field(&w.name), w.open, w.overdue));
    }
    out
}

/// Coming SLA breaches.
pub fn breaches(rows: &[Breach]) -> String {
    let mut out = String::from("receipt_code,title,office,due_at\r\n");
    for b in rows {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            b.code,
            field(&b.title),
            field(&b.office),
            b.due.to_rfc3339()
        ));
    }
    out
}

/// Contacts by channel, internal reports last.
pub fn channels(f: &Figures) -> String {
    let mut out = String::from("channel,received\r\n");
    for (c, n) in &f.by_channel {
        out.push_str(&format!("{},{n}\r\n", c.as_str()));
    }
    out.push_str(&format!("internal,{}\r\n", f.internal_received));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_defused() {
        assert_eq!(field("Buca"), "Buca");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("dice \"ciao\""), "\"dice \"\"ciao\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1"), "'-1");
    }

    #[test]
    fn figures_under_the_minimum_are_blank() {
        let f = Figures {
            resolved: 3,
            resolve_median_s: Some(7200.0),
            ..Figures::default()
        };
        let csv = months(
            &[MonthFigures {
                month: shared::map::Month { year: 2026, month: 3 },
                figures: f.clone(),
            }],
            10,
        );
        let row = csv.lines().nth(1).unwrap();
        assert!(row.starts_with("2026-03,0,0,,,3,,,"), "{row}");
        let csv = months(
            &[MonthFigures {
                month: shared::map::Month { year: 2026, month: 3 },
                figures: f,
            }],
            3,
        );
        assert!(
            csv.lines()
                .nth(1)
                .unwrap()
                .starts_with("2026-03,0,0,,,3,2.0,,0.0,")
        );
    }
}
