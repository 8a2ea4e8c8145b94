//! The organisation tree: view, add, rename, move, delete.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::Permission;
use domain::org::{OrgKind, OrgTree};
use serde::Deserialize;
use uuid::Uuid;

use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::app::{self, org::OrgFields};
use crate::error::AppResult;
use crate::session::{CurrentUser, Session};

pub use crate::app::org::PersonRole;

/// One row of a nested list: markup to open before it and close after it is
/// generated here from depths only, never from user text.
pub struct TreeRow {
    pub id: Uuid,
    pub name: String,
    pub kind: OrgKind,
    pub open: &'static str,
    pub close: String,
    /// Children not shown because the tree is cut at this depth.
    pub hidden: usize,
}

/// Below this many visible organisations the whole tree is shown; above it
/// the two top levels, and search finds the rest.
const TREE_FULL_MAX: usize = 400;

/// Found organisations on one page of a search.
const SEARCH_PAGE: usize = 50;

fn tree_rows(tree: &OrgTree, roots: &[Uuid], max_depth: usize) -> Vec<TreeRow> {
    let flat: Vec<(usize, &domain::org::OrgNode)> =
        roots.iter().flat_map(|r| tree.subtree(*r)).filter(|(d, _)| *d <= max_depth).collect();
    let mut rows = Vec::with_capacity(flat.len());
    for (i, &(d, node)) in flat.iter().enumerate() {
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
        let hidden = if d == max_depth { tree.children(node.id).len() } else { 0 };
        rows.push(TreeRow { id: node.id, name: node.name.clone(), kind: node.kind, open, close, hidden });
    }
    rows
}

/// An organisation to choose in a list, its name indented by depth.
pub struct OrgOption {
    pub id: Uuid,
    pub label: String,
}

/// The organisations under the roots where `s` holds `perm`, indented by
/// depth; `exclude` and its subtree are left out (no cycles).
pub fn org_options(s: &Session, tree: &OrgTree, perm: Permission, exclude: Option<Uuid>) -> Vec<OrgOption> {
    let mut out = Vec::new();
    for root in s.principal.visible_roots(perm, tree) {
        for (d, n) in tree.subtree(root) {
            if exclude.is_some_and(|x| tree.is_in_subtree(x, n.id)) {
                continue;
            }
            out.push(OrgOption { id: n.id, label: format!("{}{}", "– ".repeat(d), n.name) });
        }
    }
    out
}

/// Organisations where the user may add children, for a parent choice.
fn parent_options(s: &Session, tree: &OrgTree, exclude: Option<Uuid>) -> Vec<OrgOption> {
    org_options(s, tree, Permission::ManageOrgs, exclude)
}

/// The tree page's search: words of the name, a kind, a page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TreeQuery {
    q: String,
    kind: String,
    page: String,
}

impl TreeQuery {
    fn link(&self, page: i64) -> String {
        let enc = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
        format!("/orgs?q={}&kind={}&page={page}", enc(&self.q), enc(&self.kind))
    }
}

/// A found organisation and where it sits ("Exempla kommun › Socialnämnden").
pub struct FoundRow {
    pub id: Uuid,
    pub name: String,
    pub kind: OrgKind,
    pub path: String,
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct TreePage {
    ctx: Ctx,
    rows: Vec<TreeRow>,
    can_add: bool,
    q: TreeQuery,
    kinds: Vec<OrgKind>,
    /// Some when searching: the matches of this page.
    found: Option<Vec<FoundRow>>,
    pager: super::Pager,
    /// Shown in place of the whole tree: how many organisations the user sees.
    cut: Option<usize>,
}

pub async fn tree(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<TreeQuery>,
) -> AppResult<Response> {
    let visible = app::org::visible_tree(&state.store, &s.caller()).await?;
    let ctx = Ctx::for_session(&s, "/orgs");
    let kind: Option<OrgKind> = q.kind.parse().ok();
    let (tree, roots) = (&visible.tree, &visible.roots);
    let mut pager = super::Pager { showing: String::new(), prev: None, next: None, label: String::new() };
    let (rows, found, cut) = if q.q.trim().is_empty() && kind.is_none() {
        let total: usize = roots.iter().map(|r| tree.subtree(*r).len()).sum();
        if total <= TREE_FULL_MAX {
            (tree_rows(tree, roots, usize::MAX), None, None)
        } else {
            (tree_rows(tree, roots, 1), None, Some(total))
        }
    } else {
        let hits = tree.search(roots, &q.q, kind);
        let (p, shown) =
            super::Pager::of_slice(&ctx, ("orgs-showing", "orgs-pages"), &q.page, SEARCH_PAGE, &hits, |n| q.link(n));
        pager = p;
        let found = shown
            .iter()
            .map(|n| FoundRow {
                id: n.id,
                name: n.name.clone(),
                kind: n.kind,
                path: tree
                    .path(n.id)
                    .iter()
                    .rev()
                    .skip(1)
                    .rev()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" › "),
            })
            .collect();
        (Vec::new(), Some(found), None)
    };
    render(&TreePage {
        ctx,
        rows,
        can_add: s.principal.can_somewhere(Permission::ManageOrgs),
        q,
        kinds: OrgKind::ALL.to_vec(),
        found,
        pager,
        cut,
    })
}

#[cfg(test)]
mod tests {
    use domain::org::{OrgKind, OrgNode, OrgTree};
    use uuid::Uuid;

    fn node(id: u128, parent: Option<u128>, name: &str) -> OrgNode {
        OrgNode {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            name: name.into(),
            kind: OrgKind::Unit,
            own_review: false,
        }
    }

    #[test]
    fn a_cut_tree_shows_two_levels_and_counts_what_is_below() {
        let t = OrgTree::new(vec![
            node(1, None, "Kommun"),
            node(2, Some(1), "Nämnd"),
            node(3, Some(2), "Förvaltning"),
            node(4, Some(3), "Enhet"),
            node(5, Some(2), "Förvaltning 2"),
        ]);
        let rows = super::tree_rows(&t, &[Uuid::from_u128(1)], 1);
        let names: Vec<(&str, usize)> = rows.iter().map(|r| (r.name.as_str(), r.hidden)).collect();
        assert_eq!(names, [("Kommun", 0), ("Nämnd", 2)]);
        // The nested list is closed as often as it is opened.
        let html: String = rows.iter().map(|r| format!("{}<li>{}", r.open, r.close)).collect();
        assert_eq!(html.matches("<ul>").count(), html.matches("</ul>").count());
        assert_eq!(html.matches("<li>").count(), html.matches("</li>").count());
        let all = super::tree_rows(&t, &[Uuid::from_u128(1)], usize::MAX);
        assert_eq!(all.len(), 5);
        assert!(all.iter().all(|r| r.hidden == 0));
    }
}

#[derive(Template)]
#[template(path = "org_new.html")]
struct NewPage {
    ctx: Ctx,
    errors: Errors,
    kinds: Vec<OrgKind>,
    parents: Vec<OrgOption>,
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
    /// The checkbox: present ("true") when the part holds its own review.
    #[serde(default)]
    pub own_review: bool,
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
    fn fields(&self) -> OrgFields {
        OrgFields {
            name: self.name.clone(),
            kind: self.kind.clone(),
            org_number: self.org_number.clone(),
            parent_id: self.parent_id.clone(),
            own_review: Some(self.own_review),
        }
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
    app::org::authorise_adding(&s.caller())?;
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
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

/// The field errors of a failed use case, or the failure itself.
pub(crate) fn field_errors(e: app::Error) -> AppResult<Vec<domain::FieldError>> {
    match e {
        app::Error::Validation(errs) => Ok(errs),
        app::Error::Conflict(e) => Ok(vec![e]),
        other => Err(other.into()),
    }
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<OrgForm>,
) -> AppResult<Response> {
    let errs = match app::org::create_org(&state.store, &s.caller(), &f.fields()).await {
        Ok(org) => return Ok(see_other(&format!("/orgs/{}", org.id))),
        Err(e) => field_errors(e)?,
    };
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let ctx = Ctx::for_session(&s, "/orgs");
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &NewPage {
            errors: Errors::new(ctx.lang, &errs),
            ctx,
            kinds: OrgKind::ALL.to_vec(),
            parents: parent_options(&s, &tree, None),
            allow_top: s.principal.can_everywhere(Permission::ManageOrgs),
            form: f,
        },
    )
}

/// An organisation on the way from the top to this one.
pub struct PathItem {
    pub id: Uuid,
    pub name: String,
}

/// A child organisation.
pub struct ChildRow {
    pub id: Uuid,
    pub name: String,
    pub kind: OrgKind,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    ctx: Ctx,
    org: store::Org,
    path: Vec<PathItem>,
    children: Vec<ChildRow>,
    people: Option<Vec<PersonRole>>,
    can_manage: bool,
    can_audit: bool,
    can_assess: bool,
    can_start: bool,
    errors: Errors,
    form: OrgForm,
    kinds: Vec<OrgKind>,
    parents: Vec<OrgOption>,
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
    let app::org::OrgOverview { org, tree, people } = app::org::org_overview(&state.store, &s.caller(), id).await?;
    let path = tree
        .path(id)
        .into_iter()
        .filter(|n| s.principal.can(Permission::ViewOrgs, n.id, &tree))
        .map(|n| PathItem { id: n.id, name: n.name.clone() })
        .collect();
    let children = tree
        .children(id)
        .iter()
        .filter_map(|c| tree.get(*c))
        .map(|n| ChildRow { id: n.id, name: n.name.clone(), kind: n.kind })
        .collect();
    let form = form.unwrap_or_else(|| OrgForm {
        name: org.name.clone(),
        kind: org.kind.code().into(),
        org_number: org.org_number.clone().unwrap_or_default(),
        parent_id: org.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        own_review: org.own_review,
    });
    let p = &s.principal;
    Ok(OrgPage {
        ctx: Ctx::for_session(s, "/orgs"),
        can_manage: p.can(Permission::ManageOrgs, id, &tree),
        can_audit: p.can(Permission::ViewAudit, id, &tree),
        can_assess: p.can(Permission::ViewAssessments, id, &tree),
        can_start: p.can(Permission::ManageAssessments, id, &tree),
        path,
        children,
        people,
        errors,
        form,
        kinds: OrgKind::ALL.to_vec(),
        parents: parent_options(s, &tree, Some(id)),
        allow_top: p.can_everywhere(Permission::ManageOrgs),
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
    let errs = match app::org::update_org(&state.store, &s.caller(), id, &f.fields()).await {
        Ok(_) => return Ok(see_other(&format!("/orgs/{id}?saved=1"))),
        Err(e) => field_errors(e)?,
    };
    let lang = s.user.language;
    let page = org_page(&state, &s, id, Some(f), Errors::new(lang, &errs), false).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Template)]
#[template(path = "org_delete.html")]
struct DeletePage {
    ctx: Ctx,
    org: store::Org,
    dependents: store::Dependents,
}

async fn delete_page(state: &SharedState, s: &Session, id: Uuid) -> AppResult<DeletePage> {
    let app::org::Deletion { org, dependents } = app::org::deletion(&state.store, &s.caller(), id).await?;
    Ok(DeletePage { ctx: Ctx::for_session(s, "/orgs"), org, dependents })
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
    match app::org::delete_org(&state.store, &s.caller(), id).await {
        Ok(org) => Ok(see_other(&org.parent_id.map(|p| format!("/orgs/{p}")).unwrap_or_else(|| "/orgs".into()))),
        Err(app::Error::Conflict(_)) => {
            let page = delete_page(&state, &s, id).await?;
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(e) => Err(e.into()),
    }
}
