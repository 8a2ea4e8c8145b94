//! The registers' hub: coverage of the asset registers (information
//! assets, systems, risks, the processing register and data-processing
//! agreements) for one organisation, per unit of its subtree with each
//! unit's own figures and its subtree's rolled up, and the status the
//! registers give the checklist's seven asset points
//! ([`domain::assets::coverage`]).
//!
//! Who may read it: [`Permission::ViewRegisters`] at the organisation (the
//! CISO, coordinators, owners, the DPO, management, auditors); analysts and
//! system administrators see none of it. The read is one call of
//! [`store::Store::asset_facts`] for the chosen subtree, whatever its size.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use domain::assets::coverage::{AssetComputed, AssetPoint, UnitFacts, computed};
use domain::assets::trend::TrendPoint;
use domain::authz::Permission;
use domain::org::OrgTree;
use uuid::Uuid;

use super::{Caller, Error, Result};

/// One organisation of the chosen subtree, in tree order.
#[derive(Debug, Clone)]
pub struct CoverageLine {
    pub org_id: Uuid,
    pub name: String,
    /// Levels below the chosen organisation.
    pub depth: usize,
    /// Its own registers.
    pub own: UnitFacts,
    /// Its subtree's, itself included.
    pub rolled_up: UnitFacts,
}

/// The hub's figures for the chosen organisation.
pub struct Coverage {
    pub root: Uuid,
    pub root_name: String,
    pub today: NaiveDate,
    /// The months a risk analysis counts as recent.
    pub risk_months: u32,
    /// The subtree's coverage at the end of each of the last years, this one
    /// (on today) last.
    pub trend: Vec<TrendPoint>,
    /// The chosen organisation's subtree rolled up.
    pub total: UnitFacts,
    /// The seven asset points and the status the registers give them (none
    /// where there is nothing to count).
    pub points: Vec<(AssetPoint, Option<AssetComputed>)>,
    /// The chosen organisation first, then every organisation below it that
    /// holds anything in the registers, in tree order.
    pub lines: Vec<CoverageLine>,
    /// The organisations the caller may choose, with their depth, in tree order.
    pub choices: Vec<(usize, Uuid)>,
    pub tree: OrgTree,
}

/// The organisations where the caller reads the registers, with their depth.
pub fn orgs_with(caller: &Caller, tree: &OrgTree, perm: Permission) -> Vec<(usize, Uuid)> {
    let mut out = Vec::new();
    for root in caller.principal.visible_roots(perm, tree) {
        for (depth, n) in tree.subtree(root) {
            out.push((depth, n.id));
        }
    }
    out
}

/// Each organisation's rolled-up facts, summed bottom-up over `root`'s subtree.
fn roll_up(tree: &OrgTree, root: Uuid, own: &HashMap<Uuid, UnitFacts>) -> HashMap<Uuid, UnitFacts> {
    let sub = tree.subtree(root);
    let mut total: HashMap<Uuid, UnitFacts> = HashMap::with_capacity(sub.len());
    // Children come after their parent in tree order: walk it backwards.
    for (_, n) in sub.iter().rev() {
        let t = total.get(&n.id).copied().unwrap_or_default() + own.get(&n.id).copied().unwrap_or_default().clamped();
        total.insert(n.id, t);
        if n.id != root
            && let Some(p) = n.parent_id
        {
            let acc = total.get(&p).copied().unwrap_or_default() + t;
            total.insert(p, acc);
        }
    }
    total
}

/// Coverage of the registers for `org` (default: the caller's first
/// organisation where they read the registers): not found for an
/// organisation the caller cannot read, forbidden for a caller who reads
/// the registers nowhere.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
pub async fn coverage(store: &store::Store, caller: &Caller, org: Option<Uuid>) -> Result<Coverage> {
    if !caller.principal.can_somewhere(Permission::ViewRegisters) {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let root = match org {
        Some(o) if caller.principal.can(Permission::ViewRegisters, o, &tree) => o,
        Some(_) => return Err(Error::NotFound),
        None => caller
            .principal
            .visible_roots(Permission::ViewRegisters, &tree)
            .into_iter()
            .next()
            .ok_or(Error::Forbidden)?,
    };
    let today = domain::clock::today();
    let facts = super::review::assets::own_facts(store, root, today, today.year()).await?;
    let rolled = roll_up(&tree, root, &facts.own);
    let lines: Vec<CoverageLine> = tree
        .subtree(root)
        .into_iter()
        .filter_map(|(depth, n)| {
            let rolled_up = rolled.get(&n.id).copied().unwrap_or_default();
            (n.id == root || rolled_up != UnitFacts::default()).then(|| CoverageLine {
                org_id: n.id,
                name: n.name.clone(),
                depth,
                own: facts.own.get(&n.id).copied().unwrap_or_default().clamped(),
                rolled_up,
            })
        })
        .collect();
    let total = rolled.get(&root).copied().unwrap_or_default();
    Ok(Coverage {
        root,
        root_name: tree.get(root).map(|n| n.name.clone()).unwrap_or_default(),
        today,
        risk_months: super::review::assets::RISK_MONTHS,
        trend: facts.trend,
        total,
        points: AssetPoint::ALL.iter().map(|p| (*p, computed(*p, &total))).collect(),
        lines,
        choices: orgs_with(caller, &tree, Permission::ViewRegisters),
        tree,
    })
}

#[cfg(test)]
mod tests {
    use domain::org::{OrgKind, OrgNode};

    use super::*;

    fn node(id: u128, parent: Option<u128>) -> OrgNode {
        OrgNode {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            name: format!("Org {id}"),
            kind: OrgKind::Unit,
            own_review: false,
        }
    }

    #[test]
    fn rolling_up_bottom_up_equals_the_domain_s_sum_over_each_subtree() {
        let tree = OrgTree::new(vec![
            node(1, None),
            node(2, Some(1)),
            node(3, Some(1)),
            node(4, Some(2)),
            node(5, Some(2)),
            node(6, Some(4)),
        ]);
        let mut own = HashMap::new();
        for (i, id) in [1u128, 2, 4, 5, 6, 3].iter().enumerate() {
            let n = i as u64 + 1;
            own.insert(
                Uuid::from_u128(*id),
                UnitFacts { assets: n * 3, assets_classified: n, systems: n, ..Default::default() },
            );
        }
        for root in [1u128, 2, 4] {
            let r = Uuid::from_u128(root);
            let got = roll_up(&tree, r, &own);
            for (_, n) in tree.subtree(r) {
                assert_eq!(got[&n.id], domain::assets::coverage::rolled_up(&tree, n.id, &own), "{root} {}", n.name);
            }
        }
    }
}
