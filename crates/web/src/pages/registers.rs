//! The registers' hub (`/registers`): for the chosen organisation, links to
//! the registers (information assets, systems, risks, the processing
//! register and data-processing agreements), the status the registers give
//! the checklist's seven asset points, and coverage per unit of its subtree
//! (own and rolled up). The use case is `crate::app::registers::coverage`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::assets::coverage::{AssetPoint, asset_point_source};
use domain::review::DEFAULT_CHECKLIST;
use domain::user::Language;

use super::plan::OrgOption;
use super::review::assets::{TrendView, basis, columns, facts, shares_chart, trend, unit_cells};
use super::training::{Choice, options};
use super::{Ctx, render};
use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::session::CurrentUser;

/// The checklist's text of an asset point, in the reader's language.
pub fn point_text(lang: Language, p: AssetPoint) -> String {
    DEFAULT_CHECKLIST
        .iter()
        .find(|(sv, _)| asset_point_source(sv) == Some(p))
        .map(|(sv, en)| if lang == Language::En { (*en).to_owned() } else { (*sv).to_owned() })
        .unwrap_or_default()
}

/// A link to one register.
pub struct RegisterLink {
    pub href: String,
    pub label: String,
    pub hint: String,
}

/// One asset point with the status the registers give it.
pub struct PointRow {
    pub text: String,
    /// The status in words, or "Inget att räkna" when there is nothing to count.
    pub status: String,
    pub code: &'static str,
    pub basis: String,
}

/// One organisation's coverage.
pub struct LineRow {
    pub name: String,
    /// A dash per level below the chosen organisation.
    pub indent: String,
    pub root: bool,
    /// Per column of [`columns`]: rolled up, and the organisation's own
    /// (empty when the two are the same).
    pub cells: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "registers.html")]
struct HubPage {
    ctx: Ctx,
    root: String,
    root_name: String,
    today: String,
    choices: Vec<OrgOption>,
    links: Vec<RegisterLink>,
    facts: Vec<(String, String)>,
    chart: String,
    points: Vec<PointRow>,
    columns: Vec<String>,
    lines: Vec<LineRow>,
    trend: TrendView,
}

fn links(ctx: &Ctx, org: &str) -> Vec<RegisterLink> {
    [
        ("assets", "registers-link-assets", "registers-link-assets-hint"),
        ("systems", "registers-link-systems", "registers-link-systems-hint"),
        ("risks", "registers-link-risks", "registers-link-risks-hint"),
        ("processings", "registers-link-processings", "registers-link-processings-hint"),
        ("agreements", "registers-link-agreements", "registers-link-agreements-hint"),
    ]
    .into_iter()
    .map(|(path, label, hint)| RegisterLink {
        href: format!("/registers/{path}?org={org}"),
        label: ctx.t(label),
        hint: ctx.t(hint),
    })
    .collect()
}

/// The hub for `?org=` (default: the user's first organisation).
pub async fn hub(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let c = app::registers::coverage(&state.store, &s.caller(), q.org()?).await?;
    let ctx = Ctx::for_session(&s, "/registers");
    let root = c.root.to_string();
    let points = c
        .points
        .iter()
        .map(|(p, computed)| PointRow {
            text: point_text(ctx.lang, *p),
            status: computed.map_or_else(
                || ctx.t("registers-nothing-to-count"),
                |x| ctx.t(&format!("point-status-{}", x.status.code())),
            ),
            code: computed.map_or("none", |x| x.status.code()),
            basis: computed.map(|x| basis(&ctx, &x.basis)).unwrap_or_default(),
        })
        .collect();
    let lines = c
        .lines
        .iter()
        .map(|l| LineRow {
            name: l.name.clone(),
            indent: "– ".repeat(l.depth),
            root: l.org_id == c.root,
            cells: {
                let own = if l.own == l.rolled_up { vec![] } else { unit_cells(&l.own) };
                unit_cells(&l.rolled_up)
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| (r, own.get(i).cloned().unwrap_or_default()))
                    .collect()
            },
        })
        .collect();
    render(&HubPage {
        links: links(&ctx, &root),
        root_name: c.root_name.clone(),
        today: c.today.to_string(),
        choices: options(&c.tree, &c.choices),
        facts: facts(&ctx, &c.total, c.risk_months),
        chart: shares_chart(&ctx, &c.total),
        trend: trend(&ctx, &c.trend),
        points,
        columns: columns(&ctx),
        lines,
        root,
        ctx,
    })
}
