//! Logging in and out, throttling, CSRF, the first administrator's set-up link.

use reqwest::StatusCode;
use serde_json::json;

use crate::authz::{audit_len, fixture};
use crate::helpers::{Body, Client, TestApp};

pub async fn sessions_logout_and_password_change(app: &TestApp) {
    let first = app.login("dso@exempla.se").await;
    let second = app.login("dso@exempla.se").await;
    // Wrong current password: refused with a field error.
    let res = first
        .post_form(
            "/account/password",
            vec![
                ("current", "fel lösenord".into()),
                ("password", "ett nytt långt lösenord".into()),
                ("repeat", "ett nytt långt lösenord".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Ditt nuvarande lösenord stämmer inte"));
    let res = first
        .post_form(
            "/account/password",
            vec![
                ("current", crate::helpers::PASSWORD.into()),
                ("password", "ett nytt långt lösenord".into()),
                ("repeat", "ett nytt långt lösenord".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // This session stays, the other one ends.
    assert_eq!(first.get("/account").await.status, StatusCode::OK);
    assert_eq!(second.get("/account").await.status, StatusCode::SEE_OTHER);
    assert!(app.login_with("dso@exempla.se", crate::helpers::PASSWORD).await.is_err());
    let third = app.login_with("dso@exempla.se", "ett nytt långt lösenord").await.ok().unwrap();
    // Logout ends the session on the server, not only the cookie.
    let res = third.post_form("/logout", vec![]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.headers.get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(third.get("/").await.status, StatusCode::SEE_OTHER);
    // Language: English pages after the switch.
    let res = first.post_form("/account/language", vec![("language", "en".into())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = first.get("/account").await.text;
    assert!(page.contains("lang=\"en\"") && page.contains("My account"));
    // Idle sessions expire: age the session in the database.
    let cookie = first.cookie.clone().unwrap();
    let token = cookie.split('=').nth(1).unwrap();
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()));
    app.store.touch_session(&hash, domain::now() - chrono::Duration::hours(2)).await.unwrap();
    assert_eq!(first.get("/account").await.status, StatusCode::SEE_OTHER);
}

pub async fn failed_logins_are_slowed_then_locked(app: &TestApp) {
    let anon = app.anonymous();
    for i in 0..10 {
        let res = anon
            .send(
                "POST",
                "/login",
                Some(Body::RawForm(vec![("email", "revisor@exempla.se".into()), ("password", format!("fel {i}"))])),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        assert!(res.text.contains("E-postadressen eller lösenordet är fel."));
    }
    // Now locked, even with the right password.
    let res = anon
        .send(
            "POST",
            "/login",
            Some(Body::RawForm(vec![
                ("email", "revisor@exempla.se".into()),
                ("password", crate::helpers::PASSWORD.into()),
            ])),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text.contains("Vänta 15 minuter"));
    assert!(res.headers.get("retry-after").is_some());
    let res = anon
        .send(
            "POST",
            "/api/v1/session",
            Some(Body::Json(json!({"email": "revisor@exempla.se", "password": crate::helpers::PASSWORD}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.json()["type"], "urn:lisa:problem:too-many-attempts");
    // Another account from the same address is not locked yet.
    assert!(app.login_with("ledning@exempla.se", crate::helpers::PASSWORD).await.is_ok());
    // An unknown account answers like a wrong password.
    let res = anon
        .send(
            "POST",
            "/api/v1/session",
            Some(Body::Json(json!({"email": "finns.inte@exempla.se", "password": "vad som helst"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["errors"][0]["code"], "error-login-failed");
}

pub async fn csrf_is_required_for_every_write(app: &TestApp) {
    let f = fixture(app).await;
    let admin = app.login("admin@exempla.se").await;
    let before = audit_len(app).await;
    let fields = vec![("name", "Utan token".into()), ("kind", "unit".into()), ("parent_id", f.kommun_org.clone())];
    // Form without the token.
    let res = admin.send("POST", "/orgs", Some(Body::RawForm(fields.clone()))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.text.contains("Formuläret kunde inte skickas"));
    // With a wrong token.
    let mut wrong = fields.clone();
    wrong.push(("csrf", "0".repeat(64)));
    assert_eq!(admin.send("POST", "/orgs", Some(Body::RawForm(wrong))).await.status, StatusCode::FORBIDDEN);
    // API without the header.
    let mut no_header =
        Client { csrf: None, http: admin.http.clone(), base: admin.base.clone(), cookie: admin.cookie.clone() };
    let res = no_header
        .send("POST", "/api/v1/orgs", Some(Body::Json(json!({"name": "X", "kind": "unit", "parent_id": f.kommun_org}))))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json()["type"], "urn:lisa:problem:csrf");
    // A cross-site origin is refused even with the token.
    let res = admin
        .http
        .post(format!("{}/orgs", admin.base))
        .header("cookie", admin.cookie.clone().unwrap())
        .header("origin", "https://angripare.example")
        .form(&[
            ("name", "X"),
            ("kind", "unit"),
            ("parent_id", &f.kommun_org),
            ("csrf", admin.csrf.as_deref().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    no_header.csrf = admin.csrf.clone();
    assert_eq!(audit_len(app).await, before);
    // The same form with the token works.
    let res = admin.post_form("/orgs", fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

pub async fn first_admin_setup_link_works_once(app: &TestApp) {
    // Only an empty database offers the link: here the demo has users, so a
    // stored token still does not work.
    let token = "a".repeat(64);
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()));
    app.store.replace_setup_token(&hash).await.unwrap();
    let anon = app.anonymous();
    assert_eq!(anon.get(&format!("/setup/{token}")).await.status, StatusCode::NOT_FOUND);
    // An empty database of the same backend.
    let empty = testdb::TestDb::create("first_admin_setup_link_works_once", app.backend).await.unwrap();
    let empty_url = empty.url().to_owned();
    let store = store::Store::connect(&empty_url).await.unwrap();
    store.replace_setup_token(&hash).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(web::serve(listener, web::app(store, web::Config::default()), std::future::pending()));
    let c = Client { base, ..app.anonymous() };
    assert_eq!(c.get(&format!("/setup/{token}")).await.status, StatusCode::OK);
    assert_eq!(c.get(&format!("/setup/{}", "b".repeat(64))).await.status, StatusCode::NOT_FOUND);
    let res = c
        .send(
            "POST",
            &format!("/setup/{token}"),
            Some(Body::RawForm(vec![
                ("name", "Första Admin".into()),
                ("email", "forsta@exempla.se".into()),
                ("password", "kort".into()),
                ("repeat", "annat".into()),
            ])),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("minst 12 tecken") && res.text.contains("inte likadana"));
    let fields = vec![
        ("name", "Första Admin".into()),
        ("email", "forsta@exempla.se".into()),
        ("password", "första adminens lösenord".into()),
        ("repeat", "första adminens lösenord".into()),
    ];
    let res = c.send("POST", &format!("/setup/{token}"), Some(Body::RawForm(fields.clone()))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert!(res.headers.get("set-cookie").is_some());
    let res = c.send("POST", &format!("/setup/{token}"), Some(Body::RawForm(fields))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}
