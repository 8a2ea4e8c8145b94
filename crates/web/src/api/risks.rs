//! The risk register in the JSON API: the same use cases
//! (`crate::app::risks`) as the pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::assets::risk::{HeatMap, RiskFields, RiskLevel, RiskMatrix};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app;
use crate::app::risks::{ListedRisk, RiskFilter};
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

fn path_id(s: &str) -> AppResult<Uuid> {
    s.trim().parse().map_err(|_| AppError::NotFound)
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct RiskQuery {
    /// An organisation: its whole subtree (default: the user's first).
    org: String,
    /// high, untreated (high and not treated) or overdue (past the review date); empty: all.
    only: String,
}

/// A risk with what the register shows about it.
#[derive(Serialize, ToSchema)]
pub struct RiskRegisterItem {
    risk: store::Risk,
    org_name: String,
    /// The name of the organisation, system or asset the risk concerns.
    object_name: String,
    inherent_level: RiskLevel,
    /// The residual level if assessed, else the inherent one.
    residual_level: RiskLevel,
    treated: bool,
    /// High before treatment and not treated.
    untreated_high: bool,
    /// The review date has passed.
    review_overdue: bool,
}

fn item(r: ListedRisk) -> RiskRegisterItem {
    RiskRegisterItem {
        org_name: r.org_name,
        object_name: r.object_name,
        inherent_level: r.inherent,
        residual_level: r.residual,
        treated: r.treated,
        untreated_high: r.untreated_high,
        review_overdue: r.review_overdue,
        risk: r.risk,
    }
}

/// The risks of an organisation's subtree and their heat maps.
#[derive(Serialize, ToSchema)]
pub struct RiskRegister {
    org_id: Uuid,
    /// Worst first (before treatment).
    risks: Vec<RiskRegisterItem>,
    /// The listed risks before treatment.
    heat_map: HeatMap,
    /// The listed risks after treatment (the inherent values where none is assessed).
    heat_map_residual: HeatMap,
}

/// The risks of an organisation's subtree, with the heat maps of those listed.
#[utoipa::path(get, path = "/api/v1/risks", tag = "registers", params(RiskQuery),
    responses((status = 200, body = RiskRegister), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_risks(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<RiskQuery>,
) -> AppResult<Json<RiskRegister>> {
    let org = match q.org.trim() {
        "" => None,
        o => Some(path_id(o)?),
    };
    let reg = app::risks::register(&state.store, &s.caller(), org, RiskFilter::parse(&q.only)).await?;
    Ok(Json(RiskRegister {
        org_id: reg.root,
        heat_map: reg.heat,
        heat_map_residual: reg.heat_residual,
        risks: reg.risks.into_iter().map(item).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct RiskCreate {
    /// The organisation whose register the risk joins.
    org_id: Uuid,
    #[serde(flatten)]
    fields: RiskFields,
}

/// Add a risk; its object is the organisation (or a unit below it), or one of its systems or assets.
#[utoipa::path(post, path = "/api/v1/risks", tag = "registers", request_body = RiskCreate,
    responses((status = 201, body = store::Risk), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_risk(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<RiskCreate>,
) -> AppResult<Response> {
    let r = app::risks::create_risk(&state.store, &s.caller(), Some(b.org_id), &b.fields).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/risks/{}", r.id))], Json(r)).into_response())
}

/// One risk with the actions made from it.
#[derive(Serialize, ToSchema)]
pub struct RiskDetail {
    #[serde(flatten)]
    item: RiskRegisterItem,
    /// Actions in the plan made from the risk.
    actions: Vec<store::Action>,
    /// The user may change or delete the risk.
    may_manage: bool,
    /// The user may make an action of it.
    may_plan: bool,
}

/// A risk with the actions made from it.
#[utoipa::path(get, path = "/api/v1/risks/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 200, body = RiskDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_risk(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<RiskDetail>> {
    let v = app::risks::load_risk(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(Json(RiskDetail { item: item(v.listed), actions: v.actions, may_manage: v.may_manage, may_plan: v.may_plan }))
}

/// Change a risk: every field is the new value (its organisation stays).
#[utoipa::path(put, path = "/api/v1/risks/{id}", tag = "registers", params(("id" = String, Path)),
    request_body = RiskFields,
    responses((status = 200, body = store::Risk), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update_risk(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<RiskFields>,
) -> AppResult<Json<store::Risk>> {
    Ok(Json(app::risks::update_risk(&state.store, &s.caller(), path_id(&id)?, &b).await?))
}

/// Delete a risk.
#[utoipa::path(delete, path = "/api/v1/risks/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_risk(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    app::risks::delete_risk(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Make an action in the plan of the risk's organisation from the risk.
#[utoipa::path(post, path = "/api/v1/risks/{id}/actions", tag = "registers", params(("id" = String, Path)),
    responses((status = 201, body = store::Action), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let a = app::risks::plan_action(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/actions/{}", a.id))], Json(a)).into_response())
}

/// The installation's risk matrix: its scales (lowest first) and the thresholds of the levels.
#[utoipa::path(get, path = "/api/v1/registers/risk-matrix", tag = "registers",
    responses((status = 200, body = RiskMatrix), (status = 403, body = Problem)))]
pub async fn risk_matrix(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Json<RiskMatrix>> {
    Ok(Json(app::risks::matrix(&state.store, &s.caller()).await?))
}
