//! Steering documents (styrdokument): the register, one document with its
//! versions and implementation, and the writes. A document applies to the
//! subtree of the organisation that decided it, so a förvaltning reads the
//! kommun's guideline; it never reads another förvaltning's or bolag's own
//! documents, nor how far another organisation has implemented one.

use domain::authz::Permission;
use domain::org::OrgTree;
use domain::review::may_prepare;
use domain::steering::{DocumentFields, DocumentInput, Implementation, VersionFields, applies_to, implementing_orgs};
use store::OrgScope;
use uuid::Uuid;

use super::{Caller, Error, Result};

/// Largest file of a version (the request body limit is 2 MiB).
pub const MAX_FILE_BYTES: usize = 1536 * 1024;

/// A document the caller may read, with the tree it was checked against.
pub struct VisibleDocument {
    pub doc: store::Document,
    pub tree: OrgTree,
    /// The caller may change the document and add versions.
    pub may_write: bool,
}

/// Whether the caller may read documents at all.
fn ensure_reader(caller: &Caller) -> Result<()> {
    if caller.principal.can_somewhere(Permission::ViewPlans) { Ok(()) } else { Err(Error::Forbidden) }
}

/// Whether `org`'s documents are the caller's to keep: its CISO, or the
/// coordinator of a part that holds its own review (the same people who
/// prepare its review).
pub fn may_write(caller: &Caller, org: Uuid, tree: &OrgTree) -> bool {
    may_prepare(&caller.principal, org, tree)
}

/// Whether the caller reads a document of `org`: one of an organisation in
/// their scope or above it (what applies to them).
fn may_read(caller: &Caller, org: Uuid, tree: &OrgTree) -> bool {
    let p = &caller.principal;
    p.can(Permission::ViewPlans, org, tree)
        || p.assignments
            .iter()
            .filter(|a| Permission::ViewPlans.granted_to(a.role))
            .filter_map(|a| a.org_id)
            .any(|o| tree.is_in_subtree(org, o))
}

/// The documents the caller reads: those of the organisations in their
/// scope and of those above them, by title.
pub async fn list_documents(store: &store::Store, caller: &Caller) -> Result<Vec<store::Document>> {
    ensure_reader(caller)?;
    Ok(store.list_documents(&OrgScope::of_and_above(&caller.principal, Permission::ViewPlans)).await?)
}

/// The organisations the caller may add documents for, with their depth, in tree order.
pub fn writable_orgs(caller: &Caller, tree: &OrgTree) -> Vec<(usize, Uuid)> {
    super::review::review_orgs(caller, tree)
}

/// Loads a document the caller may read (not found otherwise).
pub async fn load_document(store: &store::Store, caller: &Caller, id: Uuid) -> Result<VisibleDocument> {
    ensure_reader(caller)?;
    let doc = store.find_document(id).await?.ok_or(Error::NotFound)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !may_read(caller, doc.org_id, &tree) {
        return Err(Error::NotFound);
    }
    let may_write = may_write(caller, doc.org_id, &tree);
    Ok(VisibleDocument { doc, tree, may_write })
}

/// Checks a parent document: one that applies to `org` (the guideline an
/// application directive belongs to, decided by `org` or above it).
async fn check_parent(store: &store::Store, tree: &OrgTree, org: Uuid, input: &DocumentInput) -> Result<()> {
    if let Some(parent) = input.parent_id {
        let ok = store.find_document(parent).await?.is_some_and(|p| applies_to(tree, p.org_id, org));
        if !ok {
            return Err(domain::FieldError::new("parent_id", "error-steering-parent-unknown").into());
        }
    }
    Ok(())
}

/// Adds a document decided by `org`.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, org = ?org))]
pub async fn create_document(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    f: &DocumentFields,
) -> Result<store::Document> {
    ensure_reader(caller)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if writable_orgs(caller, &tree).is_empty() {
        return Err(Error::Forbidden);
    }
    let org = match org {
        Some(o) if !caller.principal.can(Permission::ViewPlans, o, &tree) => return Err(Error::NotFound),
        Some(o) if !may_write(caller, o, &tree) => return Err(Error::Forbidden),
        Some(o) => Ok(o),
        None => Err(domain::FieldError::new("org_id", "error-org-choose")),
    };
    let input = f.parse();
    let (org, input) = match (org, input) {
        (Ok(o), Ok(i)) => (o, i),
        (o, i) => {
            let mut errs = Vec::new();
            if let Err(e) = o {
                errs.push(e);
            }
            if let Err(e) = i {
                errs.extend(e.0);
            }
            return Err(Error::Validation(errs));
        }
    };
    check_parent(store, &tree, org, &input).await?;
    Ok(store.insert_document(&caller.actor(), org, input).await?)
}

/// Changes a document; `expected` is the version (its `updated_at`) the
/// change was made against.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, document = %id))]
pub async fn update_document(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    expected: Option<chrono::DateTime<chrono::Utc>>,
    f: &DocumentFields,
) -> Result<store::Document> {
    let v = load_document(store, caller, id).await?;
    if !v.may_write {
        return Err(Error::Forbidden);
    }
    let input = f.parse()?;
    if input.parent_id == Some(id) {
        return Err(domain::FieldError::new("parent_id", "error-steering-parent-cycle").into());
    }
    check_parent(store, &v.tree, v.doc.org_id, &input).await?;
    Ok(store.update_document(&caller.actor(), id, expected, input).await?)
}

/// One organisation's implementation of a document, as the caller sees it.
pub struct ImplementationRow {
    pub org_id: Uuid,
    pub org: String,
    pub status: Implementation,
    pub note: String,
    pub updated: Option<(String, chrono::DateTime<chrono::Utc>)>,
    /// The caller records this organisation's implementation.
    pub may_set: bool,
}

/// The organisations whose implementation of the document the caller sees:
/// those it applies to that the caller may read the plans of.
pub async fn implementation_rows(
    store: &store::Store,
    caller: &Caller,
    v: &VisibleDocument,
) -> Result<Vec<ImplementationRow>> {
    let recorded = store.implementations(&[v.doc.id]).await?;
    let p = &caller.principal;
    Ok(implementing_orgs(&v.tree, v.doc.org_id)
        .into_iter()
        .filter(|o| p.can(Permission::ViewPlans, *o, &v.tree))
        .map(|o| {
            let r = recorded.iter().find(|x| x.org_id == o);
            ImplementationRow {
                org_id: o,
                org: v.tree.get(o).map(|n| n.name.clone()).unwrap_or_default(),
                status: r.map_or(Implementation::NotStarted, |x| x.status),
                note: r.map(|x| x.note.clone()).unwrap_or_default(),
                updated: r.map(|x| (x.updated_by.clone(), x.updated_at)),
                may_set: may_write(caller, o, &v.tree),
            }
        })
        .collect())
}

/// Records how far `org` has implemented the document: by the
/// organisation's CISO or coordinator, for an organisation it applies to.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, document = %id, org = %org))]
pub async fn set_implementation(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    org: Uuid,
    status: &str,
    note: &str,
) -> Result<()> {
    let v = load_document(store, caller, id).await?;
    if !caller.principal.can(Permission::ViewPlans, org, &v.tree)
        || !implementing_orgs(&v.tree, v.doc.org_id).contains(&org)
    {
        return Err(Error::NotFound);
    }
    if !may_write(caller, org, &v.tree) {
        return Err(Error::Forbidden);
    }
    let mut errs = domain::ValidationErrors::default();
    let status = errs.check(status.trim().parse::<Implementation>());
    let note = errs.check(domain::steering::parse_implementation_note(note));
    errs.clone().into_result()?;
    let (Some(status), Some(note)) = (status, note) else { return Err(Error::Validation(errs.0)) };
    Ok(store.set_implementation(&caller.actor(), id, org, status, &note).await?)
}

/// A file as uploaded with a version.
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Adds a version of a document, with its file if one is given (empty or
/// too large is refused).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, document = %id))]
pub async fn add_version(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    f: &VersionFields,
    upload: Option<Upload>,
) -> Result<store::DocVersion> {
    let v = load_document(store, caller, id).await?;
    if !v.may_write {
        return Err(Error::Forbidden);
    }
    let mut errs = match f.parse() {
        Ok(_) => Vec::new(),
        Err(e) => e.0,
    };
    if let Some(u) = &upload {
        if u.bytes.len() > MAX_FILE_BYTES {
            errs.push(domain::FieldError::new("file", "error-evidence-too-large"));
        } else if u.bytes.is_empty() {
            errs.push(domain::FieldError::new("file", "error-evidence-missing"));
        }
    }
    if !errs.is_empty() {
        return Err(Error::Validation(errs));
    }
    let input = f.parse()?;
    let name = upload.as_ref().map(|u| domain::assessment::clean_filename(&u.filename, "styrdokument"));
    let file = match (&upload, &name) {
        (Some(u), Some(n)) => {
            Some(store::VersionFile { filename: n, content_type: &u.content_type, content: &u.bytes })
        }
        _ => None,
    };
    Ok(store.insert_version(&caller.actor(), id, input, file).await?)
}

/// A version's file, if the caller may read its document.
#[tracing::instrument(skip_all, err(level = "debug"), fields(version = %version))]
pub async fn version_file(
    store: &store::Store,
    caller: &Caller,
    version: Uuid,
) -> Result<(store::DocVersion, Vec<u8>)> {
    let (meta, content) = store.version_file(version).await?.ok_or(Error::NotFound)?;
    load_document(store, caller, meta.document_id).await?;
    Ok((meta, content))
}
