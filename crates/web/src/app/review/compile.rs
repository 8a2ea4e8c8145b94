//! Compiling a review: loading the facts from the registers (the
//! organisation's assessments, actions, previous review, units' reports,
//! the reviews that roll up into it, the steering documents that apply and
//! the files) for [`domain::review::compile`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use domain::model::Model;
use domain::org::OrgTree;
use domain::plan::Origin;
use domain::review::{
    AssessedPeriod, AuditCopyFacts, ChecklistPoint, ChildReviewFacts, EarlierDecision, PlannedAction, PreviousReview,
    ReportingUnit, ReviewContent, ReviewFacts, ReviewStatus, UnitReportFacts, UnitReportStatus, child_review_orgs,
    reporting_units,
};
use domain::scoring::Answer;
use store::OrgScope;
use uuid::Uuid;

use super::super::Result;
use crate::app::assessment::ModelCache;

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
    Ok(compile_with_documents(store, models, tree, r).await?.0)
}

/// [`compile`], and what is read on the way that the page shows too: the
/// steering documents that apply, (id, title), and the review's files.
pub(super) async fn compile_with_documents(
    store: &store::Store,
    models: &ModelCache,
    tree: &OrgTree,
    r: &store::Review,
) -> Result<(ReviewContent, Vec<(Uuid, String)>, Vec<store::ReviewFile>)> {
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
    let children = children(store, tree, r).await?;
    let documents = steering_facts(store, tree, org).await?;
    let options: Vec<(Uuid, String)> = documents.iter().map(|d| (d.id, d.title.clone())).collect();
    let files = store.review_files(r.id).await?;
    let audits = audit_facts(store, tree, org).await?;
    let attachments = files
        .iter()
        .filter_map(|f| {
            Some(domain::review::Attachment {
                section: f.section.parse().ok()?,
                filename: f.filename.clone(),
                size: f.size,
                sha256: f.sha256.clone(),
            })
        })
        .collect();
    let registers = super::registers::register_facts(store, tree, org, r.year, &units, domain::now()).await?;
    let assets = match &registers.assets {
        Some(own) => Some(super::assets::section(store, tree, org, &units, own).await?).filter(|s| !s.is_empty()),
        None => None,
    };
    let facts = ReviewFacts {
        assets,
        incidents: registers.incidents,
        training: registers.training,
        registers: registers.units,
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
        part: tree.get(org).is_some_and(|n| n.kind.is_part()),
        children,
        documents,
        attachments,
        audits,
        today: domain::clock::today(),
    };
    Ok((domain::review::compile(facts), options, files))
}

/// The reviews that roll up into `r`'s (see [`child_review_orgs`]): each
/// one's latest revision of the year, its decisions and its own checklist
/// statuses (its own report, once submitted).
async fn children(store: &store::Store, tree: &OrgTree, r: &store::Review) -> Result<Vec<ChildReviewFacts>> {
    let ids = child_review_orgs(tree, r.org_id);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Four statements whatever the number of children: their reviews of the
    // year, the decisions of those, their own reports and their checklists.
    let mut latest: HashMap<Uuid, store::Review> = HashMap::new();
    for x in store.reviews_of_year(&ids, r.year).await? {
        if latest.get(&x.org_id).is_none_or(|l| l.revision < x.revision) {
            latest.insert(x.org_id, x);
        }
    }
    let review_ids: Vec<Uuid> = latest.values().map(|x| x.id).collect();
    let decisions = store.decisions_of(&review_ids).await?;
    let reports = store.unit_reports(&ids, r.year).await?;
    let reported: Vec<Uuid> =
        reports.iter().filter(|x| x.status != UnitReportStatus::Draft).map(|x| x.unit_id).collect();
    let points = store.points_of(&reported).await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let review = latest.remove(&id);
        let decisions = match &review {
            Some(x) => decisions.iter().filter(|(rid, _)| *rid == x.id).map(|(_, d)| d.data.clone()).collect(),
            None => Vec::new(),
        };
        let own = match reports.iter().find(|x| x.unit_id == id && x.status != UnitReportStatus::Draft) {
            Some(report) => points
                .iter()
                .filter(|p| p.org_id == id && p.active)
                .filter_map(|p| {
                    report.items.iter().find(|(i, _, _)| *i == p.id).map(|(_, st, _)| (p.text.clone(), *st))
                })
                .collect(),
            None => Vec::new(),
        };
        out.push(ChildReviewFacts {
            name: tree.get(id).map(|n| n.name.clone()).unwrap_or_default(),
            orgs: tree.subtree(id).into_iter().map(|(_, n)| n.id).collect(),
            status: review.as_ref().map(|x| x.status),
            meeting_date: review.as_ref().and_then(|x| x.meeting_date),
            adopted_on: review.as_ref().and_then(adopted_on),
            decisions,
            points: own,
        });
    }
    Ok(out)
}

/// The open copies of audits' recommendations addressed to `org` and the
/// organisations below it, with their audits' titles and answer dates: two
/// statements (one when there is no open copy), by audit title, then
/// in the recommendations' order, each recommendation's bodies in tree order.
async fn audit_facts(store: &store::Store, tree: &OrgTree, org: Uuid) -> Result<Vec<AuditCopyFacts>> {
    let open = crate::app::audits::open_copies(store, &OrgScope::Subtree(org), domain::clock::today()).await?;
    let place: HashMap<Uuid, usize> = tree.nodes().enumerate().map(|(i, n)| (n.id, i)).collect();
    // The store reads by audit, the recommendations' order, then body: keep
    // a recommendation's copies together (at its first copy's place), its
    // bodies in tree order.
    let mut first: HashMap<Uuid, usize> = HashMap::new();
    let mut rows: Vec<((String, Uuid, usize, usize), AuditCopyFacts)> = Vec::with_capacity(open.len());
    for (i, c) in open.into_iter().enumerate() {
        let t = c.target;
        let at = *first.entry(t.recommendation_id).or_insert(i);
        let key = (c.audit_title.clone(), c.audit_id, at, place.get(&t.org_id).copied().unwrap_or(usize::MAX));
        rows.push((
            key,
            AuditCopyFacts {
                target: t.id,
                audit: c.audit_title,
                recommendation: c.recommendation,
                body: tree.get(t.org_id).map(|n| n.name.clone()).unwrap_or_default(),
                status: t.status,
                answered: t.response.is_some(),
                responses_due: c.responses_due,
            },
        ));
    }
    rows.sort_by(|(a, _), (b, _)| a.cmp(b));
    Ok(rows.into_iter().map(|(_, f)| f).collect())
}

/// The steering documents that apply to `org` (decided by it or an
/// organisation above it), with its own implementation of each and, for its
/// own documents, how far its implementing organisations have come.
pub async fn steering_facts(
    store: &store::Store,
    tree: &OrgTree,
    org: Uuid,
) -> Result<Vec<domain::review::SteeringFacts>> {
    let docs = documents_for(store, tree, org).await?;
    let ids: Vec<Uuid> = docs.iter().map(|d| d.id).collect();
    let recorded = store.implementations(&ids).await?;
    let mut docs = docs;
    // The most general first (policy, guideline …), then by title.
    docs.sort_by(|a, b| (a.data.kind, &a.data.title).cmp(&(b.data.kind, &b.data.title)));
    Ok(docs
        .into_iter()
        .map(|d| {
            let own = d.org_id == org;
            let counts = if own {
                let orgs = domain::steering::implementing_orgs(tree, org);
                let of_doc: Vec<(Uuid, domain::steering::Implementation)> =
                    recorded.iter().filter(|x| x.document_id == d.id).map(|x| (x.org_id, x.status)).collect();
                domain::steering::tally(&orgs, &of_doc)
            } else {
                Vec::new()
            };
            domain::review::SteeringFacts {
                id: d.id,
                implementation: recorded.iter().find(|x| x.document_id == d.id && x.org_id == org).map(|x| x.status),
                title: d.data.title,
                kind: d.data.kind,
                status: d.data.status,
                decided_by: d.data.decided_by,
                decided_on: d.data.decided_on,
                next_review: d.data.next_review,
                own,
                counts,
            }
        })
        .collect())
}

/// The steering documents that apply to `org` (its own and those above it), by title.
pub async fn documents_for(store: &store::Store, tree: &OrgTree, org: Uuid) -> Result<Vec<store::Document>> {
    let path: Vec<Uuid> = tree.path(org).iter().map(|n| n.id).collect();
    Ok(store.documents_of(&path).await?)
}

/// The day a review was adopted, as its frozen content says (the day
/// signed, which the demo data sets in the past), else the day it was stored.
fn adopted_on(r: &store::Review) -> Option<NaiveDate> {
    #[derive(serde::Deserialize)]
    struct Signed {
        adopted_on: Option<NaiveDate>,
    }
    let signed = r.snapshot.as_deref().and_then(|j| serde_json::from_str::<Signed>(j).ok()).and_then(|s| s.adopted_on);
    signed.or(r.adopted_at.map(|t| t.date_naive()))
}
