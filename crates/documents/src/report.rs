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
    },
    Chart {
        file: String,
        alt: &'a str,
        caption: &'a str,
    },
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
                // Without widths: numeric columns as narrow as their content,
                // text columns share the rest.
                let cols = match &g.widths {
                    Some(w) => w.clone(),
                    None if g.numeric.iter().all(|n| *n) => vec![0; g.cols()],
                    None => g.numeric.iter().map(|n| if *n { 0 } else { 1 }).collect(),
                };
                ViewBlock::Table { header: g.header, rows: g.rows, numeric: g.numeric, cols }
            }
            Block::Chart { svg, alt, caption } => {
                let file = format!("chart-{}.svg", files.len() + 1);
                files.push((file.clone(), svg.as_bytes().to_vec()));
                ViewBlock::Chart { file, alt, caption }
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
