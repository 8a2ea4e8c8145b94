//! Coverage of the asset registers per unit, rolled up the organisation
//! tree, and the status it gives seven points of the management review's
//! default checklist, shown beside the status a unit reported.
//!
//! The app counts each unit's own [`UnitFacts`] at a date (for a trend: at
//! several dates); a unit's coverage is the sum over its subtree
//! ([`rolled_up`]). Each point reads one share (see [`AssetPoint`]):
//!
//! - nothing to count (no asset, no system …): no computed status;
//! - everything covered: done; something: partly; nothing: not started.
//!
//! Risk analysis is only done when, besides, no high risk is left untreated.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::code_enum;
use crate::org::OrgTree;
use crate::review::{DEFAULT_CHECKLIST, PointStatus};

/// What one unit's registers hold, counted by the app; each `…_covered`
/// (or similar) is part of the total before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitFacts {
    /// Information assets.
    pub assets: u64,
    /// Assets with a classification.
    pub assets_classified: u64,
    /// Assets whose classification is current ([`super::classification::is_current`]).
    pub assets_current: u64,
    /// Systems.
    pub systems: u64,
    /// Systems with a system owner and an object manager named.
    pub systems_with_owner_and_manager: u64,
    /// Assets and systems together.
    pub objects: u64,
    /// Assets and systems with a risk analysis in the last N months ([`within_months`]).
    pub objects_with_recent_risk_analysis: u64,
    /// High or very high risks (before treatment).
    pub high_risks: u64,
    /// Of those, not treated ([`super::risk::is_untreated_high`]).
    pub high_risks_untreated: u64,
    /// Records in the processing register.
    pub processings: u64,
    /// Records with nothing missing ([`super::processing::missing_fields`]).
    pub processings_complete: u64,
    /// Processings that need a consequence assessment.
    pub dpia_needed: u64,
    /// Of those, with a consequence assessment done.
    pub dpia_done: u64,
    /// Systems from a supplier.
    pub supplier_systems: u64,
    /// Of those, with the contract recorded and the information they process classified.
    pub supplier_systems_covered: u64,
    /// Systems that need a data-processing agreement ([`super::processing::needs_agreement`]).
    pub processor_systems: u64,
    /// Of those, covered by none that is valid ([`super::processing::systems_without_agreement`]).
    pub processor_systems_without_agreement: u64,
}

impl UnitFacts {
    /// Every part clamped to its total, so a share is never above 100 %
    /// whatever the app counted.
    pub fn clamped(self) -> UnitFacts {
        UnitFacts {
            assets_classified: self.assets_classified.min(self.assets),
            assets_current: self.assets_current.min(self.assets_classified).min(self.assets),
            systems_with_owner_and_manager: self.systems_with_owner_and_manager.min(self.systems),
            objects_with_recent_risk_analysis: self.objects_with_recent_risk_analysis.min(self.objects),
            high_risks_untreated: self.high_risks_untreated.min(self.high_risks),
            processings_complete: self.processings_complete.min(self.processings),
            dpia_done: self.dpia_done.min(self.dpia_needed),
            supplier_systems_covered: self.supplier_systems_covered.min(self.supplier_systems),
            processor_systems_without_agreement: self.processor_systems_without_agreement.min(self.processor_systems),
            ..self
        }
    }

    /// The share each point reads, `(covered, total)`.
    pub fn share(&self, point: AssetPoint) -> Share {
        let f = self.clamped();
        let (covered, total) = match point {
            AssetPoint::Classification => (f.assets_current, f.assets),
            AssetPoint::RiskAnalysis => (f.objects_with_recent_risk_analysis, f.objects),
            AssetPoint::Dpia => (f.dpia_done, f.dpia_needed),
            AssetPoint::AccessManagement => (f.systems_with_owner_and_manager, f.systems),
            AssetPoint::ProcessingRegister => (f.processings_complete, f.processings),
            AssetPoint::Procurement => (f.supplier_systems_covered, f.supplier_systems),
            AssetPoint::ProcessingAgreements => {
                (f.processor_systems - f.processor_systems_without_agreement, f.processor_systems)
            }
        };
        Share { covered, total }
    }
}

/// The sum of two units' facts (saturating).
impl std::ops::Add for UnitFacts {
    type Output = UnitFacts;

    fn add(self, o: UnitFacts) -> UnitFacts {
        UnitFacts {
            assets: self.assets.saturating_add(o.assets),
            assets_classified: self.assets_classified.saturating_add(o.assets_classified),
            assets_current: self.assets_current.saturating_add(o.assets_current),
            systems: self.systems.saturating_add(o.systems),
            systems_with_owner_and_manager: self
                .systems_with_owner_and_manager
                .saturating_add(o.systems_with_owner_and_manager),
            objects: self.objects.saturating_add(o.objects),
            objects_with_recent_risk_analysis: self
                .objects_with_recent_risk_analysis
                .saturating_add(o.objects_with_recent_risk_analysis),
            high_risks: self.high_risks.saturating_add(o.high_risks),
            high_risks_untreated: self.high_risks_untreated.saturating_add(o.high_risks_untreated),
            processings: self.processings.saturating_add(o.processings),
            processings_complete: self.processings_complete.saturating_add(o.processings_complete),
            dpia_needed: self.dpia_needed.saturating_add(o.dpia_needed),
            dpia_done: self.dpia_done.saturating_add(o.dpia_done),
            supplier_systems: self.supplier_systems.saturating_add(o.supplier_systems),
            supplier_systems_covered: self.supplier_systems_covered.saturating_add(o.supplier_systems_covered),
            processor_systems: self.processor_systems.saturating_add(o.processor_systems),
            processor_systems_without_agreement: self
                .processor_systems_without_agreement
                .saturating_add(o.processor_systems_without_agreement),
        }
    }
}

/// A part of a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share {
    /// The part covered.
    pub covered: u64,
    /// The whole.
    pub total: u64,
}

impl Share {
    /// Whole percent, rounded down (99.9 % is not shown as 100 %); none without a total.
    pub fn percent(&self) -> Option<u64> {
        (self.total > 0).then(|| self.covered.min(self.total) * 100 / self.total)
    }
}

/// Whether something done on `done_on` is within the last `months` months
/// on `today` (on or after the same day `months` earlier, not after today).
pub fn within_months(done_on: NaiveDate, today: NaiveDate, months: u32) -> bool {
    let since = today.checked_sub_months(Months::new(months.min(1200))).unwrap_or(NaiveDate::MIN);
    since <= done_on && done_on <= today
}

/// A unit's facts rolled up: the sum of the own facts of every unit in
/// `root`'s subtree, itself included (each clamped first).
pub fn rolled_up(tree: &OrgTree, root: Uuid, own: &HashMap<Uuid, UnitFacts>) -> UnitFacts {
    tree.subtree(root).iter().filter_map(|(_, n)| own.get(&n.id)).fold(UnitFacts::default(), |a, b| a + b.clamped())
}

code_enum!(
    /// The checklist points the asset registers answer (default checklist 4–10).
    AssetPoint, "point" {
        /// Informationsklassning: assets classified with a current classification.
        Classification => "classification",
        /// Riskanalys: assets and systems with a recent risk analysis, and no
        /// high risk left untreated.
        RiskAnalysis => "risk_analysis",
        /// Konsekvensbedömning avseende dataskydd: processings that need a
        /// DPIA and have one.
        Dpia => "dpia",
        /// Behörighetshantering: systems with a system owner and an object
        /// manager, who decide and grant access.
        AccessManagement => "access_management",
        /// Registerförteckning: processing records with nothing missing.
        ProcessingRegister => "processing_register",
        /// Informationssäkerhet vid upphandling: supplier systems with the
        /// contract recorded and their information classified (so its
        /// protection requirements could go into the procurement).
        Procurement => "procurement",
        /// Personuppgiftsbiträdesavtal: systems with a processor covered by
        /// a valid agreement.
        ProcessingAgreements => "processing_agreements",
    }
);

/// The asset point of a checklist text, recognised by the default
/// checklist's text (Swedish or English, case and spacing ignored, as
/// [`crate::review::registers::point_source`] does); other points: none.
pub fn asset_point_source(text: &str) -> Option<AssetPoint> {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let t = norm(text);
    let index = DEFAULT_CHECKLIST.iter().position(|(sv, en)| norm(sv) == t || norm(en) == t)?;
    match index {
        3 => Some(AssetPoint::Classification),
        4 => Some(AssetPoint::RiskAnalysis),
        5 => Some(AssetPoint::Dpia),
        6 => Some(AssetPoint::AccessManagement),
        7 => Some(AssetPoint::ProcessingRegister),
        8 => Some(AssetPoint::Procurement),
        9 => Some(AssetPoint::ProcessingAgreements),
        _ => None,
    }
}

/// Why a computed status is what it is, for the page to say in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AssetBasis {
    /// Assets with a current classification of all assets.
    Classified { current: u64, classified: u64, assets: u64 },
    /// Assets and systems with a recent risk analysis, and high risks untreated.
    RiskAnalysed { covered: u64, objects: u64, high_untreated: u64 },
    /// Processings with the DPIA they need.
    Dpia { done: u64, needed: u64 },
    /// Systems with owner and object manager.
    Responsible { covered: u64, systems: u64 },
    /// Complete processing records.
    Records { complete: u64, processings: u64 },
    /// Supplier systems with contract and classified information.
    Procured { covered: u64, systems: u64 },
    /// Systems with a processor and a valid agreement.
    Agreements { covered: u64, systems: u64 },
}

/// A status computed from the asset registers, with its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetComputed {
    /// The computed status.
    pub status: PointStatus,
    /// Why.
    pub basis: AssetBasis,
}

/// The status the registers give a unit (its rolled-up facts) for a point,
/// if they say anything (see the module's notes).
pub fn computed(point: AssetPoint, facts: &UnitFacts) -> Option<AssetComputed> {
    let f = facts.clamped();
    let s = f.share(point);
    if s.total == 0 {
        return None;
    }
    let mut status = if s.covered == s.total {
        PointStatus::Done
    } else if s.covered == 0 {
        PointStatus::NotStarted
    } else {
        PointStatus::Partial
    };
    let basis = match point {
        AssetPoint::Classification => {
            AssetBasis::Classified { current: f.assets_current, classified: f.assets_classified, assets: f.assets }
        }
        AssetPoint::RiskAnalysis => {
            if status == PointStatus::Done && f.high_risks_untreated > 0 {
                status = PointStatus::Partial;
            }
            AssetBasis::RiskAnalysed { covered: s.covered, objects: s.total, high_untreated: f.high_risks_untreated }
        }
        AssetPoint::Dpia => AssetBasis::Dpia { done: s.covered, needed: s.total },
        AssetPoint::AccessManagement => AssetBasis::Responsible { covered: s.covered, systems: s.total },
        AssetPoint::ProcessingRegister => AssetBasis::Records { complete: s.covered, processings: s.total },
        AssetPoint::Procurement => AssetBasis::Procured { covered: s.covered, systems: s.total },
        AssetPoint::ProcessingAgreements => AssetBasis::Agreements { covered: s.covered, systems: s.total },
    };
    Some(AssetComputed { status, basis })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::org::{OrgKind, OrgNode};

    fn node(id: u128, parent: Option<u128>) -> OrgNode {
        OrgNode {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            name: format!("Org {id}"),
            kind: OrgKind::Unit,
            own_review: false,
        }
    }

    /// 1 ─ 2 ─ 4, 2 ─ 5; 1 ─ 3
    fn tree() -> OrgTree {
        OrgTree::new(vec![node(1, None), node(2, Some(1)), node(3, Some(1)), node(4, Some(2)), node(5, Some(2))])
    }

    #[test]
    fn the_seven_points_are_recognised_by_their_default_text() {
        assert_eq!(asset_point_source("Informationsklassning"), Some(AssetPoint::Classification));
        assert_eq!(asset_point_source(" risk  ANALYSIS "), Some(AssetPoint::RiskAnalysis));
        assert_eq!(asset_point_source("Konsekvensbedömning avseende dataskydd"), Some(AssetPoint::Dpia));
        assert_eq!(asset_point_source("Behörighetshantering"), Some(AssetPoint::AccessManagement));
        assert_eq!(
            asset_point_source("Registerförteckning över behandlingar av personuppgifter"),
            Some(AssetPoint::ProcessingRegister)
        );
        assert_eq!(asset_point_source("Information security in procurement"), Some(AssetPoint::Procurement));
        assert_eq!(asset_point_source("Personuppgiftsbiträdesavtal"), Some(AssetPoint::ProcessingAgreements));
        assert_eq!(asset_point_source("Incidenthantering"), None);
        assert_eq!(asset_point_source("Vår egen punkt"), None);
        let found: Vec<AssetPoint> = DEFAULT_CHECKLIST.iter().filter_map(|(sv, _)| asset_point_source(sv)).collect();
        assert_eq!(found, AssetPoint::ALL);
    }

    #[test]
    fn nothing_to_count_says_nothing_and_shares_give_the_status() {
        let none = UnitFacts::default();
        assert!(AssetPoint::ALL.iter().all(|p| computed(*p, &none).is_none()));
        let f = UnitFacts { assets: 10, assets_classified: 8, assets_current: 6, ..Default::default() };
        assert_eq!(
            computed(AssetPoint::Classification, &f),
            Some(AssetComputed {
                status: PointStatus::Partial,
                basis: AssetBasis::Classified { current: 6, classified: 8, assets: 10 }
            })
        );
        let st = |f: UnitFacts, p| computed(p, &f).map(|c| c.status);
        assert_eq!(
            st(UnitFacts { assets: 3, assets_classified: 3, assets_current: 3, ..f }, AssetPoint::Classification),
            Some(PointStatus::Done)
        );
        assert_eq!(st(UnitFacts { assets_current: 0, ..f }, AssetPoint::Classification), Some(PointStatus::NotStarted));
        let sys = UnitFacts { systems: 4, systems_with_owner_and_manager: 4, ..Default::default() };
        assert_eq!(st(sys, AssetPoint::AccessManagement), Some(PointStatus::Done));
        let pd = UnitFacts { processor_systems: 3, processor_systems_without_agreement: 3, ..Default::default() };
        assert_eq!(st(pd, AssetPoint::ProcessingAgreements), Some(PointStatus::NotStarted));
        assert_eq!(
            st(UnitFacts { processor_systems_without_agreement: 0, ..pd }, AssetPoint::ProcessingAgreements),
            Some(PointStatus::Done)
        );
        let rec =
            UnitFacts { processings: 5, processings_complete: 2, dpia_needed: 1, dpia_done: 1, ..Default::default() };
        assert_eq!(st(rec, AssetPoint::ProcessingRegister), Some(PointStatus::Partial));
        assert_eq!(st(rec, AssetPoint::Dpia), Some(PointStatus::Done));
        assert_eq!(st(rec, AssetPoint::Procurement), None);
        let buy = UnitFacts { supplier_systems: 2, supplier_systems_covered: 1, ..Default::default() };
        assert_eq!(st(buy, AssetPoint::Procurement), Some(PointStatus::Partial));
    }

    #[test]
    fn an_untreated_high_risk_keeps_risk_analysis_from_done() {
        let f = UnitFacts { objects: 5, objects_with_recent_risk_analysis: 5, high_risks: 2, ..Default::default() };
        assert_eq!(computed(AssetPoint::RiskAnalysis, &f).unwrap().status, PointStatus::Done);
        let f = UnitFacts { high_risks_untreated: 1, ..f };
        assert_eq!(
            computed(AssetPoint::RiskAnalysis, &f),
            Some(AssetComputed {
                status: PointStatus::Partial,
                basis: AssetBasis::RiskAnalysed { covered: 5, objects: 5, high_untreated: 1 }
            })
        );
    }

    #[test]
    fn recent_means_within_the_months_before_today() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(within_months(d("2025-06-01"), d("2026-06-01"), 12));
        assert!(!within_months(d("2025-05-31"), d("2026-06-01"), 12));
        assert!(!within_months(d("2026-06-02"), d("2026-06-01"), 12), "not in the future");
        assert!(within_months(d("2025-02-28"), d("2026-02-28"), 12));
        assert_eq!(Share { covered: 999, total: 1000 }.percent(), Some(99));
        assert_eq!(Share { covered: 0, total: 0 }.percent(), None);
    }

    #[test]
    fn rolled_up_sums_the_subtree() {
        let t = tree();
        let own: HashMap<Uuid, UnitFacts> = [
            (2, UnitFacts { assets: 4, assets_current: 2, assets_classified: 3, ..Default::default() }),
            (4, UnitFacts { assets: 6, assets_current: 6, assets_classified: 6, ..Default::default() }),
            (3, UnitFacts { assets: 10, ..Default::default() }),
        ]
        .into_iter()
        .map(|(k, v)| (Uuid::from_u128(k), v))
        .collect();
        let two = rolled_up(&t, Uuid::from_u128(2), &own);
        assert_eq!((two.assets, two.assets_classified, two.assets_current), (10, 9, 8));
        assert_eq!(rolled_up(&t, Uuid::from_u128(1), &own).assets, 20);
        assert_eq!(rolled_up(&t, Uuid::from_u128(5), &own), UnitFacts::default());
    }

    fn facts() -> impl Strategy<Value = UnitFacts> {
        proptest::collection::vec(0u64..50, 17).prop_map(|v| UnitFacts {
            assets: v[0],
            assets_classified: v[1],
            assets_current: v[2],
            systems: v[3],
            systems_with_owner_and_manager: v[4],
            objects: v[5],
            objects_with_recent_risk_analysis: v[6],
            high_risks: v[7],
            high_risks_untreated: v[8],
            processings: v[9],
            processings_complete: v[10],
            dpia_needed: v[11],
            dpia_done: v[12],
            supplier_systems: v[13],
            supplier_systems_covered: v[14],
            processor_systems: v[15],
            processor_systems_without_agreement: v[16],
        })
    }

    proptest! {
        /// A roll-up is the sum of the (clamped) own facts of its subtree,
        /// no share is ever above 100 %, and a computed status is never
        /// "not applicable".
        #[test]
        fn rolled_up_is_the_subtree_sum_and_shares_stay_at_most_all(
            units in proptest::collection::vec(proptest::option::of(facts()), 5),
        ) {
            let t = tree();
            let own: HashMap<Uuid, UnitFacts> = units.iter().enumerate()
                .filter_map(|(i, f)| f.map(|f| (Uuid::from_u128(i as u128 + 1), f)))
                .collect();
            for root in 1..=5u128 {
                let r = rolled_up(&t, Uuid::from_u128(root), &own);
                let sum = t.subtree(Uuid::from_u128(root)).iter()
                    .filter_map(|(_, n)| own.get(&n.id))
                    .fold(UnitFacts::default(), |a, b| a + b.clamped());
                prop_assert_eq!(r, sum);
                prop_assert_eq!(r, r.clamped(), "a sum of clamped facts needs no clamping");
                for p in AssetPoint::ALL {
                    let s = r.share(*p);
                    prop_assert!(s.covered <= s.total);
                    prop_assert!(s.percent().is_none_or(|x| x <= 100));
                    match computed(*p, &r) {
                        None => prop_assert_eq!(s.total, 0),
                        Some(c) => {
                            prop_assert_ne!(c.status, PointStatus::NotApplicable);
                            prop_assert_eq!(c.status == PointStatus::NotStarted, s.covered == 0);
                        }
                    }
                }
            }
        }
    }
}
