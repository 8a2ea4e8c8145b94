//! The start page's task list: what the caller must do next, gathered from
//! the data in the caller's scope for each permission that acts on it, and
//! put in order by `domain::tasks`. Each source is one bounded statement
//! (`store::tasks`), and only for a caller who holds the permission.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use domain::authz::Permission;
use domain::org::OrgTree;
use domain::review::UnitReportStatus;
use domain::tasks::{Task, TaskKind, audit_answer_task, ordered, unit_report_waits, upcoming};
use domain::user::Role;
use store::OrgScope;
use uuid::Uuid;

use super::kept::Kept;
use super::{Caller, Result};

/// Each user's task list keyed on (the data's version, today): every write
/// a task depends on (an assessment's, review's or report's status, an
/// action, an activity, a role) is audited and so moves the version in its
/// own transaction, in this process or another; the date moves deadlines.
/// A start page read again while nothing has changed reads no task again.
/// At most [`TaskCache::CAPACITY`] users; it empties when full.
pub struct TaskCache(Kept<Uuid, Vec<Task>, (i64, NaiveDate)>);

impl Default for TaskCache {
    fn default() -> Self {
        TaskCache(Kept::new(Self::CAPACITY))
    }
}

impl TaskCache {
    pub const CAPACITY: usize = 1024;

    fn get(&self, user: Uuid, version: i64, today: NaiveDate) -> Option<Arc<Vec<Task>>> {
        self.0.get(&user, (version, today))
    }

    fn keep(&self, user: Uuid, version: i64, today: NaiveDate, tasks: Arc<Vec<Task>>) {
        self.0.keep(user, (version, today), tasks);
    }
}

/// The caller's tasks today, most pressing first (at most
/// [`domain::tasks::SHOWN`]), kept by the data's version.
pub async fn my_tasks(
    store: &store::Store,
    cache: &super::assessment::ModelCache,
    caller: &Caller,
    tree: &OrgTree,
) -> Result<Arc<Vec<Task>>> {
    let today = domain::clock::today();
    if let Some(t) = cache.tasks.get(caller.user.id, caller.data_version, today) {
        return Ok(t);
    }
    let t = Arc::new(gather(store, caller, tree, today).await?);
    cache.tasks.keep(caller.user.id, caller.data_version, today, t.clone());
    Ok(t)
}

/// The caller's tasks, read from the store.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
async fn gather(store: &store::Store, caller: &Caller, tree: &OrgTree, today: NaiveDate) -> Result<Vec<Task>> {
    let p = &caller.principal;
    let mut tasks = Vec::new();
    let task = |kind, org_id, target, year, due| Task {
        kind,
        org_id,
        target,
        year,
        due,
        count: 1,
        title: String::new(),
        at: None,
        step: None,
    };

    // Self-assessments: drafts to finish (CISO), submitted ones to approve (management).
    let manage = scope_if(caller, Permission::ManageAssessments);
    let approve = scope_if(caller, Permission::ApproveAssessments);
    for a in store.open_assessments(&manage, &approve).await? {
        let kind = if a.status == "draft" { TaskKind::ContinueAssessment } else { TaskKind::ApproveAssessment };
        tasks.push(task(kind, a.org_id, a.id, a.period, None));
    }

    // Reviews in preparation: to prepare (CISO) or to adopt (management), by the meeting's date.
    for perm in [Permission::ManageReviews, Permission::AdoptReviews] {
        for r in store.draft_reviews(&scope_if(caller, perm)).await? {
            let kind = if perm == Permission::ManageReviews { TaskKind::PrepareReview } else { TaskKind::AdoptReview };
            tasks.push(task(kind, r.org_id, r.id, r.year, r.meeting_date));
        }
    }
    // A förvaltning's coordinator prepares its own review (seed 001).
    if p.has_role(Role::Coordinator) {
        for r in store.draft_reviews(&scope_if(caller, Permission::ReportUnit)).await? {
            let own =
                domain::review::may_prepare(p, r.org_id, tree) && !p.can(Permission::ManageReviews, r.org_id, tree);
            if own {
                tasks.push(task(TaskKind::PrepareReview, r.org_id, r.id, r.year, r.meeting_date));
            }
        }
    }

    // Units' yearly reports: the unit's coordinator reports; the owner approves.
    let year = today.year();
    let reporting: Vec<Uuid> = super::unit::my_units(caller, tree)
        .into_iter()
        .filter(|u| {
            p.assignments
                .iter()
                .any(|a| a.role == Role::Coordinator && a.org_id.is_some_and(|o| tree.is_in_subtree(o, *u)))
        })
        .collect();
    if !reporting.is_empty() {
        let reports = store.unit_reports(&reporting, year).await?;
        for u in reporting {
            let status: Option<UnitReportStatus> = reports.iter().find(|r| r.unit_id == u).map(|r| r.status);
            if unit_report_waits(status) {
                tasks.push(task(TaskKind::ReportUnit, u, u, year, None));
            }
        }
    }
    for r in store.submitted_unit_reports(&scope_if(caller, Permission::ApproveUnitReports)).await? {
        tasks.push(task(TaskKind::ApproveUnitReport, r.unit_id, r.unit_id, r.year, None));
    }

    // Actions past their end date in the plans the caller keeps: one task,
    // with how many there are in each organisation.
    let overdue = store.overdue_action_counts(&scope_if(caller, Permission::ManageActions), today).await?;
    if let Some((first, _)) = overdue.first() {
        let breakdown = overdue
            .iter()
            .map(|(org, n)| format!("{} {n}", tree.get(*org).map(|o| o.name.as_str()).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(", ");
        let root = p.visible_roots(Permission::ManageActions, tree).into_iter().next().unwrap_or(*first);
        tasks.push(Task {
            count: overdue.iter().map(|(_, n)| n).sum(),
            title: breakdown,
            ..task(TaskKind::OverdueActions, root, root, year, None)
        });
    }

    // Audits' recommendations the caller answers for (the body's CISO or
    // management) that have no answer yet, due on the audit's answer date:
    // the open copies, then their audits' titles and dates (two statements).
    // One task per audit and body: a single copy leads to itself, several to
    // the audit (a kommun's CISO answers for every nämnd and bolag).
    let mut answers: Vec<(Task, Uuid, String, String)> = Vec::new();
    for c in super::audits::open_copies(store, &scope_if(caller, Permission::AnswerAudits), today).await? {
        let answered = c.target.response.is_some();
        let Some(kind) = audit_answer_task(c.target.status, answered, c.responses_due, today) else { continue };
        let org = c.target.org_id;
        match answers.iter_mut().find(|(t, a, _, _)| t.kind == kind && *a == c.audit_id && t.org_id == org) {
            Some((t, _, _, _)) => t.count += 1,
            None => answers.push((
                task(kind, org, c.target.id, c.responses_due.map_or(year, |d| d.year()), c.responses_due),
                c.audit_id,
                c.audit_title,
                c.recommendation,
            )),
        }
    }
    for (t, audit, title, recommendation) in answers {
        tasks.push(if t.count == 1 {
            Task { title: audit_task_title(&title, &recommendation), ..t }
        } else {
            Task { target: audit, title, ..t }
        });
    }

    // Incidents' statutory notifications not yet made, for those who keep
    // the register: missed ones first, then the running clocks by due time.
    if p.can_somewhere(Permission::ManageIncidents) {
        let now = domain::now();
        let scope = store::IncidentScope::of(p, Permission::ManageIncidents);
        let since = now - chrono::Duration::days(crate::escalation::LOOK_BACK_DAYS);
        let mut open = Vec::new();
        for root in p.visible_roots(Permission::ManageIncidents, tree) {
            let found = store.incident_facts(&scope, root, since, now + chrono::Duration::days(1)).await?;
            open.extend(found.into_iter().filter(|x| x.incident.status != domain::incident::Status::Closed));
        }
        if !open.is_empty() {
            let entities =
                super::incident::Entities::load(store, tree, open.iter().map(|x| x.incident.data.org_id)).await?;
            for x in &open {
                let i = &x.incident;
                for d in entities.duties(tree, i, &x.reports, now) {
                    use domain::incident::duties::DeadlineState;
                    let kind = match d.state {
                        DeadlineState::Running { .. } => TaskKind::IncidentDeadline,
                        DeadlineState::Missed => TaskKind::IncidentDeadlineMissed,
                        _ => continue,
                    };
                    let day = domain::clock::date_at(&d.due);
                    tasks.push(Task {
                        title: i.data.title.clone(),
                        at: Some(d.due),
                        step: Some(d.step),
                        ..task(kind, i.data.org_id, i.id, day.year(), Some(day))
                    });
                }
            }
        }
    }

    // The year wheel's activities of the next weeks.
    if p.can_somewhere(Permission::ViewPlans) {
        for a in store.list_activities(&super::yearwheel::wheel_orgs(p)).await? {
            if let Some(day) = upcoming(&a.data, today) {
                tasks.push(Task {
                    title: a.data.title.clone(),
                    ..task(TaskKind::Upcoming, a.org_id, a.id, day.year(), Some(day))
                });
            }
        }
    }
    Ok(ordered(tasks))
}

/// An audit's task in words: the audit's title and the start of the
/// recommendation's text, ending as a sentence does.
fn audit_task_title(audit: &str, recommendation: &str) -> String {
    const MAX: usize = 160;
    let mut text: String = recommendation.trim().chars().take(MAX).collect();
    if recommendation.trim().chars().count() > MAX {
        text.push('…');
    } else if !text.ends_with(['.', '!', '?', '…']) {
        text.push('.');
    }
    format!("{audit}: {text}")
}

/// Where the caller holds `perm`; nothing if nowhere (no statement is run then).
fn scope_if(caller: &Caller, perm: Permission) -> OrgScope {
    if caller.principal.can_somewhere(perm) { OrgScope::of(&caller.principal, perm) } else { OrgScope::Nothing }
}
