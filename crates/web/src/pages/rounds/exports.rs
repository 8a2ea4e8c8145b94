//! The combined assessment (samlad bedömning) as PDF and Word reports, and
//! a round's tables as Excel and CSV.

use axum::extract::{Path, State};
use axum::response::Response;
use domain::aggregate::TrendRow;
use domain::clock::today;

use super::Table;
use super::results::{Loaded, ResultsView, load_results};
use super::trend::trend_view;
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::pages::{Ctx, docx_download, download, pdf_download, render_blocking};
use crate::session::{CurrentUser, Session};

/// The download's file name without its extension: a translated prefix and
/// the round's name as a slug.
fn file_stem(ctx: &Ctx, r: &store::Round) -> String {
    let prefix = ctx.t("round-file-results");
    match domain::slug::slug(&r.data.name) {
        name if name.is_empty() => prefix,
        name => format!("{prefix}-{name}"),
    }
}

/// The combined assessment (samlad bedömning) as a report.
pub fn results_report(
    ctx: &Ctx,
    coordinator: &str,
    r: &store::Round,
    v: &ResultsView,
    trend: &[TrendRow],
    summary: Vec<String>,
) -> documents::report::Report {
    use documents::report::{Block, Report, Section};
    let table = |t: &Table| Block::Table {
        header: t.header.clone(),
        rows: t
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![row.label.clone()];
                cells.extend(row.cells.iter().cloned());
                cells
            })
            .collect(),
        // A column is set as figures (right-aligned, never broken) when every
        // cell of it is short; the blockers' question texts are text.
        numeric: (0..t.header.len())
            .map(|i| i > 0 && t.rows.iter().all(|r| r.cells.get(i - 1).is_none_or(|c| c.chars().count() <= 16)))
            .collect(),
        widths: Vec::new(),
    };
    let mut sections = vec![Section {
        heading: ctx.t("round-summary"),
        blocks: vec![
            Block::Bullets(summary),
            Block::Facts(vec![
                (ctx.t("round-coordinator"), coordinator.to_owned()),
                (ctx.t("col-period"), r.data.period.to_string()),
                (ctx.t("round-invited"), v.invited.to_string()),
                (ctx.t("col-respondents"), v.respondents.to_string()),
                (ctx.t("round-k"), v.k.to_string()),
            ]),
            Block::Paragraph(v.suppressed_note.clone()),
        ],
    }];
    let mut levels = vec![table(&v.tables[0])];
    if !v.level_chart.is_empty() {
        levels.insert(
            0,
            Block::Chart {
                svg: v.level_chart.clone(),
                alt: ctx.t("round-levels-chart"),
                caption: ctx.t("round-levels-chart"),
            },
        );
    }
    sections.push(Section { heading: v.tables[0].caption.clone(), blocks: levels });
    let mut areas = vec![table(&v.tables[1])];
    if !v.area_chart.is_empty() {
        areas.insert(
            0,
            Block::Chart {
                svg: v.area_chart.clone(),
                alt: ctx.t("round-areas-chart"),
                caption: ctx.t("round-areas-chart"),
            },
        );
    }
    sections.push(Section { heading: v.tables[1].caption.clone(), blocks: areas });
    sections.push(Section {
        heading: v.tables[2].caption.clone(),
        blocks: vec![
            Block::Paragraph(ctx.t("round-blockers-explained")),
            table(&v.tables[2]),
            Block::Subheading(v.tables[3].caption.clone()),
            table(&v.tables[3]),
        ],
    });
    if trend.len() > 1 {
        let tv = trend_view(ctx, trend);
        sections.push(Section {
            heading: ctx.t("round-trend"),
            blocks: vec![
                Block::Paragraph(ctx.t("round-trend-explained")),
                Block::Chart {
                    svg: tv.chart.clone(),
                    alt: ctx.t("round-trend-chart"),
                    caption: ctx.t("round-trend-chart"),
                },
                table(&tv.table),
            ],
        });
    }
    Report {
        lang: ctx.lang_code().into(),
        title: format!("{} – {}", ctx.t("round-report-title"), r.data.name),
        subtitle: coordinator.to_owned(),
        facts: vec![(ctx.t("round-report-made"), today().to_string())],
        toc_title: Some(ctx.t("toc")),
        footer: format!("Lisa · {coordinator} · {}", r.data.name),
        page_label: ctx.t("page"),
        of_label: ctx.t("page-of"),
        watermark: None,
        sections,
    }
}

async fn report_parts(state: &SharedState, s: &Session, id: &str) -> AppResult<(documents::report::Report, String)> {
    let Loaded { access: a, view: v, ctx } = load_results(state, s, id).await?;
    let trend = state.models.figures.trend(&state.store, &a.round, a.data_version).await?;
    let coordinator = a.org_name(a.round.org_id);
    let breakdown = state.models.figures.breakdown(&state.store, &a.round, a.data_version).await?;
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let summary = super::results::summary_sentences(&ctx, &model, &breakdown, v.invited, &trend);
    Ok((results_report(&ctx, &coordinator, &a.round, &v, &trend, summary), file_stem(&ctx, &a.round)))
}

pub async fn report_pdf(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (report, stem) = report_parts(&state, &s, &id).await?;
    pdf_download(&state, "round report pdf", format!("{stem}.pdf"), report).await
}

pub async fn report_docx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (report, stem) = report_parts(&state, &s, &id).await?;
    docx_download(&state, "round report docx", format!("{stem}.docx"), report).await
}

fn sheet_rows(t: &Table) -> Vec<Vec<documents::Cell>> {
    t.rows
        .iter()
        .map(|row| {
            let mut cells: Vec<documents::Cell> = vec![row.label.clone().into()];
            cells.extend(row.cells.iter().map(|c| documents::Cell::from(c.clone())));
            cells
        })
        .collect()
}

pub async fn results_xlsx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let Loaded { access: a, view: v, ctx } = load_results(&state, &s, &id).await?;
    let sheets: Vec<documents::Sheet> = v
        .tables
        .iter()
        .map(|t| documents::Sheet {
            name: t.caption.chars().take(31).collect(),
            preamble: vec![format!("{} · {}", a.round.data.name, t.caption), v.suppressed_note.clone()],
            header: t.header.clone(),
            rows: sheet_rows(t),
            widths: (0..t.header.len()).map(|i| if i == 0 { 48.0 } else { 16.0 }).collect(),
            choice: None,
        })
        .collect();
    let bytes = render_blocking(&state, "round results xlsx", move || documents::workbook(&sheets)).await?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{}.xlsx", file_stem(&ctx, &a.round)),
        bytes,
    ))
}

/// Excel runs a cell starting with = + - @ as a formula: an apostrophe in
/// front keeps it text.
fn excel_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@']) { format!("'{s}").into() } else { s.into() }
}

/// The tables as one long table (table, group, measure, value), easy to
/// filter in Excel: semicolons, CRLF and a byte-order mark, as Excel in
/// Swedish expects.
fn results_csv_bytes(ctx: &Ctx, v: &ResultsView) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record([ctx.t("col-table"), ctx.t("col-group"), ctx.t("col-measure"), ctx.t("col-value")])?;
    for t in &v.tables {
        for row in &t.rows {
            for (i, c) in row.cells.iter().enumerate() {
                let measure = t.header.get(i + 1).map(String::as_str).unwrap_or_default();
                let fields = [t.caption.as_str(), row.label.as_str(), measure, c.as_str()].map(excel_text);
                w.write_record(fields.iter().map(|f| f.as_bytes()))?;
            }
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

pub async fn results_csv(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let Loaded { access: a, view: v, ctx } = load_results(&state, &s, &id).await?;
    let bytes = results_csv_bytes(&ctx, &v).map_err(AppError::internal)?;
    Ok(download("text/csv; charset=utf-8", &format!("{}.csv", file_stem(&ctx, &a.round)), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::rounds::FigRow;
    use domain::user::Language;

    #[test]
    fn csv_has_a_bom_semicolons_and_no_formulas() {
        let ctx = Ctx::new(Language::Sv, None, "");
        let v = ResultsView {
            respondents: 1,
            invited: 2,
            k: 3,
            suppressed_note: String::new(),
            level_chart: String::new(),
            area_chart: String::new(),
            tables: vec![Table {
                caption: "Nivåer".into(),
                header: vec!["Grupp".into(), "Antal; svar".into(), "Andel".into()],
                rows: vec![FigRow {
                    label: "=SUM(A1)".into(),
                    cells: vec!["2".into(), "\"50 %\"".into()],
                    suppressed: false,
                }],
            }],
        };
        let text = String::from_utf8(results_csv_bytes(&ctx, &v).unwrap()).unwrap();
        assert!(text.starts_with('\u{feff}'), "{text}");
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines.len(), 4, "a header, two cells and the final line break: {lines:?}");
        assert_eq!(lines[1], "Nivåer;'=SUM(A1);\"Antal; svar\";2");
        assert_eq!(lines[2], "Nivåer;'=SUM(A1);Andel;\"\"\"50 %\"\"\"");
        assert_eq!(lines[3], "");
    }
}
