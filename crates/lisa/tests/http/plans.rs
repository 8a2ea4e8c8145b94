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
    // A förvaltning that reports by unit report holds no review, and the message says so.
    let kultur = app.org_id("Kultur- och fritidsförvaltningen").await;
    let res = ciso.send("POST", "/api/v1/reviews", Some(Body::Json(json!({"org_id": kultur, "year": 2027})))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("enhetsrapport"), "{}", res.text);

    // The coordinator reports Socialförvaltningen's own statuses (it holds its own review); the owner approves.
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
    assert_eq!(units.len(), 3, "the three förvaltningar without a review of their own report to the kommun's");
    assert!(units.iter().all(|u| u["unit"] != "Socialförvaltningen"));
    // Socialförvaltningen's own review rolls up: not started for 2027, its own statuses shown.
    let children = detail["content"]["children"].as_array().unwrap();
    let names: Vec<&str> = children.iter().map(|c| c["org"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"Socialförvaltningen") && names.contains(&"Barn- och utbildningsförvaltningen"),
        "{names:?}"
    );
    assert!(names.contains(&"Exempla Stadshus AB"), "{names:?}");
    let sf = children.iter().find(|c| c["org"] == "Socialförvaltningen").unwrap();
    assert_eq!(sf["status"], serde_json::Value::Null);
    assert_eq!(sf["points"][0][1], "partial");
    assert_eq!(sf["points"].as_array().unwrap().len(), 13);
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

/// Seed 001: a förvaltning holds its own review. Its coordinator prepares
/// it, its förvaltningschef adopts it, the priorities become its actions,
/// the kommun's CISO sees it roll up; nobody else sees it.
pub async fn forvaltning_holds_its_own_review(app: &TestApp) {
    let social = app.org_id("Socialförvaltningen").await;
    let kommun = app.org_id("Exempla kommun").await;
    let samordnare = app.login("samordnare@exempla.se").await;
    let chef = app.login("forvaltningschef@exempla.se").await;
    let ciso = app.login("ciso@exempla.se").await;
    let region = app.login("ciso@region-exempla.se").await;
    let new = |org| Some(Body::Json(json!({"org_id": org, "year": 2027})));

    // Only the coordinator (or the CISO) starts it; not the chief, not for the kommun.
    let res = chef.send("POST", "/api/v1/reviews", new(social)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    let res = samordnare.send("POST", "/api/v1/reviews", new(kommun)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    let res = samordnare.send("POST", "/api/v1/reviews", new(social)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let r = format!("/api/v1/reviews/{id}");

    // The coordinator fills in seed 001's parts.
    let follow_up = "Den lokala anvisningen är införd på alla enheter.";
    let dpo = "Dataskyddsombudet ser fler felskickade e-postmeddelanden.";
    for (section, text) in [("follow_up", follow_up), ("dpo_report", dpo)] {
        let res =
            samordnare.send("PUT", &format!("{r}/comments/{section}"), Some(Body::Json(json!({"text": text})))).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    }
    // The DPO's annual report as a file, through the API and the page; bad input stores nothing.
    let file =
        json!({"section": "dpo_report", "file_name": "DSO årsrapport 2027.pdf", "content_base64": "JVBERi0xLjQgRFNP"});
    let res = samordnare.send("POST", &format!("{r}/files"), Some(Body::Json(file))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let api_file = res.json()["id"].as_str().unwrap().to_owned();
    let before = app.store.verify_audit().await.unwrap().unwrap();
    for bad in [
        json!({"section": "nonsense", "file_name": "a.pdf", "content_base64": "aGVq"}),
        json!({"section": "dpo_report", "file_name": "a.pdf", "content_base64": "###"}),
        json!({"section": "dpo_report", "file_name": "a.pdf", "content_base64": ""}),
    ] {
        let res = samordnare.send("POST", &format!("{r}/files"), Some(Body::Json(bad))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    }
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "nothing written");
    let res = samordnare
        .send(
            "POST",
            &format!("/reviews/{id}/files"),
            Some(Body::MultipartWith {
                fields: vec![("section", "risks".into())],
                filename: "risker.txt",
                content: b"Risk 1".to_vec(),
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let (status, _, bytes) = chef.get_bytes(&format!("/api/v1/review-files/{api_file}")).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, &b"%PDF-1.4 DSO"[..]));
    for path in [format!("/api/v1/review-files/{api_file}"), format!("/review-files/{api_file}")] {
        assert_eq!(region.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let priority = "Varje verksamhetssystem får en objektledare.";
    let decision =
        json!({"kind": "improvement", "text": priority, "responsible": "Förvaltningschefen", "deadline": "2028-06-30"});
    let res = samordnare.send("POST", &format!("{r}/decisions"), Some(Body::Json(decision))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = chef.send("POST", &format!("{r}/adopt"), None).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "no meeting yet: {}", res.text);
    let meeting = json!({"meeting_date": "2027-11-16", "participants": "Helena Strid\nErik Lind"});
    let res = samordnare.send("PUT", &format!("{r}/meeting"), Some(Body::Json(meeting))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let detail = chef.get(&r).await.json();
    assert_eq!(detail["content"]["part"], true);
    let units: Vec<&str> =
        detail["content"]["units"].as_array().unwrap().iter().map(|u| u["unit"].as_str().unwrap()).collect();
    assert_eq!(units, vec!["Socialförvaltningen", "Individ- och familjeomsorgen", "Äldreomsorgen"]);

    // Nobody else sees it: not another organisation, not the chief the kommun's or another förvaltning's review.
    assert_eq!(region.get(&r).await.status, StatusCode::NOT_FOUND);
    assert_eq!(region.get(&format!("/reviews/{id}")).await.status, StatusCode::NOT_FOUND);
    let visible = chef.get("/api/v1/reviews").await.json();
    let orgs: Vec<&str> = visible.as_array().unwrap().iter().map(|x| x["org_id"].as_str().unwrap()).collect();
    assert!(!orgs.is_empty() && orgs.iter().all(|o| *o == social.to_string()), "{orgs:?}");
    let all = ciso.get("/api/v1/reviews").await.json();
    let others: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["org_id"] != social.to_string())
        .map(|x| x["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(others.len() >= 4, "the kommun's and Barn- och utbildningsförvaltningen's reviews");
    for other in &others {
        assert_eq!(chef.get(&format!("/api/v1/reviews/{other}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            chef.send("POST", &format!("/api/v1/reviews/{other}/adopt"), None).await.status,
            StatusCode::NOT_FOUND
        );
    }
    // The coordinator does not adopt; the förvaltningschef does.
    let res = samordnare.send("POST", &format!("{r}/adopt"), None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = chef.send("POST", &format!("{r}/adopt"), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);

    // Frozen: nothing more is written, no file either.
    let before = app.store.verify_audit().await.unwrap().unwrap();
    let late = json!({"section": "dpo_report", "file_name": "sen.pdf", "content_base64": "aGVq"});
    assert_eq!(
        samordnare.send("POST", &format!("{r}/files"), Some(Body::Json(late))).await.status,
        StatusCode::CONFLICT
    );
    let res =
        samordnare.send("PUT", &format!("{r}/comments/follow_up"), Some(Body::Json(json!({"text": "Ändrat"})))).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(app.store.verify_audit().await.unwrap().unwrap(), before, "nothing written");

    // The priority is an action in the förvaltning's own plan.
    let actions = samordnare.get("/api/v1/actions?origin=review").await.json();
    let made: Vec<_> = actions["actions"].as_array().unwrap().iter().filter(|a| a["activity"] == priority).collect();
    assert_eq!(made.len(), 1, "{actions}");
    assert_eq!(made[0]["org_id"], social.to_string());

    // The kommun's review of the year shows it adopted, with its decision.
    let res = ciso.send("POST", "/api/v1/reviews", new(kommun)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let k = res.json()["id"].as_str().unwrap().to_owned();
    let content = ciso.get(&format!("/api/v1/reviews/{k}")).await.json()["content"].clone();
    let sf =
        content["children"].as_array().unwrap().iter().find(|c| c["org"] == "Socialförvaltningen").unwrap().clone();
    assert_eq!(sf["status"], "adopted");
    assert_eq!(sf["decisions"][0]["text"], priority);
    let page = ciso.get(&format!("/reviews/{k}")).await;
    assert!(page.text.contains("Genomgångar i förvaltningar och bolag") && page.text.contains(priority));

    // The report follows seed 001's order: the checklist with its statuses,
    // last year, risks, then the development with its priorities.
    let (status, _, pdf) = chef.get_bytes(&format!("/reviews/{id}/report.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&pdf);
    let (status, _, docx) = chef.get_bytes(&format!("/reviews/{id}/report.docx")).await;
    assert_eq!(status, StatusCode::OK);
    let xml = docx_xml(&docx);
    for (name, doc) in [("PDF", &text), ("DOCX", &xml)] {
        for want in [
            "Uppföljning av förra året",
            "Dataskyddsombudets årsrapport",
            "Prioriterade områden för 2028",
            "risker.txt",
        ] {
            assert!(doc.contains(want), "the {name} lacks {want:?}");
        }
        // Texts found once each, in the body: a unit of the checklist, the follow-up, the DPO's risks, the priority.
        let at = |w: &str| doc.find(w).unwrap_or_else(|| panic!("the {name} lacks {w:?}"));
        let order = [at("Individ- och familjeomsorgen"), at(follow_up), at(dpo), at(priority)];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "the {name} is out of seed 001's order: {order:?}");
    }
}
