//! One incident: its details, its reporting duties as countdowns with a
//! form per step to record the notification, the timeline, the status,
//! actions in the action plan, and the form to change it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::incident::duties::Step;
use domain::incident::{EntryFields, IncidentFields, ReportFields, Status, local_input};
use serde::Deserialize;
use uuid::Uuid;

use super::{ClockView, FormView, SECTION, clock_view, register_orgs, status_options};
use crate::SharedState;
use crate::app;
use crate::error::{AppError, AppResult};
use crate::pages::plan::{CodeOption, OrgOption};
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

/// A notification's form values.
#[derive(Default)]
pub struct ReportForm {
    pub at: String,
    pub reference: String,
    pub note: String,
    pub not_required: bool,
}

/// One reporting duty as the page shows it.
pub struct DutyRow {
    pub step: &'static str,
    pub label: String,
    pub clock: ClockView,
    pub due: String,
    pub recipient: &'static str,
    pub source: &'static str,
    pub reference: String,
    pub note: String,
    pub form: ReportForm,
    /// The escalations sent for this step, in words.
    pub alerts: Vec<String>,
}

pub struct EntryRow {
    pub at: String,
    pub author: String,
    pub text: String,
}

/// Which of the page's forms failed, with its typed values.
#[derive(Default)]
pub enum Failed {
    #[default]
    None,
    Edit(IncidentFields),
    Entry(String),
    Report(Step, ReportFields),
    Status,
    Action,
}

impl Failed {
    fn name(&self) -> String {
        match self {
            Failed::None => String::new(),
            Failed::Edit(_) => "ed".into(),
            Failed::Entry(_) => "en".into(),
            Failed::Report(step, _) => format!("r-{}", step.code()),
            Failed::Status => "st".into(),
            Failed::Action => "ac".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "incidents_show.html")]
struct IncidentPage {
    ctx: Ctx,
    id: Uuid,
    title: String,
    status: String,
    status_code: &'static str,
    personal_data: bool,
    facts: Vec<(String, String)>,
    description: String,
    lessons: String,
    duties: Vec<DutyRow>,
    entries: Vec<EntryRow>,
    actions: Vec<(Uuid, String, String)>,
    statuses: Vec<CodeOption>,
    may_manage: bool,
    may_plan: bool,
    orgs: Vec<OrgOption>,
    edit: FormView,
    entry_form: String,
    errors: Errors,
    failed: String,
}

impl IncidentPage {
    /// The errors of one form of the page (empty for the others).
    pub fn errors_of(&self, form: &str) -> Errors {
        if self.failed == form { Errors(self.errors.0.clone()) } else { Errors::default() }
    }
}

/// The incident's values as the edit form shows them.
fn fields_of(i: &store::Incident) -> IncidentFields {
    let d = &i.data;
    IncidentFields {
        title: d.title.clone(),
        description: d.description.clone(),
        occurred_at: d.occurred_at.as_ref().map(local_input).unwrap_or_default(),
        discovered_at: local_input(&d.discovered_at),
        category: d.category.code().into(),
        aspects: domain::incident::join_aspects(&d.aspects),
        personal_data: if d.personal_data { "on".into() } else { String::new() },
        severity: d.severity.code().into(),
        responsible: d.responsible.clone(),
        lessons: d.lessons.clone(),
        org_id: d.org_id.to_string(),
    }
}

async fn incident_page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    failed: Failed,
    errors: Errors,
) -> AppResult<IncidentPage> {
    let caller = s.caller();
    let v = app::incident::load_incident(&state.store, &caller, id).await?;
    let ctx = Ctx::for_session(s, SECTION);
    let i = &v.incident;
    let d = &i.data;
    let when = |t: Option<&chrono::DateTime<chrono::Utc>>| t.map_or_else(|| ctx.t("not-given"), |t| ctx.date_time(t));
    let mut facts = vec![
        (ctx.t("incident-org"), v.org_name.clone()),
        (ctx.t("incident-category"), ctx.tk("incident-category", &d.category.code())),
        (ctx.t("incident-severity"), ctx.tk("incident-severity", &d.severity.code())),
        (
            ctx.t("incident-aspects"),
            d.aspects.iter().map(|a| ctx.tk("incident-aspect", &a.code())).collect::<Vec<_>>().join(", "),
        ),
        (ctx.t("incident-personal-data"), ctx.t(if d.personal_data { "yes" } else { "no" })),
        (ctx.t("incident-occurred"), when(d.occurred_at.as_ref())),
        (ctx.t("incident-discovered"), ctx.date_time(&d.discovered_at)),
        (ctx.t("incident-registered"), ctx.date_time(&i.registered_at)),
    ];
    if let Some(c) = &i.closed_at {
        facts.push((ctx.t("incident-closed-at"), ctx.date_time(c)));
    }
    if !d.responsible.is_empty() {
        facts.push((ctx.t("incident-responsible"), d.responsible.clone()));
    }
    let failed_name = if errors.any() { failed.name() } else { String::new() };
    let (typed_report, edit, entry_form) = match failed {
        Failed::Report(step, f) => (Some((step, f)), None, String::new()),
        Failed::Edit(f) => (None, Some(f), String::new()),
        Failed::Entry(t) => (None, None, t),
        _ => (None, None, String::new()),
    };
    let duties = v
        .duties
        .iter()
        .map(|duty| {
            let rec = v.reports.iter().find(|r| r.step == duty.step);
            let form = match &typed_report {
                Some((step, f)) if *step == duty.step => ReportForm {
                    at: f.at.clone(),
                    reference: f.reference.clone(),
                    note: f.note.clone(),
                    not_required: f.not_required,
                },
                _ => rec.map_or_else(ReportForm::default, |r| ReportForm {
                    at: r.data.at.as_ref().map(local_input).unwrap_or_default(),
                    reference: r.data.reference.clone(),
                    note: r.data.note.clone(),
                    not_required: r.data.not_required,
                }),
            };
            DutyRow {
                step: duty.step.code(),
                label: ctx.tk("incident-step", &duty.step.code()),
                clock: clock_view(&ctx, duty),
                due: ctx.date_time(&duty.due),
                recipient: duty.recipient,
                source: duty.source,
                reference: rec.map(|r| r.data.reference.clone()).unwrap_or_default(),
                note: rec.map(|r| r.data.note.clone()).unwrap_or_default(),
                form,
                alerts: v
                    .alerts
                    .iter()
                    .filter(|a| a.step == duty.step)
                    .map(|a| {
                        let sent = crate::i18n::t_args(
                            ctx.lang,
                            &format!("incident-alert-sent-{}", a.alert.code()),
                            &[("at", ctx.date_time(&a.sent_at))],
                        );
                        let mail = if a.emailed > 0 {
                            crate::i18n::t_args(ctx.lang, "incident-alert-emailed", &[("count", a.emailed.to_string())])
                        } else {
                            ctx.t("incident-alert-not-emailed")
                        };
                        format!("{sent} {mail}")
                    })
                    .collect(),
            }
        })
        .collect();
    let orgs = if v.may_manage { register_orgs(state, s).await? } else { Vec::new() };
    Ok(IncidentPage {
        id,
        title: d.title.clone(),
        status: ctx.tk("incident-status", &i.status.code()),
        status_code: i.status.code(),
        personal_data: d.personal_data,
        facts,
        description: d.description.clone(),
        lessons: d.lessons.clone(),
        duties,
        entries: v
            .entries
            .iter()
            .map(|e| EntryRow { at: ctx.date_time(&e.at), author: e.author.clone(), text: e.text.clone() })
            .collect(),
        actions: v
            .actions
            .iter()
            .map(|a| (a.id, a.data.title.clone(), ctx.tk("action-status", &a.data.status.code())))
            .collect(),
        statuses: status_options(&ctx),
        may_manage: v.may_manage,
        may_plan: v.may_plan,
        orgs,
        edit: FormView::new(&ctx, edit.unwrap_or_else(|| fields_of(i))),
        entry_form,
        errors,
        failed: failed_name,
        ctx,
    })
}

/// GET /incidents/{id}
pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render(&incident_page(&state, &s, parse_id(&id)?, Failed::None, Errors::default()).await?)
}

/// Answers a failed form: the page again with the messages (422), or the error.
async fn refused(state: &SharedState, s: &Session, id: Uuid, failed: Failed, e: app::Error) -> AppResult<Response> {
    match e {
        app::Error::Validation(_) | app::Error::Conflict(_) => {
            let errs = e.field_errors();
            let page = incident_page(state, s, id, failed, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        e => Err(e.into()),
    }
}

/// POST /incidents/{id}: change the incident's details.
pub async fn update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let f = IncidentFields::from_pairs(&pairs);
    match app::incident::update_incident(&state.store, &s.caller(), id, &f).await {
        Ok(_) => Ok(see_other(&format!("/incidents/{id}"))),
        Err(e) => refused(&state, &s, id, Failed::Edit(f), e).await,
    }
}

/// POST /incidents/{id}/entries: add to the timeline.
pub async fn add_entry(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<EntryFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::incident::add_entry(&state.store, &s.caller(), id, &f).await {
        Ok(_) => Ok(see_other(&format!("/incidents/{id}#timeline"))),
        Err(e) => refused(&state, &s, id, Failed::Entry(f.text), e).await,
    }
}

/// POST /incidents/{id}/reports/{step}: record a notification, or that it was not required.
pub async fn record_report(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, step)): Path<(String, String)>,
    Form(f): Form<ReportFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let step: Step = step.parse().map_err(|_| AppError::NotFound)?;
    match app::incident::record_report(&state.store, &s.caller(), id, step, &f).await {
        Ok(_) => Ok(see_other(&format!("/incidents/{id}#step-{}", step.code()))),
        Err(e) => refused(&state, &s, id, Failed::Report(step, f), e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    pub status: String,
}

/// POST /incidents/{id}/status
pub async fn set_status(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let to = f.status.trim().parse::<Status>().map_err(|e| app::Error::Validation(vec![e]));
    let done = match to {
        Ok(to) => app::incident::set_status(&state.store, &s.caller(), id, to).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(see_other(&format!("/incidents/{id}"))),
        Err(e) => refused(&state, &s, id, Failed::Status, e).await,
    }
}

/// POST /incidents/{id}/action: an action in the action plan, linked to the incident.
pub async fn plan_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::incident::plan_action(&state.store, &s.caller(), id).await {
        Ok(a) => Ok(see_other(&format!("/plan/{}", a.id))),
        Err(e) => refused(&state, &s, id, Failed::Action, e).await,
    }
}
