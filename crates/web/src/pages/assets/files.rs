//! The files of the asset and system registers: the import (all or
//! nothing, every wrong row and field named), the templates to fill in and
//! the exports as Excel and CSV.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use documents::{Cell, Sheet};
use domain::assets::system::RowError;
use uuid::Uuid;

use super::{Choice, SECTION, org_options};
use crate::SharedState;
use crate::app;
use crate::app::assets::{Register, levels_text};
use crate::app::assets_import::{ImportOutcome, Kind};
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
#[template(path = "assets_import.html")]
struct ImportPage {
    ctx: Ctx,
    /// "assets" or "systems": the path and the texts.
    kind: &'static str,
    title: String,
    list_title: String,
    intro: String,
    orgs: Vec<OrgOption>,
    selected: String,
    problems: Vec<ProblemRow>,
    stored: Option<usize>,
}

fn kind_path(kind: Kind) -> &'static str {
    match kind {
        Kind::Assets => "assets",
        Kind::Systems => "systems",
    }
}

/// The translation key of an import column.
fn field_key(field: &str) -> &'static str {
    match field {
        "name" => "assets-field-name",
        "description" => "assets-field-description",
        "information_owner" => "assets-field-information_owner",
        "unit" => "assets-field-unit",
        "system_owner" => "assets-field-system_owner",
        "object_manager" => "assets-field-object_manager",
        "supplier" => "assets-field-supplier",
        "hosting" => "assets-field-hosting",
        "country" => "assets-field-country",
        "contract" => "assets-field-contract",
        "processes_personal_data" => "assets-field-processes_personal_data",
        _ => "assets-field-file",
    }
}

/// (import title, list title, import intro, template file, export file) keys of a kind.
fn kind_keys(kind: Kind) -> [&'static str; 5] {
    match kind {
        Kind::Assets => [
            "assets-import-title",
            "assets-title",
            "assets-import-intro",
            "assets-assets-template-file",
            "assets-assets-file",
        ],
        Kind::Systems => [
            "systems-import-title",
            "systems-title",
            "systems-import-intro",
            "assets-systems-template-file",
            "assets-systems-file",
        ],
    }
}

fn problem_rows(ctx: &Ctx, errors: &[RowError]) -> Vec<ProblemRow> {
    errors
        .iter()
        .map(|e| ProblemRow {
            row: if e.row == 0 { "–".into() } else { e.row.to_string() },
            field: ctx.t(field_key(e.field)),
            message: ctx.t(e.code),
        })
        .collect()
}

async fn import_page(
    state: &SharedState,
    s: &Session,
    kind: Kind,
    org: Option<Uuid>,
    outcome: Option<ImportOutcome>,
) -> AppResult<ImportPage> {
    let (_, orgs) = app::assets::manage_orgs(&state.store, &s.caller()).await?;
    if let Some(o) = org
        && !orgs.iter().any(|c| c.id == o)
    {
        return Err(AppError::NotFound);
    }
    let ctx = Ctx::for_session(s, SECTION);
    let (problems, stored) = match &outcome {
        Some(ImportOutcome::Refused(errors)) => (problem_rows(&ctx, errors), None),
        Some(ImportOutcome::Stored(n)) => (Vec::new(), Some(*n)),
        None => (Vec::new(), None),
    };
    let k = kind_path(kind);
    Ok(ImportPage {
        kind: k,
        title: ctx.t(kind_keys(kind)[0]),
        list_title: ctx.t(kind_keys(kind)[1]),
        intro: ctx.t(kind_keys(kind)[2]),
        orgs: org_options(&orgs),
        selected: org.map(|o| o.to_string()).unwrap_or_default(),
        problems,
        stored,
        ctx,
    })
}

async fn upload(state: &SharedState, s: &Session, kind: Kind, mut form: Multipart) -> AppResult<Response> {
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
    let outcome = app::assets_import::import(&state.store, &s.caller(), kind, org, &name, &bytes).await?;
    let status = match outcome {
        ImportOutcome::Stored(_) => StatusCode::OK,
        ImportOutcome::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render_status(status, &import_page(state, s, kind, org, Some(outcome)).await?)
}

/// GET /registers/assets/import?org=
pub async fn asset_import_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    render(&import_page(&state, &s, Kind::Assets, q.org()?, None).await?)
}

/// POST /registers/assets/import (multipart: `org_id`, `file`)
pub async fn asset_import(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    form: Multipart,
) -> AppResult<Response> {
    upload(&state, &s, Kind::Assets, form).await
}

/// GET /registers/systems/import?org=
pub async fn system_import_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    render(&import_page(&state, &s, Kind::Systems, q.org()?, None).await?)
}

/// POST /registers/systems/import (multipart: `org_id`, `file`)
pub async fn system_import(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    form: Multipart,
) -> AppResult<Response> {
    upload(&state, &s, Kind::Systems, form).await
}

async fn template(state: &SharedState, s: &Session, kind: Kind) -> AppResult<Response> {
    app::assets::manage_orgs(&state.store, &s.caller()).await?;
    let ctx = Ctx::for_session(s, SECTION);
    let header: Vec<String> = kind.template_header().iter().map(|h| (*h).to_owned()).collect();
    let sheets = vec![Sheet {
        name: match kind {
            Kind::Assets => "Informationstillgångar".into(),
            Kind::Systems => "System".into(),
        },
        preamble: Vec::new(),
        widths: vec![30.0; header.len()],
        header,
        rows: Vec::new(),
        choice: None,
    }];
    let bytes = render_blocking(state, "register template xlsx", move || documents::workbook(&sheets)).await?;
    let name = format!("{}.xlsx", ctx.t(kind_keys(kind)[3]));
    Ok(download(XLSX, &name, bytes))
}

/// GET /registers/assets/template.xlsx
pub async fn asset_template(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    template(&state, &s, Kind::Assets).await
}

/// GET /registers/systems/template.xlsx
pub async fn system_template(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    template(&state, &s, Kind::Systems).await
}

/// A register's rows for export: the template's columns (so an export can
/// be imported again), then the organisation and the computed columns.
fn export_rows(ctx: &Ctx, r: &Register, kind: Kind) -> (Vec<String>, Vec<Vec<Cell>>) {
    let t = |k: &str| ctx.t(k);
    match kind {
        Kind::Assets => {
            let mut header: Vec<String> = kind.template_header().iter().map(|h| (*h).to_owned()).collect();
            header.extend([
                t("assets-org"),
                t("assets-levels"),
                t("assets-status"),
                t("assets-next-review"),
                t("assets-systems"),
            ]);
            let rows = r
                .assets
                .iter()
                .map(|a| {
                    let d = &a.asset.data;
                    vec![
                        Cell::Text(d.name.clone()),
                        Cell::Text(d.description.clone()),
                        Cell::Text(d.information_owner.clone()),
                        Cell::Text(a.unit_name.clone()),
                        Cell::Text(a.org_name.clone()),
                        Cell::Text(
                            a.current.as_ref().map(|c| levels_text(&r.model, &c.data.levels)).unwrap_or_default(),
                        ),
                        Cell::Text(ctx.t(super::status_key(a.status))),
                        Cell::Text(a.next_review().map(|d| d.to_string()).unwrap_or_default()),
                        Cell::Text(a.systems.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ")),
                    ]
                })
                .collect();
            (header, rows)
        }
        Kind::Systems => {
            let mut header: Vec<String> = kind.template_header().iter().map(|h| (*h).to_owned()).collect();
            header.extend([t("assets-org"), t("assets-levels"), t("assets-no-agreement"), t("assets-third-country")]);
            let yes_no = |b: bool| Cell::Text(if b { "ja".into() } else { "nej".into() });
            let rows = r
                .systems
                .iter()
                .map(|l| {
                    let d = &l.system.data;
                    vec![
                        Cell::Text(d.name.clone()),
                        Cell::Text(d.description.clone()),
                        Cell::Text(d.system_owner.clone()),
                        Cell::Text(d.object_manager.clone()),
                        Cell::Text(d.supplier.clone()),
                        Cell::Text(d.hosting.map(|h| h.code().to_owned()).unwrap_or_default()),
                        Cell::Text(d.country.clone().unwrap_or_default()),
                        Cell::Text(d.contract.clone()),
                        yes_no(d.processes_personal_data),
                        Cell::Text(l.org_name.clone()),
                        Cell::Text(levels_text(&r.model, &l.levels)),
                        yes_no(l.without_agreement),
                        yes_no(l.third_country),
                    ]
                })
                .collect();
            (header, rows)
        }
    }
}

/// Excel would run a cell starting with = + - @ as a formula: quote it away.
fn formula_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() }
}

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

fn file_name(ctx: &Ctx, r: &Register, kind: Kind, ext: &str) -> String {
    let org: String =
        domain::slug::slug(&r.tree.get(r.root).map(|n| n.name.clone()).unwrap_or_default()).chars().take(40).collect();
    format!("{}-{}-{}.{ext}", ctx.t(kind_keys(kind)[4]), org.trim_end_matches('-'), r.today)
}

async fn export(state: &SharedState, s: &Session, q: &Choice, kind: Kind, xlsx: bool) -> AppResult<Response> {
    let r = app::assets::register(&state.store, &s.caller(), q.org()?).await?;
    let ctx = Ctx::for_session(s, SECTION);
    let (header, rows) = export_rows(&ctx, &r, kind);
    let name = file_name(&ctx, &r, kind, if xlsx { "xlsx" } else { "csv" });
    if !xlsx {
        let bytes = csv_document(&header, &rows).map_err(AppError::internal)?;
        return Ok(download("text/csv; charset=utf-8", &name, bytes));
    }
    let sheets = vec![Sheet {
        name: match kind {
            Kind::Assets => "Informationstillgångar".into(),
            Kind::Systems => "System".into(),
        },
        preamble: Vec::new(),
        widths: vec![24.0; header.len()],
        header,
        rows,
        choice: None,
    }];
    let bytes = render_blocking(state, "register export xlsx", move || documents::workbook(&sheets)).await?;
    Ok(download(XLSX, &name, bytes))
}

/// GET /registers/assets.xlsx?org=
pub async fn asset_xlsx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    export(&state, &s, &q, Kind::Assets, true).await
}

/// GET /registers/assets.csv?org=
pub async fn asset_csv(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    export(&state, &s, &q, Kind::Assets, false).await
}

/// GET /registers/systems.xlsx?org=
pub async fn system_xlsx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    export(&state, &s, &q, Kind::Systems, true).await
}

/// GET /registers/systems.csv?org=
pub async fn system_csv(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    export(&state, &s, &q, Kind::Systems, false).await
}
