//! The JSON API under `/api/v1`, with the same authorisation as the pages,
//! described by an OpenAPI 3 document generated from this code.

use std::sync::LazyLock;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod assessments;
mod audit;
mod orgs;
mod plans;
mod rounds;
mod session;
mod users;

use crate::SharedState;

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
        .routes(routes!(session::login, session::logout))
        .routes(routes!(session::me))
        .routes(routes!(session::change_own_password))
        .routes(routes!(orgs::list_orgs, orgs::create_org))
        .routes(routes!(orgs::get_org, orgs::update_org, orgs::delete_org))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::get_user, users::update_user))
        .routes(routes!(users::add_role))
        .routes(routes!(users::withdraw_role))
        .routes(routes!(users::reset_password))
        .routes(routes!(audit::list_audit))
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
