//! The import of person-level rows from a learning platform's export (CSV
//! or Excel): all or nothing, every wrong row and field named.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::training::RowError;
use uuid::Uuid;

use super::super::plan::OrgOption;
use super::super::{Ctx, render, render_status};
use super::{Choice, options};
use crate::SharedState;
use crate::app;
use crate::app::training::ImportOutcome;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

/// One wrong field of a refused import, in words.
pub struct ProblemRow {
    pub row: String,
    pub field: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "training_import.html")]
struct ImportPage {
    ctx: Ctx,
    orgs: Vec<OrgOption>,
    selected: String,
    problems: Vec<ProblemRow>,
    /// How many problems in all (more than listed when many).
    total: usize,
    /// The summary of a stored import: (rows, new).
    stored: Option<(usize, usize)>,
}

pub fn problem_rows(ctx: &Ctx, errors: &[RowError]) -> Vec<ProblemRow> {
    errors
        .iter()
        .map(|e| ProblemRow {
            row: if e.row == 0 { "–".into() } else { e.row.to_string() },
            field: ctx.tk("training-field", &e.field),
            message: ctx.t(e.code),
        })
        .collect()
}

async fn page(
    state: &SharedState,
    s: &Session,
    org: Option<Uuid>,
    outcome: Option<ImportOutcome>,
) -> AppResult<ImportPage> {
    let (tree, orgs, selected) = app::training::import_orgs(&state.store, &s.caller(), org).await?;
    let ctx = Ctx::for_session(s, "/training");
    let (problems, total, stored) = match &outcome {
        Some(ImportOutcome::Refused { errors, total }) => (problem_rows(&ctx, errors), *total, None),
        Some(ImportOutcome::Stored(i)) => (Vec::new(), 0, Some((i.rows, i.new))),
        None => (Vec::new(), 0, None),
    };
    Ok(ImportPage {
        orgs: options(&tree, &orgs),
        selected: selected.map(|o| o.to_string()).unwrap_or_default(),
        problems,
        total,
        stored,
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    render(&page(&state, &s, q.org()?, None).await?)
}

/// Takes the upload (multipart: `org_id`, `file`) and stores it whole or not at all.
pub async fn upload(
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
    let outcome = app::training::import(&state.store, &s.caller(), org, &name, &bytes).await?;
    let status = match outcome {
        ImportOutcome::Stored(_) => StatusCode::OK,
        ImportOutcome::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render_status(status, &page(&state, &s, org, Some(outcome)).await?)
}
