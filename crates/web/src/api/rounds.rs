//! Follow-up rounds in the JSON API, with the same checks as the pages (which
//! they call): the coordinator sees statuses, shared results and aggregates
//! (groups under k suppressed, exactly as on the pages); an invitee sees its
//! own status and, after closing, its comparison.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::authz::Permission;
use domain::round::{InviteeStatus, RoundForm};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::pages::plan::today;
use crate::pages::rounds::{
    RespondForm, access, coordinator_access, load_feedback, parse_new, submit_for, withdraw_for,
};
use crate::round_data;
use crate::session::CurrentUser;

#[derive(Serialize)]
struct RoundSummary {
    #[serde(flatten)]
    round: store::Round,
    phase: domain::round::Phase,
}

#[derive(Serialize)]
struct InvitationOut {
    round: RoundSummary,
    org_id: Uuid,
    status: InviteeStatus,
    reminded_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The rounds the user coordinates and the invitations of the user's organisations.
#[utoipa::path(get, path = "/api/v1/rounds", tag = "rounds", responses((status = 200, body = Object)))]
pub async fn list_rounds(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
) -> AppResult<Json<serde_json::Value>> {
    let tree = state.store.org_tree().await?;
    let today = today();
    let runs = s.principal.visible_orgs(Permission::RunRounds, &tree);
    let coordinated: Vec<RoundSummary> = state
        .store
        .list_rounds_of(&runs)
        .await?
        .into_iter()
        .map(|r| RoundSummary { phase: r.phase(today), round: r })
        .collect();
    let visible = s.principal.visible_orgs(Permission::ViewAssessments, &tree);
    let invitations: Vec<InvitationOut> = state
        .store
        .list_invitations(&visible)
        .await?
        .into_iter()
        .map(|i| InvitationOut {
            org_id: i.org_id,
            status: i.status,
            reminded_at: i.reminded_at,
            round: RoundSummary { phase: i.round.phase(today), round: i.round },
        })
        .collect();
    Ok(Json(serde_json::json!({ "coordinated": coordinated, "invitations": invitations })))
}

#[derive(Deserialize, ToSchema)]
pub struct RoundIn {
    /// The coordinating organisation.
    org_id: Uuid,
    model_id: Uuid,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    fields: RoundForm,
    /// Organisations invited one by one.
    #[serde(default)]
    invitees: Vec<Uuid>,
    /// Kinds of organisation invited as a whole (e.g. `municipality`).
    #[serde(default)]
    kinds: Vec<String>,
}

/// Create a round and invite (CISO or analyst of the coordinating organisation).
#[utoipa::path(post, path = "/api/v1/rounds", tag = "rounds", request_body = RoundIn,
    responses((status = 201, body = Object), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_round(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<RoundIn>,
) -> AppResult<Response> {
    let tree = state.store.org_tree().await?;
    let p = parse_new(&state, &s, &tree, b.org_id, &b.model_id.to_string(), &b.fields, &b.invitees, &b.kinds)
        .await?
        .map_err(AppError::Validation)?;
    let r = state.store.insert_round(&crate::pages::orgs::actor(&s), p.org, p.model, p.input, &p.invitees).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/rounds/{}", r.id))], Json(r)).into_response())
}

#[derive(Serialize)]
struct MineOut {
    org_id: Uuid,
    status: InviteeStatus,
    answers_shared: bool,
}

/// A round: for the coordinator with every invitee's status, for an invitee with its own.
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "rounds", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn get_round(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    let a = access(&state, &s, &id).await?;
    let invitees = if a.coordinator { Some(state.store.list_invitees(a.round.id).await?) } else { None };
    let mut mine = Vec::new();
    for org in &a.mine {
        let resp = state.store.find_response(a.round.id, *org).await?;
        let status = match &resp {
            Some(r) => r.status,
            None => state
                .store
                .list_invitations(&[*org])
                .await?
                .into_iter()
                .find(|i| i.round.id == a.round.id)
                .map(|i| i.status)
                .unwrap_or(InviteeStatus::NotStarted),
        };
        mine.push(MineOut { org_id: *org, status, answers_shared: resp.is_some_and(|r| r.answers.is_some()) });
    }
    let phase = a.round.phase(today());
    Ok(Json(serde_json::json!({ "round": a.round, "phase": phase, "invitees": invitees, "mine": mine })))
}

#[derive(Deserialize, ToSchema)]
pub struct RespondIn {
    org_id: Uuid,
    employees: u32,
    #[serde(default)]
    share_answers: bool,
}

/// Submit an invited organisation's result (its CISO); submitting again replaces it.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/responses", tag = "rounds", params(("id" = String, Path)), request_body = RespondIn,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn respond(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<RespondIn>,
) -> AppResult<StatusCode> {
    let a = access(&state, &s, &id).await?;
    let f = RespondForm {
        org: b.org_id.to_string(),
        employees: b.employees.to_string(),
        share_answers: if b.share_answers { "1".into() } else { String::new() },
    };
    submit_for(&state, &s, &a, &f).await?.map_err(AppError::Validation)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct WithdrawIn {
    org_id: Uuid,
}

/// Withdraw a submitted result before the round closes.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/withdraw", tag = "rounds", params(("id" = String, Path)), request_body = WithdrawIn,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn withdraw(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<WithdrawIn>,
) -> AppResult<StatusCode> {
    let a = access(&state, &s, &id).await?;
    withdraw_for(&state, &s, &a, &b.org_id.to_string()).await?.map_err(AppError::Validation)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Close a round before its closing date (coordinator).
#[utoipa::path(post, path = "/api/v1/rounds/{id}/close", tag = "rounds", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn close(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let a = coordinator_access(&state, &s, &id).await?;
    state.store.close_round(&crate::pages::orgs::actor(&s), a.round.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// All aggregates of a round (coordinator); groups under k are suppressed.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/results", tag = "rounds", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn results(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<domain::aggregate::Breakdown>> {
    let a = coordinator_access(&state, &s, &id).await?;
    Ok(Json(round_data::dashboard(&state.store, &a.round).await?))
}

/// The trend over the coordinator's rounds up to this one, all and panel.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/trend", tag = "rounds", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn trend(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<domain::aggregate::TrendRow>>> {
    let a = coordinator_access(&state, &s, &id).await?;
    Ok(Json(round_data::trend(&state.store, &a.round).await?))
}

/// What one respondent shared (coordinator): its result, and its answers only if it shared them.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/respondents/{org}", tag = "rounds",
    params(("id" = String, Path), ("org" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn respondent(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, org)): Path<(String, String)>,
) -> AppResult<Json<store::Response>> {
    let a = coordinator_access(&state, &s, &id).await?;
    let org = crate::pages::parse_id(&org)?;
    let r = state.store.find_response(a.round.id, org).await?.ok_or(AppError::NotFound)?;
    if r.status != InviteeStatus::Submitted {
        return Err(AppError::NotFound);
    }
    Ok(Json(r))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct OrgParam {
    /// The invited organisation (may be left out when the user answers for one only).
    org: String,
}

/// A respondent's comparative feedback, once the round has closed.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/feedback", tag = "rounds", params(("id" = String, Path), OrgParam),
    responses((status = 200, body = Object), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn feedback(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<OrgParam>,
) -> AppResult<Json<round_data::Feedback>> {
    let (_, _, f) = load_feedback(&state, &s, &id, &q.org).await?;
    Ok(Json(f))
}
