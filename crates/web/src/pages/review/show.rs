//! One review: the page, the meeting, comments and decisions, adoption and
//! a new revision.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::Permission;
use domain::review::{DecisionFields, DecisionKind, MeetingFields, ReviewStatus};
use serde::Deserialize;
use uuid::Uuid;

use super::super::plan::CodeOption;
use super::super::{Ctx, Errors, parse_id, render, render_status, see_other};
use super::view::{ReviewView, view};
use crate::SharedState;
use crate::app;
use crate::app::review::{SharedContent, VisibleReview};
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

pub struct DecisionView {
    pub id: Uuid,
    pub kind: String,
    pub text: String,
    pub responsible: String,
    pub deadline: String,
}

/// Another revision of the same year.
pub struct RevisionLink {
    pub id: Uuid,
    pub revision: i32,
    pub status: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    ctx: Ctx,
    r: store::Review,
    c: SharedContent,
    v: ReviewView,
    hash: String,
    decisions: Vec<DecisionView>,
    can_edit: bool,
    can_adopt: bool,
    can_revise: bool,
    errors: Errors,
    df: DecisionFields,
    kinds: Vec<CodeOption>,
    revisions: Vec<RevisionLink>,
}

async fn review_page(
    state: &SharedState,
    s: &Session,
    loaded: VisibleReview,
    errors: Errors,
    df: DecisionFields,
) -> AppResult<ReviewPage> {
    let d = app::review::detail(&state.store, &state.models, &loaded).await?;
    let VisibleReview { review: r, tree, .. } = loaded;
    let ctx = Ctx::for_session(s, "/reviews");
    let c = SharedContent(d.clone());
    let v = view(&ctx, &c);
    let draft = r.status == ReviewStatus::Draft;
    let decisions = d
        .decisions
        .iter()
        .map(|d| DecisionView {
            id: d.id,
            kind: ctx.t(&format!("decision-kind-{}", d.data.kind.code())),
            text: d.data.text.clone(),
            responsible: d.data.responsible.clone(),
            deadline: d.data.deadline.to_string(),
        })
        .collect();
    let revisions: Vec<RevisionLink> = d
        .others
        .iter()
        .map(|x| RevisionLink {
            id: x.id,
            revision: x.revision,
            status: ctx.t(&format!("review-status-{}", x.status.code())),
        })
        .collect();
    let latest = revisions.iter().all(|x| x.revision < r.revision);
    let p = &s.principal;
    Ok(ReviewPage {
        can_revise: !draft && latest && p.can(Permission::ManageReviews, r.org_id, &tree),
        hash: r.content_hash.clone().unwrap_or_default(),
        can_edit: draft && p.can(Permission::ManageReviews, r.org_id, &tree),
        can_adopt: draft && p.can(Permission::AdoptReviews, r.org_id, &tree),
        kinds: DecisionKind::ALL
            .iter()
            .map(|k| CodeOption { code: k.code(), label: ctx.t(&format!("decision-kind-{}", k.code())) })
            .collect(),
        decisions,
        revisions,
        errors,
        df,
        r,
        c,
        v,
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let loaded = app::review::load_review(&state.store, &s.caller(), parse_id(&id)?).await?;
    render(&review_page(&state, &s, loaded, Errors::default(), DecisionFields::default()).await?)
}

pub async fn save_meeting(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<MeetingFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    app::review::set_meeting(&state.store, &s.caller(), id, &f).await?;
    Ok(see_other(&format!("/reviews/{id}#meeting")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommentForm {
    section: String,
    comment: String,
}

/// The review to show again with the errors of a form; an adopted one
/// cannot be changed at all.
async fn for_errors(state: &SharedState, s: &Session, id: Uuid) -> AppResult<VisibleReview> {
    let loaded = app::review::load_for_edit(&state.store, &s.caller(), id).await?;
    if loaded.review.status != ReviewStatus::Draft {
        return Err(AppError::Conflict(domain::FieldError::new("status", "error-review-adopted")));
    }
    Ok(loaded)
}

pub async fn save_comment(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<CommentForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let errs = match app::review::set_comment(&state.store, &s.caller(), id, &f.section, &f.comment).await {
        Ok(section) => return Ok(see_other(&format!("/reviews/{id}#s-{}", section.code()))),
        // A malformed section is a bad form, not a typing error to show again.
        Err(app::Error::Validation(errs)) if errs.iter().all(|e| e.field == "comment") => errs,
        Err(e) => return Err(e.into()),
    };
    // Shown again with the error and the text as typed, so nothing is lost.
    let loaded = for_errors(&state, &s, id).await?;
    let mut page =
        review_page(&state, &s, loaded, Errors::new(s.user.language, &errs), DecisionFields::default()).await?;
    if let Some(sec) = page.v.sections.iter_mut().find(|x| x.key == f.section) {
        sec.comment = f.comment;
    }
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

pub async fn add_decision(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<DecisionFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let errs = match app::review::add_decision(&state.store, &s.caller(), id, &f).await {
        Ok(_) => return Ok(see_other(&format!("/reviews/{id}#decisions"))),
        Err(app::Error::Validation(errs)) => errs,
        Err(e) => return Err(e.into()),
    };
    let loaded = for_errors(&state, &s, id).await?;
    let errors = Errors::new(s.user.language, &errs);
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &review_page(&state, &s, loaded, errors, f).await?)
}

pub async fn delete_decision(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, decision)): Path<(String, String)>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    app::review::delete_decision(&state.store, &s.caller(), id, parse_id(&decision)?).await?;
    Ok(see_other(&format!("/reviews/{id}#decisions")))
}

pub async fn adopt(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let r = app::review::adopt_review(&state.store, &state.models, &s.caller(), parse_id(&id)?).await?;
    Ok(see_other(&format!("/reviews/{}", r.id)))
}

pub async fn revise(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let new = app::review::revise_review(&state.store, &s.caller(), parse_id(&id)?).await?;
    Ok(see_other(&format!("/reviews/{}", new.id)))
}
