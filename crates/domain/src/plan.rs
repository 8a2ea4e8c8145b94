//! The action plan (handlingsplan): what the organisation will do, by whom,
//! when and at what cost, and where each action came from.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{FieldError, ValidationErrors};
use crate::{code_enum, parse_date, parse_line, parse_text};

code_enum!(
    /// Where an action is in its life.
    ActionStatus, "status" {
        Planned => "planned",
        Ongoing => "ongoing",
        Done => "done",
        Cancelled => "cancelled",
    }
);

impl ActionStatus {
    /// Still to be done (planned or ongoing).
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Planned | ActionStatus::Ongoing)
    }
}

code_enum!(
    /// What led to an action.
    Origin, "origin" {
        /// A feedback item of a self-assessment (`origin_ref` = `assessment-id/question-id`).
        Feedback => "feedback",
        /// A decision of a management review (`origin_ref` = the decision's id).
        Review => "review",
        Audit => "audit",
        Incident => "incident",
        /// A risk of the risk register (`origin_ref` = the risk's id).
        Risk => "risk",
        /// A protection requirement of an asset's classification
        /// (`origin_ref` = `asset-id/requirement-code`).
        Classification => "classification",
        None => "none",
    }
);

/// The checked content of an action, as a form or the API gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionInput {
    pub title: String,
    pub goal: String,
    pub activity: String,
    /// Whole kronor, never negative.
    pub cost: i64,
    pub responsible: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub status: ActionStatus,
    pub progress_note: String,
    pub origin: Origin,
    pub origin_ref: String,
}

/// The raw fields of an action form (all text).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ActionFields {
    pub title: String,
    pub goal: String,
    pub activity: String,
    pub cost: String,
    pub responsible: String,
    pub start_date: String,
    pub end_date: String,
    pub status: String,
    pub progress_note: String,
    pub origin: String,
    pub origin_ref: String,
}

/// Parses a cost in kronor: digits with optional spaces (`12 500`), `kr` allowed; never negative.
pub fn parse_cost(s: &str) -> Result<i64, FieldError> {
    let t: String =
        s.trim().trim_end_matches("kr").trim_end_matches(":-").chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return Ok(0);
    }
    if t.starts_with('-') {
        return Err(FieldError::new("cost", "error-cost-negative"));
    }
    match t.parse::<i64>() {
        Ok(v) if (0..=10_000_000_000).contains(&v) => Ok(v),
        _ => Err(FieldError::new("cost", "error-cost")),
    }
}

impl ActionFields {
    /// Checks every field, reporting all problems at once.
    pub fn parse(&self) -> Result<ActionInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let title = errs.check(parse_line("title", &self.title, 200, true));
        let goal = errs.check(parse_text("goal", &self.goal, 4000, false));
        let activity = errs.check(parse_text("activity", &self.activity, 4000, false));
        let cost = errs.check(parse_cost(&self.cost));
        let responsible = errs.check(parse_line("responsible", &self.responsible, 200, false));
        let start_date = errs.check(parse_date("start_date", &self.start_date, false));
        let end_date = errs.check(parse_date("end_date", &self.end_date, false));
        let status = if self.status.trim().is_empty() {
            Some(ActionStatus::Planned)
        } else {
            errs.check(self.status.trim().parse())
        };
        let progress_note = errs.check(parse_text("progress_note", &self.progress_note, 4000, false));
        let origin =
            if self.origin.trim().is_empty() { Some(Origin::None) } else { errs.check(self.origin.trim().parse()) };
        let origin_ref = errs.check(parse_line("origin_ref", &self.origin_ref, 200, false));
        if let (Some(Some(s)), Some(Some(e))) = (start_date, end_date)
            && e < s
        {
            errs.push(FieldError::new("end_date", "error-date-order"));
        }
        errs.clone().into_result()?;
        Ok(ActionInput {
            title: title.unwrap_or_default(),
            goal: goal.unwrap_or_default(),
            activity: activity.unwrap_or_default(),
            cost: cost.unwrap_or_default(),
            responsible: responsible.unwrap_or_default(),
            start_date: start_date.flatten(),
            end_date: end_date.flatten(),
            status: status.unwrap_or(ActionStatus::Planned),
            progress_note: progress_note.unwrap_or_default(),
            origin: origin.unwrap_or(Origin::None),
            origin_ref: origin_ref.unwrap_or_default(),
        })
    }
}

/// Open and past its end date on `today`.
pub fn is_overdue(status: ActionStatus, end: Option<NaiveDate>, today: NaiveDate) -> bool {
    status.is_open() && end.is_some_and(|e| e < today)
}

/// Counts and costs over a set of actions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    pub count: usize,
    pub planned: usize,
    pub ongoing: usize,
    pub done: usize,
    pub cancelled: usize,
    pub overdue: usize,
    /// Cost of every action that is not cancelled.
    pub cost: i64,
    pub cost_done: i64,
    pub cost_open: i64,
}

impl Totals {
    pub fn of(items: impl IntoIterator<Item = (ActionStatus, Option<NaiveDate>, i64)>, today: NaiveDate) -> Self {
        let mut t = Totals::default();
        for (status, end, cost) in items {
            t.count += 1;
            match status {
                ActionStatus::Planned => t.planned += 1,
                ActionStatus::Ongoing => t.ongoing += 1,
                ActionStatus::Done => t.done += 1,
                ActionStatus::Cancelled => t.cancelled += 1,
            }
            if is_overdue(status, end, today) {
                t.overdue += 1;
            }
            if status != ActionStatus::Cancelled {
                t.cost += cost;
            }
            if status == ActionStatus::Done {
                t.cost_done += cost;
            }
            if status.is_open() {
                t.cost_open += cost;
            }
        }
        t
    }

    /// Share of the actions that are not cancelled that are done, 0–100.
    pub fn done_percent(&self) -> u32 {
        let relevant = self.count - self.cancelled;
        (self.done * 100).checked_div(relevant).unwrap_or(0) as u32
    }
}

/// Formats kronor with thin grouping spaces: `1 250 000 kr`.
pub fn format_kronor(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if v < 0 {
        out.insert(0, '−');
    }
    out.push_str("\u{a0}kr");
    out
}

/// A short title for an action made from a feedback item: the first
/// sentence of what to do, at most `max` characters (cut at a word, with
/// "…"); the question itself is kept in the reference.
pub fn short_title(action: &str, max: usize) -> String {
    let text = action.trim();
    let first = match text.find(". ") {
        Some(i) => &text[..=i],
        None => text,
    };
    if first.chars().count() <= max {
        return first.to_owned();
    }
    let cut: String = first.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => cut[..i].trim_end_matches([',', ';', ':']).to_owned(),
        _ => cut,
    };
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feedback_action_gets_the_first_sentence_as_its_title() {
        assert_eq!(
            short_title("Ta fram en policy och låt ledningen besluta den. Se till att alla känner till den.", 120),
            "Ta fram en policy och låt ledningen besluta den."
        );
        assert_eq!(short_title("  Gör a-1  ", 120), "Gör a-1");
        let long = "Besluta mätbara mål för informationssäkerheten och avsätt budget och personal i verksamhetsplanen";
        let t = short_title(long, 40);
        assert!(t.chars().count() <= 40 && t.ends_with('…'), "{t}");
        assert_eq!(t, "Besluta mätbara mål för…");
    }

    proptest::proptest! {
        #[test]
        fn a_short_title_is_never_longer_than_asked(s in "\\PC{0,300}", max in 2usize..200) {
            let t = short_title(&s, max);
            proptest::prop_assert!(t.chars().count() <= max, "{t:?}");
        }
    }

    fn fields() -> ActionFields {
        ActionFields {
            title: "Inför tvåfaktorsinloggning".into(),
            cost: "12 500 kr".into(),
            start_date: "2026-01-10".into(),
            end_date: "2026-06-30".into(),
            status: "ongoing".into(),
            origin: "review".into(),
            ..Default::default()
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_good_action_parses() {
        let a = fields().parse().unwrap();
        assert_eq!(a.cost, 12_500);
        assert_eq!(a.status, ActionStatus::Ongoing);
        assert_eq!(a.origin, Origin::Review);
        assert_eq!(a.end_date, Some(d("2026-06-30")));
    }

    #[test]
    fn bad_input_names_every_field() {
        let f = ActionFields {
            title: " ".into(),
            cost: "-5".into(),
            start_date: "2026-05-01".into(),
            end_date: "2026-04-01".into(),
            status: "hacked".into(),
            ..Default::default()
        };
        let errs = f.parse().unwrap_err().0;
        let codes: Vec<(&str, &str)> = errs.iter().map(|e| (e.field, e.code)).collect();
        assert!(codes.contains(&("title", "error-required")));
        assert!(codes.contains(&("cost", "error-cost-negative")));
        assert!(codes.contains(&("end_date", "error-date-order")));
        assert!(codes.contains(&("status", "error-malformed")));
        assert_eq!(parse_cost("tolv").unwrap_err().code, "error-cost");
        assert_eq!(parse_date("end_date", "2026-02-30", false).unwrap_err().code, "error-date");
    }

    #[test]
    fn overdue_means_open_and_past_its_end() {
        let today = d("2026-11-26");
        assert!(is_overdue(ActionStatus::Planned, Some(d("2026-11-25")), today));
        assert!(!is_overdue(ActionStatus::Planned, Some(d("2026-11-26")), today));
        assert!(!is_overdue(ActionStatus::Done, Some(d("2020-01-01")), today));
        assert!(!is_overdue(ActionStatus::Ongoing, None, today));
    }

    #[test]
    fn totals_leave_cancelled_out_of_cost() {
        let today = d("2026-11-26");
        let t = Totals::of(
            [
                (ActionStatus::Done, Some(d("2026-01-01")), 100),
                (ActionStatus::Ongoing, Some(d("2026-01-01")), 50),
                (ActionStatus::Cancelled, None, 1000),
                (ActionStatus::Planned, None, 7),
            ],
            today,
        );
        assert_eq!((t.count, t.done, t.overdue, t.cost, t.cost_done, t.cost_open), (4, 1, 1, 157, 100, 57));
        assert_eq!(t.done_percent(), 33);
        assert_eq!(format_kronor(1_250_000), "1\u{a0}250\u{a0}000\u{a0}kr");
        assert_eq!(format_kronor(0), "0\u{a0}kr");
    }
}
