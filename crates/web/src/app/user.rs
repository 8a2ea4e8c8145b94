//! Users and their roles: add, change, grant and withdraw roles, reset a
//! password, and the list of users the caller may see.
//!
//! Adding a user has one core, [`register_user`], that the web use case
//! [`create_user`] calls after authorising and that `lisa user add` calls
//! directly as the command-line actor.

use domain::authz::{Assignment, Permission, Principal, can_grant, can_manage_user, can_view_user, role_may_be_global};
use domain::org::OrgTree;
use domain::user::{Email, Language, NewPassword, PersonName, Role};
use domain::{FieldError, ValidationErrors};
use uuid::Uuid;

use super::{Caller, Error, Result};

/// Hashes a password off the async threads.
async fn hash(password: &NewPassword) -> Result<String> {
    let p = password.expose().to_owned();
    crate::auth::hashing(move || crate::auth::hash_password(&p)).await.map_err(Error::internal)
}

fn assignments(rows: &[store::AssignmentRow]) -> Vec<Assignment> {
    rows.iter().map(store::AssignmentRow::assignment).collect()
}

/// A new account as typed, before parsing.
#[derive(Debug, Default, Clone)]
pub struct AccountFields<'a> {
    pub name: &'a str,
    pub email: &'a str,
    /// `sv` or `en`.
    pub language: &'a str,
    /// `None`: an account that cannot log in yet.
    pub password: Option<&'a str>,
}

/// A new account's parsed values.
pub struct NewAccount {
    pub name: PersonName,
    pub email: Email,
    pub language: Language,
    pub password: Option<NewPassword>,
}

impl AccountFields<'_> {
    /// Parses the fields, adding every error to `errs`.
    pub fn parse_into(&self, errs: &mut ValidationErrors) -> Option<NewAccount> {
        let name = errs.check(PersonName::parse(self.name));
        let email = errs.check(Email::parse(self.email));
        let language = errs.check(self.language.parse::<Language>());
        let password = match self.password {
            None => Some(None),
            Some(p) => errs.check(NewPassword::parse(p).map(Some)),
        };
        Some(NewAccount { name: name?, email: email?, language: language?, password: password? })
    }
}

/// Parses an organisation chosen in a form (empty: the whole system).
pub fn parse_org_choice(s: &str) -> Result<Option<Uuid>, FieldError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        s.trim().parse().map(Some).map_err(|_| FieldError::new("org_id", "error-org-unknown"))
    }
}

/// A new user with their first role.
pub struct NewUserInput {
    pub account: NewAccount,
    pub first_role: Assignment,
}

/// Checks that a role can be given over `org` at all: the organisation
/// exists, and only a role that may be system-wide goes without one.
fn check_role_target(tree: &OrgTree, role: Role, org: Option<Uuid>) -> Result<(), FieldError> {
    if org.is_some_and(|o| tree.get(o).is_none()) {
        Err(FieldError::new("org_id", "error-org-unknown"))
    } else if org.is_none() && !role_may_be_global(role) {
        Err(FieldError::new("org_id", "error-role-needs-org"))
    } else {
        Ok(())
    }
}

/// Whether the caller may add users anywhere (403 otherwise).
pub fn authorise_adding(caller: &Caller) -> Result<()> {
    if caller.principal.can_somewhere(Permission::ManageUsers) { Ok(()) } else { Err(Error::Forbidden) }
}

/// Adds a user with a first role the caller may grant. Field errors come
/// together; a role the caller may not grant is refused even if other fields
/// are wrong.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn create_user(
    store: &store::Store,
    caller: &Caller,
    account: AccountFields<'_>,
    role: &str,
    org: Result<Option<Uuid>, FieldError>,
) -> Result<store::User> {
    authorise_adding(caller)?;
    let tree = store.org_tree().await?;
    let mut errs = ValidationErrors::default();
    let account = account.parse_into(&mut errs);
    let role = errs.check(role.parse::<Role>());
    let org = errs.check(org);
    if let (Some(role), Some(org)) = (role, org) {
        if let Err(e) = check_role_target(&tree, role, org) {
            errs.push(e);
        } else if !can_grant(&caller.principal, &tree, role, org) {
            return Err(Error::Forbidden);
        }
    }
    errs.clone().into_result()?;
    let (Some(account), Some(role), Some(org_id)) = (account, role, org) else {
        return Err(errs.into());
    };
    let first_role = Assignment { role, org_id };
    if let Some(existing) = store.find_user_by_email(account.email.as_str()).await? {
        return link_existing(store, caller, existing, first_role).await;
    }
    register_user(store, &caller.actor(), NewUserInput { account, first_role }).await
}

/// Adding a person whose e-mail already has an account gives that account
/// the role (name, language and password stay as they are), so the answer
/// does not tell a local administrator whether the address was in use: in
/// both cases the person now holds the role in its scope. An account
/// without any role is the exception: only a system-wide administrator may
/// give it one (otherwise a local administrator could then manage it and
/// take it over), so for anyone else the address is taken.
async fn link_existing(
    store: &store::Store,
    caller: &Caller,
    existing: store::User,
    role: Assignment,
) -> Result<store::User> {
    let held = assignments(&store.list_assignments(existing.id).await?);
    if held.is_empty() && !caller.principal.can_everywhere(Permission::ManageUsers) {
        return Err(Error::Conflict(FieldError::new("email", "error-email-taken")));
    }
    if !held.contains(&role) {
        store.insert_assignment(&caller.actor(), existing.id, role).await?;
    }
    Ok(existing)
}

/// Stores a new user with their first role, as `actor`, without asking who
/// may: the core of [`create_user`], and what `lisa user add` runs.
#[tracing::instrument(skip_all, err(level = "debug"), fields(role = %input.first_role.role))]
pub async fn register_user(store: &store::Store, actor: &store::Actor, input: NewUserInput) -> Result<store::User> {
    let NewUserInput { account: NewAccount { name, email, language, password }, first_role } = input;
    let tree = store.org_tree().await?;
    check_role_target(&tree, first_role.role, first_role.org_id)?;
    let password_hash = match &password {
        Some(p) => Some(hash(p).await?),
        None => None,
    };
    Ok(store.insert_user(actor, store::NewUser { email, name, password_hash, language }, Some(first_role)).await?)
}

/// A user with their roles.
pub struct UserWithRoles {
    pub user: store::User,
    pub roles: Vec<store::AssignmentRow>,
}

/// How many users a page of the user list holds at most.
pub const USERS_PAGE_MAX: i64 = 500;

/// One page of the users the caller may see, with their roles in the
/// caller's view.
pub struct UsersPage {
    pub users: Vec<UserWithRoles>,
    /// How many users match in all.
    pub total: i64,
    /// The caller's tree (names of the organisations the roles are in).
    pub tree: OrgTree,
}

/// The users the caller may see (those with a role in the caller's scope;
/// every account for a system-wide role), whose name or e-mail contains
/// `search`, from `offset`, at most `limit` (1 to [`USERS_PAGE_MAX`]). What
/// it reads follows the caller's scope and the page, not the installation.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list_users(
    store: &store::Store,
    caller: &Caller,
    search: &str,
    offset: i64,
    limit: i64,
) -> Result<UsersPage> {
    let p = &caller.principal;
    if !p.can_somewhere(Permission::ViewUsers) {
        return Err(Error::Forbidden);
    }
    let scope = store::OrgScope::of(p, Permission::ViewUsers);
    // No name or address holds a control character (PostgreSQL refuses NUL in text).
    let search: String = search.chars().filter(|c| !c.is_control()).collect();
    let (users, total) = store.users_page(&scope, &search, offset.max(0), limit.clamp(1, USERS_PAGE_MAX)).await?;
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let mut by_user: std::collections::HashMap<Uuid, Vec<store::AssignmentRow>> = std::collections::HashMap::new();
    for a in store.assignments_of(&ids).await? {
        by_user.entry(a.user_id).or_default().push(a);
    }
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let users = users
        .into_iter()
        .map(|u| {
            let roles = by_user.remove(&u.id).unwrap_or_default();
            UserWithRoles { user: u, roles: roles_in_view(p, &tree, roles) }
        })
        .collect();
    Ok(UsersPage { users, total, tree })
}

/// A user the caller may see, with what the caller may do with them.
pub struct UserInScope {
    pub user: store::User,
    pub roles: Vec<store::AssignmentRow>,
    pub tree: OrgTree,
    /// The caller may change the account (every role of it lies in their scope).
    pub can_manage: bool,
}

/// Loads a user the caller may see (404 otherwise).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user_id = %id))]
pub async fn get_user(store: &store::Store, caller: &Caller, id: Uuid) -> Result<UserInScope> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let user = store.find_user(id).await?.ok_or(Error::NotFound)?;
    let roles = store.list_assignments(id).await?;
    let held = assignments(&roles);
    if !caller.principal.can_somewhere(Permission::ViewUsers) || !can_view_user(&caller.principal, &tree, id, &held) {
        return Err(Error::NotFound);
    }
    let can_manage = can_manage_user(&caller.principal, &tree, &held);
    let roles = if id == caller.user.id { roles } else { roles_in_view(&caller.principal, &tree, roles) };
    Ok(UserInScope { user, roles, tree, can_manage })
}

/// The roles of another user that `p` may see: those over organisations
/// where `p` sees users (all of them for a system-wide viewer). A user's
/// roles elsewhere are another organisation's business.
fn roles_in_view(p: &Principal, tree: &OrgTree, roles: Vec<store::AssignmentRow>) -> Vec<store::AssignmentRow> {
    if p.can_everywhere(Permission::ViewUsers) {
        return roles;
    }
    roles.into_iter().filter(|a| a.org_id.is_some_and(|o| p.can(Permission::ViewUsers, o, tree))).collect()
}

/// Loads a user the caller may change (404 if unseen, 403 if out of scope).
async fn managed_user(store: &store::Store, caller: &Caller, id: Uuid) -> Result<UserInScope> {
    let u = get_user(store, caller, id).await?;
    if !u.can_manage {
        return Err(Error::Forbidden);
    }
    Ok(u)
}

/// A user's changed name, language and whether the account is active.
pub struct UserChange<'a> {
    pub name: &'a str,
    pub language: &'a str,
    pub active: bool,
}

/// Changes a user's name, language or active flag; nobody deactivates themselves.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user_id = %id))]
pub async fn update_user(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    change: UserChange<'_>,
) -> Result<store::User> {
    managed_user(store, caller, id).await?;
    let mut errs = ValidationErrors::default();
    let name = errs.check(PersonName::parse(change.name));
    let language = errs.check(change.language.parse::<Language>());
    if !change.active && id == caller.user.id {
        errs.push(FieldError::new("active", "error-deactivate-self"));
    }
    errs.clone().into_result()?;
    let (Some(name), Some(language)) = (name, language) else {
        return Err(errs.into());
    };
    Ok(store.update_user(&caller.actor(), id, store::UserUpdate { name, language, active: change.active }).await?)
}

/// Gives a user the caller sees a role the caller may grant. A user with no
/// role at all lies in nobody's scope: only a system-wide administrator gives
/// it a role, for otherwise any local administrator could give it one in
/// their own scope, then manage it and reset its password (take it over).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user_id = %id))]
pub async fn add_role(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    role: &str,
    org: Result<Option<Uuid>, FieldError>,
) -> Result<store::AssignmentRow> {
    let p = &caller.principal;
    let tree = store.org_tree().await?;
    store.find_user(id).await?.ok_or(Error::NotFound)?;
    let held = assignments(&store.list_assignments(id).await?);
    if !can_view_user(p, &tree, id, &held) || !p.can_somewhere(Permission::ViewUsers) {
        return Err(Error::NotFound);
    }
    let mut errs = ValidationErrors::default();
    let role = errs.check(role.parse::<Role>());
    let org = errs.check(org);
    let (Some(role), Some(org)) = (role, org) else {
        return Err(errs.into());
    };
    check_role_target(&tree, role, org)?;
    if !can_grant(p, &tree, role, org) {
        return Err(Error::Forbidden);
    }
    Ok(store.insert_assignment(&caller.actor(), id, Assignment { role, org_id: org }).await?)
}

/// Withdraws a role the caller could have granted.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user_id = %id, assignment_id = %assignment))]
pub async fn withdraw_role(store: &store::Store, caller: &Caller, id: Uuid, assignment: Uuid) -> Result<()> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let roles = store.list_assignments(id).await?;
    if !can_view_user(&caller.principal, &tree, id, &assignments(&roles))
        || !caller.principal.can_somewhere(Permission::ViewUsers)
    {
        return Err(Error::NotFound);
    }
    let a = roles.iter().find(|a| a.id == assignment).ok_or(Error::NotFound)?;
    if !can_grant(&caller.principal, &tree, a.role, a.org_id) {
        return Err(Error::Forbidden);
    }
    store.delete_assignment(&caller.actor(), assignment).await?;
    Ok(())
}

/// Sets a new password for a user the caller manages and ends their
/// sessions (all but `keep_session`, the caller's own, when they reset
/// their own password). A bad password is a field error on `password`.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user_id = %id))]
pub async fn reset_password(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    password: &str,
    keep_session: Option<&str>,
) -> Result<()> {
    managed_user(store, caller, id).await?;
    let password = NewPassword::parse(password)?;
    let hash = hash(&password).await?;
    let keep = keep_session.filter(|_| id == caller.user.id);
    store.set_password(&caller.actor(), id, &hash, "user.password_reset", keep).await?;
    Ok(())
}

/// Changes the caller's own password after checking the current one; their
/// other sessions end.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn change_own_password(
    store: &store::Store,
    caller: &Caller,
    current: &str,
    new: &str,
    repeat: Option<&str>,
    keep_session: &str,
) -> Result<()> {
    let mut errs = ValidationErrors::default();
    let stored = caller.user.password_hash.clone().unwrap_or_default();
    let current = current.to_owned();
    let matches =
        crate::auth::hashing(move || crate::auth::verify_password(&current, &stored)).await.map_err(Error::internal)?;
    if !matches {
        errs.push(FieldError::new("current", "error-current-password"));
    }
    let password = errs.check(NewPassword::parse(new));
    if repeat.is_some_and(|r| r != new) {
        errs.push(FieldError::new("repeat", "error-password-mismatch"));
    }
    let Some(password) = password.filter(|_| errs.is_empty()) else {
        return Err(errs.into());
    };
    let hash = hash(&password).await?;
    store.set_password(&caller.actor(), caller.user.id, &hash, "user.password_change", Some(keep_session)).await?;
    Ok(())
}

/// Changes the caller's own language.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn change_own_language(store: &store::Store, caller: &Caller, language: &str) -> Result<()> {
    let language = language.parse::<Language>()?;
    let name = PersonName::parse(&caller.user.name)?;
    let upd = store::UserUpdate { name, language, active: caller.user.active };
    store.update_user(&caller.actor(), caller.user.id, upd).await?;
    Ok(())
}
