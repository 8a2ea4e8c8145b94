//! The action plan (handlingsplan): the list with filters and totals, one
//! action's form, and the exports (Excel, CSV, PDF).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use domain::authz::Permission;
use domain::org::OrgTree;
use domain::plan::{ActionFields, ActionStatus, Origin, Totals, format_kronor, is_overdue};
use serde::Deserialize;
use uuid::Uuid;

use super::orgs::actor;
use super::{Ctx, Errors, download, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

/// Today in Sweden.
pub fn today() -> NaiveDate {
    domain::clock::today()
}

/// The list's filters, from the query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub org: String,
    pub status: String,
    pub responsible: String,
    pub origin: String,
    pub overdue: String,
}

impl Filter {
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("org", &self.org),
            ("status", &self.status),
            ("responsible", &self.responsible),
            ("origin", &self.origin),
            ("overdue", &self.overdue),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", urlencode(v)));
            }
        }
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The actions a user may see, filtered: the whole subtree of a chosen
/// organisation, or everything visible.
pub async fn visible_actions(
    state: &SharedState,
    s: &Session,
    tree: &OrgTree,
    f: &Filter,
) -> AppResult<Vec<store::Action>> {
    if !s.principal.can_somewhere(Permission::ViewPlans) {
        return Err(AppError::Forbidden);
    }
    let orgs: Vec<Uuid> = match f.org.parse::<Uuid>() {
        Ok(root) if s.principal.can(Permission::ViewPlans, root, tree) => {
            tree.subtree(root).into_iter().map(|(_, n)| n.id).collect()
        }
        Ok(_) => return Err(AppError::NotFound),
        Err(_) => s.principal.visible_orgs(Permission::ViewPlans, tree),
    };
    let status: Option<ActionStatus> = f.status.parse().ok();
    let origin: Option<Origin> = f.origin.parse().ok();
    let who = f.responsible.trim().to_lowercase();
    let today = today();
    Ok(state
        .store
        .list_actions(&orgs)
        .await?
        .into_iter()
        .filter(|a| status.is_none_or(|st| a.data.status == st))
        .filter(|a| origin.is_none_or(|o| a.data.origin == o))
        .filter(|a| who.is_empty() || a.data.responsible.to_lowercase().contains(&who))
        .filter(|a| f.overdue.is_empty() || is_overdue(a.data.status, a.data.end_date, today))
        .collect())
}

pub fn totals(actions: &[store::Action]) -> Totals {
    Totals::of(actions.iter().map(|a| (a.data.status, a.data.end_date, a.data.cost)), today())
}

pub struct Row {
    pub id: Uuid,
    pub title: String,
    pub org: String,
    pub responsible: String,
    pub period: String,
    pub status: String,
    pub status_code: &'static str,
    pub origin: String,
    pub cost: String,
    pub overdue: bool,
}

fn period(a: &store::Action) -> String {
    match (a.data.start_date, a.data.end_date) {
        (Some(s), Some(e)) => format!("{s} – {e}"),
        (None, Some(e)) => format!("– {e}"),
        (Some(s), None) => format!("{s} –"),
        (None, None) => String::new(),
    }
}

pub fn rows(ctx: &Ctx, tree: &OrgTree, actions: &[store::Action]) -> Vec<Row> {
    let today = today();
    actions
        .iter()
        .map(|a| Row {
            id: a.id,
            title: a.data.title.clone(),
            org: tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
            responsible: a.data.responsible.clone(),
            period: period(a),
            status: ctx.t(&format!("action-status-{}", a.data.status.code())),
            status_code: a.data.status.code(),
            origin: ctx.t(&format!("origin-{}", a.data.origin.code())),
            cost: format_kronor(a.data.cost),
            overdue: is_overdue(a.data.status, a.data.end_date, today),
        })
        .collect()
}

pub struct TotalsView {
    pub count: usize,
    pub planned: usize,
    pub ongoing: usize,
    pub done: usize,
    pub overdue: usize,
    pub cost: String,
    pub cost_done: String,
    pub cost_open: String,
    pub done_percent: u32,
}

pub fn totals_view(t: &Totals) -> TotalsView {
    TotalsView {
        count: t.count,
        planned: t.planned,
        ongoing: t.ongoing,
        done: t.done,
        overdue: t.overdue,
        cost: format_kronor(t.cost),
        cost_done: format_kronor(t.cost_done),
        cost_open: format_kronor(t.cost_open),
        done_percent: t.done_percent(),
    }
}

/// (value, label) pairs for a select.
pub fn options(ctx: &Ctx, prefix: &str, codes: &[&'static str]) -> Vec<(&'static str, String)> {
    codes.iter().map(|c| (*c, ctx.t(&format!("{prefix}-{c}")))).collect()
}

fn org_options(s: &Session, tree: &OrgTree, perm: Permission) -> Vec<(Uuid, String)> {
    let mut out = Vec::new();
    for root in s.principal.visible_roots(perm, tree) {
        for (d, n) in tree.subtree(root) {
            out.push((n.id, format!("{}{}", "– ".repeat(d), n.name)));
        }
    }
    out
}

#[derive(Template)]
#[template(path = "plan.html")]
struct ListPage {
    ctx: Ctx,
    f: Filter,
    rows: Vec<Row>,
    totals: TotalsView,
    orgs: Vec<(Uuid, String)>,
    statuses: Vec<(&'static str, String)>,
    origins: Vec<(&'static str, String)>,
    can_add: bool,
    query: String,
}

pub async fn list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let tree = state.store.org_tree().await?;
    let actions = visible_actions(&state, &s, &tree, &f).await?;
    let ctx = Ctx::for_session(&s, "/plan");
    let t = totals(&actions);
    render(&ListPage {
        rows: rows(&ctx, &tree, &actions),
        totals: totals_view(&t),
        orgs: org_options(&s, &tree, Permission::ViewPlans),
        statuses: options(&ctx, "action-status", &ActionStatus::ALL.iter().map(|x| x.code()).collect::<Vec<_>>()),
        origins: options(&ctx, "origin", &Origin::ALL.iter().map(|x| x.code()).collect::<Vec<_>>()),
        can_add: s.principal.can_somewhere(Permission::ManageActions),
        query: f.query(),
        f,
        ctx,
    })
}

#[derive(Template)]
#[template(path = "action.html")]
struct FormPage {
    ctx: Ctx,
    errors: Errors,
    id: Option<Uuid>,
    org_id: String,
    orgs: Vec<(Uuid, String)>,
    f: ActionFields,
    statuses: Vec<(&'static str, String)>,
    origins: Vec<(&'static str, String)>,
    editable: bool,
    meta: Option<(String, String, String)>,
    saved: bool,
}

fn form_page(
    s: &Session,
    tree: &OrgTree,
    id: Option<Uuid>,
    org_id: String,
    f: ActionFields,
    errors: Errors,
    editable: bool,
) -> FormPage {
    let ctx = Ctx::for_session(s, "/plan");
    FormPage {
        errors,
        id,
        org_id,
        orgs: org_options(s, tree, Permission::ManageActions),
        f,
        statuses: options(&ctx, "action-status", &ActionStatus::ALL.iter().map(|x| x.code()).collect::<Vec<_>>()),
        origins: options(&ctx, "origin", &Origin::ALL.iter().map(|x| x.code()).collect::<Vec<_>>()),
        editable,
        meta: None,
        saved: false,
        ctx,
    }
}

/// Prefill of a new action (from a feedback item or a link).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Prefill {
    org: String,
    title: String,
    activity: String,
    origin: String,
    origin_ref: String,
}

pub async fn new_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(p): Query<Prefill>,
) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ManageActions) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let f = ActionFields {
        title: p.title.chars().take(200).collect(),
        activity: p.activity,
        origin: p.origin,
        origin_ref: p.origin_ref,
        status: "planned".into(),
        ..Default::default()
    };
    render(&form_page(&s, &tree, None, p.org, f, Errors::default(), true))
}

#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    org_id: String,
    #[serde(flatten)]
    f: ActionFields,
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let tree = state.store.org_tree().await?;
    if !s.principal.can_somewhere(Permission::ManageActions) {
        return Err(AppError::Forbidden);
    }
    let org = form.org_id.parse::<Uuid>().ok();
    if org.is_some_and(|o| !s.principal.can(Permission::ManageActions, o, &tree)) {
        return Err(AppError::NotFound);
    }
    let parsed = form.f.parse();
    let mut errs = parsed.as_ref().err().map(|e| e.0.clone()).unwrap_or_default();
    if org.is_none() {
        errs.insert(0, domain::FieldError::new("org_id", "error-org-choose"));
    }
    match (org, parsed) {
        (Some(org), Ok(input)) => {
            let a = state.store.insert_action(&actor(&s), org, input).await?;
            Ok(see_other(&format!("/plan/{}", a.id)))
        }
        _ => {
            let errors = Errors::new(s.user.language, &errs);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&s, &tree, None, form.org_id, form.f, errors, true),
            )
        }
    }
}

fn fields_of(a: &store::Action) -> ActionFields {
    let d = &a.data;
    ActionFields {
        title: d.title.clone(),
        goal: d.goal.clone(),
        activity: d.activity.clone(),
        cost: d.cost.to_string(),
        responsible: d.responsible.clone(),
        start_date: d.start_date.map(|x| x.to_string()).unwrap_or_default(),
        end_date: d.end_date.map(|x| x.to_string()).unwrap_or_default(),
        status: d.status.code().into(),
        progress_note: d.progress_note.clone(),
        origin: d.origin.code().into(),
        origin_ref: d.origin_ref.clone(),
    }
}

/// Loads an action the user may see (404 otherwise); `true` if they may change it.
pub async fn load(state: &SharedState, s: &Session, tree: &OrgTree, id: Uuid) -> AppResult<(store::Action, bool)> {
    let a = state.store.find_action(id).await?.ok_or(AppError::NotFound)?;
    if !s.principal.can(Permission::ViewPlans, a.org_id, tree) {
        return Err(AppError::NotFound);
    }
    let may = s.principal.can(Permission::ManageActions, a.org_id, tree);
    Ok((a, may))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Saved {
    saved: String,
}

fn meta_of(page: &FormPage, tree: &OrgTree, a: &store::Action) -> Option<(String, String, String)> {
    Some((
        tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
        a.created_by.clone(),
        page.ctx.date_time(&a.updated_at),
    ))
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<Saved>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let tree = state.store.org_tree().await?;
    let (a, may) = load(&state, &s, &tree, id).await?;
    let mut page = form_page(&s, &tree, Some(id), a.org_id.to_string(), fields_of(&a), Errors::default(), may);
    page.meta = meta_of(&page, &tree, &a);
    page.saved = !q.saved.is_empty();
    render(&page)
}

pub async fn update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let tree = state.store.org_tree().await?;
    let (a, may) = load(&state, &s, &tree, id).await?;
    if !may {
        return Err(AppError::Forbidden);
    }
    match form.f.parse() {
        Ok(input) => {
            state.store.update_action(&actor(&s), id, input).await?;
            Ok(see_other(&format!("/plan/{id}?saved=1")))
        }
        Err(e) => {
            let errors = Errors::new(s.user.language, &e.0);
            let mut page = form_page(&s, &tree, Some(id), a.org_id.to_string(), form.f, errors, true);
            page.meta = meta_of(&page, &tree, &a);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

// ----- Exports -----

fn header_row(ctx: &Ctx) -> Vec<String> {
    [
        "col-action",
        "col-org",
        "field-goal",
        "field-activity",
        "col-responsible",
        "field-start-date",
        "field-end-date",
        "col-status",
        "col-overdue",
        "col-cost-kr",
        "col-origin",
        "field-progress-note",
    ]
    .iter()
    .map(|k| ctx.t(k))
    .collect()
}

fn export_rows(ctx: &Ctx, tree: &OrgTree, actions: &[store::Action]) -> Vec<Vec<documents::Cell>> {
    use documents::Cell;
    let today = today();
    actions
        .iter()
        .map(|a| {
            let d = &a.data;
            vec![
                Cell::from(d.title.as_str()),
                Cell::from(tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default()),
                Cell::from(d.goal.as_str()),
                Cell::from(d.activity.as_str()),
                Cell::from(d.responsible.as_str()),
                Cell::from(d.start_date.map(|x| x.to_string()).unwrap_or_default()),
                Cell::from(d.end_date.map(|x| x.to_string()).unwrap_or_default()),
                Cell::from(ctx.t(&format!("action-status-{}", d.status.code()))),
                Cell::from(if is_overdue(d.status, d.end_date, today) { ctx.t("yes") } else { String::new() }),
                Cell::Number(d.cost as f64),
                Cell::from(ctx.t(&format!("origin-{}", d.origin.code()))),
                Cell::from(d.progress_note.as_str()),
            ]
        })
        .collect()
}

pub async fn export_xlsx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let tree = state.store.org_tree().await?;
    let actions = visible_actions(&state, &s, &tree, &f).await?;
    let ctx = Ctx::for_session(&s, "/plan");
    let t = totals(&actions);
    let sheet = documents::Sheet {
        name: ctx.t("plan-sheet"),
        preamble: vec![
            ctx.t("plan-title"),
            format!("{}: {}", ctx.t("plan-exported"), today()),
            format!(
                "{}: {} · {}: {} · {}: {}",
                ctx.t("totals-count"),
                t.count,
                ctx.t("totals-overdue"),
                t.overdue,
                ctx.t("totals-cost"),
                format_kronor(t.cost)
            ),
        ],
        header: header_row(&ctx),
        rows: export_rows(&ctx, &tree, &actions),
        widths: vec![40.0, 28.0, 30.0, 40.0, 22.0, 12.0, 12.0, 12.0, 10.0, 12.0, 20.0, 40.0],
        choice: None,
    };
    let bytes = documents::workbook(&[sheet]).map_err(AppError::internal)?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("handlingsplan-{}.xlsx", today()),
        bytes,
    ))
}

pub(crate) fn csv_field(s: &str) -> String {
    // Excel would run a cell starting with = + - @ as a formula: quote it away.
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([';', '"', '\n', '\r', ',']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

pub async fn export_csv(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let tree = state.store.org_tree().await?;
    let actions = visible_actions(&state, &s, &tree, &f).await?;
    let ctx = Ctx::for_session(&s, "/plan");
    // Semicolons and a byte-order mark: what Excel in Swedish expects.
    let mut out = String::from("\u{feff}");
    out.push_str(&header_row(&ctx).iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(";"));
    out.push_str("\r\n");
    for r in export_rows(&ctx, &tree, &actions) {
        let cells: Vec<String> = r
            .iter()
            .map(|c| match c {
                documents::Cell::Text(t) => csv_field(t),
                documents::Cell::Number(n) => format!("{n}"),
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    Ok(download("text/csv; charset=utf-8", &format!("handlingsplan-{}.csv", today()), out.into_bytes()))
}

/// The action plan as a report (PDF).
pub fn plan_report(ctx: &Ctx, tree: &OrgTree, actions: &[store::Action], heading: &str) -> documents::report::Report {
    use documents::report::{Block, Report, Section};
    let t = totals(actions);
    let tv = totals_view(&t);
    let today = today();
    let facts = vec![
        (ctx.t("totals-count"), tv.count.to_string()),
        (ctx.t("action-status-done"), format!("{} ({} %)", tv.done, tv.done_percent)),
        (ctx.t("action-status-ongoing"), tv.ongoing.to_string()),
        (ctx.t("action-status-planned"), tv.planned.to_string()),
        (ctx.t("totals-overdue"), tv.overdue.to_string()),
        (ctx.t("totals-cost"), tv.cost.clone()),
        (ctx.t("totals-cost-done"), tv.cost_done.clone()),
    ];
    let table_rows = actions
        .iter()
        .map(|a| {
            let d = &a.data;
            let mut status = ctx.t(&format!("action-status-{}", d.status.code()));
            if is_overdue(d.status, d.end_date, today) {
                status = format!("{status} – {}", ctx.t("overdue"));
            }
            vec![
                d.title.clone(),
                tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
                d.responsible.clone(),
                d.end_date.map(|x| x.to_string()).unwrap_or_default(),
                status,
                format_kronor(d.cost),
            ]
        })
        .collect();
    Report {
        lang: ctx.lang_code().into(),
        title: ctx.t("plan-title"),
        subtitle: heading.to_owned(),
        facts: vec![],
        toc_title: None,
        footer: format!("Lisa · {} · {}", ctx.t("plan-title"), today),
        page_label: ctx.t("page"),
        of_label: ctx.t("page-of"),
        sections: vec![
            Section { heading: ctx.t("plan-summary"), blocks: vec![Block::Facts(facts)] },
            Section {
                heading: ctx.t("plan-actions"),
                blocks: vec![Block::Table {
                    header: ["col-action", "col-org", "col-responsible", "field-end-date", "col-status", "col-cost"]
                        .iter()
                        .map(|k| ctx.t(k))
                        .collect(),
                    rows: table_rows,
                    numeric: vec![false, false, false, false, false, true],
                    widths: vec![4, 3, 2, 2, 2, 2],
                }],
            },
        ],
    }
}

pub async fn export_pdf(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let tree = state.store.org_tree().await?;
    let actions = visible_actions(&state, &s, &tree, &f).await?;
    let ctx = Ctx::for_session(&s, "/plan");
    let heading = match f.org.parse::<Uuid>().ok().and_then(|o| tree.get(o)) {
        Some(n) => n.name.clone(),
        None => ctx.t("plan-all-visible"),
    };
    let report = plan_report(&ctx, &tree, &actions, &heading);
    super::pdf_download("action plan pdf", format!("handlingsplan-{}.pdf", today()), report).await
}
