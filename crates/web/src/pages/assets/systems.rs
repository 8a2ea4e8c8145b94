//! The register of systems (system och IT-tjänster): the list with each
//! system's levels computed from its assets, a new system, one system's page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::assets::system::SystemFields;
use serde::Deserialize;
use uuid::Uuid;

use super::{Choice, SECTION, hostings, org_options, status_badge};
use crate::SharedState;
use crate::app;
use crate::app::assets::levels_text;
use crate::app::assets_systems::SystemView;
use crate::error::{AppError, AppResult};
use crate::pages::plan::OrgOption;
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

/// One system of the list.
pub struct SystemRow {
    pub id: Uuid,
    pub name: String,
    pub org: String,
    pub owner: String,
    pub manager: String,
    pub supplier: String,
    pub levels: String,
    pub without_agreement: bool,
    pub third_country: bool,
}

#[derive(Template)]
#[template(path = "systems.html")]
struct ListPage {
    ctx: Ctx,
    root: Uuid,
    choices: Vec<OrgOption>,
    rows: Vec<SystemRow>,
    may_manage: bool,
}

/// GET /registers/systems?org=
pub async fn system_list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let r = app::assets::register(&state.store, &s.caller(), q.org()?).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let rows = r
        .systems
        .iter()
        .map(|l| SystemRow {
            id: l.system.id,
            name: l.system.data.name.clone(),
            org: l.org_name.clone(),
            owner: l.system.data.system_owner.clone(),
            manager: l.system.data.object_manager.clone(),
            supplier: l.system.data.supplier.clone(),
            levels: levels_text(&r.model, &l.levels),
            without_agreement: l.without_agreement,
            third_country: l.third_country,
        })
        .collect();
    render(&ListPage { root: r.root, choices: org_options(&r.choices), rows, may_manage: r.may_manage, ctx })
}

#[derive(Deserialize)]
pub struct SystemIn {
    #[serde(default)]
    pub org_id: String,
    #[serde(flatten)]
    pub fields: SystemFields,
}

#[derive(Template)]
#[template(path = "systems_new.html")]
struct NewPage {
    ctx: Ctx,
    orgs: Vec<OrgOption>,
    org_id: String,
    f: SystemFields,
    hostings: Vec<(&'static str, String)>,
    errors: Errors,
}

async fn new_page(
    state: &SharedState,
    s: &Session,
    org_id: String,
    f: SystemFields,
    errors: Errors,
) -> AppResult<NewPage> {
    let (_, orgs) = app::assets::manage_orgs(&state.store, &s.caller()).await?;
    let ctx = Ctx::for_session(s, SECTION);
    Ok(NewPage { orgs: org_options(&orgs), org_id, f, hostings: hostings(&ctx), errors, ctx })
}

/// GET /registers/systems/new?org=
pub async fn system_new(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let org = q.org()?.map(|o| o.to_string()).unwrap_or_default();
    render(&new_page(&state, &s, org, SystemFields::default(), Errors::default()).await?)
}

/// POST /registers/systems
pub async fn system_create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(b): Form<SystemIn>,
) -> AppResult<Response> {
    let org = match b.org_id.trim() {
        "" => None,
        o => Some(o.parse::<Uuid>().map_err(|_| AppError::NotFound)?),
    };
    match app::assets_systems::create_system(&state.store, &s.caller(), org, &b.fields).await {
        Ok(x) => Ok(see_other(&format!("/registers/systems/{}", x.id))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errors = Errors::new(s.user.language, &e.field_errors());
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &new_page(&state, &s, b.org_id, b.fields, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// One asset of a system's page.
pub struct AssetOfSystem {
    pub id: Uuid,
    pub name: String,
    pub levels: String,
    pub status: String,
    pub status_class: &'static str,
}

#[derive(Template)]
#[template(path = "systems_show.html")]
struct ShowPage {
    ctx: Ctx,
    v: SystemView,
    levels: String,
    hosting: String,
    assets: Vec<AssetOfSystem>,
    f: SystemFields,
    hostings: Vec<(&'static str, String)>,
    errors: Errors,
}

fn fields_of(v: &SystemView) -> SystemFields {
    let d = &v.system.data;
    SystemFields {
        name: d.name.clone(),
        description: d.description.clone(),
        system_owner: d.system_owner.clone(),
        object_manager: d.object_manager.clone(),
        supplier: d.supplier.clone(),
        hosting: d.hosting.map(|h| h.code().to_owned()).unwrap_or_default(),
        country: d.country.clone().unwrap_or_default(),
        contract: d.contract.clone(),
        processes_personal_data: if d.processes_personal_data { "on".into() } else { String::new() },
    }
}

async fn page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    typed: Option<SystemFields>,
    errors: Errors,
) -> AppResult<ShowPage> {
    let v = app::assets_systems::load_system(&state.store, &s.caller(), id).await?;
    let ctx = Ctx::for_session(s, SECTION);
    let today = domain::clock::today();
    let assets = v
        .assets
        .iter()
        .map(|(a, c)| {
            let status = match c {
                None => app::assets::Status::Unclassified,
                Some(c) if domain::assets::classification::is_current(&c.data, today) => app::assets::Status::Current,
                Some(_) => app::assets::Status::Overdue,
            };
            let (status, status_class) = status_badge(&ctx, status);
            AssetOfSystem {
                id: a.id,
                name: a.data.name.clone(),
                levels: c.as_ref().map(|c| levels_text(&v.model, &c.data.levels)).unwrap_or_default(),
                status,
                status_class,
            }
        })
        .collect();
    Ok(ShowPage {
        levels: levels_text(&v.model, &v.levels),
        hosting: v.system.data.hosting.map(|h| ctx.t(super::hosting_key(h))).unwrap_or_default(),
        f: typed.unwrap_or_else(|| fields_of(&v)),
        hostings: hostings(&ctx),
        assets,
        errors,
        ctx,
        v,
    })
}

/// GET /registers/systems/{id}
pub async fn system_show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render(&page(&state, &s, parse_id(&id)?, None, Errors::default()).await?)
}

/// POST /registers/systems/{id}
pub async fn system_update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(b): Form<SystemIn>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::assets_systems::update_system(&state.store, &s.caller(), id, &b.fields).await {
        Ok(_) => Ok(see_other(&format!("/registers/systems/{id}"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errors = Errors::new(s.user.language, &e.field_errors());
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &s, id, Some(b.fields), errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /registers/systems/{id}/delete
pub async fn system_delete(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::assets_systems::delete_system(&state.store, &s.caller(), id).await {
        Ok(org) => Ok(see_other(&format!("/registers/systems?org={org}"))),
        Err(e @ app::Error::Conflict(_)) => {
            let errors = Errors::new(s.user.language, &e.field_errors());
            render_status(StatusCode::CONFLICT, &page(&state, &s, id, None, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}
