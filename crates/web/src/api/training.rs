//! Training completion (utbildning) in the JSON API: the same use cases
//! (`crate::app::training`) as the pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use domain::training::{CountFields, CourseFields, Figure, RowError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app;
use crate::app::training::ImportOutcome;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

fn path_id(s: &str) -> AppResult<Uuid> {
    s.parse().map_err(|_| AppError::NotFound)
}

/// `?org=&year=`: the organisation (default: the user's first) and the year.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgYear {
    org: Option<String>,
    year: Option<i32>,
}

impl OrgYear {
    fn org(&self) -> AppResult<Option<Uuid>> {
        self.org.as_deref().map(path_id).transpose()
    }
}

/// The courses the user reads (applying to `org` when given).
#[utoipa::path(get, path = "/api/v1/training/courses", tag = "training", params(OrgYear),
    responses((status = 200, body = Vec<store::Course>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_courses(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<OrgYear>,
) -> AppResult<Json<Vec<store::Course>>> {
    Ok(Json(app::training::list_courses(&state.store, &s.caller(), q.org()?).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CourseIn {
    /// The owner: the course applies to this organisation's subtree.
    org_id: Uuid,
    #[serde(flatten)]
    fields: CourseFields,
}

/// Add a course (the owner's CISO).
#[utoipa::path(post, path = "/api/v1/training/courses", tag = "training", request_body = CourseIn,
    responses((status = 201, body = store::Course), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_course(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<CourseIn>,
) -> AppResult<Response> {
    let c = app::training::create_course(&state.store, &s.caller(), Some(b.org_id), &b.fields).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/training/courses/{}", c.id))], Json(c))
        .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct CourseOut {
    course: store::Course,
    /// The user may change the course.
    may_manage: bool,
    /// Units where the user may record counts for the course.
    report_orgs: Vec<Uuid>,
    /// The latest counts the user sees, newest first.
    counts: Vec<store::TrainingCount>,
}

/// A course with its latest counts.
#[utoipa::path(get, path = "/api/v1/training/courses/{id}", tag = "training", params(("id" = String, Path)),
    responses((status = 200, body = CourseOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_course(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<CourseOut>> {
    let v = app::training::load_course(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(Json(CourseOut {
        report_orgs: v.report_orgs.iter().map(|(_, o)| *o).collect(),
        may_manage: v.may_manage,
        counts: v.counts,
        course: v.course,
    }))
}

/// Change a course: every field is the new value (the owner's CISO).
#[utoipa::path(put, path = "/api/v1/training/courses/{id}", tag = "training", params(("id" = String, Path)),
    request_body = CourseFields,
    responses((status = 200, body = store::Course), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update_course(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<CourseFields>,
) -> AppResult<Json<store::Course>> {
    Ok(Json(app::training::update_course(&state.store, &s.caller(), path_id(&id)?, &b).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CountIn {
    /// The unit counted, in the course owner's subtree.
    org_id: Uuid,
    #[serde(flatten)]
    fields: CountFields,
}

/// Record a unit's count for a course (replacing a count of the same date).
#[utoipa::path(post, path = "/api/v1/training/courses/{id}/counts", tag = "training", params(("id" = String, Path)),
    request_body = CountIn,
    responses((status = 201, body = store::TrainingCount), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_count(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<CountIn>,
) -> AppResult<Response> {
    let c = app::training::record_count(&state.store, &s.caller(), path_id(&id)?, Some(b.org_id), &b.fields).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct LineOut {
    org_id: Uuid,
    name: String,
    depth: usize,
    /// The unit's own figure, if it has one.
    own: Option<Figure>,
    /// Its subtree's, rolled up.
    total: Figure,
    meets_target: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TrendOut {
    year: i32,
    figure: Figure,
}

#[derive(Serialize, ToSchema)]
pub struct CourseCoverageOut {
    course: store::Course,
    total: Figure,
    meets_target: bool,
    lines: Vec<LineOut>,
    trend: Vec<TrendOut>,
}

#[derive(Serialize, ToSchema)]
pub struct CoverageOut {
    org_id: Uuid,
    year: i32,
    /// The date the coverage is read at: 31 December, or today in the current year.
    as_at: chrono::NaiveDate,
    courses: Vec<CourseCoverageOut>,
}

/// Coverage per course and unit within validity, rolled up the tree, with the trend per year.
#[utoipa::path(get, path = "/api/v1/training/coverage", tag = "training", params(OrgYear),
    responses((status = 200, body = CoverageOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn coverage(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<OrgYear>,
) -> AppResult<Json<CoverageOut>> {
    let o = app::training::overview(&state.store, &s.caller(), q.org()?, q.year).await?;
    Ok(Json(CoverageOut {
        org_id: o.root,
        year: o.year,
        as_at: o.at,
        courses: o
            .courses
            .into_iter()
            .map(|c| {
                let target = c.course.data.target_pct;
                CourseCoverageOut {
                    total: c.total,
                    meets_target: c.total.meets(target),
                    lines: c
                        .lines
                        .into_iter()
                        .map(|l| LineOut {
                            org_id: l.org_id,
                            name: l.name,
                            depth: l.depth,
                            own: l.own,
                            total: l.total,
                            meets_target: l.total.meets(target),
                        })
                        .collect(),
                    trend: c.trend.into_iter().map(|(year, figure)| TrendOut { year, figure }).collect(),
                    course: c.course,
                }
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ImportIn {
    /// The unit the rows belong to.
    org_id: Uuid,
    /// The file's name; `.xlsx` is read as Excel, anything else as CSV.
    file_name: String,
    /// The file, base64-encoded (columns person, course, date).
    content_base64: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    /// Whether the rows were stored (all of them) or refused (none).
    stored: bool,
    imported: Option<store::Imported>,
    /// Every wrong row and field (row 0: the file as a whole), at most 200.
    errors: Vec<RowError>,
    /// How many wrong fields in all.
    error_count: usize,
}

/// Import person-level rows from a learning platform's export, all or nothing.
/// A refused import answers 422 with every wrong row and field.
#[utoipa::path(post, path = "/api/v1/training/import", tag = "training", request_body = ImportIn,
    responses((status = 200, body = ImportOut), (status = 403, body = Problem), (status = 422, body = ImportOut)))]
pub async fn import(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<ImportIn>,
) -> AppResult<Response> {
    let name: String = b.file_name.chars().take(200).collect();
    // A file that is not base64 is refused like a file that cannot be read: the same 422 body.
    let out = match base64::engine::general_purpose::STANDARD.decode(b.content_base64.trim()) {
        Ok(bytes) => app::training::import(&state.store, &s.caller(), Some(b.org_id), &name, &bytes).await?,
        Err(_) => ImportOutcome::Refused {
            errors: vec![RowError { row: 0, field: "file", code: "error-training-import-format" }],
            total: 1,
        },
    };
    Ok(match out {
        ImportOutcome::Stored(i) => {
            (StatusCode::OK, Json(ImportOut { stored: true, imported: Some(i), errors: Vec::new(), error_count: 0 }))
                .into_response()
        }
        ImportOutcome::Refused { errors, total } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ImportOut { stored: false, imported: None, errors, error_count: total }),
        )
            .into_response(),
    })
}

#[derive(Deserialize, ToSchema)]
pub struct RetentionIn {
    /// Months person rows of the organisation's courses are kept (1–120).
    retention_months: i64,
}

#[derive(Serialize, ToSchema)]
pub struct RetentionOut {
    org_id: Uuid,
    retention_months: i32,
}

/// Set how long person rows of the organisation's courses are kept (its CISO).
#[utoipa::path(put, path = "/api/v1/training/settings/{org}", tag = "training", params(("org" = String, Path)),
    request_body = RetentionIn,
    responses((status = 200, body = RetentionOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn put_settings(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(org): Path<String>,
    Json(b): Json<RetentionIn>,
) -> AppResult<Json<RetentionOut>> {
    let org = path_id(&org)?;
    let m = app::training::set_retention(&state.store, &s.caller(), org, &b.retention_months.to_string()).await?;
    Ok(Json(RetentionOut { org_id: org, retention_months: m }))
}
