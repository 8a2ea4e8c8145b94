//! Lisa's web layer: HTML pages, the JSON API, authentication and
//! authorisation. Handlers parse and authorise, ask the domain to decide and
//! the store to persist, then render.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware;
use tower_http::set_header::SetResponseHeaderLayer;

mod api;
pub mod app;
mod assets;
mod auth;
pub mod client;
mod error;
pub mod escalation;
pub mod i18n;
pub mod metrics;
mod pages;
pub mod reminders;
pub mod render;
mod session;
mod trace;

pub use api::openapi_json;
pub use auth::{hash_password, verify_password};
pub use pages::page_routes;

/// Routes that neither the pages' table nor the OpenAPI document lists:
/// the document itself, the static assets and the service endpoints
/// (`api::routes`, `assets::routes`, `metrics::routes`).
const UNDOCUMENTED_ROUTES: [&str; 6] =
    ["/api/v1/openapi.json", "/static/lisa.css", "/static/autosave.js", "/static/favicon.svg", "/healthz", "/metrics"];

/// Every (method, path) the application answers, paths in axum's `{param}`
/// form: the pages' route table, the API as its OpenAPI document describes
/// it, and the few undocumented GET routes. Tests hold the authorisation
/// matrix against it, so a route added without its row fails.
pub fn route_table() -> Vec<(axum::http::Method, String)> {
    let mut out: Vec<(axum::http::Method, String)> =
        page_routes().into_iter().map(|(method, path)| (method, path.to_owned())).collect();
    let doc: serde_json::Value = serde_json::from_str(&openapi_json()).expect("the OpenAPI document is JSON");
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flat_map(|o| o.keys()) {
            if let Ok(m) = axum::http::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                && matches!(m.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE")
            {
                out.push((m, path.clone()));
            }
        }
    }
    out.extend(UNDOCUMENTED_ROUTES.iter().map(|p| (axum::http::Method::GET, (*p).to_owned())));
    out
}

/// A management review's report (the content the PDF and DOCX show), built
/// outside a request, for benchmarks and tools.
pub async fn review_report(
    store: &store::Store,
    id: uuid::Uuid,
    lang: domain::user::Language,
) -> app::Result<documents::report::Report> {
    let models = app::assessment::ModelCache::default();
    let r = store.find_review(id).await?.ok_or(app::Error::NotFound)?;
    let tree = store.org_tree().await?;
    let c = app::review::content(store, &models, &tree, &r).await?;
    Ok(pages::review::report(&pages::Ctx::new(lang, None, ""), &r, &c))
}

/// Compiles and adopts a management review outside a request (for the demo
/// data): the same steps as management's adopt button.
pub async fn adopt_review(
    store: &store::Store,
    actor: &store::Actor,
    adopted_by: &str,
    adopted_on: chrono::NaiveDate,
    id: uuid::Uuid,
) -> app::Result<Vec<store::Action>> {
    let models = app::assessment::ModelCache::default();
    app::review::adopt_as(store, &models, actor, adopted_by, adopted_on, id).await
}

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct Config {
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// And in any case this long after login.
    pub session_max: Duration,
    pub throttle: domain::throttle::ThrottlePolicy,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Who may read `/metrics`.
    pub metrics: metrics::Access,
    /// How many reports (PDF, Word) are rendered at once, and how many more may wait.
    pub renders: render::Limits,
    /// Refuse (500) a PDF laid out wrongly instead of sending it: the
    /// tests turn it on, so every PDF they fetch is checked.
    pub check_layout: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(30 * 60),
            session_max: Duration::from_secs(12 * 3600),
            throttle: domain::throttle::ThrottlePolicy::default(),
            trusted_proxies: Vec::new(),
            metrics: metrics::Access::default(),
            renders: render::Limits::default(),
            check_layout: false,
        }
    }
}

pub struct AppState {
    pub store: Arc<store::Store>,
    pub config: Config,
    pub metrics: metrics::Metrics,
    pub models: app::assessment::ModelCache,
    /// The bounded queue of report rendering.
    pub renders: render::Gate,
}

pub type SharedState = Arc<AppState>;

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
                   script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                   base-uri 'none'";

/// The whole application as one router.
pub fn app(store: store::Store, config: Config) -> Router {
    app_shared(Arc::new(store), config)
}

/// The application over a store that others (background tasks) share.
pub fn app_shared(store: Arc<store::Store>, config: Config) -> Router {
    let renders = render::Gate::new(config.renders);
    let state: SharedState =
        Arc::new(AppState { store, config, metrics: metrics::Metrics::default(), models: Default::default(), renders });
    let routes =
        Router::new().merge(pages::routes()).merge(api::routes()).merge(assets::routes()).merge(metrics::routes());
    routes
        // Innermost first: the session is read and CSRF checked before any
        // handler runs; errors (also the session layer's own) are rendered
        // outside it, knowing the session's language.
        .layer(middleware::from_fn_with_state(state.clone(), session::load_session))
        .layer(middleware::from_fn_with_state(state.clone(), error::render_errors))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(2 * 1024 * 1024))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        // Outermost: the request's span (with its id) covers every layer
        // above, so the error renderer's log lines carry the id too.
        .layer(middleware::from_fn(trace::trace_requests))
        .with_state(state)
}

/// Serves `app` on an already bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
