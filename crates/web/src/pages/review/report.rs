//! The review as a report, the same content as the page, and its PDF and
//! Word downloads.

use axum::extract::{Path, State};
use axum::response::Response;
use domain::review::{ReviewContent, SectionKey};

use super::super::{Ctx, docx_download, parse_id, pdf_download};
use super::registers;
use super::view::view;
use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::session::{CurrentUser, Session};

/// The review as a report: the same content as the page.
pub fn report(ctx: &Ctx, r: &store::Review, c: &ReviewContent) -> documents::report::Report {
    use documents::report::{Block, Report, Section};
    let v = view(ctx, c);
    // Attached files, by name and checksum (the adopted content covers them).
    let files_note = |key: SectionKey| -> Option<Block> {
        let files: Vec<String> = c
            .attachments
            .iter()
            .filter(|a| a.section == key)
            .map(|a| {
                format!(
                    "{} ({} kB, SHA-256 {})",
                    a.filename,
                    (a.size + 1023) / 1024,
                    &a.sha256[..16.min(a.sha256.len())]
                )
            })
            .collect();
        (!files.is_empty()).then(|| Block::Note { label: ctx.t("review-files"), text: files.join("\n") })
    };
    let note = |key: SectionKey| -> Vec<Block> {
        let text = c.comment(key);
        let mut b = if text.is_empty() {
            vec![]
        } else {
            vec![Block::Note { label: ctx.t("review-comment-label"), text: text.to_owned() }]
        };
        b.extend(files_note(key));
        b
    };
    let hash = r.content_hash.clone();
    let mut facts = vec![
        (ctx.t("col-org"), c.org_name.clone()),
        (ctx.t("col-year"), c.year.to_string()),
        (ctx.t("col-revision"), c.revision.to_string()),
        (ctx.t("col-status"), ctx.t(&format!("review-status-{}", r.status.code()))),
        (ctx.t("review-meeting-date"), c.meeting_date.map(|d| d.to_string()).unwrap_or_else(|| ctx.t("not-given"))),
    ];
    if !c.participants.is_empty() {
        facts.push((ctx.t("review-participants"), c.participants.clone()));
    }
    if let (Some(by), Some(on)) = (&c.adopted_by, c.adopted_on) {
        facts.push((ctx.t("review-adopted"), format!("{on}, {by}")));
    }
    facts.push((
        ctx.t("review-hash"),
        hash.as_ref()
            .map_or_else(|| ctx.t("review-draft-no-hash"), |h| format!("{h} – {}", ctx.t("review-hash-explained"))),
    ));
    let mut sections = Vec::new();
    // 1. Level and trend.
    let mut b = vec![Block::Paragraph(v.assessment.clone())];
    if !v.level_rows.is_empty() {
        b.push(Block::Chart {
            svg: v.level_chart.clone(),
            alt: ctx.t("chart-level-alt"),
            caption: ctx.t("chart-level-caption"),
        });
        b.push(Block::Table {
            header: vec![ctx.t("col-period"), ctx.t("col-level")],
            rows: v.level_rows.iter().map(|r| vec![r.period.to_string(), r.level.to_string()]).collect(),
            numeric: vec![false, true],
            widths: vec![1, 1],
        });
        b.push(Block::Chart {
            svg: v.area_chart.clone(),
            alt: ctx.t("chart-areas-alt"),
            caption: ctx.t("chart-areas-caption"),
        });
        let mut header = vec![ctx.t("col-area")];
        header.extend(v.area_periods.iter().map(|p| p.to_string()));
        b.push(Block::Table {
            header,
            rows: v
                .area_rows
                .iter()
                .map(|row| std::iter::once(row.name.clone()).chain(row.shares.iter().cloned()).collect())
                .collect(),
            numeric: std::iter::once(false).chain(v.area_periods.iter().map(|_| true)).collect(),
            widths: std::iter::once(4).chain(v.area_periods.iter().map(|_| 1)).collect(),
        });
    }
    b.extend(note(SectionKey::Assessment));
    sections.push((SectionKey::Assessment, Section { heading: ctx.t("review-section-assessment"), blocks: b }));
    // 2. Open feedback.
    let mut b = vec![Block::Paragraph(ctx.t("review-feedback-intro"))];
    if v.feedback.is_empty() {
        b.push(Block::Paragraph(ctx.t("review-feedback-none")));
    } else {
        b.push(Block::Table {
            header: vec![ctx.t("col-area"), ctx.t("col-question"), ctx.t("col-must"), ctx.t("col-in-plan")],
            rows: v
                .feedback
                .iter()
                .map(|f| {
                    vec![
                        f.area.clone(),
                        f.question.clone(),
                        if f.must { ctx.t("yes") } else { String::new() },
                        if f.planned { ctx.t("yes") } else { ctx.t("no") },
                    ]
                })
                .collect(),
            numeric: vec![],
            widths: vec![2, 5, 1, 1],
        });
    }
    b.extend(note(SectionKey::Feedback));
    sections.push((SectionKey::Feedback, Section { heading: ctx.t("review-section-feedback"), blocks: b }));
    // 3. Action plan.
    let t = &v.totals;
    let mut b = vec![Block::Facts(vec![
        (ctx.t("totals-count"), t.count.to_string()),
        (ctx.t("action-status-done"), format!("{} ({} %)", t.done, t.done_percent)),
        (ctx.t("action-status-ongoing"), t.ongoing.to_string()),
        (ctx.t("action-status-planned"), t.planned.to_string()),
        (ctx.t("totals-overdue"), t.overdue.to_string()),
        (ctx.t("totals-cost"), t.cost.clone()),
        (ctx.t("totals-cost-done"), t.cost_done.clone()),
    ])];
    if !v.overdue.is_empty() {
        b.push(Block::Subheading(ctx.t("review-overdue-actions")));
        b.push(Block::Table {
            header: vec![ctx.t("col-action"), ctx.t("col-responsible"), ctx.t("field-end-date")],
            rows: v.overdue.iter().map(|a| vec![a.title.clone(), a.responsible.clone(), a.end_date.clone()]).collect(),
            numeric: vec![],
            widths: vec![4, 2, 1],
        });
    }
    b.push(Block::Subheading(format!("{} {}", ctx.t("review-activities-heading"), v.next_year)));
    if v.activities.is_empty() {
        b.push(Block::Paragraph(ctx.t("review-activities-none")));
    } else {
        b.push(Block::Table {
            header: vec![ctx.t("col-action"), ctx.t("col-responsible"), ctx.t("field-end-date")],
            rows: v
                .activities
                .iter()
                .map(|a| vec![a.title.clone(), a.responsible.clone(), a.end_date.clone()])
                .collect(),
            numeric: vec![],
            widths: vec![4, 2, 1],
        });
    }
    b.extend(note(SectionKey::Actions));
    sections.push((SectionKey::Actions, Section { heading: ctx.t("review-section-actions"), blocks: b }));
    // 4. The previous review's decisions.
    let mut b = vec![];
    match c.previous_year {
        None => b.push(Block::Paragraph(ctx.t("review-no-previous"))),
        Some(y) => {
            b.push(Block::Paragraph(format!("{} {y}.", ctx.t("review-previous-intro"))));
            b.push(Block::Table {
                header: vec![
                    ctx.t("col-kind"),
                    ctx.t("col-decision"),
                    ctx.t("col-responsible"),
                    ctx.t("col-deadline"),
                    ctx.t("col-outcome"),
                ],
                rows: v
                    .previous
                    .iter()
                    .map(|d| {
                        vec![
                            d.kind.clone(),
                            d.text.clone(),
                            d.responsible.clone(),
                            d.deadline.clone(),
                            d.outcome.clone(),
                        ]
                    })
                    .collect(),
                numeric: vec![],
                widths: vec![2, 5, 2, 2, 2],
            });
        }
    }
    b.extend(note(SectionKey::PreviousDecisions));
    sections.push((
        SectionKey::PreviousDecisions,
        Section { heading: ctx.t("review-section-previous_decisions"), blocks: b },
    ));
    // 5. The units' reports.
    let mut b =
        vec![Block::Paragraph(format!("{} {} / {}.", ctx.t("review-units-reported"), v.reported, v.unit_count))];
    if !v.units.is_empty() {
        b.push(Block::Table {
            header: vec![ctx.t("col-unit"), ctx.t("col-status")],
            rows: v.units.iter().map(|u| vec![u.unit.clone(), u.status.clone()]).collect(),
            numeric: vec![false, false],
            widths: vec![3, 2],
        });
    }
    if !v.points.is_empty() {
        b.push(Block::Subheading(ctx.t("review-points-heading")));
        let mut header = vec![ctx.t("col-point")];
        header.extend(v.point_header.iter().cloned());
        b.push(Block::Table {
            header,
            rows: v
                .points
                .iter()
                .map(|p| std::iter::once(p.text.clone()).chain(p.cells.iter().cloned()).collect())
                .collect(),
            numeric: vec![false, true, true, true, true],
            widths: vec![5, 1, 1, 1, 1],
        });
        // Each unit's status per point, where the table fits a page.
        let (units, rows) = (&v.matrix.units, &v.matrix.rows);
        if !units.is_empty() && units.len() <= 6 {
            b.push(Block::Subheading(ctx.t("review-matrix-heading")));
            b.push(Block::Table {
                header: std::iter::once(ctx.t("col-point")).chain(units.iter().cloned()).collect(),
                rows: rows
                    .iter()
                    .map(|p| {
                        // The reported status, and beside it the registers' (in words).
                        let cells = p.cells.iter().enumerate().map(|(i, cell)| match p.mark(&i) {
                            Some(m) => format!("{cell} ({})", m.text),
                            None => cell.clone(),
                        });
                        std::iter::once(p.text.clone()).chain(cells).collect()
                    })
                    .collect(),
                numeric: vec![],
                widths: std::iter::once(3).chain(units.iter().map(|_| 1)).collect(),
            });
        }
    }
    b.extend(registers::computed_blocks(ctx, &v.computed));
    b.extend(note(SectionKey::UnitReports));
    sections.push((
        SectionKey::UnitReports,
        Section { heading: super::view::section_heading(ctx, c, SectionKey::UnitReports), blocks: b },
    ));
    // The steering documents that apply.
    let mut b = vec![];
    if v.documents.is_empty() {
        b.push(Block::Paragraph(ctx.t("review-documents-none")));
    } else {
        if v.documents_overdue > 0 {
            b.push(Block::Paragraph(format!("{}: {}.", ctx.t("steering-overdue-count"), v.documents_overdue)));
        }
        b.push(Block::Table {
            header: vec![
                ctx.t("steering-title-field"),
                ctx.t("col-kind"),
                ctx.t("steering-decided"),
                ctx.t("steering-next-review"),
                ctx.t("steering-implementation"),
            ],
            rows: v
                .documents
                .iter()
                .map(|d| {
                    let next = if d.overdue {
                        format!("{} ({})", d.next_review, ctx.t("steering-overdue"))
                    } else if d.due {
                        format!("{} ({})", d.next_review, ctx.t("steering-due"))
                    } else {
                        d.next_review.clone()
                    };
                    let title = if d.in_force { d.title.clone() } else { format!("{} ({})", d.title, d.status) };
                    vec![title, d.kind.clone(), d.decided.clone(), next, d.implementation.clone()]
                })
                .collect(),
            numeric: vec![],
            widths: vec![5, 3, 3, 3, 2],
        });
    }
    b.extend(note(SectionKey::Documents));
    sections.push((SectionKey::Documents, Section { heading: ctx.t("review-section-documents"), blocks: b }));
    // The open recommendations of audits.
    let mut b = vec![Block::Paragraph(ctx.t("review-section-audits-hint"))];
    if v.audits.is_empty() {
        b.push(Block::Paragraph(ctx.t("review-audits-none")));
    } else {
        b.push(Block::Paragraph(v.audits_summary.clone()));
        b.push(Block::Table {
            header: vec![
                ctx.t("review-audits-audit"),
                ctx.t("review-audits-recommendation"),
                ctx.t("col-org"),
                ctx.t("col-status"),
                ctx.t("review-audits-answer"),
            ],
            rows: v
                .audits
                .iter()
                .map(|a| {
                    vec![a.audit.clone(), a.recommendation.clone(), a.body.clone(), a.status.clone(), a.answer.clone()]
                })
                .collect(),
            numeric: vec![],
            widths: vec![3, 5, 3, 2, 2],
        });
    }
    b.extend(note(SectionKey::Audits));
    sections.push((SectionKey::Audits, Section { heading: ctx.t("review-section-audits"), blocks: b }));
    // What the incident and training registers say.
    let mut b = registers::incident_blocks(ctx, &v.incidents);
    b.extend(note(SectionKey::Incidents));
    sections.push((SectionKey::Incidents, Section { heading: ctx.t("review-section-incidents"), blocks: b }));
    let mut b = registers::training_blocks(ctx, &v.training);
    b.extend(note(SectionKey::Training));
    sections.push((SectionKey::Training, Section { heading: ctx.t("review-section-training"), blocks: b }));
    let mut b = super::assets::asset_blocks(ctx, &v.assets);
    b.extend(note(SectionKey::Assets));
    sections.push((SectionKey::Assets, Section { heading: ctx.t("review-section-assets"), blocks: b }));
    // The roll-up of the reviews below.
    if !v.rollup.is_empty() {
        let mut b = vec![Block::Paragraph(if v.rollup_missing == 0 {
            ctx.t("review-rollup-all-adopted")
        } else {
            format!("{}: {} / {}.", ctx.t("review-rollup-missing"), v.rollup_missing, v.rollup.len())
        })];
        let mut header = vec![ctx.t("col-org"), ctx.t("col-status"), ctx.t("review-rollup-date")];
        header.extend(v.point_header.iter().cloned());
        header.extend([ctx.t("review-decisions"), ctx.t("review-rollup-open-actions"), ctx.t("totals-overdue")]);
        b.push(Block::Table {
            header,
            rows: v
                .rollup
                .iter()
                .map(|x| {
                    let mut row = vec![x.org.clone(), x.status.clone(), x.date.clone()];
                    row.extend(x.counts.iter().cloned());
                    row.extend([x.decisions.to_string(), x.open_actions.to_string(), x.overdue.to_string()]);
                    row
                })
                .collect(),
            numeric: vec![false, false, false, true, true, true, true, true, true, true],
            widths: vec![4, 2, 2, 1, 1, 1, 1, 1, 1, 1],
        });
        for x in v.rollup.iter().filter(|x| !x.decision_texts.is_empty()) {
            b.push(Block::Subheading(format!("{} {}", ctx.t("review-rollup-decisions-of"), x.org)));
            b.extend(x.decision_texts.iter().map(|d| Block::Paragraph(d.clone())));
        }
        let (units, rows) = (&v.rollup_matrix.units, &v.rollup_matrix.rows);
        if !units.is_empty() && units.len() <= 6 {
            b.push(Block::Subheading(ctx.t("review-rollup-matrix")));
            b.push(Block::Table {
                header: std::iter::once(ctx.t("col-point")).chain(units.iter().cloned()).collect(),
                rows: rows
                    .iter()
                    .map(|p| std::iter::once(p.text.clone()).chain(p.cells.iter().cloned()).collect())
                    .collect(),
                numeric: vec![],
                widths: std::iter::once(3).chain(units.iter().map(|_| 1)).collect(),
            });
        }
        b.extend(note(SectionKey::Rollup));
        sections.push((SectionKey::Rollup, Section { heading: ctx.t("review-section-rollup"), blocks: b }));
    }
    // Free text.
    for key in [
        SectionKey::FollowUp,
        SectionKey::Risks,
        SectionKey::DpoReport,
        SectionKey::OutsideWorld,
        SectionKey::Proposals,
    ] {
        // The text is the section itself, then its files.
        let text = c.comment(key);
        let mut b =
            vec![Block::Paragraph(if text.is_empty() { ctx.t("review-section-empty") } else { text.to_owned() })];
        b.extend(files_note(key));
        sections.push((key, Section { heading: ctx.t(&format!("review-section-{}", key.code())), blocks: b }));
    }
    // In the order the page shows them (seed 001's for a förvaltning), then the decisions.
    let mut sections: Vec<Section> = c
        .sections()
        .into_iter()
        .filter_map(|k| sections.iter().position(|(x, _)| *x == k).map(|i| sections.swap_remove(i).1))
        .collect();
    let mut b = vec![];
    if !v.priorities.is_empty() {
        b.push(Block::Subheading(format!("{} {}", ctx.t("review-priorities"), v.next_year)));
        b.extend(v.priorities.iter().enumerate().map(|(i, p)| Block::Paragraph(format!("{}. {p}", i + 1))));
        b.push(Block::Subheading(ctx.t("review-decisions")));
    }
    if c.decisions.is_empty() {
        b.push(Block::Paragraph(ctx.t("review-no-decisions")));
    } else {
        b.push(Block::Table {
            header: vec![ctx.t("col-kind"), ctx.t("col-decision"), ctx.t("col-responsible"), ctx.t("col-deadline")],
            rows: c
                .decisions
                .iter()
                .map(|d| {
                    vec![
                        ctx.t(&format!("decision-kind-{}", d.kind.code())),
                        match &d.document {
                            Some(doc) => format!("{} ({}: {doc})", d.text, ctx.t("review-decision-document")),
                            None => d.text.clone(),
                        },
                        d.responsible.clone(),
                        d.deadline.to_string(),
                    ]
                })
                .collect(),
            numeric: vec![],
            widths: vec![2, 6, 2, 2],
        });
    }
    let heading = if c.part { ctx.t("review-development") } else { ctx.t("review-decisions") };
    sections.push(Section { heading, blocks: b });
    let short_hash = hash.as_deref().map(|h| h[..16.min(h.len())].to_owned());
    // A draft says so on every page, not only in the footer.
    let watermark = short_hash.is_none().then(|| ctx.t("watermark-draft"));
    Report {
        lang: ctx.lang_code().into(),
        title: format!("{} {}", ctx.t("review-title"), c.year),
        subtitle: c.org_name.clone(),
        facts,
        toc_title: Some(ctx.t("toc")),
        footer: match short_hash {
            Some(h) => format!("Lisa · {} · {} {h}", c.org_name, ctx.t("review-hash")),
            None => format!("Lisa · {} · {}", c.org_name, ctx.t("review-status-draft")),
        },
        page_label: ctx.t("page"),
        of_label: ctx.t("page-of"),
        watermark,
        sections,
    }
}

/// The download's name without its extension: "ledningens-genomgang-<org>-<year>".
fn file_stem(ctx: &Ctx, c: &ReviewContent) -> String {
    crate::i18n::t_args(
        ctx.lang,
        "plan-file-review",
        &[("org", domain::slug::slug(&c.org_name)), ("year", c.year.to_string())],
    )
}

async fn report_for(state: &SharedState, s: &Session, id: &str) -> AppResult<(documents::report::Report, String)> {
    let loaded = app::review::load_review(&state.store, &s.caller(), parse_id(id)?).await?;
    let d = app::review::detail(&state.store, &state.models, &loaded).await?;
    let ctx = Ctx::for_session(s, "/reviews");
    let name = file_stem(&ctx, &d.content);
    Ok((report(&ctx, &loaded.review, &d.content), name))
}

pub async fn report_pdf(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (rep, name) = report_for(&state, &s, &id).await?;
    pdf_download(&state, "review pdf", format!("{name}.pdf"), rep).await
}

pub async fn report_docx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (rep, name) = report_for(&state, &s, &id).await?;
    docx_download(&state, "review docx", format!("{name}.docx"), rep).await
}
