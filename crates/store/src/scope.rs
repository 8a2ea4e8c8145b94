//! Which organisations a query reaches, said in SQL.
//!
//! A user's scope is the subtrees below their roles. It is expressed as one
//! join through the closure table `org_closure` and the user's own role
//! assignments, so a query never binds one parameter per organisation
//! (SQLite refuses more than 32,766) and its cost follows the rows in scope,
//! not the size of the installation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use domain::authz::{Permission, Principal, Scope};
use domain::org::{OrgNode, OrgTree};
use domain::user::Role;
use uuid::Uuid;

use crate::{Result, Store, with_pool};

/// The organisations a list is restricted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgScope {
    /// Every organisation (a system-wide role).
    All,
    /// The subtrees of the organisations where `user_id` holds one of
    /// `roles`; with `and_above`, also every organisation above them (a
    /// förvaltning follows its kommun's year wheel).
    Roles { user_id: Uuid, roles: Vec<&'static str>, and_above: bool },
    /// One organisation and every organisation above it.
    PathTo(Uuid),
    /// One organisation's subtree, itself included.
    Subtree(Uuid),
    /// Exactly one organisation.
    Org(Uuid),
    /// Nothing at all.
    Nothing,
}

impl OrgScope {
    /// Where `principal` holds `perm`.
    pub fn of(principal: &Principal, perm: Permission) -> OrgScope {
        Self::build(principal, perm, false)
    }

    /// Where `principal` holds `perm`, and every organisation above.
    pub fn of_and_above(principal: &Principal, perm: Permission) -> OrgScope {
        Self::build(principal, perm, true)
    }

    fn build(principal: &Principal, perm: Permission, and_above: bool) -> OrgScope {
        match principal.scope(perm) {
            Scope::Everything => OrgScope::All,
            Scope::Subtrees(roots) if roots.is_empty() => OrgScope::Nothing,
            Scope::Subtrees(_) => OrgScope::Roles {
                user_id: principal.user_id,
                roles: Role::ALL.iter().copied().filter(|r| perm.granted_to(*r)).map(Role::code).collect(),
                and_above,
            },
        }
    }

    pub fn is_nothing(&self) -> bool {
        *self == OrgScope::Nothing
    }
}

/// Pushes a condition `COLUMN IN (…)` for `$scope` onto a query builder
/// (after `WHERE` or `AND`); binds at most one parameter per role.
macro_rules! push_scope {
    ($q:expr, $column:expr, $scope:expr) => {{
        match $scope {
            $crate::OrgScope::All => {
                $q.push(" 1 = 1");
            }
            $crate::OrgScope::Nothing => {
                $q.push(" 1 = 0");
            }
            $crate::OrgScope::Org(id) => {
                $q.push(format!(" {} = ", $column));
                $q.push_bind(*id);
            }
            $crate::OrgScope::Subtree(id) => {
                $q.push(format!(" {} IN (SELECT org_id FROM org_closure WHERE ancestor_id = ", $column));
                $q.push_bind(*id);
                $q.push(")");
            }
            $crate::OrgScope::PathTo(id) => {
                $q.push(format!(" {} IN (SELECT ancestor_id FROM org_closure WHERE org_id = ", $column));
                $q.push_bind(*id);
                $q.push(")");
            }
            $crate::OrgScope::Roles { user_id, roles, and_above } => {
                $q.push(format!(
                    " {} IN (SELECT c.org_id FROM org_closure c JOIN role_assignments ra ON ra.org_id = c.ancestor_id \
                     WHERE ra.user_id = ",
                    $column
                ));
                $q.push_bind(*user_id);
                $q.push(" AND ra.role IN (");
                let mut sep = $q.separated(", ");
                for r in roles {
                    sep.push_bind(*r);
                }
                $q.push(")");
                if *and_above {
                    $q.push(
                        " UNION SELECT c.ancestor_id FROM org_closure c JOIN role_assignments ra ON ra.org_id = c.org_id \
                         WHERE ra.user_id = ",
                    );
                    $q.push_bind(*user_id);
                    $q.push(" AND ra.role IN (");
                    let mut sep = $q.separated(", ");
                    for r in roles {
                        sep.push_bind(*r);
                    }
                    $q.push(")");
                }
                $q.push(")");
            }
        }
    }};
}
pub(crate) use push_scope;

/// The organisations a user's tree holds: the subtrees below their roles,
/// the ancestors of those (for the path shown above a page), and every
/// coordinating body (they invite organisations all over Lisa, so their names
/// appear on the invitees' pages).
const SCOPED_NODES: &str = "SELECT o.id, o.parent_id, o.name, o.kind, o.own_review FROM orgs o WHERE o.id IN (\
     SELECT c.org_id FROM org_closure c JOIN role_assignments ra ON ra.org_id = c.ancestor_id WHERE ra.user_id = $1 \
     UNION SELECT c.ancestor_id FROM org_closure c JOIN role_assignments ra ON ra.org_id = c.org_id WHERE ra.user_id = $1 \
     UNION SELECT id FROM orgs WHERE kind = 'coordinator')";

/// [`SCOPED_NODES`] and the organisations invited to round `$2`.
const SCOPED_AND_INVITED_NODES: &str = "SELECT o.id, o.parent_id, o.name, o.kind, o.own_review FROM orgs o WHERE o.id IN (\
     SELECT c.org_id FROM org_closure c JOIN role_assignments ra ON ra.org_id = c.ancestor_id WHERE ra.user_id = $1 \
     UNION SELECT c.ancestor_id FROM org_closure c JOIN role_assignments ra ON ra.org_id = c.org_id WHERE ra.user_id = $1 \
     UNION SELECT id FROM orgs WHERE kind = 'coordinator' \
     UNION SELECT org_id FROM round_invitations WHERE round_id = $2)";

/// The organisation trees of users with roles in part of the tree, kept
/// by user and the data's version: the audit head's sequence, which every
/// write of an organisation or a role moves in its own transaction. An entry
/// is right for as long as its version is current, in this process and in
/// any other sharing the database; the version is read before the tree, so
/// an entry is never older than its version. Trees of more than
/// [`TreeCache::MAX_NODES`] organisations are not kept (the whole tree of a
/// system-wide role is read as before), and the cache empties when it holds
/// [`TreeCache::CAPACITY`] users: its memory is bounded whatever the
/// installation's size.
#[derive(Default)]
pub(crate) struct TreeCache {
    trees: Mutex<HashMap<Uuid, (i64, Arc<OrgTree>)>>,
}

impl TreeCache {
    pub const CAPACITY: usize = 1024;
    pub const MAX_NODES: usize = 2000;

    fn get(&self, user: Uuid, version: i64) -> Option<Arc<OrgTree>> {
        let c = self.trees.lock().ok()?;
        c.get(&user).filter(|(v, _)| *v == version).map(|(_, t)| t.clone())
    }

    fn keep(&self, user: Uuid, version: i64, tree: Arc<OrgTree>) {
        if tree.len() > Self::MAX_NODES {
            return;
        }
        if let Ok(mut c) = self.trees.lock() {
            if c.len() >= Self::CAPACITY && !c.contains_key(&user) {
                c.clear();
            }
            // A concurrent request may have read a newer version meanwhile: keep the newer.
            if c.get(&user).is_none_or(|(v, _)| *v <= version) {
                c.insert(user, (version, tree));
            }
        }
    }
}

fn tree_of(rows: Vec<(Uuid, Option<Uuid>, String, String, bool)>) -> OrgTree {
    OrgTree::new(
        rows.into_iter()
            .filter_map(|(id, parent_id, name, kind, own_review)| {
                Some(OrgNode { id, parent_id, name, kind: kind.parse().ok()?, own_review })
            })
            .collect(),
    )
}

impl Store {
    /// The part of the organisation tree `principal` can reach (see
    /// [`SCOPED_NODES`]); the whole tree for a system-wide role. Every
    /// organisation in the user's scope has its whole path to the top, so
    /// [`Principal::can`] answers on it as on the whole tree; an organisation
    /// outside it is absent, which `can` answers with no.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn org_tree_for(&self, principal: &Principal) -> Result<OrgTree> {
        if principal.assignments.iter().any(|a| a.org_id.is_none()) {
            return self.org_tree().await;
        }
        if principal.assignments.is_empty() {
            return Ok(OrgTree::default());
        }
        let rows: Vec<(Uuid, Option<Uuid>, String, String, bool)> =
            with_pool!(self, |p| { sqlx::query_as(SCOPED_NODES).bind(principal.user_id).fetch_all(p).await? });
        Ok(tree_of(rows))
    }

    /// [`Store::org_tree_for`] as it stood at the data's version `version`
    /// (read with the caller's session, before this): kept, so a user's
    /// next request reads no tree while nothing has been written.
    pub async fn org_tree_at(&self, principal: &Principal, version: i64) -> Result<OrgTree> {
        if principal.assignments.iter().any(|a| a.org_id.is_none()) || principal.assignments.is_empty() {
            return self.org_tree_for(principal).await;
        }
        if let Some(t) = self.trees.get(principal.user_id, version) {
            return Ok(OrgTree::clone(&t));
        }
        let tree = self.org_tree_for(principal).await?;
        self.trees.keep(principal.user_id, version, Arc::new(tree.clone()));
        Ok(tree)
    }

    /// [`Store::org_tree_for`] with the organisations invited to a round
    /// added (their names and kinds; their ancestors only where in scope, so
    /// [`Principal::can`] still answers as on the whole tree).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(round_id = %round_id))]
    pub async fn org_tree_for_round(&self, principal: &Principal, round_id: Uuid) -> Result<OrgTree> {
        if principal.assignments.iter().any(|a| a.org_id.is_none()) {
            return self.org_tree().await;
        }
        let rows: Vec<(Uuid, Option<Uuid>, String, String, bool)> = with_pool!(self, |p| {
            sqlx::query_as(SCOPED_AND_INVITED_NODES).bind(principal.user_id).bind(round_id).fetch_all(p).await?
        });
        Ok(tree_of(rows))
    }
}
