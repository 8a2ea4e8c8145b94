//! Statistical disclosure control for published group figures: primary and
//! complementary (secondary) suppression.
//!
//! Every figure Lisa publishes for a group of respondents (all respondents, a
//! kind of organisation, a size class, a trend's panel, a peer group) is a sum
//! over the group's members of a per-member value: the count at each level, an
//! area's shares summed (n · mean), the count of a blocker. So a reader learns,
//! for every shown group G, the sum over G, and may combine those sums with any
//! real coefficients. Hiding the groups with fewer than k members (primary
//! suppression) is not enough: "all" minus the shown kinds gives a hidden kind
//! exactly. Further groups must be hidden (complementary or secondary
//! suppression) until no combination of shown sums concerns fewer than k
//! members. This follows Hundepool et al., *Statistical Disclosure Control*
//! (Wiley 2012), ch. 4 "Magnitude tabular data" and ch. 5 "Frequency tables",
//! on primary and secondary suppression.
//!
//! [`audit`] is the linear-algebra (audit) formulation of the check. Members
//! with the same membership pattern over the shown groups form an *atom*; every
//! combination of shown sums is constant on atoms, so it is a vector over atoms
//! in the row space of the shown groups' 0/1 indicator matrix. A publication
//! discloses something iff that row space holds a nonzero vector whose support
//! (the members of the atoms where it is nonzero) has 1..k-1 members. Arithmetic
//! is exact (fraction-free elimination over `i128`). The search is bounded by
//! [`WORK_LIMIT`]; when it runs out, or an entry would overflow, the audit answers
//! [`Violation::Undecided`]: only a completed search passes a publication.
//!
//! [`protect`] applies primary suppression and then suppresses further groups,
//! one at a time, until the audit passes. What this module does not model: a
//! figure whose members differ from its group's (an area answered by only some
//! members must be audited with those members as the groups), what a reader
//! knows about themselves (a peer comparison shown to one member), and
//! dominance of one large contributor.

use std::collections::HashMap;
use std::fmt;

/// The most work [`audit`] does before it gives up, in elementary steps (about
/// one per multiplication of small matrices); a fraction of a second.
pub const WORK_LIMIT: u64 = 2_000_000;

/// Why a publication fails the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// Some combination of the shown sums is nonzero only on `members` (sorted,
    /// 1..k-1 of them): the reader learns a figure about them alone.
    Disclosure { members: Vec<usize> },
    /// The search ran out of [`WORK_LIMIT`] or of the integer range, so the audit
    /// cannot vouch for the publication.
    Undecided,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Disclosure { members } => {
                write!(f, "the shown figures combine into a figure about only {} member(s): {members:?}", members.len())
            }
            Violation::Undecided => f.write_str("the audit gave up before it could rule out a disclosure"),
        }
    }
}

/// The least group size for which quartiles, medians or percentiles of a value
/// may be shown: `max(2k, 10)`. The mean (a sum) is protected by `k` and the
/// audit, but order statistics are not sums: with linear interpolation (Excel
/// `QUARTILE.INC`) q1, median and q3 together with the mean are four equations
/// that pin every value of a group of at most four, and the minimum or maximum
/// of a small group is close to some member's value. Ten keeps every quartile
/// an interpolation between values of different members with at least two
/// members below q1 and above q3; `2k` keeps that margin growing with `k`.
pub const fn quantile_min(k: usize) -> usize {
    let twice = k.saturating_mul(2);
    if twice > 10 { twice } else { 10 }
}

/// Decides which groups to suppress. `groups` lists each published group's
/// members as indices `0..population` (others are ignored, repeats count once);
/// groups in `keep` (such as "all") are suppressed only when nothing else helps.
///
/// First every group with 1..k-1 members is suppressed (primary suppression),
/// even a kept one. Then, while [`audit`] finds a violation, one more shown,
/// nonempty group is suppressed: the smallest (then lowest index) group not in
/// `keep` whose suppression alone removes the disclosure found; else the
/// smallest group not in `keep`; else the smallest kept group. Each step hides
/// one more group, so this ends, and it ends only when the audit passes. A
/// single kept group with at least `k` members (or none) is never suppressed.
/// Empty groups stay shown: a zero is about nobody.
pub fn protect(population: usize, groups: &[Vec<usize>], k: usize, keep: &[usize]) -> Vec<bool> {
    protect_within(population, groups, k, keep, WORK_LIMIT)
}

fn protect_within(population: usize, groups: &[Vec<usize>], k: usize, keep: &[usize], limit: u64) -> Vec<bool> {
    let sizes: Vec<usize> = groups.iter().map(|g| distinct(population, g).len()).collect();
    let mut suppressed: Vec<bool> = sizes.iter().map(|n| (1..k).contains(n)).collect();
    while let Some(violation) = audit_within(population, groups, &suppressed, k, limit) {
        let shown: Vec<usize> = (0..groups.len()).filter(|&g| !suppressed[g] && sizes[g] > 0).collect();
        let (kept, others): (Vec<usize>, Vec<usize>) = shown.iter().partition(|g| keep.contains(g));
        let smallest = |gs: &mut dyn Iterator<Item = usize>| gs.min_by_key(|&g| (sizes[g], g));
        let breaking = match &violation {
            Violation::Disclosure { members } => smallest(&mut others.iter().copied().filter(|&g| {
                let mut trial = suppressed.clone();
                trial[g] = true;
                !reveals(population, groups, &trial, members)
            })),
            Violation::Undecided => None,
        };
        let next =
            breaking.or_else(|| smallest(&mut others.iter().copied())).or_else(|| smallest(&mut kept.into_iter()));
        // Without a candidate nothing nonempty is shown, which the audit always passes.
        let Some(g) = next else { break };
        suppressed[g] = true;
    }
    suppressed
}

/// The audit: `Some` when the groups not `suppressed` (a missing flag means
/// shown) let a reader derive a figure about 1..k-1 members, or when the bounded
/// search could not rule that out; `None` when the publication is safe.
///
/// The indicator matrix (shown groups × atoms) is brought to reduced row
/// echelon form with the atoms of at least `k` members first; the rows whose
/// pivot falls on a smaller atom span exactly the combinations that vanish on
/// every large atom. A combination of least support among them is fixed, up
/// to scale, by the set Q of its pivot atoms (total size < k) and by |Q|-1
/// further atoms it vanishes on, which the search enumerates.
pub fn audit(population: usize, groups: &[Vec<usize>], suppressed: &[bool], k: usize) -> Option<Violation> {
    audit_within(population, groups, suppressed, k, WORK_LIMIT)
}

fn audit_within(
    population: usize,
    groups: &[Vec<usize>],
    suppressed: &[bool],
    k: usize,
    limit: u64,
) -> Option<Violation> {
    if k <= 1 {
        return None;
    }
    let Atoms { members, rows } = Atoms::new(population, groups, suppressed);
    let sizes: Vec<usize> = members.iter().map(Vec::len).collect();
    let (large, small): (Vec<usize>, Vec<usize>) = (0..sizes.len()).partition(|&a| sizes[a] >= k);
    let order: Vec<usize> = large.into_iter().chain(small).collect();
    let Some(reduced) = rref(rows, &order) else { return Some(Violation::Undecided) };
    let rows: Vec<(usize, Vec<i128>)> = reduced.into_iter().filter(|(pivot, _)| sizes[*pivot] < k).collect();
    if rows.is_empty() {
        return None;
    }
    let is_pivot: Vec<bool> = (0..sizes.len()).map(|a| rows.iter().any(|(pivot, _)| *pivot == a)).collect();
    let mut search = Search { sizes: &sizes, rows: &rows, is_pivot: &is_pivot, k, work: 0, limit };
    match search.subsets(0, &mut Vec::new(), 0) {
        Err(GaveUp) => Some(Violation::Undecided),
        Ok(None) => None,
        Ok(Some(support)) => {
            let mut out: Vec<usize> = support.iter().flat_map(|&a| members[a].iter().copied()).collect();
            out.sort_unstable();
            Some(Violation::Disclosure { members: out })
        }
    }
}

/// Whether the shown groups still combine into a nonzero figure about members
/// of `members` only: the rank drops when the atoms inside `members` are left out.
fn reveals(population: usize, groups: &[Vec<usize>], suppressed: &[bool], members: &[usize]) -> bool {
    let Atoms { members: atoms, rows } = Atoms::new(population, groups, suppressed);
    let mut inside = vec![false; population];
    for &m in members {
        if let Some(x) = inside.get_mut(m) {
            *x = true;
        }
    }
    let all: Vec<usize> = (0..atoms.len()).collect();
    let outside: Vec<usize> = all.iter().copied().filter(|&a| !atoms[a].iter().all(|&m| inside[m])).collect();
    match (rref(rows.clone(), &all), rref(rows, &outside)) {
        (Some(full), Some(rest)) => full.len() > rest.len(),
        // Cannot tell: count it as still revealed.
        _ => true,
    }
}

/// The distinct members of a group below `population`, sorted.
fn distinct(population: usize, group: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = group.iter().copied().filter(|&m| m < population).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The shown groups' indicator matrix over atoms.
struct Atoms {
    /// The members of each atom, sorted; atoms in the order of their least member.
    members: Vec<Vec<usize>>,
    /// One 0/1 row per shown, nonempty group, one column per atom.
    rows: Vec<Vec<i128>>,
}

impl Atoms {
    fn new(population: usize, groups: &[Vec<usize>], suppressed: &[bool]) -> Atoms {
        let shown: Vec<usize> = (0..groups.len()).filter(|&g| !suppressed.get(g).copied().unwrap_or(false)).collect();
        // The shown groups each member is in, in increasing order.
        let mut pattern: Vec<Vec<usize>> = vec![Vec::new(); population];
        for &g in &shown {
            for m in distinct(population, &groups[g]) {
                pattern[m].push(g);
            }
        }
        let mut index: HashMap<&[usize], usize> = HashMap::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut patterns: Vec<&[usize]> = Vec::new();
        for (m, p) in pattern.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
            let a = *index.entry(p).or_insert_with(|| {
                members.push(Vec::new());
                patterns.push(p);
                members.len() - 1
            });
            members[a].push(m);
        }
        let rows = shown
            .iter()
            .map(|g| patterns.iter().map(|p| i128::from(p.binary_search(g).is_ok())).collect::<Vec<i128>>())
            .filter(|row| row.iter().any(|&x| x != 0))
            .collect();
        Atoms { members, rows }
    }
}

/// The search gave up: out of work or out of the integer range.
struct GaveUp;

/// The search for a combination of small support among the reduced rows.
struct Search<'a> {
    /// Members per atom.
    sizes: &'a [usize],
    /// Reduced rows with their pivot atom (each smaller than k), zero on every large atom.
    rows: &'a [(usize, Vec<i128>)],
    is_pivot: &'a [bool],
    k: usize,
    work: u64,
    limit: u64,
}

impl Search<'_> {
    /// Tries every set Q of rows (as `q`, extended from index `from`) whose pivot
    /// atoms have fewer than k members together (`weight` so far).
    fn subsets(&mut self, from: usize, q: &mut Vec<usize>, weight: usize) -> Result<Option<Vec<usize>>, GaveUp> {
        for i in from..self.rows.len() {
            let w = weight + self.sizes[self.rows[i].0];
            if w >= self.k {
                continue;
            }
            q.push(i);
            if let Some(found) = self.examine(q, w)? {
                return Ok(Some(found));
            }
            if let Some(found) = self.subsets(i + 1, q, w)? {
                return Ok(Some(found));
            }
            q.pop();
        }
        Ok(None)
    }

    /// Looks for a combination with nonzero coefficients on exactly the rows `q`
    /// whose support weighs less than k; returns its support as atoms. Such a
    /// combination of least support vanishes on |q|-1 columns touched by at
    /// least two of the rows, which fix its coefficients up to scale (cofactors).
    fn examine(&mut self, q: &[usize], weight: usize) -> Result<Option<Vec<usize>>, GaveUp> {
        let rows: Vec<&[i128]> = q.iter().map(|&i| self.rows[i].1.as_slice()).collect();
        let touched = |j: usize| rows.iter().filter(|r| r[j] != 0).count();
        // Pivot columns are zero outside their own row, so only others can cancel.
        let cols: Vec<usize> = (0..self.sizes.len()).filter(|&j| !self.is_pivot[j] && touched(j) > 0).collect();
        let forced: usize = cols.iter().filter(|&&j| touched(j) == 1).map(|&j| self.sizes[j]).sum();
        if weight + forced >= self.k {
            return Ok(None);
        }
        let shared: Vec<usize> = cols.iter().copied().filter(|&j| touched(j) > 1).collect();
        let n = q.len() as u64;
        let cost = 1 + n * n * n * n + n * cols.len() as u64;
        for_each_subset(shared.len(), q.len() - 1, |chosen| {
            self.work += cost;
            if self.work > self.limit {
                return Err(GaveUp);
            }
            let coefficients =
                cofactors(&rows, &chosen.iter().map(|&c| shared[c]).collect::<Vec<_>>()).ok_or(GaveUp)?;
            if coefficients.contains(&0) {
                // Either no single combination, or one found with fewer rows.
                return Ok(None);
            }
            let mut support: Vec<usize> = q.iter().map(|&i| self.rows[i].0).collect();
            let mut total = weight;
            for &j in &cols {
                let mut value: i128 = 0;
                for (c, r) in coefficients.iter().zip(&rows) {
                    value = c.checked_mul(r[j]).and_then(|x| x.checked_add(value)).ok_or(GaveUp)?;
                }
                if value != 0 {
                    support.push(j);
                    total += self.sizes[j];
                    if total >= self.k {
                        return Ok(None);
                    }
                }
            }
            Ok(Some(support))
        })
    }
}

/// Calls `f` with every `r`-subset of `0..n` in lexicographic order until it finds something.
fn for_each_subset<T>(
    n: usize,
    r: usize,
    mut f: impl FnMut(&[usize]) -> Result<Option<T>, GaveUp>,
) -> Result<Option<T>, GaveUp> {
    if r > n {
        return Ok(None);
    }
    let mut idx: Vec<usize> = (0..r).collect();
    loop {
        if let Some(found) = f(&idx)? {
            return Ok(Some(found));
        }
        let Some(i) = (0..r).rev().find(|&i| idx[i] < n - r + i) else { return Ok(None) };
        idx[i] += 1;
        for j in i + 1..r {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

/// The vector c with c_i = (-1)^i · det(M without row i), where M is `rows`
/// restricted to `cols` (one column fewer than rows): c · M = 0, and c is
/// nonzero iff M has full column rank. `None` on overflow.
fn cofactors(rows: &[&[i128]], cols: &[usize]) -> Option<Vec<i128>> {
    (0..rows.len())
        .map(|i| {
            let minor: Vec<Vec<i128>> =
                (0..rows.len()).filter(|&r| r != i).map(|r| cols.iter().map(|&c| rows[r][c]).collect()).collect();
            let d = det(minor)?;
            Some(if i % 2 == 0 { d } else { d.checked_neg()? })
        })
        .collect()
}

/// The determinant by fraction-free (Bareiss) elimination; `None` on overflow.
fn det(mut m: Vec<Vec<i128>>) -> Option<i128> {
    let n = m.len();
    let (mut sign, mut previous) = (1i128, 1i128);
    for i in 0..n {
        if m[i][i] == 0 {
            let Some(r) = (i + 1..n).find(|&r| m[r][i] != 0) else { return Some(0) };
            m.swap(i, r);
            sign = -sign;
        }
        let pivot_row = m[i].clone();
        for row in m.iter_mut().skip(i + 1) {
            let factor = row[i];
            for c in i + 1..n {
                let x = row[c].checked_mul(pivot_row[i])?.checked_sub(factor.checked_mul(pivot_row[c])?)?;
                row[c] = x / previous;
            }
        }
        previous = pivot_row[i];
    }
    match m.last().and_then(|row| row.last()) {
        Some(&d) => d.checked_mul(sign),
        None => Some(1),
    }
}

/// Fraction-free Gauss–Jordan elimination over the integers on the columns
/// `order`, taken in that order. Returns the nonzero rows with their pivot
/// columns: a row is zero on every column of `order` before its pivot, and a
/// pivot column is zero in every other row. `None` on overflow.
fn rref(mut rows: Vec<Vec<i128>>, order: &[usize]) -> Option<Vec<(usize, Vec<i128>)>> {
    let mut done: Vec<(usize, Vec<i128>)> = Vec::new();
    for &c in order {
        let Some(p) = rows.iter().position(|r| r[c] != 0) else { continue };
        let pivot = rows.swap_remove(p);
        for r in &mut rows {
            eliminate(r, &pivot, c)?;
        }
        done.push((c, pivot));
    }
    for i in (0..done.len()).rev() {
        let (c, pivot) = done[i].clone();
        for (_, r) in &mut done[..i] {
            eliminate(r, &pivot, c)?;
        }
    }
    Some(done)
}

/// `row := pivot[c] · row - row[c] · pivot`, divided by the gcd of its entries.
fn eliminate(row: &mut [i128], pivot: &[i128], c: usize) -> Option<()> {
    let (a, b) = (pivot[c], row[c]);
    if b == 0 {
        return Some(());
    }
    for (x, &y) in row.iter_mut().zip(pivot) {
        *x = a.checked_mul(*x)?.checked_sub(b.checked_mul(y)?)?;
    }
    let g = row.iter().fold(0u128, |g, &x| gcd(g, x.unsigned_abs()));
    if g > 1 {
        let g = i128::try_from(g).ok()?;
        for x in row.iter_mut() {
            *x /= g;
        }
    }
    Some(())
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn range(a: usize, b: usize) -> Vec<usize> {
        (a..b).collect()
    }

    /// A brute-force reader: tries every combination of the shown groups with
    /// coefficients -1, 0 and 1 and returns the first nonzero one whose support
    /// has 1..k-1 members, as those members.
    fn brute_force_leak(population: usize, groups: &[Vec<usize>], suppressed: &[bool], k: usize) -> Option<Vec<usize>> {
        /// Adds `c` times the group to `v`, keeping count of its nonzero entries.
        fn add(v: &mut [i64], nonzero: &mut usize, group: &[usize], c: i64) {
            for &m in group {
                *nonzero -= usize::from(v[m] != 0);
                v[m] += c;
                *nonzero += usize::from(v[m] != 0);
            }
        }
        fn go(i: usize, shown: &[&Vec<usize>], v: &mut [i64], nonzero: &mut usize, k: usize) -> bool {
            if i == shown.len() {
                return (1..k).contains(nonzero);
            }
            for c in [0i64, 1, -1] {
                add(v, nonzero, shown[i], c);
                if go(i + 1, shown, v, nonzero, k) {
                    return true;
                }
                add(v, nonzero, shown[i], -c);
            }
            false
        }
        let shown: Vec<&Vec<usize>> = groups.iter().zip(suppressed).filter(|(_, s)| !**s).map(|(g, _)| g).collect();
        assert!(shown.len() <= 10, "brute force limited to 10 shown groups");
        let mut v = vec![0i64; population];
        let mut nonzero = 0;
        go(0, &shown, &mut v, &mut nonzero, k).then(|| (0..population).filter(|&m| v[m] != 0).collect())
    }

    /// Rank over f64 with partial pivoting, on a member-level matrix.
    fn float_rank(mut m: Vec<Vec<f64>>) -> usize {
        let cols = m.first().map_or(0, Vec::len);
        let mut rank = 0;
        for c in 0..cols {
            let Some(p) = (rank..m.len()).max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs())) else { break };
            if m[p][c].abs() < 1e-9 {
                continue;
            }
            m.swap(rank, p);
            let pivot = m[rank].clone();
            for row in m.iter_mut().skip(rank + 1) {
                let f = row[c] / pivot[c];
                for (x, y) in row.iter_mut().zip(&pivot) {
                    *x -= f * y;
                }
            }
            rank += 1;
        }
        rank
    }

    /// Independently of atoms and exact arithmetic: does the span of the shown
    /// groups hold a nonzero vector that is zero outside `members`?
    fn float_reveals(population: usize, groups: &[Vec<usize>], suppressed: &[bool], members: &[usize]) -> bool {
        let shown: Vec<&Vec<usize>> = groups.iter().zip(suppressed).filter(|(_, s)| !**s).map(|(g, _)| g).collect();
        let matrix = |cols: &[usize]| -> Vec<Vec<f64>> {
            shown.iter().map(|g| cols.iter().map(|m| if g.contains(m) { 1.0 } else { 0.0 }).collect()).collect()
        };
        let all = range(0, population);
        let outside: Vec<usize> = all.iter().copied().filter(|m| !members.contains(m)).collect();
        float_rank(matrix(&all)) > float_rank(matrix(&outside))
    }

    /// all = 0..10; kinds A = 0..5, B = {5, 6}, C = 7..10.
    fn classic() -> Vec<Vec<usize>> {
        vec![range(0, 10), range(0, 5), vec![5, 6], range(7, 10)]
    }

    #[test]
    fn classic_case_suppresses_a_complement() {
        let suppressed = protect(10, &classic(), 3, &[0]);
        // B is too small; C is the smallest group that keeps all - A - C from giving B.
        assert_eq!(suppressed, vec![false, false, true, true]);
        assert_eq!(audit(10, &classic(), &suppressed, 3), None);
        assert_eq!(brute_force_leak(10, &classic(), &suppressed, 3), None);
    }

    #[test]
    fn unprotected_classic_case_fails_the_audit() {
        let leak = Some(Violation::Disclosure { members: vec![5, 6] });
        // Primary suppression alone: all - A - C = B.
        assert_eq!(audit(10, &classic(), &[false, false, true, false], 3), leak);
        assert_eq!(audit(10, &classic(), &[false; 4], 3), leak);
        assert_eq!(audit(10, &classic(), &[], 3), leak);
        assert!(leak.is_some_and(|v| v.to_string().contains("2 member(s): [5, 6]")));
    }

    #[test]
    fn a_nested_size_class_is_suppressed() {
        // all, kind A = 0..6, kind B = 6..10, size class S = 0..4 inside A: A - S = {4, 5}.
        let groups = vec![range(0, 10), range(0, 6), range(6, 10), range(0, 4)];
        assert_eq!(audit(10, &groups, &[false; 4], 3), Some(Violation::Disclosure { members: vec![4, 5] }));
        // Hiding A would leave all - B - S; hiding B would leave A - S.
        assert_eq!(protect(10, &groups, 3, &[0]), vec![false, false, false, true]);
    }

    #[test]
    fn nothing_needs_suppressing() {
        let groups = vec![range(0, 10), range(0, 5), range(5, 10), vec![]];
        let suppressed = protect(10, &groups, 3, &[0]);
        assert_eq!(suppressed, vec![false; 4]);
        assert_eq!(audit(10, &groups, &suppressed, 3), None);
        // With k = 1 nothing is ever a disclosure.
        assert_eq!(protect(3, &[vec![0], vec![1, 2]], 1, &[]), vec![false, false]);
    }

    #[test]
    fn a_leak_through_three_overlapping_groups_is_found() {
        // G1 + G2 - G3 is twice member 1 and zero elsewhere.
        let groups = vec![vec![0, 1, 3, 4, 5], vec![1, 2, 6, 7, 8], vec![0, 2, 3, 4, 5, 6, 7, 8]];
        let leak = audit(9, &groups, &[false; 3], 3);
        assert_eq!(leak, Some(Violation::Disclosure { members: vec![1] }));
        let suppressed = protect(9, &groups, 3, &[]);
        assert_eq!(audit(9, &groups, &suppressed, 3), None);
        assert_eq!(suppressed.iter().filter(|s| **s).count(), 1);
    }

    #[test]
    fn when_the_search_gives_up_more_is_suppressed() {
        assert_eq!(audit_within(10, &classic(), &[false, false, true, false], 3, 0), Some(Violation::Undecided));
        // Undecided: the smallest group not kept goes, C, and then nothing is left to search.
        let suppressed = protect_within(10, &classic(), 3, &[0], 0);
        assert_eq!(suppressed, vec![false, false, true, true]);
        assert_eq!(audit(10, &classic(), &suppressed, 3), None);
    }

    #[test]
    fn a_safe_table_with_many_small_atoms() {
        // Every member its own atom: all and six "bit" groups of 32 over 64 members.
        // A nonzero affine function vanishes on at most half the cube, so every
        // combination concerns at least 32 members.
        let mut groups = vec![range(0, 64)];
        groups.extend((0..6).map(|b| (0..64).filter(|m| m >> b & 1 == 1).collect::<Vec<usize>>()));
        let first = audit(64, &groups, &[false; 7], 20);
        // Too many atoms for the search, which must not claim a disclosure.
        assert_eq!(first, Some(Violation::Undecided));
        assert_eq!(brute_force_leak(64, &groups, &[false; 7], 20), None);
        let suppressed = protect(64, &groups, 20, &[0]);
        // Hiding two bits leaves atoms of four members, which the search decides.
        assert_eq!(suppressed, vec![false, true, true, false, false, false, false]);
        assert_eq!(audit(64, &groups, &suppressed, 20), None);
    }

    #[test]
    fn quantiles_need_ten_and_twice_k() {
        assert_eq!(quantile_min(0), 10);
        assert_eq!(quantile_min(3), 10);
        assert_eq!(quantile_min(5), 10);
        assert_eq!(quantile_min(6), 12);
        assert_eq!(quantile_min(usize::MAX), usize::MAX);
    }

    /// all, a partition into `kinds` labels, one into `sizes` labels, and perhaps a panel.
    fn groups_of(labels: &[(usize, usize, bool)], kinds: usize, sizes: usize, panel: bool) -> Vec<Vec<usize>> {
        let n = labels.len();
        let mut groups = vec![range(0, n)];
        groups.extend((0..kinds).map(|l| (0..n).filter(|&m| labels[m].0 % kinds == l).collect::<Vec<_>>()));
        groups.extend((0..sizes).map(|l| (0..n).filter(|&m| labels[m].1 % sizes == l).collect::<Vec<_>>()));
        if panel {
            groups.push((0..n).filter(|&m| labels[m].2).collect());
        }
        groups
    }

    proptest! {
        #[test]
        fn protected_tables_resist_a_brute_force_reader(
            labels in prop::collection::vec((0..4usize, 0..4usize, any::<bool>()), 1..30),
            k in 2..5usize,
            kinds in 1..=4usize,
            sizes in 1..=4usize,
            panel in any::<bool>(),
        ) {
            let n = labels.len();
            let groups = groups_of(&labels, kinds, sizes, panel);
            let suppressed = protect(n, &groups, k, &[0]);
            prop_assert_eq!(audit(n, &groups, &suppressed, k), None);
            prop_assert_eq!(brute_force_leak(n, &groups, &suppressed, k), None);
            for (g, s) in groups.iter().zip(&suppressed) {
                if (1..k).contains(&g.len()) {
                    prop_assert!(*s);
                }
                if g.is_empty() {
                    prop_assert!(!*s);
                }
            }
            prop_assert_eq!(suppressed[0], n < k);
        }

        #[test]
        fn the_audit_finds_what_brute_force_finds_and_only_real_leaks(
            labels in prop::collection::vec((0..4usize, 0..4usize, any::<bool>()), 1..30),
            k in 2..5usize,
            kinds in 1..=4usize,
            sizes in 1..=4usize,
            panel in any::<bool>(),
            mask in prop::collection::vec(any::<bool>(), 10),
        ) {
            let n = labels.len();
            let groups = groups_of(&labels, kinds, sizes, panel);
            let suppressed = &mask[..groups.len()];
            let found = audit(n, &groups, suppressed, k);
            if brute_force_leak(n, &groups, suppressed, k).is_some() {
                prop_assert!(found.is_some());
            }
            match found {
                Some(Violation::Disclosure { members }) => {
                    prop_assert!((1..k).contains(&members.len()));
                    prop_assert!(float_reveals(n, &groups, suppressed, &members));
                }
                Some(Violation::Undecided) => prop_assert!(false, "small cases are always decided"),
                None => {}
            }
        }
    }
}
