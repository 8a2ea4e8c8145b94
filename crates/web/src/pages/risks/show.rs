//! One risk: the form to add one, its page with its levels, the actions made
//! from it and the form to change it, deleting it and making an action.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::assets::risk::{RiskFields, RiskMatrix, RiskObject, Treatment};
use serde::Deserialize;
use uuid::Uuid;

use super::{SECTION, level_class, level_text, object_kind_text, options, scale_value, step_name, treatment_text};
use crate::SharedState;
use crate::app;
use crate::app::risks::Objects;
use crate::error::AppResult;
use crate::pages::plan::OrgOption;
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

/// The risk form as posted: the object as `kind:id` in one select.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RiskForm {
    pub org_id: String,
    pub object: String,
    pub scenario: String,
    pub likelihood: String,
    pub consequence: String,
    pub treatment: String,
    pub residual_likelihood: String,
    pub residual_consequence: String,
    pub owner: String,
    pub accepted_by: String,
    pub accepted_on: String,
    pub review_on: String,
}

impl RiskForm {
    /// The fields the domain parses.
    pub fn fields(&self) -> RiskFields {
        let (kind, id) = self.object.split_once(':').unwrap_or(("", ""));
        RiskFields {
            scenario: self.scenario.clone(),
            object_kind: kind.to_owned(),
            object_id: id.to_owned(),
            likelihood: self.likelihood.clone(),
            consequence: self.consequence.clone(),
            residual_likelihood: self.residual_likelihood.clone(),
            residual_consequence: self.residual_consequence.clone(),
            treatment: self.treatment.clone(),
            owner: self.owner.clone(),
            accepted_by: self.accepted_by.clone(),
            accepted_on: self.accepted_on.clone(),
            review_on: self.review_on.clone(),
        }
    }

    fn of(r: &store::Risk) -> Self {
        let d = &r.data;
        let n = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
        RiskForm {
            org_id: r.org_id.to_string(),
            object: format!("{}:{}", d.object_kind.code(), d.object_id),
            scenario: d.scenario.clone(),
            likelihood: d.likelihood.to_string(),
            consequence: d.consequence.to_string(),
            treatment: d.treatment.map(|t| t.code().to_owned()).unwrap_or_default(),
            residual_likelihood: n(d.residual.map(|r| r.0)),
            residual_consequence: n(d.residual.map(|r| r.1)),
            owner: d.owner.clone(),
            accepted_by: d.accepted.as_ref().map(|a| a.0.clone()).unwrap_or_default(),
            accepted_on: d.accepted.as_ref().map(|a| a.1.to_string()).unwrap_or_default(),
            review_on: d.review_on.map(|x| x.to_string()).unwrap_or_default(),
        }
    }
}

/// A value and its label in a select.
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The form's values with its choices.
pub struct FormView {
    pub form: RiskForm,
    pub org_name: String,
    pub systems: Vec<Choice>,
    pub assets: Vec<Choice>,
    pub org_value: String,
    pub likelihoods: Vec<Choice>,
    pub consequences: Vec<Choice>,
    pub treatments: Vec<Choice>,
}

impl FormView {
    pub fn new(ctx: &Ctx, m: &RiskMatrix, objects: &Objects, form: RiskForm) -> Self {
        let scale = |steps: &[domain::assets::risk::ScaleStep]| {
            steps
                .iter()
                .enumerate()
                .map(|(i, s)| Choice {
                    value: (i + 1).to_string(),
                    label: format!("{} {}", i + 1, step_name(ctx.lang, s)),
                })
                .collect()
        };
        let choices = |kind: RiskObject, list: &[(Uuid, String)]| {
            list.iter()
                .map(|(id, name)| Choice { value: format!("{}:{id}", kind.code()), label: name.clone() })
                .collect()
        };
        FormView {
            org_name: objects.org_name.clone(),
            org_value: format!("{}:{}", RiskObject::Org.code(), objects.org_id),
            systems: choices(RiskObject::System, &objects.systems),
            assets: choices(RiskObject::Asset, &objects.assets),
            likelihoods: scale(&m.likelihood),
            consequences: scale(&m.consequence),
            treatments: Treatment::ALL
                .iter()
                .map(|t| Choice { value: t.code().to_owned(), label: treatment_text(ctx, Some(*t)) })
                .collect(),
            form,
        }
    }
}

/// The form's errors, the object's under the select's name.
fn form_errors(s: &Session, e: &app::Error) -> Errors {
    let mut errs = Errors::new(s.user.language, &e.field_errors());
    for (field, _) in &mut errs.0 {
        if field == "object_kind" || field == "object_id" {
            *field = "object".into();
        }
    }
    errs.0.dedup_by(|a, b| a.0 == "object" && b.0 == "object");
    errs
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    pub org: String,
    pub asset: String,
    pub system: String,
}

#[derive(Template)]
#[template(path = "risks_new.html")]
struct NewPage {
    ctx: Ctx,
    org: Uuid,
    orgs: Vec<OrgOption>,
    v: FormView,
    errors: Errors,
}

async fn new_page(
    state: &SharedState,
    s: &Session,
    org: Option<Uuid>,
    form: RiskForm,
    errors: Errors,
) -> AppResult<NewPage> {
    let n = app::risks::new_risk(&state.store, &s.caller(), org).await?;
    let ctx = Ctx::for_session(s, SECTION);
    let mut form = form;
    form.org_id = n.objects.org_id.to_string();
    Ok(NewPage {
        org: n.objects.org_id,
        orgs: options(&n.tree, &n.manage_orgs),
        v: FormView::new(&ctx, &n.matrix, &n.objects, form),
        errors,
        ctx,
    })
}

fn org_of(s: &str) -> AppResult<Option<Uuid>> {
    match s.trim() {
        "" => Ok(None),
        o => parse_id(o).map(Some),
    }
}

/// GET /registers/risks/new?org=&asset=|system=: the form, the object preselected.
pub async fn new_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let object = match (q.asset.trim(), q.system.trim()) {
        ("", "") => String::new(),
        ("", id) => format!("system:{id}"),
        (id, _) => format!("asset:{id}"),
    };
    let form = RiskForm { object, ..Default::default() };
    render(&new_page(&state, &s, org_of(&q.org)?, form, Errors::default()).await?)
}

/// POST /registers/risks: add a risk.
pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(b): Form<RiskForm>,
) -> AppResult<Response> {
    let org = b.org_id.trim().parse::<Uuid>().ok();
    match app::risks::create_risk(&state.store, &s.caller(), org, &b.fields()).await {
        Ok(r) => Ok(see_other(&format!("/registers/risks/{}", r.id))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errors = form_errors(&s, &e);
            let page = new_page(&state, &s, org, b, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "risks_show.html")]
struct ShowPage {
    ctx: Ctx,
    id: Uuid,
    org_id: Uuid,
    scenario: String,
    facts: Vec<(String, String)>,
    inherent: String,
    inherent_class: &'static str,
    residual: String,
    residual_class: &'static str,
    untreated_high: bool,
    review_overdue: bool,
    actions: Vec<(Uuid, String, String)>,
    may_manage: bool,
    may_plan: bool,
    v: FormView,
    errors: Errors,
    /// The form that failed: "ed" (the edit form) or "ac" (the action).
    failed: &'static str,
}

impl ShowPage {
    /// The errors of one form of the page (empty for the others).
    pub fn errors_of(&self, form: &str) -> Errors {
        if self.failed == form { Errors(self.errors.0.clone()) } else { Errors::default() }
    }
}

async fn show_page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    typed: Option<RiskForm>,
    failed: &'static str,
    errors: Errors,
) -> AppResult<ShowPage> {
    let v = app::risks::load_risk(&state.store, &s.caller(), id).await?;
    let ctx = Ctx::for_session(s, SECTION);
    let r = &v.listed;
    let d = &r.risk.data;
    let (l, c) = (&v.matrix.likelihood, &v.matrix.consequence);
    let none = || ctx.t("not-given");
    let mut facts = vec![
        (ctx.t("risks-col-org"), r.org_name.clone()),
        (ctx.t("risks-col-object"), format!("{}: {}", object_kind_text(&ctx, d.object_kind), r.object_name)),
        (ctx.t("risks-likelihood"), scale_value(ctx.lang, l, d.likelihood)),
        (ctx.t("risks-consequence"), scale_value(ctx.lang, c, d.consequence)),
        (ctx.t("risks-treatment"), treatment_text(&ctx, d.treatment)),
    ];
    if let Some((rl, rc)) = d.residual {
        facts.push((ctx.t("risks-residual-likelihood"), scale_value(ctx.lang, l, rl)));
        facts.push((ctx.t("risks-residual-consequence"), scale_value(ctx.lang, c, rc)));
    }
    facts.push((ctx.t("risks-owner"), d.owner.clone()));
    facts
        .push((ctx.t("risks-col-accepted"), d.accepted.as_ref().map_or_else(none, |(who, on)| format!("{who}, {on}"))));
    facts.push((ctx.t("risks-review-on"), d.review_on.map_or_else(none, |x| x.to_string())));
    facts.push((ctx.t("risks-updated"), format!("{} ({})", ctx.date_time(&r.risk.updated_at), r.risk.updated_by)));
    let form = typed.unwrap_or_else(|| RiskForm::of(&r.risk));
    Ok(ShowPage {
        id,
        org_id: r.risk.org_id,
        scenario: d.scenario.clone(),
        facts,
        inherent: level_text(&ctx, r.inherent),
        inherent_class: level_class(r.inherent),
        residual: if d.residual.is_some() { level_text(&ctx, r.residual) } else { ctx.t("risks-not-assessed") },
        residual_class: if d.residual.is_some() { level_class(r.residual) } else { "muted" },
        untreated_high: r.untreated_high,
        review_overdue: r.review_overdue,
        actions: v
            .actions
            .iter()
            .map(|a| (a.id, a.data.title.clone(), ctx.tk("action-status", &a.data.status.code())))
            .collect(),
        may_manage: v.may_manage,
        may_plan: v.may_plan,
        v: FormView::new(&ctx, &v.matrix, &v.objects, form),
        errors,
        failed,
        ctx,
    })
}

/// GET /registers/risks/{id}
pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render(&show_page(&state, &s, parse_id(&id)?, None, "", Errors::default()).await?)
}

/// Answers a failed form: the page again with the messages (422), or the error.
async fn refused(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    typed: Option<RiskForm>,
    failed: &'static str,
    e: app::Error,
) -> AppResult<Response> {
    match e {
        app::Error::Validation(_) | app::Error::Conflict(_) => {
            let errors = form_errors(s, &e);
            let page = show_page(state, s, id, typed, failed, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        e => Err(e.into()),
    }
}

/// POST /registers/risks/{id}: change the risk.
pub async fn update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(b): Form<RiskForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::risks::update_risk(&state.store, &s.caller(), id, &b.fields()).await {
        Ok(_) => Ok(see_other(&format!("/registers/risks/{id}"))),
        Err(e) => refused(&state, &s, id, Some(b), "ed", e).await,
    }
}

/// POST /registers/risks/{id}/delete
pub async fn delete(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let org = app::risks::delete_risk(&state.store, &s.caller(), id).await?;
    Ok(see_other(&format!("/registers/risks?org={org}")))
}

/// POST /registers/risks/{id}/actions: an action in the plan, linked to the risk.
pub async fn plan_action(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::risks::plan_action(&state.store, &s.caller(), id).await {
        Ok(a) => Ok(see_other(&format!("/plan/{}", a.id))),
        Err(e) => refused(&state, &s, id, None, "ac", e).await,
    }
}
