//! What the asset registers bring to the review, in the reader's language:
//! the section "Information assets, risks and personal data" (its figures,
//! the per-unit table, the untreated high risks and a chart of the shares)
//! and the words for a status computed from them. The page
//! (`_review_assets.html`), the report and the registers' hub read the same
//! views.

use documents::report::Block;
use domain::assets::coverage::{AssetBasis, AssetPoint, Share, UnitFacts};
use domain::assets::trend::{TREND_SHARES, TrendPoint};
use domain::review::ReviewContent;
use domain::review::assets::{AssetSection, SECTION_SHARES};

use super::super::Ctx;
use crate::i18n::t_args;

/// "18 av 30 (60 %)", or "0 av 0" without a total.
pub fn share_text(ctx: &Ctx, s: Share) -> String {
    match s.percent() {
        Some(p) => t_args(
            ctx.lang,
            "review-assets-share",
            &[("covered", s.covered.to_string()), ("total", s.total.to_string()), ("pct", p.to_string())],
        ),
        None => "–".into(),
    }
}

/// What a share counts, in words ("Informationstillgångar som är klassade och aktuella").
pub fn share_label(ctx: &Ctx, p: AssetPoint) -> String {
    ctx.t(match p {
        AssetPoint::Classification => "review-assets-classified",
        AssetPoint::RiskAnalysis => "review-assets-risk-analysed",
        AssetPoint::Dpia => "review-assets-dpia",
        AssetPoint::AccessManagement => "review-assets-responsible",
        AssetPoint::ProcessingRegister => "review-assets-records",
        AssetPoint::Procurement => "review-assets-procured",
        AssetPoint::ProcessingAgreements => "review-assets-agreements",
    })
}

/// A short column heading for a share.
pub fn share_column(ctx: &Ctx, p: AssetPoint) -> String {
    ctx.t(match p {
        AssetPoint::Classification => "review-assets-col-classified",
        AssetPoint::RiskAnalysis => "review-assets-col-risk-analysed",
        AssetPoint::Dpia => "review-assets-col-dpia",
        AssetPoint::AccessManagement => "review-assets-col-responsible",
        AssetPoint::ProcessingRegister => "review-assets-col-records",
        AssetPoint::Procurement => "review-assets-col-procured",
        AssetPoint::ProcessingAgreements => "review-assets-col-agreements",
    })
}

fn pct(covered: u64, total: u64) -> String {
    Share { covered, total }.percent().map_or_else(|| "–".into(), |p| p.to_string())
}

/// Why a status computed from the asset registers is what it is, in words.
pub fn basis(ctx: &Ctx, b: &AssetBasis) -> String {
    let n = |x: &u64| x.to_string();
    match b {
        AssetBasis::Classified { current, classified, assets } => t_args(
            ctx.lang,
            "review-basis-classified",
            &[
                ("current", n(current)),
                ("classified", n(classified)),
                ("assets", n(assets)),
                ("pct", pct(*current, *assets)),
            ],
        ),
        AssetBasis::RiskAnalysed { covered, objects, high_untreated } => t_args(
            ctx.lang,
            "review-basis-risk-analysed",
            &[
                ("covered", n(covered)),
                ("objects", n(objects)),
                ("pct", pct(*covered, *objects)),
                ("high", n(high_untreated)),
            ],
        ),
        AssetBasis::Dpia { done, needed } => t_args(
            ctx.lang,
            "review-basis-dpia",
            &[("done", n(done)), ("needed", n(needed)), ("pct", pct(*done, *needed))],
        ),
        AssetBasis::Responsible { covered, systems } => t_args(
            ctx.lang,
            "review-basis-responsible",
            &[("covered", n(covered)), ("systems", n(systems)), ("pct", pct(*covered, *systems))],
        ),
        AssetBasis::Records { complete, processings } => t_args(
            ctx.lang,
            "review-basis-records",
            &[("complete", n(complete)), ("processings", n(processings)), ("pct", pct(*complete, *processings))],
        ),
        AssetBasis::Procured { covered, systems } => t_args(
            ctx.lang,
            "review-basis-procured",
            &[("covered", n(covered)), ("systems", n(systems)), ("pct", pct(*covered, *systems))],
        ),
        AssetBasis::Agreements { covered, systems } => t_args(
            ctx.lang,
            "review-basis-agreements",
            &[("covered", n(covered)), ("systems", n(systems)), ("pct", pct(*covered, *systems))],
        ),
    }
}

/// One unit's row: its name and a cell per column of [`AssetsView::columns`].
pub struct AssetUnitRow {
    pub unit: String,
    pub cells: Vec<String>,
}

/// The figures of one subtree as label/value pairs: the shares, the
/// untreated high risks and the systems lacking an agreement.
pub fn facts(ctx: &Ctx, f: &UnitFacts, months: u32) -> Vec<(String, String)> {
    let f = f.clamped();
    let mut out: Vec<(String, String)> = SECTION_SHARES
        .iter()
        .map(|p| {
            let label = if *p == AssetPoint::RiskAnalysis {
                t_args(ctx.lang, "review-assets-risk-analysed-months", &[("months", months.to_string())])
            } else {
                share_label(ctx, *p)
            };
            (label, share_text(ctx, f.share(*p)))
        })
        .collect();
    out.push((ctx.t("review-assets-high-untreated"), format!("{} / {}", f.high_risks_untreated, f.high_risks)));
    out.push((
        ctx.t("review-assets-without-agreement"),
        format!("{} / {}", f.processor_systems_without_agreement, f.processor_systems),
    ));
    out
}

/// The shares of the per-unit table (the section's figures have all seven).
const UNIT_SHARES: [AssetPoint; 4] = [
    AssetPoint::Classification,
    AssetPoint::AccessManagement,
    AssetPoint::RiskAnalysis,
    AssetPoint::ProcessingRegister,
];

/// A share in a table cell: "covered / total (percent %)", or a dash when
/// there is nothing to count.
fn share_cell(s: Share) -> String {
    match s.percent() {
        Some(pc) => format!("{} / {} ({pc} %)", s.covered, s.total),
        None => "–".into(),
    }
}

/// A unit's cells: the shares of the table (covered / total), then the
/// untreated high risks and the systems without an agreement.
pub fn unit_cells(f: &UnitFacts) -> Vec<String> {
    let f = f.clamped();
    let mut cells: Vec<String> = UNIT_SHARES.iter().map(|p| share_cell(f.share(*p))).collect();
    cells.push(f.high_risks_untreated.to_string());
    cells.push(f.processor_systems_without_agreement.to_string());
    cells
}

/// The column headings of [`unit_cells`].
pub fn columns(ctx: &Ctx) -> Vec<String> {
    let mut c: Vec<String> = UNIT_SHARES.iter().map(|p| share_column(ctx, *p)).collect();
    c.push(ctx.t("review-assets-col-high-untreated"));
    c.push(ctx.t("review-assets-col-without-agreement"));
    c
}

/// A bar chart of the shares (percent) that have a total.
pub fn shares_chart(ctx: &Ctx, f: &UnitFacts) -> String {
    let items: Vec<(String, f64)> = SECTION_SHARES
        .iter()
        .filter_map(|p| f.share(*p).percent().map(|pc| (share_column(ctx, *p), pc as f64)))
        .collect();
    if items.is_empty() {
        return String::new();
    }
    documents::charts::bar_chart(&items, 100.0, " %")
}

/// Coverage over the years: a row per year (the year, the day counted on,
/// a cell per share of [`TREND_SHARES`]) and a line chart of the shares.
pub struct TrendView {
    pub columns: Vec<String>,
    pub rows: Vec<(String, String, Vec<String>)>,
    pub chart: String,
}

impl TrendView {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The trend's table and chart; empty when no year had anything to count.
pub fn trend(ctx: &Ctx, points: &[TrendPoint]) -> TrendView {
    let points: Vec<&TrendPoint> = points.iter().skip_while(|p| p.is_empty()).collect();
    let columns = TREND_SHARES.iter().map(|p| share_label(ctx, *p)).collect();
    if points.is_empty() {
        return TrendView { columns, rows: vec![], chart: String::new() };
    }
    let rows = points
        .iter()
        .map(|p| {
            let cells = TREND_SHARES.iter().map(|s| share_cell(p.share(*s))).collect();
            (p.year.to_string(), p.as_of.to_string(), cells)
        })
        .collect();
    let series: Vec<(String, Vec<(String, f64)>)> = TREND_SHARES
        .iter()
        .map(|s| {
            let pts =
                points.iter().filter_map(|p| p.share(*s).percent().map(|pc| (p.year.to_string(), pc as f64))).collect();
            (share_column(ctx, *s), pts)
        })
        .filter(|(_, pts): &(String, Vec<(String, f64)>)| !pts.is_empty())
        .collect();
    let chart = if series.is_empty() {
        String::new()
    } else {
        documents::charts::line_chart(&ctx.t("col-year"), &series, 100.0, &[0.0, 25.0, 50.0, 75.0, 100.0], " %")
    };
    TrendView { columns, rows, chart }
}

/// The trend in the report: a subheading, a note on what it counts, the
/// chart and the table (nothing when there is no trend).
pub fn trend_blocks(ctx: &Ctx, t: &TrendView) -> Vec<Block> {
    if t.is_empty() {
        return vec![];
    }
    let mut b =
        vec![Block::Subheading(ctx.t("review-assets-trend")), Block::Paragraph(ctx.t("review-assets-trend-hint"))];
    if !t.chart.is_empty() {
        b.push(Block::Chart {
            svg: t.chart.clone(),
            alt: ctx.t("chart-assets-trend-alt"),
            caption: ctx.t("chart-assets-trend-caption"),
        });
    }
    let header: Vec<String> =
        [ctx.t("col-year"), ctx.t("review-assets-col-as-of")].into_iter().chain(t.columns.iter().cloned()).collect();
    let n = header.len();
    b.push(Block::Table {
        header,
        rows: t
            .rows
            .iter()
            .map(|(y, d, cells)| [y.clone(), d.clone()].into_iter().chain(cells.iter().cloned()).collect())
            .collect(),
        numeric: [false, false].into_iter().chain((2..n).map(|_| true)).collect(),
        widths: [1, 2].into_iter().chain((2..n).map(|_| 3)).collect(),
    });
    b
}

/// The section on the asset registers.
pub struct AssetsView {
    /// The plain empty state, when the registers hold nothing.
    pub empty: Option<String>,
    pub facts: Vec<(String, String)>,
    pub chart: String,
    pub columns: Vec<String>,
    pub units: Vec<AssetUnitRow>,
    /// "Scenario (organisation)".
    pub untreated: Vec<(String, String)>,
    /// The reader may open the registers' hub.
    pub link: bool,
    pub trend: TrendView,
}

pub fn assets(ctx: &Ctx, c: &ReviewContent) -> AssetsView {
    let default = AssetSection::default();
    let s = c.assets.as_ref().unwrap_or(&default);
    AssetsView {
        empty: s.is_empty().then(|| ctx.t("review-assets-none")),
        facts: facts(ctx, &s.total, s.risk_months),
        chart: shares_chart(ctx, &s.total),
        columns: columns(ctx),
        units: s.units.iter().map(|u| AssetUnitRow { unit: u.unit.clone(), cells: unit_cells(&u.facts) }).collect(),
        untreated: s.untreated.iter().map(|r| (r.scenario.clone(), r.org.clone())).collect(),
        link: ctx.nav.iter().any(|n| n.href == "/registers"),
        trend: trend(ctx, &s.trend),
    }
}

/// The section in the report.
pub fn asset_blocks(ctx: &Ctx, v: &AssetsView) -> Vec<Block> {
    let mut b = vec![Block::Paragraph(ctx.t("review-section-assets-hint"))];
    if let Some(empty) = &v.empty {
        b.push(Block::Paragraph(empty.clone()));
        return b;
    }
    b.push(Block::Facts(v.facts.clone()));
    if !v.chart.is_empty() {
        b.push(Block::Chart {
            svg: v.chart.clone(),
            alt: ctx.t("chart-assets-alt"),
            caption: ctx.t("chart-assets-caption"),
        });
    }
    if !v.units.is_empty() {
        b.push(Block::Subheading(ctx.t("review-assets-units")));
        let header: Vec<String> = std::iter::once(ctx.t("col-unit")).chain(v.columns.iter().cloned()).collect();
        let n = header.len();
        b.push(Block::Table {
            header,
            rows: v
                .units
                .iter()
                .map(|u| std::iter::once(u.unit.clone()).chain(u.cells.iter().cloned()).collect())
                .collect(),
            numeric: std::iter::once(false).chain((1..n).map(|_| true)).collect(),
            widths: std::iter::once(3).chain((1..n).map(|_| 2)).collect(),
        });
    }
    b.extend(trend_blocks(ctx, &v.trend));
    b.push(Block::Subheading(ctx.t("review-assets-untreated")));
    if v.untreated.is_empty() {
        b.push(Block::Paragraph(ctx.t("review-assets-untreated-none")));
    } else {
        b.push(Block::Table {
            header: vec![ctx.t("review-assets-col-scenario"), ctx.t("col-org")],
            rows: v.untreated.iter().map(|(s, o)| vec![s.clone(), o.clone()]).collect(),
            numeric: vec![],
            widths: vec![3, 2],
        });
    }
    b
}
