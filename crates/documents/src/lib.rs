//! Documents: Excel workbooks written with rust_xlsxwriter and read with
//! calamine, reports as PDF (typst) and Word (docx-rs) from one model
//! (`report`), and SVG charts (`charts`). The callers build the content;
//! this crate only lays it out, so it knows nothing of assessments or models.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, Workbook};

pub mod charts;
mod docx;
pub mod pdf;
mod raster;
pub mod report;
#[doc(hidden)]
pub mod sample;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the PDF could not be made: {0}")]
    Pdf(String),
    #[error("the Word document could not be made: {0}")]
    Docx(String),
    #[error("the workbook could not be written: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
    #[error("the file is not an Excel workbook (xlsx)")]
    NotXlsx,
    #[error("the workbook has no sheet named {0}")]
    NoSheet(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

/// A list of allowed values for one column, shown as a drop-down in Excel.
#[derive(Debug, Clone)]
pub struct Choice {
    pub column: u16,
    pub values: Vec<String>,
    pub title: String,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    /// Lines above the table (a title, explanations), one cell each.
    pub preamble: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Column widths in characters.
    pub widths: Vec<f64>,
    pub choice: Option<Choice>,
}

/// Writes the sheets into one workbook; the header row is bold and frozen.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color(0xDCE6F0).set_text_wrap().set_align(FormatAlign::Top);
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name)?;
        for (i, w) in sheet.widths.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        let mut row: u32 = 0;
        for (i, line) in sheet.preamble.iter().enumerate() {
            if i == 0 {
                ws.write_string_with_format(row, 0, line, &title)?;
            } else {
                ws.write_string(row, 0, line)?;
            }
            row += 1;
        }
        if !sheet.preamble.is_empty() {
            row += 1;
        }
        let header_row = row;
        for (c, h) in sheet.header.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, h, &bold)?;
        }
        ws.set_freeze_panes(header_row + 1, 0)?;
        for r in &sheet.rows {
            row += 1;
            for (c, cell) in r.iter().enumerate() {
                match cell {
                    Cell::Text(t) => ws.write_string_with_format(row, c as u16, t, &wrap)?,
                    Cell::Number(n) => ws.write_number(row, c as u16, *n)?,
                };
            }
        }
        if let Some(ch) = &sheet.choice {
            let dv = DataValidation::new()
                .allow_list_strings(&ch.values)?
                .set_input_title(ch.title.clone())?
                .set_error_message(ch.message.clone())?;
            ws.add_data_validation(header_row + 1, ch.column, row.max(header_row + 1), ch.column, &dv)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// One sheet as rows of text, from its first row; numbers become text
/// (whole numbers without decimals), empty cells empty strings.
pub fn read_sheet(bytes: &[u8], name: &str) -> Result<Vec<Vec<String>>, Error> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| Error::NotXlsx)?;
    let range = wb.worksheet_range(name).map_err(|_| Error::NoSheet(name.to_owned()))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut out: Vec<Vec<String>> = vec![Vec::new(); first_row as usize];
    for r in range.rows() {
        let mut cells = vec![String::new(); first_col as usize];
        cells.extend(r.iter().map(|c| match c {
            Data::String(s) => s.clone(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::Empty => String::new(),
            other => other.to_string(),
        }));
        out.push(cells);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_workbook_reads_back() {
        let sheet = Sheet {
            name: "Svar".into(),
            preamble: vec!["Självskattning 2026".into(), "Fyll i kolumnen Svar.".into()],
            header: vec!["Fråge-id".into(), "Svar".into(), "Poäng".into()],
            rows: vec![
                vec!["ledning-1".into(), "ja".into(), Cell::Number(2.0)],
                vec!["ledning-2".into(), "".into(), Cell::Number(0.5)],
            ],
            widths: vec![12.0, 10.0, 8.0],
            choice: Some(Choice {
                column: 1,
                values: vec!["nej".into(), "ja".into()],
                title: "Svar".into(),
                message: "Välj".into(),
            }),
        };
        let bytes = workbook(&[sheet]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let rows = read_sheet(&bytes, "Svar").unwrap();
        assert_eq!(rows[0][0], "Självskattning 2026");
        assert_eq!(rows[3], vec!["Fråge-id", "Svar", "Poäng"]);
        assert_eq!(rows[4], vec!["ledning-1", "ja", "2"]);
        assert_eq!(rows[5], vec!["ledning-2", "", "0.5"]);
        assert!(matches!(read_sheet(&bytes, "Annat"), Err(Error::NoSheet(_))));
        assert!(matches!(read_sheet(b"inte en arbetsbok", "Svar"), Err(Error::NotXlsx)));
    }
}

#[cfg(test)]
mod pdf_tests {
    #[test]
    fn a_report_renders_and_user_text_stays_text() {
        let data = serde_json::json!({
            "lang": "sv", "title": "Självskattning 2026 – Exempla kommun", "subtitle": "Lisas grundmodell, version 1",
            "footer": "Lisa", "page_label": "Sida", "level_label": "Nivå 2", "level_name": "Utvecklad grund",
            "areas_heading": "Andel per område", "areas": [{"name": "Ledning", "pct": 75}, {"name": "#set page(fill: red)", "pct": 10}],
            "levels_heading": "Nivåerna", "levels_header": ["Nivå", "Andel", "Krav", "Nådd"],
            "levels": [{"name": "1 Grundläggande", "pct": 80, "threshold": 60, "reached": "Ja"}],
            "feedback_heading": "Vad ni behöver göra härnäst", "feedback_intro": "Det här saknas för nivå 3.",
            "must_label": "Skallkrav", "action_label": "Rekommenderad åtgärd:",
            "feedback": [{"area": "Risk", "status": "Inte uppfyllt", "must": true, "question": "Gör ni riskanalyser?", "action": "Inför en metod."}],
        });
        let pdf = super::pdf::assessment_report(&data.to_string()).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert!(pdf.len() > 5000);
    }
}
