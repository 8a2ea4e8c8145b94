//! Follow-up models: the list, and loading a new model file (administrators).

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::Permission;

use super::orgs::actor;
use super::{Ctx, render, render_status, see_other};
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

#[derive(Template)]
#[template(path = "models.html")]
struct ModelsPage {
    ctx: Ctx,
    models: Vec<(String, i32, String, usize, usize, String)>,
    can_import: bool,
    problems: Vec<String>,
    imported: bool,
}

async fn page(state: &SharedState, s: &Session, problems: Vec<String>, imported: bool) -> AppResult<ModelsPage> {
    let mut models = Vec::new();
    for row in state.store.list_models().await? {
        let m = state.models.get(&state.store, row.id).await?;
        models.push((row.name, row.version, row.key, m.areas.len(), m.questions.len(), row.sha256[..12].to_owned()));
    }
    Ok(ModelsPage {
        ctx: Ctx::for_session(s, "/models"),
        models,
        can_import: s.principal.can_everywhere(Permission::ManageModels),
        problems,
        imported,
    })
}

#[derive(serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    axum::extract::Query(q): axum::extract::Query<Done>,
) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ViewAssessments) && !s.principal.can_everywhere(Permission::ManageModels)
    {
        return Err(AppError::Forbidden);
    }
    render(&page(&state, &s, Vec::new(), q.done.is_some()).await?)
}

/// Loads an uploaded model file: refused as a whole, with every error by line
/// and field, unless it is valid and its version is new.
pub async fn import(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    mut form: Multipart,
) -> AppResult<Response> {
    if !s.principal.can_everywhere(Permission::ManageModels) {
        return Err(AppError::Forbidden);
    }
    let mut source = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest("error-malformed"))? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("error-too-large"))?;
            source = Some(bytes);
        }
    }
    let lang = s.user.language;
    let problems = match source.as_deref().map(std::str::from_utf8) {
        None | Some(Ok("")) => vec![crate::i18n::t(lang, "error-model-file-missing")],
        Some(Err(_)) => vec![crate::i18n::t(lang, "error-model-not-utf8")],
        Some(Ok(text)) => match domain::model::parse_model(text) {
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
            Ok(m) => match state.store.insert_model(&actor(&s), &m.key, m.version as i32, &m.name.sv, text).await {
                Ok(_) => return Ok(see_other("/models?done=1")),
                Err(store::StoreError::Conflict { code, .. }) => vec![crate::i18n::t(lang, code)],
                Err(e) => return Err(e.into()),
            },
        },
    };
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &s, problems, false).await?)
}
