//! The form for a new round and its submission.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::FieldError;
use domain::authz::Permission;
use domain::clock::today;
use domain::org::OrgKind;
use domain::round::RoundForm;
use serde::Deserialize;
use uuid::Uuid;

use crate::SharedState;
use crate::app::round::{self as rounds, NewRound, NewRoundOptions, org_name};
use crate::app::{Caller, Error};
use crate::error::{AppError, AppResult};
use crate::pages::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::session::CurrentUser;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    org: String,
}

/// An organisation or a model to choose from.
pub struct Labeled {
    pub id: Uuid,
    pub name: String,
}

/// A kind of organisation invited as a whole.
pub struct KindChoice {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

/// An organisation to invite one by one.
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
    coordinators: Vec<Labeled>,
    org: Option<Uuid>,
    models: Vec<Labeled>,
    model: String,
    f: RoundForm,
    kinds: Vec<KindChoice>,
    candidates: Vec<Choice>,
    any_picked: bool,
}

/// The form again, with what was picked and the errors.
struct Picked<'a> {
    f: RoundForm,
    model: String,
    invitees: &'a [Uuid],
    kinds: &'a [String],
}

fn new_page(ctx: Ctx, o: &NewRoundOptions, p: Picked, errors: Errors) -> NewPage {
    let tree = &o.tree;
    let coordinators = o.coordinators.iter().map(|id| Labeled { id: *id, name: org_name(tree, *id) }).collect();
    let models =
        o.models.iter().map(|m| Labeled { id: m.id, name: format!("{} (version {})", m.name, m.version) }).collect();
    let candidates: Vec<Choice> = o
        .invitable
        .iter()
        .filter_map(|id| tree.get(*id))
        .map(|n| Choice {
            id: n.id,
            label: n.name.clone(),
            kind: ctx.kind_label(&n.kind),
            checked: p.invitees.contains(&n.id),
        })
        .collect();
    let mut kinds: Vec<OrgKind> = o.invitable.iter().filter_map(|id| tree.get(*id).map(|n| n.kind)).collect();
    kinds.sort();
    kinds.dedup();
    let kinds = kinds
        .into_iter()
        .map(|k| KindChoice {
            code: k.code(),
            label: ctx.kind_label(&k),
            checked: p.kinds.iter().any(|c| c == k.code()),
        })
        .collect();
    let any_picked = candidates.iter().any(|c| c.checked);
    NewPage { ctx, errors, coordinators, org: o.org, models, model: p.model, f: p.f, kinds, candidates, any_picked }
}

pub async fn new_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::RunRounds) {
        return Err(AppError::Forbidden);
    }
    let org = if q.org.is_empty() { None } else { Some(parse_id(&q.org)?) };
    let options = rounds::new_round_options(&state.store, &s.caller(), org).await?;
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
    let ctx = Ctx::for_session(&s, "/rounds");
    let picked = Picked { f, model: String::new(), invitees: &[], kinds: &[] };
    render(&new_page(ctx, &options, picked, Errors::default()))
}

/// Creates the round, or says what is wrong with the form.
async fn create_or_refuse(
    state: &SharedState,
    caller: &Caller,
    n: &NewRound,
    bad_pick: bool,
) -> AppResult<Result<store::Round, Vec<FieldError>>> {
    let outcome = if bad_pick {
        // A malformed pick: check the rest so every error shows at once, but write nothing.
        let tree = state.store.org_tree().await?;
        rounds::check_new_round(&state.store, caller, &tree, n).await.map(|_| None)
    } else {
        rounds::create_round(&state.store, caller, n).await.map(Some)
    };
    let mut errs = match outcome {
        Ok(Some(r)) => return Ok(Ok(r)),
        Ok(None) => Vec::new(),
        Err(Error::Validation(errs)) => errs,
        Err(e) => return Err(e.into()),
    };
    if bad_pick {
        errs.push(FieldError::new("invitees", "error-not-invitable"));
    }
    Ok(Err(errs))
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let org = parse_id(&get("org")).map_err(|_| AppError::Forbidden)?;
    let f = RoundForm::from_pairs(&form);
    let mut invitees = Vec::new();
    let mut bad_pick = false;
    for (_, v) in form.iter().filter(|(n, _)| n == "invite") {
        match v.parse::<Uuid>() {
            Ok(id) => invitees.push(id),
            Err(_) => bad_pick = true,
        }
    }
    let kinds: Vec<String> = form.iter().filter(|(n, _)| n == "kind").map(|(_, v)| v.clone()).collect();
    let n = NewRound { org, model: get("model"), form: f, invitees, kinds };
    let caller = s.caller();
    match create_or_refuse(&state, &caller, &n, bad_pick).await? {
        Ok(r) => Ok(see_other(&format!("/rounds/{}", r.id))),
        Err(errs) => {
            let errors = Errors::new(s.user.language, &errs);
            let options = rounds::new_round_options(&state.store, &caller, Some(org)).await?;
            let picked = Picked { f: n.form, model: n.model, invitees: &n.invitees, kinds: &n.kinds };
            let page = new_page(Ctx::for_session(&s, "/rounds"), &options, picked, errors);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
