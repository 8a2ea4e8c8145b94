//! The year wheel (årshjul): recurring activities shown month by month, and
//! each user's private calendar feed (iCalendar) behind a revocable token.

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

use super::orgs::actor;
use super::plan::today;
use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WheelQuery {
    org: String,
    year: String,
}

pub struct Entry {
    pub id: Uuid,
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
        Concerns::Training | Concerns::Classification | Concerns::RiskAnalysis | Concerns::Other => None,
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
    orgs: Vec<(Uuid, String)>,
    months: Vec<Month>,
    manage_orgs: Vec<(Uuid, String)>,
    errors: Errors,
    f: ActivityFields,
    recurrences: Vec<(&'static str, String)>,
    concerns: Vec<(&'static str, String)>,
}

/// The organisations whose year wheel a user follows: those they may see and
/// every organisation above them (a förvaltning follows its kommun's wheel).
pub fn wheel_orgs(p: &domain::authz::Principal, tree: &OrgTree) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = Vec::new();
    for o in p.visible_orgs(Permission::ViewPlans, tree) {
        for n in tree.path(o) {
            if !out.contains(&n.id) {
                out.push(n.id);
            }
        }
    }
    out
}

fn org_list(s: &Session, tree: &OrgTree, perm: Permission) -> Vec<(Uuid, String)> {
    let mut out = Vec::new();
    for root in s.principal.visible_roots(perm, tree) {
        for (d, n) in tree.subtree(root) {
            out.push((n.id, format!("{}{}", "– ".repeat(d), n.name)));
        }
    }
    out
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
    if !s.principal.can_somewhere(Permission::ViewPlans) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let ctx = Ctx::for_session(s, "/reviews");
    let year = domain::assessment::Period::parse(&q.year).map(|p| p.year()).unwrap_or_else(|_| today().year());
    // The chosen organisation and the ones above it (whose wheel it follows), or all the user follows.
    let visible: Vec<Uuid> = match q.org.parse::<Uuid>() {
        Ok(o) if s.principal.can(Permission::ViewPlans, o, &tree) => tree.path(o).iter().map(|n| n.id).collect(),
        Ok(_) => return Err(AppError::NotFound),
        Err(_) => wheel_orgs(&s.principal, &tree),
    };
    let activities = state.store.list_activities(&visible).await?;
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
                            id: a.id,
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
        orgs: org_list(s, &tree, Permission::ViewPlans),
        months,
        manage_orgs: org_list(s, &tree, Permission::ManageReviews),
        errors,
        f,
        recurrences: Recurrence::ALL.iter().map(|r| (r.code(), ctx.t(&format!("recurrence-{}", r.code())))).collect(),
        concerns: Concerns::ALL.iter().map(|c| (c.code(), ctx.t(&format!("concerns-{}", c.code())))).collect(),
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
    if !s.principal.can_somewhere(Permission::ManageReviews) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let org = form.org_id.parse::<Uuid>().ok();
    if org.is_some_and(|o| !s.principal.can(Permission::ManageReviews, o, &tree)) {
        return Err(AppError::NotFound);
    }
    let parsed = form.f.parse();
    match (org, parsed) {
        (Some(org), Ok(input)) => {
            state.store.insert_activity(&actor(&s), org, input).await?;
            Ok(see_other(&format!("/yearwheel?org={org}")))
        }
        (org, parsed) => {
            let mut errs = parsed.err().map(|e| e.0).unwrap_or_default();
            if org.is_none() {
                errs.insert(0, domain::FieldError::new("org_id", "error-org-choose"));
            }
            let errors = Errors::new(s.user.language, &errs);
            let q = WheelQuery::default();
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &wheel_page(&state, &s, &q, errors, form.f).await?)
        }
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
    recurrences: Vec<(&'static str, String)>,
    concerns: Vec<(&'static str, String)>,
}

async fn load(state: &SharedState, s: &Session, id: &str) -> AppResult<(store::Activity, OrgTree, bool)> {
    let a = state.store.find_activity(parse_id(id)?).await?.ok_or(AppError::NotFound)?;
    let tree = state.store.org_tree().await?;
    if !wheel_orgs(&s.principal, &tree).contains(&a.org_id) {
        return Err(AppError::NotFound);
    }
    let may = s.principal.can(Permission::ManageReviews, a.org_id, &tree);
    Ok((a, tree, may))
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
        recurrences: Recurrence::ALL.iter().map(|r| (r.code(), ctx.t(&format!("recurrence-{}", r.code())))).collect(),
        concerns: Concerns::ALL.iter().map(|c| (c.code(), ctx.t(&format!("concerns-{}", c.code())))).collect(),
        ctx,
    }
}

pub async fn show_activity(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, tree, may) = load(&state, &s, &id).await?;
    let d = &a.data;
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
    render(&activity_page(Ctx::for_session(&s, "/reviews"), &a, &tree, f, Errors::default(), may))
}

pub async fn update_activity(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ActivityFields>,
) -> AppResult<Response> {
    let (a, tree, may) = load(&state, &s, &id).await?;
    if !may {
        return Err(AppError::Forbidden);
    }
    match f.parse() {
        Ok(input) => {
            state.store.update_activity(&actor(&s), a.id, input).await?;
            Ok(see_other(&format!("/yearwheel?org={}", a.org_id)))
        }
        Err(e) => {
            let errors = Errors::new(s.user.language, &e.0);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &activity_page(Ctx::for_session(&s, "/reviews"), &a, &tree, f, errors, true),
            )
        }
    }
}

pub async fn delete_activity(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, _, may) = load(&state, &s, &id).await?;
    if !may {
        return Err(AppError::Forbidden);
    }
    state.store.delete_activity(&actor(&s), a.id).await?;
    Ok(see_other(&format!("/yearwheel?org={}", a.org_id)))
}

// ----- The calendar feed -----

pub fn token_hash(token: &str) -> String {
    crate::session::hash_token(token)
}

/// The feed: every activity of the organisations the token's owner may see
/// now (roles withdrawn since are respected), as recurring all-day events.
pub async fn feed(State(state): State<SharedState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let user_id = state.store.calendar_token_user(&token_hash(token)).await?.ok_or(AppError::NotFound)?;
    let user = state.store.find_user(user_id).await?.ok_or(AppError::NotFound)?;
    if !user.active {
        return Err(AppError::NotFound);
    }
    let assignments = state.store.list_assignments(user_id).await?;
    let principal = domain::authz::Principal::new(user_id, assignments.iter().map(|a| a.assignment()).collect());
    let tree = state.store.org_tree().await?;
    let activities = state.store.list_activities(&wheel_orgs(&principal, &tree)).await?;
    let lang = user.language;
    let ics = ical(&activities, &tree, lang, today().year());
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
