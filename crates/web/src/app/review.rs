//! The management review (ledningens genomgång): listing and starting
//! reviews, loading one the caller may see, compiling its content from the
//! registers, the meeting, comments and decisions, adoption and revision.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use domain::authz::Permission;
use domain::model::Model;
use domain::org::OrgTree;
use domain::plan::Origin;
use domain::review::{
    AssessedPeriod, ChecklistPoint, DecisionFields, EarlierDecision, MeetingFields, PlannedAction, PreviousReview,
    ReportingUnit, ReviewContent, ReviewFacts, ReviewStatus, SectionKey, UnitReportFacts, reporting_units,
};
use domain::scoring::Answer;
use store::OrgScope;
use uuid::Uuid;

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
/// one: not a nämnd, förvaltning or enhet), with their depth below the
/// caller's roots, in tree order.
pub fn review_orgs(caller: &Caller, tree: &OrgTree) -> Vec<(usize, Uuid)> {
    let mut out = Vec::new();
    for root in caller.principal.visible_roots(Permission::ManageReviews, tree) {
        for (depth, n) in tree.subtree(root) {
            if domain::review::review_org(tree, n.id) == Some(n.id) {
                out.push((depth, n.id));
            }
        }
    }
    out
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
    if !caller.principal.can_somewhere(Permission::ManageReviews) {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if org.is_some_and(|o| !caller.principal.can(Permission::ManageReviews, o, &tree)) {
        return Err(Error::NotFound);
    }
    let org = org.filter(|o| domain::review::review_org(&tree, *o) == Some(*o));
    let year = year
        .and_then(|y| domain::assessment::Period::new(y).ok())
        .ok_or_else(|| domain::FieldError::new("year", "error-period"));
    match (org, year) {
        (Some(org), Ok(y)) => {
            let r = store.insert_review(&caller.actor(), org, y.year()).await?;
            store.ensure_points(&caller.actor(), org, &default_points()).await?;
            Ok(r)
        }
        (org, y) => {
            let mut errs = Vec::new();
            if org.is_none() {
                errs.push(domain::FieldError::new("org_id", "error-org-choose"));
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
    if !caller.principal.can(Permission::ManageReviews, v.review.org_id, &v.tree) {
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
    let d = Arc::new(ReviewDetail {
        content: content(store, models, &v.tree, &v.review).await?,
        decisions: store.review_decisions(v.review.id).await?,
        others: other_revisions(store, &v.review).await?,
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

/// An assessment with its model and answers, for compiling a review.
struct LoadedAssessment {
    period: i32,
    status: &'static str,
    model: Arc<Model>,
    answers: HashMap<String, Answer>,
}

async fn model(store: &store::Store, models: &ModelCache, id: Uuid) -> Result<Arc<Model>> {
    models.get(store, id).await
}

/// Compiles a review's content from the registers as they are now: loads
/// the facts and lets [`domain::review::compile`] do the rest.
#[tracing::instrument(skip_all, err(level = "debug"), fields(review = %r.id))]
pub async fn compile(
    store: &store::Store,
    models: &ModelCache,
    tree: &OrgTree,
    r: &store::Review,
) -> Result<ReviewContent> {
    let org = r.org_id;
    // Assessments of the organisation itself, the newest revision of each period up to the review's year.
    let mut by_period: BTreeMap<i32, (store::Assessment, i64)> = BTreeMap::new();
    for (a, version) in store.list_assessments_versioned(&OrgScope::Org(org)).await? {
        if a.period <= r.year {
            by_period.entry(a.period).or_insert((a, version));
        }
    }
    let mut loaded: Vec<LoadedAssessment> = Vec::new();
    for (period, (a, version)) in &by_period {
        let model = model(store, models, a.model_id).await?;
        let answers = models
            .answers
            .get(store, a.id, *version)
            .await?
            .iter()
            .map(|x| (x.question_id.clone(), Answer::from_code(&x.answer)))
            .collect();
        loaded.push(LoadedAssessment { period: *period, status: a.status.code(), model, answers });
    }
    let actions = store.list_actions(&OrgScope::Subtree(org)).await?;
    // The previous year's adopted review and what became of its decisions.
    let previous = store
        .list_reviews(&OrgScope::Org(org))
        .await?
        .into_iter()
        .find(|p| p.year < r.year && p.status == ReviewStatus::Adopted);
    let previous = match previous {
        None => None,
        Some(p) => {
            let ds = store.review_decisions(p.id).await?;
            let refs: Vec<String> = ds.iter().map(|d| d.root_id.to_string()).collect();
            let linked = store.actions_from(Origin::Review, &refs).await?;
            let decisions = ds
                .into_iter()
                .map(|d| {
                    let root = d.root_id.to_string();
                    EarlierDecision {
                        action_status: linked.iter().find(|a| a.data.origin_ref == root).map(|a| a.data.status),
                        decision: d.data,
                    }
                })
                .collect();
            Some(PreviousReview { year: p.year, decisions })
        }
    };
    // The units' yearly reports against the checklist.
    let units = reporting_units(tree, org);
    let reports = store.unit_reports(&units, r.year).await?;
    let name = |id: Uuid| tree.get(id).map(|n| n.name.clone()).unwrap_or_default();
    let points = store.list_points(org).await?;
    let facts = ReviewFacts {
        org_id: org,
        org_name: name(org),
        year: r.year,
        revision: r.revision,
        meeting_date: r.meeting_date,
        participants: r.participants.clone(),
        adopted_by: r.adopted_by.clone(),
        adopted_on: r.adopted_at.map(|t| t.date_naive()),
        assessments: loaded
            .iter()
            .map(|x| AssessedPeriod {
                period: x.period,
                status: x.status.to_owned(),
                model: &x.model,
                answers: &x.answers,
            })
            .collect(),
        actions: actions.iter().map(|a| PlannedAction { org_id: a.org_id, data: &a.data }).collect(),
        previous,
        units: units.iter().map(|u| ReportingUnit { id: *u, name: name(*u) }).collect(),
        reports: reports
            .into_iter()
            .map(|x| UnitReportFacts {
                unit_id: x.unit_id,
                status: x.status,
                items: x.items.iter().map(|(p, s, _)| (*p, *s)).collect(),
            })
            .collect(),
        points: points.into_iter().filter(|p| p.active).map(|p| ChecklistPoint { id: p.id, text: p.text }).collect(),
        comments: store.review_comments(r.id).await?,
        decisions: store.review_decisions(r.id).await?.into_iter().map(|d| d.data).collect(),
        today: domain::clock::today(),
    };
    Ok(domain::review::compile(facts))
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
    Ok(store.add_decision(&caller.actor(), v.review.id, f.parse()?).await?)
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
