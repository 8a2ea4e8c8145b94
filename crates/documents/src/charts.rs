//! Pure SVG chart builders shared by the reports (typst embeds the SVG, the
//! Word export rasterises it to PNG) and by web pages.
//!
//! Every chart is a complete `<svg>` document with a fixed `viewBox` and a
//! `width`/`height` in user units, so each consumer can scale it. All text is
//! XML-escaped and set in Noto Sans, the font compiled into this crate (see
//! `fonts/`), so PDF and DOCX render the same glyphs.

use std::fmt::Write;

/// The font the charts ask for; PDF and DOCX rendering register it.
pub const FONT_FAMILY: &str = "Noto Sans";

const FONT_ATTR: &str = "'Noto Sans', 'DejaVu Sans', Arial, sans-serif";
const BRAND: &str = "#1b4f72";
const INK: &str = "#1a1a1a";
const MUTED: &str = "#4a4a4a";
const GRID: &str = "#d5dbe1";

/// Series colours: all at least 4.5:1 against white, told apart by hue and
/// lightness (never red beside green), in the line chart also by marker
/// shape and dash, and in the grouped bar chart also by hatching.
const COLOURS: [&str; 6] = ["#1b4f72", "#8a4b00", "#6c3483", "#00697a", "#c0392b", "#1e7b34"];

/// The fill of series `i` of a grouped bar chart: the first solid, the others
/// hatched in their colour (each its own angle), so that series are told
/// apart without colour; `id` keeps the patterns of two charts on one page apart.
fn bar_fill(id: &str, i: usize) -> String {
    if i == 0 { COLOURS[0].to_owned() } else { format!("url(#{id}-{i})") }
}

/// The hatch patterns of [`bar_fill`] for `n` series.
fn bar_patterns(id: &str, n: usize) -> String {
    let mut s = String::from("<defs>");
    for i in 1..n {
        let c = COLOURS[i % COLOURS.len()];
        let angle = [45, -45, 0, 90, 30][(i - 1) % 5];
        let _ = write!(
            s,
            r#"<pattern id="{id}-{i}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate({angle})"><rect width="6" height="6" fill="{c}"/><rect width="2" height="6" fill="white" fill-opacity="0.55"/></pattern>"#
        );
    }
    s.push_str("</defs>");
    s
}

/// Escapes text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A number without needless decimals: 75 → "75", 72.46 → "72.5".
fn num(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{}", r as i64) } else { format!("{r:.1}") }
}

/// Rough width of `text` at `size`: Noto Sans averages about 0.56 em, but a
/// browser without it falls back to DejaVu Sans (about 0.6 em), so the
/// estimate leaves room for the wider of the two.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.62
}

/// Cuts `text` so it fits `max_w` at `size`, ending with an ellipsis.
fn fit(text: &str, size: f64, max_w: f64) -> String {
    if text_width(text, size) <= max_w {
        return text.to_owned();
    }
    let keep = ((max_w / (size * 0.56)) as usize).saturating_sub(1).max(1);
    let mut s: String = text.chars().take(keep).collect();
    s.push('…');
    s
}

fn open(w: f64, h: f64, size: u32) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="{FONT_ATTR}" font-size="{size}">"#
    )
}

fn marker(shape: usize, x: f64, y: f64, colour: &str) -> String {
    match shape % 4 {
        0 => format!(
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="4.5" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>"##
        ),
        1 => format!(
            r##"<rect x="{:.1}" y="{:.1}" width="9" height="9" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>"##,
            x - 4.5,
            y - 4.5
        ),
        2 => format!(
            r##"<path d="M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>"##,
            x,
            y - 5.5,
            x + 5.5,
            y + 4.5,
            x - 5.5,
            y + 4.5
        ),
        _ => format!(
            r##"<path d="M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>"##,
            x,
            y - 5.5,
            x + 5.5,
            y,
            x,
            y + 5.5,
            x - 5.5,
            y
        ),
    }
}

fn dash(i: usize) -> &'static str {
    match i % 3 {
        0 => "",
        1 => r#" stroke-dasharray="8 4""#,
        _ => r#" stroke-dasharray="2 3""#,
    }
}

/// Lays out legend entries left to right, wrapping to new lines; returns
/// the SVG and the height used. `swatch` draws the key for entry `i` at (x, y-centre).
fn legend(names: &[&str], x0: f64, y0: f64, max_w: f64, swatch: impl Fn(usize, f64, f64) -> String) -> (String, f64) {
    let mut s = String::new();
    let (mut x, mut y) = (x0, y0 + 10.0);
    let line_h = 22.0;
    for (i, name) in names.iter().enumerate() {
        let label = fit(name, 13.0, max_w - 40.0);
        let w = 30.0 + text_width(&label, 13.0) + 24.0;
        if x > x0 && x + w > x0 + max_w {
            x = x0;
            y += line_h;
        }
        s.push_str(&swatch(i, x, y));
        let _ = write!(s, r#"<text x="{:.1}" y="{:.1}" fill="{INK}">{}</text>"#, x + 30.0, y + 4.5, esc(&label));
        x += w;
    }
    let used = if names.is_empty() { 0.0 } else { y - y0 + 14.0 };
    (s, used)
}

/// Several labelled series over the same categories on the x axis (e.g. years),
/// with a legend, y grid lines at `y_ticks` (values suffixed with `y_suffix`)
/// and `title_x` under the x axis. Points a series lacks are left out.
/// The categories of all series in one order that keeps each series' own:
/// a category first seen in a later series goes before the next one of
/// that series already placed (a series starting in 2022 puts 2022 before
/// another's 2024, not after its 2026).
fn categories(series: &[(String, Vec<(String, f64)>)]) -> Vec<&str> {
    let mut cats: Vec<&str> = Vec::new();
    for (_, pts) in series {
        for (i, (c, _)) in pts.iter().enumerate() {
            if cats.contains(&c.as_str()) {
                continue;
            }
            let before = pts[i + 1..].iter().find_map(|(next, _)| cats.iter().position(|k| *k == next.as_str()));
            match before {
                Some(at) => cats.insert(at, c),
                None => cats.push(c),
            }
        }
    }
    cats
}

pub fn line_chart(
    title_x: &str,
    series: &[(String, Vec<(String, f64)>)],
    y_max: f64,
    y_ticks: &[f64],
    y_suffix: &str,
) -> String {
    let cats = categories(series);
    let y_max = if y_max > 0.0 && y_max.is_finite() { y_max } else { 1.0 };
    let w = 640.0;
    let tick_labels: Vec<String> = y_ticks.iter().map(|t| format!("{}{}", num(*t), y_suffix)).collect();
    let left = 16.0 + tick_labels.iter().map(|l| text_width(l, 12.0)).fold(24.0, f64::max);
    let (right, top, plot_h) = (24.0, 14.0, 220.0);
    let plot_w = w - left - right;
    let axis_y = top + plot_h;
    let title_y = axis_y + (if title_x.is_empty() { 26.0 } else { 50.0 });
    let names: Vec<&str> = series.iter().map(|(n, _)| n.as_str()).collect();
    let (legend_svg, legend_h) = legend(&names, left, title_y + 8.0, plot_w, |i, x, y| {
        let c = COLOURS[i % COLOURS.len()];
        format!(
            r#"<line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{c}" stroke-width="2.5"{}/>{}"#,
            x + 24.0,
            dash(i),
            marker(i, x + 12.0, y, c)
        )
    });
    let h = (title_y + 8.0 + legend_h + 6.0).ceil();
    let n = cats.len().max(1);
    let band = plot_w / n as f64;
    let x_at = |i: usize| left + band * (i as f64 + 0.5);
    let y_at = |v: f64| top + plot_h * (1.0 - (v / y_max).clamp(0.0, 1.0));

    let mut s = open(w, h, 13);
    for (t, label) in y_ticks.iter().zip(&tick_labels) {
        let y = y_at(*t);
        let _ = write!(
            s,
            r#"<line x1="{left:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{GRID}" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12" fill="{MUTED}">{}</text>"#,
            left + plot_w,
            left - 8.0,
            y + 4.0,
            esc(label)
        );
    }
    let _ = write!(
        s,
        r#"<line x1="{left:.1}" y1="{axis_y:.1}" x2="{:.1}" y2="{axis_y:.1}" stroke="{MUTED}" stroke-width="1.2"/>"#,
        left + plot_w
    );
    for (i, c) in cats.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{INK}">{}</text>"#,
            x_at(i),
            axis_y + 20.0,
            esc(&fit(c, 13.0, band - 4.0))
        );
    }
    if !title_x.is_empty() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="{MUTED}">{}</text>"#,
            left + plot_w / 2.0,
            axis_y + 42.0,
            esc(title_x)
        );
    }
    for (si, (_, pts)) in series.iter().enumerate() {
        let c = COLOURS[si % COLOURS.len()];
        let mut coords: Vec<(usize, f64, f64)> = pts
            .iter()
            .filter(|(_, v)| v.is_finite())
            .filter_map(|(cat, v)| cats.iter().position(|k| k == cat).map(|i| (i, x_at(i), y_at(*v))))
            .collect();
        coords.sort_by_key(|p| p.0);
        if coords.len() > 1 {
            let points: Vec<String> = coords.iter().map(|(_, x, y)| format!("{x:.1},{y:.1}")).collect();
            let _ = write!(
                s,
                r#"<polyline fill="none" stroke="{c}" stroke-width="2.5" stroke-linejoin="round"{} points="{}"/>"#,
                dash(si),
                points.join(" ")
            );
        }
        for (_, x, y) in &coords {
            s.push_str(&marker(si, *x, *y, c));
        }
    }
    s.push_str(&legend_svg);
    s.push_str("</svg>");
    s
}

/// Horizontal bars, one per item: label on the left, value (with `suffix`)
/// after the bar. Bars are scaled to `max`.
pub fn bar_chart(items: &[(String, f64)], max: f64, suffix: &str) -> String {
    let max = if max > 0.0 && max.is_finite() { max } else { 1.0 };
    let w = 640.0;
    let row = 28.0;
    let longest = items.iter().map(|(l, _)| text_width(l, 13.0)).fold(60.0, f64::max);
    let label_w = (longest + 12.0).min(340.0);
    let value_w =
        items.iter().map(|(_, v)| text_width(&format!("{}{suffix}", num(*v)), 13.0)).fold(30.0, f64::max) + 10.0;
    let bar_max = w - label_w - value_w - 8.0;
    let h = (items.len() as f64 * row + 8.0).max(row);
    let mut s = open(w, h, 13);
    let _ = write!(
        s,
        r#"<line x1="{label_w:.1}" y1="0" x2="{label_w:.1}" y2="{h:.1}" stroke="{MUTED}" stroke-width="1"/>"#
    );
    for (i, (label, v)) in items.iter().enumerate() {
        let y = 4.0 + i as f64 * row;
        let bw = bar_max * (v / max).clamp(0.0, 1.0);
        let shown = fit(label, 13.0, label_w - 10.0);
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{INK}">{}</text><rect x="{label_w:.1}" y="{y:.1}" width="{bw:.1}" height="20" fill="{BRAND}"/><text x="{:.1}" y="{:.1}" fill="{INK}">{}{}</text>"#,
            label_w - 8.0,
            y + 14.5,
            esc(&shown),
            label_w + bw + 6.0,
            y + 14.5,
            num(*v),
            esc(suffix)
        );
    }
    s.push_str("</svg>");
    s
}

/// Horizontal grouped bars: per category one bar per series (e.g. this year
/// and last year), a legend above. Values are scaled to `max`; `NaN` leaves a gap.
pub fn grouped_bar_chart(categories: &[String], series: &[(String, Vec<f64>)], max: f64, suffix: &str) -> String {
    let max = if max > 0.0 && max.is_finite() { max } else { 1.0 };
    let w = 640.0;
    let bar_h = 14.0;
    let gap = 12.0;
    let k = series.len().max(1) as f64;
    let group_h = k * (bar_h + 2.0) + gap;
    let names: Vec<&str> = series.iter().map(|(n, _)| n.as_str()).collect();
    // An id from the chart's content: the same chart gets the same id, two charts differ.
    let id = format!(
        "g{:x}",
        categories
            .iter()
            .map(String::as_str)
            .chain(names.iter().copied())
            .flat_map(str::bytes)
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
            & 0xffff_ffff
    );
    let (legend_svg, legend_h) = legend(&names, 8.0, 0.0, w - 16.0, |i, x, y| {
        format!(
            r#"<rect x="{x:.1}" y="{:.1}" width="22" height="12" fill="{}" stroke="{}"/>"#,
            y - 6.0,
            bar_fill(&id, i),
            COLOURS[i % COLOURS.len()]
        )
    });
    let top = legend_h + 8.0;
    let longest = categories.iter().map(|l| text_width(l, 13.0)).fold(60.0, f64::max);
    let label_w = (longest + 12.0).min(340.0);
    let values = series.iter().flat_map(|(_, vs)| vs.iter()).filter(|v| v.is_finite());
    let value_w = values.map(|v| text_width(&format!("{}{suffix}", num(*v)), 12.0)).fold(30.0, f64::max) + 10.0;
    let bar_max = w - label_w - value_w - 8.0;
    let h = (top + categories.len() as f64 * group_h).max(top + gap);
    let mut s = open(w, h, 13);
    s.push_str(&bar_patterns(&id, series.len()));
    s.push_str(&legend_svg);
    let _ = write!(
        s,
        r#"<line x1="{label_w:.1}" y1="{top:.1}" x2="{label_w:.1}" y2="{:.1}" stroke="{MUTED}" stroke-width="1"/>"#,
        h - gap / 2.0
    );
    for (ci, cat) in categories.iter().enumerate() {
        let gy = top + ci as f64 * group_h + gap / 2.0;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{INK}">{}</text>"#,
            label_w - 8.0,
            gy + (group_h - gap) / 2.0 + 4.5,
            esc(&fit(cat, 13.0, label_w - 10.0))
        );
        for (si, (_, vs)) in series.iter().enumerate() {
            let Some(v) = vs.get(ci).copied().filter(|v| v.is_finite()) else { continue };
            let y = gy + si as f64 * (bar_h + 2.0);
            let bw = bar_max * (v / max).clamp(0.0, 1.0);
            let _ = write!(
                s,
                r#"<rect x="{label_w:.1}" y="{y:.1}" width="{bw:.1}" height="{bar_h}" fill="{}" stroke="{}" stroke-width="0.8"/><text x="{:.1}" y="{:.1}" font-size="12" fill="{INK}">{}{}</text>"#,
                bar_fill(&id, si),
                COLOURS[si % COLOURS.len()],
                label_w + bw + 5.0,
                y + bar_h - 3.0,
                num(v),
                esc(suffix)
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(cats: &[&str]) -> Vec<(String, f64)> {
        cats.iter().map(|c| ((*c).to_owned(), 1.0)).collect()
    }

    #[test]
    fn categories_keep_every_series_order() {
        let s = vec![
            ("a".to_owned(), pts(&["2024", "2025", "2026"])),
            ("b".to_owned(), pts(&["2022", "2023", "2024", "2025", "2026"])),
            ("c".to_owned(), pts(&["2023", "2027"])),
        ];
        assert_eq!(categories(&s), ["2022", "2023", "2024", "2025", "2026", "2027"]);
        let labels = vec![("x".to_owned(), pts(&["Q1", "Q2"])), ("y".to_owned(), pts(&["Q2", "Q3"]))];
        assert_eq!(categories(&labels), ["Q1", "Q2", "Q3"]);
        assert!(categories(&[]).is_empty());
    }

    fn balanced(svg: &str) {
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(" width=\"640\""));
    }

    #[test]
    fn text_is_escaped() {
        let hostile = "<script>&\"'".to_owned();
        let a = bar_chart(&[(hostile.clone(), 50.0)], 100.0, " %");
        let b = grouped_bar_chart(std::slice::from_ref(&hostile), &[(hostile.clone(), vec![10.0])], 100.0, "<");
        let c = line_chart(
            "<x>",
            &[(hostile.clone(), vec![("<2024>".into(), 1.0), ("2025".into(), 2.0)])],
            4.0,
            &[0.0, 2.0, 4.0],
            "&",
        );
        for svg in [a, b, c] {
            balanced(&svg);
            assert!(!svg.contains("<script>"), "{svg}");
            assert!(!svg.contains("<x>") && !svg.contains("<2024>"));
            assert!(svg.contains("&lt;script&gt;") || svg.contains("&lt;x&gt;"));
        }
    }

    #[test]
    fn values_are_scaled_and_labelled() {
        let svg = bar_chart(&[("Ledning".into(), 50.0), ("Risk".into(), 150.0)], 100.0, " %");
        assert!(svg.contains(">50 %<") && svg.contains(">150 %<"));
        let svg = line_chart(
            "År",
            &[
                ("Exempla".into(), vec![("2024".into(), 40.0), ("2025".into(), 55.5)]),
                ("Snitt".into(), vec![("2025".into(), 50.0), ("2026".into(), 60.0)]),
            ],
            100.0,
            &[0.0, 50.0, 100.0],
            " %",
        );
        for t in ["2024", "2025", "2026", "Exempla", "Snitt", "År", "50 %"] {
            assert!(svg.contains(&format!(">{t}<")), "{t} missing");
        }
        let svg = grouped_bar_chart(
            &["A".into(), "B".into()],
            &[("2026".into(), vec![10.0, f64::NAN]), ("2025".into(), vec![20.0, 30.0])],
            100.0,
            " %",
        );
        // Two legend keys, three bars (one value is missing), and the second series' hatch pattern.
        assert_eq!(svg.matches(r#"height="14""#).count(), 3);
        assert_eq!(svg.matches(r#"width="22" height="12""#).count(), 2);
        assert_eq!(svg.matches("<pattern ").count(), 1);
        assert_eq!(svg.matches("url(#g").count(), 3, "the second series' two bars and its key are hatched");
    }
}
