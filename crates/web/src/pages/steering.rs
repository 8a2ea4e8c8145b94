//! The register of steering documents: the list, a new document, one
//! document with its implementation and versions, and a version's file.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::steering::{DocKind, DocStatus, DocumentFields, Implementation, VersionFields};
use serde::Deserialize;
use uuid::Uuid;

use super::plan::{CodeOption, OrgOption};
use super::{Ctx, Errors, parse_id, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::app::steering::{ImplementationRow, Upload, VisibleDocument};
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, Session};

/// A document as a row of the register.
pub struct DocRow {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub org: String,
    pub status: String,
    pub in_force: bool,
    pub decided: String,
    pub next_review: String,
    pub overdue: bool,
}

fn row(ctx: &Ctx, tree: &domain::org::OrgTree, d: &store::Document) -> DocRow {
    let today = domain::clock::today();
    DocRow {
        id: d.id,
        title: d.data.title.clone(),
        kind: ctx.t(&format!("steering-kind-{}", d.data.kind.code())),
        org: tree.get(d.org_id).map(|n| n.name.clone()).unwrap_or_default(),
        status: ctx.t(&format!("steering-status-{}", d.data.status.code())),
        in_force: d.data.status == DocStatus::Decided,
        decided: match (&d.data.decided_on, d.data.decided_by.is_empty()) {
            (Some(on), false) => format!("{on}, {}", d.data.decided_by),
            (Some(on), true) => on.to_string(),
            (None, _) => String::new(),
        },
        next_review: d.data.next_review.map(|x| x.to_string()).unwrap_or_default(),
        overdue: domain::steering::is_overdue(d.data.status, d.data.next_review, today),
    }
}

fn kinds(ctx: &Ctx) -> Vec<CodeOption> {
    DocKind::ALL
        .iter()
        .map(|k| CodeOption { code: k.code(), label: ctx.t(&format!("steering-kind-{}", k.code())) })
        .collect()
}

fn statuses(ctx: &Ctx) -> Vec<CodeOption> {
    DocStatus::ALL
        .iter()
        .map(|k| CodeOption { code: k.code(), label: ctx.t(&format!("steering-status-{}", k.code())) })
        .collect()
}

fn implementations(ctx: &Ctx) -> Vec<CodeOption> {
    Implementation::ALL
        .iter()
        .map(|k| CodeOption { code: k.code(), label: ctx.t(&format!("steering-impl-{}", k.code())) })
        .collect()
}

/// The form's fields as typed, with the organisation for a new document.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DocForm {
    pub org_id: String,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub owner: String,
    pub decided_by: String,
    pub decided_on: String,
    pub valid_from: String,
    pub review_interval_months: String,
    pub next_review: String,
    pub parent_id: String,
    pub summary: String,
    /// The document's `updated_at` when the form was shown.
    pub version: String,
}

impl DocForm {
    fn fields(&self) -> DocumentFields {
        DocumentFields {
            title: self.title.clone(),
            kind: self.kind.clone(),
            status: self.status.clone(),
            owner: self.owner.clone(),
            decided_by: self.decided_by.clone(),
            decided_on: self.decided_on.clone(),
            valid_from: self.valid_from.clone(),
            review_interval_months: self.review_interval_months.clone(),
            next_review: self.next_review.clone(),
            parent_id: self.parent_id.clone(),
            summary: self.summary.clone(),
        }
    }

    fn of(d: &store::Document) -> Self {
        let x = &d.data;
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        DocForm {
            org_id: d.org_id.to_string(),
            title: x.title.clone(),
            kind: x.kind.code().into(),
            status: x.status.code().into(),
            owner: x.owner.clone(),
            decided_by: x.decided_by.clone(),
            decided_on: date(x.decided_on),
            valid_from: date(x.valid_from),
            review_interval_months: x.review_interval_months.to_string(),
            next_review: date(x.next_review),
            parent_id: x.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            summary: x.summary.clone(),
            version: d.updated_at.to_rfc3339(),
        }
    }
}

#[derive(Template)]
#[template(path = "steering_list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<DocRow>,
    overdue: usize,
    orgs: Vec<OrgOption>,
    parents: Vec<OrgOption>,
    kinds: Vec<CodeOption>,
    statuses: Vec<CodeOption>,
    form: DocForm,
    errors: Errors,
}

async fn list_page(state: &SharedState, s: &Session, form: DocForm, errors: Errors) -> AppResult<ListPage> {
    let caller = s.caller();
    let docs = app::steering::list_documents(&state.store, &caller).await?;
    let tree = state.store.org_tree_at(&s.principal, s.data_version).await?;
    let ctx = Ctx::for_session(s, "/reviews");
    let mut rows: Vec<DocRow> = docs.iter().map(|d| row(&ctx, &tree, d)).collect();
    rows.sort_by(|a, b| (&a.org, &a.title).cmp(&(&b.org, &b.title)));
    let parents = docs.iter().map(|d| OrgOption { id: d.id, label: d.data.title.clone() }).collect();
    Ok(ListPage {
        overdue: rows.iter().filter(|r| r.overdue).count(),
        rows,
        orgs: app::steering::writable_orgs(&caller, &tree)
            .into_iter()
            .map(|(depth, id)| OrgOption::new(&tree, depth, id))
            .collect(),
        parents,
        kinds: kinds(&ctx),
        statuses: statuses(&ctx),
        form,
        errors,
        ctx,
    })
}

pub async fn list(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    let form = DocForm { review_interval_months: "12".into(), status: "draft".into(), ..Default::default() };
    render(&list_page(&state, &s, form, Errors::default()).await?)
}

pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<DocForm>,
) -> AppResult<Response> {
    let org = f.org_id.parse::<Uuid>().ok();
    match app::steering::create_document(&state.store, &s.caller(), org, &f.fields()).await {
        Ok(d) => Ok(see_other(&format!("/steering/{}", d.id))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = list_page(&state, &s, f, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// A version of a document as listed.
pub struct VersionRow {
    pub id: Uuid,
    pub label: String,
    pub decided_on: String,
    pub note: String,
    pub file: Option<String>,
    pub size_kb: i64,
}

#[derive(Template)]
#[template(path = "steering.html")]
struct DocPage {
    ctx: Ctx,
    d: store::Document,
    r: DocRow,
    summary: String,
    owner: String,
    parent: Option<(Uuid, String)>,
    children: Vec<DocRow>,
    rows: Vec<ImplementationRow>,
    impl_labels: Vec<CodeOption>,
    versions: Vec<VersionRow>,
    may_write: bool,
    parents: Vec<OrgOption>,
    kinds: Vec<CodeOption>,
    statuses: Vec<CodeOption>,
    form: DocForm,
    errors: Errors,
}

impl DocPage {
    pub fn impl_label(&self, s: &Implementation) -> String {
        self.ctx.t(&format!("steering-impl-{}", s.code()))
    }

    /// The organisations shown that have implemented the document.
    pub fn implemented(&self) -> usize {
        self.rows.iter().filter(|r| r.status == Implementation::Implemented).count()
    }
}

async fn doc_page(
    state: &SharedState,
    s: &Session,
    v: VisibleDocument,
    form: Option<DocForm>,
    errors: Errors,
) -> AppResult<DocPage> {
    let caller = s.caller();
    let ctx = Ctx::for_session(s, "/reviews");
    let rows = app::steering::implementation_rows(&state.store, &caller, &v).await?;
    let all = app::steering::list_documents(&state.store, &caller).await?;
    let parent =
        v.doc.data.parent_id.and_then(|p| all.iter().find(|d| d.id == p)).map(|d| (d.id, d.data.title.clone()));
    let children = all.iter().filter(|d| d.data.parent_id == Some(v.doc.id)).map(|d| row(&ctx, &v.tree, d)).collect();
    let parents = all
        .iter()
        .filter(|d| d.id != v.doc.id && domain::steering::applies_to(&v.tree, d.org_id, v.doc.org_id))
        .map(|d| OrgOption { id: d.id, label: d.data.title.clone() })
        .collect();
    let versions = state
        .store
        .list_versions(v.doc.id)
        .await?
        .into_iter()
        .map(|x| VersionRow {
            id: x.id,
            label: x.label,
            decided_on: x.decided_on.map(|d| d.to_string()).unwrap_or_default(),
            note: x.note,
            file: x.filename,
            size_kb: (x.size + 1023) / 1024,
        })
        .collect();
    Ok(DocPage {
        r: row(&ctx, &v.tree, &v.doc),
        summary: v.doc.data.summary.clone(),
        owner: v.doc.data.owner.clone(),
        parent,
        children,
        rows,
        impl_labels: implementations(&ctx),
        versions,
        may_write: v.may_write,
        parents,
        kinds: kinds(&ctx),
        statuses: statuses(&ctx),
        form: form.unwrap_or_else(|| DocForm::of(&v.doc)),
        errors,
        d: v.doc,
        ctx,
    })
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let v = app::steering::load_document(&state.store, &s.caller(), parse_id(&id)?).await?;
    render(&doc_page(&state, &s, v, None, Errors::default()).await?)
}

pub async fn update(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<DocForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let caller = s.caller();
    let expected = chrono::DateTime::parse_from_rfc3339(f.version.trim()).ok().map(|t| t.to_utc());
    match app::steering::update_document(&state.store, &caller, id, expected, &f.fields()).await {
        Ok(_) => Ok(see_other(&format!("/steering/{id}"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let v = app::steering::load_document(&state.store, &caller, id).await?;
            let errs = e.field_errors();
            let page = doc_page(&state, &s, v, Some(f), Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ImplementationForm {
    org_id: String,
    status: String,
    note: String,
}

pub async fn set_implementation(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ImplementationForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let caller = s.caller();
    let org = parse_id(&f.org_id)?;
    match app::steering::set_implementation(&state.store, &caller, id, org, &f.status, &f.note).await {
        Ok(()) => Ok(see_other(&format!("/steering/{id}#implementation"))),
        Err(app::Error::Validation(errs)) => {
            let v = app::steering::load_document(&state.store, &caller, id).await?;
            let page = doc_page(&state, &s, v, None, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn add_version(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(id): Path<String>,
    mut form: axum::extract::Multipart,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let caller = s.caller();
    let mut fields = VersionFields::default();
    let mut upload = None;
    let bad = |_| AppError::BadRequest("error-too-large");
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                let filename = field.file_name().unwrap_or("").to_owned();
                let content_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
                let bytes = field.bytes().await.map_err(bad)?.to_vec();
                // A file input left empty sends a part with no name and no bytes.
                if !(filename.is_empty() && bytes.is_empty()) {
                    upload = Some(Upload { filename, content_type, bytes });
                }
            }
            "label" => fields.label = field.text().await.map_err(bad)?,
            "decided_on" => fields.decided_on = field.text().await.map_err(bad)?,
            "note" => fields.note = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    match app::steering::add_version(&state.store, &caller, id, &fields, upload).await {
        Ok(_) => Ok(see_other(&format!("/steering/{id}#versions"))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let v = app::steering::load_document(&state.store, &caller, id).await?;
            let errs = e.field_errors();
            let page = doc_page(&state, &s, v, None, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn download(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Path(version): Path<String>,
) -> AppResult<Response> {
    let (meta, content) = app::steering::version_file(&state.store, &s.caller(), parse_id(&version)?).await?;
    let name = meta.filename.unwrap_or_else(|| "styrdokument".into());
    Ok(crate::render::attachment(&name, content))
}
