//! Data-processing agreements (personuppgiftsbiträdesavtal, GDPR art. 28):
//! the list with the systems that lack one ("Saknar biträdesavtal"), the
//! form of a new one and one agreement's page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::assets::processing::AgreementFields;
use uuid::Uuid;

use super::{Choice, FieldView, SECTION, field, options};
use crate::SharedState;
use crate::app;
use crate::app::processing::agreements::Coverable;
use crate::error::AppResult;
use crate::pages::plan::OrgOption;
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

/// An agreement as the list shows it.
pub struct Row {
    pub id: Uuid,
    pub supplier: String,
    pub org: String,
    pub signed_on: String,
    pub expires_on: String,
    pub valid: bool,
    pub covers: String,
}

/// A system without a valid agreement.
pub struct Missing {
    pub name: String,
    pub org: String,
    pub supplier: String,
}

#[derive(Template)]
#[template(path = "agreements.html")]
struct ListPage {
    ctx: Ctx,
    root: String,
    choices: Vec<OrgOption>,
    rows: Vec<Row>,
    missing: Vec<Missing>,
    may_manage: bool,
}

/// GET /registers/agreements?org=
pub async fn list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let a = app::processing::agreements::list(&state.store, &s.caller(), q.org()?).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "–".into());
    render(&ListPage {
        root: a.root.to_string(),
        choices: options(&a.tree, &a.choices),
        rows: a
            .lines
            .iter()
            .map(|l| Row {
                id: l.agreement.id,
                supplier: l.agreement.data.supplier.clone(),
                org: l.org_name.clone(),
                signed_on: day(l.agreement.data.signed_on),
                expires_on: day(l.agreement.data.expires_on),
                valid: l.valid,
                covers: l.systems.iter().chain(&l.processings).map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
            })
            .collect(),
        missing: a
            .without_agreement
            .iter()
            .map(|u| Missing {
                name: u.system.data.name.clone(),
                org: u.org_name.clone(),
                supplier: u.system.data.supplier.clone(),
            })
            .collect(),
        may_manage: !a.manage_orgs.is_empty(),
        ctx,
    })
}

/// A system or processing with whether the agreement covers it.
pub struct Tick {
    pub id: Uuid,
    pub name: String,
    pub on: bool,
}

/// The agreement form as typed.
pub struct Typed {
    pub fields: AgreementFields,
    pub systems: Vec<Uuid>,
    pub processings: Vec<Uuid>,
}

impl Typed {
    fn from_pairs(pairs: &[(String, String)]) -> (Option<Uuid>, Typed) {
        let one = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        let ids = |k: &str| -> Vec<Uuid> {
            pairs.iter().filter(|(n, _)| n == k).filter_map(|(_, v)| v.trim().parse().ok()).collect()
        };
        let fields =
            AgreementFields { supplier: one("supplier"), signed_on: one("signed_on"), expires_on: one("expires_on") };
        (one("org_id").trim().parse().ok(), Typed { fields, systems: ids("systems"), processings: ids("processings") })
    }
}

#[derive(Template)]
#[template(path = "agreements_form.html")]
struct FormPage {
    ctx: Ctx,
    /// None: a new agreement.
    id: Option<Uuid>,
    org: String,
    org_id: Uuid,
    orgs: Vec<OrgOption>,
    valid: bool,
    may_manage: bool,
    fields: Vec<FieldView>,
    systems: Vec<Tick>,
    processings: Vec<Tick>,
    errors: Errors,
}

fn form_fields(ctx: &Ctx, errors: &Errors, f: &AgreementFields) -> Vec<FieldView> {
    let mut supplier = field(ctx, errors, "agreement", "supplier", "line", &f.supplier, false);
    supplier.required = true;
    vec![
        supplier,
        field(ctx, errors, "agreement", "signed_on", "date", &f.signed_on, true),
        field(ctx, errors, "agreement", "expires_on", "date", &f.expires_on, true),
    ]
}

fn ticks(list: &[app::processing::SystemRef], on: &[Uuid]) -> Vec<Tick> {
    list.iter().map(|s| Tick { id: s.id, name: s.name.clone(), on: on.contains(&s.id) }).collect()
}

fn build(ctx: Ctx, id: Option<Uuid>, c: &Coverable, typed: &Typed, errors: Errors) -> FormPage {
    FormPage {
        id,
        org: c.org_name.clone(),
        org_id: c.org,
        orgs: Vec::new(),
        valid: false,
        may_manage: true,
        fields: form_fields(&ctx, &errors, &typed.fields),
        systems: ticks(&c.systems, &typed.systems),
        processings: ticks(&c.processings, &typed.processings),
        errors,
        ctx,
    }
}

async fn new_page(
    state: &SharedState,
    s: &Session,
    org: Option<Uuid>,
    typed: &Typed,
    errors: Errors,
) -> AppResult<FormPage> {
    let (tree, orgs, c) = app::processing::agreements::new_form(&state.store, &s.caller(), org).await?;
    let mut page = build(Ctx::for_session(s, SECTION), None, &c, typed, errors);
    page.orgs = options(&tree, &orgs);
    Ok(page)
}

/// GET /registers/agreements/new?org=
pub async fn new_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let typed = Typed { fields: AgreementFields::default(), systems: Vec::new(), processings: Vec::new() };
    render(&new_page(&state, &s, q.org()?, &typed, Errors::default()).await?)
}

/// POST /registers/agreements
pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (org, t) = Typed::from_pairs(&pairs);
    let res = app::processing::agreements::create(
        &state.store,
        &s.caller(),
        org,
        &t.fields,
        t.systems.clone(),
        t.processings.clone(),
    )
    .await;
    match res {
        Ok(a) => Ok(see_other(&format!("/registers/agreements/{}", a.id))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = new_page(&state, &s, org, &t, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

async fn show_page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    typed: Option<Typed>,
    errors: Errors,
) -> AppResult<FormPage> {
    let v = app::processing::agreements::load(&state.store, &s.caller(), id).await?;
    let a = &v.line.agreement.data;
    let typed = typed.unwrap_or_else(|| Typed {
        fields: AgreementFields {
            supplier: a.supplier.clone(),
            signed_on: a.signed_on.map(|d| d.to_string()).unwrap_or_default(),
            expires_on: a.expires_on.map(|d| d.to_string()).unwrap_or_default(),
        },
        systems: a.systems.clone(),
        processings: a.processings.clone(),
    });
    let mut page = build(Ctx::for_session(s, SECTION), Some(id), &v.coverable, &typed, errors);
    page.valid = v.line.valid;
    page.may_manage = v.may_manage;
    Ok(page)
}

/// GET /registers/agreements/{id}
pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render(&show_page(&state, &s, parse_id(&id)?, None, Errors::default()).await?)
}

/// POST /registers/agreements/{id}
pub async fn update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let (_, t) = Typed::from_pairs(&pairs);
    let res = app::processing::agreements::update(
        &state.store,
        &s.caller(),
        id,
        &t.fields,
        t.systems.clone(),
        t.processings.clone(),
    )
    .await;
    match res {
        Ok(_) => Ok(see_other(&format!("/registers/agreements/{id}"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = show_page(&state, &s, id, Some(t), Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /registers/agreements/{id}/delete
pub async fn delete(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let org = app::processing::agreements::load(&state.store, &s.caller(), id).await?.line.agreement.org_id;
    app::processing::agreements::delete(&state.store, &s.caller(), id).await?;
    Ok(see_other(&format!("/registers/agreements?org={org}")))
}
