//! The risk register (riskanalyser) under /registers: the list of an
//! organisation's subtree with its filters, the heat maps before and after
//! treatment as tables, and the Excel and CSV exports. One risk's page and
//! the forms are in [`show`].

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use documents::{Cell, Sheet};
use domain::assets::risk::{HeatMap, RiskLevel, RiskMatrix, RiskObject, ScaleStep, Treatment};
use domain::user::Language;
use serde::Deserialize;
use uuid::Uuid;

use super::plan::{CodeOption, OrgOption};
use super::{Ctx, download, render, render_blocking};
use crate::SharedState;
use crate::app;
use crate::app::risks::{ListedRisk, RiskFilter};
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::session::{CurrentUser, Session};

pub mod show;

/// The section every register page belongs to (for the menu).
pub const SECTION: &str = "/registers";

/// `?org=&only=` of the list and the exports.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Choice {
    pub org: String,
    pub only: String,
}

impl Choice {
    /// The organisation asked for: none when empty, 404 when malformed.
    pub fn org(&self) -> AppResult<Option<Uuid>> {
        match self.org.trim() {
            "" => Ok(None),
            s => super::parse_id(s).map(Some),
        }
    }
}

/// A level in words.
pub fn level_text(ctx: &Ctx, l: RiskLevel) -> String {
    match l {
        RiskLevel::Low => ctx.t("risks-level-low"),
        RiskLevel::Medium => ctx.t("risks-level-medium"),
        RiskLevel::High => ctx.t("risks-level-high"),
        RiskLevel::VeryHigh => ctx.t("risks-level-very_high"),
    }
}

/// The CSS class that colours a level (the level is always written out too).
pub fn level_class(l: RiskLevel) -> &'static str {
    match l {
        RiskLevel::Low => "ok",
        RiskLevel::Medium => "badge-info",
        RiskLevel::High | RiskLevel::VeryHigh => "badge",
    }
}

/// A treatment in words; none chosen yet when `None`.
pub fn treatment_text(ctx: &Ctx, t: Option<Treatment>) -> String {
    match t {
        None => ctx.t("risks-treatment-none"),
        Some(Treatment::Reduce) => ctx.t("risks-treatment-reduce"),
        Some(Treatment::Accept) => ctx.t("risks-treatment-accept"),
        Some(Treatment::Transfer) => ctx.t("risks-treatment-transfer"),
        Some(Treatment::Avoid) => ctx.t("risks-treatment-avoid"),
    }
}

/// What kind of object a risk is about, in words.
pub fn object_kind_text(ctx: &Ctx, k: RiskObject) -> String {
    match k {
        RiskObject::Org => ctx.t("risks-object-org"),
        RiskObject::System => ctx.t("risks-object-system"),
        RiskObject::Asset => ctx.t("risks-object-asset"),
    }
}

/// The name of a step of the matrix in the reader's language.
pub fn step_name(lang: Language, s: &ScaleStep) -> String {
    match lang {
        Language::Sv => s.name_sv.clone(),
        Language::En => s.name_en.clone(),
    }
}

/// "3 Hög – händer då och då": a value of a scale with its step's name.
pub fn scale_value(lang: Language, scale: &[ScaleStep], v: u8) -> String {
    match usize::from(v).checked_sub(1).and_then(|i| scale.get(i)) {
        Some(s) => format!("{v} {}", step_name(lang, s)),
        None => v.to_string(),
    }
}

/// One cell of a heat map.
pub struct HeatCell {
    pub count: u32,
    pub level: String,
    pub class: &'static str,
}

/// One likelihood's row of a heat map.
pub struct HeatRow {
    pub label: String,
    pub cells: Vec<HeatCell>,
}

/// A heat map as a table: likelihood down (highest first), consequence across.
pub struct HeatTable {
    pub id: &'static str,
    pub caption: String,
    pub cols: Vec<String>,
    pub rows: Vec<HeatRow>,
    pub outside: u32,
}

pub fn heat_table(ctx: &Ctx, id: &'static str, caption: &str, m: &RiskMatrix, h: &HeatMap) -> HeatTable {
    let cols = m.consequence.iter().enumerate().map(|(i, s)| format!("{} {}", i + 1, step_name(ctx.lang, s))).collect();
    let rows = m
        .likelihood
        .iter()
        .enumerate()
        .rev()
        .map(|(li, s)| HeatRow {
            label: format!("{} {}", li + 1, step_name(ctx.lang, s)),
            cells: (0..m.consequence.len())
                .map(|ci| {
                    let level = m.level((li + 1) as u8, (ci + 1) as u8);
                    HeatCell {
                        count: h.cells.get(li).and_then(|r| r.get(ci)).copied().unwrap_or(0),
                        level: level_text(ctx, level),
                        class: level_class(level),
                    }
                })
                .collect(),
        })
        .collect();
    HeatTable { id, caption: ctx.t(caption), cols, rows, outside: h.outside }
}

/// A risk as the register lists it.
pub struct RiskRow {
    pub id: Uuid,
    pub scenario: String,
    pub org: String,
    pub object: String,
    pub inherent: String,
    pub inherent_class: &'static str,
    pub inherent_values: String,
    pub treatment: String,
    pub residual: String,
    pub residual_class: &'static str,
    pub residual_values: String,
    pub owner: String,
    pub accepted: String,
    pub review_on: String,
    pub untreated_high: bool,
    pub review_overdue: bool,
}

pub fn risk_row(ctx: &Ctx, r: &ListedRisk) -> RiskRow {
    let d = &r.risk.data;
    let (rl, rc) = d.residual.unwrap_or((d.likelihood, d.consequence));
    RiskRow {
        id: r.risk.id,
        scenario: d.scenario.clone(),
        org: r.org_name.clone(),
        object: format!("{}: {}", object_kind_text(ctx, d.object_kind), r.object_name),
        inherent: level_text(ctx, r.inherent),
        inherent_class: level_class(r.inherent),
        inherent_values: format!("{} × {}", d.likelihood, d.consequence),
        treatment: treatment_text(ctx, d.treatment),
        residual: if d.residual.is_some() { level_text(ctx, r.residual) } else { ctx.t("risks-not-assessed") },
        residual_class: if d.residual.is_some() { level_class(r.residual) } else { "muted" },
        residual_values: if d.residual.is_some() { format!("{rl} × {rc}") } else { String::new() },
        owner: d.owner.clone(),
        accepted: d.accepted.as_ref().map(|(who, on)| format!("{who} {on}")).unwrap_or_default(),
        review_on: d.review_on.map(|x| x.to_string()).unwrap_or_default(),
        untreated_high: r.untreated_high,
        review_overdue: r.review_overdue,
    }
}

pub fn filter_options(ctx: &Ctx) -> Vec<CodeOption> {
    RiskFilter::ALL
        .iter()
        .map(|f| CodeOption {
            code: f.code(),
            label: match f {
                RiskFilter::All => ctx.t("risks-filter-all"),
                RiskFilter::High => ctx.t("risks-filter-high"),
                RiskFilter::UntreatedHigh => ctx.t("risks-filter-untreated"),
                RiskFilter::Overdue => ctx.t("risks-filter-overdue"),
            },
        })
        .collect()
}

pub fn options(tree: &domain::org::OrgTree, orgs: &[(usize, Uuid)]) -> Vec<OrgOption> {
    orgs.iter().map(|(d, id)| OrgOption::new(tree, *d, *id)).collect()
}

#[derive(Template)]
#[template(path = "risks.html")]
struct ListPage {
    ctx: Ctx,
    root: Uuid,
    root_name: String,
    only: &'static str,
    choices: Vec<OrgOption>,
    filters: Vec<CodeOption>,
    count: String,
    untreated: usize,
    overdue: usize,
    rows: Vec<RiskRow>,
    heat: HeatTable,
    heat_residual: HeatTable,
    /// Where "new risk" leads: the chosen organisation if the caller keeps its risks.
    new_org: Option<Uuid>,
}

async fn register(state: &SharedState, s: &Session, q: &Choice) -> AppResult<app::risks::Register> {
    Ok(app::risks::register(&state.store, &s.caller(), q.org()?, RiskFilter::parse(&q.only)).await?)
}

/// GET /registers/risks?org=&only=
pub async fn list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let reg = register(&state, &s, &q).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let rows: Vec<RiskRow> = reg.risks.iter().map(|r| risk_row(&ctx, r)).collect();
    let new_org = reg.manage_orgs.iter().find(|(_, o)| *o == reg.root).or(reg.manage_orgs.first()).map(|(_, o)| *o);
    render(&ListPage {
        root: reg.root,
        root_name: reg.tree.get(reg.root).map(|n| n.name.clone()).unwrap_or_default(),
        only: reg.filter.code(),
        choices: options(&reg.tree, &reg.choices),
        filters: filter_options(&ctx),
        count: i18n::t_args(ctx.lang, "risks-count", &[("n", rows.len().to_string())]),
        untreated: reg.risks.iter().filter(|r| r.untreated_high).count(),
        overdue: reg.risks.iter().filter(|r| r.review_overdue).count(),
        rows,
        heat: heat_table(&ctx, "heat-before", "risks-heat-before", &reg.matrix, &reg.heat),
        heat_residual: heat_table(&ctx, "heat-after", "risks-heat-after", &reg.matrix, &reg.heat_residual),
        new_org,
        ctx,
    })
}

/// The exports' header and rows: one row per listed risk.
fn export(ctx: &Ctx, reg: &app::risks::Register) -> (Vec<String>, Vec<Vec<Cell>>) {
    let header = [
        "risks-col-scenario",
        "risks-col-org",
        "risks-col-object-kind",
        "risks-col-object",
        "risks-likelihood",
        "risks-consequence",
        "risks-col-inherent",
        "risks-treatment",
        "risks-residual-likelihood",
        "risks-residual-consequence",
        "risks-col-residual",
        "risks-owner",
        "risks-accepted-by",
        "risks-accepted-on",
        "risks-review-on",
        "risks-col-untreated-high",
        "risks-col-review-overdue",
    ]
    .iter()
    .map(|k| ctx.t(k))
    .collect();
    let text = |s: String| Cell::Text(s);
    let num = |n: u8| Cell::Number(f64::from(n));
    let yes_no = |b: bool| Cell::Text(if b { ctx.t("yes") } else { ctx.t("no") });
    let rows = reg
        .risks
        .iter()
        .map(|r| {
            let d = &r.risk.data;
            vec![
                text(d.scenario.clone()),
                text(r.org_name.clone()),
                text(object_kind_text(ctx, d.object_kind)),
                text(r.object_name.clone()),
                num(d.likelihood),
                num(d.consequence),
                text(level_text(ctx, r.inherent)),
                text(if d.treatment.is_some() { treatment_text(ctx, d.treatment) } else { String::new() }),
                d.residual.map_or(text(String::new()), |(l, _)| num(l)),
                d.residual.map_or(text(String::new()), |(_, c)| num(c)),
                text(if d.residual.is_some() { level_text(ctx, r.residual) } else { String::new() }),
                text(d.owner.clone()),
                text(d.accepted.as_ref().map(|a| a.0.clone()).unwrap_or_default()),
                text(d.accepted.as_ref().map(|a| a.1.to_string()).unwrap_or_default()),
                text(d.review_on.map(|x| x.to_string()).unwrap_or_default()),
                yes_no(r.untreated_high),
                yes_no(r.review_overdue),
            ]
        })
        .collect();
    (header, rows)
}

fn file_name(ctx: &Ctx, reg: &app::risks::Register, ext: &str) -> String {
    let org = reg.tree.get(reg.root).map(|n| domain::slug::slug(&n.name)).unwrap_or_default();
    let org: String = org.chars().take(40).collect();
    format!(
        "{}-{}-{}.{ext}",
        domain::slug::slug(&ctx.t("risks-file")),
        org.trim_end_matches('-'),
        domain::clock::today()
    )
}

/// GET /registers/risks.xlsx?org=&only=
pub async fn xlsx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let reg = register(&state, &s, &q).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let (header, rows) = export(&ctx, &reg);
    let root = reg.tree.get(reg.root).map(|n| n.name.clone()).unwrap_or_default();
    let mut widths = vec![50.0, 30.0, 16.0, 30.0];
    widths.extend(std::iter::repeat_n(14.0, header.len() - widths.len()));
    let sheets = vec![Sheet {
        name: ctx.t("risks-sheet"),
        preamble: vec![
            i18n::t_args(ctx.lang, "risks-sheet-title", &[("org", root)]),
            format!("{}: {}", ctx.t("risks-made"), domain::clock::today()),
        ],
        header,
        rows,
        widths,
        choice: None,
    }];
    let bytes = render_blocking(&state, "risk register xlsx", move || documents::workbook(&sheets)).await?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_name(&ctx, &reg, "xlsx"),
        bytes,
    ))
}

/// Excel would run a cell starting with = + - @ as a formula: quote it away.
fn formula_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() }
}

/// GET /registers/risks.csv?org=&only=: semicolons, CRLF, a byte-order mark.
pub async fn csv(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let reg = register(&state, &s, &q).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let (header, rows) = export(&ctx, &reg);
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(header.iter().map(|h| formula_safe(h))).map_err(AppError::internal)?;
    for r in &rows {
        w.write_record(r.iter().map(|c| match c {
            Cell::Text(t) => formula_safe(t),
            Cell::Number(n) => format!("{n}"),
        }))
        .map_err(AppError::internal)?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::internal(e.into_error()))?;
    Ok(download("text/csv; charset=utf-8", &file_name(&ctx, &reg, "csv"), bytes))
}
