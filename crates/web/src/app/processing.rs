//! The processing register (registerförteckning, GDPR art. 30): the records
//! of an organisation's subtree with what each still lacks, the systems it
//! uses and whether a consequence assessment is needed and made; records
//! written one by one or imported from a list (all or nothing, in
//! [`import`]). Consequence assessments (art. 35) are in [`dpia`],
//! data-processing agreements (art. 28) in [`agreements`].
//!
//! Who may do what: [`Permission::ViewRegisters`] reads the register of the
//! organisations in the caller's scope; [`Permission::ManageProcessing`]
//! (CISO, coordinator, DPO) writes it at the organisation. Refusals are
//! "not found" where the caller cannot even read the organisation and
//! "forbidden" where they read but may not write.

use std::collections::{HashMap, HashSet};

use domain::assets::dpia::consultation_missing;
use domain::assets::processing::{ProcessingFields, missing_fields};
use domain::authz::Permission;
use domain::org::{OrgKind, OrgTree};
use store::OrgScope;
use uuid::Uuid;

use super::{Caller, Error, Result};

#[path = "processing_agreements.rs"]
pub mod agreements;
#[path = "processing_dpia.rs"]
pub mod dpia;
#[path = "processing_import.rs"]
pub mod import;

pub use super::training::orgs_with;

/// Whether `org` belongs to a public authority (a kommun, region or agency
/// and their nämnder, förvaltningar and units): the nearest legal entity
/// above it is one. A kommunalt bolag (company, holding) is not; a part
/// outside any legal entity is taken as an authority.
pub fn public_authority(tree: &OrgTree, org: Uuid) -> bool {
    match domain::incident::legal_entity(tree, org) {
        Some(n) => matches!(n.kind, OrgKind::Municipality | OrgKind::Region | OrgKind::Agency),
        None => tree.get(org).is_none_or(|n| !matches!(n.kind, OrgKind::Company | OrgKind::Holding)),
    }
}

pub use domain::collate::swedish_key;

/// The refusal for a write at `org` the caller may not make there:
/// forbidden where they read the registers, not found elsewhere.
pub(crate) fn refusal(caller: &Caller, tree: &OrgTree, org: Uuid) -> Error {
    if caller.principal.can(Permission::ViewRegisters, org, tree) { Error::Forbidden } else { Error::NotFound }
}

pub(crate) fn ensure_somewhere(caller: &Caller, perm: Permission) -> Result<()> {
    if caller.principal.can_somewhere(perm) { Ok(()) } else { Err(Error::Forbidden) }
}

/// The tree, after checking the caller reads some register.
pub(crate) async fn reader_tree(store: &store::Store, caller: &Caller) -> Result<OrgTree> {
    ensure_somewhere(caller, Permission::ViewRegisters)?;
    Ok(store.org_tree_at(&caller.principal, caller.data_version).await?)
}

/// Checks the caller reads `org`'s registers (not found otherwise).
pub(crate) fn ensure_reads(caller: &Caller, tree: &OrgTree, org: Uuid) -> Result<()> {
    if caller.principal.can(Permission::ViewRegisters, org, tree) { Ok(()) } else { Err(Error::NotFound) }
}

/// Checks the caller writes `org`'s processing register.
pub(crate) fn ensure_manages(caller: &Caller, tree: &OrgTree, org: Uuid) -> Result<()> {
    if caller.principal.can(Permission::ManageProcessing, org, tree) { Ok(()) } else { Err(refusal(caller, tree, org)) }
}

/// The organisation a reader looks at: the one asked for if they may read
/// it (not found otherwise), else the first they may.
pub(crate) fn choose_root(caller: &Caller, tree: &OrgTree, org: Option<Uuid>) -> Result<Uuid> {
    match org {
        Some(o) if caller.principal.can(Permission::ViewRegisters, o, tree) => Ok(o),
        Some(_) => Err(Error::NotFound),
        None => {
            caller.principal.visible_roots(Permission::ViewRegisters, tree).into_iter().next().ok_or(Error::Forbidden)
        }
    }
}

pub(crate) fn org_name(tree: &OrgTree, id: Uuid) -> String {
    tree.get(id).map(|n| n.name.clone()).unwrap_or_default()
}

/// A system as a record names it.
#[derive(Debug, Clone)]
pub struct SystemRef {
    pub id: Uuid,
    pub name: String,
}

/// One record of the register with what the list shows of it.
#[derive(Debug, Clone)]
pub struct RegisterLine {
    pub processing: store::Processing,
    pub org_name: String,
    /// The fields art. 30(1) still asks for, in form order (none: complete).
    pub missing: Vec<&'static str>,
    pub systems: Vec<SystemRef>,
    /// How many consequence assessments it has.
    pub dpias: usize,
    /// A consequence assessment is needed and none is made.
    pub dpia_missing: bool,
    /// One of its assessments calls for prior consultation with IMY not made.
    pub consultation_missing: bool,
}

impl RegisterLine {
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// The register of one organisation's subtree.
pub struct Register {
    pub root: Uuid,
    pub tree: OrgTree,
    pub lines: Vec<RegisterLine>,
    /// Organisations the caller may choose (ViewRegisters), with depth.
    pub choices: Vec<(usize, Uuid)>,
    /// Where the caller may add records.
    pub manage_orgs: Vec<(usize, Uuid)>,
}

/// The records of `org`'s subtree (default: the caller's first
/// organisation), sorted by name in Swedish order. Four bounded reads.
pub async fn register(store: &store::Store, caller: &Caller, org: Option<Uuid>) -> Result<Register> {
    let tree = reader_tree(store, caller).await?;
    let root = choose_root(caller, &tree, org)?;
    let scope = OrgScope::Subtree(root);
    let processings = store.list_processings(&scope).await?;
    let systems = store.list_systems(&scope).await?;
    let links = store.processing_system_links(&scope).await?;
    let dpias = store.list_dpias(&scope).await?;
    let names: HashMap<Uuid, &str> = systems.iter().map(|s| (s.id, s.data.name.as_str())).collect();
    let mut systems_of: HashMap<Uuid, Vec<SystemRef>> = HashMap::new();
    for (p, s) in links {
        if let Some(name) = names.get(&s) {
            systems_of.entry(p).or_default().push(SystemRef { id: s, name: (*name).to_owned() });
        }
    }
    let mut dpia_count: HashMap<Uuid, usize> = HashMap::new();
    let mut to_consult: HashSet<Uuid> = HashSet::new();
    for d in &dpias {
        *dpia_count.entry(d.processing_id).or_default() += 1;
        if consultation_missing(&d.data) {
            to_consult.insert(d.processing_id);
        }
    }
    let mut lines: Vec<RegisterLine> = processings
        .into_iter()
        .map(|p| {
            let mut systems = systems_of.remove(&p.id).unwrap_or_default();
            systems.sort_by_key(|s| swedish_key(&s.name));
            let n = dpia_count.get(&p.id).copied().unwrap_or(0);
            RegisterLine {
                org_name: org_name(&tree, p.org_id),
                missing: missing_fields(&p.data),
                systems,
                dpias: n,
                dpia_missing: p.data.needs_dpia == Some(true) && n == 0,
                consultation_missing: to_consult.contains(&p.id),
                processing: p,
            }
        })
        .collect();
    lines.sort_by_cached_key(|l| (swedish_key(&l.processing.data.name), l.processing.id));
    Ok(Register {
        root,
        choices: orgs_with(caller, &tree, Permission::ViewRegisters),
        manage_orgs: orgs_with(caller, &tree, Permission::ManageProcessing),
        tree,
        lines,
    })
}

/// One record with its systems, assessments and agreements.
pub struct ProcessingView {
    pub line: RegisterLine,
    /// The systems of its organisation it may be linked to, by name.
    pub org_systems: Vec<store::System>,
    pub dpias: Vec<store::Dpia>,
    /// The agreements of its organisation that cover it.
    pub agreements: Vec<store::ProcessorAgreement>,
    pub may_manage: bool,
    pub tree: OrgTree,
}

async fn find_readable(store: &store::Store, caller: &Caller, id: Uuid) -> Result<(store::Processing, OrgTree)> {
    let tree = reader_tree(store, caller).await?;
    let p = store.find_processing(id).await?.ok_or(Error::NotFound)?;
    ensure_reads(caller, &tree, p.org_id)?;
    Ok((p, tree))
}

/// A record the caller reads.
pub async fn load(store: &store::Store, caller: &Caller, id: Uuid) -> Result<ProcessingView> {
    let (p, tree) = find_readable(store, caller, id).await?;
    let org_id = p.org_id;
    let org = OrgScope::Org(org_id);
    let mut org_systems = store.list_systems(&org).await?;
    org_systems.sort_by_cached_key(|s| swedish_key(&s.data.name));
    let linked: HashSet<Uuid> = store.systems_of_processing(id).await?.into_iter().collect();
    let systems = org_systems
        .iter()
        .filter(|s| linked.contains(&s.id))
        .map(|s| SystemRef { id: s.id, name: s.data.name.clone() })
        .collect();
    let dpias = store.dpias_of(id).await?;
    let agreements: Vec<store::ProcessorAgreement> =
        store.list_agreements(&org).await?.into_iter().filter(|a| a.data.processings.contains(&id)).collect();
    Ok(ProcessingView {
        line: RegisterLine {
            org_name: org_name(&tree, p.org_id),
            missing: missing_fields(&p.data),
            systems,
            dpias: dpias.len(),
            dpia_missing: p.data.needs_dpia == Some(true) && dpias.is_empty(),
            consultation_missing: dpias.iter().any(|d| consultation_missing(&d.data)),
            processing: p,
        },
        may_manage: caller.principal.can(Permission::ManageProcessing, org_id, &tree),
        org_systems,
        dpias,
        agreements,
        tree,
    })
}

/// Where the caller may write the register (ManageProcessing), with the
/// tree; forbidden when nowhere, not found for an `org` outside their reach.
pub async fn manage_orgs(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
) -> Result<(OrgTree, Vec<(usize, Uuid)>)> {
    ensure_somewhere(caller, Permission::ManageProcessing)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if let Some(o) = org {
        ensure_manages(caller, &tree, o)?;
    }
    let orgs = orgs_with(caller, &tree, Permission::ManageProcessing);
    Ok((tree, orgs))
}

/// Adds a record to `org`'s register; only the name is required. A public
/// authority may not rest on legitimate interests (art. 6(1) f).
pub async fn create(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    fields: &ProcessingFields,
) -> Result<store::Processing> {
    ensure_somewhere(caller, Permission::ManageProcessing)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let Some(org) = org else {
        return Err(Error::Validation(vec![domain::FieldError::new("org_id", "error-required")]));
    };
    ensure_manages(caller, &tree, org)?;
    let input = fields.parse(public_authority(&tree, org))?;
    Ok(store.insert_processing(&caller.actor(), org, input).await?)
}

/// Loads a record the caller may write.
pub(crate) async fn find_writable(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
) -> Result<(store::Processing, OrgTree)> {
    let (p, tree) = find_readable(store, caller, id).await?;
    ensure_manages(caller, &tree, p.org_id)?;
    Ok((p, tree))
}

/// Changes a record: every field is the new value.
pub async fn update(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    fields: &ProcessingFields,
) -> Result<store::Processing> {
    let (p, tree) = find_writable(store, caller, id).await?;
    let input = fields.parse(public_authority(&tree, p.org_id))?;
    Ok(store.update_processing(&caller.actor(), id, input).await?)
}

/// Deletes a record (refused while it has a consequence assessment).
pub async fn delete(store: &store::Store, caller: &Caller, id: Uuid) -> Result<()> {
    find_writable(store, caller, id).await?;
    Ok(store.delete_processing(&caller.actor(), id).await?)
}

/// Sets the systems a record uses: systems of its own organisation.
pub async fn set_systems(store: &store::Store, caller: &Caller, id: Uuid, systems: &[Uuid]) -> Result<Vec<Uuid>> {
    find_writable(store, caller, id).await?;
    if systems.len() > store::MAX_LINKS {
        return Err(Error::Validation(vec![domain::FieldError::new("systems", "error-processing-system-unknown")]));
    }
    store.set_processing_systems(&caller.actor(), id, systems).await?;
    Ok(store.systems_of_processing(id).await?)
}
