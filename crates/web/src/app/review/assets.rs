//! What the asset registers bring to a review and to the units' reports:
//! each unit's own coverage of its subtree read once
//! ([`store::Store::asset_facts`]: a bounded number of statements whatever
//! the number of units), rolled up per reporting unit in memory, and the
//! section's figures ([`domain::review::assets`]).
//!
//! No authorisation here: the review's (or the unit report's, or the
//! registers hub's) use case has authorised the caller for the organisation.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::assets::coverage::{UnitFacts, rolled_up};
use domain::assets::risk::{RiskMatrix, is_untreated_high};
use domain::assets::trend::{TrendPoint, year_ends};
use domain::org::OrgTree;
use domain::review::assets::{AssetSection, AssetUnitLine, MAX_UNTREATED, UntreatedRisk};
use store::OrgScope;
use uuid::Uuid;

use super::super::Result;

/// How many months a risk analysis counts as recent.
pub const RISK_MONTHS: u32 = 12;

/// Each organisation's own facts in `org`'s subtree, on `today`, with the
/// installation's risk matrix they were counted on, and the subtree's
/// trend over the years up to the one asked for.
#[derive(Debug)]
pub struct OwnFacts {
    pub own: HashMap<Uuid, UnitFacts>,
    pub trend: Vec<TrendPoint>,
    pub matrix: RiskMatrix,
}

impl OwnFacts {
    /// `unit`'s subtree rolled up.
    pub fn rolled_up(&self, tree: &OrgTree, unit: Uuid) -> UnitFacts {
        rolled_up(tree, unit, &self.own)
    }
}

/// How many years the trend shows, the last one included.
pub const TREND_YEARS: i32 = 5;

/// Reads the own facts of every organisation in `org`'s subtree (once) and
/// the subtree's trend over the [`TREND_YEARS`] years ending with `year`.
pub async fn own_facts(store: &store::Store, org: Uuid, today: NaiveDate, year: i32) -> Result<OwnFacts> {
    let matrix = store.risk_matrix().await?;
    let dates = year_ends(year, today, TREND_YEARS);
    let facts = store.asset_facts(&OrgScope::Subtree(org), today, &dates, RISK_MONTHS, &matrix).await?;
    Ok(OwnFacts { own: facts.own, trend: facts.trend, matrix })
}

/// The review's section for `org`: the subtree's coverage, each reporting
/// unit's, and the untreated high risks (one more statement: the subtree's
/// risks), by organisation in tree order, then title.
pub async fn section(
    store: &store::Store,
    tree: &OrgTree,
    org: Uuid,
    units: &[Uuid],
    facts: &OwnFacts,
) -> Result<AssetSection> {
    let total = facts.rolled_up(tree, org);
    let mut s = AssetSection {
        total,
        risk_months: RISK_MONTHS,
        units: units
            .iter()
            .map(|u| AssetUnitLine {
                unit: tree.get(*u).map(|n| n.name.clone()).unwrap_or_default(),
                facts: facts.rolled_up(tree, *u),
            })
            .collect(),
        untreated: Vec::new(),
        trend: facts.trend.clone(),
    };
    if total.high_risks_untreated > 0 {
        let place: HashMap<Uuid, usize> = tree.nodes().enumerate().map(|(i, n)| (n.id, i)).collect();
        let mut risks: Vec<(usize, Vec<u32>, UntreatedRisk)> = store
            .list_risks(&OrgScope::Subtree(org))
            .await?
            .into_iter()
            .filter(|r| is_untreated_high(&r.data, &facts.matrix))
            .map(|r| {
                let at = place.get(&r.org_id).copied().unwrap_or(usize::MAX);
                let org = tree.get(r.org_id).map(|n| n.name.clone()).unwrap_or_default();
                (at, crate::app::risks::swedish_key(&r.data.scenario), UntreatedRisk { scenario: r.data.scenario, org })
            })
            .collect();
        risks.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        s.untreated = risks.into_iter().take(MAX_UNTREATED).map(|(_, _, r)| r).collect();
    }
    Ok(s)
}
