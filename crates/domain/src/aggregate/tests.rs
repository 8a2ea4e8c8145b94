//! Tests of the aggregates and of what a round publishes together.

use super::*;
use proptest::prelude::*;

fn bc(q: &str, n: usize) -> BlockerCount {
    BlockerCount { question: q.to_owned(), organisations: n }
}

fn r(n: u128, group: &str, level: u8, share: f64, blockers: &[&str]) -> Respondent {
    Respondent {
        org_id: Uuid::from_u128(n),
        group: group.into(),
        level,
        areas: [("styrning".to_owned(), share)].into_iter().collect(),
        blockers: blockers.iter().map(|b| (*b).to_owned()).collect(),
    }
}

fn all_but(rs: &[Respondent], i: usize) -> BTreeSet<Uuid> {
    rs.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, r)| r.org_id).collect()
}

#[test]
fn breakdown_by_kind_and_size_and_trend_with_panel() {
    let rs: Vec<Respondent> =
        (0..8).map(|i| r(i, if i < 6 { "municipality" } else { "region" }, (i % 3) as u8, 0.5, &[])).collect();
    let sizes: Vec<String> = (0..8).map(|i| if i < 5 { "small".into() } else { "large".into() }).collect();
    let b = breakdown(&rs, &sizes, 5, 3);
    assert_eq!(b.respondents, 8);
    assert!(!b.all.levels.is_suppressed());
    assert!(b.by_kind["region"].levels.is_suppressed(), "2 < k");
    assert!(b.by_kind["municipality"].levels.is_suppressed(), "else all minus it gives the region");
    assert!(b.by_size["large"].levels.is_suppressed(), "3 < k");
    assert!(b.by_size["small"].levels.is_suppressed(), "else all minus it gives the large ones");
    let panel: BTreeSet<Uuid> = (0..5).map(Uuid::from_u128).collect();
    let t = trend_row((Uuid::nil(), "2026", 2026), &rs, &sizes, std::slice::from_ref(&panel), 3, 3);
    assert_eq!((t.respondents, t.panel_size), (8, 5));
    assert_eq!(t.panel.levels, Cell::Value([2, 2, 1, 0, 0]));
    // A panel one member short of a shown group would give that member away.
    let short: BTreeSet<Uuid> = (0..4).map(Uuid::from_u128).collect();
    let t = trend_row((Uuid::nil(), "2026", 2026), &rs, &sizes, &[short], 3, 3);
    assert!(t.panel.levels.is_suppressed());
    assert!(!t.all.levels.is_suppressed());
    // Nor may a later view's panel differ from an earlier one's by too few.
    let t = trend_row((Uuid::nil(), "2026", 2026), &rs, &sizes, &[all_but(&rs, 0), all_but(&rs, 1)], 3, 3);
    assert!(t.panel.levels.is_suppressed(), "two panels one member apart each");
    assert!((mean_level(&[1, 0, 1, 0, 0]) - 1.0).abs() < 1e-12);
    assert!(mean_level(&[0; 5]).is_nan());
}

#[test]
fn quartiles_follow_excel() {
    let v = [1.0, 2.0, 3.0, 4.0];
    assert_eq!(quantile(&v, 0.25), 1.75);
    assert_eq!(quantile(&v, 0.5), 2.5);
    assert_eq!(quantile(&v, 0.75), 3.25);
    let ten: Vec<f64> = (1..=10).map(|i| f64::from(i) / 10.0).collect();
    let s = spread(&ten, 3).unwrap();
    assert_eq!((s.n, s.median, s.q1, s.q3), (10, Some(0.55), Some(0.325), Some(0.775)));
    assert!((s.mean - 0.55).abs() < 1e-12);
    assert!(spread(&[], 3).is_none());
    // Three members' quartiles would give away all three values.
    let s = spread(&[0.2, 0.4, 0.6], 3).unwrap();
    assert_eq!((s.n, s.q1, s.median, s.q3), (3, None, None, None));
    assert!((s.mean - 0.4).abs() < 1e-12);
    // Fewer than 2k members: no quartiles either.
    assert!(spread(&ten, 6).unwrap().median.is_none());
}

#[test]
fn a_group_below_k_is_suppressed_whole() {
    let rs: Vec<Respondent> =
        (0..7).map(|i| r(i, if i < 5 { "kommun" } else { "region" }, (i % 5) as u8, 0.1 * i as f64, &["q1"])).collect();
    let f = round_figures(&rs, 5, 3);
    assert_eq!(f.respondents, 7);
    assert_eq!(f.all.levels, Cell::Value([2, 2, 1, 1, 1]));
    assert_eq!(f.groups["kommun"].levels, Cell::Value([1, 1, 1, 1, 1]));
    let region = &f.groups["region"];
    assert!(region.levels.is_suppressed() && region.blockers.is_suppressed());
    assert!(region.areas.values().all(Cell::is_suppressed));
    // The suppressed cell tells the threshold, not the group's size.
    assert_eq!(serde_json::to_string(&region.levels).unwrap(), r#"{"kind":"suppressed","value":{"k":5}}"#);
    assert_eq!(f.all.blockers, Cell::Value(vec![bc("q1", 7)]));
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
    assert_eq!(f.blockers, Cell::Value(vec![bc("b", 3), bc("c", 2)]));
}

#[test]
fn the_panel_is_who_answered_every_time() {
    let id = Uuid::from_u128;
    let p = panel(&[vec![id(1), id(2), id(3)], vec![id(2), id(3), id(4)], vec![id(3), id(2)]]);
    assert_eq!(p.into_iter().collect::<Vec<_>>(), vec![id(2), id(3)]);
    assert!(panel(&[]).is_empty());
    let p = panel(&[vec![id(3), id(1), id(3), id(5)], vec![id(1), id(1), id(3), id(4), id(5)], vec![id(5), id(3)]]);
    assert_eq!(p.into_iter().collect::<Vec<_>>(), vec![id(3), id(5)], "unordered lists and repeats");
}

#[test]
fn a_respondent_is_placed_among_its_peers() {
    let peers: Vec<Respondent> =
        (0..10).map(|i| r(i, "kommun", (i / 3) as u8, i as f64 / 10.0, if i < 6 { &["x"] } else { &["y"] })).collect();
    let me = r(99, "kommun", 3, 0.95, &["x", "z"]);
    let refs: Vec<&Respondent> = peers.iter().collect();
    let c = compare(&me, &refs, 5);
    assert_eq!(c.peers, Cell::Value(10));
    assert_eq!(c.level_percentile, Cell::Value(95.0));
    let Placement { percentile: pct, spread } = c.areas["styrning"].value().unwrap();
    assert_eq!(*pct, 100.0);
    assert!((spread.median.unwrap() - 0.45).abs() < 1e-12);
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

    /// Everything a round publishes about its respondents' levels — all,
    /// each kind, each size class, the trend's panels of two views —
    /// tried by a reader who adds and subtracts any of the shown groups:
    /// no combination concerns 1..k-1 organisations.
    #[test]
    fn no_differencing_of_a_rounds_figures_reveals_a_small_group(
        members in proptest::collection::vec((0u8..4, 0u8..3, any::<bool>(), any::<bool>()), 1..28),
        k in 2usize..6,
    ) {
        let rs: Vec<Respondent> = members
            .iter()
            .enumerate()
            .map(|(i, (kind, _, _, _))| r(i as u128, ["kommun", "region", "myndighet", "bolag"][usize::from(*kind)], (i % 5) as u8, 0.5, &[]))
            .collect();
        let sizes: Vec<String> = members.iter().map(|(_, s, _, _)| ["small", "medium", "large"][usize::from(*s)].to_owned()).collect();
        let panel_a: BTreeSet<Uuid> = members.iter().enumerate().filter(|(_, m)| m.2).map(|(i, _)| Uuid::from_u128(i as u128)).collect();
        let panel_b: BTreeSet<Uuid> = members.iter().enumerate().filter(|(_, m)| m.2 && m.3).map(|(i, _)| Uuid::from_u128(i as u128)).collect();
        let b = breakdown(&rs, &sizes, k, 3);
        let t_a = trend_row((Uuid::nil(), "a", 2025), &rs, &sizes, std::slice::from_ref(&panel_a), k, 3);
        let t_b = trend_row((Uuid::nil(), "b", 2026), &rs, &sizes, &[panel_a.clone(), panel_b.clone()], k, 3);
        let set = |f: &dyn Fn(usize) -> bool| -> Vec<usize> { (0..rs.len()).filter(|i| f(*i)).collect() };
        let mut shown: Vec<Vec<usize>> = Vec::new();
        if !b.all.levels.is_suppressed() { shown.push(set(&|_| true)); }
        for (code, f) in &b.by_kind {
            if !f.levels.is_suppressed() { shown.push(set(&|i| rs[i].group == *code)); }
        }
        for (code, f) in &b.by_size {
            if !f.levels.is_suppressed() { shown.push(set(&|i| sizes[i] == *code)); }
        }
        if !t_a.panel.levels.is_suppressed() { shown.push(set(&|i| panel_a.contains(&rs[i].org_id))); }
        if !t_b.panel.levels.is_suppressed() { shown.push(set(&|i| panel_b.contains(&rs[i].org_id))); }
        prop_assert_eq!(t_a.all.levels.is_suppressed(), b.all.levels.is_suppressed());
        prop_assume!(shown.len() <= 10);
        // Every combination with coefficients -1, 0, 1.
        let n = shown.len();
        let mut coef = vec![-1i32; n];
        loop {
            let mut v = vec![0i32; rs.len()];
            for (c, g) in coef.iter().zip(&shown) {
                for i in g { v[*i] += c; }
            }
            let support = v.iter().filter(|x| **x != 0).count();
            prop_assert!(support == 0 || support >= k, "coefficients {:?} single out {} of {:?}", coef, support, shown);
            let mut j = 0;
            while j < n && coef[j] == 1 { coef[j] = -1; j += 1; }
            if j == n { break; }
            coef[j] += 1;
        }
    }

    /// Each group's figures in a breakdown are those of its members alone,
    /// computed from the definitions (every member's shares of an area,
    /// sorted; each organisation once per blocker): the shared, ordered
    /// columns a breakdown is computed from change nothing, however the
    /// respondents' areas and blockers differ.
    #[test]
    fn a_groups_figures_are_those_of_its_members(
        members in proptest::collection::vec(
            (0u8..3, 0u8..2, 0u8..5, proptest::collection::vec(proptest::option::of(0u8..5), 3), proptest::collection::vec(0u8..4, 0..4)),
            0..40,
        ),
        k in 1usize..6,
    ) {
        let areas = ["a", "b", "c"];
        let rs: Vec<Respondent> = members
            .iter()
            .enumerate()
            .map(|(i, (kind, _, level, shares, blockers))| Respondent {
                org_id: Uuid::from_u128(i as u128),
                group: ["kommun", "region", "myndighet"][usize::from(*kind)].to_owned(),
                level: *level,
                areas: areas.iter().zip(shares).filter_map(|(a, s)| s.map(|s| ((*a).to_owned(), f64::from(s) / 4.0))).collect(),
                blockers: blockers.iter().map(|b| format!("q{b}")).collect(),
            })
            .collect();
        let sizes: Vec<String> = members.iter().map(|m| ["small", "large"][usize::from(m.1)].to_owned()).collect();
        let b = breakdown(&rs, &sizes, k, 2);
        let reference = |group: &[&Respondent]| -> (BTreeMap<String, Option<Spread>>, [usize; 5], Vec<BlockerCount>) {
            let mut by_area: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            let mut levels = [0usize; 5];
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for r in group {
                for (a, v) in &r.areas {
                    by_area.entry(a.clone()).or_default().push(*v);
                }
                levels[usize::from(r.level.min(4))] += 1;
                let once: BTreeSet<&String> = r.blockers.iter().collect();
                for q in once {
                    *counts.entry(q.clone()).or_default() += 1;
                }
            }
            let mut blockers: Vec<BlockerCount> = counts.into_iter().map(|(q, n)| bc(&q, n)).collect();
            blockers.sort_by(|a, b| b.organisations.cmp(&a.organisations).then_with(|| a.question.cmp(&b.question)));
            blockers.truncate(2);
            (by_area.into_iter().map(|(a, v)| (a, spread(&v, k))).collect(), levels, blockers)
        };
        let groups: Vec<(&GroupFigures, Vec<&Respondent>)> = std::iter::once((&b.all, rs.iter().collect()))
            .chain(b.by_kind.iter().map(|(code, f)| (f, rs.iter().filter(|r| r.group == *code).collect())))
            .chain(b.by_size.iter().map(|(code, f)| (f, rs.iter().zip(&sizes).filter(|(_, s)| *s == code).map(|(r, _)| r).collect())))
            .collect();
        for (f, group) in groups {
            let (spreads, levels, blockers) = reference(&group);
            prop_assert_eq!(f.areas.keys().collect::<Vec<_>>(), spreads.keys().collect::<Vec<_>>());
            if let Cell::Value(l) = &f.levels {
                prop_assert_eq!(*l, levels);
                prop_assert_eq!(f.blockers.value().unwrap(), &blockers);
                for (a, cell) in &f.areas {
                    if let Cell::Value(s) = cell {
                        prop_assert_eq!(Some(*s), spreads[a]);
                    }
                }
            }
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
        let s = spread(&v, 3).unwrap();
        prop_assert_eq!(s.median.is_some(), v.len() >= 10);
        if let (Some(q1), Some(median), Some(q3)) = (s.q1, s.median, s.q3) {
            prop_assert!(q1 <= median && median <= q3);
            let min = v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(min <= q1 && q3 <= max);
        }
    }
}

fn two_areas(n: u128, group: &str, level: u8, a: f64, b: f64, blockers: &[&str]) -> Respondent {
    Respondent {
        org_id: Uuid::from_u128(n),
        group: group.into(),
        level,
        areas: [("styrning".to_owned(), a), ("klassning".to_owned(), b)].into_iter().collect(),
        blockers: blockers.iter().map(|b| (*b).to_owned()).collect(),
    }
}

#[test]
fn the_findings_say_what_the_figures_show() {
    let rs: Vec<Respondent> = (0..10)
        .map(|i| two_areas(i, "municipality", [0, 1, 1, 2, 2, 2, 2, 3, 3, 4][i as usize], 0.8, 0.3, &["klassning-1"]))
        .collect();
    let sizes = vec!["small".to_owned(); 10];
    let b = breakdown(&rs, &sizes, 3, 10);
    let f = findings(&b, 12, &[]);
    assert_eq!((f.respondents, f.invited), (10, 12));
    assert_eq!(f.common_level, Some((2, 0.4)));
    assert_eq!(f.at_least_two, Some(0.7));
    assert_eq!(f.strongest.as_ref().map(|s| s.0.as_str()), Some("styrning"));
    assert_eq!(f.weakest.as_ref().map(|s| s.0.as_str()), Some("klassning"));
    assert_eq!(f.top_blocker, Some(("klassning-1".to_owned(), 10)));
    assert_eq!(f.trend, None, "one round is no trend");
    let older = trend_row((Uuid::nil(), "2025", 2025), &rs[..5], &sizes[..5], &[], 3, 3);
    let newer = trend_row((Uuid::nil(), "2026", 2026), &rs, &sizes, &[], 3, 3);
    let f = findings(&b, 12, &[older, newer]);
    let ((y0, m0), (y1, m1)) = f.trend.unwrap();
    assert_eq!((y0, y1), (2025, 2026));
    assert!((m0 - 1.2).abs() < 1e-9 && (m1 - 2.0).abs() < 1e-9, "{m0} {m1}");
}

#[test]
fn the_findings_say_nothing_the_tables_hide() {
    // Two respondents with k = 3: everything is suppressed, so nothing is found.
    let rs: Vec<Respondent> = (0..2).map(|i| two_areas(i, "municipality", 2, 0.9, 0.1, &["x-1"])).collect();
    let b = breakdown(&rs, &["small".to_owned(), "small".to_owned()], 3, 10);
    let f = findings(&b, 5, &[]);
    assert_eq!(f.respondents, 2);
    assert_eq!((f.common_level, f.at_least_two, f.strongest, f.weakest, f.top_blocker), (None, None, None, None, None));
}
