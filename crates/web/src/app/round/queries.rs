//! What the caller may read of rounds: the lists, one round, its figures,
//! one respondent's shared result and a respondent's comparative feedback.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use domain::FieldError;
use domain::aggregate::{Breakdown, TrendRow};
use domain::authz::Permission;
use domain::model::Model;
use domain::org::OrgTree;
use domain::round::{InviteeStatus, Phase};
use store::OrgScope;
use store::Store;
use uuid::Uuid;

use super::figures::{self, Feedback};
use super::{Access, access, coordinator_access, figures_access, status_of};
use crate::app::assessment::ModelCache;
use crate::app::{Caller, Error, Result};

/// A round the caller coordinates, with how many answered.
pub struct RoundListItem {
    pub round: store::Round,
    pub invited: i64,
    pub submitted: i64,
}

/// The rounds the caller coordinates and the invitations of the
/// organisations whose self-assessments the caller sees.
pub struct RoundList {
    pub tree: OrgTree,
    pub coordinated: Vec<RoundListItem>,
    pub invitations: Vec<store::Invitation>,
}

/// The caller's rounds and invitations, newest first.
pub async fn list_rounds(store: &Store, caller: &Caller) -> Result<RoundList> {
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let rounds = store.list_rounds_of(&OrgScope::of(&caller.principal, Permission::RunRounds)).await?;
    let ids: Vec<Uuid> = rounds.iter().map(|r| r.id).collect();
    let counts = store.count_responses(&ids).await?;
    let coordinated = rounds
        .into_iter()
        .map(|round| {
            let (invited, submitted) =
                counts.iter().find(|(id, _, _)| *id == round.id).map(|(_, i, s)| (*i, *s)).unwrap_or((0, 0));
            RoundListItem { round, invited, submitted }
        })
        .collect();
    let invitations = list_invitations(store, caller).await?;
    Ok(RoundList { tree, coordinated, invitations })
}

/// The invitations of the organisations whose self-assessments the caller sees.
pub async fn list_invitations(store: &Store, caller: &Caller) -> Result<Vec<store::Invitation>> {
    Ok(store.list_invitations(&OrgScope::of(&caller.principal, Permission::ViewAssessments)).await?)
}

/// The invitations that are tasks for the caller today, and which task each
/// is (see [`domain::tasks::invitation_task`]): decided here, with the
/// caller's permissions, so every page asks the same.
pub async fn invitation_tasks(
    store: &Store,
    caller: &Caller,
    tree: &domain::org::OrgTree,
    today: chrono::NaiveDate,
) -> Result<Vec<(store::Invitation, domain::tasks::InvitationTask)>> {
    let p = &caller.principal;
    Ok(list_invitations(store, caller)
        .await?
        .into_iter()
        .filter_map(|i| {
            let facts = domain::tasks::InvitationFacts {
                phase: i.round.phase(today),
                submitted: i.status == InviteeStatus::Submitted,
                reminded: i.reminded_at.is_some(),
                closes_on: i.round.data.closes_on,
                coordinates: p.can(Permission::RunRounds, i.round.org_id, tree),
                answers: p.can(Permission::ManageAssessments, i.org_id, tree),
            };
            domain::tasks::invitation_task(facts, today).map(|t| (i, t))
        })
        .collect())
}

/// One of the caller's invited organisations in a round.
pub struct Mine {
    pub org_id: Uuid,
    pub status: InviteeStatus,
    pub response: Option<store::Response>,
    /// The self-assessment the round will take the result from, if any.
    pub assessment: Option<store::Assessment>,
    /// The caller answers for it and the round is open.
    pub may_respond: bool,
}

/// A round as its page shows it.
pub struct RoundView {
    pub phase: Phase,
    pub model: Arc<Model>,
    /// A page of the invitees with the round's counts, for the coordinator only.
    pub invitees: Option<store::InviteePage>,
    pub mine: Vec<Mine>,
}

/// Which of a round's invitees its page lists: a filter that does not parse is no filter.
#[derive(Debug, Clone, Default)]
pub struct InviteeFilter {
    pub status: Option<InviteeStatus>,
    /// Part of the organisation's name, any case.
    pub search: String,
    pub offset: i64,
}

/// Invitees on one page of a round's list.
pub const INVITEES_PAGE: i64 = 50;

/// A round with what the caller may see of it.
pub async fn round_view(
    store: &Store,
    models: &ModelCache,
    caller: &Caller,
    a: &Access,
    f: &InviteeFilter,
) -> Result<RoundView> {
    let r = &a.round;
    let phase = a.phase();
    let model = models.get(store, r.model_id).await?;
    // Both kept by the data's version (see `RoundCache`).
    let kept = &models.rounds;
    let invitees = if a.coordinator {
        let key = (r.id, f.status, f.search.clone(), f.offset.max(0));
        let read = store.invitees_page(r, f.status, &f.search, f.offset.max(0), INVITEES_PAGE);
        let page = kept.invitees.get_or_read(key, caller.data_version, read).await?;
        Some(store::InviteePage::clone(&page))
    } else {
        None
    };
    // The caller's invited organisations' responses and self-assessments,
    // one query each for all of them.
    let (mut responses, mut assessments) = (HashMap::new(), HashMap::new());
    if !a.mine.is_empty() {
        responses = a.responses.iter().map(|x| (x.org_id, x.clone())).collect();
        let key = (caller.principal.user_id, r.id);
        let read = async {
            let scope = OrgScope::of(&caller.principal, Permission::ViewAssessments);
            store.list_assessments_for(&scope, r.data.period, r.model_id).await
        };
        let listed = kept.assessments.get_or_read(key, caller.data_version, read).await?;
        // Newest revision first: the first one seen of each organisation is the one used.
        for x in listed.iter() {
            assessments.entry(x.org_id).or_insert_with(|| x.clone());
        }
    }
    let mut mine = Vec::with_capacity(a.mine.len());
    for org in &a.mine {
        let response = responses.remove(org);
        let assessment = assessments.remove(org);
        mine.push(Mine {
            org_id: *org,
            status: status_of(response.as_ref(), assessment.as_ref()),
            may_respond: a.may_respond_for(caller, *org) && phase == Phase::Open,
            response,
            assessment,
        });
    }
    Ok(RoundView { phase, model, invitees, mine })
}

/// Where one of the caller's invited organisations stands, as the API tells it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InvitationStatus {
    pub org_id: Uuid,
    pub status: InviteeStatus,
    pub answers_shared: bool,
}

/// The statuses of the caller's invited organisations in a round.
pub async fn invitation_statuses(store: &Store, caller: &Caller, a: &Access) -> Result<Vec<InvitationStatus>> {
    if a.mine.is_empty() {
        return Ok(Vec::new());
    }
    let scope = OrgScope::of(&caller.principal, Permission::ViewAssessments);
    let shared: HashSet<Uuid> = a.responses.iter().filter(|r| r.answers.is_some()).map(|r| r.org_id).collect();
    Ok(store
        .list_round_invitations(a.round.id, &scope)
        .await?
        .into_iter()
        .map(|i| InvitationStatus { org_id: i.org_id, status: i.status, answers_shared: shared.contains(&i.org_id) })
        .collect())
}

/// A round's aggregates, for its coordinator.
pub struct ResultsData {
    pub access: Access,
    pub breakdown: Arc<Breakdown>,
    pub invited: usize,
}

/// All aggregates of a round (its coordinator); groups under k are suppressed.
pub async fn results(store: &Store, models: &ModelCache, caller: &Caller, id: Uuid) -> Result<ResultsData> {
    let access = figures_access(store, models, caller, id).await?;
    let breakdown = models.figures.breakdown(store, &access.round, access.data_version).await?;
    let invited = store.count_responses(&[access.round.id]).await?.first().map_or(0, |(_, n, _)| *n as usize);
    Ok(ResultsData { access, breakdown, invited })
}

/// The trend over the coordinator's rounds up to this one (its coordinator).
pub async fn trend(
    store: &Store,
    models: &ModelCache,
    caller: &Caller,
    id: Uuid,
) -> Result<(Access, Arc<Vec<TrendRow>>)> {
    let a = figures_access(store, models, caller, id).await?;
    let rows = models.figures.trend(store, &a.round, a.data_version).await?;
    Ok((a, rows))
}

/// What one respondent shared (the coordinator): its result, its answers
/// only if it shared them; not found unless it has submitted.
pub async fn respondent(
    store: &Store,
    models: &ModelCache,
    caller: &Caller,
    id: Uuid,
    org: Uuid,
) -> Result<(Access, store::Response)> {
    let a = coordinator_access(store, models, caller, id).await?;
    let r = store.find_response(a.round.id, org).await?.ok_or(Error::NotFound)?;
    if r.status != InviteeStatus::Submitted {
        return Err(Error::NotFound);
    }
    Ok((a, r))
}

/// The comparative feedback of one of the caller's invited organisations
/// (`org` may be left out when there is only one), once the round has closed.
pub async fn feedback(
    store: &Store,
    models: &ModelCache,
    caller: &Caller,
    id: Uuid,
    org: Option<Uuid>,
) -> Result<(Access, Uuid, Feedback)> {
    let a = access(store, models, caller, id).await?;
    let org = match org {
        Some(o) => o,
        None if a.mine.len() == 1 => a.mine[0],
        None => return Err(Error::NotFound),
    };
    if !a.invited(org) {
        return Err(Error::NotFound);
    }
    if a.phase() != Phase::Closed {
        return Err(FieldError::new("status", "error-feedback-after-close").into());
    }
    let f = figures::feedback(store, &a.round, org).await?.ok_or(Error::NotFound)?;
    Ok((a, org, f))
}
