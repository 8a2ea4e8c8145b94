//! One body's copy of a recommendation: the answer (yttrande), the
//! follow-up of its status with the history, and the action made of it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::audits::{ResponseFields, Stance, TargetStatus};
use serde::Deserialize;
use uuid::Uuid;

use crate::SharedState;
use crate::app;
use crate::app::audits::TargetDetail;
use crate::error::AppResult;
use crate::i18n;
use crate::pages::plan::CodeOption;
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

pub struct EventRow {
    pub at: String,
    pub actor: String,
    pub change: String,
    pub note: String,
    pub follow_up: Option<(Uuid, String)>,
}

#[derive(Template)]
#[template(path = "audits_copy.html")]
struct CopyPage {
    ctx: Ctx,
    id: Uuid,
    title: String,
    audit_id: Uuid,
    audit_title: String,
    recommendation: String,
    status: TargetStatus,
    status_label: String,
    answer: Option<(String, String, String, String, String, String)>,
    answered_by: String,
    overdue: bool,
    closed: bool,
    may_answer: bool,
    may_follow_up: bool,
    may_plan: bool,
    stances: Vec<CodeOption>,
    statuses: Vec<CodeOption>,
    form: ResponseFields,
    events: Vec<EventRow>,
    actions: Vec<(Uuid, String, String)>,
    errors: Errors,
    failed: &'static str,
}

impl CopyPage {
    pub fn errors_of(&self, form: &str) -> Errors {
        if self.failed == form { Errors(self.errors.0.clone()) } else { Errors::default() }
    }
}

fn status_label(ctx: &Ctx, code: &str) -> String {
    ctx.tk("audit-status", &code)
}

async fn copy_page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    form: Option<ResponseFields>,
    failed: &'static str,
    errors: Errors,
) -> AppResult<CopyPage> {
    let caller = s.caller();
    let TargetDetail { t, events, actions, follow_ups } = app::audits::target_detail(&state.store, &caller, id).await?;
    let ctx = Ctx::for_session(s, "/audits");
    let lang = ctx.lang;
    let org = t.audit.org_name(t.target.org_id);
    let r = t.target.response.as_ref();
    let date = |d: Option<chrono::NaiveDate>| d.map(|x| x.to_string()).unwrap_or_default();
    let answer = r.map(|r| {
        (
            ctx.tk("audit-stance", &r.stance.code()),
            r.measures.clone(),
            r.responsible.clone(),
            date(r.due),
            r.decided_by.clone(),
            date(r.decided_on),
        )
    });
    let answered_by = match (&t.target.answered_by, &t.target.answered_at) {
        (Some(who), Some(at)) => {
            i18n::t_args(lang, "audit-answered-by", &[("who", who.clone()), ("at", ctx.date_time(at))])
        }
        _ => String::new(),
    };
    let form = form.unwrap_or_else(|| match r {
        Some(r) => ResponseFields {
            stance: r.stance.code().into(),
            measures: r.measures.clone(),
            responsible: r.responsible.clone(),
            due: date(r.due),
            decided_by: r.decided_by.clone(),
            decided_on: date(r.decided_on),
        },
        None => ResponseFields { stance: Stance::Agrees.code().into(), ..Default::default() },
    });
    let events = events
        .iter()
        .map(|e| EventRow {
            at: ctx.date_time(&e.at),
            actor: e.actor.clone(),
            change: i18n::t_args(
                lang,
                "audit-history-change",
                &[("from", status_label(&ctx, &e.from_status)), ("to", status_label(&ctx, &e.to_status))],
            ),
            // An answer's event carries the stance's code as its note.
            note: if e.follow_up_audit.is_none() && e.note.parse::<Stance>().is_ok() {
                format!("{}: {}", ctx.t("audit-answer"), ctx.tk("audit-stance", &e.note))
            } else {
                e.note.clone()
            },
            follow_up: e.follow_up_audit.and_then(|a| follow_ups.iter().find(|(x, _)| *x == a).cloned()),
        })
        .collect();
    let closed = t.target.status == TargetStatus::Closed;
    let statuses = TargetStatus::ALL
        .iter()
        .filter(|x| **x != t.target.status && (**x != TargetStatus::Closed || t.may_close))
        .map(|x| CodeOption { code: x.code(), label: ctx.tk("audit-status", &x.code()) })
        .collect();
    Ok(CopyPage {
        id,
        title: i18n::t_args(lang, "audit-copy-title", &[("org", org)]),
        audit_id: t.audit.audit.id,
        audit_title: t.audit.audit.data.title.clone(),
        recommendation: t.recommendation.clone(),
        status: t.target.status,
        status_label: ctx.tk("audit-status", &t.target.status.code()),
        overdue: domain::audits::answer_overdue(r.is_some(), t.audit.audit.data.responses_due, domain::clock::today()),
        answer,
        answered_by,
        closed,
        may_answer: t.may_answer && !closed,
        may_follow_up: (t.may_follow_up || t.may_close) && !closed,
        may_plan: t.may_plan && actions.is_empty() && r.is_some_and(|r| r.stance != Stance::Disagrees),
        stances: Stance::ALL
            .iter()
            .map(|x| CodeOption { code: x.code(), label: ctx.tk("audit-stance", &x.code()) })
            .collect(),
        statuses,
        form,
        events,
        actions: actions
            .iter()
            .map(|a| (a.id, a.data.title.clone(), ctx.tk("action-status", &a.data.status.code())))
            .collect(),
        errors,
        failed,
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render(&copy_page(&state, &s, parse_id(&id)?, None, "", Errors::default()).await?)
}

async fn refused(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    form: Option<ResponseFields>,
    failed: &'static str,
    e: app::Error,
) -> AppResult<Response> {
    match e {
        app::Error::Validation(_) | app::Error::Conflict(_) => {
            let errs = e.field_errors();
            let page = copy_page(state, s, id, form, failed, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        e => Err(e.into()),
    }
}

pub async fn answer(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ResponseFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::audits::answer(&state.store, &s.caller(), id, &f).await {
        Ok(_) => Ok(see_other(&format!("/audit-copies/{id}"))),
        Err(e) => refused(&state, &s, id, Some(f), "a", e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FollowUpForm {
    pub status: String,
    pub note: String,
    /// The follow-up audit that records the change, if any.
    pub follow_up: String,
}

pub async fn follow_up(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<FollowUpForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let by = if f.follow_up.trim().is_empty() { None } else { Some(parse_id(f.follow_up.trim())?) };
    match app::audits::follow_up(&state.store, &s.caller(), id, &f.status, &f.note, by).await {
        Ok(_) => Ok(see_other(&match by {
            Some(a) => format!("/audits/{a}#reassess"),
            None => format!("/audit-copies/{id}#follow-up"),
        })),
        Err(e) => refused(&state, &s, id, None, "s", e).await,
    }
}

pub async fn plan_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::audits::plan_action(&state.store, &s.caller(), id).await {
        Ok(a) => Ok(see_other(&format!("/plan/{}", a.id))),
        Err(e) => refused(&state, &s, id, None, "p", e).await,
    }
}
