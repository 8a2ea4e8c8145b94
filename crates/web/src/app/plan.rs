//! The action plan (handlingsplan): the actions a caller may see, filtered,
//! and adding and changing an action.

use domain::authz::Permission;
use domain::org::OrgTree;
use domain::plan::{ActionFields, ActionStatus, Origin, Totals, is_overdue};
use store::OrgScope;
use uuid::Uuid;

use super::{Caller, Error, Result};

/// The plan's filters, parsed. A filter that does not parse is no filter.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    /// An organisation: its whole subtree.
    pub org: Option<Uuid>,
    pub status: Option<ActionStatus>,
    pub origin: Option<Origin>,
    /// Part of the responsible's name (any case).
    pub responsible: String,
    /// Only overdue actions.
    pub overdue: bool,
    /// Part of the title, goal or activity (any case).
    pub text: String,
    /// An audit: only actions made from its recommendations' copies that
    /// the caller sees (not found if the caller does not read the audit).
    pub audit: Option<Uuid>,
}

/// The actions the caller may see, filtered: the whole subtree of a chosen
/// organisation, or everything visible.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
pub async fn visible_actions(
    store: &store::Store,
    caller: &Caller,
    tree: &OrgTree,
    f: &ActionFilter,
) -> Result<Vec<store::Action>> {
    let p = &caller.principal;
    if !p.can_somewhere(Permission::ViewPlans) {
        return Err(Error::Forbidden);
    }
    let orgs = match f.org {
        Some(root) if p.can(Permission::ViewPlans, root, tree) => OrgScope::Subtree(root),
        Some(_) => return Err(Error::NotFound),
        None => OrgScope::of(p, Permission::ViewPlans),
    };
    let refs = match f.audit {
        Some(a) => Some(super::audits::action_refs_of(store, caller, a).await?),
        None => None,
    };
    let who = f.responsible.trim().to_lowercase();
    let text = f.text.trim().to_lowercase();
    let today = domain::clock::today();
    Ok(store
        .list_actions(&orgs)
        .await?
        .into_iter()
        .filter(|a| f.status.is_none_or(|st| a.data.status == st))
        .filter(|a| f.origin.is_none_or(|o| a.data.origin == o))
        .filter(|a| refs.as_ref().is_none_or(|r| a.data.origin == Origin::Audit && r.contains(&a.data.origin_ref)))
        .filter(|a| who.is_empty() || a.data.responsible.to_lowercase().contains(&who))
        .filter(|a| !f.overdue || is_overdue(a.data.status, a.data.end_date, today))
        .filter(|a| {
            text.is_empty()
                || a.data.title.to_lowercase().contains(&text)
                || a.data.goal.to_lowercase().contains(&text)
                || a.data.activity.to_lowercase().contains(&text)
        })
        .collect())
}

/// The audits the caller reads, (id, title) by title: the plan's filter.
pub async fn audit_options(store: &store::Store, caller: &Caller) -> Result<Vec<(Uuid, String)>> {
    let p = &caller.principal;
    if !p.can_somewhere(Permission::ViewPlans) {
        return Ok(Vec::new());
    }
    Ok(store
        .audit_summaries(&OrgScope::of(p, Permission::ViewPlans))
        .await?
        .into_iter()
        .map(|a| (a.id, a.title))
        .collect())
}

/// Where an action made from an audit's recommendation came from: the copy
/// and its audit's title, if the caller may read the copy.
pub async fn audit_source(
    store: &store::Store,
    caller: &Caller,
    origin: &str,
    origin_ref: &str,
) -> Result<Option<(Uuid, String)>> {
    if origin != Origin::Audit.code() {
        return Ok(None);
    }
    let Ok(target) = origin_ref.trim().parse::<Uuid>() else { return Ok(None) };
    match super::audits::load_target(store, caller, target).await {
        Ok(t) => Ok(Some((target, t.audit.audit.data.title))),
        Err(Error::NotFound | Error::Forbidden) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The plan's totals today.
pub fn totals(actions: &[store::Action]) -> Totals {
    Totals::of(actions.iter().map(|a| (a.data.status, a.data.end_date, a.data.cost)), domain::clock::today())
}

/// An action the caller may see, and whether they may change it.
pub struct VisibleAction {
    pub action: store::Action,
    pub may_edit: bool,
    /// The name of the user who added it (its e-mail address if that user is gone).
    pub created_by_name: String,
}

/// Loads an action the caller may see (not found otherwise).
pub async fn load_action(store: &store::Store, caller: &Caller, tree: &OrgTree, id: Uuid) -> Result<VisibleAction> {
    let a = store.find_action(id).await?.ok_or(Error::NotFound)?;
    if !caller.principal.can(Permission::ViewPlans, a.org_id, tree) {
        return Err(Error::NotFound);
    }
    let may_edit = caller.principal.can(Permission::ManageActions, a.org_id, tree);
    let created_by_name = match store.find_user_by_email(&a.created_by).await? {
        Some(u) if !u.name.trim().is_empty() => u.name,
        _ => a.created_by.clone(),
    };
    Ok(VisibleAction { action: a, may_edit, created_by_name })
}

/// The feedback item an action was made from: the self-assessment and the
/// question its reference (`assessment-id/question-id`) names.
pub struct FeedbackSource {
    pub assessment_id: Uuid,
    pub period: i32,
    pub org_name: String,
    pub model: std::sync::Arc<domain::model::Model>,
    pub question_id: String,
}

/// The feedback item behind an action's origin, if it came from feedback
/// and the caller may see that self-assessment; nothing otherwise (a
/// reference typed by hand, or an assessment out of the caller's reach).
pub async fn feedback_source(
    store: &store::Store,
    models: &super::assessment::ModelCache,
    caller: &Caller,
    origin: &str,
    origin_ref: &str,
) -> Result<Option<FeedbackSource>> {
    if origin != Origin::Feedback.code() {
        return Ok(None);
    }
    let Some((aid, qid)) = origin_ref.split_once('/') else { return Ok(None) };
    let Ok(aid) = aid.parse::<Uuid>() else { return Ok(None) };
    let l = match super::assessment::load(store, models, caller, aid).await {
        Ok(l) => l,
        Err(Error::NotFound | Error::Forbidden) => return Ok(None),
        Err(e) => return Err(e),
    };
    if l.model.question(qid).is_none() {
        return Ok(None);
    }
    Ok(Some(FeedbackSource {
        assessment_id: aid,
        period: l.a.period,
        org_name: l.tree.get(l.a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
        model: l.model.clone(),
        question_id: qid.to_owned(),
    }))
}

/// Adds an action to `org`'s plan (CISO or coordinator there). A missing
/// organisation is a validation error, reported before the fields' errors.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, org = ?org))]
pub async fn create_action(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    fields: &ActionFields,
) -> Result<store::Action> {
    if !caller.principal.can_somewhere(Permission::ManageActions) {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if org.is_some_and(|o| !caller.principal.can(Permission::ManageActions, o, &tree)) {
        return Err(Error::NotFound);
    }
    let parsed = fields.parse();
    match (org, parsed) {
        (Some(org), Ok(input)) => Ok(store.insert_action(&caller.actor(), org, input).await?),
        (org, parsed) => {
            let mut errs = parsed.err().map(|e| e.0).unwrap_or_default();
            if org.is_none() {
                errs.insert(0, domain::FieldError::new("org_id", "error-org-choose"));
            }
            Err(Error::Validation(errs))
        }
    }
}

/// Changes all of an action's fields.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, action = %id))]
pub async fn update_action(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    fields: &ActionFields,
) -> Result<store::Action> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let a = load_action(store, caller, &tree, id).await?;
    if !a.may_edit {
        return Err(Error::Forbidden);
    }
    Ok(store.update_action(&caller.actor(), id, fields.parse()?).await?)
}
