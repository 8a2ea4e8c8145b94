//! The central compilation of incidents (central sammanställning, seed
//! 003): per year and organisation, rolled up the tree, with charts, and as
//! Excel and CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use documents::{Cell, Sheet};
use domain::incident::compile::{Compilation, Figures};
use domain::incident::{Category, Severity};
use serde::Deserialize;
use uuid::Uuid;

use super::{SECTION, years};
use crate::SharedState;
use crate::app;
use crate::error::{AppError, AppResult};
use crate::i18n::t_args;
use crate::pages::plan::OrgOption;
use crate::pages::{Ctx, download, render, render_blocking};
use crate::session::{CurrentUser, Session};

/// The compilation's choice, from the query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Choice {
    pub org: String,
    pub year: String,
}

/// One chart of the page with the table of its figures.
pub struct ChartView {
    pub id: &'static str,
    pub heading: String,
    pub svg: String,
    pub alt: String,
    pub rows: Vec<(String, usize)>,
}

#[derive(Template)]
#[template(path = "incidents_compilation.html")]
struct CompilationPage {
    ctx: Ctx,
    orgs: Vec<OrgOption>,
    org: String,
    year: i32,
    years: Vec<i32>,
    query: String,
    total: usize,
    summary: Vec<(String, String)>,
    charts: Vec<ChartView>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// What the page and the exports read: the compilation, the chosen root and year.
struct Chosen {
    orgs: Vec<OrgOption>,
    root: Uuid,
    year: i32,
    c: Compilation,
}

async fn chosen(state: &SharedState, s: &Session, q: &Choice) -> AppResult<Chosen> {
    let orgs = super::org_options(app::incident::viewable_orgs(&state.store, &s.caller()).await?);
    let year = q
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(app::incident::this_year);
    let root = match q.org.trim() {
        "" => orgs.first().map(|o| o.id).ok_or(AppError::from(app::Error::Forbidden))?,
        o => o.parse::<Uuid>().map_err(|_| AppError::NotFound)?,
    };
    let c = app::incident::compilation(&state.store, &s.caller(), root, year).await?.compilation;
    Ok(Chosen { orgs, root, year, c })
}

fn hours(h: Option<f64>) -> String {
    h.map(|h| format!("{:.1}", h)).unwrap_or_default()
}

/// The per-organisation table: a row per organisation in tree order with
/// its rolled-up figures (and its own count).
fn table(ctx: &Ctx, c: &Compilation) -> (Vec<String>, Vec<Vec<String>>) {
    let header = [
        "incident-org",
        "incident-compilation-own",
        "incident-compilation-total",
        "incident-compilation-personal",
        "incident-compilation-open",
        "incident-compilation-closed",
        "incident-compilation-met",
        "incident-compilation-late",
        "incident-compilation-missed",
        "incident-compilation-median",
        "incident-compilation-mean",
    ]
    .iter()
    .map(|k| ctx.t(k))
    .collect();
    let rows = c
        .rows
        .iter()
        .map(|r| {
            let f = &r.rolled_up;
            vec![
                format!("{}{}", "– ".repeat(r.depth), r.name),
                r.own.incidents.to_string(),
                f.incidents.to_string(),
                f.personal_data.to_string(),
                f.open.to_string(),
                f.closed.to_string(),
                f.deadlines.met.to_string(),
                f.deadlines.late.to_string(),
                f.deadlines.missed.to_string(),
                hours(f.median_hours_to_close),
                hours(f.mean_hours_to_close),
            ]
        })
        .collect();
    (header, rows)
}

/// A chart of `documents::charts` fitted to the page: as wide as its
/// figure, hidden from screen readers (the table beside it has the figures).
fn page_chart(svg: String) -> String {
    let Some(end) = svg.find('>') else { return svg };
    let (head, rest) = svg.split_at(end);
    let head: Vec<&str> = head.split(' ').filter(|a| !a.starts_with("width=") && !a.starts_with("height=")).collect();
    format!(r#"{} width="100%" role="img" aria-hidden="true" class="chart"{rest}"#, head.join(" "))
}

fn chart(ctx: &Ctx, id: &'static str, heading: &str, rows: Vec<(String, usize)>) -> ChartView {
    let items: Vec<(String, f64)> = rows.iter().map(|(l, n)| (l.clone(), *n as f64)).collect();
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1) as f64;
    ChartView {
        id,
        heading: ctx.t(heading),
        svg: page_chart(documents::charts::bar_chart(&items, max, "")),
        alt: t_args(
            ctx.lang,
            "incident-compilation-chart-alt",
            &[("counts", rows.iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join(", "))],
        ),
        rows,
    }
}

fn charts(ctx: &Ctx, f: &Figures) -> Vec<ChartView> {
    let by_category = Category::ALL
        .iter()
        .map(|c| (ctx.tk("incident-category", &c.code()), f.by_category.get(c).copied().unwrap_or(0)))
        .collect();
    let by_severity = Severity::ALL
        .iter()
        .map(|x| (ctx.tk("incident-severity", &x.code()), f.by_severity.get(x).copied().unwrap_or(0)))
        .collect();
    let d = &f.deadlines;
    let deadlines = vec![
        (ctx.t("incident-state-met"), d.met),
        (ctx.t("incident-state-late"), d.late),
        (ctx.t("incident-state-missed"), d.missed),
        (ctx.t("incident-state-running"), d.running),
        (ctx.t("incident-state-not_required"), d.not_required),
    ];
    vec![
        chart(ctx, "category", "incident-compilation-by-category", by_category),
        chart(ctx, "severity", "incident-compilation-by-severity", by_severity),
        chart(ctx, "deadlines", "incident-compilation-deadlines", deadlines),
    ]
}

/// GET /incidents/compilation?org=&year=
pub async fn page(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let ch = chosen(&state, &s, &q).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let (header, rows) = table(&ctx, &ch.c);
    let total = ch.c.total().map_or(0, |f| f.incidents);
    let summary = match ch.c.total() {
        Some(f) => vec![
            (ctx.t("incident-compilation-count"), f.incidents.to_string()),
            (ctx.t("incident-compilation-personal"), f.personal_data.to_string()),
            (ctx.t("incident-compilation-open"), f.open.to_string()),
            (ctx.t("incident-compilation-closed"), f.closed.to_string()),
            (ctx.t("incident-compilation-met"), f.deadlines.met.to_string()),
            (ctx.t("incident-compilation-late"), f.deadlines.late.to_string()),
            (ctx.t("incident-compilation-missed"), f.deadlines.missed.to_string()),
            (ctx.t("incident-compilation-median"), hours(f.median_hours_to_close)),
        ],
        None => Vec::new(),
    };
    render(&CompilationPage {
        charts: ch.c.total().map(|f| charts(&ctx, f)).unwrap_or_default(),
        query: format!("org={}&year={}", ch.root, ch.year),
        org: ch.root.to_string(),
        orgs: ch.orgs,
        year: ch.year,
        years: years(),
        total,
        summary,
        header,
        rows,
        ctx,
    })
}

/// The export's rows: the page's table with a column per category and severity.
fn export(ctx: &Ctx, c: &Compilation) -> (Vec<String>, Vec<Vec<Cell>>) {
    let (mut header, _) = table(ctx, c);
    header.extend(Category::ALL.iter().map(|x| ctx.tk("incident-category", &x.code())));
    header.extend(Severity::ALL.iter().map(|x| ctx.tk("incident-severity", &x.code())));
    let rows = c
        .rows
        .iter()
        .map(|r| {
            let f = &r.rolled_up;
            let n = |x: usize| Cell::Number(x as f64);
            let h = |x: Option<f64>| x.map_or(Cell::Text(String::new()), |x| Cell::Number((x * 10.0).round() / 10.0));
            let mut row = vec![
                Cell::Text(format!("{}{}", "– ".repeat(r.depth), r.name)),
                n(r.own.incidents),
                n(f.incidents),
                n(f.personal_data),
                n(f.open),
                n(f.closed),
                n(f.deadlines.met),
                n(f.deadlines.late),
                n(f.deadlines.missed),
                h(f.median_hours_to_close),
                h(f.mean_hours_to_close),
            ];
            row.extend(Category::ALL.iter().map(|x| n(f.by_category.get(x).copied().unwrap_or(0))));
            row.extend(Severity::ALL.iter().map(|x| n(f.by_severity.get(x).copied().unwrap_or(0))));
            row
        })
        .collect();
    (header, rows)
}

fn file_name(ctx: &Ctx, ch: &Chosen, ext: &str) -> String {
    let org = ch.c.rows.first().map(|r| domain::slug::slug(&r.name)).unwrap_or_default();
    let org: String = org.chars().take(40).collect();
    format!("{}-{}-{}.{ext}", ctx.t("incident-compilation-file"), ch.year, org.trim_end_matches('-'))
}

/// GET /incidents/compilation.xlsx?org=&year=
pub async fn xlsx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let ch = chosen(&state, &s, &q).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let (header, rows) = export(&ctx, &ch.c);
    let root = ch.c.rows.first().map(|r| r.name.clone()).unwrap_or_default();
    let mut widths = vec![40.0];
    widths.extend(std::iter::repeat_n(14.0, header.len() - 1));
    let sheets = vec![Sheet {
        name: ctx.t("incident-compilation-sheet"),
        preamble: vec![
            t_args(ctx.lang, "incident-compilation-sheet-title", &[("year", ch.year.to_string()), ("org", root)]),
            format!("{}: {}", ctx.t("incident-compilation-made"), domain::clock::today()),
        ],
        header,
        rows,
        widths,
        choice: None,
    }];
    let bytes = render_blocking(&state, "incident compilation xlsx", move || documents::workbook(&sheets)).await?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_name(&ctx, &ch, "xlsx"),
        bytes,
    ))
}

/// Excel would run a cell starting with = + - @ as a formula: quote it away.
fn formula_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() }
}

/// The CSV document as the action plan's: a byte-order mark, then
/// semicolon-separated lines ending in CRLF, fields quoted where needed.
fn csv_document(header: &[String], rows: &[Vec<Cell>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(header.iter().map(|h| formula_safe(h)))?;
    for r in rows {
        w.write_record(r.iter().map(|c| match c {
            Cell::Text(t) => formula_safe(t),
            Cell::Number(n) => format!("{n}"),
        }))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// GET /incidents/compilation.csv?org=&year=
pub async fn csv(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let ch = chosen(&state, &s, &q).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let (header, rows) = export(&ctx, &ch.c);
    let bytes = csv_document(&header, &rows).map_err(AppError::internal)?;
    Ok(download("text/csv; charset=utf-8", &file_name(&ctx, &ch, "csv"), bytes))
}
