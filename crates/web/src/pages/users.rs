//! Users and their role assignments.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::{Permission, Scope, can_grant};
use domain::org::OrgTree;
use domain::user::Role;
use serde::Deserialize;
use uuid::Uuid;

use super::orgs::{OrgOption, field_errors, org_options};
use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::app::{self, user::AccountFields};
use crate::error::AppResult;
use crate::session::{CurrentUser, Session};

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
    /// The search as typed.
    q: String,
    /// "Visar 1–50 av 120" and the links to the previous and next page, with the search kept.
    pager: super::Pager,
}

/// Users on one page of the list.
const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<String>,
}

fn role_text(ctx: &Ctx, tree: &OrgTree, a: &store::AssignmentRow) -> String {
    let org = a.org_id.and_then(|o| tree.get(o)).map(|n| n.name.clone()).unwrap_or_else(|| ctx.t("scope-everything"));
    format!("{} – {}", ctx.role_label(&a.role), org)
}

fn page_link(q: &str, page: i64) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        s.append_pair("q", q);
    }
    s.append_pair("page", &page.to_string());
    format!("/users?{}", s.finish())
}

pub async fn list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(lq): Query<ListQuery>,
) -> AppResult<Response> {
    // A search longer than any name or address finds nothing; cut it so it
    // is never carried further than that.
    let q: String = lq.q.trim().chars().take(200).collect();
    let page = super::page_number(lq.page.as_deref());
    let found = app::user::list_users(&state.store, &s.caller(), &q, (page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    let ctx = Ctx::for_session(&s, "/users");
    let tree = &found.tree;
    let pager =
        super::Pager::new(&ctx, "users-showing", "users-pages", page, PAGE_SIZE, found.users.len(), found.total, |p| {
            page_link(&q, p)
        });
    let users = found
        .users
        .into_iter()
        .map(|u| UserRow {
            roles: u.roles.iter().map(|a| role_text(&ctx, tree, a)).collect(),
            id: u.user.id,
            name: u.user.name,
            email: u.user.email,
            active: u.user.active,
        })
        .collect();
    render(&ListPage { ctx, users, can_add: s.principal.can_somewhere(Permission::ManageUsers), q, pager })
}

/// Organisations where the user may grant roles, indented by depth.
fn grant_orgs(s: &Session, tree: &OrgTree) -> Vec<OrgOption> {
    org_options(s, tree, Permission::ManageUsers, None)
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
    orgs: Vec<OrgOption>,
    allow_global: bool,
}

pub async fn new_form(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    app::user::authorise_adding(&s.caller())?;
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    render(&NewPage {
        ctx: Ctx::for_session(&s, "/users"),
        errors: Errors::default(),
        form: NewUserForm { role: "coordinator".into(), ..Default::default() },
        roles: Role::ALL.to_vec(),
        orgs: grant_orgs(&s, &tree),
        allow_global: s.principal.can_everywhere(Permission::ManageUsers),
    })
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<NewUserForm>,
) -> AppResult<Response> {
    let account = AccountFields {
        name: &f.name,
        email: &f.email,
        language: if f.language.is_empty() { "sv" } else { &f.language },
        password: (!f.password.is_empty()).then_some(f.password.as_str()),
    };
    let org = app::user::parse_org_choice(&f.org_id);
    let errs = match app::user::create_user(&state.store, &s.caller(), account, &f.role, org).await {
        Ok(u) => return Ok(see_other(&format!("/users/{}", u.id))),
        Err(e) => field_errors(e)?,
    };
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let ctx = Ctx::for_session(&s, "/users");
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &NewPage {
            errors: Errors::new(ctx.lang, &errs),
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
    orgs: Vec<OrgOption>,
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
    let app::user::UserInScope { user, roles: assignments, tree, can_manage } =
        app::user::get_user(&state.store, &s.caller(), id).await?;
    let ctx = Ctx::for_session(s, "/users");
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
    let change = app::user::UserChange { name: &f.name, language: &f.language, active: f.active.is_some() };
    match app::user::update_user(&state.store, &s.caller(), id, change).await {
        Ok(_) => Ok(see_other(&format!("/users/{id}?done=saved"))),
        Err(e) => form_error(&state, &s, id, &field_errors(e)?).await,
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
    let org = app::user::parse_org_choice(&f.org_id);
    match app::user::add_role(&state.store, &s.caller(), id, &f.role, org).await {
        Ok(_) => Ok(see_other(&format!("/users/{id}?done=role-added"))),
        Err(e) => form_error(&state, &s, id, &field_errors(e)?).await,
    }
}

pub async fn withdraw_role(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, assignment)): Path<(String, String)>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let assignment = parse_id(&assignment)?;
    match app::user::withdraw_role(&state.store, &s.caller(), id, assignment).await {
        Ok(()) => Ok(see_other(&format!("/users/{id}?done=role-withdrawn"))),
        Err(e) => form_error(&state, &s, id, &field_errors(e)?).await,
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
    match app::user::reset_password(&state.store, &s.caller(), id, &f.password, Some(&s.token_hash)).await {
        Ok(()) => Ok(see_other(&format!("/users/{id}?done=password"))),
        Err(e) => {
            // The page's field is called new_password.
            let errs: Vec<_> = field_errors(e)?
                .into_iter()
                .map(|e| if e.field == "password" { domain::FieldError::new("new_password", e.code) } else { e })
                .collect();
            form_error(&state, &s, id, &errs).await
        }
    }
}
