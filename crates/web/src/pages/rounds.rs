//! Follow-up rounds (uppföljningsomgång): the coordinator creates a round,
//! follows the responses and reads the aggregates; invitees submit their
//! result (and, by choice, their answers), may withdraw while the round is
//! open, and read their comparative feedback once it has closed.
//!
//! Who sees what: the coordinator (`RunRounds` on the round's organisation)
//! sees each invitee's status, the results invitees chose to share and the
//! aggregates (groups under k suppressed); raw answers only where shared. An
//! invitee sees its own status and, after closing, its comparison with the
//! peers — never another invitee's result.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::aggregate::{Breakdown, Cell, GroupFigures, Spread, TrendRow, mean_level};
use domain::authz::Permission;
use domain::model::Model;
use domain::org::{OrgKind, OrgTree};
use domain::round::{InviteeStatus, Phase, RoundForm, RoundInput, SharedResult, invitable, parse_employees};
use domain::{FieldError, scoring};
use serde::Deserialize;
use uuid::Uuid;

use super::orgs::actor;
use super::plan::{csv_field, today};
use super::{
    Ctx, Errors, docx_download, download, parse_id, pdf_download, render, render_blocking, render_status, see_other,
};
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::round_data::{self, Feedback};
use crate::session::{CurrentUser, Session};

// ----- Access -----

/// A round and what the signed-in user may do with it.
pub struct Access {
    pub round: store::Round,
    pub tree: OrgTree,
    /// Runs the round: sees statuses, shared results and aggregates.
    pub coordinator: bool,
    /// Invited organisations whose self-assessments the user may see.
    pub mine: Vec<Uuid>,
}

impl Access {
    pub fn may_respond_for(&self, s: &Session, org: Uuid) -> bool {
        self.mine.contains(&org) && s.principal.can(Permission::ManageAssessments, org, &self.tree)
    }
}

/// Loads a round the user coordinates or is invited to (404 otherwise, so a
/// stranger cannot tell whether it exists).
pub async fn access(state: &SharedState, s: &Session, id: &str) -> AppResult<Access> {
    let id = parse_id(id)?;
    let round = state.store.find_round(id).await?.ok_or(AppError::NotFound)?;
    let tree = state.store.org_tree().await?;
    let coordinator = s.principal.can(Permission::RunRounds, round.org_id, &tree);
    let visible = s.principal.visible_orgs(Permission::ViewAssessments, &tree);
    let mine: Vec<Uuid> = if visible.is_empty() {
        Vec::new()
    } else {
        state
            .store
            .list_invitations(&visible)
            .await?
            .into_iter()
            .filter(|i| i.round.id == id)
            .map(|i| i.org_id)
            .collect()
    };
    if !coordinator && mine.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(Access { round, tree, coordinator, mine })
}

/// Only the coordinator may go on.
pub async fn coordinator_access(state: &SharedState, s: &Session, id: &str) -> AppResult<Access> {
    let a = access(state, s, id).await?;
    if !a.coordinator {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

fn org_name(tree: &OrgTree, id: Uuid) -> String {
    tree.get(id).map(|n| n.name.clone()).unwrap_or_default()
}

fn phase_label(ctx: &Ctx, p: Phase) -> String {
    ctx.tk("round-phase", &p)
}

fn pct(v: f64) -> String {
    // Rounded half away from zero, as the charts round, so 62.5 % reads 63 % in both.
    if v.is_finite() { format!("{} %", (v * 100.0).round()) } else { "–".into() }
}

fn dec(v: f64) -> String {
    if v.is_finite() { format!("{v:.1}").replace('.', ",") } else { "–".into() }
}

// ----- The list -----

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
    let tree = state.store.org_tree().await?;
    let today = today();
    let mut coordinated = Vec::new();
    let runs = s.principal.visible_orgs(Permission::RunRounds, &tree);
    let rounds = state.store.list_rounds_of(&runs).await?;
    let ids: Vec<Uuid> = rounds.iter().map(|r| r.id).collect();
    let counts = state.store.count_responses(&ids).await?;
    for r in rounds {
        let (invited, submitted) =
            counts.iter().find(|(id, _, _)| *id == r.id).map(|(_, i, s)| (*i, *s)).unwrap_or((0, 0));
        let p = r.phase(today);
        coordinated.push(RoundRow {
            id: r.id,
            name: r.data.name.clone(),
            org: org_name(&tree, r.org_id),
            period: r.data.period,
            phase: phase_label(&ctx, p),
            phase_code: p.code(),
            closes_on: r.data.closes_on.to_string(),
            responses: crate::i18n::t_args(
                ctx.lang,
                "round-responses-of",
                &[("submitted", submitted.to_string()), ("invited", invited.to_string())],
            ),
        });
    }
    let visible = s.principal.visible_orgs(Permission::ViewAssessments, &tree);
    let invitations = state
        .store
        .list_invitations(&visible)
        .await?
        .into_iter()
        .map(|i| {
            let p = i.round.phase(today);
            InvitationRow {
                id: i.round.id,
                name: i.round.data.name.clone(),
                coordinator: org_name(&tree, i.round.org_id),
                org: org_name(&tree, i.org_id),
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
/// organisations have not submitted to, reminders first.
pub async fn attention(state: &SharedState, s: &Session, ctx: &Ctx) -> AppResult<Vec<super::home::Attention>> {
    let tree = state.store.org_tree().await?;
    let visible = s.principal.visible_orgs(Permission::ViewAssessments, &tree);
    if visible.is_empty() {
        return Ok(Vec::new());
    }
    let today = today();
    let mut out = Vec::new();
    for i in state.store.list_invitations(&visible).await? {
        let p = i.round.phase(today);
        let days = domain::round::days_left(i.round.data.closes_on, today).to_string();
        let args = [
            ("round", i.round.data.name.clone()),
            ("org", org_name(&tree, i.org_id)),
            ("coordinator", org_name(&tree, i.round.org_id)),
            ("date", i.round.data.closes_on.to_string()),
            ("days", days),
        ];
        let key = match (p, i.status) {
            (Phase::Open, InviteeStatus::Submitted) => continue,
            (Phase::Open, _) if i.reminded_at.is_some() => "attention-round-reminder",
            (Phase::Open, _) => "attention-round-invited",
            (Phase::Closed, InviteeStatus::Submitted)
                if i.round.data.closes_on >= today - chrono::Duration::days(60) =>
            {
                "attention-round-feedback"
            }
            _ => continue,
        };
        out.push(super::home::Attention {
            href: if key == "attention-round-feedback" {
                format!("/rounds/{}/feedback?org={}", i.round.id, i.org_id)
            } else {
                format!("/rounds/{}", i.round.id)
            },
            title: crate::i18n::t_args(ctx.lang, &format!("{key}-title"), &args),
            text: crate::i18n::t_args(ctx.lang, key, &args),
        });
    }
    Ok(out)
}

// ----- A new round -----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    org: String,
}

pub struct Choice {
    pub id: Uuid,
    pub label: String,
    pub kind: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "round_new.html")]
struct NewPage {
    ctx: Ctx,
    errors: Errors,
    coordinators: Vec<(Uuid, String)>,
    org: Option<Uuid>,
    models: Vec<(Uuid, String)>,
    model: String,
    f: RoundForm,
    kinds: Vec<(String, String, bool)>,
    candidates: Vec<Choice>,
    any_picked: bool,
}

fn coordinators(s: &Session, tree: &OrgTree) -> Vec<(Uuid, String)> {
    let mut out: Vec<(Uuid, String)> = s
        .principal
        .visible_orgs(Permission::RunRounds, tree)
        .into_iter()
        .filter_map(|id| tree.get(id).map(|n| (id, n.name.clone())))
        .collect();
    out.sort_by_key(|(_, n)| n.to_lowercase());
    out
}

#[allow(clippy::too_many_arguments)]
async fn new_page(
    state: &SharedState,
    s: &Session,
    tree: &OrgTree,
    org: Option<Uuid>,
    f: RoundForm,
    model: String,
    picked: &[Uuid],
    kinds_picked: &[String],
    errors: Errors,
) -> AppResult<NewPage> {
    let ctx = Ctx::for_session(s, "/rounds");
    let coordinators = coordinators(s, tree);
    let org = org.or_else(|| (coordinators.len() == 1).then(|| coordinators[0].0));
    let models = state
        .store
        .list_models()
        .await?
        .into_iter()
        .map(|m| (m.id, format!("{} (version {})", m.name, m.version)))
        .collect();
    let candidates: Vec<Choice> = org
        .map(|o| invitable(tree, o))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|id| tree.get(id))
        .map(|n| Choice {
            id: n.id,
            label: n.name.clone(),
            kind: ctx.kind_label(&n.kind),
            checked: picked.contains(&n.id),
        })
        .collect();
    let mut kinds: Vec<OrgKind> = org
        .map(|o| invitable(tree, o))
        .unwrap_or_default()
        .iter()
        .filter_map(|id| tree.get(*id).map(|n| n.kind))
        .collect();
    kinds.sort();
    kinds.dedup();
    let kinds = kinds
        .into_iter()
        .map(|k| (k.code().to_owned(), ctx.kind_label(&k), kinds_picked.iter().any(|p| p == k.code())))
        .collect();
    let any_picked = candidates.iter().any(|c| c.checked);
    Ok(NewPage { ctx, errors, coordinators, org, models, model, f, kinds, candidates, any_picked })
}

pub async fn new_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let tree = state.store.org_tree().await?;
    if !s.principal.can_somewhere(Permission::RunRounds) {
        return Err(AppError::Forbidden);
    }
    let org = if q.org.is_empty() { None } else { Some(parse_id(&q.org)?) };
    if let Some(o) = org
        && !s.principal.can(Permission::RunRounds, o, &tree)
    {
        return Err(AppError::Forbidden);
    }
    let year = chrono::Datelike::year(&today());
    let f = RoundForm {
        name: crate::i18n::t_args(s.user.language, "round-default-name", &[("year", year.to_string())]),
        period: year.to_string(),
        opens_on: today().to_string(),
        closes_on: (today() + chrono::Duration::days(42)).to_string(),
        k: domain::aggregate::DEFAULT_K.to_string(),
        remind_days: "7".into(),
        message: String::new(),
    };
    render(&new_page(&state, &s, &tree, org, f, String::new(), &[], &[], Errors::default()).await?)
}

/// A new round, read from the form: the round, its model, its invitees.
pub struct Parsed {
    pub org: Uuid,
    pub model: Uuid,
    pub input: RoundInput,
    pub invitees: Vec<Uuid>,
}

/// Checks a new round against the rules: the coordinator's permission, a
/// known model, invitees only among those the coordinator may invite.
#[allow(clippy::too_many_arguments)]
pub async fn parse_new(
    state: &SharedState,
    s: &Session,
    tree: &OrgTree,
    org: Uuid,
    model: &str,
    f: &RoundForm,
    picked: &[Uuid],
    kinds: &[String],
) -> AppResult<Result<Parsed, Vec<FieldError>>> {
    if !s.principal.can(Permission::RunRounds, org, tree) {
        return Err(AppError::Forbidden);
    }
    let mut errs = Vec::new();
    let input = match RoundInput::parse(f) {
        Ok(i) => Some(i),
        Err(e) => {
            errs.extend(e.0);
            None
        }
    };
    let model = match model.parse::<Uuid>() {
        Ok(id) if state.store.find_model(id).await?.is_some() => Some(id),
        _ => {
            errs.push(FieldError::new("model", "error-model-unknown"));
            None
        }
    };
    let allowed = invitable(tree, org);
    let mut invitees: Vec<Uuid> = Vec::new();
    for id in picked {
        if allowed.contains(id) {
            invitees.push(*id);
        } else {
            errs.push(FieldError::new("invitees", "error-not-invitable"));
        }
    }
    for k in kinds {
        match k.parse::<OrgKind>() {
            Ok(kind) => invitees.extend(allowed.iter().filter(|id| tree.get(**id).is_some_and(|n| n.kind == kind))),
            Err(_) => errs.push(FieldError::new("kinds", "error-malformed")),
        }
    }
    invitees.sort();
    invitees.dedup();
    if invitees.is_empty() && !errs.iter().any(|e| e.field == "invitees") {
        errs.push(FieldError::new("invitees", "error-no-invitees"));
    }
    errs.dedup();
    if !errs.is_empty() {
        return Ok(Err(errs));
    }
    Ok(Ok(Parsed { org, model: model.expect("checked"), input: input.expect("checked"), invitees }))
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let tree = state.store.org_tree().await?;
    let org = parse_id(&get("org")).map_err(|_| AppError::Forbidden)?;
    let f = RoundForm {
        name: get("name"),
        period: get("period"),
        opens_on: get("opens_on"),
        closes_on: get("closes_on"),
        message: get("message"),
        k: get("k"),
        remind_days: get("remind_days"),
    };
    let model = get("model");
    let mut picked = Vec::new();
    let mut bad_pick = false;
    for (_, v) in form.iter().filter(|(n, _)| n == "invite") {
        match v.parse::<Uuid>() {
            Ok(id) => picked.push(id),
            Err(_) => bad_pick = true,
        }
    }
    let kinds: Vec<String> = form.iter().filter(|(n, _)| n == "kind").map(|(_, v)| v.clone()).collect();
    let parsed = parse_new(&state, &s, &tree, org, &model, &f, &picked, &kinds).await?;
    match parsed {
        Ok(p) if !bad_pick => {
            let r = state.store.insert_round(&actor(&s), p.org, p.model, p.input, &p.invitees).await?;
            Ok(see_other(&format!("/rounds/{}", r.id)))
        }
        other => {
            let mut errs = other.err().unwrap_or_default();
            if bad_pick {
                errs.push(FieldError::new("invitees", "error-not-invitable"));
            }
            let errors = Errors::new(s.user.language, &errs);
            let page = new_page(&state, &s, &tree, Some(org), f, model, &picked, &kinds, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

// ----- One round -----

pub struct InviteeRow {
    pub org_id: Uuid,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub status_code: &'static str,
    pub reminded: String,
}

pub struct MineView {
    pub org_id: Uuid,
    pub org: String,
    pub status: String,
    pub status_code: &'static str,
    /// The self-assessment the round will take the result from, if any.
    pub assessment: Option<(Uuid, String)>,
    pub may_respond: bool,
    pub submitted: bool,
    pub employees: String,
    pub shared_answers: bool,
}

#[derive(Template)]
#[template(path = "round.html")]
struct ShowPage {
    ctx: Ctx,
    errors: Errors,
    r: store::Round,
    coordinator_name: String,
    model_name: String,
    phase: String,
    phase_code: &'static str,
    open: bool,
    closed: bool,
    coordinator: bool,
    stats: Vec<(String, String)>,
    rate: u32,
    invitees: Vec<InviteeRow>,
    mine: Vec<MineView>,
}

/// The assessment of `org` for the round: the newest revision for the
/// round's period on the round's model.
async fn round_assessment(state: &SharedState, r: &store::Round, org: Uuid) -> AppResult<Option<store::Assessment>> {
    Ok(state
        .store
        .list_assessments(Some(&[org]))
        .await?
        .into_iter()
        .filter(|a| a.period == r.data.period && a.model_id == r.model_id)
        .max_by_key(|a| a.revision))
}

async fn show_page(state: &SharedState, s: &Session, a: &Access, errors: Errors) -> AppResult<ShowPage> {
    let ctx = Ctx::for_session(s, "/rounds");
    let r = &a.round;
    let p = r.phase(today());
    let model_name = state
        .store
        .find_model(r.model_id)
        .await?
        .map(|m| format!("{} (version {})", m.name, m.version))
        .unwrap_or_default();
    let mut stats = Vec::new();
    let mut invitees = Vec::new();
    let mut rate = 0;
    if a.coordinator {
        let list = state.store.list_invitees(r.id).await?;
        let count = |st: InviteeStatus| list.iter().filter(|i| i.status == st).count();
        let submitted = count(InviteeStatus::Submitted);
        rate = if list.is_empty() { 0 } else { (submitted as f64 * 100.0 / list.len() as f64).round() as u32 };
        stats.push((ctx.t("round-invited"), list.len().to_string()));
        for st in InviteeStatus::ALL {
            stats.push((ctx.tk("invitee-status", st), count(*st).to_string()));
        }
        let mut rows: Vec<InviteeRow> = list
            .iter()
            .map(|i| {
                let node = a.tree.get(i.org_id);
                InviteeRow {
                    org_id: i.org_id,
                    name: node.map(|n| n.name.clone()).unwrap_or_default(),
                    kind: node.map(|n| ctx.kind_label(&n.kind)).unwrap_or_default(),
                    status: ctx.tk("invitee-status", &i.status),
                    status_code: i.status.code(),
                    reminded: i.reminded_at.as_ref().map(|t| ctx.date_time(t)).unwrap_or_default(),
                }
            })
            .collect();
        rows.sort_by_key(|r| r.name.to_lowercase());
        invitees = rows;
    }
    let mut mine = Vec::new();
    for org in &a.mine {
        let resp = state.store.find_response(r.id, *org).await?;
        let assessment = round_assessment(state, r, *org).await?;
        let status = match (&resp, &assessment) {
            (Some(x), _) => x.status,
            (None, Some(_)) => InviteeStatus::Draft,
            (None, None) => InviteeStatus::NotStarted,
        };
        mine.push(MineView {
            org_id: *org,
            org: org_name(&a.tree, *org),
            status: ctx.tk("invitee-status", &status),
            status_code: status.code(),
            assessment: assessment.map(|x| {
                (
                    x.id,
                    format!(
                        "{} {} · {}",
                        ctx.t("assessment-title"),
                        x.period,
                        ctx.tk("assessment-status", &x.status.code())
                    ),
                )
            }),
            may_respond: a.may_respond_for(s, *org) && p == Phase::Open,
            submitted: status == InviteeStatus::Submitted,
            employees: resp.as_ref().map(|x| x.employees.to_string()).unwrap_or_default(),
            shared_answers: resp.as_ref().is_some_and(|x| x.answers.is_some()),
        });
    }
    Ok(ShowPage {
        errors,
        r: r.clone(),
        coordinator_name: org_name(&a.tree, r.org_id),
        model_name,
        phase: phase_label(&ctx, p),
        phase_code: p.code(),
        open: p == Phase::Open,
        closed: p == Phase::Closed,
        coordinator: a.coordinator,
        stats,
        rate,
        invitees,
        mine,
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let a = access(&state, &s, &id).await?;
    render(&show_page(&state, &s, &a, Errors::default()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RespondForm {
    pub org: String,
    pub employees: String,
    pub share_answers: String,
}

/// Submits an invitee's result: its newest self-assessment for the round's
/// period, scored now. Shared answers only when asked for.
pub async fn submit_for(
    state: &SharedState,
    s: &Session,
    a: &Access,
    f: &RespondForm,
) -> AppResult<Result<(), Vec<FieldError>>> {
    let org = parse_id(&f.org).map_err(|_| AppError::Forbidden)?;
    if !a.may_respond_for(s, org) {
        return Err(AppError::Forbidden);
    }
    if a.round.phase(today()) != Phase::Open {
        return Ok(Err(vec![FieldError::new("status", "error-round-not-open")]));
    }
    let employees = match parse_employees(&f.employees) {
        Ok(n) => n,
        Err(e) => return Ok(Err(vec![e])),
    };
    let Some(assessment) = round_assessment(state, &a.round, org).await? else {
        return Ok(Err(vec![FieldError::new("assessment", "error-round-no-assessment")]));
    };
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let answers = state.store.list_answers(assessment.id).await?;
    let o = scoring::score(&model, &super::assessments::answer_map(&answers));
    let share = matches!(f.share_answers.as_str(), "1" | "on" | "true" | "yes");
    let kind = a.tree.get(org).map(|n| n.kind.code()).unwrap_or("unit");
    let r = store::NewResponse {
        assessment_id: Some(assessment.id),
        kind: kind.to_owned(),
        employees,
        result: SharedResult::from_outcome(&o),
        answers: share.then(|| answers.iter().map(|x| (x.question_id.clone(), x.answer.clone())).collect()),
    };
    state.store.submit_response(&actor(s), a.round.id, org, r).await?;
    Ok(Ok(()))
}

pub async fn respond(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<RespondForm>,
) -> AppResult<Response> {
    let a = access(&state, &s, &id).await?;
    match submit_for(&state, &s, &a, &f).await? {
        Ok(()) => Ok(see_other(&format!("/rounds/{}", a.round.id))),
        Err(errs) => {
            let mut errors = Errors::new(s.user.language, &errs);
            if a.mine.len() > 1 {
                // Several answer forms on the page: the message links to the one that failed,
                // and an empty marker names its organisation.
                for (field, _) in &mut errors.0 {
                    if field == "employees" {
                        field.push_str(&format!("-{}", f.org));
                    }
                }
                errors.0.push((f.org.clone(), String::new()));
                errors.0.push(("employees".into(), String::new()));
            }
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &show_page(&state, &s, &a, errors).await?)
        }
    }
}

pub async fn withdraw_for(
    state: &SharedState,
    s: &Session,
    a: &Access,
    org: &str,
) -> AppResult<Result<(), Vec<FieldError>>> {
    let org = parse_id(org).map_err(|_| AppError::Forbidden)?;
    if !a.may_respond_for(s, org) {
        return Err(AppError::Forbidden);
    }
    if a.round.phase(today()) != Phase::Open {
        return Ok(Err(vec![FieldError::new("status", "error-round-not-open")]));
    }
    match state.store.withdraw_response(&actor(s), a.round.id, org).await {
        Ok(()) => Ok(Ok(())),
        Err(store::StoreError::Conflict { field, code }) => Ok(Err(vec![FieldError::new(field, code)])),
        Err(e) => Err(e.into()),
    }
}

pub async fn withdraw(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<RespondForm>,
) -> AppResult<Response> {
    let a = access(&state, &s, &id).await?;
    match withdraw_for(&state, &s, &a, &f.org).await? {
        Ok(()) => Ok(see_other(&format!("/rounds/{}", a.round.id))),
        Err(errs) => {
            let errors = Errors::new(s.user.language, &errs);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &show_page(&state, &s, &a, errors).await?)
        }
    }
}

pub async fn close(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let a = coordinator_access(&state, &s, &id).await?;
    state.store.close_round(&actor(&s), a.round.id).await?;
    Ok(see_other(&format!("/rounds/{}", a.round.id)))
}

// ----- Aggregates -----

/// One row of figures: a group's label, its size (or the suppression note)
/// and its cells.
pub struct FigRow {
    pub label: String,
    pub cells: Vec<String>,
    pub suppressed: bool,
}

pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<FigRow>,
}

/// The aggregates of a round as the page, the report and the exports show them.
pub struct ResultsView {
    pub respondents: usize,
    pub invited: usize,
    pub k: usize,
    pub suppressed_note: String,
    pub level_chart: String,
    pub area_chart: String,
    pub tables: Vec<Table>,
}

fn suppressed(ctx: &Ctx, k: usize) -> String {
    crate::i18n::t_args(ctx.lang, "suppressed-cell", &[("k", k.to_string())])
}

fn level_row(ctx: &Ctx, label: String, g: &GroupFigures) -> FigRow {
    match &g.levels {
        Cell::Value(l) => {
            let n: usize = l.iter().sum();
            let mut cells: Vec<String> = vec![n.to_string()];
            cells.extend(l.iter().map(|c| format!("{c} ({})", pct(*c as f64 / n.max(1) as f64))));
            cells.push(dec(mean_level(l)));
            FigRow { label, cells, suppressed: false }
        }
        Cell::Suppressed { k } => FigRow { label, cells: vec![suppressed(ctx, *k); 7], suppressed: true },
    }
}

fn spread_cells(ctx: &Ctx, c: Option<&Cell<Spread>>, k: usize) -> Vec<String> {
    match c {
        Some(Cell::Value(s)) => vec![pct(s.mean), pct(s.median), format!("{}–{}", pct(s.q1), pct(s.q3))],
        _ => vec![suppressed(ctx, k); 3],
    }
}

fn kind_label(ctx: &Ctx, code: &str) -> String {
    ctx.t(&format!("kind-{code}"))
}

pub fn results_view(ctx: &Ctx, model: &Model, b: &Breakdown, invited: usize) -> ResultsView {
    let k = b.k;
    let area_name = |id: &str| {
        model.areas.iter().find(|a| a.id == id).map(|a| a.name.get(ctx.lang).to_owned()).unwrap_or(id.into())
    };
    let mut level_header = vec![ctx.t("col-group"), ctx.t("col-respondents")];
    level_header.extend((0..=4).map(|l| format!("{} {l}", ctx.t("level"))));
    level_header.push(ctx.t("col-mean-level"));
    let mut level_rows = vec![level_row(ctx, ctx.t("group-all"), &b.all)];
    level_rows.extend(b.by_kind.iter().map(|(g, f)| level_row(ctx, kind_label(ctx, g), f)));
    level_rows.extend(b.by_size.iter().map(|(g, f)| level_row(ctx, ctx.t(&format!("size-{g}")), f)));
    let tables_levels = Table { caption: ctx.t("round-levels"), header: level_header, rows: level_rows };

    // Areas: all respondents (mean, median, quartiles), then the median per kind.
    let kinds: Vec<&String> = b.by_kind.keys().collect();
    let mut area_header = vec![ctx.t("col-area"), ctx.t("col-mean"), ctx.t("col-median"), ctx.t("col-quartiles")];
    area_header.extend(kinds.iter().map(|k| format!("{} – {}", ctx.t("col-median"), kind_label(ctx, k))));
    let area_ids: Vec<String> = model.areas.iter().map(|a| a.id.clone()).collect();
    let area_rows: Vec<FigRow> = area_ids
        .iter()
        .map(|a| {
            let mut cells = spread_cells(ctx, b.all.areas.get(a), k);
            for kd in &kinds {
                cells.push(match b.by_kind[*kd].areas.get(a) {
                    Some(Cell::Value(s)) => pct(s.median),
                    _ => suppressed(ctx, k),
                });
            }
            FigRow { label: area_name(a), suppressed: cells.iter().all(|c| c.starts_with(&suppressed(ctx, k))), cells }
        })
        .collect();
    let tables_areas = Table { caption: ctx.t("round-areas"), header: area_header, rows: area_rows };

    let q_text = |id: &str| model.question(id).map(|q| q.text.get(ctx.lang).to_owned()).unwrap_or(id.into());
    let blocker_rows: Vec<FigRow> = match &b.all.blockers {
        Cell::Value(list) => list
            .iter()
            .map(|(q, n)| FigRow {
                label: q_text(q),
                cells: vec![q.clone(), n.to_string(), pct(*n as f64 / b.respondents.max(1) as f64)],
                suppressed: false,
            })
            .collect(),
        Cell::Suppressed { k } => {
            vec![FigRow { label: ctx.t("group-all"), cells: vec![suppressed(ctx, *k); 3], suppressed: true }]
        }
    };
    let tables_blockers = Table {
        caption: ctx.t("round-blockers"),
        header: vec![
            ctx.t("col-question"),
            ctx.t("col-question-id"),
            ctx.t("col-orgs"),
            ctx.t("col-share-of-respondents"),
        ],
        rows: blocker_rows,
    };

    // The most common blockers of each group.
    let top = |label: String, g: &GroupFigures| match &g.blockers {
        Cell::Value(list) if list.is_empty() => FigRow { label, cells: vec!["–".into()], suppressed: false },
        Cell::Value(list) => FigRow {
            label,
            cells: vec![list.iter().take(3).map(|(q, n)| format!("{q} ({n})")).collect::<Vec<_>>().join(", ")],
            suppressed: false,
        },
        Cell::Suppressed { k } => FigRow { label, cells: vec![suppressed(ctx, *k)], suppressed: true },
    };
    let mut group_blockers: Vec<FigRow> = b.by_kind.iter().map(|(g, f)| top(kind_label(ctx, g), f)).collect();
    group_blockers.extend(b.by_size.iter().map(|(g, f)| top(ctx.t(&format!("size-{g}")), f)));
    let tables_group_blockers = Table {
        caption: ctx.t("round-blockers-by-group"),
        header: vec![ctx.t("col-group"), ctx.t("col-top-blockers")],
        rows: group_blockers,
    };
    let level_chart = match &b.all.levels {
        Cell::Value(l) => documents::charts::bar_chart(
            &(0..=4).map(|i| (format!("{} {i}", ctx.t("level")), l[i] as f64)).collect::<Vec<_>>(),
            l.iter().copied().max().unwrap_or(1).max(1) as f64,
            "",
        ),
        Cell::Suppressed { .. } => String::new(),
    };
    let area_items: Vec<(String, f64)> = area_ids
        .iter()
        .filter_map(|a| match b.all.areas.get(a) {
            Some(Cell::Value(s)) => Some((area_name(a), (s.median * 100.0).round())),
            _ => None,
        })
        .collect();
    let area_chart =
        if area_items.is_empty() { String::new() } else { documents::charts::bar_chart(&area_items, 100.0, " %") };
    ResultsView {
        respondents: b.respondents,
        invited,
        k,
        suppressed_note: crate::i18n::t_args(ctx.lang, "suppressed-note", &[("k", k.to_string())]),
        level_chart,
        area_chart,
        tables: vec![tables_levels, tables_areas, tables_blockers, tables_group_blockers],
    }
}

#[derive(Template)]
#[template(path = "round_results.html")]
struct ResultsPage {
    ctx: Ctx,
    r: store::Round,
    v: ResultsView,
    phase: String,
}

async fn load_results(state: &SharedState, s: &Session, id: &str) -> AppResult<(Access, Arc<Model>, ResultsView, Ctx)> {
    let a = coordinator_access(state, s, id).await?;
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let b = round_data::dashboard(&state.store, &a.round).await?;
    let invited = state.store.list_invitees(a.round.id).await?.len();
    let ctx = Ctx::for_session(s, "/rounds");
    let v = results_view(&ctx, &model, &b, invited);
    Ok((a, model, v, ctx))
}

pub async fn results(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, _, v, ctx) = load_results(&state, &s, &id).await?;
    let phase = phase_label(&ctx, a.round.phase(today()));
    render(&ResultsPage { ctx, r: a.round, v, phase })
}

fn file_stem(r: &store::Round) -> String {
    let slug: String = r
        .data
        .name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect();
    format!("samlad-bedomning-{}", slug.trim_matches('-'))
}

/// The combined assessment (samlad bedömning) as a report.
pub fn results_report(
    ctx: &Ctx,
    coordinator: &str,
    r: &store::Round,
    v: &ResultsView,
    trend: &[TrendRow],
) -> documents::report::Report {
    use documents::report::{Block, Report, Section};
    let table = |t: &Table| Block::Table {
        header: t.header.clone(),
        rows: t
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![row.label.clone()];
                cells.extend(row.cells.iter().cloned());
                cells
            })
            .collect(),
        numeric: (0..t.header.len()).map(|i| i > 0).collect(),
        widths: Vec::new(),
    };
    let mut sections = vec![Section {
        heading: ctx.t("round-summary"),
        blocks: vec![
            Block::Facts(vec![
                (ctx.t("round-coordinator"), coordinator.to_owned()),
                (ctx.t("col-period"), r.data.period.to_string()),
                (ctx.t("round-invited"), v.invited.to_string()),
                (ctx.t("col-respondents"), v.respondents.to_string()),
                (ctx.t("round-k"), v.k.to_string()),
            ]),
            Block::Paragraph(v.suppressed_note.clone()),
        ],
    }];
    let mut levels = vec![table(&v.tables[0])];
    if !v.level_chart.is_empty() {
        levels.insert(
            0,
            Block::Chart {
                svg: v.level_chart.clone(),
                alt: ctx.t("round-levels-chart"),
                caption: ctx.t("round-levels-chart"),
            },
        );
    }
    sections.push(Section { heading: v.tables[0].caption.clone(), blocks: levels });
    let mut areas = vec![table(&v.tables[1])];
    if !v.area_chart.is_empty() {
        areas.insert(
            0,
            Block::Chart {
                svg: v.area_chart.clone(),
                alt: ctx.t("round-areas-chart"),
                caption: ctx.t("round-areas-chart"),
            },
        );
    }
    sections.push(Section { heading: v.tables[1].caption.clone(), blocks: areas });
    sections.push(Section {
        heading: v.tables[2].caption.clone(),
        blocks: vec![
            Block::Paragraph(ctx.t("round-blockers-explained")),
            table(&v.tables[2]),
            Block::Subheading(v.tables[3].caption.clone()),
            table(&v.tables[3]),
        ],
    });
    if trend.len() > 1 {
        let tv = trend_view(ctx, trend);
        sections.push(Section {
            heading: ctx.t("round-trend"),
            blocks: vec![
                Block::Paragraph(ctx.t("round-trend-explained")),
                Block::Chart {
                    svg: tv.chart.clone(),
                    alt: ctx.t("round-trend-chart"),
                    caption: ctx.t("round-trend-chart"),
                },
                table(&tv.table),
            ],
        });
    }
    Report {
        lang: ctx.lang_code().into(),
        title: format!("{} – {}", ctx.t("round-report-title"), r.data.name),
        subtitle: coordinator.to_owned(),
        facts: vec![(ctx.t("round-report-made"), today().to_string())],
        toc_title: Some(ctx.t("toc")),
        footer: format!("Lisa · {coordinator} · {}", r.data.name),
        page_label: ctx.t("page"),
        of_label: ctx.t("page-of"),
        sections,
    }
}

async fn report_parts(state: &SharedState, s: &Session, id: &str) -> AppResult<(documents::report::Report, String)> {
    let (a, _, v, ctx) = load_results(state, s, id).await?;
    let trend = round_data::trend(&state.store, &a.round).await?;
    let coordinator = org_name(&a.tree, a.round.org_id);
    Ok((results_report(&ctx, &coordinator, &a.round, &v, &trend), file_stem(&a.round)))
}

pub async fn report_pdf(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (report, stem) = report_parts(&state, &s, &id).await?;
    pdf_download("round report pdf", format!("{stem}.pdf"), report).await
}

pub async fn report_docx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (report, stem) = report_parts(&state, &s, &id).await?;
    docx_download("round report docx", format!("{stem}.docx"), report).await
}

fn sheet_rows(t: &Table) -> Vec<Vec<documents::Cell>> {
    t.rows
        .iter()
        .map(|row| {
            let mut cells: Vec<documents::Cell> = vec![row.label.clone().into()];
            cells.extend(row.cells.iter().map(|c| documents::Cell::from(c.clone())));
            cells
        })
        .collect()
}

pub async fn results_xlsx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, _, v, _) = load_results(&state, &s, &id).await?;
    let sheets: Vec<documents::Sheet> = v
        .tables
        .iter()
        .map(|t| documents::Sheet {
            name: t.caption.chars().take(31).collect(),
            preamble: vec![format!("{} · {}", a.round.data.name, t.caption), v.suppressed_note.clone()],
            header: t.header.clone(),
            rows: sheet_rows(t),
            widths: (0..t.header.len()).map(|i| if i == 0 { 48.0 } else { 16.0 }).collect(),
            choice: None,
        })
        .collect();
    let bytes = render_blocking("round results xlsx", move || documents::workbook(&sheets)).await?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{}.xlsx", file_stem(&a.round)),
        bytes,
    ))
}

pub async fn results_csv(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, _, v, ctx) = load_results(&state, &s, &id).await?;
    // One long table: table, group, measure, value — easy to filter in Excel.
    let mut out = String::from("\u{feff}");
    out.push_str(&[ctx.t("col-table"), ctx.t("col-group"), ctx.t("col-measure"), ctx.t("col-value")].join(";"));
    out.push_str("\r\n");
    for t in &v.tables {
        for row in &t.rows {
            for (i, c) in row.cells.iter().enumerate() {
                let measure = t.header.get(i + 1).cloned().unwrap_or_default();
                let line = [csv_field(&t.caption), csv_field(&row.label), csv_field(&measure), csv_field(c)].join(";");
                out.push_str(&line);
                out.push_str("\r\n");
            }
        }
    }
    Ok(download("text/csv; charset=utf-8", &format!("{}.csv", file_stem(&a.round)), out.into_bytes()))
}

// ----- Over years -----

pub struct TrendView {
    pub chart: String,
    pub table: Table,
    pub areas: Table,
}

pub fn trend_view(ctx: &Ctx, rows: &[TrendRow]) -> TrendView {
    let mean = |g: &GroupFigures| g.levels.value().map(mean_level);
    let series = vec![
        (ctx.t("group-all"), rows.iter().filter_map(|t| mean(&t.all).map(|m| (t.period.to_string(), m))).collect()),
        (ctx.t("group-panel"), rows.iter().filter_map(|t| mean(&t.panel).map(|m| (t.period.to_string(), m))).collect()),
    ];
    let chart = documents::charts::line_chart(&ctx.t("col-period"), &series, 4.0, &[0.0, 1.0, 2.0, 3.0, 4.0], "");
    let cell = |g: &GroupFigures| match &g.levels {
        Cell::Value(l) => dec(mean_level(l)),
        Cell::Suppressed { k } => suppressed(ctx, *k),
    };
    let dist = |g: &GroupFigures| match &g.levels {
        Cell::Value(l) => l.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" / "),
        Cell::Suppressed { k } => suppressed(ctx, *k),
    };
    let table = Table {
        caption: ctx.t("round-trend"),
        header: vec![
            ctx.t("col-round"),
            ctx.t("col-respondents"),
            ctx.t("col-mean-level-all"),
            ctx.t("col-levels-all"),
            ctx.t("col-panel-size"),
            ctx.t("col-mean-level-panel"),
            ctx.t("col-levels-panel"),
        ],
        rows: rows
            .iter()
            .map(|t| FigRow {
                label: if t.name.contains(&t.period.to_string()) {
                    t.name.clone()
                } else {
                    format!("{} ({})", t.name, t.period)
                },
                cells: vec![
                    t.respondents.to_string(),
                    cell(&t.all),
                    dist(&t.all),
                    t.panel_size.to_string(),
                    cell(&t.panel),
                    dist(&t.panel),
                ],
                suppressed: false,
            })
            .collect(),
    };
    // The median per area in every round, all and panel.
    let mut area_ids: Vec<String> = Vec::new();
    if let Some(last) = rows.last() {
        area_ids = last.all.areas.keys().cloned().collect();
    }
    let mut header = vec![ctx.t("col-area")];
    for t in rows {
        header.push(format!("{} – {}", t.period, ctx.t("group-all")));
        header.push(format!("{} – {}", t.period, ctx.t("group-panel")));
    }
    let med = |g: &GroupFigures, a: &str| match g.areas.get(a) {
        Some(Cell::Value(s)) => pct(s.median),
        Some(Cell::Suppressed { k }) => suppressed(ctx, *k),
        None => "–".into(),
    };
    let areas = Table {
        caption: ctx.t("round-trend-areas"),
        header,
        rows: area_ids
            .iter()
            .map(|a| FigRow {
                label: a.clone(),
                cells: rows.iter().flat_map(|t| [med(&t.all, a), med(&t.panel, a)]).collect(),
                suppressed: false,
            })
            .collect(),
    };
    TrendView { chart, table, areas }
}

#[derive(Template)]
#[template(path = "round_trend.html")]
struct TrendPage {
    ctx: Ctx,
    r: store::Round,
    v: TrendView,
    rounds: usize,
}

pub async fn trend(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let a = coordinator_access(&state, &s, &id).await?;
    let rows = round_data::trend(&state.store, &a.round).await?;
    let ctx = Ctx::for_session(&s, "/rounds");
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let mut v = trend_view(&ctx, &rows);
    // The model's order and names.
    let position = |id: &str| model.areas.iter().position(|x| x.id == id).unwrap_or(usize::MAX);
    v.areas.rows.sort_by_key(|r| position(&r.label));
    for row in &mut v.areas.rows {
        if let Some(area) = model.areas.iter().find(|x| x.id == row.label) {
            row.label = area.name.get(ctx.lang).to_owned();
        }
    }
    render(&TrendPage { ctx, r: a.round, v, rounds: rows.len() })
}

// ----- One respondent, as the coordinator sees it -----

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
    areas: Vec<(String, String)>,
    levels: Vec<(u8, String)>,
    answers: Option<Vec<(String, String, String)>>,
}

pub async fn respondent(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, org)): Path<(String, String)>,
) -> AppResult<Response> {
    let a = coordinator_access(&state, &s, &id).await?;
    let org = parse_id(&org)?;
    let resp = state.store.find_response(a.round.id, org).await?.ok_or(AppError::NotFound)?;
    if resp.status != InviteeStatus::Submitted {
        return Err(AppError::NotFound);
    }
    let ctx = Ctx::for_session(&s, "/rounds");
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let areas = model
        .areas
        .iter()
        .filter_map(|ar| resp.result.areas.get(&ar.id).map(|v| (ar.name.get(ctx.lang).to_owned(), pct(*v))))
        .collect();
    let levels = resp.result.levels.iter().map(|(l, v)| (*l, pct(*v))).collect();
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
                (q.id.clone(), q.text.get(ctx.lang).to_owned(), given)
            })
            .collect()
    });
    render(&RespondentPage {
        org: org_name(&a.tree, org),
        kind: kind_label(&ctx, &resp.kind),
        level: resp.result.level,
        employees: resp.employees,
        size: ctx.t(&format!("size-{}", resp.size_class.code())),
        submitted: ctx.date_time(&resp.submitted_at),
        areas,
        levels,
        answers,
        r: a.round,
        ctx,
    })
}

// ----- Comparative feedback -----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgQuery {
    org: String,
}

pub struct CompareRow {
    pub area: String,
    pub mine: String,
    pub kind: Vec<String>,
    pub all: Vec<String>,
}

pub struct FeedbackView {
    /// Level 1–4: mine, then median, middle half and percentile for the same kind and for all.
    pub level_rows: Vec<CompareRow>,
    pub org: String,
    pub kind: String,
    pub level: u8,
    pub level_kind: String,
    pub level_all: String,
    pub rows: Vec<CompareRow>,
    pub common: Vec<(String, String)>,
    pub rare: Vec<(String, String)>,
    pub blockers_note: String,
    pub chart: String,
    pub suppressed_note: String,
}

fn compare_cells(ctx: &Ctx, c: Option<&Cell<(f64, Spread)>>) -> Vec<String> {
    match c {
        Some(Cell::Value((p, s))) => {
            vec![pct(s.median), format!("{}–{}", pct(s.q1), pct(s.q3)), p.round().to_string()]
        }
        Some(Cell::Suppressed { k }) => vec![suppressed(ctx, *k); 3],
        None => vec!["–".into(); 3],
    }
}

pub fn feedback_view(ctx: &Ctx, tree: &OrgTree, model: &Model, k: usize, f: &Feedback) -> FeedbackView {
    let perc = |c: &Cell<f64>| match c {
        Cell::Value(p) => crate::i18n::t_args(ctx.lang, "peer-percentile", &[("p", p.round().to_string())]),
        Cell::Suppressed { k } => suppressed(ctx, *k),
    };
    let rows: Vec<CompareRow> = model
        .areas
        .iter()
        .filter_map(|a| {
            f.mine.areas.get(&a.id).map(|mine| CompareRow {
                area: a.name.get(ctx.lang).to_owned(),
                mine: pct(*mine),
                kind: compare_cells(ctx, f.same_kind.areas.get(&a.id)),
                all: compare_cells(ctx, f.all.areas.get(&a.id)),
            })
        })
        .collect();
    let q =
        |id: &String| (id.clone(), model.question(id).map(|q| q.text.get(ctx.lang).to_owned()).unwrap_or(id.clone()));
    let (common, rare, blockers_note) = match (&f.all.common_blockers, &f.all.rare_blockers) {
        (Cell::Value(c), Cell::Value(r)) => (c.iter().map(q).collect(), r.iter().map(q).collect(), String::new()),
        _ => (Vec::new(), Vec::new(), suppressed(ctx, k)),
    };
    let cats: Vec<String> = rows.iter().map(|r| r.area.clone()).collect();
    let mine_vals: Vec<f64> =
        model.areas.iter().filter_map(|a| f.mine.areas.get(&a.id).map(|v| (v * 100.0).round())).collect();
    let median_vals: Vec<f64> = model
        .areas
        .iter()
        .filter(|a| f.mine.areas.contains_key(&a.id))
        .map(|a| match f.all.areas.get(&a.id) {
            Some(Cell::Value((_, s))) => (s.median * 100.0).round(),
            _ => f64::NAN,
        })
        .collect();
    let chart = documents::charts::grouped_bar_chart(
        &cats,
        &[(ctx.t("peer-mine"), mine_vals), (ctx.t("peer-median-all"), median_vals)],
        100.0,
        " %",
    );
    let level_rows = f
        .mine
        .levels
        .iter()
        .map(|(l, mine)| CompareRow {
            area: format!("{} {l}", ctx.t("level")),
            mine: pct(*mine),
            kind: compare_cells(ctx, f.level_shares_same_kind.get(&l.to_string())),
            all: compare_cells(ctx, f.level_shares_all.get(&l.to_string())),
        })
        .collect();
    FeedbackView {
        level_rows,
        org: org_name(tree, f.org_id),
        kind: kind_label(ctx, &f.kind),
        level: f.mine.level,
        level_kind: perc(&f.same_kind.level_percentile),
        level_all: perc(&f.all.level_percentile),
        rows,
        common,
        rare,
        blockers_note,
        chart,
        suppressed_note: crate::i18n::t_args(ctx.lang, "suppressed-note", &[("k", k.to_string())]),
    }
}

#[derive(Template)]
#[template(path = "round_feedback.html")]
struct FeedbackPage {
    ctx: Ctx,
    r: store::Round,
    org_id: Uuid,
    v: FeedbackView,
}

/// The feedback of one of the user's invited organisations; only after closing.
pub async fn load_feedback(
    state: &SharedState,
    s: &Session,
    id: &str,
    org: &str,
) -> AppResult<(Access, Uuid, Feedback)> {
    let a = access(state, s, id).await?;
    let org = if org.is_empty() && a.mine.len() == 1 { a.mine[0] } else { parse_id(org)? };
    if !a.mine.contains(&org) {
        return Err(AppError::NotFound);
    }
    if a.round.phase(today()) != Phase::Closed {
        return Err(AppError::Validation(vec![FieldError::new("status", "error-feedback-after-close")]));
    }
    let f = round_data::feedback(&state.store, &a.round, org).await?.ok_or(AppError::NotFound)?;
    Ok((a, org, f))
}

pub async fn feedback(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let (a, org, f) = load_feedback(&state, &s, &id, &q.org).await?;
    let ctx = Ctx::for_session(&s, "/rounds");
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let v = feedback_view(&ctx, &a.tree, &model, a.round.data.k, &f);
    render(&FeedbackPage { ctx, r: a.round, org_id: org, v })
}

pub fn feedback_report(ctx: &Ctx, r: &store::Round, coordinator: &str, v: &FeedbackView) -> documents::report::Report {
    use documents::report::{Block, Report, Section};
    let mut header = vec![ctx.t("col-area"), ctx.t("peer-mine")];
    for g in [ctx.t("peer-same-kind"), ctx.t("group-all")] {
        header.push(format!("{} – {g}", ctx.t("col-median")));
        header.push(format!("{} – {g}", ctx.t("col-quartiles")));
        header.push(format!("{} – {g}", ctx.t("col-percentile")));
    }
    let rows = v
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![r.area.clone(), r.mine.clone()];
            cells.extend(r.kind.iter().cloned());
            cells.extend(r.all.iter().cloned());
            cells
        })
        .collect();
    let list = |l: &[(String, String)]| {
        if l.is_empty() {
            Block::Paragraph(ctx.t("peer-none"))
        } else {
            Block::Bullets(l.iter().map(|(_, t)| t.clone()).collect())
        }
    };
    let mut blockers = vec![
        Block::Subheading(ctx.t("peer-common")),
        list(&v.common),
        Block::Subheading(ctx.t("peer-rare")),
        list(&v.rare),
    ];
    if !v.blockers_note.is_empty() {
        blockers = vec![Block::Paragraph(v.blockers_note.clone())];
    }
    Report {
        lang: ctx.lang_code().into(),
        title: format!("{} – {}", ctx.t("peer-title"), r.data.name),
        subtitle: v.org.clone(),
        facts: Vec::new(),
        toc_title: None,
        footer: format!("Lisa · {} · {coordinator}", v.org),
        page_label: ctx.t("page"),
        of_label: ctx.t("page-of"),
        sections: vec![
            Section {
                heading: ctx.t("peer-level"),
                blocks: vec![
                    Block::Facts(vec![
                        (ctx.t("level"), v.level.to_string()),
                        (format!("{} – {}", ctx.t("col-percentile"), ctx.t("peer-same-kind")), v.level_kind.clone()),
                        (format!("{} – {}", ctx.t("col-percentile"), ctx.t("group-all")), v.level_all.clone()),
                    ]),
                    Block::Paragraph(ctx.t("peer-percentile-explained")),
                    Block::Subheading(ctx.t("peer-level-shares")),
                    Block::Table {
                        header: {
                            let mut h = header.clone();
                            h[0] = ctx.t("level");
                            h
                        },
                        rows: v
                            .level_rows
                            .iter()
                            .map(|r| {
                                let mut cells = vec![r.area.clone(), r.mine.clone()];
                                cells.extend(r.kind.iter().cloned());
                                cells.extend(r.all.iter().cloned());
                                cells
                            })
                            .collect(),
                        numeric: (0..8).map(|i| i > 0).collect(),
                        widths: vec![4, 1, 1, 2, 1, 1, 2, 1],
                    },
                ],
            },
            Section {
                heading: ctx.t("peer-areas"),
                blocks: vec![
                    Block::Chart { svg: v.chart.clone(), alt: ctx.t("peer-chart"), caption: ctx.t("peer-chart") },
                    Block::Table {
                        header,
                        rows,
                        numeric: (0..8).map(|i| i > 0).collect(),
                        widths: vec![4, 1, 1, 2, 1, 1, 2, 1],
                    },
                    Block::Paragraph(v.suppressed_note.clone()),
                ],
            },
            Section { heading: ctx.t("peer-blockers"), blocks: blockers },
        ],
    }
}

pub async fn feedback_pdf(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let (a, _, f) = load_feedback(&state, &s, &id, &q.org).await?;
    let ctx = Ctx::for_session(&s, "/rounds");
    let model = state.models.get(&state.store, a.round.model_id).await?;
    let v = feedback_view(&ctx, &a.tree, &model, a.round.data.k, &f);
    let report = feedback_report(&ctx, &a.round, &org_name(&a.tree, a.round.org_id), &v);
    pdf_download("round feedback pdf", "jamforande-aterkoppling.pdf".into(), report).await
}
