//! Aggregation of a follow-up round (samlad bedömning): the distribution of
//! levels, mean, median and quartiles of area shares, the most common
//! blockers, a respondent's place among its peers, and the panel of
//! organisations that answered in every compared round.
//!
//! Anonymity: every figure is computed for a group only when the group has at
//! least `k` organisations; otherwise the figure is [`Cell::Suppressed`] and
//! says how large the threshold is, never how large the group is (primary
//! suppression). The figures a round publishes together — all respondents,
//! the groups by kind and by size class, the trend's panels, a respondent's
//! two peer groups — are then protected against differencing by
//! complementary suppression ([`crate::disclosure`], after Hundepool et al.,
//! *Statistical Disclosure Control*, 2012, ch. 4–5), and quartiles and
//! percentiles are shown only for groups of at least
//! [`crate::disclosure::quantile_min`] members.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use uuid::Uuid;

use crate::disclosure::{self, quantile_min};

/// The default anonymity threshold.
pub const DEFAULT_K: usize = 5;

/// A figure, or the fact that its group is too small to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Cell<T> {
    Value(T),
    /// Fewer than `k` organisations.
    Suppressed {
        k: usize,
    },
}

impl<T> Cell<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Cell::Value(v) => Some(v),
            Cell::Suppressed { .. } => None,
        }
    }
    pub fn is_suppressed(&self) -> bool {
        matches!(self, Cell::Suppressed { .. })
    }
}

/// One organisation's shared result in a round.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Respondent {
    pub org_id: Uuid,
    /// The group it is compared in (e.g. the kind of organisation, or a size class).
    pub group: String,
    pub level: u8,
    /// Area id → share 0.0–1.0.
    pub areas: BTreeMap<String, f64>,
    /// Question ids that keep it from its next level.
    pub blockers: Vec<String>,
}

/// Mean, median and quartiles of a set of shares. The median and quartiles
/// are `None` for a group smaller than [`quantile_min`]: order statistics of
/// a small group tell its members' values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Spread {
    pub n: usize,
    pub mean: f64,
    pub q1: Option<f64>,
    pub median: Option<f64>,
    pub q3: Option<f64>,
}

/// The value at quantile `q` (0–1) of sorted values, linearly interpolated
/// between closest ranks (the method of Excel's QUARTILE.INC).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = pos.ceil() as usize;
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

/// The spread of `values` under anonymity threshold `k` (quartiles only for
/// at least [`quantile_min`]`(k)` values).
pub fn spread(values: &[f64], k: usize) -> Option<Spread> {
    spread_of(values.to_vec(), k)
}

/// [`spread`] of values it may reorder.
fn spread_of(mut v: Vec<f64>, k: usize) -> Option<Spread> {
    v.retain(|x| x.is_finite());
    v.sort_unstable_by(|a, b| a.total_cmp(b));
    spread_sorted(&v, k)
}

/// [`spread`] of finite values already in order.
fn spread_sorted(v: &[f64], k: usize) -> Option<Spread> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let ordered = n >= quantile_min(k);
    Some(Spread {
        n,
        mean: v.iter().sum::<f64>() / n as f64,
        q1: ordered.then(|| quantile(v, 0.25)),
        median: ordered.then(|| quantile(v, 0.5)),
        q3: ordered.then(|| quantile(v, 0.75)),
    })
}

/// The share of `peers` strictly below `value` plus half of those equal, in
/// percent (the mid-rank percentile: the middle of a tie is 50).
pub fn percentile(value: f64, peers: &[f64]) -> f64 {
    if peers.is_empty() {
        return f64::NAN;
    }
    let below = peers.iter().filter(|p| **p < value).count() as f64;
    let equal = peers.iter().filter(|p| **p == value).count() as f64;
    (below + equal / 2.0) / peers.len() as f64 * 100.0
}

/// The figures of one group of respondents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupFigures {
    /// Organisations at level 0, 1, 2, 3, 4.
    #[cfg_attr(feature = "openapi", schema(value_type = Cell<Vec<usize>>))]
    pub levels: Cell<[usize; 5]>,
    /// Area id → spread of its share.
    pub areas: BTreeMap<String, Cell<Spread>>,
    /// The most common blockers: (question id, how many organisations it blocks), most common first.
    pub blockers: Cell<Vec<BlockerCount>>,
}

/// How many organisations one question keeps from their next level.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockerCount {
    /// The question's id.
    pub question: String,
    pub organisations: usize,
}

/// Where a respondent's value lies among its peers: its mid-rank
/// percentile and the peers' spread.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Placement {
    pub percentile: f64,
    pub spread: Spread,
}

/// The figures of one group, suppressed as a whole when it has fewer than `k` members.
pub fn figures(rs: &[&Respondent], k: usize, top_blockers: usize) -> GroupFigures {
    let all: Vec<usize> = (0..rs.len()).collect();
    Columns::new(rs.iter().copied()).figures(&all, k, top_blockers, true)
}

/// A set of respondents laid out once for the figures of many groups of
/// them: each area's shares in order with whose they are, and each
/// respondent's blockers as numbers. A group's figures then filter the
/// ordered shares by membership (a subsequence of an ordered list is in
/// order) instead of sorting again, so a round's seven groups of a national
/// round's tens of thousands of respondents cost one sort per area.
struct Columns<'a> {
    levels: Vec<u8>,
    /// Area id → (share, respondent), ordered by share.
    areas: Vec<(&'a str, Vec<(f64, usize)>)>,
    /// Blocker question ids; `blocked[i]` are respondent i's, each once.
    blockers: Vec<&'a str>,
    blocked: Vec<Vec<usize>>,
}

impl<'a> Columns<'a> {
    fn new(rs: impl IntoIterator<Item = &'a Respondent>) -> Self {
        let mut c = Columns { levels: Vec::new(), areas: Vec::new(), blockers: Vec::new(), blocked: Vec::new() };
        let mut blocker_ids: HashMap<&'a str, usize> = HashMap::new();
        for (i, r) in rs.into_iter().enumerate() {
            c.levels.push(r.level);
            // Each respondent's areas are walked beside the columns (both by
            // id), so the common case, every respondent with the same areas,
            // costs one comparison per share rather than a map look-up.
            let mut j = 0;
            for (a, v) in &r.areas {
                while j < c.areas.len() && c.areas[j].0 < a.as_str() {
                    j += 1;
                }
                if j == c.areas.len() || c.areas[j].0 != a.as_str() {
                    c.areas.insert(j, (a.as_str(), Vec::new()));
                }
                c.areas[j].1.push((*v, i));
                j += 1;
            }
            let mut mine: Vec<usize> = Vec::with_capacity(r.blockers.len());
            for b in &r.blockers {
                let n = blocker_ids.len();
                let id = *blocker_ids.entry(b.as_str()).or_insert_with(|| {
                    c.blockers.push(b.as_str());
                    n
                });
                // Each organisation counts once per blocker.
                if !mine.contains(&id) {
                    mine.push(id);
                }
            }
            c.blocked.push(mine);
        }
        for (_, col) in &mut c.areas {
            col.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        }
        c
    }

    /// The figures of the group of `members` (indices into the respondents),
    /// all suppressed when `shown` is false or the group is smaller than `k`.
    /// An area appears when at least one member answered it.
    fn figures(&self, members: &[usize], k: usize, top_blockers: usize, shown: bool) -> GroupFigures {
        let mut member = vec![false; self.levels.len()];
        for m in members {
            member[*m] = true;
        }
        let values =
            |col: &[(f64, usize)]| -> Vec<f64> { col.iter().filter(|(_, i)| member[*i]).map(|(v, _)| *v).collect() };
        if !shown || members.len() < k.max(1) {
            return GroupFigures {
                levels: Cell::Suppressed { k },
                areas: self
                    .areas
                    .iter()
                    .filter(|(_, col)| col.iter().any(|(_, i)| member[*i]))
                    .map(|(a, _)| ((*a).to_owned(), Cell::Suppressed { k }))
                    .collect(),
                blockers: Cell::Suppressed { k },
            };
        }
        let mut levels = [0usize; 5];
        for m in members {
            levels[usize::from(self.levels[*m].min(4))] += 1;
        }
        let areas = self
            .areas
            .iter()
            .filter_map(|(a, col)| {
                let mut vals = values(col);
                if vals.is_empty() {
                    return None;
                }
                vals.retain(|x| x.is_finite());
                // An area answered by fewer than k is suppressed on its own.
                let cell = match spread_sorted(&vals, k) {
                    Some(s) if s.n >= k.max(1) => Cell::Value(s),
                    _ => Cell::Suppressed { k },
                };
                Some(((*a).to_owned(), cell))
            })
            .collect();
        let mut counts = vec![0usize; self.blockers.len()];
        for m in members {
            for b in &self.blocked[*m] {
                counts[*b] += 1;
            }
        }
        let mut blockers: Vec<BlockerCount> = counts
            .into_iter()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .map(|(q, n)| BlockerCount { question: self.blockers[q].to_owned(), organisations: n })
            .collect();
        blockers.sort_by(|a, b| b.organisations.cmp(&a.organisations).then_with(|| a.question.cmp(&b.question)));
        blockers.truncate(top_blockers);
        GroupFigures { levels: Cell::Value(levels), areas, blockers: Cell::Value(blockers) }
    }
}

/// Suppresses, in `f`, the area figures that would let a reader derive a
/// figure about fewer than `k` members through the areas' own member sets
/// (an area's figures cover only the members who answered it).
fn protect_areas(rs: &[Respondent], groups: &[Vec<usize>], shown: &[bool], k: usize, f: &mut [&mut GroupFigures]) {
    // The common case, every respondent with the same areas, costs one pass
    // of key comparisons and nothing more.
    let same_areas =
        rs.windows(2).all(|w| w[0].areas.len() == w[1].areas.len() && w[0].areas.keys().eq(w[1].areas.keys()));
    if same_areas {
        return;
    }
    let areas: BTreeSet<&str> = rs.iter().flat_map(|r| r.areas.keys().map(String::as_str)).collect();
    for a in areas {
        if rs.iter().all(|r| r.areas.contains_key(a)) {
            // The same member sets as the groups: already protected.
            continue;
        }
        let sets: Vec<Vec<usize>> = groups
            .iter()
            .zip(shown)
            .map(
                |(g, s)| {
                    if *s { g.iter().copied().filter(|i| rs[*i].areas.contains_key(a)).collect() } else { Vec::new() }
                },
            )
            .collect();
        let hide = disclosure::protect(rs.len(), &sets, k, &[0]);
        for (figs, h) in f.iter_mut().zip(hide) {
            if h && let Some(c) = figs.areas.get_mut(a) {
                *c = Cell::Suppressed { k };
            }
        }
    }
}

/// The figures of all respondents and of each group, with primary
/// suppression only (a test of [`figures`]; what a round publishes is
/// [`breakdown`]).
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundFigures {
    pub respondents: usize,
    pub all: GroupFigures,
    pub groups: BTreeMap<String, GroupFigures>,
}

#[cfg(test)]
pub fn round_figures(rs: &[Respondent], k: usize, top_blockers: usize) -> RoundFigures {
    let all: Vec<&Respondent> = rs.iter().collect();
    let mut by_group: BTreeMap<String, Vec<&Respondent>> = BTreeMap::new();
    for r in rs {
        by_group.entry(r.group.clone()).or_default().push(r);
    }
    RoundFigures {
        respondents: rs.len(),
        all: figures(&all, k, top_blockers),
        groups: by_group.into_iter().map(|(g, members)| (g, figures(&members, k, top_blockers))).collect(),
    }
}

/// A round's figures for all respondents, by kind of organisation and by size class.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    pub respondents: usize,
    pub k: usize,
    pub all: GroupFigures,
    /// Kind code → figures.
    pub by_kind: BTreeMap<String, GroupFigures>,
    /// Size class code → figures.
    pub by_size: BTreeMap<String, GroupFigures>,
}

/// The groups a round's breakdown publishes, as member indices: all
/// respondents first, then each kind, then each size class (both sorted by
/// code), and which of them complementary suppression hides.
pub struct Published {
    pub groups: Vec<Vec<usize>>,
    pub kinds: Vec<String>,
    pub sizes: Vec<String>,
    pub suppressed: Vec<bool>,
}

/// Which of a round's breakdown groups may be shown together; `sizes[i]` is
/// the size class of `rs[i]`, whose `group` is its kind. "All" is kept
/// unless nothing else helps.
pub fn published(rs: &[Respondent], sizes: &[String], k: usize) -> Published {
    let mut by_kind: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_size: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in rs.iter().enumerate() {
        by_kind.entry(r.group.as_str()).or_default().push(i);
        if let Some(s) = sizes.get(i) {
            by_size.entry(s.as_str()).or_default().push(i);
        }
    }
    let kinds: Vec<String> = by_kind.keys().map(|k| (*k).to_owned()).collect();
    let size_codes: Vec<String> = by_size.keys().map(|k| (*k).to_owned()).collect();
    let mut groups: Vec<Vec<usize>> = vec![(0..rs.len()).collect()];
    groups.extend(by_kind.into_values());
    groups.extend(by_size.into_values());
    let suppressed = disclosure::protect(rs.len(), &groups, k, &[0]);
    Published { groups, kinds, sizes: size_codes, suppressed }
}

/// The figures of a round; `sizes[i]` is the size class of `rs[i]`, whose
/// `group` is its kind. Groups are suppressed as [`published`] decides.
pub fn breakdown(rs: &[Respondent], sizes: &[String], k: usize, top_blockers: usize) -> Breakdown {
    let p = published(rs, sizes, k);
    let cols = Columns::new(rs);
    let fig = |g: usize| cols.figures(&p.groups[g], k, top_blockers, !p.suppressed[g]);
    let mut all = fig(0);
    let mut by_kind: Vec<(String, GroupFigures)> =
        p.kinds.iter().enumerate().map(|(i, code)| (code.clone(), fig(1 + i))).collect();
    let offset = 1 + p.kinds.len();
    let mut by_size: Vec<(String, GroupFigures)> =
        p.sizes.iter().enumerate().map(|(i, code)| (code.clone(), fig(offset + i))).collect();
    {
        let mut refs: Vec<&mut GroupFigures> = std::iter::once(&mut all)
            .chain(by_kind.iter_mut().map(|(_, f)| f))
            .chain(by_size.iter_mut().map(|(_, f)| f))
            .collect();
        let shown: Vec<bool> = p.suppressed.iter().map(|s| !s).collect();
        protect_areas(rs, &p.groups, &shown, k, &mut refs);
    }
    Breakdown {
        respondents: rs.len(),
        k,
        all,
        by_kind: by_kind.into_iter().collect(),
        by_size: by_size.into_iter().collect(),
    }
}

/// One round of a trend: the figures of all its respondents and of the panel
/// (the organisations that answered in every compared round).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendRow {
    pub round_id: Uuid,
    pub name: String,
    pub period: i32,
    pub respondents: usize,
    pub panel_size: usize,
    pub all: GroupFigures,
    pub panel: GroupFigures,
}

/// One round's row of a trend. `sizes[i]` is the size class of `rs[i]`.
/// `panels` are the panels of every trend view that shows this round, in the
/// order they became available, the view being built last: each is shown
/// only if, together with the round's breakdown and the panels before it,
/// it lets nothing about fewer than `k` members be derived (so two views'
/// panels cannot be subtracted either). "All" is shown as the breakdown
/// shows it.
pub fn trend_row(
    (round_id, name, period): (Uuid, &str, i32),
    rs: &[Respondent],
    sizes: &[String],
    panels: &[BTreeSet<Uuid>],
    k: usize,
    top_blockers: usize,
) -> TrendRow {
    let p = published(rs, sizes, k);
    let mut family: Vec<Vec<usize>> =
        p.groups.iter().zip(&p.suppressed).map(|(g, s)| if *s { Vec::new() } else { g.clone() }).collect();
    let mut panel_shown = false;
    let mut members: Vec<usize> = Vec::new();
    for panel in panels {
        members = rs.iter().enumerate().filter(|(_, r)| panel.contains(&r.org_id)).map(|(i, _)| i).collect();
        family.push(members.clone());
        let none_hidden = vec![false; family.len()];
        panel_shown = disclosure::audit(rs.len(), &family, &none_hidden, k).is_none();
        if !panel_shown {
            // Not published: it is not part of what a reader has.
            family.pop();
        }
    }
    let cols = Columns::new(rs);
    TrendRow {
        round_id,
        name: name.to_owned(),
        period,
        respondents: rs.len(),
        panel_size: members.len(),
        all: cols.figures(&p.groups[0], k, top_blockers, !p.suppressed[0]),
        panel: cols.figures(&members, k, top_blockers, panel_shown && !panels.is_empty()),
    }
}

/// The mean level of a level distribution.
pub fn mean_level(levels: &[usize; 5]) -> f64 {
    let n: usize = levels.iter().sum();
    if n == 0 {
        return f64::NAN;
    }
    levels.iter().enumerate().map(|(l, c)| (l * c) as f64).sum::<f64>() / n as f64
}

/// The organisations that answered in every one of `rounds` (each a list of
/// org ids). Lists already in order (as the store reads them) are not
/// sorted again; the intersection walks them side by side.
pub fn panel(rounds: &[Vec<Uuid>]) -> BTreeSet<Uuid> {
    let ordered = |r: &Vec<Uuid>| -> Vec<Uuid> {
        let mut v = r.clone();
        if !v.is_sorted() {
            v.sort_unstable();
        }
        v.dedup();
        v
    };
    let mut it = rounds.iter();
    let Some(first) = it.next() else { return BTreeSet::new() };
    let mut set = ordered(first);
    for r in it {
        let here = ordered(r);
        let mut j = 0;
        set.retain(|id| {
            while j < here.len() && here[j] < *id {
                j += 1;
            }
            j < here.len() && here[j] == *id
        });
    }
    set.into_iter().collect()
}

/// How one respondent compares with a peer group: its level's and each
/// area's percentile, and which of its blockers are common (blocking at least
/// half the peers) or rare (fewer than a fifth). Suppressed below `k` peers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    pub peers: Cell<usize>,
    pub level_percentile: Cell<f64>,
    pub areas: BTreeMap<String, Cell<Placement>>,
    pub common_blockers: Cell<Vec<String>>,
    pub rare_blockers: Cell<Vec<String>>,
}

impl Comparison {
    /// A comparison of `me` with every figure suppressed.
    pub fn suppressed(me: &Respondent, k: usize) -> Self {
        Comparison {
            peers: Cell::Suppressed { k },
            level_percentile: Cell::Suppressed { k },
            areas: me.areas.keys().map(|a| (a.clone(), Cell::Suppressed { k })).collect(),
            common_blockers: Cell::Suppressed { k },
            rare_blockers: Cell::Suppressed { k },
        }
    }
}

/// Which of a respondent's two peer groups may be shown together: the
/// others of its own kind (`same`), and all the others. The respondent sees
/// both, so "all" minus "same kind" must not be a group of fewer than `k`
/// (complementary suppression: then the same-kind comparison is hidden).
/// Returns (same kind shown, all shown).
pub fn peer_groups_shown(others: &[&Respondent], kind: &str, k: usize) -> (bool, bool) {
    let same: Vec<usize> = others.iter().enumerate().filter(|(_, r)| r.group == kind).map(|(i, _)| i).collect();
    let groups = [(0..others.len()).collect::<Vec<usize>>(), same];
    let hidden = disclosure::protect(others.len(), &groups, k, &[0]);
    (!hidden[1], !hidden[0])
}

pub fn compare(me: &Respondent, peers: &[&Respondent], k: usize) -> Comparison {
    let k = k.max(1);
    if peers.len() < k {
        return Comparison::suppressed(me, k);
    }
    let levels: Vec<f64> = peers.iter().map(|p| f64::from(p.level)).collect();
    let areas = me
        .areas
        .iter()
        .map(|(a, mine)| {
            let vals: Vec<f64> = peers.iter().filter_map(|p| p.areas.get(a).copied()).collect();
            let cell = match spread(&vals, k) {
                Some(s) if s.n >= quantile_min(k) => {
                    Cell::Value(Placement { percentile: percentile(*mine, &vals), spread: s })
                }
                _ => Cell::Suppressed { k },
            };
            (a.clone(), cell)
        })
        .collect();
    let share =
        |q: &str| peers.iter().filter(|p| p.blockers.iter().any(|b| b == q)).count() as f64 / peers.len() as f64;
    let common = me.blockers.iter().filter(|b| share(b) >= 0.5).cloned().collect();
    let rare = me.blockers.iter().filter(|b| share(b) < 0.2).cloned().collect();
    Comparison {
        peers: Cell::Value(peers.len()),
        level_percentile: if peers.len() >= quantile_min(k) {
            Cell::Value(percentile(f64::from(me.level), &levels))
        } else {
            Cell::Suppressed { k }
        },
        areas,
        common_blockers: Cell::Value(common),
        rare_blockers: Cell::Value(rare),
    }
}

mod summary;
pub use summary::{Findings, findings};

#[cfg(test)]
mod tests;
