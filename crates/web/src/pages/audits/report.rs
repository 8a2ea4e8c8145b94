//! An audit's follow-up report (uppföljningsrapport) as PDF and Word, and
//! the audit register as Excel. Both show what the caller sees of the audits:
//! a body's own people only the copies addressed to bodies in their scope.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use documents::report::{Block, Report, Section};
use documents::{Cell, Sheet};
use domain::audits::{TargetStatus, tally};
use domain::clock::today;
use uuid::Uuid;

use crate::SharedState;
use crate::app::Caller;
use crate::app::audits::{AuditDetail, Register, audit_detail, register};
use crate::error::AppResult;
use crate::i18n::t_args;
use crate::pages::{Ctx, docx_download, download, parse_id, pdf_download, render_blocking};
use crate::session::{CurrentUser, Session};

/// Characters of a title kept in a download's file name.
const SLUG_CHARS: usize = 60;

fn date(ctx: &Ctx, d: Option<NaiveDate>) -> String {
    d.map_or_else(|| ctx.t("not-given"), |d| d.to_string())
}

fn kind_label(ctx: &Ctx, a: &store::OrgAudit) -> String {
    ctx.tk("audit-kind", &a.data.kind.code())
}

fn status_label(ctx: &Ctx, s: TargetStatus) -> String {
    ctx.tk("audit-status", &s.code())
}

/// "Revisionsbyrån AB (Eva Ek)", or the organisation alone.
fn auditor(a: &store::OrgAudit) -> String {
    match a.data.auditor_person.as_str() {
        "" => a.data.auditor_org.clone(),
        p => format!("{} ({p})", a.data.auditor_org),
    }
}

/// The body's answer as one table cell: the stance, then the measures, who
/// is responsible and by when, who decided it and when, and the actions made
/// of it; or that no answer has come.
fn answer_cell(ctx: &Ctx, t: &store::Target, actions: &[&store::Action]) -> String {
    let Some(r) = &t.response else { return ctx.t("audit-report-no-answer") };
    let mut lines = vec![ctx.tk("audit-stance", &r.stance.code())];
    if !r.measures.is_empty() {
        lines.push(format!("{}: {}", ctx.t("audit-report-measures"), r.measures));
    }
    if !r.responsible.is_empty() {
        lines.push(format!("{}: {}", ctx.t("audit-report-responsible"), r.responsible));
    }
    if let Some(d) = r.due {
        lines.push(format!("{}: {d}", ctx.t("audit-report-due")));
    }
    let decided = match r.decided_on {
        Some(on) => format!("{}, {on}", r.decided_by),
        None => r.decided_by.clone(),
    };
    lines.push(format!("{}: {decided}", ctx.t("audit-report-decided-by")));
    for a in actions {
        lines.push(format!(
            "{}: {} ({})",
            ctx.t("audit-report-action"),
            a.data.title,
            ctx.tk("action-status", &a.data.status.code())
        ));
    }
    lines.join("\n")
}

/// The follow-up report of one audit, as the caller sees it.
pub fn follow_up_report(ctx: &Ctx, caller: &Caller, d: &AuditDetail) -> Report {
    let a = &d.v.audit;
    let bodies = d.v.visible_bodies(caller);
    let body_names: Vec<String> = bodies.iter().map(|b| d.v.org_name(*b)).collect();
    let copies: Vec<(&store::Recommendation, &store::Target)> =
        d.recommendations.iter().flat_map(|r| r.targets.iter().map(move |t| (r, t))).collect();

    let mut facts = vec![
        (ctx.t("audit-report-audit"), a.data.title.clone()),
        (ctx.t("audit-report-kind"), kind_label(ctx, a)),
        (ctx.t("audit-report-auditor"), auditor(a)),
    ];
    let keeper = d.v.org_name(a.org_id);
    if !keeper.is_empty() {
        facts.push((ctx.t("audit-report-kept-by"), keeper.clone()));
    }
    if !a.data.period.is_empty() {
        facts.push((ctx.t("audit-report-period"), a.data.period.clone()));
    }
    facts.extend([
        (ctx.t("audit-report-started"), date(ctx, a.data.started)),
        (ctx.t("audit-report-delivered-on"), date(ctx, a.data.report_delivered)),
        (ctx.t("audit-report-responses-due"), date(ctx, a.data.responses_due)),
    ]);
    if let Some((_, title)) = &d.follows_up {
        facts.push((ctx.t("audit-report-follows-up"), title.clone()));
    }
    facts.push((ctx.t("audit-report-bodies"), body_names.join("\n")));
    facts.push((ctx.t("audit-report-made"), today().to_string()));

    let mut sections = Vec::new();

    // 1. Summary: the purpose and where the recommendations stand.
    let mut b = Vec::new();
    if !a.data.purpose.is_empty() {
        b.push(Block::Subheading(ctx.t("audit-report-purpose")));
        b.push(Block::Paragraph(a.data.purpose.clone()));
    }
    if !d.v.full {
        b.push(Block::Note { label: ctx.t("audit-report-scope-label"), text: ctx.t("audit-report-scope") });
    }
    b.push(Block::Subheading(ctx.t("audit-report-status-heading")));
    if copies.is_empty() {
        b.push(Block::Paragraph(ctx.t("audit-report-no-recommendations")));
    } else {
        let answered = copies.iter().filter(|(_, t)| t.response.is_some()).count();
        let closed = copies.iter().filter(|(_, t)| t.status == TargetStatus::Closed).count();
        b.push(Block::Facts(vec![
            (ctx.t("audit-report-count-recommendations"), d.recommendations.len().to_string()),
            (ctx.t("audit-report-count-copies"), copies.len().to_string()),
            (ctx.t("audit-report-count-answered"), answered.to_string()),
            (ctx.t("audit-report-count-closed"), closed.to_string()),
        ]));
        let counts = tally(copies.iter().map(|(_, t)| t.status));
        let items: Vec<(String, f64)> =
            TargetStatus::ALL.iter().zip(&counts).map(|(s, n)| (status_label(ctx, *s), *n as f64)).collect();
        let max = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
        b.push(Block::Chart {
            svg: documents::charts::bar_chart(&items, max, ""),
            alt: t_args(
                ctx.lang,
                "audit-report-chart-alt",
                &[("counts", items.iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join(", "))],
            ),
            caption: ctx.t("audit-report-chart-caption"),
        });
        // The same figures per body: a row each, a column per status.
        let mut header = vec![ctx.t("audit-report-body")];
        header.extend(TargetStatus::ALL.iter().map(|s| status_label(ctx, *s)));
        let rows: Vec<Vec<String>> = bodies
            .iter()
            .zip(&body_names)
            .filter_map(|(b, name)| {
                let of_body: Vec<TargetStatus> =
                    copies.iter().filter(|(_, t)| t.org_id == *b).map(|(_, t)| t.status).collect();
                (!of_body.is_empty())
                    .then(|| std::iter::once(name.clone()).chain(tally(of_body).iter().map(usize::to_string)).collect())
            })
            .collect();
        if rows.len() > 1 {
            b.push(Block::Table {
                header,
                numeric: std::iter::once(false).chain(TargetStatus::ALL.iter().map(|_| true)).collect(),
                widths: std::iter::once(4).chain(TargetStatus::ALL.iter().map(|_| 2)).collect(),
                rows,
            });
        }
    }
    sections.push(Section { heading: ctx.t("audit-report-summary"), blocks: b });

    // 2. The audit questions and the auditor's assessments.
    let b = if d.questions.is_empty() {
        vec![Block::Paragraph(ctx.t("audit-report-no-questions"))]
    } else {
        vec![Block::Table {
            header: vec![
                ctx.t("audit-report-number"),
                ctx.t("audit-report-question"),
                ctx.t("audit-report-assessment"),
                ctx.t("audit-report-motivation"),
            ],
            rows: d
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    vec![
                        (i + 1).to_string(),
                        q.data.text.clone(),
                        match q.data.assessment {
                            Some(x) => ctx.tk("audit-assessment", &x.code()),
                            None => ctx.t("audit-report-not-assessed"),
                        },
                        q.data.motivation.clone(),
                    ]
                })
                .collect(),
            numeric: vec![true, false, false, false],
            widths: vec![1, 7, 3, 7],
        }]
    };
    sections.push(Section { heading: ctx.t("audit-report-questions"), blocks: b });

    // 3. Findings, grouped by area in the order the areas first appear.
    let mut b = Vec::new();
    if d.findings.is_empty() {
        b.push(Block::Paragraph(ctx.t("audit-report-no-findings")));
    }
    let mut areas: Vec<(&str, Vec<String>)> = Vec::new();
    for f in &d.findings {
        match areas.iter().position(|(a, _)| *a == f.area) {
            Some(i) => areas[i].1.push(f.text.clone()),
            None => areas.push((f.area.as_str(), vec![f.text.clone()])),
        }
    }
    for (area, texts) in areas {
        b.push(Block::Subheading(area.to_owned()));
        b.push(Block::Bullets(texts));
    }
    sections.push(Section { heading: ctx.t("audit-report-findings"), blocks: b });

    // 4. Recommendations per body, with the body's answer and status.
    let mut b = vec![Block::Paragraph(ctx.t("audit-report-recommendations-intro"))];
    let actions_of = |copy: Uuid| {
        let key = domain::audits::action_ref(copy);
        d.actions.iter().filter(move |x| x.data.origin_ref == key).collect::<Vec<_>>()
    };
    let mut any = false;
    for (body, name) in bodies.iter().zip(&body_names) {
        let of_body: Vec<(&store::Recommendation, &store::Target)> =
            copies.iter().copied().filter(|(_, t)| t.org_id == *body).collect();
        if of_body.is_empty() {
            continue;
        }
        any = true;
        b.push(Block::Subheading(name.clone()));
        b.push(Block::Table {
            header: vec![
                ctx.t("audit-report-recommendation"),
                ctx.t("audit-report-answer"),
                ctx.t("audit-report-status"),
            ],
            rows: of_body
                .iter()
                .map(|(r, t)| vec![r.text.clone(), answer_cell(ctx, t, &actions_of(t.id)), status_label(ctx, t.status)])
                .collect(),
            numeric: vec![],
            widths: vec![4, 7, 3],
        });
    }
    if !any {
        b.push(Block::Paragraph(ctx.t("audit-report-no-recommendations")));
    }
    sections.push(Section { heading: ctx.t("audit-report-recommendations"), blocks: b });

    Report {
        lang: ctx.lang_code().into(),
        title: ctx.t("audit-report-title"),
        subtitle: a.data.title.clone(),
        facts,
        toc_title: Some(ctx.t("toc")),
        footer: if keeper.is_empty() {
            format!("Lisa · {}", a.data.title)
        } else {
            format!("Lisa · {keeper} · {}", a.data.title)
        },
        page_label: ctx.t("page"),
        of_label: ctx.t("page-of"),
        watermark: None,
        sections,
    }
}

/// The follow-up report's file name without its extension: a translated
/// prefix and the audit's title as a slug.
fn file_stem(ctx: &Ctx, title: &str) -> String {
    let prefix = ctx.t("audit-report-file-name");
    let mut name: String = domain::slug::slug(title).chars().take(SLUG_CHARS).collect();
    while name.ends_with('-') {
        name.pop();
    }
    if name.is_empty() { prefix } else { format!("{prefix}-{name}") }
}

async fn report_for(state: &SharedState, s: &Session, id: &str) -> AppResult<(Report, String)> {
    let caller = s.caller();
    let d = audit_detail(&state.store, &state.models, &caller, parse_id(id)?).await?;
    let ctx = Ctx::for_session(s, "/audits");
    let name = file_stem(&ctx, &d.v.audit.data.title);
    Ok((follow_up_report(&ctx, &caller, &d), name))
}

/// GET /audits/{id}/follow-up.pdf
pub async fn follow_up_pdf(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (rep, name) = report_for(&state, &s, &id).await?;
    pdf_download(&state, "audit follow-up pdf", format!("{name}.pdf"), rep).await
}

/// GET /audits/{id}/follow-up.docx
pub async fn follow_up_docx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (rep, name) = report_for(&state, &s, &id).await?;
    docx_download(&state, "audit follow-up docx", format!("{name}.docx"), rep).await
}

/// A text cell (written as a string, never as a formula).
fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn date_cell(d: Option<NaiveDate>) -> Cell {
    Cell::Text(d.map(|d| d.to_string()).unwrap_or_default())
}

/// The register's two sheets: the audits, and every copy the caller sees.
fn register_sheets(ctx: &Ctx, r: &Register) -> Vec<Sheet> {
    let name = |o: Uuid| r.tree.get(o).map(|n| n.name.clone()).unwrap_or_default();
    let made = format!("{}: {}", ctx.t("audit-report-made"), today());
    let audits = Sheet {
        name: ctx.t("audit-report-sheet-audits"),
        preamble: vec![ctx.t("audit-report-register-title"), made.clone()],
        header: [
            "audit-report-audit",
            "audit-report-kind",
            "audit-report-auditor-org",
            "audit-report-auditor-person",
            "audit-report-kept-by",
            "audit-report-period",
            "audit-report-started",
            "audit-report-delivered-on",
            "audit-report-responses-due",
            "audit-report-body-count",
        ]
        .iter()
        .map(|k| ctx.t(k))
        .collect(),
        rows: r
            .audits
            .iter()
            .map(|a| {
                vec![
                    text(a.data.title.as_str()),
                    text(kind_label(ctx, a)),
                    text(a.data.auditor_org.as_str()),
                    text(a.data.auditor_person.as_str()),
                    text(name(a.org_id)),
                    text(a.data.period.as_str()),
                    date_cell(a.data.started),
                    date_cell(a.data.report_delivered),
                    date_cell(a.data.responses_due),
                    Cell::Number(a.bodies.len() as f64),
                ]
            })
            .collect(),
        widths: vec![44.0, 22.0, 26.0, 22.0, 26.0, 14.0, 12.0, 12.0, 12.0, 12.0],
        choice: None,
    };
    // The copies in the order of the audits on the first sheet.
    let order: HashMap<Uuid, (usize, &str)> =
        r.audits.iter().enumerate().map(|(i, a)| (a.id, (i, a.data.title.as_str()))).collect();
    let mut copies: Vec<&crate::app::audits::RegisterCopy> = r.copies.iter().collect();
    copies.sort_by_key(|c| order.get(&c.audit_id).map_or(usize::MAX, |(i, _)| *i));
    let copies_sheet = Sheet {
        name: ctx.t("audit-report-sheet-recommendations"),
        preamble: vec![ctx.t("audit-report-register-recommendations"), made],
        header: [
            "audit-report-audit",
            "audit-report-recommendation",
            "audit-report-body",
            "audit-report-status",
            "audit-report-stance",
            "audit-report-measures",
            "audit-report-responsible",
            "audit-report-due",
            "audit-report-decided-by",
            "audit-report-decided-on",
            "audit-report-answered-at",
        ]
        .iter()
        .map(|k| ctx.t(k))
        .collect(),
        rows: copies
            .iter()
            .map(|c| {
                let t = &c.target;
                let resp = t.response.as_ref();
                vec![
                    text(order.get(&c.audit_id).map(|(_, title)| *title).unwrap_or_default()),
                    text(c.recommendation.as_str()),
                    text(name(t.org_id)),
                    text(status_label(ctx, t.status)),
                    text(resp.map(|x| ctx.tk("audit-stance", &x.stance.code())).unwrap_or_default()),
                    text(resp.map(|x| x.measures.clone()).unwrap_or_default()),
                    text(resp.map(|x| x.responsible.clone()).unwrap_or_default()),
                    date_cell(resp.and_then(|x| x.due)),
                    text(resp.map(|x| x.decided_by.clone()).unwrap_or_default()),
                    date_cell(resp.and_then(|x| x.decided_on)),
                    text(t.answered_at.as_ref().map(|x| ctx.date_time(x)).unwrap_or_default()),
                ]
            })
            .collect(),
        widths: vec![36.0, 50.0, 26.0, 16.0, 16.0, 50.0, 22.0, 12.0, 22.0, 12.0, 17.0],
        choice: None,
    };
    vec![audits, copies_sheet]
}

/// GET /audit-register.xlsx
pub async fn register_xlsx(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    let r = register(&state.store, &s.caller()).await?;
    let ctx = Ctx::for_session(&s, "/audits");
    let sheets = register_sheets(&ctx, &r);
    let bytes = render_blocking(&state, "audit register xlsx", move || documents::workbook(&sheets)).await?;
    let file = format!("{}-{}.xlsx", ctx.t("audit-report-register-file"), today());
    Ok(download("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &file, bytes))
}
