//! One review: the page, the meeting, comments and decisions, adoption and
//! a new revision.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use domain::authz::Permission;
use domain::review::{DecisionFields, DecisionKind, MeetingFields, ReviewStatus, SectionKey};
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
    /// The steering document a decision on governance changes.
    pub document: Option<(Uuid, String)>,
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
    /// Why the review cannot be adopted yet (the meeting's data), in words.
    adopt_missing: Vec<String>,
    /// What adopting it would pass over, in words: shown before confirming.
    adopt_warnings: Vec<String>,
    /// The steering documents that apply to the organisation (a decision on
    /// governance may name the one it changes).
    documents: Vec<(Uuid, String)>,
    /// The files attached to the sections.
    files: Vec<store::ReviewFile>,
}

impl ReviewPage {
    /// The files of a section.
    pub fn files_of(&self, section: &str) -> Vec<&store::ReviewFile> {
        self.files.iter().filter(|f| f.section == section).collect()
    }
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
    let documents: Vec<(Uuid, String)> = d.documents.clone();
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
            document: d.data.document_id.and_then(|id| documents.iter().find(|(x, _)| *x == id).cloned()),
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
    let check = domain::review::adoption_check(&c);
    let adopt_missing = check.missing.iter().map(|e| ctx.t(e.code)).collect();
    let adopt_warnings = check.warnings.iter().map(|k| ctx.t(k)).collect();
    let p = &s.principal;
    Ok(ReviewPage {
        can_revise: !draft && latest && domain::review::may_prepare(p, r.org_id, &tree),
        hash: r.content_hash.clone().unwrap_or_default(),
        can_edit: draft && domain::review::may_prepare(p, r.org_id, &tree),
        can_adopt: draft && p.can(Permission::AdoptReviews, r.org_id, &tree),
        kinds: DecisionKind::ALL
            .iter()
            .map(|k| CodeOption { code: k.code(), label: ctx.t(&format!("decision-kind-{}", k.code())) })
            .collect(),
        decisions,
        revisions,
        adopt_missing,
        adopt_warnings,
        documents,
        files: d.files.clone(),
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
    headers: HeaderMap,
    Form(f): Form<MeetingFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::review::set_meeting(&state.store, &s.caller(), id, &f).await {
        Ok(()) if wants_json(&headers) => Ok(saved_json(s.user.language, &[])),
        Ok(()) => Ok(see_other(&format!("/reviews/{id}#meeting"))),
        Err(app::Error::Validation(errs)) if wants_json(&headers) => Ok(saved_json(s.user.language, &errs)),
        Err(e) => Err(e.into()),
    }
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

/// Whether the page's script asks (it saves as the user types and wants
/// JSON back); a plain form post is answered with a page.
fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"))
}

/// The answer to a save made by the page's script: saved, or the messages
/// of the fields that were not (nothing of the form was saved then).
fn saved_json(lang: domain::user::Language, errs: &[domain::FieldError]) -> Response {
    if errs.is_empty() {
        return Json(serde_json::json!({ "saved": true })).into_response();
    }
    let fields: serde_json::Map<String, serde_json::Value> =
        Errors::new(lang, errs).0.into_iter().map(|(f, m)| (f, serde_json::Value::String(m))).collect();
    (StatusCode::UNPROCESSABLE_ENTITY, Json(serde_json::json!({ "saved": false, "errors": fields }))).into_response()
}

/// Saves every section's comment at once: the comments are fields of one
/// form (each text box names it with `form=`), so saving one section never
/// throws away what was typed in another, with or without JavaScript.
pub async fn save_comments(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let fields = f.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let errs = match app::review::set_comments(&state.store, &s.caller(), id, fields).await {
        Ok(_) if wants_json(&headers) => return Ok(saved_json(s.user.language, &[])),
        Ok(_) => {
            // Back to the section whose button was pressed.
            let go = f.iter().find(|(k, _)| k == "go").and_then(|(_, v)| v.parse::<SectionKey>().ok());
            let anchor = go.map_or_else(|| "sections".to_owned(), |k| format!("s-{}", k.code()));
            return Ok(see_other(&format!("/reviews/{id}#{anchor}")));
        }
        // A malformed section is a bad form, not a typing error to show again.
        Err(app::Error::Validation(errs)) if errs.iter().all(|e| e.field.starts_with("comment.")) => errs,
        Err(e) => return Err(e.into()),
    };
    if wants_json(&headers) {
        return Ok(saved_json(s.user.language, &errs));
    }
    // Shown again with the errors and every text as typed, so nothing is lost.
    let loaded = for_errors(&state, &s, id).await?;
    let mut page =
        review_page(&state, &s, loaded, Errors::new(s.user.language, &errs), DecisionFields::default()).await?;
    for sec in &mut page.v.sections {
        if let Some((_, typed)) = f.iter().find(|(k, _)| k.strip_prefix("comment.") == Some(sec.key)) {
            sec.comment.clone_from(typed);
        }
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

/// Attaches a file to a section (multipart: `section`, `file`).
pub async fn add_file(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    mut form: axum::extract::Multipart,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let bad = |_| AppError::BadRequest("error-too-large");
    let (mut section, mut upload) = (String::new(), None);
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "section" => section = field.text().await.map_err(bad)?,
            "file" => {
                let filename = field.file_name().unwrap_or("").to_owned();
                let content_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
                let bytes = field.bytes().await.map_err(bad)?.to_vec();
                upload = Some(app::steering::Upload { filename, content_type, bytes });
            }
            _ => {}
        }
    }
    let errs = match app::review::add_file(&state.store, &s.caller(), id, &section, upload).await {
        Ok(f) => return Ok(see_other(&format!("/reviews/{id}#s-{}", f.section))),
        Err(app::Error::Validation(errs)) => errs,
        Err(e) => return Err(e.into()),
    };
    let loaded = for_errors(&state, &s, id).await?;
    let errors = Errors::new(s.user.language, &errs);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &review_page(&state, &s, loaded, errors, DecisionFields::default()).await?,
    )
}

/// A file of a review.
pub async fn download_file(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let (meta, content) = app::review::review_file(&state.store, &s.caller(), parse_id(&file)?).await?;
    Ok(crate::render::attachment(&meta.filename, content))
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdoptForm {
    confirm: String,
}

/// Adopts the review once the user has confirmed it (a box to tick, after
/// what adoption would pass over); without the meeting's data, or
/// unconfirmed, the page comes back saying why.
pub async fn adopt(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<AdoptForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let confirmed = f.confirm == "yes";
    let errs = match app::review::adopt_review(&state.store, &state.models, &s.caller(), id, confirmed).await {
        Ok(r) => return Ok(see_other(&format!("/reviews/{}", r.id))),
        Err(app::Error::Validation(errs)) => errs,
        Err(e) => return Err(e.into()),
    };
    let loaded = app::review::load_review(&state.store, &s.caller(), id).await?;
    let page = review_page(&state, &s, loaded, Errors::new(s.user.language, &errs), DecisionFields::default()).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

pub async fn revise(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let new = app::review::revise_review(&state.store, &s.caller(), parse_id(&id)?).await?;
    Ok(see_other(&format!("/reviews/{}", new.id)))
}

/// A review's page as HTML, for the tests of its rendering (read-only: no
/// editing, no adoption).
#[cfg(test)]
pub(super) fn render_page(ctx: Ctx, r: store::Review, d: app::review::ReviewDetail) -> String {
    let c = SharedContent(std::sync::Arc::new(d));
    let v = view(&ctx, &c);
    ReviewPage {
        hash: r.content_hash.clone().unwrap_or_default(),
        can_edit: false,
        can_adopt: false,
        can_revise: false,
        kinds: vec![],
        decisions: vec![],
        revisions: vec![],
        adopt_missing: vec![],
        adopt_warnings: vec![],
        documents: vec![],
        files: vec![],
        errors: Errors::default(),
        df: DecisionFields::default(),
        r,
        c,
        v,
        ctx,
    }
    .render()
    .expect("the review page renders")
}
