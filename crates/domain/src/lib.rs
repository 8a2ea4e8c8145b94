//! Lisa's domain: types, rules and computations. No I/O, no database, no web.
//!
//! Every constructor that takes user input refuses bad values with a [`FieldError`]
//! whose `code` is a translation key (`locales/*/*.ftl` in the web crate), so only
//! valid data reaches the store.

pub mod aggregate;
pub mod assessment;
pub mod assets;
pub mod audit;
pub mod audits;
pub mod authz;
pub mod calendar;
pub mod clock;
pub mod collate;
pub mod disclosure;
pub mod error;
pub mod incident;
pub mod model;
pub mod org;
pub mod plan;
pub mod review;
pub mod round;
pub mod scoring;
pub mod slug;
pub mod steering;
pub mod tasks;
pub mod throttle;
pub mod training;
pub mod user;

pub use error::{FieldError, ValidationErrors};

/// An enum stored and sent as a short code: `code()`, `ALL`, `FromStr` (a
/// malformed code is the field error `error-malformed` on `$field`) and
/// serde as the code.
#[macro_export]
macro_rules! code_enum {
    // `Name as "SchemaName"`: the name in the API document, where two enums share a Rust name.
    ($(#[$m:meta])* $name:ident as $schema:literal, $field:literal { $($(#[$vm:meta])* $v:ident => $code:literal),+ $(,)? }) => {
        $crate::code_enum!(@with $schema; $(#[$m])* $name, $field { $($(#[$vm])* $v => $code),+ });
    };
    ($(#[$m:meta])* $name:ident, $field:literal { $($(#[$vm:meta])* $v:ident => $code:literal),+ $(,)? }) => {
        $crate::code_enum!(@with stringify!($name); $(#[$m])* $name, $field { $($(#[$vm])* $v => $code),+ });
    };
    (@with $schema:expr; $(#[$m:meta])* $name:ident, $field:literal { $($(#[$vm:meta])* $v:ident => $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$v => $code),+ }
            }
        }
        impl std::str::FromStr for $name {
            type Err = $crate::FieldError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|x| x.code() == s).ok_or($crate::FieldError::new($field, "error-malformed"))
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.code()) }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.code()) }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(|_| serde::de::Error::custom(format!("unknown code {s}")))
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($schema)
            }
        }
    };
}

/// A short single-line text: trimmed, 1..=`max` characters, no control characters.
pub fn parse_line(field: &'static str, s: &str, max: usize, required: bool) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return if required { Err(FieldError::new(field, "error-required")) } else { Ok(String::new()) };
    }
    if s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(FieldError::new(field, "error-text-too-long"));
    }
    Ok(s.to_owned())
}

/// A longer text with line breaks: at most `max` characters, no control characters but line breaks and tabs.
pub fn parse_text(field: &'static str, s: &str, max: usize, required: bool) -> Result<String, FieldError> {
    let s = s.trim().replace("\r\n", "\n");
    if s.is_empty() && required {
        return Err(FieldError::new(field, "error-required"));
    }
    if s.chars().count() > max || s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FieldError::new(field, "error-text-too-long"));
    }
    Ok(s)
}

/// An ISO date (`2026-03-31`); empty is `None` unless required.
pub fn parse_date(field: &'static str, s: &str, required: bool) -> Result<Option<chrono::NaiveDate>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return if required { Err(FieldError::new(field, "error-required")) } else { Ok(None) };
    }
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if (2000..=2100).contains(&chrono::Datelike::year(&d)) => Ok(Some(d)),
        _ => Err(FieldError::new(field, "error-date")),
    }
}

/// Current time truncated to microseconds, the precision both databases keep.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    truncate_micros(chrono::Utc::now())
}

/// Truncate a timestamp to whole microseconds.
pub fn truncate_micros(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Timelike};
    let t = t.trunc_subsecs(6);
    debug_assert!(t.nanosecond().is_multiple_of(1000));
    t
}
