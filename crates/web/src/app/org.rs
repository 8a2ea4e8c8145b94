//! Organisations: the tree the caller sees, add, rename, move, delete.

use domain::authz::{OrgChange, Permission, may_change_org};
use domain::org::{OrgKind, OrgName, OrgNumber, OrgTree};
use domain::{FieldError, ValidationErrors};
use uuid::Uuid;

use super::{Caller, Error, Result};

/// An organisation as typed in a form or a request body, before parsing.
#[derive(Debug, Default, Clone)]
pub struct OrgFields {
    pub name: String,
    pub kind: String,
    /// Empty: none.
    pub org_number: String,
    /// Empty: at the top.
    pub parent_id: String,
    /// A part (nämnd, förvaltning, enhet) that holds its own review;
    /// `None` leaves a stored organisation's setting as it is.
    pub own_review: Option<bool>,
}

/// An organisation's parsed values.
#[derive(Debug, Clone)]
pub struct OrgInput {
    pub name: OrgName,
    pub kind: OrgKind,
    pub org_number: Option<OrgNumber>,
    pub parent_id: Option<Uuid>,
    /// Set only for a part: other organisations hold their own review
    /// always; `None`: unchanged.
    pub own_review: Option<bool>,
}

impl OrgFields {
    /// Parses the fields into their values, collecting every error.
    pub fn parse(&self) -> Result<OrgInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let name = errs.check(OrgName::parse(&self.name));
        let kind = errs.check(self.kind.parse::<OrgKind>());
        let number = if self.org_number.trim().is_empty() {
            Some(None)
        } else {
            errs.check(OrgNumber::parse(&self.org_number).map(Some))
        };
        let parent = if self.parent_id.trim().is_empty() {
            Some(None)
        } else {
            errs.check(
                self.parent_id
                    .trim()
                    .parse::<Uuid>()
                    .map(Some)
                    .map_err(|_| FieldError::new("parent_id", "error-parent-unknown")),
            )
        };
        match (name, kind, number, parent) {
            (Some(name), Some(kind), Some(org_number), Some(parent_id)) if errs.is_empty() => Ok(OrgInput {
                name,
                kind,
                org_number,
                parent_id,
                own_review: self.own_review.map(|o| o && kind.is_part()),
            }),
            _ => Err(errs),
        }
    }
}

/// The organisation tree and the roots of the part the caller sees.
pub struct VisibleTree {
    pub tree: OrgTree,
    pub roots: Vec<Uuid>,
}

/// The part of the tree the caller may see (403 if none).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn visible_tree(store: &store::Store, caller: &Caller) -> Result<VisibleTree> {
    if !caller.principal.can_somewhere(Permission::ViewOrgs) {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let roots = caller.principal.visible_roots(Permission::ViewOrgs, &tree);
    Ok(VisibleTree { tree, roots })
}

/// Every organisation the caller may see.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list_orgs(store: &store::Store, caller: &Caller) -> Result<Vec<store::Org>> {
    if !caller.principal.can_somewhere(Permission::ViewOrgs) {
        return Err(Error::Forbidden);
    }
    Ok(store.list_orgs_in(&store::OrgScope::of(&caller.principal, Permission::ViewOrgs)).await?)
}

/// The figures of the start page: organisations the caller sees, and for
/// those who manage users, the users in reach and (system-wide) the active
/// accounts without any role. Counted in SQL, never by loading the lists.
pub struct HomeCounts {
    pub orgs: Option<i64>,
    pub users: Option<i64>,
    pub users_without_roles: i64,
}

pub async fn home_counts(store: &store::Store, caller: &Caller) -> Result<HomeCounts> {
    let p = &caller.principal;
    let orgs = if p.can_somewhere(Permission::ViewOrgs) {
        Some(store.count_orgs_in(&store::OrgScope::of(p, Permission::ViewOrgs)).await?)
    } else {
        None
    };
    let (users, users_without_roles) = if p.can_somewhere(Permission::ManageUsers) {
        let scope = store::OrgScope::of(p, Permission::ManageUsers);
        let without = if scope == store::OrgScope::All { store.count_users_without_roles().await? } else { 0 };
        (Some(store.count_users_in(&scope).await?), without)
    } else {
        (None, 0)
    };
    Ok(HomeCounts { orgs, users, users_without_roles })
}

/// Whether the caller may add organisations anywhere (403 otherwise).
pub fn authorise_adding(caller: &Caller) -> Result<()> {
    if caller.principal.can_somewhere(Permission::ManageOrgs) { Ok(()) } else { Err(Error::Forbidden) }
}

/// Loads the tree and checks that the caller sees `id` (404) and holds `perm` there (403).
async fn tree_for(store: &store::Store, caller: &Caller, id: Uuid, perm: Permission) -> Result<OrgTree> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !caller.principal.can(Permission::ViewOrgs, id, &tree) {
        return Err(Error::NotFound);
    }
    if !caller.principal.can(perm, id, &tree) {
        return Err(Error::Forbidden);
    }
    Ok(tree)
}

/// Adds an organisation under a parent the caller manages (or at the top, for
/// a system-wide administrator).
#[tracing::instrument(skip_all, err(level = "debug"), fields(parent_id = ?fields.parent_id))]
pub async fn create_org(store: &store::Store, caller: &Caller, fields: &OrgFields) -> Result<store::Org> {
    authorise_adding(caller)?;
    let input = fields.parse()?;
    let tree = store.org_tree().await?;
    if input.parent_id.is_some_and(|p| tree.get(p).is_none()) {
        return Err(FieldError::new("parent_id", "error-parent-unknown").into());
    }
    let change =
        OrgChange { org: None, old_kind: None, new_kind: input.kind, old_parent: None, new_parent: input.parent_id };
    if !may_change_org(&caller.principal, &tree, change) {
        return Err(Error::Forbidden);
    }
    let OrgInput { name, kind, org_number, parent_id, own_review } = input;
    let own_review = own_review.unwrap_or(false);
    Ok(store.insert_org(&caller.actor(), store::NewOrg { name, kind, org_number, parent_id, own_review }).await?)
}

/// One organisation the caller may see.
#[tracing::instrument(skip_all, err(level = "debug"), fields(org_id = %id))]
pub async fn get_org(store: &store::Store, caller: &Caller, id: Uuid) -> Result<store::Org> {
    tree_for(store, caller, id, Permission::ViewOrgs).await?;
    store.find_org(id).await?.ok_or(Error::NotFound)
}

/// Renames, reclassifies or moves an organisation the caller manages; a move
/// also needs the right to place it under the new parent, and only a
/// system-wide administrator touches a coordinating body ([`may_change_org`]).
#[tracing::instrument(skip_all, err(level = "debug"), fields(org_id = %id))]
pub async fn update_org(store: &store::Store, caller: &Caller, id: Uuid, fields: &OrgFields) -> Result<store::Org> {
    tree_for(store, caller, id, Permission::ManageOrgs).await?;
    // A new parent may lie anywhere: checked against the whole tree (an administrator's rare write).
    let tree = store.org_tree().await?;
    let OrgInput { name, kind, org_number, parent_id, own_review } = fields.parse()?;
    let current = tree.get(id).ok_or(Error::NotFound)?;
    let own_review = own_review.unwrap_or(current.own_review) && kind.is_part();
    if parent_id.is_some_and(|p| tree.get(p).is_none()) {
        return Err(FieldError::new("parent_id", "error-parent-unknown").into());
    }
    let change = OrgChange {
        org: Some(id),
        old_kind: Some(current.kind),
        new_kind: kind,
        old_parent: current.parent_id,
        new_parent: parent_id,
    };
    if !may_change_org(&caller.principal, &tree, change) {
        return Err(Error::Forbidden);
    }
    Ok(store
        .update_org(&caller.actor(), id, store::OrgUpdate { name, kind, org_number, parent_id, own_review })
        .await?)
}

/// An organisation about to be deleted and what still depends on it.
pub struct Deletion {
    pub org: store::Org,
    pub dependents: store::Dependents,
}

/// What deleting `id` would meet, for a caller who manages it.
#[tracing::instrument(skip_all, err(level = "debug"), fields(org_id = %id))]
pub async fn deletion(store: &store::Store, caller: &Caller, id: Uuid) -> Result<Deletion> {
    tree_for(store, caller, id, Permission::ManageOrgs).await?;
    let org = store.find_org(id).await?.ok_or(Error::NotFound)?;
    let dependents = store.org_dependents(id).await?;
    Ok(Deletion { org, dependents })
}

/// Deletes an organisation nothing depends on (a conflict otherwise); returns
/// the deleted organisation.
#[tracing::instrument(skip_all, err(level = "debug"), fields(org_id = %id))]
pub async fn delete_org(store: &store::Store, caller: &Caller, id: Uuid) -> Result<store::Org> {
    tree_for(store, caller, id, Permission::ManageOrgs).await?;
    let org = store.find_org(id).await?.ok_or(Error::NotFound)?;
    store.delete_org(&caller.actor(), id).await?;
    Ok(org)
}

/// A person holding a role in one organisation.
pub struct PersonRole {
    pub user_id: Uuid,
    pub name: String,
    pub role: domain::user::Role,
}

/// One organisation as the caller sees it.
pub struct OrgOverview {
    pub org: store::Org,
    pub tree: OrgTree,
    /// The people with a role here, by name; `None` if the caller may not see users here.
    pub people: Option<Vec<PersonRole>>,
}

/// An organisation, the tree around it and (if the caller may see users
/// there) who holds roles in it.
#[tracing::instrument(skip_all, err(level = "debug"), fields(org_id = %id))]
pub async fn org_overview(store: &store::Store, caller: &Caller, id: Uuid) -> Result<OrgOverview> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !caller.principal.can(Permission::ViewOrgs, id, &tree) {
        return Err(Error::NotFound);
    }
    let org = store.find_org(id).await?.ok_or(Error::NotFound)?;
    let people = if caller.principal.can(Permission::ViewUsers, id, &tree) {
        let mut v: Vec<PersonRole> = store
            .role_holders(&store::OrgScope::Org(id), None)
            .await?
            .into_iter()
            .map(|h| PersonRole { user_id: h.assignment.user_id, name: h.name, role: h.assignment.role })
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Some(v)
    } else {
        None
    };
    Ok(OrgOverview { org, tree, people })
}
