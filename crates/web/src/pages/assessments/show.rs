//! The overview of one assessment and its lifecycle steps.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::assessment::{Status as AStatus, Transition, offered_steps};
use serde::Deserialize;
use uuid::Uuid;

use super::status_label;
use crate::SharedState;
use crate::app::assessment::{self as app, Loaded};
use crate::error::{AppError, AppResult};
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

pub struct AreaRow {
    pub id: String,
    pub name: String,
    pub answered: usize,
    pub questions: usize,
    pub percent: u32,
    /// The user id the area is delegated to, or empty.
    pub delegate: String,
    pub proposals: usize,
}

/// A lifecycle step offered as a button.
pub struct ActionButton {
    pub code: &'static str,
    pub label: String,
}

/// Another revision of the same period.
pub struct RevisionLink {
    pub id: Uuid,
    pub revision: i32,
    pub status: String,
}

/// A coordinator who may get an area.
pub struct CandidateOption {
    pub user_id: String,
    /// "name – unit".
    pub label: String,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct OverviewPage {
    ctx: Ctx,
    id: Uuid,
    org: String,
    org_id: Uuid,
    period: i32,
    revision: i32,
    status: String,
    status_code: &'static str,
    model: String,
    level: u8,
    answered: usize,
    questions: usize,
    /// Questions still unanswered; submitting then takes a confirmation.
    unanswered: usize,
    unanswered_note: String,
    areas: Vec<AreaRow>,
    actions: Vec<ActionButton>,
    can_reopen: bool,
    can_answer: bool,
    revisions: Vec<RevisionLink>,
    notice: String,
    errors: Errors,
    full: bool,
    candidates: Vec<CandidateOption>,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn action_label(ctx: &Ctx, step: Transition) -> String {
    ctx.t(&format!("assessment-{}", step.code()))
}

async fn overview(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    errors: Errors,
    done: Option<&str>,
) -> AppResult<OverviewPage> {
    let caller = s.caller();
    let l = app::load(&state.store, &state.models, &caller, id).await?;
    let proposals = state.store.list_proposals(id).await?;
    let ctx = Ctx::for_session(s, "/assessments");
    let o = l.score();
    let manage = l.may_manage(&caller);
    let actions = offered_steps(l.a.status, manage, l.may_approve(&caller))
        .into_iter()
        .map(|step| ActionButton { code: step.code(), label: action_label(&ctx, step) })
        .collect();
    let siblings = state.store.list_assessments(&store::OrgScope::Org(l.a.org_id)).await?;
    let latest = siblings.iter().filter(|x| x.period == l.a.period).map(|x| x.revision).max().unwrap_or(l.a.revision);
    let revisions = siblings
        .iter()
        .filter(|x| x.period == l.a.period && x.id != l.a.id)
        .map(|x| RevisionLink { id: x.id, revision: x.revision, status: status_label(&ctx, x.status) })
        .collect();
    let areas = l
        .model
        .areas
        .iter()
        .filter(|a| l.full || l.mine.contains(&a.id))
        .map(|a| {
            let r = o.area(&a.id);
            AreaRow {
                id: a.id.clone(),
                name: a.name.get(ctx.lang).to_owned(),
                answered: r.map(|r| r.answered).unwrap_or(0),
                questions: r.map(|r| r.questions).unwrap_or(0),
                percent: r.map(|r| r.tally.percent()).unwrap_or(0),
                delegate: l
                    .delegations
                    .iter()
                    .find(|d| d.area_id == a.id)
                    .map(|d| d.user_id.to_string())
                    .unwrap_or_default(),
                proposals: proposals
                    .iter()
                    .filter(|p| l.model.question(&p.question_id).is_some_and(|q| q.area == a.id))
                    .count(),
            }
        })
        .collect();
    let notice = match done {
        Some(step @ ("saved" | "submit" | "return" | "approve" | "lock" | "reopen")) => {
            ctx.t(&format!("assessment-done-{step}"))
        }
        _ => String::new(),
    };
    let candidates = if manage && l.a.status.editable() {
        app::delegation_candidates(&state.store, &l)
            .await?
            .into_iter()
            .map(|c| CandidateOption { user_id: c.user_id.to_string(), label: c.label })
            .collect()
    } else {
        Vec::new()
    };
    Ok(OverviewPage {
        id,
        org: l.org_name(),
        org_id: l.a.org_id,
        period: l.a.period,
        revision: l.a.revision,
        status: status_label(&ctx, l.a.status),
        status_code: l.a.status.code(),
        model: format!("{} (version {})", l.model.name.get(ctx.lang), l.model.version),
        level: o.level,
        answered: o.answered,
        questions: o.questions,
        unanswered: o.unanswered.len(),
        unanswered_note: crate::i18n::t_args(
            ctx.lang,
            "assessment-unanswered-note",
            &[("n", o.unanswered.len().to_string()), ("total", o.questions.to_string())],
        ),
        areas,
        actions,
        can_reopen: manage && l.a.status == AStatus::Locked && latest == l.a.revision,
        can_answer: manage && l.a.status.editable(),
        revisions,
        notice,
        errors,
        full: l.full,
        candidates,
        ctx,
    })
}

/// The overview again, with problems listed (a refused import).
pub(crate) async fn overview_with_problems(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    problems: Vec<String>,
) -> AppResult<Response> {
    let errors = Errors(problems.into_iter().map(|p| (String::new(), p)).collect());
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &overview(state, s, id, errors, None).await?)
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    render(&overview(&state, &s, id, Errors::default(), q.done.as_deref()).await?)
}

/// A refused step: the overview with the reason, status 409.
async fn conflict(state: &SharedState, s: &Session, id: Uuid, e: domain::FieldError) -> AppResult<Response> {
    let page = overview(state, s, id, Errors::new(s.user.language, &[e]), None).await?;
    render_status(StatusCode::CONFLICT, &page)
}

async fn load_full(state: &SharedState, s: &Session, id: Uuid) -> AppResult<Loaded> {
    Ok(app::load_full(&state.store, &state.models, &s.caller(), id).await?)
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    action: String,
    /// "yes" when the user confirms submitting with questions unanswered.
    #[serde(default)]
    confirm: String,
}

pub async fn transition(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    let step: Transition = f.action.parse().map_err(|_| AppError::BadRequest("error-malformed"))?;
    match app::transition_assessment(&state.store, &s.caller(), &l, step, f.confirm == "yes").await {
        Ok(_) => Ok(see_other(&format!("/assessments/{id}?done={}", step.code()))),
        Err(crate::app::Error::Conflict(e)) => conflict(&state, &s, id, e).await,
        Err(crate::app::Error::Validation(errs)) => {
            let page = overview(&state, &s, id, Errors::new(s.user.language, &errs), None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn reopen(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    match app::reopen_assessment(&state.store, &s.caller(), &l).await {
        Ok(new) => Ok(see_other(&format!("/assessments/{}?done=reopen", new.id))),
        Err(crate::app::Error::Conflict(e)) => conflict(&state, &s, id, e).await,
        Err(e) => Err(e.into()),
    }
}
