//! Audits (granskning, seed 004) through the pages and the API: bad input
//! stores nothing, recommendations reach each audited body as its own copy,
//! a bolag never sees another bolag's copy or answer, answers become actions
//! linked both ways, only the auditor or the CISO closes a recommendation,
//! and a follow-up audit reassesses what is still open.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Body, TestApp};

pub async fn audits_are_entered_answered_and_followed_up(app: &TestApp) {
    use domain::user::Role;
    let kommun = app.org_id("Exempla kommun").await;
    let nämnd = app.org_id("Socialnämnden").await;
    let energi = app.org_id("Exempla Energi AB").await;
    let bostader = app.org_id("Exempla Bostäder AB").await;
    let region = app.org_id("Region Exempla").await;
    let revisor = app.login("revisor@exempla.se").await;
    let ledning = app.login("ledning@exempla.se").await;
    let ciso = app.login("ciso@exempla.se").await;
    let energi_ciso = app.user_at("ciso@energi.exempla.se", Role::Ciso, energi).await;
    let bostader_ciso = app.user_at("ciso@bostader.exempla.se", Role::Ciso, bostader).await;

    // Bad input: every wrong field named, nothing stored.
    let before = app.store.verify_audit().await.unwrap().unwrap();
    let bad = json!({"org_id": kommun, "bodies": [], "title": "", "kind": "revision", "started": "2026-05-01",
        "report_delivered": "2026-04-01"});
    let res = revisor.send("POST", "/api/v1/audits", Some(Body::Json(bad))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    for field in ["title", "kind", "bodies"] {
        assert!(res.text.contains(field), "{field} not named: {}", res.text);
    }
    let outside = json!({"org_id": kommun, "bodies": [region], "title": "Granskning", "kind": "elected"});
    let res = revisor.send("POST", "/api/v1/audits", Some(Body::Json(outside))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a body outside the kommun: {}", res.text);
    assert!(res.text.contains("inom den organisation"), "{}", res.text);
    let dates = revisor
        .post_form(
            "/audits",
            vec![
                ("org_id", kommun.to_string()),
                ("title", "Granskning".into()),
                ("kind", "elected".into()),
                ("started", "2026-05-01".into()),
                ("report_delivered", "2026-04-01".into()),
                ("bodies", nämnd.to_string()),
            ],
        )
        .await;
    assert_eq!(dates.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dates.text.contains("aria-invalid"), "the form is shown again with its errors");
    let res = ciso
        .send(
            "POST",
            "/api/v1/audits",
            Some(Body::Json(json!({"org_id": kommun, "bodies": [nämnd], "title": "X", "kind": "elected"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "the CISO does not write audits");
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "nothing written");

    // The auditor enters the audit through the page.
    let res = revisor
        .post_form(
            "/audits",
            vec![
                ("org_id", kommun.to_string()),
                ("title", "Granskning av informationssäkerhetsarbetet 2026".into()),
                ("kind", "elected".into()),
                ("auditor_org", "Revisionsbyrån Exempel AB".into()),
                ("auditor_person", "Sara Nord".into()),
                ("period", "2025–2026".into()),
                ("started", "2026-03-01".into()),
                ("report_delivered", "2026-09-15".into()),
                ("responses_due", "2026-11-15".into()),
                ("bodies", nämnd.to_string()),
                ("bodies", energi.to_string()),
                ("bodies", bostader.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = res.location();
    let id = page.trim_start_matches("/audits/").to_owned();
    let api = format!("/api/v1/audits/{id}");

    // Questions with assessments; a question not fulfilled needs a motivation.
    let res = revisor
        .send(
            "POST",
            &format!("{api}/questions"),
            Some(Body::Json(json!({"text": "Finns en riskanalys?", "assessment": "not_fulfilled"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("motivation"), "{}", res.text);
    let res = revisor
        .post_form(
            &format!("{page}/questions"),
            vec![
                ("text", "Har kommunstyrelsen säkerställt att det finns styrdokument?".into()),
                ("assessment", "partly".into()),
                ("motivation", "Policyn är antagen men riktlinjerna är inte uppdaterade.".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = revisor
        .send(
            "POST",
            &format!("{page}/findings"),
            Some(Body::Form(vec![("area", "Styrning".into()), ("text", "Riktlinjerna är från 2019.".into())])),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);

    // Recommendations: to all bodies (each its own copy), and to Energi alone.
    let res = revisor
        .send(
            "POST",
            &format!("{api}/recommendations"),
            Some(Body::Json(json!({"text": "Uppdatera riktlinjerna.", "to_all": true}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.json()["targets"].as_array().unwrap().len(), 3);
    let res = revisor
        .send(
            "POST",
            &format!("{api}/recommendations"),
            Some(Body::Json(json!({"text": "Rekommendation", "targets": [region]}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a body not audited: {}", res.text);
    let res = revisor
        .post_form(
            &format!("{page}/recommendations"),
            vec![
                ("text", "Inför en incidentrutin med eskalering i koncernen.".into()),
                ("targets", energi.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);

    // The report's file, through the page and the API.
    let res = revisor
        .send(
            "POST",
            &format!("{page}/report"),
            Some(Body::Multipart { filename: "rapport.pdf", content: b"%PDF-1.4 rapport".to_vec() }),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let (status, _, bytes) = ciso.get_bytes(&format!("{page}/report")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, b"%PDF-1.4 rapport");
    let res = revisor
        .send(
            "PUT",
            &format!("{api}/report"),
            Some(Body::Json(json!({"file_name": "rapport.pdf", "content_base64": "inte base64!"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let res = revisor
        .send(
            "PUT",
            &format!("{api}/report"),
            Some(Body::Json(json!({"file_name": "../rapport v2.pdf", "content_base64": "JVBERi0x"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let (status, headers, bytes) = ciso.get_bytes(&format!("{api}/report")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, b"%PDF-1");
    assert!(!headers["content-disposition"].to_str().unwrap().contains(".."), "the file name is cleaned");

    // The whole audit as the kommun reads it; each bolag sees only its own copies.
    let full = ciso.get(&api).await.json();
    assert_eq!(full["full"], true);
    let recs = full["recommendations"].as_array().unwrap();
    assert_eq!(recs.len(), 2);
    let copy_of = |recs: &[serde_json::Value], n: usize, org: uuid::Uuid| -> String {
        recs[n]["targets"].as_array().unwrap().iter().find(|t| t["org_id"] == json!(org)).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let energi_copy = copy_of(recs, 0, energi);
    let energi_copy2 = copy_of(recs, 1, energi);
    let bostader_copy = copy_of(recs, 0, bostader);
    let nämnd_copy = copy_of(recs, 0, nämnd);
    let seen = energi_ciso.get(&api).await;
    assert_eq!(seen.status, StatusCode::OK);
    let seen = seen.json();
    assert_eq!(seen["full"], false);
    for r in seen["recommendations"].as_array().unwrap() {
        for t in r["targets"].as_array().unwrap() {
            assert_eq!(t["org_id"], json!(energi), "Energi sees only its own copies");
        }
    }
    let only_bostader = bostader_ciso.get(&api).await.json();
    assert_eq!(only_bostader["recommendations"].as_array().unwrap().len(), 1, "not Energi's own recommendation");
    let html = bostader_ciso.get(&page).await.text;
    assert!(!html.contains("Exempla Energi AB") || !html.contains(&energi_copy), "no link to Energi's copy");
    assert!(!html.contains("incidentrutin"), "Energi's own recommendation is not shown to Bostäder");
    for path in [format!("/audit-copies/{energi_copy}"), format!("/api/v1/audit-copies/{energi_copy}")] {
        assert_eq!(bostader_ciso.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let outsider = app.login("ciso@region-exempla.se").await;
    assert_eq!(outsider.get(&api).await.status, StatusCode::NOT_FOUND);
    assert!(!outsider.get("/audits").await.text.contains("informationssäkerhetsarbetet 2026"));

    // Energi answers: agreeing needs who and by when; Bostäder cannot answer for Energi.
    let copy_api = format!("/api/v1/audit-copies/{energi_copy}");
    let res = energi_ciso
        .send(
            "PUT",
            &format!("{copy_api}/answer"),
            Some(Body::Json(json!({"stance": "agrees", "measures": "Vi uppdaterar."}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    for field in ["responsible", "due", "decided_by"] {
        assert!(res.text.contains(field), "{field}: {}", res.text);
    }
    let answer = json!({"stance": "agrees", "measures": "Riktlinjerna uppdateras och beslutas av styrelsen.",
        "responsible": "VD", "due": "2027-03-31", "decided_by": "Styrelsen för Exempla Energi AB", "decided_on": "2026-11-10"});
    let res = bostader_ciso.send("PUT", &format!("{copy_api}/answer"), Some(Body::Json(answer.clone()))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = energi_ciso.send("PUT", &format!("{copy_api}/answer"), Some(Body::Json(answer))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["status"], "measure_planned");

    // The planned measure becomes an action, once, linked both ways.
    let res = energi_ciso.send("POST", &format!("{copy_api}/action"), None).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let action = res.json();
    assert_eq!(action["origin"], "audit");
    assert_eq!(action["origin_ref"], json!(energi_copy));
    assert_eq!(action["org_id"], json!(energi));
    let res = energi_ciso.send("POST", &format!("{copy_api}/action"), None).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    let copy = energi_ciso.get(&copy_api).await.json();
    assert_eq!(copy["actions"][0]["id"], action["id"]);
    let res = energi_ciso.send("POST", &format!("/api/v1/audit-copies/{energi_copy2}/action"), None).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "no measure planned yet: {}", res.text);

    // Management of the kommun answers for Socialnämnden through the page.
    let res = ledning
        .post_form(
            &format!("/audit-copies/{nämnd_copy}/answer"),
            vec![
                ("stance", "disagrees".into()),
                ("measures", "Nämnden följer redan kommunens riktlinjer.".into()),
                ("decided_by", "Socialnämnden".into()),
                ("decided_on", "2026-11-12".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let html = ciso.get(&format!("/audit-copies/{nämnd_copy}")).await.text;
    assert!(html.contains("Instämmer inte"), "the answer is shown");

    // Follow-up: Energi moves its copy along; only the auditor or the CISO closes, with a motivation.
    let status = |s: &str, note: &str| Body::Json(json!({"status": s, "note": note}));
    let res = energi_ciso
        .send("POST", &format!("{copy_api}/status"), Some(status("in_progress", "Arbetet har börjat.")))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = ledning.send("POST", &format!("{copy_api}/status"), Some(status("closed", "Klart."))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "management does not close: {}", res.text);
    let res = revisor.send("POST", &format!("{copy_api}/status"), Some(status("closed", ""))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("avslutas"), "{}", res.text);
    let res = revisor
        .send(
            "POST",
            &format!("{copy_api}/status"),
            Some(status("closed", "Riktlinjerna är beslutade och publicerade.")),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["status"], "closed");
    let res = energi_ciso.send("POST", &format!("{copy_api}/status"), Some(status("open", "Öppnar igen."))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing leaves closed: {}", res.text);
    let res = energi_ciso
        .send(
            "PUT",
            &format!("{copy_api}/answer"),
            Some(Body::Json(
                json!({"stance": "disagrees", "measures": "Nej", "decided_by": "VD", "decided_on": "2026-11-20"}),
            )),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "a closed copy is not answered again: {}", res.text);
    let history = energi_ciso.get(&copy_api).await.json()["history"].as_array().unwrap().len();
    assert_eq!(history, 3, "answer, in progress, closed");

    // A follow-up audit reassesses the open copies and records what changed.
    let res = revisor
        .send(
            "POST",
            "/api/v1/audits",
            Some(Body::Json(json!({"org_id": kommun, "bodies": [nämnd, bostader], "title": "Uppföljande granskning 2027", "auditor_org": "Revisionsbyrån Exempel AB",
                "kind": "elected", "follows_up": id}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let follow = res.json()["id"].as_str().unwrap().to_owned();
    let seen = revisor.get(&format!("/api/v1/audits/{follow}")).await.json();
    let open: Vec<&str> = seen["to_reassess"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert!(open.contains(&bostader_copy.as_str()) && !open.contains(&energi_copy.as_str()), "{open:?}");
    let html = revisor.get(&format!("/audits/{follow}")).await.text;
    assert!(html.contains("Omprövning av öppna rekommendationer"), "the reassessment section is shown");
    let res = revisor
        .post_form(
            &format!("/audit-copies/{bostader_copy}/status"),
            vec![
                ("status", "in_progress".into()),
                ("note", "Bolaget har börjat arbetet.".into()),
                ("follow_up", follow.clone()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(res.location(), format!("/audits/{follow}#reassess"));
    let h = ciso.get(&format!("/api/v1/audit-copies/{bostader_copy}")).await.json();
    assert_eq!(h["history"][0]["follow_up_audit"], json!(follow));
    // A follow-up that does not follow this audit is refused.
    let res = revisor
        .send(
            "POST",
            &format!("/api/v1/audit-copies/{nämnd_copy}/status"),
            Some(Body::Json(json!({"status": "in_progress", "note": "x", "follow_up": id}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);

    // The pages render for each reader, in both languages.
    for c in [&revisor, &ciso, &energi_ciso] {
        for path in ["/audits".to_owned(), page.clone(), format!("/audit-copies/{energi_copy}")] {
            let res = c.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.text);
        }
    }
    assert!(revisor.get(&page).await.text.contains("Lägg till revisionsfrågan"));
    assert!(!ciso.get(&page).await.text.contains("Lägg till revisionsfrågan"), "only the auditor writes the audit");
}
