//! The API's organisations.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app::{self, org::OrgFields};
use crate::error::AppResult;
use crate::session::CurrentUser;

#[derive(Serialize, ToSchema)]
pub struct OrgOut {
    id: Uuid,
    parent_id: Option<Uuid>,
    name: String,
    /// municipality, region, agency, holding, company, committee, administration, unit or coordinator.
    kind: String,
    org_number: Option<String>,
    /// A nämnd, förvaltning or enhet that holds its own management review
    /// (else it reports to the enclosing organisation's by unit report);
    /// other organisations always hold their own.
    own_review: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<store::Org> for OrgOut {
    fn from(o: store::Org) -> Self {
        OrgOut {
            id: o.id,
            parent_id: o.parent_id,
            name: o.name,
            kind: o.kind.code().into(),
            org_number: o.org_number,
            own_review: o.own_review,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct OrgIn {
    name: String,
    #[schema(example = "committee")]
    kind: String,
    /// Swedish organisation number, `NNNNNN-NNNN`; the check digit is verified.
    org_number: Option<String>,
    /// `null` places the organisation at the top (system administrators only).
    parent_id: Option<Uuid>,
    /// Whether a nämnd, förvaltning or enhet holds its own management
    /// review; ignored for other kinds. Left out: unchanged (a new
    /// organisation: no).
    own_review: Option<bool>,
}

impl OrgIn {
    fn fields(&self) -> OrgFields {
        OrgFields {
            name: self.name.clone(),
            kind: self.kind.clone(),
            org_number: self.org_number.clone().unwrap_or_default(),
            parent_id: self.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            own_review: self.own_review,
        }
    }
}

/// Every organisation the user may see.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", responses((status = 200, body = Vec<OrgOut>), (status = 403, body = Problem)))]
pub async fn list_orgs(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Json<Vec<OrgOut>>> {
    let orgs = app::org::list_orgs(&state.store, &s.caller()).await?;
    Ok(Json(orgs.into_iter().map(OrgOut::from).collect()))
}

/// Add an organisation.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgIn,
    responses((status = 201, body = OrgOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_org(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<OrgIn>,
) -> AppResult<Response> {
    let org = app::org::create_org(&state.store, &s.caller(), &b.fields()).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/orgs/{}", org.id))], Json(OrgOut::from(org)))
        .into_response())
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = Uuid, Path)),
    responses((status = 200, body = OrgOut), (status = 404, body = Problem)))]
pub async fn get_org(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Json<OrgOut>> {
    Ok(Json(app::org::get_org(&state.store, &s.caller(), id).await?.into()))
}

/// Rename, reclassify or move an organisation (every field is the new value).
#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = Uuid, Path)), request_body = OrgIn,
    responses((status = 200, body = OrgOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_org(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<OrgIn>,
) -> AppResult<Json<OrgOut>> {
    Ok(Json(app::org::update_org(&state.store, &s.caller(), id, &b.fields()).await?.into()))
}

/// Delete an organisation that nothing depends on (409 otherwise).
#[utoipa::path(delete, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete_org(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    app::org::delete_org(&state.store, &s.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
