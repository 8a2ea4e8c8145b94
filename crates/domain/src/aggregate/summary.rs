//! The main findings of a round, for the report's summary: what a reader
//! should take away, read from the published figures only. A suppressed
//! cell says nothing here either, so the summary discloses nothing the
//! tables hide.

use super::{Breakdown, Cell, TrendRow, mean_level};

/// The findings, each a fact a sentence can be made of (the web layer
/// words them); absent where the figures that would say it are suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Findings {
    pub respondents: usize,
    pub invited: usize,
    /// The most common level and its share (0–1).
    pub common_level: Option<(usize, f64)>,
    /// The share (0–1) at level 2 or above.
    pub at_least_two: Option<f64>,
    /// The strongest and the weakest area by median share: (area id, median).
    pub strongest: Option<(String, f64)>,
    pub weakest: Option<(String, f64)>,
    /// The most common blocker: (question id, organisations).
    pub top_blocker: Option<(String, usize)>,
    /// The mean level of all respondents in the first and the last round of
    /// the trend: ((period, mean), (period, mean)).
    pub trend: Option<((i32, f64), (i32, f64))>,
}

/// The findings of a round's breakdown and its trend (oldest first).
pub fn findings(b: &Breakdown, invited: usize, trend: &[TrendRow]) -> Findings {
    let levels = match &b.all.levels {
        Cell::Value(l) if l.iter().sum::<usize>() > 0 => Some(*l),
        _ => None,
    };
    let n = levels.map(|l| l.iter().sum::<usize>()).unwrap_or(0) as f64;
    let common_level = levels.and_then(|l| {
        let (level, count) = l.iter().enumerate().max_by_key(|(i, c)| (**c, std::cmp::Reverse(*i)))?;
        Some((level, *count as f64 / n))
    });
    let at_least_two = levels.map(|l| l[2..].iter().sum::<usize>() as f64 / n);
    let medians: Vec<(String, f64)> = b
        .all
        .areas
        .iter()
        .filter_map(|(a, c)| match c {
            Cell::Value(s) => s.median.filter(|m| m.is_finite()).map(|m| (a.clone(), m)),
            Cell::Suppressed { .. } => None,
        })
        .collect();
    let strongest = medians.iter().max_by(|x, y| x.1.total_cmp(&y.1)).cloned();
    let weakest = medians.iter().min_by(|x, y| x.1.total_cmp(&y.1)).cloned();
    let (strongest, weakest) = match (strongest, weakest) {
        (Some(s), Some(w)) if s.1 > w.1 => (Some(s), Some(w)),
        _ => (None, None),
    };
    let top_blocker = match &b.all.blockers {
        Cell::Value(list) => list.first().map(|c| (c.question.clone(), c.organisations)),
        Cell::Suppressed { .. } => None,
    };
    let mean_of = |row: &TrendRow| match &row.all.levels {
        Cell::Value(l) if l.iter().sum::<usize>() > 0 => Some((row.period, mean_level(l))),
        _ => None,
    };
    let trend = match (trend.first().and_then(mean_of), trend.last().and_then(mean_of)) {
        (Some(a), Some(z)) if trend.len() > 1 && a.0 != z.0 => Some((a, z)),
        _ => None,
    };
    Findings { respondents: b.respondents, invited, common_level, at_least_two, strongest, weakest, top_blocker, trend }
}
