//! Information assets and systems (issue 17): the information an
//! organisation holds and its classification ([`classification`]), the
//! systems that process it and where they run ([`system`]), risk analyses
//! ([`risk`]) and consequence assessments under GDPR art. 35 ([`dpia`]),
//! the processing register under GDPR art. 30(1) and data-processing
//! agreements under art. 28(3) ([`processing`]), and the coverage the
//! management review reads from all of it ([`coverage`]).
//!
//! Pure rules only: every date "today" is an argument, nothing is read or
//! written here. Import rows (from an Excel sheet the caller has read) are
//! checked all or nothing, every wrong row and field named
//! ([`system::parse_asset_rows`], [`system::parse_system_rows`],
//! [`processing::parse_processing_rows`]).

use crate::error::FieldError;

pub mod classification;
pub mod coverage;
pub mod dpia;
pub mod processing;
pub mod risk;
pub mod system;
pub mod trend;

/// The longest name (of an asset, a system, a person, a supplier), in characters.
pub const MAX_NAME_LEN: usize = 200;
/// The longest free text (a description, a motivation), in characters.
pub const MAX_TEXT_LEN: usize = 4000;

/// A whole number in `min..=max`; empty is `None` unless required. Anything
/// else is `code` on `field`.
pub(crate) fn parse_small(
    field: &'static str,
    s: &str,
    min: u8,
    max: u8,
    required: bool,
    code: &'static str,
) -> Result<Option<u8>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return if required { Err(FieldError::new(field, "error-required")) } else { Ok(None) };
    }
    match s.parse::<u8>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(FieldError::new(field, code)),
    }
}

/// A yes/no answer as a form checkbox, the API or a spreadsheet gives it:
/// empty, `false`, `off`, `no`, `nej`, `0` are no; `true`, `on`, `yes`,
/// `ja`, `1`, `x` are yes (any case); anything else is `error-malformed`.
pub(crate) fn parse_flag(field: &'static str, s: &str) -> Result<bool, FieldError> {
    match s.trim().to_lowercase().as_str() {
        "" | "false" | "off" | "no" | "nej" | "0" => Ok(false),
        "true" | "on" | "yes" | "ja" | "1" | "x" => Ok(true),
        _ => Err(FieldError::new(field, "error-malformed")),
    }
}

/// A yes/no answer where "not answered" is kept apart from "no": empty is
/// `None`, otherwise as [`parse_flag`].
pub(crate) fn parse_answer(field: &'static str, s: &str) -> Result<Option<bool>, FieldError> {
    if s.trim().is_empty() { Ok(None) } else { parse_flag(field, s).map(Some) }
}

/// A name compared for sameness: spacing collapsed, case ignored.
pub(crate) fn same_name(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_answers_read_swedish_and_english() {
        for y in ["ja", "Ja", "yes", "on", "x", "1", "TRUE"] {
            assert_eq!(parse_flag("f", y), Ok(true), "{y}");
        }
        for n in ["", "nej", "No", "off", "0", "false"] {
            assert_eq!(parse_flag("f", n), Ok(false), "{n}");
        }
        assert_eq!(parse_flag("f", "kanske"), Err(FieldError::new("f", "error-malformed")));
        assert_eq!(parse_answer("f", " "), Ok(None));
        assert_eq!(parse_answer("f", "nej"), Ok(Some(false)));
        assert_eq!(
            parse_small("n", "7", 1, 6, true, "error-risk-scale"),
            Err(FieldError::new("n", "error-risk-scale"))
        );
        assert_eq!(parse_small("n", "", 1, 6, false, "error-risk-scale"), Ok(None));
        assert_eq!(parse_small("n", " 3 ", 1, 6, true, "error-risk-scale"), Ok(Some(3)));
        assert_eq!(same_name("  Elev  Akt "), "elev akt");
    }
}
