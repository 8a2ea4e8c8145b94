//! The API's users and their roles.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app::{self, user::AccountFields};
use crate::error::AppResult;
use crate::session::CurrentUser;

#[derive(Serialize, ToSchema)]
pub struct RoleOut {
    id: Uuid,
    /// admin, ciso, coordinator, owner, dpo, management, auditor or analyst.
    role: String,
    /// `null`: the whole system.
    org_id: Option<Uuid>,
}

impl From<store::AssignmentRow> for RoleOut {
    fn from(a: store::AssignmentRow) -> Self {
        RoleOut { id: a.id, role: a.role.code().into(), org_id: a.org_id }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    id: Uuid,
    email: String,
    name: String,
    /// `sv` or `en`.
    language: String,
    active: bool,
    can_log_in: bool,
    roles: Vec<RoleOut>,
}

pub(super) fn user_out(u: store::User, roles: Vec<store::AssignmentRow>) -> UserOut {
    UserOut {
        id: u.id,
        email: u.email,
        name: u.name,
        language: u.language.code().into(),
        active: u.active,
        can_log_in: u.active && u.password_hash.is_some(),
        roles: roles.into_iter().map(RoleOut::from).collect(),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Only users whose name or e-mail contains this (at most 200 characters).
    q: Option<String>,
    /// How many matching users to skip (default 0).
    offset: Option<i64>,
    /// How many users to return: 1 to 500 (default 500). The `x-total-count`
    /// header tells how many match in all.
    limit: Option<i64>,
}

/// Users with a role in the caller's scope (every account for a
/// system-wide role), ordered by name and e-mail, one page at a time.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UsersQuery),
    responses((status = 200, body = Vec<UserOut>, headers(("x-total-count" = i64, description = "How many users match in all"))), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_users(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<UsersQuery>,
) -> AppResult<Response> {
    let search = q.q.as_deref().unwrap_or("");
    if search.chars().count() > 200 {
        return Err(domain::FieldError::new("q", "error-search-long").into());
    }
    let offset = q.offset.unwrap_or(0);
    let limit = q.limit.unwrap_or(app::user::USERS_PAGE_MAX);
    if offset < 0 {
        return Err(domain::FieldError::new("offset", "error-offset").into());
    }
    if !(1..=app::user::USERS_PAGE_MAX).contains(&limit) {
        return Err(domain::FieldError::new("limit", "error-limit").into());
    }
    let page = app::user::list_users(&state.store, &s.caller(), search, offset, limit).await?;
    let body: Vec<UserOut> = page.users.into_iter().map(|u| user_out(u.user, u.roles)).collect();
    Ok(([(HeaderName::from_static("x-total-count"), page.total.to_string())], Json(body)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct UserIn {
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

/// Add a user with a first role. If the e-mail already has an account that
/// holds a role somewhere, that account is given the role instead (its name,
/// language and password stay as they are).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserIn,
    responses((status = 201, body = UserOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<UserIn>,
) -> AppResult<Response> {
    let account = AccountFields {
        name: &b.name,
        email: &b.email,
        language: b.language.as_deref().unwrap_or("sv"),
        password: b.password.as_deref(),
    };
    let caller = s.caller();
    let user = app::user::create_user(&state.store, &caller, account, &b.role, Ok(b.org_id)).await?;
    // As the caller sees it: roles outside its scope stay hidden.
    let seen = app::user::get_user(&state.store, &caller, user.id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/users/{}", user.id))],
        Json(user_out(seen.user, seen.roles)),
    )
        .into_response())
}

/// One user and their roles.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserOut), (status = 404, body = Problem)))]
pub async fn get_user(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Json<UserOut>> {
    let u = app::user::get_user(&state.store, &s.caller(), id).await?;
    Ok(Json(user_out(u.user, u.roles)))
}

#[derive(Deserialize, ToSchema)]
pub struct UserUpdateIn {
    name: String,
    language: String,
    active: bool,
}

/// Change a user's name, language or whether the account is active.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)), request_body = UserUpdateIn,
    responses((status = 200, body = UserOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_user(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<UserUpdateIn>,
) -> AppResult<Json<UserOut>> {
    let change = app::user::UserChange { name: &b.name, language: &b.language, active: b.active };
    let user = app::user::update_user(&state.store, &s.caller(), id, change).await?;
    let roles = state.store.list_assignments(id).await?;
    Ok(Json(user_out(user, roles)))
}

#[derive(Deserialize, ToSchema)]
pub struct RoleIn {
    role: String,
    org_id: Option<Uuid>,
}

/// Give a user a role over an organisation and its subtree.
#[utoipa::path(post, path = "/api/v1/users/{id}/roles", tag = "users", params(("id" = Uuid, Path)), request_body = RoleIn,
    responses((status = 201, body = RoleOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_role(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<RoleIn>,
) -> AppResult<Response> {
    let a = app::user::add_role(&state.store, &s.caller(), id, &b.role, Ok(b.org_id)).await?;
    Ok((StatusCode::CREATED, Json(RoleOut::from(a))).into_response())
}

/// Withdraw a role.
#[utoipa::path(delete, path = "/api/v1/users/{id}/roles/{assignment}", tag = "users",
    params(("id" = Uuid, Path), ("assignment" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn withdraw_role(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, assignment)): Path<(Uuid, Uuid)>,
) -> AppResult<StatusCode> {
    app::user::withdraw_role(&state.store, &s.caller(), id, assignment).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordIn {
    password: String,
}

/// Set a new password for a user (an administrator's reset); ends their sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "users", params(("id" = Uuid, Path)), request_body = PasswordIn,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn reset_password(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<Uuid>,
    Json(b): Json<PasswordIn>,
) -> AppResult<StatusCode> {
    app::user::reset_password(&state.store, &s.caller(), id, &b.password, Some(&s.token_hash)).await?;
    Ok(StatusCode::NO_CONTENT)
}
