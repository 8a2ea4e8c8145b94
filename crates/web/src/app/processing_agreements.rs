//! Data-processing agreements (personuppgiftsbiträdesavtal, GDPR art. 28):
//! an organisation's agreements with the systems and processings they
//! cover, whether each holds today, and the systems that process personal
//! data with a supplier but have no valid agreement ("Saknar
//! biträdesavtal"). Read with [`Permission::ViewRegisters`], written with
//! [`Permission::ManageProcessing`] at the organisation.

use std::collections::HashMap;

use domain::assets::processing::{AgreementFields, is_valid, systems_without_agreement};
use domain::authz::Permission;
use domain::org::OrgTree;
use store::OrgScope;
use uuid::Uuid;

use super::{
    SystemRef, choose_root, ensure_manages, ensure_reads, ensure_somewhere, org_name, orgs_with, reader_tree,
    swedish_key,
};
use crate::app::{Caller, Error, Result};

/// One agreement as the list shows it.
pub struct AgreementLine {
    pub agreement: store::ProcessorAgreement,
    pub org_name: String,
    /// Signed and not expired today.
    pub valid: bool,
    pub systems: Vec<SystemRef>,
    pub processings: Vec<SystemRef>,
}

/// A system that needs an agreement and has no valid one.
pub struct Uncovered {
    pub system: store::System,
    pub org_name: String,
}

/// The agreements of one organisation's subtree.
pub struct Agreements {
    pub root: Uuid,
    pub tree: OrgTree,
    pub lines: Vec<AgreementLine>,
    /// Systems with personal data and a supplier but no valid agreement, by name.
    pub without_agreement: Vec<Uncovered>,
    pub choices: Vec<(usize, Uuid)>,
    pub manage_orgs: Vec<(usize, Uuid)>,
}

fn names(ids: &[Uuid], of: &HashMap<Uuid, String>) -> Vec<SystemRef> {
    let mut out: Vec<SystemRef> =
        ids.iter().filter_map(|id| of.get(id).map(|n| SystemRef { id: *id, name: n.clone() })).collect();
    out.sort_by_cached_key(|s| swedish_key(&s.name));
    out
}

/// The agreements of `org`'s subtree (default: the caller's first
/// organisation) by supplier, and the systems lacking one. Four bounded reads.
pub async fn list(store: &store::Store, caller: &Caller, org: Option<Uuid>) -> Result<Agreements> {
    let tree = reader_tree(store, caller).await?;
    let root = choose_root(caller, &tree, org)?;
    let scope = OrgScope::Subtree(root);
    let agreements = store.list_agreements(&scope).await?;
    let systems = store.list_systems(&scope).await?;
    let processings = store.list_processings(&scope).await?;
    let today = domain::clock::today();
    let data: Vec<domain::assets::processing::Agreement> = agreements.iter().map(|a| a.data.clone()).collect();
    let flagged = systems_without_agreement(systems.iter().map(|s| (s.id, &s.data)), &data, today);
    let system_names: HashMap<Uuid, String> = systems.iter().map(|s| (s.id, s.data.name.clone())).collect();
    let processing_names: HashMap<Uuid, String> = processings.iter().map(|p| (p.id, p.data.name.clone())).collect();
    let mut lines: Vec<AgreementLine> = agreements
        .into_iter()
        .map(|a| AgreementLine {
            org_name: org_name(&tree, a.org_id),
            valid: is_valid(&a.data, today),
            systems: names(&a.data.systems, &system_names),
            processings: names(&a.data.processings, &processing_names),
            agreement: a,
        })
        .collect();
    lines.sort_by_cached_key(|l| (swedish_key(&l.agreement.data.supplier), l.agreement.id));
    let mut without_agreement: Vec<Uncovered> = systems
        .into_iter()
        .filter(|s| flagged.contains(&s.id))
        .map(|s| Uncovered { org_name: org_name(&tree, s.org_id), system: s })
        .collect();
    without_agreement.sort_by_cached_key(|u| (swedish_key(&u.system.data.name), u.system.id));
    Ok(Agreements {
        root,
        choices: orgs_with(caller, &tree, Permission::ViewRegisters),
        manage_orgs: orgs_with(caller, &tree, Permission::ManageProcessing),
        tree,
        lines,
        without_agreement,
    })
}

/// What an agreement of one organisation may cover: its systems and processings, by name.
pub struct Coverable {
    pub org: Uuid,
    pub org_name: String,
    pub systems: Vec<SystemRef>,
    pub processings: Vec<SystemRef>,
}

async fn coverable_of(store: &store::Store, tree: &OrgTree, org: Uuid) -> Result<Coverable> {
    let scope = OrgScope::Org(org);
    let mut systems: Vec<SystemRef> =
        store.list_systems(&scope).await?.into_iter().map(|s| SystemRef { id: s.id, name: s.data.name }).collect();
    systems.sort_by_cached_key(|s| swedish_key(&s.name));
    let mut processings: Vec<SystemRef> =
        store.list_processings(&scope).await?.into_iter().map(|p| SystemRef { id: p.id, name: p.data.name }).collect();
    processings.sort_by_cached_key(|s| swedish_key(&s.name));
    Ok(Coverable { org, org_name: org_name(tree, org), systems, processings })
}

/// The form of a new agreement: where the caller may add one and what the
/// chosen organisation (default: the first of those) may cover.
pub async fn new_form(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
) -> Result<(OrgTree, Vec<(usize, Uuid)>, Coverable)> {
    let (tree, orgs) = super::manage_orgs(store, caller, org).await?;
    let chosen = org.or(orgs.first().map(|(_, o)| *o)).ok_or(Error::Forbidden)?;
    let coverable = coverable_of(store, &tree, chosen).await?;
    Ok((tree, orgs, coverable))
}

/// Adds an agreement to `org`, covering some of its systems and processings.
pub async fn create(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    fields: &AgreementFields,
    systems: Vec<Uuid>,
    processings: Vec<Uuid>,
) -> Result<store::ProcessorAgreement> {
    ensure_somewhere(caller, Permission::ManageProcessing)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let Some(org) = org else {
        return Err(Error::Validation(vec![domain::FieldError::new("org_id", "error-required")]));
    };
    ensure_manages(caller, &tree, org)?;
    check_links(&systems, &processings)?;
    let input = fields.parse(domain::clock::today(), systems, processings)?;
    Ok(store.insert_agreement(&caller.actor(), org, input).await?)
}

fn check_links(systems: &[Uuid], processings: &[Uuid]) -> Result<()> {
    if systems.len() > store::MAX_LINKS {
        return Err(domain::FieldError::new("systems", "error-agreement-system-unknown").into());
    }
    if processings.len() > store::MAX_LINKS {
        return Err(domain::FieldError::new("processings", "error-agreement-processing-unknown").into());
    }
    Ok(())
}

/// An agreement the caller reads, with what its organisation may cover.
pub struct AgreementView {
    pub line: AgreementLine,
    pub coverable: Coverable,
    pub may_manage: bool,
}

/// An agreement the caller reads.
pub async fn load(store: &store::Store, caller: &Caller, id: Uuid) -> Result<AgreementView> {
    let tree = reader_tree(store, caller).await?;
    let a = store.find_agreement(id).await?.ok_or(Error::NotFound)?;
    ensure_reads(caller, &tree, a.org_id)?;
    let coverable = coverable_of(store, &tree, a.org_id).await?;
    let of = |list: &[SystemRef]| list.iter().map(|s| (s.id, s.name.clone())).collect::<HashMap<Uuid, String>>();
    Ok(AgreementView {
        line: AgreementLine {
            org_name: org_name(&tree, a.org_id),
            valid: is_valid(&a.data, domain::clock::today()),
            systems: names(&a.data.systems, &of(&coverable.systems)),
            processings: names(&a.data.processings, &of(&coverable.processings)),
            agreement: a,
        },
        may_manage: caller.principal.can(Permission::ManageProcessing, coverable.org, &tree),
        coverable,
    })
}

async fn find_writable(store: &store::Store, caller: &Caller, id: Uuid) -> Result<store::ProcessorAgreement> {
    let tree = reader_tree(store, caller).await?;
    let a = store.find_agreement(id).await?.ok_or(Error::NotFound)?;
    ensure_reads(caller, &tree, a.org_id)?;
    ensure_manages(caller, &tree, a.org_id)?;
    Ok(a)
}

/// Changes an agreement and what it covers: every field is the new value.
pub async fn update(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    fields: &AgreementFields,
    systems: Vec<Uuid>,
    processings: Vec<Uuid>,
) -> Result<store::ProcessorAgreement> {
    find_writable(store, caller, id).await?;
    check_links(&systems, &processings)?;
    let input = fields.parse(domain::clock::today(), systems, processings)?;
    Ok(store.update_agreement(&caller.actor(), id, input).await?)
}

/// Deletes an agreement.
pub async fn delete(store: &store::Store, caller: &Caller, id: Uuid) -> Result<()> {
    find_writable(store, caller, id).await?;
    Ok(store.delete_agreement(&caller.actor(), id).await?)
}
