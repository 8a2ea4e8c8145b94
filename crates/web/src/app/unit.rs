//! The units' yearly reports for the management review and the
//! organisation's review checklist.

use domain::authz::Permission;
use domain::org::OrgTree;
use domain::review::{PointStatus, reporting_units, review_org};
use uuid::Uuid;

use super::review::default_points;
use super::{Caller, Error, Result};

/// A reporting unit the caller has to do with, and what they may do there.
pub struct UnitAccess {
    pub unit: Uuid,
    /// The organisation whose review the unit reports to.
    pub org: Uuid,
    pub tree: OrgTree,
    pub may_report: bool,
    pub may_approve: bool,
}

/// A report's year from a path: a year a period accepts, else not found.
pub fn parse_year(s: &str) -> Result<i32> {
    domain::assessment::Period::parse(s).map(|p| p.year()).map_err(|_| Error::NotFound)
}

/// Checks that `unit` reports to a review and that the caller reports for
/// it, approves its reports or reads the plans there (not found otherwise).
pub async fn unit_access(store: &store::Store, caller: &Caller, unit: Uuid) -> Result<UnitAccess> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let org = review_org(&tree, unit).ok_or(Error::NotFound)?;
    if !reporting_units(&tree, org).contains(&unit) {
        return Err(Error::NotFound);
    }
    let p = &caller.principal;
    let may_report = p.can(Permission::ReportUnit, unit, &tree);
    let may_approve = p.can(Permission::ApproveUnitReports, unit, &tree);
    if !(may_report || may_approve || p.can(Permission::ViewPlans, unit, &tree)) {
        return Err(Error::NotFound);
    }
    Ok(UnitAccess { unit, org, tree, may_report, may_approve })
}

/// Every reporting unit the caller has anything to do with: as coordinator,
/// owner, or reader of the organisation's plans.
pub fn my_units(caller: &Caller, tree: &OrgTree) -> Vec<Uuid> {
    let p = &caller.principal;
    let perms = [Permission::ViewPlans, Permission::ReportUnit, Permission::ApproveUnitReports];
    let mut orgs: Vec<Uuid> = Vec::new();
    for perm in perms {
        for id in p.visible_orgs(perm, tree) {
            if review_org(tree, id) == Some(id) && !orgs.contains(&id) {
                orgs.push(id);
            }
        }
    }
    let mut units = Vec::new();
    for org in orgs {
        for u in reporting_units(tree, org) {
            let mine = perms.iter().any(|perm| p.can(*perm, u, tree));
            if mine && !units.contains(&u) {
                units.push(u);
            }
        }
    }
    // A coordinator of a unit below an organisation they cannot otherwise see.
    for perm in [Permission::ReportUnit, Permission::ApproveUnitReports] {
        for id in p.visible_orgs(perm, tree) {
            if let Some(org) = review_org(tree, id)
                && reporting_units(tree, org).contains(&id)
                && !units.contains(&id)
            {
                units.push(id);
            }
        }
    }
    units
}

/// The organisation's checklist, the default one if it has none yet.
pub async fn checklist_points(store: &store::Store, org: Uuid) -> Result<Vec<store::Point>> {
    Ok(store.ensure_points(&store::Actor::system(), org, &default_points()).await?)
}

/// The statuses the incident, training and asset registers give the unit's
/// checklist points for `year` (read at the end of the year, or now), for
/// the points they speak to: what the review will show beside the unit's
/// own statuses. The caller has access to the unit ([`unit_access`]).
pub async fn computed_statuses(
    store: &store::Store,
    u: &UnitAccess,
    points: &[store::Point],
    year: i32,
) -> Result<Vec<(Uuid, domain::review::registers::Computed)>> {
    use domain::review::registers::{computed, point_source};
    let sources: Vec<(Uuid, _)> = points.iter().filter_map(|p| Some((p.id, point_source(&p.text)?))).collect();
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let now = domain::now();
    // The unit's own subtree is all its figures read.
    let facts = super::review::registers::register_facts(store, &u.tree, u.unit, year, &[u.unit], now).await?;
    let Some((_, r)) = facts.units.iter().find(|(id, _)| *id == u.unit) else { return Ok(Vec::new()) };
    Ok(sources.into_iter().filter_map(|(id, src)| Some((id, computed(src, r)?))).collect())
}

/// One point of a report form as typed (to show again with the errors).
pub struct GivenItem {
    pub point_id: String,
    pub status: String,
    pub comment: String,
}

/// A report form read: the valid items, what was typed, the errors.
pub struct ParsedItems {
    pub items: Vec<(Uuid, PointStatus, String)>,
    pub given: Vec<GivenItem>,
    pub errs: Vec<domain::FieldError>,
}

/// Parses a report form: `status-<point>` and `comment-<point>` for every
/// active point; submitting needs a status on every point.
pub fn parse_items(points: &[store::Point], form: &[(String, String)], submit: bool) -> ParsedItems {
    let get = |k: String| form.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut items = Vec::new();
    let mut given = Vec::new();
    let mut errs = Vec::new();
    for p in points.iter().filter(|p| p.active) {
        let st = get(format!("status-{}", p.id));
        let comment = get(format!("comment-{}", p.id));
        given.push(GivenItem { point_id: p.id.to_string(), status: st.clone(), comment: comment.clone() });
        match domain::parse_text("comment", &comment, 2000, false) {
            Ok(c) => match st.parse::<PointStatus>() {
                Ok(s) => items.push((p.id, s, c)),
                Err(_) if st.is_empty() && !submit => {}
                Err(_) if st.is_empty() => errs.push(domain::FieldError::new("status", "error-unit-report-incomplete")),
                Err(e) => errs.push(e),
            },
            Err(e) => errs.push(e),
        }
    }
    errs.dedup();
    ParsedItems { items, given, errs }
}

/// Saves (and with `submit`, submits for approval) a unit's report (its coordinator).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, unit = %u.unit, year))]
pub async fn save_unit_report(
    store: &store::Store,
    caller: &Caller,
    u: &UnitAccess,
    year: i32,
    items: Vec<(Uuid, PointStatus, String)>,
    submit: bool,
) -> Result<store::UnitReport> {
    if !u.may_report {
        return Err(Error::Forbidden);
    }
    Ok(store.save_unit_report(&caller.actor(), u.unit, year, items, submit).await?)
}

/// Approves a submitted report (the unit's owner).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, unit = %u.unit, year))]
pub async fn approve_unit_report(store: &store::Store, caller: &Caller, u: &UnitAccess, year: i32) -> Result<()> {
    if !u.may_approve {
        return Err(Error::Forbidden);
    }
    Ok(store.approve_unit_report(&caller.actor(), u.unit, year).await?)
}

// ----- The checklist -----

/// An organisation whose checklist the caller may see.
pub struct ChecklistOrg {
    pub org: Uuid,
    pub tree: OrgTree,
    pub may_edit: bool,
}

/// Checks that `org` holds a review and the caller may see its plans (not found otherwise).
pub async fn checklist_org(store: &store::Store, caller: &Caller, org: Uuid) -> Result<ChecklistOrg> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !caller.principal.can(Permission::ViewPlans, org, &tree) || review_org(&tree, org) != Some(org) {
        return Err(Error::NotFound);
    }
    let may_edit = caller.principal.can(Permission::ManageReviews, org, &tree);
    Ok(ChecklistOrg { org, tree, may_edit })
}

/// Adds a point to the organisation's checklist (CISO).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, org = %c.org))]
pub async fn add_point(store: &store::Store, caller: &Caller, c: &ChecklistOrg, text: &str) -> Result<store::Point> {
    if !c.may_edit {
        return Err(Error::Forbidden);
    }
    let text = domain::review::parse_point(text)?;
    store.ensure_points(&caller.actor(), c.org, &default_points()).await?;
    Ok(store.add_point(&caller.actor(), c.org, &text).await?)
}

/// Changes a point's text and whether it is in use (CISO).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, org = %c.org, point = %point))]
pub async fn update_point(
    store: &store::Store,
    caller: &Caller,
    c: &ChecklistOrg,
    point: Uuid,
    text: &str,
    active: bool,
) -> Result<()> {
    if !c.may_edit {
        return Err(Error::Forbidden);
    }
    let text = domain::review::parse_point(text)?;
    Ok(store.update_point(&caller.actor(), c.org, point, &text, active).await?)
}
