//! Creating a round with its invitations.

use domain::FieldError;
use domain::authz::Permission;
use domain::org::{OrgKind, OrgTree};
use domain::round::{RoundForm, RoundInput, invitable};
use store::Store;
use uuid::Uuid;

use crate::app::{Caller, Error, Result};

/// A new round as the coordinator asked for it.
#[derive(Debug, Clone)]
pub struct NewRound {
    /// The coordinating organisation.
    pub org: Uuid,
    /// The model's id as given (checked against the stored models).
    pub model: String,
    pub form: RoundForm,
    /// Organisations invited one by one.
    pub invitees: Vec<Uuid>,
    /// Kinds of organisation invited as a whole (codes, e.g. `municipality`).
    pub kinds: Vec<String>,
}

/// A new round that passed every check: the round, its model, its invitees.
#[derive(Debug, Clone)]
pub struct CheckedRound {
    pub org: Uuid,
    pub model: Uuid,
    pub input: RoundInput,
    pub invitees: Vec<Uuid>,
}

/// What the form for a new round offers the caller.
pub struct NewRoundOptions {
    pub tree: OrgTree,
    /// Organisations the caller may run a round for, by name.
    pub coordinators: Vec<Uuid>,
    /// The coordinating organisation chosen (or the only one there is).
    pub org: Option<Uuid>,
    pub models: Vec<store::ModelRow>,
    /// Organisations the chosen coordinator may invite.
    pub invitable: Vec<Uuid>,
}

/// The choices of the form for a new round; `org` must be one the caller runs rounds for.
pub async fn new_round_options(store: &Store, caller: &Caller, org: Option<Uuid>) -> Result<NewRoundOptions> {
    let tree = store.org_tree().await?;
    if !caller.principal.can_somewhere(Permission::RunRounds) {
        return Err(Error::Forbidden);
    }
    if let Some(o) = org
        && !caller.principal.can(Permission::RunRounds, o, &tree)
    {
        return Err(Error::Forbidden);
    }
    let mut coordinators: Vec<Uuid> = caller
        .principal
        .visible_orgs(Permission::RunRounds, &tree)
        .into_iter()
        .filter(|id| tree.get(*id).is_some())
        .collect();
    coordinators.sort_by_key(|id| super::org_name(&tree, *id).to_lowercase());
    let org = org.or_else(|| (coordinators.len() == 1).then(|| coordinators[0]));
    let models = store.list_models().await?;
    let invitable = org.map(|o| invitable(&tree, o)).unwrap_or_default();
    Ok(NewRoundOptions { tree, coordinators, org, models, invitable })
}

/// Checks a new round against the rules without writing: the caller's
/// right to run rounds for the organisation, a valid form, a known model,
/// invitees only among those the coordinator may invite.
pub async fn check_new_round(store: &Store, caller: &Caller, tree: &OrgTree, n: &NewRound) -> Result<CheckedRound> {
    if !caller.principal.can(Permission::RunRounds, n.org, tree) {
        return Err(Error::Forbidden);
    }
    let mut errs = Vec::new();
    let input = match RoundInput::parse(&n.form) {
        Ok(i) => Some(i),
        Err(e) => {
            errs.extend(e.0);
            None
        }
    };
    let model = match n.model.parse::<Uuid>() {
        Ok(id) if store.find_model(id).await?.is_some() => Some(id),
        _ => {
            errs.push(FieldError::new("model", "error-model-unknown"));
            None
        }
    };
    // Each pick and kind counts once however often it was sent, and every
    // look-up is a set's: the work grows with the installation and the
    // request's size, never with their product.
    let allowed: std::collections::HashSet<Uuid> = invitable(tree, n.org).into_iter().collect();
    let picked: std::collections::BTreeSet<Uuid> = n.invitees.iter().copied().collect();
    let mut invitees: Vec<Uuid> = picked.iter().copied().filter(|id| allowed.contains(id)).collect();
    if invitees.len() < picked.len() {
        errs.push(FieldError::new("invitees", "error-not-invitable"));
    }
    let mut kinds = std::collections::BTreeSet::new();
    for k in n.kinds.iter().map(String::as_str).collect::<std::collections::BTreeSet<&str>>() {
        match k.parse::<OrgKind>() {
            Ok(kind) => {
                kinds.insert(kind);
            }
            Err(_) => {
                errs.push(FieldError::new("kinds", "error-malformed"));
                break;
            }
        }
    }
    if !kinds.is_empty() {
        invitees.extend(allowed.iter().filter(|id| tree.get(**id).is_some_and(|n| kinds.contains(&n.kind))));
    }
    invitees.sort();
    invitees.dedup();
    if invitees.is_empty() && !errs.iter().any(|e| e.field == "invitees") {
        errs.push(FieldError::new("invitees", "error-no-invitees"));
    }
    errs.dedup();
    match (input, model) {
        (Some(input), Some(model)) if errs.is_empty() => Ok(CheckedRound { org: n.org, model, input, invitees }),
        _ => Err(Error::Validation(errs)),
    }
}

/// Creates a round and its invitations in one transaction.
#[tracing::instrument(skip_all, err(level = "debug"), fields(org.id = %n.org, user.id = %caller.user.id, round.id))]
pub async fn create_round(store: &Store, caller: &Caller, n: &NewRound) -> Result<store::Round> {
    let tree = store.org_tree().await?;
    let c = check_new_round(store, caller, &tree, n).await?;
    let r = store.insert_round(&caller.actor(), c.org, c.model, c.input, &c.invitees).await?;
    tracing::Span::current().record("round.id", tracing::field::display(r.id));
    Ok(r)
}
