//! Training completion (utbildning): courses, counts per unit and course,
//! the import of person-level rows from a learning platform (all or
//! nothing), their purge after the retention period, and coverage per
//! course and unit rolled up the tree with its trend per year.
//!
//! Who may do what: [`Permission::ViewTraining`] reads courses and coverage
//! of the organisations in the caller's scope (a course applies to its
//! owner's subtree, so a förvaltning sees the kommun's courses);
//! [`Permission::ReportTraining`] records counts and imports person rows
//! for a unit; [`Permission::ManageCourses`] writes the courses an
//! organisation owns and its retention period. Analysts see none of it.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use domain::authz::Permission;
use domain::org::OrgTree;
use domain::training::{
    CountFields, CourseFields, Figure, RowError, Snapshot, as_at, coverage, own_figure, parse_import, parse_retention,
};
use store::OrgScope;
use uuid::Uuid;

use super::{Caller, Error, Result};

/// The largest import file (the request body limit is 2 MiB).
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024 - 64 * 1024;
/// How many years the trend shows, this one included.
pub const TREND_YEARS: i32 = 5;

/// The refusal for a write at `org` the caller may not make there:
/// forbidden where they read training, not found elsewhere.
fn refusal(caller: &Caller, tree: &OrgTree, org: Uuid) -> Error {
    if caller.principal.can(Permission::ViewTraining, org, tree) { Error::Forbidden } else { Error::NotFound }
}

fn ensure_somewhere(caller: &Caller, perm: Permission) -> Result<()> {
    if caller.principal.can_somewhere(perm) { Ok(()) } else { Err(Error::Forbidden) }
}

/// The organisations where the caller holds `perm`, with their depth, in tree order.
pub fn orgs_with(caller: &Caller, tree: &OrgTree, perm: Permission) -> Vec<(usize, Uuid)> {
    let mut out = Vec::new();
    for root in caller.principal.visible_roots(perm, tree) {
        for (depth, n) in tree.subtree(root) {
            out.push((depth, n.id));
        }
    }
    out
}

/// A course's coverage in one organisation of the tree.
#[derive(Debug, Clone)]
pub struct CoverageLine {
    pub org_id: Uuid,
    pub name: String,
    pub depth: usize,
    pub own: Option<Figure>,
    pub total: Figure,
}

/// One course with its coverage over the chosen organisation's subtree.
#[derive(Debug, Clone)]
pub struct CourseCoverage {
    pub course: store::Course,
    pub owner_name: String,
    /// In tree order; the first is the chosen organisation's roll-up when it has figures.
    pub lines: Vec<CoverageLine>,
    /// The chosen organisation's rolled-up figure.
    pub total: Figure,
    /// (year, figure at 31 December or today), oldest first.
    pub trend: Vec<(i32, Figure)>,
}

impl CourseCoverage {
    pub fn meets(&self) -> bool {
        self.total.meets(self.course.data.target_pct)
    }
}

/// The training page: the courses applying to `root` with their coverage.
pub struct Overview {
    pub root: Uuid,
    pub tree: OrgTree,
    pub year: i32,
    pub at: NaiveDate,
    pub courses: Vec<CourseCoverage>,
    /// Organisations the caller may choose (ViewTraining), with depth.
    pub choices: Vec<(usize, Uuid)>,
    /// Where the caller may add courses.
    pub course_orgs: Vec<(usize, Uuid)>,
    /// Where the caller may record counts and import.
    pub report_orgs: Vec<(usize, Uuid)>,
    /// The retention of person rows of courses `root` owns, when the caller manages them there.
    pub retention: Option<i32>,
}

/// The organisation a reader looks at: the one asked for if they may read
/// it (not found otherwise), else the first they may.
fn choose_root(caller: &Caller, tree: &OrgTree, org: Option<Uuid>) -> Result<Uuid> {
    match org {
        Some(o) if caller.principal.can(Permission::ViewTraining, o, tree) => Ok(o),
        Some(_) => Err(Error::NotFound),
        None => {
            caller.principal.visible_roots(Permission::ViewTraining, tree).into_iter().next().ok_or(Error::Forbidden)
        }
    }
}

/// Own figures per course and unit at each date of `dates`, for the units
/// of `scope`: one read of counts and one tally per date.
async fn own_figures(
    store: &store::Store,
    courses: &[store::Course],
    scope: &OrgScope,
    dates: &[NaiveDate],
) -> Result<Vec<HashMap<(Uuid, Uuid), Figure>>> {
    let ids: Vec<Uuid> = courses.iter().map(|c| c.id).collect();
    let counts = store.training_counts(&ids, scope).await?;
    let mut snaps: HashMap<(Uuid, Uuid), Vec<Snapshot>> = HashMap::new();
    for c in &counts {
        snaps.entry((c.course_id, c.org_id)).or_default().push(Snapshot {
            as_of: c.as_of,
            headcount: c.headcount,
            completed: c.completed,
        });
    }
    let validity: HashMap<Uuid, i32> = courses.iter().map(|c| (c.id, c.data.validity_years)).collect();
    let mut out = Vec::with_capacity(dates.len());
    for at in dates {
        let tallies = store.person_tallies(&ids, scope, *at).await?;
        let persons: HashMap<(Uuid, Uuid), i64> =
            tallies.iter().filter(|t| t.rows > 0).map(|t| ((t.course_id, t.org_id), t.valid)).collect();
        let mut keys: Vec<(Uuid, Uuid)> = snaps.keys().copied().chain(persons.keys().copied()).collect();
        keys.sort();
        keys.dedup();
        let mut figures = HashMap::new();
        for k in keys {
            let years = validity.get(&k.0).copied().unwrap_or(1);
            let s = snaps.get(&k).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(f) = own_figure(years, s, persons.get(&k).copied(), *at) {
                figures.insert(k, f);
            }
        }
        out.push(figures);
    }
    Ok(out)
}

fn course_own(figures: &HashMap<(Uuid, Uuid), Figure>, course: Uuid) -> HashMap<Uuid, Figure> {
    figures.iter().filter(|((c, _), _)| *c == course).map(|((_, o), f)| (*o, *f)).collect()
}

/// The trend's years, ending with `year`, and the date each is read at.
fn trend_dates(year: i32, today: NaiveDate) -> Vec<(i32, NaiveDate)> {
    domain::assets::trend::year_ends(year, today, TREND_YEARS)
}

/// A year a query asks for: within 2000..=this year, else this year.
pub fn year_or_this(year: Option<i32>, today: NaiveDate) -> i32 {
    year.filter(|y| (2000..=today.year()).contains(y)).unwrap_or(today.year())
}

/// The courses applying to `org` (default: the caller's first organisation)
/// with their coverage at the end of `year` (today in the current year),
/// per unit and rolled up, and the trend over the last years.
pub async fn overview(store: &store::Store, caller: &Caller, org: Option<Uuid>, year: Option<i32>) -> Result<Overview> {
    ensure_somewhere(caller, Permission::ViewTraining)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let root = choose_root(caller, &tree, org)?;
    let today = domain::clock::today();
    let year = year_or_this(year, today);
    let courses = store.courses_for_org(root).await?;
    let dates = trend_dates(year, today);
    let plain: Vec<NaiveDate> = dates.iter().map(|(_, d)| *d).collect();
    let figures = own_figures(store, &courses, &OrgScope::Subtree(root), &plain).await?;
    let name = |id: Uuid| tree.get(id).map(|n| n.name.clone()).unwrap_or_default();
    let mut out = Vec::new();
    for c in courses {
        let now = figures.last().map(|f| course_own(f, c.id)).unwrap_or_default();
        let lines: Vec<CoverageLine> = coverage(&tree, root, c.org_id, &now)
            .into_iter()
            .map(|r| CoverageLine {
                org_id: r.org_id,
                name: name(r.org_id),
                depth: r.depth,
                own: r.own,
                total: r.total,
            })
            .collect();
        let total = domain::training::rolled_up(&tree, root, c.org_id, &now);
        let trend = dates
            .iter()
            .zip(&figures)
            .map(|((y, _), f)| (*y, domain::training::rolled_up(&tree, root, c.org_id, &course_own(f, c.id))))
            .collect();
        out.push(CourseCoverage { owner_name: name(c.org_id), course: c, lines, total, trend });
    }
    let may_manage_root = caller.principal.can(Permission::ManageCourses, root, &tree);
    let retention = if may_manage_root { Some(store.training_retention(root).await?) } else { None };
    Ok(Overview {
        root,
        year,
        at: as_at(year, today),
        courses: out,
        choices: orgs_with(caller, &tree, Permission::ViewTraining),
        course_orgs: orgs_with(caller, &tree, Permission::ManageCourses),
        report_orgs: orgs_with(caller, &tree, Permission::ReportTraining),
        retention,
        tree,
    })
}

/// The courses the caller reads: those applying to an organisation in
/// their scope (owned there, above or below), or to `org` if given.
pub async fn list_courses(store: &store::Store, caller: &Caller, org: Option<Uuid>) -> Result<Vec<store::Course>> {
    ensure_somewhere(caller, Permission::ViewTraining)?;
    match org {
        Some(_) => {
            let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
            let root = choose_root(caller, &tree, org)?;
            Ok(store.courses_for_org(root).await?)
        }
        None => Ok(store.list_courses(&OrgScope::of_and_above(&caller.principal, Permission::ViewTraining)).await?),
    }
}

/// A course the caller may read, with what they may do with it.
pub struct CourseView {
    pub course: store::Course,
    pub tree: OrgTree,
    pub may_manage: bool,
    /// Units where the caller may record counts for the course (its owner's subtree).
    pub report_orgs: Vec<(usize, Uuid)>,
    /// The latest counts the caller sees, newest first (at most 200).
    pub counts: Vec<store::TrainingCount>,
}

/// Whether the caller reads `course`: they read its owner, or an
/// organisation in its owner's subtree (the course applies there).
fn reads_course(caller: &Caller, tree: &OrgTree, course: &store::Course) -> bool {
    caller.principal.can(Permission::ViewTraining, course.org_id, tree)
        || caller
            .principal
            .visible_roots(Permission::ViewTraining, tree)
            .into_iter()
            .any(|r| tree.is_in_subtree(course.org_id, r))
}

/// Loads a course the caller may read (not found otherwise).
pub async fn load_course(store: &store::Store, caller: &Caller, id: Uuid) -> Result<CourseView> {
    ensure_somewhere(caller, Permission::ViewTraining)?;
    let course = store.find_course(id).await?.ok_or(Error::NotFound)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !reads_course(caller, &tree, &course) {
        return Err(Error::NotFound);
    }
    let may_manage = caller.principal.can(Permission::ManageCourses, course.org_id, &tree);
    let report_orgs: Vec<(usize, Uuid)> = orgs_with(caller, &tree, Permission::ReportTraining)
        .into_iter()
        .filter(|(_, o)| tree.is_in_subtree(course.org_id, *o))
        .collect();
    let scope = OrgScope::of(&caller.principal, Permission::ViewTraining);
    let mut counts = store.training_counts(&[id], &scope).await?;
    counts.sort_by(|a, b| b.as_of.cmp(&a.as_of).then(a.org_id.cmp(&b.org_id)));
    counts.truncate(200);
    Ok(CourseView { course, tree, may_manage, report_orgs, counts })
}

/// Adds a course owned by `org` (the CISO there).
pub async fn create_course(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    fields: &CourseFields,
) -> Result<store::Course> {
    ensure_somewhere(caller, Permission::ManageCourses)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let input = fields.parse();
    let Some(org) = org else {
        let mut errs = input.err().map(|e| e.0).unwrap_or_default();
        errs.insert(0, domain::FieldError::new("org_id", "error-training-org"));
        return Err(Error::Validation(errs));
    };
    if !caller.principal.can(Permission::ManageCourses, org, &tree) {
        return Err(refusal(caller, &tree, org));
    }
    Ok(store.insert_course(&caller.actor(), org, input?).await?)
}

/// Changes a course (the CISO of its owner).
pub async fn update_course(
    store: &store::Store,
    caller: &Caller,
    id: Uuid,
    fields: &CourseFields,
) -> Result<store::Course> {
    let v = load_course(store, caller, id).await?;
    if !v.may_manage {
        return Err(Error::Forbidden);
    }
    let input = fields.parse()?;
    Ok(store.update_course(&caller.actor(), id, input).await?)
}

/// Records a unit's count for a course (its coordinator or CISO).
pub async fn record_count(
    store: &store::Store,
    caller: &Caller,
    course: Uuid,
    org: Option<Uuid>,
    fields: &CountFields,
) -> Result<store::TrainingCount> {
    let v = load_course(store, caller, course).await?;
    if v.report_orgs.is_empty() {
        return Err(Error::Forbidden);
    }
    let input = fields.parse(domain::clock::today());
    let Some(org) = org.filter(|o| v.report_orgs.iter().any(|(_, r)| r == o)) else {
        let mut errs = input.err().map(|e| e.0).unwrap_or_default();
        errs.insert(0, domain::FieldError::new("org_id", "error-training-org"));
        return Err(Error::Validation(errs));
    };
    Ok(store.record_training_count(&caller.actor(), course, org, input?).await?)
}

/// What became of an import.
#[derive(Debug, Clone)]
pub enum ImportOutcome {
    Stored(store::Imported),
    /// Nothing stored: every wrong row and field (at most
    /// [`domain::training::MAX_IMPORT_ERRORS`]) and how many there are in all.
    Refused {
        errors: Vec<RowError>,
        total: usize,
    },
}

fn refused(code: &'static str) -> ImportOutcome {
    ImportOutcome::Refused { errors: vec![RowError { row: 0, field: "file", code }], total: 1 }
}

/// Reads a CSV file: UTF-8 (a byte-order mark is skipped), separated by
/// semicolons or commas (whichever the first line has more of).
pub fn read_csv(bytes: &[u8]) -> std::result::Result<Vec<Vec<String>>, &'static str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| "error-training-import-encoding")?;
    let first = text.lines().next().unwrap_or("");
    let sep = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(sep).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|_| "error-training-import-format")?;
        if out.len() > domain::training::MAX_IMPORT_ROWS {
            return Err("error-training-import-too-many");
        }
        if rec.len() > 50 {
            return Err("error-training-import-format");
        }
        out.push(rec.iter().map(str::to_owned).collect());
    }
    Ok(out)
}

/// Reads the first sheet of a workbook off the async runtime, within limits
/// for [`domain::training::MAX_IMPORT_ROWS`] rows.
async fn read_xlsx(bytes: Vec<u8>) -> Result<std::result::Result<Vec<Vec<String>>, &'static str>> {
    let limits = documents::ReadLimits {
        rows: domain::training::MAX_IMPORT_ROWS as u32 + 20,
        columns: 50,
        cells: 2_000_000,
        ..Default::default()
    };
    tokio::task::spawn_blocking(move || {
        let mut last = Err("error-training-import-sheet");
        for name in ["Utbildning", "Training", "Sheet1", "Blad1", "Export", "Data"] {
            match documents::read_sheet_within(&bytes, name, limits) {
                Ok(rows) => return Ok(rows),
                Err(documents::Error::NoSheet(_)) => continue,
                Err(documents::Error::TooLarge(_)) => return Err("error-training-import-too-many"),
                Err(_) => {
                    last = Err("error-training-import-format");
                    break;
                }
            }
        }
        last
    })
    .await
    .map_err(Error::internal)
}

/// Where the caller may import (ReportTraining), with the tree, and the
/// organisation asked for (not found unless the caller may import there).
pub async fn import_orgs(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
) -> Result<(OrgTree, Vec<(usize, Uuid)>, Option<Uuid>)> {
    ensure_somewhere(caller, Permission::ReportTraining)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if let Some(o) = org
        && !caller.principal.can(Permission::ReportTraining, o, &tree)
    {
        return Err(Error::NotFound);
    }
    let orgs = orgs_with(caller, &tree, Permission::ReportTraining);
    Ok((tree, orgs, org))
}

/// Imports person rows for `org` from a CSV or Excel file, all or nothing:
/// every wrong row and field is named and nothing is stored unless all are
/// right. A course is named by its name (or id) among those applying to `org`.
pub async fn import(
    store: &store::Store,
    caller: &Caller,
    org: Option<Uuid>,
    file_name: &str,
    bytes: &[u8],
) -> Result<ImportOutcome> {
    ensure_somewhere(caller, Permission::ReportTraining)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let Some(org) = org else {
        return Err(Error::Validation(vec![domain::FieldError::new("org_id", "error-training-org")]));
    };
    if !caller.principal.can(Permission::ReportTraining, org, &tree) {
        return Err(refusal(caller, &tree, org));
    }
    if bytes.is_empty() {
        return Ok(refused("error-training-import-empty"));
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Ok(refused("error-training-import-too-large"));
    }
    let xlsx = bytes.starts_with(b"PK\x03\x04") || file_name.to_lowercase().ends_with(".xlsx");
    let rows = if xlsx { read_xlsx(bytes.to_vec()).await? } else { read_csv(bytes) };
    let rows = match rows {
        Ok(r) => r,
        Err(code) => return Ok(refused(code)),
    };
    let courses: Vec<store::Course> =
        store.courses_for_org(org).await?.into_iter().filter(|c| tree.is_in_subtree(c.org_id, org)).collect();
    let course_of = |s: &str| {
        let s = s.trim();
        courses.iter().find(|c| c.data.name.to_lowercase() == s.to_lowercase() || c.id.to_string() == s).map(|c| c.id)
    };
    match parse_import(&rows, domain::clock::today(), course_of) {
        Ok(person_rows) => {
            Ok(ImportOutcome::Stored(store.import_training_records(&caller.actor(), org, &person_rows).await?))
        }
        Err((errors, total)) => Ok(ImportOutcome::Refused { errors, total }),
    }
}

/// Sets the retention of person rows of the courses `org` owns (its CISO).
pub async fn set_retention(store: &store::Store, caller: &Caller, org: Uuid, months: &str) -> Result<i32> {
    ensure_somewhere(caller, Permission::ManageCourses)?;
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    if !caller.principal.can(Permission::ManageCourses, org, &tree) {
        return Err(refusal(caller, &tree, org));
    }
    let months = parse_retention(months)?;
    store.set_training_retention(&caller.actor(), org, months).await?;
    Ok(months)
}

/// Deletes the person rows past their course owner's retention period at
/// `now`; how many went. The lead's background loop calls it (no caller:
/// the system acts, and the audit log records it as such).
pub async fn purge_expired(store: &store::Store, now: chrono::DateTime<chrono::Utc>) -> Result<usize> {
    Ok(store.purge_training_records(&store::Actor::system(), now).await?)
}

/// One course in the management review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewCourse {
    pub name: String,
    /// What the course is about: the checklist's e-learning points read it.
    pub topic: domain::training::Topic,
    pub target_pct: i32,
    /// The organisation's subtree, within validity at the end of the year (today in the current year).
    pub completed: i64,
    pub headcount: i64,
    /// (year, completed, headcount), oldest first, ending with the review's year.
    pub trend: Vec<(i32, i64, i64)>,
}

impl ReviewCourse {
    /// Coverage at or above the target: the checklist's point is done.
    pub fn meets(&self) -> bool {
        Figure { completed: self.completed, headcount: self.headcount }.meets(self.target_pct)
    }
}

/// The training section of a management review.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReviewTraining {
    pub courses: Vec<ReviewCourse>,
    /// Each unit asked for, with its subtree's figures of the same courses.
    pub units: Vec<(Uuid, Vec<ReviewCourse>)>,
}

/// Training coverage for `org`'s management review of `year`: every course
/// applying in `org`'s subtree with the subtree's completed and headcount at
/// the end of `year` (today when `year` is the current one) and the trend
/// over the last [`TREND_YEARS`] years. NO AUTHORISATION here: the review's
/// use case has authorised the caller for `org` before calling this.
pub async fn coverage_for_review(store: &store::Store, org: Uuid, year: i32) -> Result<ReviewTraining> {
    coverage_for_review_units(store, None, org, year, &[]).await
}

/// [`coverage_for_review`], and for each of `units` (in `tree`, below or at
/// `org`) its subtree's coverage of the same courses at the same day, read
/// in the same statements (the review's computed checklist statuses).
/// NO AUTHORISATION here either.
pub async fn coverage_for_review_units(
    store: &store::Store,
    tree: Option<&OrgTree>,
    org: Uuid,
    year: i32,
    units: &[Uuid],
) -> Result<ReviewTraining> {
    let today = domain::clock::today();
    let courses = store.courses_for_org(org).await?;
    if courses.is_empty() {
        return Ok(ReviewTraining::default());
    }
    let dates = trend_dates(year, today);
    let plain: Vec<NaiveDate> = dates.iter().map(|(_, d)| *d).collect();
    let figures = own_figures(store, &courses, &OrgScope::Subtree(org), &plain).await?;
    // Counts and person rows are stored only for units in their course's
    // owner's subtree, so the subtree's sum is the roll-up.
    let sum = |f: &HashMap<(Uuid, Uuid), Figure>, c: Uuid, within: Option<Uuid>| {
        f.iter()
            .filter(|((k, o), _)| *k == c && within.is_none_or(|u| tree.is_some_and(|t| t.is_in_subtree(u, *o))))
            .fold((0i64, 0i64), |(a, b), (_, x)| (a + x.completed, b + x.headcount))
    };
    let course = |c: &store::Course, within: Option<Uuid>| {
        let trend: Vec<(i32, i64, i64)> = if within.is_some() {
            // A unit's line needs only the day the review reads.
            let (y, _) = dates.last().copied().unwrap_or((year, today));
            let (done, heads) = figures.last().map(|f| sum(f, c.id, within)).unwrap_or((0, 0));
            vec![(y, done, heads)]
        } else {
            dates
                .iter()
                .zip(&figures)
                .map(|((y, _), f)| {
                    let (done, heads) = sum(f, c.id, None);
                    (*y, done, heads)
                })
                .collect()
        };
        let (completed, headcount) = trend.last().map(|(_, a, b)| (*a, *b)).unwrap_or((0, 0));
        ReviewCourse {
            name: c.data.name.clone(),
            topic: c.data.topic,
            target_pct: c.data.target_pct,
            completed,
            headcount,
            trend,
        }
    };
    let out = courses.iter().map(|c| course(c, None)).collect();
    let units = units.iter().map(|u| (*u, courses.iter().map(|c| course(c, Some(*u))).collect())).collect();
    Ok(ReviewTraining { courses: out, units })
}
