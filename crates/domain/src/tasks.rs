//! The start page's task list ("Att göra"): what a user must do next, decided
//! from facts the application gathers in the user's scope. Pure: no I/O and
//! no clock (today is an argument).

use chrono::{Datelike, Duration, NaiveDate};
use uuid::Uuid;

use crate::calendar::ActivityInput;
use crate::review::UnitReportStatus;

crate::code_enum!(
    /// What a task asks for, most pressing kinds first.
    TaskKind, "kind" {
        /// An incident's statutory notification whose deadline has passed unmet.
        IncidentDeadlineMissed => "incident-deadline-missed",
        /// An incident's statutory notification not yet made, its clock running.
        IncidentDeadline => "incident-deadline",
        OverdueActions => "actions-overdue",
        /// A body's answer to an audit's recommendation, past the day it was due.
        AnswerAuditOverdue => "audit-answer-overdue",
        ApproveAssessment => "assessment-approve",
        AdoptReview => "review-adopt",
        ApproveUnitReport => "unit-report-approve",
        ReportUnit => "unit-report",
        ContinueAssessment => "assessment-draft",
        PrepareReview => "review-prepare",
        /// A body's answer to an audit's recommendation, not due yet (or undated).
        AnswerAudit => "audit-answer",
        Upcoming => "yearwheel-upcoming",
    }
);

impl TaskKind {
    /// Its place in the list: the order of [`TaskKind::ALL`].
    pub fn rank(self) -> usize {
        Self::ALL.iter().position(|k| *k == self).unwrap_or(usize::MAX)
    }
}

/// One thing to do, for one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub kind: TaskKind,
    pub org_id: Uuid,
    /// What the task leads to: an assessment, a review, a unit or an activity.
    pub target: Uuid,
    /// The year (or period) it concerns.
    pub year: i32,
    /// When it should be done, where there is a date.
    pub due: Option<NaiveDate>,
    /// How many (overdue actions); 1 otherwise.
    pub count: i64,
    /// A name of its own (a year-wheel activity's title); empty otherwise.
    pub title: String,
    /// The exact time it is due, for a statutory clock counted in hours
    /// (an incident's notification); `due` is its date in Sweden.
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    /// The notification an incident's task is about.
    pub step: Option<crate::incident::duties::Step>,
}

/// How many tasks the start page shows at most; the rest are reached from
/// the pages the tasks link to.
pub const SHOWN: usize = 12;

/// How far ahead the year wheel's activities are shown as tasks.
pub const UPCOMING_DAYS: i64 = 30;

/// The tasks in the order a user should see them: by kind (the most
/// pressing first), then the earliest date, then the newest year; at most
/// [`SHOWN`].
pub fn ordered(mut tasks: Vec<Task>) -> Vec<Task> {
    tasks.sort_by(|a, b| {
        (a.kind.rank(), a.due.is_none(), a.due, a.at, std::cmp::Reverse(a.year), a.org_id, a.target).cmp(&(
            b.kind.rank(),
            b.due.is_none(),
            b.due,
            b.at,
            std::cmp::Reverse(b.year),
            b.org_id,
            b.target,
        ))
    });
    // The same task reached twice (through two roles) is shown once; one
    // audit's answers for two bodies are two tasks with the same target.
    tasks.dedup_by(|a, b| {
        a.kind == b.kind && a.target == b.target && a.due == b.due && a.org_id == b.org_id && a.step == b.step
    });
    tasks.truncate(SHOWN);
    tasks
}

/// The next day on or after `today` the activity falls on, if it is within
/// [`UPCOMING_DAYS`].
pub fn upcoming(a: &ActivityInput, today: NaiveDate) -> Option<NaiveDate> {
    let last = today + Duration::days(UPCOMING_DAYS);
    [today.year(), today.year() + 1].into_iter().flat_map(|y| a.dates_in(y)).filter(|d| *d >= today && *d <= last).min()
}

/// What the start page asks of a user about one invitation to a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationTask {
    /// Answer it: the round is open and the organisation has not submitted.
    Answer,
    /// Answer it, after the coordinator's reminder.
    AnswerReminded,
    /// Read the comparative feedback: the round closed (within the last
    /// [`FEEDBACK_DAYS`]) with the organisation's answer in it.
    ReadFeedback,
}

/// How long after a round closes its feedback is offered on the start page.
pub const FEEDBACK_DAYS: i64 = 60;

/// The facts about one invitation that decide whether it is a task.
#[derive(Debug, Clone, Copy)]
pub struct InvitationFacts {
    pub phase: crate::round::Phase,
    pub submitted: bool,
    pub reminded: bool,
    pub closes_on: NaiveDate,
    /// The user coordinates the round (sent the invitation).
    pub coordinates: bool,
    /// The user answers for the invited organisation (manages its assessments).
    pub answers: bool,
}

/// Whether, and how, an invitation is a task for the user: never for the
/// round's own coordinator (who sent it), to answer only for those who
/// answer for the organisation, the feedback for anyone who sees it.
pub fn invitation_task(f: InvitationFacts, today: NaiveDate) -> Option<InvitationTask> {
    use crate::round::Phase;
    if f.coordinates {
        return None;
    }
    match f.phase {
        Phase::Open if f.submitted || !f.answers => None,
        Phase::Open if f.reminded => Some(InvitationTask::AnswerReminded),
        Phase::Open => Some(InvitationTask::Answer),
        Phase::Closed if f.submitted && f.closes_on >= today - Duration::days(FEEDBACK_DAYS) => {
            Some(InvitationTask::ReadFeedback)
        }
        _ => None,
    }
}

/// Whether a body's copy of an audit's recommendation is a task for those who
/// answer for the body, and how pressing: an open copy without an answer is,
/// overdue once the audit's answers were due before `today`.
pub fn audit_answer_task(
    status: crate::audits::TargetStatus,
    answered: bool,
    responses_due: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<TaskKind> {
    if answered || status == crate::audits::TargetStatus::Closed {
        None
    } else if crate::audits::answer_overdue(answered, responses_due, today) {
        Some(TaskKind::AnswerAuditOverdue)
    } else {
        Some(TaskKind::AnswerAudit)
    }
}

/// Whether a unit's report for the year still waits for its reporter: not
/// started, or started and not yet sent in.
pub fn unit_report_waits(status: Option<UnitReportStatus>) -> bool {
    matches!(status, None | Some(UnitReportStatus::Draft))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitations_are_tasks_only_for_those_who_can_act() {
        use crate::round::Phase;
        let today = d(2026, 3, 10);
        let open = InvitationFacts {
            phase: Phase::Open,
            submitted: false,
            reminded: false,
            closes_on: d(2026, 4, 1),
            coordinates: false,
            answers: true,
        };
        assert_eq!(invitation_task(open, today), Some(InvitationTask::Answer));
        assert_eq!(
            invitation_task(InvitationFacts { reminded: true, ..open }, today),
            Some(InvitationTask::AnswerReminded)
        );
        // The coordinator sent it; management sees it but does not answer; submitted is done.
        assert_eq!(invitation_task(InvitationFacts { coordinates: true, ..open }, today), None);
        assert_eq!(invitation_task(InvitationFacts { answers: false, ..open }, today), None);
        assert_eq!(invitation_task(InvitationFacts { submitted: true, ..open }, today), None);
        assert_eq!(invitation_task(InvitationFacts { phase: Phase::Upcoming, ..open }, today), None);
        // Closed with an answer: the feedback, for anyone who sees it, for 60 days.
        let closed = InvitationFacts {
            phase: Phase::Closed,
            submitted: true,
            answers: false,
            closes_on: d(2026, 1, 10),
            ..open
        };
        assert_eq!(invitation_task(closed, today), Some(InvitationTask::ReadFeedback));
        assert_eq!(invitation_task(closed, d(2026, 3, 12)), None);
        assert_eq!(invitation_task(InvitationFacts { submitted: false, ..closed }, today), None);
    }
    use crate::calendar::{Concerns, Recurrence};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn task(kind: TaskKind, target: u128, due: Option<NaiveDate>, year: i32) -> Task {
        Task {
            kind,
            org_id: Uuid::from_u128(1),
            target: Uuid::from_u128(target),
            year,
            due,
            count: 1,
            title: String::new(),
            at: None,
            step: None,
        }
    }

    fn activity(month: u32, day: Option<u32>, recurrence: Recurrence, year: Option<i32>) -> ActivityInput {
        ActivityInput {
            title: "Genomgång".into(),
            month,
            day,
            recurrence,
            year,
            responsible: String::new(),
            concerns: Concerns::Review,
            note: String::new(),
        }
    }

    #[test]
    fn the_most_pressing_kind_comes_first_then_the_earliest_date() {
        let got = ordered(vec![
            task(TaskKind::Upcoming, 1, Some(d(2026, 12, 5)), 2026),
            task(TaskKind::ContinueAssessment, 2, None, 2026),
            task(TaskKind::AdoptReview, 3, None, 2026),
            task(TaskKind::AdoptReview, 4, Some(d(2027, 3, 1)), 2026),
            task(TaskKind::OverdueActions, 5, None, 2026),
            task(TaskKind::ContinueAssessment, 6, None, 2027),
        ]);
        let targets: Vec<u128> = got.iter().map(|t| t.target.as_u128()).collect();
        assert_eq!(targets, vec![5, 4, 3, 6, 2, 1]);
    }

    #[test]
    fn the_list_is_bounded_and_has_no_twins() {
        let many: Vec<Task> = (0..40).map(|i| task(TaskKind::ContinueAssessment, i % 20, None, 2026)).collect();
        let got = ordered(many);
        assert_eq!(got.len(), SHOWN);
        let mut targets: Vec<Uuid> = got.iter().map(|t| t.target).collect();
        targets.dedup();
        assert_eq!(targets.len(), SHOWN);
    }

    #[test]
    fn an_activity_is_upcoming_within_thirty_days_across_the_new_year() {
        let today = d(2026, 12, 20);
        assert_eq!(upcoming(&activity(1, Some(10), Recurrence::Yearly, None), today), Some(d(2027, 1, 10)));
        assert_eq!(upcoming(&activity(3, Some(1), Recurrence::Yearly, None), today), None);
        assert_eq!(upcoming(&activity(12, Some(20), Recurrence::Yearly, None), today), Some(today), "today counts");
        assert_eq!(upcoming(&activity(12, Some(19), Recurrence::Yearly, None), today), None, "yesterday is gone");
        assert_eq!(upcoming(&activity(1, Some(5), Recurrence::Once, Some(2027)), today), Some(d(2027, 1, 5)));
        assert_eq!(upcoming(&activity(1, Some(5), Recurrence::Once, Some(2026)), today), None);
        assert_eq!(upcoming(&activity(1, None, Recurrence::Monthly, None), today), Some(d(2027, 1, 1)));
    }

    #[test]
    fn an_unanswered_recommendation_is_a_task_and_pressing_once_overdue() {
        use crate::audits::TargetStatus;
        let (today, due) = (d(2026, 9, 1), Some(d(2026, 8, 31)));
        assert_eq!(audit_answer_task(TargetStatus::Open, false, due, today), Some(TaskKind::AnswerAuditOverdue));
        assert_eq!(audit_answer_task(TargetStatus::Open, false, due, d(2026, 8, 31)), Some(TaskKind::AnswerAudit));
        assert_eq!(audit_answer_task(TargetStatus::InProgress, false, None, today), Some(TaskKind::AnswerAudit));
        assert_eq!(audit_answer_task(TargetStatus::MeasurePlanned, true, due, today), None, "answered");
        assert_eq!(audit_answer_task(TargetStatus::Closed, false, due, today), None, "closed");
        // Overdue answers come right after overdue actions, the others before the year wheel's reminders.
        let got = ordered(vec![
            task(TaskKind::AnswerAudit, 1, Some(d(2026, 10, 1)), 2026),
            task(TaskKind::ApproveAssessment, 2, None, 2026),
            task(TaskKind::AnswerAuditOverdue, 3, due, 2026),
            task(TaskKind::Upcoming, 4, Some(d(2026, 9, 5)), 2026),
            task(TaskKind::OverdueActions, 5, None, 2026),
        ]);
        let targets: Vec<u128> = got.iter().map(|t| t.target.as_u128()).collect();
        assert_eq!(targets, vec![5, 3, 2, 1, 4]);
        // One audit's answers for two bodies lead to the same audit: both are kept.
        let body =
            |org: u128| Task { org_id: Uuid::from_u128(org), ..task(TaskKind::AnswerAuditOverdue, 7, due, 2026) };
        assert_eq!(ordered(vec![body(100), body(200), body(100)]).len(), 2);
    }

    #[test]
    fn a_unit_report_waits_until_it_is_sent_in() {
        assert!(unit_report_waits(None));
        assert!(unit_report_waits(Some(UnitReportStatus::Draft)));
        assert!(!unit_report_waits(Some(UnitReportStatus::Submitted)));
        assert!(!unit_report_waits(Some(UnitReportStatus::Approved)));
    }

    proptest::proptest! {
        /// Whatever the tasks, the list is at most SHOWN long, sorted by kind,
        /// and holds only tasks it was given.
        #[test]
        fn any_list_is_ordered_and_bounded(specs in proptest::collection::vec((0usize..TaskKind::ALL.len(), 0u128..30, proptest::option::of(0i64..400), 2020i32..2030), 0..60)) {
            let tasks: Vec<Task> = specs
                .iter()
                .map(|(k, t, due, y)| task(TaskKind::ALL[*k], *t, due.map(|x| d(2026, 1, 1) + Duration::days(x)), *y))
                .collect();
            let got = ordered(tasks.clone());
            proptest::prop_assert!(got.len() <= SHOWN);
            proptest::prop_assert!(got.windows(2).all(|w| w[0].kind.rank() <= w[1].kind.rank()));
            proptest::prop_assert!(got.iter().all(|t| tasks.contains(t)));
        }
    }
}
