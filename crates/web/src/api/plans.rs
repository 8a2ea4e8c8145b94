//! The action plan, management reviews, unit reports and the year wheel in
//! the JSON API: the same use cases (`crate::app`) as the pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::plan::ActionFields;
use domain::review::{DecisionFields, MeetingFields, PointStatus, ReviewStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app;
use crate::app::plan::ActionFilter;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

/// A record's id from the path; a malformed one is not found.
fn path_id(s: &str) -> AppResult<Uuid> {
    s.parse().map_err(|_| AppError::NotFound)
}

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
    /// Part of the title, goal or activity (any case).
    q: String,
    /// An audit's id: only the actions made from its recommendations (404 if the user does not read the audit).
    audit: String,
}

/// The actions a user may see and their totals.
#[derive(Serialize, ToSchema)]
pub struct ActionList {
    actions: Vec<store::Action>,
    totals: domain::plan::Totals,
}

/// The actions the user may see, with the same filters as the page.
#[utoipa::path(get, path = "/api/v1/actions", tag = "plans", params(ActionQuery),
    responses((status = 200, body = ActionList), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_actions(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<ActionQuery>,
) -> AppResult<Json<ActionList>> {
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let f = ActionFilter {
        org: q.org.parse().ok(),
        status: q.status.parse().ok(),
        origin: q.origin.parse().ok(),
        responsible: q.responsible,
        overdue: !q.overdue.is_empty(),
        text: q.q,
        audit: q.audit.parse().ok(),
    };
    let actions = app::plan::visible_actions(&state.store, &s.caller(), &tree, &f).await?;
    let totals = app::plan::totals(&actions);
    Ok(Json(ActionList { actions, totals }))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ActionIn {
    org_id: Option<Uuid>,
    #[serde(flatten)]
    fields: ActionFields,
}

/// Add an action (CISO or coordinator of the organisation).
#[utoipa::path(post, path = "/api/v1/actions", tag = "plans", request_body = ActionIn,
    responses((status = 201, body = store::Action), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<ActionIn>,
) -> AppResult<Response> {
    let a = app::plan::create_action(&state.store, &s.caller(), b.org_id, &b.fields).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/actions/{}", a.id))], Json(a)).into_response())
}

#[utoipa::path(get, path = "/api/v1/actions/{id}", tag = "plans", params(("id" = String, Path)),
    responses((status = 200, body = store::Action), (status = 404, body = Problem)))]
pub async fn get_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<store::Action>> {
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    Ok(Json(app::plan::load_action(&state.store, &s.caller(), &tree, path_id(&id)?).await?.action))
}

/// Change an action (all fields).
#[utoipa::path(put, path = "/api/v1/actions/{id}", tag = "plans", params(("id" = String, Path)), request_body = ActionFields,
    responses((status = 200, body = store::Action), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(f): Json<ActionFields>,
) -> AppResult<Json<store::Action>> {
    Ok(Json(app::plan::update_action(&state.store, &s.caller(), path_id(&id)?, &f).await?))
}

// ----- Reviews -----

/// The management reviews the user may see.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "plans", responses((status = 200, body = Vec<store::Review>), (status = 403, body = Problem)))]
pub async fn list_reviews(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
) -> AppResult<Json<Vec<store::Review>>> {
    Ok(Json(app::review::list_reviews(&state.store, &s.caller()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewIn {
    org_id: Uuid,
    year: i32,
}

/// Start the review of an organisation's year (CISO).
#[utoipa::path(post, path = "/api/v1/reviews", tag = "plans", request_body = ReviewIn,
    responses((status = 201, body = store::Review), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_review(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<ReviewIn>,
) -> AppResult<Response> {
    let r = app::review::create_review(&state.store, &s.caller(), Some(b.org_id), Some(b.year)).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/reviews/{}", r.id))], Json(r)).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct ReviewDetail {
    review: store::Review,
    decisions: Vec<store::Decision>,
    content: domain::review::ReviewContent,
}

/// A review with its compiled content (the frozen snapshot once adopted).
#[utoipa::path(get, path = "/api/v1/reviews/{id}", tag = "plans", params(("id" = String, Path)),
    responses((status = 200, body = ReviewDetail), (status = 404, body = Problem)))]
pub async fn get_review(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let v = app::review::load_review(&state.store, &s.caller(), path_id(&id)?).await?;
    let d = app::review::detail(&state.store, &state.models, &v).await?;
    Ok(Json(ReviewDetail { review: v.review, decisions: d.decisions.clone(), content: d.content.clone() })
        .into_response())
}

/// Set the meeting's date and participants.
#[utoipa::path(put, path = "/api/v1/reviews/{id}/meeting", tag = "plans", params(("id" = String, Path)), request_body = domain::review::MeetingFields,
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_meeting(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(f): Json<MeetingFields>,
) -> AppResult<StatusCode> {
    app::review::set_meeting(&state.store, &s.caller(), path_id(&id)?, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct CommentIn {
    text: String,
}

/// Set the comment on a section (assessment, feedback, actions,
/// previous_decisions, follow_up, unit_reports, rollup, documents, risks,
/// dpo_report, outside_world, proposals); empty clears it.
#[utoipa::path(put, path = "/api/v1/reviews/{id}/comments/{section}", tag = "plans",
    params(("id" = String, Path), ("section" = String, Path)), request_body = CommentIn,
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_comment(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, section)): Path<(String, String)>,
    Json(b): Json<CommentIn>,
) -> AppResult<StatusCode> {
    app::review::set_comment(&state.store, &s.caller(), path_id(&id)?, &section, &b.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a decision (kind improvement, governance or resources; text, responsible, deadline).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/decisions", tag = "plans", params(("id" = String, Path)), request_body = domain::review::DecisionFields,
    responses((status = 201, body = store::Decision), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_decision(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(f): Json<DecisionFields>,
) -> AppResult<Response> {
    let d = app::review::add_decision(&state.store, &s.caller(), path_id(&id)?, &f).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewFileIn {
    /// The section the file belongs to (`dpo_report`, `risks` …).
    section: String,
    file_name: String,
    /// The file, base64-encoded (at most 1.5 MB decoded).
    content_base64: String,
}

/// Attach a file to a section of a draft review (the DPO's annual report …).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/files", tag = "plans", params(("id" = String, Path)), request_body = ReviewFileIn,
    responses((status = 201, body = store::ReviewFile), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_file(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<ReviewFileIn>,
) -> AppResult<Response> {
    use base64::Engine;
    let id = path_id(&id)?;
    // Authorised before the content is looked at.
    app::review::load_for_edit(&state.store, &s.caller(), id).await?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b.content_base64.trim())
        .map_err(|_| app::Error::Validation(vec![domain::FieldError::new("file", "error-malformed")]))?;
    let upload =
        app::steering::Upload { filename: b.file_name, content_type: "application/octet-stream".into(), bytes };
    let f = app::review::add_file(&state.store, &s.caller(), id, &b.section, Some(upload)).await?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}

/// A file of a review.
#[utoipa::path(get, path = "/api/v1/review-files/{id}", tag = "plans", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn review_file(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (meta, content) = app::review::review_file(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(crate::render::attachment(&meta.filename, content))
}

/// Adopt the review (management): freezes it with its content hash and turns
/// improvement decisions into actions.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/adopt", tag = "plans", params(("id" = String, Path)),
    responses((status = 200, body = store::Review), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, description = "The meeting's date or participants are missing", body = Problem)))]
pub async fn adopt(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<store::Review>> {
    // A call to the API is the confirmation; the meeting's data is still required.
    let r = app::review::adopt_review(&state.store, &state.models, &s.caller(), path_id(&id)?, true).await?;
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

/// A unit's checklist and its report for a year.
#[derive(Serialize, ToSchema)]
pub struct UnitReportOut {
    points: Vec<store::Point>,
    /// `null` until the report is started.
    report: Option<store::UnitReport>,
    /// The statuses the incident and training registers give the points
    /// they speak to, for the unit in that year.
    computed: Vec<ComputedIo>,
}

/// A point's status computed from the registers, and why.
#[derive(Serialize, ToSchema)]
pub struct ComputedIo {
    point_id: Uuid,
    status: PointStatus,
    basis: domain::review::registers::Basis,
}

/// A unit's yearly report (`null` if not started) and the checklist points.
#[utoipa::path(get, path = "/api/v1/unit-reports/{unit}/{year}", tag = "plans",
    params(("unit" = String, Path), ("year" = i32, Path)),
    responses((status = 200, body = UnitReportOut), (status = 404, body = Problem)))]
pub async fn get_unit_report(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((unit, year)): Path<(String, String)>,
) -> AppResult<Json<UnitReportOut>> {
    let u = app::unit::unit_access(&state.store, &s.caller(), path_id(&unit)?).await?;
    let year = app::unit::parse_year(&year)?;
    let points = state.store.list_points(u.org).await?;
    let report = state.store.unit_report(u.unit, year).await?;
    let computed = app::unit::computed_statuses(&state.store, &u, &points, year)
        .await?
        .into_iter()
        .map(|(point_id, c)| ComputedIo { point_id, status: c.status, basis: c.basis })
        .collect();
    Ok(Json(UnitReportOut { points, report, computed }))
}

/// Save (and optionally submit) a unit's yearly report (coordinator).
#[utoipa::path(put, path = "/api/v1/unit-reports/{unit}/{year}", tag = "plans",
    params(("unit" = String, Path), ("year" = i32, Path)), request_body = UnitReportIn,
    responses((status = 200, body = store::UnitReport), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_unit_report(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((unit, year)): Path<(String, String)>,
    Json(b): Json<UnitReportIn>,
) -> AppResult<Json<store::UnitReport>> {
    let caller = s.caller();
    let u = app::unit::unit_access(&state.store, &caller, path_id(&unit)?).await?;
    if !u.may_report {
        return Err(AppError::Forbidden);
    }
    let year = app::unit::parse_year(&year)?;
    let points = app::unit::checklist_points(&state.store, u.org).await?;
    let mut form = Vec::new();
    for i in &b.items {
        if !points.iter().any(|p| p.id == i.point_id && p.active) {
            return Err(AppError::Validation(vec![domain::FieldError::new("point_id", "error-malformed")]));
        }
        i.status.parse::<PointStatus>()?;
        form.push((format!("status-{}", i.point_id), i.status.clone()));
        form.push((format!("comment-{}", i.point_id), i.comment.clone()));
    }
    let app::unit::ParsedItems { items, errs, .. } = app::unit::parse_items(&points, &form, b.submit);
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    Ok(Json(app::unit::save_unit_report(&state.store, &caller, &u, year, items, b.submit).await?))
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
    let caller = s.caller();
    let u = app::unit::unit_access(&state.store, &caller, path_id(&unit)?).await?;
    if !u.may_approve {
        return Err(AppError::Forbidden);
    }
    let year = app::unit::parse_year(&year)?;
    app::unit::approve_unit_report(&state.store, &caller, &u, year).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The year wheel's activities of the organisations the user may see.
#[utoipa::path(get, path = "/api/v1/activities", tag = "plans", responses((status = 200, body = Vec<store::Activity>), (status = 403, body = Problem)))]
pub async fn list_activities(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
) -> AppResult<Json<Vec<store::Activity>>> {
    Ok(Json(app::yearwheel::list_activities(&state.store, &s.caller()).await?))
}
