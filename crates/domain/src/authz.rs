//! Who may do what, where. The one place that maps roles to permissions;
//! the web layer asks [`Principal::can`] for every request.

use serde::Serialize;
use uuid::Uuid;

use crate::org::{OrgKind, OrgTree};
use crate::user::Role;

/// Something a request wants to do, on an organisation's subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Permission {
    /// See an organisation, its place in the tree and its basic facts.
    ViewOrgs,
    /// Add, rename, move and delete organisations.
    ManageOrgs,
    /// See users and their role assignments.
    ViewUsers,
    /// Add users, assign and withdraw roles, reset passwords.
    ManageUsers,
    /// Read the audit log.
    ViewAudit,
    /// See self-assessments, their results and feedback.
    ViewAssessments,
    /// Start, answer, submit, lock and reopen self-assessments.
    ManageAssessments,
    /// Approve (förankra) a submitted self-assessment.
    ApproveAssessments,
    /// Load follow-up models.
    ManageModels,
    /// See the action plan, management reviews, unit reports and the year wheel.
    ViewPlans,
    /// Add and change actions of the action plan.
    ManageActions,
    /// Prepare management reviews, their checklist and the year wheel.
    ManageReviews,
    /// Adopt (fastställa) a management review.
    AdoptReviews,
    /// Fill in and submit a unit's yearly report.
    ReportUnit,
    /// Approve a unit's yearly report.
    ApproveUnitReports,
    /// Run follow-up rounds from an organisation: invite, follow the
    /// responses, see the shared results and the aggregates.
    RunRounds,
    /// Write audits (granskning) of the organisations in scope: questions,
    /// assessments, findings and recommendations.
    ManageAudits,
    /// Answer (yttrande) an audit's recommendations to an audited body and
    /// follow them up.
    AnswerAudits,
    /// Close a recommendation to an audited body after its follow-up.
    CloseRecommendations,
    /// See the incident register of the organisations in scope. A DPO sees
    /// only incidents that involve personal data (enforced by the use cases).
    ViewIncidents,
    /// Register incidents, write their timeline, record notifications to
    /// authorities and close them (a DPO: personal-data incidents only).
    ManageIncidents,
    /// Set an organisation's reporting duties (whether it is an essential
    /// or important entity under the cybersecurity act).
    SetReportingDuties,
    /// See training courses, completion and coverage.
    ViewTraining,
    /// Record a unit's training completion and import completion rows.
    ReportTraining,
    /// Define training courses, their target groups, validity and targets.
    ManageCourses,
    /// See the information assets, systems, classifications, risks,
    /// consequence assessments, the processing register and agreements of
    /// the organisations in scope, and their coverage. Analysts see none.
    ViewRegisters,
    /// Keep a unit's asset and system lists and its risk analyses.
    ManageAssets,
    /// Classify information assets (the information owner does this).
    ClassifyAssets,
    /// Keep the processing register (GDPR art. 30), consequence assessments
    /// (art. 35) and data-processing agreements (art. 28).
    ManageProcessing,
}

impl Permission {
    pub fn granted_to(self, role: Role) -> bool {
        use Permission::*;
        use Role::*;
        match self {
            ViewOrgs => true,
            ManageOrgs | ManageUsers | ManageModels => role == Admin,
            ViewUsers | ViewAudit => matches!(role, Admin | Ciso | Auditor),
            ViewAssessments => matches!(role, Ciso | Coordinator | Owner | Dpo | Management | Auditor),
            ManageAssessments => role == Ciso,
            ApproveAssessments | AdoptReviews => role == Management,
            ViewPlans => matches!(role, Ciso | Coordinator | Owner | Dpo | Management | Auditor),
            ManageActions => matches!(role, Ciso | Coordinator),
            ManageReviews => role == Ciso,
            ReportUnit => matches!(role, Ciso | Coordinator),
            ApproveUnitReports => role == Owner,
            RunRounds => matches!(role, Ciso | Analyst),
            ManageAudits => role == Auditor,
            AnswerAudits => matches!(role, Ciso | Management),
            CloseRecommendations => matches!(role, Auditor | Ciso),
            ViewIncidents => matches!(role, Ciso | Coordinator | Dpo | Management),
            ManageIncidents => matches!(role, Ciso | Coordinator | Dpo),
            SetReportingDuties => role == Ciso,
            ViewTraining => matches!(role, Ciso | Coordinator | Owner | Dpo | Management | Auditor),
            ReportTraining => matches!(role, Ciso | Coordinator),
            ManageCourses => role == Ciso,
            ViewRegisters => matches!(role, Ciso | Coordinator | Owner | Dpo | Management | Auditor),
            ManageAssets => matches!(role, Ciso | Coordinator),
            ClassifyAssets => matches!(role, Ciso | Coordinator | Owner),
            ManageProcessing => matches!(role, Ciso | Coordinator | Dpo),
        }
    }
}

/// One role held by a user, over an organisation's whole subtree; `org_id`
/// `None` is the whole system, allowed only for the system administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    pub role: Role,
    pub org_id: Option<Uuid>,
}

/// Which organisations a permission reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Everything,
    Subtrees(Vec<Uuid>),
}

/// The signed-in user as the authorisation rules see them.
#[derive(Debug, Clone, Default)]
pub struct Principal {
    pub user_id: Uuid,
    pub assignments: Vec<Assignment>,
}

impl Principal {
    pub fn new(user_id: Uuid, assignments: Vec<Assignment>) -> Self {
        Self { user_id, assignments }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.assignments.iter().any(|a| a.role == role)
    }

    /// The subtrees in which `perm` holds.
    pub fn scope(&self, perm: Permission) -> Scope {
        let mut roots = Vec::new();
        for a in self.assignments.iter().filter(|a| perm.granted_to(a.role)) {
            match a.org_id {
                None => return Scope::Everything,
                Some(id) if !roots.contains(&id) => roots.push(id),
                Some(_) => {}
            }
        }
        Scope::Subtrees(roots)
    }

    /// May the user do `perm` on organisation `org`?
    pub fn can(&self, perm: Permission, org: Uuid, tree: &OrgTree) -> bool {
        match self.scope(perm) {
            Scope::Everything => tree.get(org).is_some(),
            Scope::Subtrees(roots) => {
                let path = tree.path(org);
                path.iter().any(|n| roots.contains(&n.id))
            }
        }
    }

    /// May the user do `perm` everywhere (needed to create top-level organisations
    /// and system-wide role assignments)?
    pub fn can_everywhere(&self, perm: Permission) -> bool {
        self.scope(perm) == Scope::Everything
    }

    /// Whether the user holds any role at all that grants `perm` somewhere.
    pub fn can_somewhere(&self, perm: Permission) -> bool {
        match self.scope(perm) {
            Scope::Everything => true,
            Scope::Subtrees(r) => !r.is_empty(),
        }
    }

    /// The organisations where `perm` holds, as roots of the visible forest:
    /// a root listed here is not inside another listed root.
    pub fn visible_roots(&self, perm: Permission, tree: &OrgTree) -> Vec<Uuid> {
        match self.scope(perm) {
            Scope::Everything => tree.roots().to_vec(),
            Scope::Subtrees(roots) => {
                let mut out: Vec<Uuid> = roots
                    .iter()
                    .copied()
                    .filter(|r| tree.get(*r).is_some())
                    .filter(|r| !roots.iter().any(|o| o != r && tree.is_in_subtree(*o, *r)))
                    .collect();
                out.sort_by_key(|id| tree.get(*id).map(|n| n.name.to_lowercase()));
                out
            }
        }
    }

    /// Every organisation id where `perm` holds.
    pub fn visible_orgs(&self, perm: Permission, tree: &OrgTree) -> Vec<Uuid> {
        self.visible_roots(perm, tree)
            .into_iter()
            .flat_map(|r| tree.subtree(r).into_iter().map(|(_, n)| n.id).collect::<Vec<_>>())
            .collect()
    }
}

/// Whether a role may be granted system-wide (without an organisation).
pub fn role_may_be_global(role: Role) -> bool {
    role == Role::Admin
}

/// May `p` see the user `user_id`, who holds `assignments`? Everyone sees
/// themselves; otherwise a role of theirs must lie where `p` may view users.
pub fn can_view_user(p: &Principal, tree: &OrgTree, user_id: Uuid, assignments: &[Assignment]) -> bool {
    p.user_id == user_id
        || p.can_everywhere(Permission::ViewUsers)
        || assignments.iter().any(|a| a.org_id.is_some_and(|o| p.can(Permission::ViewUsers, o, tree)))
}

/// May `p` change a user holding `assignments`? Only if every role the user
/// holds lies inside `p`'s scope, so nobody can take over an account that
/// reaches further than their own.
pub fn can_manage_user(p: &Principal, tree: &OrgTree, assignments: &[Assignment]) -> bool {
    if p.can_everywhere(Permission::ManageUsers) {
        return true;
    }
    !assignments.is_empty()
        && assignments.iter().all(|a| a.org_id.is_some_and(|o| p.can(Permission::ManageUsers, o, tree)))
}

/// May `p` grant (or withdraw) `role` over `org` (`None`: the whole system)?
pub fn can_grant(p: &Principal, tree: &OrgTree, role: Role, org: Option<Uuid>) -> bool {
    match org {
        Some(o) => p.can(Permission::ManageUsers, o, tree),
        None => role_may_be_global(role) && p.can_everywhere(Permission::ManageUsers),
    }
}

/// May `p` place an organisation under `parent` (`None`: at the top)?
pub fn may_place_org(p: &Principal, tree: &OrgTree, parent: Option<Uuid>) -> bool {
    match parent {
        Some(parent) => p.can(Permission::ManageOrgs, parent, tree),
        None => p.can_everywhere(Permission::ManageOrgs),
    }
}

/// Does a delegation of an area of `assessed_org`'s assessment still hold for
/// `p`? Only while `p` is a coordinator inside the assessed organisation's
/// subtree, as when it was made: a delegation never outlives the role.
pub fn delegation_holds(p: &Principal, tree: &OrgTree, assessed_org: Uuid) -> bool {
    p.assignments
        .iter()
        .any(|a| a.role == Role::Coordinator && a.org_id.is_some_and(|o| tree.is_in_subtree(assessed_org, o)))
}

/// What an organisation change would do, as the rule of [`may_change_org`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct OrgChange {
    /// The organisation changed; `None` when it is being created.
    pub org: Option<Uuid>,
    /// Its kind before the change (`None` when it is being created).
    pub old_kind: Option<OrgKind>,
    pub new_kind: OrgKind,
    /// Its parent before the change (`None` when created or at the top).
    pub old_parent: Option<Uuid>,
    pub new_parent: Option<Uuid>,
}

/// May `p` make `change`? A coordinating body (kind
/// [`OrgKind::Coordinator`]) runs rounds that invite organisations all over
/// Lisa, so only a system-wide administrator creates one, turns an
/// organisation into one or out of it, or moves one (or a subtree holding
/// one). Everything else follows the scope: the organisation must lie where
/// `p` manages organisations (checked by the caller) and a new parent must
/// too ([`may_place_org`]).
pub fn may_change_org(p: &Principal, tree: &OrgTree, change: OrgChange) -> bool {
    let system_wide = p.can_everywhere(Permission::ManageOrgs);
    let touches_coordinator = change.new_kind == OrgKind::Coordinator || change.old_kind == Some(OrgKind::Coordinator);
    let kind_changes = change.old_kind != Some(change.new_kind);
    let moves = change.org.is_some() && change.old_parent != change.new_parent;
    if touches_coordinator && (kind_changes || moves) && !system_wide {
        return false;
    }
    if moves {
        let holds_coordinator =
            change.org.is_some_and(|id| tree.subtree(id).iter().any(|(_, n)| n.kind == OrgKind::Coordinator));
        if holds_coordinator && !system_wide {
            return false;
        }
    }
    if change.org.is_none() || moves {
        return may_place_org(p, tree, change.new_parent);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::OrgNode;

    fn tree() -> OrgTree {
        let n = |id: u128, p: Option<u128>, name: &str| OrgNode {
            id: Uuid::from_u128(id),
            parent_id: p.map(Uuid::from_u128),
            name: name.into(),
            kind: OrgKind::Unit,
            own_review: false,
        };
        OrgTree::new(vec![
            n(1, None, "Kommun"),
            n(2, Some(1), "Nämnd"),
            n(3, Some(2), "Förvaltning"),
            n(9, None, "Region"),
        ])
    }

    fn p(assign: &[(Role, Option<u128>)]) -> Principal {
        Principal::new(
            Uuid::nil(),
            assign.iter().map(|(r, o)| Assignment { role: *r, org_id: o.map(Uuid::from_u128) }).collect(),
        )
    }

    #[test]
    fn roles_reach_their_subtree_only() {
        let t = tree();
        let id = Uuid::from_u128;
        let ciso = p(&[(Role::Ciso, Some(2))]);
        assert!(ciso.can(Permission::ViewOrgs, id(3), &t));
        assert!(ciso.can(Permission::ViewUsers, id(2), &t));
        assert!(!ciso.can(Permission::ViewOrgs, id(1), &t));
        assert!(!ciso.can(Permission::ViewOrgs, id(9), &t));
        assert!(!ciso.can(Permission::ManageOrgs, id(3), &t));
        assert!(!ciso.can(Permission::ViewOrgs, id(77), &t));
    }

    #[test]
    fn only_admins_manage_and_global_admin_reaches_everything() {
        let t = tree();
        let id = Uuid::from_u128;
        let admin = p(&[(Role::Admin, None)]);
        assert!(admin.can(Permission::ManageOrgs, id(9), &t));
        assert!(admin.can_everywhere(Permission::ManageUsers));
        assert!(!admin.can(Permission::ViewOrgs, id(77), &t));
        let local = p(&[(Role::Admin, Some(1))]);
        assert!(local.can(Permission::ManageUsers, id(3), &t));
        assert!(!local.can(Permission::ManageUsers, id(9), &t));
        assert!(!local.can_everywhere(Permission::ManageOrgs));
        for r in [Role::Ciso, Role::Coordinator, Role::Owner, Role::Dpo, Role::Management, Role::Auditor, Role::Analyst]
        {
            let u = p(&[(r, Some(1))]);
            assert!(!u.can(Permission::ManageOrgs, id(1), &t), "{r}");
            assert!(!u.can(Permission::ManageUsers, id(1), &t), "{r}");
            assert!(u.can(Permission::ViewOrgs, id(3), &t), "{r}");
        }
        assert!(p(&[(Role::Auditor, Some(1))]).can(Permission::ViewAudit, id(3), &t));
        assert!(!p(&[(Role::Owner, Some(1))]).can(Permission::ViewAudit, id(3), &t));
        assert!(!p(&[]).can_somewhere(Permission::ViewOrgs));
        // Audits: the auditor writes and closes; the audited body's CISO and management answer.
        let auditor = p(&[(Role::Auditor, Some(1))]);
        assert!(
            auditor.can(Permission::ManageAudits, id(3), &t)
                && auditor.can(Permission::CloseRecommendations, id(3), &t)
        );
        assert!(!auditor.can(Permission::AnswerAudits, id(3), &t));
        for r in [Role::Ciso, Role::Management] {
            assert!(p(&[(r, Some(1))]).can(Permission::AnswerAudits, id(3), &t), "{r}");
            assert!(!p(&[(r, Some(1))]).can(Permission::ManageAudits, id(3), &t), "{r}");
        }
        assert!(!p(&[(Role::Coordinator, Some(1))]).can(Permission::AnswerAudits, id(3), &t));
    }

    #[test]
    fn visible_roots_drop_nested_assignments() {
        let t = tree();
        let u = p(&[(Role::Owner, Some(3)), (Role::Ciso, Some(1)), (Role::Dpo, Some(9))]);
        let roots = u.visible_roots(Permission::ViewOrgs, &t);
        assert_eq!(roots, vec![Uuid::from_u128(1), Uuid::from_u128(9)]);
        assert_eq!(u.visible_orgs(Permission::ViewOrgs, &t).len(), 4);
        assert_eq!(u.visible_orgs(Permission::ViewUsers, &t).len(), 3);
    }

    fn a(role: Role, org: Option<u128>) -> Assignment {
        Assignment { role, org_id: org.map(Uuid::from_u128) }
    }

    #[test]
    fn users_are_seen_where_a_role_of_theirs_is_visible() {
        let t = tree();
        let me = Uuid::nil();
        let ciso = p(&[(Role::Ciso, Some(2))]);
        assert!(can_view_user(&ciso, &t, me, &[]), "everyone sees themselves");
        assert!(can_view_user(&ciso, &t, Uuid::from_u128(50), &[a(Role::Owner, Some(3))]));
        assert!(!can_view_user(&ciso, &t, Uuid::from_u128(50), &[a(Role::Owner, Some(9))]));
        assert!(!can_view_user(&ciso, &t, Uuid::from_u128(50), &[]));
        let admin = p(&[(Role::Admin, None)]);
        assert!(can_view_user(&admin, &t, Uuid::from_u128(50), &[]));
    }

    #[test]
    fn a_local_admin_manages_only_users_wholly_inside_their_scope() {
        let t = tree();
        let local = p(&[(Role::Admin, Some(2))]);
        assert!(can_manage_user(&local, &t, &[a(Role::Owner, Some(3)), a(Role::Ciso, Some(2))]));
        assert!(!can_manage_user(&local, &t, &[a(Role::Owner, Some(3)), a(Role::Ciso, Some(1))]));
        assert!(!can_manage_user(&local, &t, &[a(Role::Admin, None)]));
        assert!(!can_manage_user(&local, &t, &[]), "an account without roles is the global admin's");
        assert!(!can_manage_user(&p(&[(Role::Ciso, Some(1))]), &t, &[a(Role::Owner, Some(3))]));
        let admin = p(&[(Role::Admin, None)]);
        assert!(can_manage_user(&admin, &t, &[]));
        assert!(can_manage_user(&admin, &t, &[a(Role::Admin, None)]));
    }

    #[test]
    fn roles_are_granted_inside_ones_scope_and_only_admin_globally() {
        let t = tree();
        let id = |n| Some(Uuid::from_u128(n));
        let local = p(&[(Role::Admin, Some(2))]);
        assert!(can_grant(&local, &t, Role::Ciso, id(3)));
        assert!(can_grant(&local, &t, Role::Admin, id(2)));
        assert!(!can_grant(&local, &t, Role::Ciso, id(1)));
        assert!(!can_grant(&local, &t, Role::Admin, None));
        let admin = p(&[(Role::Admin, None)]);
        assert!(can_grant(&admin, &t, Role::Admin, None));
        assert!(!can_grant(&admin, &t, Role::Ciso, None), "only admin may be system-wide");
        assert!(can_grant(&admin, &t, Role::Ciso, id(9)));
        assert!(!can_grant(&p(&[(Role::Ciso, None)]), &t, Role::Owner, id(3)));
    }

    #[test]
    fn organisations_are_placed_inside_ones_scope_and_at_the_top_only_by_global_admins() {
        let t = tree();
        let local = p(&[(Role::Admin, Some(2))]);
        assert!(may_place_org(&local, &t, Some(Uuid::from_u128(3))));
        assert!(!may_place_org(&local, &t, Some(Uuid::from_u128(1))));
        assert!(!may_place_org(&local, &t, None));
        assert!(may_place_org(&p(&[(Role::Admin, None)]), &t, None));
        assert!(!may_place_org(&p(&[(Role::Ciso, None)]), &t, None));
    }

    #[test]
    fn only_a_system_wide_admin_creates_changes_or_moves_a_coordinating_body() {
        let t = tree();
        let local = p(&[(Role::Admin, Some(1))]);
        let global = p(&[(Role::Admin, None)]);
        let u = Uuid::from_u128;
        let create =
            |kind| OrgChange { org: None, old_kind: None, new_kind: kind, old_parent: None, new_parent: Some(u(2)) };
        assert!(may_change_org(&local, &t, create(OrgKind::Unit)));
        assert!(!may_change_org(&local, &t, create(OrgKind::Coordinator)));
        assert!(may_change_org(&global, &t, create(OrgKind::Coordinator)));
        let reclassify = |old, new| OrgChange {
            org: Some(u(3)),
            old_kind: Some(old),
            new_kind: new,
            old_parent: Some(u(2)),
            new_parent: Some(u(2)),
        };
        assert!(!may_change_org(&local, &t, reclassify(OrgKind::Unit, OrgKind::Coordinator)));
        assert!(!may_change_org(&local, &t, reclassify(OrgKind::Coordinator, OrgKind::Unit)));
        assert!(may_change_org(&local, &t, reclassify(OrgKind::Coordinator, OrgKind::Coordinator)));
        assert!(may_change_org(&local, &t, reclassify(OrgKind::Unit, OrgKind::Municipality)));
        assert!(may_change_org(&global, &t, reclassify(OrgKind::Unit, OrgKind::Coordinator)));
        // Moving a unit inside one's scope is fine; outside it is not.
        let mv = |to| OrgChange {
            org: Some(u(3)),
            old_kind: Some(OrgKind::Unit),
            new_kind: OrgKind::Unit,
            old_parent: Some(u(2)),
            new_parent: Some(u(to)),
        };
        assert!(may_change_org(&local, &t, mv(1)));
        assert!(!may_change_org(&local, &t, mv(9)));
    }

    #[test]
    fn a_subtree_holding_a_coordinating_body_is_moved_only_by_a_system_wide_admin() {
        let u = Uuid::from_u128;
        let n = |id: u128, parent: Option<u128>, kind| OrgNode {
            id: u(id),
            parent_id: parent.map(u),
            name: format!("o{id}"),
            kind,
            own_review: false,
        };
        let t = OrgTree::new(vec![
            n(1, None, OrgKind::Municipality),
            n(2, Some(1), OrgKind::Unit),
            n(3, Some(2), OrgKind::Coordinator),
            n(4, Some(1), OrgKind::Unit),
        ]);
        let local = p(&[(Role::Admin, Some(1))]);
        let mv = OrgChange {
            org: Some(u(2)),
            old_kind: Some(OrgKind::Unit),
            new_kind: OrgKind::Unit,
            old_parent: Some(u(1)),
            new_parent: Some(u(4)),
        };
        assert!(!may_change_org(&local, &t, mv));
        assert!(may_change_org(&p(&[(Role::Admin, None)]), &t, mv));
    }

    #[test]
    fn a_delegation_holds_only_while_its_coordinator_role_does() {
        let t = tree();
        assert!(delegation_holds(&p(&[(Role::Coordinator, Some(3))]), &t, Uuid::from_u128(1)));
        assert!(!delegation_holds(&p(&[(Role::Coordinator, Some(9))]), &t, Uuid::from_u128(1)));
        assert!(!delegation_holds(&p(&[(Role::Ciso, Some(3))]), &t, Uuid::from_u128(1)));
        assert!(!delegation_holds(&p(&[]), &t, Uuid::from_u128(1)));
    }
}
