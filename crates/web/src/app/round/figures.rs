//! The figures of follow-up rounds, read from the store and computed by the
//! domain: one round's breakdown, the trend over a coordinator's rounds with
//! its panel, and a respondent's comparison with its peers. Pages, the API,
//! exports and the benchmark all call these (the pages and the API through
//! the authorising queries of [`super`]), so they cannot disagree about what
//! is suppressed.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use domain::aggregate::{self, Breakdown, Cell, Comparison, Placement, Respondent, TrendRow};
use domain::round::SharedResult;
use serde::Serialize;
use store::{Round, Store, StoreError};
use uuid::Uuid;

use crate::app::kept::Kept;

/// How many of the most common blockers a breakdown lists.
pub const TOP_BLOCKERS: usize = 10;

/// How many rounds a trend compares at most (the newest ones).
pub const TREND_ROUNDS: usize = 10;

/// How many shared results a trend may hold at once while it computes one
/// round and reads the next (a national round has about 20,000).
const TREND_IN_FLIGHT: usize = 25_000;

/// A round's breakdown and trend keyed on (round, the data's version)
/// ([`Kept`]): a response submitted or withdrawn, a round closed, a mapping
/// between model versions stored all move it. A national round's figures
/// parse tens of thousands of shared results; kept, the coordinator's pages
/// and exports read them once per change. At most
/// [`FigureCache::CAPACITY`] rounds of each.
pub struct FigureCache {
    breakdowns: Kept<Uuid, Breakdown>,
    trends: Kept<Uuid, Vec<TrendRow>>,
}

impl Default for FigureCache {
    fn default() -> Self {
        FigureCache { breakdowns: Kept::new(Self::CAPACITY), trends: Kept::new(Self::CAPACITY) }
    }
}

impl FigureCache {
    pub const CAPACITY: usize = 64;

    /// The breakdown of `round` at `version`, computed unless kept.
    pub async fn breakdown(&self, store: &Store, round: &Round, version: i64) -> Result<Arc<Breakdown>, StoreError> {
        self.breakdowns.get_or_read(round.id, version, dashboard(store, round)).await
    }

    /// The trend up to `round` at `version`, computed unless kept.
    pub async fn trend(&self, store: &Store, round: &Round, version: i64) -> Result<Arc<Vec<TrendRow>>, StoreError> {
        self.trends.get_or_read(round.id, version, trend(store, round)).await
    }
}

/// All aggregates of one round (the coordinator's dashboard).
pub async fn dashboard(store: &Store, round: &Round) -> Result<Breakdown, StoreError> {
    let shared = store.list_shared(round.id).await?;
    let sizes: Vec<String> = shared.iter().map(|s| s.size_class.code().to_owned()).collect();
    let rs: Vec<Respondent> = shared.into_iter().map(into_respondent).collect();
    Ok(aggregate::breakdown(&rs, &sizes, round.data.k, TOP_BLOCKERS))
}

/// The respondent of a shared result, its kind as its group; moves the
/// result's areas and blockers instead of copying them (a national round has
/// tens of thousands).
fn into_respondent(s: store::Shared) -> Respondent {
    Respondent {
        org_id: s.org_id,
        group: s.kind,
        level: s.result.level,
        areas: s.result.areas,
        blockers: s.result.blockers,
    }
}

/// The trend up to and including `round` over the same coordinator's rounds
/// (oldest first, at most [`TREND_ROUNDS`]): every round's figures for all
/// respondents and for the panel that answered in all of them. Rounds on
/// another model version are translated through a stored mapping; without
/// one only the levels compare. Rounds are read one at a time.
///
/// A round appears in the trends of every later round too, each with its own
/// panel; a panel is shown only if it cannot be subtracted from the round's
/// breakdown or from the panels of the trends before it
/// ([`aggregate::trend_row`]), so every view's panels of a round are
/// decided in the same order, whichever view is asked for.
pub async fn trend(store: &Store, round: &Round) -> Result<Vec<TrendRow>, StoreError> {
    let mut rounds: Vec<Round> = store
        .list_rounds_of(&store::OrgScope::Org(round.org_id))
        .await?
        .into_iter()
        .filter(|r| {
            r.data.period < round.data.period
                || (r.data.period == round.data.period && r.created_at <= round.created_at)
        })
        .collect();
    rounds.sort_by_key(|r| (r.data.period, r.created_at));
    // The views that show a round of this trend end at rounds up to this
    // one, and reach back TREND_ROUNDS - 1 rounds further.
    let reach = 2 * TREND_ROUNDS - 1;
    if rounds.len() > reach {
        rounds.drain(..rounds.len() - reach);
    }
    let ids: Vec<Uuid> = rounds.iter().map(|r| r.id).collect();
    let mut per_round: BTreeMap<Uuid, Vec<Uuid>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for (r, org) in store.list_respondent_ids(&ids).await? {
        per_round.entry(r).or_default().push(org);
    }
    let lists: Vec<Vec<Uuid>> = ids.iter().map(|id| per_round.remove(id).unwrap_or_default()).collect();
    // The panel of the view ending at each round.
    let panels: Vec<BTreeSet<Uuid>> =
        (0..rounds.len()).map(|j| aggregate::panel(&lists[j.saturating_sub(TREND_ROUNDS - 1)..=j])).collect();
    let first = rounds.len().saturating_sub(TREND_ROUNDS);
    let mappings = store.list_mappings().await?;
    let mut out = Vec::with_capacity(rounds.len() - first);
    // Each round's figures are computed on a blocking thread while the next
    // rounds are read. How many results a round has is known from its
    // respondents, so before a round is read the computations before it are
    // awaited until the rounds held (being computed and being read) come to
    // at most TREND_IN_FLIGHT results, or to this one round alone: ten rounds
    // of a kommun's bolag overlap, two national rounds do not.
    let mut computing: VecDeque<(tokio::task::JoinHandle<TrendRow>, usize)> = VecDeque::new();
    for (i, r) in rounds.iter().enumerate().skip(first) {
        let rows = lists[i].len();
        while computing.iter().map(|(_, n)| n).sum::<usize>() + rows > TREND_IN_FLIGHT
            && let Some((c, _)) = computing.pop_front()
        {
            out.push(finished(c).await);
        }
        let shared = store.list_shared(r.id).await?;
        let mapping = (r.model_id != round.model_id)
            .then(|| mappings.iter().find(|m| m.from_model_id == r.model_id && m.to_model_id == round.model_id))
            .flatten()
            .map(|m| m.mapping.clone());
        let same_model = r.model_id == round.model_id;
        let (id, name, period, k) = (r.id, r.data.name.clone(), r.data.period, r.data.k);
        // The views that show round i: those ending at i, i+1, …, this one.
        let views: Vec<BTreeSet<Uuid>> = panels[i..].to_vec();
        let c = tokio::task::spawn_blocking(move || {
            let sizes: Vec<String> = shared.iter().map(|s| s.size_class.code().to_owned()).collect();
            let rs: Vec<Respondent> = shared
                .into_iter()
                .map(|s| {
                    let resp = into_respondent(s);
                    match (same_model, &mapping) {
                        (true, _) => resp,
                        (false, Some(m)) => m.apply(&resp),
                        (false, None) => Respondent { areas: BTreeMap::new(), blockers: Vec::new(), ..resp },
                    }
                })
                .collect();
            aggregate::trend_row((id, &name, period), &rs, &sizes, &views, k, TOP_BLOCKERS)
        });
        computing.push_back((c, rows));
    }
    for (c, _) in computing {
        out.push(finished(c).await);
    }
    Ok(out)
}

/// The result of a computation on a blocking thread; its panic goes on here.
async fn finished<T>(c: tokio::task::JoinHandle<T>) -> T {
    match c.await {
        Ok(x) => x,
        Err(e) => std::panic::resume_unwind(e.try_into_panic().unwrap_or_else(|e| Box::new(e.to_string()))),
    }
}

/// A respondent's comparative feedback.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Feedback {
    pub org_id: Uuid,
    pub kind: String,
    pub mine: SharedResult,
    /// Against the other respondents of the same kind.
    pub same_kind: Comparison,
    /// Against all other respondents.
    pub all: Comparison,
    /// Each level's share ("1"–"4") against the same kind: its percentile and the peers' spread.
    pub level_shares_same_kind: BTreeMap<String, Cell<Placement>>,
    /// Each level's share against all.
    pub level_shares_all: BTreeMap<String, Cell<Placement>>,
    /// When the respondent submitted: its figures are the self-assessment as it stood then.
    pub submitted_at: chrono::DateTime<chrono::Utc>,
}

/// The comparative feedback of `org_id` in `round`, if it has a submitted response.
pub async fn feedback(store: &Store, round: &Round, org_id: Uuid) -> Result<Option<Feedback>, StoreError> {
    let shared = store.list_shared(round.id).await?;
    let Some(me) = shared.iter().find(|s| s.org_id == org_id) else { return Ok(None) };
    let me_r = me.result.respondent(org_id, &me.kind);
    let others: Vec<Respondent> =
        shared.iter().filter(|s| s.org_id != org_id).map(|s| s.result.respondent(s.org_id, &s.kind)).collect();
    let all: Vec<&Respondent> = others.iter().collect();
    let same: Vec<&Respondent> = others.iter().filter(|r| r.group == me.kind).collect();
    // The shares per level compare the same way, each level as one figure.
    let by_level = |r: &SharedResult, org: Uuid, kind: &str| Respondent {
        org_id: org,
        group: kind.to_owned(),
        level: r.level,
        areas: r.levels.iter().map(|(l, v)| (l.to_string(), *v)).collect(),
        blockers: Vec::new(),
    };
    let me_l = by_level(&me.result, org_id, &me.kind);
    let others_l: Vec<Respondent> =
        shared.iter().filter(|s| s.org_id != org_id).map(|s| by_level(&s.result, s.org_id, &s.kind)).collect();
    let all_l: Vec<&Respondent> = others_l.iter().collect();
    let same_l: Vec<&Respondent> = others_l.iter().filter(|r| r.group == me.kind).collect();
    // The two peer groups are shown together: one of them is hidden when
    // their difference would be a group smaller than k.
    let k = round.data.k;
    let (same_shown, all_shown) = aggregate::peer_groups_shown(&all, &me.kind, k);
    let pick = |shown: bool, me: &Respondent, peers: &[&Respondent]| {
        if shown { aggregate::compare(me, peers, k) } else { Comparison::suppressed(me, k) }
    };
    Ok(Some(Feedback {
        org_id,
        kind: me.kind.clone(),
        mine: me.result.clone(),
        same_kind: pick(same_shown, &me_r, &same),
        level_shares_same_kind: pick(same_shown, &me_l, &same_l).areas,
        level_shares_all: pick(all_shown, &me_l, &all_l).areas,
        all: pick(all_shown, &me_r, &all),
        submitted_at: me.submitted_at,
    }))
}
