//! Information classification (informationsklassning): a model of aspects
//! and their levels, configurable per installation, each information asset
//! classified against it, a system's levels from its assets, and the
//! baseline protection requirements a classification gives.
//!
//! The national default ([`ClassificationModel::national_default`]) follows
//! the consequence scale of MSB's *Modell för klassificering av information*
//! (försumbar, måttlig, betydande, allvarlig skada) as SKR's KLASSA uses it,
//! with levels numbered from 1 as municipalities write them (K1–K4, R1–R3,
//! T1–T3):
//!
//! - **Konfidentialitet** has four levels, because confidentiality must tell
//!   public information (no or negligible harm if disclosed) apart from three
//!   grades of harm: 1 Försumbar, 2 Måttlig, 3 Betydande, 4 Allvarlig.
//! - **Riktighet** and **tillgänglighet** have three levels: negligible and
//!   moderate harm are one level (the same basic protection answers both):
//!   1 Låg, 2 Betydande, 3 Allvarlig.
//! - **Spårbarhet** is optional (three levels like integrity).
//!
//! KLASSA's *synnerligen allvarlig* (information that concerns Sweden's
//! security) is left out on purpose: it is handled under
//! säkerhetsskyddslagen (2018:585), not in Lisa.
//!
//! A system takes the highest level of its assets, aspect by aspect
//! ([`system_levels`]).

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{MAX_NAME_LEN, MAX_TEXT_LEN};
use crate::error::{FieldError, ValidationErrors};
use crate::{parse_date, parse_line, parse_text};

/// The most aspects a model may have.
pub const MAX_ASPECTS: usize = 8;
/// The fewest and the most levels an aspect may have.
pub const LEVELS: std::ops::RangeInclusive<usize> = 2..=6;

/// One level of an aspect: its number (1 is the lowest) and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AspectLevel {
    /// 1 for the lowest level, then 2, 3 … in order.
    pub value: u8,
    /// The name in Swedish.
    pub name_sv: String,
    /// The name in English.
    pub name_en: String,
}

/// One aspect of the model (konfidentialitet, riktighet …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AspectDef {
    /// Lower-case letters, digits and `_`, starting with a letter.
    pub code: String,
    /// The name in Swedish.
    pub name_sv: String,
    /// The name in English.
    pub name_en: String,
    /// Lowest first.
    pub levels: Vec<AspectLevel>,
    /// An optional aspect may be left unclassified.
    #[serde(default)]
    pub optional: bool,
}

impl AspectDef {
    /// The highest level.
    pub fn top(&self) -> u8 {
        self.levels.len() as u8
    }
}

/// The installation's classification model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassificationModel {
    /// The aspects, in the order forms show them.
    pub aspects: Vec<AspectDef>,
}

/// A wrong part of a configured model: which aspect (index from 0) and
/// which of its levels, the field and a translation key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ClassificationModelError))]
pub struct ModelError {
    /// The aspect (index from 0), if the problem is in one.
    pub aspect: Option<usize>,
    /// The level (index from 0), if the problem is in one.
    pub level: Option<usize>,
    /// The field of the aspect or level at fault.
    pub field: &'static str,
    /// A translation key.
    pub code: &'static str,
}

fn aspect(code: &str, sv: &str, en: &str, optional: bool, levels: &[(&str, &str)]) -> AspectDef {
    AspectDef {
        code: code.to_owned(),
        name_sv: sv.to_owned(),
        name_en: en.to_owned(),
        levels: levels
            .iter()
            .enumerate()
            .map(|(i, (sv, en))| AspectLevel {
                value: i as u8 + 1,
                name_sv: (*sv).to_owned(),
                name_en: (*en).to_owned(),
            })
            .collect(),
        optional,
    }
}

const THREE: &[(&str, &str)] = &[
    ("Låg – ingen, liten eller måttlig skada", "Low – no, slight or moderate harm"),
    ("Betydande skada", "Considerable harm"),
    ("Allvarlig skada", "Serious harm"),
];

impl ClassificationModel {
    /// The national model as Lisa ships it (see the module's notes).
    pub fn national_default() -> Self {
        let conf = [
            (
                "Försumbar – ingen eller försumbar skada, till exempel allmän information",
                "Negligible – no or negligible harm, e.g. public information",
            ),
            ("Måttlig skada", "Moderate harm"),
            ("Betydande skada", "Considerable harm"),
            ("Allvarlig skada", "Serious harm"),
        ];
        Self {
            aspects: vec![
                aspect("confidentiality", "Konfidentialitet", "Confidentiality", false, &conf),
                aspect("integrity", "Riktighet", "Integrity", false, THREE),
                aspect("availability", "Tillgänglighet", "Availability", false, THREE),
                aspect("traceability", "Spårbarhet", "Traceability", true, THREE),
            ],
        }
    }

    /// The aspect with `code`.
    pub fn aspect(&self, code: &str) -> Option<&AspectDef> {
        self.aspects.iter().find(|a| a.code == code)
    }

    /// The form field of the aspect at `index`: `level_<code>` for the four
    /// well-known aspects, `level_aspect_<n>` (n from 1) for others.
    pub fn level_field(&self, index: usize) -> &'static str {
        const KNOWN: &[(&str, &str)] = &[
            ("confidentiality", "level_confidentiality"),
            ("integrity", "level_integrity"),
            ("availability", "level_availability"),
            ("traceability", "level_traceability"),
        ];
        const BY_POSITION: [&str; MAX_ASPECTS] = [
            "level_aspect_1",
            "level_aspect_2",
            "level_aspect_3",
            "level_aspect_4",
            "level_aspect_5",
            "level_aspect_6",
            "level_aspect_7",
            "level_aspect_8",
        ];
        let code = self.aspects.get(index).map(|a| a.code.as_str()).unwrap_or("");
        KNOWN.iter().find(|(c, _)| *c == code).map(|(_, f)| *f).unwrap_or(BY_POSITION[index.min(MAX_ASPECTS - 1)])
    }

    /// Checks a configured model: 1..=[`MAX_ASPECTS`] aspects, at least one
    /// required; unique well-formed codes; names in both languages;
    /// [`LEVELS`] levels per aspect numbered 1, 2, 3 … with names. Every
    /// problem is named.
    pub fn validate(&self) -> Result<(), Vec<ModelError>> {
        let mut errs = Vec::new();
        let err = |aspect, level, field, code| ModelError { aspect, level, field, code };
        if self.aspects.is_empty() || self.aspects.len() > MAX_ASPECTS {
            errs.push(err(None, None, "aspects", "error-classification-aspects-count"));
        }
        if !self.aspects.is_empty() && self.aspects.iter().all(|a| a.optional) {
            errs.push(err(None, None, "aspects", "error-classification-all-optional"));
        }
        let mut seen = HashSet::new();
        for (i, a) in self.aspects.iter().enumerate() {
            let well_formed = a.code.len() <= 32
                && a.code.starts_with(|c: char| c.is_ascii_lowercase())
                && a.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !well_formed {
                errs.push(err(Some(i), None, "code", "error-classification-aspect-code"));
            } else if !seen.insert(a.code.as_str()) {
                errs.push(err(Some(i), None, "code", "error-classification-aspect-duplicate"));
            }
            for (field, name) in [("name_sv", &a.name_sv), ("name_en", &a.name_en)] {
                if let Err(e) = parse_line(field, name, 100, true) {
                    errs.push(err(Some(i), None, e.field, e.code));
                }
            }
            if !LEVELS.contains(&a.levels.len()) {
                errs.push(err(Some(i), None, "levels", "error-classification-levels-count"));
            }
            for (j, l) in a.levels.iter().enumerate() {
                if usize::from(l.value) != j + 1 {
                    errs.push(err(Some(i), Some(j), "value", "error-classification-level-value"));
                }
                for (field, name) in [("name_sv", &l.name_sv), ("name_en", &l.name_en)] {
                    if let Err(e) = parse_line(field, name, MAX_NAME_LEN, true) {
                        errs.push(err(Some(i), Some(j), e.field, e.code));
                    }
                }
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

/// An asset's classification as a form or the API gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClassificationFields {
    /// The level per aspect code, as typed ("1", "2" …).
    pub levels: BTreeMap<String, String>,
    /// Why the levels are what they are.
    pub motivation: String,
    /// YYYY-MM-DD, not in the future.
    pub classified_on: String,
    /// Who classified (name or role).
    pub classified_by: String,
    /// When the classification is to be reviewed, after `classified_on`.
    pub next_review: String,
}

/// An asset's classification.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetClassification {
    /// The level per aspect code; an optional aspect left out is absent.
    pub levels: BTreeMap<String, u8>,
    /// Why the levels are what they are.
    pub motivation: String,
    /// When it was classified.
    pub classified_on: NaiveDate,
    /// Who classified it (name or role).
    pub classified_by: String,
    /// When the classification is to be reviewed.
    pub next_review: NaiveDate,
}

impl ClassificationFields {
    /// Parses against `model`: each aspect takes exactly one of its own
    /// levels (`error-asset-level-range` on its [`ClassificationModel::level_field`]
    /// otherwise), a required aspect must be given; the date classified is
    /// not after `today`, the next review is after it.
    pub fn parse(
        &self,
        model: &ClassificationModel,
        today: NaiveDate,
    ) -> Result<AssetClassification, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let mut levels = BTreeMap::new();
        for (i, a) in model.aspects.iter().enumerate() {
            let field = model.level_field(i);
            let typed = self.levels.get(&a.code).map(String::as_str).unwrap_or("");
            let r = super::parse_small(field, typed, 1, a.top(), !a.optional, "error-asset-level-range");
            if let Some(Some(v)) = errs.check(r) {
                levels.insert(a.code.clone(), v);
            }
        }
        let motivation = errs.check(parse_text("motivation", &self.motivation, MAX_TEXT_LEN, true));
        let on = errs.check(parse_date("classified_on", &self.classified_on, true)).flatten();
        let by = errs.check(parse_line("classified_by", &self.classified_by, MAX_NAME_LEN, true));
        let next = errs.check(parse_date("next_review", &self.next_review, true)).flatten();
        if on.is_some_and(|d| d > today) {
            errs.push(FieldError::new("classified_on", "error-asset-classified-future"));
        }
        if let (Some(on), Some(next)) = (on, next)
            && next <= on
        {
            errs.push(FieldError::new("next_review", "error-asset-review-before-classified"));
        }
        errs.clone().into_result()?;
        Ok(AssetClassification {
            levels,
            motivation: motivation.expect("checked"),
            classified_on: on.expect("checked"),
            classified_by: by.expect("checked"),
            next_review: next.expect("checked"),
        })
    }
}

/// Whether a classification is up to date on `today`: made on or before it
/// and its next review date not passed (the review day itself still counts).
pub fn is_current(c: &AssetClassification, today: NaiveDate) -> bool {
    c.classified_on <= today && today <= c.next_review
}

/// A system's levels: for each aspect, the highest level any of its assets
/// has (an aspect none of them is classified on is absent).
pub fn system_levels<'a>(assets: impl IntoIterator<Item = &'a AssetClassification>) -> BTreeMap<String, u8> {
    let mut out: BTreeMap<String, u8> = BTreeMap::new();
    for c in assets {
        for (code, v) in &c.levels {
            let e = out.entry(code.clone()).or_insert(*v);
            *e = (*e).max(*v);
        }
    }
    out
}

/// A baseline protection requirement a classification gives; the app turns
/// each into a suggested action in the action plan, linked back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Requirement {
    /// Stable code, e.g. `conf-encrypt-rest`.
    pub code: &'static str,
    /// The aspect code it comes from.
    pub aspect: &'static str,
    /// The level (on the national default's scale) from which it applies.
    pub from_level: u8,
    /// The requirement in Swedish.
    pub text_sv: &'static str,
    /// The requirement in English.
    pub text_en: &'static str,
}

const fn req(
    code: &'static str,
    aspect: &'static str,
    from_level: u8,
    sv: &'static str,
    en: &'static str,
) -> Requirement {
    Requirement { code, aspect, from_level, text_sv: sv, text_en: en }
}

/// The baseline table: a requirement applies from its level upwards, on the
/// national default's scale (K1–K4, R1–R3, T1–T3, S1–S3). Level 1 gives
/// only what all information needs anyway, so nothing is listed for it.
#[rustfmt::skip]
pub const REQUIREMENTS: &[Requirement] = &[
    req("conf-access-by-need", "confidentiality", 2,
        "Ge behörighet bara till dem som behöver informationen i sitt arbete. Se över behörigheterna minst en gång om året.",
        "Grant access only to those who need the information for their work. Review access at least once a year."),
    req("conf-encrypt-transfer", "confidentiality", 2,
        "Kryptera informationen när den skickas över internet eller andra öppna nät.",
        "Encrypt the information when it is sent over the internet or other open networks."),
    req("conf-encrypt-rest", "confidentiality", 3,
        "Kryptera informationen där den lagras, även i säkerhetskopior.",
        "Encrypt the information where it is stored, backups included."),
    req("conf-access-log", "confidentiality", 3,
        "Logga vem som läser informationen och följ upp loggarna regelbundet.",
        "Log who reads the information and follow up the logs regularly."),
    req("conf-strong-auth", "confidentiality", 3,
        "Kräv stark inloggning (flerfaktorsautentisering).",
        "Require strong sign-in (multi-factor authentication)."),
    req("conf-third-country", "confidentiality", 4,
        "Lagra eller nå inte informationen från länder utanför EU/EES utan en särskild bedömning.",
        "Do not store or access the information from outside the EU/EEA without a specific assessment."),
    req("conf-access-review-often", "confidentiality", 4,
        "Se över behörigheterna minst två gånger om året.",
        "Review access at least twice a year."),
    req("int-change-log", "integrity", 2,
        "Logga ändringar av informationen: vem, vad och när.",
        "Log changes to the information: who, what and when."),
    req("int-backup-restore", "integrity", 2,
        "Ta säkerhetskopior och prova minst en gång om året att återställa från dem.",
        "Take backups and test restoring from them at least once a year."),
    req("int-validation", "integrity", 3,
        "Kontrollera informationen när den matas in och förs över, så att fel upptäcks.",
        "Check the information when it is entered and transferred, so that errors are found."),
    req("int-dual-control", "integrity", 3,
        "Låt en andra person kontrollera viktiga ändringar innan de gäller.",
        "Have a second person check important changes before they take effect."),
    req("avail-continuity-plan", "availability", 2,
        "Skriv en kontinuitetsplan: hur verksamheten fortsätter vid ett avbrott.",
        "Write a continuity plan: how the work goes on during an outage."),
    req("avail-backup-restore", "availability", 2,
        "Ta säkerhetskopior och prova minst en gång om året att återställa från dem.",
        "Take backups and test restoring from them at least once a year."),
    req("avail-continuity-tested", "availability", 3,
        "Öva kontinuitetsplanen minst en gång om året.",
        "Exercise the continuity plan at least once a year."),
    req("avail-redundancy", "availability", 3,
        "Ha reservdrift så att ett avbrott blir kort.",
        "Have a standby so that an outage stays short."),
    req("avail-supplier-terms", "availability", 3,
        "Avtala med leverantören om hur snabbt fel ska åtgärdas och driften återställas.",
        "Agree with the supplier how fast faults are fixed and operation restored."),
    req("trace-log", "traceability", 2,
        "Logga händelser så att det går att se vem som gjorde vad och när.",
        "Log events so that one can see who did what and when."),
    req("trace-log-protected", "traceability", 3,
        "Skydda loggarna mot ändring och spara dem så länge som behövs.",
        "Protect the logs against change and keep them as long as needed."),
];

/// The baseline requirements for `levels` (per aspect code) under `model`.
/// A level of a configured model is first put on the national default's
/// scale of the same aspect, proportionally and rounded up (the top level
/// is always the top level); aspects the default does not know give none.
/// Each requirement once, in table order (a code shared by two aspects,
/// like a tested restore, is listed once).
pub fn protection_requirements(model: &ClassificationModel, levels: &BTreeMap<String, u8>) -> Vec<Requirement> {
    let default = ClassificationModel::national_default();
    let mut scaled: BTreeMap<&str, u8> = BTreeMap::new();
    for a in &model.aspects {
        let (Some(v), Some(d)) = (levels.get(&a.code), default.aspect(&a.code)) else { continue };
        let (n, nd) = (u32::from(a.top().max(1)), u32::from(d.top()));
        let v = u32::from((*v).min(a.top()));
        scaled.insert(d.code.as_str(), (v * nd).div_ceil(n) as u8);
    }
    let mut texts = HashSet::new();
    REQUIREMENTS
        .iter()
        .filter(|r| scaled.get(r.aspect).is_some_and(|v| *v >= r.from_level))
        .filter(|r| texts.insert(r.text_en))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fields(levels: &[(&str, &str)]) -> ClassificationFields {
        ClassificationFields {
            levels: levels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            motivation: "Elevakter innehåller sekretessuppgifter om barn.".into(),
            classified_on: "2026-03-01".into(),
            classified_by: "Anna Andersson, rektor".into(),
            next_review: "2027-03-01".into(),
        }
    }

    #[test]
    fn the_national_default_is_valid_with_four_and_three_levels() {
        let m = ClassificationModel::national_default();
        assert_eq!(m.validate(), Ok(()));
        let tops: Vec<u8> = m.aspects.iter().map(AspectDef::top).collect();
        assert_eq!(tops, vec![4, 3, 3, 3]);
        assert!(m.aspect("traceability").unwrap().optional);
        assert_eq!(m.level_field(0), "level_confidentiality");
        assert_eq!(m.level_field(3), "level_traceability");
    }

    #[test]
    fn a_configured_model_names_every_problem() {
        let mut m = ClassificationModel::national_default();
        m.aspects[1].code = "confidentiality".into();
        m.aspects[2].code = "Tillgänglighet".into();
        m.aspects[2].name_en = " ".into();
        m.aspects[3].levels.truncate(1);
        m.aspects[0].levels[2].value = 7;
        m.aspects[0].levels[3].name_sv = String::new();
        let errs = m.validate().unwrap_err();
        let got: Vec<(Option<usize>, Option<usize>, &str, &str)> =
            errs.iter().map(|e| (e.aspect, e.level, e.field, e.code)).collect();
        assert_eq!(
            got,
            vec![
                (Some(0), Some(2), "value", "error-classification-level-value"),
                (Some(0), Some(3), "name_sv", "error-required"),
                (Some(1), None, "code", "error-classification-aspect-duplicate"),
                (Some(2), None, "code", "error-classification-aspect-code"),
                (Some(2), None, "name_en", "error-required"),
                (Some(3), None, "levels", "error-classification-levels-count"),
            ]
        );
        let none = ClassificationModel { aspects: vec![] };
        assert_eq!(none.validate().unwrap_err()[0].code, "error-classification-aspects-count");
        let mut all_optional = ClassificationModel::national_default();
        all_optional.aspects.iter_mut().for_each(|a| a.optional = true);
        assert_eq!(all_optional.validate().unwrap_err()[0].code, "error-classification-all-optional");
        let mut custom = ClassificationModel::national_default();
        custom.aspects[3].code = "authenticity".into();
        assert_eq!(custom.level_field(3), "level_aspect_4");
    }

    #[test]
    fn a_classification_takes_each_aspect_s_own_levels() {
        let m = ClassificationModel::national_default();
        let today = d("2026-06-01");
        let c =
            fields(&[("confidentiality", "4"), ("integrity", "2"), ("availability", "1")]).parse(&m, today).unwrap();
        assert_eq!(c.levels.get("confidentiality"), Some(&4));
        assert!(!c.levels.contains_key("traceability"), "optional and left out");
        // Four is a confidentiality level but not an integrity level.
        let e = fields(&[("confidentiality", "4"), ("integrity", "4"), ("availability", "0")]).parse(&m, today);
        assert_eq!(
            e.unwrap_err().0,
            vec![
                FieldError::new("level_integrity", "error-asset-level-range"),
                FieldError::new("level_availability", "error-asset-level-range"),
            ]
        );
        let e = fields(&[("confidentiality", "2")]).parse(&m, today).unwrap_err();
        assert_eq!(e.0[0], FieldError::new("level_integrity", "error-required"));
    }

    #[test]
    fn dates_of_a_classification_are_checked() {
        let m = ClassificationModel::national_default();
        let mut f = fields(&[("confidentiality", "2"), ("integrity", "2"), ("availability", "2")]);
        f.classified_on = "2026-07-01".into();
        f.next_review = "2026-07-01".into();
        let named: Vec<&str> = f.parse(&m, d("2026-06-01")).unwrap_err().0.iter().map(|e| e.code).collect();
        assert_eq!(named, vec!["error-asset-classified-future", "error-asset-review-before-classified"]);
        f.motivation = String::new();
        f.classified_by = "x".repeat(201);
        let named: Vec<&str> = f.parse(&m, d("2026-07-01")).unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(named, vec!["motivation", "classified_by", "next_review"]);
    }

    #[test]
    fn a_classification_is_current_until_its_review_day() {
        let m = ClassificationModel::national_default();
        let c = fields(&[("confidentiality", "2"), ("integrity", "2"), ("availability", "2")])
            .parse(&m, d("2026-06-01"))
            .unwrap();
        assert!(is_current(&c, d("2027-03-01")));
        assert!(!is_current(&c, d("2027-03-02")));
        assert!(!is_current(&c, d("2026-02-28")), "not before it was made");
    }

    #[test]
    fn requirements_follow_the_levels() {
        let m = ClassificationModel::national_default();
        let lv = |k: u8, r: u8, t: u8| -> BTreeMap<String, u8> {
            [("confidentiality", k), ("integrity", r), ("availability", t)]
                .iter()
                .map(|(c, v)| ((*c).into(), *v))
                .collect()
        };
        assert!(protection_requirements(&m, &lv(1, 1, 1)).is_empty());
        let codes = |l| protection_requirements(&m, &l).iter().map(|r| r.code).collect::<Vec<_>>();
        assert_eq!(codes(lv(2, 1, 1)), vec!["conf-access-by-need", "conf-encrypt-transfer"]);
        let high = codes(lv(4, 1, 3));
        assert!(high.contains(&"conf-encrypt-rest") && high.contains(&"conf-third-country"));
        assert!(high.contains(&"avail-continuity-tested") && !high.contains(&"int-change-log"));
        // A tested restore is asked for once, whether for integrity or availability.
        let both = codes(lv(1, 2, 2));
        assert_eq!(both.iter().filter(|c| c.ends_with("backup-restore")).count(), 1);
        // A model with six confidentiality levels: its top is the default's top.
        let mut six = m.clone();
        six.aspects[0] = aspect("confidentiality", "K", "C", false, &[("1", "1"); 6]);
        let top: BTreeMap<String, u8> = [("confidentiality".to_owned(), 6u8)].into();
        assert!(protection_requirements(&six, &top).iter().any(|r| r.code == "conf-third-country"));
        let low: BTreeMap<String, u8> = [("confidentiality".to_owned(), 1u8)].into();
        assert!(protection_requirements(&six, &low).is_empty());
        for r in REQUIREMENTS {
            assert!(!r.text_sv.is_empty() && !r.text_en.is_empty() && m.aspect(r.aspect).is_some());
        }
    }

    /// A model with arbitrary level counts per aspect.
    fn model_of(counts: &[usize]) -> ClassificationModel {
        let codes = ["confidentiality", "integrity", "availability", "traceability", "authenticity"];
        ClassificationModel {
            aspects: counts
                .iter()
                .zip(codes)
                .map(|(n, c)| aspect(c, c, c, false, &vec![("nivå", "level"); *n]))
                .collect(),
        }
    }

    proptest! {
        /// Parsing accepts exactly the levels each aspect defines.
        #[test]
        fn parsing_accepts_exactly_each_aspect_s_levels(
            counts in proptest::collection::vec(2usize..=6, 1..=5),
            typed in proptest::collection::vec(0u8..9, 5),
        ) {
            let m = model_of(&counts);
            prop_assert_eq!(m.validate(), Ok(()));
            let pairs: Vec<(&str, String)> = m.aspects.iter().zip(&typed).map(|(a, v)| (a.code.as_str(), v.to_string())).collect();
            let mut f = fields(&[]);
            f.levels = pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
            let r = f.parse(&m, d("2026-06-01"));
            let wrong: Vec<&str> = m.aspects.iter().enumerate().zip(&typed)
                .filter(|((_, a), v)| **v < 1 || **v > a.top())
                .map(|((i, _), _)| m.level_field(i))
                .collect();
            match r {
                Ok(c) => {
                    prop_assert!(wrong.is_empty());
                    for (a, v) in m.aspects.iter().zip(&typed) { prop_assert_eq!(c.levels.get(&a.code), Some(v)); }
                }
                Err(e) => {
                    let named: Vec<&str> = e.0.iter().map(|e| e.field).collect();
                    prop_assert_eq!(named, wrong);
                }
            }
        }

        /// A system's level per aspect is the highest of its assets' and
        /// never above the model's top level.
        #[test]
        fn a_system_takes_the_highest_level_and_stays_in_the_model(
            counts in proptest::collection::vec(2usize..=6, 1..=5),
            assets in proptest::collection::vec(proptest::collection::vec(0u8..=255, 5), 0..12),
        ) {
            let m = model_of(&counts);
            let cs: Vec<AssetClassification> = assets.iter().map(|raw| {
                let typed: Vec<(&str, String)> = m.aspects.iter().zip(raw)
                    .map(|(a, r)| (a.code.as_str(), (1 + r % a.top()).to_string()))
                    .collect();
                fields(&typed.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).parse(&m, d("2026-06-01")).unwrap()
            }).collect();
            let sys = system_levels(&cs);
            for a in &m.aspects {
                let max = cs.iter().filter_map(|c| c.levels.get(&a.code)).max();
                prop_assert_eq!(sys.get(&a.code), max);
                prop_assert!(sys.get(&a.code).is_none_or(|v| *v >= 1 && *v <= a.top()));
            }
            prop_assert!(protection_requirements(&m, &sys).len() <= REQUIREMENTS.len());
        }
    }
}
