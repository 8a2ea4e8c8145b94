//! The action plan's exports: Excel, CSV (semicolons and a byte-order mark,
//! as Excel in Swedish expects) and PDF, of the list as filtered.

use std::borrow::Cow;

use axum::extract::{Query, State};
use axum::response::Response;
use domain::org::OrgTree;
use domain::plan::{format_kronor, is_overdue};
use uuid::Uuid;

use super::super::{Ctx, download};
use super::{Filter, today, totals_view};
use crate::SharedState;
use crate::app;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

fn header_row(ctx: &Ctx) -> Vec<String> {
    [
        "col-action",
        "col-org",
        "field-goal",
        "field-activity",
        "col-responsible",
        "field-start-date",
        "field-end-date",
        "col-status",
        "col-overdue",
        "col-cost-kr",
        "col-origin",
        "field-progress-note",
    ]
    .iter()
    .map(|k| ctx.t(k))
    .collect()
}

fn export_rows(ctx: &Ctx, tree: &OrgTree, actions: &[store::Action]) -> Vec<Vec<documents::Cell>> {
    use documents::Cell;
    let today = today();
    actions
        .iter()
        .map(|a| {
            let d = &a.data;
            vec![
                Cell::from(d.title.as_str()),
                Cell::from(tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default()),
                Cell::from(d.goal.as_str()),
                Cell::from(d.activity.as_str()),
                Cell::from(d.responsible.as_str()),
                Cell::from(d.start_date.map(|x| x.to_string()).unwrap_or_default()),
                Cell::from(d.end_date.map(|x| x.to_string()).unwrap_or_default()),
                Cell::from(ctx.t(&format!("action-status-{}", d.status.code()))),
                Cell::from(if is_overdue(d.status, d.end_date, today) { ctx.t("yes") } else { String::new() }),
                Cell::Number(d.cost as f64),
                Cell::from(ctx.t(&format!("origin-{}", d.origin.code()))),
                Cell::from(d.progress_note.as_str()),
            ]
        })
        .collect()
}

/// The filtered actions and the tree, for an export.
async fn filtered(state: &SharedState, s: &Session, f: &Filter) -> AppResult<(OrgTree, Vec<store::Action>)> {
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let actions = app::plan::visible_actions(&state.store, &s.caller(), &tree, &f.parsed()).await?;
    Ok((tree, actions))
}

/// The download's name: "handlingsplan-<date>.<ext>".
fn file_name(ctx: &Ctx, ext: &str) -> String {
    let stem = crate::i18n::t_args(ctx.lang, "plan-file-plan", &[("date", today().to_string())]);
    format!("{}.{ext}", domain::slug::slug(&stem))
}

pub async fn export_xlsx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let (tree, actions) = filtered(&state, &s, &f).await?;
    let ctx = Ctx::for_session(&s, "/plan");
    let t = app::plan::totals(&actions);
    let sheet = documents::Sheet {
        name: ctx.t("plan-sheet"),
        preamble: vec![
            ctx.t("plan-title"),
            format!("{}: {}", ctx.t("plan-exported"), today()),
            format!(
                "{}: {} · {}: {} · {}: {}",
                ctx.t("totals-count"),
                t.count,
                ctx.t("totals-overdue"),
                t.overdue,
                ctx.t("totals-cost"),
                format_kronor(t.cost)
            ),
        ],
        header: header_row(&ctx),
        rows: export_rows(&ctx, &tree, &actions),
        widths: vec![40.0, 28.0, 30.0, 40.0, 22.0, 12.0, 12.0, 12.0, 10.0, 12.0, 20.0, 40.0],
        choice: None,
    };
    let sheets = vec![sheet];
    let bytes = super::super::render_blocking(&state, "xlsx", move || documents::workbook(&sheets)).await?;
    Ok(download("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &file_name(&ctx, "xlsx"), bytes))
}

/// Excel would run a cell starting with = + - @ as a formula: quote it away.
pub(super) fn formula_safe(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@']) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// The CSV document: a byte-order mark, then semicolon-separated lines
/// ending in CRLF, fields quoted where needed.
fn csv_document(header: &[String], rows: &[Vec<documents::Cell>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(header.iter().map(|h| formula_safe(h).into_owned()))?;
    for r in rows {
        w.write_record(r.iter().map(|c| match c {
            documents::Cell::Text(t) => formula_safe(t).into_owned(),
            documents::Cell::Number(n) => format!("{n}"),
        }))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

pub async fn export_csv(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let (tree, actions) = filtered(&state, &s, &f).await?;
    let ctx = Ctx::for_session(&s, "/plan");
    let bytes = csv_document(&header_row(&ctx), &export_rows(&ctx, &tree, &actions)).map_err(AppError::internal)?;
    Ok(download("text/csv; charset=utf-8", &file_name(&ctx, "csv"), bytes))
}

/// The action plan as a report (PDF).
pub fn plan_report(ctx: &Ctx, tree: &OrgTree, actions: &[store::Action], heading: &str) -> documents::report::Report {
    use documents::report::{Block, Report, Section};
    let tv = totals_view(&app::plan::totals(actions));
    let today = today();
    let facts = vec![
        (ctx.t("totals-count"), tv.count.to_string()),
        (ctx.t("action-status-done"), format!("{} ({} %)", tv.done, tv.done_percent)),
        (ctx.t("action-status-ongoing"), tv.ongoing.to_string()),
        (ctx.t("action-status-planned"), tv.planned.to_string()),
        (ctx.t("totals-overdue"), tv.overdue.to_string()),
        (ctx.t("totals-cost"), tv.cost.clone()),
        (ctx.t("totals-cost-done"), tv.cost_done.clone()),
    ];
    let table_rows = actions
        .iter()
        .map(|a| {
            let d = &a.data;
            let mut status = ctx.t(&format!("action-status-{}", d.status.code()));
            if is_overdue(d.status, d.end_date, today) {
                status = format!("{status} – {}", ctx.t("overdue"));
            }
            vec![
                d.title.clone(),
                tree.get(a.org_id).map(|n| n.name.clone()).unwrap_or_default(),
                d.responsible.clone(),
                d.end_date.map(|x| x.to_string()).unwrap_or_default(),
                status,
                format_kronor(d.cost),
            ]
        })
        .collect();
    Report {
        lang: ctx.lang_code().into(),
        title: ctx.t("plan-title"),
        subtitle: heading.to_owned(),
        facts: vec![],
        toc_title: None,
        footer: format!("Lisa · {} · {}", ctx.t("plan-title"), today),
        page_label: ctx.t("page"),
        of_label: ctx.t("page-of"),
        watermark: None,
        sections: vec![
            Section { heading: ctx.t("plan-summary"), blocks: vec![Block::Facts(facts)] },
            Section {
                heading: ctx.t("plan-actions"),
                blocks: vec![Block::Table {
                    header: ["col-action", "col-org", "col-responsible", "field-end-date", "col-status", "col-cost"]
                        .iter()
                        .map(|k| ctx.t(k))
                        .collect(),
                    rows: table_rows,
                    numeric: vec![false, false, false, false, false, true],
                    widths: vec![4, 3, 2, 2, 2, 2],
                }],
            },
        ],
    }
}

pub async fn export_pdf(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(f): Query<Filter>,
) -> AppResult<Response> {
    let (tree, actions) = filtered(&state, &s, &f).await?;
    let ctx = Ctx::for_session(&s, "/plan");
    let heading = match f.org.parse::<Uuid>().ok().and_then(|o| tree.get(o)) {
        Some(n) => n.name.clone(),
        None => ctx.t("plan-all-visible"),
    };
    let report = plan_report(&ctx, &tree, &actions, &heading);
    super::super::pdf_download(&state, "action plan pdf", file_name(&ctx, "pdf"), report).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_bom_semicolons_and_neutralised_formulas() {
        let header = vec!["Åtgärd".to_owned(), "Kostnad".to_owned()];
        let rows = vec![
            vec![documents::Cell::from("=SUM(A1)"), documents::Cell::Number(12500.0)],
            vec![documents::Cell::from("a;b \"c\""), documents::Cell::Number(0.0)],
        ];
        let out = String::from_utf8(csv_document(&header, &rows).unwrap()).unwrap();
        assert_eq!(out, "\u{feff}Åtgärd;Kostnad\r\n'=SUM(A1);12500\r\n\"a;b \"\"c\"\"\";0\r\n");
    }
}
