//! What the asset registers bring to the management review: the section
//! "Information assets, risks and personal data" with the coverage of the
//! organisation's subtree ([`crate::assets::coverage`]), each reporting
//! unit's rolled-up coverage, and the high risks left untreated.

use serde::{Deserialize, Serialize};

use crate::assets::coverage::{AssetPoint, Share, UnitFacts};
use crate::assets::trend::TrendPoint;

/// The most untreated high risks a review lists.
pub const MAX_UNTREATED: usize = 30;

/// A high risk without treatment, as the review lists it: the organisation's
/// own scenario title and where it lies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UntreatedRisk {
    pub scenario: String,
    pub org: String,
}

/// One reporting unit's coverage (its subtree, rolled up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetUnitLine {
    pub unit: String,
    pub facts: UnitFacts,
}

/// The review's section on the asset registers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetSection {
    /// The organisation's whole subtree.
    pub total: UnitFacts,
    /// The months a risk analysis counts as recent.
    pub risk_months: u32,
    /// Each reporting unit, rolled up, in tree order.
    pub units: Vec<AssetUnitLine>,
    /// The untreated high risks, at most [`MAX_UNTREATED`], by organisation and title.
    pub untreated: Vec<UntreatedRisk>,
    /// The subtree's coverage at the end of each of the last years, the
    /// review's year last (empty in reviews compiled before it was kept).
    #[serde(default)]
    pub trend: Vec<TrendPoint>,
}

/// The shares the section shows and charts, in this order.
pub const SECTION_SHARES: [AssetPoint; 7] = [
    AssetPoint::Classification,
    AssetPoint::AccessManagement,
    AssetPoint::RiskAnalysis,
    AssetPoint::ProcessingRegister,
    AssetPoint::Dpia,
    AssetPoint::ProcessingAgreements,
    AssetPoint::Procurement,
];

impl AssetSection {
    /// Whether the registers hold nothing at all for the subtree.
    pub fn is_empty(&self) -> bool {
        let f = self.total;
        f.assets == 0 && f.systems == 0 && f.processings == 0 && f.high_risks == 0
    }

    /// The shares of [`SECTION_SHARES`] for the subtree.
    pub fn shares(&self) -> Vec<(AssetPoint, Share)> {
        SECTION_SHARES.iter().map(|p| (*p, self.total.share(*p))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_register_says_so_and_shares_follow_the_facts() {
        let mut s = AssetSection::default();
        assert!(s.is_empty());
        s.total = UnitFacts { assets: 4, assets_classified: 3, assets_current: 2, ..Default::default() };
        assert!(!s.is_empty());
        let shares = s.shares();
        assert_eq!(shares.len(), 7);
        assert_eq!(shares[0], (AssetPoint::Classification, Share { covered: 2, total: 4 }));
        assert_eq!(shares[0].1.percent(), Some(50));
        assert_eq!(shares[1].1.percent(), None, "no system: no share");
    }
}
