//! The audit log pages and API.

use reqwest::StatusCode;
use serde_json::json;

use crate::authz::fixture;
use crate::helpers::{Body, TestApp};

pub async fn audit_log_is_scoped_filtered_and_verifiable(app: &TestApp) {
    let f = fixture(app).await;
    let admin = app.login("admin@exempla.se").await;
    admin
        .send("PUT", &format!("/api/v1/orgs/{}", f.kommun_org), Some(Body::Json(json!({"name": "Social- och omsorgsförvaltningen", "kind": "administration", "parent_id": f.social_nämnd}))))
        .await;
    // The auditor of Exempla kommun sees the change, with before and after.
    let auditor = app.login("revisor@exempla.se").await;
    let page = auditor.get(&format!("/api/v1/audit?record_type=org&record_id={}", f.kommun_org)).await.json();
    let e = &page["entries"][0];
    assert_eq!(e["action"], "org.update");
    assert_eq!(e["before"]["name"], "Socialförvaltningen");
    assert_eq!(e["after"]["name"], "Social- och omsorgsförvaltningen");
    assert_eq!(e["changed_fields"], json!(["name"]));
    assert_eq!(e["actor"], "admin@exempla.se");
    let html = auditor.get(&format!("/audit?record_type=org&record_id={}", f.kommun_org)).await;
    assert!(html.text.contains("Organisation ändrad"));
    // Filters: by actor and period.
    let today = chrono::Utc::now().date_naive();
    let page = auditor.get(&format!("/api/v1/audit?actor=admin@exempla.se&from={today}&to={today}")).await.json();
    assert!(page["entries"].as_array().unwrap().iter().all(|e| e["actor"] == "admin@exempla.se"));
    assert!(!page["entries"].as_array().unwrap().is_empty());
    let page = auditor.get("/api/v1/audit?from=2001-01-01&to=2001-12-31").await.json();
    assert!(page["entries"].as_array().unwrap().is_empty());
    let res = auditor.get("/api/v1/audit?from=2026-13-01").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = auditor.get("/audit?from=2026-11-30&to=2026-11-01").await;
    assert!(res.text.contains("Slutdatumet måste vara"));
    // Paging.
    let page = auditor.get("/api/v1/audit?limit=3").await.json();
    assert_eq!(page["entries"].as_array().unwrap().len(), 3);
    let next = page["next_before"].as_i64().unwrap();
    let older = auditor.get(&format!("/api/v1/audit?limit=3&before={next}")).await.json();
    assert!(older["entries"][0]["seq"].as_i64().unwrap() < next);
    // The region's CISO sees none of it.
    let region = app.login("ciso@region-exempla.se").await;
    let page = region.get("/api/v1/audit?limit=500").await.json();
    let region_id = app.org_id("Region Exempla").await.to_string();
    let region_tree = app.store.org_tree().await.unwrap();
    for e in page["entries"].as_array().unwrap() {
        let org: uuid::Uuid = e["org_id"].as_str().unwrap().parse().unwrap();
        assert!(region_tree.is_in_subtree(region_id.parse().unwrap(), org), "{e}");
    }
    // The chain verifies; the log cannot be edited through the database either.
    assert!(app.store.verify_audit().await.unwrap().is_ok());
}
