//! Models, self-assessments, answers, results and feedback in the JSON API,
//! with the same checks as the pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app::assessment::{self as app, AnswerInput, ListScope, StartInput};
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

#[derive(Serialize, ToSchema)]
pub struct ModelOut {
    id: Uuid,
    key: String,
    version: i32,
    name: String,
    sha256: String,
    created_at: DateTime<Utc>,
}

/// The stored follow-up models.
#[utoipa::path(get, path = "/api/v1/models", tag = "assessments", responses((status = 200, body = Vec<ModelOut>), (status = 401, body = Problem)))]
pub async fn list_models(
    State(state): State<SharedState>,
    CurrentUser(_s): CurrentUser,
) -> AppResult<Json<Vec<ModelOut>>> {
    let rows = app::list_models(&state.store, &state.models).await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| m.row)
            .map(|m| ModelOut {
                id: m.id,
                key: m.key,
                version: m.version,
                name: m.name,
                sha256: m.sha256,
                created_at: m.created_at,
            })
            .collect(),
    ))
}

/// One model with its levels, areas and questions (Swedish and English texts).
#[utoipa::path(get, path = "/api/v1/models/{id}", tag = "assessments", params(("id" = Uuid, Path)),
    responses((status = 200, body = domain::model::Model), (status = 404, body = Problem)))]
pub async fn get_model(
    State(state): State<SharedState>,
    CurrentUser(_s): CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Json<serde_json::Value>> {
    let m = state.models.get(&state.store, id).await?;
    Ok(Json(serde_json::to_value(&*m).map_err(AppError::internal)?))
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentOut {
    id: Uuid,
    org_id: Uuid,
    model_id: Uuid,
    period: i32,
    revision: i32,
    /// draft, submitted, approved or locked.
    status: String,
    level: u8,
    answered: usize,
    questions: usize,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    approved_at: Option<DateTime<Utc>>,
    approved_by: Option<String>,
    locked_at: Option<DateTime<Utc>>,
}

fn out(a: store::Assessment, o: app::Summary) -> AssessmentOut {
    AssessmentOut {
        id: a.id,
        org_id: a.org_id,
        model_id: a.model_id,
        period: a.period,
        revision: a.revision,
        status: a.status.code().into(),
        level: o.level,
        answered: o.answered,
        questions: o.questions,
        created_at: a.created_at,
        updated_at: a.updated_at,
        submitted_at: a.submitted_at,
        approved_at: a.approved_at,
        approved_by: a.approved_by,
        locked_at: a.locked_at,
    }
}

/// Self-assessments of the organisations in the caller's scope, every revision.
#[utoipa::path(get, path = "/api/v1/assessments", tag = "assessments", responses((status = 200, body = Vec<AssessmentOut>), (status = 403, body = Problem)))]
pub async fn list_assessments(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
) -> AppResult<Json<Vec<AssessmentOut>>> {
    let listed = app::list_assessments(&state.store, &state.models, &s.caller(), ListScope::Visible).await?;
    Ok(Json(listed.into_iter().map(|x| out(x.assessment, x.summary)).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct AssessmentIn {
    org_id: Uuid,
    period: i32,
    model_id: Uuid,
    /// Start from the answers of the latest earlier assessment of the same model.
    #[serde(default)]
    copy_previous: bool,
}

/// Start a self-assessment (CISO of the organisation).
#[utoipa::path(post, path = "/api/v1/assessments", tag = "assessments", request_body = AssessmentIn,
    responses((status = 201, body = AssessmentOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_assessment(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<AssessmentIn>,
) -> AppResult<Response> {
    let (org_id, period, model_id) = (b.org_id.to_string(), b.period.to_string(), b.model_id.to_string());
    let input = StartInput { org_id: &org_id, period: &period, model_id: &model_id, copy_previous: b.copy_previous };
    let a = app::start_assessment(&state.store, &s.caller(), input).await?;
    let o = app::score_stored(&state.store, &state.models, &a).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/assessments/{}", a.id))],
        Json(out(a, app::Summary::from(&o))),
    )
        .into_response())
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AnswerIo {
    question_id: String,
    /// An option id of the question, or `na` (not applicable, where the question allows it).
    answer: String,
    #[serde(default)]
    comment: String,
    /// self, evidence or verified.
    #[serde(default)]
    confidence: String,
    #[serde(default)]
    evidence_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentDetail {
    assessment: AssessmentOut,
    answers: Vec<AnswerIo>,
}

/// One self-assessment with its answers.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assessments", params(("id" = Uuid, Path)),
    responses((status = 200, body = AssessmentDetail), (status = 404, body = Problem)))]
pub async fn get_assessment(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Json<AssessmentDetail>> {
    let l = app::load_full(&state.store, &state.models, &s.caller(), id).await?;
    let o = l.score();
    let answers = l
        .answers
        .iter()
        .map(|a| AnswerIo {
            question_id: a.question_id.clone(),
            answer: a.answer.clone(),
            comment: a.comment.clone(),
            confidence: a.confidence.code().into(),
            evidence_url: a.evidence_url.clone(),
        })
        .collect();
    Ok(Json(AssessmentDetail { assessment: out(l.a, app::Summary::from(&o)), answers }))
}

/// Save answers of a draft, all or none: every answer is checked against the model first.
#[utoipa::path(put, path = "/api/v1/assessments/{id}/answers", tag = "assessments", params(("id" = Uuid, Path)), request_body = Vec<AnswerIo>,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_answers(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<Vec<AnswerIo>>,
) -> AppResult<StatusCode> {
    let input: Vec<AnswerInput<'_>> = b
        .iter()
        .map(|a| AnswerInput {
            question_id: &a.question_id,
            answer: &a.answer,
            comment: &a.comment,
            evidence_url: &a.evidence_url,
            confidence: &a.confidence,
        })
        .collect();
    app::save_answers(&state.store, &state.models, &s.caller(), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct StepIn {
    /// submit, return, approve or lock.
    action: String,
}

/// Take a lifecycle step: submit, return (to draft), approve (management) or lock.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/transitions", tag = "assessments", params(("id" = Uuid, Path)), request_body = StepIn,
    responses((status = 200, body = AssessmentOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn transition(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<StepIn>,
) -> AppResult<Json<AssessmentOut>> {
    let caller = s.caller();
    let l = app::load_full(&state.store, &state.models, &caller, id).await?;
    let step = b.action.parse()?;
    // A call to the API is its own confirmation, unanswered questions and all.
    let a = app::transition_assessment(&state.store, &caller, &l, step, true).await?;
    let o = l.score();
    Ok(Json(out(a, app::Summary::from(&o))))
}

/// Reopen a locked assessment as a new draft revision.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/reopen", tag = "assessments", params(("id" = Uuid, Path)),
    responses((status = 201, body = AssessmentOut), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn reopen(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let caller = s.caller();
    let l = app::load_full(&state.store, &state.models, &caller, id).await?;
    let a = app::reopen_assessment(&state.store, &caller, &l).await?;
    let o = l.score();
    Ok((StatusCode::CREATED, Json(out(a, app::Summary::from(&o)))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackOut {
    question_id: String,
    area: String,
    level: u8,
    must: bool,
    /// met, partly, not-met, unanswered or not-applicable.
    status: String,
    question: String,
    action: String,
    guidance: String,
    references: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ResultOut {
    level: u8,
    /// Points, shares and thresholds per level and per area, the unanswered questions.
    #[schema(value_type = domain::scoring::Outcome)]
    outcome: serde_json::Value,
    /// What blocks the next level, must-questions first, with the recommended action.
    feedback: Vec<FeedbackOut>,
}

/// The result: level, points per area and level, and the feedback for the next level.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/result", tag = "assessments", params(("id" = Uuid, Path)),
    responses((status = 200, body = ResultOut), (status = 404, body = Problem)))]
pub async fn result(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ResultOut>> {
    let l = app::load_full(&state.store, &state.models, &s.caller(), id).await?;
    let lang = s.user.language;
    let o = l.score();
    let feedback = o
        .blockers
        .iter()
        .filter_map(|b| {
            let q = l.model.question(&b.question)?;
            Some(FeedbackOut {
                question_id: q.id.clone(),
                area: q.area.clone(),
                level: q.level,
                must: b.must,
                status: b.status.code().into(),
                question: q.text.get(lang).to_owned(),
                action: q.action.get(lang).to_owned(),
                guidance: q.guidance.get(lang).to_owned(),
                references: q.references.clone(),
            })
        })
        .collect();
    Ok(Json(ResultOut { level: o.level, outcome: serde_json::to_value(&o).map_err(AppError::internal)?, feedback }))
}
