//! A round's aggregates (samlad bedömning) as the coordinator sees them; the
//! same view feeds the report and the exports.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::aggregate::{Breakdown, Cell, GroupFigures, Spread, mean_level};
use domain::model::Model;

use super::{FigRow, Table, dec, kind_label, pct, phase_label, suppressed};
use crate::SharedState;
use crate::app::round::{self as rounds, Access};
use crate::error::AppResult;
use crate::pages::{Ctx, parse_id, render};
use crate::session::{CurrentUser, Session};

/// The aggregates of a round as the page, the report and the exports show them.
pub struct ResultsView {
    pub respondents: usize,
    pub invited: usize,
    pub k: usize,
    pub suppressed_note: String,
    pub level_chart: String,
    pub area_chart: String,
    pub tables: Vec<Table>,
}

fn level_row(ctx: &Ctx, label: String, g: &GroupFigures) -> FigRow {
    match &g.levels {
        Cell::Value(l) => {
            let n: usize = l.iter().sum();
            let mut cells: Vec<String> = vec![n.to_string()];
            cells.extend(l.iter().map(|c| format!("{c} ({})", pct(*c as f64 / n.max(1) as f64))));
            cells.push(dec(mean_level(l)));
            FigRow { label, cells, suppressed: false }
        }
        Cell::Suppressed { k } => FigRow { label, cells: vec![suppressed(ctx, *k); 7], suppressed: true },
    }
}

fn spread_cells(ctx: &Ctx, c: Option<&Cell<Spread>>, k: usize) -> Vec<String> {
    match c {
        Some(Cell::Value(s)) => vec![pct(s.mean), pct(s.median.unwrap_or(f64::NAN)), super::quartiles(s)],
        _ => vec![suppressed(ctx, k); 3],
    }
}

pub fn results_view(ctx: &Ctx, model: &Model, b: &Breakdown, invited: usize) -> ResultsView {
    let k = b.k;
    let area_name = |id: &str| {
        model.areas.iter().find(|a| a.id == id).map(|a| a.name.get(ctx.lang).to_owned()).unwrap_or(id.into())
    };
    let mut level_header = vec![ctx.t("col-group"), ctx.t("col-respondents")];
    level_header.extend((0..=4).map(|l| format!("{} {l}", ctx.t("level"))));
    level_header.push(ctx.t("col-mean-level"));
    let mut level_rows = vec![level_row(ctx, ctx.t("group-all"), &b.all)];
    level_rows.extend(b.by_kind.iter().map(|(g, f)| level_row(ctx, kind_label(ctx, g), f)));
    level_rows.extend(b.by_size.iter().map(|(g, f)| level_row(ctx, ctx.t(&format!("size-{g}")), f)));
    let tables_levels = Table { caption: ctx.t("round-levels"), header: level_header, rows: level_rows };

    // Areas: all respondents (mean, median, quartiles), then the median per kind.
    let kinds: Vec<&String> = b.by_kind.keys().collect();
    let mut area_header = vec![ctx.t("col-area"), ctx.t("col-mean"), ctx.t("col-median"), ctx.t("col-quartiles")];
    area_header.extend(kinds.iter().map(|k| format!("{} – {}", ctx.t("col-median"), kind_label(ctx, k))));
    let area_ids: Vec<String> = model.areas.iter().map(|a| a.id.clone()).collect();
    let area_rows: Vec<FigRow> = area_ids
        .iter()
        .map(|a| {
            let mut cells = spread_cells(ctx, b.all.areas.get(a), k);
            for kd in &kinds {
                cells.push(match b.by_kind[*kd].areas.get(a) {
                    Some(Cell::Value(s)) => pct(s.median.unwrap_or(f64::NAN)),
                    _ => suppressed(ctx, k),
                });
            }
            FigRow { label: area_name(a), suppressed: cells.iter().all(|c| c.starts_with(&suppressed(ctx, k))), cells }
        })
        .collect();
    let tables_areas = Table { caption: ctx.t("round-areas"), header: area_header, rows: area_rows };

    let q_text = |id: &str| crate::pages::question_text(ctx.lang, model, id);
    let blocker_rows: Vec<FigRow> = match &b.all.blockers {
        Cell::Value(list) => list
            .iter()
            .map(|c| FigRow {
                label: q_text(&c.question),
                cells: vec![
                    crate::pages::question_place(ctx.lang, model, &c.question),
                    c.organisations.to_string(),
                    pct(c.organisations as f64 / b.respondents.max(1) as f64),
                ],
                suppressed: false,
            })
            .collect(),
        Cell::Suppressed { k } => {
            vec![FigRow { label: ctx.t("group-all"), cells: vec![suppressed(ctx, *k); 3], suppressed: true }]
        }
    };
    let tables_blockers = Table {
        caption: ctx.t("round-blockers"),
        header: vec![
            ctx.t("col-question"),
            ctx.t("col-question-place"),
            ctx.t("col-orgs"),
            ctx.t("col-share-of-respondents"),
        ],
        rows: blocker_rows,
    };

    // The most common blockers of each group.
    let top = |label: String, g: &GroupFigures| match &g.blockers {
        Cell::Value(list) if list.is_empty() => FigRow { label, cells: vec!["–".into()], suppressed: false },
        Cell::Value(list) => FigRow {
            label,
            cells: vec![
                list.iter()
                    .take(3)
                    .map(|c| {
                        crate::i18n::t_args(
                            ctx.lang,
                            "blocker-count",
                            &[("question", q_text(&c.question)), ("n", c.organisations.to_string())],
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ],
            suppressed: false,
        },
        Cell::Suppressed { k } => FigRow { label, cells: vec![suppressed(ctx, *k)], suppressed: true },
    };
    let mut group_blockers: Vec<FigRow> = b.by_kind.iter().map(|(g, f)| top(kind_label(ctx, g), f)).collect();
    group_blockers.extend(b.by_size.iter().map(|(g, f)| top(ctx.t(&format!("size-{g}")), f)));
    let tables_group_blockers = Table {
        caption: ctx.t("round-blockers-by-group"),
        header: vec![ctx.t("col-group"), ctx.t("col-top-blockers")],
        rows: group_blockers,
    };
    let level_chart = match &b.all.levels {
        Cell::Value(l) => documents::charts::bar_chart(
            &(0..=4).map(|i| (format!("{} {i}", ctx.t("level")), l[i] as f64)).collect::<Vec<_>>(),
            l.iter().copied().max().unwrap_or(1).max(1) as f64,
            "",
        ),
        Cell::Suppressed { .. } => String::new(),
    };
    let area_items: Vec<(String, f64)> = area_ids
        .iter()
        .filter_map(|a| match b.all.areas.get(a) {
            Some(Cell::Value(s)) => s.median.map(|m| (area_name(a), domain::scoring::whole_percent(m))),
            _ => None,
        })
        .collect();
    let area_chart =
        if area_items.is_empty() { String::new() } else { documents::charts::bar_chart(&area_items, 100.0, " %") };
    ResultsView {
        respondents: b.respondents,
        invited,
        k,
        suppressed_note: crate::i18n::t_args(
            ctx.lang,
            "suppressed-note",
            &[("k", k.to_string()), ("q", domain::disclosure::quantile_min(k).to_string())],
        ),
        level_chart,
        area_chart,
        tables: vec![tables_levels, tables_areas, tables_blockers, tables_group_blockers],
    }
}

#[derive(Template)]
#[template(path = "round_results.html")]
struct ResultsPage {
    ctx: Ctx,
    r: store::Round,
    v: ResultsView,
    phase: String,
}

/// A round's aggregates for its coordinator, with the view of them.
pub(super) struct Loaded {
    pub access: Access,
    pub view: ResultsView,
    pub ctx: Ctx,
}

pub(super) async fn load_results(state: &SharedState, s: &Session, id: &str) -> AppResult<Loaded> {
    let data = rounds::results(&state.store, &state.models, &s.caller(), parse_id(id)?).await?;
    let model = state.models.get(&state.store, data.access.round.model_id).await?;
    let ctx = Ctx::for_session(s, "/rounds");
    let view = results_view(&ctx, &model, &data.breakdown, data.invited);
    Ok(Loaded { access: data.access, view, ctx })
}

pub async fn results(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let Loaded { access: a, view: v, ctx } = load_results(&state, &s, &id).await?;
    let phase = phase_label(&ctx, a.phase());
    render(&ResultsPage { ctx, r: a.round, v, phase })
}

/// The main findings of a round in sentences, for the report's summary:
/// from the published figures only (`domain::aggregate::findings`), so a
/// suppressed figure is not told in words either.
pub fn summary_sentences(
    ctx: &Ctx,
    model: &Model,
    b: &Breakdown,
    invited: usize,
    trend: &[domain::aggregate::TrendRow],
) -> Vec<String> {
    use crate::i18n::t_args;
    let f = domain::aggregate::findings(b, invited, trend);
    let area_name = |id: &str| model.area(id).map_or_else(|| id.to_owned(), |a| a.name.get(ctx.lang).to_owned());
    let mut out = vec![t_args(
        ctx.lang,
        "round-finding-respondents",
        &[
            ("n", f.respondents.to_string()),
            ("invited", f.invited.to_string()),
            ("share", pct(f.respondents as f64 / f.invited.max(1) as f64)),
        ],
    )];
    if let (Some((level, share)), Some(two)) = (f.common_level, f.at_least_two) {
        out.push(t_args(
            ctx.lang,
            "round-finding-levels",
            &[("level", level.to_string()), ("share", pct(share)), ("two", pct(two))],
        ));
    }
    if let (Some((strong, s)), Some((weak, w))) = (&f.strongest, &f.weakest) {
        out.push(t_args(
            ctx.lang,
            "round-finding-areas",
            &[("strong", area_name(strong)), ("s", pct(*s)), ("weak", area_name(weak)), ("w", pct(*w))],
        ));
    }
    if let Some((q, n)) = &f.top_blocker {
        out.push(t_args(
            ctx.lang,
            "round-finding-blocker",
            &[
                ("question", crate::pages::question_text(ctx.lang, model, q)),
                ("place", crate::pages::question_place(ctx.lang, model, q)),
                ("n", n.to_string()),
            ],
        ));
    }
    if let Some(((y0, m0), (y1, m1))) = f.trend {
        out.push(t_args(
            ctx.lang,
            "round-finding-trend",
            &[("from", dec(m0)), ("y0", y0.to_string()), ("to", dec(m1)), ("y1", y1.to_string())],
        ));
    }
    if f.common_level.is_none() {
        out.push(ctx.t("round-finding-suppressed"));
    }
    out
}
