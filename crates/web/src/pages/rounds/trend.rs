//! The trend over a coordinator's rounds: all respondents and the panel
//! that answered in every round.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::aggregate::{Cell, GroupFigures, TrendRow, mean_level};

use super::{FigRow, Table, dec, pct, suppressed};
use crate::SharedState;
use crate::app::round as rounds;
use crate::error::AppResult;
use crate::pages::{Ctx, parse_id, render};
use crate::session::CurrentUser;

pub struct TrendView {
    pub chart: String,
    pub table: Table,
    pub areas: Table,
}

pub fn trend_view(ctx: &Ctx, rows: &[TrendRow]) -> TrendView {
    let mean = |g: &GroupFigures| g.levels.value().map(mean_level);
    let series = vec![
        (ctx.t("group-all"), rows.iter().filter_map(|t| mean(&t.all).map(|m| (t.period.to_string(), m))).collect()),
        (ctx.t("group-panel"), rows.iter().filter_map(|t| mean(&t.panel).map(|m| (t.period.to_string(), m))).collect()),
    ];
    let chart = documents::charts::line_chart(&ctx.t("col-period"), &series, 4.0, &[0.0, 1.0, 2.0, 3.0, 4.0], "");
    let cell = |g: &GroupFigures| match &g.levels {
        Cell::Value(l) => dec(mean_level(l)),
        Cell::Suppressed { k } => suppressed(ctx, *k),
    };
    let dist = |g: &GroupFigures| match &g.levels {
        Cell::Value(l) => l.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" / "),
        Cell::Suppressed { k } => suppressed(ctx, *k),
    };
    let table = Table {
        caption: ctx.t("round-trend"),
        header: vec![
            ctx.t("col-round"),
            ctx.t("col-respondents"),
            ctx.t("col-mean-level-all"),
            ctx.t("col-levels-all"),
            ctx.t("col-panel-size"),
            ctx.t("col-mean-level-panel"),
            ctx.t("col-levels-panel"),
        ],
        rows: rows
            .iter()
            .map(|t| FigRow {
                label: if t.name.contains(&t.period.to_string()) {
                    t.name.clone()
                } else {
                    format!("{} ({})", t.name, t.period)
                },
                cells: vec![
                    t.respondents.to_string(),
                    cell(&t.all),
                    dist(&t.all),
                    t.panel_size.to_string(),
                    cell(&t.panel),
                    dist(&t.panel),
                ],
                suppressed: false,
            })
            .collect(),
    };
    // The median per area in every round, all and panel.
    let mut area_ids: Vec<String> = Vec::new();
    if let Some(last) = rows.last() {
        area_ids = last.all.areas.keys().cloned().collect();
    }
    let mut header = vec![ctx.t("col-area")];
    for t in rows {
        header.push(format!("{} – {}", t.period, ctx.t("group-all")));
        header.push(format!("{} – {}", t.period, ctx.t("group-panel")));
    }
    let med = |g: &GroupFigures, a: &str| match g.areas.get(a) {
        Some(Cell::Value(s)) => pct(s.median.unwrap_or(f64::NAN)),
        Some(Cell::Suppressed { k }) => suppressed(ctx, *k),
        None => "–".into(),
    };
    let areas = Table {
        caption: ctx.t("round-trend-areas"),
        header,
        rows: area_ids
            .iter()
            .map(|a| FigRow {
                label: a.clone(),
                cells: rows.iter().flat_map(|t| [med(&t.all, a), med(&t.panel, a)]).collect(),
                suppressed: false,
            })
            .collect(),
    };
    TrendView { chart, table, areas }
}

#[derive(Template)]
#[template(path = "round_trend.html")]
struct TrendPage {
    ctx: Ctx,
    r: store::Round,
    v: TrendView,
    rounds: usize,
}

pub async fn trend(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, rows) = rounds::trend(&state.store, &state.models, &s.caller(), parse_id(&id)?).await?;
    let ctx = Ctx::for_session(&s, "/rounds");
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let mut v = trend_view(&ctx, &rows);
    // The model's order and names.
    let position = |id: &str| model.areas.iter().position(|x| x.id == id).unwrap_or(usize::MAX);
    v.areas.rows.sort_by_key(|r| position(&r.label));
    for row in &mut v.areas.rows {
        if let Some(area) = model.areas.iter().find(|x| x.id == row.label) {
            row.label = area.name.get(ctx.lang).to_owned();
        }
    }
    render(&TrendPage { ctx, r: a.round, v, rounds: rows.len() })
}
