//! A review's content in the reader's language: what the page and the
//! documents show.

use domain::model::Text;
use domain::review::{DecisionKind, LevelPoint, PointStatus, ReviewContent, SectionKey, UnitReportStatus};
use domain::user::Language;

use super::super::Ctx;
use super::assets::AssetsView;
use super::registers::{self, CellMark, ComputedView, IncidentsView, TrainingView};
use crate::pages::plan::TotalsView;

pub struct SectionView {
    pub key: &'static str,
    pub heading: String,
    pub comment: String,
    pub hint: String,
}

/// One period's level.
pub struct LevelRow {
    pub period: i32,
    pub level: u8,
}

/// One area's shares over the last periods ("–" where it was not assessed).
pub struct AreaRow {
    pub name: String,
    pub shares: Vec<String>,
}

pub struct FeedbackRow {
    pub area: String,
    pub question: String,
    pub must: bool,
    pub planned: bool,
}

pub struct OverdueRow {
    pub title: String,
    pub responsible: String,
    pub end_date: String,
}

/// A decision of the previous review and what became of it.
pub struct PreviousRow {
    pub kind: String,
    pub text: String,
    pub responsible: String,
    pub deadline: String,
    pub outcome: String,
}

pub struct UnitStatusRow {
    pub unit: String,
    pub status: String,
    /// Submitted or approved.
    pub reported: bool,
}

/// A checklist point: the number of units per status, or the units' statuses.
pub struct PointRow {
    pub text: String,
    pub cells: Vec<String>,
    /// Per cell, the status computed from the registers (units' statuses only).
    pub marks: Vec<Option<CellMark>>,
}

impl PointRow {
    /// The computed status beside cell `i`, if any.
    pub fn mark(&self, i: &usize) -> Option<&CellMark> {
        self.marks.get(*i).and_then(Option::as_ref)
    }
}

/// Each point's status per reporting unit.
pub struct PointMatrix {
    pub units: Vec<String>,
    pub rows: Vec<PointRow>,
}

/// Everything of the content the page and the documents show, in the reader's language.
pub struct ReviewView {
    pub sections: Vec<SectionView>,
    pub level_chart: String,
    pub area_chart: String,
    pub level_rows: Vec<LevelRow>,
    pub area_rows: Vec<AreaRow>,
    pub area_periods: Vec<i32>,
    pub feedback: Vec<FeedbackRow>,
    pub totals: TotalsView,
    pub overdue: Vec<OverdueRow>,
    pub previous: Vec<PreviousRow>,
    pub units: Vec<UnitStatusRow>,
    /// Units that have reported.
    pub reported: usize,
    /// Units that report.
    pub unit_count: usize,
    pub point_header: Vec<String>,
    pub points: Vec<PointRow>,
    pub matrix: PointMatrix,
    pub assessment: String,
    /// The business plan's activities for the coming year.
    pub activities: Vec<OverdueRow>,
    pub next_year: i32,
    pub rollup: Vec<RollupRow>,
    pub rollup_matrix: PointMatrix,
    /// Children that have not adopted their review of the year.
    pub rollup_missing: usize,
    /// The improvement decisions as the priorities for the coming year.
    pub priorities: Vec<String>,
    pub documents: Vec<DocumentRow>,
    /// Documents in force past their review date.
    pub documents_overdue: usize,
    /// The open recommendations of audits.
    pub audits: Vec<AuditRow>,
    /// "Open recommendations: n. Answer overdue: m."
    pub audits_summary: String,
    pub incidents: IncidentsView,
    pub training: TrainingView,
    pub assets: AssetsView,
    /// The statuses computed from the registers, beside the reported ones.
    pub computed: ComputedView,
}

/// An open recommendation of an audit, for one body.
pub struct AuditRow {
    pub href: String,
    pub audit: String,
    pub recommendation: String,
    pub body: String,
    pub status: String,
    /// "Answered", "Not answered (due …)" or "Answer overdue (due …)".
    pub answer: String,
    pub overdue: bool,
}

fn audits(ctx: &Ctx, c: &ReviewContent) -> Vec<AuditRow> {
    c.audits
        .iter()
        .map(|a| {
            let due = a.responses_due.map(|d| d.to_string()).unwrap_or_default();
            let key = match (a.answered, a.overdue, due.is_empty()) {
                (true, _, _) => "review-audits-answered",
                (false, true, _) => "review-audits-answer-overdue",
                (false, false, false) => "review-audits-answer-due",
                (false, false, true) => "review-audits-not-answered",
            };
            AuditRow {
                href: format!("/audit-copies/{}", a.target),
                audit: a.audit.clone(),
                recommendation: a.recommendation.clone(),
                body: a.body.clone(),
                status: ctx.t(&format!("audit-status-{}", a.status.code())),
                answer: crate::i18n::t_args(ctx.lang, key, &[("date", due)]),
                overdue: a.overdue,
            }
        })
        .collect()
}

fn t_text(lang: Language, t: &Text) -> String {
    t.get(lang).to_owned()
}

/// A section's heading; a förvaltning's own review calls its units'
/// reports what seed 001 does: the checklist's follow-up.
pub fn section_heading(ctx: &Ctx, c: &ReviewContent, k: SectionKey) -> String {
    match k {
        SectionKey::UnitReports if c.part => ctx.t("review-section-checklist"),
        _ => ctx.t(&format!("review-section-{}", k.code())),
    }
}

fn sections(ctx: &Ctx, c: &ReviewContent) -> Vec<SectionView> {
    c.sections()
        .into_iter()
        .map(|k| SectionView {
            key: k.code(),
            heading: section_heading(ctx, c, k),
            comment: c.comment(k).to_owned(),
            hint: match k {
                SectionKey::Risks
                | SectionKey::OutsideWorld
                | SectionKey::Proposals
                | SectionKey::FollowUp
                | SectionKey::DpoReport
                | SectionKey::Rollup
                | SectionKey::Documents
                | SectionKey::Audits
                | SectionKey::Incidents
                | SectionKey::Training
                | SectionKey::Assets => ctx.t(&format!("review-section-{}-hint", k.code())),
                _ => String::new(),
            },
        })
        .collect()
}

/// A steering document as the review lists it.
pub struct DocumentRow {
    pub title: String,
    pub kind: String,
    pub status: String,
    pub decided: String,
    pub next_review: String,
    /// Decided (not a draft, not under revision).
    pub in_force: bool,
    pub overdue: bool,
    /// To be reviewed within a year.
    pub due: bool,
    /// The organisation's own implementation, or how many of its organisations have implemented it.
    pub implementation: String,
}

fn documents(ctx: &Ctx, c: &ReviewContent) -> Vec<DocumentRow> {
    use domain::steering::Implementation;
    c.documents
        .iter()
        .map(|d| DocumentRow {
            title: d.title.clone(),
            kind: ctx.t(&format!("steering-kind-{}", d.kind.code())),
            status: ctx.t(&format!("steering-status-{}", d.status.code())),
            decided: match (d.decided_on, d.decided_by.is_empty()) {
                (Some(on), false) => format!("{on}, {}", d.decided_by),
                (Some(on), true) => on.to_string(),
                (None, _) => String::new(),
            },
            next_review: d.next_review.map(|x| x.to_string()).unwrap_or_default(),
            in_force: d.status == domain::steering::DocStatus::Decided,
            overdue: d.overdue,
            due: d.due,
            implementation: {
                let own = d.implementation.map(|s| ctx.t(&format!("steering-impl-{}", s.code())));
                let done = Implementation::ALL.iter().position(|x| *x == Implementation::Implemented).unwrap_or(2);
                let total: usize = d.counts.iter().sum();
                match (own, total) {
                    (Some(o), _) if total <= 1 => o,
                    (_, t) if t > 1 => format!(
                        "{} {} / {}",
                        ctx.t("review-documents-implemented-by"),
                        d.counts.get(done).copied().unwrap_or(0),
                        t
                    ),
                    (Some(o), _) => o,
                    (None, _) => ctx.t("steering-impl-not_started"),
                }
            },
        })
        .collect()
}

/// A review that rolls up into this one, as its row in the roll-up.
pub struct RollupRow {
    pub org: String,
    pub status: String,
    /// Adopted: shown as done.
    pub adopted: bool,
    /// Started (in preparation or adopted); not started is shown as missing.
    pub started: bool,
    /// The meeting's or adoption's date, if any.
    pub date: String,
    /// Points per status, in [`PointStatus::ALL`] order ("–" without a report).
    pub counts: Vec<String>,
    pub decisions: usize,
    pub open_actions: usize,
    pub overdue: usize,
    /// Its decisions, "kind: text (responsible, deadline)".
    pub decision_texts: Vec<String>,
}

/// Each child's own checklist statuses, point by point.
fn rollup_matrix(ctx: &Ctx, c: &ReviewContent) -> PointMatrix {
    let children: Vec<&domain::review::ChildReview> = c.children.iter().filter(|x| !x.points.is_empty()).collect();
    let mut texts: Vec<String> = Vec::new();
    for ch in &children {
        for (t, _) in &ch.points {
            if !texts.contains(t) {
                texts.push(t.clone());
            }
        }
    }
    let rows = texts
        .into_iter()
        .map(|t| PointRow {
            cells: children
                .iter()
                .map(|ch| {
                    ch.points
                        .iter()
                        .find(|(x, _)| *x == t)
                        .map(|(_, st)| ctx.t(&format!("point-status-{}", st.code())))
                        .unwrap_or_else(|| "–".into())
                })
                .collect(),
            marks: vec![],
            text: t,
        })
        .collect();
    PointMatrix { units: children.iter().map(|x| x.org.clone()).collect(), rows }
}

fn rollup(ctx: &Ctx, c: &ReviewContent) -> Vec<RollupRow> {
    c.children
        .iter()
        .map(|ch| {
            let (status, adopted) = match ch.status {
                None => (ctx.t("review-rollup-not-started"), false),
                Some(s) => (ctx.t(&format!("review-status-{}", s.code())), s == domain::review::ReviewStatus::Adopted),
            };
            let date = ch.adopted_on.or(ch.meeting_date).map(|d| d.to_string()).unwrap_or_default();
            let counts = if ch.points.is_empty() {
                vec!["–".to_owned(); PointStatus::ALL.len()]
            } else {
                ch.counts().iter().map(|n| n.to_string()).collect()
            };
            RollupRow {
                org: ch.org.clone(),
                status,
                adopted,
                started: ch.status.is_some(),
                date,
                counts,
                decisions: ch.decisions.len(),
                open_actions: ch.totals.planned + ch.totals.ongoing,
                overdue: ch.totals.overdue,
                decision_texts: ch
                    .decisions
                    .iter()
                    .map(|d| {
                        format!(
                            "{}: {} ({}, {})",
                            ctx.t(&format!("decision-kind-{}", d.kind.code())),
                            d.text,
                            d.responsible,
                            d.deadline
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

fn matrix(ctx: &Ctx, c: &ReviewContent) -> PointMatrix {
    let units: Vec<String> = c
        .units
        .iter()
        .filter(|u| c.points.iter().any(|p| p.by_unit.iter().any(|(n, _)| *n == u.unit)))
        .map(|u| u.unit.clone())
        .collect();
    let rows = c
        .points
        .iter()
        .map(|p| {
            let cells = units
                .iter()
                .map(|u| {
                    p.by_unit
                        .iter()
                        .find(|(n, _)| n == u)
                        .map(|(_, st)| ctx.t(&format!("point-status-{}", st.code())))
                        .unwrap_or_else(|| "–".into())
                })
                .collect();
            let marks = units.iter().map(|u| registers::cell_mark(ctx, c, &p.text, u)).collect();
            PointRow { text: p.text.clone(), cells, marks }
        })
        .collect();
    PointMatrix { units, rows }
}

pub fn view(ctx: &Ctx, c: &ReviewContent) -> ReviewView {
    let lang = ctx.lang;
    let level_rows: Vec<LevelRow> = c.levels.iter().map(|l| LevelRow { period: l.period, level: l.level }).collect();
    let level_chart = documents::charts::line_chart(
        &ctx.t("col-period"),
        &[(ctx.t("level"), level_rows.iter().map(|r| (r.period.to_string(), f64::from(r.level))).collect())],
        4.0,
        &[0.0, 1.0, 2.0, 3.0, 4.0],
        "",
    );
    // Area shares: the last three periods side by side.
    let recent: Vec<&LevelPoint> = c.levels.iter().rev().take(3).rev().collect();
    let area_periods: Vec<i32> = recent.iter().map(|l| l.period).collect();
    let mut area_rows: Vec<AreaRow> = Vec::new();
    let mut categories = Vec::new();
    if let Some(last) = recent.last() {
        for (id, name, _) in &last.areas {
            let shares: Vec<String> = recent
                .iter()
                .map(|l| {
                    l.areas.iter().find(|(a, _, _)| a == id).map(|(_, _, p)| format!("{p} %")).unwrap_or("–".into())
                })
                .collect();
            categories.push(t_text(lang, name));
            area_rows.push(AreaRow { name: t_text(lang, name), shares });
        }
    }
    let series: Vec<(String, Vec<f64>)> = recent
        .iter()
        .map(|l| {
            let vals = recent
                .last()
                .map(|last| {
                    last.areas
                        .iter()
                        .map(|(id, _, _)| {
                            l.areas.iter().find(|(a, _, _)| a == id).map(|(_, _, p)| f64::from(*p)).unwrap_or(0.0)
                        })
                        .collect()
                })
                .unwrap_or_default();
            (l.period.to_string(), vals)
        })
        .collect();
    let area_chart = documents::charts::grouped_bar_chart(&categories, &series, 100.0, " %");
    let status_label = |code: &str| ctx.t(&format!("action-status-{code}"));
    let (reported, unit_count) = c.reported();
    ReviewView {
        sections: sections(ctx, c),
        level_chart,
        area_chart,
        level_rows,
        area_rows,
        area_periods,
        feedback: c
            .open_feedback
            .iter()
            .map(|f| FeedbackRow {
                area: t_text(lang, &f.area),
                question: t_text(lang, &f.question),
                must: f.must,
                planned: f.planned,
            })
            .collect(),
        totals: crate::pages::plan::totals_view(&c.totals),
        overdue: c
            .overdue
            .iter()
            .map(|a| OverdueRow {
                title: a.title.clone(),
                responsible: a.responsible.clone(),
                end_date: a.end_date.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect(),
        previous: c
            .previous_decisions
            .iter()
            .map(|d| PreviousRow {
                kind: ctx.t(&format!("decision-kind-{}", d.kind.code())),
                text: d.text.clone(),
                responsible: d.responsible.clone(),
                deadline: d.deadline.to_string(),
                outcome: match &d.action_status {
                    Some(s) => status_label(s),
                    None if d.kind == DecisionKind::Improvement => ctx.t("decision-no-action"),
                    None => ctx.t("decision-not-an-action"),
                },
            })
            .collect(),
        units: c
            .units
            .iter()
            .map(|u| {
                let (status, reported) = match u.status {
                    Some(s) => (ctx.t(&format!("unit-report-status-{}", s.code())), s != UnitReportStatus::Draft),
                    None => (ctx.t("unit-report-missing"), false),
                };
                UnitStatusRow { unit: u.unit.clone(), status, reported }
            })
            .collect(),
        reported,
        unit_count,
        point_header: PointStatus::ALL.iter().map(|s| ctx.t(&format!("point-status-{}", s.code()))).collect(),
        points: c
            .points
            .iter()
            .map(|p| PointRow {
                text: p.text.clone(),
                cells: p.counts.iter().map(|n| n.to_string()).collect(),
                marks: vec![],
            })
            .collect(),
        matrix: matrix(ctx, c),
        activities: c
            .activities
            .iter()
            .map(|a| OverdueRow {
                title: a.title.clone(),
                responsible: a.responsible.clone(),
                end_date: a.end_date.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect(),
        next_year: c.year + 1,
        rollup: rollup(ctx, c),
        rollup_matrix: rollup_matrix(ctx, c),
        rollup_missing: c.children_not_adopted(),
        priorities: c.priorities().map(|d| format!("{} ({}, {})", d.text, d.responsible, d.deadline)).collect(),
        documents: documents(ctx, c),
        documents_overdue: c.documents.iter().filter(|d| d.overdue).count(),
        audits: audits(ctx, c),
        incidents: registers::incidents(ctx, c),
        training: registers::training(ctx, c),
        assets: super::assets::assets(ctx, c),
        computed: registers::computed(ctx, c),
        audits_summary: crate::i18n::t_args(
            ctx.lang,
            "review-audits-summary",
            &[("count", c.audits.len().to_string()), ("overdue", c.audits_overdue().to_string())],
        ),
        assessment: match &c.assessment {
            Some((period, status)) => format!(
                "{} {} ({})",
                ctx.t("assessment-of-period"),
                period,
                ctx.t(&format!("assessment-status-{status}"))
            ),
            None => ctx.t("review-no-assessment"),
        },
    }
}
