//! The register's files: the import of a processing list (CSV or Excel, all
//! or nothing, every wrong row and field named), the template to fill in,
//! and the register as Excel and CSV (the art. 30 record IMY may ask for).

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use documents::{Cell, Sheet};
use uuid::Uuid;

use super::{Choice, SECTION, basis_label, missing_text, options};
use crate::SharedState;
use crate::app;
use crate::app::processing::import::{ImportOutcome, TEMPLATE_HEADER};
use crate::error::{AppError, AppResult};
use crate::pages::plan::OrgOption;
use crate::pages::{Ctx, download, render, render_blocking, render_status};
use crate::session::{CurrentUser, Session};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One wrong field of a refused import, in words.
pub struct ProblemRow {
    pub row: String,
    pub field: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "processing_import.html")]
struct ImportPage {
    ctx: Ctx,
    orgs: Vec<OrgOption>,
    selected: String,
    problems: Vec<ProblemRow>,
    total: usize,
    stored: Option<usize>,
}

fn field_label(ctx: &Ctx, field: &str) -> String {
    super::short_label(ctx, field)
}

async fn import_page(
    state: &SharedState,
    s: &Session,
    org: Option<Uuid>,
    outcome: Option<ImportOutcome>,
) -> AppResult<ImportPage> {
    let (tree, orgs) = app::processing::manage_orgs(&state.store, &s.caller(), org).await?;
    let ctx = Ctx::for_session(s, SECTION);
    let (problems, total, stored) = match &outcome {
        Some(ImportOutcome::Refused { errors, total }) => (
            errors
                .iter()
                .map(|e| ProblemRow {
                    row: if e.row == 0 { "–".into() } else { e.row.to_string() },
                    field: field_label(&ctx, e.field),
                    message: ctx.t(e.code),
                })
                .collect(),
            *total,
            None,
        ),
        Some(ImportOutcome::Stored(n)) => (Vec::new(), 0, Some(*n)),
        None => (Vec::new(), 0, None),
    };
    Ok(ImportPage {
        orgs: options(&tree, &orgs),
        selected: org.map(|o| o.to_string()).unwrap_or_default(),
        problems,
        total,
        stored,
        ctx,
    })
}

/// GET /registers/processings/import?org=
pub async fn import_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    render(&import_page(&state, &s, q.org()?, None).await?)
}

/// POST /registers/processings/import (multipart: `org_id`, `file`).
pub async fn import(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut org = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest("error-too-large"))? {
        match field.name() {
            Some("org_id") => {
                let v = field.text().await.map_err(|_| AppError::BadRequest("error-too-large"))?;
                org = v.trim().parse::<Uuid>().ok();
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().chars().take(200).collect();
                let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("error-too-large"))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let (name, bytes) = file.unwrap_or_default();
    let outcome = app::processing::import::import(&state.store, &s.caller(), org, &name, &bytes).await?;
    let status = match outcome {
        ImportOutcome::Stored(_) => StatusCode::OK,
        ImportOutcome::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render_status(status, &import_page(&state, &s, org, Some(outcome)).await?)
}

fn header() -> Vec<String> {
    TEMPLATE_HEADER.iter().map(|h| (*h).to_owned()).collect()
}

/// GET /registers/processings/template.xlsx: an empty list with the Swedish header.
pub async fn template(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    app::processing::manage_orgs(&state.store, &s.caller(), None).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let sheets = vec![Sheet {
        name: "Behandlingar".into(),
        preamble: Vec::new(),
        header: header(),
        rows: Vec::new(),
        widths: vec![30.0; TEMPLATE_HEADER.len()],
        choice: None,
    }];
    let bytes = render_blocking(&state, "processing template xlsx", move || documents::workbook(&sheets)).await?;
    Ok(download(XLSX, &format!("{}.xlsx", ctx.t("processing-template-file")), bytes))
}

/// The register as rows: the importable columns, then organisation,
/// systems, completeness and the fields missing.
fn export(ctx: &Ctx, r: &app::processing::Register) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut head = header();
    for k in ["processing-org", "processing-systems", "processing-record", "processing-missing", "processing-dpia"] {
        head.push(ctx.t(k));
    }
    let yes_no = |a: Option<bool>| match a {
        Some(true) => ctx.t("yes"),
        Some(false) => ctx.t("no"),
        None => String::new(),
    };
    let rows = super::rows(ctx, &r.lines);
    let out = r
        .lines
        .iter()
        .zip(rows)
        .map(|(l, row)| {
            let d = &l.processing.data;
            let basis = d.legal_basis.map(|b| basis_label(ctx, b)).unwrap_or_default();
            [
                d.name.clone(),
                d.purpose.clone(),
                basis,
                d.legal_provision.clone(),
                d.data_subjects.clone(),
                d.personal_data.clone(),
                d.recipients.clone(),
                yes_no(d.transfers),
                d.transfer_countries.clone(),
                d.transfer_safeguard.clone(),
                d.retention.clone(),
                d.security_measures.clone(),
                yes_no(d.needs_dpia),
                l.org_name.clone(),
                row.systems,
                if l.complete() { ctx.t("processing-complete") } else { ctx.t("processing-incomplete") },
                missing_text(ctx, &l.missing),
                row.dpia,
            ]
            .into_iter()
            .map(Cell::Text)
            .collect()
        })
        .collect();
    (head, out)
}

fn file_name(ctx: &Ctx, r: &app::processing::Register, ext: &str) -> String {
    let org: String = domain::slug::slug(&app::processing::org_name(&r.tree, r.root)).chars().take(40).collect();
    format!("{}-{}.{ext}", ctx.t("processing-export-file"), org.trim_end_matches('-'))
}

/// GET /registers/processings.xlsx?org=
pub async fn xlsx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let r = app::processing::register(&state.store, &s.caller(), q.org()?).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let (header, rows) = export(&ctx, &r);
    let sheets = vec![Sheet {
        name: "Behandlingar".into(),
        preamble: vec![
            format!("{} – {}", ctx.t("processings-title"), app::processing::org_name(&r.tree, r.root)),
            format!("{}: {}", ctx.t("processing-export-made"), domain::clock::today()),
        ],
        widths: vec![30.0; header.len()],
        header,
        rows,
        choice: None,
    }];
    let bytes = render_blocking(&state, "processing register xlsx", move || documents::workbook(&sheets)).await?;
    Ok(download(XLSX, &file_name(&ctx, &r, "xlsx"), bytes))
}

/// Excel would run a cell starting with = + - @ as a formula: quote it away.
fn formula_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() }
}

/// GET /registers/processings.csv?org=
pub async fn csv(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let r = app::processing::register(&state.store, &s.caller(), q.org()?).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let (header, rows) = export(&ctx, &r);
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(header.iter().map(|h| formula_safe(h))).map_err(AppError::internal)?;
    for row in &rows {
        let cells = row.iter().map(|c| match c {
            Cell::Text(t) => formula_safe(t),
            Cell::Number(n) => format!("{n}"),
        });
        w.write_record(cells).map_err(AppError::internal)?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::internal(e.into_error()))?;
    Ok(download("text/csv; charset=utf-8", &file_name(&ctx, &r, "csv"), bytes))
}
