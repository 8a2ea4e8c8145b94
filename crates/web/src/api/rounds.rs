//! Follow-up rounds in the JSON API, through the same use cases as the
//! pages (`app::round`): the coordinator sees statuses, shared results and
//! aggregates (groups under k suppressed, exactly as on the pages); an
//! invitee sees its own status and, after closing, its comparison.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::clock::today;
use domain::round::{InviteeStatus, RoundForm};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app::round::{self as rounds, Feedback, InvitationStatus, NewRound, SubmitInput, parse_id};
use crate::error::AppResult;
use crate::session::CurrentUser;

#[derive(Serialize, ToSchema)]
struct RoundSummary {
    #[serde(flatten)]
    round: store::Round,
    phase: domain::round::Phase,
}

#[derive(Serialize, ToSchema)]
struct InvitationOut {
    round: RoundSummary,
    org_id: Uuid,
    status: InviteeStatus,
    reminded_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The rounds a user coordinates and those its organisations are invited to.
#[derive(Serialize, ToSchema)]
pub struct RoundList {
    coordinated: Vec<RoundSummary>,
    invitations: Vec<InvitationOut>,
}

/// The rounds the user coordinates and the invitations of the user's organisations.
#[utoipa::path(get, path = "/api/v1/rounds", tag = "rounds", responses((status = 200, body = RoundList)))]
pub async fn list_rounds(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Json<RoundList>> {
    let list = rounds::list_rounds(&state.store, &s.caller()).await?;
    let today = today();
    let coordinated: Vec<RoundSummary> =
        list.coordinated.into_iter().map(|c| RoundSummary { phase: c.round.phase(today), round: c.round }).collect();
    let invitations: Vec<InvitationOut> = list
        .invitations
        .into_iter()
        .map(|i| InvitationOut {
            org_id: i.org_id,
            status: i.status,
            reminded_at: i.reminded_at,
            round: RoundSummary { phase: i.round.phase(today), round: i.round },
        })
        .collect();
    Ok(Json(RoundList { coordinated, invitations }))
}

#[derive(Deserialize, ToSchema)]
pub struct RoundIn {
    /// The coordinating organisation.
    org_id: Uuid,
    model_id: Uuid,
    #[serde(flatten)]
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
    responses((status = 201, body = store::Round), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_round(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<RoundIn>,
) -> AppResult<Response> {
    let n =
        NewRound { org: b.org_id, model: b.model_id.to_string(), form: b.fields, invitees: b.invitees, kinds: b.kinds };
    let r = rounds::create_round(&state.store, &s.caller(), &n).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/rounds/{}", r.id))], Json(r)).into_response())
}

/// A round as its coordinator or an invitee sees it.
#[derive(Serialize, ToSchema)]
pub struct RoundDetail {
    round: store::Round,
    phase: domain::round::Phase,
    /// Every invitee's status (the coordinator only; `null` for an invitee).
    invitees: Option<Vec<store::Invitee>>,
    /// The caller's own invited organisations.
    mine: Vec<InvitationStatus>,
}

/// A round: for the coordinator with every invitee's status, for an invitee with its own.
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "rounds", params(("id" = String, Path)),
    responses((status = 200, body = RoundDetail), (status = 404, body = Problem)))]
pub async fn get_round(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<RoundDetail>> {
    let a = rounds::access(&state.store, &state.models, &s.caller(), parse_id(&id)?).await?;
    let invitees = if a.coordinator { Some(state.store.list_invitees(a.round.id).await?) } else { None };
    let mine: Vec<InvitationStatus> = rounds::invitation_statuses(&state.store, &s.caller(), &a).await?;
    let phase = a.round.phase(today());
    Ok(Json(RoundDetail { round: a.round, phase, invitees, mine }))
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
    let caller = s.caller();
    let a = rounds::access(&state.store, &state.models, &caller, parse_id(&id)?).await?;
    let input = SubmitInput { org: b.org_id, employees: b.employees.to_string(), share_answers: b.share_answers };
    rounds::submit_response(&state.store, &caller, &a, &input).await?;
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
    let caller = s.caller();
    let a = rounds::access(&state.store, &state.models, &caller, parse_id(&id)?).await?;
    rounds::withdraw_response(&state.store, &caller, &a, b.org_id).await?;
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
    rounds::close_round(&state.store, &state.models, &s.caller(), parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// All aggregates of a round (coordinator); groups under k are suppressed.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/results", tag = "rounds", params(("id" = String, Path)),
    responses((status = 200, body = domain::aggregate::Breakdown), (status = 404, body = Problem)))]
pub async fn results(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<domain::aggregate::Breakdown>> {
    Ok(Json(domain::aggregate::Breakdown::clone(
        &rounds::results(&state.store, &state.models, &s.caller(), parse_id(&id)?).await?.breakdown,
    )))
}

/// The trend over the coordinator's rounds up to this one, all and panel.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/trend", tag = "rounds", params(("id" = String, Path)),
    responses((status = 200, body = Vec<domain::aggregate::TrendRow>), (status = 404, body = Problem)))]
pub async fn trend(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<domain::aggregate::TrendRow>>> {
    Ok(Json(Vec::clone(&rounds::trend(&state.store, &state.models, &s.caller(), parse_id(&id)?).await?.1)))
}

/// What one respondent shared (coordinator): its result, and its answers only if it shared them.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/respondents/{org}", tag = "rounds",
    params(("id" = String, Path), ("org" = String, Path)),
    responses((status = 200, body = store::Response), (status = 404, body = Problem)))]
pub async fn respondent(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, org)): Path<(String, String)>,
) -> AppResult<Json<store::Response>> {
    let id = parse_id(&id)?;
    let (_, r) = rounds::respondent(&state.store, &state.models, &s.caller(), id, parse_id(&org)?).await?;
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
    responses((status = 200, body = Feedback), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn feedback(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<OrgParam>,
) -> AppResult<Json<Feedback>> {
    let id = parse_id(&id)?;
    let org = if q.org.is_empty() { None } else { Some(parse_id(&q.org)?) };
    let (_, _, f) = rounds::feedback(&state.store, &state.models, &s.caller(), id, org).await?;
    Ok(Json(f))
}
