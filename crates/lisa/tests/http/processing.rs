//! The processing register (GDPR art. 30), consequence assessments (art. 35)
//! and data-processing agreements (art. 28) through the pages and the API:
//! an import refused by row and field then stored, a record flagged
//! incomplete then complete, a system lacking an agreement flagged until an
//! agreement covers it, a DPIA calling for prior consultation, and hostile
//! callers refused.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Body, TestApp};

/// Standard base64 with padding.
fn b64(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn find<'a>(list: &'a Value, name: &str) -> Option<&'a Value> {
    list.as_array().unwrap().iter().find(|p| p["processing"]["name"] == name)
}

pub async fn processing_register_is_imported_completed_and_flagged(app: &TestApp) {
    let social = app.org_id("Socialförvaltningen").await;
    let dpo = app.login("dso@exempla.se").await;
    let list = format!("/api/v1/processings?org={social}");

    // An import with errors: 422 naming row and field, nothing stored.
    let before = app.store.verify_audit().await.unwrap().unwrap();
    let bad = "Namn;Ändamål;Rättslig grund\nTestets elevregister;Skola;e\nTestets bygglov;Bygglov;f\n;Utan namn;e\n";
    let body = json!({"org_id": social, "file_name": "lista.csv", "content_base64": b64(bad)});
    let res = dpo.send("POST", "/api/v1/processings/import", Some(Body::Json(body))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let errors = res.json()["errors"].clone();
    assert!(errors.as_array().unwrap().iter().any(|e| e["row"] == 3 && e["field"] == "legal_basis"), "{errors}");
    assert!(errors.as_array().unwrap().iter().any(|e| e["row"] == 4 && e["field"] == "name"), "{errors}");
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "nothing stored");
    let page = dpo
        .send(
            "POST",
            "/registers/processings/import",
            Some(Body::MultipartWith {
                fields: vec![("org_id", social.to_string())],
                filename: "lista.csv",
                content: bad.as_bytes().to_vec(),
            }),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text.contains("intresseavvägning"), "the Swedish message: {}", page.text);

    // Fixed: stored, and the record is flagged incomplete.
    let good = "Namn;Ändamål;Rättslig grund\nTestets elevregister;Skola;e\n";
    let body = json!({"org_id": social, "file_name": "lista.csv", "content_base64": b64(good)});
    let res = dpo.send("POST", "/api/v1/processings/import", Some(Body::Json(body))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["imported"], 1);
    let all = dpo.get(&list).await.json();
    let p = find(&all, "Testets elevregister").expect("imported").clone();
    assert_eq!(p["complete"], false);
    assert!(p["missing"].as_array().unwrap().iter().any(|m| m == "legal_provision"), "{p}");
    let id = p["processing"]["id"].as_str().unwrap().to_owned();
    let html = dpo.get(&format!("/registers/processings?org={social}")).await;
    assert!(html.text.contains("Saknar uppgifter"), "flagged incomplete");

    // Completed through the page form.
    let full = vec![
        ("name", "Testets elevregister".to_owned()),
        ("purpose", "Skoladministration".into()),
        ("legal_basis", "public_task".into()),
        ("legal_provision", "Skollagen (2010:800)".into()),
        ("data_subjects", "Elever".into()),
        ("personal_data", "Kontaktuppgifter".into()),
        ("recipients", "Inga".into()),
        ("transfers", "no".into()),
        ("retention", "Gallras efter tre år".into()),
        ("security_measures", "Behörighetsstyrning".into()),
        ("needs_dpia", "yes".into()),
    ];
    let res = dpo.post_form(&format!("/registers/processings/{id}"), full.clone()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let p = dpo.get(&format!("/api/v1/processings/{id}")).await.json();
    assert_eq!(p["complete"], true, "{p}");
    assert_eq!(p["dpia_missing"], true, "a DPIA is needed and missing");

    // Legitimate interests are refused for a kommun's förvaltning, in Swedish.
    let mut f = full.clone();
    f[2].1 = "legitimate_interests".into();
    let res = dpo.post_form(&format!("/registers/processings/{id}"), f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("för sina uppgifter (artikel 6.1 f"), "{}", res.text);

    // A system with personal data at a supplier lacks an agreement until one covers it.
    let system = domain::assets::system::SystemFields {
        name: "Testets lärplattform".into(),
        supplier: "Molnet AB".into(),
        processes_personal_data: "ja".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let system = app.store.insert_system(&store::Actor::cli(), social, system).await.unwrap();
    let flagged = |v: &Value| {
        v["systems_without_agreement"].as_array().unwrap().iter().any(|s| s["system_id"] == system.id.to_string())
    };
    let agreements = format!("/api/v1/agreements?org={social}");
    assert!(flagged(&dpo.get(&agreements).await.json()));
    let html = dpo.get(&format!("/registers/agreements?org={social}")).await;
    assert!(html.text.contains("Saknar biträdesavtal") && html.text.contains("Testets lärplattform"));
    let res = dpo
        .send(
            "POST",
            "/api/v1/agreements",
            Some(Body::Json(json!({"org_id": social, "supplier": "Molnet AB", "signed_on": "2025-01-01",
                "systems": [system.id], "processings": [id]}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert!(!flagged(&dpo.get(&agreements).await.json()), "the agreement covers it");

    // A DPIA with a high residual risk and no consultation is flagged.
    let dpia = json!({"description": "Elevregistret", "purposes": "Skoladministration", "necessity": "Krävs",
        "risks": "Röjande", "measures": "Loggning", "dpo_advice": "Tillstyrks", "residual_level": "high",
        "prior_consultation": "nej"});
    let res = dpo.send("POST", &format!("/api/v1/processings/{id}/dpias"), Some(Body::Json(dpia))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let d = res.json()["id"].as_str().unwrap().to_owned();
    let v = dpo.get(&format!("/api/v1/dpias/{d}")).await.json();
    assert_eq!(v["consultation_missing"], true, "{v}");
    let html = dpo.get(&format!("/registers/processings?org={social}")).await;
    assert!(html.text.contains("Förhandssamråd med IMY saknas"));
    assert!(dpo.get(&format!("/registers/dpias/{d}")).await.text.contains("förhandssamråd"));

    // The record as files.
    let csv = dpo.get(&format!("/registers/processings.csv?org={social}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text.contains("Testets elevregister") && csv.text.contains("Rättslig grund"));
    let (status, _, bytes) = dpo.get_bytes(&format!("/registers/processings.xlsx?org={social}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"));
    let (status, _, bytes) = dpo.get_bytes("/registers/processings/template.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"));
}

pub async fn processing_register_refuses_hostile_users(app: &TestApp) {
    let social = app.org_id("Socialförvaltningen").await;
    let bou = app.org_id("Barn- och utbildningsförvaltningen").await;
    let dpo = app.login("dso@exempla.se").await;
    let res = dpo
        .send("POST", "/api/v1/processings", Some(Body::Json(json!({"org_id": social, "name": "Testets ärenden"}))))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "the kommun's DPO writes: {}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let other = app.user_at("samordnare.bou@exempla.se", domain::user::Role::Coordinator, bou).await;
    let owner = app.login("agare@exempla.se").await;
    let outsider = app.login("ciso@region-exempla.se").await;
    let analyst = app.login("analytiker@samordning.example").await;
    let before = app.store.verify_audit().await.unwrap().unwrap();
    let res =
        other.send("POST", "/api/v1/processings", Some(Body::Json(json!({"org_id": social, "name": "Intrång"})))).await;
    assert!(matches!(res.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", res.text);
    let res = other.send("PUT", &format!("/api/v1/processings/{id}"), Some(Body::Json(json!({"name": "X"})))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&format!("/registers/processings/{id}")).await.status, StatusCode::NOT_FOUND);

    assert_eq!(owner.get(&format!("/api/v1/processings/{id}")).await.status, StatusCode::OK, "the owner reads");
    let res = owner.send("PUT", &format!("/api/v1/processings/{id}"), Some(Body::Json(json!({"name": "X"})))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "the owner does not write");
    let res =
        owner.post_form("/registers/processings", vec![("org_id", social.to_string()), ("name", "X".into())]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    assert_eq!(outsider.get(&format!("/api/v1/processings/{id}")).await.status, StatusCode::NOT_FOUND);
    let list = outsider.get("/api/v1/processings").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.text.contains("Testets ärenden"));
    assert_eq!(analyst.get("/registers/processings").await.status, StatusCode::FORBIDDEN);
    assert_eq!(analyst.get(&format!("/api/v1/processings/{id}")).await.status, StatusCode::FORBIDDEN);

    // Bad input: 422 with the Swedish message, nothing written.
    let res = dpo
        .send("PUT", &format!("/api/v1/processings/{id}"), Some(Body::Json(json!({"name": "", "transfers": "kanske"}))))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Fyll i fältet"), "{}", res.text);
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "a refused request wrote something");
}
