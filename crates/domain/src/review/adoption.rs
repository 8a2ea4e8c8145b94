//! What adopting a review decides beyond freezing it: each improvement
//! decision becomes an action in the organisation's plan.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{DecisionInput, DecisionKind};
use crate::plan::{ActionInput, ActionStatus, Origin};

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
        DecisionInput { kind, text: text.into(), responsible: "IT-chefen".into(), deadline: date(deadline) }
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
