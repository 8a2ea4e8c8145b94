//! Audits of the organisation (granskning, seed 004): by the elected
//! auditors, an internal audit or supervision by an authority. An audit asks
//! questions, assesses each, records findings by area and addresses
//! recommendations to the audited bodies; each body answers its own copy
//! (yttrande) and follows it up until the auditor or the CISO closes it.
//! Not the audit log (`crate::audit`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{FieldError, ValidationErrors};
use crate::{code_enum, parse_date, parse_line, parse_text};

code_enum!(
    /// Who audits.
    AuditKind, "kind" {
        /// The elected auditors (förtroendevalda revisorer), with their audit firm.
        Elected => "elected",
        /// An internal audit (internrevision, MSB's method).
        Internal => "internal",
        /// Supervision by an authority (IMY, the NIS supervisory authority).
        Supervision => "supervision",
    }
);

code_enum!(
    /// The auditor's assessment of one audit question.
    Assessment, "assessment" {
        Fulfilled => "fulfilled",
        Partly => "partly",
        NotFulfilled => "not_fulfilled",
    }
);

code_enum!(
    /// An audited body's answer to a recommendation.
    Stance, "stance" {
        Agrees => "agrees",
        Partly => "partly",
        Disagrees => "disagrees",
    }
);

code_enum!(
    /// Where a recommendation stands for one audited body.
    TargetStatus, "status" {
        Open => "open",
        MeasurePlanned => "measure_planned",
        InProgress => "in_progress",
        Done => "done",
        Closed => "closed",
    }
);

/// The most questions, findings or recommendations one audit holds, and
/// the most bodies one recommendation is addressed to.
pub const MAX_ITEMS: usize = 200;

/// An audit as a form or the API gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AuditFields {
    pub title: String,
    pub kind: String,
    /// The auditing organisation (the audit firm, IMY …).
    pub auditor_org: String,
    pub auditor_person: String,
    /// The period audited, as the report states it ("2025", "jan–jun 2026").
    pub period: String,
    pub started: String,
    pub report_delivered: String,
    pub responses_due: String,
    pub purpose: String,
    /// Set for a follow-up audit (uppföljande granskning): the audit it follows up.
    pub follows_up: String,
}

/// An audit's parsed values.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditInput {
    pub title: String,
    pub kind: AuditKind,
    pub auditor_org: String,
    pub auditor_person: String,
    pub period: String,
    pub started: Option<NaiveDate>,
    pub report_delivered: Option<NaiveDate>,
    pub responses_due: Option<NaiveDate>,
    pub purpose: String,
    pub follows_up: Option<Uuid>,
}

impl AuditFields {
    /// Parses every field, collecting the errors; the dates must follow one
    /// another (started, report delivered, answers due).
    pub fn parse(&self) -> Result<AuditInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let title = errs.check(parse_line("title", &self.title, 300, true));
        let kind = errs.check(self.kind.trim().parse::<AuditKind>());
        let auditor_org = errs.check(parse_line("auditor_org", &self.auditor_org, 200, true));
        let auditor_person = errs.check(parse_line("auditor_person", &self.auditor_person, 200, false));
        let period = errs.check(parse_line("period", &self.period, 100, false));
        let started = errs.check(parse_date("started", &self.started, false)).flatten();
        let delivered = errs.check(parse_date("report_delivered", &self.report_delivered, false)).flatten();
        let due = errs.check(parse_date("responses_due", &self.responses_due, false)).flatten();
        let purpose = errs.check(parse_text("purpose", &self.purpose, 4000, false));
        let follows_up = errs.check(match self.follows_up.trim() {
            "" => Ok(None),
            s => s.parse::<Uuid>().map(Some).map_err(|_| FieldError::new("follows_up", "error-malformed")),
        });
        if let (Some(s), Some(d)) = (started, delivered)
            && d < s
        {
            errs.0.push(FieldError::new("report_delivered", "error-audit-dates"));
        }
        if let (Some(d), Some(r)) = (delivered.or(started), due)
            && r < d
        {
            errs.0.push(FieldError::new("responses_due", "error-audit-dates"));
        }
        errs.clone().into_result()?;
        Ok(AuditInput {
            title: title.expect("checked"),
            kind: kind.expect("checked"),
            auditor_org: auditor_org.expect("checked"),
            auditor_person: auditor_person.expect("checked"),
            period: period.expect("checked"),
            started,
            report_delivered: delivered,
            responses_due: due,
            purpose: purpose.expect("checked"),
            follows_up: follows_up.expect("checked"),
        })
    }
}

/// An audit question with the auditor's assessment, as typed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct QuestionFields {
    pub text: String,
    /// Areas of a follow-up model the question concerns (their ids), comma-separated.
    pub areas: String,
    /// Empty: not assessed yet.
    pub assessment: String,
    pub motivation: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionInput {
    pub text: String,
    pub areas: Vec<String>,
    pub assessment: Option<Assessment>,
    pub motivation: String,
}

impl QuestionFields {
    /// An assessment other than fulfilled needs its motivation.
    pub fn parse(&self) -> Result<QuestionInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let text = errs.check(parse_text("text", &self.text, 2000, true));
        let mut areas: Vec<String> = Vec::new();
        for a in self.areas.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            let ok = a.len() <= 50 && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
            if !ok || areas.len() >= 30 {
                errs.0.push(FieldError::new("areas", "error-audit-areas"));
                break;
            }
            if !areas.iter().any(|x| x == a) {
                areas.push(a.to_owned());
            }
        }
        let assessment = errs.check(match self.assessment.trim() {
            "" => Ok(None),
            s => s.parse::<Assessment>().map(Some),
        });
        let motivation = errs.check(parse_text("motivation", &self.motivation, 4000, false));
        if let (Some(Some(a)), Some(m)) = (assessment, &motivation)
            && a != Assessment::Fulfilled
            && m.is_empty()
        {
            errs.0.push(FieldError::new("motivation", "error-audit-motivation"));
        }
        errs.clone().into_result()?;
        Ok(QuestionInput {
            text: text.expect("checked"),
            areas,
            assessment: assessment.flatten(),
            motivation: motivation.expect("checked"),
        })
    }
}

/// A finding of the audit, under the area it concerns.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FindingFields {
    pub area: String,
    pub text: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingInput {
    pub area: String,
    pub text: String,
}

impl FindingFields {
    pub fn parse(&self) -> Result<FindingInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let area = errs.check(parse_line("area", &self.area, 200, true));
        let text = errs.check(parse_text("text", &self.text, 4000, true));
        errs.clone().into_result()?;
        Ok(FindingInput { area: area.expect("checked"), text: text.expect("checked") })
    }
}

/// A recommendation's text and to whom it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecommendationInput {
    pub text: String,
    /// The audited bodies it is addressed to; every one answers its own copy.
    pub targets: Vec<Uuid>,
}

/// Parses a recommendation addressed to `chosen` bodies of an audit whose
/// audited bodies are `audited`, or to all of them when `to_all`.
pub fn parse_recommendation(
    text: &str,
    chosen: &[Uuid],
    to_all: bool,
    audited: &[Uuid],
) -> Result<RecommendationInput, ValidationErrors> {
    let mut errs = ValidationErrors::default();
    let text = errs.check(parse_text("text", text, 2000, true));
    let mut targets: Vec<Uuid> = Vec::new();
    let wanted: &[Uuid] = if to_all { audited } else { chosen };
    for t in wanted {
        if !audited.contains(t) {
            errs.0.push(FieldError::new("targets", "error-audit-target"));
            break;
        }
        if !targets.contains(t) {
            targets.push(*t);
        }
    }
    if targets.is_empty() && errs.0.iter().all(|e| e.field != "targets") {
        errs.0.push(FieldError::new("targets", "error-audit-no-target"));
    }
    if targets.len() > MAX_ITEMS {
        errs.0.push(FieldError::new("targets", "error-audit-too-many"));
    }
    errs.clone().into_result()?;
    Ok(RecommendationInput { text: text.expect("checked"), targets })
}

/// An audited body's answer (yttrande) to a recommendation, as typed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ResponseFields {
    pub stance: String,
    /// The measures planned, or why the body disagrees.
    pub measures: String,
    pub responsible: String,
    pub due: String,
    /// Who decided the answer (the board, the nämnd …) and when.
    pub decided_by: String,
    pub decided_on: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseInput {
    pub stance: Stance,
    pub measures: String,
    pub responsible: String,
    pub due: Option<NaiveDate>,
    pub decided_by: String,
    pub decided_on: Option<NaiveDate>,
}

impl ResponseFields {
    /// A body that agrees (or partly) names its measures, who is
    /// responsible and by when; one that disagrees says why.
    pub fn parse(&self) -> Result<ResponseInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let stance = errs.check(self.stance.trim().parse::<Stance>());
        let measures = errs.check(parse_text("measures", &self.measures, 4000, true));
        let responsible = errs.check(parse_line("responsible", &self.responsible, 200, false));
        let due = errs.check(parse_date("due", &self.due, false)).flatten();
        let decided_by = errs.check(parse_line("decided_by", &self.decided_by, 200, true));
        let decided_on = errs.check(parse_date("decided_on", &self.decided_on, true)).flatten();
        if stance.is_some_and(|s| s != Stance::Disagrees) {
            if responsible.as_ref().is_some_and(String::is_empty) {
                errs.0.push(FieldError::new("responsible", "error-required"));
            }
            if due.is_none() && self.due.trim().is_empty() {
                errs.0.push(FieldError::new("due", "error-required"));
            }
        }
        errs.clone().into_result()?;
        Ok(ResponseInput {
            stance: stance.expect("checked"),
            measures: measures.expect("checked"),
            responsible: responsible.expect("checked"),
            due,
            decided_by: decided_by.expect("checked"),
            decided_on,
        })
    }
}

/// The status an answer gives a recommendation: measures planned when the
/// body agrees (or partly); still open when it disagrees (the auditor
/// decides what follows). An answer never moves a recommendation that is
/// under way, done or closed back.
pub fn status_after_answer(current: TargetStatus, stance: Stance) -> TargetStatus {
    match (current, stance) {
        (TargetStatus::Open, Stance::Agrees | Stance::Partly) => TargetStatus::MeasurePlanned,
        (s, _) => s,
    }
}

/// Whether a recommendation may move from `from` to `to` by a follow-up:
/// forwards or back among the working states, to closed only by the auditor
/// or the CISO (`may_close`) with a motivation, never out of closed.
pub fn may_move(from: TargetStatus, to: TargetStatus, may_close: bool) -> Result<(), FieldError> {
    use TargetStatus::*;
    match (from, to) {
        (Closed, _) => Err(FieldError::new("status", "error-audit-closed")),
        (_, Closed) if !may_close => Err(FieldError::new("status", "error-audit-close-role")),
        (a, b) if a == b => Err(FieldError::new("status", "error-audit-same-status")),
        _ => Ok(()),
    }
}

/// A follow-up note: what changed (needed to close).
pub fn parse_note(s: &str, closing: bool) -> Result<String, FieldError> {
    let note = parse_text("note", s, 2000, false)?;
    if closing && note.is_empty() {
        return Err(FieldError::new("note", "error-audit-close-motivation"));
    }
    Ok(note)
}

/// Whether a body's answer is overdue on `today`: answers were due before
/// today and the body has not answered.
pub fn answer_overdue(answered: bool, responses_due: Option<NaiveDate>, today: NaiveDate) -> bool {
    !answered && responses_due.is_some_and(|d| d < today)
}

/// Recommendations per status, in [`TargetStatus::ALL`] order: the
/// follow-up report's status chart.
pub fn tally(statuses: impl IntoIterator<Item = TargetStatus>) -> Vec<usize> {
    let mut counts = vec![0; TargetStatus::ALL.len()];
    for s in statuses {
        counts[TargetStatus::ALL.iter().position(|x| *x == s).expect("a known status")] += 1;
    }
    counts
}

/// The reference an action made from a body's copy of a recommendation
/// carries (`Origin::Audit`): the copy's id.
pub fn action_ref(target: Uuid) -> String {
    target.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn audit() -> AuditFields {
        AuditFields {
            title: "Granskning av informationssäkerhetsarbetet".into(),
            kind: "elected".into(),
            auditor_org: "Revisionsbyrån AB".into(),
            started: "2026-02-01".into(),
            report_delivered: "2026-05-15".into(),
            responses_due: "2026-08-31".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_audit_names_its_bad_fields_and_its_dates_follow_one_another() {
        let a = audit().parse().unwrap();
        assert_eq!((a.kind, a.responses_due), (AuditKind::Elected, Some(date("2026-08-31"))));
        let bad = AuditFields {
            title: String::new(),
            kind: "audit".into(),
            auditor_org: " ".into(),
            follows_up: "x".into(),
            ..audit()
        };
        let named: Vec<&str> = bad.parse().unwrap_err().0.iter().map(|e| e.field).collect();
        for f in ["title", "kind", "auditor_org", "follows_up"] {
            assert!(named.contains(&f), "{f} in {named:?}");
        }
        let backwards =
            AuditFields { report_delivered: "2026-01-01".into(), responses_due: "2025-12-31".into(), ..audit() };
        let named: Vec<&str> = backwards.parse().unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(named, vec!["report_delivered", "responses_due"]);
    }

    #[test]
    fn a_question_not_fulfilled_needs_a_motivation_and_areas_are_ids() {
        let q = QuestionFields {
            text: "Finns styrande dokument?".into(),
            areas: "styr, ledning,styr".into(),
            ..Default::default()
        };
        assert_eq!(q.parse().unwrap().areas, vec!["styr", "ledning"]);
        let partly = QuestionFields { assessment: "partly".into(), ..q.clone() };
        assert_eq!(partly.parse().unwrap_err().0, vec![FieldError::new("motivation", "error-audit-motivation")]);
        let ok = QuestionFields { motivation: "Policyn saknar reglering av bolagen.".into(), ..partly };
        assert_eq!(ok.parse().unwrap().assessment, Some(Assessment::Partly));
        let bad = QuestionFields { areas: "styr; DROP".into(), ..q };
        assert_eq!(bad.parse().unwrap_err().0, vec![FieldError::new("areas", "error-audit-areas")]);
    }

    #[test]
    fn a_recommendation_goes_to_audited_bodies_only_each_once() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let r = parse_recommendation("Revidera policyn.", &[a, a], false, &[a, b]).unwrap();
        assert_eq!(r.targets, vec![a]);
        assert_eq!(parse_recommendation("Alla.", &[], true, &[a, b]).unwrap().targets, vec![a, b]);
        let e = parse_recommendation("Fel.", &[c], false, &[a, b]).unwrap_err().0;
        assert_eq!(e, vec![FieldError::new("targets", "error-audit-target")]);
        let e = parse_recommendation("", &[], false, &[a]).unwrap_err().0;
        let named: Vec<&str> = e.iter().map(|x| x.field).collect();
        assert_eq!(named, vec!["text", "targets"]);
    }

    #[test]
    fn an_answer_needs_its_decision_and_measures_need_who_and_when() {
        let f = ResponseFields {
            stance: "agrees".into(),
            measures: "Policyn revideras.".into(),
            decided_by: "Kommunstyrelsen".into(),
            decided_on: "2026-08-20".into(),
            ..Default::default()
        };
        let named: Vec<&str> = f.parse().unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(named, vec!["responsible", "due"]);
        let ok = ResponseFields { responsible: "Kommundirektören".into(), due: "2027-03-31".into(), ..f.clone() };
        assert_eq!(ok.parse().unwrap().stance, Stance::Agrees);
        let no = ResponseFields { stance: "disagrees".into(), ..f };
        assert_eq!(no.parse().unwrap().due, None, "disagreeing needs a reason, not a deadline");
    }

    #[test]
    fn statuses_move_by_answer_and_follow_up_and_closed_is_final() {
        use TargetStatus::*;
        assert_eq!(status_after_answer(Open, Stance::Agrees), MeasurePlanned);
        assert_eq!(status_after_answer(Open, Stance::Disagrees), Open);
        assert_eq!(status_after_answer(InProgress, Stance::Agrees), InProgress);
        assert!(may_move(InProgress, Done, false).is_ok());
        assert!(may_move(Done, InProgress, false).is_ok(), "a follow-up may find it was not done");
        assert_eq!(may_move(Done, Closed, false).unwrap_err().code, "error-audit-close-role");
        assert!(may_move(Done, Closed, true).is_ok());
        assert_eq!(may_move(Closed, Open, true).unwrap_err().code, "error-audit-closed");
        assert!(parse_note("", true).is_err() && parse_note("", false).is_ok());
        assert!(answer_overdue(false, Some(date("2026-08-31")), date("2026-09-01")));
        assert!(!answer_overdue(true, Some(date("2026-08-31")), date("2026-09-01")));
        assert!(!answer_overdue(false, Some(date("2026-08-31")), date("2026-08-31")));
        assert_eq!(tally([Open, Open, Closed, Done]), vec![2, 0, 0, 1, 1]);
    }

    proptest::proptest! {
        /// Whatever the moves asked for, nothing leaves closed and only a
        /// caller who may close reaches it.
        #[test]
        fn closed_is_reached_only_by_who_may_close_and_never_left(
            moves in proptest::collection::vec((0usize..5, proptest::bool::ANY), 0..30)
        ) {
            let mut s = TargetStatus::Open;
            for (to, may_close) in moves {
                let to = TargetStatus::ALL[to];
                let was = s;
                if may_move(s, to, may_close).is_ok() {
                    s = to;
                }
                proptest::prop_assert!(was != TargetStatus::Closed || s == TargetStatus::Closed);
                proptest::prop_assert!(s != TargetStatus::Closed || was == TargetStatus::Closed || may_close);
            }
        }

        /// Any typed answer is answered without panicking, bounded when accepted.
        #[test]
        fn any_answer_form_is_answered(stance in "[a-z]{0,10}", measures in ".{0,50}", due in "[0-9-]{0,12}") {
            let f = ResponseFields { stance, measures, due, responsible: "X".into(), decided_by: "Y".into(), decided_on: "2026-01-01".into() };
            if let Ok(r) = f.parse() {
                proptest::prop_assert!(r.measures.chars().count() <= 4000);
            }
        }
    }
}
