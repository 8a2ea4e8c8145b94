//! Login, logout and the one-time setup of the first administrator.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::user::{Email, Language, NewPassword, PersonName};
use serde::Deserialize;

use super::{Ctx, Errors, render, render_status, see_other};
use crate::SharedState;
use crate::auth;
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::session::{CurrentUser, MaybeUser, clear_cookie, hash_token, new_token, session_cookie};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    errors: Errors,
    email: String,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where to go after login: `next` resolved against this site with a URL
/// parser, as the browser will resolve the `Location` header (it drops tabs
/// and newlines, reads `\\` as `/`, and takes `//host` as another site).
/// Anything that leaves this origin becomes `/`; what stays is returned in
/// the parser's normalised form, so the browser reads the same path.
fn safe_next(next: Option<&str>) -> String {
    const BASE: &str = "https://lisa.invalid/";
    let Some(next) = next.filter(|n| n.starts_with('/') && n.len() <= 2048) else {
        return "/".to_owned();
    };
    let (Ok(base), Ok(local)) = (url::Url::parse(BASE), url::Url::parse(BASE).and_then(|b| b.join(next))) else {
        return "/".to_owned();
    };
    if local.origin() != base.origin() || local.username() != "" || local.password().is_some() {
        return "/".to_owned();
    }
    let path = &local[url::Position::BeforePath..];
    // A path the browser would read as protocol-relative stays out too.
    if !path.starts_with('/') || path.starts_with("//") { "/".to_owned() } else { path.to_owned() }
}

fn visitor_lang(headers: &HeaderMap) -> Language {
    i18n::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

pub async fn show(
    MaybeUser(session): MaybeUser,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if session.is_some() {
        return Ok(see_other(&safe_next(q.next.as_deref())));
    }
    let ctx = Ctx::new(visitor_lang(&headers), None, "");
    render(&LoginPage { ctx, errors: Errors::default(), email: String::new(), next: safe_next(q.next.as_deref()) })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<SharedState>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let lang = visitor_lang(&headers);
    let next = safe_next(f.next.as_deref());
    match auth::login(&state, &f.email, &f.password, client).await {
        Ok(done) => {
            let mut res = see_other(&next);
            res.headers_mut().insert(header::SET_COOKIE, session_cookie(&done.token).parse().expect("valid cookie"));
            Ok(res)
        }
        Err(AppError::Validation(errs)) => {
            let ctx = Ctx::new(lang, None, "");
            render_status(
                StatusCode::UNAUTHORIZED,
                &LoginPage { errors: Errors::new(lang, &errs), ctx, email: f.email, next },
            )
        }
        Err(AppError::Locked) => {
            let ctx = Ctx::new(lang, None, "");
            let errs = [domain::FieldError::new("", "error-login-locked")];
            let mut res = render_status(
                StatusCode::TOO_MANY_REQUESTS,
                &LoginPage { errors: Errors::new(lang, &errs), ctx, email: f.email, next },
            )?;
            res.headers_mut().insert(header::RETRY_AFTER, "900".parse().expect("valid header"));
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

pub async fn logout(State(state): State<SharedState>, CurrentUser(s): CurrentUser) -> AppResult<Response> {
    auth::logout(&state, &s).await?;
    let mut res = see_other("/login");
    res.headers_mut().insert(header::SET_COOKIE, clear_cookie().parse().expect("valid cookie"));
    Ok(res)
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    ctx: Ctx,
    errors: Errors,
    token: String,
    name: String,
    email: String,
}

async fn check_setup_token(state: &SharedState, token: &str) -> AppResult<()> {
    if token.len() != 64
        || !state.store.setup_token_exists(&hash_token(token)).await?
        || state.store.count_users().await? > 0
    {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn setup_show(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> AppResult<Response> {
    check_setup_token(&state, &token).await?;
    let ctx = Ctx::new(visitor_lang(&headers), None, "");
    render(&SetupPage { ctx, errors: Errors::default(), token, name: String::new(), email: String::new() })
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
}

pub async fn setup_submit(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> AppResult<Response> {
    check_setup_token(&state, &token).await?;
    let lang = visitor_lang(&headers);
    let mut errs = domain::ValidationErrors::default();
    let name = errs.check(PersonName::parse(&f.name));
    let email = errs.check(Email::parse(&f.email));
    let password = errs.check(NewPassword::parse(&f.password));
    if f.password != f.repeat {
        errs.push(domain::FieldError::new("repeat", "error-password-mismatch"));
    }
    let (Some(name), Some(email), Some(password), true) = (name, email, password, errs.is_empty()) else {
        let ctx = Ctx::new(lang, None, "");
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage { ctx, errors: Errors::new(lang, &errs.0), token, name: f.name, email: f.email },
        );
    };
    let hash = auth::hash_password_blocking(password.expose().to_owned()).await?;
    let user = state
        .store
        .create_first_admin(
            &hash_token(&token),
            store::NewUser { email, name, password_hash: Some(hash), language: lang },
        )
        .await?;
    let session_token = new_token();
    state.store.insert_session(&hash_token(&session_token), user.id, &new_token()).await?;
    let mut res = see_other("/orgs");
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&session_token).parse().expect("valid cookie"));
    Ok(res.into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/orgs?x=1")), "/orgs?x=1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn next_stays_on_this_site_whatever_the_parser_quirk() {
        for evil in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\\/evil.example",
            "/\t\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/ /evil.example",
        ] {
            let out = safe_next(Some(evil));
            assert!(out.starts_with('/') && !out.starts_with("//") && !out.contains('\\'), "{evil:?} -> {out:?}");
            let resolved = url::Url::parse("https://lisa.invalid/").unwrap().join(&out).unwrap();
            assert_eq!(resolved.host_str(), Some("lisa.invalid"), "{evil:?} -> {out:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn local_paths_are_kept() {
        assert_eq!(safe_next(Some("/assessments?year=2026#top")), "/assessments?year=2026#top");
        assert_eq!(safe_next(Some("/orgs/%2F%2Fevil")), "/orgs/%2F%2Fevil");
        assert_eq!(safe_next(Some("/a/../b")), "/b");
    }
}
