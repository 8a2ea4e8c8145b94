//! Risk analyses (riskanalys) on a configurable matrix, and consequence
//! assessments under GDPR art. 35 (konsekvensbedömning avseende dataskydd).
//!
//! A risk's score is likelihood × consequence; the matrix's thresholds turn
//! a score into a [`RiskLevel`]. The default is the 4 × 4 matrix most Swedish
//! municipalities use (sannolikhet 1–4 × konsekvens 1–4, scores 1–16): low
//! below 4, medium 4–7, high 8–11, very high from 12.
//!
//! Treated: a risk counts as treated when a treatment is chosen and — for
//! *accept* — the risk owner has accepted it with a date, or — for *reduce*,
//! *transfer* and *avoid* — the risk after treatment (residual likelihood
//! and consequence) has been assessed. The actions a treatment links to are
//! the app's to count.
//!
//! Consequence assessments under GDPR art. 35 (DPIA) are their own kind,
//! in [`super::dpia`], re-exported here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::dpia::{DpiaFields, DpiaInput, consultation_missing, needs_prior_consultation};
use super::{MAX_NAME_LEN, MAX_TEXT_LEN, parse_small, same_name};
use crate::error::{FieldError, ValidationErrors};
use crate::{code_enum, parse_date, parse_line, parse_text};

code_enum!(
    /// A risk's level, read from its score.
    RiskLevel, "level" {
        /// Låg.
        Low => "low",
        /// Medel.
        Medium => "medium",
        /// Hög.
        High => "high",
        /// Mycket hög.
        VeryHigh => "very_high",
    }
);

impl RiskLevel {
    /// High or very high.
    pub fn is_high(self) -> bool {
        matches!(self, RiskLevel::High | RiskLevel::VeryHigh)
    }
}

code_enum!(
    /// How a risk is treated.
    Treatment, "treatment" {
        /// Minska (reduce likelihood or consequence by measures).
        Reduce => "reduce",
        /// Acceptera (the owner accepts the risk as it is).
        Accept => "accept",
        /// Överföra (to an insurer, a supplier …).
        Transfer => "transfer",
        /// Undvika (stop doing what causes it).
        Avoid => "avoid",
    }
);

code_enum!(
    /// What a risk analysis is about.
    RiskObject, "object_kind" {
        /// An organisation or unit as a whole.
        Org => "org",
        /// A system.
        System => "system",
        /// An information asset.
        Asset => "asset",
    }
);

/// One step of a matrix scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScaleStep {
    /// The name in Swedish.
    pub name_sv: String,
    /// The name in English.
    pub name_en: String,
}

/// The installation's risk matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskMatrix {
    /// Likelihood steps, lowest first (value 1, 2 …); 3..=6 of them.
    pub likelihood: Vec<ScaleStep>,
    /// Consequence steps, lowest first; 3..=6 of them.
    pub consequence: Vec<ScaleStep>,
    /// The lowest scores of medium, high and very high, strictly increasing.
    pub thresholds: [u8; 3],
}

/// The fewest and the most steps a matrix scale may have.
pub const STEPS: std::ops::RangeInclusive<usize> = 3..=6;

fn steps(names: &[(&str, &str)]) -> Vec<ScaleStep> {
    names.iter().map(|(sv, en)| ScaleStep { name_sv: (*sv).to_owned(), name_en: (*en).to_owned() }).collect()
}

impl RiskMatrix {
    /// The 4 × 4 matrix (see the module's notes).
    pub fn default_4x4() -> Self {
        Self {
            likelihood: steps(&[
                ("Låg – händer sällan eller aldrig", "Low – rarely or never happens"),
                ("Medel – kan hända någon gång", "Medium – may happen at some point"),
                ("Hög – händer då och då", "High – happens now and then"),
                ("Mycket hög – händer ofta", "Very high – happens often"),
            ]),
            consequence: steps(&[
                ("Försumbar", "Negligible"),
                ("Måttlig", "Moderate"),
                ("Betydande", "Considerable"),
                ("Allvarlig", "Serious"),
            ]),
            thresholds: [4, 8, 12],
        }
    }

    /// The highest score.
    pub fn max_score(&self) -> u16 {
        (self.likelihood.len() * self.consequence.len()) as u16
    }

    /// Checks a configured matrix: [`STEPS`] steps on each scale with names
    /// in both languages; thresholds strictly increasing, above 1 and at
    /// most the highest score.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errs = ValidationErrors::default();
        for (field, scale) in [("likelihood", &self.likelihood), ("consequence", &self.consequence)] {
            if !STEPS.contains(&scale.len()) {
                errs.push(FieldError::new(field, "error-risk-matrix-steps"));
            }
            if scale.iter().any(|s| {
                parse_line(field, &s.name_sv, MAX_NAME_LEN, true).is_err()
                    || parse_line(field, &s.name_en, MAX_NAME_LEN, true).is_err()
            }) {
                errs.push(FieldError::new(field, "error-risk-matrix-names"));
            }
        }
        let [m, h, v] = self.thresholds;
        if !(1 < m && m < h && h < v && u16::from(v) <= self.max_score()) {
            errs.push(FieldError::new("thresholds", "error-risk-matrix-thresholds"));
        }
        errs.into_result()
    }

    /// The level of a likelihood and a consequence (each from 1).
    pub fn level(&self, likelihood: u8, consequence: u8) -> RiskLevel {
        let score = u16::from(likelihood) * u16::from(consequence);
        let [m, h, v] = self.thresholds.map(u16::from);
        if score >= v {
            RiskLevel::VeryHigh
        } else if score >= h {
            RiskLevel::High
        } else if score >= m {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        }
    }
}

/// A risk as a form or the API gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RiskFields {
    /// What could happen (the scenario).
    pub scenario: String,
    /// org, system or asset.
    pub object_kind: String,
    /// The id of the organisation, system or asset.
    pub object_id: String,
    /// 1 … the matrix's likelihood steps.
    pub likelihood: String,
    /// 1 … the matrix's consequence steps.
    pub consequence: String,
    /// After treatment; both or neither.
    pub residual_likelihood: String,
    /// After treatment; both or neither.
    pub residual_consequence: String,
    /// reduce, accept, transfer, avoid; empty: not decided yet.
    pub treatment: String,
    /// The risk owner (name or role).
    pub owner: String,
    /// Who accepted the risk (the owner) and when; both or neither.
    pub accepted_by: String,
    /// When the owner accepted the risk; both or neither.
    pub accepted_on: String,
    /// When the risk is to be reviewed.
    pub review_on: String,
}

/// A risk's parsed values.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskInput {
    /// What could happen.
    pub scenario: String,
    /// What the analysis is about.
    pub object_kind: RiskObject,
    /// The id of the organisation, system or asset.
    pub object_id: Uuid,
    /// Likelihood, 1 … the matrix's steps.
    pub likelihood: u8,
    /// Consequence, 1 … the matrix's steps.
    pub consequence: u8,
    /// (likelihood, consequence) after treatment, if assessed.
    pub residual: Option<(u8, u8)>,
    /// How the risk is treated; `None`: not decided yet.
    pub treatment: Option<Treatment>,
    /// The risk owner (name or role).
    pub owner: String,
    /// (who, when) the owner accepted the risk.
    pub accepted: Option<(String, NaiveDate)>,
    /// When the risk is to be reviewed.
    pub review_on: Option<NaiveDate>,
}

impl RiskFields {
    /// Parses against `matrix`. Rules: each value on its scale
    /// (`error-risk-scale`); the residual risk given whole (both values),
    /// only with a treatment, and neither value above the inherent one;
    /// an acceptance given whole, by the risk owner, not after `today`.
    pub fn parse(&self, matrix: &RiskMatrix, today: NaiveDate) -> Result<RiskInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let (nl, nc) = (matrix.likelihood.len() as u8, matrix.consequence.len() as u8);
        let scale = |f, s: &str, n, req| parse_small(f, s, 1, n, req, "error-risk-scale");
        let scenario = errs.check(parse_text("scenario", &self.scenario, MAX_TEXT_LEN, true));
        let kind = errs.check(self.object_kind.trim().parse::<RiskObject>());
        let id = errs
            .check(Uuid::parse_str(self.object_id.trim()).map_err(|_| FieldError::new("object_id", "error-malformed")));
        let l = errs.check(scale("likelihood", &self.likelihood, nl, true)).flatten();
        let c = errs.check(scale("consequence", &self.consequence, nc, true)).flatten();
        let rl = errs.check(scale("residual_likelihood", &self.residual_likelihood, nl, false));
        let rc = errs.check(scale("residual_consequence", &self.residual_consequence, nc, false));
        let treatment = errs.check(match self.treatment.trim() {
            "" => Ok(None),
            s => s.parse::<Treatment>().map(Some),
        });
        let owner = errs.check(parse_line("owner", &self.owner, MAX_NAME_LEN, true));
        let by = errs.check(parse_line("accepted_by", &self.accepted_by, MAX_NAME_LEN, false));
        let on = errs.check(parse_date("accepted_on", &self.accepted_on, false));
        let review_on = errs.check(parse_date("review_on", &self.review_on, false));
        let residual = match (rl, rc) {
            (Some(Some(a)), Some(Some(b))) => Some((a, b)),
            (Some(None), Some(None)) => None,
            (Some(Some(_)), Some(None)) => {
                errs.push(FieldError::new("residual_consequence", "error-risk-residual-pair"));
                None
            }
            (Some(None), Some(Some(_))) => {
                errs.push(FieldError::new("residual_likelihood", "error-risk-residual-pair"));
                None
            }
            _ => None,
        };
        if let Some((a, b)) = residual {
            if treatment == Some(None) {
                errs.push(FieldError::new("treatment", "error-risk-residual-needs-treatment"));
            }
            if l.is_some_and(|l| a > l) {
                errs.push(FieldError::new("residual_likelihood", "error-risk-residual-above"));
            }
            if c.is_some_and(|c| b > c) {
                errs.push(FieldError::new("residual_consequence", "error-risk-residual-above"));
            }
        }
        let accepted = match (by.as_deref(), on) {
            (Some(""), Some(None)) | (None, _) | (_, None) => None,
            (Some(""), Some(Some(_))) => {
                errs.push(FieldError::new("accepted_by", "error-risk-acceptance-pair"));
                None
            }
            (Some(_), Some(None)) => {
                errs.push(FieldError::new("accepted_on", "error-risk-acceptance-pair"));
                None
            }
            (Some(who), Some(Some(when))) => {
                if owner.as_deref().is_some_and(|o| same_name(o) != same_name(who)) {
                    errs.push(FieldError::new("accepted_by", "error-risk-accepted-by-owner"));
                }
                if when > today {
                    errs.push(FieldError::new("accepted_on", "error-risk-accepted-future"));
                }
                Some((who.to_owned(), when))
            }
        };
        errs.clone().into_result()?;
        Ok(RiskInput {
            scenario: scenario.expect("checked"),
            object_kind: kind.expect("checked"),
            object_id: id.expect("checked"),
            likelihood: l.expect("checked"),
            consequence: c.expect("checked"),
            residual,
            treatment: treatment.expect("checked"),
            owner: owner.expect("checked"),
            accepted,
            review_on: review_on.expect("checked"),
        })
    }
}

impl RiskInput {
    /// The level before treatment.
    pub fn inherent_level(&self, m: &RiskMatrix) -> RiskLevel {
        m.level(self.likelihood, self.consequence)
    }

    /// The level after treatment: the residual one if assessed, else the inherent one.
    pub fn residual_level(&self, m: &RiskMatrix) -> RiskLevel {
        let (l, c) = self.residual.unwrap_or((self.likelihood, self.consequence));
        m.level(l, c)
    }
}

/// Whether a risk counts as treated (see the module's notes).
pub fn is_treated(r: &RiskInput) -> bool {
    match r.treatment {
        None => false,
        Some(Treatment::Accept) => r.accepted.is_some(),
        Some(_) => r.residual.is_some(),
    }
}

/// A high (or very high) risk before treatment that is not treated.
pub fn is_untreated_high(r: &RiskInput, m: &RiskMatrix) -> bool {
    r.inherent_level(m).is_high() && !is_treated(r)
}

/// Whether a risk's review date has passed on `today`.
pub fn review_overdue(r: &RiskInput, today: NaiveDate) -> bool {
    r.review_on.is_some_and(|d| d < today)
}

/// Risks counted per cell of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeatMap {
    /// `cells[l - 1][c - 1]`: the risks with likelihood `l` and consequence `c`.
    pub cells: Vec<Vec<u32>>,
    /// Risks whose values lie outside the matrix (stored under another matrix).
    pub outside: u32,
}

impl HeatMap {
    /// All risks counted, outside ones included.
    pub fn total(&self) -> u64 {
        self.cells.iter().flatten().map(|n| u64::from(*n)).sum::<u64>() + u64::from(self.outside)
    }
}

/// The heat map of (likelihood, consequence) pairs on `m`; use
/// [`RiskInput`]'s values before or after treatment as the page asks.
pub fn heat_map(m: &RiskMatrix, risks: impl IntoIterator<Item = (u8, u8)>) -> HeatMap {
    let mut cells = vec![vec![0u32; m.consequence.len()]; m.likelihood.len()];
    let mut outside = 0u32;
    for (l, c) in risks {
        match (l.checked_sub(1), c.checked_sub(1)) {
            (Some(l), Some(c)) if usize::from(l) < cells.len() && usize::from(c) < m.consequence.len() => {
                cells[usize::from(l)][usize::from(c)] = cells[usize::from(l)][usize::from(c)].saturating_add(1);
            }
            _ => outside = outside.saturating_add(1),
        }
    }
    HeatMap { cells, outside }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn risk() -> RiskFields {
        RiskFields {
            scenario: "Obehöriga läser elevakter i molntjänsten.".into(),
            object_kind: "system".into(),
            object_id: Uuid::from_u128(7).to_string(),
            likelihood: "3".into(),
            consequence: "4".into(),
            owner: "Eva Ek".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_default_matrix_is_valid_and_levels_follow_the_thresholds() {
        let m = RiskMatrix::default_4x4();
        assert_eq!(m.validate(), Ok(()));
        assert_eq!(m.level(1, 3), RiskLevel::Low);
        assert_eq!(m.level(2, 2), RiskLevel::Medium);
        assert_eq!(m.level(2, 4), RiskLevel::High);
        assert_eq!(m.level(3, 4), RiskLevel::VeryHigh);
        let bad = RiskMatrix { likelihood: steps(&[("a", "a"), ("", "b")]), thresholds: [4, 4, 20], ..m };
        let named: Vec<(&str, &str)> = bad.validate().unwrap_err().0.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            named,
            vec![
                ("likelihood", "error-risk-matrix-steps"),
                ("likelihood", "error-risk-matrix-names"),
                ("thresholds", "error-risk-matrix-thresholds"),
            ]
        );
    }

    #[test]
    fn a_risk_is_parsed_on_the_matrix() {
        let m = RiskMatrix::default_4x4();
        let today = d("2026-06-01");
        let r = risk().parse(&m, today).unwrap();
        assert_eq!((r.object_kind, r.likelihood, r.consequence, r.treatment), (RiskObject::System, 3, 4, None));
        assert!(is_untreated_high(&r, &m));
        let bad = RiskFields { likelihood: "5".into(), consequence: "0".into(), object_id: "x".into(), ..risk() };
        let named: Vec<&str> = bad.parse(&m, today).unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(named, vec!["object_id", "likelihood", "consequence"]);
    }

    #[test]
    fn the_residual_risk_is_whole_treated_and_not_above_the_inherent() {
        let m = RiskMatrix::default_4x4();
        let today = d("2026-06-01");
        let errs = |f: RiskFields| f.parse(&m, today).unwrap_err().0;
        let half = RiskFields { residual_likelihood: "2".into(), treatment: "reduce".into(), ..risk() };
        assert_eq!(errs(half), vec![FieldError::new("residual_consequence", "error-risk-residual-pair")]);
        let above = RiskFields { residual_likelihood: "4".into(), residual_consequence: "2".into(), ..risk() };
        assert_eq!(
            errs(above),
            vec![
                FieldError::new("treatment", "error-risk-residual-needs-treatment"),
                FieldError::new("residual_likelihood", "error-risk-residual-above"),
            ]
        );
        let reduced = RiskFields {
            residual_likelihood: "1".into(),
            residual_consequence: "4".into(),
            treatment: "reduce".into(),
            ..risk()
        };
        let r = reduced.parse(&m, today).unwrap();
        assert_eq!((r.inherent_level(&m), r.residual_level(&m)), (RiskLevel::VeryHigh, RiskLevel::Medium));
        assert!(is_treated(&r) && !is_untreated_high(&r, &m));
    }

    #[test]
    fn acceptance_is_by_the_owner_with_a_date_before_it_counts() {
        let m = RiskMatrix::default_4x4();
        let today = d("2026-06-01");
        let accept = RiskFields { treatment: "accept".into(), ..risk() };
        let r = accept.parse(&m, today).unwrap();
        assert!(!is_treated(&r) && is_untreated_high(&r, &m), "accepted by nobody yet");
        let only_name = RiskFields { accepted_by: "Eva Ek".into(), ..accept.clone() };
        assert_eq!(
            only_name.parse(&m, today).unwrap_err().0[0],
            FieldError::new("accepted_on", "error-risk-acceptance-pair")
        );
        let other = RiskFields { accepted_by: "Olle".into(), accepted_on: "2026-06-02".into(), ..accept.clone() };
        let codes: Vec<&str> = other.parse(&m, today).unwrap_err().0.iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["error-risk-accepted-by-owner", "error-risk-accepted-future"]);
        let ok = RiskFields { accepted_by: " eva  ek".into(), accepted_on: "2026-05-30".into(), ..accept };
        let r = ok.parse(&m, today).unwrap();
        assert!(is_treated(&r));
        assert_eq!(r.accepted, Some(("eva  ek".to_owned(), d("2026-05-30"))));
        let due = RiskInput { review_on: Some(d("2026-05-31")), ..r };
        assert!(review_overdue(&due, today) && !review_overdue(&due, d("2026-05-31")));
    }

    fn matrix(nl: usize, nc: usize) -> RiskMatrix {
        let m = RiskMatrix::default_4x4();
        let max = (nl * nc) as u8;
        RiskMatrix {
            likelihood: vec![m.likelihood[0].clone(); nl],
            consequence: vec![m.consequence[0].clone(); nc],
            thresholds: [2, max / 2 + 1, max],
        }
    }

    proptest! {
        /// The heat map counts every risk exactly once.
        #[test]
        fn heat_map_counts_sum_to_the_risks(
            nl in 3usize..=6, nc in 3usize..=6,
            risks in proptest::collection::vec((0u8..9, 0u8..9), 0..200),
        ) {
            let m = matrix(nl, nc);
            prop_assert_eq!(m.validate(), Ok(()));
            let h = heat_map(&m, risks.iter().copied());
            prop_assert_eq!(h.total(), risks.len() as u64);
            prop_assert_eq!(h.cells.len(), nl);
            let inside = risks.iter().filter(|(l, c)| (1..=nl as u8).contains(l) && (1..=nc as u8).contains(c)).count();
            prop_assert_eq!(h.outside as usize, risks.len() - inside);
        }

        /// The level never falls as likelihood or consequence rises.
        #[test]
        fn the_level_is_monotone(nl in 3usize..=6, nc in 3usize..=6, l in 1u8..=6, c in 1u8..=6) {
            let m = matrix(nl, nc);
            let (l, c) = (l.min(nl as u8), c.min(nc as u8));
            prop_assert!(m.level(l, c) <= m.level((l + 1).min(nl as u8), c));
            prop_assert!(m.level(l, c) <= m.level(l, (c + 1).min(nc as u8)));
            prop_assert_eq!(m.level(nl as u8, nc as u8), RiskLevel::VeryHigh);
        }

        /// A parsed risk never has a residual value above the inherent one.
        #[test]
        fn a_parsed_residual_never_exceeds_the_inherent(l in 0u8..6, c in 0u8..6, rl in 0u8..6, rc in 0u8..6, t in 0usize..5) {
            let m = RiskMatrix::default_4x4();
            let treatment = ["", "reduce", "accept", "transfer", "avoid"][t];
            let f = RiskFields {
                likelihood: l.to_string(), consequence: c.to_string(),
                residual_likelihood: rl.to_string(), residual_consequence: rc.to_string(),
                treatment: treatment.into(), ..risk()
            };
            if let Ok(r) = f.parse(&m, d("2026-06-01")) {
                let (a, b) = r.residual.unwrap();
                prop_assert!(a <= r.likelihood && b <= r.consequence);
                prop_assert!(r.residual_level(&m) <= r.inherent_level(&m));
            }
        }
    }
}
