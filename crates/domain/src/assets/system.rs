//! Information assets and the systems that process them: who owns them,
//! who supplies and runs a system and in which country, and the import of
//! existing lists from a spreadsheet.
//!
//! Import ([`parse_asset_rows`], [`parse_system_rows`], and
//! [`super::processing::parse_processing_rows`]): the first non-empty row is
//! a header if it names the name column in Swedish or English (then columns
//! are found by their names, in any order, unknown ones ignored); otherwise
//! the columns are read by position in the documented order. Each row is
//! parsed as the form would parse it; every wrong field of every row is
//! named (up to [`MAX_IMPORT_ERRORS`]), a name repeated in the file is an
//! error on each row that has it, and nothing is returned unless every row
//! is right. At most [`MAX_IMPORT_ROWS`] rows of at most [`MAX_CELL_LEN`]
//! characters a cell.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{MAX_NAME_LEN, MAX_TEXT_LEN, parse_flag, same_name};
use crate::error::{FieldError, ValidationErrors};
pub use crate::training::RowError;
use crate::{code_enum, parse_line, parse_text};

/// The most data rows one import may hold.
pub const MAX_IMPORT_ROWS: usize = 5000;
/// The longest cell an import may hold (characters).
pub const MAX_CELL_LEN: usize = 4000;
/// The most errors a refused import lists; one more row-0 error says there were more.
pub const MAX_IMPORT_ERRORS: usize = 1000;

code_enum!(
    /// Where a system runs.
    Hosting, "hosting" {
        /// In the organisation's own operation.
        Own => "own",
        /// At the kommun's (or region's) common IT operation.
        MunicipalIt => "municipal_it",
        /// As a cloud service from a supplier.
        Cloud => "cloud",
        /// Elsewhere (a supplier's own operation …).
        Other => "other",
    }
);

/// The EU member states and the other EEA states (Iceland, Liechtenstein,
/// Norway), ISO 3166-1 alpha-2. Greece is `GR` (the EU writes `EL`).
pub const EU_EEA: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
    "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
];

/// A country as ISO 3166-1 alpha-2 (two letters, any case; `EL` is read as
/// `GR`, `UK` as `GB`); empty is `None`. Only the form is checked, not
/// that the code is assigned.
pub fn parse_country(field: &'static str, s: &str) -> Result<Option<String>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() != 2 || !s.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(FieldError::new(field, "error-system-country"));
    }
    let up = s.to_ascii_uppercase();
    Ok(Some(match up.as_str() {
        "EL" => "GR".to_owned(),
        "UK" => "GB".to_owned(),
        _ => up,
    }))
}

/// A third country under GDPR chapter V: outside the EU/EEA (an adequacy
/// decision makes a transfer lawful, not the country a non-third country).
pub fn is_third_country(code: &str) -> bool {
    !EU_EEA.contains(&code)
}

/// A system as a form, the API or an import row gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SystemFields {
    /// Its name.
    pub name: String,
    /// What it is, in a few sentences.
    pub description: String,
    /// Systemägare: the manager accountable for the system.
    pub system_owner: String,
    /// Objektledare: who manages the system day to day.
    pub object_manager: String,
    /// The supplier, if the system comes from or runs at one.
    pub supplier: String,
    /// own, municipal_it, cloud, other; empty: not known.
    pub hosting: String,
    /// Where it runs (ISO 3166-1 alpha-2); required for a cloud service.
    pub country: String,
    /// The contract (its reference or name).
    pub contract: String,
    /// Whether it processes personal data (yes/no).
    pub processes_personal_data: String,
}

/// A system's parsed values.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemInput {
    /// Its name.
    pub name: String,
    /// What it is, in a few sentences.
    pub description: String,
    /// Systemägare (empty: not named).
    pub system_owner: String,
    /// Objektledare (empty: not named).
    pub object_manager: String,
    /// The supplier (empty: none).
    pub supplier: String,
    /// Where it runs; `None`: not known.
    pub hosting: Option<Hosting>,
    /// Where it runs (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// The contract (reference or name; empty: not recorded).
    pub contract: String,
    /// Whether it processes personal data.
    pub processes_personal_data: bool,
}

impl SystemFields {
    /// Only the name is required to register a system; the rest is what
    /// coverage counts. A cloud service names its country.
    pub fn parse(&self) -> Result<SystemInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let name = errs.check(parse_line("name", &self.name, MAX_NAME_LEN, true));
        let description = errs.check(parse_text("description", &self.description, MAX_TEXT_LEN, false));
        let owner = errs.check(parse_line("system_owner", &self.system_owner, MAX_NAME_LEN, false));
        let manager = errs.check(parse_line("object_manager", &self.object_manager, MAX_NAME_LEN, false));
        let supplier = errs.check(parse_line("supplier", &self.supplier, MAX_NAME_LEN, false));
        let hosting = errs.check(match self.hosting.trim() {
            "" => Ok(None),
            s => s.parse::<Hosting>().map(Some),
        });
        let country = errs.check(parse_country("country", &self.country));
        let contract = errs.check(parse_line("contract", &self.contract, MAX_NAME_LEN, false));
        let personal = errs.check(parse_flag("processes_personal_data", &self.processes_personal_data));
        if hosting == Some(Some(Hosting::Cloud)) && country == Some(None) {
            errs.push(FieldError::new("country", "error-system-cloud-country"));
        }
        errs.clone().into_result()?;
        Ok(SystemInput {
            name: name.expect("checked"),
            description: description.expect("checked"),
            system_owner: owner.expect("checked"),
            object_manager: manager.expect("checked"),
            supplier: supplier.expect("checked"),
            hosting: hosting.expect("checked"),
            country: country.expect("checked"),
            contract: contract.expect("checked"),
            processes_personal_data: personal.expect("checked"),
        })
    }
}

impl SystemInput {
    /// A system owner and an object manager are both named.
    pub fn has_owner_and_manager(&self) -> bool {
        !self.system_owner.is_empty() && !self.object_manager.is_empty()
    }

    /// It runs in a third country (outside the EU/EEA).
    pub fn runs_in_third_country(&self) -> bool {
        self.country.as_deref().is_some_and(is_third_country)
    }
}

/// An information asset as a form, the API or an import row gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AssetFields {
    /// Its name.
    pub name: String,
    /// What it is, in a few sentences.
    pub description: String,
    /// Informationsägare: the manager accountable for the information.
    pub information_owner: String,
    /// The unit that holds it, as the caller's `unit_of` finds it (an id
    /// from a form, a name from a file); empty: the organisation itself.
    pub unit: String,
}

/// An asset's parsed values.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetInput {
    /// Its name.
    pub name: String,
    /// What it is, in a few sentences.
    pub description: String,
    /// Informationsägare.
    pub information_owner: String,
    /// `None`: the organisation itself.
    pub unit: Option<Uuid>,
}

impl AssetFields {
    /// Name and information owner are required; a unit given must be one
    /// `unit_of` knows (`error-asset-unit-unknown`).
    pub fn parse(&self, unit_of: impl Fn(&str) -> Option<Uuid>) -> Result<AssetInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let name = errs.check(parse_line("name", &self.name, MAX_NAME_LEN, true));
        let description = errs.check(parse_text("description", &self.description, MAX_TEXT_LEN, false));
        let owner = errs.check(parse_line("information_owner", &self.information_owner, MAX_NAME_LEN, true));
        let unit = errs.check(match parse_line("unit", &self.unit, MAX_NAME_LEN, false) {
            Ok(u) if u.is_empty() => Ok(None),
            Ok(u) => unit_of(&u).map(Some).ok_or(FieldError::new("unit", "error-asset-unit-unknown")),
            Err(e) => Err(e),
        });
        errs.clone().into_result()?;
        Ok(AssetInput {
            name: name.expect("checked"),
            description: description.expect("checked"),
            information_owner: owner.expect("checked"),
            unit: unit.expect("checked"),
        })
    }
}

/// A column of an import: its field and the header names that mean it (lower case).
pub(crate) type Column = (&'static str, &'static [&'static str]);

/// Asset columns, in the positional order.
pub const ASSET_COLUMNS: &[Column] = &[
    ("name", &["namn", "name", "informationstillgång", "information asset", "asset", "tillgång"]),
    ("description", &["beskrivning", "description"]),
    ("information_owner", &["informationsägare", "information owner", "owner", "ägare"]),
    ("unit", &["enhet", "unit", "förvaltning", "organisation", "organization"]),
];

/// System columns, in the positional order.
pub const SYSTEM_COLUMNS: &[Column] = &[
    ("name", &["namn", "name", "system", "systemnamn", "it-tjänst", "it service"]),
    ("description", &["beskrivning", "description"]),
    ("system_owner", &["systemägare", "system owner", "owner", "ägare"]),
    ("object_manager", &["objektledare", "object manager", "förvaltningsledare"]),
    ("supplier", &["leverantör", "supplier", "vendor"]),
    ("hosting", &["drift", "hosting", "driftform", "var systemet körs", "where it runs"]),
    ("country", &["land", "country", "driftland"]),
    ("contract", &["avtal", "contract"]),
    (
        "processes_personal_data",
        &["personuppgifter", "personal data", "behandlar personuppgifter", "processes personal data"],
    ),
];

/// Checks import rows for one kind (see the module's notes): `parse` turns
/// a row's cells, in `columns` order, into the value or its field errors;
/// `name_of` gives the name that must not repeat.
pub(crate) fn parse_rows<T>(
    rows: &[Vec<String>],
    columns: &[Column],
    parse: impl Fn(&[&str]) -> Result<T, ValidationErrors>,
    name_of: impl Fn(&T) -> &str,
) -> Result<Vec<T>, Vec<RowError>> {
    let file = |code| vec![RowError { row: 0, field: "file", code }];
    let blank = |r: &Vec<String>| r.iter().all(|c| c.trim().is_empty());
    let Some(first) = rows.iter().position(|r| !blank(r)) else {
        return Err(file("error-import-empty"));
    };
    let header: Vec<String> = rows[first].iter().map(|c| same_name(c)).collect();
    let found: Vec<Option<usize>> =
        columns.iter().map(|(_, names)| header.iter().position(|h| names.contains(&h.as_str()))).collect();
    let (cols, start) = if found.first().copied().flatten().is_some() {
        (found, first + 1)
    } else {
        ((0..columns.len()).map(Some).collect(), first)
    };
    if rows.len().saturating_sub(start) > MAX_IMPORT_ROWS {
        return Err(file("error-import-too-many"));
    }
    let mut errors = Vec::new();
    let mut more = false;
    let mut push = |e: RowError, errors: &mut Vec<RowError>| {
        if errors.len() < MAX_IMPORT_ERRORS {
            errors.push(e);
        } else {
            more = true;
        }
    };
    let mut out: Vec<(usize, T)> = Vec::new();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    let mut reported_first: std::collections::HashSet<usize> = std::collections::HashSet::new();
    for (i, r) in rows.iter().enumerate().skip(start) {
        if blank(r) {
            continue;
        }
        let row = i + 1;
        let mut cells: Vec<&str> = Vec::with_capacity(columns.len());
        let mut too_long = false;
        for (k, col) in cols.iter().enumerate() {
            let cell = col.and_then(|c| r.get(c)).map(String::as_str).unwrap_or("");
            if cell.chars().count() > MAX_CELL_LEN {
                push(RowError { row, field: columns[k].0, code: "error-text-too-long" }, &mut errors);
                too_long = true;
            }
            cells.push(cell);
        }
        if too_long {
            continue;
        }
        match parse(&cells) {
            Err(e) => {
                for f in e.0 {
                    push(RowError { row, field: f.field, code: f.code }, &mut errors);
                }
            }
            Ok(v) => {
                let key = same_name(name_of(&v));
                match first_row_of.get(&key) {
                    Some(&earlier) => {
                        if reported_first.insert(earlier) {
                            push(RowError { row: earlier, field: "name", code: "error-import-duplicate" }, &mut errors);
                        }
                        push(RowError { row, field: "name", code: "error-import-duplicate" }, &mut errors);
                    }
                    None => {
                        first_row_of.insert(key, row);
                        out.push((row, v));
                    }
                }
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        if more {
            errors.push(RowError { row: 0, field: "file", code: "error-import-more-errors" });
        }
        return Err(errors);
    }
    if out.is_empty() {
        return Err(file("error-import-empty"));
    }
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

/// Checks an asset list: columns name, description, information owner,
/// unit (see the module's notes); `unit_of` finds a unit by the name a row gives.
pub fn parse_asset_rows(
    rows: &[Vec<String>],
    unit_of: impl Fn(&str) -> Option<Uuid>,
) -> Result<Vec<AssetInput>, Vec<RowError>> {
    let build = |c: &[&str]| {
        AssetFields {
            name: c[0].to_owned(),
            description: c[1].to_owned(),
            information_owner: c[2].to_owned(),
            unit: c[3].to_owned(),
        }
        .parse(&unit_of)
    };
    parse_rows(rows, ASSET_COLUMNS, build, |a| a.name.as_str())
}

/// Checks a system list: columns as [`SYSTEM_COLUMNS`] (see the module's notes).
pub fn parse_system_rows(rows: &[Vec<String>]) -> Result<Vec<SystemInput>, Vec<RowError>> {
    let build = |c: &[&str]| {
        SystemFields {
            name: c[0].to_owned(),
            description: c[1].to_owned(),
            system_owner: c[2].to_owned(),
            object_manager: c[3].to_owned(),
            supplier: c[4].to_owned(),
            hosting: hosting_of(c[5]).to_owned(),
            country: c[6].to_owned(),
            contract: c[7].to_owned(),
            processes_personal_data: c[8].to_owned(),
        }
        .parse()
    };
    parse_rows(rows, SYSTEM_COLUMNS, build, |s| s.name.as_str())
}

/// A hosting as a person writes it in a list: the code, or its Swedish or
/// English words; anything else is left for the parser to refuse.
fn hosting_of(s: &str) -> &str {
    match same_name(s).as_str() {
        "egen" | "egen drift" | "own" | "on premises" => "own",
        "kommunens it" | "kommungemensam it" | "regionens it" | "municipal it" => "municipal_it",
        "moln" | "molntjänst" | "cloud" | "saas" => "cloud",
        "annan" | "other" | "leverantörens drift" => "other",
        _ => s.trim(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rows(r: &[&[&str]]) -> Vec<Vec<String>> {
        r.iter().map(|r| r.iter().map(|c| (*c).to_owned()).collect()).collect()
    }

    #[test]
    fn countries_and_third_countries() {
        assert_eq!(parse_country("country", " se "), Ok(Some("SE".into())));
        assert_eq!(parse_country("country", "EL"), Ok(Some("GR".into())));
        assert_eq!(parse_country("country", "Sverige"), Err(FieldError::new("country", "error-system-country")));
        assert_eq!(EU_EEA.len(), 30);
        assert!(!is_third_country("NO") && !is_third_country("SE") && !is_third_country("GR"));
        assert!(is_third_country("US") && is_third_country("GB") && is_third_country("CH"));
    }

    #[test]
    fn a_cloud_service_names_its_country() {
        let f = SystemFields { name: "Elevregister".into(), hosting: "cloud".into(), ..Default::default() };
        assert_eq!(f.parse().unwrap_err().0, vec![FieldError::new("country", "error-system-cloud-country")]);
        let s = SystemFields { country: "us".into(), processes_personal_data: "ja".into(), ..f }.parse().unwrap();
        assert!(s.runs_in_third_country() && s.processes_personal_data && !s.has_owner_and_manager());
        let bad =
            SystemFields { hosting: "moon".into(), processes_personal_data: "kanske".into(), ..Default::default() };
        let named: Vec<&str> = bad.parse().unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(named, vec!["name", "hosting", "processes_personal_data"]);
    }

    #[test]
    fn an_asset_has_an_owner_and_a_known_unit() {
        let unit = Uuid::from_u128(5);
        let unit_of = |s: &str| (s == "Skolan").then_some(unit);
        let f = AssetFields { name: "Elevakter".into(), information_owner: "Rektor".into(), ..Default::default() };
        assert_eq!(f.parse(unit_of).unwrap().unit, None);
        let f = AssetFields { unit: "Skolan".into(), ..f };
        assert_eq!(f.parse(unit_of).unwrap().unit, Some(unit));
        let f = AssetFields { unit: "Hemtjänsten".into(), information_owner: String::new(), ..f };
        let named: Vec<(&str, &str)> = f.parse(unit_of).unwrap_err().0.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(named, vec![("information_owner", "error-required"), ("unit", "error-asset-unit-unknown")]);
    }

    #[test]
    fn an_asset_import_names_every_wrong_row_and_both_rows_of_a_repeat() {
        let unit_of = |s: &str| (s == "Skolan").then_some(Uuid::from_u128(5));
        let file = rows(&[
            &["Enhet", "Namn", "Informationsägare"],
            &["Skolan", "Elevakter", "Rektor"],
            &["Okänd", "", "Rektor"],
            &["", "", ""],
            &["", "elevakter ", "Rektor"],
            &["", "Betyg", ""],
        ]);
        let errs = parse_asset_rows(&file, unit_of).unwrap_err();
        let got: Vec<(usize, &str, &str)> = errs.iter().map(|e| (e.row, e.field, e.code)).collect();
        assert_eq!(
            got,
            vec![
                (2, "name", "error-import-duplicate"),
                (3, "name", "error-required"),
                (3, "unit", "error-asset-unit-unknown"),
                (5, "name", "error-import-duplicate"),
                (6, "information_owner", "error-required"),
            ]
        );
        let ok =
            parse_asset_rows(&rows(&[&["Elevakter", "", "Rektor", "Skolan"], &["Betyg", "", "Rektor", ""]]), unit_of)
                .unwrap();
        assert_eq!(ok.len(), 2, "no header: by position");
        assert_eq!(ok[0].unit, Some(Uuid::from_u128(5)));
        assert_eq!(parse_asset_rows(&[], unit_of).unwrap_err()[0].code, "error-import-empty");
        assert_eq!(parse_asset_rows(&rows(&[&["Namn", "Ägare"]]), unit_of).unwrap_err()[0].code, "error-import-empty");
    }

    #[test]
    fn a_system_import_reads_swedish_words_and_refuses_big_files() {
        let file = rows(&[
            &["Systemnamn", "Systemägare", "Objektledare", "Leverantör", "Drift", "Land", "Personuppgifter"],
            &["Procapita", "Socialchef", "Anna", "Tieto", "Molntjänst", "SE", "ja"],
            &["Skolwebben", "", "", "", "egen drift", "", "nej"],
            &["Lönesystem", "", "", "Visma", "moln", "", "kanske"],
        ]);
        let errs = parse_system_rows(&file).unwrap_err();
        let got: Vec<(usize, &str)> = errs.iter().map(|e| (e.row, e.field)).collect();
        assert_eq!(got, vec![(4, "processes_personal_data"), (4, "country")]);
        let ok = parse_system_rows(&file[..3]).unwrap();
        assert_eq!((ok[0].hosting, ok[1].hosting), (Some(Hosting::Cloud), Some(Hosting::Own)));
        assert!(ok[0].processes_personal_data && ok[0].has_owner_and_manager());
        let big: Vec<Vec<String>> = (0..=MAX_IMPORT_ROWS).map(|i| vec![format!("S{i}")]).collect();
        assert_eq!(
            parse_system_rows(&big).unwrap_err(),
            vec![RowError { row: 0, field: "file", code: "error-import-too-many" }]
        );
        let long = vec![vec!["x".repeat(MAX_CELL_LEN + 1)]];
        assert_eq!(parse_system_rows(&long).unwrap_err()[0].code, "error-text-too-long");
        let many: Vec<Vec<String>> = (0..MAX_IMPORT_ERRORS + 5).map(|_| vec![String::new(), "x".into()]).collect();
        let errs = parse_system_rows(&many).unwrap_err();
        assert_eq!(errs.len(), MAX_IMPORT_ERRORS + 1);
        assert_eq!(errs.last().unwrap().code, "error-import-more-errors");
    }

    proptest! {
        /// All or nothing: a file with bad rows is refused and every bad
        /// row is named; a file without is taken whole.
        #[test]
        fn an_import_is_all_or_nothing_and_names_every_bad_row(
            spec in proptest::collection::vec((0u8..4, 0u8..40), 1..40),
        ) {
            // 0: good, 1: no name, 2: no owner, 3: unknown unit.
            let file: Vec<Vec<String>> = spec.iter().enumerate().map(|(i, (kind, _))| {
                let name = if *kind == 1 { String::new() } else { format!("Tillgång {i}") };
                let owner = if *kind == 2 { "" } else { "Ägare" };
                let unit = if *kind == 3 { "Okänd" } else { "" };
                vec![name, String::new(), owner.to_owned(), unit.to_owned()]
            }).collect();
            let r = parse_asset_rows(&file, |_| None);
            let bad: Vec<usize> = spec.iter().enumerate().filter(|(_, (k, _))| *k != 0).map(|(i, _)| i + 1).collect();
            match r {
                Ok(v) => { prop_assert!(bad.is_empty()); prop_assert_eq!(v.len(), spec.len()); }
                Err(errs) => {
                    let mut named: Vec<usize> = errs.iter().map(|e| e.row).collect();
                    named.dedup();
                    prop_assert_eq!(named, bad);
                }
            }
        }

        /// Any file is answered without panicking.
        #[test]
        fn any_file_is_answered(file in proptest::collection::vec(proptest::collection::vec(".{0,8}", 0..10), 0..8)) {
            let _ = parse_system_rows(&file);
            let _ = parse_asset_rows(&file, |_| None);
        }
    }
}
