//! `GET /healthz` and Prometheus text metrics at `GET /metrics`: requests by
//! route and status, latency histograms by route, and the database pool.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::SharedState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        }
        if let Ok(mut m) = self.latency.lock() {
            let h = m.entry(route.to_owned()).or_default();
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    h.counts[i] += 1;
                }
            }
            h.sum += secs;
            h.count += 1;
        }
    }

    fn render(&self, pool: (u32, usize), backend: &str) -> String {
        let mut out = String::new();
        out.push_str("# HELP lisa_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE lisa_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((method, route, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "lisa_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP lisa_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE lisa_http_request_duration_seconds histogram\n");
        if let Ok(m) = self.latency.lock() {
            for (route, h) in m.iter() {
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "lisa_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "lisa_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(out, "lisa_http_request_duration_seconds_sum{{route=\"{route}\"}} {}", h.sum);
                let _ = writeln!(out, "lisa_http_request_duration_seconds_count{{route=\"{route}\"}} {}", h.count);
            }
        }
        out.push_str("# HELP lisa_db_pool_connections Open database connections.\n");
        out.push_str("# TYPE lisa_db_pool_connections gauge\n");
        let _ = writeln!(out, "lisa_db_pool_connections{{backend=\"{backend}\"}} {}", pool.0);
        out.push_str("# HELP lisa_db_pool_idle_connections Idle database connections.\n");
        out.push_str("# TYPE lisa_db_pool_idle_connections gauge\n");
        let _ = writeln!(out, "lisa_db_pool_idle_connections{{backend=\"{backend}\"}} {}", pool.1);
        out
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
            get(|State(state): State<SharedState>| async move {
                let body = state.metrics.render(state.store.pool_stats(), state.store.backend_name());
                ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
            }),
        )
}
