//! Systems of the register (issue 17): their writes and one system's page
//! with its assets, the levels computed from them and the agreement flag.
//! Who may do what is as for assets (see [`super::assets`]).

use std::collections::{BTreeMap, HashMap};

use domain::FieldError;
use domain::assets::classification::{ClassificationModel, system_levels};
use domain::assets::processing::systems_without_agreement;
use domain::assets::system::SystemFields;
use domain::authz::Permission;
use domain::org::OrgTree;
use store::OrgScope;
use uuid::Uuid;

use super::assets::{authorise, name_in, tree_for};
use super::{Caller, Error, Result};

/// A system the caller reads, with the tree.
async fn visible_system(store: &store::Store, caller: &Caller, id: Uuid) -> Result<(store::System, OrgTree)> {
    let tree = tree_for(store, caller, Permission::ViewRegisters).await?;
    let system = store.find_system(id).await?.ok_or(Error::NotFound)?;
    if !caller.principal.can(Permission::ViewRegisters, system.org_id, &tree) {
        return Err(Error::NotFound);
    }
    Ok((system, tree))
}

/// Registers a system in `org` (ManageAssets there).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
pub async fn create_system(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    f: &SystemFields,
) -> Result<store::System> {
    let tree = tree_for(store, caller, Permission::ManageAssets).await?;
    let parsed = f.parse();
    let Some(org) = org else {
        let mut errs = parsed.err().map(|e| e.0).unwrap_or_default();
        errs.insert(0, FieldError::new("org_id", "error-assets-org"));
        return Err(Error::Validation(errs));
    };
    authorise(caller, &tree, Permission::ManageAssets, org)?;
    Ok(store.insert_system(&caller.actor(), org, parsed?).await?)
}

/// Changes a system (ManageAssets at its organisation).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, system = %id))]
pub async fn update_system(store: &store::Store, caller: &Caller, id: Uuid, f: &SystemFields) -> Result<store::System> {
    let (system, tree) = visible_system(store, caller, id).await?;
    authorise(caller, &tree, Permission::ManageAssets, system.org_id)?;
    Ok(store.update_system(&caller.actor(), id, f.parse()?).await?)
}

/// Deletes a system (not while a risk, processing or agreement names it).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, system = %id))]
pub async fn delete_system(store: &store::Store, caller: &Caller, id: Uuid) -> Result<Uuid> {
    let (system, tree) = visible_system(store, caller, id).await?;
    authorise(caller, &tree, Permission::ManageAssets, system.org_id)?;
    store.delete_system(&caller.actor(), id).await?;
    Ok(system.org_id)
}

/// One system's page.
pub struct SystemView {
    pub system: store::System,
    pub org_name: String,
    pub model: ClassificationModel,
    pub levels: BTreeMap<String, u8>,
    pub without_agreement: bool,
    pub third_country: bool,
    /// Its assets with their current classification.
    pub assets: Vec<(store::Asset, Option<store::Classification>)>,
    pub may_manage: bool,
}

/// A system with its assets, computed levels and agreement flag.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, system = %id))]
pub async fn load_system(store: &store::Store, caller: &Caller, id: Uuid) -> Result<SystemView> {
    let (system, tree) = visible_system(store, caller, id).await?;
    let org = system.org_id;
    let assets = store.assets_of_system(id).await?;
    let current = store.current_classifications(&OrgScope::Org(org)).await?;
    let mut current: HashMap<Uuid, store::Classification> = current.into_iter().map(|c| (c.asset_id, c)).collect();
    let assets: Vec<(store::Asset, Option<store::Classification>)> = assets
        .into_iter()
        .map(|a| {
            let c = current.remove(&a.id);
            (a, c)
        })
        .collect();
    let levels = system_levels(assets.iter().filter_map(|(_, c)| c.as_ref().map(|c| &c.data)));
    let today = domain::clock::today();
    let agreements: Vec<_> = store.list_agreements(&OrgScope::Org(org)).await?.into_iter().map(|g| g.data).collect();
    let without_agreement = !systems_without_agreement([(system.id, &system.data)], &agreements, today).is_empty();
    Ok(SystemView {
        org_name: name_in(&tree, org),
        model: store.classification_model().await?,
        third_country: system.data.runs_in_third_country(),
        may_manage: caller.principal.can(Permission::ManageAssets, org, &tree),
        without_agreement,
        levels,
        assets,
        system,
    })
}
