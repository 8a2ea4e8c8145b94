//! One record of the processing register: what it still lacks, its form,
//! the systems it uses, its consequence assessments and the agreements
//! that cover it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::assets::processing::ProcessingFields;
use uuid::Uuid;

use super::{FieldView, SECTION, fields_of, missing_text, processing_fields};
use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

/// A system and whether the record uses it.
pub struct SystemChoice {
    pub id: Uuid,
    pub name: String,
    pub linked: bool,
}

/// An assessment as the record's page lists it.
pub struct DpiaRow {
    pub id: Uuid,
    pub made: String,
    pub residual: String,
    pub consultation_missing: bool,
}

/// An agreement covering the record.
pub struct AgreementRow {
    pub id: Uuid,
    pub supplier: String,
}

#[derive(Template)]
#[template(path = "processing_show.html")]
struct ShowPage {
    ctx: Ctx,
    id: Uuid,
    name: String,
    org: String,
    org_id: Uuid,
    complete: bool,
    missing: String,
    dpia_missing: bool,
    consultation_missing: bool,
    may_manage: bool,
    fields: Vec<FieldView>,
    /// The record's values in words, for readers.
    facts: Vec<(String, String)>,
    systems: Vec<SystemChoice>,
    dpias: Vec<DpiaRow>,
    agreements: Vec<AgreementRow>,
    errors: Errors,
}

fn facts(fields: &[FieldView]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| {
            let value = if f.kind == "select" {
                f.options.iter().find(|(c, _)| *c == f.value).map(|(_, l)| l.clone()).unwrap_or_default()
            } else {
                f.value.clone()
            };
            (f.label.clone(), if value.is_empty() { "–".into() } else { value })
        })
        .collect()
}

async fn page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    form: Option<ProcessingFields>,
    errors: Errors,
) -> AppResult<ShowPage> {
    let v = app::processing::load(&state.store, &s.caller(), id).await?;
    let ctx = Ctx::for_session(s, SECTION);
    let p = &v.line.processing;
    let stored = processing_fields(&ctx, &Errors::default(), &fields_of(&p.data));
    let form = form.unwrap_or_else(|| fields_of(&p.data));
    let linked: Vec<Uuid> = v.line.systems.iter().map(|s| s.id).collect();
    Ok(ShowPage {
        id,
        name: p.data.name.clone(),
        org: v.line.org_name.clone(),
        org_id: p.org_id,
        complete: v.line.complete(),
        missing: missing_text(&ctx, &v.line.missing),
        dpia_missing: v.line.dpia_missing,
        consultation_missing: v.line.consultation_missing,
        may_manage: v.may_manage,
        fields: processing_fields(&ctx, &errors, &form),
        facts: facts(&stored),
        systems: v
            .org_systems
            .iter()
            .map(|s| SystemChoice { id: s.id, name: s.data.name.clone(), linked: linked.contains(&s.id) })
            .collect(),
        dpias: v
            .dpias
            .iter()
            .map(|d| DpiaRow {
                id: d.id,
                made: ctx.date_time(&d.created_at),
                residual: super::dpia::level_label(&ctx, d.data.residual_level),
                consultation_missing: domain::assets::dpia::consultation_missing(&d.data),
            })
            .collect(),
        agreements: v.agreements.iter().map(|a| AgreementRow { id: a.id, supplier: a.data.supplier.clone() }).collect(),
        errors,
        ctx,
    })
}

/// GET /registers/processings/{id}
pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render(&page(&state, &s, parse_id(&id)?, None, Errors::default()).await?)
}

/// POST /registers/processings/{id}: saves the record.
pub async fn update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ProcessingFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::processing::update(&state.store, &s.caller(), id, &f).await {
        Ok(_) => Ok(see_other(&format!("/registers/processings/{id}"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = page(&state, &s, id, Some(f), Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /registers/processings/{id}/delete
pub async fn delete(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let org = app::processing::load(&state.store, &s.caller(), id).await?.line.processing.org_id;
    match app::processing::delete(&state.store, &s.caller(), id).await {
        Ok(()) => Ok(see_other(&format!("/registers/processings?org={org}"))),
        Err(e @ app::Error::Conflict(_)) => {
            let errs = e.field_errors();
            let page = page(&state, &s, id, None, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /registers/processings/{id}/systems: the ticked `systems`.
pub async fn set_systems(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let systems: Vec<Uuid> =
        pairs.iter().filter(|(k, _)| k == "systems").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    match app::processing::set_systems(&state.store, &s.caller(), id, &systems).await {
        Ok(_) => Ok(see_other(&format!("/registers/processings/{id}"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = page(&state, &s, id, None, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}
