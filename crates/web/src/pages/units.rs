//! The units' yearly reports for the management review (seed 003) and the
//! organisation's review checklist.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::Permission;
use domain::org::OrgTree;
use domain::review::{PointStatus, UnitReportStatus, reporting_units, review_org};
use serde::Deserialize;
use uuid::Uuid;

use super::orgs::actor;
use super::plan::today;
use super::review::default_points;
use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    year: String,
}

fn year_of(q: &str) -> i32 {
    domain::assessment::Period::parse(q).map(|p| p.year()).unwrap_or_else(|_| chrono::Datelike::year(&today()))
}

/// Every reporting unit the user has anything to do with: as coordinator,
/// owner, or reader of the organisation's plans.
fn my_units(s: &Session, tree: &OrgTree) -> Vec<Uuid> {
    let mut orgs: Vec<Uuid> = Vec::new();
    for perm in [Permission::ViewPlans, Permission::ReportUnit, Permission::ApproveUnitReports] {
        for id in s.principal.visible_orgs(perm, tree) {
            if review_org(tree, id) == Some(id) && !orgs.contains(&id) {
                orgs.push(id);
            }
        }
    }
    let mut units = Vec::new();
    for org in orgs {
        for u in reporting_units(tree, org) {
            let mine = [Permission::ViewPlans, Permission::ReportUnit, Permission::ApproveUnitReports]
                .iter()
                .any(|p| s.principal.can(*p, u, tree));
            if mine && !units.contains(&u) {
                units.push(u);
            }
        }
    }
    // A coordinator of a unit below an organisation they cannot otherwise see.
    for perm in [Permission::ReportUnit, Permission::ApproveUnitReports] {
        for id in s.principal.visible_orgs(perm, tree) {
            if let Some(org) = review_org(tree, id)
                && reporting_units(tree, org).contains(&id)
                && !units.contains(&id)
            {
                units.push(id);
            }
        }
    }
    units
}

pub struct UnitRow {
    pub unit_id: Uuid,
    pub unit: String,
    pub org: String,
    pub status: String,
    pub done: bool,
}

#[derive(Template)]
#[template(path = "unit_reports.html")]
struct ListPage {
    ctx: Ctx,
    year: i32,
    rows: Vec<UnitRow>,
}

pub async fn list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let tree = state.store.org_tree().await?;
    let units = my_units(&s, &tree);
    if units.is_empty() && !s.principal.can_somewhere(Permission::ViewPlans) {
        return Err(AppError::Forbidden);
    }
    let year = year_of(&q.year);
    let ctx = Ctx::for_session(&s, "/reviews");
    let reports = state.store.unit_reports(&units, year).await?;
    let name = |id: Option<Uuid>| id.and_then(|id| tree.get(id)).map(|n| n.name.clone()).unwrap_or_default();
    let rows = units
        .iter()
        .map(|u| {
            let st = reports.iter().find(|r| r.unit_id == *u).map(|r| r.status);
            UnitRow {
                unit_id: *u,
                unit: name(Some(*u)),
                org: name(review_org(&tree, *u)),
                status: match st {
                    Some(st) => ctx.t(&format!("unit-report-status-{}", st.code())),
                    None => ctx.t("unit-report-missing"),
                },
                done: st.is_some_and(|x| x != UnitReportStatus::Draft),
            }
        })
        .collect();
    render(&ListPage { ctx, year, rows })
}

pub struct PointRow {
    pub id: Uuid,
    pub text: String,
    pub status: String,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "unit_report.html")]
struct ReportPage {
    ctx: Ctx,
    errors: Errors,
    unit_id: Uuid,
    unit: String,
    year: i32,
    status_label: String,
    points: Vec<PointRow>,
    statuses: Vec<(&'static str, String)>,
    can_edit: bool,
    can_approve: bool,
    meta: String,
}

struct UnitCtx {
    unit: Uuid,
    org: Uuid,
    tree: OrgTree,
    may_report: bool,
    may_approve: bool,
}

async fn unit_ctx(state: &SharedState, s: &Session, unit: &str) -> AppResult<UnitCtx> {
    let unit = parse_id(unit)?;
    let tree = state.store.org_tree().await?;
    let org = review_org(&tree, unit).ok_or(AppError::NotFound)?;
    if !reporting_units(&tree, org).contains(&unit) {
        return Err(AppError::NotFound);
    }
    let may_report = s.principal.can(Permission::ReportUnit, unit, &tree);
    let may_approve = s.principal.can(Permission::ApproveUnitReports, unit, &tree);
    if !(may_report || may_approve || s.principal.can(Permission::ViewPlans, unit, &tree)) {
        return Err(AppError::NotFound);
    }
    Ok(UnitCtx { unit, org, tree, may_report, may_approve })
}

async fn report_page(
    state: &SharedState,
    s: &Session,
    u: &UnitCtx,
    year: i32,
    errors: Errors,
    given: Option<&[(String, String, String)]>,
) -> AppResult<ReportPage> {
    let ctx = Ctx::for_session(s, "/reviews");
    let points = state.store.ensure_points(&store::Actor::system(), u.org, &default_points()).await?;
    let report = state.store.unit_report(u.unit, year).await?;
    let rows = points
        .iter()
        .filter(|p| p.active)
        .map(|p| {
            let stored = report.as_ref().and_then(|r| r.items.iter().find(|(id, _, _)| *id == p.id));
            let from_form = given.and_then(|g| g.iter().find(|(id, _, _)| *id == p.id.to_string()));
            let (status, comment) = match (from_form, stored) {
                (Some((_, st, c)), _) => (st.clone(), c.clone()),
                (None, Some((_, st, c))) => (st.code().to_owned(), c.clone()),
                (None, None) => (String::new(), String::new()),
            };
            PointRow { id: p.id, text: p.text.clone(), status, comment }
        })
        .collect();
    let status = report.as_ref().map(|r| r.status);
    let meta = report
        .as_ref()
        .map(|r| {
            let mut m = format!("{} {} {}", ctx.t("unit-report-updated"), ctx.date_time(&r.updated_at), r.updated_by);
            if let (Some(by), Some(at)) = (&r.approved_by, &r.approved_at) {
                m.push_str(&format!(" · {} {} {by}", ctx.t("unit-report-approved-by"), ctx.date_time(at)));
            }
            m
        })
        .unwrap_or_default();
    Ok(ReportPage {
        errors,
        unit_id: u.unit,
        unit: u.tree.get(u.unit).map(|n| n.name.clone()).unwrap_or_default(),
        year,
        status_label: match status {
            Some(st) => ctx.t(&format!("unit-report-status-{}", st.code())),
            None => ctx.t("unit-report-missing"),
        },
        points: rows,
        statuses: PointStatus::ALL.iter().map(|x| (x.code(), ctx.t(&format!("point-status-{}", x.code())))).collect(),
        can_edit: u.may_report && status != Some(UnitReportStatus::Approved),
        can_approve: u.may_approve && status == Some(UnitReportStatus::Submitted),
        meta,
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((unit, year)): Path<(String, String)>,
) -> AppResult<Response> {
    let u = unit_ctx(&state, &s, &unit).await?;
    let year = domain::assessment::Period::parse(&year).map_err(|_| AppError::NotFound)?.year();
    render(&report_page(&state, &s, &u, year, Errors::default(), None).await?)
}

/// Parses a report form: `status-<point>` and `comment-<point>` for every
/// active point; submitting needs a status on every point.
/// A report form read: the valid items, what was typed (to show again), the errors.
pub struct ParsedItems {
    pub items: Vec<(Uuid, PointStatus, String)>,
    pub given: Vec<(String, String, String)>,
    pub errs: Vec<domain::FieldError>,
}

pub fn parse_items(points: &[store::Point], form: &[(String, String)], submit: bool) -> ParsedItems {
    let get = |k: String| form.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut items = Vec::new();
    let mut given = Vec::new();
    let mut errs = Vec::new();
    for p in points.iter().filter(|p| p.active) {
        let st = get(format!("status-{}", p.id));
        let comment = get(format!("comment-{}", p.id));
        given.push((p.id.to_string(), st.clone(), comment.clone()));
        match domain::parse_text("comment", &comment, 2000, false) {
            Ok(c) => match st.parse::<PointStatus>() {
                Ok(s) => items.push((p.id, s, c)),
                Err(_) if st.is_empty() && !submit => {}
                Err(_) if st.is_empty() => errs.push(domain::FieldError::new("status", "error-unit-report-incomplete")),
                Err(e) => errs.push(e),
            },
            Err(e) => errs.push(e),
        }
    }
    errs.dedup();
    ParsedItems { items, given, errs }
}

pub async fn save(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((unit, year)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let u = unit_ctx(&state, &s, &unit).await?;
    if !u.may_report {
        return Err(AppError::Forbidden);
    }
    let year = domain::assessment::Period::parse(&year).map_err(|_| AppError::NotFound)?.year();
    let submit = form.iter().any(|(k, v)| k == "action" && v == "submit");
    let points = state.store.ensure_points(&store::Actor::system(), u.org, &default_points()).await?;
    let ParsedItems { items, given, errs } = parse_items(&points, &form, submit);
    if !errs.is_empty() {
        let errors = Errors::new(s.user.language, &errs);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &report_page(&state, &s, &u, year, errors, Some(&given)).await?,
        );
    }
    state.store.save_unit_report(&actor(&s), u.unit, year, items, submit).await?;
    Ok(see_other(&format!("/unit-reports/{}/{year}", u.unit)))
}

pub async fn approve(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((unit, year)): Path<(String, String)>,
) -> AppResult<Response> {
    let u = unit_ctx(&state, &s, &unit).await?;
    if !u.may_approve {
        return Err(AppError::Forbidden);
    }
    let year = domain::assessment::Period::parse(&year).map_err(|_| AppError::NotFound)?.year();
    state.store.approve_unit_report(&actor(&s), u.unit, year).await?;
    Ok(see_other(&format!("/unit-reports/{}/{year}", u.unit)))
}

// ----- The checklist -----

#[derive(Template)]
#[template(path = "checklist.html")]
struct ChecklistPage {
    ctx: Ctx,
    errors: Errors,
    org_id: Uuid,
    org: String,
    points: Vec<store::Point>,
    can_edit: bool,
}

async fn checklist_org(state: &SharedState, s: &Session, id: &str) -> AppResult<(Uuid, OrgTree)> {
    let id = parse_id(id)?;
    let tree = state.store.org_tree().await?;
    if !s.principal.can(Permission::ViewPlans, id, &tree) || review_org(&tree, id) != Some(id) {
        return Err(AppError::NotFound);
    }
    Ok((id, tree))
}

async fn checklist_page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    tree: &OrgTree,
    errors: Errors,
) -> AppResult<ChecklistPage> {
    Ok(ChecklistPage {
        ctx: Ctx::for_session(s, "/reviews"),
        errors,
        org_id: id,
        org: tree.get(id).map(|n| n.name.clone()).unwrap_or_default(),
        points: state.store.ensure_points(&store::Actor::system(), id, &default_points()).await?,
        can_edit: s.principal.can(Permission::ManageReviews, id, tree),
    })
}

pub async fn checklist(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (id, tree) = checklist_org(&state, &s, &id).await?;
    render(&checklist_page(&state, &s, id, &tree, Errors::default()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PointForm {
    text: String,
    active: String,
}

pub async fn add_point(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<PointForm>,
) -> AppResult<Response> {
    let (id, tree) = checklist_org(&state, &s, &id).await?;
    if !s.principal.can(Permission::ManageReviews, id, &tree) {
        return Err(AppError::Forbidden);
    }
    match domain::review::parse_point(&f.text) {
        Ok(text) => {
            state.store.ensure_points(&actor(&s), id, &default_points()).await?;
            state.store.add_point(&actor(&s), id, &text).await?;
            Ok(see_other(&format!("/orgs/{id}/checklist")))
        }
        Err(e) => {
            let errors = Errors::new(s.user.language, &[e]);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &checklist_page(&state, &s, id, &tree, errors).await?)
        }
    }
}

pub async fn update_point(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, point)): Path<(String, String)>,
    Form(f): Form<PointForm>,
) -> AppResult<Response> {
    let (id, tree) = checklist_org(&state, &s, &id).await?;
    if !s.principal.can(Permission::ManageReviews, id, &tree) {
        return Err(AppError::Forbidden);
    }
    let text = domain::review::parse_point(&f.text)?;
    state.store.update_point(&actor(&s), id, parse_id(&point)?, &text, f.active == "1").await?;
    Ok(see_other(&format!("/orgs/{id}/checklist")))
}
