//! What adopting a review decides beyond freezing it: each improvement
//! decision becomes an action in the organisation's plan.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{DecisionInput, DecisionKind, ReviewContent};
use crate::FieldError;
use crate::plan::{ActionInput, ActionStatus, Origin};

/// What adopting a review would pass over: `missing` refuses adoption (the
/// meeting must have been held: its date and who took part); `warnings`
/// are shown and adoption asks for confirmation (translation keys).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdoptionCheck {
    pub missing: Vec<FieldError>,
    pub warnings: Vec<&'static str>,
}

/// Checks a compiled review before management adopts it.
pub fn adoption_check(c: &ReviewContent) -> AdoptionCheck {
    let mut out = AdoptionCheck::default();
    if c.meeting_date.is_none() {
        out.missing.push(FieldError::new("meeting_date", "error-review-no-meeting-date"));
    }
    if c.participants.trim().is_empty() {
        out.missing.push(FieldError::new("participants", "error-review-no-participants"));
    }
    match c.assessment.as_ref().map(|(_, status)| status.as_str()) {
        None => out.warnings.push("review-warn-no-assessment"),
        Some("approved" | "locked") => {}
        Some(_) => out.warnings.push("review-warn-assessment-not-approved"),
    }
    if c.decisions.is_empty() {
        out.warnings.push("review-warn-no-decisions");
    }
    out
}

/// The action an adopted decision becomes, or `None` if it is not an
/// improvement or already has one (`already_planned`). `root_id` identifies
/// the decision across the review's revisions; `today` is the adoption day.
pub fn action_for_decision(
    d: &DecisionInput,
    root_id: Uuid,
    already_planned: bool,
    today: NaiveDate,
) -> Option<ActionInput> {
    if d.kind != DecisionKind::Improvement || already_planned {
        return None;
    }
    Some(ActionInput {
        title: d.text.lines().next().unwrap_or_default().chars().take(200).collect(),
        goal: String::new(),
        activity: d.text.clone(),
        cost: 0,
        responsible: d.responsible.clone(),
        start_date: Some(today).filter(|s| *s <= d.deadline),
        end_date: Some(d.deadline),
        status: ActionStatus::Planned,
        progress_note: String::new(),
        origin: Origin::Review,
        origin_ref: root_id.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn decision(kind: DecisionKind, text: &str, deadline: &str) -> DecisionInput {
        DecisionInput {
            kind,
            text: text.into(),
            responsible: "IT-chefen".into(),
            deadline: date(deadline),
            document_id: None,
        }
    }

    fn content() -> ReviewContent {
        ReviewContent {
            org_name: "Exempla kommun".into(),
            year: 2026,
            revision: 1,
            meeting_date: Some(date("2027-03-15")),
            participants: "Lars Ek".into(),
            assessment: Some((2026, "approved".into())),
            levels: vec![],
            open_feedback: vec![],
            totals: Default::default(),
            overdue: vec![],
            previous_year: None,
            previous_decisions: vec![],
            units: vec![],
            points: vec![],
            comments: Default::default(),
            decisions: vec![super::super::DecisionLine {
                kind: DecisionKind::Improvement,
                text: "Inför MFA".into(),
                responsible: "IT-chefen".into(),
                deadline: date("2027-06-30"),
                document: None,
            }],
            adopted_by: None,
            adopted_on: None,
            part: false,
            activities: vec![],
            children: vec![],
            documents: vec![],
            attachments: vec![],
            audits: vec![],
            incidents: None,
            training: vec![],
            computed: vec![],
            assets: None,
        }
    }

    #[test]
    fn adoption_needs_the_meeting_and_warns_of_what_it_passes_over() {
        assert_eq!(adoption_check(&content()), AdoptionCheck::default(), "a complete review passes");
        let c = ReviewContent { meeting_date: None, participants: " ".into(), ..content() };
        let fields: Vec<&str> = adoption_check(&c).missing.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["meeting_date", "participants"]);
        let c = ReviewContent { assessment: Some((2026, "draft".into())), decisions: vec![], ..content() };
        assert_eq!(
            adoption_check(&c).warnings,
            vec!["review-warn-assessment-not-approved", "review-warn-no-decisions"]
        );
        let c = ReviewContent { assessment: None, ..content() };
        assert_eq!(adoption_check(&c).warnings, vec!["review-warn-no-assessment"]);
        assert!(
            adoption_check(&ReviewContent { assessment: Some((2026, "locked".into())), ..content() })
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn an_improvement_becomes_a_planned_action_from_the_review() {
        let root = Uuid::from_u128(9);
        let d = decision(DecisionKind::Improvement, "Inför MFA\nför alla konton", "2027-03-31");
        let a = action_for_decision(&d, root, false, date("2026-11-30")).unwrap();
        assert_eq!(a.title, "Inför MFA");
        assert_eq!(a.activity, "Inför MFA\nför alla konton");
        assert_eq!(a.responsible, "IT-chefen");
        assert_eq!(a.start_date, Some(date("2026-11-30")));
        assert_eq!(a.end_date, Some(date("2027-03-31")));
        assert_eq!(a.status, ActionStatus::Planned);
        assert_eq!(a.origin, Origin::Review);
        assert_eq!(a.origin_ref, root.to_string());
        assert_eq!(a.cost, 0);
    }

    #[test]
    fn no_start_after_the_deadline_and_a_title_of_at_most_200_characters() {
        let long = "x".repeat(300);
        let d = decision(DecisionKind::Improvement, &long, "2026-01-31");
        let a = action_for_decision(&d, Uuid::nil(), false, date("2026-11-30")).unwrap();
        assert_eq!(a.start_date, None);
        assert_eq!(a.title.chars().count(), 200);
    }

    #[test]
    fn other_kinds_and_decisions_already_planned_make_no_action() {
        let today = date("2026-11-30");
        for kind in [DecisionKind::Governance, DecisionKind::Resources] {
            assert_eq!(action_for_decision(&decision(kind, "Budget", "2027-01-01"), Uuid::nil(), false, today), None);
        }
        let d = decision(DecisionKind::Improvement, "Inför MFA", "2027-01-01");
        assert_eq!(action_for_decision(&d, Uuid::nil(), true, today), None);
    }
}
