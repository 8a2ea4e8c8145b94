//! Incidents in the JSON API: the same use cases (`crate::app::incident`)
//! as the pages. Times go in as Swedish local time ("2026-03-29T14:05") or
//! RFC 3339, and come out in RFC 3339 (UTC).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::incident::compile::{Compilation, DeadlineCounts, Figures};
use domain::incident::duties::{DeadlineState, Duty, Step};
use domain::incident::{EntryFields, IncidentFields, ReportFields};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

fn path_id(s: &str) -> AppResult<Uuid> {
    s.parse().map_err(|_| AppError::NotFound)
}

/// New Year's midnight of `year` in Swedish time.
fn year_start(year: i32) -> Option<DateTime<Utc>> {
    chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| domain::incident::from_stockholm(d.and_time(chrono::NaiveTime::MIN)))
}

fn year_of(s: &str) -> Option<i32> {
    s.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y))
}

/// A reporting duty and where its clock stands.
#[derive(Serialize, ToSchema)]
pub struct DutyOut {
    /// gdpr_notify, nis_early_warning, nis_notification, nis_final, msb_first or msb_final.
    step: String,
    /// gdpr, nis2 or msb.
    regime: String,
    /// When the clock started.
    start: DateTime<Utc>,
    due: DateTime<Utc>,
    /// IMY, CERT-SE or MSB.
    recipient: String,
    /// The article or paragraph the duty rests on.
    source: String,
    /// running, met, late, missed or not_required.
    state: String,
    /// While running: seconds left until the deadline.
    left_seconds: Option<i64>,
    /// When met or late: when the report was made.
    reported_at: Option<DateTime<Utc>>,
}

fn duty_out(d: &Duty) -> DutyOut {
    let (left_seconds, reported_at) = match &d.state {
        DeadlineState::Running { left } => (Some(left.num_seconds()), None),
        DeadlineState::Met { at } | DeadlineState::Late { at } => (None, Some(*at)),
        DeadlineState::Missed | DeadlineState::NotRequired => (None, None),
    };
    DutyOut {
        step: d.step.code().into(),
        regime: d.regime.code().into(),
        start: d.start,
        due: d.due,
        recipient: d.recipient.into(),
        source: d.source.into(),
        state: d.state.kind().code().into(),
        left_seconds,
        reported_at,
    }
}

/// An incident in a list, with its reporting duties.
#[derive(Serialize, ToSchema)]
pub struct IncidentItem {
    incident: store::Incident,
    duties: Vec<DutyOut>,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct IncidentQuery {
    /// An organisation: its whole subtree.
    org: String,
    /// registered, investigating, remedied or closed.
    status: String,
    /// Discovered during this year (Swedish time).
    year: String,
}

/// The incidents the user may see (a DPO: those involving personal data), newest first.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", params(IncidentQuery),
    responses((status = 200, body = Vec<IncidentItem>), (status = 403, body = Problem)))]
pub async fn list_incidents(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<IncidentQuery>,
) -> AppResult<Json<Vec<IncidentItem>>> {
    let year = year_of(&q.year);
    let filter = store::IncidentFilter {
        org: q.org.trim().parse().ok(),
        status: q.status.trim().parse().ok(),
        from: year.and_then(year_start),
        to: year.and_then(|y| year_start(y + 1)),
        ..Default::default()
    };
    let items = app::incident::list_incidents(&state.store, &s.caller(), &filter).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| IncidentItem { duties: i.duties.iter().map(duty_out).collect(), incident: i.incident })
            .collect(),
    ))
}

/// Register an incident.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", request_body = IncidentFields,
    responses((status = 201, body = store::Incident), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_incident(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<IncidentFields>,
) -> AppResult<Response> {
    let i = app::incident::register_incident(&state.store, &s.caller(), &b).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/incidents/{}", i.id))], Json(i)).into_response())
}

/// An incident with its duties, timeline, recorded notifications and actions.
#[derive(Serialize, ToSchema)]
pub struct IncidentDetail {
    incident: store::Incident,
    org_name: String,
    duties: Vec<DutyOut>,
    entries: Vec<store::IncidentEntry>,
    reports: Vec<store::IncidentReport>,
    /// The reminders sent for its deadlines (near, missed), each once.
    alerts: Vec<store::IncidentAlert>,
    actions: Vec<store::Action>,
    /// Whether the user may change it.
    may_manage: bool,
}

/// One incident.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = String, Path)),
    responses((status = 200, body = IncidentDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_incident(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<IncidentDetail>> {
    let v = app::incident::load_incident(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(Json(IncidentDetail {
        duties: v.duties.iter().map(duty_out).collect(),
        incident: v.incident,
        org_name: v.org_name,
        entries: v.entries,
        reports: v.reports,
        alerts: v.alerts,
        actions: v.actions,
        may_manage: v.may_manage,
    }))
}

/// Change an incident: every field is the new value.
#[utoipa::path(put, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = String, Path)),
    request_body = IncidentFields,
    responses((status = 200, body = store::Incident), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update_incident(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<IncidentFields>,
) -> AppResult<Json<store::Incident>> {
    Ok(Json(app::incident::update_incident(&state.store, &s.caller(), path_id(&id)?, &b).await?))
}

/// Add an entry to the incident's timeline.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/entries", tag = "incidents", params(("id" = String, Path)),
    request_body = EntryFields,
    responses((status = 201, body = store::IncidentEntry), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_entry(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<EntryFields>,
) -> AppResult<Response> {
    let e = app::incident::add_entry(&state.store, &s.caller(), path_id(&id)?, &b).await?;
    Ok((StatusCode::CREATED, Json(e)).into_response())
}

/// Record the notification of one step of a reporting duty (or that it was not required); replaces an earlier record.
#[utoipa::path(put, path = "/api/v1/incidents/{id}/reports/{step}", tag = "incidents",
    params(("id" = String, Path), ("step" = String, Path, description = "gdpr_notify, nis_early_warning, nis_notification, nis_final, msb_first or msb_final")),
    request_body = ReportFields,
    responses((status = 200, body = store::IncidentReport), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn put_report(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, step)): Path<(String, String)>,
    Json(b): Json<ReportFields>,
) -> AppResult<Json<store::IncidentReport>> {
    let step: Step = step.parse().map_err(|_| AppError::NotFound)?;
    Ok(Json(app::incident::record_report(&state.store, &s.caller(), path_id(&id)?, step, &b).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct IncidentStatusIn {
    /// registered, investigating, remedied or closed.
    status: String,
}

/// Move the incident to another status (closing sets `closed_at`, reopening clears it).
#[utoipa::path(post, path = "/api/v1/incidents/{id}/status", tag = "incidents", params(("id" = String, Path)),
    request_body = IncidentStatusIn,
    responses((status = 200, body = store::Incident), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_status(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<IncidentStatusIn>,
) -> AppResult<Json<store::Incident>> {
    let id = path_id(&id)?;
    let to = b.status.trim().parse().map_err(|e| app::Error::Validation(vec![e]))?;
    Ok(Json(app::incident::set_status(&state.store, &s.caller(), id, to).await?))
}

/// Make an action in the action plan from the incident, linked to it.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/action", tag = "incidents", params(("id" = String, Path)),
    responses((status = 201, body = store::Action), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let a = app::incident::plan_action(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/actions/{}", a.id))], Json(a)).into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct CompilationQuery {
    /// The organisation at the top of the compilation (default: the first the user sees).
    org: String,
    /// The year (Swedish time) the incidents were discovered in (default: this year).
    year: String,
}

/// The figures of a set of incidents.
#[derive(Serialize, ToSchema)]
pub struct FiguresOut {
    incidents: usize,
    /// Per category code, zeros included.
    by_category: BTreeMap<String, usize>,
    /// Per severity code, zeros included.
    by_severity: BTreeMap<String, usize>,
    personal_data: usize,
    open: usize,
    closed: usize,
    deadlines: DeadlineCounts,
    /// Per regime (gdpr, nis2, msb).
    deadlines_by_regime: BTreeMap<String, DeadlineCounts>,
    median_hours_to_close: Option<f64>,
    mean_hours_to_close: Option<f64>,
}

fn figures_out(f: &Figures) -> FiguresOut {
    FiguresOut {
        incidents: f.incidents,
        by_category: f.by_category.iter().map(|(k, v)| (k.code().to_owned(), *v)).collect(),
        by_severity: f.by_severity.iter().map(|(k, v)| (k.code().to_owned(), *v)).collect(),
        personal_data: f.personal_data,
        open: f.open,
        closed: f.closed,
        deadlines: f.deadlines,
        deadlines_by_regime: f.deadlines_by_regime.iter().map(|(k, v)| (k.code().to_owned(), *v)).collect(),
        median_hours_to_close: f.median_hours_to_close,
        mean_hours_to_close: f.mean_hours_to_close,
    }
}

#[derive(Serialize, ToSchema)]
pub struct CompilationRowOut {
    org_id: Uuid,
    name: String,
    /// Depth below the compilation's root (0).
    depth: usize,
    /// The organisation's own incidents.
    own: FiguresOut,
    /// Its own and those of every organisation below it.
    rolled_up: FiguresOut,
}

#[derive(Serialize, ToSchema)]
pub struct CompilationOut {
    root: Uuid,
    year: i32,
    /// The caller sees only personal-data incidents (a DPO): the figures count only those.
    personal_data_only: bool,
    /// In tree order, the root first.
    rows: Vec<CompilationRowOut>,
}

fn compilation_out(c: &Compilation, year: i32, personal_data_only: bool) -> CompilationOut {
    CompilationOut {
        root: c.root,
        year,
        personal_data_only,
        rows: c
            .rows
            .iter()
            .map(|r| CompilationRowOut {
                org_id: r.org_id,
                name: r.name.clone(),
                depth: r.depth,
                own: figures_out(&r.own),
                rolled_up: figures_out(&r.rolled_up),
            })
            .collect(),
    }
}

/// The central compilation: per organisation of the subtree, counts by
/// category and severity, deadlines met and missed, time to close.
#[utoipa::path(get, path = "/api/v1/incidents/compilation", tag = "incidents", params(CompilationQuery),
    responses((status = 200, body = CompilationOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn compilation(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<CompilationQuery>,
) -> AppResult<Json<CompilationOut>> {
    let year = year_of(&q.year).unwrap_or_else(app::incident::this_year);
    let root = match q.org.trim() {
        "" => {
            let orgs = app::incident::viewable_orgs(&state.store, &s.caller()).await?;
            orgs.first().map(|o| o.id).ok_or(AppError::from(app::Error::Forbidden))?
        }
        o => path_id(o)?,
    };
    let c = app::incident::compilation(&state.store, &s.caller(), root, year).await?;
    Ok(Json(compilation_out(&c.compilation, year, c.personal_data_only)))
}

/// An organisation's class under the cybersäkerhetslag.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ReportingDuties {
    /// essential, important, or null for neither.
    nis_class: Option<String>,
}

/// The organisation's reporting duties (its NIS class).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/reporting-duties", tag = "incidents", params(("id" = String, Path)),
    responses((status = 200, body = ReportingDuties), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_reporting_duties(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<ReportingDuties>> {
    let d = app::incident::reporting_duties(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(Json(ReportingDuties { nis_class: d.nis_class.map(|c| c.code().to_owned()) }))
}

/// Set the organisation's NIS class (the CISO).
#[utoipa::path(put, path = "/api/v1/orgs/{id}/reporting-duties", tag = "incidents", params(("id" = String, Path)),
    request_body = ReportingDuties,
    responses((status = 200, body = ReportingDuties), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn put_reporting_duties(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<ReportingDuties>,
) -> AppResult<Json<ReportingDuties>> {
    let id = path_id(&id)?;
    let class = match b.nis_class.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(c.parse().map_err(|e| app::Error::Validation(vec![e]))?),
    };
    let d = app::incident::set_nis_class(&state.store, &s.caller(), id, class).await?;
    Ok(Json(ReportingDuties { nis_class: d.nis_class.map(|c| c.code().to_owned()) }))
}
