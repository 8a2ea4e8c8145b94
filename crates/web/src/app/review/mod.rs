//! The management review (ledningens genomgång): listing and starting
//! reviews, loading one the caller may see, compiling its content from the
//! registers, the meeting, comments and decisions, adoption and revision.

use std::sync::Arc;

use chrono::NaiveDate;
use domain::authz::Permission;
use domain::org::OrgTree;
use domain::review::{
    DecisionFields, MeetingFields, ReviewContent, ReviewStatus, SectionKey, holds_review, may_prepare,
};
use store::OrgScope;
use uuid::Uuid;

pub mod assets;
mod compile;
pub mod registers;

use compile::compile_with_documents;
pub use compile::{compile, documents_for, steering_facts};

use super::kept::Kept;
use super::{Caller, Error, Result};
// The cache of parsed models lives with the assessments' pages until the
// assessments have their own module here.
use crate::app::assessment::ModelCache;

/// The default checklist in the organisation's working language (Swedish).
pub fn default_points() -> Vec<String> {
    domain::review::DEFAULT_CHECKLIST.iter().map(|(sv, _)| (*sv).to_owned()).collect()
}

/// A review the caller may see, with the organisation tree it was checked against.
pub struct VisibleReview {
    pub review: store::Review,
    pub tree: OrgTree,
    /// The data's version when the review was read (see [`ReviewCache`]).
    pub data_version: i64,
}

/// The reviews of every organisation the caller may see the plans of.
pub async fn list_reviews(store: &store::Store, caller: &Caller) -> Result<Vec<store::Review>> {
    if !caller.principal.can_somewhere(Permission::ViewPlans) {
        return Err(Error::Forbidden);
    }
    Ok(store.list_reviews(&OrgScope::of(&caller.principal, Permission::ViewPlans)).await?)
}

/// The organisations the caller may start a review for (those that hold
/// one: every organisation but a nämnd, förvaltning or enhet that reports by
/// unit report), with their depth below the caller's roots, in tree order.
pub fn review_orgs(caller: &Caller, tree: &OrgTree) -> Vec<(usize, Uuid)> {
    let mut out: Vec<(usize, Uuid)> = Vec::new();
    let p = &caller.principal;
    let mut roots = p.visible_roots(Permission::ManageReviews, tree);
    for r in p.visible_roots(Permission::ReportUnit, tree) {
        if !roots.contains(&r) {
            roots.push(r);
        }
    }
    for root in roots {
        for (depth, n) in tree.subtree(root) {
            if holds_review(tree, n.id) && may_prepare(p, n.id, tree) && !out.iter().any(|(_, o)| *o == n.id) {
                out.push((depth, n.id));
            }
        }
    }
    out
}

/// Whether the caller may prepare a review anywhere: the CISO, or the
/// coordinator of a part that holds its own review.
fn prepares_somewhere(caller: &Caller, tree: &OrgTree) -> bool {
    caller.principal.can_somewhere(Permission::ManageReviews) || !review_orgs(caller, tree).is_empty()
}

/// Starts the review of `org`'s `year` (a year that [`domain::assessment::Period`]
/// accepts), with the default checklist if the organisation has none yet.
/// An organisation that holds no review, and a bad year, are validation
/// errors; a review that already exists is a conflict.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, org = ?org, year = ?year))]
pub async fn create_review(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    year: Option<i32>,
) -> Result<store::Review> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !prepares_somewhere(caller, &tree) {
        return Err(Error::Forbidden);
    }
    if org.is_some_and(|o| !caller.principal.can(Permission::ViewPlans, o, &tree)) {
        return Err(Error::NotFound);
    }
    if org.is_some_and(|o| !may_prepare(&caller.principal, o, &tree)) {
        return Err(Error::Forbidden);
    }
    // A part that reports by unit report holds no review of its own: say so.
    let choice = match org {
        None => Err(domain::FieldError::new("org_id", "error-org-choose")),
        Some(o) if !holds_review(&tree, o) => Err(domain::FieldError::new("org_id", "error-review-org-reports")),
        Some(o) => Ok(o),
    };
    let year = year
        .and_then(|y| domain::assessment::Period::new(y).ok())
        .ok_or_else(|| domain::FieldError::new("year", "error-period"));
    match (choice, year) {
        (Ok(org), Ok(y)) => {
            let r = store.insert_review(&caller.actor(), org, y.year()).await?;
            store.ensure_points(&caller.actor(), org, &default_points()).await?;
            Ok(r)
        }
        (org, y) => {
            let mut errs = Vec::new();
            if let Err(e) = org {
                errs.push(e);
            }
            if let Err(e) = y {
                errs.push(e);
            }
            Err(Error::Validation(errs))
        }
    }
}

/// Loads a review the caller may see (not found otherwise).
pub async fn load_review(store: &store::Store, caller: &Caller, id: Uuid) -> Result<VisibleReview> {
    let (review, data_version) = store.find_review_versioned(id).await?.ok_or(Error::NotFound)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !caller.principal.can(Permission::ViewPlans, review.org_id, &tree) {
        return Err(Error::NotFound);
    }
    Ok(VisibleReview { review, tree, data_version })
}

/// Loads a review the caller may prepare (draft or not: the store refuses
/// changes to an adopted one).
pub async fn load_for_edit(store: &store::Store, caller: &Caller, id: Uuid) -> Result<VisibleReview> {
    let v = load_review(store, caller, id).await?;
    if !may_prepare(&caller.principal, v.review.org_id, &v.tree) {
        return Err(Error::Forbidden);
    }
    Ok(v)
}

/// The other revisions of a review's year.
pub async fn other_revisions(store: &store::Store, r: &store::Review) -> Result<Vec<store::Review>> {
    Ok(store
        .list_reviews(&OrgScope::Org(r.org_id))
        .await?
        .into_iter()
        .filter(|x| x.year == r.year && x.id != r.id)
        .collect())
}

/// What a review's page, its report and the API show: the content, the
/// decisions and the other revisions of its year.
pub struct ReviewDetail {
    pub content: ReviewContent,
    pub decisions: Vec<store::Decision>,
    pub others: Vec<store::Review>,
    /// The steering documents that apply to the organisation, (id, title):
    /// what a decision on governance may name.
    pub documents: Vec<(Uuid, String)>,
    /// The files attached to its sections.
    pub files: Vec<store::ReviewFile>,
}

/// A cached review detail seen as its content (what templates read).
#[derive(Clone)]
pub struct SharedContent(pub Arc<ReviewDetail>);

impl std::ops::Deref for SharedContent {
    type Target = ReviewContent;

    fn deref(&self) -> &ReviewContent {
        &self.0.content
    }
}

/// Review details keyed on (review, the data's version, today's date). The
/// data's version is the audit head's sequence number: every write that can
/// change what a review compiles (an answer, an action, a unit report, a
/// comment, a decision, an organisation's name) is audited and moves it in
/// its own transaction, so an entry is right for as long as its version is
/// current, in this process and in any other; the date is in the key
/// because what is overdue changes at midnight. A review page read again
/// costs three statements instead of about fifteen. Any write anywhere
/// makes every entry stale, which costs one compile per review and process
/// afterwards. At most [`ReviewCache::CAPACITY`] reviews; it empties when full.
pub(crate) struct ReviewCache(Kept<Uuid, ReviewDetail, (i64, NaiveDate)>);

impl Default for ReviewCache {
    fn default() -> Self {
        ReviewCache(Kept::new(Self::CAPACITY))
    }
}

impl ReviewCache {
    pub(crate) const CAPACITY: usize = 256;

    fn get(&self, id: Uuid, version: i64, today: NaiveDate) -> Option<Arc<ReviewDetail>> {
        self.0.get(&id, (version, today))
    }

    fn put(&self, id: Uuid, version: i64, today: NaiveDate, detail: Arc<ReviewDetail>) {
        self.0.keep(id, (version, today), detail);
    }
}

/// A visible review's content, decisions and other revisions, compiled
/// once per change of the data (see [`ReviewCache`]).
pub async fn detail(store: &store::Store, models: &ModelCache, v: &VisibleReview) -> Result<Arc<ReviewDetail>> {
    let today = domain::clock::today();
    if let Some(d) = models.reviews.get(v.review.id, v.data_version, today) {
        return Ok(d);
    }
    let (content, documents, files) = match &v.review.snapshot {
        Some(json) => (
            serde_json::from_str(json).map_err(Error::internal)?,
            documents_for(store, &v.tree, v.review.org_id).await?.into_iter().map(|d| (d.id, d.data.title)).collect(),
            store.review_files(v.review.id).await?,
        ),
        None => compile_with_documents(store, models, &v.tree, &v.review).await?,
    };
    let d = Arc::new(ReviewDetail {
        content,
        decisions: store.review_decisions(v.review.id).await?,
        others: other_revisions(store, &v.review).await?,
        documents,
        files,
    });
    models.reviews.put(v.review.id, v.data_version, today, d.clone());
    Ok(d)
}

/// The content to show: the frozen snapshot of an adopted review, else compiled now.
pub async fn content(
    store: &store::Store,
    models: &ModelCache,
    tree: &OrgTree,
    r: &store::Review,
) -> Result<ReviewContent> {
    match &r.snapshot {
        Some(json) => serde_json::from_str(json).map_err(Error::internal),
        None => compile(store, models, tree, r).await,
    }
}

/// Sets the meeting's date and participants.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, review = %id))]
pub async fn set_meeting(store: &store::Store, caller: &Caller, id: Uuid, f: &MeetingFields) -> Result<()> {
    let v = load_for_edit(store, caller, id).await?;
    let (date, participants) = domain::review::parse_meeting(f)?;
    Ok(store.update_review_meeting(&caller.actor(), v.review.id, date, &participants).await?)
}

/// Sets the comment on a section (by its code); an empty text clears it.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, review = %id, section = %section))]
pub async fn set_comment(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    section: &str,
    text: &str,
) -> Result<SectionKey> {
    let v = load_for_edit(store, caller, id).await?;
    let section: SectionKey = section.parse()?;
    let text = domain::review::parse_comment(text)?;
    store.set_review_comment(&caller.actor(), v.review.id, section, &text).await?;
    Ok(section)
}

/// Sets the comments of several sections at once (the page's one form:
/// `comment.<section>` fields); an empty text clears one. Authorised before
/// the form is read, so a caller who may not edit learns nothing from it.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, review = %id))]
pub async fn set_comments<'a>(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<SectionKey>> {
    let v = load_for_edit(store, caller, id).await?;
    let comments = domain::review::parse_comments(fields)?;
    store.set_review_comments(&caller.actor(), v.review.id, &comments).await?;
    Ok(comments.into_iter().map(|(k, _)| k).collect())
}

/// Adds a decision.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, review = %id))]
pub async fn add_decision(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    f: &DecisionFields,
) -> Result<store::Decision> {
    let v = load_for_edit(store, caller, id).await?;
    let input = f.parse()?;
    // The document a decision changes must apply to the review's organisation.
    if let Some(doc) = input.document_id {
        let applies = store
            .find_document(doc)
            .await?
            .is_some_and(|d| domain::steering::applies_to(&v.tree, d.org_id, v.review.org_id));
        if !applies {
            return Err(domain::FieldError::new("document_id", "error-steering-unknown").into());
        }
    }
    Ok(store.add_decision(&caller.actor(), v.review.id, input).await?)
}

/// Largest file attached to a review (the request body limit is 2 MiB).
pub const MAX_FILE_BYTES: usize = 1536 * 1024;

/// Attaches a file (the DPO's annual report …) to a section of a draft review.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, review = %id))]
pub async fn add_file(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    section: &str,
    upload: Option<super::steering::Upload>,
) -> Result<store::ReviewFile> {
    let v = load_for_edit(store, caller, id).await?;
    let section: SectionKey = section.trim().parse()?;
    let upload = match upload {
        Some(u) if u.bytes.len() > MAX_FILE_BYTES => {
            return Err(domain::FieldError::new("file", "error-evidence-too-large").into());
        }
        Some(u) if !u.bytes.is_empty() => u,
        _ => return Err(domain::FieldError::new("file", "error-evidence-missing").into()),
    };
    let name = domain::assessment::clean_filename(&upload.filename, "bilaga");
    Ok(store
        .insert_review_file(&caller.actor(), v.review.id, section, &name, &upload.content_type, &upload.bytes)
        .await?)
}

/// A file of a review the caller may see.
#[tracing::instrument(skip_all, err(level = "debug"), fields(file = %file))]
pub async fn review_file(store: &store::Store, caller: &Caller, file: Uuid) -> Result<(store::ReviewFile, Vec<u8>)> {
    let (meta, content) = store.review_file(file).await?.ok_or(Error::NotFound)?;
    load_review(store, caller, meta.review_id).await?;
    Ok((meta, content))
}

/// Deletes a decision.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, review = %id, decision = %decision))]
pub async fn delete_decision(store: &store::Store, caller: &Caller, id: Uuid, decision: Uuid) -> Result<()> {
    let v = load_for_edit(store, caller, id).await?;
    Ok(store.delete_decision(&caller.actor(), v.review.id, decision).await?)
}

/// Adopts a review (management): compiles it, freezes the content with its
/// hash, and turns improvement decisions into actions.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, review = %id))]
pub async fn adopt_review(
    store: &store::Store,
    models: &ModelCache,
    caller: &Caller,
    id: Uuid,
    confirmed: bool,
) -> Result<store::Review> {
    let v = load_review(store, caller, id).await?;
    if !caller.principal.can(Permission::AdoptReviews, v.review.org_id, &v.tree) {
        return Err(Error::Forbidden);
    }
    if v.review.status != ReviewStatus::Draft {
        return Err(Error::Conflict(domain::FieldError::new("status", "error-review-adopted")));
    }
    // The meeting must have been held; what adoption passes over, the user confirms.
    let check = domain::review::adoption_check(&compile(store, models, &v.tree, &v.review).await?);
    if !check.missing.is_empty() {
        return Err(Error::Validation(check.missing));
    }
    if !confirmed {
        return Err(Error::Validation(vec![domain::FieldError::new("confirm", "error-review-adopt-confirm")]));
    }
    adopt_as(store, models, &caller.actor(), &caller.user.name, domain::clock::today(), v.review.id).await?;
    store.find_review(id).await?.ok_or(Error::NotFound)
}

/// Compiles and adopts a review as `actor`, signed by `adopted_by` on
/// `adopted_on`, in one transaction of the store (refused if the review
/// changed since it was compiled). The demo data adopts its reviews so.
#[tracing::instrument(skip_all, err(level = "debug"), fields(review = %id))]
pub async fn adopt_as(
    store: &store::Store,
    models: &ModelCache,
    actor: &store::Actor,
    adopted_by: &str,
    adopted_on: NaiveDate,
    id: Uuid,
) -> Result<Vec<store::Action>> {
    let r = store.find_review(id).await?.ok_or(Error::NotFound)?;
    let tree = store.org_tree().await?;
    let mut c = compile(store, models, &tree, &r).await?;
    c.adopted_by = Some(adopted_by.to_owned());
    c.adopted_on = Some(adopted_on);
    Ok(store.adopt_review(actor, r.id, r.updated_at, &c.canonical_json(), &c.hash()).await?)
}

/// Starts a new draft revision of an adopted review.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, review = %id))]
pub async fn revise_review(store: &store::Store, caller: &Caller, id: Uuid) -> Result<store::Review> {
    let v = load_for_edit(store, caller, id).await?;
    Ok(store.revise_review(&caller.actor(), v.review.id).await?)
}
