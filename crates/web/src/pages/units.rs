//! The units' yearly reports for the management review (seed 003) and the
//! organisation's review checklist. The use cases are in `crate::app::unit`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::Permission;
use domain::review::{PointStatus, UnitReportStatus, review_org};
use serde::Deserialize;
use uuid::Uuid;

use super::plan::{CodeOption, today};
use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::app::unit::{ChecklistOrg, GivenItem, ParsedItems, UnitAccess};
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
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let units = app::unit::my_units(&s.caller(), &tree);
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
    /// The status the registers give the point, if they speak to it.
    pub computed: Option<ComputedMark>,
}

/// The status computed from the incident and training registers, beside the unit's own.
pub struct ComputedMark {
    /// "According to the registers: Partly".
    pub text: String,
    /// Why, in words.
    pub basis: String,
    /// The status chosen in the report differs from it.
    pub disagrees: bool,
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
    statuses: Vec<CodeOption>,
    can_edit: bool,
    can_approve: bool,
    meta: String,
}

async fn access(state: &SharedState, s: &Session, unit: &str) -> AppResult<UnitAccess> {
    Ok(app::unit::unit_access(&state.store, &s.caller(), parse_id(unit)?).await?)
}

async fn report_page(
    state: &SharedState,
    s: &Session,
    u: &UnitAccess,
    year: i32,
    errors: Errors,
    given: Option<&[GivenItem]>,
) -> AppResult<ReportPage> {
    let ctx = Ctx::for_session(s, "/reviews");
    let points = app::unit::checklist_points(&state.store, u.org).await?;
    let report = state.store.unit_report(u.unit, year).await?;
    let computed = app::unit::computed_statuses(&state.store, u, &points, year).await?;
    let rows = points
        .iter()
        .filter(|p| p.active)
        .map(|p| {
            let stored = report.as_ref().and_then(|r| r.items.iter().find(|(id, _, _)| *id == p.id));
            let from_form = given.and_then(|g| g.iter().find(|x| x.point_id == p.id.to_string()));
            let (status, comment) = match (from_form, stored) {
                (Some(x), _) => (x.status.clone(), x.comment.clone()),
                (None, Some((_, st, c))) => (st.code().to_owned(), c.clone()),
                (None, None) => (String::new(), String::new()),
            };
            let computed = computed.iter().find(|(id, _)| *id == p.id).map(|(_, c)| {
                let label = ctx.t(&format!("point-status-{}", c.status.code()));
                let disagrees = status.parse::<PointStatus>().is_ok_and(|r| r != c.status);
                let key = if disagrees { "unit-report-computed-differs" } else { "unit-report-computed" };
                ComputedMark {
                    text: crate::i18n::t_args(ctx.lang, key, &[("status", label)]),
                    basis: super::review::registers::basis(&ctx, &c.basis),
                    disagrees,
                }
            });
            PointRow { id: p.id, text: p.text.clone(), status, comment, computed }
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
        statuses: PointStatus::ALL
            .iter()
            .map(|x| CodeOption { code: x.code(), label: ctx.t(&format!("point-status-{}", x.code())) })
            .collect(),
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
    let u = access(&state, &s, &unit).await?;
    let year = app::unit::parse_year(&year)?;
    render(&report_page(&state, &s, &u, year, Errors::default(), None).await?)
}

pub async fn save(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((unit, year)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let u = access(&state, &s, &unit).await?;
    if !u.may_report {
        return Err(AppError::Forbidden);
    }
    let year = app::unit::parse_year(&year)?;
    let submit = form.iter().any(|(k, v)| k == "action" && v == "submit");
    let points = app::unit::checklist_points(&state.store, u.org).await?;
    let ParsedItems { items, given, errs } = app::unit::parse_items(&points, &form, submit);
    if !errs.is_empty() {
        let errors = Errors::new(s.user.language, &errs);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &report_page(&state, &s, &u, year, errors, Some(&given)).await?,
        );
    }
    app::unit::save_unit_report(&state.store, &s.caller(), &u, year, items, submit).await?;
    Ok(see_other(&format!("/unit-reports/{}/{year}", u.unit)))
}

pub async fn approve(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((unit, year)): Path<(String, String)>,
) -> AppResult<Response> {
    let u = access(&state, &s, &unit).await?;
    if !u.may_approve {
        return Err(AppError::Forbidden);
    }
    let year = app::unit::parse_year(&year)?;
    app::unit::approve_unit_report(&state.store, &s.caller(), &u, year).await?;
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

async fn checklist_org(state: &SharedState, s: &Session, id: &str) -> AppResult<ChecklistOrg> {
    Ok(app::unit::checklist_org(&state.store, &s.caller(), parse_id(id)?).await?)
}

async fn checklist_page(
    state: &SharedState,
    s: &Session,
    c: &ChecklistOrg,
    errors: Errors,
) -> AppResult<ChecklistPage> {
    Ok(ChecklistPage {
        ctx: Ctx::for_session(s, "/reviews"),
        errors,
        org_id: c.org,
        org: c.tree.get(c.org).map(|n| n.name.clone()).unwrap_or_default(),
        points: app::unit::checklist_points(&state.store, c.org).await?,
        can_edit: c.may_edit,
    })
}

pub async fn checklist(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let c = checklist_org(&state, &s, &id).await?;
    render(&checklist_page(&state, &s, &c, Errors::default()).await?)
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
    let c = checklist_org(&state, &s, &id).await?;
    match app::unit::add_point(&state.store, &s.caller(), &c, &f.text).await {
        Ok(_) => Ok(see_other(&format!("/orgs/{}/checklist", c.org))),
        Err(app::Error::Validation(errs)) => {
            let errors = Errors::new(s.user.language, &errs);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &checklist_page(&state, &s, &c, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn update_point(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, point)): Path<(String, String)>,
    Form(f): Form<PointForm>,
) -> AppResult<Response> {
    let c = checklist_org(&state, &s, &id).await?;
    if !c.may_edit {
        return Err(AppError::Forbidden);
    }
    let point = parse_id(&point)?;
    app::unit::update_point(&state.store, &s.caller(), &c, point, &f.text, f.active == "1").await?;
    Ok(see_other(&format!("/orgs/{}/checklist", c.org)))
}
