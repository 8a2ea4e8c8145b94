//! Follow-up models: the list, and loading a new model file (administrators).

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::Permission;

use super::{Ctx, render, render_status, see_other};
use crate::SharedState;
use crate::app::assessment::{self as app, ModelProblem};
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

/// One stored model version.
pub struct ModelView {
    pub name: String,
    pub version: i32,
    pub key: String,
    pub areas: usize,
    pub questions: usize,
    /// The first 12 hex digits of the file's SHA-256.
    pub sha256: String,
}

#[derive(Template)]
#[template(path = "models.html")]
struct ModelsPage {
    ctx: Ctx,
    models: Vec<ModelView>,
    can_import: bool,
    problems: Vec<String>,
    imported: bool,
}

async fn page(state: &SharedState, s: &Session, problems: Vec<String>, imported: bool) -> AppResult<ModelsPage> {
    let models = app::list_models(&state.store, &state.models)
        .await?
        .into_iter()
        .map(|m| ModelView {
            sha256: m.row.sha256.chars().take(12).collect(),
            name: m.row.name,
            version: m.row.version,
            key: m.row.key,
            areas: m.areas,
            questions: m.questions,
        })
        .collect();
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

/// A problem with a model file in the user's language.
fn problem_text(lang: domain::user::Language, p: &ModelProblem) -> String {
    match p {
        ModelProblem::Missing => crate::i18n::t(lang, "error-model-file-missing"),
        ModelProblem::NotUtf8 => crate::i18n::t(lang, "error-model-not-utf8"),
        ModelProblem::Invalid(e) => app::model_error_text(lang, e),
        ModelProblem::Conflict(code) => crate::i18n::t(lang, code),
    }
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
    let problems = match app::import_model(&state.store, &s.caller(), source.as_deref()).await? {
        Ok(_) => return Ok(see_other("/models?done=1")),
        Err(problems) => problems.iter().map(|p| problem_text(s.user.language, p)).collect(),
    };
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &s, problems, false).await?)
}
