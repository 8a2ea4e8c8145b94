//! An organisation's reporting duties: whether it is an essential or an
//! important entity under the cybersäkerhetslag (NIS2), or neither.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::incident::duties::NisClass;
use serde::Deserialize;
use uuid::Uuid;

use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::i18n::t_args;
use crate::pages::plan::CodeOption;
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

#[derive(Template)]
#[template(path = "incidents_reporting.html")]
struct ReportingPage {
    ctx: Ctx,
    id: Uuid,
    org: String,
    title: String,
    current: String,
    /// Only a legal entity has a NIS class of its own.
    legal_entity: bool,
    classes: Vec<CodeOption>,
    chosen: String,
    errors: Errors,
}

fn class_label(ctx: &Ctx, c: Option<NisClass>) -> String {
    match c {
        Some(c) => ctx.tk("incident-nis-class", &c.code()),
        None => ctx.t("incident-nis-class-none"),
    }
}

async fn reporting_page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    chosen: Option<String>,
    errors: Errors,
) -> AppResult<ReportingPage> {
    let d = app::incident::reporting_duties(&state.store, &s.caller(), id).await?;
    let ctx = Ctx::for_session(s, "/orgs");
    let mut classes: Vec<CodeOption> =
        NisClass::ALL.iter().map(|c| CodeOption { code: c.code(), label: class_label(&ctx, Some(*c)) }).collect();
    classes.push(CodeOption { code: "", label: class_label(&ctx, None) });
    Ok(ReportingPage {
        id,
        title: t_args(ctx.lang, "incident-reporting-title", &[("org", d.org_name.clone())]),
        current: class_label(&ctx, d.nis_class),
        legal_entity: d.legal_entity,
        chosen: chosen.unwrap_or_else(|| d.nis_class.map(|c| c.code().to_owned()).unwrap_or_default()),
        org: d.org_name,
        classes,
        errors,
        ctx,
    })
}

/// GET /orgs/{id}/reporting-duties
pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render(&reporting_page(&state, &s, parse_id(&id)?, None, Errors::default()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ClassForm {
    /// essential, important, or empty for neither.
    pub nis_class: String,
}

/// POST /orgs/{id}/reporting-duties
pub async fn save(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ClassForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let class = match f.nis_class.trim() {
        "" => Ok(None),
        c => c.parse::<NisClass>().map(Some).map_err(|e| app::Error::Validation(vec![e])),
    };
    let done = match class {
        Ok(class) => app::incident::set_nis_class(&state.store, &s.caller(), id, class).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(see_other(&format!("/orgs/{id}/reporting-duties"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = reporting_page(&state, &s, id, Some(f.nis_class), Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}
