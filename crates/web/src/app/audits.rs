//! Audits of the organisation (granskning, seed 004): the register, one
//! audit with its questions, findings and recommendations, each audited
//! body's answers, the follow-up of every body's copy until it is closed,
//! and an action in the plan made from a planned measure.
//!
//! Who sees what: a reader of the plans of the organisation that keeps the
//! audit (the auditor's, or the audited organisation's for a supervision)
//! sees the whole audit; a reader of one audited body's plans sees the audit,
//! its questions and findings, and only the recommendations addressed to a
//! body in their scope with those bodies' copies. A bolag never sees
//! another bolag's recommendations or answers.

use std::collections::HashMap;

use domain::audits::{
    AuditFields, FindingFields, QuestionFields, ResponseFields, TargetStatus, may_move, parse_note,
    parse_recommendation,
};
use domain::authz::Permission;
use domain::org::OrgTree;
use domain::plan::{ActionFields, Origin};
use store::OrgScope;
use uuid::Uuid;

use super::{Caller, Error, Result};

/// Largest audit report file (the request body limit is 2 MiB).
pub const MAX_REPORT_BYTES: usize = 1536 * 1024;

/// An audit the caller may read, with the tree it was checked against.
pub struct VisibleAudit {
    pub audit: store::OrgAudit,
    pub tree: OrgTree,
    /// The caller reads every body's copy (the plans of the keeping organisation).
    pub full: bool,
    /// The caller writes the audit: questions, findings, recommendations, report.
    pub may_manage: bool,
}

impl VisibleAudit {
    /// Whether the caller reads `org`'s copies of recommendations.
    pub fn sees(&self, caller: &Caller, org: Uuid) -> bool {
        self.full || caller.principal.can(Permission::ViewPlans, org, &self.tree)
    }

    /// The audited bodies the caller sees, in tree order.
    pub fn visible_bodies(&self, caller: &Caller) -> Vec<Uuid> {
        let mut out: Vec<Uuid> = self.audit.bodies.iter().copied().filter(|b| self.sees(caller, *b)).collect();
        let order: HashMap<Uuid, usize> = self.tree.nodes().enumerate().map(|(i, n)| (n.id, i)).collect();
        out.sort_by_key(|b| order.get(b).copied().unwrap_or(usize::MAX));
        out
    }

    pub fn org_name(&self, org: Uuid) -> String {
        self.tree.get(org).map(|n| n.name.clone()).unwrap_or_default()
    }
}

fn ensure_reader(caller: &Caller) -> Result<()> {
    if caller.principal.can_somewhere(Permission::ViewPlans) { Ok(()) } else { Err(Error::Forbidden) }
}

/// The audits the caller reads: those kept by an organisation in their scope
/// and those auditing one of their organisations.
pub async fn list_audits(store: &store::Store, caller: &Caller) -> Result<Vec<store::OrgAudit>> {
    ensure_reader(caller)?;
    Ok(store.list_org_audits(&OrgScope::of(&caller.principal, Permission::ViewPlans)).await?)
}

/// The organisations the caller may keep an audit under (auditor there), with their depth.
pub fn auditing_orgs(caller: &Caller, tree: &OrgTree) -> Vec<(usize, Uuid)> {
    let mut out = Vec::new();
    for root in caller.principal.visible_roots(Permission::ManageAudits, tree) {
        for (depth, n) in tree.subtree(root) {
            out.push((depth, n.id));
        }
    }
    out
}

/// Loads an audit the caller may read (not found otherwise).
pub async fn load_audit(store: &store::Store, caller: &Caller, id: Uuid) -> Result<VisibleAudit> {
    ensure_reader(caller)?;
    let audit = store.find_org_audit(id).await?.ok_or(Error::NotFound)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let p = &caller.principal;
    let full = p.can(Permission::ViewPlans, audit.org_id, &tree);
    if !full && !audit.bodies.iter().any(|b| p.can(Permission::ViewPlans, *b, &tree)) {
        return Err(Error::NotFound);
    }
    let may_manage = p.can(Permission::ManageAudits, audit.org_id, &tree);
    Ok(VisibleAudit { audit, tree, full, may_manage })
}

/// An audited body's self-assessment result for the areas a question names.
#[derive(Debug, Clone)]
pub struct AreaResult {
    pub org_id: Uuid,
    pub period: i32,
    pub area: String,
    /// The area's name in the body's model.
    pub area_name: domain::model::Text,
    /// The share of the area's points met, whole percent.
    pub percent: u32,
    pub answered: usize,
    pub questions: usize,
}

/// One audit as the caller reads it.
pub struct AuditDetail {
    pub v: VisibleAudit,
    pub questions: Vec<store::AuditQuestion>,
    pub findings: Vec<store::AuditFinding>,
    /// Only the copies the caller sees; recommendations with none left out.
    pub recommendations: Vec<store::Recommendation>,
    /// The audit this one follows up, if the caller reads it: (id, title).
    pub follows_up: Option<(Uuid, String)>,
    /// The open copies of the followed-up audit the caller sees: what this
    /// follow-up reassesses.
    pub to_reassess: Vec<(store::Target, String)>,
    /// The latest self-assessment results of the areas the questions name,
    /// per visible audited body.
    pub area_results: Vec<AreaResult>,
    /// Actions made from the copies shown, by copy.
    pub actions: Vec<store::Action>,
}

/// Keeps only the copies the caller sees, and the recommendations with one.
fn visible_recommendations(
    caller: &Caller,
    v: &VisibleAudit,
    recs: Vec<store::Recommendation>,
) -> Vec<store::Recommendation> {
    recs.into_iter()
        .map(|mut r| {
            r.targets.retain(|t| v.sees(caller, t.org_id));
            r
        })
        .filter(|r| !r.targets.is_empty())
        .collect()
}

/// Reads an audit with everything the caller sees of it.
pub async fn audit_detail(
    store: &store::Store,
    models: &super::assessment::ModelCache,
    caller: &Caller,
    id: Uuid,
) -> Result<AuditDetail> {
    let v = load_audit(store, caller, id).await?;
    let questions = store.audit_questions(id).await?;
    let findings = store.audit_findings(id).await?;
    let recommendations = visible_recommendations(caller, &v, store.recommendations(id).await?);
    let (follows_up, to_reassess) = match v.audit.data.follows_up {
        Some(prev) => match load_audit(store, caller, prev).await {
            Ok(pv) => {
                let recs = visible_recommendations(caller, &pv, store.recommendations(prev).await?);
                let open = recs
                    .into_iter()
                    .flat_map(|r| {
                        let text = r.text.clone();
                        r.targets.into_iter().map(move |t| (t, text.clone()))
                    })
                    .filter(|(t, _)| t.status != TargetStatus::Closed)
                    .collect();
                (Some((prev, pv.audit.data.title.clone())), open)
            }
            Err(Error::NotFound | Error::Forbidden) => (None, Vec::new()),
            Err(e) => return Err(e),
        },
        None => (None, Vec::new()),
    };
    let areas: Vec<String> = {
        let mut a: Vec<String> = questions.iter().flat_map(|q| q.data.areas.iter().cloned()).collect();
        a.sort();
        a.dedup();
        a
    };
    let area_results = if areas.is_empty() {
        Vec::new()
    } else {
        area_results(store, models, &v.visible_bodies(caller), &areas).await?
    };
    let refs: Vec<String> = recommendations
        .iter()
        .flat_map(|r| r.targets.iter().map(|t| domain::audits::action_ref(t.id)))
        .chain(to_reassess.iter().map(|(t, _)| domain::audits::action_ref(t.id)))
        .collect();
    let actions = if refs.is_empty() { Vec::new() } else { store.actions_from(Origin::Audit, &refs).await? };
    Ok(AuditDetail { v, questions, findings, recommendations, follows_up, to_reassess, area_results, actions })
}

/// The latest self-assessment of each body (approved or locked before a
/// draft), scored for `areas`: one read of assessments and one of answers
/// per audited body shown, bounded by the audit's bodies.
async fn area_results(
    store: &store::Store,
    models: &super::assessment::ModelCache,
    bodies: &[Uuid],
    areas: &[String],
) -> Result<Vec<AreaResult>> {
    let mut out = Vec::new();
    for b in bodies.iter().take(domain::audits::MAX_ITEMS) {
        let list = store.list_assessments(&OrgScope::Org(*b)).await?;
        let latest =
            list.into_iter().max_by_key(|a| (a.status != domain::assessment::Status::Draft, a.period, a.revision));
        let Some(a) = latest else { continue };
        let model = models.get(store, a.model_id).await?;
        let outcome = super::assessment::score_stored(store, models, &a).await?;
        for area in areas {
            if let Some(r) = outcome.area(area) {
                out.push(AreaResult {
                    org_id: *b,
                    period: a.period,
                    area: area.clone(),
                    area_name: model
                        .areas
                        .iter()
                        .find(|x| &x.id == area)
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| domain::model::Text { sv: area.clone(), en: String::new() }),
                    percent: r.tally.percent(),
                    answered: r.answered,
                    questions: r.questions,
                });
            }
        }
    }
    Ok(out)
}

/// Adds an audit kept under `org` of the chosen `bodies` (organisations of
/// `org`'s subtree), by its auditor.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, org = ?org))]
pub async fn create_audit(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    bodies: &[Uuid],
    f: &AuditFields,
) -> Result<store::OrgAudit> {
    let p = &caller.principal;
    if !p.can_somewhere(Permission::ManageAudits) {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(p, caller.data_version).await?;
    let mut errs: Vec<domain::FieldError> = Vec::new();
    match org {
        Some(o) if !p.can(Permission::ViewPlans, o, &tree) => return Err(Error::NotFound),
        Some(o) if !p.can(Permission::ManageAudits, o, &tree) => return Err(Error::Forbidden),
        Some(_) => {}
        None => errs.push(domain::FieldError::new("org_id", "error-org-choose")),
    }
    let input = match f.parse() {
        Ok(i) => Some(i),
        Err(e) => {
            errs.extend(e.0);
            None
        }
    };
    let mut chosen: Vec<Uuid> = Vec::new();
    for b in bodies {
        if !chosen.contains(b) {
            chosen.push(*b);
        }
    }
    if chosen.is_empty() {
        errs.push(domain::FieldError::new("bodies", "error-audit-no-target"));
    } else if chosen.len() > domain::audits::MAX_ITEMS {
        errs.push(domain::FieldError::new("bodies", "error-audit-too-many"));
    } else if let Some(o) = org
        && chosen.iter().any(|b| !tree.is_in_subtree(o, *b))
    {
        errs.push(domain::FieldError::new("bodies", "error-audit-body-outside"));
    }
    if let (Some(o), Some(i)) = (org, &input)
        && let Some(prev) = i.follows_up
    {
        let ok = match store.find_org_audit(prev).await? {
            Some(a) => a.org_id == o,
            None => false,
        };
        if !ok {
            errs.push(domain::FieldError::new("follows_up", "error-audit-follows-up"));
        }
    }
    match (org, input) {
        (Some(o), Some(i)) if errs.is_empty() => Ok(store.insert_org_audit(&caller.actor(), o, i, &chosen).await?),
        _ => Err(Error::Validation(errs)),
    }
}

/// Loads an audit the caller manages (forbidden if they only read it).
async fn load_managed(store: &store::Store, caller: &Caller, id: Uuid) -> Result<VisibleAudit> {
    let v = load_audit(store, caller, id).await?;
    if !v.may_manage {
        return Err(Error::Forbidden);
    }
    Ok(v)
}

/// Adds an audit question with the auditor's assessment.
pub async fn add_question(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    f: &QuestionFields,
) -> Result<store::AuditQuestion> {
    load_managed(store, caller, id).await?;
    Ok(store.add_audit_question(&caller.actor(), id, f.parse()?).await?)
}

/// Changes a question: its text, areas, assessment and motivation.
pub async fn update_question(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    question: Uuid,
    f: &QuestionFields,
) -> Result<()> {
    load_managed(store, caller, id).await?;
    Ok(store.update_audit_question(&caller.actor(), id, question, f.parse()?).await?)
}

/// Adds a finding under an area.
pub async fn add_finding(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    f: &FindingFields,
) -> Result<store::AuditFinding> {
    load_managed(store, caller, id).await?;
    Ok(store.add_audit_finding(&caller.actor(), id, f.parse()?).await?)
}

/// Adds a recommendation to the chosen audited bodies (or all of them):
/// every body gets its own copy to answer.
pub async fn add_recommendation(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    text: &str,
    chosen: &[Uuid],
    to_all: bool,
) -> Result<store::Recommendation> {
    let v = load_managed(store, caller, id).await?;
    let input = parse_recommendation(text, chosen, to_all, &v.audit.bodies)?;
    Ok(store.add_recommendation(&caller.actor(), id, input).await?)
}

/// Stores the audit report's file.
pub async fn set_report(store: &store::Store, caller: &Caller, id: Uuid, filename: &str, bytes: &[u8]) -> Result<()> {
    load_managed(store, caller, id).await?;
    if bytes.is_empty() {
        return Err(domain::FieldError::new("file", "error-evidence-missing").into());
    }
    if bytes.len() > MAX_REPORT_BYTES {
        return Err(domain::FieldError::new("file", "error-evidence-too-large").into());
    }
    let name = domain::assessment::clean_filename(filename, "granskningsrapport");
    Ok(store.set_org_audit_report(&caller.actor(), id, &name, bytes).await?)
}

/// The audit report's file, if the caller reads the audit.
pub async fn report_file(store: &store::Store, caller: &Caller, id: Uuid) -> Result<(String, Vec<u8>)> {
    load_audit(store, caller, id).await?;
    store.org_audit_report(id).await?.ok_or(Error::NotFound)
}

/// One body's copy of a recommendation as the caller sees it.
pub struct VisibleTarget {
    pub target: store::Target,
    pub audit: VisibleAudit,
    pub recommendation: String,
    /// The caller answers for the body (its CISO or management).
    pub may_answer: bool,
    /// The caller moves it among the working states (the body, or the auditor).
    pub may_follow_up: bool,
    /// The caller closes it (the auditor, or the CISO).
    pub may_close: bool,
    /// The caller makes an action of it (keeps the body's plan).
    pub may_plan: bool,
}

/// Loads a body's copy the caller sees (not found otherwise).
pub async fn load_target(store: &store::Store, caller: &Caller, id: Uuid) -> Result<VisibleTarget> {
    ensure_reader(caller)?;
    let target = store.find_target(id).await?.ok_or(Error::NotFound)?;
    let audit_id = store.audit_of_target(id).await?.ok_or(Error::NotFound)?;
    let audit = load_audit(store, caller, audit_id).await?;
    if !audit.sees(caller, target.org_id) {
        return Err(Error::NotFound);
    }
    let recommendation = store
        .recommendations(audit_id)
        .await?
        .into_iter()
        .find(|r| r.id == target.recommendation_id)
        .map(|r| r.text)
        .unwrap_or_default();
    let p = &caller.principal;
    let t = &audit.tree;
    let may_answer = p.can(Permission::AnswerAudits, target.org_id, t);
    let may_follow_up = may_answer || audit.may_manage;
    let may_close = p.can(Permission::CloseRecommendations, target.org_id, t);
    let may_plan = p.can(Permission::ManageActions, target.org_id, t);
    Ok(VisibleTarget { target, audit, recommendation, may_answer, may_follow_up, may_close, may_plan })
}

/// A copy with its history and the actions made from it.
pub struct TargetDetail {
    pub t: VisibleTarget,
    pub events: Vec<store::TargetEvent>,
    pub actions: Vec<store::Action>,
    /// Follow-up audits that recorded a change: (id, title), for the history's links.
    pub follow_ups: Vec<(Uuid, String)>,
}

pub async fn target_detail(store: &store::Store, caller: &Caller, id: Uuid) -> Result<TargetDetail> {
    let t = load_target(store, caller, id).await?;
    let events = store.target_events(id).await?;
    let actions = store.actions_from(Origin::Audit, &[domain::audits::action_ref(id)]).await?;
    let mut follow_ups = Vec::new();
    for e in &events {
        if let Some(a) = e.follow_up_audit
            && !follow_ups.iter().any(|(x, _): &(Uuid, String)| *x == a)
            && let Some(audit) = store.find_org_audit(a).await?
        {
            follow_ups.push((a, audit.data.title));
        }
    }
    Ok(TargetDetail { t, events, actions, follow_ups })
}

/// Records the body's answer (yttrande).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, target = %id))]
pub async fn answer(store: &store::Store, caller: &Caller, id: Uuid, f: &ResponseFields) -> Result<store::Target> {
    let t = load_target(store, caller, id).await?;
    if !t.may_answer {
        return Err(Error::Forbidden);
    }
    Ok(store.answer_target(&caller.actor(), id, f.parse()?).await?)
}

/// Moves a body's copy to another status with a note (closing needs the
/// auditor or the CISO, and a motivation), possibly as part of the
/// follow-up audit `follow_up` of the copy's audit.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, target = %id))]
pub async fn follow_up(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    status: &str,
    note: &str,
    follow_up: Option<Uuid>,
) -> Result<store::Target> {
    let t = load_target(store, caller, id).await?;
    let by_follow_up = match follow_up {
        Some(f) => {
            let fa = load_audit(store, caller, f).await?;
            if fa.audit.data.follows_up != Some(t.audit.audit.id) {
                return Err(domain::FieldError::new("follow_up", "error-audit-follows-up").into());
            }
            fa.may_manage
        }
        None => false,
    };
    if !t.may_follow_up && !t.may_close && !by_follow_up {
        return Err(Error::Forbidden);
    }
    let to = status.trim().parse::<TargetStatus>().map_err(|e| Error::Validation(vec![e]))?;
    let closing = to == TargetStatus::Closed;
    let mut errs = Vec::new();
    if let Err(e) = may_move(t.target.status, to, t.may_close) {
        errs.push(e);
    }
    let note = match parse_note(note, closing) {
        Ok(n) => Some(n),
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let Some(note) = note.filter(|_| errs.is_empty()) else { return Err(Error::Validation(errs)) };
    Ok(store.move_target(&caller.actor(), id, t.target.status, to, &note, follow_up).await?)
}

/// Makes an action in the body's plan of the measures it planned, linked to
/// the copy (`Origin::Audit`); refused when one already exists.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, target = %id))]
pub async fn plan_action(store: &store::Store, caller: &Caller, id: Uuid) -> Result<store::Action> {
    let t = load_target(store, caller, id).await?;
    if !t.may_plan {
        return Err(Error::Forbidden);
    }
    let Some(r) = t.target.response.as_ref().filter(|r| r.stance != domain::audits::Stance::Disagrees) else {
        return Err(domain::FieldError::new("measures", "error-audit-no-measure").into());
    };
    let key = domain::audits::action_ref(id);
    if !store.actions_from(Origin::Audit, std::slice::from_ref(&key)).await?.is_empty() {
        return Err(Error::Conflict(domain::FieldError::new("measures", "error-audit-action-exists")));
    }
    let title: String = {
        let first = r.measures.lines().next().unwrap_or_default().trim();
        let base = if first.is_empty() { t.recommendation.as_str() } else { first };
        base.chars().take(200).collect()
    };
    let fields = ActionFields {
        title,
        goal: t.recommendation.chars().take(4000).collect(),
        activity: r.measures.clone(),
        responsible: r.responsible.clone(),
        end_date: r.due.map(|d| d.to_string()).unwrap_or_default(),
        status: "planned".into(),
        origin: Origin::Audit.code().into(),
        origin_ref: key,
        ..Default::default()
    };
    Ok(store.insert_action(&caller.actor(), t.target.org_id, fields.parse()?).await?)
}

/// The copies of one audit's recommendations in the caller's scope:
/// for the action plan's filter by audit.
pub async fn action_refs_of(store: &store::Store, caller: &Caller, id: Uuid) -> Result<Vec<String>> {
    let v = load_audit(store, caller, id).await?;
    Ok(visible_recommendations(caller, &v, store.recommendations(id).await?)
        .iter()
        .flat_map(|r| r.targets.iter().map(|t| domain::audits::action_ref(t.id)))
        .collect())
}

/// A body's copy that has waited too long for an answer or is open, as the
/// start page and the year wheel show it.
pub struct OpenCopy {
    pub target: store::Target,
    pub recommendation: String,
    pub audit_id: Uuid,
    pub audit_title: String,
    pub responses_due: Option<chrono::NaiveDate>,
    pub overdue: bool,
}

/// The open copies addressed to organisations in `scope`, with their audits.
pub async fn open_copies(store: &store::Store, scope: &OrgScope, today: chrono::NaiveDate) -> Result<Vec<OpenCopy>> {
    let rows = store.open_targets(scope).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // Every copy's audit in one more statement (a copy in scope is always
    // addressed to an audited body in scope).
    let audits: HashMap<Uuid, store::AuditSummary> =
        store.audit_summaries(scope).await?.into_iter().map(|a| (a.id, a)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|(t, text, a)| {
            let audit = audits.get(&a)?;
            let due = audit.responses_due;
            Some(OpenCopy {
                overdue: domain::audits::answer_overdue(t.response.is_some(), due, today),
                target: t,
                recommendation: text,
                audit_id: a,
                audit_title: audit.title.clone(),
                responses_due: due,
            })
        })
        .collect())
}

/// The open copies the caller answers for: the start page's and the year
/// wheel's source.
pub async fn my_open_copies(store: &store::Store, caller: &Caller) -> Result<Vec<OpenCopy>> {
    if !caller.principal.can_somewhere(Permission::AnswerAudits) {
        return Ok(Vec::new());
    }
    open_copies(store, &OrgScope::of(&caller.principal, Permission::AnswerAudits), domain::clock::today()).await
}

/// One body's copy of a recommendation in the audit register.
pub struct RegisterCopy {
    pub audit_id: Uuid,
    pub recommendation: String,
    pub target: store::Target,
}

/// The audit register as the caller reads it: the audits, and the copies of
/// their recommendations the caller sees (all of an audit they read whole,
/// otherwise those of the bodies in their scope).
pub struct Register {
    pub audits: Vec<store::OrgAudit>,
    pub copies: Vec<RegisterCopy>,
    pub tree: OrgTree,
}

/// The audits kept in one read of their copies.
const REGISTER_BATCH: usize = 1000;

/// The audit register: every audit the caller reads with the copies they
/// see, in one read of the copies per thousand audits.
pub async fn register(store: &store::Store, caller: &Caller) -> Result<Register> {
    let audits = list_audits(store, caller).await?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let p = &caller.principal;
    let full: HashMap<Uuid, bool> =
        audits.iter().map(|a| (a.id, p.can(Permission::ViewPlans, a.org_id, &tree))).collect();
    let ids: Vec<Uuid> = audits.iter().map(|a| a.id).collect();
    let mut copies = Vec::new();
    for batch in ids.chunks(REGISTER_BATCH) {
        for (audit_id, _, text, target) in store.targets_of_audits(batch).await? {
            let sees =
                full.get(&audit_id).copied().unwrap_or(false) || p.can(Permission::ViewPlans, target.org_id, &tree);
            if sees {
                copies.push(RegisterCopy { audit_id, recommendation: text, target });
            }
        }
    }
    Ok(Register { audits, copies, tree })
}

/// The areas of the newest follow-up model, (id, name): what a question may name.
pub async fn model_areas(
    store: &store::Store,
    models: &super::assessment::ModelCache,
) -> Result<Vec<(String, domain::model::Text)>> {
    let Some(row) = store.list_models().await?.into_iter().max_by_key(|m| (m.created_at, m.version)) else {
        return Ok(Vec::new());
    };
    let model = models.get(store, row.id).await?;
    Ok(model.areas.iter().map(|a| (a.id.clone(), a.name.clone())).collect())
}
