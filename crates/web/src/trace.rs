//! One tracing span per request: method, route template, status, latency, a
//! request id (also sent back in `X-Request-Id`), and the user and their
//! organisations once the session is known (recorded by
//! [`crate::session::load_session`] through [`record_caller`]). The layer is
//! the outermost one, so every log line of a request carries its id.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use tracing::field::Empty;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest incoming request id that is taken over as it is.
const MAX_ID_LEN: usize = 64;

/// An incoming `X-Request-Id` (from a proxy) if it is a short token of
/// letters, digits and `-_.:`; otherwise a new UUID v7.
pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_safe_id(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

fn is_safe_id(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= MAX_ID_LEN
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Opens the request's span around everything else and answers with its id.
pub async fn trace_requests(req: Request, next: Next) -> Response {
    let id = request_id(req.headers());
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = Empty,
        path = Empty,
        request_id = %id,
        user_id = Empty,
        org_ids = Empty,
        status = Empty,
        latency_ms = Empty,
    );
    match req.extensions().get::<MatchedPath>() {
        Some(route) => span.record("route", route.as_str()),
        // No route matched: the raw path is all there is (it names no template).
        None => span.record("path", req.uri().path()),
    };
    let start = Instant::now();
    let mut res = next.run(req).instrument(span.clone()).await;
    let latency_ms = start.elapsed().as_secs_f64() * 1000.0;
    span.record("status", res.status().as_u16());
    span.record("latency_ms", latency_ms);
    span.in_scope(|| tracing::info!(target: "lisa::access", status = res.status().as_u16(), latency_ms, "answered"));
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res
}

/// Records the signed-in user and the organisations of their roles in the
/// current request's span (ids only).
pub fn record_caller(user_id: uuid::Uuid, org_ids: &[uuid::Uuid]) {
    let span = tracing::Span::current();
    span.record("user_id", tracing::field::display(user_id));
    if !org_ids.is_empty() {
        let orgs = org_ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
        span.record("org_ids", orgs.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(id: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(id) {
            h.insert(REQUEST_ID, v);
        }
        h
    }

    #[test]
    fn safe_ids_are_kept_and_others_replaced() {
        assert_eq!(request_id(&with("abc-123_x.y:z")), "abc-123_x.y:z");
        for hostile in ["", "a b", "a\tb", "<script>", "ä", &"x".repeat(65)] {
            let got = request_id(&with(hostile));
            assert_ne!(got, hostile);
            assert!(uuid::Uuid::parse_str(&got).is_ok(), "{got}");
        }
        assert!(uuid::Uuid::parse_str(&request_id(&HeaderMap::new())).is_ok());
    }
}
