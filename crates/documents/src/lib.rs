//! Documents: Excel workbooks written with rust_xlsxwriter and read with
//! calamine, reports as PDF (typst) and Word (docx-rs) from one model
//! (`report`), and SVG charts (`charts`). The callers build the content;
//! this crate only lays it out, so it knows nothing of assessments or models.

use std::io::Cursor;

use std::io::Read;

use calamine::{Data, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, Workbook};

pub mod charts;
#[cfg(feature = "render")]
mod docx;
#[cfg(feature = "render")]
pub mod pdf;
#[cfg(feature = "render")]
mod raster;
#[cfg(feature = "render")]
pub mod report;
#[cfg(feature = "render")]
#[doc(hidden)]
pub mod sample;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the PDF could not be made: {0}")]
    Pdf(String),
    /// The PDF was laid out wrongly (only when asked to check: tests).
    #[error("the PDF is laid out wrongly: {}", .0.join("; "))]
    Layout(Vec<String>),
    #[error("the Word document could not be made: {0}")]
    Docx(String),
    #[error("the workbook could not be written: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
    #[error("the file is not an Excel workbook (xlsx)")]
    NotXlsx,
    #[error("the workbook has no sheet named {0}")]
    NoSheet(String),
    /// The workbook is larger than Lisa reads: too many rows, columns or
    /// cells, or too much once unpacked.
    #[error("the workbook is too large to read ({0})")]
    TooLarge(&'static str),
}

/// What [`read_sheet`] reads at most. Checked while the file is read, before
/// anything is allocated for it: a sheet may claim any size in its
/// `<dimension>` and place one cell at each corner of the grid, and a zip
/// entry may unpack to far more than it says.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    /// Rows, counted from the first (row index + 1 of the last row read).
    pub rows: u32,
    /// Columns, likewise.
    pub columns: u32,
    /// Cells present in the sheet's XML.
    pub cells: usize,
    /// Bytes of all the workbook's parts once unpacked.
    pub unpacked: u64,
    /// Parts (files) in the workbook.
    pub parts: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self { rows: 10_000, columns: 100, cells: 300_000, unpacked: 64 * 1024 * 1024, parts: 1_000 }
    }
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
/// (whole numbers without decimals), empty cells empty strings. Reads
/// within [`ReadLimits::default`].
pub fn read_sheet(bytes: &[u8], name: &str) -> Result<Vec<Vec<String>>, Error> {
    read_sheet_within(bytes, name, ReadLimits::default())
}

/// [`read_sheet`] within `limits`: the workbook's parts are unpacked once
/// (counting, keeping nothing) to check their real size, then the sheet's
/// cells are streamed one at a time, each checked against the grid's limits
/// before it is placed.
pub fn read_sheet_within(bytes: &[u8], name: &str, limits: ReadLimits) -> Result<Vec<Vec<String>>, Error> {
    check_unpacked(bytes, limits)?;
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| Error::NotXlsx)?;
    let mut cells = match wb.worksheet_cells_reader(name) {
        Ok(c) => c,
        Err(calamine::XlsxError::WorksheetNotFound(_)) => return Err(Error::NoSheet(name.to_owned())),
        Err(_) => return Err(Error::NotXlsx),
    };
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut count = 0usize;
    while let Some(cell) = cells.next_cell().map_err(|_| Error::NotXlsx)? {
        let (row, col) = cell.get_position();
        if row >= limits.rows {
            return Err(Error::TooLarge("rows"));
        }
        if col >= limits.columns {
            return Err(Error::TooLarge("columns"));
        }
        count += 1;
        if count > limits.cells {
            return Err(Error::TooLarge("cells"));
        }
        let text = match cell.get_value() {
            calamine::DataRef::Empty => continue,
            calamine::DataRef::String(s) => s.clone(),
            calamine::DataRef::SharedString(s) => (*s).to_owned(),
            calamine::DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            calamine::DataRef::Float(f) => f.to_string(),
            calamine::DataRef::Int(i) => i.to_string(),
            calamine::DataRef::Bool(b) => b.to_string(),
            other => Data::from(other.clone()).to_string(),
        };
        let (r, c) = (row as usize, col as usize);
        if out.len() <= r {
            out.resize_with(r + 1, Vec::new);
        }
        let line = &mut out[r];
        if line.len() <= c {
            line.resize(c + 1, String::new());
        }
        line[c] = text;
    }
    // Every row as wide as the widest (within the column limit), as a grid.
    let width = out.iter().map(Vec::len).max().unwrap_or(0);
    for line in &mut out {
        line.resize(width, String::new());
    }
    Ok(out)
}

/// Unpacks every part of the workbook into nothing, counting bytes, and
/// fails as soon as the parts or the bytes exceed `limits`: a part cannot
/// lie its way past the check, since what is counted is what comes out.
fn check_unpacked(bytes: &[u8], limits: ReadLimits) -> Result<(), Error> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Error::NotXlsx)?;
    if zip.len() > limits.parts {
        return Err(Error::TooLarge("parts"));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|_| Error::NotXlsx)?;
        if part.size() > limits.unpacked.saturating_sub(total) {
            return Err(Error::TooLarge("unpacked"));
        }
        let left = limits.unpacked - total;
        let n = std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink()).map_err(|_| Error::NotXlsx)?;
        total += n;
        if total > limits.unpacked {
            return Err(Error::TooLarge("unpacked"));
        }
    }
    Ok(())
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

#[cfg(all(test, feature = "render"))]
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
