//! The list of rounds (coordinated and invited) and the invitations the
//! start page shows.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::authz::Permission;
use domain::clock::today;
use domain::org::OrgTree;
use uuid::Uuid;

use super::phase_label;
use crate::SharedState;
use crate::app::round::{self as rounds, org_name};
use crate::error::AppResult;
use crate::pages::{Ctx, render};
use crate::session::{CurrentUser, Session};

pub struct RoundRow {
    pub id: Uuid,
    pub name: String,
    pub org: String,
    pub period: i32,
    pub phase: String,
    pub phase_code: &'static str,
    pub closes_on: String,
    pub responses: String,
}

pub struct InvitationRow {
    pub id: Uuid,
    pub name: String,
    pub coordinator: String,
    pub org: String,
    pub closes_on: String,
    pub phase: String,
    pub status: String,
    pub status_code: &'static str,
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct ListPage {
    ctx: Ctx,
    can_create: bool,
    coordinated: Vec<RoundRow>,
    invitations: Vec<InvitationRow>,
}

pub async fn list(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    let ctx = Ctx::for_session(&s, "/rounds");
    let l = rounds::list_rounds(&state.store, &s.caller()).await?;
    let today = today();
    let tree = &l.tree;
    let coordinated = l
        .coordinated
        .into_iter()
        .map(|c| {
            let (r, p) = (&c.round, c.round.phase(today));
            RoundRow {
                id: r.id,
                name: r.data.name.clone(),
                org: org_name(tree, r.org_id),
                period: r.data.period,
                phase: phase_label(&ctx, p),
                phase_code: p.code(),
                closes_on: r.data.closes_on.to_string(),
                responses: crate::i18n::t_args(
                    ctx.lang,
                    "round-responses-of",
                    &[("submitted", c.submitted.to_string()), ("invited", c.invited.to_string())],
                ),
            }
        })
        .collect();
    let invitations = l
        .invitations
        .into_iter()
        .map(|i| {
            let p = i.round.phase(today);
            InvitationRow {
                id: i.round.id,
                name: i.round.data.name.clone(),
                coordinator: org_name(tree, i.round.org_id),
                org: org_name(tree, i.org_id),
                closes_on: i.round.data.closes_on.to_string(),
                phase: phase_label(&ctx, p),
                status: ctx.tk("invitee-status", &i.status),
                status_code: i.status.code(),
            }
        })
        .collect();
    render(&ListPage { can_create: s.principal.can_somewhere(Permission::RunRounds), ctx, coordinated, invitations })
}

/// The invitations the start page shows: open rounds the user's
/// organisations have not submitted to, reminders first, to those who
/// answer for the organisation; not those of rounds the user coordinates
/// (they sent them).
pub async fn attention(
    state: &SharedState,
    s: &Session,
    ctx: &Ctx,
    tree: &OrgTree,
) -> AppResult<Vec<crate::pages::home::Attention>> {
    use domain::tasks::InvitationTask;
    let today = today();
    let tasks = rounds::invitation_tasks(&state.store, &s.caller(), tree, today).await?;
    Ok(tasks
        .into_iter()
        .map(|(i, task)| {
            let args = [
                ("round", i.round.data.name.clone()),
                ("org", org_name(tree, i.org_id)),
                ("coordinator", org_name(tree, i.round.org_id)),
                ("date", i.round.data.closes_on.to_string()),
                ("days", domain::round::days_left(i.round.data.closes_on, today).to_string()),
            ];
            let (key, href) = match task {
                InvitationTask::AnswerReminded => ("attention-round-reminder", format!("/rounds/{}", i.round.id)),
                InvitationTask::Answer => ("attention-round-invited", format!("/rounds/{}", i.round.id)),
                InvitationTask::ReadFeedback => {
                    ("attention-round-feedback", format!("/rounds/{}/feedback?org={}", i.round.id, i.org_id))
                }
            };
            crate::pages::home::Attention {
                href,
                title: crate::i18n::t_args(ctx.lang, &format!("{key}-title"), &args),
                text: crate::i18n::t_args(ctx.lang, key, &args),
                due: String::new(),
            }
        })
        .collect())
}
