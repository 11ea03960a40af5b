//! Charts as SVG, written on the server: they show without WASM and cost the browser bundles nothing. Each is
//! an `<svg role="group">` (not `img`: its bars are links) with a title and a description for screen readers;
//! the pages put a table of the same data beside it. Every bar, column and district links to the reports behind
//! it on the map.

use shared::html::escape_html as esc;

/// A bar of a horizontal bar chart: its label, its value (`None`: not shown, drawn as a hatched stub), the text
/// written at its end, and where it links.
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub text: String,
    pub href: String,
}

const WIDTH: f64 = 640.0;

/// Horizontal bars, longest value = full width.
pub fn bars(title: &str, desc: &str, bars: &[Bar]) -> String {
    let row = 28.0;
    let label_w = 210.0;
    let text_w = 150.0;
    let height = (bars.len() as f64 * row + 8.0).max(40.0);
    let max = bars.iter().filter_map(|b| b.value).fold(0.0_f64, f64::max);
    let mut out = svg_open(title, desc, WIDTH, height);
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + i as f64 * row;
        let span = WIDTH - label_w - text_w;
        let w = match (b.value, max > 0.0) {
            (Some(v), true) => (v / max * span).max(2.0),
            _ => 0.0,
        };
        out.push_str(&format!(
            "<a href=\"{href}\"><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" class=\"chart-label\">{label}</text>",
            href = esc(&b.href),
            lx = label_w - 8.0,
            ty = y + row * 0.62,
            label = esc(&truncate(&b.label, 30)),
        ));
        if b.value.is_some() {
            out.push_str(&format!(
                "<rect x=\"{label_w}\" y=\"{ry}\" width=\"{w:.1}\" height=\"{h}\" class=\"chart-bar\"/>",
                ry = y + 4.0,
                h = row - 10.0,
            ));
        } else {
            out.push_str(&format!(
                "<rect x=\"{label_w}\" y=\"{ry}\" width=\"24\" height=\"{h}\" class=\"chart-bar-none\"/>",
                ry = y + 4.0,
                h = row - 10.0,
            ));
        }
        out.push_str(&format!(
            "<text x=\"{tx:.1}\" y=\"{ty}\" class=\"chart-value\">{text}</text></a>",
            tx = label_w + w.max(24.0) + 6.0,
            ty = y + row * 0.62,
            text = esc(&b.text),
        ));
    }
    out.push_str("</svg>");
    out
}

/// A month's two columns (received, resolved) and where each links.
pub struct MonthColumns {
    pub label: String,
    pub received: i64,
    pub resolved: i64,
    pub received_href: String,
    pub resolved_href: String,
}

/// Grouped columns month by month, with a legend.
pub fn trend(title: &str, desc: &str, legend: (&str, &str), months: &[MonthColumns]) -> String {
    let height = 220.0;
    let (left, bottom, top) = (40.0, 40.0, 28.0);
    let plot_h = height - bottom - top;
    let max = months
        .iter()
        .map(|m| m.received.max(m.resolved))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (WIDTH - left - 8.0) / months.len().max(1) as f64;
    let col = (slot / 2.0 - 2.0).clamp(2.0, 18.0);
    let mut out = svg_open(title, desc, WIDTH, height);
    // Legend and the scale's top value.
    out.push_str(&format!(
        "<rect x=\"{left}\" y=\"4\" width=\"12\" height=\"12\" class=\"chart-bar\"/>\
         <text x=\"{l1}\" y=\"15\" class=\"chart-label\">{a}</text>\
         <rect x=\"{l2}\" y=\"4\" width=\"12\" height=\"12\" class=\"chart-bar-alt\"/>\
         <text x=\"{l3}\" y=\"15\" class=\"chart-label\">{b}</text>\
         <text x=\"{sx}\" y=\"{sy}\" text-anchor=\"end\" class=\"chart-axis\">{max}</text>\
         <line x1=\"{left}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" class=\"chart-axis-line\"/>",
        l1 = left + 16.0,
        l2 = left + 140.0,
        l3 = left + 156.0,
        a = esc(legend.0),
        b = esc(legend.1),
        sx = left - 4.0,
        sy = top + 8.0,
        max = max as i64,
        base = top + plot_h,
        right = WIDTH - 4.0,
    ));
    for (i, m) in months.iter().enumerate() {
        let x = left + i as f64 * slot + (slot - 2.0 * col) / 2.0;
        for (j, (v, href, class)) in [
            (m.received, &m.received_href, "chart-bar"),
            (m.resolved, &m.resolved_href, "chart-bar-alt"),
        ]
        .into_iter()
        .enumerate()
        {
            let h = v as f64 / max * plot_h;
            out.push_str(&format!(
                "<a href=\"{href}\"><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{col:.1}\" height=\"{h:.1}\" class=\"{class}\">\
                 <title>{label}: {v}</title></rect></a>",
                href = esc(href),
                x = x + j as f64 * col,
                y = top + plot_h - h,
                label = esc(&m.label),
            ));
        }
        // Every label when there is room, else every third.
        if months.len() <= 13 || i % 3 == 0 {
            out.push_str(&format!(
                "<text x=\"{tx:.1}\" y=\"{ty}\" text-anchor=\"middle\" class=\"chart-axis\">{label}</text>",
                tx = x + col,
                ty = top + plot_h + 16.0,
                label = esc(&m.label),
            ));
        }
    }
    out.push_str("</svg>");
    out
}

/// A district of the map: its outline (SVG path data in one projected space), its value and where it links.
pub struct Area {
    pub name: String,
    pub path: String,
    /// A point inside it, for its label.
    pub label_at: (f64, f64),
    pub value: Option<f64>,
    pub text: String,
    pub href: String,
}

/// Districts coloured by value (light = low = faster, dark = high = slower; hatched: no figure), in the
/// projected box `bounds` (min x, min y, width, height).
pub fn choropleth(
    title: &str,
    desc: &str,
    bounds: (f64, f64, f64, f64),
    areas: &[Area],
    legend: (&str, &str, &str),
) -> String {
    let values: Vec<f64> = areas.iter().filter_map(|a| a.value).collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (x, y, w, h) = bounds;
    let pad = w.max(h) * 0.02;
    let view = format!(
        "{:.1} {:.1} {:.1} {:.1}",
        x - pad,
        y - pad,
        w + 2.0 * pad,
        h + 2.0 * pad
    );
    let height = (WIDTH * 0.75).round();
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"group\" aria-labelledby=\"{id}-t {id}-d\" \
         viewBox=\"{view}\" width=\"100%\" height=\"{height}\" preserveAspectRatio=\"xMidYMid meet\" class=\"chart chart-map\">\
         <title id=\"{id}-t\">{title}</title><desc id=\"{id}-d\">{desc}</desc>",
        id = slug(title),
        title = esc(title),
        desc = esc(desc),
    );
    for a in areas {
        let shade = match a.value {
            Some(v) if hi > lo => 0.15 + 0.75 * (v - lo) / (hi - lo),
            Some(_) => 0.5,
            None => -1.0,
        };
        let fill = if shade < 0.0 {
            "class=\"map-none\"".to_owned()
        } else {
            format!("fill=\"rgba(11,83,148,{shade:.2})\"")
        };
        out.push_str(&format!(
            "<a href=\"{href}\"><path d=\"{d}\" {fill} class=\"map-area\" vector-effect=\"non-scaling-stroke\">\
             <title>{name}: {text}</title></path></a>",
            href = esc(&a.href),
            d = esc(&a.path),
            name = esc(&a.name),
            text = esc(&a.text),
        ));
    }
    // Names and values on top, in a size that reads at the map's width.
    let size = (w.max(h) / 42.0).max(1.0);
    for a in areas {
        let (lx, ly) = a.label_at;
        out.push_str(&format!(
            "<text x=\"{lx:.0}\" y=\"{ly:.0}\" font-size=\"{size:.0}\" text-anchor=\"middle\" class=\"map-label\">\
             {name}<tspan x=\"{lx:.0}\" dy=\"1.2em\">{text}</tspan></text>",
            name = esc(&a.name),
            text = esc(&a.text),
        ));
    }
    out.push_str("</svg>");
    out.push_str(&format!(
        "<p class=\"map-legend\" aria-hidden=\"true\"><span class=\"swatch swatch-lo\"></span>{} \
         <span class=\"swatch swatch-hi\"></span>{} <span class=\"swatch map-none\"></span>{}</p>",
        esc(legend.0),
        esc(legend.1),
        esc(legend.2)
    ));
    out
}

fn svg_open(title: &str, desc: &str, w: f64, h: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"group\" aria-labelledby=\"{id}-t {id}-d\" \
         viewBox=\"0 0 {w} {h}\" width=\"100%\" class=\"chart\"><title id=\"{id}-t\">{title}</title>\
         <desc id=\"{id}-d\">{desc}</desc>",
        id = slug(title),
        title = esc(title),
        desc = esc(desc),
    )
}

fn slug(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out.insert_str(0, "chart-");
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_longest_link_and_escape() {
        let svg = bars(
            "Tempi",
            "desc",
            &[
                Bar {
                    label: "Lavori <pubblici>".into(),
                    value: Some(10.0),
                    text: "10 giorni".into(),
                    href: "/?ufficio=1&stato=risolte".into(),
                },
                Bar {
                    label: "Ambiente".into(),
                    value: None,
                    text: "non indicato".into(),
                    href: "/?ufficio=2".into(),
                },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"group\"") && svg.contains("<title id="));
        assert!(svg.contains("Lavori &lt;pubblici&gt;"));
        assert!(svg.contains("href=\"/?ufficio=1&amp;stato=risolte\""));
        assert!(
            svg.contains("width=\"280.0\""),
            "the longest bar spans the plot: {svg}"
        );
        assert!(svg.contains("chart-bar-none"));
    }

    #[test]
    fn trend_draws_two_linked_columns_a_month() {
        let months: Vec<MonthColumns> = (1..=3)
            .map(|m| MonthColumns {
                label: format!("2026-0{m}"),
                received: m * 10,
                resolved: m * 5,
                received_href: format!("/?dal=2026-0{m}"),
                resolved_href: format!("/?stato=risolte&dal=2026-0{m}"),
            })
            .collect();
        let svg = trend("Mesi", "d", ("Ricevute", "Risolte"), &months);
        assert_eq!(svg.matches("<a href=").count(), 6);
        assert!(svg.contains("<title>2026-03: 30</title>"));
    }
}
