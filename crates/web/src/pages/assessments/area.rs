//! Answering one area: the questions with their answers, errors by
//! question, a coordinator's proposals, and saving.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Form, Json};
use domain::assessment::{CheckedAnswer, Confidence, check_answer};
use domain::model::Model;
use domain::scoring;
use uuid::Uuid;

use crate::SharedState;
use crate::app::assessment::{self as app, AreaRole, Loaded};
use crate::error::{AppError, AppResult};
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

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

/// A confidence mark offered in the select.
pub struct ConfidenceOption {
    pub code: &'static str,
    pub label: String,
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
    confidences: Vec<ConfidenceOption>,
}

/// What an area page shows besides the answers.
struct AreaExtras<'a> {
    files: &'a [store::EvidenceFile],
    proposals: &'a [store::Proposal],
    /// The user answers as a delegated coordinator.
    proposing: bool,
    editable: bool,
}

fn proposal_text(ctx: &Ctx, q: &domain::model::Question, p: &store::Proposal) -> String {
    let label =
        q.option(&p.answer).map(|o| o.text.get(ctx.lang).to_owned()).unwrap_or_else(|| ctx.t("answer-not-applicable"));
    let comment = if p.comment.is_empty() { String::new() } else { format!(" – ”{}”", p.comment) };
    format!("{} ({}): {label}{comment}", p.proposed_by, ctx.date_time(&p.proposed_at))
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
        l.answers.as_ref().clone()
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
                    Some(p) if !proposing => proposal_text(&ctx, q, p),
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
        confidences: Confidence::ALL
            .iter()
            .map(|c| ConfidenceOption { code: c.code(), label: ctx.t(&format!("confidence-{}", c.code())) })
            .collect(),
        ctx,
    })
}

pub async fn area(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, area_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let caller = s.caller();
    let l = app::load(&state.store, &state.models, &caller, id).await?;
    if !l.full && !l.mine.contains(&area_id) {
        return Err(AppError::NotFound);
    }
    let manage = l.may_manage(&caller);
    let editable = l.a.status.editable() && (manage || l.mine.contains(&area_id));
    let files = app::list_evidence(&state.store, &l).await?;
    let proposals = state.store.list_proposals(id).await?;
    let proposing = !manage && l.mine.contains(&area_id);
    let extras = AreaExtras { files: &files, proposals: &proposals, proposing, editable };
    render(&area_page(&s, &l, extras, &area_id, None, Errors::default())?)
}

/// A problem with one input of an area page: the input's id (without `f-`),
/// the question's number on the page and the message key.
struct AreaError {
    field: String,
    n: usize,
    code: &'static str,
}

/// Checks every submitted answer of one area against the model.
fn parse_area_answers(
    model: &Model,
    area: &str,
    form: &HashMap<String, String>,
) -> Result<Vec<CheckedAnswer>, Vec<AreaError>> {
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

pub async fn save_area(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, area_id)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let caller = s.caller();
    let l = app::load(&state.store, &state.models, &caller, id).await?;
    // A coordinator with the area delegated proposes; the CISO answers.
    let role = app::area_role(&caller, &l, &area_id)?;
    let answers = match parse_area_answers(&l.model, &area_id, &form) {
        Ok(a) => a,
        Err(errs) => {
            let files = app::list_evidence(&state.store, &l).await?;
            let proposals = state.store.list_proposals(id).await?;
            let errors = area_errors(s.user.language, &errs);
            let proposing = role == AreaRole::Propose;
            let extras = AreaExtras { files: &files, proposals: &proposals, proposing, editable: true };
            let page = area_page(&s, &l, extras, &area_id, Some(&form), errors)?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    app::save_area(&state.store, &caller, &l, &area_id, answers).await?;
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
