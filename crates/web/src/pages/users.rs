//! Users and their role assignments.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::{Assignment, Permission, Principal, Scope, role_may_be_global};
use domain::org::OrgTree;
use domain::user::{Email, Language, NewPassword, PersonName, Role};
use serde::Deserialize;
use uuid::Uuid;

use super::orgs::actor;
use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::auth::hash_password_blocking;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

/// May `p` see a user holding `assignments`?
pub fn can_view_user(p: &Principal, tree: &OrgTree, user_id: Uuid, assignments: &[store::AssignmentRow]) -> bool {
    p.user_id == user_id
        || p.can_everywhere(Permission::ViewUsers)
        || assignments.iter().any(|a| a.org_id.is_some_and(|o| p.can(Permission::ViewUsers, o, tree)))
}

/// May `p` change a user holding `assignments`? Only if every role the user
/// holds lies inside `p`'s scope, so nobody can take over an account that
/// reaches further than their own.
pub fn can_manage_user(p: &Principal, tree: &OrgTree, assignments: &[store::AssignmentRow]) -> bool {
    if p.can_everywhere(Permission::ManageUsers) {
        return true;
    }
    !assignments.is_empty()
        && assignments.iter().all(|a| a.org_id.is_some_and(|o| p.can(Permission::ManageUsers, o, tree)))
}

/// May `p` grant `role` over `org`?
pub fn can_grant(p: &Principal, tree: &OrgTree, role: Role, org: Option<Uuid>) -> bool {
    match org {
        Some(o) => p.can(Permission::ManageUsers, o, tree),
        None => role_may_be_global(role) && p.can_everywhere(Permission::ManageUsers),
    }
}

pub struct UserRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<String>,
}

#[derive(Template)]
#[template(path = "users.html")]
struct ListPage {
    ctx: Ctx,
    users: Vec<UserRow>,
    can_add: bool,
}

fn role_text(ctx: &Ctx, tree: &OrgTree, a: &store::AssignmentRow) -> String {
    let org = a.org_id.and_then(|o| tree.get(o)).map(|n| n.name.clone()).unwrap_or_else(|| ctx.t("scope-everything"));
    format!("{} – {}", ctx.role_label(&a.role), org)
}

pub async fn list(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    let p = &s.principal;
    if !p.can_somewhere(Permission::ViewUsers) {
        return Err(AppError::Forbidden);
    }
    let ctx = Ctx::for_session(&s, "/users");
    let tree = state.store.org_tree().await?;
    let all = state.store.list_all_assignments().await?;
    let users = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter_map(|u| {
            let mine: Vec<store::AssignmentRow> = all.iter().filter(|a| a.user_id == u.id).cloned().collect();
            let visible = p.can_everywhere(Permission::ViewUsers)
                || mine.iter().any(|a| a.org_id.is_some_and(|o| p.can(Permission::ViewUsers, o, &tree)));
            visible.then(|| UserRow {
                id: u.id,
                name: u.name,
                email: u.email,
                active: u.active,
                roles: mine.iter().map(|a| role_text(&ctx, &tree, a)).collect(),
            })
        })
        .collect();
    render(&ListPage { ctx, users, can_add: p.can_somewhere(Permission::ManageUsers) })
}

/// Organisations where the user may grant roles, indented by depth.
fn grant_orgs(s: &Session, tree: &OrgTree) -> Vec<(Uuid, String)> {
    let mut out = Vec::new();
    for root in s.principal.visible_roots(Permission::ManageUsers, tree) {
        for (d, n) in tree.subtree(root) {
            out.push((n.id, format!("{}{}", "– ".repeat(d), n.name)));
        }
    }
    out
}

#[derive(Deserialize, Default, Clone)]
pub struct NewUserForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub org_id: String,
    #[serde(default)]
    pub password: String,
}

impl NewUserForm {
    pub fn is_role(&self, r: &Role) -> bool {
        self.role == r.code()
    }
    pub fn is_org(&self, id: &Uuid) -> bool {
        self.org_id == id.to_string()
    }
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewPage {
    ctx: Ctx,
    errors: Errors,
    form: NewUserForm,
    roles: Vec<Role>,
    orgs: Vec<(Uuid, String)>,
    allow_global: bool,
}

pub async fn new_form(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ManageUsers) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    render(&NewPage {
        ctx: Ctx::for_session(&s, "/users"),
        errors: Errors::default(),
        form: NewUserForm { role: "coordinator".into(), ..Default::default() },
        roles: Role::ALL.to_vec(),
        orgs: grant_orgs(&s, &tree),
        allow_global: s.principal.can_everywhere(Permission::ManageUsers),
    })
}

fn parse_org_choice(s: &str) -> Result<Option<Uuid>, domain::FieldError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        s.trim().parse().map(Some).map_err(|_| domain::FieldError::new("org_id", "error-org-unknown"))
    }
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<NewUserForm>,
) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ManageUsers) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let mut errs = domain::ValidationErrors::default();
    let name = errs.check(PersonName::parse(&f.name));
    let email = errs.check(Email::parse(&f.email));
    let language = errs.check(if f.language.is_empty() { Ok(Language::Sv) } else { f.language.parse::<Language>() });
    let role = errs.check(f.role.parse::<Role>());
    let org = errs.check(parse_org_choice(&f.org_id));
    let password =
        if f.password.is_empty() { Some(None) } else { errs.check(NewPassword::parse(&f.password).map(Some)) };
    if let (Some(role), Some(org)) = (role, org) {
        if org.is_some_and(|o| tree.get(o).is_none()) {
            errs.push(domain::FieldError::new("org_id", "error-org-unknown"));
        } else if org.is_none() && !role_may_be_global(role) {
            errs.push(domain::FieldError::new("org_id", "error-role-needs-org"));
        } else if !can_grant(&s.principal, &tree, role, org) {
            return Err(AppError::Forbidden);
        }
    }
    if errs.is_empty()
        && let (Some(name), Some(email), Some(language), Some(role), Some(org), Some(password)) =
            (name, email, language, role, org, password)
    {
        let password_hash = match password {
            Some(p) => Some(hash_password_blocking(p.expose().to_owned()).await?),
            None => None,
        };
        match state
            .store
            .insert_user(
                &actor(&s),
                store::NewUser { email, name, password_hash, language },
                Some(Assignment { role, org_id: org }),
            )
            .await
        {
            Ok(u) => return Ok(see_other(&format!("/users/{}", u.id))),
            Err(store::StoreError::Conflict { field, code }) => errs.push(domain::FieldError::new(field, code)),
            Err(e) => return Err(e.into()),
        }
    }
    let ctx = Ctx::for_session(&s, "/users");
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &NewPage {
            errors: Errors::new(ctx.lang, &errs.0),
            ctx,
            form: NewUserForm { password: String::new(), ..f },
            roles: Role::ALL.to_vec(),
            orgs: grant_orgs(&s, &tree),
            allow_global: s.principal.can_everywhere(Permission::ManageUsers),
        },
    )
}

pub struct RoleView {
    pub id: Uuid,
    pub text: String,
    pub can_withdraw: bool,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    ctx: Ctx,
    user: store::User,
    roles: Vec<RoleView>,
    can_manage: bool,
    can_audit: bool,
    errors: Errors,
    notice: String,
    all_roles: Vec<Role>,
    orgs: Vec<(Uuid, String)>,
    allow_global: bool,
}

impl UserPage {
    pub fn is_lang(&self, code: &str) -> bool {
        self.user.language.code() == code
    }
}

#[derive(Deserialize)]
pub struct Notice {
    done: Option<String>,
}

async fn user_page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    errors: Errors,
    notice: Option<&str>,
) -> AppResult<UserPage> {
    let tree = state.store.org_tree().await?;
    let user = state.store.find_user(id).await?.ok_or(AppError::NotFound)?;
    let assignments = state.store.list_assignments(id).await?;
    if !can_view_user(&s.principal, &tree, id, &assignments) || !s.principal.can_somewhere(Permission::ViewUsers) {
        return Err(AppError::NotFound);
    }
    let ctx = Ctx::for_session(s, "/users");
    let can_manage = can_manage_user(&s.principal, &tree, &assignments);
    let roles = assignments
        .iter()
        .map(|a| RoleView {
            id: a.id,
            text: role_text(&ctx, &tree, a),
            can_withdraw: can_grant(&s.principal, &tree, a.role, a.org_id),
        })
        .collect();
    let can_audit = match s.principal.scope(Permission::ViewAudit) {
        Scope::Everything => true,
        Scope::Subtrees(_) => {
            assignments.iter().any(|a| a.org_id.is_some_and(|o| s.principal.can(Permission::ViewAudit, o, &tree)))
        }
    };
    let notice = notice
        .and_then(|n| match n {
            "saved" => Some(ctx.t("saved")),
            "password" => Some(ctx.t("user-password-was-reset")),
            "role-added" => Some(ctx.t("user-role-added")),
            "role-withdrawn" => Some(ctx.t("user-role-withdrawn")),
            _ => None,
        })
        .unwrap_or_default();
    Ok(UserPage {
        orgs: grant_orgs(s, &tree),
        allow_global: s.principal.can_everywhere(Permission::ManageUsers),
        ctx,
        user,
        roles,
        can_manage,
        can_audit,
        errors,
        notice,
        all_roles: Role::ALL.to_vec(),
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    render(&user_page(&state, &s, id, Errors::default(), q.done.as_deref()).await?)
}

/// Loads the target user and checks that `s` may change them.
async fn managed_user(state: &SharedState, s: &Session, id: Uuid) -> AppResult<(OrgTree, Vec<store::AssignmentRow>)> {
    let tree = state.store.org_tree().await?;
    state.store.find_user(id).await?.ok_or(AppError::NotFound)?;
    let assignments = state.store.list_assignments(id).await?;
    if !can_view_user(&s.principal, &tree, id, &assignments) || !s.principal.can_somewhere(Permission::ViewUsers) {
        return Err(AppError::NotFound);
    }
    if !can_manage_user(&s.principal, &tree, &assignments) {
        return Err(AppError::Forbidden);
    }
    Ok((tree, assignments))
}

async fn form_error(state: &SharedState, s: &Session, id: Uuid, errs: &[domain::FieldError]) -> AppResult<Response> {
    let page = user_page(state, s, id, Errors::new(s.user.language, errs), None).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    active: Option<String>,
}

pub async fn update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<UpdateForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    managed_user(&state, &s, id).await?;
    let mut errs = domain::ValidationErrors::default();
    let name = errs.check(PersonName::parse(&f.name));
    let language = errs.check(f.language.parse::<Language>());
    let active = f.active.is_some();
    if !active && id == s.user.id {
        errs.push(domain::FieldError::new("active", "error-deactivate-self"));
    }
    match (name, language) {
        (Some(name), Some(language)) if errs.is_empty() => {
            state.store.update_user(&actor(&s), id, store::UserUpdate { name, language, active }).await?;
            Ok(see_other(&format!("/users/{id}?done=saved")))
        }
        _ => form_error(&state, &s, id, &errs.0).await,
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    org_id: String,
}

pub async fn add_role(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<RoleForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let tree = state.store.org_tree().await?;
    state.store.find_user(id).await?.ok_or(AppError::NotFound)?;
    let assignments = state.store.list_assignments(id).await?;
    // A user with no role yet is visible to whoever may manage users somewhere,
    // so a local administrator can give a new account its first role.
    let visible = can_view_user(&s.principal, &tree, id, &assignments)
        || (assignments.is_empty() && s.principal.can_somewhere(Permission::ManageUsers));
    if !visible || !s.principal.can_somewhere(Permission::ViewUsers) {
        return Err(AppError::NotFound);
    }
    let mut errs = domain::ValidationErrors::default();
    let role = errs.check(f.role.parse::<Role>());
    let org = errs.check(parse_org_choice(&f.org_id));
    let (Some(role), Some(org)) = (role, org) else {
        return form_error(&state, &s, id, &errs.0).await;
    };
    if org.is_some_and(|o| tree.get(o).is_none()) {
        return form_error(&state, &s, id, &[domain::FieldError::new("org_id", "error-org-unknown")]).await;
    }
    if org.is_none() && !role_may_be_global(role) {
        return form_error(&state, &s, id, &[domain::FieldError::new("org_id", "error-role-needs-org")]).await;
    }
    if !can_grant(&s.principal, &tree, role, org) {
        return Err(AppError::Forbidden);
    }
    match state.store.insert_assignment(&actor(&s), id, Assignment { role, org_id: org }).await {
        Ok(_) => Ok(see_other(&format!("/users/{id}?done=role-added"))),
        Err(store::StoreError::Conflict { field, code }) => {
            form_error(&state, &s, id, &[domain::FieldError::new(field, code)]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn withdraw_role(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, assignment)): Path<(String, String)>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let assignment = parse_id(&assignment)?;
    let tree = state.store.org_tree().await?;
    let assignments = state.store.list_assignments(id).await?;
    if !can_view_user(&s.principal, &tree, id, &assignments) || !s.principal.can_somewhere(Permission::ViewUsers) {
        return Err(AppError::NotFound);
    }
    let a = assignments.iter().find(|a| a.id == assignment).ok_or(AppError::NotFound)?;
    if !can_grant(&s.principal, &tree, a.role, a.org_id) {
        return Err(AppError::Forbidden);
    }
    match state.store.delete_assignment(&actor(&s), assignment).await {
        Ok(_) => Ok(see_other(&format!("/users/{id}?done=role-withdrawn"))),
        Err(store::StoreError::Conflict { field, code }) => {
            form_error(&state, &s, id, &[domain::FieldError::new(field, code)]).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ResetForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    managed_user(&state, &s, id).await?;
    let password = match NewPassword::parse(&f.password) {
        Ok(p) => p,
        Err(e) => {
            return form_error(&state, &s, id, &[domain::FieldError::new("new_password", e.code)]).await;
        }
    };
    let hash = hash_password_blocking(password.expose().to_owned()).await?;
    let keep = (id == s.user.id).then_some(s.token_hash.as_str());
    state.store.set_password(&actor(&s), id, &hash, "user.password_reset", keep).await?;
    Ok(see_other(&format!("/users/{id}?done=password")))
}
