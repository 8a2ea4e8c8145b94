//! Errors of the web layer. A handler returns an [`AppError`]; the
//! [`render_errors`] middleware, which knows the path and the user's language,
//! turns it into an HTML page or an RFC 9457 `application/problem+json` body.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;

use domain::FieldError;
use domain::user::Language;

use crate::SharedState;
use crate::i18n::t;
use crate::pages::{Ctx, render_error_page};
use crate::session::Session;

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("not logged in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("conflict")]
    Conflict(FieldError),
    #[error("too many failed logins")]
    Locked,
    #[error("csrf check failed")]
    Csrf,
    /// Too much work of one kind queued (report rendering): try again soon.
    #[error("busy")]
    Busy,
    /// A fault of Lisa or its database. The source is logged (with the
    /// request id, once, by [`render_errors`]) and never shown.
    #[error("internal error")]
    Internal(#[source] Arc<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    /// An internal error caused by `source`.
    pub fn internal(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        AppError::Internal(Arc::new(source))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Locked => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable problem type (the `type` member).
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not-found",
            AppError::BadRequest(_) => "bad-request",
            AppError::Validation(_) => "validation",
            AppError::Conflict(_) => "conflict",
            AppError::Locked => "too-many-attempts",
            AppError::Busy => "busy",
            AppError::Csrf => "csrf",
            AppError::Internal(_) => "internal",
        }
    }

    /// The translation key of the title.
    pub fn title_key(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "problem-unauthenticated",
            AppError::Forbidden => "problem-forbidden",
            AppError::NotFound => "problem-not-found",
            AppError::BadRequest(_) => "problem-bad-request",
            AppError::Validation(_) => "problem-validation",
            AppError::Conflict(_) => "problem-conflict",
            AppError::Locked => "problem-locked",
            AppError::Busy => "problem-busy",
            AppError::Csrf => "problem-csrf",
            AppError::Internal(_) => "problem-internal",
        }
    }

    /// Field errors and detail codes, for the body.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            AppError::Validation(v) => v.clone(),
            AppError::Conflict(e) => vec![e.clone()],
            AppError::BadRequest(code) => vec![FieldError::new("", code)],
            _ => Vec::new(),
        }
    }
}

impl From<store::StoreError> for AppError {
    fn from(e: store::StoreError) -> Self {
        crate::app::Error::from(e).into()
    }
}

impl From<crate::app::Error> for AppError {
    fn from(e: crate::app::Error) -> Self {
        use crate::app::Error as E;
        match e {
            E::Forbidden => AppError::Forbidden,
            E::NotFound => AppError::NotFound,
            E::Validation(v) => AppError::Validation(v),
            E::Conflict(f) => AppError::Conflict(f),
            E::Internal(source) => AppError::Internal(source),
        }
    }
}

impl From<domain::ValidationErrors> for AppError {
    fn from(e: domain::ValidationErrors) -> Self {
        AppError::Validation(e.0)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Validation(vec![e])
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::internal(e)
    }
}

/// Marks a response as an error to be rendered by [`render_errors`].
#[derive(Clone)]
struct Rendered(AppError);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = self.status().into_response();
        let retry_after = match self {
            AppError::Locked => Some("900"),
            AppError::Busy => Some("5"),
            _ => None,
        };
        if let Some(secs) = retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static(secs));
        }
        res.extensions_mut().insert(Rendered(self));
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;

pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The error body of the JSON API.
pub fn problem_json(err: &AppError, lang: Language) -> serde_json::Value {
    let errors: Vec<serde_json::Value> = err
        .field_errors()
        .into_iter()
        .map(|e| serde_json::json!({ "field": e.field, "code": e.code, "message": t(lang, e.code) }))
        .collect();
    let mut body = serde_json::json!({
        "type": format!("urn:lisa:problem:{}", err.kind()),
        "title": t(lang, err.title_key()),
        "status": err.status().as_u16(),
    });
    if !errors.is_empty() {
        body["errors"] = serde_json::Value::Array(errors);
    }
    body
}

/// Renders error responses: problem+json under `/api/`, an HTML page elsewhere,
/// and a redirect to the login page for anonymous visitors of pages. Also turns
/// axum's own rejections (a malformed form or JSON body, an unknown route) into
/// the same shapes. Titles and messages are in the user's language (for
/// anonymous callers the one their `Accept-Language` prefers, Swedish by
/// default), for pages and problem+json alike.
pub async fn render_errors(State(_state): State<SharedState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let visitor_lang =
        crate::i18n::from_accept_language(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let res = next.run(req).await;
    let session = res.extensions().get::<Session>().cloned();
    let lang = session.as_ref().map(|s| s.user.language).unwrap_or(visitor_lang);
    let err = match res.extensions().get::<Rendered>() {
        Some(Rendered(e)) => e.clone(),
        None => match res.status() {
            // A rejection by an extractor, or no such route: give it our shape.
            s if s.is_client_error() && !is_plain_ok_type(&res) => match s {
                StatusCode::NOT_FOUND => AppError::NotFound,
                StatusCode::METHOD_NOT_ALLOWED => AppError::BadRequest("error-method"),
                StatusCode::PAYLOAD_TOO_LARGE => AppError::BadRequest("error-too-large"),
                StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::BadRequest("error-media-type"),
                _ => AppError::BadRequest("error-malformed"),
            },
            _ => return res,
        },
    };
    if let AppError::Internal(source) = &err {
        // Once, here, inside the request's span (which names the route, the
        // request id and the user).
        tracing::error!(error = %ErrorChain(source.as_ref()), "internal error answered with 500");
    }
    if is_api(&path) {
        let body = problem_json(&err, lang);
        let mut out =
            (err.status(), [(header::CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response();
        carry_headers(&res, &mut out);
        return out;
    }
    if matches!(err, AppError::Unauthenticated) {
        let mut next_path = path.clone();
        if let Some(q) = query {
            next_path.push('?');
            next_path.push_str(&q);
        }
        let target =
            format!("/login?next={}", form_urlencoded::byte_serialize(next_path.as_bytes()).collect::<String>());
        return Redirect::to(&target).into_response();
    }
    let ctx = Ctx::new(lang, session.as_ref(), "");
    let mut out = render_error_page(&ctx, &err);
    carry_headers(&res, &mut out);
    out
}

/// Keeps cookies and `Retry-After` that a handler set on an error response.
fn carry_headers(from: &Response, to: &mut Response) {
    for name in [header::SET_COOKIE, header::RETRY_AFTER] {
        for v in from.headers().get_all(&name) {
            to.headers_mut().append(name.clone(), v.clone());
        }
    }
}

/// A 4xx that a handler built on purpose with its own body (a form shown
/// again with its errors) carries an HTML or JSON content type: leave it.
fn is_plain_ok_type(res: &Response) -> bool {
    res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
        ct.starts_with("text/html") || ct.starts_with("application/json") || ct.starts_with("application/problem+json")
    })
}

/// Displays an error with all its sources: `outer: inner: innermost`.
pub struct ErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut next = self.0.source();
        while let Some(e) = next {
            write!(f, ": {e}")?;
            next = e.source();
        }
        Ok(())
    }
}
