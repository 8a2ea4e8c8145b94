//! Self-assessments: start, answer area by area, the lifecycle, the result
//! with feedback, history over periods and comparison of two periods.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Form, Json};
use domain::assessment::{Confidence, Period, Status as AStatus, Transition};
use domain::authz::Permission;
use domain::model::Model;
use domain::org::OrgTree;
use domain::scoring::{self, Answer, Direction, Outcome, Status};
use serde::Deserialize;
use uuid::Uuid;

use super::orgs::actor;
use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::charts;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

/// Parsed models by id; a stored model version never changes, so this never goes stale.
#[derive(Default)]
pub struct ModelCache(std::sync::Mutex<HashMap<Uuid, Arc<Model>>>);

impl ModelCache {
    pub async fn get(&self, store: &store::Store, id: Uuid) -> AppResult<Arc<Model>> {
        if let Some(m) = self.0.lock().ok().and_then(|c| c.get(&id).cloned()) {
            return Ok(m);
        }
        let row = store.find_model(id).await?.ok_or(AppError::NotFound)?;
        let model = Arc::new(domain::model::parse_model(&row.source).map_err(|e| {
            tracing::error!(model = %id, errors = ?e, "a stored model does not parse");
            AppError::internal(crate::app::error::Invariant("a stored model does not parse"))
        })?);
        if let Ok(mut c) = self.0.lock() {
            c.insert(id, model.clone());
        }
        Ok(model)
    }
}

/// An assessment with what the pages need to show it.
pub(crate) struct Loaded {
    pub a: store::Assessment,
    pub model: Arc<Model>,
    pub answers: Vec<store::AnswerRow>,
    pub tree: OrgTree,
    /// The user may see the whole assessment (not only areas delegated to them).
    pub full: bool,
    /// Areas delegated to the user.
    pub mine: Vec<String>,
    pub delegations: Vec<store::Delegation>,
}

impl Loaded {
    pub fn answer_map(&self) -> HashMap<String, Answer> {
        answer_map(&self.answers)
    }
    pub fn org_name(&self) -> String {
        self.tree.get(self.a.org_id).map(|n| n.name.clone()).unwrap_or_default()
    }
}

pub(crate) fn answer_map(rows: &[store::AnswerRow]) -> HashMap<String, Answer> {
    rows.iter().map(|r| (r.question_id.clone(), Answer::from_code(&r.answer))).collect()
}

/// Loads an assessment the user may see (404 otherwise).
pub(crate) async fn load(state: &SharedState, s: &Session, id: Uuid) -> AppResult<Loaded> {
    let a = state.store.find_assessment(id).await?.ok_or(AppError::NotFound)?;
    let tree = state.store.org_tree().await?;
    let full = s.principal.can(Permission::ViewAssessments, a.org_id, &tree);
    let delegations = state.store.list_delegations(id).await?;
    let mine: Vec<String> = delegations.iter().filter(|d| d.user_id == s.user.id).map(|d| d.area_id.clone()).collect();
    if !full && mine.is_empty() {
        return Err(AppError::NotFound);
    }
    let model = state.models.get(&state.store, a.model_id).await?;
    let answers = state.store.list_answers(id).await?;
    Ok(Loaded { a, model, answers, tree, full, mine, delegations })
}

/// Loads an assessment the user may see as a whole (404 for someone who only
/// answers a delegated area).
pub(crate) async fn load_full(state: &SharedState, s: &Session, id: Uuid) -> AppResult<Loaded> {
    let l = load(state, s, id).await?;
    if l.full { Ok(l) } else { Err(AppError::NotFound) }
}

fn status_label(ctx: &Ctx, s: AStatus) -> String {
    ctx.t(&format!("assessment-status-{}", s.code()))
}

pub struct Row {
    pub id: Uuid,
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
    if !s.principal.can_somewhere(Permission::ViewAssessments)
        && state.store.list_delegations_to(s.user.id).await?.is_empty()
    {
        return Err(AppError::Forbidden);
    }
    let ctx = Ctx::for_session(&s, "/assessments");
    let tree = state.store.org_tree().await?;
    let orgs = s.principal.visible_orgs(Permission::ViewAssessments, &tree);
    let mut found = state.store.list_assessments(Some(&orgs)).await?;
    for d in state.store.list_delegations_to(s.user.id).await? {
        if !found.iter().any(|a| a.id == d.assessment_id)
            && let Some(a) = state.store.find_assessment(d.assessment_id).await?
        {
            found.push(a);
        }
    }
    let mut rows = Vec::new();
    for a in found {
        let model = state.models.get(&state.store, a.model_id).await?;
        let answers = answer_map(&state.store.list_answers(a.id).await?);
        let o = scoring::score(&model, &answers);
        rows.push(Row {
            id: a.id,
            org: tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
            period: a.period,
            revision: a.revision,
            status: status_label(&ctx, a.status),
            level: o.level,
            progress: format!("{} / {}", o.answered, o.questions),
        });
    }
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
    orgs: Vec<(Uuid, String)>,
    models: Vec<(Uuid, String)>,
    org_id: String,
    period: String,
    copy: bool,
}

async fn new_page(state: &SharedState, s: &Session, f: &NewForm, errors: Errors) -> AppResult<NewPage> {
    let tree = state.store.org_tree().await?;
    let mut orgs = Vec::new();
    for root in s.principal.visible_roots(Permission::ManageAssessments, &tree) {
        for (d, n) in tree.subtree(root) {
            orgs.push((n.id, format!("{}{}", "– ".repeat(d), n.name)));
        }
    }
    let mut models: Vec<(Uuid, String)> = state
        .store
        .list_models()
        .await?
        .into_iter()
        .map(|m| (m.id, format!("{} (version {})", m.name, m.version)))
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

/// Starts an assessment after checking the input and the user's right to
/// assess the organisation; optionally copies the latest earlier answers.
pub(crate) async fn start(
    state: &SharedState,
    s: &Session,
    org_id: &str,
    period: &str,
    model_id: &str,
    copy: bool,
) -> AppResult<store::Assessment> {
    if !s.principal.can_somewhere(Permission::ManageAssessments) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let mut errs = domain::ValidationErrors::default();
    let org: Option<Uuid> =
        errs.check(org_id.parse().map_err(|_| domain::FieldError::new("org_id", "error-org-unknown")));
    let period = errs.check(Period::parse(period));
    let model: Option<Uuid> =
        errs.check(model_id.parse().map_err(|_| domain::FieldError::new("model_id", "error-model-unknown")));
    if let Some(o) = org {
        if tree.get(o).is_none() {
            errs.push(domain::FieldError::new("org_id", "error-org-unknown"));
        } else if !s.principal.can(Permission::ManageAssessments, o, &tree) {
            return Err(AppError::Forbidden);
        }
    }
    errs.clone().into_result()?;
    let (Some(org), Some(period), Some(model)) = (org, period, model) else { return Err(errs.into()) };
    let copy_from = if copy {
        state
            .store
            .list_assessments(Some(&[org]))
            .await?
            .into_iter()
            .find(|a| a.model_id == model && a.period < period.year())
            .map(|a| a.id)
    } else {
        None
    };
    Ok(state.store.insert_assessment(&actor(s), org, model, period, copy_from).await?)
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<NewForm>,
) -> AppResult<Response> {
    let errs = match start(&state, &s, &f.org_id, &f.period, &f.model_id, f.copy.is_some()).await {
        Ok(a) => return Ok(see_other(&format!("/assessments/{}", a.id))),
        Err(AppError::Validation(e)) => e,
        Err(AppError::Conflict(e)) => vec![e],
        Err(e) => return Err(e),
    };
    let page = new_page(&state, &s, &f, Errors::new(s.user.language, &errs)).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

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
    areas: Vec<AreaRow>,
    actions: Vec<(&'static str, String)>,
    can_reopen: bool,
    can_answer: bool,
    revisions: Vec<(Uuid, i32, String)>,
    notice: String,
    errors: Errors,
    full: bool,
    /// Coordinators who may get an area: (user id, "name – unit").
    candidates: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

async fn overview(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    errors: Errors,
    done: Option<&str>,
) -> AppResult<OverviewPage> {
    let l = load(state, s, id).await?;
    let proposals = state.store.list_proposals(id).await?;
    let ctx = Ctx::for_session(s, "/assessments");
    let o = scoring::score(&l.model, &l.answer_map());
    let manage = s.principal.can(Permission::ManageAssessments, l.a.org_id, &l.tree);
    let approve = s.principal.can(Permission::ApproveAssessments, l.a.org_id, &l.tree);
    let mut actions = Vec::new();
    match l.a.status {
        AStatus::Draft if manage => actions.push(("submit", ctx.t("assessment-submit"))),
        AStatus::Submitted => {
            if approve {
                actions.push(("approve", ctx.t("assessment-approve")));
            }
            if manage || approve {
                actions.push(("return", ctx.t("assessment-return")));
            }
        }
        AStatus::Approved if manage => actions.push(("lock", ctx.t("assessment-lock"))),
        _ => {}
    }
    let siblings = state.store.list_assessments(Some(&[l.a.org_id])).await?;
    let latest = siblings.iter().filter(|x| x.period == l.a.period).map(|x| x.revision).max().unwrap_or(l.a.revision);
    let revisions = siblings
        .iter()
        .filter(|x| x.period == l.a.period && x.id != l.a.id)
        .map(|x| (x.id, x.revision, status_label(&ctx, x.status)))
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
        areas,
        actions,
        can_reopen: manage && l.a.status == AStatus::Locked && latest == l.a.revision,
        can_answer: manage && l.a.status.editable(),
        revisions,
        notice,
        errors,
        full: l.full,
        candidates: if manage && l.a.status.editable() { candidates(state, &l).await? } else { Vec::new() },
        ctx,
    })
}

/// Coordinators with a role inside the assessed organisation's subtree.
async fn candidates(state: &SharedState, l: &Loaded) -> AppResult<Vec<(String, String)>> {
    let users = state.store.list_users().await?;
    let mut out: Vec<(String, String)> = state
        .store
        .list_all_assignments()
        .await?
        .into_iter()
        .filter(|a| a.role == domain::user::Role::Coordinator)
        .filter_map(|a| {
            let org = a.org_id.filter(|o| l.tree.is_in_subtree(l.a.org_id, *o))?;
            let u = users.iter().find(|u| u.id == a.user_id && u.active)?;
            Some((u.id.to_string(), format!("{} – {}", u.name, l.tree.get(org).map(|n| n.name.as_str()).unwrap_or(""))))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}

/// Hands areas to coordinators: one select per area (`area.<id>`), empty to take it back.
pub async fn delegate(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    if !s.principal.can(Permission::ManageAssessments, l.a.org_id, &l.tree) {
        return Err(AppError::Forbidden);
    }
    let allowed = candidates(&state, &l).await?;
    for area in &l.model.areas {
        let Some(choice) = form.get(&format!("area.{}", area.id)) else { continue };
        let current =
            l.delegations.iter().find(|d| d.area_id == area.id).map(|d| d.user_id.to_string()).unwrap_or_default();
        if *choice == current {
            continue;
        }
        let user = if choice.is_empty() {
            None
        } else if allowed.iter().any(|(u, _)| u == choice) {
            Some(parse_id(choice)?)
        } else {
            return Err(AppError::Validation(vec![domain::FieldError::new(
                "user_id",
                "error-delegate-not-coordinator",
            )]));
        };
        state.store.set_delegation(&actor(&s), id, &area.id, user).await?;
    }
    Ok(see_other(&format!("/assessments/{id}?done=delegated")))
}

#[derive(Deserialize)]
pub struct ProposalForm {
    /// One question, or every proposal of `area`.
    #[serde(default)]
    question: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    decision: String,
}

/// The decision may come in the query, from a button's `formaction`.
#[derive(Deserialize)]
pub struct DecisionQuery {
    decision: Option<String>,
}

/// The CISO accepts proposals as answers or discards them.
pub async fn resolve(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DecisionQuery>,
    Form(f): Form<ProposalForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    if !s.principal.can(Permission::ManageAssessments, l.a.org_id, &l.tree) {
        return Err(AppError::Forbidden);
    }
    let decision = if f.decision.is_empty() { q.decision.unwrap_or_default() } else { f.decision.clone() };
    let accept = match decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("error-malformed")),
    };
    let (questions, area): (Vec<String>, String) = if !f.question.is_empty() {
        let q = l.model.question(&f.question).ok_or(AppError::NotFound)?;
        (vec![q.id.clone()], q.area.clone())
    } else {
        l.model.area(&f.area).ok_or(AppError::NotFound)?;
        (l.model.questions_in(&f.area).map(|q| q.id.clone()).collect(), f.area.clone())
    };
    state.store.resolve_proposals(&actor(&s), id, &questions, accept).await?;
    Ok(see_other(&format!("/assessments/{id}/areas/{area}")))
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

pub struct OptionView {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

pub struct QuestionView {
    pub n: usize,
    pub id: String,
    pub text: String,
    pub guidance: String,
    pub level: u8,
    pub must: bool,
    pub references: String,
    pub options: Vec<OptionView>,
    pub comment: String,
    pub confidence: &'static str,
    pub evidence_url: String,
    pub answered_by: String,
    pub files: usize,
    /// A coordinator's proposal, as the CISO sees it; empty if none.
    pub proposal: String,
    /// The error keys of this question's inputs (see `AreaError`).
    pub err_answer: String,
    pub err_comment: String,
    pub err_evidence: String,
}

impl QuestionView {
    /// Whether an error key (`q-ID`, `c-ID`, `e-ID`, `k-ID`) belongs to this question.
    pub fn owns(&self, field: &str) -> bool {
        field.split_once('-').is_some_and(|(_, id)| id == self.id)
    }
}

#[derive(Template)]
#[template(path = "assessment_area.html")]
struct AreaPage {
    ctx: Ctx,
    id: Uuid,
    org: String,
    period: i32,
    area_id: String,
    area_name: String,
    area_description: String,
    position: usize,
    areas: usize,
    next: Option<String>,
    prev: Option<String>,
    questions: Vec<QuestionView>,
    editable: bool,
    proposing: bool,
    can_resolve: bool,
    errors: Errors,
    confidences: Vec<(&'static str, String)>,
}

/// What an area page shows besides the answers.
struct AreaExtras<'a> {
    files: &'a [store::EvidenceFile],
    proposals: &'a [store::Proposal],
    /// The user answers as a delegated coordinator.
    proposing: bool,
    editable: bool,
}

fn area_page(
    s: &Session,
    l: &Loaded,
    x: AreaExtras<'_>,
    area_id: &str,
    submitted: Option<&HashMap<String, String>>,
    errors: Errors,
) -> AppResult<AreaPage> {
    let AreaExtras { files, proposals, proposing, editable } = x;
    let ctx = Ctx::for_session(s, "/assessments");
    let lang = ctx.lang;
    let pos = l.model.areas.iter().position(|a| a.id == area_id).ok_or(AppError::NotFound)?;
    let area = &l.model.areas[pos];
    let proposed: HashMap<&str, &store::Proposal> = proposals.iter().map(|p| (p.question_id.as_str(), p)).collect();
    // A proposing coordinator sees their own proposals where they have made one.
    let own: Vec<store::AnswerRow> = if proposing {
        l.answers
            .iter()
            .filter(|a| !proposed.contains_key(a.question_id.as_str()))
            .cloned()
            .chain(proposals.iter().map(|p| store::AnswerRow {
                question_id: p.question_id.clone(),
                answer: p.answer.clone(),
                comment: p.comment.clone(),
                confidence: p.confidence,
                evidence_url: p.evidence_url.clone(),
                answered_by: p.proposed_by.clone(),
                answered_at: p.proposed_at,
            }))
            .collect()
    } else {
        l.answers.clone()
    };
    let stored: HashMap<&str, &store::AnswerRow> = own.iter().map(|a| (a.question_id.as_str(), a)).collect();
    let questions: Vec<QuestionView> = l
        .model
        .questions_in(&area.id)
        .enumerate()
        .map(|(i, q)| {
            let row = stored.get(q.id.as_str());
            let field = |name: &str| submitted.and_then(|m| m.get(&format!("{name}.{}", q.id)).cloned());
            let chosen = field("answer").or_else(|| row.map(|r| r.answer.clone())).unwrap_or_default();
            let mut options: Vec<OptionView> = q
                .options
                .iter()
                .map(|o| OptionView { code: o.id.clone(), label: o.text.get(lang).to_owned(), checked: chosen == o.id })
                .collect();
            if q.not_applicable {
                options.push(OptionView {
                    code: scoring::NOT_APPLICABLE.into(),
                    label: ctx.t("answer-not-applicable"),
                    checked: chosen == scoring::NOT_APPLICABLE,
                });
            }
            QuestionView {
                n: i + 1,
                id: q.id.clone(),
                text: q.text.get(lang).to_owned(),
                guidance: q.guidance.get(lang).to_owned(),
                level: q.level,
                must: q.must,
                references: q.references.join(" · "),
                options,
                comment: field("comment").or_else(|| row.map(|r| r.comment.clone())).unwrap_or_default(),
                confidence: field("confidence")
                    .and_then(|c| c.parse::<Confidence>().ok())
                    .or_else(|| row.map(|r| r.confidence))
                    .unwrap_or_default()
                    .code(),
                evidence_url: field("evidence").or_else(|| row.map(|r| r.evidence_url.clone())).unwrap_or_default(),
                answered_by: row
                    .map(|r| format!("{} {}", r.answered_by, ctx.date_time(&r.answered_at)))
                    .unwrap_or_default(),
                files: files.iter().filter(|f| f.question_id == q.id).count(),
                err_answer: format!("q-{}", q.id),
                err_comment: format!("c-{}", q.id),
                err_evidence: format!("e-{}", q.id),
                proposal: match proposed.get(q.id.as_str()) {
                    Some(p) if !proposing => {
                        let label = q
                            .option(&p.answer)
                            .map(|o| o.text.get(lang).to_owned())
                            .unwrap_or_else(|| ctx.t("answer-not-applicable"));
                        let comment =
                            if p.comment.is_empty() { String::new() } else { format!(" – ”{}”", p.comment) };
                        format!("{} ({}): {label}{comment}", p.proposed_by, ctx.date_time(&p.proposed_at))
                    }
                    _ => String::new(),
                },
            }
        })
        .collect();
    Ok(AreaPage {
        id: l.a.id,
        org: l.org_name(),
        period: l.a.period,
        area_id: area.id.clone(),
        area_name: area.name.get(lang).to_owned(),
        area_description: area.description.get(lang).to_owned(),
        position: pos + 1,
        areas: l.model.areas.len(),
        next: l.model.areas.get(pos + 1).map(|a| a.id.clone()),
        prev: pos.checked_sub(1).map(|p| l.model.areas[p].id.clone()),
        can_resolve: !proposing && editable && questions.iter().any(|q: &QuestionView| !q.proposal.is_empty()),
        questions,
        editable,
        proposing,
        errors,
        confidences: Confidence::ALL.iter().map(|c| (c.code(), ctx.t(&format!("confidence-{}", c.code())))).collect(),
        ctx,
    })
}

pub async fn area(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, area_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load(&state, &s, id).await?;
    if !l.full && !l.mine.contains(&area_id) {
        return Err(AppError::NotFound);
    }
    let editable = l.a.status.editable()
        && (s.principal.can(Permission::ManageAssessments, l.a.org_id, &l.tree) || l.mine.contains(&area_id));
    let files = state.store.list_evidence(id).await?;
    let proposals = state.store.list_proposals(id).await?;
    let proposing = !s.principal.can(Permission::ManageAssessments, l.a.org_id, &l.tree) && l.mine.contains(&area_id);
    let extras = AreaExtras { files: &files, proposals: &proposals, proposing, editable };
    render(&area_page(&s, &l, extras, &area_id, None, Errors::default())?)
}

/// Checks one answer against its question: the option, the comment, the
/// evidence link and the confidence mark.
pub(crate) fn check_answer(
    q: &domain::model::Question,
    code: &str,
    comment: &str,
    evidence: &str,
    confidence: &str,
) -> Result<store::NewAnswer, Vec<domain::FieldError>> {
    let answer = Answer::from_code(code);
    if !scoring::valid_answer(q, &answer) {
        return Err(vec![domain::FieldError::new("answer", "error-answer-invalid")]);
    }
    let comment = domain::assessment::parse_comment(comment);
    let evidence = domain::assessment::parse_evidence_url(evidence);
    let confidence =
        if confidence.is_empty() { Ok(Confidence::SelfDeclared) } else { confidence.parse::<Confidence>() };
    match (comment, evidence, confidence) {
        (Ok(comment), Ok(evidence_url), Ok(confidence)) => Ok(store::NewAnswer {
            question_id: q.id.clone(),
            answer: answer.code().to_owned(),
            comment,
            confidence,
            evidence_url,
        }),
        (c, e, k) => Err([c.err(), e.err(), k.err()].into_iter().flatten().collect()),
    }
}

/// Checks every submitted answer of one area against the model.
fn parse_area_answers(
    model: &Model,
    area: &str,
    form: &HashMap<String, String>,
) -> Result<Vec<store::NewAnswer>, Vec<AreaError>> {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for (n, q) in model.questions_in(area).enumerate() {
        let get = |name: &str| form.get(&format!("{name}.{}", q.id)).map(String::as_str).unwrap_or("");
        if get("answer").is_empty() {
            // A comment or a link without an answer would be lost: say so.
            if !get("comment").trim().is_empty() || !get("evidence").trim().is_empty() {
                errs.push(AreaError { field: format!("q-{}", q.id), n: n + 1, code: "error-comment-needs-answer" });
            }
            continue;
        }
        match check_answer(q, get("answer"), get("comment"), get("evidence"), get("confidence")) {
            Ok(a) => out.push(a),
            Err(e) => errs.extend(e.into_iter().map(|e| AreaError {
                field: format!(
                    "{}-{}",
                    match e.field {
                        "comment" => "c",
                        "evidence_url" => "e",
                        "confidence" => "k",
                        _ => "q",
                    },
                    q.id
                ),
                n: n + 1,
                code: e.code,
            })),
        }
    }
    if errs.is_empty() { Ok(out) } else { Err(errs) }
}

/// A problem with one input of an area page: the input's id (without `f-`),
/// the question's number on the page and the message key.
pub(crate) struct AreaError {
    field: String,
    n: usize,
    code: &'static str,
}

fn area_errors(lang: domain::user::Language, errs: &[AreaError]) -> Errors {
    Errors(
        errs.iter()
            .map(|e| {
                let msg = crate::i18n::t_args(
                    lang,
                    "error-question-n",
                    &[("n", e.n.to_string()), ("message", crate::i18n::t(lang, e.code))],
                );
                (e.field.clone(), msg)
            })
            .collect(),
    )
}

/// Who may take a lifecycle step: the CISO submits, locks and sends back;
/// management approves and sends back.
pub(crate) fn step_allowed(s: &Session, org: Uuid, tree: &OrgTree, step: Transition) -> bool {
    let manage = s.principal.can(Permission::ManageAssessments, org, tree);
    let approve = s.principal.can(Permission::ApproveAssessments, org, tree);
    match step {
        Transition::Submit | Transition::Lock => manage,
        Transition::Approve => approve,
        Transition::ReturnToDraft => manage || approve,
    }
}

pub async fn save_area(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, area_id)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load(&state, &s, id).await?;
    if l.model.area(&area_id).is_none() || (!l.full && !l.mine.contains(&area_id)) {
        return Err(AppError::NotFound);
    }
    let manage = s.principal.can(Permission::ManageAssessments, l.a.org_id, &l.tree);
    // A coordinator with the area delegated proposes; the CISO answers.
    let proposing = !manage && l.mine.contains(&area_id);
    if !manage && !proposing {
        return Err(AppError::Forbidden);
    }
    let answers = match parse_area_answers(&l.model, &area_id, &form) {
        Ok(a) => a,
        Err(errs) => {
            let files = state.store.list_evidence(id).await?;
            let proposals = state.store.list_proposals(id).await?;
            let errors = area_errors(s.user.language, &errs);
            let extras = AreaExtras { files: &files, proposals: &proposals, proposing, editable: true };
            let page = area_page(&s, &l, extras, &area_id, Some(&form), errors)?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    if proposing {
        // Only what differs from the current answer is a proposal.
        let answers = answers
            .into_iter()
            .filter(|n| {
                !l.answers.iter().any(|a| {
                    a.question_id == n.question_id
                        && a.answer == n.answer
                        && a.comment == n.comment
                        && a.confidence == n.confidence
                        && a.evidence_url == n.evidence_url
                })
            })
            .collect();
        state.store.save_proposals(&actor(&s), id, answers).await?;
    } else {
        state.store.save_answers(&actor(&s), id, answers).await?;
    }
    // The autosave script asks for JSON; a plain form post goes on to the next area.
    if form.contains_key("autosave") {
        return Ok(axum::response::IntoResponse::into_response(Json(serde_json::json!({"saved": true}))));
    }
    let next = match form.get("go").map(String::as_str) {
        Some("next") => l
            .model
            .areas
            .iter()
            .position(|a| a.id == area_id)
            .and_then(|p| l.model.areas.get(p + 1))
            .map(|a| a.id.clone()),
        _ => None,
    };
    Ok(match next {
        Some(n) => see_other(&format!("/assessments/{id}/areas/{n}")),
        None => see_other(&format!("/assessments/{id}?done=saved")),
    })
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    action: String,
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
    if !step_allowed(&s, l.a.org_id, &l.tree, step) {
        return Err(AppError::Forbidden);
    }
    match state.store.transition_assessment(&actor(&s), id, step).await {
        Ok(_) => Ok(see_other(&format!("/assessments/{id}?done={}", step.code()))),
        Err(store::StoreError::Conflict { field, code }) => {
            let page =
                overview(&state, &s, id, Errors::new(s.user.language, &[domain::FieldError::new(field, code)]), None)
                    .await?;
            render_status(StatusCode::CONFLICT, &page)
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
    if !s.principal.can(Permission::ManageAssessments, l.a.org_id, &l.tree) {
        return Err(AppError::Forbidden);
    }
    match state.store.reopen_assessment(&actor(&s), id).await {
        Ok(new) => Ok(see_other(&format!("/assessments/{}?done=reopen", new.id))),
        Err(store::StoreError::Conflict { field, code }) => {
            let page =
                overview(&state, &s, id, Errors::new(s.user.language, &[domain::FieldError::new(field, code)]), None)
                    .await?;
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(e) => Err(e.into()),
    }
}

pub struct FeedbackItem {
    pub qid: String,
    pub question: String,
    pub area: String,
    pub must: bool,
    pub status: String,
    pub action: String,
    pub guidance: String,
    pub references: String,
}

pub struct LevelView {
    pub level: u8,
    pub name: String,
    pub percent: u32,
    pub threshold: u32,
    pub musts_met: bool,
    pub reached: bool,
}

#[derive(Template)]
#[template(path = "assessment_result.html")]
struct ResultPage {
    ctx: Ctx,
    id: Uuid,
    org: String,
    org_id: Uuid,
    period: i32,
    level: u8,
    level_name: String,
    next_level: u8,
    next_level_name: String,
    levels: Vec<LevelView>,
    areas: Vec<(String, u32, String)>,
    chart: String,
    feedback: Vec<FeedbackItem>,
    unanswered: Vec<(String, String)>,
    can_plan: bool,
}

fn status_text(ctx: &Ctx, s: Status) -> String {
    ctx.t(&format!("question-status-{}", s.code()))
}

fn outcome_views(ctx: &Ctx, model: &Model, o: &Outcome) -> (Vec<LevelView>, Vec<(String, u32, String)>) {
    let levels = o
        .levels
        .iter()
        .map(|l| LevelView {
            level: l.level,
            name: model.level(l.level).map(|d| d.name.get(ctx.lang).to_owned()).unwrap_or_default(),
            percent: l.tally.percent(),
            threshold: (l.threshold * 100.0).round() as u32,
            musts_met: l.musts_met,
            reached: l.reached,
        })
        .collect();
    let areas = o
        .areas
        .iter()
        .map(|a| {
            let name = model.area(&a.area).map(|x| x.name.get(ctx.lang).to_owned()).unwrap_or_default();
            (name, a.tally.percent(), format!("{} / {}", a.tally.points, a.tally.max))
        })
        .collect();
    (levels, areas)
}

pub async fn result(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    let ctx = Ctx::for_session(&s, "/assessments");
    let o = scoring::score(&l.model, &l.answer_map());
    let (levels, areas) = outcome_views(&ctx, &l.model, &o);
    let chart = charts::bars(&areas.iter().map(|(n, p, _)| (n.clone(), *p)).collect::<Vec<_>>());
    let feedback = o
        .blockers
        .iter()
        .filter_map(|b| {
            let q = l.model.question(&b.question)?;
            Some(FeedbackItem {
                qid: q.id.clone(),
                question: q.text.get(ctx.lang).to_owned(),
                area: l.model.area(&q.area).map(|a| a.name.get(ctx.lang).to_owned()).unwrap_or_default(),
                must: b.must,
                status: status_text(&ctx, b.status),
                action: q.action.get(ctx.lang).to_owned(),
                guidance: q.guidance.get(ctx.lang).to_owned(),
                references: q.references.join(" · "),
            })
        })
        .collect();
    let unanswered = o
        .unanswered
        .iter()
        .filter_map(|qid| l.model.question(qid))
        .map(|q| (q.area.clone(), q.text.get(ctx.lang).to_owned()))
        .collect();
    let level_name = |n: u8| l.model.level(n).map(|d| d.name.get(ctx.lang).to_owned()).unwrap_or_default();
    render(&ResultPage {
        id,
        org: l.org_name(),
        org_id: l.a.org_id,
        period: l.a.period,
        level: o.level,
        level_name: if o.level == 0 { ctx.t("level-none") } else { level_name(o.level) },
        next_level: o.level + 1,
        next_level_name: level_name(o.level + 1),
        levels,
        areas,
        chart,
        feedback,
        unanswered,
        can_plan: s.principal.can(Permission::ManageActions, l.a.org_id, &l.tree),
        ctx,
    })
}

pub struct ChangeView {
    pub area: String,
    pub question: String,
    pub before: String,
    pub after: String,
    pub better: bool,
}

#[derive(Template)]
#[template(path = "assessment_history.html")]
struct HistoryPage {
    ctx: Ctx,
    org: String,
    org_id: Uuid,
    periods: Vec<(Uuid, i32, u8, u32)>,
    level_chart: String,
    area_chart: String,
    area_rows: Vec<(String, Vec<String>)>,
    choices: Vec<(Uuid, String)>,
    a: String,
    b: String,
    changes: Vec<ChangeView>,
    same_model: bool,
    units: Vec<(Uuid, String, String, u8, Vec<u32>)>,
    area_names: Vec<String>,
}

#[derive(Deserialize)]
pub struct CompareQuery {
    a: Option<String>,
    b: Option<String>,
}

/// Level and area shares of an organisation over every period (the latest
/// revision of each), a question-by-question comparison of two of them, and
/// the units below it side by side.
pub async fn history(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(org_id): Path<String>,
    Query(q): Query<CompareQuery>,
) -> AppResult<Response> {
    let org_id = parse_id(&org_id)?;
    let tree = state.store.org_tree().await?;
    if !s.principal.can(Permission::ViewAssessments, org_id, &tree) {
        return Err(AppError::NotFound);
    }
    let ctx = Ctx::for_session(&s, "/assessments");
    let mut latest: Vec<store::Assessment> = Vec::new();
    for a in state.store.list_assessments(Some(&[org_id])).await? {
        if !latest.iter().any(|x| x.period == a.period) {
            latest.push(a);
        }
    }
    latest.sort_by_key(|a| a.period);
    let mut scored = Vec::new();
    for a in &latest {
        let model = state.models.get(&state.store, a.model_id).await?;
        let answers = answer_map(&state.store.list_answers(a.id).await?);
        let o = scoring::score(&model, &answers);
        scored.push((a.clone(), model, answers, o));
    }
    let labels: Vec<String> = scored.iter().map(|(a, ..)| a.period.to_string()).collect();
    let level_chart = charts::lines(
        &labels,
        &[(ctx.t("history-level"), scored.iter().map(|(.., o)| Some(f64::from(o.level))).collect())],
        4.0,
        "",
    );
    // Area shares over the periods, by the newest model's areas.
    let (area_chart, area_rows) = match scored.last() {
        Some((_, model, ..)) => {
            let rows: Vec<(String, Vec<String>)> = model
                .areas
                .iter()
                .map(|ar| {
                    let vals = scored
                        .iter()
                        .map(|(.., o)| {
                            o.area(&ar.id).map(|x| format!("{} %", x.tally.percent())).unwrap_or_else(|| "–".into())
                        })
                        .collect();
                    (ar.name.get(ctx.lang).to_owned(), vals)
                })
                .collect();
            let series: Vec<(String, Vec<Option<f64>>)> = model
                .areas
                .iter()
                .take(6)
                .map(|ar| {
                    (
                        ar.name.get(ctx.lang).to_owned(),
                        scored.iter().map(|(.., o)| o.area(&ar.id).map(|x| f64::from(x.tally.percent()))).collect(),
                    )
                })
                .collect();
            (charts::lines(&labels, &series, 100.0, " %"), rows)
        }
        None => (String::new(), Vec::new()),
    };
    let periods = scored.iter().map(|(a, _, _, o)| (a.id, a.period, o.level, o.total.percent())).collect();
    let choices: Vec<(Uuid, String)> = scored.iter().map(|(a, ..)| (a.id, a.period.to_string())).collect();
    let pick = |v: &Option<String>, default: Option<usize>| -> String {
        v.clone()
            .filter(|x| !x.is_empty())
            .or_else(|| default.and_then(|i| choices.get(i)).map(|c| c.0.to_string()))
            .unwrap_or_default()
    };
    let n = choices.len();
    let a_id = pick(&q.a, n.checked_sub(2));
    let b_id = pick(&q.b, n.checked_sub(1));
    let mut changes = Vec::new();
    let mut same_model = true;
    let find = |id: &str| scored.iter().find(|(a, ..)| a.id.to_string() == id);
    if let (Some(x), Some(y)) = (find(&a_id), find(&b_id)) {
        if x.0.model_id == y.0.model_id {
            for c in scoring::compare(&y.1, &x.2, &y.2).into_iter().filter(|c| c.direction != Direction::Same) {
                let question = y.1.question(&c.question);
                changes.push(ChangeView {
                    area: question
                        .and_then(|q| y.1.area(&q.area))
                        .map(|a| a.name.get(ctx.lang).to_owned())
                        .unwrap_or_default(),
                    question: question.map(|q| q.text.get(ctx.lang).to_owned()).unwrap_or_default(),
                    before: status_text(&ctx, c.before),
                    after: status_text(&ctx, c.after),
                    better: c.direction == Direction::Better,
                });
            }
        } else {
            same_model = false;
        }
    }
    // The units directly below, side by side: their latest assessment.
    let mut units = Vec::new();
    let mut area_names = Vec::new();
    if let Some((newest, model, ..)) = scored.last() {
        area_names = model.areas.iter().map(|a| a.name.get(ctx.lang).to_owned()).collect();
        let below: Vec<Uuid> = tree.subtree(org_id).into_iter().skip(1).map(|(_, n)| n.id).collect();
        let all = state.store.list_assessments(Some(&below)).await?;
        for (_, n) in tree.subtree(org_id).into_iter().skip(1) {
            if let Some(a) = all.iter().find(|a| a.org_id == n.id && a.model_id == newest.model_id) {
                let answers = answer_map(&state.store.list_answers(a.id).await?);
                let o = scoring::score(model, &answers);
                units.push((
                    a.id,
                    n.name.clone(),
                    a.period.to_string(),
                    o.level,
                    o.areas.iter().map(|x| x.tally.percent()).collect(),
                ));
            }
        }
    }
    render(&HistoryPage {
        org: tree.get(org_id).map(|n| n.name.clone()).unwrap_or_default(),
        org_id,
        periods,
        level_chart,
        area_chart,
        area_rows,
        choices,
        a: a_id,
        b: b_id,
        changes,
        same_model,
        units,
        area_names,
        ctx,
    })
}

/// Largest evidence file (the request body limit is 2 MiB).
pub const MAX_EVIDENCE_BYTES: usize = 1536 * 1024;

#[derive(Template)]
#[template(path = "assessment_evidence.html")]
struct EvidencePage {
    ctx: Ctx,
    id: Uuid,
    org: String,
    period: i32,
    area_id: String,
    question_id: String,
    question: String,
    files: Vec<store::EvidenceFile>,
    editable: bool,
    errors: Errors,
}

fn evidence_page(
    s: &Session,
    l: &Loaded,
    qid: &str,
    files: Vec<store::EvidenceFile>,
    errors: Errors,
) -> AppResult<EvidencePage> {
    let q = l.model.question(qid).ok_or(AppError::NotFound)?;
    let ctx = Ctx::for_session(s, "/assessments");
    Ok(EvidencePage {
        id: l.a.id,
        org: l.org_name(),
        period: l.a.period,
        area_id: q.area.clone(),
        question_id: q.id.clone(),
        question: q.text.get(ctx.lang).to_owned(),
        files: files.into_iter().filter(|f| f.question_id == qid).collect(),
        editable: l.a.status.editable() && s.principal.can(Permission::ManageAssessments, l.a.org_id, &l.tree),
        errors,
        ctx,
    })
}

pub async fn evidence_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, qid)): Path<(String, String)>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    let files = state.store.list_evidence(id).await?;
    render(&evidence_page(&s, &l, &qid, files, Errors::default())?)
}

/// A file name safe to store and to send back: no path, no control characters.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    if cleaned.trim().is_empty() { "underlag".into() } else { cleaned.trim().to_owned() }
}

pub async fn evidence_upload(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, qid)): Path<(String, String)>,
    mut form: axum::extract::Multipart,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    if !s.principal.can(Permission::ManageAssessments, l.a.org_id, &l.tree) {
        return Err(AppError::Forbidden);
    }
    l.model.question(&qid).ok_or(AppError::NotFound)?;
    let mut upload = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest("error-too-large"))? {
        if field.name() == Some("file") {
            let name = clean_filename(field.file_name().unwrap_or(""));
            let ct = field.content_type().unwrap_or("application/octet-stream").to_owned();
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("error-too-large"))?;
            upload = Some((name, ct, bytes));
        }
    }
    let error = match &upload {
        None => Some("error-evidence-missing"),
        Some((_, _, b)) if b.is_empty() => Some("error-evidence-missing"),
        Some((_, _, b)) if b.len() > MAX_EVIDENCE_BYTES => Some("error-evidence-too-large"),
        _ => None,
    };
    if let Some(code) = error {
        let files = state.store.list_evidence(id).await?;
        let page =
            evidence_page(&s, &l, &qid, files, Errors::new(s.user.language, &[domain::FieldError::new("file", code)]))?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let (name, ct, bytes) = upload.expect("checked above");
    state.store.insert_evidence(&actor(&s), id, &qid, &name, &ct, &bytes).await?;
    Ok(see_other(&format!("/assessments/{id}/questions/{qid}/evidence")))
}

pub async fn evidence_download(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let file = parse_id(&file)?;
    let (meta, content) = state.store.find_evidence(file).await?.ok_or(AppError::NotFound)?;
    load_full(&state, &s, meta.assessment_id).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        meta.filename.replace(|c: char| !c.is_ascii() || c == '"', "_"),
        form_urlencoded::byte_serialize(meta.filename.as_bytes()).collect::<String>().replace('+', "%20")
    );
    Ok(axum::response::IntoResponse::into_response((
        [
            (axum::http::header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        content,
    )))
}
