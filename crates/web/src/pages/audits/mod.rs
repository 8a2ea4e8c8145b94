//! Audits (granskningar): the register and a new audit. One audit's page
//! is in [`show`], a body's copy of a recommendation in [`copy`].

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::audits::{AuditFields, AuditKind};
use domain::org::OrgTree;
use uuid::Uuid;

use super::plan::{CodeOption, OrgOption};
use super::{Ctx, Errors, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::session::{CurrentUser, Session};

pub mod copy;
pub mod report;
pub mod show;

/// An audit as the register lists it.
pub struct AuditRow {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub org: String,
    pub auditor: String,
    pub period: String,
    pub responses_due: String,
    pub bodies: usize,
}

pub fn audit_row(ctx: &Ctx, tree: &OrgTree, a: &store::OrgAudit) -> AuditRow {
    let d = &a.data;
    AuditRow {
        id: a.id,
        title: d.title.clone(),
        kind: ctx.tk("audit-kind", &d.kind.code()),
        org: tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
        auditor: [d.auditor_org.as_str(), d.auditor_person.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        period: d.period.clone(),
        responses_due: d.responses_due.map(|x| x.to_string()).unwrap_or_default(),
        bodies: a.bodies.len(),
    }
}

pub fn kinds(ctx: &Ctx) -> Vec<CodeOption> {
    AuditKind::ALL.iter().map(|k| CodeOption { code: k.code(), label: ctx.tk("audit-kind", &k.code()) }).collect()
}

/// The new-audit form as typed.
#[derive(Default)]
pub struct AuditForm {
    pub org_id: String,
    pub fields: AuditFields,
    pub bodies: Vec<String>,
}

impl AuditForm {
    fn of(pairs: &[(String, String)]) -> Self {
        let mut f = AuditForm::default();
        for (k, v) in pairs {
            let v = v.clone();
            match k.as_str() {
                "org_id" => f.org_id = v,
                "title" => f.fields.title = v,
                "kind" => f.fields.kind = v,
                "auditor_org" => f.fields.auditor_org = v,
                "auditor_person" => f.fields.auditor_person = v,
                "period" => f.fields.period = v,
                "started" => f.fields.started = v,
                "report_delivered" => f.fields.report_delivered = v,
                "responses_due" => f.fields.responses_due = v,
                "purpose" => f.fields.purpose = v,
                "follows_up" => f.fields.follows_up = v,
                "bodies" if f.bodies.len() <= domain::audits::MAX_ITEMS => f.bodies.push(v),
                _ => {}
            }
        }
        f
    }

    pub fn has_body(&self, id: &Uuid) -> bool {
        self.bodies.iter().any(|b| b == &id.to_string())
    }
}

#[derive(Template)]
#[template(path = "audits.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<AuditRow>,
    orgs: Vec<OrgOption>,
    kinds: Vec<CodeOption>,
    earlier: Vec<OrgOption>,
    form: AuditForm,
    errors: Errors,
}

async fn list_page(state: &SharedState, s: &Session, form: AuditForm, errors: Errors) -> AppResult<ListPage> {
    let caller = s.caller();
    let audits = app::audits::list_audits(&state.store, &caller).await?;
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let ctx = Ctx::for_session(s, "/audits");
    let orgs: Vec<OrgOption> = app::audits::auditing_orgs(&caller, &tree)
        .into_iter()
        .map(|(depth, id)| OrgOption::new(&tree, depth, id))
        .collect();
    let earlier = if orgs.is_empty() {
        Vec::new()
    } else {
        audits
            .iter()
            .filter(|a| caller.principal.can(domain::authz::Permission::ManageAudits, a.org_id, &tree))
            .map(|a| OrgOption { id: a.id, label: a.data.title.clone() })
            .collect()
    };
    Ok(ListPage {
        rows: audits.iter().map(|a| audit_row(&ctx, &tree, a)).collect(),
        orgs,
        kinds: kinds(&ctx),
        earlier,
        form,
        errors,
        ctx,
    })
}

pub async fn list(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    let mut form = AuditForm::default();
    form.fields.kind = "elected".into();
    render(&list_page(&state, &s, form, Errors::default()).await?)
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = AuditForm::of(&pairs);
    let org = f.org_id.parse::<Uuid>().ok();
    let mut bodies = Vec::new();
    for b in &f.bodies {
        bodies.push(super::parse_id(b)?);
    }
    match app::audits::create_audit(&state.store, &s.caller(), org, &bodies, &f.fields).await {
        Ok(a) => Ok(see_other(&format!("/audits/{}", a.id))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = list_page(&state, &s, f, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}
