//! Training completion through the pages and the API: courses, counts per
//! unit, coverage rolled up the tree with charts and a CSV export, the
//! import of person rows all or nothing (an error first, then right), the
//! retention setting and purge, and hostile callers refused on every route.

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

/// A course owned by the kommun, for the authorisation matrix: its id.
pub async fn course_fixture(app: &TestApp, kommun: uuid::Uuid) -> String {
    let input = domain::training::CourseFields {
        name: "Kurs i behörighetstestet".into(),
        target_group: "all_staff".into(),
        validity_years: "2".into(),
        target_pct: "90".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    app.store.insert_course(&store::Actor::cli(), kommun, input).await.unwrap().id.to_string()
}

pub async fn training_is_counted_imported_and_rolled_up(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let social = app.org_id("Socialförvaltningen").await;
    let ciso = app.login("ciso@exempla.se").await;
    let coordinator = app.login("samordnare@exempla.se").await;
    let auditor = app.login("revisor@exempla.se").await;

    // A course: bad input names every field and stores nothing.
    let before = app.store.verify_audit().await.unwrap().unwrap();
    let bad = json!({"org_id": kommun, "name": "", "target_group": "alla", "validity_years": "0", "target_pct": "101"});
    let res = ciso.send("POST", "/api/v1/training/courses", Some(Body::Json(bad))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    for field in ["name", "target_group", "validity_years", "target_pct"] {
        assert!(res.text.contains(field), "{field} not named: {}", res.text);
    }
    let res = coordinator
        .send(
            "POST",
            "/api/v1/training/courses",
            Some(Body::Json(json!({"org_id": social, "name": "Kurs", "target_group": "all_staff",
                "validity_years": "2", "target_pct": "90"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "only the CISO adds courses: {}", res.text);
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "nothing written");

    let res = ciso
        .post_form(
            "/training/courses",
            vec![
                ("org_id", kommun.to_string()),
                ("name", "Informationssäkerhet för alla".into()),
                ("target_group", "all_staff".into()),
                ("validity_years", "2".into()),
                ("target_pct", "80".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = res.location();
    let id = page.trim_start_matches("/training/courses/").to_owned();
    let api = format!("/api/v1/training/courses/{id}");

    // Counts per unit: completed above headcount refused, then recorded.
    let res = coordinator
        .post_form(
            &format!("{page}/counts"),
            vec![
                ("org_id", social.to_string()),
                ("as_of", "2026-01-31".into()),
                ("headcount", "100".into()),
                ("completed", "101".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("aria-invalid"), "the form is shown again with its errors");
    let res = coordinator
        .post_form(
            &format!("{page}/counts"),
            vec![
                ("org_id", social.to_string()),
                ("as_of", "2026-01-31".into()),
                ("headcount", "100".into()),
                ("completed", "85".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let bou = app.org_id("Barn- och utbildningsförvaltningen").await;
    let res = ciso
        .send(
            "POST",
            &format!("{api}/counts"),
            Some(Body::Json(json!({"org_id": bou, "as_of": "2026-01-31", "headcount": "300", "completed": "150"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = auditor
        .send(
            "POST",
            &format!("{api}/counts"),
            Some(Body::Json(json!({"org_id": bou, "as_of": "2026-01-31", "headcount": "1", "completed": "1"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "the auditor reads, reports nothing");

    // Coverage rolled up: the kommun is the sum of its units.
    let cov = ciso.get(&format!("/api/v1/training/coverage?org={kommun}")).await;
    assert_eq!(cov.status, StatusCode::OK, "{}", cov.text);
    let cov = cov.json();
    let c = cov["courses"].as_array().unwrap().iter().find(|c| c["course"]["id"] == json!(id)).unwrap().clone();
    assert_eq!(c["total"], json!({"completed": 235, "headcount": 400}));
    assert_eq!(c["meets_target"], false, "235 of 400 is below 80 %");
    let social_line = c["lines"].as_array().unwrap().iter().find(|l| l["org_id"] == json!(social)).unwrap().clone();
    assert_eq!(social_line["meets_target"], true);
    assert_eq!(c["trend"].as_array().unwrap().len(), 5);
    // The coordinator sees the kommun's course for their förvaltning only.
    let theirs = coordinator.get(&format!("/api/v1/training/coverage?org={social}")).await.json();
    let c = theirs["courses"].as_array().unwrap().iter().find(|c| c["course"]["id"] == json!(id)).unwrap().clone();
    assert_eq!(c["total"], json!({"completed": 85, "headcount": 100}));
    let res = coordinator.get(&format!("/api/v1/training/coverage?org={kommun}")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "not above their scope");

    // The year wheel shows when the counts run out: two years after 31 January 2026.
    let wheel = ciso.get("/yearwheel?year=2028").await;
    assert_eq!(wheel.status, StatusCode::OK);
    assert!(wheel.text.contains(&format!("/training/courses/{id}")), "{}", wheel.text);
    assert!(wheel.text.contains("Utbildningen ska förnyas"));
    let theirs = coordinator.get(&format!("/yearwheel?year=2028&org={social}")).await.text;
    assert!(theirs.contains(&format!("/training/courses/{id}")), "the coordinator's unit renews too");

    // The page: coverage, target, charts; the CSV export.
    let res = ciso.get(&format!("/training?org={kommun}")).await;
    assert_eq!(res.status, StatusCode::OK);
    for text in ["Informationssäkerhet för alla", "Socialförvaltningen", "<svg", "Under målet", "Utbildning"] {
        assert!(res.text.contains(text), "{text} not on the page");
    }
    let (status, headers, bytes) = ciso.get_bytes(&format!("/training/coverage.csv?org={kommun}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = String::from_utf8(bytes).unwrap();
    assert!(csv.contains("Informationssäkerhet för alla;Socialförvaltningen;85;100;85;100;85;80"), "{csv}");

    // Import: an error first (every wrong row and field named, nothing stored), then right.
    let records = || async { app.store.training_record_counts(&store::OrgScope::Subtree(kommun)).await.unwrap() };
    let wrong = "Person;Kurs;Datum\r\nanna01;Informationssäkerhet för alla;2026-01-15\r\n;Okänd kurs;2026-13-40\r\n\
                 bertil;informationssäkerhet för alla;2099-01-01\r\n";
    let res = coordinator
        .send(
            "POST",
            "/training/import",
            Some(Body::MultipartWith {
                fields: vec![("org_id", social.to_string())],
                filename: "export.csv",
                content: wrong.as_bytes().to_vec(),
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    for text in
        ["<td>3</td><td>Person</td>", "<td>3</td><td>Kurs</td>", "<td>3</td><td>Datum</td>", "<td>4</td><td>Datum</td>"]
    {
        assert!(res.text.contains(text), "{text} not listed: {}", res.text);
    }
    assert!(res.text.contains("Det finns ingen sådan utbildning"), "the message in Swedish");
    assert!(records().await.is_empty(), "nothing stored");
    let right = "Person;Kurs;Datum\r\nanna01;Informationssäkerhet för alla;2026-01-15\r\n\
                 bertil;informationssäkerhet för alla;2025-11-01\r\ncecilia;Informationssäkerhet för alla;2023-01-01\r\n";
    let res = coordinator
        .send(
            "POST",
            "/training/import",
            Some(Body::MultipartWith {
                fields: vec![("org_id", social.to_string())],
                filename: "export.csv",
                content: right.as_bytes().to_vec(),
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(records().await[0].1, 3);
    // Person rows count against the unit's latest headcount: cecilia's has expired.
    let theirs = coordinator.get(&format!("/api/v1/training/coverage?org={social}")).await.json();
    let c = theirs["courses"].as_array().unwrap().iter().find(|c| c["course"]["id"] == json!(id)).unwrap().clone();
    assert_eq!(c["total"], json!({"completed": 2, "headcount": 100}));
    // Through the API, refused with the rows named.
    let res = coordinator
        .send(
            "POST",
            "/api/v1/training/import",
            Some(Body::Json(json!({"org_id": social, "file_name": "x.csv",
                "content_base64": b64("Person,Kurs,Datum\nx,Okänd,2026-01-01\n")}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.json()["errors"][0], json!({"row": 2, "field": "course", "code": "error-training-course-unknown"}));
    let res = coordinator
        .send(
            "POST",
            "/api/v1/training/import",
            Some(Body::Json(json!({"org_id": social, "file_name": "x.xlsx",
            "content_base64": b64("PK\u{3}\u{4} inte en arbetsbok")}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a broken workbook is refused, not a 500: {}", res.text);

    // Retention: the CISO sets it; rows past it are purged.
    let res = ciso
        .send("PUT", &format!("/api/v1/training/settings/{kommun}"), Some(Body::Json(json!({"retention_months": 0}))))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let res = ciso
        .send("PUT", &format!("/api/v1/training/settings/{kommun}"), Some(Body::Json(json!({"retention_months": 1}))))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let now = domain::now();
    assert_eq!(web::app::training::purge_expired(&app.store, now).await.unwrap(), 0, "none past it yet");
    let later = now + chrono::Duration::days(40);
    assert_eq!(web::app::training::purge_expired(&app.store, later).await.unwrap(), 3);
    assert!(records().await.is_empty());

    // The review's figures: the kommun's subtree, within validity.
    let review =
        web::app::training::coverage_for_review(&app.store, kommun, chrono::Datelike::year(&domain::clock::today()))
            .await
            .unwrap();
    let rc = review.courses.iter().find(|c| c.name == "Informationssäkerhet för alla").unwrap();
    assert_eq!((rc.completed, rc.headcount, rc.target_pct, rc.meets()), (235, 400, 80, false));

    // The unit's own report shows the status the registers give its e-learning point, page and API.
    let year = chrono::Datelike::year(&domain::clock::today());
    let res = coordinator.get(&format!("/unit-reports/{social}/{year}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("Enligt registren:") && res.text.contains("har gått kursen"), "{}", res.text);
    let report = coordinator.get(&format!("/api/v1/unit-reports/{social}/{year}")).await.json();
    let point = report["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["text"] == "E-utbildning i informationssäkerhet för alla medarbetare")
        .unwrap()["id"]
        .clone();
    let computed = report["computed"].as_array().unwrap();
    let c = computed.iter().find(|c| c["point_id"] == point).expect("a computed status for the e-learning point");
    assert_eq!(c["basis"]["kind"], "coverage", "{c}");
    assert!(computed.iter().all(|c| c["status"].is_string()), "{report}");

    // Bad input answers 4xx, never 500.
    for (method, path, body) in [
        ("GET", "/training/courses/inte-ett-id".to_owned(), None),
        ("GET", "/training?org=inte-ett-id&year=abc".to_owned(), None),
        ("GET", format!("/api/v1/training/courses/{}", uuid::Uuid::now_v7()), None),
        ("POST", format!("{api}/counts"), Some(Body::Json(json!({"org_id": "x"})))),
        ("PUT", api.clone(), Some(Body::Json(json!({"validity_years": 99999999999999999999u128.to_string()})))),
        (
            "POST",
            "/api/v1/training/import".into(),
            Some(Body::Json(json!({"org_id": social, "file_name": "a",
            "content_base64": "!!"}))),
        ),
    ] {
        let res = ciso.send(method, &path, body).await;
        assert!(res.status.is_client_error(), "{method} {path}: {} {}", res.status, res.text);
    }
}

/// An analyst and a CISO of another organisation are refused on every training route.
pub async fn training_refuses_hostile_users_on_every_route(app: &TestApp) {
    let f = crate::authz::fixture(app).await;
    let analyst = app.login("analytiker@samordning.example").await;
    let outsider = app.login("ciso@region-exempla.se").await;
    let anonymous = app.anonymous();
    let admin = app.login("admin@exempla.se").await; // no ViewTraining
    let auditor = app.login("revisor@exempla.se").await; // reads, reports nothing
    let coordinator = app.login("samordnare@exempla.se").await; // reports, manages no course
    let before = crate::authz::audit_len(app).await;
    let routes: Vec<_> = crate::authz::routes(&f).into_iter().filter(|r| r.path.contains("/training")).collect();
    assert!(routes.len() >= 16, "{}", routes.len());
    for r in &routes {
        for (who, c) in [("analyst", &analyst), ("outsider", &outsider)] {
            let res = crate::authz::call(c, &f, r).await;
            assert!(crate::authz::refused(&res), "{who} {} {}: {} {}", r.method, r.path, res.status, res.text);
            assert!(!res.text.contains("Kurs i behörighetstestet"), "{who} {} {}", r.method, r.path);
        }
    }
    // Anonymous callers are sent to log in; insiders without the permission are refused.
    for r in &routes {
        let res = crate::authz::call(&anonymous, &f, r).await;
        assert!(matches!(res.status, StatusCode::UNAUTHORIZED | StatusCode::SEE_OTHER), "anonymous {}", r.path);
        let insider = match r.need {
            crate::authz::Need::ViewTraining => &admin,
            crate::authz::Need::ReportTraining => &auditor,
            _ => &coordinator,
        };
        let res = crate::authz::call(insider, &f, r).await;
        assert!(crate::authz::refused(&res), "insider {} {}: {} {}", r.method, r.path, res.status, res.text);
    }
    // Without a chosen organisation, the outsider's own (empty) view, nothing of the kommun.
    let res = outsider.get("/api/v1/training/courses").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.text.contains("Kurs i behörighetstestet"));
    let res = analyst.get("/training").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(crate::authz::audit_len(app).await, before, "a refused request wrote something");
}
