//! The registers' hub and what the asset registers feed: coverage per unit
//! that moves when an asset is classified, the status the registers give the
//! checklist's asset points on the unit's own report and in the management
//! review (page, API, PDF and Word), and hostile callers who see nothing.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration};
use domain::assets::classification::AssetClassification;
use domain::assets::risk::{RiskInput, RiskObject};
use domain::assets::system::{AssetInput, SystemInput};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Body, TestApp};

fn asset(name: &str) -> AssetInput {
    AssetInput { name: name.into(), description: String::new(), information_owner: "Kulturchef".into(), unit: None }
}

fn classification() -> AssetClassification {
    let today = domain::clock::today();
    AssetClassification {
        levels: BTreeMap::from([
            ("confidentiality".to_owned(), 2),
            ("integrity".to_owned(), 2),
            ("availability".to_owned(), 1),
        ]),
        motivation: "Låneuppgifter om enskilda.".into(),
        classified_on: today,
        classified_by: "Kulturchef".into(),
        next_review: today + Duration::days(365),
    }
}

/// The classification point's line of a coverage answer.
fn point<'a>(c: &'a Value, code: &str) -> &'a Value {
    c["points"].as_array().unwrap().iter().find(|p| p["point"] == code).unwrap_or_else(|| panic!("{code}: {c}"))
}

pub async fn registers_coverage_moves_and_feeds_the_checklist_and_review(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let kultur = app.org_id("Kultur- och fritidsförvaltningen").await;
    let ciso = app.login("ciso@exempla.se").await;
    let actor = store::Actor::cli();
    let year = domain::clock::today().year();

    // What the registers held before (the demo world may hold some).
    let api = format!("/api/v1/registers/coverage?org={kultur}");
    let res = ciso.get(&api).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let before = res.json();
    assert_eq!(before["org_id"], kultur.to_string());
    assert_eq!(before["units"][0]["org_id"], kultur.to_string(), "the chosen organisation first");
    let n = |v: &Value, f: &str| v["total"][f].as_u64().unwrap();

    // Two unclassified assets, a system with owner and object manager, an untreated high risk.
    let a1 = app.store.insert_asset(&actor, kultur, asset("Bibliotekets e-lånekonton")).await.unwrap();
    app.store.insert_asset(&actor, kultur, asset("Bidragsansökningar från föreningar")).await.unwrap();
    let system = SystemInput {
        name: "Bokningssystem för lokaler".into(),
        description: String::new(),
        system_owner: "Kulturchef".into(),
        object_manager: "Objektledare bibliotek".into(),
        supplier: String::new(),
        hosting: None,
        country: None,
        contract: String::new(),
        processes_personal_data: false,
    };
    app.store.insert_system(&actor, kultur, system).await.unwrap();
    let risk = RiskInput {
        scenario: "Låntagarregistret läcker ut".into(),
        object_kind: RiskObject::Asset,
        object_id: a1.id,
        likelihood: 4,
        consequence: 4,
        residual: None,
        treatment: None,
        owner: "Kulturchef".into(),
        accepted: None,
        review_on: None,
    };
    app.store.insert_risk(&actor, kultur, risk).await.unwrap();

    let mid = ciso.get(&api).await.json();
    assert_eq!(n(&mid, "assets"), n(&before, "assets") + 2, "{mid}");
    assert_eq!(n(&mid, "assets_current"), n(&before, "assets_current"));
    assert_eq!(n(&mid, "high_risks_untreated"), n(&before, "high_risks_untreated") + 1);
    assert_eq!(n(&mid, "systems_with_owner_and_manager"), n(&before, "systems_with_owner_and_manager") + 1);
    let cls = point(&mid, "classification");
    assert_eq!(cls["basis"]["kind"], "classified", "{cls}");
    assert_ne!(cls["status"], "done", "two assets are not classified: {cls}");

    // Classifying one through the store moves the figures on the page and in the API.
    app.store.classify_asset(&actor, a1.id, classification()).await.unwrap();
    let after = ciso.get(&api).await.json();
    assert_eq!(n(&after, "assets_current"), n(&mid, "assets_current") + 1, "{after}");
    assert_eq!(n(&after, "assets_classified"), n(&mid, "assets_classified") + 1);
    let (cur, all) = (n(&after, "assets_current"), n(&after, "assets"));
    // The trend: five years, this one (on today) last, with today's figures.
    let trend = after["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 5, "{after}");
    let last = &trend[4];
    assert_eq!(last["year"], year, "{last}");
    assert_eq!(last["as_of"], after["as_of"], "{last}");
    assert_eq!((last["classified"]["covered"].as_u64(), last["classified"]["total"].as_u64()), (Some(cur), Some(all)));
    let objects = n(&after, "objects");
    assert_eq!(last["risk_analysed"]["total"].as_u64(), Some(objects), "{last}");
    assert_eq!(
        last["risk_analysed"]["covered"].as_u64(),
        Some(n(&after, "objects_with_recent_risk_analysis")),
        "{last}"
    );
    assert_eq!(trend[3]["year"], year - 1);
    assert_eq!(trend[3]["as_of"], format!("{}-12-31", year - 1));
    assert!(
        trend[3]["classified"]["total"].as_u64().unwrap() < all,
        "the assets recorded today did not exist last year: {trend:?}"
    );
    let page = ciso.get(&format!("/registers?org={kultur}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    for text in [
        "Informationsklassning",
        "Personuppgiftsbiträdesavtal",
        &format!("{cur} av {all} informationstillgångar är klassade och aktuella"),
        "/registers/assets?org=",
        "/registers/systems?org=",
        "/registers/risks?org=",
        "/registers/processings?org=",
        "/registers/agreements?org=",
        "Täckning per enhet",
        "Utveckling över tid",
        r#"id="coverage-trend""#,
    ] {
        assert!(page.text.contains(text), "the hub lacks {text}");
    }
    assert!(page.text.contains(r#"href="/registers""#), "the nav links the hub");
    // The kommun's hub rolls Kultur up.
    let top = ciso.get(&format!("/api/v1/registers/coverage?org={kommun}")).await.json();
    assert!(n(&top, "assets") >= n(&after, "assets"), "{top}");
    let line = top["units"].as_array().unwrap().iter().find(|u| u["org_id"] == kultur.to_string()).unwrap();
    assert_eq!(line["rolled_up"]["assets"], after["total"]["assets"], "{line}");

    // The unit's own report shows the registers' status for the asset points, page and API.
    let res = ciso.get(&format!("/unit-reports/{kultur}/{year}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("informationstillgångar är klassade och aktuella"), "{}", res.text);
    assert!(res.text.contains("har systemägare och objektledare") || res.text.contains("system har både"));
    let report = ciso.get(&format!("/api/v1/unit-reports/{kultur}/{year}")).await.json();
    let id_of =
        |text: &str| report["points"].as_array().unwrap().iter().find(|p| p["text"] == text).unwrap()["id"].clone();
    let computed = report["computed"].as_array().unwrap();
    let c = computed.iter().find(|c| c["point_id"] == id_of("Informationsklassning")).expect("classification");
    assert_eq!(
        (c["basis"]["kind"].as_str(), c["basis"]["basis"]["kind"].as_str()),
        (Some("assets"), Some("classified"))
    );
    let c = computed.iter().find(|c| c["point_id"] == id_of("Riskanalys")).expect("risk analysis");
    assert_eq!(c["basis"]["basis"]["kind"], "risk_analysed", "{c}");
    assert_ne!(c["status"], "done", "a high risk is left untreated: {c}");

    // The kommun's review: the new section and the computed statuses for Kultur.
    let res = ciso.send("POST", "/api/v1/reviews", Some(Body::Json(json!({"org_id": kommun, "year": year + 1})))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let detail = ciso.get(&format!("/api/v1/reviews/{id}")).await.json();
    let section = &detail["content"]["assets"];
    let trend = section["trend"].as_array().unwrap();
    assert_eq!(trend.last().unwrap()["year"], year, "a review of next year reads the trend up to today: {section}");
    assert!(section["total"]["assets"].as_u64().unwrap() >= n(&after, "assets"), "{section}");
    assert!(
        section["untreated"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["scenario"] == "Låntagarregistret läcker ut" && r["org"] == "Kultur- och fritidsförvaltningen"),
        "{section}"
    );
    let lines = detail["content"]["computed"].as_array().unwrap();
    assert!(
        lines.iter().any(|l| l["point"] == "Informationsklassning"
            && l["unit"] == "Kultur- och fritidsförvaltningen"
            && l["computed"]["basis"]["kind"] == "assets"),
        "{lines:?}"
    );
    let page = ciso.get(&format!("/reviews/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Informationstillgångar, risker och personuppgifter",
        "Höga risker utan åtgärd",
        "Låntagarregistret läcker ut",
        "informationstillgångar är klassade och aktuella",
        r#"id="assets-units""#,
        r#"id="assets-trend""#,
    ] {
        assert!(page.text.contains(text), "the review lacks {text}");
    }
    let (status, _, pdf) = ciso.get_bytes(&format!("/reviews/{id}/report.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF"));
    let (status, _, docx) = ciso.get_bytes(&format!("/reviews/{id}/report.docx")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(docx.starts_with(b"PK"));
}

/// An analyst, an administrator and another organisation's CISO see none of
/// Exempla's coverage; bad input is a 404, never a 500.
pub async fn registers_coverage_refuses_hostile_users(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let social = app.org_id("Socialförvaltningen").await;
    let analyst = app.login("analytiker@samordning.example").await;
    let admin = app.login("admin@exempla.se").await;
    let outsider = app.login("ciso@region-exempla.se").await;
    for c in [&analyst, &admin] {
        for path in ["/registers".to_owned(), "/api/v1/registers/coverage".into(), format!("/registers?org={kommun}")] {
            let res = c.get(&path).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.text);
        }
        let page = c.get("/").await;
        assert!(!page.text.contains(r#"href="/registers""#), "no nav item without the right");
    }
    for org in [kommun, social] {
        for path in [format!("/registers?org={org}"), format!("/api/v1/registers/coverage?org={org}")] {
            let res = outsider.get(&path).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}: {}", res.text);
            assert!(!res.text.contains("Exempla kommun") && !res.text.contains("Socialförvaltningen"));
        }
    }
    // The outsider's own hub shows their own organisation only.
    let res = outsider.get("/api/v1/registers/coverage").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let page = outsider.get("/registers").await;
    assert_eq!(page.status, StatusCode::OK);
    for secret in ["Exempla kommun", "Socialförvaltningen", &kommun.to_string()] {
        assert!(!res.text.contains(secret) && !page.text.contains(secret), "the outsider sees {secret}");
    }
    let ciso = app.login("ciso@exempla.se").await;
    for path in ["/registers?org=inte-ett-id", "/api/v1/registers/coverage?org=inte-ett-id"] {
        let res = ciso.get(path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}: {}", res.text);
    }
    let res = ciso.get(&format!("/api/v1/registers/coverage?org={}", uuid::Uuid::now_v7())).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}
