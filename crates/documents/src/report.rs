//! One generic report model — a title page, numbered sections with
//! paragraphs, notes, lists, tables and charts — rendered two ways: PDF with
//! typst (`templates/report.typ`) and an editable Word document (docx-rs).
//!
//! The callers (the web crate) fill the model with translated text; this
//! module knows nothing of assessments or reviews. Text is always data: in
//! the PDF it reaches typst through `data.json`, in the DOCX it is XML-escaped.

use serde::Serialize;

use crate::Error;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// "sv" or "en" (typst text lang; DOCX language).
    pub lang: String,
    /// e.g. "Ledningens genomgång 2026".
    pub title: String,
    /// e.g. the organisation's name.
    pub subtitle: String,
    /// Label/value pairs on the title page (Organisation, År, Status, Antagen, Kontrollsumma …).
    pub facts: Vec<(String, String)>,
    /// Heading of the table of contents ("Innehåll"); None = no title page and no TOC (a short document).
    pub toc_title: Option<String>,
    /// Left part of every page footer, e.g. "Lisa · Exempla kommun · Kontrollsumma 3f2a…".
    pub footer: String,
    /// Word before the page number: "Sida" / "Page" → the footer's right part
    /// shows "Sida 3 av 12" / "Page 3 of 12"; `of_label` is "av"/"of".
    pub page_label: String,
    pub of_label: String,
    /// Printed large and pale across every page ("UTKAST" on a draft), and
    /// at the top of every page of the Word document; None = nothing.
    pub watermark: Option<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    /// Level-1 heading, numbered 1, 2, 3 … and listed in the TOC.
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// Serialised adjacently tagged (`{"kind": "paragraph", "data": "…"}`):
/// serde cannot tag a newtype variant holding a string or a list internally.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Block {
    /// Level 2, numbered 1.1, in the TOC.
    Subheading(String),
    /// Plain text; may contain '\n' = line breaks.
    Paragraph(String),
    /// A comment written by a person, shown set off (left border, italic
    /// label), label like "Kommentar från informationssäkerhetssamordnaren".
    Note {
        label: String,
        text: String,
    },
    Bullets(Vec<String>),
    /// Label/value pairs in two columns.
    Facts(Vec<(String, String)>),
    /// Header + rows of text cells; `numeric` marks columns to right-align;
    /// widths are relative (e.g. [3,1,1]) or empty = auto.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
        widths: Vec<u32>,
    },
    /// An SVG chart (complete <svg> document with viewBox), `alt` is the
    /// text alternative, `caption` shown below.
    Chart {
        svg: String,
        alt: String,
        caption: String,
    },
}

/// The report as PDF (A4, typst).
pub fn pdf(report: &Report) -> Result<Vec<u8>, Error> {
    let mut files = Vec::new();
    let view = View::new(report, &mut files);
    let data = serde_json::to_string(&view).map_err(|e| Error::Pdf(e.to_string()))?;
    crate::pdf::render_with_files(include_str!("../templates/report.typ"), &data, files)
}

/// Like [`pdf`], and refuses a report laid out wrongly (a chart or table
/// outside the page, overlapping text) with [`Error::Layout`]: for tests,
/// which make every PDF this way.
pub fn pdf_checked(report: &Report) -> Result<Vec<u8>, Error> {
    let mut files = Vec::new();
    let view = View::new(report, &mut files);
    let data = serde_json::to_string(&view).map_err(|e| Error::Pdf(e.to_string()))?;
    crate::pdf::render_checked(include_str!("../templates/report.typ"), &data, files)
}

/// The report as an editable Word document.
pub fn docx(report: &Report) -> Result<Vec<u8>, Error> {
    crate::docx::render(report)
}

/// The language as a bare ISO 639 code ("sv", "en"), "en" when unusable.
pub(crate) fn lang_code(lang: &str) -> String {
    let code = lang.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    if (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase()) { code } else { "en".to_owned() }
}

/// A table with every row as long as the widest: short rows are padded
/// with empty cells, `numeric` and `widths` fitted to the column count
/// (widths dropped unless one positive number per column).
pub(crate) struct Grid<'a> {
    pub header: Vec<&'a str>,
    pub rows: Vec<Vec<&'a str>>,
    pub numeric: Vec<bool>,
    pub widths: Option<Vec<u32>>,
}

impl<'a> Grid<'a> {
    pub fn new(header: &'a [String], rows: &'a [Vec<String>], numeric: &[bool], widths: &[u32]) -> Self {
        let cols = rows.iter().map(Vec::len).chain([header.len()]).max().unwrap_or(0);
        let pad = |cells: &'a [String]| -> Vec<&'a str> {
            let mut v: Vec<&str> = cells.iter().map(String::as_str).collect();
            v.resize(cols, "");
            v
        };
        let header = if header.is_empty() { Vec::new() } else { pad(header) };
        let rows = rows.iter().map(|r| pad(r.as_slice())).collect();
        let numeric = (0..cols).map(|i| numeric.get(i).copied().unwrap_or(false)).collect();
        let widths = (widths.len() == cols && cols > 0 && widths.iter().all(|w| *w > 0)).then(|| widths.to_vec());
        Grid { header, rows, numeric, widths }
    }

    pub fn cols(&self) -> usize {
        self.numeric.len()
    }
}

/// Characters of 9 pt text that fit the text width side by side (about
/// 1.75 mm a character in Noto Sans, 166 mm wide), less nothing: cell
/// padding is counted per column.
const TABLE_BUDGET_CHARS: usize = 94;
/// A cell's padding (5 pt on each side) in characters of 9 pt text.
const CELL_PAD_CHARS: usize = 2;
/// A word longer than this may be hyphenated in a table (as the template does).
const HYPHENATE_FROM: usize = 14;
/// A cell's text is wrapped rather than widened past this many characters.
const WANT_MAX_CHARS: usize = 36;

/// How a table without widths is set: relative column widths and the text size.
#[derive(Debug, PartialEq)]
pub(crate) struct ColumnFit {
    pub weights: Vec<u32>,
    /// Tenths of a point.
    pub size: u32,
}

/// Column widths from content, so that no column is narrower than its
/// longest word (which would run into the next column). Without widths of
/// its own, each column gets at least its longest word and, of the room
/// left, a share in proportion to how much longer its longest text is; with
/// widths, those shares, each raised to its longest word at the expense of
/// the columns with room to spare. When even the longest words do not fit
/// side by side, the text is made smaller (down to 6.5 pt) instead.
pub(crate) fn fit_columns(g: &Grid) -> ColumnFit {
    let n = g.cols();
    if n == 0 {
        return ColumnFit { weights: Vec::new(), size: 90 };
    }
    let chars = |s: &str| s.chars().count() as f64;
    let mut min = vec![1.0f64; n];
    let mut want = vec![1.0f64; n];
    let header = std::iter::once((&g.header, HEADER_WIDER, true));
    for (row, scale, is_header) in g.rows.iter().map(|r| (r, 1.0, false)).chain(header) {
        for (i, cell) in row.iter().enumerate().take(n) {
            for line in cell.split('\n') {
                // Longer words are hyphenated by the template, so count at most that.
                let word = line.split(' ').map(|w| chars(w).min(HYPHENATE_FROM as f64)).fold(0.0, f64::max);
                // A figure ("87 %", "41 %–78 %") is never broken.
                let figure = g.numeric[i] && chars(line) <= 12.0 && line.chars().any(|c| c.is_ascii_digit());
                let word = if figure && !is_header { word.max(chars(line)) } else { word };
                min[i] = min[i].max(word * scale);
                want[i] = want[i].max(chars(line).min(WANT_MAX_CHARS as f64) * scale);
            }
        }
    }
    let budget = (TABLE_BUDGET_CHARS.saturating_sub(CELL_PAD_CHARS * n)).max(n) as f64;
    let min_sum: f64 = min.iter().sum();
    if min_sum > budget {
        let size = ((90.0 * budget / min_sum) as u32).max(65);
        return ColumnFit { weights: min.iter().map(|m| (m * 10.0).round().max(1.0) as u32).collect(), size };
    }
    let want_sum: f64 = want.iter().sum();
    let desired: Vec<f64> = match &g.widths {
        Some(w) => {
            let total: f64 = w.iter().map(|x| f64::from(*x)).sum::<f64>().max(1.0);
            w.iter().map(|x| f64::from(*x) / total * budget).collect()
        }
        None if want_sum <= budget => want.clone(),
        None => {
            let (spare, extra) = (budget - min_sum, (want_sum - min_sum).max(1.0));
            min.iter().zip(&want).map(|(m, w)| m + (w - m) * spare / extra).collect()
        }
    };
    // Raise every column to its longest word, taking the room from those
    // with more than theirs, in proportion to what they have to spare.
    let deficit: f64 = desired.iter().zip(&min).map(|(d, m)| (m - d).max(0.0)).sum();
    let slack: f64 = desired.iter().zip(&min).map(|(d, m)| (d - m).max(0.0)).sum();
    let fitted = desired.iter().zip(&min).map(|(d, m)| {
        if d <= m {
            *m
        } else if slack > 0.0 {
            d - (d - m) / slack * deficit.min(slack)
        } else {
            *d
        }
    });
    ColumnFit { weights: fitted.map(|x| (x * 10.0).round().max(1.0) as u32).collect(), size: 90 }
}

/// Header text is bold, and bold letters are wider.
const HEADER_WIDER: f64 = 1.15;

// ---- the data typst sees -------------------------------------------------

#[derive(Serialize)]
struct View<'a> {
    lang: String,
    title: &'a str,
    subtitle: &'a str,
    facts: &'a [(String, String)],
    toc_title: Option<&'a str>,
    footer: &'a str,
    page_label: &'a str,
    of_label: &'a str,
    watermark: Option<&'a str>,
    sections: Vec<ViewSection<'a>>,
}

#[derive(Serialize)]
struct ViewSection<'a> {
    heading: &'a str,
    blocks: Vec<ViewBlock<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ViewBlock<'a> {
    Subheading {
        text: &'a str,
    },
    Paragraph {
        text: &'a str,
    },
    Note {
        label: &'a str,
        text: &'a str,
    },
    Bullets {
        items: &'a [String],
    },
    Facts {
        pairs: &'a [(String, String)],
    },
    Table {
        header: Vec<&'a str>,
        rows: Vec<Vec<&'a str>>,
        numeric: Vec<bool>,
        /// Relative widths; 0 = auto.
        cols: Vec<u32>,
        /// Text size in tenths of a point (90 = 9 pt): smaller for a table
        /// whose longest words would not fit the page side by side.
        size: u32,
    },
    Chart {
        file: String,
        alt: &'a str,
        caption: &'a str,
        /// The chart's width in per cent of the text width: less than 100
        /// for a tall chart, so that it and its caption fit one page.
        width: u32,
    },
}

/// The text width of an A4 page with the template's margins, in mm.
const TEXT_WIDTH_MM: f64 = 210.0 - 2.0 * 22.0;
/// The tallest a chart may be drawn, in mm: the page's text height (297 mm
/// less 48 mm of margins) less room for a heading and the caption.
pub const CHART_MAX_HEIGHT_MM: f64 = 190.0;

/// The width (per cent of the text width) at which a chart of this aspect
/// (height ÷ width, from its viewBox) is at most [`CHART_MAX_HEIGHT_MM`]
/// tall; 100 when it already is, never below 30.
pub fn chart_width_percent(svg: &str) -> u32 {
    let Some((w, h)) = view_box(svg) else { return 100 };
    let height_at_full = TEXT_WIDTH_MM * h / w;
    if height_at_full <= CHART_MAX_HEIGHT_MM {
        100
    } else {
        ((CHART_MAX_HEIGHT_MM / height_at_full * 100.0).floor() as u32).clamp(30, 100)
    }
}

/// The width and height of an SVG's viewBox, if it has a sensible one.
fn view_box(svg: &str) -> Option<(f64, f64)> {
    let head = &svg[..svg.find('>')?];
    let start = head.find("viewBox=\"")? + 9;
    let rest = &head[start..];
    let v: Vec<f64> = rest[..rest.find('"')?].split_whitespace().filter_map(|x| x.parse().ok()).collect();
    match v[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() => Some((w, h)),
        _ => None,
    }
}

impl<'a> View<'a> {
    /// The report for the template; chart SVGs go to `files` as `chart-N.svg`.
    fn new(r: &'a Report, files: &mut Vec<(String, Vec<u8>)>) -> Self {
        let sections = r
            .sections
            .iter()
            .map(|s| ViewSection {
                heading: &s.heading,
                blocks: s.blocks.iter().map(|b| ViewBlock::new(b, files)).collect(),
            })
            .collect();
        View {
            lang: lang_code(&r.lang),
            title: &r.title,
            subtitle: &r.subtitle,
            facts: &r.facts,
            toc_title: r.toc_title.as_deref(),
            footer: &r.footer,
            page_label: &r.page_label,
            of_label: &r.of_label,
            watermark: r.watermark.as_deref(),
            sections,
        }
    }
}

impl<'a> ViewBlock<'a> {
    fn new(b: &'a Block, files: &mut Vec<(String, Vec<u8>)>) -> Self {
        match b {
            Block::Subheading(t) => ViewBlock::Subheading { text: t },
            Block::Paragraph(t) => ViewBlock::Paragraph { text: t },
            Block::Note { label, text } => ViewBlock::Note { label, text },
            Block::Bullets(items) => ViewBlock::Bullets { items },
            Block::Facts(pairs) => ViewBlock::Facts { pairs },
            Block::Table { header, rows, numeric, widths } => {
                let g = Grid::new(header, rows, numeric, widths);
                // Without widths: each column as wide as its content asks,
                // never narrower than its longest word (see `fit_columns`).
                let fit = fit_columns(&g);
                ViewBlock::Table {
                    header: g.header,
                    rows: g.rows,
                    numeric: g.numeric,
                    cols: fit.weights,
                    size: fit.size,
                }
            }
            Block::Chart { svg, alt, caption } => {
                let file = format!("chart-{}.svg", files.len() + 1);
                files.push((file.clone(), svg.as_bytes().to_vec()));
                ViewBlock::Chart { file, alt, caption, width: chart_width_percent(svg) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_block_serialises() {
        let r = crate::sample::sample_report();
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains(r#""kind":"subheading","data":"#));
        assert!(json.contains(r#""kind":"note","data":{"label":"#));
    }

    #[test]
    fn tall_charts_are_narrowed_to_fit_a_page() {
        let svg = |w: u32, h: u32| format!(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}"></svg>"#);
        assert_eq!(chart_width_percent(&svg(640, 300)), 100);
        // 640 × 1100 drawn 166 mm wide would be 285 mm tall: narrowed to 190 mm.
        let p = chart_width_percent(&svg(640, 1100));
        assert_eq!(p, 66);
        assert!(TEXT_WIDTH_MM * f64::from(p) / 100.0 * 1100.0 / 640.0 <= CHART_MAX_HEIGHT_MM);
        assert_eq!(chart_width_percent(&svg(10, 10_000)), 30);
        assert_eq!(chart_width_percent("<svg>"), 100);
        assert_eq!(chart_width_percent(r#"<svg viewBox="0 0 0 5">"#), 100);
    }

    fn grid<'a>(header: &'a [String], rows: &'a [Vec<String>]) -> Grid<'a> {
        Grid::new(header, rows, &vec![false; header.len()], &[])
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn columns_fit_their_longest_words() {
        // A narrow table: each column as wide as its text.
        let h = strings(&["Område", "Andel"]);
        let rows = vec![strings(&["Styrdokument", "87 %"])];
        let f = fit_columns(&grid(&h, &rows));
        assert_eq!(f, ColumnFit { weights: vec![120, 58], size: 90 });
        // A wide table: no column gets less than its longest word, in the
        // same unit (tenths of a character) for all columns.
        let h = strings(&["Område", "Median – kommuner", "Mittersta hälften – kommuner", "Percentil – alla"]);
        let long = "Informationstillgångar och klassning av information i hela organisationen";
        let rows = vec![strings(&[long, "63 %", "41 % – 78 %", "74"])];
        let f = fit_columns(&grid(&h, &rows));
        assert_eq!(f.size, 90);
        let word = |w: &str| w.chars().count() as u32 * 10;
        assert!(f.weights[0] >= word("organisationen"));
        assert!(f.weights[2] >= word("Mittersta"));
        assert!(f.weights[0] > f.weights[3], "{:?}", f.weights);
        // Widths of the caller's own are kept, but no column below its longest word.
        let g = Grid::new(&h, &rows, &[false, true, true, true], &[6, 1, 1, 1]);
        let f = fit_columns(&g);
        assert!(f.weights[2] >= word("Mittersta"), "{:?}", f.weights);
        assert!(f.weights[0] > 2 * f.weights[1], "the first column stays the widest: {:?}", f.weights);
        // Too many columns for their words: smaller text, never below 6.5 pt.
        let h: Vec<String> = (0..12).map(|i| format!("Kolumnrubrik{i}")).collect();
        let f = fit_columns(&grid(&h, &[]));
        assert!(f.size < 90 && f.size >= 65, "{}", f.size);
    }

    #[test]
    fn language_codes_are_cleaned() {
        assert_eq!(lang_code("sv-SE"), "sv");
        assert_eq!(lang_code("EN"), "en");
        assert_eq!(lang_code("#set"), "en");
        assert_eq!(lang_code(""), "en");
    }

    #[test]
    fn short_rows_are_padded() {
        let header = vec!["A".to_owned(), "B".to_owned()];
        let rows = vec![vec!["1".to_owned()], vec!["1".to_owned(), "2".to_owned(), "3".to_owned()]];
        let g = Grid::new(&header, &rows, &[false, true], &[2, 1]);
        assert_eq!(g.cols(), 3);
        assert_eq!(g.header, ["A", "B", ""]);
        assert_eq!(g.rows[0], ["1", "", ""]);
        assert_eq!(g.numeric, [false, true, false]);
        assert!(g.widths.is_none());
    }
}
