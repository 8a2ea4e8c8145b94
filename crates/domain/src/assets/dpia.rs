//! Consequence assessments under GDPR art. 35 (konsekvensbedömning
//! avseende dataskydd, DPIA), a kind of their own beside the risk analyses
//! of [`super::risk`] (re-exported there).
//!
//! The fields are those art. 35(7) asks for: (a) a systematic description
//! of the processing and its purposes, including the legitimate interest
//! pursued where applicable; (b) an assessment of necessity and
//! proportionality; (c) an assessment of the risks to the rights and
//! freedoms of data subjects; (d) the measures envisaged to address them.
//! Besides: the DPO's advice (art. 35(2)) and prior consultation of IMY
//! (art. 36(1)).
//!
//! Prior consultation: art. 36(1) asks the controller to consult the
//! supervisory authority (IMY) before processing where a DPIA shows a high
//! risk that the controller's measures do not sufficiently reduce (recital
//! 94; the EDPB's guidelines WP248 rev.01): here, a residual level of high
//! or very high.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::MAX_TEXT_LEN;
use super::risk::RiskLevel;
use crate::error::{FieldError, ValidationErrors};
use crate::{parse_date, parse_text};

/// A consequence assessment (DPIA) as a form or the API gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DpiaFields {
    /// Art. 35(7)(a): a systematic description of the processing.
    pub description: String,
    /// Art. 35(7)(a): its purposes.
    pub purposes: String,
    /// Art. 35(7)(a): the legitimate interest pursued, where applicable.
    pub legitimate_interest: String,
    /// Art. 35(7)(b): necessity and proportionality in relation to the purposes.
    pub necessity: String,
    /// Art. 35(7)(c): the risks to the rights and freedoms of data subjects.
    pub risks: String,
    /// Art. 35(7)(d): the measures envisaged to address the risks.
    pub measures: String,
    /// Art. 35(2): the data protection officer's advice.
    pub dpo_advice: String,
    /// The risk left after the measures: low, medium, high, very_high.
    pub residual_level: String,
    /// Art. 36(1): IMY consulted (yes/no) and when.
    pub prior_consultation: String,
    /// When IMY was consulted.
    pub prior_consultation_on: String,
}

/// A consequence assessment's parsed values.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DpiaInput {
    /// Art. 35(7)(a): a systematic description of the processing.
    pub description: String,
    /// Art. 35(7)(a): the purposes of the processing.
    pub purposes: String,
    /// Art. 35(7)(a): the legitimate interest pursued, if any.
    pub legitimate_interest: String,
    /// Art. 35(7)(b): necessity and proportionality.
    pub necessity: String,
    /// Art. 35(7)(c): the risks to the rights and freedoms of data subjects.
    pub risks: String,
    /// Art. 35(7)(d): the measures envisaged to address the risks.
    pub measures: String,
    /// Art. 35(2): the data protection officer's advice.
    pub dpo_advice: String,
    /// The risk left after the measures.
    pub residual_level: RiskLevel,
    /// Art. 36(1): whether IMY has been consulted.
    pub prior_consultation: bool,
    /// When IMY was consulted.
    pub prior_consultation_on: Option<NaiveDate>,
}

impl DpiaFields {
    /// Every art. 35(7) part and the DPO's advice are required (a public
    /// authority must have a DPO, art. 37(1)(a)); the legitimate interest
    /// only where one is relied on. A consultation date needs the
    /// consultation and is not after `today`.
    pub fn parse(&self, today: NaiveDate) -> Result<DpiaInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let mut text = |f, s: &str, req| errs.check(parse_text(f, s, MAX_TEXT_LEN, req));
        let description = text("description", &self.description, true);
        let purposes = text("purposes", &self.purposes, true);
        let legitimate_interest = text("legitimate_interest", &self.legitimate_interest, false);
        let necessity = text("necessity", &self.necessity, true);
        let risks = text("risks", &self.risks, true);
        let measures = text("measures", &self.measures, true);
        let dpo_advice = text("dpo_advice", &self.dpo_advice, true);
        let residual_level = errs.check(match self.residual_level.trim() {
            "" => Err(FieldError::new("residual_level", "error-required")),
            s => s.parse::<RiskLevel>().map_err(|_| FieldError::new("residual_level", "error-malformed")),
        });
        let consulted = errs.check(super::parse_flag("prior_consultation", &self.prior_consultation));
        let on = errs.check(parse_date("prior_consultation_on", &self.prior_consultation_on, false)).flatten();
        if on.is_some() && consulted == Some(false) {
            errs.push(FieldError::new("prior_consultation", "error-dpia-consultation-date"));
        }
        if on.is_some_and(|d| d > today) {
            errs.push(FieldError::new("prior_consultation_on", "error-dpia-consultation-future"));
        }
        errs.clone().into_result()?;
        Ok(DpiaInput {
            description: description.expect("checked"),
            purposes: purposes.expect("checked"),
            legitimate_interest: legitimate_interest.expect("checked"),
            necessity: necessity.expect("checked"),
            risks: risks.expect("checked"),
            measures: measures.expect("checked"),
            dpo_advice: dpo_advice.expect("checked"),
            residual_level: residual_level.expect("checked"),
            prior_consultation: consulted.expect("checked"),
            prior_consultation_on: on,
        })
    }
}

/// GDPR art. 36(1): IMY must be consulted before the processing starts when
/// the risk left after the measures is high (see the module's notes).
pub fn needs_prior_consultation(residual: RiskLevel) -> bool {
    residual.is_high()
}

/// A DPIA whose residual risk calls for prior consultation that has not been made.
pub fn consultation_missing(d: &DpiaInput) -> bool {
    needs_prior_consultation(d.residual_level) && !d.prior_consultation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_dpia_asks_for_what_article_35_asks_and_flags_consultation() {
        let today = d("2026-06-01");
        let f = DpiaFields {
            description: "Digital frånvarorapportering i skolan.".into(),
            purposes: "Följa upp närvaro enligt skollagen.".into(),
            necessity: "Uppgifterna behövs för skolplikten.".into(),
            risks: "Röjande av uppgifter om elevers hälsa.".into(),
            measures: "Behörighetsstyrning och loggning.".into(),
            dpo_advice: "Dataskyddsombudet tillstyrker med villkor.".into(),
            residual_level: "high".into(),
            ..Default::default()
        };
        let p = f.parse(today).unwrap();
        assert!(needs_prior_consultation(p.residual_level) && consultation_missing(&p));
        let consulted =
            DpiaFields { prior_consultation: "ja".into(), prior_consultation_on: "2026-05-01".into(), ..f.clone() };
        assert!(!consultation_missing(&consulted.parse(today).unwrap()));
        let empty = DpiaFields { prior_consultation_on: "2026-07-01".into(), ..Default::default() };
        let named: Vec<&str> = empty.parse(today).unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(
            named,
            vec![
                "description",
                "purposes",
                "necessity",
                "risks",
                "measures",
                "dpo_advice",
                "residual_level",
                "prior_consultation",
                "prior_consultation_on"
            ]
        );
        assert!(!needs_prior_consultation(RiskLevel::Medium));
    }
}
