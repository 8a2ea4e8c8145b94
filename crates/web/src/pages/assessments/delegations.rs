//! Handing areas to coordinators, and deciding on their proposals.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::SharedState;
use crate::app::assessment::{self as app, ProposalTarget};
use crate::error::{AppError, AppResult};
use crate::pages::{parse_id, see_other};
use crate::session::CurrentUser;

/// Hands areas to coordinators: one select per area (`area.<id>`), empty to take it back.
pub async fn delegate(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let caller = s.caller();
    let l = app::load_full(&state.store, &state.models, &caller, id).await?;
    l.ensure_manage(&caller)?;
    let mut choices = Vec::new();
    for area in &l.model.areas {
        let Some(choice) = form.get(&format!("area.{}", area.id)) else { continue };
        let user = if choice.is_empty() {
            None
        } else {
            Some(choice.parse().map_err(|_| {
                AppError::Validation(vec![domain::FieldError::new("user_id", "error-delegate-not-coordinator")])
            })?)
        };
        choices.push((area.id.clone(), user));
    }
    app::set_delegations(&state.store, &caller, &l, &choices).await?;
    Ok(see_other(&format!("/assessments/{id}?done=delegated")))
}

#[derive(Deserialize)]
pub struct ProposalForm {
    /// One question, or every proposal of `area`.
    #[serde(default)]
    question: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    decision: String,
}

/// The decision may come in the query, from a button's `formaction`.
#[derive(Deserialize)]
pub struct DecisionQuery {
    decision: Option<String>,
}

/// The CISO accepts proposals as answers or discards them.
pub async fn resolve(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DecisionQuery>,
    Form(f): Form<ProposalForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let caller = s.caller();
    let l = app::load_full(&state.store, &state.models, &caller, id).await?;
    l.ensure_manage(&caller)?;
    let decision = if f.decision.is_empty() { q.decision.unwrap_or_default() } else { f.decision.clone() };
    let accept = match decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("error-malformed")),
    };
    let target =
        if f.question.is_empty() { ProposalTarget::Area(&f.area) } else { ProposalTarget::Question(&f.question) };
    let area = app::resolve_proposals(&state.store, &caller, &l, target, accept).await?;
    Ok(see_other(&format!("/assessments/{id}/areas/{area}")))
}
