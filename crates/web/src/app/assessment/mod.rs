//! Self-assessments: loading one the caller may see, listing, starting,
//! answering (directly or as a delegated coordinator's proposal), the
//! lifecycle, delegations, evidence files, the Excel import of answers, the
//! history of an organisation, and the follow-up models themselves.

use std::collections::HashMap;
use std::sync::Arc;

use domain::assessment::Period;
use domain::authz::Permission;
use domain::model::Model;
use domain::org::OrgTree;
use domain::scoring::{self, Answer, Outcome};
use store::OrgScope;
use uuid::Uuid;

use super::{Caller, Error, Result};
use crate::app::error::Invariant;

mod answers;
mod evidence;
mod history;
mod lifecycle;
mod models;

pub use answers::*;
pub use evidence::*;
pub use history::*;
pub use lifecycle::*;
pub use models::*;

/// An assessment with what is needed to show or change it.
pub struct Loaded {
    pub a: store::Assessment,
    pub model: Arc<Model>,
    /// Its answers, shared with the cache of answers by version.
    pub answers: Arc<Vec<store::AnswerRow>>,
    pub tree: OrgTree,
    /// The caller may see the whole assessment (not only areas delegated to them).
    pub full: bool,
    /// Areas delegated to the caller.
    pub mine: Vec<String>,
    pub delegations: Vec<store::Delegation>,
}

impl Loaded {
    pub fn answer_map(&self) -> HashMap<String, Answer> {
        answer_map(&self.answers)
    }

    pub fn org_name(&self) -> String {
        self.tree.get(self.a.org_id).map(|n| n.name.clone()).unwrap_or_default()
    }

    pub fn score(&self) -> Outcome {
        scoring::score(&self.model, &self.answer_map())
    }

    /// The caller manages (answers, submits, locks) this organisation's assessments.
    pub fn may_manage(&self, caller: &Caller) -> bool {
        caller.principal.can(Permission::ManageAssessments, self.a.org_id, &self.tree)
    }

    /// The caller approves this organisation's assessments.
    pub fn may_approve(&self, caller: &Caller) -> bool {
        caller.principal.can(Permission::ApproveAssessments, self.a.org_id, &self.tree)
    }

    /// Refuses a caller who does not manage this organisation's assessments.
    pub fn ensure_manage(&self, caller: &Caller) -> Result<()> {
        if self.may_manage(caller) { Ok(()) } else { Err(Error::Forbidden) }
    }
}

/// The answers of an assessment by question id.
pub fn answer_map(rows: &[store::AnswerRow]) -> HashMap<String, Answer> {
    rows.iter().map(|r| (r.question_id.clone(), Answer::from_code(&r.answer))).collect()
}

/// Loads an assessment the caller may see, as a whole or the areas delegated
/// to them (not found otherwise).
#[tracing::instrument(skip_all, err(level = "debug"), fields(assessment = %id))]
pub async fn load(store: &store::Store, models: &ModelCache, caller: &Caller, id: Uuid) -> Result<Loaded> {
    let (a, version) = store.find_assessment_versioned(id).await?.ok_or(Error::NotFound)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let full = caller.principal.can(Permission::ViewAssessments, a.org_id, &tree);
    let delegations = store.list_delegations(id).await?;
    let holds = domain::authz::delegation_holds(&caller.principal, &tree, a.org_id);
    let mine: Vec<String> =
        delegations.iter().filter(|d| holds && d.user_id == caller.user.id).map(|d| d.area_id.clone()).collect();
    if !full && mine.is_empty() {
        return Err(Error::NotFound);
    }
    let model = models.get(store, a.model_id).await?;
    let answers = models.answers.get(store, id, version).await?;
    Ok(Loaded { a, model, answers, tree, full, mine, delegations })
}

/// Loads an assessment the caller may see as a whole (not found for someone
/// who only answers a delegated area).
pub async fn load_full(store: &store::Store, models: &ModelCache, caller: &Caller, id: Uuid) -> Result<Loaded> {
    let l = load(store, models, caller, id).await?;
    if l.full { Ok(l) } else { Err(Error::NotFound) }
}

/// An assessment with its organisation's name and what a list shows of its score.
pub struct Listed {
    pub assessment: store::Assessment,
    pub org: String,
    pub summary: Summary,
}

/// Which assessments a list holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ListScope {
    /// Those of the organisations the caller may view.
    Visible,
    /// Those, and those with an area delegated to the caller.
    WithDelegated,
}

/// Below this many assessments whose score is not kept, their answers are
/// read by identifier; above it, every answer in the caller's scope at once.
const READ_BY_ID: usize = 200;

/// The assessments the caller may see, every revision, scored. Scores are
/// kept in memory by answers' version ([`ScoreCache`]); only the answers of
/// assessments changed since they were last scored are read.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list_assessments(
    store: &store::Store,
    models: &ModelCache,
    caller: &Caller,
    scope: ListScope,
) -> Result<Vec<Listed>> {
    let delegated =
        if scope == ListScope::WithDelegated { store.list_delegations_to(caller.user.id).await? } else { Vec::new() };
    if !caller.principal.can_somewhere(Permission::ViewAssessments) && delegated.is_empty() {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let visible = OrgScope::of(&caller.principal, Permission::ViewAssessments);
    let found = store.list_assessments_versioned(&visible).await?;
    let mut outside: Vec<Listed> = Vec::new();
    for d in delegated {
        if !found.iter().any(|(a, _)| a.id == d.assessment_id)
            && !outside.iter().any(|l| l.assessment.id == d.assessment_id)
            && let Some(a) = store.find_assessment(d.assessment_id).await?
            && domain::authz::delegation_holds(&caller.principal, &tree, a.org_id)
        {
            // Delegated to the caller from outside their scope: scored on its own.
            let summary = Summary::from(&score_stored(store, models, &a).await?);
            let org = tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default();
            outside.push(Listed { assessment: a, org, summary });
        }
    }
    let mut summaries: Vec<Option<Summary>> = found.iter().map(|(a, v)| models.scores.get(a.id, *v)).collect();
    let missing: Vec<Uuid> =
        found.iter().zip(&summaries).filter(|(_, s)| s.is_none()).map(|((a, _), _)| a.id).collect();
    if !missing.is_empty() {
        let rows = if missing.len() <= READ_BY_ID {
            store.answer_codes_of(&missing).await?
        } else {
            store.answer_codes_in(&visible).await?
        };
        let mut answers: HashMap<Uuid, HashMap<String, Answer>> = HashMap::new();
        for (assessment, question, answer) in rows {
            answers.entry(assessment).or_default().insert(question, Answer::from_code(&answer));
        }
        let none = HashMap::new();
        for ((a, version), summary) in found.iter().zip(summaries.iter_mut()) {
            if summary.is_none() {
                let model = models.get(store, a.model_id).await?;
                let s = Summary::from(&scoring::score(&model, answers.get(&a.id).unwrap_or(&none)));
                models.scores.put(a.id, *version, s);
                *summary = Some(s);
            }
        }
    }
    let mut out = Vec::with_capacity(found.len() + outside.len());
    for ((a, _), summary) in found.into_iter().zip(summaries) {
        let org = tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default();
        let summary = summary.ok_or_else(|| Error::internal(Invariant("every listed assessment is scored")))?;
        out.push(Listed { assessment: a, org, summary });
    }
    out.extend(outside);
    Ok(out)
}

/// The outcome of a stored assessment by its current answers.
pub async fn score_stored(store: &store::Store, models: &ModelCache, a: &store::Assessment) -> Result<Outcome> {
    let model = models.get(store, a.model_id).await?;
    Ok(scoring::score(&model, &answer_map(&store.list_answers(a.id).await?)))
}

/// What starting an assessment needs, as typed into the form or the API.
pub struct StartInput<'a> {
    pub org_id: &'a str,
    pub period: &'a str,
    pub model_id: &'a str,
    /// Start from the answers of the latest earlier assessment of the same model.
    pub copy_previous: bool,
}

/// Starts an assessment after checking the input and the caller's right to
/// assess the organisation; optionally copies the latest earlier answers.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn start_assessment(
    store: &store::Store,
    caller: &Caller,
    input: StartInput<'_>,
) -> Result<store::Assessment> {
    if !caller.principal.can_somewhere(Permission::ManageAssessments) {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let mut errs = domain::ValidationErrors::default();
    let org: Option<Uuid> =
        errs.check(input.org_id.parse().map_err(|_| domain::FieldError::new("org_id", "error-org-unknown")));
    let period = errs.check(Period::parse(input.period));
    let model: Option<Uuid> =
        errs.check(input.model_id.parse().map_err(|_| domain::FieldError::new("model_id", "error-model-unknown")));
    if let Some(o) = org {
        if tree.get(o).is_none() && store.find_org(o).await?.is_none() {
            errs.push(domain::FieldError::new("org_id", "error-org-unknown"));
        } else if !caller.principal.can(Permission::ManageAssessments, o, &tree) {
            return Err(Error::Forbidden);
        }
    }
    errs.clone().into_result()?;
    let (Some(org), Some(period), Some(model)) = (org, period, model) else { return Err(errs.into()) };
    let copy_from = if input.copy_previous {
        store
            .list_assessments(&OrgScope::Org(org))
            .await?
            .into_iter()
            .find(|a| a.model_id == model && a.period < period.year())
            .map(|a| a.id)
    } else {
        None
    };
    Ok(store.insert_assessment(&caller.actor(), org, model, period, copy_from).await?)
}

/// An organisation offered for a new assessment, at its depth below a root.
pub struct OrgChoice {
    pub id: Uuid,
    pub depth: usize,
    pub name: String,
}

/// The organisations where the caller may start an assessment, in tree order.
pub async fn startable_orgs(store: &store::Store, caller: &Caller) -> Result<Vec<OrgChoice>> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let mut out = Vec::new();
    for root in caller.principal.visible_roots(Permission::ManageAssessments, &tree) {
        for (depth, n) in tree.subtree(root) {
            out.push(OrgChoice { id: n.id, depth, name: n.name.clone() });
        }
    }
    Ok(out)
}
