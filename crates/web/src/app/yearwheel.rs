//! The year wheel (årshjul): recurring activities, and the private calendar
//! feed behind a revocable token.

use domain::authz::{Permission, Principal};
use domain::calendar::ActivityFields;
use domain::org::OrgTree;
use store::OrgScope;
use uuid::Uuid;

use super::{Caller, Error, Result};

/// The organisations whose year wheel a user follows: those they may see and
/// every organisation above them (a förvaltning follows its kommun's wheel).
pub fn wheel_orgs(p: &Principal) -> OrgScope {
    OrgScope::of_and_above(p, Permission::ViewPlans)
}

/// Is `org` on `p`'s wheel: one they may see or one above such an organisation?
fn on_wheel(p: &Principal, tree: &OrgTree, org: Uuid) -> bool {
    p.can(Permission::ViewPlans, org, tree)
        || p.assignments
            .iter()
            .filter(|a| Permission::ViewPlans.granted_to(a.role))
            .filter_map(|a| a.org_id)
            .any(|o| tree.is_in_subtree(org, o))
}

/// The activities of the organisations the caller may see.
pub async fn list_activities(store: &store::Store, caller: &Caller) -> Result<Vec<store::Activity>> {
    if !caller.principal.can_somewhere(Permission::ViewPlans) {
        return Err(Error::Forbidden);
    }
    Ok(store.list_activities(&OrgScope::of(&caller.principal, Permission::ViewPlans)).await?)
}

/// The activities on the caller's wheel: of `org` and the organisations
/// above it (whose wheel it follows), or of all the caller follows.
pub async fn wheel_activities(
    store: &store::Store,
    caller: &Caller,
    tree: &OrgTree,
    org: Option<Uuid>,
) -> Result<Vec<store::Activity>> {
    let p = &caller.principal;
    if !p.can_somewhere(Permission::ViewPlans) {
        return Err(Error::Forbidden);
    }
    let visible = match org {
        Some(o) if p.can(Permission::ViewPlans, o, tree) => OrgScope::PathTo(o),
        Some(_) => return Err(Error::NotFound),
        None => wheel_orgs(p),
    };
    Ok(store.list_activities(&visible).await?)
}

/// The steering documents on the caller's wheel (their next review is
/// shown in its month): of `org` and the organisations above it, or of all
/// the caller follows; drafts and repealed documents left out.
pub async fn wheel_documents(
    store: &store::Store,
    caller: &Caller,
    tree: &OrgTree,
    org: Option<Uuid>,
) -> Result<Vec<store::Document>> {
    let p = &caller.principal;
    let visible = match org {
        Some(o) if p.can(Permission::ViewPlans, o, tree) => OrgScope::PathTo(o),
        Some(_) => return Err(Error::NotFound),
        None => wheel_orgs(p),
    };
    use domain::steering::DocStatus;
    Ok(store
        .list_documents(&visible)
        .await?
        .into_iter()
        .filter(|d| matches!(d.data.status, DocStatus::Decided | DocStatus::UnderRevision))
        .collect())
}

/// The audits on the caller's wheel (the day their answers are due is shown
/// in its month): those the caller reads, of `org`'s part of the tree or of
/// all the caller sees; each with how many copies there wait for an answer.
pub async fn wheel_audits(
    store: &store::Store,
    caller: &Caller,
    tree: &OrgTree,
    org: Option<Uuid>,
) -> Result<Vec<store::AuditSummary>> {
    let p = &caller.principal;
    let visible = match org {
        Some(o) if p.can(Permission::ViewPlans, o, tree) => OrgScope::Subtree(o),
        Some(_) => return Err(Error::NotFound),
        None if p.can_somewhere(Permission::ViewPlans) => OrgScope::of(p, Permission::ViewPlans),
        None => return Ok(Vec::new()),
    };
    Ok(store.audit_summaries(&visible).await?.into_iter().filter(|a| a.responses_due.is_some()).collect())
}

/// An open incident's reporting deadline on the wheel: one not yet met
/// (running or missed), in the month it falls due.
pub struct WheelDeadline {
    pub incident: Uuid,
    pub title: String,
    pub org_id: Uuid,
    pub duty: domain::incident::duties::Duty,
}

/// The reporting deadlines still open of the incidents the caller sees (of
/// `org`'s subtree if they see its incidents, else none; of all they see
/// without `org`); nothing for those who see no incidents.
pub async fn wheel_deadlines(
    store: &store::Store,
    caller: &Caller,
    tree: &OrgTree,
    org: Option<Uuid>,
) -> Result<Vec<WheelDeadline>> {
    use domain::incident::duties::DeadlineState;
    let p = &caller.principal;
    if !p.can_somewhere(Permission::ViewIncidents) || org.is_some_and(|o| !p.can(Permission::ViewIncidents, o, tree)) {
        return Ok(Vec::new());
    }
    let filter = store::IncidentFilter { org, open: true, ..Default::default() };
    let listed = super::incident::list_incidents(store, caller, &filter).await?;
    Ok(listed
        .into_iter()
        .flat_map(|l| {
            let (id, title, org_id) = (l.incident.id, l.incident.data.title.clone(), l.incident.data.org_id);
            l.duties
                .into_iter()
                .filter(|d| matches!(d.state, DeadlineState::Running { .. } | DeadlineState::Missed))
                .map(move |duty| WheelDeadline { incident: id, title: title.clone(), org_id, duty })
        })
        .collect())
}

/// A course's completions that must be renewed on `due`: the latest counts
/// of `units` stop being valid that day.
pub struct WheelRenewal {
    pub course: store::Course,
    pub due: chrono::NaiveDate,
    pub units: Vec<Uuid>,
}

/// When the training counts the caller sees run out (each unit's latest
/// count of a course plus the course's validity), per course and day: of
/// `org`'s subtree if they see its training, else none; of all they see
/// without `org`.
pub async fn wheel_renewals(
    store: &store::Store,
    caller: &Caller,
    tree: &OrgTree,
    org: Option<Uuid>,
) -> Result<Vec<WheelRenewal>> {
    let p = &caller.principal;
    let scope = match org {
        Some(o) if p.can(Permission::ViewTraining, o, tree) => OrgScope::Subtree(o),
        Some(_) => return Ok(Vec::new()),
        None if p.can_somewhere(Permission::ViewTraining) => OrgScope::of(p, Permission::ViewTraining),
        None => return Ok(Vec::new()),
    };
    let courses = store.list_courses(&OrgScope::of_and_above(p, Permission::ViewTraining)).await?;
    let ids: Vec<Uuid> = courses.iter().map(|c| c.id).collect();
    let mut latest = Vec::new();
    for chunk in ids.chunks(1000) {
        latest.extend(store.latest_training_counts(chunk, &scope).await?);
    }
    let mut by_course: std::collections::HashMap<Uuid, Vec<(Uuid, chrono::NaiveDate)>> = Default::default();
    for (course, unit, at) in latest {
        by_course.entry(course).or_default().push((unit, at));
    }
    let mut out = Vec::new();
    for c in courses {
        let latest = by_course.remove(&c.id).unwrap_or_default();
        for (due, units) in domain::training::renewals(c.data.validity_years, latest) {
            out.push(WheelRenewal { course: c.clone(), due, units });
        }
    }
    Ok(out)
}

/// Adds an activity to `org`'s wheel (CISO). A missing organisation is a
/// validation error, reported before the fields' errors.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, org = ?org))]
pub async fn create_activity(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    f: &ActivityFields,
) -> Result<store::Activity> {
    if !caller.principal.can_somewhere(Permission::ManageReviews) {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if org.is_some_and(|o| !caller.principal.can(Permission::ManageReviews, o, &tree)) {
        return Err(Error::NotFound);
    }
    match (org, f.parse()) {
        (Some(org), Ok(input)) => Ok(store.insert_activity(&caller.actor(), org, input).await?),
        (org, parsed) => {
            let mut errs = parsed.err().map(|e| e.0).unwrap_or_default();
            if org.is_none() {
                errs.insert(0, domain::FieldError::new("org_id", "error-org-choose"));
            }
            Err(Error::Validation(errs))
        }
    }
}

/// An activity on the caller's wheel, and whether they may change it.
pub struct VisibleActivity {
    pub activity: store::Activity,
    pub tree: OrgTree,
    pub may_edit: bool,
}

/// Loads an activity on the caller's wheel (not found otherwise).
pub async fn load_activity(store: &store::Store, caller: &Caller, id: Uuid) -> Result<VisibleActivity> {
    let a = store.find_activity(id).await?.ok_or(Error::NotFound)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !on_wheel(&caller.principal, &tree, a.org_id) {
        return Err(Error::NotFound);
    }
    let may_edit = caller.principal.can(Permission::ManageReviews, a.org_id, &tree);
    Ok(VisibleActivity { activity: a, tree, may_edit })
}

/// Changes an activity (CISO of its organisation).
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, activity = %id))]
pub async fn update_activity(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    f: &ActivityFields,
) -> Result<store::Activity> {
    let v = load_activity(store, caller, id).await?;
    if !v.may_edit {
        return Err(Error::Forbidden);
    }
    Ok(store.update_activity(&caller.actor(), v.activity.id, f.parse()?).await?)
}

/// Deletes an activity (CISO of its organisation); returns it as it was.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id, activity = %id))]
pub async fn delete_activity(store: &store::Store, caller: &Caller, id: Uuid) -> Result<store::Activity> {
    let v = load_activity(store, caller, id).await?;
    if !v.may_edit {
        return Err(Error::Forbidden);
    }
    store.delete_activity(&caller.actor(), v.activity.id).await?;
    Ok(v.activity)
}

/// What a calendar feed shows: the activities on its owner's wheel now
/// (roles withdrawn since are respected), in the owner's language.
pub struct CalendarFeed {
    pub activities: Vec<store::Activity>,
    pub tree: OrgTree,
    pub language: domain::user::Language,
}

/// The feed behind `token` (not found for an unknown or revoked token, or a
/// deactivated user). The token is never logged.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn calendar_feed(store: &store::Store, token: &str) -> Result<CalendarFeed> {
    let user_id = store.calendar_token_user(&super::hash_token(token)).await?.ok_or(Error::NotFound)?;
    let user = store.find_user(user_id).await?.ok_or(Error::NotFound)?;
    if !user.active {
        return Err(Error::NotFound);
    }
    let assignments = store.list_assignments(user_id).await?;
    let principal = Principal::new(user_id, assignments.iter().map(|a| a.assignment()).collect());
    let tree = store.org_tree_for(&principal).await?;
    let activities = store.list_activities(&wheel_orgs(&principal)).await?;
    Ok(CalendarFeed { activities, tree, language: user.language })
}

/// When the caller's private calendar address was issued, if it is open.
pub async fn calendar_token_issued(
    store: &store::Store,
    caller: &Caller,
) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(store.calendar_token_issued(caller.user.id).await?)
}

/// Issues the caller a new private calendar address (closing the old one)
/// and returns its secret token, to be shown once; only its hash is stored.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
pub async fn renew_calendar_token(store: &store::Store, caller: &Caller, token: &str) -> Result<()> {
    store.renew_calendar_token(&caller.actor(), caller.user.id, &super::hash_token(token)).await?;
    Ok(())
}

/// Closes the caller's private calendar address.
#[tracing::instrument(skip_all, err(level = "debug"), fields(user = %caller.user.id))]
pub async fn revoke_calendar_token(store: &store::Store, caller: &Caller) -> Result<()> {
    store.revoke_calendar_token(&caller.actor(), caller.user.id).await?;
    Ok(())
}
