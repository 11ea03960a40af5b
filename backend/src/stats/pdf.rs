//! A periodic report as PDF: an A4 document written with `pdf-writer` in Helvetica, one of the fonts every PDF
//! reader has (nothing embedded, nothing downloaded, no font files to ship). Text is set in WinAnsi
//! (Windows-1252), which holds every letter Italian and English use; a character outside it prints as `?`.
//! Layout is done here: the title, the summary, and a table per office, category and district, rows wrapped in
//! their columns and tables carried over to the next page with their header repeated; the page number at the foot.

mod helvetica;

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use shared::Locale;
use shared::stats::{Figures, PeriodKind, PeriodReport, Shown};

use crate::{Error, Result};

/// A4 in points, and the margin (1.8 cm).
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 51.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
/// The body's size, and the space a line takes.
const SIZE: f32 = 9.0;
const LEADING: f32 = 1.25;
/// Inside a table cell.
const INSET: f32 = 3.5;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    fn widths(self) -> &'static [u16; 256] {
        match self {
            Font::Regular => &helvetica::HELVETICA,
            Font::Bold => &helvetica::HELVETICA_BOLD,
        }
    }
}

/// The WinAnsi (Windows-1252) byte of `c`, or `?` for a character the encoding lacks (and for control characters).
pub fn winansi(c: char) -> u8 {
    let u = c as u32;
    match u {
        0x20..=0x7e | 0xa0..=0xff => u as u8,
        _ => match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8a,
            '‹' => 0x8b,
            'Œ' => 0x8c,
            'Ž' => 0x8e,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9a,
            '›' => 0x9b,
            'œ' => 0x9c,
            'ž' => 0x9e,
            'Ÿ' => 0x9f,
            // Line breaks and tabs inside a name are spaces on paper.
            '\n' | '\r' | '\t' => b' ',
            _ => b'?',
        },
    }
}

fn encode(s: &str) -> Vec<u8> {
    s.chars().map(winansi).collect()
}

/// The width of WinAnsi `text` in points.
fn width(text: &[u8], font: Font, size: f32) -> f32 {
    let w = font.widths();
    text.iter().map(|&b| f32::from(w[usize::from(b)])).sum::<f32>() * size / 1000.0
}

/// `text` broken into lines no wider than `max` (at spaces; a word longer than a line is cut where it must be).
fn wrap(text: &str, font: Font, size: f32, max: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in encode(text).split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        let mut candidate = line.clone();
        if !candidate.is_empty() {
            candidate.push(b' ');
        }
        candidate.extend_from_slice(word);
        if width(&candidate, font, size) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than the line: as many characters as fit, then the rest.
        for &b in word {
            line.push(b);
            if width(&line, font, size) > max && line.len() > 1 {
                let last = line.pop().unwrap_or(b' ');
                lines.push(std::mem::replace(&mut line, vec![last]));
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

/// The pages being written: finished content streams, and the one in progress with its cursor.
struct Pages {
    done: Vec<Vec<u8>>,
    content: Content,
    /// The baseline area left on this page runs from `y` down to the bottom margin.
    y: f32,
}

impl Pages {
    fn new() -> Self {
        Self {
            done: Vec::new(),
            content: Content::new(),
            y: PAGE_H - MARGIN,
        }
    }

    /// Closes the page (its number at the foot, on the right) and starts the next.
    fn break_page(&mut self) {
        let number = (self.done.len() + 1).to_string().into_bytes();
        let x = PAGE_W - MARGIN - width(&number, Font::Regular, 8.0);
        let mut content = std::mem::replace(&mut self.content, Content::new());
        text_at(&mut content, x, MARGIN * 0.55, Font::Regular, 8.0, 0.35, &number);
        self.done.push(content.finish().to_vec());
        self.y = PAGE_H - MARGIN;
    }

    /// Starts a new page when fewer than `h` points are left on this one.
    fn need(&mut self, h: f32) -> bool {
        if self.y - h < MARGIN {
            self.break_page();
            true
        } else {
            false
        }
    }

    /// A paragraph across the page.
    fn paragraph(&mut self, text: &str, font: Font, size: f32, gray: f32, after: f32) {
        for line in wrap(text, font, size, WIDTH) {
            let h = size * LEADING;
            self.need(h);
            self.y -= h;
            text_at(
                &mut self.content,
                MARGIN,
                self.y + size * 0.25,
                font,
                size,
                gray,
                &line,
            );
        }
        self.y -= after;
    }

    /// A table: columns as shares of the page's width, a header row in bold (repeated on every page the table
    /// reaches), then the rows, each as tall as its tallest cell.
    fn table(&mut self, shares: &[f32], align: &[Align], header: &[String], rows: &[Vec<String>], size: f32) {
        let total: f32 = shares.iter().sum();
        let widths: Vec<f32> = shares.iter().map(|s| s / total * WIDTH).collect();
        let lay = |cells: &[String], font: Font| -> (Vec<Vec<Vec<u8>>>, f32) {
            let lines: Vec<Vec<Vec<u8>>> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| wrap(c, font, size, w - 2.0 * INSET))
                .collect();
            let n = lines.iter().map(Vec::len).max().unwrap_or(1) as f32;
            let h = n * size * LEADING + 2.0 * INSET;
            (lines, h)
        };
        let head = lay(header, Font::Bold);
        // A header alone at the foot of a page is no use: it goes with the first row.
        let first = rows.first().map_or(0.0, |r| lay(r, Font::Regular).1);
        self.need(head.1 + first);
        self.row(&widths, align, &head.0, head.1, Font::Bold, size, true);
        for r in rows {
            let (lines, h) = lay(r, Font::Regular);
            if self.need(h) {
                self.row(&widths, align, &head.0, head.1, Font::Bold, size, true);
            }
            self.row(&widths, align, &lines, h, Font::Regular, size, false);
        }
        self.y -= 10.0;
    }

    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        widths: &[f32],
        align: &[Align],
        cells: &[Vec<Vec<u8>>],
        h: f32,
        font: Font,
        size: f32,
        shaded: bool,
    ) {
        let top = self.y;
        let c = &mut self.content;
        let mut x = MARGIN;
        if shaded {
            c.save_state();
            c.set_fill_gray(0.92);
            c.rect(MARGIN, top - h, WIDTH, h);
            c.fill_nonzero();
            c.restore_state();
        }
        c.save_state();
        c.set_line_width(0.4);
        c.set_stroke_gray(0.7);
        for w in widths {
            c.rect(x, top - h, *w, h);
            x += w;
        }
        c.stroke();
        c.restore_state();
        let mut x = MARGIN;
        for ((lines, w), a) in cells
            .iter()
            .zip(widths)
            .zip(align.iter().chain(std::iter::repeat(&Align::Left)))
        {
            let mut y = top - INSET - size;
            for line in lines {
                let tx = match a {
                    Align::Left => x + INSET,
                    Align::Right => x + w - INSET - width(line, font, size),
                };
                text_at(c, tx, y + size * 0.2, font, size, 0.0, line);
                y -= size * LEADING;
            }
            x += w;
        }
        self.y = top - h;
    }

    /// Every page, the last one closed.
    fn finish(mut self) -> Vec<Vec<u8>> {
        self.break_page();
        self.done
    }
}

fn text_at(c: &mut Content, x: f32, y: f32, font: Font, size: f32, gray: f32, text: &[u8]) {
    c.set_fill_gray(gray);
    c.begin_text();
    c.set_font(font.name(), size);
    c.next_line(x, y);
    c.show(Str(text));
    c.end_text();
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

/// A table's row of figures, in the order of [`columns`].
fn row(name: &str, f: &Figures, min: i64) -> Vec<String> {
    vec![
        name.to_owned(),
        f.received.to_string(),
        f.resolved.to_string(),
        f.rejected.to_string(),
        days(f.take_median(min)),
        days(f.resolve_median(min)),
        percent(f.within_sla(min)),
        mark(f.timeliness(min)),
        mark(f.quality(min)),
    ]
}

/// The tables' columns: headers, shares of the width, alignment.
fn columns(it: bool) -> (Vec<String>, [f32; 9], [Align; 9]) {
    let t = |a: &str, b: &str| if it { a.to_owned() } else { b.to_owned() };
    let header = vec![
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
    ];
    let mut align = [Align::Right; 9];
    align[0] = Align::Left;
    (header, [3.0, 1.0, 1.0, 1.0, 1.4, 1.4, 1.0, 1.0, 1.0], align)
}

/// The report's title (also the document's).
pub fn title(r: &PeriodReport, locale: Locale) -> String {
    match (r.kind, locale) {
        (PeriodKind::Month, Locale::It) => format!("Resoconto mensile {}", r.label),
        (PeriodKind::Year, Locale::It) => format!("Resoconto annuale {}", r.label),
        (PeriodKind::Month, Locale::En) => format!("Monthly report {}", r.label),
        (PeriodKind::Year, Locale::En) => format!("Annual report {}", r.label),
    }
}

/// The summary's lines: what, and how many.
fn summary(r: &PeriodReport, it: bool) -> Vec<Vec<String>> {
    let t = |a: &str, b: &str| if it { a.to_owned() } else { b.to_owned() };
    let (f, min) = (&r.total, r.min_reports);
    vec![
        vec![t("Ricevute", "Received"), f.received.to_string()],
        vec![
            t("Prese in carico", "Taken in charge"),
            f.taken_in_charge.to_string(),
        ],
        vec![t("Risolte", "Resolved"), f.resolved.to_string()],
        vec![t("Respinte", "Rejected"), f.rejected.to_string()],
        vec![
            t(
                "Tempo mediano di presa in carico (giorni)",
                "Median time to take in charge (days)",
            ),
            days(f.take_median(min)),
        ],
        vec![
            t(
                "Tempo mediano di risoluzione (giorni)",
                "Median time to resolve (days)",
            ),
            days(f.resolve_median(min)),
        ],
        vec![
            t(
                "Risolte entro i tempi promessi",
                "Resolved within the promised time",
            ),
            percent(f.within_sla(min)),
        ],
        vec![
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
        ],
        vec![
            t("Complimenti ricevuti", "Compliments received"),
            f.compliments.to_string(),
        ],
        vec![
            t(
                "Commenti ricevuti dai cittadini",
                "Comments received from citizens",
            ),
            r.comments.to_string(),
        ],
    ]
}

/// Writes the report. CPU-bound but quick (well under a millisecond a page): callers may still run it on the
/// blocking pool.
pub fn render(r: &PeriodReport, locale: Locale) -> Result<Vec<u8>> {
    let it = locale == Locale::It;
    let t = |a: &str, b: &str| if it { a.to_owned() } else { b.to_owned() };
    let min = r.min_reports;
    let title = title(r, locale);
    let mut pages = Pages::new();
    pages.paragraph(&title, Font::Bold, 16.0, 0.0, 4.0);
    let end_day = r.end - chrono::Duration::days(1);
    pages.paragraph(
        &format!(
            "{} – {} · {} {}",
            r.start.format("%d/%m/%Y"),
            end_day.format("%d/%m/%Y"),
            t("versione", "version"),
            r.generation
        ),
        Font::Regular,
        SIZE,
        0.35,
        2.0,
    );
    pages.paragraph(
        &if it {
            format!("Mediane, percentuali e medie su meno di {min} segnalazioni non sono indicate (–).")
        } else {
            format!("Medians, percentages and averages on fewer than {min} reports are not shown (–).")
        },
        Font::Regular,
        SIZE,
        0.35,
        10.0,
    );
    pages.paragraph(&t("In sintesi", "Summary"), Font::Bold, 12.0, 0.0, 4.0);
    pages.table(
        &[3.0, 1.0],
        &[Align::Left, Align::Right],
        &[t("Voce", "Item"), t("Valore", "Value")],
        &summary(r, it),
        SIZE,
    );
    let channels = r
        .total
        .by_channel
        .iter()
        .map(|(c, n)| format!("{}: {n}", c.label(locale)))
        .collect::<Vec<_>>()
        .join(" · ");
    pages.paragraph(
        &format!(
            "{}: {}",
            t("Contatti per canale", "Contacts by channel"),
            channels
        ),
        Font::Regular,
        SIZE,
        0.0,
        10.0,
    );
    let (header, shares, align) = columns(it);
    for (heading, rows) in [
        (t("Per ufficio", "By office"), &r.offices),
        (t("Per categoria (temi)", "By category (topics)"), &r.categories),
        (t("Per quartiere", "By district"), &r.districts),
    ] {
        // The heading stays with the table's first rows.
        pages.need(12.0 * LEADING + 4.0 + 4.0 * SIZE * LEADING);
        pages.paragraph(&heading, Font::Bold, 12.0, 0.0, 4.0);
        let body: Vec<Vec<String>> = rows.iter().map(|(n, f)| row(n, f, min)).collect();
        // Nine columns: a point smaller, so that every header word fits its column whole.
        pages.table(&shares, &align, &header, &body, SIZE - 1.0);
    }
    write(pages.finish(), &title, locale)
}

/// The document around the pages' content.
fn write(contents: Vec<Vec<u8>>, title: &str, locale: Locale) -> Result<Vec<u8>> {
    let mut pdf = Pdf::new();
    // Fonts of the standard 14 without their metrics in the file: right for PDF up to 1.4.
    pdf.set_version(1, 4);
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    let (regular, bold) = (Ref::new(4), Ref::new(5));
    let mut next = 6;
    let mut page_ids = Vec::with_capacity(contents.len());
    let mut streams = Vec::with_capacity(contents.len());
    for content in contents {
        page_ids.push(Ref::new(next));
        streams.push((Ref::new(next + 1), deflate(&content)?));
        next += 2;
    }
    pdf.catalog(catalog).pages(tree).lang(TextStr(locale.tag()));
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    for (page, (stream, _)) in page_ids.iter().zip(&streams) {
        let mut p = pdf.page(*page);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        p.parent(tree);
        p.contents(*stream);
        let mut resources = p.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Font::Regular.name(), regular);
        fonts.pair(Font::Bold.name(), bold);
        fonts.finish();
        resources.finish();
        p.finish();
    }
    for (stream, data) in &streams {
        pdf.stream(*stream, data).filter(Filter::FlateDecode);
    }
    for (id, base) in [(regular, &b"Helvetica"[..]), (bold, &b"Helvetica-Bold"[..])] {
        pdf.type1_font(id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.document_info(info)
        .title(TextStr(title))
        .creator(TextStr("Segnala"))
        .producer(TextStr("Segnala"));
    Ok(pdf.finish())
}

fn deflate(data: &[u8]) -> Result<Vec<u8>> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(data)
        .and_then(|()| z.finish())
        .map_err(|e| Error::Internal(anyhow::anyhow!("compressing a PDF page: {e}")))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn report(offices: usize) -> PeriodReport {
        let f = Figures {
            received: 120,
            resolved: 98,
            resolve_median_s: Some(3.5 * 86400.0),
            ..Figures::default()
        };
        PeriodReport {
            kind: PeriodKind::Month,
            label: "2026-10".into(),
            start: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
            end: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            generated_at: chrono::Utc::now(),
            generation: 1,
            total: f.clone(),
            offices: (0..offices)
                .map(|i| {
                    (
                        format!("Lavori pubblici (città) n. {i} – «viabilità» (x)"),
                        f.clone(),
                    )
                })
                .collect(),
            categories: vec![("Buche stradali".into(), f.clone())],
            districts: vec![],
            comments: 7,
            min_reports: 10,
        }
    }

    /// The text each page draws: its content stream inflated, the strings of its `Tj` operators decoded from
    /// WinAnsi (literal or hex, as pdf-writer writes them).
    fn page_texts(pdf: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = pdf;
        while let Some(i) = find(rest, b"stream\n") {
            let start = i + b"stream\n".len();
            let end = start + find(&rest[start..], b"\nendstream").expect("endstream");
            let mut text = Vec::new();
            flate2::read::ZlibDecoder::new(&rest[start..end])
                .read_to_end(&mut text)
                .expect("a deflated stream");
            out.push(decode_strings(&text));
            rest = &rest[end + b"\nendstream".len()..];
        }
        out
    }

    /// The words of `text`, one space between each.
    fn flat(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    fn decode_strings(content: &[u8]) -> String {
        let to_char = |b: u8| -> char {
            (0u32..=0x2122)
                .filter_map(char::from_u32)
                .find(|c| !c.is_control() && winansi(*c) == b)
                .unwrap_or('?')
        };
        let mut s = String::new();
        let mut i = 0;
        while i < content.len() {
            match content[i] {
                b'(' => {
                    i += 1;
                    while content[i] != b')' {
                        if content[i] == b'\\' {
                            i += 1;
                        }
                        s.push(to_char(content[i]));
                        i += 1;
                    }
                    s.push('\n');
                }
                b'<' if content.get(i + 1) != Some(&b'<') => {
                    let end = i + content[i..].iter().position(|&b| b == b'>').expect("hex end");
                    let hex = std::str::from_utf8(&content[i + 1..end]).expect("hex");
                    for pair in hex.as_bytes().chunks(2) {
                        let b = u8::from_str_radix(std::str::from_utf8(pair).expect("pair"), 16)
                            .expect("hex digit");
                        s.push(to_char(b));
                    }
                    s.push('\n');
                    i = end;
                }
                _ => {}
            }
            i += 1;
        }
        s
    }

    #[test]
    fn winansi_holds_the_letters_of_italian_and_marks_the_rest() {
        assert_eq!(
            encode("àèéìòù ÀÈ «»’–€"),
            vec![
                0xe0, 0xe8, 0xe9, 0xec, 0xf2, 0xf9, b' ', 0xc0, 0xc8, b' ', 0xab, 0xbb, 0x92, 0x96, 0x80
            ]
        );
        assert_eq!(encode("ș\u{0}"), b"??");
        assert_eq!(width(b"Wi", Font::Regular, 10.0), (944.0 + 222.0) / 100.0);
    }

    #[test]
    fn long_text_wraps_within_its_width_and_long_words_are_cut() {
        let lines = wrap(
            "Commenti ricevuti dai cittadini del quartiere",
            Font::Regular,
            SIZE,
            60.0,
        );
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(
                width(l, Font::Regular, SIZE) <= 60.0,
                "{:?}",
                String::from_utf8_lossy(l)
            );
        }
        let cut = wrap("Supercalifragilistichespiralidoso", Font::Bold, SIZE, 30.0);
        assert!(cut.len() > 2 && cut.iter().all(|l| width(l, Font::Bold, SIZE) <= 30.0));
        assert_eq!(cut.concat(), encode("Supercalifragilistichespiralidoso"));
    }

    #[test]
    fn a_report_is_a_pdf_with_its_title_names_and_figures_on_numbered_pages() {
        let pdf = render(&report(2), Locale::It).expect("written");
        assert!(pdf.starts_with(b"%PDF-1.4"), "a PDF 1.4");
        assert!(find(&pdf, b"/BaseFont /Helvetica").is_some() && find(&pdf, b"/WinAnsiEncoding").is_some());
        let pages = page_texts(&pdf);
        assert_eq!(pages.len(), 1, "two offices fit on one page");
        assert!(
            pages[0].ends_with("\n1\n"),
            "the page's number at its foot, drawn last"
        );
        // Names wrap inside their column: compare the words.
        let text = &flat(&pages[0]);
        for expected in [
            "Resoconto mensile 2026-10",
            "01/10/2026 – 31/10/2026 · versione 1",
            "Lavori pubblici (città) n. 1 – «viabilità» (x)",
            "Buche stradali",
            "Presa in carico (giorni,",
            "Qualità",
            "120",
            "3.5",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from {text}");
        }
        let en = flat(&page_texts(&render(&report(0), Locale::En).expect("written")).concat());
        assert!(en.contains("Monthly report 2026-10") && en.contains("By district"));
    }

    #[test]
    fn a_long_table_goes_on_over_pages_with_its_header_repeated() {
        let pages = page_texts(&render(&report(120), Locale::It).expect("written"));
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for (i, p) in pages.iter().enumerate() {
            assert!(p.ends_with(&format!("\n{}\n", i + 1)), "page {} numbered", i + 1);
        }
        // Every page the office table reaches starts it again with its header.
        let second = flat(&pages[1]);
        assert!(
            second.starts_with("Nome Ricevute Risolte Respinte Presa in carico (giorni, mediana)"),
            "headers whole: {second}"
        );
        assert!(second.contains("Lavori pubblici (città) n. "));
        if let Ok(dir) = std::env::var("SEGNALA_PDF_SAMPLE") {
            let pdf = render(&report(120), Locale::It).expect("written");
            std::fs::write(format!("{dir}/resoconto.pdf"), pdf).expect("sample written");
        }
        let all = flat(&pages.concat());
        for i in 0..120 {
            assert!(all.contains(&format!("n. {i} –")), "office {i}");
        }
    }
}
