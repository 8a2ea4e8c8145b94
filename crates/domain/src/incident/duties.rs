//! The statutory reporting duties an incident triggers and their clocks.
//!
//! Which duties apply follows from the incident (personal data involved,
//! significant) and from the organisation's legal entity (its NIS class,
//! whether it is a state agency). Each [`Duty`] names its source.
//!
//! - **GDPR** (förordning (EU) 2016/679) art. 33(1): a personal-data breach
//!   is notified to the supervisory authority (IMY) without undue delay and,
//!   where feasible, not later than 72 hours after the controller became
//!   aware of it. Art. 33(5): every breach is documented, notified or not —
//!   the register itself is that documentation.
//! - **NIS2** (direktiv (EU) 2022/2555) art. 23(4)(a), (b) and (d),
//!   implemented by cybersäkerhetslagen (2025:1506) 2 kap. 5–8 §§ and
//!   cybersäkerhetsförordningen (2025:1507) 6 § (reports go to the CSIRT
//!   unit, CERT-SE): for an essential or important entity and a significant
//!   incident, an early warning within 24 hours of becoming aware, an
//!   incident notification within 72 hours of becoming aware and a final
//!   report within one month after the incident notification.
//! - **MSBFS 2020:8** (MSB:s föreskrifter om rapportering av it-incidenter
//!   för statliga myndigheter, issued under 20–21 §§ förordningen
//!   (2015:1052) om krisberedskap …): a state agency notifies a serious IT
//!   incident within six hours of identifying it and sends a final report
//!   within four weeks.
//!
//! Time: statutory hours are elapsed hours, counted in UTC — 72 hours across
//! a change to or from summer time are still 72 real hours, so the Swedish
//! wall-clock time of the deadline moves by one hour. Weekends and holidays
//! extend nothing. "One month" and "four weeks" are calendar periods in
//! Swedish time (Europe/Stockholm): the same wall-clock time on the day one
//! month or 28 days later; a month too short for the day ends with its last
//! day ([`plus_months_local`]); the spring gap moves a deadline to the first
//! valid instant after it, the autumn's repeated hour to its first pass.

use chrono::{
    DateTime, Datelike, Days, LocalResult, Months, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Europe::Stockholm;
use serde::{Serialize, Serializer};

pub use super::compile::DeadlineStateKind;
use crate::code_enum;

code_enum!(
    /// An organisation's class under the cybersäkerhetslag (NIS2 art. 3).
    NisClass, "nis_class" {
        /// Väsentlig verksamhetsutövare (essential entity).
        Essential => "essential",
        /// Viktig verksamhetsutövare (important entity).
        Important => "important",
    }
);

code_enum!(
    /// One report a duty asks for; `ALL` is the order duties are listed in.
    Step, "step" {
        /// GDPR art. 33(1): notification to IMY.
        GdprNotify => "gdpr_notify",
        /// NIS2 art. 23(4)(a): early warning.
        NisEarlyWarning => "nis_early_warning",
        /// NIS2 art. 23(4)(b): incident notification.
        NisNotification => "nis_notification",
        /// NIS2 art. 23(4)(d): final report.
        NisFinal => "nis_final",
        /// MSBFS 2020:8: the first report (notifiering).
        MsbFirst => "msb_first",
        /// MSBFS 2020:8: the final report (slutrapport).
        MsbFinal => "msb_final",
    }
);

code_enum!(
    /// The body of rules a duty comes from.
    Regime, "regime" {
        Gdpr => "gdpr",
        Nis2 => "nis2",
        Msb => "msb",
    }
);

code_enum!(
    /// An escalation of a duty's deadline.
    Alert, "alert" {
        /// Less than a quarter of the period is left and nothing is recorded.
        Near => "near",
        /// The deadline passed with nothing recorded.
        Missed => "missed",
    }
);

/// The supervisory authority for personal data (Integritetsskyddsmyndigheten).
pub const IMY: &str = "IMY";
/// The national CSIRT unit (at Myndigheten för civilt försvar, formerly MSB).
pub const CERT_SE: &str = "CERT-SE";
/// The receiver of state agencies' IT-incident reports under MSBFS 2020:8.
pub const MSB: &str = "MSB";

/// GDPR art. 33(1).
pub const SOURCE_GDPR: &str = "GDPR art. 33.1";
/// NIS2 art. 23(4)(a) early warning.
pub const SOURCE_NIS_EARLY: &str = "NIS2 art. 23.4 a; cybersäkerhetslagen (2025:1506) 2 kap.";
/// NIS2 art. 23(4)(b) incident notification.
pub const SOURCE_NIS_NOTIFICATION: &str = "NIS2 art. 23.4 b; cybersäkerhetslagen (2025:1506) 2 kap.";
/// NIS2 art. 23(4)(d) final report.
pub const SOURCE_NIS_FINAL: &str = "NIS2 art. 23.4 d; cybersäkerhetslagen (2025:1506) 2 kap.";
/// MSBFS 2020:8, the six-hour notification.
pub const SOURCE_MSB_FIRST: &str = "MSBFS 2020:8; 20 § förordningen (2015:1052)";
/// MSBFS 2020:8, the final report within four weeks.
pub const SOURCE_MSB_FINAL: &str = "MSBFS 2020:8; 20 § förordningen (2015:1052)";

impl Step {
    /// The body of rules the step belongs to.
    pub fn regime(self) -> Regime {
        match self {
            Step::GdprNotify => Regime::Gdpr,
            Step::NisEarlyWarning | Step::NisNotification | Step::NisFinal => Regime::Nis2,
            Step::MsbFirst | Step::MsbFinal => Regime::Msb,
        }
    }

    /// Who receives the report.
    pub fn recipient(self) -> &'static str {
        match self.regime() {
            Regime::Gdpr => IMY,
            Regime::Nis2 => CERT_SE,
            Regime::Msb => MSB,
        }
    }

    /// The article or paragraph the step rests on.
    pub fn source(self) -> &'static str {
        match self {
            Step::GdprNotify => SOURCE_GDPR,
            Step::NisEarlyWarning => SOURCE_NIS_EARLY,
            Step::NisNotification => SOURCE_NIS_NOTIFICATION,
            Step::NisFinal => SOURCE_NIS_FINAL,
            Step::MsbFirst => SOURCE_MSB_FIRST,
            Step::MsbFinal => SOURCE_MSB_FINAL,
        }
    }
}

/// What decides an incident's duties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DutyFacts {
    /// When the organisation became aware of the incident (identified it).
    pub discovered_at: DateTime<Utc>,
    /// Personal data is involved: a personal-data breach (GDPR art. 4(12)).
    pub personal_data: bool,
    /// Serious or critical ([`super::Severity::significant`]): a significant
    /// incident under NIS2 art. 23(3) and a reportable one under MSBFS 2020:8.
    pub significant: bool,
    /// The legal entity's class under the cybersäkerhetslag, if any.
    pub nis_class: Option<NisClass>,
    /// The legal entity is a state agency (MSBFS 2020:8 applies).
    pub state_agency: bool,
}

/// A report as recorded: when it was sent, or that it was not required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub step: Step,
    pub at: Option<DateTime<Utc>>,
    pub not_required: bool,
}

/// Where a deadline stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeadlineState {
    /// Not yet due and nothing recorded; `left` until the deadline.
    Running {
        #[serde(rename = "left_seconds", serialize_with = "seconds")]
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        left: TimeDelta,
    },
    /// Reported at `at`, at or before the deadline.
    Met { at: DateTime<Utc> },
    /// Reported at `at`, after the deadline.
    Late { at: DateTime<Utc> },
    /// Past the deadline with nothing recorded.
    Missed,
    /// Recorded as not required (for example: the breach is unlikely to
    /// result in a risk to people, GDPR art. 33(1); documented, art. 33(5)).
    NotRequired,
}

fn seconds<S: Serializer>(d: &TimeDelta, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_seconds())
}

impl DeadlineState {
    /// The state without its data.
    pub fn kind(&self) -> DeadlineStateKind {
        match self {
            DeadlineState::Running { .. } => DeadlineStateKind::Running,
            DeadlineState::Met { .. } => DeadlineStateKind::Met,
            DeadlineState::Late { .. } => DeadlineStateKind::Late,
            DeadlineState::Missed => DeadlineStateKind::Missed,
            DeadlineState::NotRequired => DeadlineStateKind::NotRequired,
        }
    }
}

/// One reporting duty of an incident and its clock.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duty {
    pub step: Step,
    pub regime: Regime,
    /// When the clock started (discovery, or the incident notification for
    /// the NIS2 final report).
    pub start: DateTime<Utc>,
    pub due: DateTime<Utc>,
    /// Who receives the report: [`IMY`], [`CERT_SE`] or [`MSB`].
    pub recipient: &'static str,
    /// The article or paragraph the duty rests on.
    pub source: &'static str,
    pub state: DeadlineState,
}

/// `t` plus `hours` elapsed hours (UTC arithmetic; saturates at the end of time).
fn plus_hours(t: DateTime<Utc>, hours: i64) -> DateTime<Utc> {
    t.checked_add_signed(TimeDelta::hours(hours)).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The first whole second in `lo..=hi` where `pred` holds, given that it
/// holds at `hi` and, once it holds, at every later second.
fn first_second(mut lo: i64, mut hi: i64, pred: impl Fn(DateTime<Utc>) -> bool) -> DateTime<Utc> {
    let at = |s: i64| DateTime::<Utc>::from_timestamp(s, 0).unwrap_or(DateTime::<Utc>::MAX_UTC);
    if pred(at(lo)) {
        return at(lo);
    }
    // Invariant: !pred(lo) && pred(hi).
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if pred(at(mid)) { hi = mid } else { lo = mid }
    }
    at(hi)
}

/// The instant of Swedish wall-clock time `local`: the earlier one where the
/// autumn change makes it ambiguous, the first valid instant after the gap
/// where the spring change skips it.
fn resolve_local(local: NaiveDateTime) -> DateTime<Utc> {
    match Stockholm.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        // The gap is an hour in a window that holds no autumn change, where
        // wall-clock time grows with the instant: bisect for its end.
        LocalResult::None => {
            let base = local.and_utc().timestamp();
            first_second(base - 14 * 3600, base + 14 * 3600, |s| crate::clock::stockholm(&s) >= local)
        }
    }
}

/// The Swedish wall-clock time a calendar period counts from. It is `t`'s
/// own, except in the first pass of the hour the autumn change repeats:
/// there it is the start of that hour (02:00), the earliest wall-clock time
/// still to come. So a later instant never counts from an earlier wall-clock
/// time, and a calendar deadline is never later than the same wall-clock
/// time would give.
fn calendar_wall(t: DateTime<Utc>) -> NaiveDateTime {
    let local = crate::clock::stockholm(&t);
    let LocalResult::Ambiguous(a, b) = Stockholm.from_local_datetime(&local) else { return local };
    let (first, second) = (a.min(b).with_timezone(&Utc), a.max(b).with_timezone(&Utc));
    if t >= second {
        return local;
    }
    let later = Stockholm.offset_from_utc_datetime(&second.naive_utc()).fix();
    let change = first_second(first.timestamp(), second.timestamp(), |s| {
        Stockholm.offset_from_utc_datetime(&s.naive_utc()).fix() == later
    });
    crate::clock::stockholm(&change)
}

/// `t` plus `months` calendar months in Swedish time: the same wall-clock
/// time on the same day of the month. Where that month is too short for
/// the day, the period ends with the end of its last day (24:00), as
/// förordning (EEG, Euratom) nr 1182/71 art. 3.2 c counts months; so a
/// later start never gives an earlier end.
pub fn plus_months_local(t: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    let wall = calendar_wall(t);
    let day = wall.date();
    match day.checked_add_months(Months::new(months)) {
        Some(d) if d.day() == day.day() => resolve_local(d.and_time(wall.time())),
        Some(d) => match d.succ_opt() {
            Some(next) => resolve_local(next.and_time(NaiveTime::MIN)),
            None => DateTime::<Utc>::MAX_UTC,
        },
        None => DateTime::<Utc>::MAX_UTC,
    }
}

/// `t` plus `days` calendar days in Swedish time: the same wall-clock time.
pub fn plus_days_local(t: DateTime<Utc>, days: u64) -> DateTime<Utc> {
    let wall = calendar_wall(t);
    match wall.date().checked_add_days(Days::new(days)) {
        Some(d) => resolve_local(d.and_time(wall.time())),
        None => DateTime::<Utc>::MAX_UTC,
    }
}

fn state(due: DateTime<Utc>, rec: Option<&Recorded>, now: DateTime<Utc>) -> DeadlineState {
    match rec {
        Some(r) if r.not_required => DeadlineState::NotRequired,
        Some(Recorded { at: Some(at), .. }) if *at <= due => DeadlineState::Met { at: *at },
        Some(Recorded { at: Some(at), .. }) => DeadlineState::Late { at: *at },
        _ if now > due => DeadlineState::Missed,
        _ => DeadlineState::Running { left: due.signed_duration_since(now) },
    }
}

/// The duties `f` triggers, in step order, each with its state at `now`
/// given what is `recorded` (the first record of a step counts).
pub fn duties(f: &DutyFacts, recorded: &[Recorded], now: DateTime<Utc>) -> Vec<Duty> {
    let find = |s: Step| recorded.iter().find(|r| r.step == s);
    let t0 = f.discovered_at;
    let mut clocks: Vec<(Step, DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    // GDPR art. 33(1): without undue delay and, where feasible, not later
    // than 72 hours after having become aware of it.
    if f.personal_data {
        clocks.push((Step::GdprNotify, t0, plus_hours(t0, 72)));
    }
    // NIS2 art. 23(4): (a) an early warning within 24 hours of becoming
    // aware of the significant incident; (b) an incident notification within
    // 72 hours of becoming aware; (d) a final report not later than one month
    // after the submission of the incident notification (from its due time
    // while it is not recorded as sent).
    if f.nis_class.is_some() && f.significant {
        clocks.push((Step::NisEarlyWarning, t0, plus_hours(t0, 24)));
        let notification_due = plus_hours(t0, 72);
        clocks.push((Step::NisNotification, t0, notification_due));
        let sent = find(Step::NisNotification).and_then(|r| r.at).unwrap_or(notification_due);
        clocks.push((Step::NisFinal, sent, plus_months_local(sent, 1)));
    }
    // MSBFS 2020:8: notify MSB within six hours of identifying the incident;
    // the final report within four weeks.
    if f.state_agency && f.significant {
        clocks.push((Step::MsbFirst, t0, plus_hours(t0, 6)));
        clocks.push((Step::MsbFinal, t0, plus_days_local(t0, 28)));
    }
    clocks.sort_by_key(|c| c.0);
    clocks
        .into_iter()
        .map(|(step, start, due)| Duty {
            step,
            regime: step.regime(),
            start,
            due,
            recipient: step.recipient(),
            source: step.source(),
            state: state(due, find(step), now),
        })
        .collect()
}

/// Whether `d` escalates at `now`: [`Alert::Near`] while it runs with less
/// than a quarter of its period (`due - start`) left, [`Alert::Missed`] once
/// it is missed; nothing when it is met, late, not required or far off.
pub fn alert(d: &Duty, now: DateTime<Utc>) -> Option<Alert> {
    match d.state {
        DeadlineState::Missed => Some(Alert::Missed),
        DeadlineState::Running { .. } if now > d.due => Some(Alert::Missed),
        DeadlineState::Running { .. } => {
            let left = i128::from(d.due.signed_duration_since(now).num_milliseconds());
            let period = i128::from(d.due.signed_duration_since(d.start).num_milliseconds());
            (left * 4 < period).then_some(Alert::Near)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::format_local;
    use proptest::prelude::*;

    /// A Swedish wall-clock time "YYYY-MM-DD HH:MM" (unambiguous in the tests).
    fn se(s: &str) -> DateTime<Utc> {
        let n = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        Stockholm.from_local_datetime(&n).single().unwrap().with_timezone(&Utc)
    }

    fn utc(s: &str) -> DateTime<Utc> {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap().and_utc()
    }

    fn facts(
        t: DateTime<Utc>,
        personal_data: bool,
        significant: bool,
        nis: Option<NisClass>,
        agency: bool,
    ) -> DutyFacts {
        DutyFacts { discovered_at: t, personal_data, significant, nis_class: nis, state_agency: agency }
    }

    fn rec(step: Step, at: Option<DateTime<Utc>>, not_required: bool) -> Recorded {
        Recorded { step, at, not_required }
    }

    fn due(ds: &[Duty], step: Step) -> DateTime<Utc> {
        ds.iter().find(|d| d.step == step).unwrap().due
    }

    #[test]
    fn a_personal_data_breach_goes_to_imy_within_72_hours() {
        let t = se("2026-05-04 09:15");
        let ds = duties(&facts(t, true, false, None, false), &[], t);
        assert_eq!(ds.len(), 1);
        let d = &ds[0];
        assert_eq!((d.step, d.regime, d.recipient, d.source), (Step::GdprNotify, Regime::Gdpr, IMY, "GDPR art. 33.1"));
        assert_eq!((d.start, d.due), (t, t + TimeDelta::hours(72)));
        assert_eq!(format_local(&d.due), "2026-05-07 09:15");
        assert_eq!(d.state, DeadlineState::Running { left: TimeDelta::hours(72) });
        // Minor or not, personal data alone decides the GDPR duty.
        assert_eq!(duties(&facts(t, true, true, None, false), &[], t).len(), 1);
    }

    #[test]
    fn nothing_applies_without_personal_data_or_a_significant_incident_at_a_covered_entity() {
        let t = se("2026-05-04 09:15");
        assert!(duties(&facts(t, false, false, None, false), &[], t).is_empty());
        assert!(
            duties(&facts(t, false, true, None, false), &[], t).is_empty(),
            "significant, but no NIS class nor agency"
        );
        assert!(duties(&facts(t, false, false, Some(NisClass::Essential), true), &[], t).is_empty(), "not significant");
    }

    #[test]
    fn nis2_asks_early_warning_notification_and_final_report_of_cert_se() {
        let t = se("2026-05-04 09:15");
        for class in NisClass::ALL {
            let ds = duties(&facts(t, false, true, Some(*class), false), &[], t);
            let steps: Vec<Step> = ds.iter().map(|d| d.step).collect();
            assert_eq!(steps, [Step::NisEarlyWarning, Step::NisNotification, Step::NisFinal]);
            assert!(ds.iter().all(|d| d.regime == Regime::Nis2 && d.recipient == CERT_SE));
            assert!(
                ds[0].source.contains("23.4 a") && ds[1].source.contains("23.4 b") && ds[2].source.contains("23.4 d")
            );
            assert!(ds.iter().all(|d| d.source.contains("2025:1506")));
            assert_eq!(ds[0].due, t + TimeDelta::hours(24));
            assert_eq!(ds[1].due, t + TimeDelta::hours(72));
            // One month after the notification's due time while it is not sent.
            assert_eq!(ds[2].start, ds[1].due);
            assert_eq!(format_local(&ds[2].due), "2026-06-07 09:15");
        }
    }

    #[test]
    fn the_nis2_final_report_counts_from_the_notification_as_sent() {
        let t = se("2026-05-04 09:15");
        let sent = se("2026-05-05 16:40");
        let ds = duties(
            &facts(t, false, true, Some(NisClass::Important), false),
            &[rec(Step::NisNotification, Some(sent), false)],
            t,
        );
        assert_eq!(ds[1].state, DeadlineState::Met { at: sent });
        assert_eq!(ds[2].start, sent);
        assert_eq!(format_local(&ds[2].due), "2026-06-05 16:40");
        // A notification recorded late moves the final report later too.
        let late = se("2026-05-09 08:00");
        let ds = duties(
            &facts(t, false, true, Some(NisClass::Important), false),
            &[rec(Step::NisNotification, Some(late), false)],
            late,
        );
        assert_eq!(ds[1].state, DeadlineState::Late { at: late });
        assert_eq!(format_local(&ds[2].due), "2026-06-09 08:00");
        // Recorded as not required without a time: from its due time.
        let ds = duties(
            &facts(t, false, true, Some(NisClass::Important), false),
            &[rec(Step::NisNotification, None, true)],
            t,
        );
        assert_eq!(ds[1].state, DeadlineState::NotRequired);
        assert_eq!(ds[2].start, t + TimeDelta::hours(72));
    }

    #[test]
    fn a_state_agency_notifies_msb_within_six_hours_and_reports_within_four_weeks() {
        let t = se("2026-05-04 09:15");
        let ds = duties(&facts(t, false, true, None, true), &[], t);
        let steps: Vec<Step> = ds.iter().map(|d| d.step).collect();
        assert_eq!(steps, [Step::MsbFirst, Step::MsbFinal]);
        assert!(ds.iter().all(|d| d.regime == Regime::Msb && d.recipient == MSB && d.source.contains("MSBFS 2020:8")));
        assert_eq!(ds[0].due, t + TimeDelta::hours(6));
        assert_eq!(ds[1].due, t + TimeDelta::days(28));
        assert_eq!(format_local(&ds[1].due), "2026-06-01 09:15");
        // A serious incident without significance at an agency: nothing.
        assert!(duties(&facts(t, false, false, None, true), &[], t).is_empty());
    }

    #[test]
    fn every_duty_together_in_step_order() {
        let t = se("2026-05-04 09:15");
        let ds = duties(&facts(t, true, true, Some(NisClass::Essential), true), &[], t);
        let steps: Vec<Step> = ds.iter().map(|d| d.step).collect();
        assert_eq!(steps, Step::ALL);
        assert!(ds.windows(2).all(|w| w[0].step < w[1].step));
    }

    #[test]
    fn states_met_late_missed_not_required_running() {
        let t = se("2026-05-04 09:15");
        let f = facts(t, true, false, None, false);
        let d = t + TimeDelta::hours(72);
        let one = |r: &[Recorded], now| duties(&f, r, now)[0].state;
        assert_eq!(
            one(&[rec(Step::GdprNotify, Some(d), false)], d),
            DeadlineState::Met { at: d },
            "at the deadline is in time"
        );
        let after = d + TimeDelta::seconds(1);
        assert_eq!(one(&[rec(Step::GdprNotify, Some(after), false)], after), DeadlineState::Late { at: after });
        assert_eq!(one(&[], d), DeadlineState::Running { left: TimeDelta::zero() });
        assert_eq!(one(&[], after), DeadlineState::Missed);
        assert_eq!(one(&[rec(Step::GdprNotify, None, false)], after), DeadlineState::Missed, "a record without a time");
        assert_eq!(one(&[rec(Step::GdprNotify, None, true)], after), DeadlineState::NotRequired);
        assert_eq!(
            one(&[rec(Step::GdprNotify, Some(after), true)], after),
            DeadlineState::NotRequired,
            "not required wins"
        );
        // Another step's record does not count.
        assert_eq!(one(&[rec(Step::MsbFirst, Some(t), false)], after), DeadlineState::Missed);
        assert_eq!(DeadlineState::Missed.kind(), DeadlineStateKind::Missed);
        assert_eq!(DeadlineState::Met { at: d }.kind(), DeadlineStateKind::Met);
    }

    #[test]
    fn hours_are_real_hours_across_the_spring_change() {
        // 29 March 2026: clocks go from 02:00 to 03:00 (01:00 UTC).
        let t = se("2026-03-27 10:00");
        assert_eq!(t, utc("2026-03-27 09:00"));
        let ds = duties(&facts(t, true, true, Some(NisClass::Essential), true), &[], t);
        assert_eq!(due(&ds, Step::GdprNotify), utc("2026-03-30 09:00"));
        assert_eq!(format_local(&due(&ds, Step::GdprNotify)), "2026-03-30 11:00", "72 h, one hour later on the clock");
        assert_eq!(format_local(&due(&ds, Step::NisNotification)), "2026-03-30 11:00");
        let t = se("2026-03-28 12:00");
        let ds = duties(&facts(t, false, true, Some(NisClass::Essential), true), &[], t);
        assert_eq!(format_local(&due(&ds, Step::NisEarlyWarning)), "2026-03-29 13:00");
        // Six hours over the night of the change: seven on the clock.
        let t = se("2026-03-29 00:30");
        let ds = duties(&facts(t, false, true, None, true), &[], t);
        assert_eq!(due(&ds, Step::MsbFirst), utc("2026-03-29 05:30"));
        assert_eq!(format_local(&due(&ds, Step::MsbFirst)), "2026-03-29 07:30");
    }

    #[test]
    fn hours_are_real_hours_across_the_autumn_change() {
        // 25 October 2026: clocks go from 03:00 back to 02:00 (01:00 UTC).
        let t = se("2026-10-23 10:00");
        assert_eq!(t, utc("2026-10-23 08:00"));
        let ds = duties(&facts(t, true, true, Some(NisClass::Important), false), &[], t);
        assert_eq!(due(&ds, Step::GdprNotify), utc("2026-10-26 08:00"));
        assert_eq!(
            format_local(&due(&ds, Step::GdprNotify)),
            "2026-10-26 09:00",
            "72 h, one hour earlier on the clock"
        );
        assert_eq!(format_local(&due(&ds, Step::NisEarlyWarning)), "2026-10-24 10:00");
        let t = se("2026-10-25 00:30");
        let ds = duties(&facts(t, false, true, None, true), &[], t);
        assert_eq!(format_local(&due(&ds, Step::MsbFirst)), "2026-10-25 05:30", "six hours, five on the clock");
    }

    #[test]
    fn weekends_extend_nothing() {
        // Friday 16:00 + 72 h is Monday 16:00; + 24 h a Saturday.
        let t = se("2026-06-05 16:00");
        let ds = duties(&facts(t, true, true, Some(NisClass::Essential), false), &[], t);
        assert_eq!(format_local(&due(&ds, Step::NisEarlyWarning)), "2026-06-06 16:00");
        assert_eq!(format_local(&due(&ds, Step::GdprNotify)), "2026-06-08 16:00");
        // Midsummer eve and Christmas are no different.
        let t = se("2026-12-23 22:00");
        let ds = duties(&facts(t, true, false, None, false), &[], t);
        assert_eq!(format_local(&due(&ds, Step::GdprNotify)), "2026-12-26 22:00");
    }

    #[test]
    fn weeks_and_months_keep_the_wall_clock_time_across_the_changes() {
        // Four weeks over the spring change: 671 real hours.
        let t = se("2026-03-10 10:00");
        let d = plus_days_local(t, 28);
        assert_eq!(format_local(&d), "2026-04-07 10:00");
        assert_eq!(d - t, TimeDelta::hours(28 * 24 - 1));
        // Over the autumn change: 673 real hours.
        let t = se("2026-10-10 10:00");
        let d = plus_days_local(t, 28);
        assert_eq!(format_local(&d), "2026-11-07 10:00");
        assert_eq!(d - t, TimeDelta::hours(28 * 24 + 1));
        // A month over the changes.
        assert_eq!(format_local(&plus_months_local(se("2026-03-15 12:00"), 1)), "2026-04-15 12:00");
        assert_eq!(format_local(&plus_months_local(se("2026-10-15 12:00"), 1)), "2026-11-15 12:00");
    }

    #[test]
    fn a_month_too_short_ends_with_its_last_day() {
        assert_eq!(format_local(&plus_months_local(se("2026-01-30 10:00"), 1)), "2026-03-01 00:00");
        assert_eq!(format_local(&plus_months_local(se("2026-01-31 10:00"), 1)), "2026-03-01 00:00");
        assert_eq!(format_local(&plus_months_local(se("2028-01-31 10:00"), 1)), "2028-03-01 00:00", "leap year");
        assert_eq!(format_local(&plus_months_local(se("2028-01-29 10:00"), 1)), "2028-02-29 10:00", "leap day exists");
        assert_eq!(format_local(&plus_months_local(se("2026-03-31 10:00"), 1)), "2026-05-01 00:00");
        assert_eq!(format_local(&plus_months_local(se("2026-12-31 23:30"), 1)), "2027-01-31 23:30");
        // A later start never ends earlier: 28 January 23:00 ends before 31 January 10:00.
        assert!(plus_months_local(se("2026-01-28 23:00"), 1) < plus_months_local(se("2026-01-31 10:00"), 1));
        // The NIS2 final report from a notification due on 31 January.
        let t = se("2026-01-28 10:00");
        let ds = duties(&facts(t, false, true, Some(NisClass::Essential), false), &[], t);
        assert_eq!(format_local(&due(&ds, Step::NisFinal)), "2026-03-01 00:00");
    }

    #[test]
    fn the_spring_gap_moves_a_deadline_to_its_end() {
        // 2026-03-29 02:30 does not exist in Sweden: the first instant after is 03:00.
        let d = plus_days_local(se("2026-03-01 02:30"), 28);
        assert_eq!(d, utc("2026-03-29 01:00"));
        assert_eq!(format_local(&d), "2026-03-29 03:00");
        // 2027: the change is on 28 March; a month from 28 February 02:30.
        let d = plus_months_local(se("2027-02-28 02:30"), 1);
        assert_eq!(d, utc("2027-03-28 01:00"));
    }

    #[test]
    fn the_autumn_repeat_takes_its_first_pass() {
        // 2026-10-25 02:30 happens twice: the earlier (summer time) counts.
        let d = plus_days_local(se("2026-09-27 02:30"), 28);
        assert_eq!(d, utc("2026-10-25 00:30"));
        // Started in the repeated hour's first pass, a period counts from 02:00;
        // in its second pass, from its own wall-clock time.
        let first = utc("2026-10-25 00:50"); // 02:50 summer time
        let second = utc("2026-10-25 01:10"); // 02:10 winter time
        assert_eq!(format_local(&plus_days_local(first, 28)), "2026-11-22 02:00");
        assert_eq!(format_local(&plus_days_local(second, 28)), "2026-11-22 02:10");
        assert!(plus_days_local(first, 28) <= plus_days_local(second, 28));
        assert_eq!(
            format_local(&plus_days_local(utc("2026-10-24 23:59"), 28)),
            "2026-11-22 01:59",
            "01:59 summer time"
        );
    }

    #[test]
    fn alerts_near_in_the_last_quarter_and_when_missed() {
        let t = se("2026-05-04 09:15");
        let f = facts(t, true, false, None, false);
        let d = t + TimeDelta::hours(72);
        let at = |now, r: &[Recorded]| alert(&duties(&f, r, now)[0], now);
        assert_eq!(at(t, &[]), None);
        assert_eq!(at(d - TimeDelta::hours(18), &[]), None, "exactly a quarter left");
        assert_eq!(at(d - TimeDelta::hours(18) + TimeDelta::seconds(1), &[]), Some(Alert::Near));
        assert_eq!(at(d, &[]), Some(Alert::Near));
        assert_eq!(at(d + TimeDelta::seconds(1), &[]), Some(Alert::Missed));
        assert_eq!(at(d + TimeDelta::days(30), &[rec(Step::GdprNotify, Some(d), false)]), None, "met");
        assert_eq!(
            at(d + TimeDelta::days(30), &[rec(Step::GdprNotify, Some(d + TimeDelta::hours(1)), false)]),
            None,
            "late"
        );
        assert_eq!(at(d - TimeDelta::hours(1), &[rec(Step::GdprNotify, None, true)]), None, "not required");
        // A duty computed earlier but asked about after its deadline.
        let early = duties(&f, &[], t)[0].clone();
        assert_eq!(alert(&early, d + TimeDelta::hours(1)), Some(Alert::Missed));
        // The MSB first report: a quarter of six hours is 90 minutes.
        let ds = duties(&facts(t, false, true, None, true), &[], t);
        assert_eq!(alert(&ds[0], t + TimeDelta::minutes(270)), None);
        assert_eq!(alert(&ds[0], t + TimeDelta::minutes(271)), Some(Alert::Near));
    }

    #[test]
    fn duties_serialize_with_codes_and_seconds_left() {
        let t = se("2026-05-04 09:15");
        let ds = duties(&facts(t, true, false, None, false), &[], t + TimeDelta::hours(70));
        let v = serde_json::to_value(&ds[0]).unwrap();
        assert_eq!(v["step"], "gdpr_notify");
        assert_eq!(v["regime"], "gdpr");
        assert_eq!(v["recipient"], "IMY");
        assert_eq!(v["state"]["state"], "running");
        assert_eq!(v["state"]["left_seconds"], 7200);
    }

    /// Instants from 2000 to 2099, and instants near the changes of 2026
    /// and month ends, where the calendar rules are hardest.
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        let edges = [
            utc("2026-03-29 01:00"),
            utc("2026-10-25 01:00"),
            utc("2027-03-28 01:00"),
            utc("2026-01-31 12:00"),
            utc("2028-02-29 12:00"),
            utc("2026-03-01 01:00"),
            utc("2026-09-27 01:00"),
        ];
        prop_oneof![
            (946_684_800i64..4_102_444_800).prop_map(|s| DateTime::<Utc>::from_timestamp(s, 0).unwrap()),
            (0..edges.len(), -6 * 86_400i64..6 * 86_400).prop_map(move |(i, s)| edges[i] + TimeDelta::seconds(s)),
            (0..edges.len(), -3 * 3600i64..3 * 3600).prop_map(move |(i, s)| edges[i] + TimeDelta::seconds(s)),
        ]
    }

    fn all_facts(t: DateTime<Utc>) -> DutyFacts {
        facts(t, true, true, Some(NisClass::Essential), true)
    }

    proptest! {
        #[test]
        fn gdpr_is_always_exactly_72_hours(t in instant(), now in instant()) {
            let ds = duties(&facts(t, true, false, None, false), &[], now);
            prop_assert_eq!(ds.len(), 1);
            prop_assert_eq!(ds[0].due - t, TimeDelta::hours(72));
        }

        #[test]
        fn due_times_are_monotone_in_discovery(a in instant(), gap in prop_oneof![0i64..7200, 0i64..40 * 86_400]) {
            let b = a + TimeDelta::seconds(gap);
            let (da, db) = (duties(&all_facts(a), &[], a), duties(&all_facts(b), &[], b));
            prop_assert_eq!(da.len(), 6);
            for (x, y) in da.iter().zip(&db) {
                prop_assert!(x.due <= y.due, "{:?}: {} > {}", x.step, x.due, y.due);
                prop_assert!(x.start < x.due);
            }
        }

        #[test]
        fn calendar_deadlines_never_go_back_at_the_changes_and_month_ends(
            (a, b) in prop_oneof![
                // Around the changes of 2026 and 2027, at most two hours apart.
                (0usize..4, -2 * 3600i64..2 * 3600, 0i64..7200),
                // Around month ends, at most four days apart.
                (4usize..8, -3 * 86_400i64..86_400, 0i64..4 * 86_400),
            ]
            .prop_map(|(i, off, gap)| {
                let edges = [
                    utc("2026-03-29 01:00"),
                    utc("2026-10-25 01:00"),
                    utc("2027-03-28 01:00"),
                    utc("2027-10-31 01:00"),
                    utc("2026-01-31 12:00"),
                    utc("2026-03-31 12:00"),
                    utc("2028-01-31 12:00"),
                    utc("2026-04-30 12:00"),
                ];
                let a = edges[i] + TimeDelta::seconds(off);
                (a, a + TimeDelta::seconds(gap))
            })
        ) {
            prop_assert!(plus_days_local(a, 28) <= plus_days_local(b, 28), "{} {}", a, b);
            prop_assert!(plus_months_local(a, 1) <= plus_months_local(b, 1), "{} {}", a, b);
        }

        #[test]
        fn calendar_periods_stay_near_their_length(t in instant()) {
            let w = plus_days_local(t, 28) - t;
            prop_assert!(w >= TimeDelta::hours(28 * 24 - 2) && w <= TimeDelta::hours(28 * 24 + 1), "{}", w);
            let m = plus_months_local(t, 1) - t;
            prop_assert!(m >= TimeDelta::days(27) && m <= TimeDelta::days(32), "{}", m);
        }

        #[test]
        fn a_recorded_time_never_leaves_a_duty_running(
            t in instant(), now in instant(), offs in proptest::collection::vec(proptest::option::of(-86_400i64..90 * 86_400), 6), nr in proptest::collection::vec(any::<bool>(), 6)
        ) {
            let recorded: Vec<Recorded> = Step::ALL
                .iter()
                .zip(offs.iter().zip(&nr))
                .map(|(s, (o, n))| rec(*s, o.map(|o| t + TimeDelta::seconds(o)), *n))
                .collect();
            for d in duties(&all_facts(t), &recorded, now) {
                let r = recorded.iter().find(|r| r.step == d.step).unwrap();
                match (r.not_required, r.at) {
                    (true, _) => prop_assert_eq!(d.state, DeadlineState::NotRequired),
                    (false, Some(at)) if at <= d.due => prop_assert_eq!(d.state, DeadlineState::Met { at }),
                    (false, Some(at)) => prop_assert_eq!(d.state, DeadlineState::Late { at }),
                    (false, None) => {
                        let running = matches!(d.state, DeadlineState::Missed | DeadlineState::Running { .. });
                        prop_assert!(running, "{:?}", d.state);
                    }
                }
            }
        }

        #[test]
        fn unrecorded_duties_run_until_due_then_are_missed(t in instant(), now in instant()) {
            for d in duties(&all_facts(t), &[], now) {
                match d.state {
                    DeadlineState::Running { left } => {
                        prop_assert!(now <= d.due);
                        prop_assert_eq!(left, d.due - now);
                        prop_assert_ne!(alert(&d, now), Some(Alert::Missed));
                    }
                    DeadlineState::Missed => {
                        prop_assert!(now > d.due);
                        prop_assert_eq!(alert(&d, now), Some(Alert::Missed));
                    }
                    other => prop_assert!(false, "{:?}", other),
                }
            }
        }
    }
}
