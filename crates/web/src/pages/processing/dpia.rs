//! Consequence assessments (DPIA, GDPR art. 35) of a record: the form of a
//! new one, one assessment's page with its form, and deleting it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::assets::dpia::{DpiaFields, DpiaInput};
use domain::assets::risk::RiskLevel;
use uuid::Uuid;

use super::{FieldView, SECTION, field};
use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

/// A residual risk level in words.
pub fn level_label(ctx: &Ctx, l: RiskLevel) -> String {
    ctx.t(match l {
        RiskLevel::Low => "dpia-level-low",
        RiskLevel::Medium => "dpia-level-medium",
        RiskLevel::High => "dpia-level-high",
        RiskLevel::VeryHigh => "dpia-level-very_high",
    })
}

/// The assessment form's fields with the values typed.
pub fn dpia_fields(ctx: &Ctx, errors: &Errors, f: &DpiaFields) -> Vec<FieldView> {
    let p = "dpia";
    let text = |name, value: &str| {
        let mut v = field(ctx, errors, p, name, "text", value, true);
        v.required = name != "legitimate_interest";
        v
    };
    let mut level = field(ctx, errors, p, "residual_level", "select", f.residual_level.trim(), true);
    level.options = std::iter::once((String::new(), ctx.t("processing-unanswered")))
        .chain(RiskLevel::ALL.iter().map(|l| (l.code().to_owned(), level_label(ctx, *l))))
        .collect();
    let mut consulted = field(ctx, errors, p, "prior_consultation", "select", f.prior_consultation.trim(), true);
    consulted.options = vec![("no".into(), ctx.t("no")), ("yes".into(), ctx.t("yes"))];
    vec![
        text("description", &f.description),
        text("purposes", &f.purposes),
        text("legitimate_interest", &f.legitimate_interest),
        text("necessity", &f.necessity),
        text("risks", &f.risks),
        text("measures", &f.measures),
        text("dpo_advice", &f.dpo_advice),
        level,
        consulted,
        field(ctx, errors, p, "prior_consultation_on", "date", &f.prior_consultation_on, false),
    ]
}

fn fields_of(d: &DpiaInput) -> DpiaFields {
    DpiaFields {
        description: d.description.clone(),
        purposes: d.purposes.clone(),
        legitimate_interest: d.legitimate_interest.clone(),
        necessity: d.necessity.clone(),
        risks: d.risks.clone(),
        measures: d.measures.clone(),
        dpo_advice: d.dpo_advice.clone(),
        residual_level: d.residual_level.code().to_owned(),
        prior_consultation: if d.prior_consultation { "yes" } else { "no" }.into(),
        prior_consultation_on: d.prior_consultation_on.map(|d| d.to_string()).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "dpia_form.html")]
struct DpiaPage {
    ctx: Ctx,
    /// The assessment's id; none for a new one.
    id: Option<Uuid>,
    processing_id: Uuid,
    processing_name: String,
    org: String,
    needs_consultation: bool,
    consultation_missing: bool,
    may_manage: bool,
    fields: Vec<FieldView>,
    facts: Vec<(String, String)>,
    errors: Errors,
}

async fn new_page(
    state: &SharedState,
    s: &Session,
    processing: Uuid,
    f: &DpiaFields,
    errors: Errors,
) -> AppResult<DpiaPage> {
    let p = app::processing::dpia::processing_for_new(&state.store, &s.caller(), processing).await?;
    let ctx = Ctx::for_session(s, SECTION);
    Ok(DpiaPage {
        id: None,
        processing_id: p.id,
        processing_name: p.data.name.clone(),
        org: String::new(),
        needs_consultation: false,
        consultation_missing: false,
        may_manage: true,
        fields: dpia_fields(&ctx, &errors, f),
        facts: Vec::new(),
        errors,
        ctx,
    })
}

/// GET /registers/processings/{id}/dpias/new
pub async fn new_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let f = DpiaFields { prior_consultation: "no".into(), ..Default::default() };
    render(&new_page(&state, &s, parse_id(&id)?, &f, Errors::default()).await?)
}

/// POST /registers/processings/{id}/dpias
pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<DpiaFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::processing::dpia::create(&state.store, &s.caller(), id, &f).await {
        Ok(d) => Ok(see_other(&format!("/registers/dpias/{}", d.id))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = new_page(&state, &s, id, &f, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

async fn show_page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    form: Option<DpiaFields>,
    errors: Errors,
) -> AppResult<DpiaPage> {
    let v = app::processing::dpia::load(&state.store, &s.caller(), id).await?;
    let ctx = Ctx::for_session(s, SECTION);
    let stored = dpia_fields(&ctx, &Errors::default(), &fields_of(&v.dpia.data));
    let facts = stored
        .iter()
        .map(|f| {
            let value = if f.kind == "select" {
                f.options.iter().find(|(c, _)| *c == f.value).map(|(_, l)| l.clone()).unwrap_or_default()
            } else {
                f.value.clone()
            };
            (f.label.clone(), if value.is_empty() { "–".into() } else { value })
        })
        .collect();
    let form = form.unwrap_or_else(|| fields_of(&v.dpia.data));
    Ok(DpiaPage {
        id: Some(id),
        processing_id: v.processing.id,
        processing_name: v.processing.data.name.clone(),
        org: v.org_name.clone(),
        needs_consultation: v.needs_consultation,
        consultation_missing: v.consultation_missing,
        may_manage: v.may_manage,
        fields: dpia_fields(&ctx, &errors, &form),
        facts,
        errors,
        ctx,
    })
}

/// GET /registers/dpias/{id}
pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render(&show_page(&state, &s, parse_id(&id)?, None, Errors::default()).await?)
}

/// POST /registers/dpias/{id}
pub async fn update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<DpiaFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::processing::dpia::update(&state.store, &s.caller(), id, &f).await {
        Ok(_) => Ok(see_other(&format!("/registers/dpias/{id}"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = show_page(&state, &s, id, Some(f), Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /registers/dpias/{id}/delete
pub async fn delete(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let processing = app::processing::dpia::delete(&state.store, &s.caller(), parse_id(&id)?).await?;
    Ok(see_other(&format!("/registers/processings/{processing}")))
}
