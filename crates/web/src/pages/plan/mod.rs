//! The action plan (handlingsplan): the list with filters and totals, one
//! action's form, and the exports (Excel, CSV, PDF). The use cases are in
//! `crate::app::plan`.

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

use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::app::plan::ActionFilter;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

mod exports;

pub use exports::{export_csv, export_pdf, export_xlsx};

/// Today in Sweden.
pub fn today() -> NaiveDate {
    domain::clock::today()
}

/// An organisation in a select, indented by its depth.
pub struct OrgOption {
    pub id: Uuid,
    pub label: String,
}

impl OrgOption {
    pub fn new(tree: &OrgTree, depth: usize, id: Uuid) -> Self {
        let name = tree.get(id).map(|n| n.name.as_str()).unwrap_or_default();
        OrgOption { id, label: format!("{}{name}", "– ".repeat(depth)) }
    }
}

/// A code and its label in a select.
pub struct CodeOption {
    pub code: &'static str,
    pub label: String,
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
    /// Words of the title, goal or activity.
    pub q: String,
    /// An audit: the actions made from its recommendations.
    pub audit: String,
    /// The list's page (from 1); the exports take every matching action.
    pub page: String,
}

impl Filter {
    /// The filter as a query string, without the page (for the exports).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("org", &self.org),
            ("status", &self.status),
            ("responsible", &self.responsible),
            ("origin", &self.origin),
            ("overdue", &self.overdue),
            ("audit", &self.audit),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", urlencode(v)));
            }
        }
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }

    /// The filter as the use case takes it: what does not parse is no filter.
    pub fn parsed(&self) -> ActionFilter {
        ActionFilter {
            org: self.org.parse().ok(),
            status: self.status.parse().ok(),
            origin: self.origin.parse().ok(),
            responsible: self.responsible.clone(),
            overdue: !self.overdue.is_empty(),
            text: self.q.clone(),
            audit: self.audit.parse().ok(),
        }
    }

    /// The list's address at page `n` with the same filter.
    fn page_link(&self, n: i64) -> String {
        let q = self.query();
        let sep = if q.is_empty() { '?' } else { '&' };
        format!("/plan{q}{sep}page={n}")
    }
}

/// Actions on one page of the list; the totals count every matching action.
pub const PLAN_PAGE: usize = 50;

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
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

/// The options of a select of codes, labelled by `prefix-code` keys.
pub fn options(ctx: &Ctx, prefix: &str, codes: &[&'static str]) -> Vec<CodeOption> {
    codes.iter().map(|c| CodeOption { code: c, label: ctx.t(&format!("{prefix}-{c}")) }).collect()
}

fn status_options(ctx: &Ctx) -> Vec<CodeOption> {
    options(ctx, "action-status", &ActionStatus::ALL.iter().map(|x| x.code()).collect::<Vec<_>>())
}

fn origin_options(ctx: &Ctx) -> Vec<CodeOption> {
    options(ctx, "origin", &Origin::ALL.iter().map(|x| x.code()).collect::<Vec<_>>())
}

/// Every organisation below the user's roots that `perm` reaches, in tree order.
pub fn org_options(s: &Session, tree: &OrgTree, perm: Permission) -> Vec<OrgOption> {
    let mut out = Vec::new();
    for root in s.principal.visible_roots(perm, tree) {
        for (d, n) in tree.subtree(root) {
            out.push(OrgOption::new(tree, d, n.id));
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
    orgs: Vec<OrgOption>,
    statuses: Vec<CodeOption>,
    origins: Vec<CodeOption>,
    /// The audits the user reads, (id, title), for the filter.
    audits: Vec<(Uuid, String)>,
    can_add: bool,
    query: String,
    pager: super::Pager,
}

pub async fn list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let actions = app::plan::visible_actions(&state.store, &s.caller(), &tree, &f.parsed()).await?;
    let ctx = Ctx::for_session(&s, "/plan");
    let t = app::plan::totals(&actions);
    let (pager, shown) =
        super::Pager::of_slice(&ctx, ("plan-showing", "plan-pages"), &f.page, PLAN_PAGE, &actions, |n| f.page_link(n));
    render(&ListPage {
        rows: rows(&ctx, &tree, shown),
        pager,
        totals: totals_view(&t),
        orgs: org_options(&s, &tree, Permission::ViewPlans),
        statuses: status_options(&ctx),
        origins: origin_options(&ctx),
        audits: app::plan::audit_options(&state.store, &s.caller()).await?,
        can_add: s.principal.can_somewhere(Permission::ManageActions),
        query: f.query(),
        f,
        ctx,
    })
}

/// Who an action belongs to, who added it and when it last changed.
pub struct ActionMeta {
    pub org: String,
    pub created_by: String,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "action.html")]
struct FormPage {
    ctx: Ctx,
    errors: Errors,
    id: Option<Uuid>,
    org_id: String,
    orgs: Vec<OrgOption>,
    f: ActionFields,
    statuses: Vec<CodeOption>,
    origins: Vec<CodeOption>,
    editable: bool,
    meta: Option<ActionMeta>,
    saved: bool,
    /// The feedback item the action was made from, in words, with a link.
    source: Option<SourceView>,
}

/// Where an action came from, in words.
pub struct SourceView {
    pub href: String,
    pub text: String,
}

/// The feedback item or the audit's recommendation behind `f`'s origin, if
/// there is one the user may see.
async fn source_view(state: &SharedState, s: &Session, f: &ActionFields) -> AppResult<Option<SourceView>> {
    if let Some((copy, title)) = app::plan::audit_source(&state.store, &s.caller(), &f.origin, &f.origin_ref).await? {
        return Ok(Some(SourceView {
            href: format!("/audit-copies/{copy}"),
            text: crate::i18n::t_args(s.user.language, "action-source-audit", &[("title", title)]),
        }));
    }
    let src = app::plan::feedback_source(&state.store, &state.models, &s.caller(), &f.origin, &f.origin_ref).await?;
    Ok(src.map(|src| {
        let lang = s.user.language;
        let q = src.model.question(&src.question_id);
        SourceView {
            href: format!(
                "/assessments/{}/areas/{}",
                src.assessment_id,
                q.map(|q| q.area.as_str()).unwrap_or_default()
            ),
            text: crate::i18n::t_args(
                lang,
                "action-source-feedback",
                &[
                    ("year", src.period.to_string()),
                    ("org", src.org_name),
                    ("place", crate::pages::question_place(lang, &src.model, &src.question_id)),
                    ("question", crate::pages::question_text(lang, &src.model, &src.question_id)),
                ],
            ),
        }
    }))
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
        statuses: status_options(&ctx),
        origins: origin_options(&ctx),
        editable,
        meta: None,
        saved: false,
        source: None,
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
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let f = ActionFields {
        title: p.title.chars().take(200).collect(),
        activity: p.activity,
        origin: p.origin,
        origin_ref: p.origin_ref,
        status: "planned".into(),
        ..Default::default()
    };
    let source = source_view(&state, &s, &f).await?;
    let mut page = form_page(&s, &tree, None, p.org, f, Errors::default(), true);
    page.source = source;
    render(&page)
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
    let org = form.org_id.parse::<Uuid>().ok();
    match app::plan::create_action(&state.store, &s.caller(), org, &form.f).await {
        Ok(a) => Ok(see_other(&format!("/plan/{}", a.id))),
        Err(app::Error::Validation(errs)) => {
            let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
            let errors = Errors::new(s.user.language, &errs);
            let source = source_view(&state, &s, &form.f).await?;
            let mut page = form_page(&s, &tree, None, form.org_id, form.f, errors, true);
            page.source = source;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Saved {
    saved: String,
}

fn meta_of(ctx: &Ctx, tree: &OrgTree, v: &app::plan::VisibleAction) -> ActionMeta {
    let a = &v.action;
    ActionMeta {
        org: tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
        created_by: v.created_by_name.clone(),
        updated: ctx.date_time(&a.updated_at),
    }
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<Saved>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let v = app::plan::load_action(&state.store, &s.caller(), &tree, id).await?;
    let a = &v.action;
    let f = fields_of(a);
    let source = source_view(&state, &s, &f).await?;
    let mut page = form_page(&s, &tree, Some(id), a.org_id.to_string(), f, Errors::default(), v.may_edit);
    page.meta = Some(meta_of(&page.ctx, &tree, &v));
    page.source = source;
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
    let caller = s.caller();
    match app::plan::update_action(&state.store, &caller, id, &form.f).await {
        Ok(_) => Ok(see_other(&format!("/plan/{id}?saved=1"))),
        Err(app::Error::Validation(errs)) => {
            let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
            let v = app::plan::load_action(&state.store, &caller, &tree, id).await?;
            let errors = Errors::new(s.user.language, &errs);
            let source = source_view(&state, &s, &form.f).await?;
            let mut page = form_page(&s, &tree, Some(id), v.action.org_id.to_string(), form.f, errors, true);
            page.meta = Some(meta_of(&page.ctx, &tree, &v));
            page.source = source;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}
