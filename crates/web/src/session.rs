//! Server-side sessions and CSRF protection, applied to every request in one
//! middleware before any handler runs.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::authz::Principal;
use rand::RngCore;

use crate::SharedState;
use crate::error::{AppError, is_api};

pub const COOKIE: &str = "lisa_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf";

/// The signed-in user of this request.
#[derive(Clone)]
pub struct Session {
    pub token_hash: String,
    pub csrf: String,
    pub user: Arc<store::User>,
    pub principal: Arc<Principal>,
    /// The user's role assignments as stored (with their ids), read with the session.
    pub assignments: Arc<Vec<store::AssignmentRow>>,
    /// The data's version when the session was read (the audit head's
    /// sequence): what this request's kept organisation tree is read at.
    pub data_version: i64,
}

impl Session {
    /// The caller of a use case in the application layer.
    #[allow(dead_code, reason = "the use cases that take it arrive in the application-layer branches")]
    pub fn caller(&self) -> crate::app::Caller {
        crate::app::Caller {
            user: self.user.clone(),
            principal: self.principal.clone(),
            data_version: self.data_version,
        }
    }
}

/// A random token, hex-encoded (256 bits).
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub use crate::app::hash_token;

pub fn session_cookie(token: &str) -> String {
    format!("{COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Lax")
}

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0")
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Looks up the session of the cookie, if any and still valid.
async fn find(state: &SharedState, headers: &HeaderMap) -> Result<Option<Session>, AppError> {
    let Some(token) = cookie_value(headers, COOKIE) else {
        return Ok(None);
    };
    if token.len() != 64 {
        return Ok(None);
    }
    let token_hash = hash_token(token);
    let Some((row, user, assignments, data_version)) = state.store.find_session_user(&token_hash).await? else {
        return Ok(None);
    };
    let now = domain::now();
    let idle = chrono::Duration::from_std(state.config.session_idle).unwrap_or(chrono::Duration::minutes(30));
    let max = chrono::Duration::from_std(state.config.session_max).unwrap_or(chrono::Duration::hours(12));
    if row.last_seen_at + idle < now || row.created_at + max < now {
        state.store.delete_session(&token_hash).await?;
        return Ok(None);
    }
    if !user.active {
        return Ok(None);
    }
    let principal = Principal::new(user.id, assignments.iter().map(|a| a.assignment()).collect());
    // Write the activity time at most once a minute, not on every request.
    if row.last_seen_at + chrono::Duration::seconds(60) < now {
        state.store.touch_session(&token_hash, now).await?;
    }
    Ok(Some(Session {
        token_hash,
        csrf: row.csrf_token,
        user: Arc::new(user),
        principal: Arc::new(principal),
        assignments: Arc::new(assignments),
        data_version,
    }))
}

fn unsafe_method(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses cross-site writes by the browser's own headers: `Sec-Fetch-Site`
/// and `Origin` must not name another site.
fn cross_site(headers: &HeaderMap) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some("null"), _) => true,
        (Some(o), Some(h)) => {
            let o = o.split_once("://").map(|(_, rest)| rest).unwrap_or(o);
            o != h
        }
        _ => false,
    }
}

/// The value of a short text field of a multipart/form-data body (the CSRF
/// token), found by its part header; `None` if absent.
fn multipart_field(body: &[u8], name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let pos = body.windows(marker.len()).position(|w| w == marker.as_bytes())?;
    let rest = &body[pos..];
    let start = rest.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let value = &rest[start..];
    let end = value.windows(2).position(|w| w == b"\r\n")?;
    std::str::from_utf8(&value[..end]).ok().map(str::to_owned)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Loads the session into the request and checks CSRF on every unsafe request:
/// API calls authenticated by the cookie send the token in `X-CSRF-Token`,
/// HTML forms in a hidden `csrf` field.
pub async fn load_session(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let session = match find(&state, &parts.headers).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    if let Some(s) = &session {
        let mut orgs: Vec<uuid::Uuid> = s.principal.assignments.iter().filter_map(|a| a.org_id).collect();
        orgs.sort();
        orgs.dedup();
        crate::trace::record_caller(s.user.id, &orgs);
    }
    let path = parts.uri.path().to_owned();
    let mut body = body;
    if unsafe_method(&parts.method) {
        if cross_site(&parts.headers) {
            return with_session(AppError::Csrf.into_response(), session);
        }
        if let Some(s) = &session {
            let ok = if is_api(&path) {
                parts
                    .headers
                    .get(CSRF_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| constant_time_eq(v, &s.csrf))
            } else {
                let bytes = match axum::body::to_bytes(body, 2 * 1024 * 1024).await {
                    Ok(b) => b,
                    Err(_) => return AppError::BadRequest("error-too-large").into_response(),
                };
                let multipart = parts
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|ct| ct.starts_with("multipart/form-data"));
                let found = if multipart {
                    multipart_field(&bytes, CSRF_FIELD).is_some_and(|v| constant_time_eq(&v, &s.csrf))
                } else {
                    form_urlencoded::parse(&bytes)
                        .find(|(k, _)| k == CSRF_FIELD)
                        .is_some_and(|(_, v)| constant_time_eq(&v, &s.csrf))
                };
                body = Body::from(bytes);
                found
            };
            // Logging in again over a stale session is allowed: login makes a new one.
            let exempt = path == "/api/v1/session" && parts.method == Method::POST;
            if !ok && !exempt {
                return with_session(AppError::Csrf.into_response(), session);
            }
        }
    }
    if let Some(s) = &session {
        parts.extensions.insert(s.clone());
    }
    let mut res = next.run(Request::from_parts(parts, body)).await;
    // For the error renderer outside this layer.
    if let Some(s) = session {
        res.extensions_mut().insert(s);
    }
    res
}

fn with_session(mut res: Response, session: Option<Session>) -> Response {
    if let Some(s) = session {
        res.extensions_mut().insert(s);
    }
    res
}

/// The signed-in user; anonymous requests are refused with
/// [`AppError::Unauthenticated`] (a redirect to the login page for pages).
pub struct CurrentUser(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Session>().cloned().map(CurrentUser).ok_or(AppError::Unauthenticated)
    }
}

/// The session if there is one.
pub struct MaybeUser(pub Option<Session>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(parts.extensions.get::<Session>().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_site_detection() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "lisa.exempla.se".parse().unwrap());
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, "https://lisa.exempla.se".parse().unwrap());
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(cross_site(&h));
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(cross_site(&h));
    }

    #[test]
    fn the_token_is_found_in_a_multipart_body() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc123\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nx\r\n--b--\r\n";
        assert_eq!(multipart_field(body, "csrf").as_deref(), Some("abc123"));
        assert_eq!(multipart_field(body, "other"), None);
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; lisa_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie_value(&h, COOKIE), Some("abc"));
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
    }
}
