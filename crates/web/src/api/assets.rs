//! Information assets and systems in the JSON API: the same use cases
//! (`crate::app::assets`, `crate::app::assets_import`) as the pages.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use domain::assets::classification::{ClassificationFields, ClassificationModel, Requirement};
use domain::assets::system::{AssetFields, RowError, SystemFields};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app;
use crate::app::assets_import::{ImportOutcome, Kind};
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

fn path_id(s: &str) -> AppResult<Uuid> {
    s.parse().map_err(|_| AppError::NotFound)
}

/// `?org=`: the organisation whose subtree is listed (default: the user's first).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterOrg {
    org: Option<String>,
}

impl RegisterOrg {
    fn org(&self) -> AppResult<Option<Uuid>> {
        self.org.as_deref().map(path_id).transpose()
    }
}

/// An information asset with its current classification.
#[derive(Serialize, ToSchema)]
pub struct AssetListed {
    asset: store::Asset,
    /// current, overdue or unclassified.
    status: &'static str,
    /// The current classification, if any.
    classification: Option<store::Classification>,
    /// The ids of the systems that process it.
    systems: Vec<Uuid>,
}

/// The assets of the organisation's subtree.
#[utoipa::path(get, path = "/api/v1/assets", tag = "registers", params(RegisterOrg),
    responses((status = 200, body = Vec<AssetListed>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_assets(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<RegisterOrg>,
) -> AppResult<Json<Vec<AssetListed>>> {
    let r = app::assets::register(&state.store, &s.caller(), q.org()?).await?;
    Ok(Json(
        r.assets
            .into_iter()
            .map(|a| AssetListed {
                status: a.status.code(),
                systems: a.systems.iter().map(|(id, _)| *id).collect(),
                classification: a.current,
                asset: a.asset,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterAssetIn {
    /// The organisation that holds it.
    org_id: Uuid,
    #[serde(flatten)]
    fields: AssetFields,
}

/// Register an information asset (CISO, coordinator).
#[utoipa::path(post, path = "/api/v1/assets", tag = "registers", request_body = RegisterAssetIn,
    responses((status = 201, body = store::Asset), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_asset(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<RegisterAssetIn>,
) -> AppResult<Response> {
    let a = app::assets::create_asset(&state.store, &s.caller(), Some(b.org_id), &b.fields).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/assets/{}", a.id))], Json(a)).into_response())
}

/// An information asset with its classification history and what follows from it.
#[derive(Serialize, ToSchema)]
pub struct AssetDetail {
    asset: store::Asset,
    status: &'static str,
    /// Newest first; the first is the current one.
    classifications: Vec<store::Classification>,
    /// The baseline protection requirements of the current classification.
    requirements: Vec<Requirement>,
    /// Actions already made from the requirements.
    actions: Vec<store::Action>,
    systems: Vec<store::System>,
    risks: Vec<store::Risk>,
    may_manage: bool,
    may_classify: bool,
    may_plan: bool,
}

/// One information asset.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 200, body = AssetDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_asset(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<AssetDetail>> {
    let v = app::assets::load_asset(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(Json(AssetDetail {
        status: v.status.code(),
        classifications: v.history,
        requirements: v.requirements,
        actions: v.actions,
        systems: v.systems,
        risks: v.risks,
        may_manage: v.may_manage,
        may_classify: v.may_classify,
        may_plan: v.may_plan,
        asset: v.asset,
    }))
}

/// Change an information asset: every field is the new value (`unit`: a unit's id or empty).
#[utoipa::path(put, path = "/api/v1/assets/{id}", tag = "registers", params(("id" = String, Path)),
    request_body = AssetFields,
    responses((status = 200, body = store::Asset), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_asset(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<AssetFields>,
) -> AppResult<Json<store::Asset>> {
    Ok(Json(app::assets::update_asset(&state.store, &s.caller(), path_id(&id)?, &b).await?))
}

/// Delete an information asset with its classifications (not while a risk analysis names it).
#[utoipa::path(delete, path = "/api/v1/assets/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn delete_asset(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    app::assets::delete_asset(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Classify an information asset against the installation's model (earlier classifications are kept).
#[utoipa::path(post, path = "/api/v1/assets/{id}/classifications", tag = "registers", params(("id" = String, Path)),
    request_body = ClassificationFields,
    responses((status = 201, body = store::Classification), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn classify_asset(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<ClassificationFields>,
) -> AppResult<Response> {
    let c = app::assets::classify(&state.store, &s.caller(), path_id(&id)?, &b).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct AssetSystemsIn {
    /// The systems (of the asset's organisation) that process it; replaces the earlier set.
    systems: Vec<Uuid>,
}

/// Set the systems that process an information asset.
#[utoipa::path(put, path = "/api/v1/assets/{id}/systems", tag = "registers", params(("id" = String, Path)),
    request_body = AssetSystemsIn,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_asset_systems(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<AssetSystemsIn>,
) -> AppResult<StatusCode> {
    app::assets::set_asset_systems(&state.store, &s.caller(), path_id(&id)?, &b.systems).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Make actions in the organisation's plan from the asset's protection requirements (those without one).
#[utoipa::path(post, path = "/api/v1/assets/{id}/actions", tag = "registers", params(("id" = String, Path)),
    responses((status = 201, body = Vec<store::Action>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn post_asset_actions(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let english = s.user.language == domain::user::Language::En;
    let made = app::assets::plan_requirements(&state.store, &s.caller(), path_id(&id)?, english).await?;
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct AssetsImportIn {
    /// The organisation the rows belong to.
    org_id: Uuid,
    /// The file's name; `.xlsx` is read as Excel, anything else as CSV.
    file_name: String,
    /// The file, base64-encoded.
    content_base64: String,
}

#[derive(Serialize, ToSchema)]
pub struct AssetsImportOut {
    /// Whether the rows were stored (all of them) or refused (none).
    stored: bool,
    /// How many rows were stored.
    rows: usize,
    /// Every wrong row and field (row 0: the file as a whole).
    errors: Vec<RowError>,
}

async fn import(
    state: &SharedState,
    s: &crate::session::Session,
    kind: Kind,
    b: AssetsImportIn,
) -> AppResult<Response> {
    let name: String = b.file_name.chars().take(200).collect();
    let out = match base64::engine::general_purpose::STANDARD.decode(b.content_base64.trim()) {
        Ok(bytes) => app::assets_import::import(&state.store, &s.caller(), kind, Some(b.org_id), &name, &bytes).await?,
        Err(_) => ImportOutcome::Refused(vec![RowError { row: 0, field: "file", code: "error-assets-import-format" }]),
    };
    Ok(match out {
        ImportOutcome::Stored(rows) => {
            (StatusCode::OK, Json(AssetsImportOut { stored: true, rows, errors: Vec::new() })).into_response()
        }
        ImportOutcome::Refused(errors) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Json(AssetsImportOut { stored: false, rows: 0, errors })).into_response()
        }
    })
}

/// Import an asset list (columns name, description, information owner, unit), all or nothing.
#[utoipa::path(post, path = "/api/v1/assets/import", tag = "registers", request_body = AssetsImportIn,
    responses((status = 200, body = AssetsImportOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = AssetsImportOut)))]
pub async fn import_assets(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<AssetsImportIn>,
) -> AppResult<Response> {
    import(&state, &s, Kind::Assets, b).await
}

/// Import a system list (columns as the template), all or nothing.
#[utoipa::path(post, path = "/api/v1/systems/import", tag = "registers", request_body = AssetsImportIn,
    responses((status = 200, body = AssetsImportOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = AssetsImportOut)))]
pub async fn import_systems(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<AssetsImportIn>,
) -> AppResult<Response> {
    import(&state, &s, Kind::Systems, b).await
}

/// A system with its levels computed from its assets.
#[derive(Serialize, ToSchema)]
pub struct SystemListed {
    system: store::System,
    /// The highest level of its assets, per aspect code.
    levels: BTreeMap<String, u8>,
    /// Processes personal data at a supplier without a valid processor agreement.
    without_agreement: bool,
    third_country: bool,
    /// The ids of its assets.
    assets: Vec<Uuid>,
}

/// The systems of the organisation's subtree.
#[utoipa::path(get, path = "/api/v1/systems", tag = "registers", params(RegisterOrg),
    responses((status = 200, body = Vec<SystemListed>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_systems(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<RegisterOrg>,
) -> AppResult<Json<Vec<SystemListed>>> {
    let r = app::assets::register(&state.store, &s.caller(), q.org()?).await?;
    Ok(Json(
        r.systems
            .into_iter()
            .map(|l| SystemListed {
                levels: l.levels,
                without_agreement: l.without_agreement,
                third_country: l.third_country,
                assets: l.assets.iter().map(|(id, _)| *id).collect(),
                system: l.system,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterSystemIn {
    /// The organisation that holds it.
    org_id: Uuid,
    #[serde(flatten)]
    fields: SystemFields,
}

/// Register a system (CISO, coordinator).
#[utoipa::path(post, path = "/api/v1/systems", tag = "registers", request_body = RegisterSystemIn,
    responses((status = 201, body = store::System), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_system(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<RegisterSystemIn>,
) -> AppResult<Response> {
    let x = app::assets_systems::create_system(&state.store, &s.caller(), Some(b.org_id), &b.fields).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/systems/{}", x.id))], Json(x)).into_response())
}

/// A system with its assets and computed levels.
#[derive(Serialize, ToSchema)]
pub struct SystemDetail {
    system: store::System,
    levels: BTreeMap<String, u8>,
    without_agreement: bool,
    third_country: bool,
    assets: Vec<store::Asset>,
    may_manage: bool,
}

/// One system.
#[utoipa::path(get, path = "/api/v1/systems/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 200, body = SystemDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_system(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<SystemDetail>> {
    let v = app::assets_systems::load_system(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(Json(SystemDetail {
        levels: v.levels,
        without_agreement: v.without_agreement,
        third_country: v.third_country,
        assets: v.assets.into_iter().map(|(a, _)| a).collect(),
        may_manage: v.may_manage,
        system: v.system,
    }))
}

/// Change a system: every field is the new value.
#[utoipa::path(put, path = "/api/v1/systems/{id}", tag = "registers", params(("id" = String, Path)),
    request_body = SystemFields,
    responses((status = 200, body = store::System), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_system(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<SystemFields>,
) -> AppResult<Json<store::System>> {
    Ok(Json(app::assets_systems::update_system(&state.store, &s.caller(), path_id(&id)?, &b).await?))
}

/// Delete a system (not while a risk analysis, processing or agreement names it).
#[utoipa::path(delete, path = "/api/v1/systems/{id}", tag = "registers", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn delete_system(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    app::assets_systems::delete_system(&state.store, &s.caller(), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The installation's classification model: aspects and their levels.
#[utoipa::path(get, path = "/api/v1/registers/classification-model", tag = "registers",
    responses((status = 200, body = ClassificationModel), (status = 403, body = Problem)))]
pub async fn get_classification_model(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
) -> AppResult<Json<ClassificationModel>> {
    Ok(Json(app::assets::classification_model(&state.store, &s.caller()).await?))
}
