//! A review's content in the reader's language: what the page and the
//! documents show.

use domain::model::Text;
use domain::review::{DecisionKind, LevelPoint, PointStatus, ReviewContent, SectionKey, UnitReportStatus};
use domain::user::Language;

use super::super::Ctx;
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
}

fn t_text(lang: Language, t: &Text) -> String {
    t.get(lang).to_owned()
}

fn sections(ctx: &Ctx, c: &ReviewContent) -> Vec<SectionView> {
    SectionKey::ALL
        .iter()
        .map(|k| SectionView {
            key: k.code(),
            heading: ctx.t(&format!("review-section-{}", k.code())),
            comment: c.comment(*k).to_owned(),
            hint: match k {
                SectionKey::Risks | SectionKey::OutsideWorld | SectionKey::Proposals => {
                    ctx.t(&format!("review-section-{}-hint", k.code()))
                }
                _ => String::new(),
            },
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
            PointRow { text: p.text.clone(), cells }
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
            .map(|p| PointRow { text: p.text.clone(), cells: p.counts.iter().map(|n| n.to_string()).collect() })
            .collect(),
        matrix: matrix(ctx, c),
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
