//! Answers: saving them (all or none), a delegated coordinator's proposals,
//! and the import of a filled-in answer workbook.

use domain::FieldError;
use domain::assessment::{CheckedAnswer, check_answer};
use uuid::Uuid;

use super::{Loaded, ModelCache, load_full};
use crate::app::{Caller, Error, Result};

/// The sheet of the answer workbook, and the header of its question-id column.
pub const ANSWER_SHEET: &str = "Svar";
pub const ID_HEADER: &str = "Fråge-id";

fn to_store(a: CheckedAnswer) -> store::NewAnswer {
    store::NewAnswer {
        question_id: a.question_id,
        answer: a.answer,
        comment: a.comment,
        confidence: a.confidence,
        evidence_url: a.evidence_url,
    }
}

/// One answer as sent: a question, an option id (or `na`) and the rest as typed.
pub struct AnswerInput<'a> {
    pub question_id: &'a str,
    pub answer: &'a str,
    pub comment: &'a str,
    pub evidence_url: &'a str,
    pub confidence: &'a str,
}

/// Saves answers of a draft, all or none: every answer is checked against the model first.
#[tracing::instrument(skip_all, err(level = "debug"), fields(assessment = %id, answers = input.len()))]
pub async fn save_answers(
    store: &store::Store,
    models: &ModelCache,
    caller: &Caller,
    id: Uuid,
    input: &[AnswerInput<'_>],
) -> Result<()> {
    let l = load_full(store, models, caller, id).await?;
    l.ensure_manage(caller)?;
    let mut answers = Vec::new();
    let mut errs = Vec::new();
    for a in input {
        match l.model.question(a.question_id) {
            None => errs.push(FieldError::new("question_id", "error-question-unknown")),
            Some(q) => match check_answer(q, a.answer, a.comment, a.evidence_url, a.confidence) {
                Ok(n) => answers.push(to_store(n)),
                Err(e) => errs.extend(e),
            },
        }
    }
    if !errs.is_empty() {
        return Err(Error::Validation(errs));
    }
    store.save_answers(&caller.actor(), id, answers).await?;
    Ok(())
}

/// How the caller works on one area of an assessment.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AreaRole {
    /// The CISO: answers are saved as the assessment's answers.
    Answer,
    /// A coordinator with the area delegated: answers are proposals.
    Propose,
}

/// Whether and how the caller may answer `area_id` (not found if the area
/// is unknown or not theirs to see; forbidden if they may only read it).
pub fn area_role(caller: &Caller, l: &Loaded, area_id: &str) -> Result<AreaRole> {
    let mine = l.mine.iter().any(|a| a == area_id);
    if l.model.area(area_id).is_none() || (!l.full && !mine) {
        return Err(Error::NotFound);
    }
    if l.may_manage(caller) {
        Ok(AreaRole::Answer)
    } else if mine {
        Ok(AreaRole::Propose)
    } else {
        Err(Error::Forbidden)
    }
}

/// Saves the checked answers of one area: as answers for the CISO, as
/// proposals (only what differs from the current answer) for a coordinator.
#[tracing::instrument(skip_all, err(level = "debug"), fields(assessment = %l.a.id, area = %area_id))]
pub async fn save_area(
    store: &store::Store,
    caller: &Caller,
    l: &Loaded,
    area_id: &str,
    answers: Vec<CheckedAnswer>,
) -> Result<AreaRole> {
    let role = area_role(caller, l, area_id)?;
    if answers.iter().any(|a| l.model.question(&a.question_id).is_none_or(|q| q.area != area_id)) {
        return Err(Error::Validation(vec![FieldError::new("question_id", "error-question-unknown")]));
    }
    match role {
        AreaRole::Propose => {
            let changed = answers
                .into_iter()
                .filter(|n| {
                    !l.answers.iter().any(|a| {
                        a.question_id == n.question_id
                            && a.answer == n.answer
                            && a.comment == n.comment
                            && a.confidence == n.confidence
                            && a.evidence_url == n.evidence_url
                    })
                })
                .map(to_store)
                .collect();
            store.save_proposals(&caller.actor(), l.a.id, changed).await?;
        }
        AreaRole::Answer => {
            store.save_answers(&caller.actor(), l.a.id, answers.into_iter().map(to_store).collect()).await?
        }
    }
    Ok(role)
}

/// The names a column of the answer workbook may have (the caller's
/// language's first, then Swedish and English).
pub struct HeaderNames {
    pub answer: Vec<String>,
    pub comment: Vec<String>,
    pub evidence: Vec<String>,
    pub confidence: Vec<String>,
}

/// Why an answer workbook was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    /// No file, or an empty one.
    Missing,
    /// The file has no answer sheet.
    NoSheet,
    /// The file is not an Excel workbook.
    NotXlsx,
    /// The workbook is larger than an answer file can be.
    TooLarge,
    /// The sheet lacks the header row or one of its columns.
    NoHeader,
    /// One cell is wrong: its 1-based row, the column's header and the message key.
    Row { row: usize, column: String, code: &'static str },
}

/// What became of an imported workbook.
pub enum Imported {
    Saved,
    Refused(Vec<ImportProblem>),
}

/// Imports a filled-in answer workbook: every row is checked first; one wrong
/// row and nothing is stored, with each problem named by row and column.
#[tracing::instrument(skip_all, err(level = "debug"), fields(assessment = %l.a.id))]
pub async fn import_answers(
    store: &store::Store,
    caller: &Caller,
    l: &Loaded,
    file: Option<&[u8]>,
    names: &HeaderNames,
) -> Result<Imported> {
    l.ensure_manage(caller)?;
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return Ok(Imported::Refused(vec![ImportProblem::Missing]));
    };
    // Unpacking and reading are CPU work on untrusted input: off the async
    // runtime, within the reader's limits.
    let bytes = bytes.to_vec();
    let read = tokio::task::spawn_blocking(move || documents::read_sheet(&bytes, ANSWER_SHEET))
        .await
        .map_err(Error::internal)?;
    let rows = match read {
        Err(documents::Error::NoSheet(_)) => return Ok(Imported::Refused(vec![ImportProblem::NoSheet])),
        Err(documents::Error::TooLarge(_)) => return Ok(Imported::Refused(vec![ImportProblem::TooLarge])),
        Err(_) => return Ok(Imported::Refused(vec![ImportProblem::NotXlsx])),
        Ok(rows) => rows,
    };
    match parse_rows(l, &rows, names) {
        Ok(answers) => {
            store.save_answers(&caller.actor(), l.a.id, answers.into_iter().map(to_store).collect()).await?;
            Ok(Imported::Saved)
        }
        Err(p) => Ok(Imported::Refused(p)),
    }
}

fn parse_rows(l: &Loaded, rows: &[Vec<String>], names: &HeaderNames) -> Result<Vec<CheckedAnswer>, Vec<ImportProblem>> {
    let Some(header) = rows.iter().position(|r| r.first().map(|c| c.trim()) == Some(ID_HEADER)) else {
        return Err(vec![ImportProblem::NoHeader]);
    };
    let col =
        |names: &[String]| -> Option<usize> { rows[header].iter().position(|h| names.iter().any(|n| n == h.trim())) };
    let (Some(c_answer), Some(c_comment), Some(c_evidence), Some(c_conf)) =
        (col(&names.answer), col(&names.comment), col(&names.evidence), col(&names.confidence))
    else {
        return Err(vec![ImportProblem::NoHeader]);
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, r) in rows.iter().enumerate().skip(header + 1) {
        let cell = |c: usize| r.get(c).map(|v| v.trim()).unwrap_or("");
        let row = i + 1;
        let qid = cell(0);
        if qid.is_empty() && r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(q) = l.model.question(qid) else {
            problems.push(ImportProblem::Row { row, column: ID_HEADER.into(), code: "error-question-unknown" });
            continue;
        };
        if !seen.insert(qid.to_owned()) {
            problems.push(ImportProblem::Row { row, column: ID_HEADER.into(), code: "error-xlsx-duplicate" });
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
                    problems.push(ImportProblem::Row { row, column, code: e.code });
                }
            }
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}
