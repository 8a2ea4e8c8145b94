//! Errors as problem+json, health, metrics and security headers.

use reqwest::StatusCode;

use crate::helpers::{Body, TestApp};

pub async fn errors_are_problem_json_in_swedish(app: &TestApp) {
    let admin = app.login("admin@exempla.se").await;
    let res = admin.get("/api/v1/orgs/00000000-0000-0000-0000-000000000000").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.content_type().starts_with("application/problem+json"));
    let p = res.json();
    assert_eq!(p["type"], "urn:lisa:problem:not-found");
    assert_eq!(p["title"], "Sidan eller uppgiften finns inte");
    assert_eq!(p["status"], 404);
    // Malformed id, malformed JSON, wrong content type: 4xx with a Swedish problem, never 500.
    for (method, path, body) in [
        ("GET", "/api/v1/orgs/inte-ett-id", None),
        ("POST", "/api/v1/orgs", Some("{ inte json")),
        ("POST", "/api/v1/orgs", Some("[1,2,3]")),
        ("PUT", "/api/v1/orgs/00000000-0000-0000-0000-000000000000", Some("{\"name\":1}")),
    ] {
        let mut req = admin
            .http
            .request(method.parse().unwrap(), format!("{}{}", admin.base, path))
            .header("cookie", admin.cookie.clone().unwrap());
        req = req.header("x-csrf-token", admin.csrf.clone().unwrap());
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let ct = res.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(status.is_client_error(), "{method} {path}: {status}");
        assert!(ct.starts_with("application/problem+json"), "{method} {path}");
        assert!(
            body["title"].as_str().unwrap().chars().any(|c| "åäö".contains(c))
                || body["title"].as_str().unwrap().contains("kunde"),
            "{body}"
        );
    }
    // An unknown page is a Swedish 404 page.
    let res = admin.get("/finns-inte").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.text.contains("Sidan eller uppgiften finns inte"));
    // A malformed form: a Swedish 4xx page.
    let res = admin.send("POST", "/orgs/inte-ett-id", Some(Body::Form(vec![("name", "x".into())]))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

pub async fn service_endpoints_and_headers(app: &TestApp) {
    let anon = app.anonymous();
    let res = anon.get("/healthz").await;
    assert_eq!(res.status, StatusCode::OK);
    let res = anon.get("/login").await;
    let csp = res.headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"));
    assert_eq!(res.headers.get("x-frame-options").unwrap(), "DENY");
    assert_eq!(anon.get("/static/lisa.css").await.status, StatusCode::OK);
    let spec = anon.get("/api/v1/openapi.json").await.json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(spec["info"]["title"], "Lisa API");
    for p in [
        "/api/v1/orgs",
        "/api/v1/orgs/{id}",
        "/api/v1/users",
        "/api/v1/users/{id}/roles",
        "/api/v1/audit",
        "/api/v1/session",
    ] {
        assert!(spec["paths"][p].is_object(), "{p} missing from the OpenAPI document");
    }
    let metrics = anon.get("/metrics").await.text;
    assert!(metrics.contains("lisa_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"));
    assert!(metrics.contains("lisa_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("lisa_db_pool_connections"));
}
