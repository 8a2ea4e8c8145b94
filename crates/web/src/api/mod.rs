//! The JSON API under `/api/v1`, with the same authorisation as the pages,
//! described by an OpenAPI 3 document generated from this code.

use std::net::SocketAddr;
use std::sync::LazyLock;

use axum::Json;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use domain::authz::{Assignment, Permission, Scope, role_may_be_global};
use domain::user::{Email, Language, NewPassword, PersonName, Role};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

mod assessments;
mod plans;
mod rounds;

use crate::SharedState;
use crate::auth::{self, hash_password_blocking, verify_password_blocking};
use crate::error::{AppError, AppResult};
use crate::pages::audit::{AuditQuery, parse_filter};
use crate::pages::orgs::{OrgForm, actor, may_place, parse_org_form};
use crate::pages::users::{can_grant, can_manage_user, can_view_user};
use crate::session::{CurrentUser, clear_cookie, session_cookie};

#[derive(OpenApi)]
#[openapi(
    info(title = "Lisa API", version = "1", description = "Uppföljning av det systematiska informationssäkerhetsarbetet. \
        Log in with POST /api/v1/session; send the returned csrf_token in the X-CSRF-Token header on every \
        POST, PUT and DELETE. Errors are application/problem+json (RFC 9457) with a Swedish title."),
    tags((name = "session"), (name = "orgs"), (name = "users"), (name = "audit"), (name = "assessments"), (name = "plans"), (name = "rounds"))
)]
struct ApiDoc;

fn build() -> (Router<SharedState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(login, logout))
        .routes(routes!(me))
        .routes(routes!(change_own_password))
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, update_org, delete_org))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(add_role))
        .routes(routes!(withdraw_role))
        .routes(routes!(reset_password))
        .routes(routes!(list_audit))
        .routes(routes!(assessments::list_models))
        .routes(routes!(assessments::get_model))
        .routes(routes!(assessments::list_assessments, assessments::create_assessment))
        .routes(routes!(assessments::get_assessment))
        .routes(routes!(assessments::put_answers))
        .routes(routes!(assessments::transition))
        .routes(routes!(assessments::reopen))
        .routes(routes!(assessments::result))
        .routes(routes!(plans::list_actions, plans::create_action))
        .routes(routes!(plans::get_action, plans::update_action))
        .routes(routes!(plans::list_reviews, plans::create_review))
        .routes(routes!(plans::get_review))
        .routes(routes!(plans::put_meeting))
        .routes(routes!(plans::put_comment))
        .routes(routes!(plans::add_decision))
        .routes(routes!(plans::adopt))
        .routes(routes!(plans::get_unit_report, plans::put_unit_report))
        .routes(routes!(plans::approve_unit_report))
        .routes(routes!(plans::list_activities))
        .routes(routes!(rounds::list_rounds, rounds::create_round))
        .routes(routes!(rounds::get_round))
        .routes(routes!(rounds::respond))
        .routes(routes!(rounds::withdraw))
        .routes(routes!(rounds::close))
        .routes(routes!(rounds::results))
        .routes(routes!(rounds::trend))
        .routes(routes!(rounds::respondent))
        .routes(routes!(rounds::feedback))
        .split_for_parts()
}

static SPEC: LazyLock<String> = LazyLock::new(|| build().1.to_pretty_json().expect("the OpenAPI document serialises"));

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi_json() -> String {
    SPEC.clone()
}

pub fn routes() -> Router<SharedState> {
    let (router, _) = build();
    router
        .route("/api/v1/openapi.json", get(|| async { ([(header::CONTENT_TYPE, "application/json")], SPEC.as_str()) }))
}

/// An RFC 9457 problem, as documented.
#[derive(Serialize, ToSchema)]
pub(crate) struct Problem {
    /// `urn:lisa:problem:KIND`, for example `urn:lisa:problem:forbidden`.
    r#type: String,
    /// A Swedish title.
    title: String,
    status: u16,
    errors: Option<Vec<ProblemField>>,
}

#[derive(Serialize, ToSchema)]
struct ProblemField {
    field: String,
    code: String,
    message: String,
}

// ---------------------------------------------------------------- session

#[derive(Deserialize, ToSchema)]
struct LoginBody {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
struct SessionInfo {
    /// Send in `X-CSRF-Token` on every unsafe request.
    csrf_token: String,
    user: UserOut,
}

/// Log in; the session cookie comes in `Set-Cookie`.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginBody,
    responses((status = 200, body = SessionInfo), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn login(
    State(state): State<SharedState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Json(b): Json<LoginBody>,
) -> AppResult<Response> {
    let done = auth::login(&state, &b.email, &b.password, addr.ip()).await?;
    let roles = state.store.list_assignments(done.user.id).await?;
    let body = SessionInfo { csrf_token: done.csrf, user: user_out(done.user, roles) };
    Ok(([(header::SET_COOKIE, session_cookie(&done.token))], Json(body)).into_response())
}

/// Log out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204), (status = 401, body = Problem)))]
async fn logout(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    auth::logout(&state, &s).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear_cookie())]).into_response())
}

/// The signed-in user and their roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = UserOut), (status = 401, body = Problem)))]
async fn me(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Json<UserOut>> {
    let roles = state.store.list_assignments(s.user.id).await?;
    Ok(Json(user_out((*s.user).clone(), roles)))
}

#[derive(Deserialize, ToSchema)]
struct OwnPasswordBody {
    current: String,
    password: String,
}

/// Change one's own password.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "session", request_body = OwnPasswordBody,
    responses((status = 204), (status = 422, body = Problem)))]
async fn change_own_password(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<OwnPasswordBody>,
) -> AppResult<StatusCode> {
    if !verify_password_blocking(b.current, s.user.password_hash.clone().unwrap_or_default()).await? {
        return Err(domain::FieldError::new("current", "error-current-password").into());
    }
    let new = NewPassword::parse(&b.password)?;
    let hash = hash_password_blocking(new.expose().to_owned()).await?;
    state.store.set_password(&actor(&s), s.user.id, &hash, "user.password_change", Some(&s.token_hash)).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- orgs

#[derive(Serialize, ToSchema)]
struct OrgOut {
    id: Uuid,
    parent_id: Option<Uuid>,
    name: String,
    /// municipality, region, agency, holding, company, committee, administration, unit or coordinator.
    kind: String,
    org_number: Option<String>,
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
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
struct OrgIn {
    name: String,
    #[schema(example = "committee")]
    kind: String,
    /// Swedish organisation number, `NNNNNN-NNNN`; the check digit is verified.
    org_number: Option<String>,
    /// `null` places the organisation at the top (system administrators only).
    parent_id: Option<Uuid>,
}

impl OrgIn {
    fn form(&self) -> OrgForm {
        OrgForm {
            name: self.name.clone(),
            kind: self.kind.clone(),
            org_number: self.org_number.clone().unwrap_or_default(),
            parent_id: self.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        }
    }
}

/// Every organisation the user may see.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", responses((status = 200, body = Vec<OrgOut>), (status = 403, body = Problem)))]
async fn list_orgs(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Json<Vec<OrgOut>>> {
    if !s.principal.can_somewhere(Permission::ViewOrgs) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let orgs = state
        .store
        .list_orgs()
        .await?
        .into_iter()
        .filter(|o| s.principal.can(Permission::ViewOrgs, o.id, &tree))
        .map(OrgOut::from)
        .collect();
    Ok(Json(orgs))
}

/// Add an organisation.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgIn,
    responses((status = 201, body = OrgOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_org(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<OrgIn>,
) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ManageOrgs) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let (name, kind, org_number, parent_id) = parse_org_form(&b.form())?;
    if parent_id.is_some_and(|p| tree.get(p).is_none()) {
        return Err(domain::FieldError::new("parent_id", "error-parent-unknown").into());
    }
    if !may_place(&s, &tree, parent_id) {
        return Err(AppError::Forbidden);
    }
    let org = state.store.insert_org(&actor(&s), store::NewOrg { name, kind, org_number, parent_id }).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/orgs/{}", org.id))], Json(OrgOut::from(org)))
        .into_response())
}

async fn visible_org(
    state: &SharedState,
    s: &crate::session::Session,
    id: Uuid,
    perm: Permission,
) -> AppResult<domain::org::OrgTree> {
    let tree = state.store.org_tree().await?;
    if !s.principal.can(Permission::ViewOrgs, id, &tree) {
        return Err(AppError::NotFound);
    }
    if !s.principal.can(perm, id, &tree) {
        return Err(AppError::Forbidden);
    }
    Ok(tree)
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = Uuid, Path)),
    responses((status = 200, body = OrgOut), (status = 404, body = Problem)))]
async fn get_org(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Json<OrgOut>> {
    visible_org(&state, &s, id, Permission::ViewOrgs).await?;
    let org = state.store.find_org(id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(org.into()))
}

/// Rename, reclassify or move an organisation (every field is the new value).
#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = Uuid, Path)), request_body = OrgIn,
    responses((status = 200, body = OrgOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update_org(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<OrgIn>,
) -> AppResult<Json<OrgOut>> {
    let tree = visible_org(&state, &s, id, Permission::ManageOrgs).await?;
    let (name, kind, org_number, parent_id) = parse_org_form(&b.form())?;
    let current_parent = tree.get(id).and_then(|n| n.parent_id);
    if parent_id != current_parent && !may_place(&s, &tree, parent_id) {
        return Err(AppError::Forbidden);
    }
    let org = state.store.update_org(&actor(&s), id, store::OrgUpdate { name, kind, org_number, parent_id }).await?;
    Ok(Json(org.into()))
}

/// Delete an organisation that nothing depends on (409 otherwise).
#[utoipa::path(delete, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_org(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    visible_org(&state, &s, id, Permission::ManageOrgs).await?;
    state.store.delete_org(&actor(&s), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- users

#[derive(Serialize, ToSchema)]
struct RoleOut {
    id: Uuid,
    /// admin, ciso, coordinator, owner, dpo, management, auditor or analyst.
    role: String,
    /// `null`: the whole system.
    org_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
struct UserOut {
    id: Uuid,
    email: String,
    name: String,
    /// `sv` or `en`.
    language: String,
    active: bool,
    can_log_in: bool,
    roles: Vec<RoleOut>,
}

fn user_out(u: store::User, roles: Vec<store::AssignmentRow>) -> UserOut {
    UserOut {
        id: u.id,
        email: u.email,
        name: u.name,
        language: u.language.code().into(),
        active: u.active,
        can_log_in: u.active && u.password_hash.is_some(),
        roles: roles.into_iter().map(|a| RoleOut { id: a.id, role: a.role.code().into(), org_id: a.org_id }).collect(),
    }
}

/// Users with a role in the caller's scope.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = Vec<UserOut>), (status = 403, body = Problem)))]
async fn list_users(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Json<Vec<UserOut>>> {
    if !s.principal.can_somewhere(Permission::ViewUsers) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let all = state.store.list_all_assignments().await?;
    let out = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter_map(|u| {
            let mine: Vec<store::AssignmentRow> = all.iter().filter(|a| a.user_id == u.id).cloned().collect();
            let visible = s.principal.can_everywhere(Permission::ViewUsers)
                || mine.iter().any(|a| a.org_id.is_some_and(|o| s.principal.can(Permission::ViewUsers, o, &tree)));
            visible.then(|| user_out(u, mine))
        })
        .collect();
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
struct UserIn {
    email: String,
    name: String,
    /// `sv` (default) or `en`.
    language: Option<String>,
    /// At least 12 characters; leave out to make an account that cannot log in yet.
    password: Option<String>,
    /// The first role.
    role: String,
    /// The organisation the role covers, with its subtree; `null` only for a system-wide admin.
    org_id: Option<Uuid>,
}

/// Add a user with a first role.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserIn,
    responses((status = 201, body = UserOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create_user(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<UserIn>,
) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ManageUsers) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let mut errs = domain::ValidationErrors::default();
    let name = errs.check(PersonName::parse(&b.name));
    let email = errs.check(Email::parse(&b.email));
    let language = errs.check(b.language.as_deref().unwrap_or("sv").parse::<Language>());
    let role = errs.check(b.role.parse::<Role>());
    let password = match &b.password {
        None => Some(None),
        Some(p) => errs.check(NewPassword::parse(p).map(Some)),
    };
    if b.org_id.is_some_and(|o| tree.get(o).is_none()) {
        errs.push(domain::FieldError::new("org_id", "error-org-unknown"));
    }
    if let Some(r) = role
        && b.org_id.is_none()
        && !role_may_be_global(r)
    {
        errs.push(domain::FieldError::new("org_id", "error-role-needs-org"));
    }
    errs.clone().into_result()?;
    let (Some(name), Some(email), Some(language), Some(role), Some(password)) = (name, email, language, role, password)
    else {
        return Err(errs.into());
    };
    if !can_grant(&s.principal, &tree, role, b.org_id) {
        return Err(AppError::Forbidden);
    }
    let password_hash = match password {
        Some(p) => Some(hash_password_blocking(p.expose().to_owned()).await?),
        None => None,
    };
    let user = state
        .store
        .insert_user(
            &actor(&s),
            store::NewUser { email, name, password_hash, language },
            Some(Assignment { role, org_id: b.org_id }),
        )
        .await?;
    let roles = state.store.list_assignments(user.id).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/users/{}", user.id))], Json(user_out(user, roles)))
        .into_response())
}

async fn user_in_scope(
    state: &SharedState,
    s: &crate::session::Session,
    id: Uuid,
    manage: bool,
) -> AppResult<(store::User, Vec<store::AssignmentRow>, domain::org::OrgTree)> {
    let tree = state.store.org_tree().await?;
    let user = state.store.find_user(id).await?.ok_or(AppError::NotFound)?;
    let roles = state.store.list_assignments(id).await?;
    if !s.principal.can_somewhere(Permission::ViewUsers) || !can_view_user(&s.principal, &tree, id, &roles) {
        return Err(AppError::NotFound);
    }
    if manage && !can_manage_user(&s.principal, &tree, &roles) {
        return Err(AppError::Forbidden);
    }
    Ok((user, roles, tree))
}

/// One user and their roles.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserOut), (status = 404, body = Problem)))]
async fn get_user(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Json<UserOut>> {
    let (user, roles, _) = user_in_scope(&state, &s, id, false).await?;
    Ok(Json(user_out(user, roles)))
}

#[derive(Deserialize, ToSchema)]
struct UserUpdateIn {
    name: String,
    language: String,
    active: bool,
}

/// Change a user's name, language or whether the account is active.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)), request_body = UserUpdateIn,
    responses((status = 200, body = UserOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_user(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<UserUpdateIn>,
) -> AppResult<Json<UserOut>> {
    user_in_scope(&state, &s, id, true).await?;
    let mut errs = domain::ValidationErrors::default();
    let name = errs.check(PersonName::parse(&b.name));
    let language = errs.check(b.language.parse::<Language>());
    if !b.active && id == s.user.id {
        errs.push(domain::FieldError::new("active", "error-deactivate-self"));
    }
    errs.clone().into_result()?;
    let (Some(name), Some(language)) = (name, language) else {
        return Err(errs.into());
    };
    let user = state.store.update_user(&actor(&s), id, store::UserUpdate { name, language, active: b.active }).await?;
    let roles = state.store.list_assignments(id).await?;
    Ok(Json(user_out(user, roles)))
}

#[derive(Deserialize, ToSchema)]
struct RoleIn {
    role: String,
    org_id: Option<Uuid>,
}

/// Give a user a role over an organisation and its subtree.
#[utoipa::path(post, path = "/api/v1/users/{id}/roles", tag = "users", params(("id" = Uuid, Path)), request_body = RoleIn,
    responses((status = 201, body = RoleOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn add_role(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<RoleIn>,
) -> AppResult<Response> {
    let (_, _, tree) = user_in_scope(&state, &s, id, false).await?;
    let role = b.role.parse::<Role>()?;
    if b.org_id.is_some_and(|o| tree.get(o).is_none()) {
        return Err(domain::FieldError::new("org_id", "error-org-unknown").into());
    }
    if b.org_id.is_none() && !role_may_be_global(role) {
        return Err(domain::FieldError::new("org_id", "error-role-needs-org").into());
    }
    if !can_grant(&s.principal, &tree, role, b.org_id) {
        return Err(AppError::Forbidden);
    }
    let a = state.store.insert_assignment(&actor(&s), id, Assignment { role, org_id: b.org_id }).await?;
    Ok((StatusCode::CREATED, Json(RoleOut { id: a.id, role: a.role.code().into(), org_id: a.org_id })).into_response())
}

/// Withdraw a role.
#[utoipa::path(delete, path = "/api/v1/users/{id}/roles/{assignment}", tag = "users",
    params(("id" = Uuid, Path), ("assignment" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn withdraw_role(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, assignment)): Path<(Uuid, Uuid)>,
) -> AppResult<StatusCode> {
    let (_, roles, tree) = user_in_scope(&state, &s, id, false).await?;
    let a = roles.iter().find(|a| a.id == assignment).ok_or(AppError::NotFound)?;
    if !can_grant(&s.principal, &tree, a.role, a.org_id) {
        return Err(AppError::Forbidden);
    }
    state.store.delete_assignment(&actor(&s), assignment).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct PasswordIn {
    password: String,
}

/// Set a new password for a user (an administrator's reset); ends their sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "users", params(("id" = Uuid, Path)), request_body = PasswordIn,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn reset_password(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<PasswordIn>,
) -> AppResult<StatusCode> {
    user_in_scope(&state, &s, id, true).await?;
    let p = NewPassword::parse(&b.password)?;
    let hash = hash_password_blocking(p.expose().to_owned()).await?;
    let keep = (id == s.user.id).then_some(s.token_hash.as_str());
    state.store.set_password(&actor(&s), id, &hash, "user.password_reset", keep).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- audit

#[derive(Serialize, ToSchema)]
struct AuditEntryOut {
    seq: i64,
    at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    actor: String,
    action: String,
    record_type: String,
    record_id: String,
    org_id: Option<Uuid>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    changed_fields: Vec<String>,
    prev_hash: String,
    hash: String,
}

#[derive(Serialize, ToSchema)]
struct AuditPageOut {
    entries: Vec<AuditEntryOut>,
    /// Pass as `before` for the next, older page.
    next_before: Option<i64>,
}

#[derive(Deserialize, utoipa::IntoParams)]
struct AuditParams {
    /// `org` or `user`.
    record_type: Option<String>,
    record_id: Option<String>,
    /// The actor's e-mail.
    actor: Option<String>,
    /// First day, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (inclusive).
    to: Option<String>,
    before: Option<i64>,
    /// 1–500, default 100.
    limit: Option<i64>,
}

/// The audit log of the caller's subtree, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = AuditPageOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list_audit(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<AuditParams>,
) -> AppResult<Json<AuditPageOut>> {
    let p = &s.principal;
    if !p.can_somewhere(Permission::ViewAudit) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let org_ids = match p.scope(Permission::ViewAudit) {
        Scope::Everything => None,
        Scope::Subtrees(_) => Some(p.visible_orgs(Permission::ViewAudit, &tree)),
    };
    let query = AuditQuery {
        record_type: q.record_type.unwrap_or_default(),
        record_id: q.record_id.unwrap_or_default(),
        actor: q.actor.unwrap_or_default(),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        before: q.before.map(|b| b.to_string()).unwrap_or_default(),
    };
    let filter = parse_filter(&query, org_ids, q.limit.unwrap_or(100)).map_err(AppError::Validation)?;
    let page = state.store.list_audit(&filter).await?;
    let json = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str(s).ok());
    let entries = page
        .entries
        .iter()
        .map(|e| AuditEntryOut {
            seq: e.seq,
            at: e.at,
            actor_id: e.change.actor_id,
            actor: e.change.actor.clone(),
            action: e.change.action.clone(),
            record_type: e.change.record_type.clone(),
            record_id: e.change.record_id.clone(),
            org_id: e.change.org_id,
            before: json(&e.change.before),
            after: json(&e.change.after),
            changed_fields: e.changed_fields(),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
        })
        .collect();
    Ok(Json(AuditPageOut { entries, next_before: page.next_before }))
}
