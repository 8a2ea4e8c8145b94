//! One course: its settings (edited by the owner's CISO), the counts per
//! unit (recorded by the units' coordinators and the CISO) and the latest counts.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::training::{CountFields, CourseFields};
use serde::Deserialize;
use uuid::Uuid;

use super::super::plan::{CodeOption, OrgOption};
use super::super::{Ctx, Errors, parse_id, render, render_status, see_other};
use super::{groups, options};
use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::session::{CurrentUser, Session};

/// A count as the list shows it.
pub struct CountRow {
    pub org: String,
    pub as_of: String,
    pub headcount: i64,
    pub completed: i64,
    pub pct: String,
    pub recorded_by: String,
}

#[derive(Default)]
pub struct CountForm {
    pub org_id: String,
    pub fields: CountFields,
}

#[derive(Deserialize)]
pub struct CountIn {
    #[serde(default)]
    org_id: String,
    #[serde(flatten)]
    fields: CountFields,
}

#[derive(Template)]
#[template(path = "training_course.html")]
struct CoursePage {
    ctx: Ctx,
    id: Uuid,
    name: String,
    owner: String,
    group: String,
    description: String,
    validity: i32,
    target: i32,
    may_manage: bool,
    groups: Vec<CodeOption>,
    topics: Vec<CodeOption>,
    edit: CourseFields,
    edit_errors: Errors,
    report_orgs: Vec<OrgOption>,
    count: CountForm,
    count_errors: Errors,
    counts: Vec<CountRow>,
}

fn fields_of(c: &store::Course) -> CourseFields {
    CourseFields {
        name: c.data.name.clone(),
        target_group: c.data.target_group.code().into(),
        target_description: c.data.target_description.clone(),
        validity_years: c.data.validity_years.to_string(),
        target_pct: c.data.target_pct.to_string(),
        topic: c.data.topic.code().into(),
    }
}

async fn page(
    state: &SharedState,
    s: &Session,
    id: Uuid,
    edit: Option<(CourseFields, Errors)>,
    count: Option<(CountForm, Errors)>,
) -> AppResult<CoursePage> {
    let v = app::training::load_course(&state.store, &s.caller(), id).await?;
    let ctx = Ctx::for_session(s, "/training");
    let name = |o: Uuid| v.tree.get(o).map(|n| n.name.clone()).unwrap_or_default();
    let c = &v.course;
    let (edit, edit_errors) = edit.unwrap_or_else(|| (fields_of(c), Errors::default()));
    let (count, count_errors) = count.unwrap_or_else(|| {
        let f = CountForm {
            org_id: v.report_orgs.first().map(|(_, o)| o.to_string()).unwrap_or_default(),
            fields: CountFields { as_of: domain::clock::today().to_string(), ..Default::default() },
        };
        (f, Errors::default())
    });
    Ok(CoursePage {
        id,
        name: c.data.name.clone(),
        owner: name(c.org_id),
        group: ctx.tk("training-group", &c.data.target_group.code()),
        description: c.data.target_description.clone(),
        validity: c.data.validity_years,
        target: c.data.target_pct,
        may_manage: v.may_manage,
        groups: groups(&ctx),
        topics: super::topics(&ctx),
        edit,
        edit_errors,
        report_orgs: options(&v.tree, &v.report_orgs),
        count,
        count_errors,
        counts: v
            .counts
            .iter()
            .map(|x| CountRow {
                org: name(x.org_id),
                as_of: x.as_of.to_string(),
                headcount: x.headcount,
                completed: x.completed,
                pct: super::figure_text(Some(&domain::training::Figure {
                    completed: x.completed,
                    headcount: x.headcount,
                })),
                recorded_by: x.recorded_by.clone(),
            })
            .collect(),
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    render(&page(&state, &s, parse_id(&id)?, None, None).await?)
}

/// Changes the course (the owner's CISO).
pub async fn update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(b): Form<CourseFields>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    match app::training::update_course(&state.store, &s.caller(), id, &b).await {
        Ok(_) => Ok(see_other(&format!("/training/courses/{id}?done=saved"))),
        Err(e @ app::Error::Validation(_)) => {
            let errs = Errors::new(s.user.language, &e.field_errors());
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &s, id, Some((b, errs)), None).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// Records a unit's count for the course.
pub async fn record_count(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(b): Form<CountIn>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let org = b.org_id.trim().parse::<Uuid>().ok();
    match app::training::record_count(&state.store, &s.caller(), id, org, &b.fields).await {
        Ok(_) => Ok(see_other(&format!("/training/courses/{id}?done=count"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = Errors::new(s.user.language, &e.field_errors());
            let form = CountForm { org_id: b.org_id, fields: b.fields };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, &s, id, None, Some((form, errs))).await?)
        }
        Err(e) => Err(e.into()),
    }
}
