//! Server-rendered HTML pages. Every page works without JavaScript.

use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use domain::FieldError;
use domain::authz::Permission;
use domain::user::Language;

use crate::SharedState;
use crate::error::AppError;
use crate::i18n;
use crate::session::Session;

mod account;
pub mod assessments;
pub mod assets;
pub mod audit;
pub mod audits;
mod exports;
mod home;
pub mod incidents;
mod login;
mod models;
pub mod orgs;
pub mod plan;
pub mod processing;
pub mod registers;
pub mod review;
pub mod risks;
pub mod rounds;
pub mod steering;
pub mod training;
pub mod units;
pub mod users;
mod yearwheel;

/// The pages' routes: one row per (method, path, handler). Rows of the same
/// path are merged into one method router, so the table is also what
/// [`page_routes`] lists (for the test that every route has a row in the
/// authorisation matrix).
macro_rules! route_table {
    ($(($method:ident, $path:literal, $handler:path)),* $(,)?) => {
        vec![$((
            axum::http::Method::$method,
            $path,
            axum::routing::on(axum::routing::MethodFilter::$method, $handler),
        )),*]
    };
}

fn table() -> Vec<(axum::http::Method, &'static str, axum::routing::MethodRouter<SharedState>)> {
    route_table![
        (GET, "/", home::show),
        (GET, "/login", login::show),
        (POST, "/login", login::submit),
        (POST, "/logout", login::logout),
        (GET, "/setup/{token}", login::setup_show),
        (POST, "/setup/{token}", login::setup_submit),
        (GET, "/orgs", orgs::tree),
        (POST, "/orgs", orgs::create),
        (GET, "/orgs/new", orgs::new_form),
        (GET, "/orgs/{id}", orgs::show),
        (POST, "/orgs/{id}", orgs::update),
        (GET, "/orgs/{id}/delete", orgs::delete_confirm),
        (POST, "/orgs/{id}/delete", orgs::delete),
        (GET, "/users", users::list),
        (POST, "/users", users::create),
        (GET, "/users/new", users::new_form),
        (GET, "/users/{id}", users::show),
        (POST, "/users/{id}", users::update),
        (POST, "/users/{id}/roles", users::add_role),
        (POST, "/users/{id}/roles/{assignment}/delete", users::withdraw_role),
        (POST, "/users/{id}/password", users::reset_password),
        (GET, "/account", account::show),
        (POST, "/account/password", account::change_password),
        (POST, "/account/language", account::change_language),
        (GET, "/audit", audit::list),
        (GET, "/assessments", assessments::list),
        (POST, "/assessments", assessments::create),
        (GET, "/assessments/new", assessments::new_form),
        (GET, "/assessments/{id}", assessments::show),
        (GET, "/assessments/{id}/areas/{area}", assessments::area),
        (POST, "/assessments/{id}/areas/{area}", assessments::save_area),
        (POST, "/assessments/{id}/transition", assessments::transition),
        (POST, "/assessments/{id}/reopen", assessments::reopen),
        (POST, "/assessments/{id}/delegations", assessments::delegate),
        (POST, "/assessments/{id}/proposals", assessments::resolve),
        (GET, "/assessments/{id}/result", assessments::result),
        (GET, "/orgs/{id}/assessments", assessments::history),
        (GET, "/models", models::list),
        (POST, "/models", models::import),
        (GET, "/assessments/{id}/result.xlsx", exports::result),
        (GET, "/assessments/{id}/result.pdf", exports::result_pdf),
        (GET, "/assessments/{id}/answers.xlsx", exports::template),
        (POST, "/assessments/{id}/import", exports::import),
        (GET, "/assessments/{id}/questions/{question}/evidence", assessments::evidence_form),
        (POST, "/assessments/{id}/questions/{question}/evidence", assessments::evidence_upload),
        (GET, "/evidence/{file}", assessments::evidence_download),
        (GET, "/plan", plan::list),
        (POST, "/plan", plan::create),
        (GET, "/plan/new", plan::new_form),
        (GET, "/plan.xlsx", plan::export_xlsx),
        (GET, "/plan.csv", plan::export_csv),
        (GET, "/plan.pdf", plan::export_pdf),
        (GET, "/plan/{id}", plan::show),
        (POST, "/plan/{id}", plan::update),
        (GET, "/reviews", review::list),
        (POST, "/reviews", review::create),
        (GET, "/reviews/{id}", review::show),
        (POST, "/reviews/{id}/meeting", review::save_meeting),
        (POST, "/reviews/{id}/comments", review::save_comments),
        (POST, "/reviews/{id}/decisions", review::add_decision),
        (POST, "/reviews/{id}/files", review::add_file),
        (GET, "/review-files/{file}", review::download_file),
        (POST, "/reviews/{id}/decisions/{decision}/delete", review::delete_decision),
        (POST, "/reviews/{id}/adopt", review::adopt),
        (POST, "/reviews/{id}/revise", review::revise),
        (GET, "/reviews/{id}/report.pdf", review::report_pdf),
        (GET, "/reviews/{id}/report.docx", review::report_docx),
        (GET, "/steering", steering::list),
        (POST, "/steering", steering::create),
        (GET, "/steering/{id}", steering::show),
        (POST, "/steering/{id}", steering::update),
        (POST, "/steering/{id}/implementation", steering::set_implementation),
        (POST, "/steering/{id}/versions", steering::add_version),
        (GET, "/steering-files/{version}", steering::download),
        (GET, "/audits", audits::list),
        (POST, "/audits", audits::create),
        (GET, "/audits/{id}", audits::show::show),
        (POST, "/audits/{id}/questions", audits::show::add_question),
        (POST, "/audits/{id}/questions/{question}", audits::show::update_question),
        (POST, "/audits/{id}/findings", audits::show::add_finding),
        (POST, "/audits/{id}/recommendations", audits::show::add_recommendation),
        (GET, "/audits/{id}/report", audits::show::report_file),
        (POST, "/audits/{id}/report", audits::show::upload_report),
        (GET, "/audit-copies/{id}", audits::copy::show),
        (POST, "/audit-copies/{id}/answer", audits::copy::answer),
        (POST, "/audit-copies/{id}/status", audits::copy::follow_up),
        (POST, "/audit-copies/{id}/action", audits::copy::plan_action),
        (GET, "/audits/{id}/follow-up.pdf", audits::report::follow_up_pdf),
        (GET, "/audits/{id}/follow-up.docx", audits::report::follow_up_docx),
        (GET, "/audit-register.xlsx", audits::report::register_xlsx),
        (GET, "/incidents", incidents::list),
        (POST, "/incidents", incidents::create),
        (GET, "/incidents/new", incidents::new_form),
        (GET, "/incidents/compilation", incidents::compilation::page),
        (GET, "/incidents/compilation.xlsx", incidents::compilation::xlsx),
        (GET, "/incidents/compilation.csv", incidents::compilation::csv),
        (GET, "/incidents/{id}", incidents::show::show),
        (POST, "/incidents/{id}", incidents::show::update),
        (POST, "/incidents/{id}/entries", incidents::show::add_entry),
        (POST, "/incidents/{id}/reports/{step}", incidents::show::record_report),
        (POST, "/incidents/{id}/status", incidents::show::set_status),
        (POST, "/incidents/{id}/action", incidents::show::plan_action),
        (GET, "/orgs/{id}/reporting-duties", incidents::duties::show),
        (POST, "/orgs/{id}/reporting-duties", incidents::duties::save),
        (GET, "/registers", registers::hub),
        (GET, "/registers/assets", assets::asset_list),
        (POST, "/registers/assets", assets::asset_create),
        (GET, "/registers/assets/new", assets::asset_new),
        (GET, "/registers/assets/import", assets::files::asset_import_form),
        (POST, "/registers/assets/import", assets::files::asset_import),
        (GET, "/registers/assets/template.xlsx", assets::files::asset_template),
        (GET, "/registers/assets.xlsx", assets::files::asset_xlsx),
        (GET, "/registers/assets.csv", assets::files::asset_csv),
        (GET, "/registers/assets/{id}", assets::asset::asset_show),
        (POST, "/registers/assets/{id}", assets::asset::asset_update),
        (POST, "/registers/assets/{id}/delete", assets::asset::asset_delete),
        (POST, "/registers/assets/{id}/classification", assets::asset::asset_classify),
        (POST, "/registers/assets/{id}/systems", assets::asset::asset_systems),
        (POST, "/registers/assets/{id}/actions", assets::asset::asset_actions),
        (GET, "/registers/systems", assets::systems::system_list),
        (POST, "/registers/systems", assets::systems::system_create),
        (GET, "/registers/systems/new", assets::systems::system_new),
        (GET, "/registers/systems/import", assets::files::system_import_form),
        (POST, "/registers/systems/import", assets::files::system_import),
        (GET, "/registers/systems/template.xlsx", assets::files::system_template),
        (GET, "/registers/systems.xlsx", assets::files::system_xlsx),
        (GET, "/registers/systems.csv", assets::files::system_csv),
        (GET, "/registers/systems/{id}", assets::systems::system_show),
        (POST, "/registers/systems/{id}", assets::systems::system_update),
        (POST, "/registers/systems/{id}/delete", assets::systems::system_delete),
        (GET, "/registers/risks", risks::list),
        (POST, "/registers/risks", risks::show::create),
        (GET, "/registers/risks/new", risks::show::new_form),
        (GET, "/registers/risks.xlsx", risks::xlsx),
        (GET, "/registers/risks.csv", risks::csv),
        (GET, "/registers/risks/{id}", risks::show::show),
        (POST, "/registers/risks/{id}", risks::show::update),
        (POST, "/registers/risks/{id}/delete", risks::show::delete),
        (POST, "/registers/risks/{id}/actions", risks::show::plan_action),
        (GET, "/training", training::show),
        (POST, "/training/courses", training::create_course),
        (POST, "/training/settings", training::set_retention),
        (GET, "/training/coverage.csv", training::export_csv),
        (GET, "/training/courses/{id}", training::course::show),
        (POST, "/training/courses/{id}", training::course::update),
        (POST, "/training/courses/{id}/counts", training::course::record_count),
        (GET, "/training/import", training::import::show),
        (POST, "/training/import", training::import::upload),
        (GET, "/registers/processings", processing::list),
        (POST, "/registers/processings", processing::create),
        (GET, "/registers/processings/new", processing::new_form),
        (GET, "/registers/processings/import", processing::files::import_form),
        (POST, "/registers/processings/import", processing::files::import),
        (GET, "/registers/processings/template.xlsx", processing::files::template),
        (GET, "/registers/processings.xlsx", processing::files::xlsx),
        (GET, "/registers/processings.csv", processing::files::csv),
        (GET, "/registers/processings/{id}", processing::show::show),
        (POST, "/registers/processings/{id}", processing::show::update),
        (POST, "/registers/processings/{id}/delete", processing::show::delete),
        (POST, "/registers/processings/{id}/systems", processing::show::set_systems),
        (GET, "/registers/processings/{id}/dpias/new", processing::dpia::new_form),
        (POST, "/registers/processings/{id}/dpias", processing::dpia::create),
        (GET, "/registers/dpias/{id}", processing::dpia::show),
        (POST, "/registers/dpias/{id}", processing::dpia::update),
        (POST, "/registers/dpias/{id}/delete", processing::dpia::delete),
        (GET, "/registers/agreements", processing::agreements::list),
        (POST, "/registers/agreements", processing::agreements::create),
        (GET, "/registers/agreements/new", processing::agreements::new_form),
        (GET, "/registers/agreements/{id}", processing::agreements::show),
        (POST, "/registers/agreements/{id}", processing::agreements::update),
        (POST, "/registers/agreements/{id}/delete", processing::agreements::delete),
        (GET, "/orgs/{id}/checklist", units::checklist),
        (POST, "/orgs/{id}/checklist", units::add_point),
        (POST, "/orgs/{id}/checklist/{point}", units::update_point),
        (GET, "/unit-reports", units::list),
        (GET, "/unit-reports/{unit}/{year}", units::show),
        (POST, "/unit-reports/{unit}/{year}", units::save),
        (POST, "/unit-reports/{unit}/{year}/approve", units::approve),
        (GET, "/yearwheel", yearwheel::show),
        (POST, "/yearwheel", yearwheel::create),
        (GET, "/yearwheel/{id}", yearwheel::show_activity),
        (POST, "/yearwheel/{id}", yearwheel::update_activity),
        (POST, "/yearwheel/{id}/delete", yearwheel::delete_activity),
        (POST, "/account/calendar", account::renew_calendar),
        (POST, "/account/calendar/revoke", account::revoke_calendar),
        (GET, "/calendar/{file}", yearwheel::feed),
        (GET, "/rounds", rounds::list),
        (POST, "/rounds", rounds::create),
        (GET, "/rounds/new", rounds::new_form),
        (GET, "/rounds/{id}", rounds::show),
        (POST, "/rounds/{id}/respond", rounds::respond),
        (POST, "/rounds/{id}/withdraw", rounds::withdraw),
        (POST, "/rounds/{id}/close", rounds::close),
        (GET, "/rounds/{id}/results", rounds::results),
        (GET, "/rounds/{id}/results.xlsx", rounds::results_xlsx),
        (GET, "/rounds/{id}/results.csv", rounds::results_csv),
        (GET, "/rounds/{id}/report.pdf", rounds::report_pdf),
        (GET, "/rounds/{id}/report.docx", rounds::report_docx),
        (GET, "/rounds/{id}/trend", rounds::trend),
        (GET, "/rounds/{id}/respondents/{org}", rounds::respondent),
        (GET, "/rounds/{id}/feedback", rounds::feedback),
        (GET, "/rounds/{id}/feedback.pdf", rounds::feedback_pdf),
    ]
}

/// Every (method, path) the pages answer, paths in axum's `{param}` form.
pub fn page_routes() -> Vec<(axum::http::Method, &'static str)> {
    table().into_iter().map(|(method, path, _)| (method, path)).collect()
}

pub fn routes() -> Router<SharedState> {
    table().into_iter().fold(Router::new(), |router, (_, path, handler)| router.route(path, handler))
}

/// One link of the main navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// What every page needs: language, the signed-in user, the CSRF token and
/// the navigation.
pub struct Ctx {
    pub lang: Language,
    pub user_name: Option<String>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// The section the page belongs to ("/plan"), for the header's own links.
    pub section: String,
}

impl Ctx {
    pub fn new(lang: Language, session: Option<&Session>, section: &str) -> Self {
        let mut nav = Vec::new();
        if let Some(s) = session {
            let p = &s.principal;
            let mut add = |href: &'static str, key: &str, show: bool| {
                if show {
                    nav.push(NavItem { href, label: i18n::t(lang, key), current: section == href });
                }
            };
            add("/", "nav-home", true);
            add("/assessments", "nav-assessments", p.can_somewhere(Permission::ViewAssessments));
            add("/plan", "nav-plan", p.can_somewhere(Permission::ViewPlans));
            add(
                "/reviews",
                "nav-reviews",
                p.can_somewhere(Permission::ViewPlans) || p.can_somewhere(Permission::ReportUnit),
            );
            add("/audits", "nav-audits", p.can_somewhere(Permission::ViewPlans));
            add("/training", "nav-training", p.can_somewhere(Permission::ViewTraining));
            add("/incidents", "nav-incidents", p.can_somewhere(Permission::ViewIncidents));
            add("/registers", "nav-registers", p.can_somewhere(Permission::ViewRegisters));
            add(
                "/rounds",
                "nav-rounds",
                p.can_somewhere(Permission::RunRounds) || p.can_somewhere(Permission::ViewAssessments),
            );
            add("/orgs", "nav-orgs", p.can_somewhere(Permission::ViewOrgs));
            add("/users", "nav-users", p.can_somewhere(Permission::ViewUsers));
            add("/audit", "nav-audit", p.can_somewhere(Permission::ViewAudit));
            add("/models", "nav-models", p.can_everywhere(Permission::ManageModels));
        }
        Self {
            lang,
            user_name: session.map(|s| s.user.name.clone()),
            csrf: session.map(|s| s.csrf.clone()).unwrap_or_default(),
            nav,
            section: section.to_owned(),
        }
    }

    pub fn for_session(s: &Session, section: &str) -> Self {
        Self::new(s.user.language, Some(s), section)
    }

    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }

    /// A message with one number, `$n`.
    pub fn t_n(&self, key: &str, n: &usize) -> String {
        i18n::t_args(self.lang, key, &[("n", n.to_string())])
    }

    /// The translation of `prefix-code`, for codes stored in records.
    pub fn tk(&self, prefix: &str, code: &dyn std::fmt::Display) -> String {
        i18n::t(self.lang, &format!("{prefix}-{code}"))
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn kind_label(&self, kind: &domain::org::OrgKind) -> String {
        self.t(&format!("kind-{}", kind.code()))
    }

    pub fn role_label(&self, role: &domain::user::Role) -> String {
        self.t(&format!("role-{}", role.code()))
    }

    pub fn date_time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        // ISO dates, in Swedish local time.
        domain::clock::format_local(t)
    }
}

/// Field errors of a form, translated.
#[derive(Default)]
pub struct Errors(pub Vec<(String, String)>);

impl Errors {
    pub fn new(lang: Language, errs: &[FieldError]) -> Self {
        Errors(errs.iter().map(|e| (e.field.to_owned(), i18n::t(lang, e.code))).collect())
    }
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
    /// The message for `field`, empty if none.
    pub fn get(&self, field: &str) -> String {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()).unwrap_or_default()
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| f == field)
    }
}

pub fn render<T: Template>(t: &T) -> Result<Response, AppError> {
    Ok(Html(t.render()?).into_response())
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Result<Response, AppError> {
    Ok((status, Html(t.render()?)).into_response())
}

/// Renders a document off the async runtime (typst and docx-rs are CPU-bound)
/// through the bounded queue of [`crate::render::Gate`] (503 when full); a
/// failure is logged with `what` and answered as an internal error.
pub async fn render_blocking<F>(state: &crate::SharedState, what: &'static str, f: F) -> Result<Vec<u8>, AppError>
where
    F: FnOnce() -> Result<Vec<u8>, documents::Error> + Send + 'static,
{
    state.renders.run(f).await?.map_err(|e| {
        tracing::warn!(error = %e, "{what}");
        AppError::internal(e)
    })
}

/// A file to download, with its content type and file name.
pub fn download(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}

/// A report rendered as a PDF download named `file` (off the async runtime).
pub async fn pdf_download(
    state: &crate::SharedState,
    what: &'static str,
    file: String,
    report: documents::report::Report,
) -> Result<Response, AppError> {
    let check = state.config.check_layout;
    let bytes = render_blocking(state, what, move || {
        if check { documents::report::pdf_checked(&report) } else { documents::report::pdf(&report) }
    })
    .await?;
    Ok(download("application/pdf", &file, bytes))
}

/// A report rendered as an editable Word download named `file`.
pub async fn docx_download(
    state: &crate::SharedState,
    what: &'static str,
    file: String,
    report: documents::report::Report,
) -> Result<Response, AppError> {
    let bytes = render_blocking(state, what, move || documents::report::docx(&report)).await?;
    Ok(download("application/vnd.openxmlformats-officedocument.wordprocessingml.document", &file, bytes))
}

/// A redirect after a successful form post (303, so the browser GETs).
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a Ctx,
    title: String,
    details: Vec<String>,
    status: u16,
}

pub fn render_error_page(ctx: &Ctx, err: &AppError) -> Response {
    let page = ErrorPage {
        ctx,
        title: ctx.t(err.title_key()),
        details: err.field_errors().iter().map(|e| ctx.t(e.code)).collect(),
        status: err.status().as_u16(),
    };
    match page.render() {
        Ok(html) => (err.status(), Html(html)).into_response(),
        Err(_) => (err.status(), ctx.t(err.title_key())).into_response(),
    }
}

/// Parses a UUID path or form value, answering 404 for a malformed id.
/// Where a paged list stands: "Showing 51–100 of 312 …" (only when there is
/// more than one page) and the links to the previous and the next page.
pub struct Pager {
    pub showing: String,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The name of the page links' navigation ("Sidor i åtgärdslistan").
    pub label: String,
}

impl Pager {
    /// `page` counts from 1; `showing_key` is a message with `from`, `to`
    /// and `total`, `label_key` names the page links; `link` makes a page's address.
    #[allow(clippy::too_many_arguments, reason = "each is one fact of the page; a struct would only rename them")]
    pub fn new(
        ctx: &Ctx,
        showing_key: &str,
        label_key: &str,
        page: i64,
        page_size: i64,
        shown: usize,
        total: i64,
        link: impl Fn(i64) -> String,
    ) -> Pager {
        let first = (page - 1) * page_size;
        let shown = shown as i64;
        let showing = if shown > 0 && (total > page_size || page > 1) {
            crate::i18n::t_args(
                ctx.lang,
                showing_key,
                &[("from", (first + 1).to_string()), ("to", (first + shown).to_string()), ("total", total.to_string())],
            )
        } else {
            String::new()
        };
        Pager {
            showing,
            prev: (page > 1).then(|| link(page - 1)),
            next: (first + page_size < total).then(|| link(page + 1)),
            label: ctx.t(label_key),
        }
    }
}

impl Pager {
    /// One page of a list held in memory: the page asked for (`requested`,
    /// from a query; past the end, the last page) and its pager.
    pub fn of_slice<'a, T>(
        ctx: &Ctx,
        keys: (&str, &str),
        requested: &str,
        size: usize,
        items: &'a [T],
        link: impl Fn(i64) -> String,
    ) -> (Pager, &'a [T]) {
        let last = items.len().div_ceil(size).max(1) as i64;
        let page = page_number(Some(requested)).min(last);
        let first = usize::try_from(page - 1).unwrap_or(0).saturating_mul(size).min(items.len());
        let shown = &items[first..(first + size).min(items.len())];
        let pager = Pager::new(ctx, keys.0, keys.1, page, size as i64, shown.len(), items.len() as i64, link);
        (pager, shown)
    }
}

/// A page number from a query: a positive number of sensible size, else the first page.
pub fn page_number(p: Option<&str>) -> i64 {
    p.and_then(|p| p.trim().parse::<i64>().ok()).filter(|p| (1..=1_000_000).contains(p)).unwrap_or(1)
}

/// Where a question of `model` is, in words: "Styrdokument, fråga 3" (its
/// area and its number there, as the self-assessment shows it). A question
/// the model does not have (an older model's) is named by its code.
pub fn question_place(lang: Language, model: &domain::model::Model, id: &str) -> String {
    match model.question_place(id) {
        Some((area, n)) => {
            i18n::t_args(lang, "question-place", &[("area", area.name.get(lang).to_owned()), ("n", n.to_string())])
        }
        None => id.to_owned(),
    }
}

/// A question's text in `lang`, or its code if the model does not have it.
pub fn question_text(lang: Language, model: &domain::model::Model, id: &str) -> String {
    model.question(id).map_or_else(|| id.to_owned(), |q| q.text.get(lang).to_owned())
}

pub fn parse_id(s: &str) -> Result<uuid::Uuid, AppError> {
    s.parse().map_err(|_| AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_swedish_time() {
        let winter = chrono::Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let ctx = Ctx::new(Language::Sv, None, "");
        assert_eq!(ctx.date_time(&winter), "2026-11-22 13:00");
    }
}
