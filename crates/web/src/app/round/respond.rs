//! Answering a round (submit, submit again, withdraw) and closing it.
//!
//! The phase is checked twice: here against today's date (a round takes
//! answers only while open, [`domain::round::check_open`]), and by the store
//! inside the write's transaction against a close by the coordinator, so a
//! submission racing the close cannot write into a closed round.

use std::collections::HashMap;

use domain::FieldError;
use domain::round::{SharedResult, check_open, parse_employees};
use domain::scoring::{self, Answer};
use store::Store;
use uuid::Uuid;

use super::{Access, figures_access, round_assessment};
use crate::app::assessment::ModelCache;
use crate::app::error::Invariant;
use crate::app::{Caller, Error, Result};

/// An invited organisation's answer to a round.
#[derive(Debug, Clone)]
pub struct SubmitInput {
    pub org: Uuid,
    /// The number of employees as given (the size class is derived from it).
    pub employees: String,
    /// Whether the raw answers are shared with the coordinator too.
    pub share_answers: bool,
}

/// A refusal the user can act on; a store conflict (the round was closed in
/// the meantime, nothing to withdraw) reads like the checks made here.
fn refused(e: store::StoreError) -> Error {
    match e {
        store::StoreError::Conflict { field, code } => Error::Validation(vec![FieldError::new(field, code)]),
        other => other.into(),
    }
}

/// The caller may answer for `org` in a round that is open today.
fn check_may_answer(caller: &Caller, a: &Access, org: Uuid) -> Result<()> {
    if !a.may_respond_for(caller, org) {
        return Err(Error::Forbidden);
    }
    check_open(a.phase())?;
    Ok(())
}

/// Submits an invitee's result: its newest self-assessment for the round's
/// period, scored now; its answers only when it chose to share them.
/// Submitting again replaces the earlier result.
#[tracing::instrument(skip_all, err(level = "debug"), fields(round.id = %a.round.id, org.id = %input.org, user.id = %caller.user.id))]
pub async fn submit_response(store: &Store, caller: &Caller, a: &Access, input: &SubmitInput) -> Result<()> {
    let org = input.org;
    check_may_answer(caller, a, org)?;
    let employees = parse_employees(&input.employees)?;
    let Some(assessment) = round_assessment(store, &a.round, org).await? else {
        return Err(FieldError::new("assessment", "error-round-no-assessment").into());
    };
    let row = store.find_model(a.round.model_id).await?.ok_or(Error::NotFound)?;
    let model = domain::model::parse_model(&row.source).map_err(|e| {
        tracing::error!(model = %row.id, errors = ?e, "a stored model does not parse");
        Error::internal(Invariant("a stored model does not parse"))
    })?;
    let answers = store.list_answers(assessment.id).await?;
    let given: HashMap<String, Answer> =
        answers.iter().map(|r| (r.question_id.clone(), Answer::from_code(&r.answer))).collect();
    let outcome = scoring::score(&model, &given);
    let kind = a.tree.get(org).map(|n| n.kind.code()).unwrap_or("unit");
    let r = store::NewResponse {
        assessment_id: Some(assessment.id),
        kind: kind.to_owned(),
        employees,
        result: SharedResult::from_outcome(&outcome),
        answers: input
            .share_answers
            .then(|| answers.iter().map(|x| (x.question_id.clone(), x.answer.clone())).collect()),
    };
    store.submit_response(&caller.actor(), a.round.id, org, r).await.map_err(refused)
}

/// Withdraws an invitee's submitted result while the round is open; it then
/// counts in no figure.
#[tracing::instrument(skip_all, err(level = "debug"), fields(round.id = %a.round.id, org.id = %org, user.id = %caller.user.id))]
pub async fn withdraw_response(store: &Store, caller: &Caller, a: &Access, org: Uuid) -> Result<()> {
    check_may_answer(caller, a, org)?;
    store.withdraw_response(&caller.actor(), a.round.id, org).await.map_err(refused)
}

/// Closes a round before its closing date (its coordinator); closing twice is a conflict.
#[tracing::instrument(skip_all, err(level = "debug"), fields(round.id = %id, user.id = %caller.user.id))]
pub async fn close_round(store: &Store, models: &ModelCache, caller: &Caller, id: Uuid) -> Result<store::Round> {
    let a = figures_access(store, models, caller, id).await?;
    Ok(store.close_round(&caller.actor(), a.round.id).await?)
}
