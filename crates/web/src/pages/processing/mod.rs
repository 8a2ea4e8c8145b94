//! The processing register (registerförteckning, GDPR art. 30): the list of
//! an organisation's subtree with incomplete records flagged, and the form
//! of a new record. One record's page is in [`show`], the import, template
//! and exports in [`files`], consequence assessments in [`dpia`] and
//! data-processing agreements in [`agreements`].

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::assets::processing::{LegalBasis, ProcessingFields, ProcessingInput};
use serde::Deserialize;
use uuid::Uuid;

use super::plan::OrgOption;
use super::{Ctx, Errors, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::session::{CurrentUser, Session};

pub mod agreements;
pub mod dpia;
pub mod files;
pub mod show;

/// The section every register page belongs to (for the menu).
pub const SECTION: &str = "/registers";

/// `?org=` of the register pages.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Choice {
    pub org: String,
}

impl Choice {
    /// The organisation asked for: none when empty, 404 when malformed.
    pub fn org(&self) -> AppResult<Option<Uuid>> {
        match self.org.trim() {
            "" => Ok(None),
            s => super::parse_id(s).map(Some),
        }
    }
}

pub fn options(tree: &domain::org::OrgTree, orgs: &[(usize, Uuid)]) -> Vec<OrgOption> {
    orgs.iter().map(|(d, id)| OrgOption::new(tree, *d, *id)).collect()
}

/// One field of a form as the template lays it out.
pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    /// `line`, `text` (a text area), `select`, `date`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub error: String,
    pub required: bool,
}

impl FieldView {
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("f-h-{}", self.name));
        }
        if !self.error.is_empty() {
            ids.push(format!("f-e-{}", self.name));
        }
        ids.join(" ")
    }
}

/// Builds the fields of a form: `(name, kind, value, required, options)`,
/// labelled by `prefix-field-name`, hinted by `prefix-hint-name` where given.
pub fn field(
    ctx: &Ctx,
    errors: &Errors,
    prefix: &str,
    name: &'static str,
    kind: &'static str,
    value: &str,
    hint: bool,
) -> FieldView {
    FieldView {
        name,
        label: ctx.t(&format!("{prefix}-field-{name}")),
        hint: if hint { ctx.t(&format!("{prefix}-hint-{name}")) } else { String::new() },
        kind,
        value: value.to_owned(),
        options: Vec::new(),
        error: errors.get(name),
        required: false,
    }
}

/// The options of a yes/no question that may be unanswered.
pub fn answer_options(ctx: &Ctx) -> Vec<(String, String)> {
    vec![(String::new(), ctx.t("processing-unanswered")), ("yes".into(), ctx.t("yes")), ("no".into(), ctx.t("no"))]
}

/// A legal basis in words: "e) Allmänt intresse eller myndighetsutövning".
pub fn basis_label(ctx: &Ctx, b: LegalBasis) -> String {
    let key = match b {
        LegalBasis::Consent => "processing-basis-consent",
        LegalBasis::Contract => "processing-basis-contract",
        LegalBasis::LegalObligation => "processing-basis-legal_obligation",
        LegalBasis::VitalInterests => "processing-basis-vital_interests",
        LegalBasis::PublicTask => "processing-basis-public_task",
        LegalBasis::LegitimateInterests => "processing-basis-legitimate_interests",
    };
    format!("{}) {}", b.letter(), ctx.t(key))
}

/// The short label of a record's field (in lists of what is missing and import errors).
pub fn short_label(ctx: &Ctx, field: &str) -> String {
    let key = match field {
        "name" => "processing-short-name",
        "purpose" => "processing-short-purpose",
        "legal_basis" => "processing-short-legal_basis",
        "legal_provision" => "processing-short-legal_provision",
        "data_subjects" => "processing-short-data_subjects",
        "personal_data" => "processing-short-personal_data",
        "recipients" => "processing-short-recipients",
        "transfers" => "processing-short-transfers",
        "transfer_countries" => "processing-short-transfer_countries",
        "transfer_safeguard" => "processing-short-transfer_safeguard",
        "retention" => "processing-short-retention",
        "security_measures" => "processing-short-security_measures",
        "needs_dpia" => "processing-short-needs_dpia",
        _ => "processing-import-file",
    };
    ctx.t(key)
}

/// The processing form's fields with the values typed.
pub fn processing_fields(ctx: &Ctx, errors: &Errors, f: &ProcessingFields) -> Vec<FieldView> {
    let p = "processing";
    let mut basis = field(ctx, errors, p, "legal_basis", "select", f.legal_basis.trim(), true);
    basis.options = std::iter::once((String::new(), ctx.t("processing-unanswered")))
        .chain(LegalBasis::ALL.iter().map(|b| (b.code().to_owned(), basis_label(ctx, *b))))
        .collect();
    let answer = |name, value: &str, hint| {
        let mut a = field(ctx, errors, p, name, "select", value.trim(), hint);
        a.options = answer_options(ctx);
        a
    };
    let mut name = field(ctx, errors, p, "name", "line", &f.name, false);
    name.required = true;
    vec![
        name,
        field(ctx, errors, p, "purpose", "text", &f.purpose, true),
        basis,
        field(ctx, errors, p, "legal_provision", "line", &f.legal_provision, true),
        field(ctx, errors, p, "data_subjects", "text", &f.data_subjects, true),
        field(ctx, errors, p, "personal_data", "text", &f.personal_data, true),
        field(ctx, errors, p, "recipients", "text", &f.recipients, true),
        answer("transfers", &f.transfers, true),
        field(ctx, errors, p, "transfer_countries", "line", &f.transfer_countries, false),
        field(ctx, errors, p, "transfer_safeguard", "text", &f.transfer_safeguard, true),
        field(ctx, errors, p, "retention", "text", &f.retention, true),
        field(ctx, errors, p, "security_measures", "text", &f.security_measures, true),
        answer("needs_dpia", &f.needs_dpia, true),
    ]
}

fn answer_code(a: Option<bool>) -> String {
    match a {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

/// A stored record as the form shows it.
pub fn fields_of(p: &ProcessingInput) -> ProcessingFields {
    ProcessingFields {
        name: p.name.clone(),
        purpose: p.purpose.clone(),
        legal_basis: p.legal_basis.map(|b| b.code().to_owned()).unwrap_or_default(),
        legal_provision: p.legal_provision.clone(),
        data_subjects: p.data_subjects.clone(),
        personal_data: p.personal_data.clone(),
        recipients: p.recipients.clone(),
        transfers: answer_code(p.transfers),
        transfer_countries: p.transfer_countries.clone(),
        transfer_safeguard: p.transfer_safeguard.clone(),
        retention: p.retention.clone(),
        security_measures: p.security_measures.clone(),
        needs_dpia: answer_code(p.needs_dpia),
    }
}

/// The labels of the fields a record lacks, joined.
pub fn missing_text(ctx: &Ctx, missing: &[&'static str]) -> String {
    missing.iter().map(|f| short_label(ctx, f)).collect::<Vec<_>>().join(", ")
}

/// One record as the list shows it.
pub struct Row {
    pub id: Uuid,
    pub name: String,
    pub org: String,
    pub basis: String,
    pub systems: String,
    pub complete: bool,
    pub missing: String,
    /// "Krävs – saknas", "Gjord (2)", "Krävs inte", "Inte bedömt".
    pub dpia: String,
    pub dpia_flag: bool,
    pub consultation_missing: bool,
}

pub fn rows(ctx: &Ctx, lines: &[app::processing::RegisterLine]) -> Vec<Row> {
    lines
        .iter()
        .map(|l| {
            let d = &l.processing.data;
            let dpia = if l.dpias > 0 {
                format!("{} ({})", ctx.t("processing-dpia-done"), l.dpias)
            } else {
                match d.needs_dpia {
                    Some(true) => ctx.t("processing-dpia-missing"),
                    Some(false) => ctx.t("processing-dpia-not-needed"),
                    None => ctx.t("processing-dpia-not-assessed"),
                }
            };
            Row {
                id: l.processing.id,
                name: d.name.clone(),
                org: l.org_name.clone(),
                basis: d.legal_basis.map(|b| basis_label(ctx, b)).unwrap_or_else(|| "–".into()),
                systems: l.systems.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
                complete: l.complete(),
                missing: missing_text(ctx, &l.missing),
                dpia,
                dpia_flag: l.dpia_missing,
                consultation_missing: l.consultation_missing,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "processings.html")]
struct ListPage {
    ctx: Ctx,
    root: String,
    root_name: String,
    choices: Vec<OrgOption>,
    rows: Vec<Row>,
    incomplete: usize,
    may_manage: bool,
}

/// GET /registers/processings?org=
pub async fn list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let r = app::processing::register(&state.store, &s.caller(), q.org()?).await?;
    let ctx = Ctx::for_session(&s, SECTION);
    let rows = rows(&ctx, &r.lines);
    render(&ListPage {
        root: r.root.to_string(),
        root_name: app::processing::org_name(&r.tree, r.root),
        choices: options(&r.tree, &r.choices),
        incomplete: rows.iter().filter(|r| !r.complete).count(),
        rows,
        may_manage: !r.manage_orgs.is_empty(),
        ctx,
    })
}

#[derive(Template)]
#[template(path = "processing_new.html")]
struct NewPage {
    ctx: Ctx,
    orgs: Vec<OrgOption>,
    selected: String,
    org_error: String,
    fields: Vec<FieldView>,
    errors: Errors,
}

async fn new_page(
    state: &SharedState,
    s: &Session,
    selected: String,
    f: &ProcessingFields,
    errors: Errors,
) -> AppResult<NewPage> {
    let (tree, orgs) = app::processing::manage_orgs(&state.store, &s.caller(), None).await?;
    let ctx = Ctx::for_session(s, SECTION);
    Ok(NewPage {
        orgs: options(&tree, &orgs),
        selected,
        org_error: errors.get("org_id"),
        fields: processing_fields(&ctx, &errors, f),
        errors,
        ctx,
    })
}

/// GET /registers/processings/new?org=
pub async fn new_form(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Choice>,
) -> AppResult<Response> {
    let selected = q.org()?.map(|o| o.to_string()).unwrap_or_default();
    render(&new_page(&state, &s, selected, &ProcessingFields::default(), Errors::default()).await?)
}

#[derive(Deserialize)]
pub struct ProcessingIn {
    #[serde(default)]
    org_id: String,
    #[serde(flatten)]
    fields: ProcessingFields,
}

/// POST /registers/processings: adds a record.
pub async fn create(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(b): Form<ProcessingIn>,
) -> AppResult<Response> {
    let org = b.org_id.trim().parse::<Uuid>().ok();
    match app::processing::create(&state.store, &s.caller(), org, &b.fields).await {
        Ok(p) => Ok(see_other(&format!("/registers/processings/{}", p.id))),
        Err(e @ (app::Error::Validation(_) | app::Error::Conflict(_))) => {
            let errs = e.field_errors();
            let page = new_page(&state, &s, b.org_id, &b.fields, Errors::new(s.user.language, &errs)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}
