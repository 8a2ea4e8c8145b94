//! Coverage of the asset registers over time: at the end of each year (today
//! for the current one), the shares the registers' own dates can tell.
//!
//! Three shares have a history in the registers; the others (owners and
//! object managers, complete processing records, treatment of risks) are
//! kept as they are now, so they have no trend and are left out rather than
//! guessed:
//!
//! - **Classification**: assets classified and current on the date. An asset
//!   counts from the day it was recorded or, when earlier, the first day it
//!   was classified (a list imported today can carry its old classifications).
//!   Its classification on a date is the latest recorded one dated on or
//!   before it; it is current when the date is not past its next review
//!   ([`super::classification::is_current`]).
//! - **Risk analysis**: assets and systems with a risk analysis created or
//!   last saved in the `months` before the date ([`super::coverage::within_months`]).
//! - **Data-processing agreements**: systems that need one
//!   ([`super::processing::needs_agreement`], as they are now) covered by an
//!   agreement valid on the date ([`super::processing::is_valid`]). A system
//!   counts from the day it was recorded or, when earlier, the day an
//!   agreement covering it was signed.
//!
//! On today these rules give exactly today's figures (a property test checks
//! it against [`super::coverage::UnitFacts`] counted the way the store does).
//! A row deleted since is not counted in any year.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::classification::{AssetClassification, is_current};
use super::coverage::{AssetPoint, Share, UnitFacts, within_months};
use super::processing::{Agreement, is_valid, needs_agreement};
use super::risk::RiskObject;
use super::system::SystemInput;

/// The shares the trend shows, in this order.
pub const TREND_SHARES: [AssetPoint; 3] =
    [AssetPoint::Classification, AssetPoint::RiskAnalysis, AssetPoint::ProcessingAgreements];

/// The `years` years ending with `last` (not after today's), each with the
/// day it is read at: its last day, or today in the current year
/// ([`crate::training::as_at`]).
pub fn year_ends(last: i32, today: NaiveDate, years: i32) -> Vec<(i32, NaiveDate)> {
    let last = last.min(today.year());
    (last - years.clamp(1, 50) + 1..=last).map(|y| (y, crate::training::as_at(y, today))).collect()
}

/// An asset's dates: when it was recorded and its classifications, in the
/// order they were recorded.
#[derive(Debug, Clone)]
pub struct AssetDates<'a> {
    pub id: Uuid,
    pub org_id: Uuid,
    pub created_on: NaiveDate,
    pub classifications: Vec<&'a AssetClassification>,
}

/// A system's date of record and what it is now.
#[derive(Debug, Clone, Copy)]
pub struct SystemDates<'a> {
    pub id: Uuid,
    pub org_id: Uuid,
    pub created_on: NaiveDate,
    pub data: &'a SystemInput,
}

/// A risk analysis's object and the days it was created and last saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskDates {
    pub object: (RiskObject, Uuid),
    pub created_on: NaiveDate,
    pub updated_on: NaiveDate,
}

/// The registers of a subtree, as the trend reads them.
#[derive(Debug, Clone, Default)]
pub struct History<'a> {
    pub assets: Vec<AssetDates<'a>>,
    pub systems: Vec<SystemDates<'a>>,
    pub risks: Vec<RiskDates>,
    pub agreements: Vec<&'a Agreement>,
}

/// The subtree's shares on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    /// The year (the date is its last day, or today in the current year).
    pub year: i32,
    /// The day the shares are counted on.
    pub as_of: NaiveDate,
    /// Assets classified and current, of all assets.
    pub classified: Share,
    /// Assets and systems with a recent risk analysis, of all of them.
    pub risk_analysed: Share,
    /// Systems that need a data-processing agreement covered by a valid one.
    pub agreements: Share,
}

impl TrendPoint {
    /// The share shown for one of [`TREND_SHARES`] (an empty share for another point).
    pub fn share(&self, point: AssetPoint) -> Share {
        match point {
            AssetPoint::Classification => self.classified,
            AssetPoint::RiskAnalysis => self.risk_analysed,
            AssetPoint::ProcessingAgreements => self.agreements,
            _ => Share::default(),
        }
    }

    /// Whether the registers held anything to count on the date.
    pub fn is_empty(&self) -> bool {
        self.classified.total == 0 && self.risk_analysed.total == 0 && self.agreements.total == 0
    }
}

impl History<'_> {
    /// The facts of the trend's shares on `on`, per organisation (the other
    /// fields of [`UnitFacts`] stay zero).
    pub fn facts_on(&self, on: NaiveDate, months: u32) -> HashMap<Uuid, UnitFacts> {
        let mut out: HashMap<Uuid, UnitFacts> = HashMap::new();
        let analysed = |kind: RiskObject, id: Uuid| {
            self.risks.iter().any(|r| {
                r.object == (kind, id)
                    && (within_months(r.created_on, on, months) || within_months(r.updated_on, on, months))
            })
        };
        for a in &self.assets {
            let first_classified = a.classifications.iter().map(|c| c.classified_on).min();
            if a.created_on.min(first_classified.unwrap_or(a.created_on)) > on {
                continue;
            }
            let f = out.entry(a.org_id).or_default();
            f.assets += 1;
            f.objects += 1;
            if let Some(c) = a.classifications.iter().rev().find(|c| c.classified_on <= on) {
                f.assets_classified += 1;
                if is_current(c, on) {
                    f.assets_current += 1;
                }
            }
            if analysed(RiskObject::Asset, a.id) {
                f.objects_with_recent_risk_analysis += 1;
            }
        }
        for s in &self.systems {
            let covering = self.agreements.iter().filter(|a| a.systems.contains(&s.id));
            let first_signed = covering.clone().filter_map(|a| a.signed_on).min();
            if s.created_on.min(first_signed.unwrap_or(s.created_on)) > on {
                continue;
            }
            let f = out.entry(s.org_id).or_default();
            f.systems += 1;
            f.objects += 1;
            if analysed(RiskObject::System, s.id) {
                f.objects_with_recent_risk_analysis += 1;
            }
            if needs_agreement(s.data) {
                f.processor_systems += 1;
                if !covering.clone().any(|a| is_valid(a, on)) {
                    f.processor_systems_without_agreement += 1;
                }
            }
        }
        out
    }

    /// The subtree's shares on each `(year, date)`, every organisation summed.
    pub fn trend(&self, dates: &[(i32, NaiveDate)], months: u32) -> Vec<TrendPoint> {
        dates
            .iter()
            .map(|(year, on)| {
                let total = self.facts_on(*on, months).into_values().fold(UnitFacts::default(), |a, b| a + b.clamped());
                TrendPoint {
                    year: *year,
                    as_of: *on,
                    classified: total.share(AssetPoint::Classification),
                    risk_analysed: total.share(AssetPoint::RiskAnalysis),
                    agreements: total.share(AssetPoint::ProcessingAgreements),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::assets::processing::systems_without_agreement;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn class(on: NaiveDate, next: NaiveDate) -> AssetClassification {
        AssetClassification {
            levels: BTreeMap::from([("k".to_owned(), 2)]),
            motivation: "m".into(),
            classified_on: on,
            classified_by: "x".into(),
            next_review: next,
        }
    }

    fn system(supplier: &str, personal: bool) -> SystemInput {
        SystemInput {
            name: "S".into(),
            description: String::new(),
            system_owner: String::new(),
            object_manager: String::new(),
            supplier: supplier.into(),
            hosting: None,
            country: None,
            contract: String::new(),
            processes_personal_data: personal,
        }
    }

    fn agreement(systems: Vec<Uuid>, signed: Option<NaiveDate>, expires: Option<NaiveDate>) -> Agreement {
        Agreement { supplier: "S".into(), signed_on: signed, expires_on: expires, systems, processings: vec![] }
    }

    #[test]
    fn year_ends_end_today_in_the_current_year() {
        let today = d(2026, 12, 3);
        assert_eq!(year_ends(2026, today, 3), [(2024, d(2024, 12, 31)), (2025, d(2025, 12, 31)), (2026, today)]);
        assert_eq!(year_ends(2030, today, 1), [(2026, today)], "no year after this one");
        assert_eq!(year_ends(2020, today, 2), [(2019, d(2019, 12, 31)), (2020, d(2020, 12, 31))]);
    }

    #[test]
    fn an_asset_counts_from_its_first_classification_and_is_current_until_its_review() {
        let org = Uuid::from_u128(1);
        let (c1, c2) = (class(d(2023, 3, 1), d(2024, 3, 1)), class(d(2025, 5, 1), d(2027, 5, 1)));
        let h = History {
            assets: vec![AssetDates {
                id: Uuid::from_u128(10),
                org_id: org,
                created_on: d(2026, 11, 1),
                classifications: vec![&c1, &c2],
            }],
            ..History::default()
        };
        let dates =
            [(2022, d(2022, 12, 31)), (2023, d(2023, 12, 31)), (2024, d(2024, 12, 31)), (2025, d(2025, 12, 31))];
        let t = h.trend(&dates, 12);
        assert!(t[0].is_empty(), "before it was first classified it did not exist");
        assert_eq!(t[1].classified, Share { covered: 1, total: 1 }, "classified in March, review in a year");
        assert_eq!(t[2].classified, Share { covered: 0, total: 1 }, "the review date passed in 2024");
        assert_eq!(t[3].classified, Share { covered: 1, total: 1 }, "classified again in 2025");
        assert_eq!(t[3].year, 2025);
    }

    #[test]
    fn a_risk_analysis_counts_for_the_months_after_it_was_made_or_saved() {
        let org = Uuid::from_u128(1);
        let sys = system("", false);
        let sid = Uuid::from_u128(20);
        let h = History {
            systems: vec![SystemDates { id: sid, org_id: org, created_on: d(2022, 1, 1), data: &sys }],
            risks: vec![RiskDates {
                object: (RiskObject::System, sid),
                created_on: d(2023, 6, 1),
                updated_on: d(2025, 2, 1),
            }],
            ..History::default()
        };
        let shares: Vec<Share> = h
            .trend(
                &[(2022, d(2022, 12, 31)), (2023, d(2023, 12, 31)), (2024, d(2024, 12, 31)), (2025, d(2025, 12, 31))],
                12,
            )
            .iter()
            .map(|p| p.risk_analysed)
            .collect();
        assert_eq!(
            shares,
            [
                Share { covered: 0, total: 1 },
                Share { covered: 1, total: 1 },
                Share { covered: 0, total: 1 },
                Share { covered: 1, total: 1 }
            ]
        );
    }

    #[test]
    fn a_processor_is_covered_while_its_agreement_is_valid() {
        let org = Uuid::from_u128(1);
        let sys = system("Leverantör AB", true);
        let sid = Uuid::from_u128(30);
        let a = agreement(vec![sid], Some(d(2023, 4, 1)), Some(d(2024, 6, 30)));
        let h = History {
            systems: vec![SystemDates { id: sid, org_id: org, created_on: d(2026, 10, 1), data: &sys }],
            agreements: vec![&a],
            ..History::default()
        };
        let t = h.trend(&[(2022, d(2022, 12, 31)), (2023, d(2023, 12, 31)), (2024, d(2024, 12, 31))], 12);
        assert!(t[0].is_empty(), "the system counts from the day its agreement was signed");
        assert_eq!(t[1].agreements, Share { covered: 1, total: 1 });
        assert_eq!(t[2].agreements, Share { covered: 0, total: 1 }, "expired in June 2024");
        assert_eq!(t[1].share(AssetPoint::Dpia), Share::default());
    }

    proptest! {
        /// On today the trend gives today's figures, counted as the store
        /// counts them: the latest recorded classification, risks by the day
        /// last saved, agreements by the domain's rule.
        #[test]
        fn on_today_the_trend_equals_today_s_facts(
            assets in prop::collection::vec((0i64..2000, prop::collection::vec((0i64..2000, 1i64..900), 0..4)), 0..8),
            systems in prop::collection::vec((0i64..2000, any::<bool>(), any::<bool>()), 0..6),
            risks in prop::collection::vec((any::<bool>(), 0usize..8, 0i64..2000, 0i64..800), 0..8),
            agreements in prop::collection::vec((prop::option::of(0i64..2000), prop::option::of(0i64..900), 0usize..6), 0..4),
        ) {
            let today = d(2026, 12, 3);
            let ago = |n: i64| today - chrono::Duration::days(n);
            let org = Uuid::from_u128(1);
            let classes: Vec<Vec<AssetClassification>> = assets
                .iter()
                .map(|(_, cs)| {
                    // Recorded in date order, never dated after today (as the forms enforce).
                    let mut v: Vec<AssetClassification> =
                        cs.iter().map(|(a, len)| class(ago(*a), ago(*a) + chrono::Duration::days(*len))).collect();
                    v.sort_by_key(|c| c.classified_on);
                    v
                })
                .collect();
            let sys_data: Vec<SystemInput> = systems.iter().map(|(_, sup, pd)| system(if *sup { "L" } else { "" }, *pd)).collect();
            let sys_ids: Vec<Uuid> = (0..systems.len()).map(|i| Uuid::from_u128(100 + i as u128)).collect();
            let agr: Vec<Agreement> = agreements
                .iter()
                .map(|(s, e, i)| {
                    let signed = s.map(ago);
                    let expires = e.map(|n| signed.unwrap_or(today) + chrono::Duration::days(n));
                    agreement(sys_ids.get(*i).into_iter().copied().collect(), signed, expires)
                })
                .collect();
            let h = History {
                assets: assets.iter().enumerate().map(|(i, (created, _))| AssetDates {
                    id: Uuid::from_u128(10 + i as u128),
                    org_id: org,
                    created_on: ago(*created),
                    classifications: classes[i].iter().collect(),
                }).collect(),
                systems: systems.iter().enumerate().map(|(i, (created, _, _))| SystemDates {
                    id: sys_ids[i], org_id: org, created_on: ago(*created), data: &sys_data[i],
                }).collect(),
                risks: risks.iter().map(|(on_asset, i, created, saved_after)| {
                    let id = if *on_asset { Uuid::from_u128(10 + *i as u128) } else { Uuid::from_u128(100 + *i as u128) };
                    let kind = if *on_asset { RiskObject::Asset } else { RiskObject::System };
                    let updated = (ago(*created) + chrono::Duration::days(*saved_after)).min(today);
                    RiskDates { object: (kind, id), created_on: ago(*created), updated_on: updated }
                }).collect(),
                agreements: agr.iter().collect(),
            };
            let point = h.trend(&[(2026, today)], 12)[0];

            // Today's rules, as `store::Store::asset_facts` applies them.
            let mut want = UnitFacts::default();
            for (i, _) in assets.iter().enumerate() {
                want.assets += 1;
                want.objects += 1;
                if let Some(c) = classes[i].last() {
                    want.assets_classified += 1;
                    if is_current(c, today) { want.assets_current += 1; }
                }
                let id = Uuid::from_u128(10 + i as u128);
                if h.risks.iter().any(|r| r.object == (RiskObject::Asset, id) && within_months(r.updated_on, today, 12)) {
                    want.objects_with_recent_risk_analysis += 1;
                }
            }
            let without = systems_without_agreement(sys_ids.iter().copied().zip(sys_data.iter()), &agr, today);
            for (i, s) in sys_data.iter().enumerate() {
                want.systems += 1;
                want.objects += 1;
                if h.risks.iter().any(|r| r.object == (RiskObject::System, sys_ids[i]) && within_months(r.updated_on, today, 12)) {
                    want.objects_with_recent_risk_analysis += 1;
                }
                if needs_agreement(s) {
                    want.processor_systems += 1;
                    if without.contains(&sys_ids[i]) { want.processor_systems_without_agreement += 1; }
                }
            }
            prop_assert_eq!(point.classified, want.share(AssetPoint::Classification));
            prop_assert_eq!(point.risk_analysed, want.share(AssetPoint::RiskAnalysis));
            prop_assert_eq!(point.agreements, want.share(AssetPoint::ProcessingAgreements));
        }

        /// A share is never above its whole, whatever the dates.
        #[test]
        fn a_share_never_exceeds_its_whole(
            days in prop::collection::vec((0i64..3000, 0i64..3000, 1i64..900), 0..10),
            on in 0i64..3000,
        ) {
            let base = d(2020, 1, 1);
            let at = |n: i64| base + chrono::Duration::days(n);
            let classes: Vec<AssetClassification> = days.iter().map(|(_, c, len)| class(at(*c), at(*c) + chrono::Duration::days(*len))).collect();
            let h = History {
                assets: days.iter().enumerate().map(|(i, (created, _, _))| AssetDates {
                    id: Uuid::from_u128(i as u128), org_id: Uuid::from_u128(1 + (i % 3) as u128),
                    created_on: at(*created), classifications: vec![&classes[i]],
                }).collect(),
                ..History::default()
            };
            for p in h.trend(&[(2024, at(on))], 12) {
                prop_assert!(p.classified.covered <= p.classified.total);
                prop_assert!(p.classified.total <= days.len() as u64);
            }
        }
    }
}
