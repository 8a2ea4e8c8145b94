//! The self-assessment (självskattning) and its lifecycle:
//! draft → submitted → approved (förankrad) → locked; a locked assessment is
//! reopened as a new revision, and every earlier revision stays readable.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Who may take a lifecycle step: the CISO (who manages assessments) submits,
/// locks and sends back; management (who approves) approves and sends back.
pub fn step_allowed(manage: bool, approve: bool, step: Transition) -> bool {
    match step {
        Transition::Submit | Transition::Lock => manage,
        Transition::Approve => approve,
        Transition::ReturnToDraft => manage || approve,
    }
}

/// The steps offered from `status` to someone who manages (`manage`) or
/// approves (`approve`) the organisation's assessments, in the order shown.
pub fn offered_steps(status: Status, manage: bool, approve: bool) -> Vec<Transition> {
    [Transition::Submit, Transition::Approve, Transition::ReturnToDraft, Transition::Lock]
        .into_iter()
        .filter(|t| t.path().0 == status && step_allowed(manage, approve, *t))
        .collect()
}

/// One checked answer to a question, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAnswer {
    pub question_id: String,
    /// An option id or `na`.
    pub answer: String,
    pub comment: String,
    pub confidence: Confidence,
    pub evidence_url: String,
}

/// Checks one answer against its question: the option, the comment, the
/// evidence link and the confidence mark (empty means self-declared). Every
/// problem is returned.
pub fn check_answer(
    q: &crate::model::Question,
    code: &str,
    comment: &str,
    evidence: &str,
    confidence: &str,
) -> Result<CheckedAnswer, Vec<FieldError>> {
    let answer = crate::scoring::Answer::from_code(code);
    if !crate::scoring::valid_answer(q, &answer) {
        return Err(vec![FieldError::new("answer", "error-answer-invalid")]);
    }
    let comment = parse_comment(comment);
    let evidence = parse_evidence_url(evidence);
    let confidence =
        if confidence.is_empty() { Ok(Confidence::SelfDeclared) } else { confidence.parse::<Confidence>() };
    match (comment, evidence, confidence) {
        (Ok(comment), Ok(evidence_url), Ok(confidence)) => Ok(CheckedAnswer {
            question_id: q.id.clone(),
            answer: answer.code().to_owned(),
            comment,
            confidence,
            evidence_url,
        }),
        (c, e, k) => Err([c.err(), e.err(), k.err()].into_iter().flatten().collect()),
    }
}

/// A file name safe to store and to send back: no path, no control
/// characters, no quotes, at most 200 characters; `fallback` if nothing is left.
pub fn clean_filename(name: &str, fallback: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    if cleaned.trim().is_empty() { fallback.to_owned() } else { cleaned.trim().to_owned() }
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

    #[test]
    fn who_takes_which_step() {
        use Transition::*;
        assert!(step_allowed(true, false, Submit) && step_allowed(true, false, Lock));
        assert!(!step_allowed(true, false, Approve) && step_allowed(false, true, Approve));
        assert!(step_allowed(false, true, ReturnToDraft) && step_allowed(true, false, ReturnToDraft));
        assert!(!step_allowed(false, true, Submit) && !step_allowed(false, false, ReturnToDraft));
        assert_eq!(offered_steps(Status::Draft, true, true), vec![Submit]);
        assert_eq!(offered_steps(Status::Draft, false, true), vec![]);
        assert_eq!(offered_steps(Status::Submitted, true, true), vec![Approve, ReturnToDraft]);
        assert_eq!(offered_steps(Status::Submitted, true, false), vec![ReturnToDraft]);
        assert_eq!(offered_steps(Status::Approved, true, false), vec![Lock]);
        assert_eq!(offered_steps(Status::Locked, true, true), vec![]);
    }

    #[test]
    fn answers_are_checked_against_their_question() {
        let src = include_str!("../../../models/lisa-grund-v1.toml");
        let m = crate::model::parse_model(src).unwrap();
        let q = &m.questions[0];
        let opt = q.options[0].id.clone();
        let a = check_answer(q, &opt, " ok ", "https://a.se/x", "").unwrap();
        assert_eq!((a.comment.as_str(), a.confidence), ("ok", Confidence::SelfDeclared));
        assert_eq!(check_answer(q, "nope", "", "", "").unwrap_err()[0].code, "error-answer-invalid");
        let errs = check_answer(q, &opt, &"x".repeat(4001), "javascript:x", "fel").unwrap_err();
        assert_eq!(errs.len(), 3);
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_filename("C:\\tmp\\plan \"x\".pdf", "underlag"), "plan x.pdf");
        assert_eq!(clean_filename("../../etc/passwd", "underlag"), "passwd");
        assert_eq!(clean_filename(" \u{7}", "underlag"), "underlag");
    }
}
