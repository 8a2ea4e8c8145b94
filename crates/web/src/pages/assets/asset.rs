//! One information asset: its data, classification history, the
//! classification form (one select per aspect of the installation's model),
//! its systems, risks, protection requirements and the actions made from them.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::assets::classification::{ClassificationFields, ClassificationModel};
use domain::user::Language;
use uuid::Uuid;

use super::{AssetIn, SECTION, status_badge};
use crate::SharedState;
use crate::app;
use crate::app::assets::{AssetView, levels_text};
use crate::error::AppResult;
use crate::pages::{Ctx, Errors, parse_id, render_status, see_other};
use crate::session::{CurrentUser, Session};

/// One select of the classification form.
pub struct AspectSelect {
    pub field: &'static str,
    pub label: String,
    pub optional: bool,
    /// (value, "K3 – Betydande skada", selected)
    pub options: Vec<(u8, String, bool)>,
}

/// One classification of the history.
pub struct HistoryRow {
    pub levels: String,
    pub classified_on: String,
    pub classified_by: String,
    pub next_review: String,
    pub motivation: String,
}

/// A requirement with whether an action exists for it.
pub struct RequirementRow {
    pub aspect: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "assets_show.html")]
struct ShowPage {
    ctx: Ctx,
    v: AssetView,
    /// The edit form as typed.
    edit_name: String,
    description: String,
    owner: String,
    levels: String,
    status: String,
    status_class: &'static str,
    next_review: String,
    history: Vec<HistoryRow>,
    aspects: Vec<AspectSelect>,
    classification: ClassificationFields,
    requirements: Vec<RequirementRow>,
    /// (id, name, linked)
    system_choices: Vec<(Uuid, String, bool)>,
    /// (id, label with depth, selected)
    unit_options: Vec<(Uuid, String, bool)>,
    errors: Errors,
    class_errors: Errors,
}

fn aspect_name(model: &ClassificationModel, code: &str, lang: Language) -> String {
    model
        .aspect(code)
        .map(|a| if lang == Language::En { a.name_en.clone() } else { a.name_sv.clone() })
        .unwrap_or_default()
}

/// The selects of the classification form for `model`, with `typed` chosen.
pub fn aspect_selects(
    model: &ClassificationModel,
    lang: Language,
    typed: &BTreeMap<String, String>,
) -> Vec<AspectSelect> {
    model
        .aspects
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let letter = a.name_sv.chars().next().unwrap_or('?').to_uppercase().to_string();
            let chosen = typed.get(&a.code).map(String::as_str).unwrap_or("");
            AspectSelect {
                field: model.level_field(i),
                label: if lang == Language::En { a.name_en.clone() } else { a.name_sv.clone() },
                optional: a.optional,
                options: a
                    .levels
                    .iter()
                    .map(|l| {
                        let name = if lang == Language::En { &l.name_en } else { &l.name_sv };
                        (l.value, format!("{letter}{} – {name}", l.value), chosen == l.value.to_string())
                    })
                    .collect(),
            }
        })
        .collect()
}

struct Typed {
    fields: Option<super::AssetIn>,
    classification: Option<ClassificationFields>,
    errors: Errors,
    class_errors: Errors,
}

async fn page(state: &SharedState, s: &Session, id: Uuid, typed: Typed) -> AppResult<ShowPage> {
    let v = app::assets::load_asset(&state.store, &s.caller(), id).await?;
    let ctx = Ctx::for_session(s, SECTION);
    let lang = s.user.language;
    let (status, status_class) = status_badge(&ctx, v.status);
    let history = v
        .history
        .iter()
        .map(|c| HistoryRow {
            levels: levels_text(&v.model, &c.data.levels),
            classified_on: c.data.classified_on.to_string(),
            classified_by: c.data.classified_by.clone(),
            next_review: c.data.next_review.to_string(),
            motivation: c.data.motivation.clone(),
        })
        .collect();
    let classification = typed.classification.unwrap_or_else(|| ClassificationFields {
        levels: v
            .current()
            .map(|c| c.data.levels.iter().map(|(k, l)| (k.clone(), l.to_string())).collect())
            .unwrap_or_default(),
        classified_on: v.today.to_string(),
        next_review: (v.today + chrono::Months::new(12)).to_string(),
        ..Default::default()
    });
    let requirements = v
        .requirements
        .iter()
        .map(|r| RequirementRow {
            aspect: aspect_name(&v.model, r.aspect, lang),
            text: if lang == Language::En { r.text_en.into() } else { r.text_sv.into() },
        })
        .collect();
    let linked: Vec<Uuid> = v.systems.iter().map(|s| s.id).collect();
    let system_choices = v.org_systems.iter().map(|s| (s.id, s.data.name.clone(), linked.contains(&s.id))).collect();
    let (name, description, owner, unit) = match typed.fields {
        Some(f) => (f.fields.name, f.fields.description, f.fields.information_owner, f.fields.unit),
        None => (
            v.asset.data.name.clone(),
            v.asset.data.description.clone(),
            v.asset.data.information_owner.clone(),
            v.asset.data.unit.map(|u| u.to_string()).unwrap_or_default(),
        ),
    };
    let unit_options = v
        .units
        .iter()
        .map(|(id, depth, n)| (*id, format!("{}{n}", "– ".repeat(*depth)), unit == id.to_string()))
        .collect();
    Ok(ShowPage {
        unit_options,
        levels: v.current().map(|c| levels_text(&v.model, &c.data.levels)).unwrap_or_default(),
        next_review: v.current().map(|c| c.data.next_review.to_string()).unwrap_or_default(),
        aspects: aspect_selects(&v.model, lang, &classification.levels),
        classification,
        status,
        status_class,
        history,
        requirements,
        system_choices,
        edit_name: name,
        description,
        owner,
        errors: typed.errors,
        class_errors: typed.class_errors,
        ctx,
        v,
    })
}

fn untyped() -> Typed {
    Typed { fields: None, classification: None, errors: Errors::default(), class_errors: Errors::default() }
}

/// GET /registers/assets/{id}
pub async fn asset_show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render_status(StatusCode::OK, &page(&state, &s, parse_id(&id)?, untyped()).await?)
}

/// POST /registers/assets/{id}
pub async fn asset_update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(b): Form<AssetIn>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::assets::update_asset(&state.store, &s.caller(), id, &b.fields).await {
        Ok(_) => Ok(see_other(&format!("/registers/assets/{id}"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errors = Errors::new(s.user.language, &e.field_errors());
            let typed = Typed { fields: Some(b), errors, ..untyped() };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &s, id, typed).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /registers/assets/{id}/delete
pub async fn asset_delete(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::assets::delete_asset(&state.store, &s.caller(), id).await {
        Ok(org) => Ok(see_other(&format!("/registers/assets?org={org}"))),
        Err(e @ app::Error::Conflict(_)) => {
            let errors = Errors::new(s.user.language, &e.field_errors());
            let typed = Typed { errors, ..untyped() };
            render_status(StatusCode::CONFLICT, &page(&state, &s, id, typed).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The classification form's fields for `model` (`level_<code>` selects).
pub fn classification_from_form(model: &ClassificationModel, form: &HashMap<String, String>) -> ClassificationFields {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    ClassificationFields {
        levels: model
            .aspects
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.clone(), get(model.level_field(i))))
            .filter(|(_, v)| !v.is_empty())
            .collect(),
        motivation: get("motivation"),
        classified_on: get("classified_on"),
        classified_by: get("classified_by"),
        next_review: get("next_review"),
    }
}

/// POST /registers/assets/{id}/classification
pub async fn asset_classify(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(b): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let model = app::assets::classification_model(&state.store, &s.caller()).await?;
    let f = classification_from_form(&model, &b);
    match app::assets::classify(&state.store, &s.caller(), id, &f).await {
        Ok(_) => Ok(see_other(&format!("/registers/assets/{id}"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let class_errors = Errors::new(s.user.language, &e.field_errors());
            let typed = Typed { classification: Some(f), class_errors, ..untyped() };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &s, id, typed).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /registers/assets/{id}/systems (checkboxes `systems`)
pub async fn asset_systems(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(b): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut ids = Vec::new();
    for (_, v) in b.iter().filter(|(k, _)| k == "systems").take(store::MAX_LINKS + 1) {
        ids.push(parse_id(v)?);
    }
    match app::assets::set_asset_systems(&state.store, &s.caller(), id, &ids).await {
        Ok(()) => Ok(see_other(&format!("/registers/assets/{id}"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errors = Errors::new(s.user.language, &e.field_errors());
            let typed = Typed { errors, ..untyped() };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &s, id, typed).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /registers/assets/{id}/actions
pub async fn asset_actions(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let english = s.user.language == Language::En;
    match app::assets::plan_requirements(&state.store, &s.caller(), id, english).await {
        Ok(_) => Ok(see_other(&format!("/registers/assets/{id}#actions"))),
        Err(e @ app::Error::Conflict(_)) => {
            let errors = Errors::new(s.user.language, &e.field_errors());
            let typed = Typed { errors, ..untyped() };
            render_status(StatusCode::CONFLICT, &page(&state, &s, id, typed).await?)
        }
        Err(e) => Err(e.into()),
    }
}
