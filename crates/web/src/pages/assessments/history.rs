//! An organisation's assessments over time: level and area shares by period,
//! a question-by-question comparison of two periods, and its units side by side.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::scoring::{self, Direction};
use serde::Deserialize;
use uuid::Uuid;

use super::{Choice, page_chart, status_text};
use crate::SharedState;
use crate::app::assessment as app;
use crate::error::AppResult;
use crate::pages::{Ctx, parse_id, render};
use crate::session::CurrentUser;

pub struct ChangeView {
    pub area: String,
    pub question: String,
    pub before: String,
    pub after: String,
    /// `better`, `worse`, `answered` or `unanswered`: unanswered is its own state.
    pub change: &'static str,
}

/// One period: its latest revision, level and total share.
pub struct PeriodRow {
    pub id: Uuid,
    pub period: i32,
    pub level: u8,
    pub percent: u32,
}

/// An area's share in each period ("–" where the period's model lacks it).
pub struct AreaTrend {
    pub name: String,
    pub values: Vec<String>,
}

/// A unit below with its latest assessment.
pub struct UnitRow {
    pub id: Uuid,
    pub name: String,
    pub period: String,
    pub level: u8,
    pub shares: Vec<u32>,
}

#[derive(Template)]
#[template(path = "assessment_history.html")]
struct HistoryPage {
    ctx: Ctx,
    org: String,
    org_id: Uuid,
    periods: Vec<PeriodRow>,
    level_chart: String,
    area_chart: String,
    area_rows: Vec<AreaTrend>,
    choices: Vec<Choice>,
    a: String,
    b: String,
    changes: Vec<ChangeView>,
    same_model: bool,
    units: Vec<UnitRow>,
    area_names: Vec<String>,
}

#[derive(Deserialize)]
pub struct CompareQuery {
    a: Option<String>,
    b: Option<String>,
}

/// Level and area shares of an organisation over every period (the latest
/// revision of each), a question-by-question comparison of two of them, and
/// the units below it side by side.
pub async fn history(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(org_id): Path<String>,
    Query(q): Query<CompareQuery>,
) -> AppResult<Response> {
    let org_id = parse_id(&org_id)?;
    let h = app::org_history(&state.store, &state.models, &s.caller(), org_id).await?;
    let ctx = Ctx::for_session(&s, "/assessments");
    let scored = &h.periods;
    let label = |p: &app::PeriodScore| p.assessment.period.to_string();
    let level_series = vec![(
        ctx.t("history-level"),
        scored.iter().map(|p| (label(p), f64::from(p.outcome.level))).collect::<Vec<_>>(),
    )];
    let level_chart = page_chart(documents::charts::line_chart(
        &ctx.t("col-period"),
        &level_series,
        4.0,
        &[0.0, 1.0, 2.0, 3.0, 4.0],
        "",
    ));
    // Area shares over the periods, by the newest model's areas.
    let (area_chart, area_rows) = match scored.last() {
        Some(newest) => {
            let rows: Vec<AreaTrend> = newest
                .model
                .areas
                .iter()
                .map(|ar| AreaTrend {
                    name: ar.name.get(ctx.lang).to_owned(),
                    values: scored
                        .iter()
                        .map(|p| {
                            p.outcome
                                .area(&ar.id)
                                .map(|x| format!("{} %", x.tally.percent()))
                                .unwrap_or_else(|| "–".into())
                        })
                        .collect(),
                })
                .collect();
            let series: Vec<(String, Vec<(String, f64)>)> = newest
                .model
                .areas
                .iter()
                .take(6)
                .map(|ar| {
                    let points = scored
                        .iter()
                        .filter_map(|p| p.outcome.area(&ar.id).map(|x| (label(p), f64::from(x.tally.percent()))))
                        .collect();
                    (ar.name.get(ctx.lang).to_owned(), points)
                })
                .collect();
            let ticks = [0.0, 25.0, 50.0, 75.0, 100.0];
            (page_chart(documents::charts::line_chart(&ctx.t("col-period"), &series, 100.0, &ticks, " %")), rows)
        }
        None => (String::new(), Vec::new()),
    };
    let periods = scored
        .iter()
        .map(|p| PeriodRow {
            id: p.assessment.id,
            period: p.assessment.period,
            level: p.outcome.level,
            percent: p.outcome.total.percent(),
        })
        .collect();
    let choices: Vec<Choice> = scored.iter().map(|p| Choice { id: p.assessment.id, label: label(p) }).collect();
    let pick = |v: &Option<String>, default: Option<usize>| -> String {
        v.clone()
            .filter(|x| !x.is_empty())
            .or_else(|| default.and_then(|i| choices.get(i)).map(|c| c.id.to_string()))
            .unwrap_or_default()
    };
    let n = choices.len();
    let a_id = pick(&q.a, n.checked_sub(2));
    let b_id = pick(&q.b, n.checked_sub(1));
    let mut changes = Vec::new();
    let mut same_model = true;
    let find = |id: &str| scored.iter().find(|p| p.assessment.id.to_string() == id);
    if let (Some(x), Some(y)) = (find(&a_id), find(&b_id)) {
        if x.assessment.model_id == y.assessment.model_id {
            let model = &y.model;
            for c in
                scoring::compare(model, &x.answers, &y.answers).into_iter().filter(|c| c.direction != Direction::Same)
            {
                let question = model.question(&c.question);
                changes.push(ChangeView {
                    area: question
                        .and_then(|q| model.area(&q.area))
                        .map(|a| a.name.get(ctx.lang).to_owned())
                        .unwrap_or_default(),
                    question: question.map(|q| q.text.get(ctx.lang).to_owned()).unwrap_or_default(),
                    before: status_text(&ctx, c.before),
                    after: status_text(&ctx, c.after),
                    change: match c.direction {
                        Direction::Better => "better",
                        Direction::Worse => "worse",
                        Direction::Answered => "answered",
                        Direction::Unanswered | Direction::Same => "unanswered",
                    },
                });
            }
        } else {
            same_model = false;
        }
    }
    let area_names = scored
        .last()
        .map(|p| p.model.areas.iter().map(|a| a.name.get(ctx.lang).to_owned()).collect())
        .unwrap_or_default();
    let units = h
        .units
        .iter()
        .map(|u| UnitRow {
            id: u.assessment.id,
            name: u.org.clone(),
            period: u.assessment.period.to_string(),
            level: u.outcome.level,
            shares: u.outcome.areas.iter().map(|x| x.tally.percent()).collect(),
        })
        .collect();
    render(&HistoryPage {
        org: h.org.clone(),
        org_id,
        periods,
        level_chart,
        area_chart,
        area_rows,
        choices,
        a: a_id,
        b: b_id,
        changes,
        same_model,
        units,
        area_names,
        ctx,
    })
}
