//! The start page: what needs the user's attention, their roles, an overview.

use crate::app;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Ctx, render};
use crate::SharedState;
use crate::error::AppResult;
use crate::session::CurrentUser;

pub struct Attention {
    pub href: String,
    pub title: String,
    pub text: String,
    /// When it is due, in words ("Datum: 2027-03-15", message `task-due`); empty if undated.
    pub due: String,
}

/// A task of the caller's list as a card: what, for which organisation, by
/// when, and a link straight to where it is done.
fn task_card(ctx: &Ctx, tree: &domain::org::OrgTree, t: &domain::tasks::Task) -> Attention {
    use domain::tasks::TaskKind as K;
    let org = tree.get(t.org_id).map(|n| n.name.clone()).unwrap_or_default();
    let date = match t.at {
        Some(at) => domain::clock::format_local(&at),
        None => t.due.map(|d| d.to_string()).unwrap_or_default(),
    };
    let step = t.step.map(|s| crate::i18n::t(ctx.lang, &format!("incident-step-{}", s.code()))).unwrap_or_default();
    let args = [
        ("step", step),
        ("org", org),
        ("year", t.year.to_string()),
        ("count", t.count.to_string()),
        ("title", t.title.clone()),
        ("date", date.clone()),
    ];
    let href = match t.kind {
        K::ContinueAssessment | K::ApproveAssessment => format!("/assessments/{}", t.target),
        K::PrepareReview | K::AdoptReview => format!("/reviews/{}", t.target),
        K::ReportUnit | K::ApproveUnitReport => format!("/unit-reports/{}/{}", t.target, t.year),
        K::OverdueActions => "/plan?overdue=1".to_owned(),
        K::Upcoming => "/yearwheel".to_owned(),
        K::AnswerAudit | K::AnswerAuditOverdue if t.count > 1 => format!("/audits/{}#recommendations", t.target),
        K::AnswerAudit | K::AnswerAuditOverdue => format!("/audit-copies/{}", t.target),
        K::IncidentDeadline | K::IncidentDeadlineMissed => format!("/incidents/{}#deadlines", t.target),
    };
    // The list is kept for the day; a clock that ran out since is shown as missed.
    let kind = match (t.kind, t.at) {
        (K::IncidentDeadline, Some(at)) if at < domain::now() => K::IncidentDeadlineMissed,
        (k, _) => k,
    };
    let key = format!("task-{}", kind.code());
    // Several copies of one audit for one body: their count, the audit's title.
    let text_key = match t.kind {
        K::AnswerAuditOverdue if t.count > 1 => "task-audit-answer-overdue-many".to_owned(),
        K::AnswerAudit if t.count > 1 => "task-audit-answer-many".to_owned(),
        _ => key.clone(),
    };
    let due = match (t.kind, t.due) {
        (_, None) => String::new(),
        (K::PrepareReview | K::AdoptReview, Some(_)) => crate::i18n::t_args(ctx.lang, "task-meeting-on", &args),
        (K::AnswerAudit | K::AnswerAuditOverdue, Some(_)) => crate::i18n::t_args(ctx.lang, "task-answer-due", &args),
        (K::IncidentDeadline | K::IncidentDeadlineMissed, Some(_)) => {
            crate::i18n::t_args(ctx.lang, "task-incident-due", &args)
        }
        (_, Some(_)) => crate::i18n::t_args(ctx.lang, "task-due", &args),
    };
    Attention {
        href,
        title: crate::i18n::t_args(ctx.lang, &format!("{key}-title"), &args),
        text: crate::i18n::t_args(ctx.lang, &text_key, &args),
        due,
    }
}

/// One of the user's roles and where it reaches.
pub struct RoleRow {
    pub role: String,
    pub scope: String,
    /// Empty for a system-wide role.
    pub href: String,
}

/// A figure of the overview.
pub struct Stat {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    greeting: String,
    roles: Vec<RoleRow>,
    attention: Vec<Attention>,
    stats: Vec<Stat>,
}

pub async fn show(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    let ctx = Ctx::for_session(&s, "/");
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let p = &s.principal;
    let roles = p
        .assignments
        .iter()
        .map(|a| {
            let role = ctx.role_label(&a.role);
            match a.org_id.and_then(|id| tree.get(id)) {
                Some(n) => RoleRow { role, scope: n.name.clone(), href: format!("/orgs/{}", n.id) },
                None => RoleRow { role, scope: ctx.t("scope-everything"), href: String::new() },
            }
        })
        .collect();

    let mut attention = Vec::new();
    let mut stats = Vec::new();
    let counts = app::org::home_counts(&state.store, &s.caller()).await?;
    if let Some(orgs) = counts.orgs {
        stats.push(Stat { label: ctx.t("stat-orgs"), value: orgs.to_string() });
    }
    if let Some(visible_users) = counts.users {
        // Accounts that nobody can use yet, or that hold no role: an
        // administrator's loose ends.
        let without_roles = counts.users_without_roles;
        if without_roles > 0 {
            attention.push(Attention {
                href: "/users".into(),
                title: ctx.t("attention-users-without-roles"),
                text: crate::i18n::t_args(
                    ctx.lang,
                    "attention-users-without-roles-text",
                    &[("count", without_roles.to_string())],
                ),
                due: String::new(),
            });
        }
        if tree.is_empty() {
            attention.push(Attention {
                href: "/orgs/new".into(),
                title: ctx.t("attention-no-orgs"),
                text: ctx.t("attention-no-orgs-text"),
                due: String::new(),
            });
        }
        stats.push(Stat { label: ctx.t("stat-users"), value: visible_users.to_string() });
    }
    let tasks = app::tasks::my_tasks(&state.store, &state.models, &s.caller(), &tree).await?;
    attention.extend(tasks.iter().map(|t| task_card(&ctx, &tree, t)));
    attention.extend(super::rounds::attention(&state, &s, &ctx, &tree).await?);
    let greeting = crate::i18n::t_args(ctx.lang, "home-greeting", &[("name", s.user.name.clone())]);
    render(&HomePage { ctx, greeting, roles, attention, stats })
}
