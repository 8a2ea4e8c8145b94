//! The management review (ledningens genomgång): the list, starting one,
//! the review page with its compiled inputs, comments, meeting and decisions,
//! adoption, correction as a new revision, and the report as PDF and DOCX.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::authz::Permission;
use domain::model::Text;
use domain::org::OrgTree;
use domain::plan::{Origin, is_overdue};
use domain::review::{
    ActionLine, DecisionFields, DecisionKind, DecisionLine, FeedbackItem, LevelPoint, MeetingFields, PointStatus,
    PreviousDecision, ReviewContent, ReviewStatus, SectionKey, UnitLine, parse_meeting, reporting_units, tally_points,
};
use domain::scoring;
use domain::user::Language;
use serde::Deserialize;
use uuid::Uuid;

use super::orgs::actor;
use super::plan::today;
use super::{Ctx, Errors, docx_download, parse_id, pdf_download, render, render_status, see_other};
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

/// The default checklist in the organisation's working language (Swedish).
pub fn default_points() -> Vec<String> {
    domain::review::DEFAULT_CHECKLIST.iter().map(|(sv, _)| (*sv).to_owned()).collect()
}

/// Compiles a review's content from the registers as they are now.
pub async fn compile(state: &SharedState, tree: &OrgTree, r: &store::Review) -> AppResult<ReviewContent> {
    compile_with(&state.store, &state.models, tree, r).await
}

/// Compiles and adopts a review as `actor` (the demo uses this outside a request).
pub async fn adopt_with(
    store: &store::Store,
    models: &super::assessments::ModelCache,
    actor: &store::Actor,
    adopted_by: &str,
    adopted_on: chrono::NaiveDate,
    id: Uuid,
) -> AppResult<Vec<store::Action>> {
    let r = store.find_review(id).await?.ok_or(AppError::NotFound)?;
    let tree = store.org_tree().await?;
    let mut c = compile_with(store, models, &tree, &r).await?;
    c.adopted_by = Some(adopted_by.to_owned());
    c.adopted_on = Some(adopted_on);
    Ok(store.adopt_review(actor, r.id, r.updated_at, &c.canonical_json(), &c.hash()).await?)
}

pub async fn compile_with(
    store: &store::Store,
    models: &super::assessments::ModelCache,
    tree: &OrgTree,
    r: &store::Review,
) -> AppResult<ReviewContent> {
    let org = r.org_id;
    // Assessments of the organisation itself, the newest revision of each period up to the review's year.
    let mut by_period: BTreeMap<i32, store::Assessment> = BTreeMap::new();
    for a in store.list_assessments(Some(&[org])).await? {
        if a.period <= r.year {
            by_period.entry(a.period).or_insert(a);
        }
    }
    let mut levels = Vec::new();
    let mut open_feedback = Vec::new();
    let mut assessment = None;
    let subtree: Vec<Uuid> = tree.subtree(org).into_iter().map(|(_, n)| n.id).collect();
    let actions = store.list_actions(&subtree).await?;
    let last_period = by_period.keys().next_back().copied();
    for (period, a) in &by_period {
        let model = models.get(store, a.model_id).await?;
        let answers = super::assessments::answer_map(&store.list_answers(a.id).await?);
        let o = scoring::score(&model, &answers);
        let areas = o
            .areas
            .iter()
            .map(|ar| {
                let name = model.area(&ar.area).map(|x| x.name.clone()).unwrap_or_default();
                (ar.area.clone(), name, ar.tally.percent())
            })
            .collect();
        levels.push(LevelPoint { period: *period, level: o.level, areas });
        if Some(*period) == last_period {
            assessment = Some((*period, a.status.code().to_owned()));
            for b in &o.blockers {
                let Some(q) = model.question(&b.question) else { continue };
                let suffix = format!("/{}", q.id);
                let planned = actions.iter().any(|x| {
                    x.org_id == org && x.data.origin == Origin::Feedback && x.data.origin_ref.ends_with(&suffix)
                });
                open_feedback.push(FeedbackItem {
                    area: model.area(&q.area).map(|x| x.name.clone()).unwrap_or_default(),
                    question: q.text.clone(),
                    action: q.action.clone(),
                    must: b.must,
                    planned,
                });
            }
        }
    }
    let totals = super::plan::totals(&actions);
    let now = today();
    let overdue = actions
        .iter()
        .filter(|a| is_overdue(a.data.status, a.data.end_date, now))
        .map(|a| ActionLine {
            title: a.data.title.clone(),
            responsible: a.data.responsible.clone(),
            end_date: a.data.end_date,
            status: a.data.status.code().to_owned(),
            cost: a.data.cost,
        })
        .collect();
    // The previous year's adopted review and what became of its decisions.
    let previous =
        store.list_reviews(&[org]).await?.into_iter().find(|p| p.year < r.year && p.status == ReviewStatus::Adopted);
    let mut previous_decisions = Vec::new();
    if let Some(p) = &previous {
        let ds = store.review_decisions(p.id).await?;
        let refs: Vec<String> = ds.iter().map(|d| d.root_id.to_string()).collect();
        let linked = store.actions_from(Origin::Review, &refs).await?;
        for d in ds {
            let root = d.root_id.to_string();
            previous_decisions.push(PreviousDecision {
                kind: d.data.kind,
                text: d.data.text,
                responsible: d.data.responsible,
                deadline: d.data.deadline,
                action_status: linked
                    .iter()
                    .find(|a| a.data.origin_ref == root)
                    .map(|a| a.data.status.code().to_owned()),
            });
        }
    }
    // The units' yearly reports against the checklist.
    let units = reporting_units(tree, org);
    let reports = store.unit_reports(&units, r.year).await?;
    let name = |id: Uuid| tree.get(id).map(|n| n.name.clone()).unwrap_or_default();
    let unit_lines = units
        .iter()
        .map(|u| UnitLine { unit: name(*u), status: reports.iter().find(|x| x.unit_id == *u).map(|x| x.status) })
        .collect();
    let points: Vec<(Uuid, String)> =
        store.list_points(org).await?.into_iter().filter(|p| p.active).map(|p| (p.id, p.text)).collect();
    let reported: Vec<(String, Vec<(Uuid, PointStatus)>)> = reports
        .iter()
        .filter(|x| x.status != domain::review::UnitReportStatus::Draft)
        .map(|x| (name(x.unit_id), x.items.iter().map(|(p, s, _)| (*p, *s)).collect()))
        .collect();
    Ok(ReviewContent {
        org_name: name(org),
        year: r.year,
        revision: r.revision,
        meeting_date: r.meeting_date,
        participants: r.participants.clone(),
        assessment,
        levels,
        open_feedback,
        totals,
        overdue,
        previous_year: previous.map(|p| p.year),
        previous_decisions,
        units: unit_lines,
        points: tally_points(&points, &reported),
        comments: store.review_comments(r.id).await?,
        decisions: store
            .review_decisions(r.id)
            .await?
            .into_iter()
            .map(|d| DecisionLine {
                kind: d.data.kind,
                text: d.data.text,
                responsible: d.data.responsible,
                deadline: d.data.deadline,
            })
            .collect(),
        adopted_by: r.adopted_by.clone(),
        adopted_on: r.adopted_at.map(|t| t.date_naive()),
    })
}

/// The content to show: the frozen snapshot of an adopted review, else compiled now.
pub async fn content(state: &SharedState, tree: &OrgTree, r: &store::Review) -> AppResult<ReviewContent> {
    match &r.snapshot {
        Some(json) => serde_json::from_str(json).map_err(AppError::internal),
        None => compile(state, tree, r).await,
    }
}

/// Loads a review the user may see (404 otherwise).
pub async fn load(state: &SharedState, s: &Session, id: Uuid) -> AppResult<(store::Review, OrgTree)> {
    let r = state.store.find_review(id).await?.ok_or(AppError::NotFound)?;
    let tree = state.store.org_tree().await?;
    if !s.principal.can(Permission::ViewPlans, r.org_id, &tree) {
        return Err(AppError::NotFound);
    }
    Ok((r, tree))
}

// ----- The list -----

pub struct ListRow {
    pub id: Uuid,
    pub org: String,
    pub year: i32,
    pub revision: i32,
    pub status: String,
    pub adopted: bool,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<ListRow>,
    orgs: Vec<(Uuid, String)>,
    errors: Errors,
    year: String,
    org_id: String,
}

fn review_orgs(s: &Session, tree: &OrgTree) -> Vec<(Uuid, String)> {
    let mut out = Vec::new();
    for root in s.principal.visible_roots(Permission::ManageReviews, tree) {
        for (d, n) in tree.subtree(root) {
            if domain::review::review_org(tree, n.id) == Some(n.id) {
                out.push((n.id, format!("{}{}", "– ".repeat(d), n.name)));
            }
        }
    }
    out
}

async fn list_page(
    state: &SharedState,
    s: &Session,
    errors: Errors,
    year: String,
    org_id: String,
) -> AppResult<ListPage> {
    if !s.principal.can_somewhere(Permission::ViewPlans) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let ctx = Ctx::for_session(s, "/reviews");
    let orgs = s.principal.visible_orgs(Permission::ViewPlans, &tree);
    let rows = state
        .store
        .list_reviews(&orgs)
        .await?
        .into_iter()
        .map(|r| ListRow {
            id: r.id,
            org: tree.get(r.org_id).map(|n| n.name.clone()).unwrap_or_default(),
            year: r.year,
            revision: r.revision,
            status: ctx.t(&format!("review-status-{}", r.status.code())),
            adopted: r.status == ReviewStatus::Adopted,
        })
        .collect();
    Ok(ListPage { rows, orgs: review_orgs(s, &tree), errors, year, org_id, ctx })
}

pub async fn list(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    let year = chrono::Datelike::year(&today()).to_string();
    render(&list_page(&state, &s, Errors::default(), year, String::new()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewForm {
    org_id: String,
    year: String,
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<NewForm>,
) -> AppResult<Response> {
    if !s.principal.can_somewhere(Permission::ManageReviews) {
        return Err(AppError::Forbidden);
    }
    let tree = state.store.org_tree().await?;
    let org = f.org_id.parse::<Uuid>().ok();
    if org.is_some_and(|o| !s.principal.can(Permission::ManageReviews, o, &tree)) {
        return Err(AppError::NotFound);
    }
    let org = org.filter(|o| domain::review::review_org(&tree, *o) == Some(*o));
    let year = domain::assessment::Period::parse(&f.year).map_err(|_| domain::FieldError::new("year", "error-period"));
    let result = match (org, year) {
        (Some(org), Ok(y)) => match state.store.insert_review(&actor(&s), org, y.year()).await {
            Ok(r) => {
                state.store.ensure_points(&actor(&s), org, &default_points()).await?;
                return Ok(see_other(&format!("/reviews/{}", r.id)));
            }
            Err(store::StoreError::Conflict { field, code }) => vec![domain::FieldError::new(field, code)],
            Err(e) => return Err(e.into()),
        },
        (org, y) => {
            let mut errs = Vec::new();
            if org.is_none() {
                errs.push(domain::FieldError::new("org_id", "error-org-choose"));
            }
            if let Err(e) = y {
                errs.push(e);
            }
            errs
        }
    };
    let ctx_lang = s.user.language;
    let page = list_page(&state, &s, Errors::new(ctx_lang, &result), f.year, f.org_id).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

// ----- One review -----

pub struct SectionView {
    pub key: &'static str,
    pub heading: String,
    pub comment: String,
    pub hint: String,
}

pub struct DecisionView {
    pub id: Uuid,
    pub kind: String,
    pub text: String,
    pub responsible: String,
    pub deadline: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    ctx: Ctx,
    r: store::Review,
    c: ReviewContent,
    v: ReviewView,
    hash: String,
    decisions: Vec<DecisionView>,
    can_edit: bool,
    can_adopt: bool,
    can_revise: bool,
    errors: Errors,
    df: DecisionFields,
    kinds: Vec<(&'static str, String)>,
    revisions: Vec<(Uuid, i32, String)>,
}

/// Everything of the content the page and the documents show, in the reader's language.
pub struct ReviewView {
    pub sections: Vec<SectionView>,
    pub level_chart: String,
    pub area_chart: String,
    pub level_rows: Vec<(i32, u8)>,
    pub area_rows: Vec<(String, Vec<String>)>,
    pub area_periods: Vec<i32>,
    pub feedback: Vec<(String, String, String, bool, bool)>,
    pub totals: super::plan::TotalsView,
    pub overdue: Vec<(String, String, String)>,
    pub previous: Vec<(String, String, String, String, String)>,
    pub units: Vec<(String, String, bool)>,
    pub reported: (usize, usize),
    pub point_header: Vec<String>,
    pub points: Vec<(String, Vec<usize>)>,
    /// Each point's status per reporting unit: (units, rows of point and one status per unit).
    pub matrix: (Vec<String>, Vec<(String, Vec<String>)>),
    pub assessment: String,
}

fn t_text(lang: Language, t: &Text) -> String {
    t.get(lang).to_owned()
}

pub fn view(ctx: &Ctx, c: &ReviewContent) -> ReviewView {
    let lang = ctx.lang;
    let sections = SectionKey::ALL
        .iter()
        .map(|k| SectionView {
            key: k.code(),
            heading: ctx.t(&format!("review-section-{}", k.code())),
            comment: c.comment(*k).to_owned(),
            hint: match k {
                SectionKey::Risks | SectionKey::OutsideWorld | SectionKey::Proposals => {
                    ctx.t(&format!("review-section-{}-hint", k.code()))
                }
                _ => String::new(),
            },
        })
        .collect();
    let level_rows: Vec<(i32, u8)> = c.levels.iter().map(|l| (l.period, l.level)).collect();
    let level_chart = documents::charts::line_chart(
        &ctx.t("col-period"),
        &[(ctx.t("level"), level_rows.iter().map(|(p, l)| (p.to_string(), f64::from(*l))).collect())],
        4.0,
        &[0.0, 1.0, 2.0, 3.0, 4.0],
        "",
    );
    // Area shares: the last three periods side by side.
    let recent: Vec<&LevelPoint> = c.levels.iter().rev().take(3).rev().collect();
    let area_periods: Vec<i32> = recent.iter().map(|l| l.period).collect();
    let mut area_rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut categories = Vec::new();
    if let Some(last) = recent.last() {
        for (id, name, _) in &last.areas {
            let vals: Vec<String> = recent
                .iter()
                .map(|l| {
                    l.areas.iter().find(|(a, _, _)| a == id).map(|(_, _, p)| format!("{p} %")).unwrap_or("–".into())
                })
                .collect();
            categories.push(t_text(lang, name));
            area_rows.push((t_text(lang, name), vals));
        }
    }
    let series: Vec<(String, Vec<f64>)> = recent
        .iter()
        .map(|l| {
            let vals = recent
                .last()
                .map(|last| {
                    last.areas
                        .iter()
                        .map(|(id, _, _)| {
                            l.areas.iter().find(|(a, _, _)| a == id).map(|(_, _, p)| f64::from(*p)).unwrap_or(0.0)
                        })
                        .collect()
                })
                .unwrap_or_default();
            (l.period.to_string(), vals)
        })
        .collect();
    let area_chart = documents::charts::grouped_bar_chart(&categories, &series, 100.0, " %");
    let status_label = |code: &str| ctx.t(&format!("action-status-{code}"));
    let totals = super::plan::totals_view(&c.totals);
    let header = PointStatus::ALL.iter().map(|s| ctx.t(&format!("point-status-{}", s.code()))).collect();
    ReviewView {
        sections,
        level_chart,
        area_chart,
        level_rows,
        area_rows,
        area_periods,
        feedback: c
            .open_feedback
            .iter()
            .map(|f| (t_text(lang, &f.area), t_text(lang, &f.question), t_text(lang, &f.action), f.must, f.planned))
            .collect(),
        totals,
        overdue: c
            .overdue
            .iter()
            .map(|a| (a.title.clone(), a.responsible.clone(), a.end_date.map(|d| d.to_string()).unwrap_or_default()))
            .collect(),
        previous: c
            .previous_decisions
            .iter()
            .map(|d| {
                (
                    ctx.t(&format!("decision-kind-{}", d.kind.code())),
                    d.text.clone(),
                    d.responsible.clone(),
                    d.deadline.to_string(),
                    match &d.action_status {
                        Some(s) => status_label(s),
                        None if d.kind == DecisionKind::Improvement => ctx.t("decision-no-action"),
                        None => ctx.t("decision-not-an-action"),
                    },
                )
            })
            .collect(),
        units: c
            .units
            .iter()
            .map(|u| {
                let (label, ok) = match u.status {
                    Some(s) => (
                        ctx.t(&format!("unit-report-status-{}", s.code())),
                        s != domain::review::UnitReportStatus::Draft,
                    ),
                    None => (ctx.t("unit-report-missing"), false),
                };
                (u.unit.clone(), label, ok)
            })
            .collect(),
        reported: c.reported(),
        point_header: header,
        points: c.points.iter().map(|p| (p.text.clone(), p.counts.clone())).collect(),
        matrix: {
            let units: Vec<String> = c
                .units
                .iter()
                .filter(|u| c.points.iter().any(|p| p.by_unit.iter().any(|(n, _)| *n == u.unit)))
                .map(|u| u.unit.clone())
                .collect();
            let rows = c
                .points
                .iter()
                .map(|p| {
                    let cells = units
                        .iter()
                        .map(|u| {
                            p.by_unit
                                .iter()
                                .find(|(n, _)| n == u)
                                .map(|(_, st)| ctx.t(&format!("point-status-{}", st.code())))
                                .unwrap_or_else(|| "–".into())
                        })
                        .collect();
                    (p.text.clone(), cells)
                })
                .collect();
            (units, rows)
        },
        assessment: match &c.assessment {
            Some((period, status)) => format!(
                "{} {} ({})",
                ctx.t("assessment-of-period"),
                period,
                ctx.t(&format!("assessment-status-{status}"))
            ),
            None => ctx.t("review-no-assessment"),
        },
    }
}

async fn review_page(
    state: &SharedState,
    s: &Session,
    r: store::Review,
    tree: OrgTree,
    errors: Errors,
    df: DecisionFields,
) -> AppResult<ReviewPage> {
    let ctx = Ctx::for_session(s, "/reviews");
    let c = content(state, &tree, &r).await?;
    let v = view(&ctx, &c);
    let draft = r.status == ReviewStatus::Draft;
    let decisions = state
        .store
        .review_decisions(r.id)
        .await?
        .into_iter()
        .map(|d| DecisionView {
            id: d.id,
            kind: ctx.t(&format!("decision-kind-{}", d.data.kind.code())),
            text: d.data.text,
            responsible: d.data.responsible,
            deadline: d.data.deadline.to_string(),
        })
        .collect();
    let revisions = state
        .store
        .list_reviews(&[r.org_id])
        .await?
        .into_iter()
        .filter(|x| x.year == r.year && x.id != r.id)
        .map(|x| (x.id, x.revision, ctx.t(&format!("review-status-{}", x.status.code()))))
        .collect::<Vec<_>>();
    let latest = revisions.iter().all(|(_, rev, _)| *rev < r.revision);
    Ok(ReviewPage {
        can_revise: !draft && latest && s.principal.can(Permission::ManageReviews, r.org_id, &tree),
        hash: r.content_hash.clone().unwrap_or_default(),
        can_edit: draft && s.principal.can(Permission::ManageReviews, r.org_id, &tree),
        can_adopt: draft && s.principal.can(Permission::AdoptReviews, r.org_id, &tree),
        kinds: DecisionKind::ALL.iter().map(|k| (k.code(), ctx.t(&format!("decision-kind-{}", k.code())))).collect(),
        decisions,
        revisions,
        errors,
        df,
        r,
        c,
        v,
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (r, tree) = load(&state, &s, parse_id(&id)?).await?;
    render(&review_page(&state, &s, r, tree, Errors::default(), DecisionFields::default()).await?)
}

/// Loads a review the user may prepare (draft or not: the store refuses changes to an adopted one).
async fn load_for_edit(state: &SharedState, s: &Session, id: &str) -> AppResult<(store::Review, OrgTree)> {
    let (r, tree) = load(state, s, parse_id(id)?).await?;
    if !s.principal.can(Permission::ManageReviews, r.org_id, &tree) {
        return Err(AppError::Forbidden);
    }
    Ok((r, tree))
}

pub async fn save_meeting(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<MeetingFields>,
) -> AppResult<Response> {
    let (r, _) = load_for_edit(&state, &s, &id).await?;
    let (date, participants) = parse_meeting(&f)?;
    state.store.update_review_meeting(&actor(&s), r.id, date, &participants).await?;
    Ok(see_other(&format!("/reviews/{}#meeting", r.id)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommentForm {
    section: String,
    comment: String,
}

pub async fn save_comment(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<CommentForm>,
) -> AppResult<Response> {
    let (r, tree) = load_for_edit(&state, &s, &id).await?;
    let section: SectionKey = f.section.parse()?;
    match domain::review::parse_comment(&f.comment) {
        Ok(text) => {
            state.store.set_review_comment(&actor(&s), r.id, section, &text).await?;
            Ok(see_other(&format!("/reviews/{}#s-{}", r.id, section.code())))
        }
        Err(e) => {
            if r.status != ReviewStatus::Draft {
                return Err(AppError::Conflict(domain::FieldError::new("status", "error-review-adopted")));
            }
            // Shown again with the error and the text as typed, so nothing is lost.
            let errors = Errors::new(s.user.language, &[e]);
            let mut page = review_page(&state, &s, r, tree, errors, DecisionFields::default()).await?;
            if let Some(sec) = page.v.sections.iter_mut().find(|x| x.key == section.code()) {
                sec.comment = f.comment;
            }
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

pub async fn add_decision(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<DecisionFields>,
) -> AppResult<Response> {
    let (r, tree) = load_for_edit(&state, &s, &id).await?;
    match f.parse() {
        Ok(d) => {
            state.store.add_decision(&actor(&s), r.id, d).await?;
            Ok(see_other(&format!("/reviews/{}#decisions", r.id)))
        }
        Err(e) => {
            if r.status != ReviewStatus::Draft {
                return Err(AppError::Conflict(domain::FieldError::new("status", "error-review-adopted")));
            }
            let errors = Errors::new(s.user.language, &e.0);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &review_page(&state, &s, r, tree, errors, f).await?)
        }
    }
}

pub async fn delete_decision(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path((id, decision)): Path<(String, String)>,
) -> AppResult<Response> {
    let (r, _) = load_for_edit(&state, &s, &id).await?;
    state.store.delete_decision(&actor(&s), r.id, parse_id(&decision)?).await?;
    Ok(see_other(&format!("/reviews/{}#decisions", r.id)))
}

/// Adopts a review: compiles it, freezes the content with its hash, and
/// turns improvement decisions into actions (one transaction in the store).
pub async fn adopt_review(state: &SharedState, s: &Session, id: Uuid) -> AppResult<store::Review> {
    let (r, tree) = load(state, s, id).await?;
    if !s.principal.can(Permission::AdoptReviews, r.org_id, &tree) {
        return Err(AppError::Forbidden);
    }
    if r.status != ReviewStatus::Draft {
        return Err(AppError::Conflict(domain::FieldError::new("status", "error-review-adopted")));
    }
    adopt_with(&state.store, &state.models, &actor(s), &s.user.name, today(), r.id).await?;
    state.store.find_review(r.id).await?.ok_or(AppError::NotFound)
}

pub async fn adopt(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let r = adopt_review(&state, &s, parse_id(&id)?).await?;
    Ok(see_other(&format!("/reviews/{}", r.id)))
}

pub async fn revise(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (r, _) = load_for_edit(&state, &s, &id).await?;
    let new = state.store.revise_review(&actor(&s), r.id).await?;
    Ok(see_other(&format!("/reviews/{}", new.id)))
}

// ----- The report -----

/// The review as a report: the same content as the page.
pub fn report(ctx: &Ctx, r: &store::Review, c: &ReviewContent) -> documents::report::Report {
    use documents::report::{Block, Report, Section};
    let v = view(ctx, c);
    let note = |key: SectionKey| -> Vec<Block> {
        let text = c.comment(key);
        if text.is_empty() {
            vec![]
        } else {
            vec![Block::Note { label: ctx.t("review-comment-label"), text: text.to_owned() }]
        }
    };
    let hash = r.content_hash.clone();
    let mut facts = vec![
        (ctx.t("col-org"), c.org_name.clone()),
        (ctx.t("col-year"), c.year.to_string()),
        (ctx.t("col-revision"), c.revision.to_string()),
        (ctx.t("col-status"), ctx.t(&format!("review-status-{}", r.status.code()))),
        (ctx.t("review-meeting-date"), c.meeting_date.map(|d| d.to_string()).unwrap_or_else(|| ctx.t("not-given"))),
    ];
    if !c.participants.is_empty() {
        facts.push((ctx.t("review-participants"), c.participants.clone()));
    }
    if let (Some(by), Some(on)) = (&c.adopted_by, c.adopted_on) {
        facts.push((ctx.t("review-adopted"), format!("{on}, {by}")));
    }
    facts.push((ctx.t("review-hash"), hash.clone().unwrap_or_else(|| ctx.t("review-draft-no-hash"))));
    let mut sections = Vec::new();
    // 1. Level and trend.
    let mut b = vec![Block::Paragraph(v.assessment.clone())];
    if !v.level_rows.is_empty() {
        b.push(Block::Chart {
            svg: v.level_chart.clone(),
            alt: ctx.t("chart-level-alt"),
            caption: ctx.t("chart-level-caption"),
        });
        b.push(Block::Table {
            header: vec![ctx.t("col-period"), ctx.t("col-level")],
            rows: v.level_rows.iter().map(|(p, l)| vec![p.to_string(), l.to_string()]).collect(),
            numeric: vec![false, true],
            widths: vec![1, 1],
        });
        b.push(Block::Chart {
            svg: v.area_chart.clone(),
            alt: ctx.t("chart-areas-alt"),
            caption: ctx.t("chart-areas-caption"),
        });
        let mut header = vec![ctx.t("col-area")];
        header.extend(v.area_periods.iter().map(|p| p.to_string()));
        b.push(Block::Table {
            header,
            rows: v
                .area_rows
                .iter()
                .map(|(n, vals)| std::iter::once(n.clone()).chain(vals.iter().cloned()).collect())
                .collect(),
            numeric: std::iter::once(false).chain(v.area_periods.iter().map(|_| true)).collect(),
            widths: std::iter::once(4).chain(v.area_periods.iter().map(|_| 1)).collect(),
        });
    }
    b.extend(note(SectionKey::Assessment));
    sections.push(Section { heading: ctx.t("review-section-assessment"), blocks: b });
    // 2. Open feedback.
    let mut b = vec![Block::Paragraph(ctx.t("review-feedback-intro"))];
    if v.feedback.is_empty() {
        b.push(Block::Paragraph(ctx.t("review-feedback-none")));
    } else {
        b.push(Block::Table {
            header: vec![ctx.t("col-area"), ctx.t("col-question"), ctx.t("col-must"), ctx.t("col-in-plan")],
            rows: v
                .feedback
                .iter()
                .map(|(a, q, _, must, planned)| {
                    vec![
                        a.clone(),
                        q.clone(),
                        if *must { ctx.t("yes") } else { String::new() },
                        if *planned { ctx.t("yes") } else { ctx.t("no") },
                    ]
                })
                .collect(),
            numeric: vec![],
            widths: vec![2, 5, 1, 1],
        });
    }
    b.extend(note(SectionKey::Feedback));
    sections.push(Section { heading: ctx.t("review-section-feedback"), blocks: b });
    // 3. Action plan.
    let t = &v.totals;
    let mut b = vec![Block::Facts(vec![
        (ctx.t("totals-count"), t.count.to_string()),
        (ctx.t("action-status-done"), format!("{} ({} %)", t.done, t.done_percent)),
        (ctx.t("action-status-ongoing"), t.ongoing.to_string()),
        (ctx.t("action-status-planned"), t.planned.to_string()),
        (ctx.t("totals-overdue"), t.overdue.to_string()),
        (ctx.t("totals-cost"), t.cost.clone()),
        (ctx.t("totals-cost-done"), t.cost_done.clone()),
    ])];
    if !v.overdue.is_empty() {
        b.push(Block::Subheading(ctx.t("review-overdue-actions")));
        b.push(Block::Table {
            header: vec![ctx.t("col-action"), ctx.t("col-responsible"), ctx.t("field-end-date")],
            rows: v.overdue.iter().map(|(a, r, e)| vec![a.clone(), r.clone(), e.clone()]).collect(),
            numeric: vec![],
            widths: vec![4, 2, 1],
        });
    }
    b.extend(note(SectionKey::Actions));
    sections.push(Section { heading: ctx.t("review-section-actions"), blocks: b });
    // 4. The previous review's decisions.
    let mut b = vec![];
    match c.previous_year {
        None => b.push(Block::Paragraph(ctx.t("review-no-previous"))),
        Some(y) => {
            b.push(Block::Paragraph(format!("{} {y}.", ctx.t("review-previous-intro"))));
            b.push(Block::Table {
                header: vec![
                    ctx.t("col-kind"),
                    ctx.t("col-decision"),
                    ctx.t("col-responsible"),
                    ctx.t("col-deadline"),
                    ctx.t("col-outcome"),
                ],
                rows: v
                    .previous
                    .iter()
                    .map(|(k, t, r, d, o)| vec![k.clone(), t.clone(), r.clone(), d.clone(), o.clone()])
                    .collect(),
                numeric: vec![],
                widths: vec![2, 5, 2, 2, 2],
            });
        }
    }
    b.extend(note(SectionKey::PreviousDecisions));
    sections.push(Section { heading: ctx.t("review-section-previous_decisions"), blocks: b });
    // 5. The units' reports.
    let mut b =
        vec![Block::Paragraph(format!("{} {} / {}.", ctx.t("review-units-reported"), v.reported.0, v.reported.1))];
    if !v.units.is_empty() {
        b.push(Block::Table {
            header: vec![ctx.t("col-unit"), ctx.t("col-status")],
            rows: v.units.iter().map(|(u, s, _)| vec![u.clone(), s.clone()]).collect(),
            numeric: vec![false, false],
            widths: vec![3, 2],
        });
    }
    if !v.points.is_empty() {
        b.push(Block::Subheading(ctx.t("review-points-heading")));
        let mut header = vec![ctx.t("col-point")];
        header.extend(v.point_header.iter().cloned());
        b.push(Block::Table {
            header,
            rows: v
                .points
                .iter()
                .map(|(p, counts)| std::iter::once(p.clone()).chain(counts.iter().map(|n| n.to_string())).collect())
                .collect(),
            numeric: vec![false, true, true, true, true],
            widths: vec![5, 1, 1, 1, 1],
        });
        // Each unit's status per point, where the table fits a page.
        let (units, rows) = &v.matrix;
        if !units.is_empty() && units.len() <= 6 {
            b.push(Block::Subheading(ctx.t("review-matrix-heading")));
            b.push(Block::Table {
                header: std::iter::once(ctx.t("col-point")).chain(units.iter().cloned()).collect(),
                rows: rows
                    .iter()
                    .map(|(p, cells)| std::iter::once(p.clone()).chain(cells.iter().cloned()).collect())
                    .collect(),
                numeric: vec![],
                widths: std::iter::once(3).chain(units.iter().map(|_| 1)).collect(),
            });
        }
    }
    b.extend(note(SectionKey::UnitReports));
    sections.push(Section { heading: ctx.t("review-section-unit_reports"), blocks: b });
    // 6–8. Free text.
    for key in [SectionKey::Risks, SectionKey::OutsideWorld, SectionKey::Proposals] {
        let mut b = note(key);
        if b.is_empty() {
            b.push(Block::Paragraph(ctx.t("review-section-empty")));
        } else if let Some(Block::Note { text, .. }) = b.pop() {
            b.push(Block::Paragraph(text));
        }
        sections.push(Section { heading: ctx.t(&format!("review-section-{}", key.code())), blocks: b });
    }
    // 9. Decisions.
    let mut b = vec![];
    if c.decisions.is_empty() {
        b.push(Block::Paragraph(ctx.t("review-no-decisions")));
    } else {
        b.push(Block::Table {
            header: vec![ctx.t("col-kind"), ctx.t("col-decision"), ctx.t("col-responsible"), ctx.t("col-deadline")],
            rows: c
                .decisions
                .iter()
                .map(|d| {
                    vec![
                        ctx.t(&format!("decision-kind-{}", d.kind.code())),
                        d.text.clone(),
                        d.responsible.clone(),
                        d.deadline.to_string(),
                    ]
                })
                .collect(),
            numeric: vec![],
            widths: vec![2, 6, 2, 2],
        });
    }
    sections.push(Section { heading: ctx.t("review-decisions"), blocks: b });
    let short_hash = hash.as_deref().map(|h| h[..16.min(h.len())].to_owned());
    Report {
        lang: ctx.lang_code().into(),
        title: format!("{} {}", ctx.t("review-title"), c.year),
        subtitle: c.org_name.clone(),
        facts,
        toc_title: Some(ctx.t("toc")),
        footer: match short_hash {
            Some(h) => format!("Lisa · {} · {} {h}", c.org_name, ctx.t("review-hash")),
            None => format!("Lisa · {} · {}", c.org_name, ctx.t("review-status-draft")),
        },
        page_label: ctx.t("page"),
        of_label: ctx.t("page-of"),
        sections,
    }
}

fn file_name(c: &ReviewContent, ext: &str) -> String {
    let org: String = c
        .org_name
        .to_lowercase()
        .chars()
        .map(|ch| match ch {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            ch if ch.is_ascii_alphanumeric() => ch,
            _ => '-',
        })
        .collect();
    format!("ledningens-genomgang-{org}-{}.{ext}", c.year)
}

async fn report_for(state: &SharedState, s: &Session, id: &str) -> AppResult<(documents::report::Report, String)> {
    let (r, tree) = load(state, s, parse_id(id)?).await?;
    let c = content(state, &tree, &r).await?;
    let ctx = Ctx::for_session(s, "/reviews");
    Ok((report(&ctx, &r, &c), file_name(&c, "")))
}

pub async fn report_pdf(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (rep, name) = report_for(&state, &s, &id).await?;
    pdf_download("review pdf", format!("{name}pdf"), rep).await
}

pub async fn report_docx(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (rep, name) = report_for(&state, &s, &id).await?;
    docx_download("review docx", format!("{name}docx"), rep).await
}
