//! A periodic report as PDF (feature `pdf`): an A4 document typeset by the `typst` crates in process, with the
//! fonts `typst-assets` embeds (no system fonts, nothing downloaded). Off by default: the typst crates add about
//! 19 minutes to a cold debug build on 2 cores (docs/benchmarks.md); without the feature the printable HTML page
//! is the way to paper.

use shared::Locale;
use shared::stats::{Figures, PeriodKind, PeriodReport, Shown};

use crate::{Error, Result};

/// A Typst string literal (quoted, escaped): names of offices and categories are data, never markup.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn days(s: Shown) -> String {
    s.value()
        .map(|v| format!("{:.1}", v / 86400.0))
        .unwrap_or_else(|| "–".into())
}

fn percent(s: Shown) -> String {
    s.value()
        .map(|v| format!("{:.0}%", v * 100.0))
        .unwrap_or_else(|| "–".into())
}

fn mark(s: Shown) -> String {
    s.value().map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into())
}

fn row(name: &str, f: &Figures, min: i64) -> String {
    [
        lit(name),
        lit(&f.received.to_string()),
        lit(&f.resolved.to_string()),
        lit(&f.rejected.to_string()),
        lit(&days(f.take_median(min))),
        lit(&days(f.resolve_median(min))),
        lit(&percent(f.within_sla(min))),
        lit(&mark(f.timeliness(min))),
        lit(&mark(f.quality(min))),
    ]
    .join(", ")
}

/// The Typst source of the report.
pub fn source(r: &PeriodReport, locale: Locale) -> String {
    let it = locale == Locale::It;
    let t = |a: &str, b: &str| lit(if it { a } else { b });
    let min = r.min_reports;
    let title = match (r.kind, it) {
        (PeriodKind::Month, true) => format!("Resoconto mensile {}", r.label),
        (PeriodKind::Year, true) => format!("Resoconto annuale {}", r.label),
        (PeriodKind::Month, false) => format!("Monthly report {}", r.label),
        (PeriodKind::Year, false) => format!("Annual report {}", r.label),
    };
    let header = [
        t("Nome", "Name"),
        t("Ricevute", "Received"),
        t("Risolte", "Resolved"),
        t("Respinte", "Rejected"),
        t(
            "Presa in carico (giorni, mediana)",
            "Taken in charge (days, median)",
        ),
        t("Risoluzione (giorni, mediana)", "Resolution (days, median)"),
        t("Entro i tempi", "Within SLA"),
        t("Rapidità", "Timeliness"),
        t("Qualità", "Quality"),
    ]
    .join(", ");
    let table = |heading: String, rows: &[(String, Figures)]| {
        let body: Vec<String> = rows.iter().map(|(n, f)| row(n, f, min)).collect();
        format!(
            "== #{heading}\n#table(columns: (3fr, 1fr, 1fr, 1fr, 1.4fr, 1.4fr, 1fr, 1fr, 1fr), align: (left, right, right, right, right, right, right, right, right), stroke: 0.4pt + luma(180), inset: 4pt,\n  table.header({header}),\n  {})\n",
            if body.is_empty() {
                String::new()
            } else {
                body.join(",\n  ")
            }
        )
    };
    let f = &r.total;
    let summary = [
        (t("Ricevute", "Received"), f.received.to_string()),
        (
            t("Prese in carico", "Taken in charge"),
            f.taken_in_charge.to_string(),
        ),
        (t("Risolte", "Resolved"), f.resolved.to_string()),
        (t("Respinte", "Rejected"), f.rejected.to_string()),
        (
            t(
                "Tempo mediano di presa in carico (giorni)",
                "Median time to take in charge (days)",
            ),
            days(f.take_median(min)),
        ),
        (
            t(
                "Tempo mediano di risoluzione (giorni)",
                "Median time to resolve (days)",
            ),
            days(f.resolve_median(min)),
        ),
        (
            t(
                "Risolte entro i tempi promessi",
                "Resolved within the promised time",
            ),
            percent(f.within_sla(min)),
        ),
        (
            t(
                "Valutazioni (rapidità, qualità 1–5)",
                "Ratings (timeliness, quality 1–5)",
            ),
            format!(
                "{} ({}, {})",
                f.ratings,
                mark(f.timeliness(min)),
                mark(f.quality(min))
            ),
        ),
        (
            t("Complimenti ricevuti", "Compliments received"),
            f.compliments.to_string(),
        ),
        (
            t(
                "Commenti ricevuti dai cittadini",
                "Comments received from citizens",
            ),
            r.comments.to_string(),
        ),
    ]
    .iter()
    .map(|(k, v)| format!("{k}, {}", lit(v)))
    .collect::<Vec<_>>()
    .join(",\n  ");
    let channels = f
        .by_channel
        .iter()
        .map(|(c, n)| format!("{}: {n}", c.label(locale)))
        .collect::<Vec<_>>()
        .join(" · ");
    let end_day = r.end - chrono::Duration::days(1);
    format!(
        "#set document(title: {title})\n\
         #set page(paper: \"a4\", margin: 1.8cm, footer: context align(right, text(8pt, counter(page).display())))\n\
         #set text(lang: {lang}, size: 9pt)\n\
         = #{title}\n\
         #text(fill: luma(90), {period})\n\n\
         #text(fill: luma(90), {rule})\n\n\
         == #{summary_h}\n#table(columns: (3fr, 1fr), stroke: 0.4pt + luma(180), inset: 4pt,\n  {summary})\n\n\
         #{channels_h}: #{channels}\n\n{offices}\n{categories}\n{districts}",
        title = lit(&title),
        lang = lit(locale.tag()),
        period = lit(&format!(
            "{} – {} · {} {}",
            r.start.format("%d/%m/%Y"),
            end_day.format("%d/%m/%Y"),
            if it { "versione" } else { "version" },
            r.generation
        )),
        rule = lit(&if it {
            format!("Mediane, percentuali e medie su meno di {min} segnalazioni non sono indicate (–).")
        } else {
            format!("Medians, percentages and averages on fewer than {min} reports are not shown (–).")
        }),
        summary_h = t("In sintesi", "Summary"),
        channels_h = t("Contatti per canale", "Contacts by channel"),
        channels = lit(&channels),
        offices = table(if it { lit("Per ufficio") } else { lit("By office") }, &r.offices),
        categories = table(
            if it {
                lit("Per categoria (temi)")
            } else {
                lit("By category (topics)")
            },
            &r.categories
        ),
        districts = table(
            if it {
                lit("Per quartiere")
            } else {
                lit("By district")
            },
            &r.districts
        ),
    )
}

/// Typesets the report. CPU-bound (a few hundred milliseconds): callers run it on the blocking pool.
pub fn render(r: &PeriodReport, locale: Locale) -> Result<Vec<u8>> {
    let engine = typst_as_lib::TypstEngine::builder()
        .main_file(source(r, locale))
        .fonts(typst_assets::fonts())
        .build();
    let doc = engine
        .compile()
        .output
        .map_err(|e| Error::Internal(anyhow::anyhow!("typst: {e:?}")))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| Error::Internal(anyhow::anyhow!("typst pdf: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_typesets_to_a_pdf_with_its_names_escaped() {
        let f = Figures {
            received: 120,
            resolved: 98,
            resolve_median_s: Some(3.5 * 86400.0),
            ..Figures::default()
        };
        let r = PeriodReport {
            kind: PeriodKind::Month,
            label: "2026-10".into(),
            start: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
            end: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            generated_at: chrono::Utc::now(),
            generation: 1,
            total: f.clone(),
            offices: vec![("Lavori \"pubblici\" #[x] \\".into(), f.clone())],
            categories: vec![("Buche stradali".into(), f.clone())],
            districts: vec![],
            comments: 7,
            min_reports: 10,
        };
        let src = source(&r, Locale::It);
        assert!(
            src.contains(r#""Lavori \"pubblici\" #[x] \\""#),
            "names are string literals"
        );
        let pdf = render(&r, Locale::It).expect("typeset");
        assert!(pdf.starts_with(b"%PDF-"), "a PDF");
        assert!(pdf.len() > 5_000);
        assert!(render(&r, Locale::En).is_ok());
    }
}
