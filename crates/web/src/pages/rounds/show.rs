//! One round: the coordinator's overview of the invitees, an invitee's
//! answer form; submitting, withdrawing and closing.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::round::{InviteeStatus, Phase};
use serde::Deserialize;
use uuid::Uuid;

use super::phase_label;
use crate::SharedState;
use crate::app::round::{self as rounds, Access, INVITEES_PAGE, InviteeFilter, SubmitInput};
use crate::app::{Caller, Error};
use crate::error::{AppError, AppResult};
use crate::pages::{Ctx, Errors, Pager, page_number, parse_id, render, render_status, see_other};
use crate::session::{CurrentUser, Session};

pub struct InviteeRow {
    pub org_id: Uuid,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub status_code: &'static str,
    pub reminded: String,
}

/// A figure of the overview: how many are invited, how many in each status.
pub struct Stat {
    pub label: String,
    pub value: String,
}

/// The self-assessment an invitee's answer is taken from.
pub struct UsedAssessment {
    pub id: Uuid,
    pub label: String,
}

pub struct MineView {
    pub org_id: Uuid,
    pub org: String,
    pub status: String,
    pub status_code: &'static str,
    /// The self-assessment the round will take the result from, if any.
    pub assessment: Option<UsedAssessment>,
    pub may_respond: bool,
    pub submitted: bool,
    pub employees: String,
    pub shared_answers: bool,
    /// For a submitted answer: when, the level it gave, and that it is a snapshot.
    pub snapshot: String,
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
    stats: Vec<Stat>,
    rate: u32,
    invitees: Vec<InviteeRow>,
    /// The invitee list's search as typed and the status chosen ("" for all).
    q: String,
    status: &'static str,
    statuses: Vec<StatusOption>,
    /// Whether a search or a status filter is applied.
    filtered: bool,
    pager: Pager,
    mine: Vec<MineView>,
}

/// A status to filter the invitee list by.
pub struct StatusOption {
    pub code: &'static str,
    pub label: String,
}

/// The invitee list's search, status and page, from the address.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteeQuery {
    q: String,
    status: String,
    page: Option<String>,
}

impl InviteeQuery {
    /// The filter and the page number: a status that does not parse is no
    /// filter, a search is cut at 200 characters (longer than any name).
    fn parsed(&self) -> (InviteeFilter, i64) {
        let page = page_number(self.page.as_deref());
        let f = InviteeFilter {
            status: self.status.parse().ok(),
            search: self.q.trim().chars().filter(|c| !c.is_control()).take(200).collect(),
            offset: (page - 1) * INVITEES_PAGE,
        };
        (f, page)
    }
}

/// The address of a page of a round's invitee list, with its filter kept.
fn invitees_link(round: Uuid, f: &InviteeFilter, page: i64) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !f.search.is_empty() {
        s.append_pair("q", &f.search);
    }
    if let Some(st) = f.status {
        s.append_pair("status", st.code());
    }
    s.append_pair("page", &page.to_string());
    format!("/rounds/{round}?{}#h-invitees", s.finish())
}

async fn show_page(
    state: &SharedState,
    s: &Session,
    a: &Access,
    errors: Errors,
    (f, page): (InviteeFilter, i64),
) -> AppResult<ShowPage> {
    let ctx = Ctx::for_session(s, "/rounds");
    let v = rounds::round_view(&state.store, &state.models, &s.caller(), a, &f).await?;
    let r = &a.round;
    let p = v.phase;
    let model_name = format!("{} (version {})", v.model.name.get(ctx.lang), v.model.version);
    let mut stats = Vec::new();
    let mut invitees = Vec::new();
    let mut rate = 0;
    let mut pager = Pager { showing: String::new(), prev: None, next: None, label: String::new() };
    if let Some(list) = &v.invitees {
        let count = |st: InviteeStatus| list.counts.iter().filter(|(x, _)| *x == st).map(|(_, n)| *n).sum::<i64>();
        let invited: i64 = list.counts.iter().map(|(_, n)| n).sum();
        let submitted = count(InviteeStatus::Submitted);
        rate = if invited == 0 { 0 } else { (submitted * 100 / invited) as u32 };
        stats.push(Stat { label: ctx.t("round-invited"), value: invited.to_string() });
        for st in InviteeStatus::ALL {
            stats.push(Stat { label: ctx.tk("invitee-status", st), value: count(*st).to_string() });
        }
        pager = Pager::new(
            &ctx,
            "round-invitees-showing",
            "round-invitees-pages",
            page,
            INVITEES_PAGE,
            list.rows.len(),
            list.matching,
            |n| invitees_link(r.id, &f, n),
        );
        invitees = list
            .rows
            .iter()
            .map(|i| InviteeRow {
                org_id: i.org_id,
                name: i.name.clone(),
                kind: ctx.kind_label(&i.kind),
                status: ctx.tk("invitee-status", &i.status),
                status_code: i.status.code(),
                reminded: i.reminded_at.as_ref().map(|t| ctx.date_time(t)).unwrap_or_default(),
            })
            .collect();
    }
    let mut mine = v
        .mine
        .iter()
        .map(|m| MineView {
            org_id: m.org_id,
            org: a.org_name(m.org_id),
            status: ctx.tk("invitee-status", &m.status),
            status_code: m.status.code(),
            assessment: m.assessment.as_ref().map(|x| UsedAssessment {
                id: x.id,
                label: format!(
                    "{} {} · {}",
                    ctx.t("assessment-title"),
                    x.period,
                    ctx.tk("assessment-status", &x.status.code())
                ),
            }),
            may_respond: m.may_respond,
            submitted: m.status == InviteeStatus::Submitted,
            employees: m.response.as_ref().map(|x| x.employees.to_string()).unwrap_or_default(),
            shared_answers: m.response.as_ref().is_some_and(|x| x.answers.is_some()),
            // What the round holds is the snapshot taken when it was sent in: say so, with its date.
            snapshot: m
                .response
                .as_ref()
                .filter(|_| m.status == InviteeStatus::Submitted)
                .map(|x| {
                    crate::i18n::t_args(
                        ctx.lang,
                        if m.may_respond { "round-submitted-snapshot" } else { "round-submitted-snapshot-closed" },
                        &[("date", ctx.date_time(&x.submitted_at)), ("level", x.result.level.to_string())],
                    )
                })
                .unwrap_or_default(),
        })
        .collect::<Vec<_>>();
    mine.sort_by_key(|m| m.org.to_lowercase());
    Ok(ShowPage {
        errors,
        r: r.clone(),
        coordinator_name: a.org_name(r.org_id),
        model_name,
        phase: phase_label(&ctx, p),
        phase_code: p.code(),
        open: p == Phase::Open,
        closed: p == Phase::Closed,
        coordinator: a.coordinator,
        stats,
        rate,
        invitees,
        status: f.status.map_or("", |st| st.code()),
        statuses: InviteeStatus::ALL
            .iter()
            .map(|st| StatusOption { code: st.code(), label: ctx.tk("invitee-status", st) })
            .collect(),
        filtered: f.status.is_some() || !f.search.is_empty(),
        q: f.search,
        pager,
        mine,
        ctx,
    })
}

async fn access(state: &SharedState, caller: &Caller, id: &str) -> AppResult<Access> {
    Ok(rounds::access(&state.store, &state.models, caller, parse_id(id)?).await?)
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<InviteeQuery>,
) -> AppResult<Response> {
    let a = access(&state, &s.caller(), &id).await?;
    render(&show_page(&state, &s, &a, Errors::default(), q.parsed()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RespondForm {
    pub org: String,
    pub employees: String,
    pub share_answers: String,
}

/// The field errors of a refused answer, or the error itself.
fn field_errors(e: Error) -> AppResult<Vec<domain::FieldError>> {
    match e {
        Error::Validation(errs) => Ok(errs),
        other => Err(other.into()),
    }
}

pub async fn respond(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<RespondForm>,
) -> AppResult<Response> {
    let caller = s.caller();
    let a = access(&state, &caller, &id).await?;
    let org = parse_id(&f.org).map_err(|_| AppError::Forbidden)?;
    let input = SubmitInput {
        org,
        employees: f.employees.clone(),
        share_answers: matches!(f.share_answers.as_str(), "1" | "on" | "true" | "yes"),
    };
    let errs = match rounds::submit_response(&state.store, &caller, &a, &input).await {
        Ok(()) => return Ok(see_other(&format!("/rounds/{}", a.round.id))),
        Err(e) => field_errors(e)?,
    };
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
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &show_page(&state, &s, &a, errors, InviteeQuery::default().parsed()).await?,
    )
}

pub async fn withdraw(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<RespondForm>,
) -> AppResult<Response> {
    let caller = s.caller();
    let a = access(&state, &caller, &id).await?;
    let org = parse_id(&f.org).map_err(|_| AppError::Forbidden)?;
    let errs = match rounds::withdraw_response(&state.store, &caller, &a, org).await {
        Ok(()) => return Ok(see_other(&format!("/rounds/{}", a.round.id))),
        Err(e) => field_errors(e)?,
    };
    let errors = Errors::new(s.user.language, &errs);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &show_page(&state, &s, &a, errors, InviteeQuery::default().parsed()).await?,
    )
}

pub async fn close(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let r = rounds::close_round(&state.store, &state.models, &s.caller(), parse_id(&id)?).await?;
    Ok(see_other(&format!("/rounds/{}", r.id)))
}
