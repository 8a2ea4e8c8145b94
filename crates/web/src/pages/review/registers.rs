//! What the registers (incidents, training) bring to the review, in the
//! reader's language: the two sections' figures and charts, and the statuses
//! computed for the checklist points beside the ones the units reported. The
//! page (`review.html`, `_review_registers.html`) and the report read the
//! same views.

use documents::report::Block;
use domain::review::ReviewContent;
use domain::review::registers::{Basis, ComputedLine, IncidentSection, TrainingLine};

use super::super::Ctx;
use crate::i18n::t_args;

/// A label and a count.
pub struct CountRow {
    pub label: String,
    pub count: u64,
}

/// A notable incident: serious or critical, or a personal-data breach.
pub struct NotableRow {
    pub title: String,
    pub org: String,
    pub category: String,
    pub severity: String,
    pub personal_data: bool,
    /// The lessons learned, or a plain note that none are written down.
    pub lessons: String,
    pub has_lessons: bool,
    /// "Late or missed notifications: n", empty when none.
    pub missed: String,
}

/// The incident section.
pub struct IncidentsView {
    /// The plain empty state ("No incidents registered in 2026."), when the
    /// register has nothing for the year.
    pub empty: Option<String>,
    /// Total, personal data, not closed, median time to close.
    pub facts: Vec<(String, String)>,
    pub by_category: Vec<CountRow>,
    pub by_severity: Vec<CountRow>,
    /// Notification deadlines by outcome (met, late, missed, running, not required).
    pub deadlines: Vec<CountRow>,
    pub deadlines_summary: String,
    pub notable: Vec<NotableRow>,
    /// Incidents per year, oldest first.
    pub trend: Vec<CountRow>,
    /// Some year of the trend has incidents (else no chart of nothing).
    pub has_trend: bool,
    pub category_chart: String,
    pub trend_chart: String,
}

/// One course's coverage.
pub struct TrainingRow {
    pub course: String,
    /// "75 %", or "–" without a headcount.
    pub coverage: String,
    pub target: String,
    /// "45 / 60".
    pub completed: String,
    /// At or above the target, or below it, in words.
    pub status: String,
    pub below: bool,
    /// "2024: 60 % · 2025: 70 %".
    pub trend: String,
}

/// The training section.
pub struct TrainingView {
    pub empty: Option<String>,
    pub rows: Vec<TrainingRow>,
    pub chart: String,
    /// Empty when no course has a trend.
    pub trend_chart: String,
}

/// A status computed from the registers for one (point, unit), beside the
/// reported one.
pub struct ComputedRow {
    pub point: String,
    pub unit: String,
    pub reported: String,
    pub computed: String,
    /// Why, in words.
    pub basis: String,
    pub disagrees: bool,
    /// "Differs", "Agrees" or "–" (not reported).
    pub verdict: String,
}

/// The computed statuses and how many disagree.
pub struct ComputedView {
    pub rows: Vec<ComputedRow>,
    pub summary: String,
}

/// The computed status shown in a cell of the units' points table.
pub struct CellMark {
    /// "According to the registers: Partly".
    pub text: String,
    pub disagrees: bool,
}

fn status_label(ctx: &Ctx, s: domain::review::PointStatus) -> String {
    ctx.t(&format!("point-status-{}", s.code()))
}

/// A nice top and grid lines for counts up to `max`.
pub(super) fn count_ticks(max: u64) -> (f64, Vec<f64>) {
    let step = [1u64, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000]
        .into_iter()
        .find(|s| max.div_ceil(*s) <= 5)
        .unwrap_or(max.div_ceil(5).max(1));
    let top = max.div_ceil(step).max(1) * step;
    (top as f64, (0..=top / step).map(|i| (i * step) as f64).collect())
}

/// Hours as hours under two days, as days above.
fn duration(ctx: &Ctx, hours: f64) -> String {
    if !hours.is_finite() || hours < 0.0 {
        return "–".into();
    }
    if hours < 48.0 {
        t_args(ctx.lang, "review-incidents-hours", &[("n", format!("{}", hours.round() as u64))])
    } else {
        t_args(ctx.lang, "review-incidents-days", &[("n", format!("{}", (hours / 24.0).round() as u64))])
    }
}

fn empty_incidents(ctx: &Ctx, year: i32) -> String {
    t_args(ctx.lang, "review-incidents-none", &[("year", year.to_string())])
}

pub fn incidents(ctx: &Ctx, c: &ReviewContent) -> IncidentsView {
    let default = IncidentSection::default();
    let s = c.incidents.as_ref().unwrap_or(&default);
    let category = |code: &str| ctx.t(&format!("incident-category-{code}"));
    let severity = |code: &str| ctx.t(&format!("incident-severity-{code}"));
    let by_category: Vec<CountRow> =
        s.by_category.iter().map(|(code, n)| CountRow { label: category(code), count: *n }).collect();
    let by_severity: Vec<CountRow> =
        s.by_severity.iter().map(|(code, n)| CountRow { label: severity(code), count: *n }).collect();
    let d = s.deadlines;
    let deadlines = vec![
        CountRow { label: ctx.t("review-incidents-deadline-met"), count: d.met },
        CountRow { label: ctx.t("review-incidents-deadline-late"), count: d.late },
        CountRow { label: ctx.t("review-incidents-deadline-missed"), count: d.missed },
        CountRow { label: ctx.t("review-incidents-deadline-running"), count: d.running },
        CountRow { label: ctx.t("review-incidents-deadline-not-required"), count: d.not_required },
    ];
    let deadlines_summary = if d.total() == 0 {
        ctx.t("review-incidents-deadlines-none")
    } else {
        t_args(
            ctx.lang,
            "review-incidents-deadlines-summary",
            &[
                ("total", d.total().to_string()),
                ("met", d.met.to_string()),
                ("late", d.late.to_string()),
                ("missed", d.missed.to_string()),
            ],
        )
    };
    let median = s.median_hours_to_close.map_or_else(|| ctx.t("review-incidents-median-none"), |h| duration(ctx, h));
    let notable = s
        .notable
        .iter()
        .map(|n| NotableRow {
            title: n.title.clone(),
            org: n.org.clone(),
            category: category(&n.category),
            severity: severity(&n.severity),
            personal_data: n.personal_data,
            has_lessons: !n.lessons.trim().is_empty(),
            lessons: if n.lessons.trim().is_empty() { ctx.t("review-incidents-no-lessons") } else { n.lessons.clone() },
            missed: if n.deadlines_missed == 0 {
                String::new()
            } else {
                t_args(ctx.lang, "review-incidents-missed-deadlines", &[("count", n.deadlines_missed.to_string())])
            },
        })
        .collect();
    let trend: Vec<CountRow> = s.trend.iter().map(|(y, n)| CountRow { label: y.to_string(), count: *n }).collect();
    let max_cat = by_category.iter().map(|r| r.count).max().unwrap_or(0);
    let category_chart = documents::charts::bar_chart(
        &by_category.iter().map(|r| (r.label.clone(), r.count as f64)).collect::<Vec<_>>(),
        max_cat.max(1) as f64,
        "",
    );
    let (top, ticks) = count_ticks(trend.iter().map(|r| r.count).max().unwrap_or(0));
    let trend_chart = documents::charts::line_chart(
        &ctx.t("col-year"),
        &[(ctx.t("review-incidents-total"), trend.iter().map(|r| (r.label.clone(), r.count as f64)).collect())],
        top,
        &ticks,
        "",
    );
    IncidentsView {
        empty: (s.total == 0).then(|| empty_incidents(ctx, c.year)),
        facts: vec![
            (ctx.t("review-incidents-total"), s.total.to_string()),
            (ctx.t("review-incidents-personal-data"), s.personal_data.to_string()),
            (ctx.t("review-incidents-open"), s.open.to_string()),
            (ctx.t("review-incidents-median"), median),
        ],
        by_category,
        by_severity,
        deadlines,
        deadlines_summary,
        notable,
        has_trend: trend.iter().any(|r| r.count > 0),
        trend,
        category_chart,
        trend_chart,
    }
}

fn percent(completed: u64, headcount: u64) -> Option<u64> {
    (headcount > 0).then(|| completed.min(headcount) * 100 / headcount)
}

fn training_row(ctx: &Ctx, l: &TrainingLine) -> TrainingRow {
    let pct = l.percent();
    let below = pct.is_none_or(|p| p < u64::from(l.target_pct));
    TrainingRow {
        course: l.course.clone(),
        coverage: pct.map_or_else(|| "–".into(), |p| format!("{p} %")),
        target: format!("{} %", l.target_pct),
        completed: format!("{} / {}", l.completed, l.headcount),
        status: match (pct, below) {
            (None, _) => ctx.t("review-training-no-headcount"),
            (Some(_), true) => ctx.t("review-training-below-target"),
            (Some(_), false) => ctx.t("review-training-at-target"),
        },
        below,
        trend: l
            .trend
            .iter()
            .map(|(y, done, head)| match percent(*done, *head) {
                Some(p) => format!("{y}: {p} %"),
                None => format!("{y}: –"),
            })
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

pub fn training(ctx: &Ctx, c: &ReviewContent) -> TrainingView {
    let rows: Vec<TrainingRow> = c.training.iter().map(|l| training_row(ctx, l)).collect();
    let courses: Vec<String> = c.training.iter().map(|l| l.course.clone()).collect();
    let chart = documents::charts::grouped_bar_chart(
        &courses,
        &[
            (
                ctx.t("review-training-col-coverage"),
                c.training.iter().map(|l| l.percent().map_or(f64::NAN, |p| p as f64)).collect(),
            ),
            (ctx.t("review-training-col-target"), c.training.iter().map(|l| f64::from(l.target_pct)).collect()),
        ],
        100.0,
        " %",
    );
    let series: Vec<(String, Vec<(String, f64)>)> = c
        .training
        .iter()
        .filter(|l| !l.trend.is_empty())
        .map(|l| {
            let pts = l
                .trend
                .iter()
                .filter_map(|(y, done, head)| percent(*done, *head).map(|p| (y.to_string(), p as f64)))
                .collect();
            (l.course.clone(), pts)
        })
        .collect();
    let trend_chart = if series.iter().any(|(_, p)| !p.is_empty()) {
        documents::charts::line_chart(&ctx.t("col-year"), &series, 100.0, &[0.0, 25.0, 50.0, 75.0, 100.0], " %")
    } else {
        String::new()
    };
    TrainingView { empty: rows.is_empty().then(|| ctx.t("review-training-none")), rows, chart, trend_chart }
}

/// Why a computed status is what it is, in words.
pub fn basis(ctx: &Ctx, b: &Basis) -> String {
    match b {
        Basis::Coverage { completed, headcount, target_pct } => t_args(
            ctx.lang,
            "review-basis-coverage",
            &[
                ("completed", completed.to_string()),
                ("headcount", headcount.to_string()),
                ("pct", percent(*completed, *headcount).map_or_else(|| "–".into(), |p| p.to_string())),
                ("target", target_pct.to_string()),
            ],
        ),
        Basis::NoIncidents => ctx.t("review-basis-no-incidents"),
        Basis::Incidents { total, open_long, closed_without_lessons } => t_args(
            ctx.lang,
            "review-basis-incidents",
            &[
                ("total", total.to_string()),
                ("open", open_long.to_string()),
                ("nolessons", closed_without_lessons.to_string()),
            ],
        ),
        Basis::Deadlines { met, late, missed } => t_args(
            ctx.lang,
            "review-basis-deadlines",
            &[("met", met.to_string()), ("late", late.to_string()), ("missed", missed.to_string())],
        ),
        Basis::Assets { basis } => super::assets::basis(ctx, basis),
    }
}

fn computed_row(ctx: &Ctx, l: &ComputedLine) -> ComputedRow {
    ComputedRow {
        point: l.point.clone(),
        unit: l.unit.clone(),
        reported: l.reported.map_or_else(|| ctx.t("review-computed-not-reported"), |s| status_label(ctx, s)),
        computed: status_label(ctx, l.computed.status),
        basis: basis(ctx, &l.computed.basis),
        disagrees: l.disagrees(),
        verdict: match (l.reported, l.disagrees()) {
            (None, _) => "–".into(),
            (Some(_), true) => ctx.t("review-computed-disagrees"),
            (Some(_), false) => ctx.t("review-computed-agrees"),
        },
    }
}

pub fn computed(ctx: &Ctx, c: &ReviewContent) -> ComputedView {
    let differing = c.computed.iter().filter(|l| l.disagrees()).count();
    ComputedView {
        rows: c.computed.iter().map(|l| computed_row(ctx, l)).collect(),
        summary: t_args(ctx.lang, "review-computed-summary", &[("count", differing.to_string())]),
    }
}

/// The computed status for a cell of the units' points table, if the
/// registers give one.
pub fn cell_mark(ctx: &Ctx, c: &ReviewContent, point: &str, unit: &str) -> Option<CellMark> {
    let l = c.computed.iter().find(|l| l.point == point && l.unit == unit)?;
    let status = status_label(ctx, l.computed.status);
    let text = if l.disagrees() {
        t_args(ctx.lang, "review-computed-cell-differs", &[("status", status)])
    } else {
        t_args(ctx.lang, "review-computed-cell", &[("status", status)])
    };
    Some(CellMark { text, disagrees: l.disagrees() })
}

fn count_table(ctx: &Ctx, first: String, rows: &[CountRow]) -> Block {
    Block::Table {
        header: vec![first, ctx.t("review-incidents-col-count")],
        rows: rows.iter().map(|r| vec![r.label.clone(), r.count.to_string()]).collect(),
        numeric: vec![false, true],
        widths: vec![4, 1],
    }
}

/// The incident section of the report.
pub fn incident_blocks(ctx: &Ctx, v: &IncidentsView) -> Vec<Block> {
    let mut b = vec![Block::Paragraph(ctx.t("review-section-incidents-hint"))];
    if let Some(empty) = &v.empty {
        b.push(Block::Paragraph(empty.clone()));
    } else {
        b.push(Block::Facts(v.facts.clone()));
        b.push(Block::Chart {
            svg: v.category_chart.clone(),
            alt: ctx.t("chart-incidents-category-alt"),
            caption: ctx.t("review-incidents-by-category"),
        });
        b.push(count_table(ctx, ctx.t("incident-category"), &v.by_category));
        b.push(Block::Subheading(ctx.t("review-incidents-by-severity")));
        b.push(count_table(ctx, ctx.t("incident-severity"), &v.by_severity));
        b.push(Block::Subheading(ctx.t("review-incidents-deadlines")));
        b.push(Block::Paragraph(v.deadlines_summary.clone()));
        b.push(count_table(ctx, ctx.t("review-incidents-col-outcome"), &v.deadlines));
        b.push(Block::Subheading(ctx.t("review-incidents-notable")));
        if v.notable.is_empty() {
            b.push(Block::Paragraph(ctx.t("review-incidents-notable-none")));
        } else {
            b.push(Block::Table {
                header: vec![
                    ctx.t("review-incidents-col-incident"),
                    ctx.t("col-org"),
                    ctx.t("incident-severity"),
                    ctx.t("review-incidents-col-lessons"),
                ],
                rows: v
                    .notable
                    .iter()
                    .map(|n| {
                        let mut title = format!("{} ({})", n.title, n.category);
                        if n.personal_data {
                            title.push_str(&format!(" – {}", ctx.t("review-incidents-personal-data-mark")));
                        }
                        if !n.missed.is_empty() {
                            title.push_str(&format!(". {}", n.missed));
                        }
                        vec![title, n.org.clone(), n.severity.clone(), n.lessons.clone()]
                    })
                    .collect(),
                numeric: vec![],
                widths: vec![4, 2, 1, 5],
            });
        }
    }
    if v.has_trend {
        b.push(Block::Subheading(ctx.t("review-incidents-trend")));
        b.push(Block::Chart {
            svg: v.trend_chart.clone(),
            alt: ctx.t("chart-incidents-trend-alt"),
            caption: ctx.t("review-incidents-trend"),
        });
        b.push(count_table(ctx, ctx.t("col-year"), &v.trend));
    }
    b
}

/// The training section of the report.
pub fn training_blocks(ctx: &Ctx, v: &TrainingView) -> Vec<Block> {
    let mut b = vec![Block::Paragraph(ctx.t("review-section-training-hint"))];
    if let Some(empty) = &v.empty {
        b.push(Block::Paragraph(empty.clone()));
        return b;
    }
    b.push(Block::Chart {
        svg: v.chart.clone(),
        alt: ctx.t("chart-training-alt"),
        caption: ctx.t("chart-training-caption"),
    });
    b.push(Block::Table {
        header: vec![
            ctx.t("review-training-col-course"),
            ctx.t("review-training-col-coverage"),
            ctx.t("review-training-col-target"),
            ctx.t("review-training-col-completed"),
            ctx.t("col-status"),
        ],
        rows: v
            .rows
            .iter()
            .map(|r| {
                vec![r.course.clone(), r.coverage.clone(), r.target.clone(), r.completed.clone(), r.status.clone()]
            })
            .collect(),
        numeric: vec![false, true, true, true, false],
        widths: vec![4, 2, 1, 2, 2],
    });
    if !v.trend_chart.is_empty() {
        b.push(Block::Subheading(ctx.t("review-training-trend")));
        b.push(Block::Chart {
            svg: v.trend_chart.clone(),
            alt: ctx.t("chart-training-trend-alt"),
            caption: ctx.t("review-training-trend"),
        });
        b.push(Block::Table {
            header: vec![ctx.t("review-training-col-course"), ctx.t("review-training-trend")],
            rows: v.rows.iter().map(|r| vec![r.course.clone(), r.trend.clone()]).collect(),
            numeric: vec![],
            widths: vec![2, 3],
        });
    }
    b
}

/// The computed statuses in the report's checklist section.
pub fn computed_blocks(ctx: &Ctx, v: &ComputedView) -> Vec<Block> {
    if v.rows.is_empty() {
        return vec![];
    }
    vec![
        Block::Subheading(ctx.t("review-computed-heading")),
        Block::Paragraph(format!("{} {}", ctx.t("review-computed-hint"), v.summary)),
        Block::Table {
            header: vec![
                ctx.t("col-point"),
                ctx.t("col-unit"),
                ctx.t("review-computed-col-reported"),
                ctx.t("review-computed-col-computed"),
                ctx.t("review-computed-col-verdict"),
                ctx.t("review-computed-col-basis"),
            ],
            rows: v
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.point.clone(),
                        r.unit.clone(),
                        r.reported.clone(),
                        r.computed.clone(),
                        r.verdict.clone(),
                        r.basis.clone(),
                    ]
                })
                .collect(),
            numeric: vec![],
            widths: vec![3, 2, 2, 2, 2, 4],
        },
    ]
}
