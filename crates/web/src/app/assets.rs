//! Information assets and systems (issue 17): the register of an
//! organisation's subtree with each asset's current classification and each
//! system's levels computed from its assets, their writes, the
//! classification of an asset against the installation's model (history
//! kept), the baseline protection requirements made into actions of the
//! action plan, and the all-or-nothing import of lists ([`assets_import`]).
//!
//! Who may do what: [`Permission::ViewRegisters`] reads the registers of the
//! organisations in scope; [`Permission::ManageAssets`] writes assets and
//! systems; [`Permission::ClassifyAssets`] classifies an asset;
//! [`Permission::ManageActions`] makes actions from its requirements.
//! Analysts and administrators see none of it.
//!
//! [`assets_import`]: super::assets_import

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use domain::FieldError;
use domain::assets::classification::{
    AssetClassification, ClassificationFields, ClassificationModel, Requirement, is_current, protection_requirements,
    system_levels,
};
use domain::assets::processing::systems_without_agreement;
use domain::assets::risk::RiskObject;
use domain::assets::system::{AssetFields, AssetInput};
use domain::authz::Permission;
use domain::org::OrgTree;
use domain::plan::{ActionFields, Origin};
use store::OrgScope;
use uuid::Uuid;

use super::{Caller, Error, Result};

/// An organisation the caller may choose, with its depth in tree order.
#[derive(Debug, Clone)]
pub struct OrgChoice {
    pub id: Uuid,
    pub name: String,
    pub depth: usize,
}

/// The organisations where the caller holds `perm`, in tree order.
pub fn choices(caller: &Caller, perm: Permission, tree: &OrgTree) -> Vec<OrgChoice> {
    let mut out: Vec<OrgChoice> = Vec::new();
    for root in caller.principal.visible_roots(perm, tree) {
        for (depth, n) in tree.subtree(root) {
            if !out.iter().any(|c| c.id == n.id) {
                out.push(OrgChoice { id: n.id, name: n.name.clone(), depth });
            }
        }
    }
    out
}

/// The refusal for a write at `org` the caller may not make there:
/// forbidden where they read the registers, not found elsewhere.
pub(crate) fn refusal(caller: &Caller, tree: &OrgTree, org: Uuid) -> Error {
    if caller.principal.can(Permission::ViewRegisters, org, tree) { Error::Forbidden } else { Error::NotFound }
}

pub(crate) fn ensure_somewhere(caller: &Caller, perm: Permission) -> Result<()> {
    if caller.principal.can_somewhere(perm) { Ok(()) } else { Err(Error::Forbidden) }
}

/// The caller's tree, once `perm` is held somewhere.
pub(crate) async fn tree_for(store: &store::Store, caller: &Caller, perm: Permission) -> Result<OrgTree> {
    ensure_somewhere(caller, perm)?;
    Ok(store.org_tree_at(&caller.principal, caller.data_version).await?)
}

/// `perm` at `org`, or the refusal.
pub(crate) fn authorise(caller: &Caller, tree: &OrgTree, perm: Permission, org: Uuid) -> Result<()> {
    if caller.principal.can(perm, org, tree) { Ok(()) } else { Err(refusal(caller, tree, org)) }
}

use domain::collate::swedish_key;

/// Where an asset's classification stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Current,
    Overdue,
    Unclassified,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Overdue => "overdue",
            Status::Unclassified => "unclassified",
        }
    }

    fn of(c: Option<&AssetClassification>, today: NaiveDate) -> Self {
        match c {
            None => Status::Unclassified,
            Some(c) if is_current(c, today) => Status::Current,
            Some(_) => Status::Overdue,
        }
    }
}

/// Levels as municipalities write them: "K3 R2 T2", one letter per aspect
/// (the first letter of its Swedish name), in the model's order.
pub fn levels_text(model: &ClassificationModel, levels: &BTreeMap<String, u8>) -> String {
    model
        .aspects
        .iter()
        .filter_map(|a| {
            let v = levels.get(&a.code)?;
            let letter = a.name_sv.chars().next().unwrap_or('?').to_uppercase().to_string();
            Some(format!("{letter}{v}"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One asset of the register.
#[derive(Debug, Clone)]
pub struct AssetLine {
    pub asset: store::Asset,
    pub org_name: String,
    pub unit_name: String,
    pub current: Option<store::Classification>,
    pub status: Status,
    /// The systems that process it: (id, name).
    pub systems: Vec<(Uuid, String)>,
}

impl AssetLine {
    pub fn next_review(&self) -> Option<NaiveDate> {
        self.current.as_ref().map(|c| c.data.next_review)
    }
}

/// One system of the register.
#[derive(Debug, Clone)]
pub struct SystemLine {
    pub system: store::System,
    pub org_name: String,
    /// The highest level of its assets, per aspect.
    pub levels: BTreeMap<String, u8>,
    /// It processes personal data at a supplier and no valid agreement covers it.
    pub without_agreement: bool,
    pub third_country: bool,
    /// The assets it processes: (id, name).
    pub assets: Vec<(Uuid, String)>,
}

impl SystemLine {
    pub fn has_owner(&self) -> bool {
        !self.system.data.system_owner.is_empty()
    }
    pub fn has_manager(&self) -> bool {
        !self.system.data.object_manager.is_empty()
    }
}

/// The register of one organisation's subtree.
pub struct Register {
    pub root: Uuid,
    pub tree: OrgTree,
    pub today: NaiveDate,
    pub model: ClassificationModel,
    /// Organisations the caller may choose (ViewRegisters).
    pub choices: Vec<OrgChoice>,
    /// The caller may add assets and systems somewhere in the subtree.
    pub may_manage: bool,
    pub assets: Vec<AssetLine>,
    pub systems: Vec<SystemLine>,
}

/// The organisation a reader looks at: the one asked for if they may read
/// it (not found otherwise), else the first they may.
fn choose_root(caller: &Caller, tree: &OrgTree, org: Option<Uuid>) -> Result<Uuid> {
    match org {
        Some(o) if caller.principal.can(Permission::ViewRegisters, o, tree) => Ok(o),
        Some(_) => Err(Error::NotFound),
        None => {
            caller.principal.visible_roots(Permission::ViewRegisters, tree).into_iter().next().ok_or(Error::Forbidden)
        }
    }
}

pub(crate) fn name_in(tree: &OrgTree, id: Uuid) -> String {
    tree.get(id).map(|n| n.name.clone()).unwrap_or_default()
}

/// The assets and systems of `org`'s subtree (the caller's first organisation
/// when none is given): a fixed number of scoped reads, whatever the size.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
pub async fn register(store: &store::Store, caller: &Caller, org: Option<Uuid>) -> Result<Register> {
    let tree = tree_for(store, caller, Permission::ViewRegisters).await?;
    let root = choose_root(caller, &tree, org)?;
    let scope = OrgScope::Subtree(root);
    let assets = store.list_assets(&scope).await?;
    let systems = store.list_systems(&scope).await?;
    let (current, links, agreements) = if assets.is_empty() && systems.is_empty() {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        (
            store.current_classifications(&scope).await?,
            store.asset_system_links(&scope).await?,
            store.list_agreements(&scope).await?,
        )
    };
    let today = domain::clock::today();
    let model = store.classification_model().await?;
    let mut current: HashMap<Uuid, store::Classification> = current.into_iter().map(|c| (c.asset_id, c)).collect();
    let asset_names: HashMap<Uuid, String> = assets.iter().map(|a| (a.id, a.data.name.clone())).collect();
    let system_names: HashMap<Uuid, String> = systems.iter().map(|s| (s.id, s.data.name.clone())).collect();
    let mut systems_of: HashMap<Uuid, Vec<(Uuid, String)>> = HashMap::new();
    let mut assets_of: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (a, s) in &links {
        if let Some(n) = system_names.get(s) {
            systems_of.entry(*a).or_default().push((*s, n.clone()));
        }
        assets_of.entry(*s).or_default().push(*a);
    }
    let agreements: Vec<_> = agreements.into_iter().map(|g| g.data).collect();
    let lacking: std::collections::HashSet<Uuid> =
        systems_without_agreement(systems.iter().map(|s| (s.id, &s.data)), &agreements, today).into_iter().collect();
    let mut system_lines: Vec<SystemLine> = systems
        .into_iter()
        .map(|system| {
            let ids = assets_of.remove(&system.id).unwrap_or_default();
            let levels = system_levels(ids.iter().filter_map(|a| current.get(a).map(|c| &c.data)));
            let mut assets: Vec<(Uuid, String)> =
                ids.iter().filter_map(|a| asset_names.get(a).map(|n| (*a, n.clone()))).collect();
            assets.sort_by_key(|(_, n)| swedish_key(n));
            SystemLine {
                org_name: name_in(&tree, system.org_id),
                without_agreement: lacking.contains(&system.id),
                third_country: system.data.runs_in_third_country(),
                levels,
                assets,
                system,
            }
        })
        .collect();
    system_lines.sort_by_key(|s| swedish_key(&s.system.data.name));
    let mut asset_lines: Vec<AssetLine> = assets
        .into_iter()
        .map(|asset| {
            let current = current.remove(&asset.id);
            let mut systems = systems_of.remove(&asset.id).unwrap_or_default();
            systems.sort_by_key(|(_, n)| swedish_key(n));
            AssetLine {
                org_name: name_in(&tree, asset.org_id),
                unit_name: asset.data.unit.map(|u| name_in(&tree, u)).unwrap_or_default(),
                status: Status::of(current.as_ref().map(|c| &c.data), today),
                current,
                systems,
                asset,
            }
        })
        .collect();
    asset_lines.sort_by_key(|a| swedish_key(&a.asset.data.name));
    let may_manage =
        tree.subtree(root).iter().any(|(_, n)| caller.principal.can(Permission::ManageAssets, n.id, &tree));
    Ok(Register {
        choices: choices(caller, Permission::ViewRegisters, &tree),
        root,
        tree,
        today,
        model,
        may_manage,
        assets: asset_lines,
        systems: system_lines,
    })
}

/// The organisations where the caller may add assets and systems, with the tree.
pub async fn manage_orgs(store: &store::Store, caller: &Caller) -> Result<(OrgTree, Vec<OrgChoice>)> {
    let tree = tree_for(store, caller, Permission::ManageAssets).await?;
    let orgs = choices(caller, Permission::ManageAssets, &tree);
    Ok((tree, orgs))
}

/// A unit given by a form (an id) or a file (a name) in `org`'s subtree.
pub(crate) fn unit_finder<'a>(tree: &'a OrgTree, org: Uuid) -> impl Fn(&str) -> Option<Uuid> + 'a {
    move |s: &str| {
        let s = s.trim();
        if let Ok(id) = s.parse::<Uuid>() {
            return tree.is_in_subtree(org, id).then_some(id);
        }
        let key = s.to_lowercase();
        tree.subtree(org).iter().find(|(_, n)| n.name.to_lowercase() == key).map(|(_, n)| n.id)
    }
}

/// Registers an information asset in `org` (ManageAssets there).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
pub async fn create_asset(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    f: &AssetFields,
) -> Result<store::Asset> {
    let tree = tree_for(store, caller, Permission::ManageAssets).await?;
    let parsed = match org {
        Some(o) => f.parse(unit_finder(&tree, o)),
        None => f.parse(|_| None),
    };
    let org = match org {
        Some(o) => o,
        None => {
            let mut errs = parsed.err().map(|e| e.0).unwrap_or_default();
            errs.insert(0, FieldError::new("org_id", "error-assets-org"));
            return Err(Error::Validation(errs));
        }
    };
    authorise(caller, &tree, Permission::ManageAssets, org)?;
    Ok(store.insert_asset(&caller.actor(), org, parsed?).await?)
}

/// An asset the caller reads, with the tree.
async fn visible_asset(store: &store::Store, caller: &Caller, id: Uuid) -> Result<(store::Asset, OrgTree)> {
    let tree = tree_for(store, caller, Permission::ViewRegisters).await?;
    let asset = store.find_asset(id).await?.ok_or(Error::NotFound)?;
    if !caller.principal.can(Permission::ViewRegisters, asset.org_id, &tree) {
        return Err(Error::NotFound);
    }
    Ok((asset, tree))
}

/// Changes an asset (ManageAssets at its organisation).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, asset = %id))]
pub async fn update_asset(store: &store::Store, caller: &Caller, id: Uuid, f: &AssetFields) -> Result<store::Asset> {
    let (asset, tree) = visible_asset(store, caller, id).await?;
    authorise(caller, &tree, Permission::ManageAssets, asset.org_id)?;
    let input: AssetInput = f.parse(unit_finder(&tree, asset.org_id))?;
    Ok(store.update_asset(&caller.actor(), id, input).await?)
}

/// Deletes an asset with its classifications and links (not while a risk names it).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, asset = %id))]
pub async fn delete_asset(store: &store::Store, caller: &Caller, id: Uuid) -> Result<Uuid> {
    let (asset, tree) = visible_asset(store, caller, id).await?;
    authorise(caller, &tree, Permission::ManageAssets, asset.org_id)?;
    store.delete_asset(&caller.actor(), id).await?;
    Ok(asset.org_id)
}

/// Sets the systems that process an asset (systems of the asset's organisation).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, asset = %id))]
pub async fn set_asset_systems(store: &store::Store, caller: &Caller, id: Uuid, systems: &[Uuid]) -> Result<()> {
    let (asset, tree) = visible_asset(store, caller, id).await?;
    authorise(caller, &tree, Permission::ManageAssets, asset.org_id)?;
    if systems.len() > store::MAX_LINKS {
        return Err(Error::Validation(vec![FieldError::new("systems", "error-assets-too-many-links")]));
    }
    Ok(store.set_asset_systems(&caller.actor(), id, systems).await?)
}

/// Classifies an asset against the installation's model (ClassifyAssets at
/// its organisation); the earlier classifications are kept.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, asset = %id))]
pub async fn classify(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    f: &ClassificationFields,
) -> Result<store::Classification> {
    let (asset, tree) = visible_asset(store, caller, id).await?;
    authorise(caller, &tree, Permission::ClassifyAssets, asset.org_id)?;
    let model = store.classification_model().await?;
    let c = f.parse(&model, domain::clock::today())?;
    Ok(store.classify_asset(&caller.actor(), id, c).await?)
}

/// The installation's classification model (for whoever reads a register).
pub async fn classification_model(store: &store::Store, caller: &Caller) -> Result<ClassificationModel> {
    ensure_somewhere(caller, Permission::ViewRegisters)?;
    Ok(store.classification_model().await?)
}

/// One asset's page.
pub struct AssetView {
    pub asset: store::Asset,
    pub org_name: String,
    pub unit_name: String,
    pub model: ClassificationModel,
    pub today: NaiveDate,
    pub status: Status,
    /// Newest first.
    pub history: Vec<store::Classification>,
    pub requirements: Vec<Requirement>,
    /// Actions already made from its requirements.
    pub actions: Vec<store::Action>,
    pub risks: Vec<store::Risk>,
    pub systems: Vec<store::System>,
    /// The organisation's systems, to choose from (when the caller manages it).
    pub org_systems: Vec<store::System>,
    /// Units of its organisation's subtree: (id, depth, name).
    pub units: Vec<(Uuid, usize, String)>,
    pub may_manage: bool,
    pub may_classify: bool,
    pub may_plan: bool,
}

impl AssetView {
    pub fn current(&self) -> Option<&store::Classification> {
        self.history.first()
    }
}

fn requirement_ref(asset: Uuid, r: &Requirement) -> String {
    format!("{asset}/{}", r.code)
}

/// An asset with its classification history, requirements, actions, risks and systems.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, asset = %id))]
pub async fn load_asset(store: &store::Store, caller: &Caller, id: Uuid) -> Result<AssetView> {
    let (asset, tree) = visible_asset(store, caller, id).await?;
    let org = asset.org_id;
    let model = store.classification_model().await?;
    let history = store.classifications_of(id).await?;
    let requirements = history.first().map(|c| protection_requirements(&model, &c.data.levels)).unwrap_or_default();
    let refs: Vec<String> = requirements.iter().map(|r| requirement_ref(id, r)).collect();
    let actions = store.actions_from(Origin::Classification, &refs).await?;
    let may_manage = caller.principal.can(Permission::ManageAssets, org, &tree);
    let org_systems = if may_manage { store.list_systems(&OrgScope::Org(org)).await? } else { Vec::new() };
    let today = domain::clock::today();
    Ok(AssetView {
        org_name: name_in(&tree, org),
        unit_name: asset.data.unit.map(|u| name_in(&tree, u)).unwrap_or_default(),
        status: Status::of(history.first().map(|c| &c.data), today),
        units: tree.subtree(org).iter().skip(1).map(|(d, n)| (n.id, *d, n.name.clone())).collect(),
        may_classify: caller.principal.can(Permission::ClassifyAssets, org, &tree),
        may_plan: caller.principal.can(Permission::ManageActions, org, &tree),
        risks: store.risks_of(RiskObject::Asset, id).await?,
        systems: store.systems_of_asset(id).await?,
        today,
        may_manage,
        org_systems,
        requirements,
        actions,
        history,
        model,
        asset,
    })
}

/// Makes an action in the organisation's plan from each of the asset's
/// protection requirements that has none yet (`Origin::Classification`,
/// origin_ref "asset-id/requirement-code"); refused when there is nothing new.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, asset = %id))]
pub async fn plan_requirements(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    english: bool,
) -> Result<Vec<store::Action>> {
    let (asset, tree) = visible_asset(store, caller, id).await?;
    let org = asset.org_id;
    if !caller.principal.can(Permission::ManageActions, org, &tree) {
        return Err(Error::Forbidden);
    }
    let model = store.classification_model().await?;
    let Some(current) = store.classifications_of(id).await?.into_iter().next() else {
        return Err(Error::Conflict(FieldError::new("asset", "error-assets-not-classified")));
    };
    let requirements = protection_requirements(&model, &current.data.levels);
    let refs: Vec<String> = requirements.iter().map(|r| requirement_ref(id, r)).collect();
    let made: Vec<String> =
        store.actions_from(Origin::Classification, &refs).await?.into_iter().map(|a| a.data.origin_ref).collect();
    let new: Vec<(&Requirement, String)> = requirements.iter().zip(refs).filter(|(_, r)| !made.contains(r)).collect();
    if new.is_empty() {
        return Err(Error::Conflict(FieldError::new("asset", "error-assets-actions-exist")));
    }
    let mut out = Vec::with_capacity(new.len());
    for (r, key) in new {
        let text = if english { r.text_en } else { r.text_sv };
        let title = format!("{}: {}", asset.data.name, text);
        let fields = ActionFields {
            title: title.chars().take(200).collect(),
            goal: text.into(),
            activity: text.into(),
            responsible: asset.data.information_owner.clone(),
            status: "planned".into(),
            origin: Origin::Classification.code().into(),
            origin_ref: key,
            ..Default::default()
        };
        out.push(store.insert_action(&caller.actor(), org, fields.parse()?).await?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_in_swedish_order() {
        let mut v = vec!["Öppna data", "Ärenden", "Åtgärder", "Zebra", "arkiv"];
        v.sort_by_key(|s| swedish_key(s));
        assert_eq!(v, vec!["arkiv", "Zebra", "Åtgärder", "Ärenden", "Öppna data"]);
    }

    #[test]
    fn levels_read_as_municipalities_write_them() {
        let m = ClassificationModel::national_default();
        let l = BTreeMap::from([("confidentiality".into(), 3), ("integrity".into(), 2), ("availability".into(), 2)]);
        assert_eq!(levels_text(&m, &l), "K3 R2 T2");
    }
}
