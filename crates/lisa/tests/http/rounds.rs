//! Follow-up rounds through the API and the pages: invitations, submit and
//! withdraw, who sees what, the anonymity threshold on pages, exports and API.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::authz::{audit_len, refused};
use crate::helpers::{Body, Client, TestApp};

const NATIONAL: &str = "Nationell samordning för informationssäkerhet";

async fn model_id(app: &TestApp) -> String {
    app.store.list_models().await.unwrap()[0].id.to_string()
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// A round of the national coordinator inviting the kommun, the region and the agency.
async fn national_round(app: &TestApp, analyst: &Client, k: u32) -> String {
    let body = json!({
        "org_id": app.org_id(NATIONAL).await,
        "model_id": model_id(app).await,
        "name": "Testomgång",
        "period": "2026",
        "opens_on": (today() - chrono::Duration::days(1)).to_string(),
        "closes_on": (today() + chrono::Duration::days(10)).to_string(),
        "message": "Svara gärna.",
        "k": k.to_string(),
        "remind_days": "7",
        "invitees": [app.org_id("Exempla kommun").await, app.org_id("Region Exempla").await, app.org_id("Exempelmyndigheten").await],
    });
    let res = analyst.send("POST", "/api/v1/rounds", Some(Body::Json(body))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.json()["id"].as_str().unwrap().to_owned()
}

fn submit(org: uuid::Uuid, share: bool) -> Option<Body> {
    Some(Body::Json(json!({"org_id": org, "employees": 1200, "share_answers": share})))
}

fn is_suppressed(v: &Value) -> bool {
    v["kind"] == "suppressed"
}

pub async fn rounds_invite_submit_withdraw_and_suppress(app: &TestApp) {
    let analyst = app.login("analytiker@samordning.example").await;
    let kommun_ciso = app.login("ciso@exempla.se").await;
    let region_ciso = app.login("ciso@region-exempla.se").await;
    let agency_ciso = app.login("ciso@exempelmyndigheten.se").await;
    let dso = app.login("dso@exempla.se").await;
    let (kommun, region, agency) = (
        app.org_id("Exempla kommun").await,
        app.org_id("Region Exempla").await,
        app.org_id("Exempelmyndigheten").await,
    );

    // Bad input: a clear Swedish message per field, nothing written.
    let before = audit_len(app).await;
    let bad = json!({"org_id": app.org_id(NATIONAL).await, "model_id": model_id(app).await, "name": "", "period": "20x6",
        "opens_on": "2026-10-01", "closes_on": "2026-09-01", "k": "1", "invitees": []});
    let res = analyst.send("POST", "/api/v1/rounds", Some(Body::Json(bad))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    for msg in ["Sista svarsdag kan inte vara före", "Minsta gruppstorlek", "minst en organisation"] {
        assert!(res.text.contains(msg), "{msg}: {}", res.text);
    }
    // A kommun may only invite inside its own tree.
    let foreign = json!({"org_id": kommun, "model_id": model_id(app).await, "name": "Kommunens omgång", "period": "2026",
        "opens_on": "2026-09-01", "closes_on": "2026-12-01", "invitees": [region]});
    let res = kommun_ciso.send("POST", "/api/v1/rounds", Some(Body::Json(foreign))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("bara bjuda in"), "{}", res.text);
    // Nobody runs a round from an organisation outside their roles.
    let stolen = json!({"org_id": app.org_id(NATIONAL).await, "model_id": model_id(app).await, "name": "X", "period": "2026",
        "opens_on": "2026-09-01", "closes_on": "2026-12-01", "invitees": [kommun]});
    let res = kommun_ciso.send("POST", "/api/v1/rounds", Some(Body::Json(stolen))).await;
    assert!(refused(&res), "{}", res.status);
    assert_eq!(audit_len(app).await, before, "refused rounds leave no trace");

    let id = national_round(app, &analyst, 3).await;
    let path = format!("/api/v1/rounds/{id}");

    // The coordinator follows every invitee; each invitee sees only itself.
    let res = analyst.get(&path).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["invitees"].as_array().unwrap().len(), 3);
    let res = kommun_ciso.get(&path).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.json()["invitees"].is_null(), "an invitee does not see the other invitees");
    assert_eq!(res.json()["mine"][0]["org_id"], json!(kommun));
    assert!(!res.text.contains(&region.to_string()));
    // The start page invites.
    let home = kommun_ciso.get("/").await;
    assert!(home.text.contains("Inbjudan: Testomgång"), "the start page shows the invitation");

    // Submitting: only the invitee's CISO, for its own organisation.
    let res = dso.send("POST", &format!("{path}/responses"), submit(kommun, false)).await;
    assert!(refused(&res), "the DPO reads but does not submit: {}", res.status);
    let res = kommun_ciso.send("POST", &format!("{path}/responses"), submit(region, false)).await;
    assert!(refused(&res), "no submitting for another invitee: {}", res.status);
    let res = kommun_ciso
        .send("POST", &format!("{path}/responses"), Some(Body::Json(json!({"org_id": kommun, "employees": 0}))))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("antalet anställda"), "{}", res.text);
    for (c, org, share) in [(&kommun_ciso, kommun, true), (&region_ciso, region, false), (&agency_ciso, agency, false)]
    {
        let res = c.send("POST", &format!("{path}/responses"), submit(org, share)).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    }
    // The coordinator's figures are kept by the data's version: three now,
    // two after the withdrawal below (checked further down).
    assert_eq!(analyst.get(&format!("{path}/results")).await.json()["respondents"], 3);
    // One withdraws through the page.
    let res = agency_ciso.post_form(&format!("/rounds/{id}/withdraw"), vec![("org", agency.to_string())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = agency_ciso.send("POST", &format!("{path}/withdraw"), Some(Body::Json(json!({"org_id": agency})))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing left to withdraw");

    // The coordinator sees shared results, raw answers only where shared.
    let res = analyst.get(&format!("{path}/respondents/{kommun}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.json()["answers"].is_object(), "the kommun shared its answers");
    assert!(res.json().get("submitted_by").is_none(), "the coordinator is not told who submitted: {}", res.text);
    assert!(!res.text.contains("@exempla.se"), "no respondent's e-mail reaches the coordinator");
    let res = analyst.get(&format!("{path}/respondents/{region}")).await;
    assert!(res.json()["answers"].is_null(), "the region did not share its answers");
    assert!(res.json()["result"]["level"].is_number());
    let page = analyst.get(&format!("/rounds/{id}/respondents/{region}")).await;
    assert!(page.text.contains("har inte delat sina svar"), "{}", page.status);
    assert_eq!(analyst.get(&format!("{path}/respondents/{agency}")).await.status, StatusCode::NOT_FOUND);

    // Two respondents under k = 3: every figure is suppressed, in the API, the page and the exports.
    let res = analyst.get(&format!("{path}/results")).await;
    assert_eq!(res.status, StatusCode::OK);
    let b = res.json();
    assert_eq!(b["respondents"], 2);
    assert!(is_suppressed(&b["all"]["levels"]) && is_suppressed(&b["all"]["blockers"]), "{b}");
    assert!(b["all"]["areas"].as_object().unwrap().values().all(is_suppressed));
    let page = analyst.get(&format!("/rounds/{id}/results")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Visas inte"));
    let csv = analyst.get(&format!("/rounds/{id}/results.csv")).await;
    assert!(csv.text.contains("Visas inte"));
    assert!(!csv.text.contains("1 (50 %)"), "no level count of a small group leaks");

    // Invitees never see another invitee's result nor the aggregates; no feedback before closing.
    for (c, who) in [(&kommun_ciso, "kommun"), (&region_ciso, "region")] {
        for p in [format!("{path}/results"), format!("{path}/trend"), format!("{path}/respondents/{region}")] {
            assert!(refused(&c.get(&p).await), "{who} {p}");
        }
        for p in
            [format!("/rounds/{id}/results"), format!("/rounds/{id}/results.csv"), format!("/rounds/{id}/report.pdf")]
        {
            assert!(refused(&c.get(&p).await), "{who} {p}");
        }
    }
    let res = kommun_ciso.get(&format!("{path}/feedback")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let res = region_ciso.get(&format!("{path}/feedback?org={kommun}")).await;
    assert!(refused(&res), "no one else's feedback");

    // Closing: no more submitting; the feedback appears, suppressed below k peers.
    assert!(
        refused(&kommun_ciso.post_form(&format!("/rounds/{id}/close"), vec![]).await),
        "only the coordinator closes"
    );
    let res = analyst.post_form(&format!("/rounds/{id}/close"), vec![]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = region_ciso.send("POST", &format!("{path}/responses"), submit(region, false)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("inte öppen"), "{}", res.text);
    let res = kommun_ciso.get(&format!("{path}/feedback")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let f = res.json();
    assert!(is_suppressed(&f["all"]["level_percentile"]), "one peer is fewer than k: {f}");
    assert!(f["mine"]["level"].is_number());
    let page = kommun_ciso.get(&format!("/rounds/{id}/feedback?org={kommun}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Visas inte"));
}

/// Every route of one round (and of `kommun`'s part in it), for the refusal
/// matrix; the authorisation test holds these rows against the router too.
pub fn round_routes(id: &str, kommun: uuid::Uuid) -> Vec<(&'static str, String, Option<Body>)> {
    let get = |p: String| ("GET", p, None::<Body>);
    vec![
        get(format!("/rounds/{id}")),
        get(format!("/rounds/{id}/results")),
        get(format!("/rounds/{id}/results.xlsx")),
        get(format!("/rounds/{id}/results.csv")),
        get(format!("/rounds/{id}/report.pdf")),
        get(format!("/rounds/{id}/report.docx")),
        get(format!("/rounds/{id}/trend")),
        get(format!("/rounds/{id}/respondents/{kommun}")),
        get(format!("/rounds/{id}/feedback?org={kommun}")),
        get(format!("/rounds/{id}/feedback.pdf?org={kommun}")),
        (
            "POST",
            format!("/rounds/{id}/respond"),
            Some(Body::Form(vec![("org", kommun.to_string()), ("employees", "10".into())])),
        ),
        ("POST", format!("/rounds/{id}/withdraw"), Some(Body::Form(vec![("org", kommun.to_string())]))),
        ("POST", format!("/rounds/{id}/close"), Some(Body::Form(vec![]))),
        get(format!("/api/v1/rounds/{id}")),
        get(format!("/api/v1/rounds/{id}/results")),
        get(format!("/api/v1/rounds/{id}/trend")),
        get(format!("/api/v1/rounds/{id}/respondents/{kommun}")),
        get(format!("/api/v1/rounds/{id}/feedback?org={kommun}")),
        (
            "POST",
            format!("/api/v1/rounds/{id}/responses"),
            Some(Body::Json(json!({"org_id": kommun, "employees": 10}))),
        ),
        ("POST", format!("/api/v1/rounds/{id}/withdraw"), Some(Body::Json(json!({"org_id": kommun})))),
        ("POST", format!("/api/v1/rounds/{id}/close"), Some(Body::Json(json!({})))),
    ]
}

pub async fn rounds_refuse_strangers_on_every_route(app: &TestApp) {
    let analyst = app.login("analytiker@samordning.example").await;
    let id = national_round(app, &analyst, 5).await;
    let kommun = app.org_id("Exempla kommun").await;
    let stranger = app.login("samordnare@exempla.se").await; // sees assessments of a förvaltning, not invited
    let admin = app.login("admin@exempla.se").await; // manages users, runs no rounds, answers nothing
    let anonymous = app.anonymous();
    let before = audit_len(app).await;
    let routes = round_routes(&id, kommun);
    for (method, path, body) in &routes {
        let res = anonymous.send(method, path, body.clone()).await;
        if path.starts_with("/api/") {
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "anonymous {method} {path}");
        } else {
            assert_eq!(res.status, StatusCode::SEE_OTHER, "anonymous {method} {path}");
        }
        for (who, c) in [("stranger", &stranger), ("admin", &admin)] {
            let res = c.send(method, path, body.clone()).await;
            assert!(refused(&res), "{who} {method} {path}: {} {}", res.status, res.text);
            assert!(!res.text.contains("Testomgång"), "{who} {method} {path} learns of the round");
        }
    }
    for path in ["/rounds/new", "/api/v1/rounds"] {
        let res = stranger.send("POST", path, Some(Body::Json(json!({})))).await;
        assert!(res.status.is_client_error(), "{path}: {}", res.status);
    }
    assert!(refused(&stranger.get("/rounds/new").await));
    // Lists show only what is one's own.
    let list = stranger.get("/api/v1/rounds").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.text.contains("Testomgång"));
    assert_eq!(audit_len(app).await, before, "refused calls write nothing");
    // The coordinator closes through the API, once.
    let res = analyst.send("POST", &format!("/api/v1/rounds/{id}/close"), Some(Body::Json(json!({})))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let res = analyst.send("POST", &format!("/api/v1/rounds/{id}/close"), Some(Body::Json(json!({})))).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text.contains("redan stängd"), "{}", res.text);
}

/// The demo's national rounds: enough respondents for figures, the trend
/// with its panel, the reports, and Exempla kommun's comparison.
pub async fn demo_national_rounds_have_figures_reports_and_feedback(app: &TestApp) {
    let analyst = app.login("analytiker@samordning.example").await;
    let kommun_ciso = app.login("ciso@exempla.se").await;
    let list = analyst.get("/api/v1/rounds").await.json();
    let rounds = list["coordinated"].as_array().unwrap().clone();
    assert!(rounds.len() >= 3, "three national rounds in the demo: {list}");
    let newest = rounds.iter().filter(|r| r["phase"] == "closed").max_by_key(|r| r["period"].as_i64()).unwrap();
    let id = newest["id"].as_str().unwrap();
    let b = analyst.get(&format!("/api/v1/rounds/{id}/results")).await.json();
    assert!(b["respondents"].as_u64().unwrap() >= 100, "{}", b["respondents"]);
    let levels = b["all"]["levels"]["value"].as_array().expect("the whole round is shown");
    assert_eq!(levels.iter().map(|v| v.as_u64().unwrap()).sum::<u64>(), b["respondents"].as_u64().unwrap());
    assert!(!is_suppressed(&b["by_kind"]["municipality"]["levels"]));
    let t = analyst.get(&format!("/api/v1/rounds/{id}/trend")).await.json();
    let t = t.as_array().unwrap();
    assert!(t.len() >= 3, "the trend covers the earlier rounds");
    assert!(t.iter().all(|r| r["panel_size"].as_u64() <= r["respondents"].as_u64()));
    let page = analyst.get(&format!("/rounds/{id}/trend")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Panelen"));
    let (status, headers, pdf) = analyst.get_bytes(&format!("/rounds/{id}/report.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    let text = crate::plans::pdf_text(&pdf);
    assert!(text.contains("Samlad bedömning") && text.contains("Fördelning av nivåer"), "{text}");
    let (status, _, docx) = analyst.get_bytes(&format!("/rounds/{id}/report.docx")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(crate::plans::docx_xml(&docx).contains("Vanligaste hindren"));
    let (status, _, xlsx) = analyst.get_bytes(&format!("/rounds/{id}/results.xlsx")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"));

    // The round's page lists its invitees 50 at a time, searchable and
    // filtered by status; the counts are the whole round's.
    let invited = analyst.get(&format!("/api/v1/rounds/{id}")).await.json()["invitees"].as_array().unwrap().len();
    assert!(invited > 100, "{invited}");
    let page = analyst.get(&format!("/rounds/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&format!("Visar 1–50 av {invited} inbjudna organisationer.")), "{}", page.text);
    assert_eq!(page.text.matches("<tr><td>").count(), 50, "one page of invitees");
    assert!(page.text.contains(&format!("/rounds/{id}?page=2#h-invitees")), "a link to the next page");
    let second = analyst.get(&format!("/rounds/{id}?page=2")).await;
    assert!(second.text.contains(&format!("Visar 51–{} av {invited}", invited.min(100))), "{}", second.text);
    let found = analyst.get(&format!("/rounds/{id}?q=EXEMPLA+kom")).await;
    assert_eq!(found.text.matches("<tr><td>").count(), 1, "{}", found.text);
    assert!(found.text.contains("Exempla kommun") && !found.text.contains("Visar 1–"), "{}", found.text);
    let submitted = analyst.get(&format!("/rounds/{id}?status=submitted&page=1")).await;
    let links = submitted.text.matches(&format!("/rounds/{id}/respondents/")).count();
    assert_eq!(submitted.text.matches("<tr><td>").count(), links, "only respondents are listed");
    for odd in ["?status=nonsense", "?page=-1", "?page=99999999999", "?q=%00%01"] {
        assert_eq!(analyst.get(&format!("/rounds/{id}{odd}")).await.status, StatusCode::OK, "{odd}");
    }
    let none = analyst.get(&format!("/rounds/{id}?q=finns+inte+alls")).await;
    assert!(none.text.contains("Ingen inbjuden organisation matchar sökningen."), "{}", none.text);

    // Exempla kommun answered: its comparison has real figures.
    let f = kommun_ciso.get(&format!("/api/v1/rounds/{id}/feedback")).await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.text);
    let f = f.json();
    assert_eq!(f["all"]["level_percentile"]["kind"], "value", "{f}");
    assert_eq!(f["level_shares_all"]["1"]["kind"], "value", "each level's share compares too: {f}");
    assert!(f["level_shares_all"]["1"]["value"]["percentile"].as_f64().is_some(), "with a percentile: {f}");
    let (status, _, pdf) = kommun_ciso.get_bytes(&format!("/rounds/{id}/feedback.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    let text = crate::plans::pdf_text(&pdf);
    assert!(text.contains("Jämförande återkoppling"));
    assert!(text.contains("Siffrorna är från svaret som lämnades"), "the feedback says where its figures come from");
    // The round's page and the feedback page say the level is the submitted snapshot, and when.
    let page = kommun_ciso.get(&format!("/rounds/{id}")).await;
    let level = f["mine"]["level"].as_u64().unwrap();
    assert!(
        page.text.contains(&format!(": nivå {level}. Det är självskattningen som den såg ut då.")),
        "{}",
        page.text
    );
    let page = kommun_ciso.get(&format!("/rounds/{id}/feedback")).await;
    assert!(page.text.contains("Siffrorna är från svaret som lämnades 20"), "{}", page.text);
    // But the kommun's CISO sees no other organisation's result.
    assert!(refused(&kommun_ciso.get(&format!("/api/v1/rounds/{id}/results")).await));
}

/// A round on a newer model version: the trend covers what the mapping maps,
/// and only the levels without one.
pub async fn trend_over_model_versions_covers_what_maps(app: &TestApp) {
    let analyst = app.login("analytiker@samordning.example").await;
    let v1 = app.store.list_models().await.unwrap().into_iter().find(|m| m.key == "lisa-grund").unwrap();
    let source =
        v1.source.replacen("version = 1", "version = 2", 1).replacen("id = \"ledning-1\"", "id = \"ledning-1b\"", 1);
    let v2 = app.store.insert_model(&store::Actor::cli(), "lisa-grund", 2, "Lisa grund 2", &source).await.unwrap();
    let national = app.org_id(NATIONAL).await;
    let orgs: Vec<uuid::Uuid> = app
        .store
        .list_orgs()
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.kind == domain::org::OrgKind::Municipality)
        .take(8)
        .map(|o| o.id)
        .collect();
    let now = domain::now();
    let round = store::Round {
        id: uuid::Uuid::now_v7(),
        org_id: national,
        model_id: v2.id,
        data: domain::round::RoundInput {
            name: "Uppföljning 2030".into(),
            period: 2030,
            opens_on: "2030-09-01".parse().unwrap(),
            closes_on: "2030-10-31".parse().unwrap(),
            message: String::new(),
            k: 5,
            remind_days: 0,
        },
        closed_at: Some(now),
        created_by: "test".into(),
        created_at: now,
        updated_at: now,
    };
    let result = domain::round::SharedResult {
        level: 2,
        areas: [("ledning".to_owned(), 0.5), ("styrdokument".to_owned(), 0.5)].into_iter().collect(),
        levels: [(1u8, 1.0)].into_iter().collect(),
        blockers: vec!["ledning-1b".into()],
    };
    let responses: Vec<(uuid::Uuid, store::NewResponse)> = orgs
        .iter()
        .map(|o| {
            (
                *o,
                store::NewResponse {
                    assessment_id: None,
                    kind: "municipality".into(),
                    employees: 500,
                    result: result.clone(),
                    answers: None,
                },
            )
        })
        .collect();
    app.store.insert_generated_round(&store::Actor::cli(), &round, &orgs, &responses).await.unwrap();
    let path = format!("/api/v1/rounds/{}/trend", round.id);

    // Without a mapping, the older rounds compare by level only.
    let t = analyst.get(&path).await.json();
    let rows = t.as_array().unwrap();
    assert!(rows.len() >= 4, "{t}");
    let older = &rows[rows.len() - 2];
    assert!(older["all"]["areas"].as_object().unwrap().is_empty(), "no areas without a mapping: {older}");
    assert!(older["all"]["levels"]["kind"] == "value");

    // With one, the mapped area and question carry over, the rest is left out.
    let mapping = domain::round::Mapping::parse(
        "from = \"lisa-grund@1\"\nto = \"lisa-grund@2\"\n[questions]\n\"ledning-1\" = \"ledning-1b\"\n[areas]\nledning = \"ledning\"\n",
    )
    .unwrap();
    app.store.insert_mapping(&store::Actor::cli(), v1.id, v2.id, &mapping).await.unwrap();
    let t = analyst.get(&path).await.json();
    let older = &t.as_array().unwrap()[t.as_array().unwrap().len() - 2];
    let areas: Vec<&String> = older["all"]["areas"].as_object().unwrap().keys().collect();
    assert_eq!(areas, vec!["ledning"], "{older}");
    for (q, _) in older["all"]["blockers"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["question"].as_str().unwrap(), b["organisations"].clone()))
    {
        assert_eq!(q, "ledning-1b", "only mapped blockers, in the new ids");
    }
}
