//! Aggregation of a follow-up round (samlad bedömning): the distribution of
//! levels, mean, median and quartiles of area shares, the most common
//! blockers, a respondent's place among its peers, and the panel of
//! organisations that answered in every compared round.
//!
//! Anonymity: every figure is computed for a group only when the group has at
//! least `k` organisations; otherwise the figure is [`Cell::Suppressed`] and
//! says how large the threshold is, never how large the group is.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use uuid::Uuid;

/// The default anonymity threshold.
pub const DEFAULT_K: usize = 5;

/// A figure, or the fact that its group is too small to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Mean, median and quartiles of a set of shares.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub n: usize,
    pub mean: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
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

pub fn spread(values: &[f64]) -> Option<Spread> {
    spread_of(values.to_vec())
}

/// [`spread`] of values it may reorder.
fn spread_of(mut v: Vec<f64>) -> Option<Spread> {
    v.retain(|x| x.is_finite());
    v.sort_unstable_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        return None;
    }
    Some(Spread {
        n,
        mean: v.iter().sum::<f64>() / n as f64,
        q1: quantile(&v, 0.25),
        median: quantile(&v, 0.5),
        q3: quantile(&v, 0.75),
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
pub struct GroupFigures {
    /// Organisations at level 0, 1, 2, 3, 4.
    pub levels: Cell<[usize; 5]>,
    /// Area id → spread of its share.
    pub areas: BTreeMap<String, Cell<Spread>>,
    /// The most common blockers: (question id, how many organisations it blocks), most common first.
    pub blockers: Cell<Vec<(String, usize)>>,
}

/// The figures of one group, suppressed as a whole when it has fewer than `k` members.
pub fn figures(rs: &[&Respondent], k: usize, top_blockers: usize) -> GroupFigures {
    // One pass over the group collects every area's shares (a national round
    // has tens of thousands of respondents, so nothing is copied per respondent).
    let mut by_area: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in rs {
        for (a, v) in &r.areas {
            by_area.entry(a.as_str()).or_insert_with(|| Vec::with_capacity(rs.len())).push(*v);
        }
    }
    if rs.len() < k.max(1) {
        return GroupFigures {
            levels: Cell::Suppressed { k },
            areas: by_area.into_keys().map(|a| (a.to_owned(), Cell::Suppressed { k })).collect(),
            blockers: Cell::Suppressed { k },
        };
    }
    let mut levels = [0usize; 5];
    for r in rs {
        levels[usize::from(r.level.min(4))] += 1;
    }
    let area_cells = by_area
        .into_iter()
        .map(|(a, vals)| {
            // An area answered by fewer than k is suppressed on its own.
            let cell = match spread_of(vals) {
                Some(s) if s.n >= k.max(1) => Cell::Value(s),
                _ => Cell::Suppressed { k },
            };
            (a.to_owned(), cell)
        })
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for r in rs {
        for (i, b) in r.blockers.iter().enumerate() {
            // Each organisation counts once per blocker.
            if !r.blockers[..i].contains(b) {
                *counts.entry(b.as_str()).or_default() += 1;
            }
        }
    }
    let mut blockers: Vec<(String, usize)> = counts.into_iter().map(|(q, n)| (q.to_owned(), n)).collect();
    blockers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    blockers.truncate(top_blockers);
    GroupFigures { levels: Cell::Value(levels), areas: area_cells, blockers: Cell::Value(blockers) }
}

/// The figures of all respondents and of each group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundFigures {
    pub respondents: usize,
    pub all: GroupFigures,
    pub groups: BTreeMap<String, GroupFigures>,
}

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
pub struct Breakdown {
    pub respondents: usize,
    pub k: usize,
    pub all: GroupFigures,
    /// Kind code → figures.
    pub by_kind: BTreeMap<String, GroupFigures>,
    /// Size class code → figures.
    pub by_size: BTreeMap<String, GroupFigures>,
}

/// The figures of a round; `sizes[i]` is the size class of `rs[i]`, whose
/// `group` is its kind.
pub fn breakdown(rs: &[Respondent], sizes: &[String], k: usize, top_blockers: usize) -> Breakdown {
    let all: Vec<&Respondent> = rs.iter().collect();
    let mut by_kind: BTreeMap<&str, Vec<&Respondent>> = BTreeMap::new();
    let mut by_size: BTreeMap<&str, Vec<&Respondent>> = BTreeMap::new();
    for (i, r) in rs.iter().enumerate() {
        by_kind.entry(r.group.as_str()).or_default().push(r);
        if let Some(s) = sizes.get(i) {
            by_size.entry(s.as_str()).or_default().push(r);
        }
    }
    let group = |m: BTreeMap<&str, Vec<&Respondent>>| {
        m.into_iter().map(|(g, members)| (g.to_owned(), figures(&members, k, top_blockers))).collect()
    };
    Breakdown {
        respondents: rs.len(),
        k,
        all: figures(&all, k, top_blockers),
        by_kind: group(by_kind),
        by_size: group(by_size),
    }
}

/// One round of a trend: the figures of all its respondents and of the panel
/// (the organisations that answered in every compared round).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRow {
    pub round_id: Uuid,
    pub name: String,
    pub period: i32,
    pub respondents: usize,
    pub panel_size: usize,
    pub all: GroupFigures,
    pub panel: GroupFigures,
}

pub fn trend_row(
    (round_id, name, period): (Uuid, &str, i32),
    rs: &[Respondent],
    panel: &BTreeSet<Uuid>,
    k: usize,
    top_blockers: usize,
) -> TrendRow {
    let all: Vec<&Respondent> = rs.iter().collect();
    let in_panel: Vec<&Respondent> = rs.iter().filter(|r| panel.contains(&r.org_id)).collect();
    TrendRow {
        round_id,
        name: name.to_owned(),
        period,
        respondents: rs.len(),
        panel_size: in_panel.len(),
        all: figures(&all, k, top_blockers),
        panel: figures(&in_panel, k, top_blockers),
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

/// The organisations that answered in every one of `rounds` (each a list of org ids).
pub fn panel(rounds: &[Vec<Uuid>]) -> BTreeSet<Uuid> {
    let mut it = rounds.iter();
    let Some(first) = it.next() else { return BTreeSet::new() };
    let mut set: BTreeSet<Uuid> = first.iter().copied().collect();
    for r in it {
        let here: BTreeSet<Uuid> = r.iter().copied().collect();
        set = set.intersection(&here).copied().collect();
    }
    set
}

/// How one respondent compares with a peer group: its level's and each
/// area's percentile, and which of its blockers are common (blocking at least
/// half the peers) or rare (fewer than a fifth). Suppressed below `k` peers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub peers: Cell<usize>,
    pub level_percentile: Cell<f64>,
    pub areas: BTreeMap<String, Cell<(f64, Spread)>>,
    pub common_blockers: Cell<Vec<String>>,
    pub rare_blockers: Cell<Vec<String>>,
}

pub fn compare(me: &Respondent, peers: &[&Respondent], k: usize) -> Comparison {
    let k = k.max(1);
    if peers.len() < k {
        return Comparison {
            peers: Cell::Suppressed { k },
            level_percentile: Cell::Suppressed { k },
            areas: me.areas.keys().map(|a| (a.clone(), Cell::Suppressed { k })).collect(),
            common_blockers: Cell::Suppressed { k },
            rare_blockers: Cell::Suppressed { k },
        };
    }
    let levels: Vec<f64> = peers.iter().map(|p| f64::from(p.level)).collect();
    let areas = me
        .areas
        .iter()
        .map(|(a, mine)| {
            let vals: Vec<f64> = peers.iter().filter_map(|p| p.areas.get(a).copied()).collect();
            let cell = match spread(&vals) {
                Some(s) if s.n >= k => Cell::Value((percentile(*mine, &vals), s)),
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
        level_percentile: Cell::Value(percentile(f64::from(me.level), &levels)),
        areas,
        common_blockers: Cell::Value(common),
        rare_blockers: Cell::Value(rare),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(n: u128, group: &str, level: u8, share: f64, blockers: &[&str]) -> Respondent {
        Respondent {
            org_id: Uuid::from_u128(n),
            group: group.into(),
            level,
            areas: [("styrning".to_owned(), share)].into_iter().collect(),
            blockers: blockers.iter().map(|b| (*b).to_owned()).collect(),
        }
    }

    #[test]
    fn breakdown_by_kind_and_size_and_trend_with_panel() {
        let rs: Vec<Respondent> =
            (0..8).map(|i| r(i, if i < 6 { "municipality" } else { "region" }, (i % 3) as u8, 0.5, &[])).collect();
        let sizes: Vec<String> = (0..8).map(|i| if i < 5 { "small".into() } else { "large".into() }).collect();
        let b = breakdown(&rs, &sizes, 5, 3);
        assert_eq!(b.respondents, 8);
        assert!(!b.by_kind["municipality"].levels.is_suppressed());
        assert!(b.by_kind["region"].levels.is_suppressed());
        assert!(!b.by_size["small"].levels.is_suppressed());
        assert!(b.by_size["large"].levels.is_suppressed());
        let panel: BTreeSet<Uuid> = (0..4).map(Uuid::from_u128).collect();
        let t = trend_row((Uuid::nil(), "2026", 2026), &rs, &panel, 3, 3);
        assert_eq!((t.respondents, t.panel_size), (8, 4));
        assert_eq!(t.panel.levels, Cell::Value([2, 1, 1, 0, 0]));
        assert!((mean_level(&[1, 0, 1, 0, 0]) - 1.0).abs() < 1e-12);
        assert!(mean_level(&[0; 5]).is_nan());
    }

    #[test]
    fn quartiles_follow_excel() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.25), 1.75);
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&v, 0.75), 3.25);
        let s = spread(&[0.2, 0.4, 0.6, 0.8, 1.0]).unwrap();
        assert_eq!((s.n, s.median, s.q1, s.q3), (5, 0.6, 0.4, 0.8));
        assert!((s.mean - 0.6).abs() < 1e-12);
        assert!(spread(&[]).is_none());
    }

    #[test]
    fn a_group_below_k_is_suppressed_whole() {
        let rs: Vec<Respondent> = (0..7)
            .map(|i| r(i, if i < 5 { "kommun" } else { "region" }, (i % 5) as u8, 0.1 * i as f64, &["q1"]))
            .collect();
        let f = round_figures(&rs, 5, 3);
        assert_eq!(f.respondents, 7);
        assert_eq!(f.all.levels, Cell::Value([2, 2, 1, 1, 1]));
        assert_eq!(f.groups["kommun"].levels, Cell::Value([1, 1, 1, 1, 1]));
        let region = &f.groups["region"];
        assert!(region.levels.is_suppressed() && region.blockers.is_suppressed());
        assert!(region.areas.values().all(Cell::is_suppressed));
        // The suppressed cell tells the threshold, not the group's size.
        assert_eq!(serde_json::to_string(&region.levels).unwrap(), r#"{"kind":"suppressed","value":{"k":5}}"#);
        assert_eq!(f.all.blockers, Cell::Value(vec![("q1".to_owned(), 7)]));
    }

    #[test]
    fn blockers_count_organisations_most_common_first() {
        let rs = [
            r(1, "g", 1, 0.5, &["a", "b", "b"]),
            r(2, "g", 1, 0.5, &["b"]),
            r(3, "g", 1, 0.5, &["c", "b"]),
            r(4, "g", 2, 0.5, &["c"]),
            r(5, "g", 2, 0.5, &[]),
        ];
        let refs: Vec<&Respondent> = rs.iter().collect();
        let f = figures(&refs, 5, 2);
        assert_eq!(f.blockers, Cell::Value(vec![("b".to_owned(), 3), ("c".to_owned(), 2)]));
    }

    #[test]
    fn the_panel_is_who_answered_every_time() {
        let id = Uuid::from_u128;
        let p = panel(&[vec![id(1), id(2), id(3)], vec![id(2), id(3), id(4)], vec![id(3), id(2)]]);
        assert_eq!(p.into_iter().collect::<Vec<_>>(), vec![id(2), id(3)]);
        assert!(panel(&[]).is_empty());
    }

    #[test]
    fn a_respondent_is_placed_among_its_peers() {
        let peers: Vec<Respondent> = (0..10)
            .map(|i| r(i, "kommun", (i / 3) as u8, i as f64 / 10.0, if i < 6 { &["x"] } else { &["y"] }))
            .collect();
        let me = r(99, "kommun", 3, 0.95, &["x", "z"]);
        let refs: Vec<&Respondent> = peers.iter().collect();
        let c = compare(&me, &refs, 5);
        assert_eq!(c.peers, Cell::Value(10));
        assert_eq!(c.level_percentile, Cell::Value(95.0));
        let (pct, spread) = c.areas["styrning"].value().unwrap();
        assert_eq!(*pct, 100.0);
        assert!((spread.median - 0.45).abs() < 1e-12);
        assert_eq!(c.common_blockers, Cell::Value(vec!["x".to_owned()]));
        assert_eq!(c.rare_blockers, Cell::Value(vec!["z".to_owned()]));
        let few = compare(&me, &refs[..4], 5);
        assert!(few.peers.is_suppressed() && few.level_percentile.is_suppressed());
    }

    proptest! {
        #[test]
        fn no_figure_of_a_small_group_ever_shows(n in 0usize..12, k in 1usize..8) {
            let rs: Vec<Respondent> = (0..n).map(|i| r(i as u128, "g", (i % 5) as u8, 0.5, &["q"])).collect();
            let f = round_figures(&rs, k, 5);
            if n < k {
                prop_assert!(f.all.levels.is_suppressed());
                prop_assert!(f.all.blockers.is_suppressed());
                prop_assert!(f.all.areas.values().all(Cell::is_suppressed));
            } else {
                prop_assert_eq!(f.all.levels.value().unwrap().iter().sum::<usize>(), n);
            }
        }

        #[test]
        fn percentiles_stay_in_range_and_grow_with_the_value(v in proptest::collection::vec(0.0f64..1.0, 1..30), a in 0.0f64..1.0, b in 0.0f64..1.0) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let (p_lo, p_hi) = (percentile(lo, &v), percentile(hi, &v));
            prop_assert!((0.0..=100.0).contains(&p_lo) && (0.0..=100.0).contains(&p_hi));
            prop_assert!(p_lo <= p_hi);
        }

        #[test]
        fn quartiles_are_ordered(v in proptest::collection::vec(0.0f64..1.0, 1..40)) {
            let s = spread(&v).unwrap();
            prop_assert!(s.q1 <= s.median && s.median <= s.q3);
            let min = v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(min <= s.q1 && s.q3 <= max);
        }
    }
}
