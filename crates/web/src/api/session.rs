//! The API's session: log in and out, who am I, change one's own password.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Problem;
use super::users::{UserOut, user_out};
use crate::SharedState;
use crate::app;
use crate::auth;
use crate::error::AppResult;
use crate::session::{CurrentUser, clear_cookie, session_cookie};

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    /// Send in `X-CSRF-Token` on every unsafe request.
    csrf_token: String,
    user: UserOut,
}

/// Log in; the session cookie comes in `Set-Cookie`.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginBody,
    responses((status = 200, body = SessionInfo), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<SharedState>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    Json(b): Json<LoginBody>,
) -> AppResult<Response> {
    let done = auth::login(&state, &b.email, &b.password, client).await?;
    let roles = state.store.list_assignments(done.user.id).await?;
    let body = SessionInfo { csrf_token: done.csrf, user: user_out(done.user, roles) };
    Ok(([(header::SET_COOKIE, session_cookie(&done.token))], Json(body)).into_response())
}

/// Log out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204), (status = 401, body = Problem)))]
pub async fn logout(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    auth::logout(&state, &s).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear_cookie())]).into_response())
}

/// The signed-in user and their roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = UserOut), (status = 401, body = Problem)))]
pub async fn me(CurrentUser(s): CurrentUser) -> AppResult<Json<UserOut>> {
    Ok(Json(user_out((*s.user).clone(), (*s.assignments).clone())))
}

#[derive(Deserialize, ToSchema)]
pub struct OwnPasswordBody {
    current: String,
    password: String,
}

/// Change one's own password.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "session", request_body = OwnPasswordBody,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn change_own_password(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Json(b): Json<OwnPasswordBody>,
) -> AppResult<StatusCode> {
    app::user::change_own_password(&state.store, &s.caller(), &b.current, &b.password, None, &s.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}
