//! Follow-up rounds (uppföljningsomgång): who may see and do what with a
//! round, and its use cases. The coordinator (`RunRounds` on the round's
//! organisation) creates a round with its invitations, follows each
//! invitee's status, reads the shared results and the aggregates (groups
//! under k suppressed) and closes it; an invitee's CISO submits its result
//! (and, by choice, its answers), may withdraw while the round is open, and
//! reads its comparative feedback once the round has closed. An invitee
//! never sees another invitee's result.
//!
//! The pages (`pages::rounds`) and the JSON API (`api::rounds`) both call
//! these functions; the figures themselves are in [`figures`].

use domain::authz::Permission;
use domain::org::OrgTree;
use domain::round::{InviteeStatus, Phase};
use store::OrgScope;
use store::Store;
use uuid::Uuid;

use super::assessment::ModelCache;
use super::kept::Kept;
use super::{Caller, Error, Result};

mod create;
pub mod figures;
mod queries;
mod respond;

pub use create::{NewRound, NewRoundOptions, check_new_round, create_round, new_round_options};
pub use figures::Feedback;
pub use queries::{
    INVITEES_PAGE, InvitationStatus, InviteeFilter, Mine, ResultsData, RoundList, RoundListItem, RoundView, feedback,
    invitation_statuses, invitation_tasks, list_invitations, list_rounds, respondent, results, round_view, trend,
};
pub use respond::{SubmitInput, close_round, submit_response, withdraw_response};

/// Parses a round's or an organisation's id from a path or a form; a
/// malformed id is not found, like an unknown one.
pub fn parse_id(s: &str) -> Result<Uuid> {
    s.parse().map_err(|_| Error::NotFound)
}

/// A round and what the caller may do with it.
pub struct Access {
    pub round: store::Round,
    pub tree: OrgTree,
    /// Runs the round: sees statuses, shared results and aggregates.
    pub coordinator: bool,
    /// Invited organisations whose self-assessments the caller may see, in order.
    pub mine: Vec<Uuid>,
    /// Their responses, where they have one (read with the round).
    pub responses: Vec<store::Response>,
    /// The data's version when the round was read (see [`figures::FigureCache`]).
    pub data_version: i64,
}

impl Access {
    /// Whether `org` is one of the caller's invited organisations.
    pub fn invited(&self, org: Uuid) -> bool {
        self.mine.binary_search(&org).is_ok()
    }

    /// Whether the caller answers for `org` (its CISO) in this round.
    pub fn may_respond_for(&self, caller: &Caller, org: Uuid) -> bool {
        self.invited(org) && caller.principal.can(Permission::ManageAssessments, org, &self.tree)
    }

    /// The round's phase today, in Sweden.
    pub fn phase(&self) -> Phase {
        self.round.phase(domain::clock::today())
    }

    /// The name of an organisation of the tree (empty when unknown).
    pub fn org_name(&self, id: Uuid) -> String {
        org_name(&self.tree, id)
    }
}

/// The name of an organisation of the tree (empty when unknown).
pub fn org_name(tree: &OrgTree, id: Uuid) -> String {
    tree.get(id).map(|n| n.name.clone()).unwrap_or_default()
}

/// What a round's pages read, kept by the data's version ([`Kept`]): the
/// round as each user reaches it (who coordinates, their invited
/// organisations and responses), a page of its invitee list, and each
/// user's self-assessments for it. Every write these depend on (a response,
/// a reminder, an answer, a role, an organisation's name) is audited and so
/// moves the version, so a round's page read again while nothing has been
/// written reads only the session (docs/scaling.md).
pub struct RoundCache {
    reached: Kept<(Uuid, Uuid), store::RoundFor>,
    invitees: Kept<(Uuid, Option<InviteeStatus>, String, i64), store::InviteePage>,
    assessments: Kept<(Uuid, Uuid), Vec<store::Assessment>>,
}

impl Default for RoundCache {
    fn default() -> Self {
        RoundCache {
            reached: Kept::new(Self::CAPACITY),
            invitees: Kept::new(Self::CAPACITY),
            assessments: Kept::new(Self::CAPACITY),
        }
    }
}

impl RoundCache {
    /// Entries of each kind (users with a round, pages of invitees).
    pub const CAPACITY: usize = 1024;
}

/// Loads a round the caller coordinates or is invited to (not found
/// otherwise, so a stranger cannot tell whether it exists), with the
/// caller's own tree (the round's page reads its invitees' names with them).
pub async fn access(store: &Store, models: &ModelCache, caller: &Caller, id: Uuid) -> Result<Access> {
    access_with(store, models, caller, id, false).await
}

/// A round only its coordinator may go on with, without the invitees'
/// names in the tree: for the figures, the exports and closing, which show
/// no invitee by name (a national round has tens of thousands).
pub async fn figures_access(store: &Store, models: &ModelCache, caller: &Caller, id: Uuid) -> Result<Access> {
    let a = access_with(store, models, caller, id, false).await?;
    if !a.coordinator {
        return Err(Error::NotFound);
    }
    Ok(a)
}

async fn access_with(
    store: &Store,
    models: &ModelCache,
    caller: &Caller,
    id: Uuid,
    invitee_names: bool,
) -> Result<Access> {
    let key = (caller.principal.user_id, id);
    let reached = models
        .rounds
        .reached
        .get_or_read(key, caller.data_version, async {
            let coordinators = OrgScope::of(&caller.principal, Permission::RunRounds);
            let viewer = OrgScope::of(&caller.principal, Permission::ViewAssessments);
            store.find_round_for(id, &coordinators, &viewer).await?.ok_or(Error::NotFound)
        })
        .await?;
    let store::RoundFor { round, coordinates: coordinator, data_version, mine, responses } =
        store::RoundFor::clone(&reached);
    // Only the coordinating body sees the invited organisations by name.
    let tree = if coordinator && invitee_names {
        store.org_tree_for_round(&caller.principal, id).await?
    } else {
        store.org_tree_at(&caller.principal, caller.data_version).await?
    };
    debug_assert_eq!(coordinator, caller.principal.can(Permission::RunRounds, round.org_id, &tree));
    if !coordinator && mine.is_empty() {
        return Err(Error::NotFound);
    }
    Ok(Access { round, tree, coordinator, mine, responses, data_version })
}

/// A round only its coordinator may go on with (not found for anyone else),
/// with the invitees' names in the tree (a respondent's page names it).
pub async fn coordinator_access(store: &Store, models: &ModelCache, caller: &Caller, id: Uuid) -> Result<Access> {
    let a = access_with(store, models, caller, id, true).await?;
    if !a.coordinator {
        return Err(Error::NotFound);
    }
    Ok(a)
}

/// The self-assessment `org` answers a round with: its newest revision for
/// the round's period on the round's model.
pub async fn round_assessment(store: &Store, r: &store::Round, org: Uuid) -> Result<Option<store::Assessment>> {
    Ok(store
        .list_assessments(&OrgScope::Org(org))
        .await?
        .into_iter()
        .filter(|a| a.period == r.data.period && a.model_id == r.model_id)
        .max_by_key(|a| a.revision))
}

/// Where one of the caller's invited organisations stands, by the page's
/// rule: a self-assessment for the round's period and model makes a draft.
fn status_of(response: Option<&store::Response>, assessment: Option<&store::Assessment>) -> InviteeStatus {
    match (response, assessment) {
        (Some(x), _) => x.status,
        (None, Some(_)) => InviteeStatus::Draft,
        (None, None) => InviteeStatus::NotStarted,
    }
}
