//! A respondent's comparative feedback once the round has closed: its
//! result against the peers of its kind and against all, as a page and a PDF.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::aggregate::{Cell, Placement};
use domain::model::Model;
use domain::org::OrgTree;
use serde::Deserialize;
use uuid::Uuid;

use super::{kind_label, pct, suppressed};
use crate::SharedState;
use crate::app::round::{self as rounds, Access, Feedback, org_name};
use crate::error::AppResult;
use crate::pages::{Ctx, parse_id, pdf_download, render};
use crate::session::{CurrentUser, Session};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgQuery {
    org: String,
}

pub struct CompareRow {
    pub area: String,
    pub mine: String,
    pub kind: Vec<String>,
    pub all: Vec<String>,
}

/// A question that blocks a level: its id and its text.
pub struct Blocker {
    /// Where the question is ("Styrdokument, fråga 3").
    pub place: String,
    pub text: String,
}

pub struct FeedbackView {
    /// Level 1–4: mine, then median, middle half and percentile for the same kind and for all.
    pub level_rows: Vec<CompareRow>,
    pub org: String,
    pub kind: String,
    pub level: u8,
    pub level_kind: String,
    pub level_all: String,
    pub rows: Vec<CompareRow>,
    pub common: Vec<Blocker>,
    pub rare: Vec<Blocker>,
    pub blockers_note: String,
    pub chart: String,
    pub suppressed_note: String,
    /// Where the figures come from and when: the snapshot submitted to the round.
    pub source: String,
    pub submitted: String,
}

fn compare_cells(ctx: &Ctx, c: Option<&Cell<Placement>>) -> Vec<String> {
    match c {
        Some(Cell::Value(Placement { percentile: p, spread: s })) => {
            vec![pct(s.median.unwrap_or(f64::NAN)), super::quartiles(s), p.round().to_string()]
        }
        Some(Cell::Suppressed { k }) => vec![suppressed(ctx, *k); 3],
        None => vec!["–".into(); 3],
    }
}

pub fn feedback_view(ctx: &Ctx, tree: &OrgTree, model: &Model, k: usize, f: &Feedback) -> FeedbackView {
    let perc = |c: &Cell<f64>| match c {
        Cell::Value(p) => crate::i18n::t_args(ctx.lang, "peer-percentile", &[("p", p.round().to_string())]),
        Cell::Suppressed { k } => suppressed(ctx, *k),
    };
    let rows: Vec<CompareRow> = model
        .areas
        .iter()
        .filter_map(|a| {
            f.mine.areas.get(&a.id).map(|mine| CompareRow {
                area: a.name.get(ctx.lang).to_owned(),
                mine: pct(*mine),
                kind: compare_cells(ctx, f.same_kind.areas.get(&a.id)),
                all: compare_cells(ctx, f.all.areas.get(&a.id)),
            })
        })
        .collect();
    let q = |id: &String| Blocker {
        place: crate::pages::question_place(ctx.lang, model, id),
        text: crate::pages::question_text(ctx.lang, model, id),
    };
    let (common, rare, blockers_note) = match (&f.all.common_blockers, &f.all.rare_blockers) {
        (Cell::Value(c), Cell::Value(r)) => (c.iter().map(q).collect(), r.iter().map(q).collect(), String::new()),
        _ => (Vec::new(), Vec::new(), suppressed(ctx, k)),
    };
    let cats: Vec<String> = rows.iter().map(|r| r.area.clone()).collect();
    let mine_vals: Vec<f64> = model
        .areas
        .iter()
        .filter_map(|a| f.mine.areas.get(&a.id).map(|v| domain::scoring::whole_percent(*v)))
        .collect();
    let median_vals: Vec<f64> = model
        .areas
        .iter()
        .filter(|a| f.mine.areas.contains_key(&a.id))
        .map(|a| match f.all.areas.get(&a.id) {
            Some(Cell::Value(Placement { spread: s, .. })) => s.median.map_or(f64::NAN, domain::scoring::whole_percent),
            _ => f64::NAN,
        })
        .collect();
    let chart = documents::charts::grouped_bar_chart(
        &cats,
        &[(ctx.t("peer-mine"), mine_vals), (ctx.t("peer-median-all"), median_vals)],
        100.0,
        " %",
    );
    let level_rows = f
        .mine
        .levels
        .iter()
        .map(|(l, mine)| CompareRow {
            area: format!("{} {l}", ctx.t("level")),
            mine: pct(*mine),
            kind: compare_cells(ctx, f.level_shares_same_kind.get(&l.to_string())),
            all: compare_cells(ctx, f.level_shares_all.get(&l.to_string())),
        })
        .collect();
    FeedbackView {
        level_rows,
        org: org_name(tree, f.org_id),
        kind: kind_label(ctx, &f.kind),
        level: f.mine.level,
        level_kind: perc(&f.same_kind.level_percentile),
        level_all: perc(&f.all.level_percentile),
        rows,
        common,
        rare,
        blockers_note,
        chart,
        suppressed_note: crate::i18n::t_args(
            ctx.lang,
            "suppressed-note",
            &[("k", k.to_string()), ("q", domain::disclosure::quantile_min(k).to_string())],
        ),
        source: crate::i18n::t_args(ctx.lang, "round-snapshot-source", &[("date", ctx.date_time(&f.submitted_at))]),
        submitted: ctx.date_time(&f.submitted_at),
    }
}

#[derive(Template)]
#[template(path = "round_feedback.html")]
struct FeedbackPage {
    ctx: Ctx,
    r: store::Round,
    org_id: Uuid,
    v: FeedbackView,
}

/// The feedback of one of the user's invited organisations; only after closing.
async fn load_feedback(state: &SharedState, s: &Session, id: &str, org: &str) -> AppResult<(Access, Uuid, Feedback)> {
    let id = parse_id(id)?;
    let org = if org.is_empty() { None } else { Some(parse_id(org)?) };
    Ok(rounds::feedback(&state.store, &state.models, &s.caller(), id, org).await?)
}

pub async fn feedback(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let (a, org, f) = load_feedback(&state, &s, &id, &q.org).await?;
    let ctx = Ctx::for_session(&s, "/rounds");
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let v = feedback_view(&ctx, &a.tree, &model, a.round.data.k, &f);
    render(&FeedbackPage { ctx, r: a.round, org_id: org, v })
}

pub fn feedback_report(ctx: &Ctx, r: &store::Round, coordinator: &str, v: &FeedbackView) -> documents::report::Report {
    use documents::report::{Block, Report, Section};
    let mut header = vec![ctx.t("col-area"), ctx.t("peer-mine")];
    for g in [ctx.t("peer-same-kind"), ctx.t("group-all")] {
        header.push(format!("{} – {g}", ctx.t("col-median")));
        header.push(format!("{} – {g}", ctx.t("col-quartiles")));
        header.push(format!("{} – {g}", ctx.t("col-percentile")));
    }
    let rows = v
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![r.area.clone(), r.mine.clone()];
            cells.extend(r.kind.iter().cloned());
            cells.extend(r.all.iter().cloned());
            cells
        })
        .collect();
    let list = |l: &[Blocker]| {
        if l.is_empty() {
            Block::Paragraph(ctx.t("peer-none"))
        } else {
            Block::Bullets(l.iter().map(|b| format!("{} ({})", b.text, b.place)).collect())
        }
    };
    let mut blockers = vec![
        Block::Subheading(ctx.t("peer-common")),
        list(&v.common),
        Block::Subheading(ctx.t("peer-rare")),
        list(&v.rare),
    ];
    if !v.blockers_note.is_empty() {
        blockers = vec![Block::Paragraph(v.blockers_note.clone())];
    }
    Report {
        lang: ctx.lang_code().into(),
        title: format!("{} – {}", ctx.t("peer-title"), r.data.name),
        subtitle: v.org.clone(),
        facts: vec![(ctx.t("round-submitted-at"), v.submitted.clone())],
        toc_title: None,
        footer: format!("Lisa · {} · {coordinator}", v.org),
        page_label: ctx.t("page"),
        of_label: ctx.t("page-of"),
        watermark: None,
        sections: vec![
            Section {
                heading: ctx.t("peer-level"),
                blocks: vec![
                    Block::Facts(vec![
                        (ctx.t("level"), v.level.to_string()),
                        (format!("{} – {}", ctx.t("col-percentile"), ctx.t("peer-same-kind")), v.level_kind.clone()),
                        (format!("{} – {}", ctx.t("col-percentile"), ctx.t("group-all")), v.level_all.clone()),
                    ]),
                    Block::Paragraph(ctx.t("peer-percentile-explained")),
                    Block::Paragraph(v.source.clone()),
                    Block::Subheading(ctx.t("peer-level-shares")),
                    Block::Table {
                        header: {
                            let mut h = header.clone();
                            h[0] = ctx.t("level");
                            h
                        },
                        rows: v
                            .level_rows
                            .iter()
                            .map(|r| {
                                let mut cells = vec![r.area.clone(), r.mine.clone()];
                                cells.extend(r.kind.iter().cloned());
                                cells.extend(r.all.iter().cloned());
                                cells
                            })
                            .collect(),
                        numeric: (0..8).map(|i| i > 0).collect(),
                        widths: vec![4, 1, 1, 2, 1, 1, 2, 1],
                    },
                ],
            },
            Section {
                heading: ctx.t("peer-areas"),
                blocks: vec![
                    Block::Chart { svg: v.chart.clone(), alt: ctx.t("peer-chart"), caption: ctx.t("peer-chart") },
                    Block::Table {
                        header,
                        rows,
                        numeric: (0..8).map(|i| i > 0).collect(),
                        widths: vec![4, 1, 1, 2, 1, 1, 2, 1],
                    },
                    Block::Paragraph(v.suppressed_note.clone()),
                ],
            },
            Section { heading: ctx.t("peer-blockers"), blocks: blockers },
        ],
    }
}

pub async fn feedback_pdf(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let (a, _, f) = load_feedback(&state, &s, &id, &q.org).await?;
    let ctx = Ctx::for_session(&s, "/rounds");
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let v = feedback_view(&ctx, &a.tree, &model, a.round.data.k, &f);
    let report = feedback_report(&ctx, &a.round, &a.org_name(a.round.org_id), &v);
    pdf_download(&state, "round feedback pdf", format!("{}.pdf", ctx.t("round-file-feedback")), report).await
}
