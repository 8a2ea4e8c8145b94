//! The result of an assessment with feedback for the next level.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::authz::Permission;
use domain::model::Model;
use domain::scoring::Outcome;
use uuid::Uuid;

use super::{page_chart, status_text};
use crate::SharedState;
use crate::app::assessment as app;
use crate::error::AppResult;
use crate::pages::{Ctx, parse_id, render};
use crate::session::CurrentUser;

pub struct FeedbackItem {
    pub qid: String,
    pub question: String,
    pub area: String,
    pub must: bool,
    pub status: String,
    pub action: String,
    /// The title of an action made from this item: what to do, short.
    pub title: String,
    pub guidance: String,
    pub references: String,
}

pub struct LevelView {
    pub level: u8,
    pub name: String,
    pub percent: u32,
    pub threshold: u32,
    pub musts_met: bool,
    pub reached: bool,
}

/// An area's share and points.
pub struct AreaShare {
    pub name: String,
    pub percent: u32,
    /// "points / max".
    pub points: String,
}

/// An unanswered question, linked to its area.
pub struct Unanswered {
    pub area: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "assessment_result.html")]
struct ResultPage {
    ctx: Ctx,
    id: Uuid,
    org: String,
    org_id: Uuid,
    period: i32,
    level: u8,
    level_name: String,
    /// Why the next level is not reached, in a sentence (empty at level 4).
    why: String,
    next_level: u8,
    next_level_name: String,
    levels: Vec<LevelView>,
    areas: Vec<AreaShare>,
    chart: String,
    feedback: Vec<FeedbackItem>,
    unanswered: Vec<Unanswered>,
    can_plan: bool,
}

fn outcome_views(ctx: &Ctx, model: &Model, o: &Outcome) -> (Vec<LevelView>, Vec<AreaShare>) {
    let levels = o
        .levels
        .iter()
        .map(|l| LevelView {
            level: l.level,
            name: model.level(l.level).map(|d| d.name.get(ctx.lang).to_owned()).unwrap_or_default(),
            percent: l.tally.percent(),
            threshold: (l.threshold * 100.0).round() as u32,
            musts_met: l.musts_met,
            reached: l.reached,
        })
        .collect();
    let areas = o
        .areas
        .iter()
        .map(|a| AreaShare {
            name: model.area(&a.area).map(|x| x.name.get(ctx.lang).to_owned()).unwrap_or_default(),
            percent: a.tally.percent(),
            points: format!("{} / {}", a.tally.points, a.tally.max),
        })
        .collect();
    (levels, areas)
}

pub async fn result(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let l = app::load_full(&state.store, &state.models, &s.caller(), id).await?;
    let ctx = Ctx::for_session(&s, "/assessments");
    let o = l.score();
    let (levels, areas) = outcome_views(&ctx, &l.model, &o);
    let bars: Vec<(String, f64)> = areas.iter().map(|a| (a.name.clone(), f64::from(a.percent))).collect();
    let chart = page_chart(documents::charts::bar_chart(&bars, 100.0, " %"));
    let feedback = o
        .blockers
        .iter()
        .filter_map(|b| {
            let q = l.model.question(&b.question)?;
            Some(FeedbackItem {
                qid: q.id.clone(),
                question: q.text.get(ctx.lang).to_owned(),
                area: l.model.area(&q.area).map(|a| a.name.get(ctx.lang).to_owned()).unwrap_or_default(),
                must: b.must,
                status: status_text(&ctx, b.status),
                action: q.action.get(ctx.lang).to_owned(),
                title: domain::plan::short_title(q.action.get(ctx.lang), 120),
                guidance: q.guidance.get(ctx.lang).to_owned(),
                references: q.references.join(" · "),
            })
        })
        .collect();
    let unanswered = o
        .unanswered
        .iter()
        .filter_map(|qid| l.model.question(qid))
        .map(|q| Unanswered { area: q.area.clone(), text: q.text.get(ctx.lang).to_owned() })
        .collect();
    let level_name = |n: u8| l.model.level(n).map(|d| d.name.get(ctx.lang).to_owned()).unwrap_or_default();
    render(&ResultPage {
        id,
        org: l.org_name(),
        org_id: l.a.org_id,
        period: l.a.period,
        level: o.level,
        level_name: if o.level == 0 { ctx.t("level-none") } else { level_name(o.level) },
        why: o.gap().map_or_else(String::new, |g| {
            let args = [
                ("level", g.level.to_string()),
                ("musts", g.musts_missing.to_string()),
                ("percent", g.percent.to_string()),
                ("threshold", g.threshold_percent.to_string()),
            ];
            let key = match (g.musts_missing > 0, g.share_met) {
                (true, false) => "result-why-both",
                (true, true) => "result-why-musts",
                (false, false) => "result-why-share",
                (false, true) => return String::new(),
            };
            crate::i18n::t_args(ctx.lang, key, &args)
        }),
        next_level: o.level + 1,
        next_level_name: level_name(o.level + 1),
        levels,
        areas,
        chart,
        feedback,
        unanswered,
        can_plan: s.principal.can(Permission::ManageActions, l.a.org_id, &l.tree),
        ctx,
    })
}
