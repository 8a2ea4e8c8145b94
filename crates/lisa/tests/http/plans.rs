//! The action plan, the management review with its report, unit reports and
//! the calendar feed, through the API and the pages.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Body, TestApp};

/// The text of a PDF, by poppler's pdftotext (installed by the test command).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("lisa-pdf-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("r.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is needed; ./scripts/test installs it");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a DOCX's main part (word/document.xml).
pub fn docx_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a DOCX is a zip archive");
    let mut part = zip.by_name("word/document.xml").expect("word/document.xml");
    let mut s = String::new();
    std::io::Read::read_to_string(&mut part, &mut s).unwrap();
    s
}

pub async fn review_journey_through_the_api(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let social = app.org_id("Socialförvaltningen").await;
    let ciso = app.login("ciso@exempla.se").await;
    let samordnare = app.login("samordnare@exempla.se").await;
    let agare = app.login("agare@exempla.se").await;
    let ledning = app.login("ledning@exempla.se").await;

    let res = ciso.send("POST", "/api/v1/reviews", Some(Body::Json(json!({"org_id": kommun, "year": 2027})))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let res = ciso.send("POST", "/api/v1/reviews", Some(Body::Json(json!({"org_id": kommun, "year": 2027})))).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text.contains("finns redan"), "{}", res.text);
    // A unit (not an organisation of its own) has no review.
    let res = ciso.send("POST", "/api/v1/reviews", Some(Body::Json(json!({"org_id": social, "year": 2027})))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The coordinator reports for Socialförvaltningen; the owner approves.
    let path = format!("/api/v1/unit-reports/{social}/2027");
    let res = samordnare.get(&path).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let points: Vec<String> =
        res.json()["points"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(points.len(), 13);
    let half = json!({"items": [{"point_id": points[0], "status": "partial", "comment": "Hälften utbildade"}], "submit": true});
    let res = samordnare.send("PUT", &path, Some(Body::Json(half))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "submitting with points left: {}", res.text);
    assert!(res.text.contains("varje punkt"), "{}", res.text);
    let items: Vec<_> = points
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"point_id": p, "status": if i == 0 { "partial" } else { "done" }, "comment": ""}))
        .collect();
    let res = samordnare.send("PUT", &path, Some(Body::Json(json!({"items": items, "submit": true})))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["status"], "submitted");
    let res = samordnare.send("POST", &format!("{path}/approve"), None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "a coordinator does not approve");
    let res = agare.send("POST", &format!("{path}/approve"), None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let res = samordnare.send("PUT", &path, Some(Body::Json(json!({"items": items, "submit": true})))).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "an approved report is locked");

    // The CISO prepares.
    let r = format!("/api/v1/reviews/{id}");
    let comment = "Felskickad e-post med personuppgifter ökar.";
    let res = ciso.send("PUT", &format!("{r}/comments/risks"), Some(Body::Json(json!({"text": comment})))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let res = ciso.send("PUT", &format!("{r}/comments/nonsense"), Some(Body::Json(json!({"text": "x"})))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = ciso
        .send(
            "PUT",
            &format!("{r}/meeting"),
            Some(Body::Json(json!({"meeting_date": "2028-03-14", "participants": "Lars Ek"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let res = ciso.send("PUT", &format!("{r}/meeting"), Some(Body::Json(json!({"meeting_date": "14 mars"})))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let before = app.store.verify_audit().await.unwrap().unwrap();
    let res = ciso
        .send(
            "POST",
            &format!("{r}/decisions"),
            Some(Body::Json(json!({"kind": "improvement", "text": "Utan ansvarig", "deadline": "2028-12-31"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("Fyll i"), "{}", res.text);
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "nothing written");
    let decision = "Alla förvaltningar övar incidenthantering en gång om året.";
    for (kind, text) in [("improvement", decision), ("governance", "Policyn ses över.")] {
        let res = ciso
            .send(
                "POST",
                &format!("{r}/decisions"),
                Some(Body::Json(
                    json!({"kind": kind, "text": text, "responsible": "Säkerhetschefen", "deadline": "2028-12-31"}),
                )),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    }
    // A comment that is too long comes back with the error and the text as typed.
    let long = format!("Lång kommentar {}", "x".repeat(10_000));
    let res = ciso
        .post_form(
            &format!("/reviews/{id}/comments"),
            vec![("comment.proposals", long.clone()), ("comment.outside_world", "Ny lag i år.".into())],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("för lång") && res.text.contains(&long), "the typed text is kept");
    assert!(res.text.contains("Ny lag i år."), "and so is the text typed in another section");
    let detail = ciso.get(&r).await.json();
    assert!(detail["content"]["comments"].get("outside_world").is_none(), "nothing of a refused form is stored");
    // Every section's comment is one form: saving two at once stores both, with one audit entry each.
    let before = app.store.verify_audit().await.unwrap().unwrap();
    let res = ciso
        .post_form(
            &format!("/reviews/{id}/comments"),
            vec![
                ("comment.outside_world", "Ny lag i år.".into()),
                ("comment.risks", comment.into()),
                ("go", "outside_world".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(res.location(), format!("/reviews/{id}#s-outside_world"));
    let detail = ciso.get(&r).await.json();
    assert_eq!(detail["content"]["comments"]["outside_world"], "Ny lag i år.");
    assert_eq!(detail["content"]["comments"]["risks"], comment, "an unchanged comment stays");
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before + 1, "only the changed section is audited");
    // A repeated or unknown section is a malformed form: refused, nothing stored.
    let res = ciso
        .send(
            "POST",
            &format!("/reviews/{id}/comments"),
            Some(Body::Form(vec![("comment.risks", "a".into()), ("comment.risks", "b".into())])),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(ciso.get(&r).await.json()["content"]["comments"]["risks"], comment);
    let res = ciso.send("POST", &format!("{r}/adopt"), None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "the CISO does not adopt");

    // Management adopts: frozen with a hash; the improvement became an action.
    let res = ledning.send("POST", &format!("{r}/adopt"), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let hash = res.json()["content_hash"].as_str().unwrap().to_owned();
    assert!(hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
    let res = ledning.send("POST", &format!("{r}/adopt"), None).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let detail = ciso.get(&r).await.json();
    assert_eq!(detail["review"]["status"], "adopted");
    let units = detail["content"]["units"].as_array().unwrap();
    assert_eq!(units.len(), 5, "the kommun's five förvaltningar report");
    assert!(units.iter().any(|u| u["unit"] == "Socialförvaltningen" && u["status"] == "approved"));
    assert_eq!(detail["content"]["points"][0]["counts"], json!([0, 1, 0, 0]));
    let actions = ciso.get("/api/v1/actions?origin=review").await.json();
    let made: Vec<_> = actions["actions"].as_array().unwrap().iter().filter(|a| a["activity"] == decision).collect();
    assert_eq!(made.len(), 1, "one action for the one improvement decision");
    assert_eq!(made[0]["status"], "planned");
    assert_eq!(made[0]["end_date"], "2028-12-31");

    // An adopted review cannot be edited.
    let before = app.store.verify_audit().await.unwrap().unwrap();
    let res =
        ciso.send("PUT", &format!("{r}/comments/risks"), Some(Body::Json(json!({"text": "Ändrat i efterhand"})))).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text.contains("fastställd"), "{}", res.text);
    let res = ciso
        .post_form(&format!("/reviews/{id}/comments"), vec![("section", "risks".into()), ("comment", "Ändrat".into())])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "nothing written");

    // The report in both formats holds what the page shows.
    let page = ciso.get(&format!("/reviews/{id}")).await;
    assert!(page.text.contains(decision) && page.text.contains(&hash) && page.text.contains(comment));
    let (status, headers, pdf) = ciso.get_bytes(&format!("/reviews/{id}/report.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    let text = pdf_text(&pdf);
    for want in [
        decision,
        comment,
        "Exempla kommun",
        &hash[..16],
        "Ledningens genomgång 2027",
        "Socialförvaltningen",
        "Sida 2 av",
    ] {
        assert!(text.contains(want), "the PDF lacks {want:?}: {text}");
    }
    let (status, _, docx) = ciso.get_bytes(&format!("/reviews/{id}/report.docx")).await;
    assert_eq!(status, StatusCode::OK);
    let xml = docx_xml(&docx);
    for want in [decision, comment, "Exempla kommun", &hash, "Socialförvaltningen"] {
        assert!(xml.contains(want), "the DOCX lacks {want:?}");
    }

    // A correction is a new revision; the adopted one stays.
    let res = ciso.post_form(&format!("/reviews/{id}/revise"), vec![]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let new = res.location();
    let revised = ciso.get(&format!("/api/v1{new}")).await.json();
    assert_eq!(revised["review"]["revision"], 2);
    assert_eq!(revised["review"]["status"], "draft");
    assert_eq!(revised["decisions"].as_array().unwrap().len(), 2);
    assert_eq!(ciso.get(&r).await.json()["review"]["content_hash"], hash.as_str());
}

pub async fn action_plan_refuses_bad_input_and_exports(app: &TestApp) {
    let social = app.org_id("Socialförvaltningen").await;
    let ciso = app.login("ciso@exempla.se").await;
    let count = |app: &TestApp| {
        let store = app.store.clone();
        async move { store.list_actions(&store::OrgScope::Org(social)).await.unwrap().len() }
    };
    let n = count(app).await;
    let base = |end: &str, cost: &str| {
        vec![
            ("org_id", social.to_string()),
            ("title", "Ny rutin för loggning".to_owned()),
            ("start_date", "2027-05-01".to_owned()),
            ("end_date", end.to_owned()),
            ("cost", cost.to_owned()),
        ]
    };
    let res = ciso.post_form("/plan", base("2027-04-01", "0")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Slutdatumet måste vara samma dag som startdatumet eller senare"), "{}", res.text);
    let res = ciso.post_form("/plan", base("2027-06-01", "-500")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Kostnaden kan inte vara negativ"), "{}", res.text);
    let res = ciso
        .send(
            "POST",
            "/api/v1/actions",
            Some(Body::Json(
                json!({"org_id": social, "title": "X", "start_date": "2027-05-01", "end_date": "2027-01-01"}),
            )),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.headers["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    assert_eq!(count(app).await, n, "nothing half-written");

    let res = ciso.post_form("/plan", base("2027-06-01", "12 500")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id = res.location().rsplit('/').next().unwrap().to_owned();
    let a = ciso.get(&format!("/api/v1/actions/{id}")).await.json();
    assert_eq!(a["cost"], 12500);
    let res = ciso
        .send(
            "PUT",
            &format!("/api/v1/actions/{id}"),
            Some(Body::Json(json!({"title": "Ny rutin för loggning", "status": "done", "cost": "12500"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["status"], "done");

    // Filters and totals.
    let overdue = ciso.get("/api/v1/actions?overdue=1").await.json();
    let list = overdue["actions"].as_array().unwrap();
    assert!(!list.is_empty(), "the demo has overdue actions");
    assert!(list.iter().all(|a| a["status"] == "planned" || a["status"] == "ongoing"));
    assert_eq!(overdue["totals"]["overdue"].as_u64().unwrap() as usize, list.len());
    let page = ciso.get("/plan?overdue=1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Försenad"));

    // Exports.
    let (status, headers, csv) = ciso.get_bytes(&format!("/plan.csv?org={social}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with('\u{feff}') && csv.contains("Ny rutin för loggning;Socialförvaltningen"), "{csv}");
    let (status, _, xlsx) = ciso.get_bytes("/plan.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let rows = documents::read_sheet(&xlsx, "Handlingsplan").unwrap();
    assert!(rows.iter().any(|r| r.first().map(|c| c.as_str()) == Some("Ny rutin för loggning")), "{rows:?}");
    let (status, _, pdf) = ciso.get_bytes(&format!("/plan.pdf?org={social}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf_text(&pdf).contains("Ny rutin för loggning"));
}

pub async fn calendar_feed_is_private_and_revocable(app: &TestApp) {
    let ciso = app.login("ciso@exempla.se").await;
    let res = ciso.post_form("/account/calendar", vec![]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let start = res.text.find("/calendar/").expect("the feed address is shown");
    let path: String = res.text[start..].chars().take_while(|c| *c != '"').collect();
    assert!(path.ends_with(".ics"), "{path}");
    let anonymous = app.anonymous();
    let feed = anonymous.get(&path).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.content_type().starts_with("text/calendar"));
    let cal: icalendar::Calendar = feed.text.parse().expect("a valid iCalendar document");
    let summaries: Vec<String> = cal
        .components
        .iter()
        .filter_map(|c| match c {
            icalendar::CalendarComponent::Event(e) => icalendar::Component::get_summary(e).map(str::to_owned),
            _ => None,
        })
        .collect();
    assert!(summaries.iter().any(|s| s == "Ledningens genomgång"), "{summaries:?}");
    assert!(feed.text.contains("RRULE:FREQ=YEARLY"));
    // Someone else's organisation never shows.
    let outsider = app.login("ciso@region-exempla.se").await;
    let res = outsider.post_form("/account/calendar", vec![]).await;
    let start = res.text.find("/calendar/").unwrap();
    let other: String = res.text[start..].chars().take_while(|c| *c != '"').collect();
    let feed_other = anonymous.get(&other).await;
    assert_eq!(feed_other.status, StatusCode::OK);
    assert!(!feed_other.text.contains("Ledningens genomgång"));
    assert_eq!(anonymous.get("/calendar/0000.ics").await.status, StatusCode::NOT_FOUND);
    // A password change closes the calendar address too (it is a credential).
    assert_eq!(anonymous.get(&other).await.status, StatusCode::OK);
    let res = outsider
        .post_form(
            "/account/password",
            vec![
                ("current", "demo-lösenord-2026".to_owned()),
                ("password", "ett nytt långt lösenord".to_owned()),
                ("repeat", "ett nytt långt lösenord".to_owned()),
            ],
        )
        .await;
    assert!(res.status.is_redirection() || res.status.is_success(), "{} {}", res.status, res.text);
    assert_eq!(anonymous.get(&other).await.status, StatusCode::NOT_FOUND, "closed by the password change");
    // Revoked: gone.
    let res = ciso.post_form("/account/calendar/revoke", vec![]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.get(&path).await.status, StatusCode::NOT_FOUND);
}
