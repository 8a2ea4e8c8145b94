//! Excel: the result and feedback of an assessment, a template of its answers
//! to fill in, and the import of a filled-in template (all rows or none).

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use documents::{Cell, Choice, Sheet};
use domain::scoring::NOT_APPLICABLE;

use super::{Ctx, parse_id, see_other};
use crate::SharedState;
use crate::app::assessment::{self as app, ANSWER_SHEET, HeaderNames, ID_HEADER, ImportProblem, Imported, Loaded};
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

async fn load_full(state: &SharedState, s: &Session, id: uuid::Uuid) -> AppResult<Loaded> {
    Ok(app::load_full(&state.store, &state.models, &s.caller(), id).await?)
}

fn xlsx(name: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}

/// A download's file name: `key` ("svar-…", "resultat-…") in the user's
/// language with the organisation's slug and the period, then `.ext`.
fn file_name(ctx: &Ctx, key: &str, l: &Loaded, ext: &str) -> String {
    let name = format!("{}-{}", domain::slug::slug(&l.org_name()), l.a.period);
    format!("{}.{ext}", crate::i18n::t_args(ctx.lang, key, &[("name", name)]))
}

/// The answers sheet: one row per question, with the allowed answers as a drop-down.
fn answers_sheet(ctx: &Ctx, l: &Loaded) -> Sheet {
    let by_q: std::collections::HashMap<&str, &store::AnswerRow> =
        l.answers.iter().map(|a| (a.question_id.as_str(), a)).collect();
    let mut codes: Vec<String> = Vec::new();
    for q in &l.model.questions {
        for o in &q.options {
            if !codes.contains(&o.id) {
                codes.push(o.id.clone());
            }
        }
    }
    codes.push(NOT_APPLICABLE.into());
    let rows = l
        .model
        .questions
        .iter()
        .map(|q| {
            let a = by_q.get(q.id.as_str());
            let area = l.model.area(&q.area).map(|x| x.name.get(ctx.lang).to_owned()).unwrap_or_default();
            let options = q
                .options
                .iter()
                .map(|o| format!("{} = {}", o.id, o.text.get(ctx.lang)))
                .chain(q.not_applicable.then(|| format!("{NOT_APPLICABLE} = {}", ctx.t("answer-not-applicable"))))
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                Cell::from(q.id.as_str()),
                Cell::from(area),
                Cell::from(q.text.get(ctx.lang)),
                Cell::Number(f64::from(q.level)),
                Cell::from(options),
                Cell::from(a.map(|a| a.answer.clone()).unwrap_or_default()),
                Cell::from(a.map(|a| a.comment.clone()).unwrap_or_default()),
                Cell::from(a.map(|a| a.evidence_url.clone()).unwrap_or_default()),
                Cell::from(a.map(|a| a.confidence.code().to_owned()).unwrap_or_default()),
            ]
        })
        .collect();
    Sheet {
        name: ANSWER_SHEET.into(),
        preamble: vec![
            format!("{} {} – {}", ctx.t("assessment-title"), l.a.period, l.org_name()),
            ctx.t("xlsx-template-help"),
        ],
        header: vec![
            ID_HEADER.into(),
            ctx.t("col-area"),
            ctx.t("col-question"),
            ctx.t("col-level"),
            ctx.t("xlsx-options"),
            ctx.t("xlsx-answer"),
            ctx.t("field-comment"),
            ctx.t("field-evidence"),
            ctx.t("xlsx-confidence"),
        ],
        rows,
        widths: vec![16.0, 26.0, 60.0, 6.0, 34.0, 10.0, 40.0, 30.0, 14.0],
        choice: Some(Choice {
            column: 5,
            values: codes,
            title: ctx.t("xlsx-answer"),
            message: ctx.t("error-answer-invalid"),
        }),
    }
}

pub async fn template(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    let ctx = Ctx::for_session(&s, "/assessments");
    let sheets = vec![answers_sheet(&ctx, &l)];
    let bytes = super::render_blocking(&state, "xlsx", move || documents::workbook(&sheets)).await?;
    Ok(xlsx(file_name(&ctx, "assessment-file-answers", &l, "xlsx"), bytes))
}

pub async fn result(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    let ctx = Ctx::for_session(&s, "/assessments");
    let o = l.score();
    let summary = Sheet {
        name: ctx.t("result-title"),
        preamble: vec![
            format!("{} {} – {}", ctx.t("result-title"), l.a.period, l.org_name()),
            format!("{}: {}", ctx.t("col-level"), o.level),
            format!("{}: {} / {}", ctx.t("col-answered"), o.answered, o.questions),
        ],
        header: vec![ctx.t("col-area"), ctx.t("col-points"), ctx.t("xlsx-max"), ctx.t("col-share")],
        rows: o
            .areas
            .iter()
            .map(|a| {
                vec![
                    Cell::from(l.model.area(&a.area).map(|x| x.name.get(ctx.lang).to_owned()).unwrap_or_default()),
                    Cell::Number(f64::from(a.tally.points)),
                    Cell::Number(f64::from(a.tally.max)),
                    Cell::Number(f64::from(a.tally.percent()) / 100.0),
                ]
            })
            .chain(o.levels.iter().map(|lv| {
                vec![
                    Cell::from(format!("{} {}", ctx.t("level"), lv.level)),
                    Cell::Number(f64::from(lv.tally.points)),
                    Cell::Number(f64::from(lv.tally.max)),
                    Cell::Number(f64::from(lv.tally.percent()) / 100.0),
                ]
            }))
            .collect(),
        widths: vec![44.0, 10.0, 10.0, 16.0],
        choice: None,
    };
    let feedback = Sheet {
        name: ctx.t("xlsx-feedback"),
        preamble: vec![format!("{} {}", ctx.t("feedback-intro"), o.level + 1)],
        header: vec![
            ctx.t("col-area"),
            ctx.t("col-question"),
            ctx.t("question-must"),
            ctx.t("col-status"),
            ctx.t("feedback-action"),
            ctx.t("question-guidance"),
        ],
        rows: o
            .blockers
            .iter()
            .filter_map(|b| {
                let q = l.model.question(&b.question)?;
                Some(vec![
                    Cell::from(l.model.area(&q.area).map(|x| x.name.get(ctx.lang).to_owned()).unwrap_or_default()),
                    Cell::from(q.text.get(ctx.lang)),
                    Cell::from(if b.must { ctx.t("yes") } else { ctx.t("no") }),
                    Cell::from(ctx.t(&format!("question-status-{}", b.status.code()))),
                    Cell::from(q.action.get(ctx.lang)),
                    Cell::from(q.guidance.get(ctx.lang)),
                ])
            })
            .collect(),
        widths: vec![26.0, 50.0, 8.0, 16.0, 50.0, 60.0],
        choice: None,
    };
    let sheets = vec![summary, feedback, answers_sheet(&ctx, &l)];
    let bytes = super::render_blocking(&state, "xlsx", move || documents::workbook(&sheets)).await?;
    Ok(xlsx(file_name(&ctx, "assessment-file-result", &l, "xlsx"), bytes))
}

/// Imports a filled-in template: every row is checked first; one wrong row
/// and nothing is stored, with each problem named by row and column.
pub async fn import(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    mut form: Multipart,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let caller = s.caller();
    let l = load_full(&state, &s, id).await?;
    l.ensure_manage(&caller)?;
    let ctx = Ctx::for_session(&s, "/assessments");
    let mut bytes = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest("error-too-large"))? {
        if field.name() == Some("file") {
            bytes = Some(field.bytes().await.map_err(|_| AppError::BadRequest("error-too-large"))?);
        }
    }
    let names = HeaderNames {
        answer: vec![ctx.t("xlsx-answer"), "Svar".into(), "Answer".into()],
        comment: vec![ctx.t("field-comment"), "Kommentar".into(), "Comment".into()],
        evidence: vec![ctx.t("field-evidence"), "Länk till underlag".into(), "Link to evidence".into()],
        confidence: vec![ctx.t("xlsx-confidence"), "Underlag (egen/underlag/granskat)".into(), "Confidence".into()],
    };
    let problems = match app::import_answers(&state.store, &caller, &l, bytes.as_deref(), &names).await? {
        Imported::Saved => return Ok(see_other(&format!("/assessments/{id}?done=imported"))),
        Imported::Refused(p) => p.iter().map(|p| problem_text(&ctx, p)).collect(),
    };
    super::assessments::overview_with_problems(&state, &s, id, problems).await
}

fn problem_text(ctx: &Ctx, p: &ImportProblem) -> String {
    match p {
        ImportProblem::Missing => ctx.t("error-evidence-missing"),
        ImportProblem::NoSheet => ctx.t("error-xlsx-no-sheet"),
        ImportProblem::NotXlsx => ctx.t("error-xlsx-not-xlsx"),
        ImportProblem::TooLarge => ctx.t("error-xlsx-too-large"),
        ImportProblem::NoHeader => ctx.t("error-xlsx-no-header"),
        ImportProblem::Row { row, column, code } => crate::i18n::t_args(
            ctx.lang,
            "error-xlsx-row",
            &[("row", row.to_string()), ("column", column.clone()), ("message", ctx.t(code))],
        ),
    }
}

/// The result and feedback as a PDF, with the area chart drawn by typst.
pub async fn result_pdf(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    let ctx = Ctx::for_session(&s, "/assessments");
    let o = l.score();
    let level_name = |n: u8| l.model.level(n).map(|d| d.name.get(ctx.lang).to_owned()).unwrap_or_default();
    let yes_no = |b: bool| if b { ctx.t("yes") } else { ctx.t("no") };
    let data = serde_json::json!({
        "lang": ctx.lang.code(),
        "title": format!("{} {} – {}", ctx.t("result-title"), l.a.period, l.org_name()),
        "subtitle": format!(
            "{} (version {}) · {}: {} / {} · {}",
            l.model.name.get(ctx.lang), l.model.version, ctx.t("col-answered"), o.answered, o.questions,
            ctx.t(&format!("assessment-status-{}", l.a.status.code()))
        ),
        "footer": format!("Lisa · {} {}", l.org_name(), l.a.period),
        "page_label": ctx.t("pdf-page"),
        "level_label": format!("{} {}", ctx.t("level"), o.level),
        "level_name": if o.level == 0 { ctx.t("level-none") } else { level_name(o.level) },
        "areas_heading": ctx.t("result-areas"),
        "areas": o.areas.iter().map(|a| serde_json::json!({
            "name": l.model.area(&a.area).map(|x| x.name.get(ctx.lang).to_owned()).unwrap_or_default(),
            "pct": a.tally.percent(),
        })).collect::<Vec<_>>(),
        "levels_heading": ctx.t("result-levels"),
        "levels_header": [ctx.t("col-level"), ctx.t("col-share"), ctx.t("col-threshold"), ctx.t("col-reached")],
        "levels": o.levels.iter().map(|lv| serde_json::json!({
            "name": format!("{} {}", lv.level, level_name(lv.level)),
            "pct": lv.tally.percent(),
            "threshold": (lv.threshold * 100.0).round() as u32,
            "reached": yes_no(lv.reached),
        })).collect::<Vec<_>>(),
        "feedback_heading": ctx.t("feedback-title"),
        "feedback_intro": if o.level >= 4 { ctx.t("feedback-top") } else { format!("{} {} ({}).", ctx.t("feedback-intro"), o.level + 1, level_name(o.level + 1)) },
        "must_label": ctx.t("question-must"),
        "action_label": ctx.t("feedback-action"),
        "feedback": o.blockers.iter().filter_map(|b| {
            let q = l.model.question(&b.question)?;
            Some(serde_json::json!({
                "area": l.model.area(&q.area).map(|x| x.name.get(ctx.lang).to_owned()).unwrap_or_default(),
                "status": ctx.t(&format!("question-status-{}", b.status.code())),
                "must": b.must,
                "question": q.text.get(ctx.lang),
                "action": q.action.get(ctx.lang),
            }))
        }).collect::<Vec<_>>(),
    });
    let check = state.config.check_layout;
    let pdf = super::render_blocking(&state, "assessment pdf", move || {
        let data = data.to_string();
        if check { documents::pdf::assessment_report_checked(&data) } else { documents::pdf::assessment_report(&data) }
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file_name(&ctx, "assessment-file-result", &l, "pdf")),
            ),
        ],
        pdf,
    )
        .into_response())
}
