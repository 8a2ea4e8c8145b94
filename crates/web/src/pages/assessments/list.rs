//! The list of assessments and starting a new one.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::Permission;
use serde::Deserialize;

use super::{Choice, status_label};
use crate::SharedState;
use crate::app::assessment::{self as app, ListScope, StartInput};
use crate::error::{AppError, AppResult};
use crate::pages::{Ctx, Errors, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

pub struct Row {
    pub id: uuid::Uuid,
    pub org: String,
    pub period: i32,
    pub revision: i32,
    pub status: String,
    pub level: u8,
    pub progress: String,
}

#[derive(Template)]
#[template(path = "assessments.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    can_start: bool,
}

pub async fn list(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    let found = app::list_assessments(&state.store, &state.models, &s.caller(), ListScope::WithDelegated).await?;
    let ctx = Ctx::for_session(&s, "/assessments");
    let mut rows: Vec<Row> = found
        .into_iter()
        .map(|x| Row {
            id: x.assessment.id,
            org: x.org,
            period: x.assessment.period,
            revision: x.assessment.revision,
            status: status_label(&ctx, x.assessment.status),
            level: x.summary.level,
            progress: format!("{} / {}", x.summary.answered, x.summary.questions),
        })
        .collect();
    rows.sort_by(|a, b| {
        a.org.to_lowercase().cmp(&b.org.to_lowercase()).then(b.period.cmp(&a.period)).then(b.revision.cmp(&a.revision))
    });
    render(&ListPage { ctx, rows, can_start: s.principal.can_somewhere(Permission::ManageAssessments) })
}

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    model_id: String,
    #[serde(default)]
    copy: Option<String>,
}

#[derive(Template)]
#[template(path = "assessment_new.html")]
struct NewPage {
    ctx: Ctx,
    errors: Errors,
    orgs: Vec<Choice>,
    models: Vec<Choice>,
    org_id: String,
    period: String,
    copy: bool,
}

async fn new_page(state: &SharedState, s: &Session, f: &NewForm, errors: Errors) -> AppResult<NewPage> {
    let orgs = app::startable_orgs(&state.store, &s.caller())
        .await?
        .into_iter()
        .map(|o| Choice { id: o.id, label: format!("{}{}", "– ".repeat(o.depth), o.name) })
        .collect();
    let mut models: Vec<Choice> = state
        .store
        .list_models()
        .await?
        .into_iter()
        .map(|m| Choice { id: m.id, label: format!("{} (version {})", m.name, m.version) })
        .collect();
    models.reverse(); // the newest version first
    Ok(NewPage {
        ctx: Ctx::for_session(s, "/assessments"),
        errors,
        orgs,
        models,
        org_id: f.org_id.clone(),
        period: if f.period.is_empty() { chrono::Utc::now().format("%Y").to_string() } else { f.period.clone() },
        copy: f.copy.is_some() || f.period.is_empty(),
    })
}

#[derive(Deserialize)]
pub struct OrgQuery {
    org: Option<String>,
}

pub async fn new_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ManageAssessments) {
        return Err(AppError::Forbidden);
    }
    let f = NewForm { org_id: q.org.unwrap_or_default(), ..Default::default() };
    render(&new_page(&state, &s, &f, Errors::default()).await?)
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<NewForm>,
) -> AppResult<Response> {
    let input =
        StartInput { org_id: &f.org_id, period: &f.period, model_id: &f.model_id, copy_previous: f.copy.is_some() };
    let errs = match app::start_assessment(&state.store, &s.caller(), input).await {
        Ok(a) => return Ok(see_other(&format!("/assessments/{}", a.id))),
        Err(crate::app::Error::Validation(e)) => e,
        Err(crate::app::Error::Conflict(e)) => vec![e],
        Err(e) => return Err(e.into()),
    };
    let page = new_page(&state, &s, &f, Errors::new(s.user.language, &errs)).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
