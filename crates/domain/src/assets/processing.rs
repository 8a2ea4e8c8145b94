//! The register of processing activities (registerförteckning, GDPR
//! art. 30(1)) an organisation keeps as controller, and its data-processing
//! agreements (personuppgiftsbiträdesavtal, art. 28(3)) with processors.
//!
//! A record may be saved incomplete (a register is built up over time);
//! [`missing_fields`] says what art. 30(1) still asks for. A public
//! authority may not rely on legitimate interests for the processing it
//! carries out in the performance of its tasks (art. 6(1) second
//! subparagraph): [`ProcessingFields::parse`] refuses that.
//!
//! A system that processes personal data and has a supplier is taken to
//! use that supplier as a processor: it needs a valid agreement that covers
//! it ([`systems_without_agreement`]). The kommun's own IT is no supplier
//! here (one legal person; an internal instruction governs it).

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::system::{Column, RowError, SystemInput, parse_rows};
use super::{MAX_NAME_LEN, MAX_TEXT_LEN, parse_answer, same_name};
use crate::error::{FieldError, ValidationErrors};
use crate::{code_enum, parse_date, parse_line, parse_text};

code_enum!(
    /// The lawful basis of a processing, GDPR art. 6(1) (a)–(f).
    LegalBasis, "legal_basis" {
        /// (a) Samtycke.
        Consent => "consent",
        /// (b) Avtal.
        Contract => "contract",
        /// (c) Rättslig förpliktelse.
        LegalObligation => "legal_obligation",
        /// (d) Grundläggande intresse (vital interests).
        VitalInterests => "vital_interests",
        /// (e) Allmänt intresse eller myndighetsutövning.
        PublicTask => "public_task",
        /// (f) Intresseavvägning (legitimate interests).
        LegitimateInterests => "legitimate_interests",
    }
);

impl LegalBasis {
    /// The point of art. 6(1): `a` … `f`.
    pub fn letter(self) -> char {
        match self {
            LegalBasis::Consent => 'a',
            LegalBasis::Contract => 'b',
            LegalBasis::LegalObligation => 'c',
            LegalBasis::VitalInterests => 'd',
            LegalBasis::PublicTask => 'e',
            LegalBasis::LegitimateInterests => 'f',
        }
    }

    /// (c) and (e) must be laid down in Union or Swedish law (art. 6(3)):
    /// the record names the provision.
    pub fn needs_provision(self) -> bool {
        matches!(self, LegalBasis::LegalObligation | LegalBasis::PublicTask)
    }

    /// The code, the letter (`e`, `6.1e`, `6.1 e`, `art. 6.1 e`) or the
    /// Swedish name, as a person writes it in a list.
    pub fn read(s: &str) -> Result<Self, FieldError> {
        let t = same_name(s).replace("art.", "").replace(['(', ')', ' '], "");
        let t = t.trim_start_matches("6.1").trim_start_matches("61");
        let by_word = match t {
            "samtycke" => Some(LegalBasis::Consent),
            "avtal" => Some(LegalBasis::Contract),
            "rättsligförpliktelse" => Some(LegalBasis::LegalObligation),
            "grundläggandeintresse" => Some(LegalBasis::VitalInterests),
            "allmäntintresse" | "myndighetsutövning" | "allmäntintresseellermyndighetsutövning" => {
                Some(LegalBasis::PublicTask)
            }
            "intresseavvägning" => Some(LegalBasis::LegitimateInterests),
            _ => None,
        };
        by_word
            .or_else(|| LegalBasis::ALL.iter().copied().find(|b| t.len() == 1 && t.starts_with(b.letter())))
            .or_else(|| s.trim().parse().ok())
            .ok_or(FieldError::new("legal_basis", "error-malformed"))
    }
}

/// A processing as a form, the API or an import row gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProcessingFields {
    /// The processing's name (e.g. "Elevhälsans journalföring").
    pub name: String,
    /// Art. 30(1)(b): the purposes.
    pub purpose: String,
    /// Art. 6(1): the lawful basis; empty: not yet decided.
    pub legal_basis: String,
    /// The provision of law a basis (c) or (e) rests on.
    pub legal_provision: String,
    /// Art. 30(1)(c): categories of data subjects.
    pub data_subjects: String,
    /// Art. 30(1)(c): categories of personal data.
    pub personal_data: String,
    /// Art. 30(1)(d): categories of recipients ("inga" if none).
    pub recipients: String,
    /// Art. 30(1)(e): transfers to a third country (yes/no; empty: not answered).
    pub transfers: String,
    /// The third countries or international organisations.
    pub transfer_countries: String,
    /// The safeguards of the transfers (adequacy decision, standard clauses …).
    pub transfer_safeguard: String,
    /// Art. 30(1)(f): when the categories of data are erased.
    pub retention: String,
    /// Art. 30(1)(g): a general description of the security measures.
    pub security_measures: String,
    /// Art. 35(1): the processing is likely to result in a high risk, so a
    /// consequence assessment is needed (yes/no; empty: not assessed).
    pub needs_dpia: String,
}

/// A processing's parsed values; empty texts are not yet written.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingInput {
    /// Its name.
    pub name: String,
    /// Art. 30(1)(b): the purposes.
    pub purpose: String,
    /// Art. 6(1): the lawful basis; `None`: not decided yet.
    pub legal_basis: Option<LegalBasis>,
    /// The provision of law a basis (c) or (e) rests on.
    pub legal_provision: String,
    /// Art. 30(1)(c): categories of data subjects.
    pub data_subjects: String,
    /// Art. 30(1)(c): categories of personal data.
    pub personal_data: String,
    /// Art. 30(1)(d): categories of recipients.
    pub recipients: String,
    /// Transfers to a third country; `None`: not answered.
    pub transfers: Option<bool>,
    /// The third countries or international organisations.
    pub transfer_countries: String,
    /// The safeguards of the transfers.
    pub transfer_safeguard: String,
    /// Art. 30(1)(f): when the data are erased.
    pub retention: String,
    /// Art. 30(1)(g): the security measures in general terms.
    pub security_measures: String,
    /// Art. 35(1): a consequence assessment is needed; `None`: not assessed.
    pub needs_dpia: Option<bool>,
}

impl ProcessingFields {
    /// Only the name is required to save a record. A public authority
    /// (`public_authority`: a kommun, region, agency and their nämnder, not a
    /// company) may not use legitimate interests (art. 6(1) second
    /// subparagraph: `error-processing-legitimate-authority`).
    pub fn parse(&self, public_authority: bool) -> Result<ProcessingInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let name = errs.check(parse_line("name", &self.name, MAX_NAME_LEN, true));
        let mut text = |f, s: &str| errs.check(parse_text(f, s, MAX_TEXT_LEN, false));
        let purpose = text("purpose", &self.purpose);
        let legal_provision = text("legal_provision", &self.legal_provision);
        let data_subjects = text("data_subjects", &self.data_subjects);
        let personal_data = text("personal_data", &self.personal_data);
        let recipients = text("recipients", &self.recipients);
        let transfer_countries = text("transfer_countries", &self.transfer_countries);
        let transfer_safeguard = text("transfer_safeguard", &self.transfer_safeguard);
        let retention = text("retention", &self.retention);
        let security_measures = text("security_measures", &self.security_measures);
        let basis = errs.check(match self.legal_basis.trim() {
            "" => Ok(None),
            s => LegalBasis::read(s).map(Some),
        });
        let transfers = errs.check(parse_answer("transfers", &self.transfers));
        let needs_dpia = errs.check(parse_answer("needs_dpia", &self.needs_dpia));
        if public_authority && basis == Some(Some(LegalBasis::LegitimateInterests)) {
            errs.push(FieldError::new("legal_basis", "error-processing-legitimate-authority"));
        }
        errs.clone().into_result()?;
        Ok(ProcessingInput {
            name: name.expect("checked"),
            purpose: purpose.expect("checked"),
            legal_basis: basis.expect("checked"),
            legal_provision: legal_provision.expect("checked"),
            data_subjects: data_subjects.expect("checked"),
            personal_data: personal_data.expect("checked"),
            recipients: recipients.expect("checked"),
            transfers: transfers.expect("checked"),
            transfer_countries: transfer_countries.expect("checked"),
            transfer_safeguard: transfer_safeguard.expect("checked"),
            retention: retention.expect("checked"),
            security_measures: security_measures.expect("checked"),
            needs_dpia: needs_dpia.expect("checked"),
        })
    }
}

/// The fields a record still lacks, in form order; none: the record is
/// complete. Art. 30(1)(b)–(g) (purpose, data subjects, personal data,
/// recipients, transfers answered, retention, security measures) and the
/// lawful basis (with its provision for (c) and (e)); with transfers, the
/// countries and the safeguard.
pub fn missing_fields(p: &ProcessingInput) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut need = |field, empty: bool| {
        if empty {
            out.push(field);
        }
    };
    need("purpose", p.purpose.is_empty());
    need("legal_basis", p.legal_basis.is_none());
    need("legal_provision", p.legal_basis.is_some_and(LegalBasis::needs_provision) && p.legal_provision.is_empty());
    need("data_subjects", p.data_subjects.is_empty());
    need("personal_data", p.personal_data.is_empty());
    need("recipients", p.recipients.is_empty());
    need("transfers", p.transfers.is_none());
    need("transfer_countries", p.transfers == Some(true) && p.transfer_countries.is_empty());
    need("transfer_safeguard", p.transfers == Some(true) && p.transfer_safeguard.is_empty());
    need("retention", p.retention.is_empty());
    need("security_measures", p.security_measures.is_empty());
    out
}

/// Processing columns, in the positional order.
pub const PROCESSING_COLUMNS: &[Column] = &[
    ("name", &["namn", "name", "behandling", "processing", "benämning"]),
    ("purpose", &["ändamål", "syfte", "purpose", "purposes"]),
    ("legal_basis", &["rättslig grund", "legal basis", "laglig grund"]),
    ("legal_provision", &["lagrum", "författning", "legal provision", "provision"]),
    ("data_subjects", &["registrerade", "kategorier av registrerade", "data subjects"]),
    ("personal_data", &["personuppgifter", "kategorier av personuppgifter", "personal data"]),
    ("recipients", &["mottagare", "recipients"]),
    ("transfers", &["överföring till tredjeland", "tredjeland", "transfers", "third country transfers"]),
    ("transfer_countries", &["länder", "countries", "mottagarland"]),
    ("transfer_safeguard", &["skyddsåtgärd", "skyddsåtgärder vid överföring", "safeguard", "safeguards"]),
    ("retention", &["gallring", "lagringstid", "retention"]),
    ("security_measures", &["säkerhetsåtgärder", "security measures"]),
    ("needs_dpia", &["konsekvensbedömning", "dpia", "konsekvensbedömning krävs"]),
];

/// Checks a processing list: columns as [`PROCESSING_COLUMNS`], all or
/// nothing (see [`super::system`]'s notes on import).
pub fn parse_processing_rows(
    rows: &[Vec<String>],
    public_authority: bool,
) -> Result<Vec<ProcessingInput>, Vec<RowError>> {
    let build = |c: &[&str]| {
        let s = |i: usize| c[i].to_owned();
        ProcessingFields {
            name: s(0),
            purpose: s(1),
            legal_basis: s(2),
            legal_provision: s(3),
            data_subjects: s(4),
            personal_data: s(5),
            recipients: s(6),
            transfers: s(7),
            transfer_countries: s(8),
            transfer_safeguard: s(9),
            retention: s(10),
            security_measures: s(11),
            needs_dpia: s(12),
        }
        .parse(public_authority)
    };
    parse_rows(rows, PROCESSING_COLUMNS, build, |p| p.name.as_str())
}

/// A data-processing agreement as a form or the API gives it (the systems
/// and processings it covers are chosen by id, the app's to check).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AgreementFields {
    /// The processor (the supplier).
    pub supplier: String,
    /// When it was signed (empty: not signed yet), not in the future.
    pub signed_on: String,
    /// The last day it holds (empty: until further notice).
    pub expires_on: String,
}

/// A data-processing agreement and what it covers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// The processor (the supplier).
    pub supplier: String,
    /// When it was signed; `None`: not signed.
    pub signed_on: Option<NaiveDate>,
    /// The last day it holds; `None`: until further notice.
    pub expires_on: Option<NaiveDate>,
    /// The systems it covers.
    pub systems: Vec<Uuid>,
    /// The processings it covers.
    pub processings: Vec<Uuid>,
}

impl AgreementFields {
    /// The supplier is required; signed not after `today`; expiry not
    /// before signing.
    pub fn parse(
        &self,
        today: NaiveDate,
        systems: Vec<Uuid>,
        processings: Vec<Uuid>,
    ) -> Result<Agreement, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let supplier = errs.check(parse_line("supplier", &self.supplier, MAX_NAME_LEN, true));
        let signed = errs.check(parse_date("signed_on", &self.signed_on, false)).flatten();
        let expires = errs.check(parse_date("expires_on", &self.expires_on, false)).flatten();
        if signed.is_some_and(|s| s > today) {
            errs.push(FieldError::new("signed_on", "error-agreement-signed-future"));
        }
        if let (Some(s), Some(e)) = (signed, expires)
            && e < s
        {
            errs.push(FieldError::new("expires_on", "error-agreement-expires-before-signed"));
        }
        errs.clone().into_result()?;
        Ok(Agreement {
            supplier: supplier.expect("checked"),
            signed_on: signed,
            expires_on: expires,
            systems,
            processings,
        })
    }
}

/// Whether an agreement holds on `today`: signed on or before it, and
/// `today` not after its last day.
pub fn is_valid(a: &Agreement, today: NaiveDate) -> bool {
    a.signed_on.is_some_and(|s| s <= today) && a.expires_on.is_none_or(|e| today <= e)
}

/// Whether a system uses a processor: it processes personal data and has a supplier.
pub fn needs_agreement(s: &SystemInput) -> bool {
    s.processes_personal_data && !s.supplier.is_empty()
}

/// The systems (by id, in the order given) that need an agreement and are
/// covered by no valid one on `today`.
pub fn systems_without_agreement<'a>(
    systems: impl IntoIterator<Item = (Uuid, &'a SystemInput)>,
    agreements: &[Agreement],
    today: NaiveDate,
) -> Vec<Uuid> {
    let covered: HashSet<Uuid> =
        agreements.iter().filter(|a| is_valid(a, today)).flat_map(|a| a.systems.iter().copied()).collect();
    systems.into_iter().filter(|(id, s)| needs_agreement(s) && !covered.contains(id)).map(|(id, _)| id).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::assets::system::SystemFields;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn full() -> ProcessingFields {
        ProcessingFields {
            name: "Elevhälsans journaler".into(),
            purpose: "Dokumentera elevhälsans insatser.".into(),
            legal_basis: "legal_obligation".into(),
            legal_provision: "Patientdatalagen (2008:355) 3 kap.".into(),
            data_subjects: "Elever".into(),
            personal_data: "Hälsouppgifter, kontaktuppgifter".into(),
            recipients: "Inga".into(),
            transfers: "nej".into(),
            retention: "Gallras tio år efter sista anteckningen.".into(),
            security_measures: "Behörighetsstyrning, loggning, kryptering.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn legal_bases_are_read_as_people_write_them() {
        assert_eq!(LegalBasis::read("e"), Ok(LegalBasis::PublicTask));
        assert_eq!(LegalBasis::read("Art. 6.1 c"), Ok(LegalBasis::LegalObligation));
        assert_eq!(LegalBasis::read("6.1(f)"), Ok(LegalBasis::LegitimateInterests));
        assert_eq!(LegalBasis::read("Allmänt intresse"), Ok(LegalBasis::PublicTask));
        assert_eq!(LegalBasis::read("consent"), Ok(LegalBasis::Consent));
        assert_eq!(LegalBasis::read("g"), Err(FieldError::new("legal_basis", "error-malformed")));
        assert_eq!(LegalBasis::ALL.iter().map(|b| b.letter()).collect::<String>(), "abcdef");
    }

    #[test]
    fn a_public_authority_may_not_rest_on_legitimate_interests() {
        let f = ProcessingFields { legal_basis: "f".into(), ..full() };
        assert_eq!(
            f.parse(true).unwrap_err().0,
            vec![FieldError::new("legal_basis", "error-processing-legitimate-authority")]
        );
        assert_eq!(f.parse(false).unwrap().legal_basis, Some(LegalBasis::LegitimateInterests), "a company may");
    }

    #[test]
    fn a_record_is_complete_when_article_30_is_answered() {
        assert!(missing_fields(&full().parse(true).unwrap()).is_empty());
        let bare = ProcessingFields { name: "Bygglov".into(), ..Default::default() }.parse(true).unwrap();
        assert_eq!(
            missing_fields(&bare),
            vec![
                "purpose",
                "legal_basis",
                "data_subjects",
                "personal_data",
                "recipients",
                "transfers",
                "retention",
                "security_measures"
            ]
        );
        let abroad = ProcessingFields { transfers: "ja".into(), legal_provision: String::new(), ..full() };
        assert_eq!(
            missing_fields(&abroad.parse(true).unwrap()),
            vec!["legal_provision", "transfer_countries", "transfer_safeguard"]
        );
        let bad = ProcessingFields { name: String::new(), transfers: "kanske".into(), ..full() };
        let named: Vec<&str> = bad.parse(true).unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(named, vec!["name", "transfers"]);
    }

    #[test]
    fn a_processing_import_names_the_bad_rows() {
        let rows: Vec<Vec<String>> = [
            vec!["Behandling", "Ändamål", "Rättslig grund"],
            vec!["Bygglov", "Handlägga ansökningar", "e"],
            vec!["Kameraövervakning", "Trygghet", "f"],
        ]
        .iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect();
        let errs = parse_processing_rows(&rows, true).unwrap_err();
        assert_eq!(
            errs,
            vec![RowError { row: 3, field: "legal_basis", code: "error-processing-legitimate-authority" }]
        );
        let ok = parse_processing_rows(&rows, false).unwrap();
        assert_eq!(ok[0].legal_basis, Some(LegalBasis::PublicTask));
        assert_eq!(ok[1].purpose, "Trygghet");
    }

    #[test]
    fn an_agreement_holds_from_signing_through_its_last_day() {
        let today = d("2026-06-01");
        let a = AgreementFields {
            supplier: "Molnbolaget AB".into(),
            signed_on: "2025-01-01".into(),
            expires_on: "2026-06-01".into(),
        }
        .parse(today, vec![Uuid::from_u128(1)], vec![])
        .unwrap();
        assert!(is_valid(&a, today) && !is_valid(&a, d("2026-06-02")) && !is_valid(&a, d("2024-12-31")));
        let unsigned = Agreement { signed_on: None, ..a.clone() };
        assert!(!is_valid(&unsigned, today));
        let bad = AgreementFields {
            supplier: String::new(),
            signed_on: "2026-07-01".into(),
            expires_on: "2026-06-30".into(),
        };
        let codes: Vec<&str> = bad.parse(today, vec![], vec![]).unwrap_err().0.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            vec!["error-required", "error-agreement-signed-future", "error-agreement-expires-before-signed"]
        );
    }

    fn system(supplier: &str, personal: bool) -> SystemInput {
        SystemFields {
            name: "S".into(),
            supplier: supplier.into(),
            processes_personal_data: if personal { "ja" } else { "nej" }.into(),
            ..Default::default()
        }
        .parse()
        .unwrap()
    }

    #[test]
    fn systems_with_a_processor_but_no_valid_agreement_are_flagged() {
        let today = d("2026-06-01");
        let (a, b, c, e) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3), Uuid::from_u128(4));
        let systems =
            [(a, system("Tieto", true)), (b, system("", true)), (c, system("Visma", false)), (e, system("Atea", true))];
        let valid = Agreement {
            supplier: "Tieto".into(),
            signed_on: Some(d("2024-01-01")),
            expires_on: None,
            systems: vec![a],
            processings: vec![],
        };
        let expired = Agreement { expires_on: Some(d("2026-05-31")), systems: vec![e], ..valid.clone() };
        let flagged = systems_without_agreement(systems.iter().map(|(i, s)| (*i, s)), &[valid, expired], today);
        assert_eq!(flagged, vec![e], "b has no supplier, c no personal data, e's agreement has expired");
    }

    proptest! {
        /// A flagged system always needs an agreement and no valid one covers it.
        #[test]
        fn flagged_systems_need_and_lack_an_agreement(
            systems in proptest::collection::vec((any::<bool>(), any::<bool>()), 0..12),
            agreements in proptest::collection::vec((0u32..800, proptest::option::of(0u32..800), proptest::collection::vec(0u128..12, 0..4)), 0..5),
        ) {
            let today = d("2026-06-01");
            let base = d("2025-06-01");
            let ss: Vec<(Uuid, SystemInput)> = systems.iter().enumerate()
                .map(|(i, (sup, pd))| (Uuid::from_u128(i as u128), system(if *sup { "Lev" } else { "" }, *pd)))
                .collect();
            let ags: Vec<Agreement> = agreements.iter().map(|(s, e, cov)| Agreement {
                supplier: "Lev".into(),
                signed_on: Some(base + chrono::Days::new(u64::from(*s))),
                expires_on: e.map(|e| base + chrono::Days::new(u64::from(e))),
                systems: cov.iter().map(|c| Uuid::from_u128(*c)).collect(),
                processings: vec![],
            }).collect();
            let flagged = systems_without_agreement(ss.iter().map(|(i, s)| (*i, s)), &ags, today);
            for (id, s) in &ss {
                let covered = ags.iter().any(|a| is_valid(a, today) && a.systems.contains(id));
                prop_assert_eq!(flagged.contains(id), needs_agreement(s) && !covered);
            }
        }
    }
}
