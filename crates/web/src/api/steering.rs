//! Steering documents in the JSON API: the same use cases
//! (`crate::app::steering`) as the pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use domain::steering::{DocumentFields, VersionFields};
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

/// The steering documents the user reads: those of the organisations in
/// their scope and of those above them (what applies to them).
#[utoipa::path(get, path = "/api/v1/steering-documents", tag = "steering",
    responses((status = 200, body = Vec<store::Document>), (status = 403, body = Problem)))]
pub async fn list_documents(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
) -> AppResult<Json<Vec<store::Document>>> {
    Ok(Json(app::steering::list_documents(&state.store, &s.caller()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct DocumentIn {
    /// The organisation that decides the document; it applies to its whole subtree.
    org_id: Uuid,
    #[serde(flatten)]
    fields: DocumentFields,
}

/// Add a steering document (the organisation's CISO, or the coordinator of
/// a förvaltning that holds its own review).
#[utoipa::path(post, path = "/api/v1/steering-documents", tag = "steering", request_body = DocumentIn,
    responses((status = 201, body = store::Document), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_document(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<DocumentIn>,
) -> AppResult<Response> {
    let d = app::steering::create_document(&state.store, &s.caller(), Some(b.org_id), &b.fields).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/steering-documents/{}", d.id))], Json(d))
        .into_response())
}

/// One organisation's implementation of a document.
#[derive(Serialize, ToSchema)]
pub struct ImplementationOut {
    org_id: Uuid,
    org: String,
    /// not_started, in_progress, implemented or not_applicable.
    status: String,
    note: String,
    updated_by: Option<String>,
    updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct DocumentDetail {
    document: store::Document,
    /// The organisations it applies to that the user may see, and how far each has come.
    implementation: Vec<ImplementationOut>,
    versions: Vec<store::DocVersion>,
}

/// A steering document with its implementation and versions.
#[utoipa::path(get, path = "/api/v1/steering-documents/{id}", tag = "steering", params(("id" = String, Path)),
    responses((status = 200, body = DocumentDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_document(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<DocumentDetail>> {
    let caller = s.caller();
    let v = app::steering::load_document(&state.store, &caller, path_id(&id)?).await?;
    let implementation = app::steering::implementation_rows(&state.store, &caller, &v)
        .await?
        .into_iter()
        .map(|r| ImplementationOut {
            org_id: r.org_id,
            org: r.org,
            status: r.status.code().to_owned(),
            note: r.note,
            updated_by: r.updated.as_ref().map(|(by, _)| by.clone()),
            updated_at: r.updated.map(|(_, at)| at),
        })
        .collect();
    let versions = state.store.list_versions(v.doc.id).await.map_err(app::Error::from)?;
    Ok(Json(DocumentDetail { document: v.doc, implementation, versions }))
}

#[derive(Deserialize, ToSchema)]
pub struct DocumentUpdate {
    /// The `updated_at` of the document as read: refused with 409 if it changed since.
    updated_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(flatten)]
    fields: DocumentFields,
}

/// Change a steering document: every field is the new value.
#[utoipa::path(put, path = "/api/v1/steering-documents/{id}", tag = "steering", params(("id" = String, Path)),
    request_body = DocumentUpdate,
    responses((status = 200, body = store::Document), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_document(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<DocumentUpdate>,
) -> AppResult<Json<store::Document>> {
    Ok(Json(app::steering::update_document(&state.store, &s.caller(), path_id(&id)?, b.updated_at, &b.fields).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ImplementationIn {
    /// not_started, in_progress, implemented or not_applicable.
    status: String,
    #[serde(default)]
    note: String,
}

/// Record how far an organisation has implemented the document (its CISO or coordinator).
#[utoipa::path(put, path = "/api/v1/steering-documents/{id}/implementation/{org}", tag = "steering",
    params(("id" = String, Path), ("org" = String, Path)), request_body = ImplementationIn,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_implementation(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, org)): Path<(String, String)>,
    Json(b): Json<ImplementationIn>,
) -> AppResult<StatusCode> {
    app::steering::set_implementation(&state.store, &s.caller(), path_id(&id)?, path_id(&org)?, &b.status, &b.note)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct VersionIn {
    #[serde(flatten)]
    fields: VersionFields,
    /// The file's name, with `content_base64`.
    file_name: Option<String>,
    /// The file, base64-encoded (at most 1.5 MB decoded).
    content_base64: Option<String>,
}

/// Add a version of the document, with its file if one is given.
#[utoipa::path(post, path = "/api/v1/steering-documents/{id}/versions", tag = "steering", params(("id" = String, Path)),
    request_body = VersionIn,
    responses((status = 201, body = store::DocVersion), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_version(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<VersionIn>,
) -> AppResult<Response> {
    let upload = match b.content_base64 {
        None => None,
        Some(text) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| app::Error::Validation(vec![domain::FieldError::new("file", "error-malformed")]))?;
            let filename = b.file_name.unwrap_or_default();
            Some(app::steering::Upload { filename, content_type: "application/octet-stream".into(), bytes })
        }
    };
    let v = app::steering::add_version(&state.store, &s.caller(), path_id(&id)?, &b.fields, upload).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// A version's file.
#[utoipa::path(get, path = "/api/v1/steering-versions/{id}/file", tag = "steering", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn version_file(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (meta, content) = app::steering::version_file(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(crate::render::attachment(&meta.filename.unwrap_or_else(|| "styrdokument".into()), content))
}
