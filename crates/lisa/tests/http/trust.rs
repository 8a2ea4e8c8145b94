//! A shared service's trust, tried as a hostile user of the demo world would:
//! a local administrator reaching for the national coordinator's powers or
//! someone else's account, one request that would take Lisa down, the open
//! redirect after login, parallel password guesses against the lock, a flood
//! of report downloads, and `/metrics` from outside.

use std::io::Write;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Body, Client, PASSWORD, TestApp};

/// A local administrator of the whole demo kommun.
async fn kommun_admin(app: &TestApp) -> Client {
    let admin = app.login("admin@exempla.se").await;
    let kommun = app.org_id("Exempla kommun").await;
    let res = admin
        .send(
            "POST",
            "/api/v1/users",
            Some(Body::Json(json!({"name": "Kim Kommunadmin", "email": "kommunadmin@exempla.se", "role": "admin",
                "org_id": kommun, "password": PASSWORD}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    app.login("kommunadmin@exempla.se").await
}

pub async fn local_admin_cannot_reach_beyond_its_scope(app: &TestApp) {
    let admin = app.login("admin@exempla.se").await;
    let local = kommun_admin(app).await;
    let kommun = app.org_id("Exempla kommun").await;
    let social = app.org_id("Socialförvaltningen").await;

    // No coordinating body of its own, through the API or the page.
    let res = local
        .send(
            "POST",
            "/api/v1/orgs",
            Some(Body::Json(json!({"name": "Nationell samordning", "kind": "coordinator", "parent_id": kommun}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    let res = local
        .post_form(
            "/orgs",
            vec![
                ("name", "Nationell samordning".into()),
                ("kind", "coordinator".into()),
                ("parent_id", kommun.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    assert!(app.store.find_orgs_by_name("Nationell samordning").await.unwrap().is_empty(), "nothing was created");
    // Nor by turning one of its own organisations into one.
    let res = local
        .send(
            "PUT",
            &format!("/api/v1/orgs/{social}"),
            Some(Body::Json(json!({"name": "Socialförvaltningen", "kind": "coordinator", "parent_id": kommun}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    let res = local
        .post_form(
            &format!("/orgs/{social}"),
            vec![
                ("name", "Socialförvaltningen".into()),
                ("kind", "coordinator".into()),
                ("parent_id", app.org_id("Socialnämnden").await.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    // A coordinating body the system administrator placed in the kommun: the
    // local admin may rename it, not move it or change its kind.
    let res = admin
        .send(
            "POST",
            "/api/v1/orgs",
            Some(Body::Json(json!({"name": "Kommunens samordning", "kind": "coordinator", "parent_id": kommun}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let coordination = res.json()["id"].as_str().unwrap().to_owned();
    let change = |kind: &str, parent: uuid::Uuid, name: &str| {
        Some(Body::Json(json!({"name": name, "kind": kind, "parent_id": parent})))
    };
    let path = format!("/api/v1/orgs/{coordination}");
    let res = local.send("PUT", &path, change("coordinator", social, "Kommunens samordning")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "moving it: {}", res.text);
    let res = local.send("PUT", &path, change("unit", kommun, "Kommunens samordning")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "changing its kind: {}", res.text);
    let res = local.send("PUT", &path, change("coordinator", kommun, "Samordningen")).await;
    assert_eq!(res.status, StatusCode::OK, "renaming it: {}", res.text);

    // An account without roles is nobody's to take over.
    let res = admin
        .send(
            "POST",
            "/api/v1/users",
            Some(Body::Json(json!({"name": "Rolf Rollös", "email": "rollos@exempla.se", "role": "ciso",
                "org_id": app.org_id("Region Exempla").await, "password": PASSWORD}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let user = res.json()["id"].as_str().unwrap().to_owned();
    let detail = admin.get(&format!("/api/v1/users/{user}")).await.json();
    let role = detail["roles"][0]["id"].as_str().unwrap().to_owned();
    let res = admin.send("DELETE", &format!("/api/v1/users/{user}/roles/{role}"), None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let res = local
        .send(
            "POST",
            &format!("/api/v1/users/{user}/roles"),
            Some(Body::Json(json!({"role": "ciso", "org_id": social}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "a role-less account is out of a local admin's sight: {}", res.text);
    let res = local
        .send(
            "POST",
            &format!("/api/v1/users/{user}/password"),
            Some(Body::Json(json!({"password": "övertaget konto lösenord"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    assert!(app.login_with("rollos@exempla.se", "övertaget konto lösenord").await.is_err());
    // Nor through "adding" a user with its address.
    let res = local
        .send(
            "POST",
            "/api/v1/users",
            Some(Body::Json(json!({"name": "Rolf", "email": "rollos@exempla.se", "role": "ciso", "org_id": social,
                "password": "övertaget konto lösenord"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert!(app.login_with("rollos@exempla.se", "övertaget konto lösenord").await.is_err());
    // Adding an address that has an account elsewhere gives that account the
    // role, like adding a new person: the answer does not tell more.
    let res = local
        .send(
            "POST",
            "/api/v1/users",
            Some(Body::Json(
                json!({"name": "Peter", "email": "ciso@region-exempla.se", "role": "auditor", "org_id": social,
                "password": "ett annat långt lösenord"}),
            )),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let roles = res.json()["roles"].as_array().unwrap().clone();
    assert_eq!(roles.len(), 1, "only the new role in the local admin's scope is shown: {roles:?}");
    assert!(app.login_with("ciso@region-exempla.se", "ett annat långt lösenord").await.is_err(), "password kept");
    assert!(app.login_with("ciso@region-exempla.se", PASSWORD).await.is_ok());
    // The system administrator can still give it a role.
    let res = admin
        .send(
            "POST",
            &format!("/api/v1/users/{user}/roles"),
            Some(Body::Json(json!({"role": "ciso", "org_id": social}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);

    // Roles elsewhere are not shown to a local administrator.
    let region = app.org_id("Region Exempla").await;
    let samordnare = app.user_id("samordnare@exempla.se").await;
    let res = admin
        .send(
            "POST",
            &format!("/api/v1/users/{samordnare}/roles"),
            Some(Body::Json(json!({"role": "auditor", "org_id": region}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let seen = local.get(&format!("/api/v1/users/{samordnare}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    let roles = seen.json()["roles"].as_array().unwrap().clone();
    assert_eq!(roles.len(), 1, "only the role inside the kommun: {roles:?}");
    assert_eq!(roles[0]["org_id"], json!(social));
    let list = local.get("/api/v1/users").await;
    assert!(!list.text.contains(&region.to_string()), "no role in the region is listed");
    let page = local.get(&format!("/users/{samordnare}")).await;
    assert!(!page.text.contains("Region Exempla"), "nor on the page");
    // The system administrator sees both.
    let all = admin.get(&format!("/api/v1/users/{samordnare}")).await.json();
    assert_eq!(all["roles"].as_array().unwrap().len(), 2);
}

pub async fn next_after_login_stays_on_this_site(app: &TestApp) {
    let evil = [
        "/\t/evil.example",
        "/\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "https://evil.example/",
        "/%09/evil.example",
    ];
    let anonymous = app.anonymous();
    for next in evil {
        let res = anonymous
            .send(
                "POST",
                "/login",
                Some(Body::RawForm(vec![
                    ("email", "ciso@exempla.se".into()),
                    ("password", PASSWORD.into()),
                    ("next", next.into()),
                ])),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{next:?}: {}", res.text);
        let to = res.location();
        let resolved = url::Url::parse(&app.url).unwrap().join(&to).unwrap();
        assert_eq!(resolved.origin(), url::Url::parse(&app.url).unwrap().origin(), "{next:?} sent the user to {to:?}");
    }
    // A logged-in user opening a crafted login link.
    let ciso = app.login("ciso@exempla.se").await;
    for raw in ["/%09/evil.example", "/%0a/evil.example", "/%5Cevil.example", "%2F%2Fevil.example"] {
        let res = ciso.get(&format!("/login?next={raw}")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let resolved = url::Url::parse(&app.url).unwrap().join(&res.location()).unwrap();
        assert_eq!(resolved.host_str(), Some("127.0.0.1"), "{raw} -> {}", res.location());
    }
    // A local path is kept.
    let res = ciso.get("/login?next=%2Fplan%3Fstatus%3Dongoing").await;
    assert_eq!(res.location(), "/plan?status=ongoing");
}

pub async fn parallel_guesses_meet_the_lock(app: &TestApp) {
    let mut tasks = Vec::new();
    for i in 0..40 {
        let c = app.anonymous();
        tasks.push(tokio::spawn(async move {
            c.send(
                "POST",
                "/api/v1/session",
                Some(Body::Json(json!({"email": "ledning@exempla.se", "password": format!("gissning nummer {i}")}))),
            )
            .await
            .status
        }));
    }
    let mut checked = 0;
    let mut locked = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNPROCESSABLE_ENTITY => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => locked += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(checked + locked, 40);
    assert!(checked <= 10, "at most ten guesses are checked, not {checked}");
    assert!(locked >= 30);
    // The right password is refused too while the lock lasts.
    let res = app.login_with("ledning@exempla.se", PASSWORD).await.err().unwrap();
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers.get("retry-after").is_some());
    // Made-up accounts do not pile up: one counter each, removed when idle.
    let before: i64 = count_failures(app).await;
    for i in 0..5 {
        let c = app.anonymous();
        let email = format!("{}{i}@nowhere.example", "x".repeat(5_000));
        let res = c.send("POST", "/api/v1/session", Some(Body::Json(json!({"email": email, "password": "x"})))).await;
        assert!(res.status.is_client_error(), "{}", res.status);
    }
    assert!(count_failures(app).await <= before + 5);
}

async fn count_failures(app: &TestApp) -> i64 {
    app.store.count_login_counters().await.unwrap()
}

/// A minimal workbook whose answer sheet is `sheet_xml`.
fn workbook_with_sheet(sheet_xml: &[u8]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let parts: [(&str, &[u8]); 5] = [
            (
                "[Content_Types].xml",
                br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            (
                "xl/workbook.xml",
                br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Svar" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            ("xl/worksheets/sheet1.xml", sheet_xml),
        ];
        for (name, body) in parts {
            z.start_file(name, opts).unwrap();
            z.write_all(body).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

pub async fn one_request_cannot_take_lisa_down(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let draft = app.draft_assessment(kommun).await;
    let ciso = app.login("ciso@exempla.se").await;
    let import = format!("/assessments/{}/import", draft.id);

    // A sheet that claims the whole grid, with one cell at each corner.
    let corners = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row></sheetData></worksheet>"#;
    let file = workbook_with_sheet(corners);
    assert!(file.len() < 4096, "a small file: {} bytes", file.len());
    let res = ciso.send("POST", &import, Some(Body::Multipart { filename: "svar.xlsx", content: file })).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("för stor"), "the reason is told: {}", res.text);
    assert_eq!(app.anonymous().get("/healthz").await.status, StatusCode::OK, "still serving");

    // A part that unpacks to far more than it is (a zip bomb).
    let mut bomb = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.to_vec();
    bomb.extend(std::iter::repeat_n(b' ', 80 * 1024 * 1024));
    bomb.extend(b"</sheetData></worksheet>");
    let file = workbook_with_sheet(&bomb);
    drop(bomb);
    assert!(file.len() < 1024 * 1024, "{} bytes packed", file.len());
    let res = ciso.send("POST", &import, Some(Body::Multipart { filename: "svar.xlsx", content: file })).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("för stor"), "{}", res.text);

    // A field repeated a hundred thousand times.
    let mut fields: Vec<(&'static str, String)> = vec![
        ("org", kommun.to_string()),
        ("name", "Uppföljning".into()),
        ("period", "2026".into()),
        ("opens_on", "2026-01-01".into()),
        ("closes_on", "2026-02-01".into()),
    ];
    fields.extend(std::iter::repeat_n(("kind", "unit".to_owned()), 100_000));
    let res = ciso.post_form("/rounds", fields).await;
    assert!(res.status.is_client_error() || res.status.is_redirection(), "{}", res.status);

    // Absurd dates in the audit-log filter, the page and the API.
    let auditor = app.login("revisor@exempla.se").await;
    for q in ["to=+262143-12-31", "from=-262143-01-01", "to=9999-12-31", "from=0000-01-01", "to=262143-12-31"] {
        let res = auditor.get(&format!("/api/v1/audit?{q}")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {}", res.text);
        let res = auditor.get(&format!("/audit?{q}")).await;
        assert!(res.status.is_client_error() || res.status.is_success(), "{q}: {}", res.status);
        assert!(!res.status.is_server_error());
    }
    assert_eq!(app.anonymous().get("/healthz").await.status, StatusCode::OK, "still serving");
}

/// With one render at a time and none waiting, a flood of PDF downloads
/// gets 503 with Retry-After beyond the first, while logins still work.
pub async fn a_flood_of_reports_is_queued_not_fatal(app: &TestApp) {
    let ciso = std::sync::Arc::new(app.login("ciso@exempla.se").await);
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let c = ciso.clone();
        tasks.push(tokio::spawn(async move {
            let (status, headers, _) = c.get_bytes("/plan.pdf").await;
            (status, headers.get("retry-after").is_some())
        }));
    }
    let login = app.login_with("ledning@exempla.se", PASSWORD).await;
    assert!(login.is_ok(), "logins are not starved");
    let mut busy = 0;
    let mut done = 0;
    for t in tasks {
        match t.await.unwrap() {
            (StatusCode::OK, _) => done += 1,
            (StatusCode::SERVICE_UNAVAILABLE, retry) => {
                assert!(retry, "503 says when to try again");
                busy += 1;
            }
            (other, _) => panic!("unexpected {other}"),
        }
    }
    assert!(done >= 1, "the queue still renders");
    assert!(busy >= 1, "beyond the queue, 503");
    // /metrics: from this machine directly, yes; through a proxy, no.
    let anon = app.anonymous();
    assert_eq!(anon.get("/metrics").await.status, StatusCode::OK);
    let res =
        anon.http.get(format!("{}/metrics", app.url)).header("x-forwarded-for", "198.51.100.4").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
