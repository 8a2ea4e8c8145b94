//! `GET /healthz` and Prometheus text metrics at `GET /metrics`: requests by
//! route and status, latency histograms by route, and the database pool.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::SharedState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// The OpenMetrics text format that [`prometheus_client::encoding::text`] writes.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    backend: &'static str,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    pool_open: Family<PoolLabels, Gauge>,
    pool_idle: Family<PoolLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: LatencyFamily = Family::new_with_constructor(|| Histogram::new(BUCKETS));
        let pool_open = Family::<PoolLabels, Gauge>::default();
        let pool_idle = Family::<PoolLabels, Gauge>::default();
        let mut registry = Registry::default();
        // A counter's samples get the `_total` suffix: lisa_http_requests_total.
        registry.register("lisa_http_requests", "HTTP requests by method, route and status", requests.clone());
        registry.register("lisa_http_request_duration_seconds", "Time to answer, by route", latency.clone());
        registry.register("lisa_db_pool_connections", "Open database connections", pool_open.clone());
        registry.register("lisa_db_pool_idle_connections", "Idle database connections", pool_idle.clone());
        Self { registry, requests, latency, pool_open, pool_idle }
    }
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        self.requests
            .get_or_create(&RequestLabels { method: method.to_owned(), route: route.to_owned(), status })
            .inc();
        self.latency.get_or_create(&RouteLabels { route: route.to_owned() }).observe(secs);
    }

    fn render(&self, pool: (u32, usize), backend: &'static str) -> Result<String, std::fmt::Error> {
        let labels = PoolLabels { backend };
        self.pool_open.get_or_create(&labels).set(i64::from(pool.0));
        self.pool_idle.get_or_create(&labels).set(i64::try_from(pool.1).unwrap_or(i64::MAX));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

/// Counts and times every request under its route template (never the raw
/// path, so ids do not blow up the label set).
pub async fn track(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    let route =
        req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let res = next.run(req).await;
    state.metrics.observe(&method, &route, res.status().as_u16(), start.elapsed().as_secs_f64());
    res
}

/// Who may read `/metrics`: a scraper with the bearer token (`--metrics-token`)
/// and, unless turned off (`--metrics-loopback false`), a client on the same
/// machine that came straight to Lisa (no forwarding header, so not through a
/// reverse proxy on the same machine). Everyone else gets 403: the figures
/// tell an outsider which pages are used, how often and how fast.
#[derive(Debug, Clone)]
pub struct Access {
    pub token: Option<String>,
    pub loopback: bool,
}

impl Default for Access {
    fn default() -> Self {
        Self { token: None, loopback: true }
    }
}

impl Access {
    pub fn allows(&self, peer: std::net::IpAddr, headers: &axum::http::HeaderMap) -> bool {
        let forwarded = headers.contains_key("x-forwarded-for") || headers.contains_key(header::FORWARDED);
        if self.loopback && peer.is_loopback() && !forwarded {
            return true;
        }
        let Some(token) = self.token.as_deref().filter(|t| !t.is_empty()) else { return false };
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compared as hashes, so the time taken does not tell how much matched.
        crate::session::hash_token(given.trim()) == crate::session::hash_token(token)
    }
}

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route(
            "/healthz",
            get(|State(state): State<SharedState>| async move {
                match state.store.ping().await {
                    Ok(()) => (StatusCode::OK, "ok").into_response(),
                    Err(e) => {
                        tracing::error!(error = %e, "health check failed");
                        (StatusCode::SERVICE_UNAVAILABLE, "databasen svarar inte").into_response()
                    }
                }
            }),
        )
        .route(
            "/metrics",
            get(
                |State(state): State<SharedState>,
                 axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
                 headers: axum::http::HeaderMap| async move {
                    if !state.config.metrics.allows(peer.ip(), &headers) {
                        return crate::error::AppError::Forbidden.into_response();
                    }
                    match state.metrics.render(state.store.pool_stats(), state.store.backend_name()) {
                        Ok(body) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response(),
                        Err(e) => crate::error::AppError::internal(e).into_response(),
                    }
                },
            ),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn metrics_need_loopback_or_the_token() {
        let local: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        let remote: std::net::IpAddr = "198.51.100.4".parse().unwrap();
        let none = HeaderMap::new();
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", HeaderValue::from_static("198.51.100.4"));
        let mut bearer = HeaderMap::new();
        bearer.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer hemlig-nyckel"));
        let mut wrong = HeaderMap::new();
        wrong.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer fel"));

        let default = Access::default();
        assert!(default.allows(local, &none));
        assert!(!default.allows(local, &proxied));
        assert!(!default.allows(remote, &none));
        assert!(!default.allows(remote, &bearer), "no token configured");

        let with_token = Access { token: Some("hemlig-nyckel".into()), loopback: false };
        assert!(!with_token.allows(local, &none));
        assert!(with_token.allows(remote, &bearer));
        assert!(!with_token.allows(remote, &wrong));
    }
}
