//! The lifecycle (submit, return, approve, lock, reopen), handing areas to
//! coordinators, and deciding on their proposals.

use domain::FieldError;
use domain::assessment::{Transition, step_allowed};

use super::Loaded;
use crate::app::{Caller, Error, Result};

/// Takes a lifecycle step, if the caller's role allows it here. Submitting
/// with questions left unanswered takes the caller's confirmation
/// (`confirmed`): they count as not met.
#[tracing::instrument(skip_all, err(level = "debug"), fields(assessment = %l.a.id, step = step.code()))]
pub async fn transition_assessment(
    store: &store::Store,
    caller: &Caller,
    l: &Loaded,
    step: Transition,
    confirmed: bool,
) -> Result<store::Assessment> {
    if !step_allowed(l.may_manage(caller), l.may_approve(caller), step) {
        return Err(Error::Forbidden);
    }
    if step == Transition::Submit && !confirmed && !l.score().unanswered.is_empty() {
        return Err(Error::Validation(vec![FieldError::new("confirm", "error-assessment-unanswered-confirm")]));
    }
    Ok(store.transition_assessment(&caller.actor(), l.a.id, step).await?)
}

/// Reopens a locked assessment as a new draft revision.
#[tracing::instrument(skip_all, err(level = "debug"), fields(assessment = %l.a.id))]
pub async fn reopen_assessment(store: &store::Store, caller: &Caller, l: &Loaded) -> Result<store::Assessment> {
    l.ensure_manage(caller)?;
    Ok(store.reopen_assessment(&caller.actor(), l.a.id).await?)
}

/// A coordinator who may get an area of the assessment.
pub struct Candidate {
    pub user_id: uuid::Uuid,
    /// "name – unit".
    pub label: String,
}

/// Active coordinators with a role inside the assessed organisation's subtree.
pub async fn delegation_candidates(store: &store::Store, l: &Loaded) -> Result<Vec<Candidate>> {
    let holders =
        store.role_holders(&store::OrgScope::Subtree(l.a.org_id), Some(domain::user::Role::Coordinator)).await?;
    let mut out: Vec<Candidate> = holders
        .into_iter()
        .filter(|h| h.active)
        .filter_map(|h| {
            let org = h.assignment.org_id?;
            let unit = l.tree.get(org).map(|n| n.name.as_str()).unwrap_or("");
            Some(Candidate { user_id: h.assignment.user_id, label: format!("{} – {unit}", h.name) })
        })
        .collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out.dedup_by(|a, b| a.user_id == b.user_id);
    Ok(out)
}

/// Hands areas to coordinators: for each `(area, user)` the new delegate, or
/// none to take the area back. Areas not listed stay as they are.
#[tracing::instrument(skip_all, err(level = "debug"), fields(assessment = %l.a.id))]
pub async fn set_delegations(
    store: &store::Store,
    caller: &Caller,
    l: &Loaded,
    choices: &[(String, Option<uuid::Uuid>)],
) -> Result<()> {
    l.ensure_manage(caller)?;
    let allowed = delegation_candidates(store, l).await?;
    for area in &l.model.areas {
        let Some((_, choice)) = choices.iter().find(|(a, _)| *a == area.id) else { continue };
        let current = l.delegations.iter().find(|d| d.area_id == area.id).map(|d| d.user_id);
        if *choice == current {
            continue;
        }
        if let Some(u) = choice
            && !allowed.iter().any(|c| c.user_id == *u)
        {
            return Err(Error::Validation(vec![FieldError::new("user_id", "error-delegate-not-coordinator")]));
        }
        store.set_delegation(&caller.actor(), l.a.id, &area.id, *choice).await?;
    }
    Ok(())
}

/// Which proposals a decision concerns.
pub enum ProposalTarget<'a> {
    Question(&'a str),
    /// Every proposal of an area.
    Area(&'a str),
}

/// The CISO accepts proposals as answers or discards them; returns the area.
#[tracing::instrument(skip_all, err(level = "debug"), fields(assessment = %l.a.id, accept))]
pub async fn resolve_proposals(
    store: &store::Store,
    caller: &Caller,
    l: &Loaded,
    target: ProposalTarget<'_>,
    accept: bool,
) -> Result<String> {
    l.ensure_manage(caller)?;
    let (questions, area): (Vec<String>, String) = match target {
        ProposalTarget::Question(qid) => {
            let q = l.model.question(qid).ok_or(Error::NotFound)?;
            (vec![q.id.clone()], q.area.clone())
        }
        ProposalTarget::Area(area) => {
            l.model.area(area).ok_or(Error::NotFound)?;
            (l.model.questions_in(area).map(|q| q.id.clone()).collect(), area.to_owned())
        }
    };
    store.resolve_proposals(&caller.actor(), l.a.id, &questions, accept).await?;
    Ok(area)
}
