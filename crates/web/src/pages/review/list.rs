//! The list of reviews and starting one.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::org::OrgTree;
use domain::review::ReviewStatus;
use serde::Deserialize;
use uuid::Uuid;

use super::super::plan::OrgOption;
use super::super::{Ctx, Errors, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::session::{CurrentUser, Session};

pub struct ListRow {
    pub id: Uuid,
    pub org: String,
    pub year: i32,
    pub revision: i32,
    pub status: String,
    pub adopted: bool,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<ListRow>,
    orgs: Vec<OrgOption>,
    /// The user reports for a unit: without reviews of their own, the page
    /// leads them to the unit reports instead of saying only "none".
    reports_units: bool,
    errors: Errors,
    year: String,
    org_id: String,
}

async fn list_page(
    state: &SharedState,
    s: &Session,
    errors: Errors,
    year: String,
    org_id: String,
) -> AppResult<ListPage> {
    let caller = s.caller();
    let tree: OrgTree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let reviews = app::review::list_reviews(&state.store, &caller).await?;
    let ctx = Ctx::for_session(s, "/reviews");
    let rows = reviews
        .into_iter()
        .map(|r| ListRow {
            id: r.id,
            org: tree.get(r.org_id).map(|n| n.name.clone()).unwrap_or_default(),
            year: r.year,
            revision: r.revision,
            status: ctx.t(&format!("review-status-{}", r.status.code())),
            adopted: r.status == ReviewStatus::Adopted,
        })
        .collect();
    let orgs = app::review::review_orgs(&caller, &tree)
        .into_iter()
        .map(|(depth, id)| OrgOption::new(&tree, depth, id))
        .collect();
    let reports_units = s.principal.can_somewhere(domain::authz::Permission::ReportUnit)
        || s.principal.can_somewhere(domain::authz::Permission::ApproveUnitReports);
    Ok(ListPage { rows, orgs, reports_units, errors, year, org_id, ctx })
}

pub async fn list(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    let year = chrono::Datelike::year(&domain::clock::today()).to_string();
    render(&list_page(&state, &s, Errors::default(), year, String::new()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewForm {
    org_id: String,
    year: String,
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<NewForm>,
) -> AppResult<Response> {
    let org = f.org_id.parse::<Uuid>().ok();
    let year = domain::assessment::Period::parse(&f.year).ok().map(|p| p.year());
    let errs = match app::review::create_review(&state.store, &s.caller(), org, year).await {
        Ok(r) => return Ok(see_other(&format!("/reviews/{}", r.id))),
        Err(app::Error::Validation(errs)) => errs,
        Err(app::Error::Conflict(e)) => vec![e],
        Err(e) => return Err(e.into()),
    };
    let page = list_page(&state, &s, Errors::new(s.user.language, &errs), f.year, f.org_id).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
