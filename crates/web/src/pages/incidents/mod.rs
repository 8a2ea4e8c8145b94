//! Incidents (incidenter): the register with its filters and the form to
//! register one. One incident's page is in [`show`], the central
//! compilation in [`compilation`], an organisation's reporting duties (its
//! NIS class) in [`duties`].

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use domain::incident::compile::DeadlineStateKind;
use domain::incident::duties::{DeadlineState, Duty};
use domain::incident::{Aspect, Category, IncidentFields, Severity, Status};
use serde::Deserialize;
use uuid::Uuid;

use super::plan::{CodeOption, OrgOption};
use super::{Ctx, Errors, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::i18n;
use crate::session::{CurrentUser, Session};

pub mod compilation;
pub mod duties;
pub mod show;

/// The section every incident page belongs to (for the menu).
pub const SECTION: &str = "/incidents";

/// A deadline's state as a page shows it: a CSS class, the state in words
/// and a detail ("3 h 12 min kvar", "Rapporterad 2026-03-02 10:15").
pub struct ClockView {
    pub class: &'static str,
    pub label: String,
    pub detail: String,
}

/// `d`'s clock: running with the time left, met or late with the time
/// reported, missed since the deadline, or not required.
pub fn clock_view(ctx: &Ctx, d: &Duty) -> ClockView {
    let label = ctx.tk("incident-state", &d.state.kind().code());
    let at = |key: &str, t: &DateTime<Utc>| i18n::t_args(ctx.lang, key, &[("at", ctx.date_time(t))]);
    let (class, detail) = match &d.state {
        DeadlineState::Running { left } => {
            let minutes = left.num_minutes().max(0);
            (
                "badge-info",
                i18n::t_args(
                    ctx.lang,
                    "incident-left",
                    &[("hours", (minutes / 60).to_string()), ("minutes", (minutes % 60).to_string())],
                ),
            )
        }
        DeadlineState::Met { at: t } => ("ok", at("incident-met-at", t)),
        DeadlineState::Late { at: t } => ("badge", at("incident-late-at", t)),
        DeadlineState::Missed => ("badge", at("incident-missed-since", &d.due)),
        DeadlineState::NotRequired => ("muted", String::new()),
    };
    ClockView { class, label, detail }
}

/// How bad a deadline's state is, worst first: missed, running (the least
/// time left first), late, met, not required.
fn badness(d: &Duty) -> (u8, i64) {
    match &d.state {
        DeadlineState::Missed => (0, 0),
        DeadlineState::Running { left } => (1, left.num_seconds()),
        DeadlineState::Late { .. } => (2, 0),
        DeadlineState::Met { .. } => (3, 0),
        DeadlineState::NotRequired => (4, 0),
    }
}

/// The worst of an incident's clocks, or that it has no reporting duty.
pub fn worst_clock(ctx: &Ctx, duties: &[Duty]) -> ClockView {
    match duties.iter().min_by_key(|d| badness(d)) {
        Some(d) => {
            let mut v = clock_view(ctx, d);
            if d.state.kind() == DeadlineStateKind::Running || d.state.kind() == DeadlineStateKind::Missed {
                v.label = format!("{}: {}", ctx.tk("incident-step", &d.step.code()), v.label);
            }
            v
        }
        None => ClockView { class: "muted", label: ctx.t("incident-state-none"), detail: String::new() },
    }
}

/// The options of a select of an enum's codes, labelled by `prefix-code`.
fn code_options<T: Copy>(ctx: &Ctx, prefix: &str, all: &[T], code: impl Fn(T) -> &'static str) -> Vec<CodeOption> {
    all.iter().map(|x| CodeOption { code: code(*x), label: ctx.tk(prefix, &code(*x)) }).collect()
}

pub fn status_options(ctx: &Ctx) -> Vec<CodeOption> {
    code_options(ctx, "incident-status", Status::ALL, Status::code)
}

/// The register form's fields with their choices.
pub struct FormView {
    pub form: IncidentFields,
    pub categories: Vec<CodeOption>,
    pub severities: Vec<CodeOption>,
    /// Each aspect and whether it is ticked.
    pub aspects: Vec<(CodeOption, bool)>,
    pub personal_data: bool,
}

impl FormView {
    pub fn new(ctx: &Ctx, form: IncidentFields) -> Self {
        let ticked: Vec<&str> = form.aspects.split(',').map(str::trim).collect();
        FormView {
            categories: code_options(ctx, "incident-category", Category::ALL, Category::code),
            severities: code_options(ctx, "incident-severity", Severity::ALL, Severity::code),
            aspects: code_options(ctx, "incident-aspect", Aspect::ALL, Aspect::code)
                .into_iter()
                .map(|o| {
                    let on = ticked.contains(&o.code);
                    (o, on)
                })
                .collect(),
            personal_data: domain::incident::is_on(&form.personal_data),
            form,
        }
    }
}

/// Organisations to choose from, indented by their depth.
pub fn org_options(choices: Vec<app::incident::OrgChoice>) -> Vec<OrgOption> {
    choices.into_iter().map(|c| OrgOption { id: c.id, label: format!("{}{}", "– ".repeat(c.depth), c.name) }).collect()
}

/// The organisations where the caller may register incidents, in tree order.
pub async fn register_orgs(state: &SharedState, s: &Session) -> AppResult<Vec<OrgOption>> {
    Ok(org_options(app::incident::incident_orgs(&state.store, &s.caller()).await?))
}

/// An incident as the register lists it.
pub struct IncidentRow {
    pub id: Uuid,
    pub title: String,
    pub org: String,
    pub discovered: String,
    pub category: String,
    pub severity: String,
    pub status: String,
    pub status_code: &'static str,
    pub personal_data: bool,
    pub clock: ClockView,
}

/// The list's filters, from the query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub org: String,
    pub status: String,
    pub year: String,
}

impl Filter {
    /// The filter as the use case takes it: what does not parse is no filter.
    pub fn parsed(&self) -> store::IncidentFilter {
        let year = self.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
        let (from, to) = match year {
            Some(y) => (year_start(y), year_start(y + 1)),
            None => (None, None),
        };
        store::IncidentFilter {
            org: self.org.trim().parse().ok(),
            status: self.status.trim().parse().ok(),
            from,
            to,
            ..Default::default()
        }
    }
}

/// New Year's midnight of `year` in Swedish time.
pub fn year_start(year: i32) -> Option<DateTime<Utc>> {
    chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| domain::incident::from_stockholm(d.and_time(chrono::NaiveTime::MIN)))
}

/// The years a filter offers: from this year back to 2020.
pub fn years() -> Vec<i32> {
    let this = chrono::Datelike::year(&domain::clock::today());
    (2020..=this.max(2020)).rev().collect()
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct ListPage {
    ctx: Ctx,
    f: Filter,
    rows: Vec<IncidentRow>,
    count: String,
    orgs: Vec<OrgOption>,
    statuses: Vec<CodeOption>,
    years: Vec<i32>,
    can_register: bool,
}

pub async fn list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let caller = s.caller();
    let items = app::incident::list_incidents(&state.store, &caller, &f.parsed()).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let rows = items
        .iter()
        .map(|item| {
            let i = &item.incident;
            IncidentRow {
                id: i.id,
                title: i.data.title.clone(),
                org: item.org_name.clone(),
                discovered: ctx.date_time(&i.data.discovered_at),
                category: ctx.tk("incident-category", &i.data.category.code()),
                severity: ctx.tk("incident-severity", &i.data.severity.code()),
                status: ctx.tk("incident-status", &i.status.code()),
                status_code: i.status.code(),
                personal_data: i.data.personal_data,
                clock: worst_clock(&ctx, &item.duties),
            }
        })
        .collect::<Vec<_>>();
    render(&ListPage {
        count: i18n::t_args(ctx.lang, "incidents-count", &[("n", rows.len().to_string())]),
        rows,
        orgs: org_options(app::incident::viewable_orgs(&state.store, &caller).await?),
        statuses: status_options(&ctx),
        years: years(),
        can_register: !app::incident::incident_orgs(&state.store, &caller).await?.is_empty(),
        f,
        ctx,
    })
}

#[derive(Template)]
#[template(path = "incidents_new.html")]
struct NewPage {
    ctx: Ctx,
    orgs: Vec<OrgOption>,
    v: FormView,
    errors: Errors,
}

async fn new_page(state: &SharedState, s: &Session, form: IncidentFields, errors: Errors) -> AppResult<NewPage> {
    let ctx = Ctx::for_session(s, SECTION);
    let orgs = register_orgs(state, s).await?;
    if orgs.is_empty() {
        return Err(app::Error::Forbidden.into());
    }
    Ok(NewPage { orgs, v: FormView::new(&ctx, form), errors, ctx })
}

/// GET /incidents/new: the register form, discovered now and the first
/// category and severity chosen.
pub async fn new_form(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    let form = IncidentFields {
        discovered_at: domain::incident::local_input(&domain::now()),
        severity: Severity::Moderate.code().into(),
        ..Default::default()
    };
    render(&new_page(&state, &s, form, Errors::default()).await?)
}

/// POST /incidents: register an incident.
pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = IncidentFields::from_pairs(&pairs);
    match app::incident::register_incident(&state.store, &s.caller(), &f).await {
        Ok(i) => Ok(see_other(&format!("/incidents/{}", i.id))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = new_page(&state, &s, f, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}
