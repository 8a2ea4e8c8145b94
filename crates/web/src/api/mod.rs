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
mod assets;
mod audit;
mod audits;
mod incidents;
mod orgs;
mod plans;
mod processing;
mod registers;
mod risks;
mod rounds;
mod session;
mod steering;
mod training;
mod users;

use crate::SharedState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Lisa API", version = "1", description = "Uppföljning av det systematiska informationssäkerhetsarbetet. \
        Log in with POST /api/v1/session; send the returned csrf_token in the X-CSRF-Token header on every \
        POST, PUT and DELETE. Errors are application/problem+json (RFC 9457) with a Swedish title."),
    tags((name = "session"), (name = "orgs"), (name = "users"), (name = "audit"), (name = "assessments"), (name = "plans"), (name = "rounds"), (name = "steering"), (name = "audits"), (name = "incidents"), (name = "registers"))
)]
struct ApiDoc;

fn build() -> (Router<SharedState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
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
        .routes(routes!(plans::add_file))
        .routes(routes!(plans::review_file))
        .routes(routes!(plans::get_unit_report, plans::put_unit_report))
        .routes(routes!(plans::approve_unit_report))
        .routes(routes!(steering::list_documents, steering::create_document))
        .routes(routes!(steering::get_document, steering::update_document))
        .routes(routes!(steering::put_implementation))
        .routes(routes!(steering::add_version))
        .routes(routes!(steering::version_file))
        .routes(routes!(audits::list_audits, audits::create_audit))
        .routes(routes!(audits::get_audit))
        .routes(routes!(audits::add_question))
        .routes(routes!(audits::update_question))
        .routes(routes!(audits::add_finding))
        .routes(routes!(audits::add_recommendation))
        .routes(routes!(audits::put_report, audits::get_report))
        .routes(routes!(audits::get_copy))
        .routes(routes!(audits::put_answer))
        .routes(routes!(audits::post_status))
        .routes(routes!(audits::post_action))
        .routes(routes!(assets::list_assets, assets::create_asset))
        .routes(routes!(assets::get_asset, assets::update_asset, assets::delete_asset))
        .routes(routes!(assets::classify_asset))
        .routes(routes!(assets::put_asset_systems))
        .routes(routes!(assets::post_asset_actions))
        .routes(routes!(assets::import_assets))
        .routes(routes!(assets::list_systems, assets::create_system))
        .routes(routes!(assets::get_system, assets::update_system, assets::delete_system))
        .routes(routes!(assets::import_systems))
        .routes(routes!(assets::get_classification_model))
        .routes(routes!(processing::list_processings, processing::create_processing))
        .routes(routes!(processing::get_processing, processing::update_processing, processing::delete_processing))
        .routes(routes!(processing::put_systems))
        .routes(routes!(processing::import_processings))
        .routes(routes!(processing::list_dpias, processing::create_dpia))
        .routes(routes!(processing::get_dpia, processing::update_dpia, processing::delete_dpia))
        .routes(routes!(processing::list_agreements, processing::create_agreement))
        .routes(routes!(processing::get_agreement, processing::update_agreement, processing::delete_agreement))
        .routes(routes!(training::list_courses, training::create_course))
        .routes(routes!(training::get_course, training::update_course))
        .routes(routes!(training::record_count))
        .routes(routes!(training::coverage))
        .routes(routes!(training::import))
        .routes(routes!(training::put_settings))
        .routes(routes!(incidents::list_incidents, incidents::create_incident))
        .routes(routes!(incidents::compilation))
        .routes(routes!(incidents::get_incident, incidents::update_incident))
        .routes(routes!(incidents::add_entry))
        .routes(routes!(incidents::put_report))
        .routes(routes!(incidents::post_status))
        .routes(routes!(incidents::post_action))
        .routes(routes!(incidents::get_reporting_duties, incidents::put_reporting_duties))
        .routes(routes!(registers::coverage))
        .routes(routes!(risks::list_risks, risks::create_risk))
        .routes(routes!(risks::get_risk, risks::update_risk, risks::delete_risk))
        .routes(routes!(risks::post_action))
        .routes(routes!(risks::risk_matrix))
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
        .split_for_parts();
    document_errors(&mut doc);
    (router, doc)
}

/// The error answers every operation can give, added to each one's
/// documentation where its own list leaves them out, all as
/// `application/problem+json` (which is what Lisa sends): 400 for a body,
/// query or path that cannot be read, 401 without a session, 403 for a
/// missing right or CSRF token, 404 for an unknown id in the path or body, 413 and
/// 422 for a body that is too large or wrong, 429 for a locked login.
fn document_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};

    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(PROBLEM_JSON, Content::new(Some(Ref::from_schema_name("Problem"))))
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let has_params = path.contains('{');
        let ops = [
            ("get", item.get.as_mut()),
            ("put", item.put.as_mut()),
            ("post", item.post.as_mut()),
            ("delete", item.delete.as_mut()),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let login = path == "/api/v1/session" && method == "post";
            let has_body = op.request_body.is_some();
            let has_query = op.parameters.as_ref().is_some_and(|ps| {
                ps.iter()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == utoipa::openapi::path::ParameterIn::Query))
            });
            let mut wanted: Vec<(&str, &str)> = vec![("400", "The request cannot be read.")];
            if !login {
                wanted.push(("401", "Not logged in."));
                wanted.push(("403", "Not allowed here, or the CSRF token is missing."));
            }
            if has_params || has_body {
                wanted.push(("404", "No such record (in the path or the body) where the caller may look."));
            }
            if has_body {
                wanted.push(("413", "The body is too large."));
            }
            if has_body || has_query {
                wanted.push(("422", "A field is wrong; each is named in `errors`."));
            }
            if login {
                wanted.push(("429", "Too many failed logins; try again after `Retry-After` seconds."));
            }
            for (code, description) in wanted {
                op.responses.responses.entry(code.to_owned()).or_insert_with(|| problem(description));
            }
            // Problems documented as plain JSON are problem+json on the wire.
            for response in op.responses.responses.values_mut() {
                let RefOr::T(r) = response else { continue };
                let is_problem = r.content.get("application/json").is_some_and(|c| {
                    matches!(c, RefOr::T(c) if matches!(&c.schema, Some(RefOr::Ref(x)) if x.ref_location.ends_with("/Problem")))
                });
                if is_problem && let Some(c) = r.content.shift_remove("application/json") {
                    r.content.insert(PROBLEM_JSON.to_owned(), c);
                }
            }
        }
    }
}

const PROBLEM_JSON: &str = "application/problem+json";

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
