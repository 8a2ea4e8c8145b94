//! Excel: the result and feedback of an assessment, a template of its answers
//! to fill in, and the import of a filled-in template (all rows or none).

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use documents::{Cell, Choice, Sheet};
use domain::authz::Permission;
use domain::scoring::{self, NOT_APPLICABLE};

use super::assessments::{Loaded, check_answer, load_full};
use super::orgs::actor;
use super::{Ctx, parse_id, see_other};
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

const SHEET: &str = "Svar";
const ID_HEADER: &str = "Fråge-id";

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

fn file_stem(l: &Loaded) -> String {
    let org: String =
        l.org_name().chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect::<String>().to_lowercase();
    let ascii: String = org
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'é' => 'e',
            c if c.is_ascii() => c,
            _ => '-',
        })
        .collect();
    format!("{ascii}-{}", l.a.period)
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
        name: SHEET.into(),
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
    let bytes = documents::workbook(&[answers_sheet(&ctx, &l)]).map_err(AppError::internal)?;
    Ok(xlsx(format!("svar-{}.xlsx", file_stem(&l)), bytes))
}

pub async fn result(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = load_full(&state, &s, id).await?;
    let ctx = Ctx::for_session(&s, "/assessments");
    let o = scoring::score(&l.model, &l.answer_map());
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
    let bytes = documents::workbook(&[summary, feedback, answers_sheet(&ctx, &l)]).map_err(AppError::internal)?;
    Ok(xlsx(format!("resultat-{}.xlsx", file_stem(&l)), bytes))
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
    let l = load_full(&state, &s, id).await?;
    if !s.principal.can(Permission::ManageAssessments, l.a.org_id, &l.tree) {
        return Err(AppError::Forbidden);
    }
    let ctx = Ctx::for_session(&s, "/assessments");
    let mut bytes = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest("error-too-large"))? {
        if field.name() == Some("file") {
            bytes = Some(field.bytes().await.map_err(|_| AppError::BadRequest("error-too-large"))?);
        }
    }
    let problems = match bytes.as_deref().filter(|b| !b.is_empty()) {
        None => vec![ctx.t("error-evidence-missing")],
        Some(b) => match documents::read_sheet(b, SHEET) {
            Err(documents::Error::NoSheet(_)) => vec![ctx.t("error-xlsx-no-sheet")],
            Err(_) => vec![ctx.t("error-xlsx-not-xlsx")],
            Ok(rows) => match parse_rows(&ctx, &l, &rows) {
                Ok(answers) => {
                    state.store.save_answers(&actor(&s), id, answers).await?;
                    return Ok(see_other(&format!("/assessments/{id}?done=imported")));
                }
                Err(p) => p,
            },
        },
    };
    super::assessments::overview_with_problems(&state, &s, id, problems).await
}

fn parse_rows(ctx: &Ctx, l: &Loaded, rows: &[Vec<String>]) -> Result<Vec<store::NewAnswer>, Vec<String>> {
    let Some(header) = rows.iter().position(|r| r.first().map(|c| c.trim()) == Some(ID_HEADER)) else {
        return Err(vec![ctx.t("error-xlsx-no-header")]);
    };
    let col =
        |names: &[String]| -> Option<usize> { rows[header].iter().position(|h| names.iter().any(|n| n == h.trim())) };
    let (Some(c_answer), Some(c_comment), Some(c_evidence), Some(c_conf)) = (
        col(&[ctx.t("xlsx-answer"), "Svar".into(), "Answer".into()]),
        col(&[ctx.t("field-comment"), "Kommentar".into(), "Comment".into()]),
        col(&[ctx.t("field-evidence"), "Länk till underlag".into(), "Link to evidence".into()]),
        col(&[ctx.t("xlsx-confidence"), "Underlag (egen/underlag/granskat)".into(), "Confidence".into()]),
    ) else {
        return Err(vec![ctx.t("error-xlsx-no-header")]);
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, r) in rows.iter().enumerate().skip(header + 1) {
        let cell = |c: usize| r.get(c).map(|v| v.trim()).unwrap_or("");
        let line = i + 1;
        let qid = cell(0);
        if qid.is_empty() && r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(q) = l.model.question(qid) else {
            problems.push(crate::i18n::t_args(
                ctx.lang,
                "error-xlsx-row",
                &[
                    ("row", line.to_string()),
                    ("column", ID_HEADER.into()),
                    ("message", ctx.t("error-question-unknown")),
                ],
            ));
            continue;
        };
        if !seen.insert(qid.to_owned()) {
            problems.push(crate::i18n::t_args(
                ctx.lang,
                "error-xlsx-row",
                &[("row", line.to_string()), ("column", ID_HEADER.into()), ("message", ctx.t("error-xlsx-duplicate"))],
            ));
            continue;
        }
        let code = cell(c_answer).to_lowercase();
        if code.is_empty() {
            continue;
        }
        match check_answer(q, &code, cell(c_comment), cell(c_evidence), cell(c_conf)) {
            Ok(a) => out.push(a),
            Err(errs) => {
                for e in errs {
                    let column = match e.field {
                        "comment" => rows[header][c_comment].clone(),
                        "evidence_url" => rows[header][c_evidence].clone(),
                        "confidence" => rows[header][c_conf].clone(),
                        _ => rows[header][c_answer].clone(),
                    };
                    problems.push(crate::i18n::t_args(
                        ctx.lang,
                        "error-xlsx-row",
                        &[("row", line.to_string()), ("column", column), ("message", ctx.t(e.code))],
                    ));
                }
            }
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
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
    let o = scoring::score(&l.model, &l.answer_map());
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
    let pdf = tokio::task::spawn_blocking(move || documents::pdf::assessment_report(&data.to_string()))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"resultat-{}.pdf\"", file_stem(&l))),
        ],
        pdf,
    )
        .into_response())
}
