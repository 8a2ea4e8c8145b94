//! The incident register (seeds 001, 003, 004): incidents with their
//! timeline, the statutory reporting duties and their clocks, notifications
//! made to the authorities, actions in the plan, each legal entity's class
//! under the cybersäkerhetslag, and the central compilation.
//!
//! Who sees what: the unit's coordinator, the CISO and management of the
//! organisation (above it) see its incidents; a data protection officer
//! sees only those that involve personal data and no other (not listed,
//! not found by id); analysts and auditors see none. The same holds for
//! writing, without management.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::FieldError;
use domain::authz::{Permission, Principal};
use domain::incident::compile::{Compilation, IncidentFact, compile};
use domain::incident::duties::{Alert, DutyFacts, NisClass, Recorded, Step, alert, duties};
use domain::incident::{EntryFields, IncidentFields, ReportFields, Status, is_legal_entity, legal_entity};
use domain::org::{OrgKind, OrgTree};
use domain::plan::{ActionFields, Origin};
use domain::user::Role;
use serde::Serialize;
use store::{IncidentFilter, IncidentScope};
use uuid::Uuid;

pub use domain::incident::duties::Duty;

use super::{Caller, Error, Result};

/// Whether `p` holds `perm` at `org` through a role that reaches an
/// incident there: a DPO's role reaches only personal-data incidents.
fn reaches(p: &Principal, perm: Permission, org: Uuid, personal_data: bool, tree: &OrgTree) -> bool {
    tree.get(org).is_some()
        && p.assignments.iter().any(|a| {
            perm.granted_to(a.role)
                && (a.role != Role::Dpo || personal_data)
                && a.org_id.is_none_or(|o| tree.is_in_subtree(o, org))
        })
}

/// An organisation to choose in a form or a filter, in tree order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgChoice {
    pub id: Uuid,
    pub name: String,
    /// Depth below the root of the caller's part of the tree.
    pub depth: usize,
}

fn choices(caller: &Caller, perm: Permission, tree: &OrgTree) -> Vec<OrgChoice> {
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

/// The organisations where the caller may register an incident, in tree order.
pub async fn incident_orgs(store: &store::Store, caller: &Caller) -> Result<Vec<OrgChoice>> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    Ok(choices(caller, Permission::ManageIncidents, &tree))
}

/// The organisations whose incidents the caller sees (the list's filter and the compilation's choice).
pub async fn viewable_orgs(store: &store::Store, caller: &Caller) -> Result<Vec<OrgChoice>> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    Ok(choices(caller, Permission::ViewIncidents, &tree))
}

/// What decides an organisation's duties: its legal entity's NIS class and kind.
pub(crate) struct Entities {
    classes: HashMap<Uuid, NisClass>,
}

impl Entities {
    /// The NIS classes of the legal entities of `orgs` (none read when `orgs` is empty).
    pub(crate) async fn load(
        store: &store::Store,
        tree: &OrgTree,
        orgs: impl IntoIterator<Item = Uuid>,
    ) -> store::Result<Self> {
        let mut ids: Vec<Uuid> = orgs.into_iter().filter_map(|o| legal_entity(tree, o).map(|n| n.id)).collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Entities { classes: HashMap::new() });
        }
        Ok(Entities { classes: store.nis_classes_of(&ids).await?.into_iter().collect() })
    }

    /// (legal entity, its NIS class, whether it is a state agency) of `org`.
    fn of(&self, tree: &OrgTree, org: Uuid) -> (Option<(Uuid, String)>, Option<NisClass>, bool) {
        match legal_entity(tree, org) {
            Some(n) => (Some((n.id, n.name.clone())), self.classes.get(&n.id).copied(), n.kind == OrgKind::Agency),
            None => (None, None, false),
        }
    }

    /// The incident's duties and their clocks at `now`.
    pub(crate) fn duties(
        &self,
        tree: &OrgTree,
        i: &store::Incident,
        reports: &[store::IncidentReport],
        now: DateTime<Utc>,
    ) -> Vec<Duty> {
        let (_, nis_class, state_agency) = self.of(tree, i.data.org_id);
        let facts = DutyFacts {
            discovered_at: i.data.discovered_at,
            personal_data: i.data.personal_data,
            significant: i.data.severity.significant(),
            nis_class,
            state_agency,
        };
        let recorded: Vec<Recorded> = reports
            .iter()
            .map(|r| Recorded { step: r.step, at: r.data.at, not_required: r.data.not_required })
            .collect();
        duties(&facts, &recorded, now)
    }
}

/// An incident in the register's list.
#[derive(Debug, Clone, Serialize)]
pub struct ListedIncident {
    #[serde(flatten)]
    pub incident: store::Incident,
    pub org_name: String,
    /// Its reporting duties and where each stands now.
    pub duties: Vec<Duty>,
}

/// The incidents the caller sees that `filter` lets through, the most recently discovered first.
pub async fn list_incidents(
    store: &store::Store,
    caller: &Caller,
    filter: &IncidentFilter,
) -> Result<Vec<ListedIncident>> {
    if !caller.principal.can_somewhere(Permission::ViewIncidents) {
        return Err(Error::Forbidden);
    }
    let scope = IncidentScope::of(&caller.principal, Permission::ViewIncidents);
    let found = store.list_incidents(&scope, filter).await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let entities = Entities::load(store, &tree, found.iter().map(|i| i.data.org_id)).await?;
    let ids: Vec<Uuid> = found.iter().map(|i| i.id).collect();
    let mut reports: HashMap<Uuid, Vec<store::IncidentReport>> = HashMap::new();
    for r in store.reports_of_incidents(&ids).await? {
        reports.entry(r.incident_id).or_default().push(r);
    }
    let now = domain::now();
    Ok(found
        .into_iter()
        .map(|incident| {
            let r = reports.remove(&incident.id).unwrap_or_default();
            ListedIncident {
                org_name: tree.get(incident.data.org_id).map(|n| n.name.clone()).unwrap_or_default(),
                duties: entities.duties(&tree, &incident, &r, now),
                incident,
            }
        })
        .collect())
}

/// Registers an incident where the caller may (a DPO: one that involves personal data).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
pub async fn register_incident(store: &store::Store, caller: &Caller, f: &IncidentFields) -> Result<store::Incident> {
    let p = &caller.principal;
    if !p.can_somewhere(Permission::ManageIncidents) {
        return Err(Error::Forbidden);
    }
    let input = f.parse(domain::now())?;
    let tree = store.org_tree_at(p, caller.data_version).await?;
    check_place(p, &tree, input.org_id, input.personal_data)?;
    Ok(store.insert_incident(&caller.actor(), input).await?)
}

/// Refuses an incident placed where the caller may not manage it.
fn check_place(p: &Principal, tree: &OrgTree, org: Uuid, personal_data: bool) -> Result<()> {
    if reaches(p, Permission::ManageIncidents, org, personal_data, tree) {
        Ok(())
    } else if !p.can(Permission::ViewOrgs, org, tree) && !reaches(p, Permission::ViewIncidents, org, true, tree) {
        // An organisation the caller does not see at all, as elsewhere: not found.
        Err(Error::NotFound)
    } else if reaches(p, Permission::ManageIncidents, org, true, tree) {
        Err(FieldError::new("personal_data", "error-incident-dpo-only").into())
    } else {
        Err(FieldError::new("org_id", "error-incident-org").into())
    }
}

/// An incident the caller reads, with what they may do to it.
struct Visible {
    incident: store::Incident,
    tree: OrgTree,
    may_manage: bool,
}

async fn visible(store: &store::Store, caller: &Caller, id: Uuid) -> Result<Visible> {
    let p = &caller.principal;
    if !p.can_somewhere(Permission::ViewIncidents) {
        return Err(Error::Forbidden);
    }
    let incident = store.find_incident(id).await?.ok_or(Error::NotFound)?;
    let tree = store.org_tree_at(p, caller.data_version).await?;
    let (org, pd) = (incident.data.org_id, incident.data.personal_data);
    if !reaches(p, Permission::ViewIncidents, org, pd, &tree) {
        return Err(Error::NotFound);
    }
    let may_manage = reaches(p, Permission::ManageIncidents, org, pd, &tree);
    Ok(Visible { incident, tree, may_manage })
}

async fn managed(store: &store::Store, caller: &Caller, id: Uuid) -> Result<Visible> {
    let v = visible(store, caller, id).await?;
    if !v.may_manage {
        return Err(Error::Forbidden);
    }
    Ok(v)
}

/// One incident as its page and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentView {
    pub incident: store::Incident,
    pub org_name: String,
    /// The legal entity whose duties apply (id, name): the nearest kommun,
    /// region, agency, group or company at or above the organisation.
    pub legal_entity: Option<(Uuid, String)>,
    pub nis_class: Option<NisClass>,
    /// The legal entity is a state agency (MSBFS 2020:8 applies).
    pub state_agency: bool,
    /// The reporting duties, in step order, each with its clock at `now`.
    pub duties: Vec<Duty>,
    pub entries: Vec<store::IncidentEntry>,
    pub reports: Vec<store::IncidentReport>,
    /// Escalations sent for its deadlines.
    pub alerts: Vec<store::IncidentAlert>,
    /// Actions in the plan made from it.
    pub actions: Vec<store::Action>,
    /// The caller edits it, writes its timeline, records notifications and moves its status.
    pub may_manage: bool,
    /// The caller makes an action of it (keeps the organisation's plan).
    pub may_plan: bool,
    /// When the clocks were read.
    pub now: DateTime<Utc>,
}

/// Loads an incident the caller may see (not found otherwise) with its clocks, timeline and notifications.
pub async fn load_incident(store: &store::Store, caller: &Caller, id: Uuid) -> Result<IncidentView> {
    let v = visible(store, caller, id).await?;
    let entities = Entities::load(store, &v.tree, [v.incident.data.org_id]).await?;
    let reports = store.incident_reports(id).await?;
    let now = domain::now();
    let org = v.incident.data.org_id;
    let (legal_entity, nis_class, state_agency) = entities.of(&v.tree, org);
    Ok(IncidentView {
        duties: entities.duties(&v.tree, &v.incident, &reports, now),
        org_name: v.tree.get(org).map(|n| n.name.clone()).unwrap_or_default(),
        legal_entity,
        nis_class,
        state_agency,
        entries: store.incident_entries(id).await?,
        reports,
        alerts: store.incident_alerts(id).await?,
        actions: store.actions_from(Origin::Incident, &[id.to_string()]).await?,
        may_manage: v.may_manage,
        may_plan: caller.principal.can(Permission::ManageActions, org, &v.tree),
        now,
        incident: v.incident,
    })
}

/// Changes an incident's description, classification, organisation and lessons.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, incident = %id))]
pub async fn update_incident(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    f: &IncidentFields,
) -> Result<store::Incident> {
    let v = managed(store, caller, id).await?;
    let input = f.parse(domain::now())?;
    check_place(&caller.principal, &v.tree, input.org_id, input.personal_data)?;
    Ok(store.update_incident(&caller.actor(), id, input).await?)
}

/// Adds an entry to the incident's timeline.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, incident = %id))]
pub async fn add_entry(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    f: &EntryFields,
) -> Result<store::IncidentEntry> {
    managed(store, caller, id).await?;
    let text = f.parse()?;
    Ok(store.add_incident_entry(&caller.actor(), id, &text).await?)
}

/// Records (or corrects) the notification of one step of the incident's duties.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, incident = %id))]
pub async fn record_report(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    step: Step,
    f: &ReportFields,
) -> Result<store::IncidentReport> {
    let v = managed(store, caller, id).await?;
    let input = f.parse(domain::now())?;
    let entities = Entities::load(store, &v.tree, [v.incident.data.org_id]).await?;
    let reports = store.incident_reports(id).await?;
    let applies = entities.duties(&v.tree, &v.incident, &reports, domain::now()).iter().any(|d| d.step == step);
    if !applies && !reports.iter().any(|r| r.step == step) {
        return Err(FieldError::new("step", "error-incident-step").into());
    }
    Ok(store.record_incident_report(&caller.actor(), id, step, input).await?)
}

/// Moves the incident to another status; closing sets its closing time, reopening clears it.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, incident = %id))]
pub async fn set_status(store: &store::Store, caller: &Caller, id: Uuid, to: Status) -> Result<store::Incident> {
    let v = managed(store, caller, id).await?;
    Ok(store.set_incident_status(&caller.actor(), id, v.incident.status, to).await?)
}

/// Makes an action in the organisation's plan from the incident (`Origin::Incident`); refused when one exists.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, incident = %id))]
pub async fn plan_action(store: &store::Store, caller: &Caller, id: Uuid) -> Result<store::Action> {
    let v = visible(store, caller, id).await?;
    let org = v.incident.data.org_id;
    if !caller.principal.can(Permission::ManageActions, org, &v.tree) {
        return Err(Error::Forbidden);
    }
    let key = id.to_string();
    if !store.actions_from(Origin::Incident, std::slice::from_ref(&key)).await?.is_empty() {
        return Err(Error::Conflict(FieldError::new("incident", "error-incident-action-exists")));
    }
    let d = &v.incident.data;
    let activity = if d.lessons.is_empty() { &d.description } else { &d.lessons };
    let fields = ActionFields {
        title: d.title.chars().take(200).collect(),
        goal: d.description.chars().take(4000).collect(),
        activity: activity.chars().take(4000).collect(),
        responsible: d.responsible.clone(),
        status: "planned".into(),
        origin: Origin::Incident.code().into(),
        origin_ref: key,
        ..Default::default()
    };
    Ok(store.insert_action(&caller.actor(), org, fields.parse()?).await?)
}

/// An organisation's reporting duties as its settings page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct ReportingDuties {
    pub org_id: Uuid,
    pub org_name: String,
    pub kind: OrgKind,
    /// Only a legal entity (kommun, region, agency, group, company) has a NIS class.
    pub legal_entity: bool,
    pub nis_class: Option<NisClass>,
    /// A state agency: MSBFS 2020:8 applies.
    pub state_agency: bool,
}

async fn duties_org(store: &store::Store, caller: &Caller, org: Uuid) -> Result<(OrgTree, OrgKind, String)> {
    let p = &caller.principal;
    if !p.can_somewhere(Permission::SetReportingDuties) {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(p, caller.data_version).await?;
    if !p.can(Permission::ViewOrgs, org, &tree) {
        return Err(Error::NotFound);
    }
    if !p.can(Permission::SetReportingDuties, org, &tree) {
        return Err(Error::Forbidden);
    }
    let n = tree.get(org).ok_or(Error::NotFound)?;
    let (kind, name) = (n.kind, n.name.clone());
    Ok((tree, kind, name))
}

/// An organisation's reporting duties (its NIS class), for its CISO.
pub async fn reporting_duties(store: &store::Store, caller: &Caller, org: Uuid) -> Result<ReportingDuties> {
    let (_, kind, org_name) = duties_org(store, caller, org).await?;
    Ok(ReportingDuties {
        org_id: org,
        org_name,
        kind,
        legal_entity: is_legal_entity(kind),
        nis_class: store.org_nis_class(org).await?,
        state_agency: kind == OrgKind::Agency,
    })
}

/// Sets (or clears) a legal entity's class under the cybersäkerhetslag.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, org = %org))]
pub async fn set_nis_class(
    store: &store::Store,
    caller: &Caller,
    org: Uuid,
    class: Option<NisClass>,
) -> Result<ReportingDuties> {
    let (_, kind, _) = duties_org(store, caller, org).await?;
    if !is_legal_entity(kind) && class.is_some() {
        return Err(FieldError::new("nis_class", "error-incident-not-legal-entity").into());
    }
    store.set_org_nis_class(&caller.actor(), org, class).await?;
    reporting_duties(store, caller, org).await
}

/// The central compilation of one year's incidents (Swedish calendar year of discovery).
#[derive(Debug, Clone, Serialize)]
pub struct CompilationView {
    pub org_id: Uuid,
    pub org_name: String,
    pub year: i32,
    /// Rows in tree order, the root first, each with its own and rolled-up figures.
    pub compilation: Compilation,
    /// The caller sees only personal-data incidents here (a DPO): the figures count only those.
    pub personal_data_only: bool,
}

/// The first instant of `year` in Sweden.
fn year_start(year: i32) -> Option<DateTime<Utc>> {
    domain::incident::from_stockholm(NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?)
}

/// Compiles the incidents of `org`'s subtree discovered in `year`, as far as the caller sees them.
pub async fn compilation(store: &store::Store, caller: &Caller, org: Uuid, year: i32) -> Result<CompilationView> {
    let p = &caller.principal;
    if !p.can_somewhere(Permission::ViewIncidents) {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(p, caller.data_version).await?;
    if !reaches(p, Permission::ViewIncidents, org, true, &tree) {
        return Err(Error::NotFound);
    }
    let (Some(from), Some(to)) =
        ((2000..=2100).contains(&year).then(|| year_start(year)).flatten(), year_start(year + 1))
    else {
        return Err(FieldError::new("year", "error-incident-year").into());
    };
    let scope = IncidentScope::of(p, Permission::ViewIncidents);
    let found = store.incident_facts(&scope, org, from, to).await?;
    let entities = Entities::load(store, &tree, found.iter().map(|x| x.incident.data.org_id)).await?;
    let now = domain::now();
    let facts: Vec<IncidentFact> = found
        .iter()
        .map(|x| {
            let i = &x.incident;
            IncidentFact {
                org_id: i.data.org_id,
                category: i.data.category,
                severity: i.data.severity,
                personal_data: i.data.personal_data,
                status: i.status,
                discovered_at: i.data.discovered_at,
                closed_at: i.closed_at,
                duties: entities.duties(&tree, i, &x.reports, now).iter().map(|d| (d.step, d.state.kind())).collect(),
            }
        })
        .collect();
    Ok(CompilationView {
        org_id: org,
        org_name: tree.get(org).map(|n| n.name.clone()).unwrap_or_default(),
        year,
        compilation: compile(&tree, org, &facts),
        personal_data_only: !reaches(p, Permission::ViewIncidents, org, false, &tree),
    })
}

/// The current year in Sweden: the compilation's default.
pub fn this_year() -> i32 {
    domain::clock::today().year()
}

/// A deadline to escalate: near and unmet, or missed.
#[derive(Debug, Clone)]
pub struct DueAlert {
    pub incident_id: Uuid,
    pub title: String,
    pub org_name: String,
    /// The incident's organisation and every one above it, root first: whom the alert goes to.
    pub path: Vec<Uuid>,
    pub personal_data: bool,
    pub duty: Duty,
    pub alert: Alert,
}

/// The deadlines of the open incidents discovered after `since` that are
/// near or missed at `now`: the escalation's work (no caller; the background job's).
pub async fn due_alerts(
    store: &store::Store,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
) -> store::Result<Vec<DueAlert>> {
    let open = store.open_incidents_for_alerts(since).await?;
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let tree = store.org_tree().await?;
    let entities = Entities::load(store, &tree, open.iter().map(|x| x.incident.data.org_id)).await?;
    let mut out = Vec::new();
    for x in open {
        let i = &x.incident;
        for duty in entities.duties(&tree, i, &x.reports, now) {
            if let Some(a) = alert(&duty, now) {
                out.push(DueAlert {
                    incident_id: i.id,
                    title: i.data.title.clone(),
                    org_name: tree.get(i.data.org_id).map(|n| n.name.clone()).unwrap_or_default(),
                    path: tree.path(i.data.org_id).iter().map(|n| n.id).collect(),
                    personal_data: i.data.personal_data,
                    duty,
                    alert: a,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use domain::authz::Assignment;
    use domain::org::OrgNode;

    use super::*;

    #[test]
    fn a_dpo_reaches_only_personal_data_and_other_roles_their_subtree() {
        let node = |id: u128, parent: Option<u128>, kind| OrgNode {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            name: format!("o{id}"),
            kind,
            own_review: false,
        };
        let tree = OrgTree::new(vec![
            node(1, None, OrgKind::Municipality),
            node(2, Some(1), OrgKind::Administration),
            node(3, Some(1), OrgKind::Unit),
        ]);
        let (k, f, u) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let p = Principal::new(
            Uuid::from_u128(9),
            vec![
                Assignment { role: Role::Dpo, org_id: Some(k) },
                Assignment { role: Role::Coordinator, org_id: Some(u) },
            ],
        );
        let (view, manage) = (Permission::ViewIncidents, Permission::ManageIncidents);
        assert!(reaches(&p, view, f, true, &tree) && !reaches(&p, view, f, false, &tree));
        assert!(reaches(&p, manage, u, false, &tree), "the coordinator's unit: every incident");
        assert!(!reaches(&p, view, k, false, &tree));
        assert!(!reaches(&p, view, Uuid::from_u128(4), true, &tree), "an organisation outside the tree");
        assert_eq!(check_place(&p, &tree, f, false).unwrap_err().field_errors()[0].field, "personal_data");
        assert!(check_place(&p, &tree, f, true).is_ok());
        let analyst = Principal::new(Uuid::from_u128(9), vec![Assignment { role: Role::Analyst, org_id: None }]);
        assert!(!reaches(&analyst, view, f, true, &tree));
        assert_eq!(check_place(&analyst, &tree, f, true).unwrap_err().field_errors()[0].field, "org_id");
        let management =
            Principal::new(Uuid::from_u128(9), vec![Assignment { role: Role::Management, org_id: Some(k) }]);
        assert!(reaches(&management, view, u, false, &tree) && !reaches(&management, manage, u, false, &tree));
    }

    #[test]
    fn a_year_is_counted_in_swedish_time() {
        assert_eq!(year_start(2026), Some("2025-12-31T23:00:00Z".parse().unwrap()));
        assert_eq!(year_start(10_000_000), None);
    }
}
