//! The risk register through the pages and the API: a high risk is flagged
//! and counted in the heat map, an action is made from it, treating it with
//! a residual risk clears the flag; exports; bad input and hostile callers
//! refused with nothing written.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::authz::audit_len;
use crate::helpers::{Body, TestApp};

/// An information asset of `org`: its id.
async fn asset(app: &TestApp, org: Uuid, name: &str) -> Uuid {
    let data = domain::assets::system::AssetInput {
        name: name.into(),
        description: String::new(),
        information_owner: "Informationsägare".into(),
        unit: None,
    };
    app.store.insert_asset(&store::Actor::cli(), org, data).await.unwrap().id
}

fn risk_form(org: Uuid, object: &str, scenario: &str, l: &str, c: &str) -> Vec<(&'static str, String)> {
    vec![
        ("org_id", org.to_string()),
        ("object", object.to_owned()),
        ("scenario", scenario.to_owned()),
        ("likelihood", l.to_owned()),
        ("consequence", c.to_owned()),
        ("owner", "Eva Ek".into()),
        ("review_on", "2030-06-30".into()),
    ]
}

/// The listed risk of `id` in an API list answer.
fn listed<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list["risks"].as_array().unwrap().iter().find(|r| r["risk"]["id"] == id)
}

pub async fn risks_are_analysed_mapped_and_planned(app: &TestApp) {
    let social = app.org_id("Socialförvaltningen").await;
    let akter = asset(app, social, "Riskprovets akter").await;
    let ciso = app.login("ciso@exempla.se").await;
    let coordinator = app.login("samordnare@exempla.se").await;

    // The form preselects the asset asked for and offers the matrix's steps.
    let res = ciso.get(&format!("/registers/risks/new?org={social}&asset={akter}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains(&format!("value=\"asset:{akter}\" selected")), "{}", res.text);
    assert!(res.text.contains("Mycket hög – händer ofta") && res.text.contains("Allvarlig"));

    // A high risk, untreated: flagged and counted in the heat map.
    let scenario = "Obehöriga läser akterna i riskprovet";
    let res =
        ciso.post_form("/registers/risks", risk_form(social, &format!("asset:{akter}"), scenario, "4", "4")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = res.location();
    let id = page.rsplit('/').next().unwrap().to_owned();
    let res = ciso.get(&page).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text.contains(scenario) && res.text.contains("Riskprovets akter"), "{}", res.text);
    assert!(res.text.contains("Hög risk utan hantering"));

    let res = coordinator.get(&format!("/registers/risks?org={social}&only=untreated")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains(scenario) && res.text.contains("Riskkarta"), "{}", res.text);
    assert!(res.text.contains("<caption id=\"heat-before-c\">"));
    let list = ciso.get(&format!("/api/v1/risks?org={social}")).await.json();
    let r = listed(&list, &id).expect("listed");
    assert_eq!((r["untreated_high"].as_bool(), r["inherent_level"].as_str()), (Some(true), Some("very_high")));
    assert_eq!(r["object_name"], "Riskprovets akter");
    assert!(list["heat_map"]["cells"][3][3].as_u64().unwrap() >= 1, "{list}");
    let matrix = ciso.get("/api/v1/registers/risk-matrix").await.json();
    assert_eq!(matrix["likelihood"].as_array().unwrap().len(), 4);

    // An action from the risk lands in the organisation's plan, once.
    let res = ciso.post_form(&format!("/registers/risks/{id}/actions"), vec![]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert!(res.location().starts_with("/plan/"), "{}", res.location());
    let res = ciso.get(&res.location()).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text.contains(scenario));
    let detail = ciso.get(&format!("/api/v1/risks/{id}")).await.json();
    let actions = detail["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{detail}");
    assert_eq!((actions[0]["origin"].as_str(), actions[0]["origin_ref"].as_str()), (Some("risk"), Some(id.as_str())));
    assert_eq!(actions[0]["org_id"], social.to_string());
    let res = ciso.send("POST", &format!("/api/v1/risks/{id}/actions"), None).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "a second action: {}", res.text);
    assert!(
        ciso.get(&format!("/registers/risks/{id}"))
            .await
            .text
            .contains(&format!("/plan/{}", actions[0]["id"].as_str().unwrap()))
    );

    // Treated with a residual risk: no longer flagged.
    let treated = json!({"scenario": scenario, "object_kind": "asset", "object_id": akter, "likelihood": "4",
        "consequence": "4", "treatment": "reduce", "residual_likelihood": "2", "residual_consequence": "2",
        "owner": "Eva Ek", "review_on": "2030-06-30"});
    let res = coordinator.send("PUT", &format!("/api/v1/risks/{id}"), Some(Body::Json(treated))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let list = ciso.get(&format!("/api/v1/risks?org={social}")).await.json();
    let r = listed(&list, &id).unwrap();
    assert_eq!((r["untreated_high"].as_bool(), r["residual_level"].as_str()), (Some(false), Some("medium")));
    assert!(list["heat_map_residual"]["cells"][1][1].as_u64().unwrap() >= 1);
    let res = ciso.get(&format!("/registers/risks?org={social}&only=untreated")).await;
    assert!(!res.text.contains(scenario), "treated risks are not listed as untreated");
    let untreated = ciso.get(&format!("/api/v1/risks?org={social}&only=untreated")).await.json();
    assert!(listed(&untreated, &id).is_none());

    // Through the page: accepted by the owner, the object now the organisation.
    let mut form = risk_form(social, &format!("org:{social}"), scenario, "4", "4");
    form.extend([
        ("treatment", "accept".to_owned()),
        ("accepted_by", "Eva Ek".to_owned()),
        ("accepted_on", "2026-01-10".to_owned()),
    ]);
    let res = ciso.post_form(&format!("/registers/risks/{id}"), form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let r = app.store.find_risk(id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(r.data.object_id, social);
    assert!(r.data.accepted.is_some());

    // Exports of the register.
    let res = ciso.get(&format!("/registers/risks.csv?org={social}")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.content_type().starts_with("text/csv"));
    assert!(res.text.contains(scenario) && res.text.contains("Riskägare"), "{}", res.text);
    let (status, headers, bytes) = ciso.get_bytes(&format!("/registers/risks.xlsx?org={social}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-disposition"].to_str().unwrap().contains(".xlsx"));
    assert!(bytes.starts_with(b"PK"));

    // Deleted through the page; the API then knows it no more.
    let res = ciso.post_form(&format!("/registers/risks/{id}/delete"), vec![]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(ciso.get(&format!("/api/v1/risks/{id}")).await.status, StatusCode::NOT_FOUND);
    let res = ciso.send("DELETE", &format!("/api/v1/risks/{}", Uuid::now_v7()), None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

pub async fn risks_refuse_bad_input_and_hostile_users(app: &TestApp) {
    let social = app.org_id("Socialförvaltningen").await;
    let region = app.org_id("Region Exempla").await;
    let akter = asset(app, social, "Riskprovets akter").await;
    let region_asset = asset(app, region, "Regionens journaler").await;
    let ciso = app.login("ciso@exempla.se").await;
    let scenario = "Driftstopp i riskprovets system";
    let res =
        ciso.post_form("/registers/risks", risk_form(social, &format!("asset:{akter}"), scenario, "3", "3")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id = res.location().rsplit('/').next().unwrap().to_owned();
    let outsider = app.login("ciso@region-exempla.se").await;
    let analyst = app.login("analytiker@samordning.example").await;
    let auditor = app.login("revisor@exempla.se").await;
    let before = audit_len(app).await;

    // A residual risk above the inherent one: 422 in Swedish, nothing written.
    let mut form = risk_form(social, &format!("asset:{akter}"), "Ny risk", "2", "2");
    form.extend([
        ("treatment", "reduce".to_owned()),
        ("residual_likelihood", "3".to_owned()),
        ("residual_consequence", "1".to_owned()),
    ]);
    let res = ciso.post_form("/registers/risks", form).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("Värdet efter åtgärd kan inte vara högre än före."), "{}", res.text);
    let bad = json!({"org_id": social, "scenario": "Ny risk", "object_kind": "asset", "object_id": akter,
        "likelihood": "2", "consequence": "2", "treatment": "reduce", "residual_likelihood": "3",
        "residual_consequence": "1", "owner": "Eva Ek"});
    let res = ciso.send("POST", "/api/v1/risks", Some(Body::Json(bad))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("residual_likelihood") && res.text.contains("kan inte vara högre"), "{}", res.text);
    let res = ciso.post_form(&format!("/registers/risks/{id}"), risk_form(social, "asset:x", "", "9", "")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);

    // An object of another organisation cannot be chosen: the region's asset.
    let res = ciso
        .post_form("/registers/risks", risk_form(social, &format!("asset:{region_asset}"), "Läckage", "2", "2"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("Välj en enhet, ett system eller en informationstillgång i organisationen."));
    let hostile = json!({"org_id": social, "scenario": "Läckage", "object_kind": "asset", "object_id": region_asset,
        "likelihood": "2", "consequence": "2", "owner": "Eva Ek"});
    let res = ciso.send("POST", "/api/v1/risks", Some(Body::Json(hostile.clone()))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let res = ciso.send("PUT", &format!("/api/v1/risks/{id}"), Some(Body::Json(hostile))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(audit_len(app).await, before, "refused input wrote something");

    // Another organisation's CISO, an analyst, an auditor (reads, keeps nothing).
    let p = format!("/registers/risks/{id}");
    let a = format!("/api/v1/risks/{id}");
    let edit = risk_form(social, &format!("asset:{akter}"), "Kapad", "1", "1");
    let writes: Vec<(&str, String, Option<Body>)> = vec![
        ("POST", p.clone(), Some(Body::Form(edit.clone()))),
        ("POST", format!("{p}/delete"), Some(Body::Form(vec![]))),
        ("POST", format!("{p}/actions"), Some(Body::Form(vec![]))),
        ("POST", "/registers/risks".into(), Some(Body::Form(edit))),
        (
            "PUT",
            a.clone(),
            Some(Body::Json(json!({"scenario": "Kapad", "object_kind": "org", "object_id": social,
                "likelihood": "1", "consequence": "1", "owner": "X"}))),
        ),
        ("DELETE", a.clone(), None),
        ("POST", format!("{a}/actions"), None),
        (
            "POST",
            "/api/v1/risks".into(),
            Some(Body::Json(json!({"org_id": social, "scenario": "Kapad", "object_kind": "org",
                "object_id": social, "likelihood": "1", "consequence": "1", "owner": "X"}))),
        ),
    ];
    let refused = |s: StatusCode| matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
    for (who, c) in [("outsider", &outsider), ("analyst", &analyst), ("auditor", &auditor)] {
        for (method, path, body) in writes.clone() {
            let res = c.send(method, &path, body).await;
            assert!(refused(res.status), "{who} {method} {path}: {} {}", res.status, res.text);
            assert!(!res.text.contains(scenario), "{who} {path}");
        }
        let reads = [
            p.clone(),
            a.clone(),
            format!("/registers/risks?org={social}"),
            format!("/api/v1/risks?org={social}"),
            format!("/registers/risks.csv?org={social}"),
            format!("/registers/risks/new?org={social}"),
        ];
        for path in reads {
            let res = c.get(&path).await;
            if who == "auditor" && !path.contains("/new") {
                assert_eq!(res.status, StatusCode::OK, "the auditor reads {path}: {}", res.text);
                assert!(res.text.contains(scenario), "{path}");
                assert!(!res.text.contains(&format!("action=\"{p}/delete\"")), "no forms for the auditor");
            } else {
                assert!(refused(res.status), "{who} GET {path}: {} {}", res.status, res.text);
            }
        }
        for path in ["/registers/risks", "/api/v1/risks"] {
            let res = c.get(path).await;
            assert!(refused(res.status) || res.status.is_success(), "{who} {path}: {}", res.status);
            if who != "auditor" {
                assert!(!res.text.contains(scenario) && !res.text.contains("Socialförvaltningen"), "{who} {path}");
            }
        }
    }
    assert_eq!(analyst.get("/registers/risks").await.status, StatusCode::FORBIDDEN);
    assert_eq!(audit_len(app).await, before, "a refused request wrote something");
}
