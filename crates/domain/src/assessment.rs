//! The self-assessment (självskattning) and its lifecycle:
//! draft → submitted → approved (förankrad) → locked; a locked assessment is
//! reopened as a new revision, and every earlier revision stays readable.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Approved,
    Locked,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Locked => "locked",
        }
    }

    /// Answers may be changed only in a draft.
    pub fn editable(self) -> bool {
        self == Status::Draft
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Status {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Status::Draft, Status::Submitted, Status::Approved, Status::Locked]
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or(FieldError::new("status", "error-malformed"))
    }
}

/// A step in the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// The CISO submits a draft for approval.
    Submit,
    /// The CISO (or management) sends a submitted assessment back to draft.
    ReturnToDraft,
    /// Management approves (förankrar) a submitted assessment.
    Approve,
    /// The CISO locks an approved assessment.
    Lock,
}

impl Transition {
    pub fn code(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::ReturnToDraft => "return",
            Transition::Approve => "approve",
            Transition::Lock => "lock",
        }
    }

    /// The status this step leaves from and the one it leads to.
    pub fn path(self) -> (Status, Status) {
        match self {
            Transition::Submit => (Status::Draft, Status::Submitted),
            Transition::ReturnToDraft => (Status::Submitted, Status::Draft),
            Transition::Approve => (Status::Submitted, Status::Approved),
            Transition::Lock => (Status::Approved, Status::Locked),
        }
    }

    /// The new status, or why the step cannot be taken from `from`.
    pub fn apply(self, from: Status) -> Result<Status, FieldError> {
        let (need, to) = self.path();
        if from == need { Ok(to) } else { Err(FieldError::new("status", "error-assessment-wrong-status")) }
    }
}

impl FromStr for Transition {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Transition::Submit, Transition::ReturnToDraft, Transition::Approve, Transition::Lock]
            .into_iter()
            .find(|t| t.code() == s)
            .ok_or(FieldError::new("action", "error-malformed"))
    }
}

/// The year an assessment covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Period(i32);

impl Period {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        match s.trim().parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Ok(Period(y)),
            _ => Err(FieldError::new("period", "error-period")),
        }
    }
    pub fn new(y: i32) -> Result<Self, FieldError> {
        Self::parse(&y.to_string())
    }
    pub fn year(self) -> i32 {
        self.0
    }
}

/// How well an answer is backed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    #[default]
    SelfDeclared,
    Evidence,
    Verified,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::SelfDeclared, Confidence::Evidence, Confidence::Verified];

    pub fn code(self) -> &'static str {
        match self {
            Confidence::SelfDeclared => "self",
            Confidence::Evidence => "evidence",
            Confidence::Verified => "verified",
        }
    }
}

impl FromStr for Confidence {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Confidence::ALL.into_iter().find(|c| c.code() == s).ok_or(FieldError::new("confidence", "error-malformed"))
    }
}

/// A comment on an answer: at most 4,000 characters, no control characters but line breaks.
pub fn parse_comment(s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.chars().count() > 4000 || s.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(FieldError::new("comment", "error-comment"));
    }
    Ok(s.replace("\r\n", "\n"))
}

/// A link to evidence: empty, or an http(s) URL of at most 2,000 characters.
pub fn parse_evidence_url(s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let ok = (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() <= 2000
        && s.len() > 8
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok { Ok(s.to_owned()) } else { Err(FieldError::new("evidence_url", "error-evidence-url")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_allows_only_its_steps() {
        assert_eq!(Transition::Submit.apply(Status::Draft), Ok(Status::Submitted));
        assert_eq!(Transition::Approve.apply(Status::Submitted), Ok(Status::Approved));
        assert_eq!(Transition::Lock.apply(Status::Approved), Ok(Status::Locked));
        assert_eq!(Transition::ReturnToDraft.apply(Status::Submitted), Ok(Status::Draft));
        for (t, from) in [
            (Transition::Approve, Status::Draft),
            (Transition::Lock, Status::Submitted),
            (Transition::Submit, Status::Locked),
            (Transition::ReturnToDraft, Status::Approved),
        ] {
            assert!(t.apply(from).is_err(), "{t:?} from {from:?}");
        }
        assert!(Status::Draft.editable() && !Status::Submitted.editable());
    }

    #[test]
    fn inputs_are_parsed() {
        assert_eq!(Period::parse(" 2026 ").unwrap().year(), 2026);
        assert!(Period::parse("26").is_err() && Period::parse("år").is_err());
        assert!(parse_evidence_url("https://intranat.exempla.se/policy.pdf").is_ok());
        assert!(parse_evidence_url("javascript:alert(1)").is_err());
        assert!(parse_evidence_url("https://a b").is_err());
        assert_eq!(parse_comment("  rad ett\r\nrad två ").unwrap(), "rad ett\nrad två");
        assert!(parse_comment(&"x".repeat(4001)).is_err());
    }
}
