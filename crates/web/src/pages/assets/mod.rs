//! The register of information assets (informationstillgångar): the list of
//! an organisation's subtree with each asset's classification, a new asset;
//! one asset's page is in [`asset`], the systems in [`systems`], import,
//! template and exports in [`files`].

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::assets::system::{AssetFields, Hosting};
use serde::Deserialize;
use uuid::Uuid;

use super::plan::OrgOption;
use super::{Ctx, Errors, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::app::assets::{OrgChoice, levels_text};
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

pub mod asset;
pub mod files;
pub mod systems;

/// The navigation section of the registers.
pub const SECTION: &str = "/registers";

/// `?org=` of the register pages.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Choice {
    pub org: String,
}

impl Choice {
    /// The organisation asked for: none when empty, 404 when malformed.
    pub fn org(&self) -> AppResult<Option<Uuid>> {
        match self.org.trim() {
            "" => Ok(None),
            s => super::parse_id(s).map(Some),
        }
    }
}

pub fn org_options(orgs: &[OrgChoice]) -> Vec<OrgOption> {
    orgs.iter().map(|o| OrgOption { id: o.id, label: format!("{}{}", "– ".repeat(o.depth), o.name) }).collect()
}

/// The label of a status badge and its class.
pub fn status_badge(ctx: &Ctx, s: app::assets::Status) -> (String, &'static str) {
    let class = match s {
        app::assets::Status::Current => "ok",
        app::assets::Status::Overdue => "warn",
        app::assets::Status::Unclassified => "",
    };
    (ctx.t(status_key(s)), class)
}

/// The translation key of a status.
pub fn status_key(s: app::assets::Status) -> &'static str {
    match s {
        app::assets::Status::Current => "assets-status-current",
        app::assets::Status::Overdue => "assets-status-overdue",
        app::assets::Status::Unclassified => "assets-status-unclassified",
    }
}

/// The translation key of a hosting.
pub fn hosting_key(h: Hosting) -> &'static str {
    match h {
        Hosting::Own => "assets-hosting-own",
        Hosting::MunicipalIt => "assets-hosting-municipal_it",
        Hosting::Cloud => "assets-hosting-cloud",
        Hosting::Other => "assets-hosting-other",
    }
}

pub fn hostings(ctx: &Ctx) -> Vec<(&'static str, String)> {
    Hosting::ALL.iter().map(|h| (h.code(), ctx.t(hosting_key(*h)))).collect()
}

/// One asset of the list.
pub struct AssetRow {
    pub id: Uuid,
    pub name: String,
    pub org: String,
    pub unit: String,
    pub owner: String,
    pub levels: String,
    pub status: String,
    pub status_class: &'static str,
    pub next_review: String,
}

#[derive(Template)]
#[template(path = "assets.html")]
struct ListPage {
    ctx: Ctx,
    root: Uuid,
    choices: Vec<OrgOption>,
    rows: Vec<AssetRow>,
    may_manage: bool,
}

/// GET /registers/assets?org=
pub async fn asset_list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let r = app::assets::register(&state.store, &s.caller(), q.org()?).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let rows = r
        .assets
        .iter()
        .map(|a| {
            let (status, status_class) = status_badge(&ctx, a.status);
            AssetRow {
                id: a.asset.id,
                name: a.asset.data.name.clone(),
                org: a.org_name.clone(),
                unit: a.unit_name.clone(),
                owner: a.asset.data.information_owner.clone(),
                levels: a.current.as_ref().map(|c| levels_text(&r.model, &c.data.levels)).unwrap_or_default(),
                status,
                status_class,
                next_review: a.next_review().map(|d| d.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    render(&ListPage { root: r.root, choices: org_options(&r.choices), rows, may_manage: r.may_manage, ctx })
}

/// The asset form as typed.
#[derive(Default)]
pub struct AssetForm {
    pub org_id: String,
    pub fields: AssetFields,
}

#[derive(Deserialize)]
pub struct AssetIn {
    #[serde(default)]
    pub org_id: String,
    #[serde(flatten)]
    pub fields: AssetFields,
}

#[derive(Template)]
#[template(path = "assets_new.html")]
struct NewPage {
    ctx: Ctx,
    orgs: Vec<OrgOption>,
    form: AssetForm,
    errors: Errors,
}

async fn new_page(state: &SharedState, s: &Session, form: AssetForm, errors: Errors) -> AppResult<NewPage> {
    let (_, orgs) = app::assets::manage_orgs(&state.store, &s.caller()).await?;
    Ok(NewPage { ctx: Ctx::for_session(s, SECTION), orgs: org_options(&orgs), form, errors })
}

/// GET /registers/assets/new?org=
pub async fn asset_new(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let form = AssetForm { org_id: q.org()?.map(|o| o.to_string()).unwrap_or_default(), ..Default::default() };
    render(&new_page(&state, &s, form, Errors::default()).await?)
}

/// POST /registers/assets
pub async fn asset_create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(b): Form<AssetIn>,
) -> AppResult<Response> {
    let org = match b.org_id.trim() {
        "" => None,
        o => Some(o.parse::<Uuid>().map_err(|_| AppError::NotFound)?),
    };
    match app::assets::create_asset(&state.store, &s.caller(), org, &b.fields).await {
        Ok(a) => Ok(see_other(&format!("/registers/assets/{}", a.id))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errors = Errors::new(s.user.language, &e.field_errors());
            let form = AssetForm { org_id: b.org_id, fields: b.fields };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &new_page(&state, &s, form, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}
