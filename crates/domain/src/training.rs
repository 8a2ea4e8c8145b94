//! Training completion (utbildning): courses with a target group, a
//! validity and the organisation's target; completion kept as counts per
//! unit (headcount and completed, no personal data) or, optionally, as
//! person-level rows imported from a learning platform and kept only for a
//! retention period; and the coverage computed from them.
//!
//! Coverage of a course in one unit at a date `at`:
//! - person rows, when the unit has any completed on or before `at`: the
//!   distinct persons with a completion within validity (after `at` minus
//!   the validity, on or before `at`) against the unit's latest headcount
//!   for the course (its latest count on or before `at`, however old);
//!   without a headcount there is no coverage. Never more completed than
//!   headcount.
//! - otherwise the latest count on or before `at` that is still valid: a
//!   count is valid for the course's validity from its date.
//!
//! Rolled up the tree, a unit's coverage is the sum of completed over the
//! sum of headcount of every unit in its subtree (itself included).

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{FieldError, ValidationErrors};
use crate::org::OrgTree;
pub use crate::review::registers::Topic;
use crate::{code_enum, parse_date, parse_line, parse_text};

code_enum!(
    /// Whom a course is for.
    TargetGroup, "target_group" {
        /// Every employee of the organisation or unit.
        AllStaff => "all_staff",
        /// Managers (chefer).
        Managers => "managers",
        /// Elected officials (förtroendevalda).
        Elected => "elected",
        /// Another group, described in words.
        Custom => "custom",
    }
);

/// The largest headcount one count may give.
pub const MAX_HEADCOUNT: i64 = 1_000_000;
/// The longest person identifier (characters).
pub const MAX_PERSON_LEN: usize = 100;
/// The most rows one import may hold.
pub const MAX_IMPORT_ROWS: usize = 100_000;
/// The most errors one refused import lists (the rest are counted).
pub const MAX_IMPORT_ERRORS: usize = 200;
/// Retention of person rows when the organisation has set none (months).
pub const DEFAULT_RETENTION_MONTHS: i32 = 24;

/// A course as a form or the API gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CourseFields {
    pub name: String,
    pub target_group: String,
    /// Who the course is for, in words; required for a custom group.
    pub target_description: String,
    /// Renew every N years (1–10).
    pub validity_years: String,
    /// The organisation's target, percent (1–100).
    pub target_pct: String,
    /// What the course is about (information_security, data_protection, other);
    /// empty: read from the name.
    pub topic: String,
}

/// A course's parsed values.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseInput {
    pub name: String,
    pub target_group: TargetGroup,
    pub target_description: String,
    pub validity_years: i32,
    pub target_pct: i32,
    /// What the course is about: the checklist's e-learning points read its coverage.
    pub topic: Topic,
}

/// The topic a course's name suggests: data protection (dataskydd, GDPR),
/// information security (informationssäkerhet), or other.
pub fn topic_of_name(name: &str) -> Topic {
    let n = name.to_lowercase();
    if ["dataskydd", "gdpr", "data protection", "personuppgift"].iter().any(|w| n.contains(w)) {
        Topic::DataProtection
    } else if ["informationssäkerhet", "information security", "it-säkerhet", "cybersäkerhet"]
        .iter()
        .any(|w| n.contains(w))
    {
        Topic::InformationSecurity
    } else {
        Topic::Other
    }
}

fn parse_int(field: &'static str, s: &str, min: i64, max: i64) -> Result<i64, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "error-required"));
    }
    match s.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(field, "error-training-number")),
    }
}

impl CourseFields {
    pub fn parse(&self) -> Result<CourseInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let name = errs.check(parse_line("name", &self.name, 200, true));
        let group = errs.check(self.target_group.trim().parse::<TargetGroup>());
        let description = errs.check(parse_text("target_description", &self.target_description, 1000, false));
        let validity = errs.check(parse_int("validity_years", &self.validity_years, 1, 10));
        let target = errs.check(parse_int("target_pct", &self.target_pct, 1, 100));
        let topic = errs.check(match self.topic.trim() {
            "" => Ok(topic_of_name(&self.name)),
            s => s.parse::<Topic>(),
        });
        if group == Some(TargetGroup::Custom) && description.as_ref().is_some_and(String::is_empty) {
            errs.push(FieldError::new("target_description", "error-training-describe-group"));
        }
        errs.clone().into_result()?;
        Ok(CourseInput {
            name: name.expect("checked"),
            target_group: group.expect("checked"),
            target_description: description.expect("checked"),
            validity_years: validity.expect("checked") as i32,
            target_pct: target.expect("checked") as i32,
            topic: topic.expect("checked"),
        })
    }
}

/// A count of one unit for one course, as typed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CountFields {
    /// The date the count holds for (YYYY-MM-DD), not in the future.
    pub as_of: String,
    /// How many belong to the course's target group in the unit.
    pub headcount: String,
    /// How many of them have completed the course (within its validity).
    pub completed: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountInput {
    pub as_of: NaiveDate,
    pub headcount: i64,
    pub completed: i64,
}

impl CountFields {
    /// Completed may not exceed headcount; the date may not be after `today`.
    pub fn parse(&self, today: NaiveDate) -> Result<CountInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let as_of = errs.check(parse_date("as_of", &self.as_of, true)).flatten();
        let headcount = errs.check(parse_int("headcount", &self.headcount, 0, MAX_HEADCOUNT));
        let completed = errs.check(parse_int("completed", &self.completed, 0, MAX_HEADCOUNT));
        if as_of.is_some_and(|d| d > today) {
            errs.push(FieldError::new("as_of", "error-training-future"));
        }
        if let (Some(h), Some(c)) = (headcount, completed)
            && c > h
        {
            errs.push(FieldError::new("completed", "error-training-completed-above"));
        }
        errs.clone().into_result()?;
        Ok(CountInput {
            as_of: as_of.expect("checked"),
            headcount: headcount.expect("checked"),
            completed: completed.expect("checked"),
        })
    }
}

/// The retention of person rows, in months (1–120).
pub fn parse_retention(s: &str) -> Result<i32, FieldError> {
    parse_int("retention_months", s, 1, 120).map(|n| n as i32)
}

/// The moment before which person rows imported are past a retention of
/// `months` at `now`.
pub fn retention_cutoff(now: chrono::DateTime<chrono::Utc>, months: i32) -> chrono::DateTime<chrono::Utc> {
    now.checked_sub_months(chrono::Months::new(months.clamp(0, 1200) as u32)).unwrap_or(now)
}

/// The first day a completion made on `from` is no longer valid: `years` later.
pub fn valid_until(from: NaiveDate, years: i32) -> NaiveDate {
    from.checked_add_months(chrono::Months::new(12 * years.clamp(0, 100) as u32)).unwrap_or(NaiveDate::MAX)
}

/// When counts must be renewed: each unit's latest count (of `counts`, as
/// (unit, date)) stops being valid `years` after its date; the units grouped
/// by that day, earliest first, each list sorted.
pub fn renewals(
    years: i32,
    counts: impl IntoIterator<Item = (Uuid, NaiveDate)>,
) -> std::collections::BTreeMap<NaiveDate, Vec<Uuid>> {
    let mut latest: HashMap<Uuid, NaiveDate> = HashMap::new();
    for (unit, at) in counts {
        let e = latest.entry(unit).or_insert(at);
        *e = (*e).max(at);
    }
    let mut out: std::collections::BTreeMap<NaiveDate, Vec<Uuid>> = std::collections::BTreeMap::new();
    for (unit, at) in latest {
        out.entry(valid_until(at, years)).or_default().push(unit);
    }
    for units in out.values_mut() {
        units.sort();
    }
    out
}

/// Whether a completion (or a count) made on `from` is valid on `at`.
pub fn is_valid(from: NaiveDate, years: i32, at: NaiveDate) -> bool {
    from <= at && at < valid_until(from, years)
}

/// The earliest completion date still valid on `at` for a validity of `years`.
pub fn valid_since(at: NaiveDate, years: i32) -> NaiveDate {
    // The smallest d with valid_until(d) > at: the year-shift back is never
    // valid any more (a shift only clamps 29 February down), so step forward.
    let mut d = at.checked_sub_months(chrono::Months::new(12 * years.clamp(0, 100) as u32)).unwrap_or(NaiveDate::MIN);
    while valid_until(d, years) <= at {
        match d.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    d
}

/// The date a year's coverage is read at: 31 December, or `today` in the
/// current (or a later) year.
pub fn as_at(year: i32, today: NaiveDate) -> NaiveDate {
    let end = NaiveDate::from_ymd_opt(year.clamp(2000, 2100), 12, 31).unwrap_or(today);
    end.min(today)
}

/// A stored count of one unit for one course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub as_of: NaiveDate,
    pub headcount: i64,
    pub completed: i64,
}

/// Completed of a headcount.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub completed: i64,
    pub headcount: i64,
}

impl Figure {
    /// Coverage in percent, none without a headcount.
    pub fn pct(&self) -> Option<f64> {
        (self.headcount > 0).then(|| self.completed as f64 * 100.0 / self.headcount as f64)
    }

    /// Coverage in whole percent, rounded down (so 79.9 % does not read as 80 %).
    pub fn whole_pct(&self) -> Option<i64> {
        (self.headcount > 0).then(|| self.completed * 100 / self.headcount)
    }

    /// Whether coverage is at or above `target_pct` (exactly, in integers).
    pub fn meets(&self, target_pct: i32) -> bool {
        self.headcount > 0 && self.completed * 100 >= i64::from(target_pct) * self.headcount
    }

    fn add(self, o: Figure) -> Figure {
        Figure { completed: self.completed + o.completed, headcount: self.headcount + o.headcount }
    }
}

/// The distinct persons with a completion within validity on `at`, or none
/// when no row is completed on or before `at` (the unit reports by counts
/// then). The reference the store's tally follows.
pub fn person_tally(rows: &[(&str, NaiveDate)], years: i32, at: NaiveDate) -> Option<i64> {
    if !rows.iter().any(|(_, d)| *d <= at) {
        return None;
    }
    let valid: HashSet<&str> = rows.iter().filter(|(_, d)| is_valid(*d, years, at)).map(|(p, _)| *p).collect();
    Some(valid.len() as i64)
}

/// One unit's own figure for a course on `at` (see the module's rules):
/// `persons` is the unit's [`person_tally`] on `at`.
pub fn own_figure(years: i32, snapshots: &[Snapshot], persons: Option<i64>, at: NaiveDate) -> Option<Figure> {
    let latest = snapshots.iter().filter(|s| s.as_of <= at).max_by_key(|s| s.as_of);
    match persons {
        Some(n) => latest.map(|s| Figure { completed: n.clamp(0, s.headcount), headcount: s.headcount }),
        None => latest
            .filter(|s| is_valid(s.as_of, years, at))
            .map(|s| Figure { completed: s.completed.clamp(0, s.headcount), headcount: s.headcount }),
    }
}

/// One organisation's row of a course's coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRow {
    pub org_id: Uuid,
    pub depth: usize,
    /// The unit's own figure, if it has one.
    pub own: Option<Figure>,
    /// Its subtree's: the sums of the own figures below it and its own.
    pub total: Figure,
}

/// A course's coverage over `root`'s subtree, in tree order, from the own
/// figures of the units (`own`); only units in the subtree of the course's
/// owner count (a course applies to its owner's subtree). Rows without any
/// figure in their subtree are left out.
pub fn coverage(tree: &OrgTree, root: Uuid, owner: Uuid, own: &HashMap<Uuid, Figure>) -> Vec<CoverageRow> {
    let nodes = tree.subtree(root);
    let mut totals: HashMap<Uuid, Figure> = HashMap::new();
    // Children come after their parent in the subtree's order: sum from the end.
    for (_, n) in nodes.iter().rev() {
        let mine = own.get(&n.id).copied().filter(|_| tree.is_in_subtree(owner, n.id)).unwrap_or_default();
        let below = tree.children(n.id).iter().filter_map(|c| totals.get(c)).fold(Figure::default(), |a, b| a.add(*b));
        totals.insert(n.id, mine.add(below));
    }
    nodes
        .iter()
        .filter_map(|(depth, n)| {
            let applies = tree.is_in_subtree(owner, n.id);
            let mine = own.get(&n.id).copied().filter(|_| applies);
            let total = totals.get(&n.id).copied().unwrap_or_default();
            let has_any = mine.is_some() || total.headcount > 0 || total.completed > 0;
            has_any.then_some(CoverageRow { org_id: n.id, depth: *depth, own: mine, total })
        })
        .collect()
}

/// `root`'s rolled-up figure from units' own figures: the sum over its
/// subtree (within the owner's).
pub fn rolled_up(tree: &OrgTree, root: Uuid, owner: Uuid, own: &HashMap<Uuid, Figure>) -> Figure {
    tree.subtree(root)
        .iter()
        .filter(|(_, n)| tree.is_in_subtree(owner, n.id))
        .filter_map(|(_, n)| own.get(&n.id))
        .fold(Figure::default(), |a, b| a.add(*b))
}

/// A person-level row of an import, checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonRow {
    pub person: String,
    pub course_id: Uuid,
    pub completed_on: NaiveDate,
}

/// A wrong field of an import row: the row's number as the file counts it
/// (from 1), the field and a translation key.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub field: &'static str,
    pub code: &'static str,
}

/// Column names a header row may use, by field (lower case).
const PERSON_NAMES: &[&str] =
    &["person", "personid", "person-id", "identitet", "anställningsnummer", "användare", "user", "id"];
const COURSE_NAMES: &[&str] = &["kurs", "course", "utbildning", "training"];
const DATE_NAMES: &[&str] = &["datum", "date", "slutförd", "completed", "completed_on", "genomförd"];

/// A date as a learning platform writes it: `YYYY-MM-DD`, that followed by
/// a time, or an Excel date number.
pub fn parse_import_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let day = match s.get(..10) {
        Some(d) if s.len() == 10 || s[10..].starts_with([' ', 'T']) => d,
        _ => s,
    };
    if let Ok(d) = NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        return (2000..=2100).contains(&d.year()).then_some(d);
    }
    // An Excel serial date (days since 1899-12-30), 2000-01-01 to 2100-12-31.
    let n: i64 = s.parse().ok()?;
    if !(36_526..=73_415).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(n as u64))
}

/// Checks an import's rows (a header row first, or the columns person,
/// course, date in that order): every wrong field of every row is named;
/// nothing is returned unless all rows are right. `course_of` finds a
/// course by the name (or id) a row gives. Rows repeated in the file count once.
pub fn parse_import(
    rows: &[Vec<String>],
    today: NaiveDate,
    course_of: impl Fn(&str) -> Option<Uuid>,
) -> Result<Vec<PersonRow>, (Vec<RowError>, usize)> {
    let first = rows.iter().position(|r| r.iter().any(|c| !c.trim().is_empty()));
    let Some(first) = first else {
        return Err((vec![RowError { row: 0, field: "file", code: "error-training-import-empty" }], 1));
    };
    let header: Vec<String> = rows[first].iter().map(|c| c.trim().to_lowercase()).collect();
    let find = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let (cols, start) = match (find(PERSON_NAMES), find(COURSE_NAMES), find(DATE_NAMES)) {
        (Some(p), Some(c), Some(d)) => ((p, c, d), first + 1),
        _ => ((0, 1, 2), first),
    };
    let data = rows.len().saturating_sub(start);
    if data > MAX_IMPORT_ROWS {
        return Err((vec![RowError { row: 0, field: "file", code: "error-training-import-too-many" }], 1));
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    let mut count = 0usize;
    let mut push = |e: RowError, errors: &mut Vec<RowError>| {
        count += 1;
        if errors.len() < MAX_IMPORT_ERRORS {
            errors.push(e);
        }
    };
    for (i, r) in rows.iter().enumerate().skip(start) {
        let row = i + 1;
        let cell = |c: usize| r.get(c).map(|v| v.trim()).unwrap_or("");
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let person = cell(cols.0);
        let person_ok =
            !person.is_empty() && person.chars().count() <= MAX_PERSON_LEN && !person.chars().any(char::is_control);
        if person.is_empty() {
            push(RowError { row, field: "person", code: "error-required" }, &mut errors);
        } else if !person_ok {
            push(RowError { row, field: "person", code: "error-training-person" }, &mut errors);
        }
        let course = cell(cols.1);
        let course_id = if course.is_empty() {
            push(RowError { row, field: "course", code: "error-required" }, &mut errors);
            None
        } else {
            let found = course_of(course);
            if found.is_none() {
                push(RowError { row, field: "course", code: "error-training-course-unknown" }, &mut errors);
            }
            found
        };
        let date = cell(cols.2);
        let completed_on = if date.is_empty() {
            push(RowError { row, field: "completed_on", code: "error-required" }, &mut errors);
            None
        } else {
            match parse_import_date(date) {
                None => {
                    push(RowError { row, field: "completed_on", code: "error-date" }, &mut errors);
                    None
                }
                Some(d) if d > today => {
                    push(RowError { row, field: "completed_on", code: "error-training-future" }, &mut errors);
                    None
                }
                Some(d) => Some(d),
            }
        };
        if let (true, Some(course_id), Some(completed_on)) = (person_ok, course_id, completed_on) {
            let p = PersonRow { person: person.to_owned(), course_id, completed_on };
            if seen.insert(p.clone()) {
                out.push(p);
            }
        }
    }
    if count > 0 {
        return Err((errors, count));
    }
    if out.is_empty() {
        return Err((vec![RowError { row: 0, field: "file", code: "error-training-import-empty" }], 1));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{OrgKind, OrgNode};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn renewals_follow_each_units_latest_count() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let r = renewals(2, [(a, d("2024-03-01")), (a, d("2025-03-01")), (b, d("2025-03-01")), (c, d("2024-02-29"))]);
        let got: Vec<(NaiveDate, Vec<Uuid>)> = r.into_iter().collect();
        // 29 February plus two years is 28 February; a's older count is superseded.
        assert_eq!(got, vec![(d("2026-02-28"), vec![c]), (d("2027-03-01"), vec![a, b])]);
        assert!(renewals(1, []).is_empty());
    }

    fn node(id: u128, parent: Option<u128>) -> OrgNode {
        OrgNode {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            name: format!("Org {id}"),
            kind: OrgKind::Unit,
            own_review: false,
        }
    }

    /// 1 ─ 2 ─ 4, 2 ─ 5; 1 ─ 3
    fn tree() -> OrgTree {
        OrgTree::new(vec![node(1, None), node(2, Some(1)), node(3, Some(1)), node(4, Some(2)), node(5, Some(2))])
    }

    #[test]
    fn a_course_names_its_bad_fields_and_a_custom_group_is_described() {
        let ok = CourseFields {
            name: "Informationssäkerhet för alla".into(),
            target_group: "all_staff".into(),
            validity_years: "2".into(),
            target_pct: "90".into(),
            ..Default::default()
        };
        let c = ok.parse().unwrap();
        assert_eq!((c.target_group, c.validity_years, c.target_pct), (TargetGroup::AllStaff, 2, 90));
        assert_eq!(c.topic, Topic::InformationSecurity, "read from the name when not given");
        let dp = CourseFields { topic: "data_protection".into(), ..ok.clone() };
        assert_eq!(dp.parse().unwrap().topic, Topic::DataProtection);
        let bad = CourseFields {
            name: "x".repeat(201),
            target_group: "everyone".into(),
            validity_years: "11".into(),
            target_pct: "0".into(),
            ..Default::default()
        };
        let named: Vec<&str> = bad.parse().unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(named, vec!["name", "target_group", "validity_years", "target_pct"]);
        let custom = CourseFields { target_group: "custom".into(), ..ok.clone() };
        assert_eq!(
            custom.parse().unwrap_err().0,
            vec![FieldError::new("target_description", "error-training-describe-group")]
        );
        let custom = CourseFields { target_description: "Systemförvaltare".into(), ..custom };
        assert_eq!(custom.parse().unwrap().target_group, TargetGroup::Custom);
    }

    #[test]
    fn a_count_is_not_in_the_future_and_completed_is_at_most_headcount() {
        let today = d("2026-06-01");
        let f = CountFields { as_of: "2026-05-31".into(), headcount: "120".into(), completed: "121".into() };
        assert_eq!(f.parse(today).unwrap_err().0, vec![FieldError::new("completed", "error-training-completed-above")]);
        let f = CountFields { as_of: "2026-06-02".into(), headcount: "1000001".into(), completed: "-1".into() };
        let named: Vec<&str> = f.parse(today).unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(named, vec!["headcount", "completed", "as_of"]);
        let f = CountFields { as_of: "2026-06-01".into(), headcount: "120".into(), completed: "96".into() };
        assert_eq!(f.parse(today).unwrap(), CountInput { as_of: today, headcount: 120, completed: 96 });
    }

    #[test]
    fn validity_runs_whole_years_from_the_date() {
        assert!(is_valid(d("2024-03-15"), 2, d("2026-03-14")));
        assert!(!is_valid(d("2024-03-15"), 2, d("2026-03-15")));
        assert!(!is_valid(d("2024-03-15"), 2, d("2024-03-14")), "not before it was made");
        assert_eq!(valid_until(d("2024-02-29"), 1), d("2025-02-28"));
        for (at, y) in [("2026-03-15", 2), ("2025-02-28", 1), ("2028-02-29", 4), ("2026-12-31", 3)] {
            let since = valid_since(d(at), y);
            assert!(is_valid(since, y, d(at)), "{at} {y}");
            assert!(!is_valid(since.pred_opt().unwrap(), y, d(at)), "{at} {y}");
        }
        assert_eq!(as_at(2025, d("2026-06-01")), d("2025-12-31"));
        assert_eq!(as_at(2026, d("2026-06-01")), d("2026-06-01"));
    }

    #[test]
    fn a_unit_s_figure_comes_from_persons_or_its_latest_valid_count() {
        let snaps = [
            Snapshot { as_of: d("2023-01-10"), headcount: 100, completed: 40 },
            Snapshot { as_of: d("2025-01-10"), headcount: 110, completed: 90 },
        ];
        assert_eq!(own_figure(2, &snaps, None, d("2024-12-31")), Some(Figure { completed: 40, headcount: 100 }));
        assert_eq!(own_figure(2, &snaps, None, d("2026-06-01")), Some(Figure { completed: 90, headcount: 110 }));
        assert_eq!(own_figure(2, &snaps, None, d("2027-01-10")), None, "the count has expired");
        assert_eq!(own_figure(2, &snaps, None, d("2022-12-31")), None, "no count yet");
        // Persons count against the latest headcount, however old; never above it.
        assert_eq!(own_figure(2, &snaps, Some(50), d("2030-01-01")), Some(Figure { completed: 50, headcount: 110 }));
        assert_eq!(own_figure(2, &snaps, Some(500), d("2026-01-01")), Some(Figure { completed: 110, headcount: 110 }));
        assert_eq!(own_figure(2, &[], Some(5), d("2026-01-01")), None, "no headcount, no coverage");
        let rows = [("a", d("2024-05-01")), ("a", d("2025-05-01")), ("b", d("2023-01-01")), ("c", d("2026-02-01"))];
        assert_eq!(person_tally(&rows, 2, d("2025-12-31")), Some(1), "a once; b expired; c not yet");
        assert_eq!(person_tally(&rows, 2, d("2026-12-31")), Some(2));
        assert_eq!(person_tally(&rows, 2, d("2022-12-31")), None);
    }

    #[test]
    fn coverage_rolls_up_the_owner_s_subtree_only() {
        let t = tree();
        let f = |c, h| Figure { completed: c, headcount: h };
        let own: HashMap<Uuid, Figure> = [(2, f(5, 10)), (4, f(8, 10)), (5, f(2, 10)), (3, f(9, 10))]
            .into_iter()
            .map(|(k, v)| (Uuid::from_u128(k), v))
            .collect();
        let rows = coverage(&t, Uuid::from_u128(1), Uuid::from_u128(1), &own);
        assert_eq!(rows[0].total, f(24, 40));
        let two = rows.iter().find(|r| r.org_id == Uuid::from_u128(2)).unwrap();
        assert_eq!((two.own, two.total, two.depth), (Some(f(5, 10)), f(15, 30), 1));
        // A course of unit 2 applies below it only: 3's figure does not count.
        let rows = coverage(&t, Uuid::from_u128(1), Uuid::from_u128(2), &own);
        assert_eq!(rows[0].total, f(15, 30));
        assert!(rows.iter().all(|r| r.org_id != Uuid::from_u128(3)));
        assert_eq!(rolled_up(&t, Uuid::from_u128(1), Uuid::from_u128(2), &own), f(15, 30));
        assert!(f(15, 30).meets(50) && !f(15, 30).meets(51) && !f(0, 0).meets(1));
        assert_eq!(f(799, 1000).whole_pct(), Some(79));
    }

    #[test]
    fn an_import_names_every_wrong_row_and_field_or_gives_every_row() {
        let kurs = Uuid::from_u128(7);
        let course_of = |s: &str| (s.eq_ignore_ascii_case("Informationssäkerhet")).then_some(kurs);
        let today = d("2026-06-01");
        let rows: Vec<Vec<String>> = [
            vec!["Person", "Kurs", "Datum"],
            vec!["anna01", "Informationssäkerhet", "2026-01-15"],
            vec!["", "Okänd kurs", "2026-13-01"],
            vec!["", "", ""],
            vec!["bertil", "informationssäkerhet", "2026-07-01"],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
        let (errs, n) = parse_import(&rows, today, course_of).unwrap_err();
        let got: Vec<(usize, &str)> = errs.iter().map(|e| (e.row, e.field)).collect();
        assert_eq!(got, vec![(3, "person"), (3, "course"), (3, "completed_on"), (5, "completed_on")]);
        assert_eq!(n, 4);
        let good: Vec<Vec<String>> = vec![
            vec!["anna01".into(), "Informationssäkerhet".into(), "2026-01-15 10:22".into()],
            vec!["anna01".into(), "Informationssäkerhet".into(), "2026-01-15".into()],
            vec!["bertil".into(), "Informationssäkerhet".into(), "46023".into()],
        ];
        let ok = parse_import(&good, today, course_of).unwrap();
        assert_eq!(ok.len(), 2, "without a header, by position; a repeated row counts once");
        assert_eq!(ok[1].completed_on, d("2026-01-01"));
        assert!(parse_import(&[], today, course_of).is_err());
    }

    proptest::proptest! {
        /// Whatever the counts and persons, no unit and no roll-up is above
        /// 100 %, and every roll-up is the sum of the own figures below it.
        #[test]
        fn coverage_is_never_above_all_and_rolls_up_as_sums(
            units in proptest::collection::vec((0i64..1000, 0i64..1000, proptest::option::of(0i64..3000), 0u32..2000), 5),
            years in 1i32..=10,
        ) {
            let t = tree();
            let at = d("2026-12-31");
            let mut own = HashMap::new();
            for (i, (h, c, persons, age)) in units.iter().enumerate() {
                let snap = Snapshot { as_of: at - chrono::Days::new(u64::from(*age)), headcount: *h, completed: (*c).min(*h) };
                if let Some(f) = own_figure(years, &[snap], *persons, at) {
                    proptest::prop_assert!(f.completed <= f.headcount && f.completed >= 0);
                    own.insert(Uuid::from_u128(i as u128 + 1), f);
                }
            }
            let rows = coverage(&t, Uuid::from_u128(1), Uuid::from_u128(1), &own);
            for r in &rows {
                proptest::prop_assert!(r.total.completed <= r.total.headcount);
                proptest::prop_assert!(r.total.pct().is_none_or(|p| p <= 100.0));
                let sum = t.subtree(r.org_id).iter().filter_map(|(_, n)| own.get(&n.id)).fold(Figure::default(), |a, b| a.add(*b));
                proptest::prop_assert_eq!(r.total, sum);
            }
        }

        /// Every unit renews once, on the day its latest count runs out,
        /// and a count is valid the whole day before it.
        #[test]
        fn every_unit_renews_once_when_its_latest_count_runs_out(
            counts in proptest::collection::vec((0u8..10, 0u32..4000), 0..40), years in 1i32..=10,
        ) {
            let counts: Vec<(Uuid, NaiveDate)> = counts.iter()
                .map(|(u, age)| (Uuid::from_u128(u128::from(*u)), d("2016-01-01") + chrono::Days::new(u64::from(*age))))
                .collect();
            let r = renewals(years, counts.clone());
            let units: Vec<Uuid> = r.values().flatten().copied().collect();
            let distinct: HashSet<Uuid> = counts.iter().map(|(u, _)| *u).collect();
            proptest::prop_assert_eq!(units.len(), distinct.len());
            for (due, us) in &r {
                for u in us {
                    let latest = counts.iter().filter(|(x, _)| x == u).map(|(_, a)| *a).max().unwrap();
                    proptest::prop_assert!(is_valid(latest, years, due.pred_opt().unwrap()));
                    proptest::prop_assert!(!is_valid(latest, years, *due));
                }
            }
        }

        /// The tally never counts a person twice nor one outside validity.
        #[test]
        fn the_tally_counts_distinct_valid_persons(
            rows in proptest::collection::vec((0u8..20, 0u32..4000), 0..60), years in 1i32..=10,
        ) {
            let at = d("2026-12-31");
            let names: Vec<String> = rows.iter().map(|(p, _)| format!("p{p}")).collect();
            let rows: Vec<(&str, NaiveDate)> = rows.iter().zip(&names)
                .map(|((_, age), n)| (n.as_str(), d("2016-01-01") + chrono::Days::new(u64::from(*age))))
                .collect();
            if let Some(n) = person_tally(&rows, years, at) {
                let distinct: HashSet<&str> = rows.iter().map(|(p, _)| *p).collect();
                proptest::prop_assert!(n as usize <= distinct.len());
                let since = valid_since(at, years);
                let valid: HashSet<&str> = rows.iter().filter(|(_, d)| *d >= since && *d <= at).map(|(p, _)| *p).collect();
                proptest::prop_assert_eq!(n as usize, valid.len());
            }
        }

        /// Any import file is answered without panicking.
        #[test]
        fn any_import_is_answered(rows in proptest::collection::vec(proptest::collection::vec(".{0,12}", 0..4), 0..8)) {
            let _ = parse_import(&rows, d("2026-06-01"), |s| (s == "k").then_some(Uuid::nil()));
        }
    }
}
