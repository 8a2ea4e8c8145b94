//! One audit: its details, questions with assessments and the audited
//! bodies' self-assessment results, findings by area, recommendations with
//! each body's copy, the report's file, and for a follow-up audit the
//! reassessment of the earlier audit's open recommendations.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::audits::{Assessment, FindingFields, QuestionFields, TargetStatus};
use uuid::Uuid;

use super::{AuditRow, audit_row};
use crate::SharedState;
use crate::app;
use crate::app::audits::AuditDetail;
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::pages::plan::CodeOption;
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

/// One body's copy of a recommendation as a row.
pub struct CopyRow {
    pub id: Uuid,
    pub org: String,
    pub status: TargetStatus,
    pub status_label: String,
    pub stance: String,
    pub measures: String,
    pub responsible: String,
    pub due: String,
    pub overdue: bool,
    pub actions: usize,
    /// The recommendation's text (in the reassessment list).
    pub recommendation: String,
}

impl CopyRow {
    pub fn of(ctx: &Ctx, d: &AuditDetail, t: &store::Target, recommendation: &str) -> Self {
        let r = t.response.as_ref();
        let today = domain::clock::today();
        CopyRow {
            id: t.id,
            org: d.v.org_name(t.org_id),
            status: t.status,
            status_label: ctx.tk("audit-status", &t.status.code()),
            stance: r.map(|r| ctx.tk("audit-stance", &r.stance.code())).unwrap_or_default(),
            measures: r.map(|r| r.measures.clone()).unwrap_or_default(),
            responsible: r.map(|r| r.responsible.clone()).unwrap_or_default(),
            due: r.and_then(|r| r.due).map(|x| x.to_string()).unwrap_or_default(),
            overdue: domain::audits::answer_overdue(r.is_some(), d.v.audit.data.responses_due, today),
            actions: d.actions.iter().filter(|a| a.data.origin_ref == domain::audits::action_ref(t.id)).count(),
            recommendation: recommendation.to_owned(),
        }
    }
}

pub struct QuestionRow {
    pub id: Uuid,
    pub n: usize,
    pub text: String,
    pub areas: String,
    pub assessment: String,
    pub assessment_code: &'static str,
    pub motivation: String,
    pub results: Vec<String>,
}

pub struct RecommendationRow {
    pub n: usize,
    pub text: String,
    pub copies: Vec<CopyRow>,
}

pub struct BodyOption {
    pub id: Uuid,
    pub name: String,
}

/// Which of the page's forms failed, with its typed values.
#[derive(Default)]
pub struct Failed {
    pub question: Option<(Option<Uuid>, QuestionFields)>,
    pub finding: Option<FindingFields>,
    pub recommendation: Option<String>,
    pub report: bool,
}

#[derive(Template)]
#[template(path = "audits_show.html")]
struct AuditPage {
    ctx: Ctx,
    r: AuditRow,
    purpose: String,
    started: String,
    report_delivered: String,
    follows_up: Option<(Uuid, String)>,
    bodies: Vec<BodyOption>,
    full: bool,
    may_manage: bool,
    report: Option<(String, i64)>,
    questions: Vec<QuestionRow>,
    findings: Vec<(String, Vec<String>)>,
    recommendations: Vec<RecommendationRow>,
    reassess: Vec<CopyRow>,
    is_follow_up: bool,
    assessments: Vec<CodeOption>,
    statuses: Vec<CodeOption>,
    areas_hint: String,
    question_form: QuestionFields,
    edit_question: Option<Uuid>,
    finding_form: FindingFields,
    recommendation_form: String,
    errors: Errors,
    failed: &'static str,
    id: Uuid,
}

impl AuditPage {
    /// The errors of one form of the page (empty for the others).
    pub fn errors_of(&self, form: &str) -> Errors {
        if self.failed == form { Errors(self.errors.0.clone()) } else { Errors::default() }
    }

    /// The errors of a question's edit form (empty for the others).
    pub fn edit_errors(&self, q: &QuestionRow) -> Errors {
        if self.edit_question == Some(q.id) { self.errors_of("edit") } else { Errors::default() }
    }

    /// The question form's values: the typed ones if its edit failed.
    pub fn question_values(&self, q: &QuestionRow) -> QuestionFields {
        if self.edit_question == Some(q.id) {
            return self.question_form.clone();
        }
        QuestionFields {
            text: q.text.clone(),
            areas: q.areas.clone(),
            assessment: q.assessment_code.to_owned(),
            motivation: q.motivation.clone(),
        }
    }
}

async fn audit_page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    failed: Failed,
    errors: Errors,
) -> AppResult<AuditPage> {
    let caller = s.caller();
    let d = app::audits::audit_detail(&state.store, &state.models, &caller, id).await?;
    let ctx = Ctx::for_session(s, "/audits");
    let a = &d.v.audit;
    let lang = ctx.lang;
    let questions = d
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionRow {
            id: q.id,
            n: i + 1,
            text: q.data.text.clone(),
            areas: q.data.areas.join(", "),
            assessment: match q.data.assessment {
                Some(x) => ctx.tk("audit-assessment", &x.code()),
                None => ctx.t("audit-assessment-none"),
            },
            assessment_code: q.data.assessment.map(Assessment::code).unwrap_or(""),
            motivation: q.data.motivation.clone(),
            results: d
                .area_results
                .iter()
                .filter(|r| q.data.areas.contains(&r.area))
                .map(|r| {
                    i18n::t_args(
                        lang,
                        "audit-area-result",
                        &[
                            ("org", d.v.org_name(r.org_id)),
                            ("period", r.period.to_string()),
                            ("area", r.area_name.get(lang).to_owned()),
                            ("percent", r.percent.to_string()),
                            ("answered", r.answered.to_string()),
                            ("questions", r.questions.to_string()),
                        ],
                    )
                })
                .collect(),
        })
        .collect();
    let mut findings: Vec<(String, Vec<String>)> = Vec::new();
    for f in &d.findings {
        match findings.iter_mut().find(|(area, _)| *area == f.area) {
            Some((_, texts)) => texts.push(f.text.clone()),
            None => findings.push((f.area.clone(), vec![f.text.clone()])),
        }
    }
    let recommendations = d
        .recommendations
        .iter()
        .enumerate()
        .map(|(i, r)| RecommendationRow {
            n: i + 1,
            text: r.text.clone(),
            copies: r.targets.iter().map(|t| CopyRow::of(&ctx, &d, t, &r.text)).collect(),
        })
        .collect();
    let reassess = d.to_reassess.iter().map(|(t, text)| CopyRow::of(&ctx, &d, t, text)).collect();
    let bodies = d.v.visible_bodies(&caller).into_iter().map(|b| BodyOption { id: b, name: d.v.org_name(b) }).collect();
    let date = |x: Option<chrono::NaiveDate>| x.map(|v| v.to_string()).unwrap_or_default();
    let (question_form, edit_question) = match failed.question {
        Some((edit, f)) => (f, edit),
        None => (QuestionFields::default(), None),
    };
    let failed_name = if edit_question.is_some() {
        "edit"
    } else if failed.finding.is_some() {
        "fi"
    } else if failed.recommendation.is_some() {
        "r"
    } else if failed.report {
        "rep"
    } else {
        "q"
    };
    let area_example = if d.v.may_manage {
        app::audits::model_areas(&state.store, &state.models)
            .await?
            .iter()
            .map(|(id, name)| format!("{id} ({})", name.get(lang)))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        String::new()
    };
    let areas_hint = i18n::t_args(lang, "audit-areas-hint", &[("example", area_example)]);
    Ok(AuditPage {
        r: audit_row(&ctx, &d.v.tree, a),
        purpose: a.data.purpose.clone(),
        started: date(a.data.started),
        report_delivered: date(a.data.report_delivered),
        follows_up: d.follows_up.clone(),
        bodies,
        full: d.v.full,
        may_manage: d.v.may_manage,
        report: a.report_filename.clone().map(|n| (n, (a.report_size + 1023) / 1024)),
        questions,
        findings,
        recommendations,
        reassess,
        is_follow_up: a.data.follows_up.is_some(),
        assessments: Assessment::ALL
            .iter()
            .map(|x| CodeOption { code: x.code(), label: ctx.tk("audit-assessment", &x.code()) })
            .collect(),
        statuses: TargetStatus::ALL
            .iter()
            .map(|x| CodeOption { code: x.code(), label: ctx.tk("audit-status", &x.code()) })
            .collect(),
        areas_hint,
        question_form,
        edit_question,
        finding_form: failed.finding.unwrap_or_default(),
        recommendation_form: failed.recommendation.unwrap_or_default(),
        failed: if errors.any() { failed_name } else { "" },
        errors,
        id,
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render(&audit_page(&state, &s, parse_id(&id)?, Failed::default(), Errors::default()).await?)
}

/// Answers a failed form: the page again with the messages (422), or the error.
async fn refused(state: &SharedState, s: &Session, id: Uuid, failed: Failed, e: app::Error) -> AppResult<Response> {
    match e {
        app::Error::Validation(_) | app::Error::Conflict(_) => {
            let errs = e.field_errors();
            let page = audit_page(state, s, id, failed, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        e => Err(e.into()),
    }
}

pub async fn add_question(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<QuestionFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::audits::add_question(&state.store, &s.caller(), id, &f).await {
        Ok(_) => Ok(see_other(&format!("/audits/{id}#questions"))),
        Err(e) => refused(&state, &s, id, Failed { question: Some((None, f)), ..Default::default() }, e).await,
    }
}

pub async fn update_question(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, question)): Path<(String, String)>,
    Form(f): Form<QuestionFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let question = parse_id(&question)?;
    match app::audits::update_question(&state.store, &s.caller(), id, question, &f).await {
        Ok(()) => Ok(see_other(&format!("/audits/{id}#q-{question}"))),
        Err(e) => {
            refused(&state, &s, id, Failed { question: Some((Some(question), f)), ..Default::default() }, e).await
        }
    }
}

pub async fn add_finding(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<FindingFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::audits::add_finding(&state.store, &s.caller(), id, &f).await {
        Ok(_) => Ok(see_other(&format!("/audits/{id}#findings"))),
        Err(e) => refused(&state, &s, id, Failed { finding: Some(f), ..Default::default() }, e).await,
    }
}

pub async fn add_recommendation(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut text = String::new();
    let mut chosen = Vec::new();
    let mut to_all = false;
    for (k, v) in pairs.iter().take(domain::audits::MAX_ITEMS + 4) {
        match k.as_str() {
            "text" => text = v.clone(),
            "targets" => chosen.push(parse_id(v)?),
            "to_all" => to_all = !v.is_empty(),
            _ => {}
        }
    }
    match app::audits::add_recommendation(&state.store, &s.caller(), id, &text, &chosen, to_all).await {
        Ok(_) => Ok(see_other(&format!("/audits/{id}#recommendations"))),
        Err(e) => refused(&state, &s, id, Failed { recommendation: Some(text), ..Default::default() }, e).await,
    }
}

pub async fn report_file(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (name, bytes) = app::audits::report_file(&state.store, &s.caller(), parse_id(&id)?).await?;
    Ok(crate::render::attachment(&name, bytes))
}

pub async fn upload_report(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    mut form: axum::extract::Multipart,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let bad = |_| AppError::BadRequest("error-too-large");
    let mut upload: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(bad)?.to_vec();
            upload = Some((name, bytes));
        }
    }
    let (name, bytes) = upload.unwrap_or_default();
    match app::audits::set_report(&state.store, &s.caller(), id, &name, &bytes).await {
        Ok(()) => Ok(see_other(&format!("/audits/{id}#report"))),
        Err(e) => refused(&state, &s, id, Failed { report: true, ..Default::default() }, e).await,
    }
}
