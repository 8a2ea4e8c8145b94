//! Incidents (seeds 001, 003, 004) through the pages and the API: bad input
//! stores nothing and is answered in Swedish, the statutory clocks run from
//! the discovery and show met, late and missed, notifications are recorded,
//! the timeline and status move, actions are made, an organisation's NIS
//! class brings the NIS2 duties, and the compilation rolls up the tree. And
//! who may not see an incident never does: an analyst, an auditor, another
//! organisation's CISO, a DPO for an incident without personal data.

use chrono::{Duration, Utc};
use domain::incident::local_input;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::authz::audit_len;
use crate::helpers::{Body, Client, TestApp};

/// A Swedish local time `hours` ago, as a datetime-local input gives it.
fn ago(hours: i64) -> String {
    local_input(&(Utc::now() - Duration::hours(hours)))
}

/// The duty of `step` in an incident's JSON.
fn duty<'a>(incident: &'a Value, step: &str) -> &'a Value {
    incident["duties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["step"] == step)
        .unwrap_or_else(|| panic!("no duty {step}: {incident}"))
}

fn form(
    org: uuid::Uuid,
    title: &str,
    discovered: String,
    personal: bool,
    severity: &str,
) -> Vec<(&'static str, String)> {
    let mut f = vec![
        ("org_id", org.to_string()),
        ("title", title.to_owned()),
        ("description", "Beskrivning av händelsen.".into()),
        ("occurred_at", String::new()),
        ("discovered_at", discovered),
        ("category", "information_loss".into()),
        ("aspects", "confidentiality".into()),
        ("aspects", "integrity".into()),
        ("severity", severity.into()),
        ("responsible", "Anna Berg".into()),
    ];
    if personal {
        f.push(("personal_data", "on".into()));
    }
    f
}

async fn register(c: &Client, fields: Vec<(&'static str, String)>) -> String {
    let res = c.post_form("/incidents", fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    res.location().trim_start_matches("/incidents/").to_owned()
}

pub async fn incidents_are_registered_reported_and_closed(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let social = app.org_id("Socialförvaltningen").await;
    let ciso = app.login("ciso@exempla.se").await;
    let coordinator = app.login("samordnare@exempla.se").await;

    // Bad input: every wrong field named in Swedish, nothing stored.
    let before = audit_len(app).await;
    let mut bad = form(social, "", "inte en tid".into(), false, "enorm");
    bad.retain(|(k, _)| *k != "aspects");
    let res = ciso.post_form("/incidents", bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("aria-invalid"), "the form is shown again with its errors");
    assert!(res.text.contains("Välj minst ett av skyddsvärdena"), "{}", res.text);
    assert!(res.text.contains("ÅÅÅÅ-MM-DD"), "the time's format is explained");
    let res = ciso.post_form("/incidents", form(social, "Framtid", ago(-48), false, "low")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("framtiden"), "{}", res.text);
    let res = ciso.post_form("/incidents", form(social, "Glappet", "2026-03-29T02:30".into(), false, "low")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("finns inte i svensk tid"), "the spring gap: {}", res.text);
    let res = ciso
        .send(
            "POST",
            "/api/v1/incidents",
            Some(Body::Json(json!({"org_id": social, "title": "x".repeat(301), "discovered_at": ago(1),
                "category": "attack", "aspects": [], "severity": "low"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    for field in ["title", "aspects"] {
        assert!(res.text.contains(field), "{field} not named: {}", res.text);
    }
    let res =
        ciso.send("POST", "/incidents", Some(Body::RawForm(form(social, "Utan token", ago(1), false, "low")))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "a form without the CSRF token");
    assert_eq!(audit_len(app).await, before, "nothing written");

    // A personal-data breach discovered ten hours ago: IMY within 72 hours.
    let new = ciso.get("/incidents/new").await;
    assert_eq!(new.status, StatusCode::OK);
    assert!(new.text.contains("type=\"datetime-local\"") && new.text.contains("Socialförvaltningen"));
    let id = register(&ciso, form(social, "E-post med journaluppgifter till fel mottagare", ago(10), true, "moderate"))
        .await;
    let page = format!("/incidents/{id}");
    let api = format!("/api/v1/incidents/{id}");
    let html = ciso.get(&page).await.text;
    assert!(html.contains("Anmälan av personuppgiftsincident till IMY"), "{html}");
    assert!(html.contains("min kvar") && html.contains("GDPR art. 33"), "a countdown with its source");
    let v = ciso.get(&api).await.json();
    assert_eq!(v["duties"].as_array().unwrap().len(), 1, "no NIS2 duty for a moderate incident: {v}");
    let gdpr = duty(&v, "gdpr_notify");
    assert_eq!(gdpr["state"], "running");
    let left = gdpr["left_seconds"].as_i64().unwrap();
    assert!((61 * 3600..=62 * 3600).contains(&left), "62 hours left, not {left} s");

    // The year wheel shows the running deadline in its month to those who see the
    // incident, and nothing of it to an owner who does not.
    let due = chrono::DateTime::parse_from_rfc3339(gdpr["due"].as_str().unwrap()).unwrap().with_timezone(&chrono::Utc);
    let wheel_year = chrono::Datelike::year(&domain::clock::stockholm(&due));
    let wheel = ciso.get(&format!("/yearwheel?year={wheel_year}")).await;
    assert_eq!(wheel.status, StatusCode::OK);
    assert!(wheel.text.contains(&format!("/incidents/{id}#step-gdpr_notify")), "{}", wheel.text);
    assert!(wheel.text.contains("Tidsfrist för incidentrapportering"));
    let owner = app.login("agare@exempla.se").await;
    let wheel = owner.get(&format!("/yearwheel?year={wheel_year}")).await;
    assert_eq!(wheel.status, StatusCode::OK);
    assert!(!wheel.text.contains(&id) && !wheel.text.contains("journaluppgifter"), "the owner sees no incident");

    // Recording the notification: a reason is needed when it is not required; then met.
    let res = ciso
        .post_form(&format!("{page}/reports/gdpr_notify"), vec![("not_required", "on".into()), ("note", String::new())])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("varför rapporten inte behövs"), "{}", res.text);
    assert_eq!(
        ciso.post_form(&format!("{page}/reports/imy"), vec![("at", ago(1))]).await.status,
        StatusCode::NOT_FOUND
    );
    let res = ciso
        .post_form(
            &format!("{page}/reports/gdpr_notify"),
            vec![("at", ago(2)), ("reference", "IMY-2026-123".into()), ("note", "Anmält via e-tjänsten.".into())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let v = ciso.get(&api).await.json();
    assert_eq!(duty(&v, "gdpr_notify")["state"], "met", "{v}");
    assert_eq!(v["reports"][0]["reference"], "IMY-2026-123");
    assert!(ciso.get(&page).await.text.contains("Rapporterad i tid"));

    // The timeline, the status and an action in the plan.
    let res = ciso.post_form(&format!("{page}/entries"), vec![("text", "  ".into())]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res =
        ciso.post_form(&format!("{page}/entries"), vec![("text", "Mottagaren har raderat e-posten.".into())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = coordinator
        .send("POST", &format!("{api}/entries"), Some(Body::Json(json!({"text": "Rutinen ses över."}))))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "the unit's coordinator writes too: {}", res.text);
    let res = ciso.send("POST", &format!("{api}/status"), Some(Body::Json(json!({"status": "investigating"})))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = ciso.send("POST", &format!("{api}/status"), Some(Body::Json(json!({"status": "investigating"})))).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "the same status: {}", res.text);
    assert!(res.text.contains("Välj en annan status"), "{}", res.text);
    let res = ciso.send("POST", &format!("{api}/status"), Some(Body::Json(json!({"status": "solved"})))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown status: {}", res.text);
    let res = ciso.send("POST", &format!("{api}/action"), None).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let action = res.json();
    assert_eq!(action["origin"], "incident");
    assert_eq!(action["origin_ref"], json!(id));
    let res = ciso.post_form(&format!("{page}/status"), vec![("status", "closed".into())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let v = ciso.get(&api).await.json();
    assert_eq!(v["incident"]["status"], "closed");
    assert!(v["incident"]["closed_at"].is_string(), "closing sets closed_at: {v}");
    assert_eq!(v["entries"].as_array().unwrap().len(), 2);
    assert_eq!(v["actions"][0]["id"], action["id"]);
    let html = ciso.get(&page).await.text;
    assert!(
        html.contains("Mottagaren har raderat e-posten.")
            && html.contains(&format!("/plan/{}", action["id"].as_str().unwrap()))
    );

    // Editing: the discovery may not come before the event; then the lessons are saved.
    let mut edit = form(social, "E-post till fel mottagare", ago(10), true, "moderate");
    edit.push(("occurred_at", ago(5)));
    edit.retain(|(k, v)| !(*k == "occurred_at" && v.is_empty()));
    let res = ciso.post_form(&page, edit).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("upptäckts innan den hände"), "{}", res.text);
    let mut edit = form(social, "E-post till fel mottagare", ago(10), true, "moderate");
    edit.push(("lessons", "Adressfältet fylls i automatiskt: stäng av det.".into()));
    assert_eq!(ciso.post_form(&page, edit).await.status, StatusCode::SEE_OTHER);
    let v = ciso.get(&api).await.json();
    assert_eq!(v["incident"]["title"], "E-post till fel mottagare");
    assert_eq!(v["incident"]["lessons"], "Adressfältet fylls i automatiskt: stäng av det.");

    // The kommun becomes an essential entity (the CISO only): a serious
    // incident discovered 30 hours ago has missed its early warning.
    let duties_page = format!("/orgs/{kommun}/reporting-duties");
    let res = coordinator.post_form(&duties_page, vec![("nis_class", "essential".into())]).await;
    assert!(matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", res.status);
    let res = ciso.post_form(&duties_page, vec![("nis_class", "vital".into())]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let res = ciso.post_form(&duties_page, vec![("nis_class", "essential".into())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert!(ciso.get(&duties_page).await.text.contains("Väsentlig verksamhetsutövare"));
    let res = ciso.get(&format!("/api/v1/orgs/{kommun}/reporting-duties")).await;
    assert_eq!(res.json()["nis_class"], "essential", "{}", res.text);
    let serious =
        register(&ciso, form(social, "Utpressningsvirus i verksamhetssystemet", ago(30), false, "serious")).await;
    let v = ciso.get(&format!("/api/v1/incidents/{serious}")).await.json();
    assert_eq!(duty(&v, "nis_early_warning")["state"], "missed", "{v}");
    assert_eq!(duty(&v, "nis_notification")["state"], "running", "{v}");
    assert!(v["duties"].as_array().unwrap().iter().all(|d| d["step"] != "gdpr_notify"), "no personal data");
    let html = ciso.get(&format!("/incidents/{serious}")).await.text;
    assert!(html.contains("Missad") && html.contains("Tidig varning till CERT-SE"), "{html}");
    // The escalation (without a mail server here) records the missed deadline
    // once; the page and the API list the reminder.
    let run = web::escalation::escalate(&app.store, None, "http://127.0.0.1", domain::now()).await.unwrap();
    assert!(run.alerted >= 1, "{run:?}");
    let v = ciso.get(&format!("/api/v1/incidents/{serious}")).await.json();
    let alerts = v["alerts"].as_array().unwrap();
    assert!(alerts.iter().any(|a| a["step"] == "nis_early_warning" && a["alert"] == "missed"), "{v}");
    let html = ciso.get(&format!("/incidents/{serious}")).await.text;
    assert!(html.contains("påminnelse om att tidsfristen har passerat") && html.contains("Ingen e-post skickades"));
    let list = ciso.get("/incidents").await.text;
    assert!(list.contains("Utpressningsvirus") && list.contains("Missad"), "the list shows the worst clock");
    assert!(!ciso.get("/incidents?status=registered").await.text.contains("E-post till fel mottagare"));
    let res = ciso
        .send("PUT", &format!("/api/v1/orgs/{kommun}/reporting-duties"), Some(Body::Json(json!({"nis_class": null}))))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.json()["nis_class"].is_null());

    // The compilation of the kommun's tree, with charts and exports.
    let year = chrono::Datelike::year(&domain::clock::today());
    let q = format!("org={kommun}&year={year}");
    let res = ciso.get(&format!("/incidents/compilation?{q}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("<svg") && res.text.contains("Informationsförlust eller informationsläckage"));
    assert!(res.text.contains("Socialförvaltningen"));
    let c = ciso.get(&format!("/api/v1/incidents/compilation?{q}")).await.json();
    assert_eq!(c["rows"][0]["org_id"], json!(kommun));
    assert!(c["rows"][0]["rolled_up"]["incidents"].as_u64().unwrap() >= 2, "{c}");
    let row = c["rows"].as_array().unwrap().iter().find(|r| r["org_id"] == json!(social)).unwrap();
    assert!(row["own"]["personal_data"].as_u64().unwrap() >= 1);
    let (status, headers, bytes) = ciso.get_bytes(&format!("/incidents/compilation.xlsx?{q}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"), "an xlsx file");
    assert!(headers["content-disposition"].to_str().unwrap().contains(".xlsx"));
    let csv = ciso.get(&format!("/incidents/compilation.csv?{q}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text.contains("Socialförvaltningen") && csv.text.contains(';'));

    // In English too.
    let res = ciso.post_form("/account/language", vec![("language", "en".into())]).await;
    assert!(res.status.is_redirection(), "{}", res.status);
    for path in
        [page.clone(), "/incidents".into(), "/incidents/new".into(), format!("/incidents/compilation?{q}"), duties_page]
    {
        let res = ciso.get(&path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert!(res.text.contains("lang=\"en\""), "{path}");
    }
    assert!(ciso.get(&page).await.text.contains("Notification of a personal data breach to IMY"));
}

pub async fn incidents_are_hidden_from_those_who_may_not_see_them(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let social = app.org_id("Socialförvaltningen").await;
    let ciso = app.login("ciso@exempla.se").await;
    let plain = register(&ciso, form(social, "Driftstopp i lönesystemet", ago(3), false, "serious")).await;
    let personal = register(&ciso, form(social, "Förlorad usb-minne med elevlistor", ago(3), true, "low")).await;

    let analyst = app.login("analytiker@samordning.example").await;
    let auditor = app.login("revisor@exempla.se").await;
    let outsider = app.login("ciso@region-exempla.se").await;
    let dpo = app.login("dso@exempla.se").await;
    let management = app.login("ledning@exempla.se").await;
    let before = audit_len(app).await;

    let writes = |id: &str| -> Vec<(&'static str, String, Option<Body>)> {
        let p = format!("/incidents/{id}");
        let a = format!("/api/v1/incidents/{id}");
        vec![
            ("GET", p.clone(), None),
            ("POST", p.clone(), Some(Body::Form(form(social, "Kapad", ago(1), true, "low")))),
            ("POST", format!("{p}/entries"), Some(Body::Form(vec![("text", "Kapad".into())]))),
            ("POST", format!("{p}/reports/gdpr_notify"), Some(Body::Form(vec![("at", ago(1))]))),
            ("POST", format!("{p}/status"), Some(Body::Form(vec![("status", "closed".into())]))),
            ("POST", format!("{p}/action"), Some(Body::Form(vec![]))),
            ("GET", a.clone(), None),
            (
                "PUT",
                a.clone(),
                Some(Body::Json(json!({"org_id": social, "title": "Kapad", "discovered_at": ago(1),
                "category": "attack", "aspects": ["integrity"], "severity": "low"}))),
            ),
            ("POST", format!("{a}/entries"), Some(Body::Json(json!({"text": "Kapad"})))),
            ("PUT", format!("{a}/reports/gdpr_notify"), Some(Body::Json(json!({"at": ago(1)})))),
            ("POST", format!("{a}/status"), Some(Body::Json(json!({"status": "closed"})))),
            ("POST", format!("{a}/action"), None),
        ]
    };
    let refused = |s: StatusCode| matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
    let hostile: [(&str, &Client, Vec<&str>); 4] = [
        ("analyst", &analyst, vec![plain.as_str(), personal.as_str()]),
        ("auditor", &auditor, vec![plain.as_str(), personal.as_str()]),
        ("outsider", &outsider, vec![plain.as_str(), personal.as_str()]),
        ("DPO", &dpo, vec![plain.as_str()]),
    ];
    for (who, c, ids) in &hostile {
        for id in ids {
            for (method, path, body) in writes(id) {
                let res = c.send(method, &path, body).await;
                assert!(refused(res.status), "{who} {method} {path}: {} {}", res.status, res.text);
                assert!(!res.text.contains("Driftstopp") && !res.text.contains("elevlistor"), "{who} {path}");
            }
        }
        for path in ["/incidents", "/api/v1/incidents", "/incidents/compilation", "/api/v1/incidents/compilation"] {
            let res = c.get(path).await;
            assert!(refused(res.status) || res.status.is_success(), "{who} {path}: {}", res.status);
            assert!(!res.text.contains("Driftstopp") && !res.text.contains(&plain), "{who} {path}");
            if *who != "DPO" {
                assert!(!res.text.contains(&personal), "{who} {path}");
            }
        }
        for path in [
            format!("/incidents/compilation?org={kommun}"),
            format!("/incidents/compilation.xlsx?org={kommun}"),
            format!("/incidents/compilation.csv?org={kommun}"),
            format!("/api/v1/incidents/compilation?org={kommun}"),
        ] {
            let res = c.get(&path).await;
            if *who == "DPO" {
                continue;
            }
            assert!(refused(res.status), "{who} {path}: {} {}", res.status, res.text);
        }
        let res =
            c.post_form(&format!("/orgs/{kommun}/reporting-duties"), vec![("nis_class", "essential".into())]).await;
        assert!(refused(res.status), "{who} sets the NIS class: {}", res.status);
        let res = c
            .send(
                "PUT",
                &format!("/api/v1/orgs/{kommun}/reporting-duties"),
                Some(Body::Json(json!({"nis_class": "important"}))),
            )
            .await;
        assert!(refused(res.status), "{who} sets the NIS class through the API: {}", res.status);
    }
    assert_eq!(audit_len(app).await, before, "a refused request wrote something");

    // The DPO sees and writes the personal-data incident, and lists only it.
    let list = dpo.get("/api/v1/incidents").await.json();
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|i| i["incident"]["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&personal.as_str()) && !ids.contains(&plain.as_str()), "{ids:?}");
    assert!(!dpo.get("/incidents").await.text.contains("Driftstopp"));
    assert_eq!(dpo.get(&format!("/incidents/{personal}")).await.status, StatusCode::OK);
    let res = dpo
        .send(
            "POST",
            &format!("/api/v1/incidents/{personal}/entries"),
            Some(Body::Json(json!({"text": "DSO granskar."}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);

    // Management of the kommun reads both, changes neither.
    for id in [&plain, &personal] {
        let res = management.get(&format!("/incidents/{id}")).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(!res.text.contains("/entries\""), "no forms for management");
        let res = management
            .send("POST", &format!("/api/v1/incidents/{id}/entries"), Some(Body::Json(json!({"text": "x"}))))
            .await;
        assert!(refused(res.status), "management writes: {}", res.status);
    }
    assert!(management.get("/incidents").await.text.contains("Driftstopp i lönesystemet"));
}
