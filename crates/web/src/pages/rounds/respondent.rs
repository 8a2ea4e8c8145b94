//! One respondent's shared result, as the coordinator sees it; its answers
//! only if it chose to share them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::scoring;

use super::{kind_label, pct};
use crate::SharedState;
use crate::app::round as rounds;
use crate::error::AppResult;
use crate::pages::{Ctx, parse_id, render};
use crate::session::CurrentUser;

/// A share of one area or level.
pub struct ShareRow {
    pub label: String,
    pub share: String,
}

/// One shared answer.
pub struct AnswerRow {
    /// Where the question is ("Styrdokument, fråga 3").
    pub place: String,
    pub question: String,
    pub answer: String,
}

#[derive(Template)]
#[template(path = "round_respondent.html")]
struct RespondentPage {
    ctx: Ctx,
    r: store::Round,
    org: String,
    kind: String,
    level: u8,
    employees: u32,
    size: String,
    submitted: String,
    /// The figures are the snapshot submitted to the round, not today's assessment.
    source: String,
    areas: Vec<ShareRow>,
    levels: Vec<ShareRow>,
    answers: Option<Vec<AnswerRow>>,
}

pub async fn respondent(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, org)): Path<(String, String)>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let (a, resp) = rounds::respondent(&state.store, &state.models, &s.caller(), id, parse_id(&org)?).await?;
    let ctx = Ctx::for_session(&s, "/rounds");
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let areas = model
        .areas
        .iter()
        .filter_map(|ar| {
            resp.result.areas.get(&ar.id).map(|v| ShareRow { label: ar.name.get(ctx.lang).to_owned(), share: pct(*v) })
        })
        .collect();
    let levels = resp.result.levels.iter().map(|(l, v)| ShareRow { label: l.to_string(), share: pct(*v) }).collect();
    let answers = resp.answers.as_ref().map(|ans| {
        model
            .questions
            .iter()
            .map(|q| {
                let given = match ans.get(&q.id).map(String::as_str) {
                    None => ctx.t("round-unanswered"),
                    Some(scoring::NOT_APPLICABLE) => ctx.t("answer-not-applicable"),
                    Some(code) => q.option(code).map(|o| o.text.get(ctx.lang).to_owned()).unwrap_or(code.to_owned()),
                };
                AnswerRow {
                    place: crate::pages::question_place(ctx.lang, &model, &q.id),
                    question: q.text.get(ctx.lang).to_owned(),
                    answer: given,
                }
            })
            .collect()
    });
    render(&RespondentPage {
        org: a.org_name(resp.org_id),
        kind: kind_label(&ctx, &resp.kind),
        level: resp.result.level,
        employees: resp.employees,
        size: ctx.t(&format!("size-{}", resp.size_class.code())),
        submitted: ctx.date_time(&resp.submitted_at),
        source: crate::i18n::t_args(ctx.lang, "round-snapshot-source", &[("date", ctx.date_time(&resp.submitted_at))]),
        areas,
        levels,
        answers,
        r: a.round,
        ctx,
    })
}
