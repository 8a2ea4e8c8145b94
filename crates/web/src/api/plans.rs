//! The action plan, management reviews, unit reports and the year wheel in
//! the JSON API, with the same checks as the pages (which they call).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::authz::Permission;
use domain::plan::ActionFields;
use domain::review::{DecisionFields, MeetingFields, PointStatus, ReviewStatus, SectionKey, parse_meeting};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::pages::orgs::actor;
use crate::pages::parse_id;
use crate::pages::plan::{Filter, visible_actions};
use crate::pages::review::{content, load as load_review};
use crate::session::CurrentUser;

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ActionQuery {
    /// An organisation: its whole subtree.
    org: String,
    /// planned, ongoing, done or cancelled.
    status: String,
    /// Part of the responsible's name.
    responsible: String,
    /// feedback, review, audit, incident, risk or none.
    origin: String,
    /// Any value: only overdue actions.
    overdue: String,
}

/// The actions the user may see, with the same filters as the page.
#[utoipa::path(get, path = "/api/v1/actions", tag = "plans", params(ActionQuery),
    responses((status = 200, body = Object), (status = 403, body = Problem)))]
pub async fn list_actions(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<ActionQuery>,
) -> AppResult<Json<serde_json::Value>> {
    let tree = state.store.org_tree().await?;
    let f = Filter { org: q.org, status: q.status, responsible: q.responsible, origin: q.origin, overdue: q.overdue };
    let actions = visible_actions(&state, &s, &tree, &f).await?;
    let totals = crate::pages::plan::totals(&actions);
    Ok(Json(serde_json::json!({ "actions": actions, "totals": totals })))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ActionIn {
    org_id: Option<Uuid>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    fields: ActionFields,
}

/// Add an action (CISO or coordinator of the organisation).
#[utoipa::path(post, path = "/api/v1/actions", tag = "plans", request_body = ActionIn,
    responses((status = 201, body = Object), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<ActionIn>,
) -> AppResult<Response> {
    let tree = state.store.org_tree().await?;
    if !s.principal.can_somewhere(Permission::ManageActions) {
        return Err(AppError::Forbidden);
    }
    if b.org_id.is_some_and(|o| !s.principal.can(Permission::ManageActions, o, &tree)) {
        return Err(AppError::NotFound);
    }
    let org = b.org_id;
    let input = b.fields.parse();
    let Some(org) = org else {
        let mut errs = vec![domain::FieldError::new("org_id", "error-org-choose")];
        errs.extend(input.err().map(|e| e.0).unwrap_or_default());
        return Err(AppError::Validation(errs));
    };
    let a = state.store.insert_action(&actor(&s), org, input?).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/actions/{}", a.id))], Json(a)).into_response())
}

#[utoipa::path(get, path = "/api/v1/actions/{id}", tag = "plans", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn get_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<store::Action>> {
    let tree = state.store.org_tree().await?;
    let (a, _) = crate::pages::plan::load(&state, &s, &tree, parse_id(&id)?).await?;
    Ok(Json(a))
}

/// Change an action (all fields).
#[utoipa::path(put, path = "/api/v1/actions/{id}", tag = "plans", params(("id" = String, Path)), request_body = Object,
    responses((status = 200, body = Object), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(f): Json<ActionFields>,
) -> AppResult<Json<store::Action>> {
    let tree = state.store.org_tree().await?;
    let (a, may) = crate::pages::plan::load(&state, &s, &tree, parse_id(&id)?).await?;
    if !may {
        return Err(AppError::Forbidden);
    }
    Ok(Json(state.store.update_action(&actor(&s), a.id, f.parse()?).await?))
}

// ----- Reviews -----

/// The management reviews the user may see.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "plans", responses((status = 200, body = Object), (status = 403, body = Problem)))]
pub async fn list_reviews(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
) -> AppResult<Json<Vec<store::Review>>> {
    if !s.principal.can_somewhere(Permission::ViewPlans) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    Ok(Json(state.store.list_reviews(&s.principal.visible_orgs(Permission::ViewPlans, &tree)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewIn {
    org_id: Uuid,
    year: i32,
}

/// Start the review of an organisation's year (CISO).
#[utoipa::path(post, path = "/api/v1/reviews", tag = "plans", request_body = ReviewIn,
    responses((status = 201, body = Object), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_review(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<ReviewIn>,
) -> AppResult<Response> {
    let tree = state.store.org_tree().await?;
    if !s.principal.can(Permission::ManageReviews, b.org_id, &tree) {
        return Err(AppError::NotFound);
    }
    if domain::review::review_org(&tree, b.org_id) != Some(b.org_id) {
        return Err(AppError::Validation(vec![domain::FieldError::new("org_id", "error-org-choose")]));
    }
    let year = domain::assessment::Period::new(b.year).map_err(|_| domain::FieldError::new("year", "error-period"))?;
    let r = state.store.insert_review(&actor(&s), b.org_id, year.year()).await?;
    state.store.ensure_points(&actor(&s), b.org_id, &crate::pages::review::default_points()).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/reviews/{}", r.id))], Json(r)).into_response())
}

#[derive(Serialize)]
struct ReviewDetail {
    review: store::Review,
    decisions: Vec<store::Decision>,
    content: domain::review::ReviewContent,
}

/// A review with its compiled content (the frozen snapshot once adopted).
#[utoipa::path(get, path = "/api/v1/reviews/{id}", tag = "plans", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn get_review(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (r, tree) = load_review(&state, &s, parse_id(&id)?).await?;
    let c = content(&state, &tree, &r).await?;
    let decisions = state.store.review_decisions(r.id).await?;
    Ok(Json(ReviewDetail { review: r, decisions, content: c }).into_response())
}

async fn editable(state: &SharedState, s: &crate::session::Session, id: &str) -> AppResult<store::Review> {
    let (r, tree) = load_review(state, s, parse_id(id)?).await?;
    if !s.principal.can(Permission::ManageReviews, r.org_id, &tree) {
        return Err(AppError::Forbidden);
    }
    Ok(r)
}

/// Set the meeting's date and participants.
#[utoipa::path(put, path = "/api/v1/reviews/{id}/meeting", tag = "plans", params(("id" = String, Path)), request_body = Object,
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_meeting(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(f): Json<MeetingFields>,
) -> AppResult<StatusCode> {
    let r = editable(&state, &s, &id).await?;
    let (date, participants) = parse_meeting(&f)?;
    state.store.update_review_meeting(&actor(&s), r.id, date, &participants).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct CommentIn {
    text: String,
}

/// Set the CISO's comment on a section (assessment, feedback, actions,
/// previous_decisions, unit_reports, risks, outside_world, proposals); empty clears it.
#[utoipa::path(put, path = "/api/v1/reviews/{id}/comments/{section}", tag = "plans",
    params(("id" = String, Path), ("section" = String, Path)), request_body = CommentIn,
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_comment(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, section)): Path<(String, String)>,
    Json(b): Json<CommentIn>,
) -> AppResult<StatusCode> {
    let r = editable(&state, &s, &id).await?;
    let section: SectionKey = section.parse()?;
    let text = domain::review::parse_comment(&b.text)?;
    state.store.set_review_comment(&actor(&s), r.id, section, &text).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a decision (kind improvement, governance or resources; text, responsible, deadline).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/decisions", tag = "plans", params(("id" = String, Path)), request_body = Object,
    responses((status = 201, body = Object), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_decision(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(f): Json<DecisionFields>,
) -> AppResult<Response> {
    let r = editable(&state, &s, &id).await?;
    let d = state.store.add_decision(&actor(&s), r.id, f.parse()?).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

/// Adopt the review (management): freezes it with its content hash and turns
/// improvement decisions into actions.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/adopt", tag = "plans", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn adopt(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<store::Review>> {
    let r = crate::pages::review::adopt_review(&state, &s, parse_id(&id)?).await?;
    debug_assert_eq!(r.status, ReviewStatus::Adopted);
    Ok(Json(r))
}

// ----- Unit reports -----

#[derive(Deserialize, ToSchema)]
pub struct ItemIo {
    point_id: Uuid,
    /// done, partial, not_started or not_applicable.
    status: String,
    #[serde(default)]
    comment: String,
}

#[derive(Deserialize, ToSchema)]
pub struct UnitReportIn {
    items: Vec<ItemIo>,
    /// Submit the report for the owner's approval (every point needs a status).
    #[serde(default)]
    submit: bool,
}

/// A unit's yearly report (`null` if not started) and the checklist points.
#[utoipa::path(get, path = "/api/v1/unit-reports/{unit}/{year}", tag = "plans",
    params(("unit" = String, Path), ("year" = i32, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub async fn get_unit_report(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((unit, year)): Path<(String, String)>,
) -> AppResult<Json<serde_json::Value>> {
    let (unit, org, _, _) = unit_access(&state, &s, &unit).await?;
    let year = domain::assessment::Period::parse(&year).map_err(|_| AppError::NotFound)?.year();
    let points = state.store.list_points(org).await?;
    let report = state.store.unit_report(unit, year).await?;
    Ok(Json(serde_json::json!({ "points": points, "report": report })))
}

async fn unit_access(
    state: &SharedState,
    s: &crate::session::Session,
    unit: &str,
) -> AppResult<(Uuid, Uuid, bool, bool)> {
    let unit = parse_id(unit)?;
    let tree = state.store.org_tree().await?;
    let org = domain::review::review_org(&tree, unit).ok_or(AppError::NotFound)?;
    if !domain::review::reporting_units(&tree, org).contains(&unit) {
        return Err(AppError::NotFound);
    }
    let report = s.principal.can(Permission::ReportUnit, unit, &tree);
    let approve = s.principal.can(Permission::ApproveUnitReports, unit, &tree);
    if !(report || approve || s.principal.can(Permission::ViewPlans, unit, &tree)) {
        return Err(AppError::NotFound);
    }
    Ok((unit, org, report, approve))
}

/// Save (and optionally submit) a unit's yearly report (coordinator).
#[utoipa::path(put, path = "/api/v1/unit-reports/{unit}/{year}", tag = "plans",
    params(("unit" = String, Path), ("year" = i32, Path)), request_body = UnitReportIn,
    responses((status = 200, body = Object), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_unit_report(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((unit, year)): Path<(String, String)>,
    Json(b): Json<UnitReportIn>,
) -> AppResult<Json<store::UnitReport>> {
    let (unit, org, may_report, _) = unit_access(&state, &s, &unit).await?;
    if !may_report {
        return Err(AppError::Forbidden);
    }
    let year = domain::assessment::Period::parse(&year).map_err(|_| AppError::NotFound)?.year();
    let points =
        state.store.ensure_points(&store::Actor::system(), org, &crate::pages::review::default_points()).await?;
    let mut form = Vec::new();
    for i in &b.items {
        if !points.iter().any(|p| p.id == i.point_id && p.active) {
            return Err(AppError::Validation(vec![domain::FieldError::new("point_id", "error-malformed")]));
        }
        i.status.parse::<PointStatus>()?;
        form.push((format!("status-{}", i.point_id), i.status.clone()));
        form.push((format!("comment-{}", i.point_id), i.comment.clone()));
    }
    let crate::pages::units::ParsedItems { items, errs, .. } =
        crate::pages::units::parse_items(&points, &form, b.submit);
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    Ok(Json(state.store.save_unit_report(&actor(&s), unit, year, items, b.submit).await?))
}

/// Approve a submitted unit report (the unit's owner).
#[utoipa::path(post, path = "/api/v1/unit-reports/{unit}/{year}/approve", tag = "plans",
    params(("unit" = String, Path), ("year" = i32, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn approve_unit_report(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((unit, year)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let (unit, _, _, may_approve) = unit_access(&state, &s, &unit).await?;
    if !may_approve {
        return Err(AppError::Forbidden);
    }
    let year = domain::assessment::Period::parse(&year).map_err(|_| AppError::NotFound)?.year();
    state.store.approve_unit_report(&actor(&s), unit, year).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The year wheel's activities of the organisations the user may see.
#[utoipa::path(get, path = "/api/v1/activities", tag = "plans", responses((status = 200, body = Object), (status = 403, body = Problem)))]
pub async fn list_activities(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
) -> AppResult<Json<Vec<store::Activity>>> {
    if !s.principal.can_somewhere(Permission::ViewPlans) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    Ok(Json(state.store.list_activities(&s.principal.visible_orgs(Permission::ViewPlans, &tree)).await?))
}
