//! My account: language and password.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::user::Language;
use serde::Deserialize;

use super::orgs::field_errors;
use super::{Ctx, Errors, render, render_status, see_other};
use crate::SharedState;
use crate::app;
use crate::error::AppResult;
use crate::session::{CurrentUser, Session};

/// The calendar section of the account page.
pub struct CalendarView {
    /// When the current feed address was issued, if there is one.
    pub issued: Option<String>,
    /// The new feed's address, shown once right after it is issued.
    pub url: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: Ctx,
    name: String,
    email: String,
    english: bool,
    errors: Errors,
    notice: String,
    /// The calendar section, when shown.
    calendar: Option<CalendarView>,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn page(s: &Session, errors: &[domain::FieldError], done: Option<&str>) -> AccountPage {
    let ctx = Ctx::for_session(s, "/account");
    let notice = match done {
        Some("password") => ctx.t("account-password-changed"),
        Some("language") => ctx.t("saved"),
        Some("calendar") => ctx.t("calendar-revoked"),
        _ => String::new(),
    };
    AccountPage {
        errors: Errors::new(ctx.lang, errors),
        ctx,
        name: s.user.name.clone(),
        email: s.user.email.clone(),
        english: s.user.language == Language::En,
        notice,
        calendar: None,
    }
}

/// Adds the calendar section's state to the page.
async fn with_calendar(state: &SharedState, mut p: AccountPage, s: &Session) -> AppResult<AccountPage> {
    let issued = crate::app::yearwheel::calendar_token_issued(&state.store, &s.caller()).await?;
    p.calendar = Some(CalendarView { issued: issued.map(|t| p.ctx.date_time(&t)), url: String::new() });
    Ok(p)
}

pub async fn show(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<Done>,
) -> AppResult<Response> {
    render(&with_calendar(&state, page(&s, &[], q.done.as_deref()), &s).await?)
}

/// Issues (or renews) the user's calendar token and shows the feed's address, once.
pub async fn renew_calendar(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    headers: axum::http::HeaderMap,
) -> AppResult<Response> {
    let token = crate::session::new_token();
    crate::app::yearwheel::renew_calendar_token(&state.store, &s.caller(), &token).await?;
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).unwrap_or("http");
    let mut p = page(&s, &[], None);
    p.notice = p.ctx.t("calendar-issued");
    let issued = crate::app::yearwheel::calendar_token_issued(&state.store, &s.caller()).await?;
    p.calendar = Some(CalendarView {
        issued: issued.map(|t| p.ctx.date_time(&t)),
        url: format!("{scheme}://{host}/calendar/{token}.ics"),
    });
    render(&p)
}

pub async fn revoke_calendar(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    crate::app::yearwheel::revoke_calendar_token(&state.store, &s.caller()).await?;
    Ok(see_other("/account?done=calendar#calendar"))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
}

pub async fn change_password(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    match app::user::change_own_password(
        &state.store,
        &s.caller(),
        &f.current,
        &f.password,
        Some(&f.repeat),
        &s.token_hash,
    )
    .await
    {
        Ok(()) => Ok(see_other("/account?done=password")),
        Err(e) => {
            let errs = field_errors(e)?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &with_calendar(&state, page(&s, &errs, None), &s).await?)
        }
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    language: String,
}

pub async fn change_language(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Form(f): Form<LanguageForm>,
) -> AppResult<Response> {
    match app::user::change_own_language(&state.store, &s.caller(), &f.language).await {
        Ok(()) => Ok(see_other("/account?done=language")),
        Err(e) => {
            let errs = field_errors(e)?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &with_calendar(&state, page(&s, &errs, None), &s).await?)
        }
    }
}
