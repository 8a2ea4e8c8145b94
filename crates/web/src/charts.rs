//! Small server-side SVG charts. Each chart is decorative next to a table
//! with the same figures (screen readers get the table), and every label is
//! escaped.

use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Horizontal bars of shares 0–100 %, one per label.
pub fn bars(items: &[(String, u32)]) -> String {
    let row = 30;
    // Wide enough for the longest label (about 8.6 units a character at 14 units).
    let longest = items.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(10) as i32;
    let label_w = (longest * 86 / 10 + 16).clamp(120, 520);
    let bar_w = 360;
    let h = items.len() as i32 * row + 30;
    let w = label_w + bar_w + 60;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-hidden="true" class="chart" font-family="system-ui, sans-serif" font-size="14">"#
    );
    for pct in [0, 25, 50, 75, 100] {
        let x = label_w + bar_w * pct / 100;
        let _ = write!(
            s,
            r##"<line x1="{x}" y1="0" x2="{x}" y2="{y}" stroke="#c9d1d9"/><text x="{x}" y="{ty}" text-anchor="middle" fill="#4a4a4a">{pct} %</text>"##,
            y = h - 24,
            ty = h - 8
        );
    }
    for (i, (label, pct)) in items.iter().enumerate() {
        let y = i as i32 * row + 4;
        let bw = bar_w * (*pct).min(100) as i32 / 100;
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" text-anchor="end" fill="#1a1a1a">{label}</text><rect x="{label_w}" y="{y}" width="{bw}" height="20" fill="#1b4f72" rx="2"/><text x="{vx}" y="{ty}" fill="#1a1a1a">{pct} %</text>"##,
            lx = label_w - 8,
            ty = y + 15,
            label = esc(label),
            vx = label_w + bw + 6,
        );
    }
    s.push_str("</svg>");
    s
}

/// A line of values 0–`max` over labelled points (periods), with one or more series.
pub fn lines(x_labels: &[String], series: &[(String, Vec<Option<f64>>)], max: f64, y_suffix: &str) -> String {
    // The legend goes below the plot, one line a series, so long names fit.
    let legend_h = 20.0 * series.len() as f64 + 10.0;
    let (w, left, bottom, top) = (640.0, 50.0, 40.0, 15.0);
    let plot_h = 205.0;
    let h = top + plot_h + bottom + legend_h;
    let right = 20.0;
    let plot_w = w - left - right;
    let n = x_labels.len().max(1);
    let x_at = |i: usize| if n == 1 { left + plot_w / 2.0 } else { left + plot_w * i as f64 / (n - 1) as f64 };
    let y_at = |v: f64| top + plot_h * (1.0 - (v / max).clamp(0.0, 1.0));
    let colours = ["#1b4f72", "#b3261e", "#1e7b34", "#8a4b00", "#5b2a86", "#00697a"];
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-hidden="true" class="chart" font-family="system-ui, sans-serif" font-size="13">"#
    );
    for k in 0..=4 {
        let v = max * f64::from(k) / 4.0;
        let y = y_at(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y}" x2="{x2}" y2="{y}" stroke="#e1e6eb"/><text x="{tx}" y="{ty}" text-anchor="end" fill="#4a4a4a">{v}{y_suffix}</text>"##,
            x2 = left + plot_w,
            tx = left - 6.0,
            ty = y + 4.0,
            v = (v * 10.0).round() / 10.0,
        );
    }
    for (i, l) in x_labels.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{x}" y="{y}" text-anchor="middle" fill="#1a1a1a">{l}</text>"##,
            x = x_at(i),
            y = top + plot_h + 25.0,
            l = esc(l)
        );
    }
    for (si, (name, values)) in series.iter().enumerate() {
        let c = colours[si % colours.len()];
        let pts: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x_at(i), y_at(v))))
            .collect();
        if pts.len() > 1 {
            let _ = write!(s, r#"<polyline fill="none" stroke="{c}" stroke-width="3" points="{}"/>"#, pts.join(" "));
        }
        for p in &pts {
            let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(s, r#"<circle cx="{x}" cy="{y}" r="4" fill="{c}"/>"#);
        }
        let ly = top + plot_h + bottom + 20.0 * si as f64 + 8.0;
        let _ = write!(
            s,
            r##"<rect x="{lx}" y="{ry}" width="14" height="4" fill="{c}"/><text x="{tx}" y="{ty}" fill="#1a1a1a">{name}</text>"##,
            lx = left,
            ry = ly - 4.0,
            tx = left + 20.0,
            ty = ly + 2.0,
            name = esc(name),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scaled() {
        let svg = bars(&[("<script>".into(), 50), ("Styrning & ledning".into(), 150)]);
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;") && svg.contains("&amp;"));
        assert!(svg.contains(r#"width="180""#) && svg.contains(r#"width="360""#));
        let l = lines(&["2024".into(), "2025".into()], &[("Nivå".into(), vec![Some(1.0), Some(2.0)])], 4.0, "");
        assert!(l.contains("<polyline") && l.contains("2025"));
    }
}
