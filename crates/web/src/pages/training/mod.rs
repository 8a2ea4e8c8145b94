//! Training completion (utbildning): the courses with their coverage per
//! unit rolled up the tree, charts, a new course, the retention setting and
//! the CSV export. One course's page is in [`course`], the import in [`import`].

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::training::{CourseFields, Figure, TargetGroup};
use serde::Deserialize;
use uuid::Uuid;

use super::plan::{CodeOption, OrgOption};
use super::{Ctx, Errors, download, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

pub mod course;
pub mod import;

/// `?org=&year=` of the training pages.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Choice {
    pub org: String,
    pub year: String,
}

impl Choice {
    /// The organisation asked for: none when empty, 404 when malformed.
    pub fn org(&self) -> AppResult<Option<Uuid>> {
        match self.org.trim() {
            "" => Ok(None),
            s => super::parse_id(s).map(Some),
        }
    }
    pub fn year(&self) -> Option<i32> {
        self.year.trim().parse().ok()
    }
}

/// "96 / 120 (80 %)", or a dash without a figure.
pub fn figure_text(f: Option<&Figure>) -> String {
    match f {
        Some(f) => match f.whole_pct() {
            Some(p) => format!("{} / {} ({p} %)", f.completed, f.headcount),
            None => format!("{} / {}", f.completed, f.headcount),
        },
        None => "–".into(),
    }
}

pub fn groups(ctx: &Ctx) -> Vec<CodeOption> {
    TargetGroup::ALL.iter().map(|g| CodeOption { code: g.code(), label: ctx.tk("training-group", &g.code()) }).collect()
}

pub fn topics(ctx: &Ctx) -> Vec<CodeOption> {
    domain::training::Topic::ALL
        .iter()
        .map(|t| CodeOption { code: t.code(), label: ctx.tk("training-topic", &t.code()) })
        .collect()
}

pub fn options(tree: &domain::org::OrgTree, orgs: &[(usize, Uuid)]) -> Vec<OrgOption> {
    orgs.iter().map(|(d, id)| OrgOption::new(tree, *d, *id)).collect()
}

/// One organisation's line of a course.
pub struct LineRow {
    pub name: String,
    /// A dash per level below the chosen organisation.
    pub indent: String,
    pub own: String,
    pub total: String,
    pub meets: bool,
}

/// A course with its coverage as the page shows it.
pub struct CourseBlock {
    pub id: Uuid,
    pub name: String,
    pub owner: String,
    pub group: String,
    pub validity: i32,
    pub target: i32,
    pub total: String,
    pub meets: bool,
    pub lines: Vec<LineRow>,
}

/// The course form as typed.
#[derive(Default)]
pub struct CourseForm {
    pub org_id: String,
    pub fields: CourseFields,
}

#[derive(Deserialize)]
pub struct CourseIn {
    #[serde(default)]
    org_id: String,
    #[serde(flatten)]
    fields: CourseFields,
}

#[derive(Template)]
#[template(path = "training.html")]
struct OverviewPage {
    ctx: Ctx,
    root: Uuid,
    root_name: String,
    year: i32,
    at: String,
    /// (year, selected)
    years: Vec<(i32, bool)>,
    choices: Vec<OrgOption>,
    courses: Vec<CourseBlock>,
    coverage_chart: String,
    trend_chart: String,
    course_orgs: Vec<OrgOption>,
    groups: Vec<CodeOption>,
    topics: Vec<CodeOption>,
    form: CourseForm,
    errors: Errors,
    retention: Option<i32>,
    may_report: bool,
}

fn blocks(ctx: &Ctx, o: &app::training::Overview) -> Vec<CourseBlock> {
    o.courses
        .iter()
        .map(|c| {
            let target = c.course.data.target_pct;
            CourseBlock {
                id: c.course.id,
                name: c.course.data.name.clone(),
                owner: c.owner_name.clone(),
                group: ctx.tk("training-group", &c.course.data.target_group.code()),
                validity: c.course.data.validity_years,
                target,
                total: figure_text(Some(&c.total)),
                meets: c.meets(),
                lines: c
                    .lines
                    .iter()
                    .map(|l| LineRow {
                        name: l.name.clone(),
                        indent: "– ".repeat(l.depth),
                        own: figure_text(l.own.as_ref()),
                        total: figure_text(Some(&l.total)),
                        meets: l.total.meets(target),
                    })
                    .collect(),
            }
        })
        .collect()
}

fn charts(ctx: &Ctx, o: &app::training::Overview) -> (String, String) {
    let bars: Vec<(String, f64)> = o
        .courses
        .iter()
        .filter_map(|c| {
            c.total.pct().map(|p| {
                (
                    format!(
                        "{} ({} {} %)",
                        c.course.data.name,
                        ctx.t("training-target-short"),
                        c.course.data.target_pct
                    ),
                    p.floor(),
                )
            })
        })
        .collect();
    let coverage = if bars.is_empty() { String::new() } else { documents::charts::bar_chart(&bars, 100.0, " %") };
    let series: Vec<(String, Vec<(String, f64)>)> = o
        .courses
        .iter()
        .map(|c| {
            let pts = c.trend.iter().filter_map(|(y, f)| f.pct().map(|p| (y.to_string(), p.floor()))).collect();
            (c.course.data.name.clone(), pts)
        })
        .filter(|(_, pts): &(String, Vec<(String, f64)>)| !pts.is_empty())
        .collect();
    let trend = if series.is_empty() {
        String::new()
    } else {
        documents::charts::line_chart(&ctx.t("training-year"), &series, 100.0, &[0.0, 25.0, 50.0, 75.0, 100.0], " %")
    };
    (coverage, trend)
}

async fn overview_page(
    state: &SharedState,
    s: &Session,
    q: &Choice,
    form: CourseForm,
    errors: Errors,
) -> AppResult<OverviewPage> {
    let o = app::training::overview(&state.store, &s.caller(), q.org()?, q.year()).await?;
    let ctx = Ctx::for_session(s, "/training");
    let (coverage_chart, trend_chart) = charts(&ctx, &o);
    let this = chrono::Datelike::year(&domain::clock::today());
    Ok(OverviewPage {
        root: o.root,
        root_name: o.tree.get(o.root).map(|n| n.name.clone()).unwrap_or_default(),
        year: o.year,
        at: o.at.to_string(),
        years: (this - 9..=this).rev().map(|y| (y, y == o.year)).collect(),
        choices: options(&o.tree, &o.choices),
        courses: blocks(&ctx, &o),
        coverage_chart,
        trend_chart,
        course_orgs: options(&o.tree, &o.course_orgs),
        groups: groups(&ctx),
        topics: topics(&ctx),
        form,
        errors,
        retention: o.retention,
        may_report: !o.report_orgs.is_empty(),
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let form = CourseForm {
        fields: CourseFields {
            target_group: "all_staff".into(),
            validity_years: "2".into(),
            target_pct: "90".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    render(&overview_page(&state, &s, &q, form, Errors::default()).await?)
}

/// Adds a course (the CISO of the owner).
pub async fn create_course(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(b): Form<CourseIn>,
) -> AppResult<Response> {
    let org = b.org_id.trim().parse::<Uuid>().ok();
    match app::training::create_course(&state.store, &s.caller(), org, &b.fields).await {
        Ok(c) => Ok(see_other(&format!("/training/courses/{}", c.id))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let q = Choice { org: org.map(|o| o.to_string()).unwrap_or_default(), year: String::new() };
            let form = CourseForm { org_id: b.org_id, fields: b.fields };
            let page = match overview_page(&state, &s, &q, form, Errors::new(s.user.language, &errs)).await {
                Ok(p) => p,
                Err(AppError::NotFound) => {
                    let form = CourseForm::default();
                    overview_page(&state, &s, &Choice::default(), form, Errors::new(s.user.language, &errs)).await?
                }
                Err(e) => return Err(e),
            };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RetentionIn {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    retention_months: String,
}

/// Sets how long person rows of the organisation's courses are kept.
pub async fn set_retention(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(b): Form<RetentionIn>,
) -> AppResult<Response> {
    let org = super::parse_id(&b.org_id)?;
    match app::training::set_retention(&state.store, &s.caller(), org, &b.retention_months).await {
        Ok(_) => Ok(see_other(&format!("/training?org={org}&done=retention"))),
        Err(e @ app::Error::Validation(_)) => {
            let errs = e.field_errors();
            let q = Choice { org: org.to_string(), year: String::new() };
            let page =
                overview_page(&state, &s, &q, CourseForm::default(), Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// The coverage as CSV: one line per course and organisation.
pub async fn export_csv(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let o = app::training::overview(&state.store, &s.caller(), q.org()?, q.year()).await?;
    let ctx = Ctx::for_session(&s, "/training");
    let header: Vec<String> = [
        "training-course",
        "training-org",
        "training-col-own-completed",
        "training-col-own-headcount",
        "training-col-completed",
        "training-col-headcount",
        "training-col-pct",
        "training-target",
        "training-col-meets",
    ]
    .iter()
    .map(|k| ctx.t(k))
    .collect();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    let safe = |s: &str| if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    w.write_record(&header).map_err(AppError::internal)?;
    for c in &o.courses {
        for l in &c.lines {
            let own = l.own.unwrap_or_default();
            let rec = [
                safe(&c.course.data.name),
                safe(&l.name),
                l.own.map(|_| own.completed.to_string()).unwrap_or_default(),
                l.own.map(|_| own.headcount.to_string()).unwrap_or_default(),
                l.total.completed.to_string(),
                l.total.headcount.to_string(),
                l.total.whole_pct().map(|p| p.to_string()).unwrap_or_default(),
                c.course.data.target_pct.to_string(),
                if l.total.meets(c.course.data.target_pct) { ctx.t("yes") } else { ctx.t("no") },
            ];
            w.write_record(&rec).map_err(AppError::internal)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| AppError::internal(e.into_error()))?;
    let name = format!("{}-{}.csv", domain::slug::slug(&ctx.t("training-file")), o.year);
    Ok(download("text/csv; charset=utf-8", &name, bytes))
}
