//! The processing register (GDPR art. 30), consequence assessments (art. 35)
//! and data-processing agreements (art. 28) in the JSON API: the same use
//! cases (`crate::app::processing`) as the pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use domain::assets::dpia::DpiaFields;
use domain::assets::processing::{AgreementFields, ProcessingFields};
use domain::training::RowError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app;
use crate::app::processing::import::ImportOutcome;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

fn path_id(s: &str) -> AppResult<Uuid> {
    s.parse().map_err(|_| AppError::NotFound)
}

/// `?org=`: the organisation whose subtree is listed (default: the user's first).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProcessingOrgQuery {
    org: Option<String>,
}

impl ProcessingOrgQuery {
    fn org(&self) -> AppResult<Option<Uuid>> {
        self.org.as_deref().map(path_id).transpose()
    }
}

/// A record of the register with what it lacks.
#[derive(Serialize, ToSchema)]
pub struct ProcessingOut {
    processing: store::Processing,
    org_name: String,
    /// Art. 30(1) is answered in full.
    complete: bool,
    /// The fields still missing, in form order.
    missing: Vec<&'static str>,
    /// The systems it uses.
    systems: Vec<Uuid>,
    /// How many consequence assessments it has.
    dpias: usize,
    /// An assessment is needed and none is made.
    dpia_missing: bool,
    /// An assessment calls for prior consultation with IMY that is not made.
    consultation_missing: bool,
}

fn out(l: app::processing::RegisterLine) -> ProcessingOut {
    ProcessingOut {
        complete: l.complete(),
        missing: l.missing,
        systems: l.systems.iter().map(|s| s.id).collect(),
        dpias: l.dpias,
        dpia_missing: l.dpia_missing,
        consultation_missing: l.consultation_missing,
        org_name: l.org_name,
        processing: l.processing,
    }
}

/// The register of an organisation's subtree.
#[utoipa::path(get, path = "/api/v1/processings", tag = "registers", params(ProcessingOrgQuery),
    responses((status = 200, body = Vec<ProcessingOut>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_processings(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<ProcessingOrgQuery>,
) -> AppResult<Json<Vec<ProcessingOut>>> {
    let r = app::processing::register(&state.store, &s.caller(), q.org()?).await?;
    Ok(Json(r.lines.into_iter().map(out).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct ProcessingIn {
    /// The organisation whose register the record belongs to.
    org_id: Uuid,
    #[serde(flatten)]
    fields: ProcessingFields,
}

/// Add a record (only the name is required).
#[utoipa::path(post, path = "/api/v1/processings", tag = "registers", request_body = ProcessingIn,
    responses((status = 201, body = store::Processing), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_processing(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<ProcessingIn>,
) -> AppResult<Response> {
    let p = app::processing::create(&state.store, &s.caller(), Some(b.org_id), &b.fields).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/processings/{}", p.id))], Json(p)).into_response())
}

/// One record with what it lacks.
#[utoipa::path(get, path = "/api/v1/processings/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 200, body = ProcessingOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_processing(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<ProcessingOut>> {
    Ok(Json(out(app::processing::load(&state.store, &s.caller(), path_id(&id)?).await?.line)))
}

/// Change a record: every field is the new value.
#[utoipa::path(put, path = "/api/v1/processings/{id}", tag = "registers", params(("id" = String, Path)),
    request_body = ProcessingFields,
    responses((status = 200, body = store::Processing), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_processing(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<ProcessingFields>,
) -> AppResult<Json<store::Processing>> {
    Ok(Json(app::processing::update(&state.store, &s.caller(), path_id(&id)?, &b).await?))
}

/// Delete a record (refused with 409 while it has a consequence assessment).
#[utoipa::path(delete, path = "/api/v1/processings/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete_processing(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    app::processing::delete(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct ProcessingSystemsIn {
    /// The systems of the record's organisation it uses.
    systems: Vec<Uuid>,
}

/// Set the systems a record uses.
#[utoipa::path(put, path = "/api/v1/processings/{id}/systems", tag = "registers", params(("id" = String, Path)),
    request_body = ProcessingSystemsIn,
    responses((status = 200, body = ProcessingSystemsIn), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_systems(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<ProcessingSystemsIn>,
) -> AppResult<Json<ProcessingSystemsIn>> {
    let systems = app::processing::set_systems(&state.store, &s.caller(), path_id(&id)?, &b.systems).await?;
    Ok(Json(ProcessingSystemsIn { systems }))
}

#[derive(Deserialize, ToSchema)]
pub struct ProcessingImportIn {
    /// The organisation whose register the rows go to.
    org_id: Uuid,
    /// The file's name; `.xlsx` is read as Excel, anything else as CSV.
    file_name: String,
    /// The file, base64-encoded.
    content_base64: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProcessingImportOut {
    /// Whether the rows were stored (all of them) or refused (none).
    stored: bool,
    /// How many records were stored.
    imported: usize,
    /// Every wrong row and field (row 0: the file as a whole).
    errors: Vec<RowError>,
    error_count: usize,
}

/// Import a processing list, all or nothing; a refused import answers 422
/// with every wrong row and field.
#[utoipa::path(post, path = "/api/v1/processings/import", tag = "registers", request_body = ProcessingImportIn,
    responses((status = 200, body = ProcessingImportOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = ProcessingImportOut)))]
pub async fn import_processings(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<ProcessingImportIn>,
) -> AppResult<Response> {
    let name: String = b.file_name.chars().take(200).collect();
    let outcome = match base64::engine::general_purpose::STANDARD.decode(b.content_base64.trim()) {
        Ok(bytes) => app::processing::import::import(&state.store, &s.caller(), Some(b.org_id), &name, &bytes).await?,
        Err(_) => ImportOutcome::Refused {
            errors: vec![RowError { row: 0, field: "file", code: "error-training-import-format" }],
            total: 1,
        },
    };
    Ok(match outcome {
        ImportOutcome::Stored(n) => {
            Json(ProcessingImportOut { stored: true, imported: n, errors: Vec::new(), error_count: 0 }).into_response()
        }
        ImportOutcome::Refused { errors, total } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ProcessingImportOut { stored: false, imported: 0, errors, error_count: total }),
        )
            .into_response(),
    })
}

/// The consequence assessments of a record.
#[utoipa::path(get, path = "/api/v1/processings/{id}/dpias", tag = "registers", params(("id" = String, Path)),
    responses((status = 200, body = Vec<store::Dpia>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_dpias(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<store::Dpia>>> {
    Ok(Json(app::processing::dpia::list(&state.store, &s.caller(), path_id(&id)?).await?))
}

/// Make a consequence assessment of a record.
#[utoipa::path(post, path = "/api/v1/processings/{id}/dpias", tag = "registers", params(("id" = String, Path)),
    request_body = DpiaFields,
    responses((status = 201, body = store::Dpia), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_dpia(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<DpiaFields>,
) -> AppResult<Response> {
    let d = app::processing::dpia::create(&state.store, &s.caller(), path_id(&id)?, &b).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/dpias/{}", d.id))], Json(d)).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct DpiaOut {
    dpia: store::Dpia,
    /// The residual risk calls for prior consultation with IMY (art. 36(1)).
    needs_consultation: bool,
    /// … and it has not been made.
    consultation_missing: bool,
}

/// One consequence assessment.
#[utoipa::path(get, path = "/api/v1/dpias/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 200, body = DpiaOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_dpia(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<DpiaOut>> {
    let v = app::processing::dpia::load(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(Json(DpiaOut {
        needs_consultation: v.needs_consultation,
        consultation_missing: v.consultation_missing,
        dpia: v.dpia,
    }))
}

/// Change a consequence assessment: every field is the new value.
#[utoipa::path(put, path = "/api/v1/dpias/{id}", tag = "registers", params(("id" = String, Path)),
    request_body = DpiaFields,
    responses((status = 200, body = store::Dpia), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update_dpia(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<DpiaFields>,
) -> AppResult<Json<store::Dpia>> {
    Ok(Json(app::processing::dpia::update(&state.store, &s.caller(), path_id(&id)?, &b).await?))
}

/// Delete a consequence assessment.
#[utoipa::path(delete, path = "/api/v1/dpias/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_dpia(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    app::processing::dpia::delete(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct AgreementOut {
    agreement: store::ProcessorAgreement,
    org_name: String,
    /// Signed and not expired today.
    valid: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MissingAgreementOut {
    system_id: Uuid,
    name: String,
    org_id: Uuid,
    supplier: String,
}

#[derive(Serialize, ToSchema)]
pub struct AgreementsOut {
    agreements: Vec<AgreementOut>,
    /// Systems that process personal data with a supplier and have no valid agreement.
    systems_without_agreement: Vec<MissingAgreementOut>,
}

/// The agreements of an organisation's subtree and the systems lacking one.
#[utoipa::path(get, path = "/api/v1/agreements", tag = "registers", params(ProcessingOrgQuery),
    responses((status = 200, body = AgreementsOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_agreements(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<ProcessingOrgQuery>,
) -> AppResult<Json<AgreementsOut>> {
    let a = app::processing::agreements::list(&state.store, &s.caller(), q.org()?).await?;
    Ok(Json(AgreementsOut {
        agreements: a
            .lines
            .into_iter()
            .map(|l| AgreementOut { valid: l.valid, org_name: l.org_name, agreement: l.agreement })
            .collect(),
        systems_without_agreement: a
            .without_agreement
            .into_iter()
            .map(|u| MissingAgreementOut {
                system_id: u.system.id,
                org_id: u.system.org_id,
                name: u.system.data.name,
                supplier: u.system.data.supplier,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct AgreementIn {
    /// The organisation (only when adding).
    #[serde(default)]
    org_id: Option<Uuid>,
    #[serde(flatten)]
    fields: AgreementFields,
    /// Systems of the organisation the agreement covers.
    #[serde(default)]
    systems: Vec<Uuid>,
    /// Processings of the organisation the agreement covers.
    #[serde(default)]
    processings: Vec<Uuid>,
}

/// Add a data-processing agreement.
#[utoipa::path(post, path = "/api/v1/agreements", tag = "registers", request_body = AgreementIn,
    responses((status = 201, body = store::ProcessorAgreement), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_agreement(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<AgreementIn>,
) -> AppResult<Response> {
    let a =
        app::processing::agreements::create(&state.store, &s.caller(), b.org_id, &b.fields, b.systems, b.processings)
            .await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/agreements/{}", a.id))], Json(a)).into_response())
}

/// One agreement and whether it holds today.
#[utoipa::path(get, path = "/api/v1/agreements/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 200, body = AgreementOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_agreement(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<AgreementOut>> {
    let v = app::processing::agreements::load(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(Json(AgreementOut { valid: v.line.valid, org_name: v.line.org_name, agreement: v.line.agreement }))
}

/// Change an agreement and what it covers: every field is the new value.
#[utoipa::path(put, path = "/api/v1/agreements/{id}", tag = "registers", params(("id" = String, Path)),
    request_body = AgreementIn,
    responses((status = 200, body = store::ProcessorAgreement), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_agreement(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<AgreementIn>,
) -> AppResult<Json<store::ProcessorAgreement>> {
    let id = path_id(&id)?;
    Ok(Json(
        app::processing::agreements::update(&state.store, &s.caller(), id, &b.fields, b.systems, b.processings).await?,
    ))
}

/// Delete an agreement.
#[utoipa::path(delete, path = "/api/v1/agreements/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_agreement(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    app::processing::agreements::delete(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
