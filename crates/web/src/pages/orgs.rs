//! The organisation tree: view, add, rename, move, delete.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::Permission;
use domain::org::{OrgKind, OrgName, OrgNumber, OrgTree};
use serde::Deserialize;
use uuid::Uuid;

use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

/// One row of a nested list: markup to open before it and close after it is
/// generated here from depths only, never from user text.
pub struct TreeRow {
    pub id: Uuid,
    pub name: String,
    pub kind: OrgKind,
    pub open: &'static str,
    pub close: String,
}

fn tree_rows(tree: &OrgTree, roots: &[Uuid]) -> Vec<TreeRow> {
    let mut flat: Vec<(usize, Uuid, String, OrgKind)> = Vec::new();
    for r in roots {
        for (d, n) in tree.subtree(*r) {
            flat.push((d, n.id, n.name.clone(), n.kind));
        }
    }
    let mut rows = Vec::with_capacity(flat.len());
    for i in 0..flat.len() {
        let (d, id, ref name, kind) = flat[i];
        let next_depth = flat.get(i + 1).map(|f| f.0).unwrap_or(0);
        let prev_depth = if i == 0 { None } else { Some(flat[i - 1].0) };
        let open = if prev_depth.is_some_and(|p| d > p) { "<ul>" } else { "" };
        let close = if next_depth > d {
            String::new()
        } else {
            let mut c = String::from("</li>");
            for _ in next_depth..d {
                c.push_str("</ul></li>");
            }
            c
        };
        rows.push(TreeRow { id, name: name.clone(), kind, open, close });
    }
    rows
}

/// Organisations where the user may add children, indented by depth, for a
/// parent choice; `exclude` and its subtree are left out (no cycles).
fn parent_options(s: &Session, tree: &OrgTree, exclude: Option<Uuid>) -> Vec<(Uuid, String)> {
    let mut out = Vec::new();
    for root in s.principal.visible_roots(Permission::ManageOrgs, tree) {
        for (d, n) in tree.subtree(root) {
            if exclude.is_some_and(|x| tree.is_in_subtree(x, n.id)) {
                continue;
            }
            out.push((n.id, format!("{}{}", "– ".repeat(d), n.name)));
        }
    }
    out
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct TreePage {
    ctx: Ctx,
    rows: Vec<TreeRow>,
    can_add: bool,
}

pub async fn tree(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ViewOrgs) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let roots = s.principal.visible_roots(Permission::ViewOrgs, &tree);
    let ctx = Ctx::for_session(&s, "/orgs");
    render(&TreePage {
        ctx,
        rows: tree_rows(&tree, &roots),
        can_add: s.principal.can_somewhere(Permission::ManageOrgs),
    })
}

#[derive(Template)]
#[template(path = "org_new.html")]
struct NewPage {
    ctx: Ctx,
    errors: Errors,
    kinds: Vec<OrgKind>,
    parents: Vec<(Uuid, String)>,
    allow_top: bool,
    form: OrgForm,
}

#[derive(Deserialize, Default, Clone)]
pub struct OrgForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub org_number: String,
    #[serde(default)]
    pub parent_id: String,
}

impl OrgForm {
    fn parent(&self) -> Option<Uuid> {
        self.parent_id.parse().ok()
    }
    pub fn is_parent(&self, id: &Uuid) -> bool {
        self.parent() == Some(*id)
    }
    pub fn is_kind(&self, k: &OrgKind) -> bool {
        self.kind == k.code()
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<String>,
}

pub async fn new_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ManageOrgs) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let form = OrgForm { parent_id: q.parent.unwrap_or_default(), kind: "unit".into(), ..Default::default() };
    let ctx = Ctx::for_session(&s, "/orgs");
    render(&NewPage {
        ctx,
        errors: Errors::default(),
        kinds: OrgKind::ALL.to_vec(),
        parents: parent_options(&s, &tree, None),
        allow_top: s.principal.can_everywhere(Permission::ManageOrgs),
        form,
    })
}

/// Parses the form into its values, collecting every error.
pub fn parse_org_form(
    f: &OrgForm,
) -> Result<(OrgName, OrgKind, Option<OrgNumber>, Option<Uuid>), domain::ValidationErrors> {
    let mut errs = domain::ValidationErrors::default();
    let name = errs.check(OrgName::parse(&f.name));
    let kind = errs.check(f.kind.parse::<OrgKind>());
    let number =
        if f.org_number.trim().is_empty() { Some(None) } else { errs.check(OrgNumber::parse(&f.org_number).map(Some)) };
    let parent = if f.parent_id.trim().is_empty() {
        Some(None)
    } else {
        errs.check(
            f.parent_id
                .trim()
                .parse::<Uuid>()
                .map(Some)
                .map_err(|_| domain::FieldError::new("parent_id", "error-parent-unknown")),
        )
    };
    match (name, kind, number, parent) {
        (Some(n), Some(k), Some(num), Some(p)) if errs.is_empty() => Ok((n, k, num, p)),
        _ => Err(errs),
    }
}

/// May the user place an organisation under `parent` (or at the top)?
pub fn may_place(s: &Session, tree: &OrgTree, parent: Option<Uuid>) -> bool {
    match parent {
        Some(p) => s.principal.can(Permission::ManageOrgs, p, tree),
        None => s.principal.can_everywhere(Permission::ManageOrgs),
    }
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<OrgForm>,
) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ManageOrgs) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let errs: domain::ValidationErrors = match parse_org_form(&f) {
        Ok((name, kind, org_number, parent_id)) => {
            if parent_id.is_some_and(|p| tree.get(p).is_none()) {
                domain::FieldError::new("parent_id", "error-parent-unknown").into()
            } else if !may_place(&s, &tree, parent_id) {
                return Err(AppError::Forbidden);
            } else {
                match state.store.insert_org(&actor(&s), store::NewOrg { name, kind, org_number, parent_id }).await {
                    Ok(org) => return Ok(see_other(&format!("/orgs/{}", org.id))),
                    Err(store::StoreError::Conflict { field, code }) => domain::FieldError::new(field, code).into(),
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Err(e) => e,
    };
    let ctx = Ctx::for_session(&s, "/orgs");
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &NewPage {
            errors: Errors::new(ctx.lang, &errs.0),
            ctx,
            kinds: OrgKind::ALL.to_vec(),
            parents: parent_options(&s, &tree, None),
            allow_top: s.principal.can_everywhere(Permission::ManageOrgs),
            form: f,
        },
    )
}

pub fn actor(s: &Session) -> store::Actor {
    store::Actor::user(s.user.id, &s.user.email)
}

pub struct PersonRole {
    pub user_id: Uuid,
    pub name: String,
    pub role: domain::user::Role,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    ctx: Ctx,
    org: store::Org,
    path: Vec<(Uuid, String)>,
    children: Vec<(Uuid, String, OrgKind)>,
    people: Option<Vec<PersonRole>>,
    can_manage: bool,
    can_audit: bool,
    can_assess: bool,
    can_start: bool,
    errors: Errors,
    form: OrgForm,
    kinds: Vec<OrgKind>,
    parents: Vec<(Uuid, String)>,
    allow_top: bool,
    saved: bool,
}

#[derive(Deserialize)]
pub struct ShowQuery {
    saved: Option<String>,
}

async fn org_page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    form: Option<OrgForm>,
    errors: Errors,
    saved: bool,
) -> AppResult<OrgPage> {
    let tree = state.store.org_tree().await?;
    if !s.principal.can(Permission::ViewOrgs, id, &tree) {
        return Err(AppError::NotFound);
    }
    let org = state.store.find_org(id).await?.ok_or(AppError::NotFound)?;
    let path = tree
        .path(id)
        .into_iter()
        .filter(|n| s.principal.can(Permission::ViewOrgs, n.id, &tree))
        .map(|n| (n.id, n.name.clone()))
        .collect();
    let children =
        tree.children(id).iter().filter_map(|c| tree.get(*c)).map(|n| (n.id, n.name.clone(), n.kind)).collect();
    let people = if s.principal.can(Permission::ViewUsers, id, &tree) {
        let users = state.store.list_users().await?;
        let mut v: Vec<PersonRole> = state
            .store
            .list_all_assignments()
            .await?
            .into_iter()
            .filter(|a| a.org_id == Some(id))
            .filter_map(|a| {
                users.iter().find(|u| u.id == a.user_id).map(|u| PersonRole {
                    user_id: u.id,
                    name: u.name.clone(),
                    role: a.role,
                })
            })
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Some(v)
    } else {
        None
    };
    let can_manage = s.principal.can(Permission::ManageOrgs, id, &tree);
    let form = form.unwrap_or_else(|| OrgForm {
        name: org.name.clone(),
        kind: org.kind.code().into(),
        org_number: org.org_number.clone().unwrap_or_default(),
        parent_id: org.parent_id.map(|p| p.to_string()).unwrap_or_default(),
    });
    Ok(OrgPage {
        ctx: Ctx::for_session(s, "/orgs"),
        can_audit: s.principal.can(Permission::ViewAudit, id, &tree),
        can_assess: s.principal.can(Permission::ViewAssessments, id, &tree),
        can_start: s.principal.can(Permission::ManageAssessments, id, &tree),
        path,
        children,
        people,
        can_manage,
        errors,
        form,
        kinds: OrgKind::ALL.to_vec(),
        parents: parent_options(s, &tree, Some(id)),
        allow_top: s.principal.can_everywhere(Permission::ManageOrgs),
        org,
        saved,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    render(&org_page(&state, &s, id, None, Errors::default(), q.saved.is_some()).await?)
}

pub async fn update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<OrgForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let tree = state.store.org_tree().await?;
    if !s.principal.can(Permission::ViewOrgs, id, &tree) {
        return Err(AppError::NotFound);
    }
    if !s.principal.can(Permission::ManageOrgs, id, &tree) {
        return Err(AppError::Forbidden);
    }
    let errs = match parse_org_form(&f) {
        Ok((name, kind, org_number, parent_id)) => {
            let current_parent = tree.get(id).and_then(|n| n.parent_id);
            if parent_id != current_parent && !may_place(&s, &tree, parent_id) {
                return Err(AppError::Forbidden);
            }
            match state.store.update_org(&actor(&s), id, store::OrgUpdate { name, kind, org_number, parent_id }).await {
                Ok(_) => return Ok(see_other(&format!("/orgs/{id}?saved=1"))),
                Err(store::StoreError::Conflict { field, code }) => {
                    domain::ValidationErrors(vec![domain::FieldError::new(field, code)])
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => e,
    };
    let lang = s.user.language;
    let page = org_page(&state, &s, id, Some(f), Errors::new(lang, &errs.0), false).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Template)]
#[template(path = "org_delete.html")]
struct DeletePage {
    ctx: Ctx,
    org: store::Org,
    dependents: store::Dependents,
    parent: Option<Uuid>,
}

async fn delete_page(state: &SharedState, s: &Session, id: Uuid) -> AppResult<DeletePage> {
    let tree = state.store.org_tree().await?;
    if !s.principal.can(Permission::ViewOrgs, id, &tree) {
        return Err(AppError::NotFound);
    }
    if !s.principal.can(Permission::ManageOrgs, id, &tree) {
        return Err(AppError::Forbidden);
    }
    let org = state.store.find_org(id).await?.ok_or(AppError::NotFound)?;
    let dependents = state.store.org_dependents(id).await?;
    Ok(DeletePage { ctx: Ctx::for_session(s, "/orgs"), parent: org.parent_id, org, dependents })
}

pub async fn delete_confirm(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    render(&delete_page(&state, &s, id).await?)
}

pub async fn delete(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let page = delete_page(&state, &s, id).await?;
    match state.store.delete_org(&actor(&s), id).await {
        Ok(()) => Ok(see_other(&page.parent.map(|p| format!("/orgs/{p}")).unwrap_or_else(|| "/orgs".into()))),
        Err(store::StoreError::Conflict { .. }) => {
            let page = delete_page(&state, &s, id).await?;
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(e) => Err(e.into()),
    }
}
