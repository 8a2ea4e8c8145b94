//! The risk register (riskanalyser, issue 17): risks of an organisation, a
//! system or an information asset on the installation's matrix, before and
//! after treatment, with the risk owner's acceptance, a review date, the
//! heat map of the listed risks and actions in the plan made from a risk.
//!
//! Who may do what: [`Permission::ViewRegisters`] reads the risks of the
//! organisations in the caller's subtrees; [`Permission::ManageAssets`]
//! writes them; making an action needs [`Permission::ManageActions`] at the
//! risk's organisation. An organisation or risk the caller cannot even read
//! is not found; one they read but may not write is forbidden. Analysts
//! see nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::FieldError;
use domain::assets::risk::{
    HeatMap, RiskFields, RiskInput, RiskLevel, RiskMatrix, RiskObject, heat_map, is_treated, is_untreated_high,
    review_overdue,
};
use domain::authz::Permission;
use domain::org::OrgTree;
use domain::plan::{ActionFields, Origin};
use store::OrgScope;
use uuid::Uuid;

use super::{Caller, Error, Result};

pub use domain::collate::swedish_key;

/// Which risks the list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RiskFilter {
    #[default]
    All,
    /// High or very high before treatment.
    High,
    /// High before treatment and not treated.
    UntreatedHigh,
    /// Their review date has passed.
    Overdue,
}

impl RiskFilter {
    pub const ALL: [RiskFilter; 4] =
        [RiskFilter::All, RiskFilter::High, RiskFilter::UntreatedHigh, RiskFilter::Overdue];

    pub fn code(self) -> &'static str {
        match self {
            RiskFilter::All => "",
            RiskFilter::High => "high",
            RiskFilter::UntreatedHigh => "untreated",
            RiskFilter::Overdue => "overdue",
        }
    }

    /// The filter of a query's code; anything unknown shows all.
    pub fn parse(s: &str) -> Self {
        Self::ALL.into_iter().find(|f| f.code() == s.trim()).unwrap_or_default()
    }

    fn lets_through(self, r: &ListedRisk) -> bool {
        match self {
            RiskFilter::All => true,
            RiskFilter::High => r.inherent.is_high(),
            RiskFilter::UntreatedHigh => r.untreated_high,
            RiskFilter::Overdue => r.review_overdue,
        }
    }
}

/// A risk with what the register shows about it.
#[derive(Debug, Clone)]
pub struct ListedRisk {
    pub risk: store::Risk,
    pub org_name: String,
    /// The name of the organisation, system or asset the risk is about.
    pub object_name: String,
    pub inherent: RiskLevel,
    /// After treatment: the residual level if assessed, else the inherent one.
    pub residual: RiskLevel,
    pub treated: bool,
    pub untreated_high: bool,
    pub review_overdue: bool,
}

/// The names of the systems and assets of a scope, by id.
struct Names {
    systems: HashMap<Uuid, String>,
    assets: HashMap<Uuid, String>,
}

impl Names {
    async fn load(store: &store::Store, scope: &OrgScope) -> Result<Self> {
        let systems = store.list_systems(scope).await?.into_iter().map(|s| (s.id, s.data.name)).collect();
        let assets = store.list_assets(scope).await?.into_iter().map(|a| (a.id, a.data.name)).collect();
        Ok(Names { systems, assets })
    }

    fn of(&self, tree: &OrgTree, d: &RiskInput) -> String {
        let found = match d.object_kind {
            RiskObject::Org => tree.get(d.object_id).map(|n| n.name.clone()),
            RiskObject::System => self.systems.get(&d.object_id).cloned(),
            RiskObject::Asset => self.assets.get(&d.object_id).cloned(),
        };
        found.unwrap_or_default()
    }
}

fn listed(risk: store::Risk, tree: &OrgTree, names: &Names, m: &RiskMatrix, today: NaiveDate) -> ListedRisk {
    let d = &risk.data;
    ListedRisk {
        org_name: tree.get(risk.org_id).map(|n| n.name.clone()).unwrap_or_default(),
        object_name: names.of(tree, d),
        inherent: d.inherent_level(m),
        residual: d.residual_level(m),
        treated: is_treated(d),
        untreated_high: is_untreated_high(d, m),
        review_overdue: review_overdue(d, today),
        risk,
    }
}

/// The register of one organisation's subtree.
pub struct Register {
    pub root: Uuid,
    pub tree: OrgTree,
    pub matrix: RiskMatrix,
    pub filter: RiskFilter,
    /// Worst first (before treatment), then by scenario.
    pub risks: Vec<ListedRisk>,
    /// The listed risks before treatment.
    pub heat: HeatMap,
    /// The listed risks after treatment (the inherent values where none is assessed).
    pub heat_residual: HeatMap,
    /// Organisations the caller may choose (ViewRegisters), with depth, in tree order.
    pub choices: Vec<(usize, Uuid)>,
    /// Organisations where the caller may add risks, with depth, in tree order.
    pub manage_orgs: Vec<(usize, Uuid)>,
}

fn orgs_with(caller: &Caller, tree: &OrgTree, perm: Permission) -> Vec<(usize, Uuid)> {
    let mut out: Vec<(usize, Uuid)> = Vec::new();
    for root in caller.principal.visible_roots(perm, tree) {
        for (depth, n) in tree.subtree(root) {
            if !out.iter().any(|(_, id)| *id == n.id) {
                out.push((depth, n.id));
            }
        }
    }
    out
}

fn ensure_somewhere(caller: &Caller, perm: Permission) -> Result<()> {
    if caller.principal.can_somewhere(perm) { Ok(()) } else { Err(Error::Forbidden) }
}

/// The refusal of a write at `org`: forbidden where the caller reads the
/// registers, not found elsewhere.
fn refusal(caller: &Caller, tree: &OrgTree, org: Uuid) -> Error {
    if caller.principal.can(Permission::ViewRegisters, org, tree) { Error::Forbidden } else { Error::NotFound }
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

/// The installation's risk matrix (for whoever reads registers somewhere).
pub async fn matrix(store: &store::Store, caller: &Caller) -> Result<RiskMatrix> {
    ensure_somewhere(caller, Permission::ViewRegisters)?;
    Ok(store.risk_matrix().await?)
}

/// The risks of `org`'s subtree (default: the caller's first organisation)
/// that `filter` lets through, with the heat map of those listed.
pub async fn register(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    filter: RiskFilter,
) -> Result<Register> {
    ensure_somewhere(caller, Permission::ViewRegisters)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let root = choose_root(caller, &tree, org)?;
    let scope = OrgScope::Subtree(root);
    let matrix = store.risk_matrix().await?;
    let found = store.list_risks(&scope).await?;
    let names = if found.is_empty() {
        Names { systems: HashMap::new(), assets: HashMap::new() }
    } else {
        Names::load(store, &scope).await?
    };
    let today = domain::clock::today();
    let mut risks: Vec<ListedRisk> = found
        .into_iter()
        .map(|r| listed(r, &tree, &names, &matrix, today))
        .filter(|r| filter.lets_through(r))
        .collect();
    risks.sort_by_cached_key(|r| {
        (std::cmp::Reverse(r.inherent), std::cmp::Reverse(r.residual), swedish_key(&r.risk.data.scenario), r.risk.id)
    });
    let heat = heat_map(&matrix, risks.iter().map(|r| (r.risk.data.likelihood, r.risk.data.consequence)));
    let heat_residual = heat_map(
        &matrix,
        risks.iter().map(|r| r.risk.data.residual.unwrap_or((r.risk.data.likelihood, r.risk.data.consequence))),
    );
    Ok(Register {
        root,
        matrix,
        filter,
        risks,
        heat,
        heat_residual,
        choices: orgs_with(caller, &tree, Permission::ViewRegisters),
        manage_orgs: orgs_with(caller, &tree, Permission::ManageAssets),
        tree,
    })
}

/// What a risk can be about in one organisation: itself, its systems and its assets.
#[derive(Debug, Clone)]
pub struct Objects {
    pub org_id: Uuid,
    pub org_name: String,
    /// (id, name), in Swedish order.
    pub systems: Vec<(Uuid, String)>,
    /// (id, name), in Swedish order.
    pub assets: Vec<(Uuid, String)>,
}

async fn objects_of(store: &store::Store, tree: &OrgTree, org: Uuid) -> Result<Objects> {
    let scope = OrgScope::Org(org);
    let mut systems: Vec<(Uuid, String)> =
        store.list_systems(&scope).await?.into_iter().map(|s| (s.id, s.data.name)).collect();
    let mut assets: Vec<(Uuid, String)> =
        store.list_assets(&scope).await?.into_iter().map(|a| (a.id, a.data.name)).collect();
    systems.sort_by_cached_key(|(_, n)| swedish_key(n));
    assets.sort_by_cached_key(|(_, n)| swedish_key(n));
    Ok(Objects { org_id: org, org_name: tree.get(org).map(|n| n.name.clone()).unwrap_or_default(), systems, assets })
}

/// What the form to add a risk needs.
pub struct NewRisk {
    pub tree: OrgTree,
    pub matrix: RiskMatrix,
    pub objects: Objects,
    /// Organisations where the caller may add risks, with depth.
    pub manage_orgs: Vec<(usize, Uuid)>,
}

/// The form to add a risk at `org` (default: the first organisation where the caller may).
pub async fn new_risk(store: &store::Store, caller: &Caller, org: Option<Uuid>) -> Result<NewRisk> {
    ensure_somewhere(caller, Permission::ManageAssets)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let manage_orgs = orgs_with(caller, &tree, Permission::ManageAssets);
    let org = match org {
        Some(o) if caller.principal.can(Permission::ManageAssets, o, &tree) => o,
        Some(o) => return Err(refusal(caller, &tree, o)),
        None => manage_orgs.first().map(|(_, o)| *o).ok_or(Error::Forbidden)?,
    };
    Ok(NewRisk { objects: objects_of(store, &tree, org).await?, matrix: store.risk_matrix().await?, manage_orgs, tree })
}

/// A stored rule's refusal of a risk's object as a field error of the form.
fn object_refused(e: store::StoreError) -> Error {
    match Error::from(e) {
        Error::Conflict(f) => Error::Validation(vec![f]),
        other => other,
    }
}

/// Adds a risk to `org` (ManageAssets there); its object must be `org`, a
/// unit below it, or a system or asset of `org`.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
pub async fn create_risk(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    f: &RiskFields,
) -> Result<store::Risk> {
    ensure_somewhere(caller, Permission::ManageAssets)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let Some(org) = org else {
        return Err(FieldError::new("org_id", "error-risks-org").into());
    };
    if !caller.principal.can(Permission::ManageAssets, org, &tree) {
        return Err(refusal(caller, &tree, org));
    }
    let input = f.parse(&store.risk_matrix().await?, domain::clock::today())?;
    store.insert_risk(&caller.actor(), org, input).await.map_err(object_refused)
}

/// A risk the caller reads, with what they may do to it.
struct Visible {
    risk: store::Risk,
    tree: OrgTree,
    may_manage: bool,
}

async fn visible(store: &store::Store, caller: &Caller, id: Uuid) -> Result<Visible> {
    ensure_somewhere(caller, Permission::ViewRegisters)?;
    let risk = store.find_risk(id).await?.ok_or(Error::NotFound)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !caller.principal.can(Permission::ViewRegisters, risk.org_id, &tree) {
        return Err(Error::NotFound);
    }
    let may_manage = caller.principal.can(Permission::ManageAssets, risk.org_id, &tree);
    Ok(Visible { risk, tree, may_manage })
}

async fn managed(store: &store::Store, caller: &Caller, id: Uuid) -> Result<Visible> {
    let v = visible(store, caller, id).await?;
    if !v.may_manage {
        return Err(Error::Forbidden);
    }
    Ok(v)
}

/// One risk as its page and the API show it.
pub struct RiskView {
    pub listed: ListedRisk,
    pub matrix: RiskMatrix,
    /// What the risk can be about in its organisation (for the edit form).
    pub objects: Objects,
    /// Actions in the plan made from it.
    pub actions: Vec<store::Action>,
    pub may_manage: bool,
    /// The caller may make an action of it (keeps the organisation's plan).
    pub may_plan: bool,
}

/// Loads a risk the caller may read (not found otherwise).
pub async fn load_risk(store: &store::Store, caller: &Caller, id: Uuid) -> Result<RiskView> {
    let v = visible(store, caller, id).await?;
    let org = v.risk.org_id;
    let matrix = store.risk_matrix().await?;
    let objects = objects_of(store, &v.tree, org).await?;
    let names =
        Names { systems: objects.systems.iter().cloned().collect(), assets: objects.assets.iter().cloned().collect() };
    let actions = store.actions_from(Origin::Risk, &[id.to_string()]).await?;
    let may_plan = caller.principal.can(Permission::ManageActions, org, &v.tree);
    Ok(RiskView {
        listed: listed(v.risk, &v.tree, &names, &matrix, domain::clock::today()),
        matrix,
        objects,
        actions,
        may_manage: v.may_manage,
        may_plan,
    })
}

/// Changes a risk (ManageAssets at its organisation, which stays).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, risk = %id))]
pub async fn update_risk(store: &store::Store, caller: &Caller, id: Uuid, f: &RiskFields) -> Result<store::Risk> {
    managed(store, caller, id).await?;
    let input = f.parse(&store.risk_matrix().await?, domain::clock::today())?;
    store.update_risk(&caller.actor(), id, input).await.map_err(object_refused)
}

/// Deletes a risk (ManageAssets at its organisation); returns its organisation.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, risk = %id))]
pub async fn delete_risk(store: &store::Store, caller: &Caller, id: Uuid) -> Result<Uuid> {
    let v = managed(store, caller, id).await?;
    store.delete_risk(&caller.actor(), id).await?;
    Ok(v.risk.org_id)
}

/// The first line of `s`, at most `max` characters.
fn first_line(s: &str, max: usize) -> String {
    s.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default().chars().take(max).collect()
}

/// Makes an action in the risk's organisation's plan from the risk
/// (`Origin::Risk`, ManageActions there); refused when one exists.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, risk = %id))]
pub async fn plan_action(store: &store::Store, caller: &Caller, id: Uuid) -> Result<store::Action> {
    let v = visible(store, caller, id).await?;
    let org = v.risk.org_id;
    if !caller.principal.can(Permission::ManageActions, org, &v.tree) {
        return Err(Error::Forbidden);
    }
    let key = id.to_string();
    if !store.actions_from(Origin::Risk, std::slice::from_ref(&key)).await?.is_empty() {
        return Err(Error::Conflict(FieldError::new("risk", "error-risks-action-exists")));
    }
    let d = &v.risk.data;
    let fields = ActionFields {
        title: first_line(&d.scenario, 200),
        goal: d.scenario.chars().take(4000).collect(),
        responsible: d.owner.chars().take(200).collect(),
        status: "planned".into(),
        origin: Origin::Risk.code().into(),
        origin_ref: key,
        ..Default::default()
    };
    Ok(store.insert_action(&caller.actor(), org, fields.parse()?).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_names_sort_with_a_a_o_last() {
        let mut v = vec!["Ödla", "älg", "Åsa", "zebra", "Anna", "éclair"];
        v.sort_by_key(|s| swedish_key(s));
        assert_eq!(v, vec!["Anna", "éclair", "zebra", "Åsa", "älg", "Ödla"]);
    }

    #[test]
    fn filters_read_their_codes_and_titles_their_first_line() {
        for f in RiskFilter::ALL {
            assert_eq!(RiskFilter::parse(f.code()), f);
        }
        assert_eq!(RiskFilter::parse("annat"), RiskFilter::All);
        assert_eq!(first_line("\n  Läcka av akter \nmer text", 5), "Läcka");
    }
}
