//! The register of steering documents through the API and the pages: bad
//! input stores nothing, a document applies down its organisation's subtree
//! and to nobody else, versions keep their files, implementation is recorded
//! per organisation, and the review lists what applies.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Body, TestApp};

pub async fn steering_documents_are_kept_and_scoped(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let social = app.org_id("Socialförvaltningen").await;
    let bou = app.org_id("Barn- och utbildningsförvaltningen").await;
    let ciso = app.login("ciso@exempla.se").await;
    let samordnare = app.login("samordnare@exempla.se").await;
    let chef = app.login("forvaltningschef@exempla.se").await;
    let region = app.login("ciso@region-exempla.se").await;

    // Bad input: every wrong field named, in Swedish, nothing stored.
    let before = app.store.verify_audit().await.unwrap().unwrap();
    let bad = json!({"org_id": kommun, "title": "", "kind": "memo", "status": "decided", "owner": "Kommundirektören",
        "review_interval_months": "500", "decided_on": "31 mars"});
    let res = ciso.send("POST", "/api/v1/steering-documents", Some(Body::Json(bad))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    for field in ["title", "kind", "review_interval_months", "decided_on", "decided_by"] {
        assert!(res.text.contains(field), "{field} not named: {}", res.text);
    }
    assert!(res.text.contains("från 1 till 120"), "{}", res.text);
    let res = ciso
        .post_form(
            "/steering",
            vec![("org_id", kommun.to_string()), ("title", "x".repeat(301)), ("kind", "routine".into())],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("aria-invalid"), "the form is shown again with its errors");
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "nothing written");

    // A routine of the kommun: its next review follows from the decision.
    let routine = json!({"org_id": kommun, "title": "Rutin för incidentrapportering", "kind": "routine",
        "status": "decided", "owner": "Informationssäkerhetssamordnaren", "decided_by": "Kommundirektören",
        "decided_on": "2026-01-20", "review_interval_months": "12"});
    let res = ciso.send("POST", "/api/v1/steering-documents", Some(Body::Json(routine))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let doc = res.json();
    assert_eq!(doc["next_review"], "2027-01-20");
    let id = doc["id"].as_str().unwrap().to_owned();
    let api = format!("/api/v1/steering-documents/{id}");

    // A change made against an old version is refused.
    let stale = json!({"updated_at": "2020-01-01T00:00:00Z", "title": "Ny titel", "kind": "routine",
        "owner": "Någon", "status": "draft"});
    let res = ciso.send("PUT", &api, Some(Body::Json(stale))).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    let fresh = json!({"updated_at": doc["updated_at"], "title": "Rutin för incidentrapportering", "kind": "routine",
        "status": "under_revision", "owner": "Informationssäkerhetssamordnaren", "decided_by": "Kommundirektören",
        "decided_on": "2026-01-20", "review_interval_months": "12"});
    let res = ciso.send("PUT", &api, Some(Body::Json(fresh))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["status"], "under_revision");

    // Versions keep their files, through the API and the page.
    let res = ciso
        .send(
            "POST",
            &format!("{api}/versions"),
            Some(Body::Json(json!({"label": "1.0", "file_name": "rutin.txt", "content_base64": "aGVqIGhlag=="}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let v1 = res.json()["id"].as_str().unwrap().to_owned();
    let res = ciso.send("POST", &format!("{api}/versions"), Some(Body::Json(json!({"label": "1.0"})))).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "a label is used once: {}", res.text);
    let res = ciso
        .send(
            "POST",
            &format!("{api}/versions"),
            Some(Body::Json(json!({"label": "1.1", "content_base64": "inte base64!"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let res = ciso
        .send(
            "POST",
            &format!("/steering/{id}/versions"),
            Some(Body::MultipartWith {
                fields: vec![
                    ("label", "2.0".into()),
                    ("decided_on", "2026-11-30".into()),
                    ("note", "Nya kontaktvägar.".into()),
                ],
                filename: "rutin-2.pdf",
                content: b"%PDF-1.4 rutin".to_vec(),
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let versions = ciso.get(&api).await.json()["versions"].clone();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    let v2 =
        versions.as_array().unwrap().iter().find(|v| v["label"] == "2.0").unwrap()["id"].as_str().unwrap().to_owned();
    let (status, _, bytes) = ciso.get_bytes(&format!("/steering-files/{v2}")).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, &b"%PDF-1.4 rutin"[..]));
    let (status, _, bytes) = ciso.get_bytes(&format!("/api/v1/steering-versions/{v1}/file")).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, &b"hej hej"[..]));

    // The kommun's documents apply to the förvaltning; another organisation sees none of them.
    for path in [
        api.clone(),
        format!("/steering/{id}"),
        format!("/steering-files/{v2}"),
        format!("/api/v1/steering-versions/{v1}/file"),
    ] {
        assert_eq!(region.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let list = region.get("/api/v1/steering-documents").await.json();
    assert!(list.as_array().unwrap().is_empty(), "{list}");
    let detail = chef.get(&api).await.json();
    let orgs: Vec<&str> =
        detail["implementation"].as_array().unwrap().iter().map(|x| x["org"].as_str().unwrap()).collect();
    assert_eq!(orgs, vec!["Socialförvaltningen"], "the chief sees only its own implementation");
    assert_eq!(
        chef.send("PUT", &api, Some(Body::Json(json!({"title": "x", "kind": "routine", "owner": "x"})))).await.status,
        StatusCode::FORBIDDEN
    );

    // A local directive of Barn- och utbildningsförvaltningen: Socialförvaltningen never sees it.
    let local = json!({"org_id": bou, "title": "Lokal anvisning för skolorna", "kind": "local_directive", "owner": "Förvaltningschefen"});
    let res = ciso.send("POST", "/api/v1/steering-documents", Some(Body::Json(local))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let bou_doc = res.json()["id"].as_str().unwrap().to_owned();
    for who in [&chef, &samordnare] {
        assert_eq!(who.get(&format!("/api/v1/steering-documents/{bou_doc}")).await.status, StatusCode::NOT_FOUND);
        let titles = who.get("/api/v1/steering-documents").await.text;
        assert!(!titles.contains("Lokal anvisning för skolorna"));
        assert!(titles.contains("Riktlinje för informationssäkerhet"), "the kommun's guideline applies");
    }
    // Nor may Socialförvaltningen's coordinator make it a parent.
    let sneaky = json!({"org_id": social, "title": "Rutin", "kind": "routine", "owner": "Erik", "parent_id": bou_doc});
    let res = samordnare.send("POST", "/api/v1/steering-documents", Some(Body::Json(sneaky))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);

    // The coordinator records the förvaltning's implementation, and only its own.
    let guideline = app.store.list_documents(&store::OrgScope::Org(kommun)).await.unwrap()[0].id;
    let imp = |org: uuid::Uuid| format!("/api/v1/steering-documents/{guideline}/implementation/{org}");
    let body = || Some(Body::Json(json!({"status": "implemented", "note": "Klart i oktober."})));
    assert_eq!(samordnare.send("PUT", &imp(social), body()).await.status, StatusCode::NO_CONTENT);
    assert_eq!(samordnare.send("PUT", &imp(bou), body()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(samordnare.send("PUT", &imp(kommun), body()).await.status, StatusCode::NOT_FOUND);
    let res = samordnare.send("PUT", &imp(social), Some(Body::Json(json!({"status": "klart"})))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A decision on governance names the document it changes; only one that applies.
    let reviews = chef.get("/api/v1/reviews").await.json();
    let draft =
        reviews.as_array().unwrap().iter().find(|r| r["status"] == "draft").unwrap()["id"].as_str().unwrap().to_owned();
    let decide = |doc: &str, kind: &str| {
        Some(Body::Json(json!({"kind": kind, "text": "Anvisningen revideras.", "responsible": "Förvaltningschefen",
            "deadline": "2027-06-30", "document_id": doc})))
    };
    let path = format!("/api/v1/reviews/{draft}/decisions");
    assert_eq!(
        samordnare.send("POST", &path, decide(&bou_doc, "governance")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        samordnare.send("POST", &path, decide(&guideline.to_string(), "improvement")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let res = samordnare.send("POST", &path, decide(&guideline.to_string(), "governance")).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);

    // The förvaltning's review lists what applies, the overdue directives marked, and names the document.
    let content = chef.get(&format!("/api/v1/reviews/{draft}")).await.json()["content"].clone();
    let docs = content["documents"].as_array().unwrap();
    assert!(docs.iter().any(|d| d["title"] == "Lokal anvisning för informationssäkerhet i socialförvaltningen" && d["own"] == true));
    assert!(
        docs.iter().any(|d| d["title"] == "Riktlinje för informationssäkerhet" && d["implementation"] == "implemented")
    );
    assert!(docs.iter().any(|d| d["overdue"] == true), "two directives are past their review");
    assert!(!docs.iter().any(|d| d["title"] == "Lokal anvisning för skolorna"));
    let decision = content["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["text"] == "Anvisningen revideras.")
        .unwrap()
        .clone();
    assert_eq!(decision["document"], "Riktlinje för informationssäkerhet");
    let page = chef.get(&format!("/reviews/{draft}")).await;
    assert!(page.text.contains("Styrdokument") && page.text.contains("Översyn försenad"));

    // The year wheel shows when documents are to be reviewed.
    let wheel = ciso.get("/yearwheel?year=2027").await;
    assert!(wheel.text.contains("Rutin för incidentrapportering") && wheel.text.contains("Översyn av styrdokument"));
}
