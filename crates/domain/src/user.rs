//! Users, their roles and their preferences.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// A lower-cased e-mail address with one `@`, a dotted domain and no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim().to_lowercase();
        let err = || FieldError::new("email", "error-email");
        let (local, domain) = s.split_once('@').ok_or_else(err)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && domain.len() <= 253
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','));
        if ok { Ok(Self(s)) } else { Err(err()) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's display name: trimmed, 1–200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new("name", "error-name-empty"));
        }
        if s.chars().count() > 200 || s.chars().any(char::is_control) {
            return Err(FieldError::new("name", "error-name-invalid"));
        }
        Ok(Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 12 to 200 characters and not only one repeated character.
/// Long passphrases are encouraged over complexity rules (NIST SP 800-63B).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            return Err(FieldError::new("password", "error-password-short"));
        }
        if n > 200 {
            return Err(FieldError::new("password", "error-password-long"));
        }
        let first = s.chars().next().unwrap_or(' ');
        if s.chars().all(|c| c == first) {
            return Err(FieldError::new("password", "error-password-weak"));
        }
        Ok(Self(s.to_owned()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// The roles of PRODUCT.md; each assignment is scoped to an organisation subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Ciso,
    Coordinator,
    Owner,
    Dpo,
    Management,
    Auditor,
    Analyst,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Ciso,
        Role::Coordinator,
        Role::Owner,
        Role::Dpo,
        Role::Management,
        Role::Auditor,
        Role::Analyst,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Ciso => "ciso",
            Role::Coordinator => "coordinator",
            Role::Owner => "owner",
            Role::Dpo => "dpo",
            Role::Management => "management",
            Role::Auditor => "auditor",
            Role::Analyst => "analyst",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.code() == s.trim()).ok_or(FieldError::new("role", "error-role"))
    }
}

/// The user's interface language: Swedish first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Sv,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Sv => "sv",
            Language::En => "en",
        }
    }
}

impl FromStr for Language {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "sv" => Ok(Language::Sv),
            "en" => Ok(Language::En),
            _ => Err(FieldError::new("language", "error-language")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Anna.Berg@Exempla.SE ").unwrap().as_str(), "anna.berg@exempla.se");
        for bad in ["", "anna", "anna@", "@exempla.se", "anna@exempla", "a b@exempla.se", "a@@b.se", "a@.se", "a@b..se"]
        {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(NewPassword::parse("kort").is_err());
        assert_eq!(NewPassword::parse("aaaaaaaaaaaaaa").unwrap_err().code, "error-password-weak");
        assert!(NewPassword::parse("en lång lösenfras").is_ok());
        assert_eq!(format!("{:?}", NewPassword::parse("hemligt hemligt").unwrap()), "NewPassword(***)");
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }
}
