//! Evidence files of a question: the list, upload and download.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use crate::SharedState;
use crate::app::assessment::{self as app, Loaded, Upload};
use crate::error::{AppError, AppResult};
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

#[derive(Template)]
#[template(path = "assessment_evidence.html")]
struct EvidencePage {
    ctx: Ctx,
    id: Uuid,
    org: String,
    period: i32,
    area_id: String,
    question_id: String,
    question: String,
    files: Vec<store::EvidenceFile>,
    editable: bool,
    errors: Errors,
}

fn evidence_page(
    s: &Session,
    l: &Loaded,
    qid: &str,
    files: Vec<store::EvidenceFile>,
    errors: Errors,
) -> AppResult<EvidencePage> {
    let q = l.model.question(qid).ok_or(AppError::NotFound)?;
    let ctx = Ctx::for_session(s, "/assessments");
    Ok(EvidencePage {
        id: l.a.id,
        org: l.org_name(),
        period: l.a.period,
        area_id: q.area.clone(),
        question_id: q.id.clone(),
        question: q.text.get(ctx.lang).to_owned(),
        files: files.into_iter().filter(|f| f.question_id == qid).collect(),
        editable: l.a.status.editable() && l.may_manage(&s.caller()),
        errors,
        ctx,
    })
}

pub async fn evidence_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, qid)): Path<(String, String)>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = app::load_full(&state.store, &state.models, &s.caller(), id).await?;
    let files = app::list_evidence(&state.store, &l).await?;
    render(&evidence_page(&s, &l, &qid, files, Errors::default())?)
}

pub async fn evidence_upload(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, qid)): Path<(String, String)>,
    mut form: axum::extract::Multipart,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let caller = s.caller();
    let l = app::load_full(&state.store, &state.models, &caller, id).await?;
    l.ensure_manage(&caller)?;
    l.model.question(&qid).ok_or(AppError::NotFound)?;
    let mut upload = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest("error-too-large"))? {
        if field.name() == Some("file") {
            let filename = field.file_name().unwrap_or("").to_owned();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("error-too-large"))?.to_vec();
            upload = Some(Upload { filename, content_type, bytes });
        }
    }
    match app::add_evidence(&state.store, &caller, &l, &qid, upload).await {
        Ok(_) => Ok(see_other(&format!("/assessments/{id}/questions/{qid}/evidence"))),
        Err(crate::app::Error::Validation(errs)) => {
            let files = app::list_evidence(&state.store, &l).await?;
            let page = evidence_page(&s, &l, &qid, files, Errors::new(s.user.language, &errs))?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn evidence_download(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let file = parse_id(&file)?;
    let (meta, content) = app::evidence_file(&state.store, &state.models, &s.caller(), file).await?;
    Ok(crate::render::attachment(&meta.filename, content))
}
