//! The year wheel (årshjul): recurring activities of an organisation and the
//! dates they fall on.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, ValidationErrors};
use crate::{code_enum, parse_line, parse_text};

code_enum!(
    Recurrence, "recurrence" {
        Yearly => "yearly",
        Quarterly => "quarterly",
        Monthly => "monthly",
        Once => "once",
    }
);

code_enum!(
    /// What an activity concerns.
    Concerns, "concerns" {
        Assessment => "assessment",
        UnitReports => "unit_reports",
        Review => "review",
        ActionPlan => "action_plan",
        Training => "training",
        Classification => "classification",
        RiskAnalysis => "risk_analysis",
        Other => "other",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityInput {
    pub title: String,
    /// 1–12.
    pub month: u32,
    /// 1–31, clamped to the month's length; `None` = the whole month.
    pub day: Option<u32>,
    pub recurrence: Recurrence,
    /// For `Once`: the year.
    pub year: Option<i32>,
    pub responsible: String,
    pub concerns: Concerns,
    pub note: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActivityFields {
    pub title: String,
    pub month: String,
    pub day: String,
    pub recurrence: String,
    pub year: String,
    pub responsible: String,
    pub concerns: String,
    pub note: String,
}

impl ActivityFields {
    pub fn parse(&self) -> Result<ActivityInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let title = errs.check(parse_line("title", &self.title, 200, true));
        let month = errs.check(match self.month.trim().parse::<u32>() {
            Ok(m) if (1..=12).contains(&m) => Ok(m),
            _ => Err(FieldError::new("month", "error-month")),
        });
        let day = errs.check(match self.day.trim() {
            "" => Ok(None),
            d => match d.parse::<u32>() {
                Ok(d) if (1..=31).contains(&d) => Ok(Some(d)),
                _ => Err(FieldError::new("day", "error-day")),
            },
        });
        let recurrence = if self.recurrence.trim().is_empty() {
            Some(Recurrence::Yearly)
        } else {
            errs.check(self.recurrence.trim().parse())
        };
        let year = errs.check(match (recurrence, self.year.trim()) {
            (Some(Recurrence::Once), y) => match y.parse::<i32>() {
                Ok(y) if (2000..=2100).contains(&y) => Ok(Some(y)),
                _ => Err(FieldError::new("year", "error-year-once")),
            },
            _ => Ok(None),
        });
        let responsible = errs.check(parse_line("responsible", &self.responsible, 200, false));
        let concerns = if self.concerns.trim().is_empty() {
            Some(Concerns::Other)
        } else {
            errs.check(self.concerns.trim().parse())
        };
        let note = errs.check(parse_text("note", &self.note, 2000, false));
        errs.clone().into_result()?;
        Ok(ActivityInput {
            title: title.expect("checked"),
            month: month.expect("checked"),
            day: day.flatten(),
            recurrence: recurrence.expect("checked"),
            year: year.flatten(),
            responsible: responsible.unwrap_or_default(),
            concerns: concerns.expect("checked"),
            note: note.unwrap_or_default(),
        })
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    next.and_then(|n| n.pred_opt()).map(|d| d.day()).unwrap_or(28)
}

/// The day an activity falls on in a given year and month (its day clamped
/// to the month, the 1st when it has no day).
fn on(year: i32, month: u32, day: Option<u32>) -> NaiveDate {
    let d = day.unwrap_or(1).min(days_in_month(year, month));
    NaiveDate::from_ymd_opt(year, month, d).expect("a clamped date is valid")
}

impl ActivityInput {
    /// The months (1–12) of `year` in which the activity falls.
    pub fn months_in(&self, year: i32) -> Vec<u32> {
        match self.recurrence {
            Recurrence::Yearly => vec![self.month],
            Recurrence::Once => {
                if self.year == Some(year) {
                    vec![self.month]
                } else {
                    vec![]
                }
            }
            Recurrence::Quarterly => {
                let first = (self.month - 1) % 3 + 1;
                (0..4).map(|q| first + 3 * q).collect()
            }
            Recurrence::Monthly => (1..=12).collect(),
        }
    }

    /// The date the activity falls on in a month of a year (its day clamped to the month).
    pub fn date_in(&self, year: i32, month: u32) -> NaiveDate {
        on(year, month, self.day)
    }

    /// Every date in `year` the activity falls on.
    pub fn dates_in(&self, year: i32) -> Vec<NaiveDate> {
        self.months_in(year).into_iter().map(|m| on(year, m, self.day)).collect()
    }

    /// The first date of the series (for a calendar's DTSTART): in `from_year`.
    pub fn first_date(&self, from_year: i32) -> NaiveDate {
        match self.recurrence {
            Recurrence::Once => on(self.year.unwrap_or(from_year), self.month, self.day),
            Recurrence::Quarterly => on(from_year, (self.month - 1) % 3 + 1, self.day),
            Recurrence::Monthly => on(from_year, 1, self.day),
            Recurrence::Yearly => on(from_year, self.month, self.day),
        }
    }

    /// An iCalendar RRULE value for the recurrence, if it repeats.
    pub fn rrule(&self) -> Option<String> {
        // Day 29–31 falls on the month's last day in shorter months: the last of 28..=d.
        let by_day = self.day.filter(|d| *d > 28).map(|d| {
            let days: Vec<String> = (28..=d).map(|x| x.to_string()).collect();
            format!("BYMONTHDAY={};BYSETPOS=-1", days.join(","))
        });
        let base = match self.recurrence {
            Recurrence::Once => return None,
            Recurrence::Yearly => "FREQ=YEARLY".to_owned(),
            Recurrence::Quarterly => "FREQ=MONTHLY;INTERVAL=3".to_owned(),
            Recurrence::Monthly => "FREQ=MONTHLY".to_owned(),
        };
        Some(match by_day {
            Some(b) => format!("{base};{b}"),
            None => base,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(rec: Recurrence, month: u32, day: Option<u32>) -> ActivityInput {
        ActivityInput {
            title: "Ledningens genomgång".into(),
            month,
            day,
            recurrence: rec,
            year: Some(2026),
            responsible: String::new(),
            concerns: Concerns::Review,
            note: String::new(),
        }
    }

    #[test]
    fn recurrences_fall_in_the_right_months() {
        assert_eq!(act(Recurrence::Yearly, 3, None).months_in(2027), vec![3]);
        assert_eq!(act(Recurrence::Quarterly, 11, Some(15)).months_in(2027), vec![2, 5, 8, 11]);
        assert_eq!(act(Recurrence::Monthly, 1, None).months_in(2027).len(), 12);
        assert_eq!(act(Recurrence::Once, 5, None).months_in(2027), Vec::<u32>::new());
        assert_eq!(act(Recurrence::Once, 5, None).months_in(2026), vec![5]);
    }

    #[test]
    fn days_are_clamped_to_the_month() {
        let a = act(Recurrence::Monthly, 1, Some(31));
        let dates = a.dates_in(2026);
        assert_eq!(dates[1], NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        assert_eq!(dates[3], NaiveDate::from_ymd_opt(2026, 4, 30).unwrap());
        assert_eq!(a.rrule().unwrap(), "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1");
        assert_eq!(
            act(Recurrence::Yearly, 2, Some(30)).rrule().unwrap(),
            "FREQ=YEARLY;BYMONTHDAY=28,29,30;BYSETPOS=-1"
        );
        assert_eq!(
            act(Recurrence::Yearly, 2, Some(30)).date_in(2028, 2),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
        assert_eq!(act(Recurrence::Yearly, 2, Some(10)).rrule().unwrap(), "FREQ=YEARLY");
        assert_eq!(act(Recurrence::Once, 2, Some(10)).rrule(), None);
    }

    #[test]
    fn bad_fields_are_named() {
        let f = ActivityFields { month: "13".into(), day: "0".into(), recurrence: "once".into(), ..Default::default() };
        let codes: Vec<&str> = f.parse().unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(codes, vec!["title", "month", "day", "year"]);
    }
}
