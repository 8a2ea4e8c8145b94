//! An organisation's assessments over the periods, and its units side by side.

use std::collections::HashMap;
use std::sync::Arc;

use domain::authz::Permission;
use domain::model::Model;
use domain::scoring::{self, Answer, Outcome};
use store::OrgScope;
use uuid::Uuid;

use super::{ModelCache, answer_map};
use crate::app::{Caller, Error, Result};

/// The latest revision of one period, scored.
pub struct PeriodScore {
    pub assessment: store::Assessment,
    pub model: Arc<Model>,
    pub answers: HashMap<String, Answer>,
    pub outcome: Outcome,
}

/// A unit directly or further below, with its latest assessment of the newest model.
pub struct UnitScore {
    pub assessment: store::Assessment,
    pub org: String,
    pub outcome: Outcome,
}

pub struct OrgHistory {
    pub org: String,
    /// Oldest period first.
    pub periods: Vec<PeriodScore>,
    pub units: Vec<UnitScore>,
}

/// Every period of an organisation (the latest revision of each) and the
/// units below it by their latest assessment of the newest period's model.
#[tracing::instrument(skip_all, err(level = "debug"), fields(org = %org_id))]
pub async fn org_history(
    store: &store::Store,
    models: &ModelCache,
    caller: &Caller,
    org_id: Uuid,
) -> Result<OrgHistory> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !caller.principal.can(Permission::ViewAssessments, org_id, &tree) {
        return Err(Error::NotFound);
    }
    let mut latest: Vec<store::Assessment> = Vec::new();
    for a in store.list_assessments(&OrgScope::Org(org_id)).await? {
        if !latest.iter().any(|x| x.period == a.period) {
            latest.push(a);
        }
    }
    latest.sort_by_key(|a| a.period);
    let mut periods = Vec::new();
    for a in latest {
        let model = models.get(store, a.model_id).await?;
        let answers = answer_map(&store.list_answers(a.id).await?);
        let outcome = scoring::score(&model, &answers);
        periods.push(PeriodScore { assessment: a, model, answers, outcome });
    }
    let mut units = Vec::new();
    if let Some(newest) = periods.last() {
        let all = store.list_assessments(&OrgScope::Subtree(org_id)).await?;
        for (_, n) in tree.subtree(org_id).into_iter().skip(1) {
            if let Some(a) = all.iter().find(|a| a.org_id == n.id && a.model_id == newest.assessment.model_id) {
                let answers = answer_map(&store.list_answers(a.id).await?);
                let outcome = scoring::score(&newest.model, &answers);
                units.push(UnitScore { assessment: a.clone(), org: n.name.clone(), outcome });
            }
        }
    }
    Ok(OrgHistory { org: tree.get(org_id).map(|n| n.name.clone()).unwrap_or_default(), periods, units })
}
