//! The year wheel (årshjul): recurring activities shown month by month, and
//! each user's private calendar feed (iCalendar) behind a revocable token.
//! The use cases are in `crate::app::yearwheel`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use domain::authz::Permission;
use domain::calendar::{ActivityFields, Concerns, Recurrence};
use domain::org::OrgTree;
use serde::Deserialize;
use uuid::Uuid;

use super::plan::{CodeOption, OrgOption, org_options, today};
use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WheelQuery {
    org: String,
    year: String,
}

pub struct Entry {
    /// The entry's page: the activity, the steering document to review, the
    /// audit whose answers are due, the incident whose report is due or the
    /// course whose completions run out.
    pub href: String,
    /// What is overdue (a steering document's review, an audit's answers); empty if nothing.
    pub badge: String,
    pub title: String,
    pub day: String,
    pub org: String,
    pub concerns: String,
    /// Where in Lisa the activity's work is done, if anywhere.
    pub link: Option<&'static str>,
    pub responsible: String,
}

/// The page an activity's subject lives on.
pub fn concerns_link(c: Concerns) -> Option<&'static str> {
    match c {
        Concerns::Assessment => Some("/assessments"),
        Concerns::UnitReports => Some("/unit-reports"),
        Concerns::Review => Some("/reviews"),
        Concerns::ActionPlan => Some("/plan"),
        Concerns::Training => Some("/training"),
        Concerns::Classification | Concerns::RiskAnalysis | Concerns::Other => None,
    }
}

pub struct Month {
    pub name: String,
    pub entries: Vec<Entry>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "yearwheel.html")]
struct WheelPage {
    ctx: Ctx,
    year: i32,
    org: String,
    orgs: Vec<OrgOption>,
    months: Vec<Month>,
    manage_orgs: Vec<OrgOption>,
    errors: Errors,
    f: ActivityFields,
    recurrences: Vec<CodeOption>,
    concerns: Vec<CodeOption>,
}

fn recurrence_options(ctx: &Ctx) -> Vec<CodeOption> {
    Recurrence::ALL
        .iter()
        .map(|r| CodeOption { code: r.code(), label: ctx.t(&format!("recurrence-{}", r.code())) })
        .collect()
}

fn concerns_options(ctx: &Ctx) -> Vec<CodeOption> {
    Concerns::ALL
        .iter()
        .map(|c| CodeOption { code: c.code(), label: ctx.t(&format!("concerns-{}", c.code())) })
        .collect()
}

pub fn month_key(m: u32) -> String {
    format!("month-{m}")
}

async fn wheel_page(
    state: &SharedState,
    s: &Session,
    q: &WheelQuery,
    errors: Errors,
    f: ActivityFields,
) -> AppResult<WheelPage> {
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let activities = app::yearwheel::wheel_activities(&state.store, &s.caller(), &tree, q.org.parse().ok()).await?;
    let documents = app::yearwheel::wheel_documents(&state.store, &s.caller(), &tree, q.org.parse().ok()).await?;
    let audits = app::yearwheel::wheel_audits(&state.store, &s.caller(), &tree, q.org.parse().ok()).await?;
    let deadlines = app::yearwheel::wheel_deadlines(&state.store, &s.caller(), &tree, q.org.parse().ok()).await?;
    let renewals = app::yearwheel::wheel_renewals(&state.store, &s.caller(), &tree, q.org.parse().ok()).await?;
    let ctx = Ctx::for_session(s, "/reviews");
    let year = domain::assessment::Period::parse(&q.year).map(|p| p.year()).unwrap_or_else(|_| today().year());
    let now = today();
    let months = (1..=12)
        .map(|m| {
            let mut entries: Vec<(u32, Entry)> = activities
                .iter()
                .filter(|a| a.data.months_in(year).contains(&m))
                .map(|a| {
                    let day = a.data.day.map(|_| a.data.date_in(year, m).day());
                    (
                        day.unwrap_or(0),
                        Entry {
                            href: format!("/yearwheel/{}", a.id),
                            badge: String::new(),
                            title: a.data.title.clone(),
                            day: day.map(|d| format!("{d}/{m}")).unwrap_or_else(|| ctx.t("yearwheel-whole-month")),
                            org: tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
                            concerns: ctx.t(&format!("concerns-{}", a.data.concerns.code())),
                            link: concerns_link(a.data.concerns),
                            responsible: a.data.responsible.clone(),
                        },
                    )
                })
                .collect();
            // Steering documents due for review this month.
            for d in &documents {
                let Some(next) = d.data.next_review.filter(|n| n.year() == year && n.month() == m) else { continue };
                entries.push((
                    next.day(),
                    Entry {
                        href: format!("/steering/{}", d.id),
                        badge: if domain::steering::is_overdue(d.data.status, d.data.next_review, now) {
                            ctx.t("steering-overdue")
                        } else {
                            String::new()
                        },
                        title: d.data.title.clone(),
                        day: format!("{}/{m}", next.day()),
                        org: tree.get(d.org_id).map(|n| n.name.clone()).unwrap_or_default(),
                        concerns: ctx.t("steering-yearwheel"),
                        link: Some("/steering"),
                        responsible: d.data.owner.clone(),
                    },
                ));
            }
            // Audits whose answers are due this month.
            for a in &audits {
                let Some(due) = a.responses_due.filter(|n| n.year() == year && n.month() == m) else { continue };
                let late = a.unanswered > 0 && domain::audits::answer_overdue(false, Some(due), now);
                entries.push((
                    due.day(),
                    Entry {
                        href: format!("/audits/{}", a.id),
                        badge: if late {
                            crate::i18n::t_args(
                                ctx.lang,
                                "yearwheel-audit-late",
                                &[("count", a.unanswered.to_string())],
                            )
                        } else {
                            String::new()
                        },
                        title: a.title.clone(),
                        day: format!("{}/{m}", due.day()),
                        org: tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
                        concerns: ctx.t("yearwheel-audit"),
                        link: Some("/audits"),
                        responsible: String::new(),
                    },
                ));
            }
            // Open incidents' reporting deadlines, in Swedish time.
            for w in &deadlines {
                let due = domain::clock::stockholm(&w.duty.due);
                if due.year() != year || due.month() != m {
                    continue;
                }
                let missed = matches!(w.duty.state, domain::incident::duties::DeadlineState::Missed);
                entries.push((
                    due.day(),
                    Entry {
                        href: format!("/incidents/{}#step-{}", w.incident, w.duty.step.code()),
                        badge: if missed { ctx.t("yearwheel-deadline-missed") } else { String::new() },
                        title: format!("{}: {}", ctx.tk("incident-step", &w.duty.step.code()), w.title),
                        day: format!("{}/{m} {}", due.day(), due.format("%H:%M")),
                        org: tree.get(w.org_id).map(|n| n.name.clone()).unwrap_or_default(),
                        concerns: ctx.t("yearwheel-deadline"),
                        link: Some("/incidents"),
                        responsible: String::new(),
                    },
                ));
            }
            // Training whose counts run out: renew the training or record a new count.
            for r in renewals.iter().filter(|r| r.due.year() == year && r.due.month() == m) {
                let org = match r.units.as_slice() {
                    [one] => tree.get(*one).map(|n| n.name.clone()).unwrap_or_default(),
                    many => {
                        crate::i18n::t_args(ctx.lang, "yearwheel-renewal-units", &[("count", many.len().to_string())])
                    }
                };
                entries.push((
                    r.due.day(),
                    Entry {
                        href: format!("/training/courses/{}", r.course.id),
                        badge: if r.due <= now { ctx.t("yearwheel-renewal-expired") } else { String::new() },
                        title: r.course.data.name.clone(),
                        day: format!("{}/{m}", r.due.day()),
                        org,
                        concerns: ctx.t("yearwheel-renewal"),
                        link: Some("/training"),
                        responsible: String::new(),
                    },
                ));
            }
            entries.sort_by_key(|(d, _)| *d);
            Month {
                name: ctx.t(&month_key(m)),
                entries: entries.into_iter().map(|(_, e)| e).collect(),
                current: year == now.year() && m == now.month(),
            }
        })
        .collect();
    Ok(WheelPage {
        year,
        org: q.org.clone(),
        orgs: org_options(s, &tree, Permission::ViewPlans),
        months,
        manage_orgs: org_options(s, &tree, Permission::ManageReviews),
        errors,
        f,
        recurrences: recurrence_options(&ctx),
        concerns: concerns_options(&ctx),
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<WheelQuery>,
) -> AppResult<Response> {
    let f = ActivityFields { recurrence: "yearly".into(), ..Default::default() };
    render(&wheel_page(&state, &s, &q, Errors::default(), f).await?)
}

#[derive(Deserialize, Default)]
pub struct ActivityForm {
    #[serde(default)]
    org_id: String,
    #[serde(flatten)]
    f: ActivityFields,
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(form): Form<ActivityForm>,
) -> AppResult<Response> {
    let org = form.org_id.parse::<Uuid>().ok();
    match app::yearwheel::create_activity(&state.store, &s.caller(), org, &form.f).await {
        Ok(a) => Ok(see_other(&format!("/yearwheel?org={}", a.org_id))),
        Err(app::Error::Validation(errs)) => {
            let errors = Errors::new(s.user.language, &errs);
            let q = WheelQuery::default();
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &wheel_page(&state, &s, &q, errors, form.f).await?)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    ctx: Ctx,
    errors: Errors,
    id: Uuid,
    org: String,
    f: ActivityFields,
    can_edit: bool,
    recurrences: Vec<CodeOption>,
    concerns: Vec<CodeOption>,
}

fn activity_page(
    ctx: Ctx,
    a: &store::Activity,
    tree: &OrgTree,
    f: ActivityFields,
    errors: Errors,
    can_edit: bool,
) -> ActivityPage {
    ActivityPage {
        errors,
        id: a.id,
        org: tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
        f,
        can_edit,
        recurrences: recurrence_options(&ctx),
        concerns: concerns_options(&ctx),
        ctx,
    }
}

pub async fn show_activity(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let v = app::yearwheel::load_activity(&state.store, &s.caller(), parse_id(&id)?).await?;
    let d = &v.activity.data;
    let f = ActivityFields {
        title: d.title.clone(),
        month: d.month.to_string(),
        day: d.day.map(|x| x.to_string()).unwrap_or_default(),
        recurrence: d.recurrence.code().into(),
        year: d.year.map(|x| x.to_string()).unwrap_or_default(),
        responsible: d.responsible.clone(),
        concerns: d.concerns.code().into(),
        note: d.note.clone(),
    };
    render(&activity_page(Ctx::for_session(&s, "/reviews"), &v.activity, &v.tree, f, Errors::default(), v.may_edit))
}

pub async fn update_activity(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ActivityFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let caller = s.caller();
    match app::yearwheel::update_activity(&state.store, &caller, id, &f).await {
        Ok(a) => Ok(see_other(&format!("/yearwheel?org={}", a.org_id))),
        Err(app::Error::Validation(errs)) => {
            let v = app::yearwheel::load_activity(&state.store, &caller, id).await?;
            let errors = Errors::new(s.user.language, &errs);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &activity_page(Ctx::for_session(&s, "/reviews"), &v.activity, &v.tree, f, errors, true),
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_activity(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let a = app::yearwheel::delete_activity(&state.store, &s.caller(), parse_id(&id)?).await?;
    Ok(see_other(&format!("/yearwheel?org={}", a.org_id)))
}

// ----- The calendar feed -----

/// The feed: every activity of the organisations the token's owner may see
/// now (roles withdrawn since are respected), as recurring all-day events.
pub async fn feed(State(state): State<SharedState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let f = app::yearwheel::calendar_feed(&state.store, token).await?;
    let ics = ical(&f.activities, &f.tree, f.language, today().year());
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "private, max-age=900")], ics)
        .into_response())
}

/// Renders activities as an iCalendar document.
pub fn ical(activities: &[store::Activity], tree: &OrgTree, lang: domain::user::Language, year: i32) -> String {
    use icalendar::{Calendar, Component, Event, EventLike};
    let mut cal = Calendar::new();
    cal.name(&format!("Lisa – {}", crate::i18n::t(lang, "yearwheel-title")));
    for a in activities {
        let d = &a.data;
        let start = d.first_date(year.min(d.year.unwrap_or(year)));
        let org = tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default();
        let mut desc = format!("{}: {org}", crate::i18n::t(lang, "col-org"));
        if !d.responsible.is_empty() {
            desc.push_str(&format!("\n{}: {}", crate::i18n::t(lang, "col-responsible"), d.responsible));
        }
        desc.push_str(&format!(
            "\n{}: {}",
            crate::i18n::t(lang, "col-concerns"),
            crate::i18n::t(lang, &format!("concerns-{}", d.concerns.code()))
        ));
        if !d.note.is_empty() {
            desc.push_str(&format!("\n{}", d.note));
        }
        let mut e = Event::new();
        e.uid(&format!("{}@lisa", a.id))
            .summary(&d.title)
            .description(&desc)
            .starts(start)
            .ends(start.succ_opt().unwrap_or(start))
            .timestamp(a.updated_at);
        if let Some(rule) = d.rrule() {
            e.add_property("RRULE", rule);
        }
        cal.push(e.done());
    }
    cal.done().to_string()
}
