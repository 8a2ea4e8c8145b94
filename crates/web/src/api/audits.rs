//! Audits (granskningar) in the JSON API: the same use cases
//! (`crate::app::audits`) as the pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use domain::audits::{AuditFields, FindingFields, QuestionFields, ResponseFields};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

fn path_id(s: &str) -> AppResult<Uuid> {
    s.parse().map_err(|_| AppError::NotFound)
}

/// The audits the user reads: those kept by an organisation in their scope
/// and those auditing one of their organisations.
#[utoipa::path(get, path = "/api/v1/audits", tag = "audits",
    responses((status = 200, body = Vec<store::OrgAudit>), (status = 403, body = Problem)))]
pub async fn list_audits(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
) -> AppResult<Json<Vec<store::OrgAudit>>> {
    Ok(Json(app::audits::list_audits(&state.store, &s.caller()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct AuditIn {
    /// The organisation the audit is kept under (the auditor's).
    org_id: Uuid,
    /// The audited organisations, in the subtree of `org_id`.
    bodies: Vec<Uuid>,
    #[serde(flatten)]
    fields: AuditFields,
}

/// Add an audit (the auditor of the organisation).
#[utoipa::path(post, path = "/api/v1/audits", tag = "audits", request_body = AuditIn,
    responses((status = 201, body = store::OrgAudit), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_audit(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<AuditIn>,
) -> AppResult<Response> {
    if b.bodies.len() > domain::audits::MAX_ITEMS {
        return Err(app::Error::Validation(vec![domain::FieldError::new("bodies", "error-audit-too-many")]).into());
    }
    let a = app::audits::create_audit(&state.store, &s.caller(), Some(b.org_id), &b.bodies, &b.fields).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/audits/{}", a.id))], Json(a)).into_response())
}

/// An audited body's latest self-assessment result for an area a question names.
#[derive(Serialize, ToSchema)]
pub struct AreaResultOut {
    org_id: Uuid,
    period: i32,
    area: String,
    /// The share of the area's points met, whole percent.
    percent: u32,
    answered: usize,
    questions: usize,
}

#[derive(Serialize, ToSchema)]
pub struct AuditDetailOut {
    audit: store::OrgAudit,
    /// The user reads every body's copy; otherwise only those of bodies in their scope.
    full: bool,
    questions: Vec<store::AuditQuestion>,
    findings: Vec<store::AuditFinding>,
    recommendations: Vec<store::Recommendation>,
    area_results: Vec<AreaResultOut>,
    /// The open copies of the audit this one follows up, which it reassesses.
    to_reassess: Vec<store::Target>,
    /// Actions made from the copies shown.
    actions: Vec<store::Action>,
}

/// An audit with its questions, findings and the recommendations (and
/// bodies' copies) the user sees.
#[utoipa::path(get, path = "/api/v1/audits/{id}", tag = "audits", params(("id" = String, Path)),
    responses((status = 200, body = AuditDetailOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_audit(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<AuditDetailOut>> {
    let d = app::audits::audit_detail(&state.store, &state.models, &s.caller(), path_id(&id)?).await?;
    Ok(Json(AuditDetailOut {
        full: d.v.full,
        audit: d.v.audit,
        questions: d.questions,
        findings: d.findings,
        recommendations: d.recommendations,
        area_results: d
            .area_results
            .into_iter()
            .map(|r| AreaResultOut {
                org_id: r.org_id,
                period: r.period,
                area: r.area,
                percent: r.percent,
                answered: r.answered,
                questions: r.questions,
            })
            .collect(),
        to_reassess: d.to_reassess.into_iter().map(|(t, _)| t).collect(),
        actions: d.actions,
    }))
}

/// Add an audit question with its assessment (the auditor).
#[utoipa::path(post, path = "/api/v1/audits/{id}/questions", tag = "audits", params(("id" = String, Path)),
    request_body = QuestionFields,
    responses((status = 201, body = store::AuditQuestion), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_question(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<QuestionFields>,
) -> AppResult<Response> {
    let q = app::audits::add_question(&state.store, &s.caller(), path_id(&id)?, &b).await?;
    Ok((StatusCode::CREATED, Json(q)).into_response())
}

/// Change an audit question: every field is the new value.
#[utoipa::path(put, path = "/api/v1/audits/{id}/questions/{question}", tag = "audits",
    params(("id" = String, Path), ("question" = String, Path)), request_body = QuestionFields,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_question(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, question)): Path<(String, String)>,
    Json(b): Json<QuestionFields>,
) -> AppResult<StatusCode> {
    app::audits::update_question(&state.store, &s.caller(), path_id(&id)?, path_id(&question)?, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a finding under an area (the auditor).
#[utoipa::path(post, path = "/api/v1/audits/{id}/findings", tag = "audits", params(("id" = String, Path)),
    request_body = FindingFields,
    responses((status = 201, body = store::AuditFinding), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_finding(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<FindingFields>,
) -> AppResult<Response> {
    let f = app::audits::add_finding(&state.store, &s.caller(), path_id(&id)?, &b).await?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct RecommendationIn {
    text: String,
    /// The audited bodies it is addressed to (ignored with `to_all`).
    #[serde(default)]
    targets: Vec<Uuid>,
    /// Addressed to every audited body: each gets its own copy.
    #[serde(default)]
    to_all: bool,
}

/// Add a recommendation to audited bodies (the auditor).
#[utoipa::path(post, path = "/api/v1/audits/{id}/recommendations", tag = "audits", params(("id" = String, Path)),
    request_body = RecommendationIn,
    responses((status = 201, body = store::Recommendation), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_recommendation(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<RecommendationIn>,
) -> AppResult<Response> {
    if b.targets.len() > domain::audits::MAX_ITEMS {
        return Err(app::Error::Validation(vec![domain::FieldError::new("targets", "error-audit-too-many")]).into());
    }
    let r = app::audits::add_recommendation(&state.store, &s.caller(), path_id(&id)?, &b.text, &b.targets, b.to_all)
        .await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ReportIn {
    file_name: String,
    /// The report, base64-encoded (at most 1.5 MB decoded).
    content_base64: String,
}

/// Attach the audit report (the auditor); replaces an earlier one.
#[utoipa::path(put, path = "/api/v1/audits/{id}/report", tag = "audits", params(("id" = String, Path)),
    request_body = ReportIn,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_report(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<ReportIn>,
) -> AppResult<StatusCode> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b.content_base64.trim())
        .map_err(|_| app::Error::Validation(vec![domain::FieldError::new("file", "error-malformed")]))?;
    app::audits::set_report(&state.store, &s.caller(), path_id(&id)?, &b.file_name, &bytes).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The audit report's file.
#[utoipa::path(get, path = "/api/v1/audits/{id}/report", tag = "audits", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn get_report(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (name, bytes) = app::audits::report_file(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(crate::render::attachment(&name, bytes))
}

#[derive(Serialize, ToSchema)]
pub struct CopyOut {
    copy: store::Target,
    audit_id: Uuid,
    recommendation: String,
    history: Vec<store::TargetEvent>,
    actions: Vec<store::Action>,
}

/// One body's copy of a recommendation, with its history and actions.
#[utoipa::path(get, path = "/api/v1/audit-copies/{id}", tag = "audits", params(("id" = String, Path)),
    responses((status = 200, body = CopyOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_copy(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<CopyOut>> {
    let d = app::audits::target_detail(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(Json(CopyOut {
        audit_id: d.t.audit.audit.id,
        recommendation: d.t.recommendation,
        copy: d.t.target,
        history: d.events,
        actions: d.actions,
    }))
}

/// Record the body's answer (its CISO or management).
#[utoipa::path(put, path = "/api/v1/audit-copies/{id}/answer", tag = "audits", params(("id" = String, Path)),
    request_body = ResponseFields,
    responses((status = 200, body = store::Target), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_answer(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<ResponseFields>,
) -> AppResult<Json<store::Target>> {
    Ok(Json(app::audits::answer(&state.store, &s.caller(), path_id(&id)?, &b).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct StatusIn {
    /// open, measure_planned, in_progress, done or closed.
    status: String,
    /// What has happened (needed to close).
    #[serde(default)]
    note: String,
    /// The follow-up audit that records the change, if any.
    follow_up: Option<Uuid>,
}

/// Move the copy to another status (closing takes the auditor or the CISO, with a motivation).
#[utoipa::path(post, path = "/api/v1/audit-copies/{id}/status", tag = "audits", params(("id" = String, Path)),
    request_body = StatusIn,
    responses((status = 200, body = store::Target), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_status(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<StatusIn>,
) -> AppResult<Json<store::Target>> {
    Ok(Json(app::audits::follow_up(&state.store, &s.caller(), path_id(&id)?, &b.status, &b.note, b.follow_up).await?))
}

/// Make the planned measure an action in the body's plan, linked to the copy.
#[utoipa::path(post, path = "/api/v1/audit-copies/{id}/action", tag = "audits", params(("id" = String, Path)),
    responses((status = 201, body = store::Action), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let a = app::audits::plan_action(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/actions/{}", a.id))], Json(a)).into_response())
}
