//! What the incident, training and asset registers bring to a review: the
//! sections' figures for the organisation's subtree, and for each reporting
//! unit what decides the statuses computed for the checklist points they
//! answer ([`domain::review::registers`]; the asset registers' part in
//! [`super::assets`]).
//!
//! No authorisation here: the review's use case has authorised the caller
//! for the organisation. What reaches the review is counts, and for notable
//! incidents their title and lessons learned, never their descriptions.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use domain::incident::compile::{IncidentFact, compile as compile_incidents};
use domain::incident::duties::{DeadlineStateKind, Regime};
use domain::incident::{Severity, Status};
use domain::org::OrgTree;
use domain::review::registers::{
    Coverage, DeadlineTally, IncidentSection, NotableIncident, Topic, TrainingLine, UnitRegisters,
};
use store::{IncidentScope, OrgScope};
use uuid::Uuid;

use super::super::Result;
use crate::app::incident::Entities;

/// How many years the incident trend shows, the review's year last.
pub const TREND_YEARS: i32 = 5;
/// The most notable incidents a review lists (the most serious first).
pub const MAX_NOTABLE: usize = 20;
/// An incident still open this long after discovery counts against
/// incident management.
pub const OPEN_LONG_DAYS: i64 = 30;

/// The registers' part of a review's facts.
#[derive(Debug, Default)]
pub struct RegisterFacts {
    pub incidents: Option<IncidentSection>,
    pub training: Vec<TrainingLine>,
    pub units: Vec<(Uuid, UnitRegisters)>,
    /// The asset registers' own facts of the subtree, read once.
    pub assets: Option<super::assets::OwnFacts>,
}

/// The first instant of `year` in Sweden.
fn year_start(year: i32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(domain::incident::from_stockholm)
        .unwrap_or_default()
}

/// One incident of the year with what the review needs of it.
struct Seen {
    fact: IncidentFact,
    title: String,
    lessons: String,
}

fn tally(duties: &[(domain::incident::duties::Step, DeadlineStateKind)], regimes: &[Regime]) -> DeadlineTally {
    let mut t = DeadlineTally::default();
    for (_, state) in duties.iter().filter(|(s, _)| regimes.contains(&s.regime())) {
        match state {
            DeadlineStateKind::Met => t.met += 1,
            DeadlineStateKind::Late => t.late += 1,
            DeadlineStateKind::Missed => t.missed += 1,
            DeadlineStateKind::Running => t.running += 1,
            DeadlineStateKind::NotRequired => t.not_required += 1,
        }
    }
    t
}

fn add(a: &mut DeadlineTally, b: DeadlineTally) {
    a.met += b.met;
    a.late += b.late;
    a.missed += b.missed;
    a.running += b.running;
    a.not_required += b.not_required;
}

/// Loads and compiles the registers' part of `org`'s review of `year`, for
/// the reporting `units`, at `now`.
pub async fn register_facts(
    store: &store::Store,
    tree: &OrgTree,
    org: Uuid,
    year: i32,
    units: &[Uuid],
    now: DateTime<Utc>,
) -> Result<RegisterFacts> {
    let mut out = RegisterFacts::default();
    incidents(store, tree, org, year, units, now, &mut out).await?;
    training(store, tree, org, year, units, &mut out).await?;
    // The asset registers: every unit's own facts of the subtree in one read,
    // each reporting unit's rolled up in memory.
    let assets = super::assets::own_facts(store, org, domain::clock::date_at(&now), year).await?;
    for u in units {
        let facts = Some(assets.rolled_up(tree, *u));
        match out.units.iter_mut().find(|(id, _)| id == u) {
            Some((_, r)) => r.assets = facts,
            None => out.units.push((*u, UnitRegisters { assets: facts, ..Default::default() })),
        }
    }
    out.assets = Some(assets);
    Ok(out)
}

async fn incidents(
    store: &store::Store,
    tree: &OrgTree,
    org: Uuid,
    year: i32,
    units: &[Uuid],
    now: DateTime<Utc>,
    out: &mut RegisterFacts,
) -> Result<()> {
    let scope = IncidentScope { full: OrgScope::Subtree(org), personal_data: OrgScope::Nothing };
    let first = year - TREND_YEARS + 1;
    let found = store.incident_facts(&scope, org, year_start(first), year_start(year + 1)).await?;
    let entities = Entities::load(store, tree, found.iter().map(|x| x.incident.data.org_id)).await?;
    let mut trend: Vec<(i32, u64)> = (first..=year).map(|y| (y, 0)).collect();
    let mut seen: Vec<Seen> = Vec::new();
    for x in &found {
        let i = &x.incident;
        let y = domain::clock::date_at(&i.data.discovered_at).year();
        if let Some(t) = trend.iter_mut().find(|(ty, _)| *ty == y) {
            t.1 += 1;
        }
        if y != year {
            continue;
        }
        let duties = entities.duties(tree, i, &x.reports, now).iter().map(|d| (d.step, d.state.kind())).collect();
        seen.push(Seen {
            fact: IncidentFact {
                org_id: i.data.org_id,
                category: i.data.category,
                severity: i.data.severity,
                personal_data: i.data.personal_data,
                status: i.status,
                discovered_at: i.data.discovered_at,
                closed_at: i.closed_at,
                duties,
            },
            title: i.data.title.clone(),
            lessons: i.data.lessons.clone(),
        });
    }
    let facts: Vec<IncidentFact> = seen.iter().map(|s| s.fact.clone()).collect();
    let compiled = compile_incidents(tree, org, &facts);
    let Some(total) = compiled.total() else { return Ok(()) };
    let mut by_category: Vec<(String, u64)> =
        total.by_category.iter().filter(|(_, n)| **n > 0).map(|(c, n)| (c.code().to_owned(), *n as u64)).collect();
    by_category.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut deadlines = DeadlineTally::default();
    for s in &seen {
        add(&mut deadlines, tally(&s.fact.duties, &[Regime::Gdpr, Regime::Nis2, Regime::Msb]));
    }
    let mut notable: Vec<&Seen> =
        seen.iter().filter(|s| s.fact.severity.significant() || s.fact.personal_data).collect();
    notable.sort_by(|a, b| {
        (std::cmp::Reverse(a.fact.severity), a.fact.discovered_at)
            .cmp(&(std::cmp::Reverse(b.fact.severity), b.fact.discovered_at))
    });
    out.incidents = Some(IncidentSection {
        total: total.incidents as u64,
        personal_data: total.personal_data as u64,
        open: total.open as u64,
        by_category,
        by_severity: Severity::ALL
            .iter()
            .map(|s| (s.code().to_owned(), total.by_severity.get(s).copied().unwrap_or(0) as u64))
            .collect(),
        deadlines,
        median_hours_to_close: total.median_hours_to_close,
        notable: notable
            .into_iter()
            .take(MAX_NOTABLE)
            .map(|s| {
                let t = tally(&s.fact.duties, &[Regime::Gdpr, Regime::Nis2, Regime::Msb]);
                NotableIncident {
                    title: s.title.clone(),
                    org: tree.get(s.fact.org_id).map(|n| n.name.clone()).unwrap_or_default(),
                    category: s.fact.category.code().to_owned(),
                    severity: s.fact.severity.code().to_owned(),
                    personal_data: s.fact.personal_data,
                    lessons: s.lessons.clone(),
                    deadlines_missed: t.late + t.missed,
                }
            })
            .collect(),
        trend,
    });
    // Each reporting unit's handling of its subtree's incidents of the year.
    let day = domain::clock::date_at(&now).min(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default());
    for u in units {
        let mut r = UnitRegisters::default();
        for s in seen.iter().filter(|s| tree.is_in_subtree(*u, s.fact.org_id)) {
            r.incidents.total += 1;
            let open = !matches!(s.fact.status, Status::Closed | Status::Remedied);
            if open && domain::clock::date_at(&s.fact.discovered_at) + Duration::days(OPEN_LONG_DAYS) < day {
                r.incidents.open_long += 1;
            }
            if s.fact.status == Status::Closed && s.lessons.trim().is_empty() {
                r.incidents.closed_without_lessons += 1;
            }
            add(&mut r.gdpr, tally(&s.fact.duties, &[Regime::Gdpr]));
            add(&mut r.nis, tally(&s.fact.duties, &[Regime::Nis2, Regime::Msb]));
        }
        out.units.push((*u, r));
    }
    Ok(())
}

/// Coverage of a topic's courses: their sums, against the highest target
/// among them; `None` when no course on the topic applies.
fn topic_coverage(courses: &[crate::app::training::ReviewCourse], topic: Topic) -> Option<Coverage> {
    let on: Vec<_> = courses.iter().filter(|c| c.topic == topic).collect();
    if on.is_empty() {
        return None;
    }
    let n = |x: i64| u64::try_from(x).unwrap_or(0);
    Some(Coverage {
        completed: on.iter().map(|c| n(c.completed)).sum(),
        headcount: on.iter().map(|c| n(c.headcount)).sum(),
        target_pct: on.iter().map(|c| u8::try_from(c.target_pct.clamp(1, 100)).unwrap_or(100)).max().unwrap_or(100),
    })
}

async fn training(
    store: &store::Store,
    tree: &OrgTree,
    org: Uuid,
    year: i32,
    units: &[Uuid],
    out: &mut RegisterFacts,
) -> Result<()> {
    let n = |x: i64| u64::try_from(x).unwrap_or(0);
    let read = crate::app::training::coverage_for_review_units(store, Some(tree), org, year, units).await?;
    let courses = read.courses;
    if courses.is_empty() {
        return Ok(());
    }
    out.training = courses
        .iter()
        .map(|c| TrainingLine {
            course: c.name.clone(),
            topic: c.topic,
            target_pct: u8::try_from(c.target_pct.clamp(1, 100)).unwrap_or(100),
            completed: n(c.completed),
            headcount: n(c.headcount),
            trend: c.trend.iter().map(|(y, a, b)| (*y, n(*a), n(*b))).collect(),
        })
        .collect();
    for (u, unit) in &read.units {
        let security = topic_coverage(unit, Topic::InformationSecurity);
        let data_protection = topic_coverage(unit, Topic::DataProtection);
        match out.units.iter_mut().find(|(id, _)| id == u) {
            Some((_, r)) => {
                r.security = security;
                r.data_protection = data_protection;
            }
            None => out.units.push((*u, UnitRegisters { security, data_protection, ..Default::default() })),
        }
    }
    Ok(())
}
