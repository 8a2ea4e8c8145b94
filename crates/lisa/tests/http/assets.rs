//! Information assets and systems through the pages and the API: the import
//! all or nothing (an error first, then right), classification with its
//! history, actions from the protection requirements, the list's status,
//! the exports, API parity, and hostile callers refused.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Body, TestApp};

/// Standard base64 with padding (the API's file uploads).
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

async fn count_assets(app: &TestApp, org: uuid::Uuid) -> usize {
    app.store.list_assets(&store::OrgScope::Org(org)).await.unwrap().len()
}

async fn count_systems(app: &TestApp, org: uuid::Uuid) -> usize {
    app.store.list_systems(&store::OrgScope::Org(org)).await.unwrap().len()
}

fn upload(org: uuid::Uuid, name: &'static str, content: &str) -> Option<Body> {
    Some(Body::MultipartWith { fields: vec![("org_id", org.to_string())], filename: name, content: content.into() })
}

pub async fn assets_are_imported_classified_and_planned(app: &TestApp) {
    let social = app.org_id("Socialförvaltningen").await;
    let ciso = app.login("ciso@exempla.se").await;
    let systems_before = count_systems(app, social).await;
    let assets_before = count_assets(app, social).await;

    // A system list with a wrong row: 422 naming the row and the column, nothing stored.
    let wrong = "Systemnamn;Systemägare;Objektledare;Leverantör;Drift;Land;Personuppgifter\n\
                 Journalsystemet Test;Socialchef;Anna;Vårdbolaget AB;Molntjänst;SE;ja\n\
                 Lönesystemet Test;;;Visma;moln;;kanske\n";
    let res = ciso.send("POST", "/registers/systems/import", upload(social, "system.csv", wrong)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("<td>3</td><td>Land</td>"), "row and column named: {}", res.text);
    assert!(res.text.contains("<td>3</td><td>Personuppgifter</td>"), "{}", res.text);
    assert_eq!(count_systems(app, social).await, systems_before, "nothing stored");

    let right = "Systemnamn;Systemägare;Objektledare;Leverantör;Drift;Land;Personuppgifter\n\
                 Journalsystemet Test;Socialchef;Anna;Vårdbolaget AB;Molntjänst;US;ja\n\
                 Lönesystemet Test;;;;egen drift;;nej\n";
    let res = ciso.send("POST", "/registers/systems/import", upload(social, "system.csv", right)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(count_systems(app, social).await, systems_before + 2);
    // The same names again clash by row.
    let res = ciso.send("POST", "/registers/systems/import", upload(social, "system.csv", right)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("<td>2</td><td>Namn</td>"), "{}", res.text);

    // An asset list: an error first (English header), then right.
    let wrong = "Name,Information owner\nBarnakter Test,Socialchef\nBeslut Test,\n";
    let res = ciso.send("POST", "/registers/assets/import", upload(social, "assets.csv", wrong)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("<td>3</td><td>Informationsägare</td>"), "{}", res.text);
    assert_eq!(count_assets(app, social).await, assets_before, "nothing stored");
    let right = "Name,Information owner\nBarnakter Test,Socialchef\nBeslut Test,Socialchef\n";
    let res = ciso.send("POST", "/registers/assets/import", upload(social, "assets.csv", right)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(count_assets(app, social).await, assets_before + 2);

    let list = ciso.get(&format!("/api/v1/assets?org={social}")).await.json();
    let find = |name: &str| {
        list.as_array().unwrap().iter().find(|a| a["asset"]["name"] == json!(name)).unwrap()["asset"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let asset = find("Barnakter Test");
    assert_eq!(
        list.as_array().unwrap().iter().find(|a| a["asset"]["id"] == json!(asset)).unwrap()["status"],
        "unclassified"
    );
    let systems = ciso.get(&format!("/api/v1/systems?org={social}")).await.json();
    let journal =
        systems.as_array().unwrap().iter().find(|s| s["system"]["name"] == json!("Journalsystemet Test")).unwrap();
    let journal_id = journal["system"]["id"].as_str().unwrap().to_owned();
    assert_eq!(journal["without_agreement"], json!(true), "personal data at a supplier without an agreement");
    assert_eq!(journal["third_country"], json!(true));

    // Link the system through the page.
    let res =
        ciso.post_form(&format!("/registers/assets/{asset}/systems"), vec![("systems", journal_id.clone())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);

    // Classify: a wrong form is 422 in Swedish with nothing stored, then right.
    let before = app.store.verify_audit().await.unwrap().unwrap();
    let res = ciso
        .post_form(
            &format!("/registers/assets/{asset}/classification"),
            vec![("level_confidentiality", "9".into()), ("motivation", String::new())],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("class=\"field-error\""), "{}", res.text);
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "nothing written");
    let page = ciso.get(&format!("/registers/assets/{asset}")).await;
    assert!(page.text.contains("K3 – Betydande skada"), "levels named in the select: {}", page.text);
    let res = ciso
        .post_form(
            &format!("/registers/assets/{asset}/classification"),
            vec![
                ("level_confidentiality", "3".into()),
                ("level_integrity", "2".into()),
                ("level_availability", "2".into()),
                ("motivation", "Sekretess enligt OSL 26 kap.".into()),
                ("classified_on", domain::clock::today().to_string()),
                ("classified_by", "Socialchef".into()),
                ("next_review", (domain::clock::today() + chrono::Days::new(365)).to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let list = ciso.get(&format!("/registers/assets?org={social}")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains("K3 R2 T2") && list.text.contains("Aktuell"), "{}", list.text);

    // The system takes its levels from the asset.
    let page = ciso.get(&format!("/registers/systems/{journal_id}")).await;
    assert!(page.text.contains("K3 R2 T2") && page.text.contains("Biträdesavtal saknas"), "{}", page.text);

    // Actions from the requirements, once.
    let res = ciso.post_form(&format!("/registers/assets/{asset}/actions"), vec![]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let detail = ciso.get(&format!("/api/v1/assets/{asset}")).await.json();
    let made = detail["actions"].as_array().unwrap().len();
    assert!(made >= 5, "{detail}");
    assert_eq!(made, detail["requirements"].as_array().unwrap().len());
    assert!(detail["actions"][0]["origin_ref"].as_str().unwrap().starts_with(&asset));
    let res = ciso.post_form(&format!("/registers/assets/{asset}/actions"), vec![]).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "refused twice: {}", res.text);
    let res = ciso.send("POST", &format!("/api/v1/assets/{asset}/actions"), None).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);

    // Exports.
    let (status, headers, bytes) = ciso.get_bytes(&format!("/registers/assets.xlsx?org={social}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(bytes.starts_with(b"PK"));
    let (status, _, bytes) = ciso.get_bytes(&format!("/registers/assets.csv?org={social}")).await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(bytes).unwrap();
    assert!(csv.contains("Barnakter Test") && csv.contains("K3 R2 T2"), "{csv}");
    let (status, _, bytes) = ciso.get_bytes(&format!("/registers/systems.csv?org={social}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(bytes).unwrap().contains("Journalsystemet Test"));
    let (status, _, bytes) = ciso.get_bytes("/registers/systems.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"));
    // The template reads back as an (empty) import: its header is recognised.
    let (status, _, template) = ciso.get_bytes("/registers/assets/template.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let rows = documents::read_sheet(&template, "Informationstillgångar").unwrap();
    assert_eq!(rows[0][0], "Namn");

    // API parity.
    let model = ciso.get("/api/v1/registers/classification-model").await.json();
    assert_eq!(model["aspects"][0]["code"], "confidentiality");
    let res = ciso
        .send(
            "POST",
            "/api/v1/assets",
            Some(Body::Json(json!({"org_id": social, "name": "API-akter", "information_owner": "Socialchef"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let res = ciso
        .send(
            "PUT",
            &format!("/api/v1/assets/{id}"),
            Some(Body::Json(json!({"name": "API-akter", "information_owner": "Förvaltningschef"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let c = json!({"levels": {"confidentiality": "2", "integrity": "1", "availability": "1"},
        "motivation": "Interna uppgifter", "classified_on": domain::clock::today().to_string(),
        "classified_by": "Socialchef", "next_review": (domain::clock::today() + chrono::Days::new(30)).to_string()});
    let res = ciso.send("POST", &format!("/api/v1/assets/{id}/classifications"), Some(Body::Json(c.clone()))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = ciso.send("POST", &format!("/api/v1/assets/{id}/classifications"), Some(Body::Json(c))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = ciso
        .send("PUT", &format!("/api/v1/assets/{id}/systems"), Some(Body::Json(json!({"systems": [journal_id]}))))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let d = ciso.get(&format!("/api/v1/assets/{id}")).await.json();
    assert_eq!(d["classifications"].as_array().unwrap().len(), 2, "history kept: {d}");
    assert_eq!(d["status"], "current");
    assert_eq!(d["systems"][0]["id"], json!(journal_id));
    let res = ciso.send("POST", &format!("/api/v1/assets/{id}/actions"), None).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = ciso.send("DELETE", &format!("/api/v1/assets/{id}"), None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    assert_eq!(ciso.get(&format!("/api/v1/assets/{id}")).await.status, StatusCode::NOT_FOUND);

    let res = ciso
        .send(
            "POST",
            "/api/v1/systems",
            Some(Body::Json(json!({"org_id": social, "name": "API-systemet", "hosting": "cloud", "country": "SE"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let sid = res.json()["id"].as_str().unwrap().to_owned();
    let res = ciso
        .send(
            "PUT",
            &format!("/api/v1/systems/{sid}"),
            Some(Body::Json(json!({"name": "API-systemet", "hosting": "cloud"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a cloud service names its country: {}", res.text);
    assert!(res.text.contains("country"), "{}", res.text);
    assert_eq!(ciso.get(&format!("/api/v1/systems/{sid}")).await.json()["system"]["country"], "SE");
    let res = ciso.send("DELETE", &format!("/api/v1/systems/{sid}"), None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);

    let file = "Namn;Informationsägare\nAPI-import;\n";
    let body = json!({"org_id": social, "file_name": "a.csv", "content_base64": b64(file)});
    let res = ciso.send("POST", "/api/v1/assets/import", Some(Body::Json(body))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.json()["errors"][0]["row"], 2);
    assert_eq!(res.json()["errors"][0]["field"], "information_owner");
    let file = "Namn;Systemägare\nAPI-importsystem;IT-chef\n";
    let body = json!({"org_id": social, "file_name": "s.csv", "content_base64": b64(file)});
    let res = ciso.send("POST", "/api/v1/systems/import", Some(Body::Json(body))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["rows"], 1);
}

pub async fn assets_refuse_hostile_users(app: &TestApp) {
    let social = app.org_id("Socialförvaltningen").await;
    let kommun = app.org_id("Exempla kommun").await;
    let ciso = app.login("ciso@exempla.se").await;
    let res = ciso
        .send(
            "POST",
            "/api/v1/assets",
            Some(Body::Json(json!({"org_id": social, "name": "Hemliga akter", "information_owner": "Socialchef"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let outsider = app.login("ciso@region-exempla.se").await;
    let analyst = app.user_at("analytiker.test@exempla.se", domain::user::Role::Analyst, kommun).await;
    let auditor = app.login("revisor@exempla.se").await;
    let owner = app.login("agare@exempla.se").await;
    let before = app.store.verify_audit().await.unwrap().unwrap();

    // Another organisation's CISO can neither read nor write the row by id.
    for path in [format!("/registers/assets/{id}"), format!("/api/v1/assets/{id}")] {
        assert_eq!(outsider.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let res = outsider.post_form(&format!("/registers/assets/{id}"), vec![("name", "Kapad".into())]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = outsider
        .send(
            "PUT",
            &format!("/api/v1/assets/{id}"),
            Some(Body::Json(json!({"name": "Kapad", "information_owner": "x"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(outsider.get(&format!("/registers/assets?org={social}")).await.status, StatusCode::NOT_FOUND);
    let own = outsider.get("/registers/assets").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.text.contains("Hemliga akter") && !own.text.contains("Socialförvaltningen"), "{}", own.text);
    let list = outsider.get("/api/v1/assets").await.json();
    assert!(!list.to_string().contains("Hemliga akter"));

    // An analyst sees nothing.
    assert_eq!(analyst.get("/registers/assets").await.status, StatusCode::FORBIDDEN);
    assert_eq!(analyst.get("/api/v1/assets").await.status, StatusCode::FORBIDDEN);
    assert!(matches!(
        analyst.get(&format!("/api/v1/assets/{id}")).await.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));

    // The auditor reads but writes nothing; the information owner classifies but keeps no register.
    assert_eq!(auditor.get(&format!("/registers/assets/{id}")).await.status, StatusCode::OK);
    let res = auditor.post_form(&format!("/registers/assets/{id}/delete"), vec![]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = auditor.send("POST", "/registers/assets/import", upload(social, "a.csv", "Namn;Ägare\nX;Y\n")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = owner
        .send(
            "PUT",
            &format!("/api/v1/assets/{id}"),
            Some(Body::Json(json!({"name": "Nytt", "information_owner": "x"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = owner.send("POST", &format!("/api/v1/assets/{id}/actions"), None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Bad input: 422 with a Swedish message, nothing written.
    let res = ciso.post_form("/registers/assets", vec![("org_id", social.to_string()), ("name", String::new())]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("field-error"), "{}", res.text);
    let res = ciso
        .send("POST", "/api/v1/systems", Some(Body::Json(json!({"org_id": social, "name": "", "country": "Sverige"}))))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "a refused request wrote something");
}
