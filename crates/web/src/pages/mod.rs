//! Server-rendered HTML pages. Every page works without JavaScript.

use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use domain::FieldError;
use domain::authz::Permission;
use domain::user::Language;

use crate::SharedState;
use crate::error::AppError;
use crate::i18n;
use crate::session::Session;

mod account;
pub mod assessments;
pub mod audit;
mod exports;
mod home;
mod login;
mod models;
pub mod orgs;
pub mod plan;
pub mod review;
pub mod rounds;
pub mod units;
pub mod users;
mod yearwheel;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/", get(home::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/setup/{token}", get(login::setup_show).post(login::setup_submit))
        .route("/orgs", get(orgs::tree).post(orgs::create))
        .route("/orgs/new", get(orgs::new_form))
        .route("/orgs/{id}", get(orgs::show).post(orgs::update))
        .route("/orgs/{id}/delete", get(orgs::delete_confirm).post(orgs::delete))
        .route("/users", get(users::list).post(users::create))
        .route("/users/new", get(users::new_form))
        .route("/users/{id}", get(users::show).post(users::update))
        .route("/users/{id}/roles", post(users::add_role))
        .route("/users/{id}/roles/{assignment}/delete", post(users::withdraw_role))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/account/language", post(account::change_language))
        .route("/audit", get(audit::list))
        .route("/assessments", get(assessments::list).post(assessments::create))
        .route("/assessments/new", get(assessments::new_form))
        .route("/assessments/{id}", get(assessments::show))
        .route("/assessments/{id}/areas/{area}", get(assessments::area).post(assessments::save_area))
        .route("/assessments/{id}/transition", post(assessments::transition))
        .route("/assessments/{id}/reopen", post(assessments::reopen))
        .route("/assessments/{id}/delegations", post(assessments::delegate))
        .route("/assessments/{id}/proposals", post(assessments::resolve))
        .route("/assessments/{id}/result", get(assessments::result))
        .route("/orgs/{id}/assessments", get(assessments::history))
        .route("/models", get(models::list).post(models::import))
        .route("/assessments/{id}/result.xlsx", get(exports::result))
        .route("/assessments/{id}/result.pdf", get(exports::result_pdf))
        .route("/assessments/{id}/answers.xlsx", get(exports::template))
        .route("/assessments/{id}/import", post(exports::import))
        .route(
            "/assessments/{id}/questions/{question}/evidence",
            get(assessments::evidence_form).post(assessments::evidence_upload),
        )
        .route("/evidence/{file}", get(assessments::evidence_download))
        .route("/plan", get(plan::list).post(plan::create))
        .route("/plan/new", get(plan::new_form))
        .route("/plan.xlsx", get(plan::export_xlsx))
        .route("/plan.csv", get(plan::export_csv))
        .route("/plan.pdf", get(plan::export_pdf))
        .route("/plan/{id}", get(plan::show).post(plan::update))
        .route("/reviews", get(review::list).post(review::create))
        .route("/reviews/{id}", get(review::show))
        .route("/reviews/{id}/meeting", post(review::save_meeting))
        .route("/reviews/{id}/comments", post(review::save_comment))
        .route("/reviews/{id}/decisions", post(review::add_decision))
        .route("/reviews/{id}/decisions/{decision}/delete", post(review::delete_decision))
        .route("/reviews/{id}/adopt", post(review::adopt))
        .route("/reviews/{id}/revise", post(review::revise))
        .route("/reviews/{id}/report.pdf", get(review::report_pdf))
        .route("/reviews/{id}/report.docx", get(review::report_docx))
        .route("/orgs/{id}/checklist", get(units::checklist).post(units::add_point))
        .route("/orgs/{id}/checklist/{point}", post(units::update_point))
        .route("/unit-reports", get(units::list))
        .route("/unit-reports/{unit}/{year}", get(units::show).post(units::save))
        .route("/unit-reports/{unit}/{year}/approve", post(units::approve))
        .route("/yearwheel", get(yearwheel::show).post(yearwheel::create))
        .route("/yearwheel/{id}", get(yearwheel::show_activity).post(yearwheel::update_activity))
        .route("/yearwheel/{id}/delete", post(yearwheel::delete_activity))
        .route("/account/calendar", post(account::renew_calendar))
        .route("/account/calendar/revoke", post(account::revoke_calendar))
        .route("/calendar/{file}", get(yearwheel::feed))
        .route("/rounds", get(rounds::list).post(rounds::create))
        .route("/rounds/new", get(rounds::new_form))
        .route("/rounds/{id}", get(rounds::show))
        .route("/rounds/{id}/respond", post(rounds::respond))
        .route("/rounds/{id}/withdraw", post(rounds::withdraw))
        .route("/rounds/{id}/close", post(rounds::close))
        .route("/rounds/{id}/results", get(rounds::results))
        .route("/rounds/{id}/results.xlsx", get(rounds::results_xlsx))
        .route("/rounds/{id}/results.csv", get(rounds::results_csv))
        .route("/rounds/{id}/report.pdf", get(rounds::report_pdf))
        .route("/rounds/{id}/report.docx", get(rounds::report_docx))
        .route("/rounds/{id}/trend", get(rounds::trend))
        .route("/rounds/{id}/respondents/{org}", get(rounds::respondent))
        .route("/rounds/{id}/feedback", get(rounds::feedback))
        .route("/rounds/{id}/feedback.pdf", get(rounds::feedback_pdf))
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
            add(
                "/rounds",
                "nav-rounds",
                p.can_somewhere(Permission::RunRounds) || p.can_somewhere(Permission::ViewAssessments),
            );
            add("/orgs", "nav-orgs", p.can_somewhere(Permission::ViewOrgs));
            add("/users", "nav-users", p.can_somewhere(Permission::ViewUsers));
            add("/audit", "nav-audit", p.can_somewhere(Permission::ViewAudit));
            add("/models", "nav-models", p.can_everywhere(Permission::ManageModels));
            add("/account", "nav-account", true);
        }
        Self {
            lang,
            user_name: session.map(|s| s.user.name.clone()),
            csrf: session.map(|s| s.csrf.clone()).unwrap_or_default(),
            nav,
        }
    }

    pub fn for_session(s: &Session, section: &str) -> Self {
        Self::new(s.user.language, Some(s), section)
    }

    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
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

/// Renders a document off the async runtime (typst and docx-rs are CPU-bound);
/// a failure is logged with `what` and answered as an internal error.
pub async fn render_blocking<F>(what: &'static str, f: F) -> Result<Vec<u8>, AppError>
where
    F: FnOnce() -> Result<Vec<u8>, documents::Error> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(AppError::internal)?.map_err(|e| {
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
    what: &'static str,
    file: String,
    report: documents::report::Report,
) -> Result<Response, AppError> {
    let bytes = render_blocking(what, move || documents::report::pdf(&report)).await?;
    Ok(download("application/pdf", &file, bytes))
}

/// A report rendered as an editable Word download named `file`.
pub async fn docx_download(
    what: &'static str,
    file: String,
    report: documents::report::Report,
) -> Result<Response, AppError> {
    let bytes = render_blocking(what, move || documents::report::docx(&report)).await?;
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
