//! Swedish time. Lisa stores instants in UTC and shows them, and decides
//! what "today" is (deadlines, reminders, overdue actions), in
//! Europe/Stockholm, from the IANA time-zone database (`chrono-tz`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Europe::Stockholm;

/// `t` as a wall-clock time in Sweden.
pub fn stockholm(t: &DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&Stockholm).naive_local()
}

/// The date in Sweden at `t`.
pub fn date_at(t: &DateTime<Utc>) -> NaiveDate {
    stockholm(t).date()
}

/// Today in Sweden.
pub fn today() -> NaiveDate {
    date_at(&Utc::now())
}

/// `t` as Lisa shows it: ISO date and minutes, Swedish local time.
pub fn format_local(t: &DateTime<Utc>) -> String {
    stockholm(t).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn follows_summer_time() {
        let winter = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(format_local(&winter), "2026-11-22 13:00");
        assert_eq!(format_local(&summer), "2026-07-01 14:00");
    }

    #[test]
    fn changes_at_one_utc_on_the_last_sundays() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        let before = Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(format_local(&before), "2026-03-29 01:59");
        assert_eq!(format_local(&after), "2026-03-29 03:00");
        let last = Utc.with_ymd_and_hms(2026, 10, 25, 0, 59, 0).unwrap();
        let back = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        assert_eq!(format_local(&last), "2026-10-25 02:59");
        assert_eq!(format_local(&back), "2026-10-25 02:00");
    }

    #[test]
    fn the_date_turns_at_swedish_midnight() {
        let late = Utc.with_ymd_and_hms(2026, 6, 30, 22, 30, 0).unwrap();
        assert_eq!(date_at(&late), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
    }
}
