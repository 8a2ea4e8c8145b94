//! Users and their roles through the API; no escalation by a local administrator.

use reqwest::StatusCode;
use serde_json::json;

use crate::authz::{audit_len, fixture, refused};
use crate::helpers::{Body, TestApp};

pub async fn api_manages_orgs_users_and_roles(app: &TestApp) {
    let f = fixture(app).await;
    let admin = app.login("admin@exempla.se").await;
    let res = admin
        .send(
            "POST",
            "/api/v1/orgs",
            Some(Body::Json(json!({"name": "Digitaliseringsenheten", "kind": "unit", "parent_id": f.kommun_org}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let org = res.json();
    let org_id = org["id"].as_str().unwrap().to_owned();
    assert_eq!(org["kind"], "unit");

    let res = admin
        .send("POST", "/api/v1/users", Some(Body::Json(json!({"name": "Nora Nyberg", "email": "Nora.Nyberg@Exempla.se", "role": "coordinator", "org_id": org_id, "password": "nora har ett långt lösenord"}))))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let user = res.json();
    assert_eq!(user["email"], "nora.nyberg@exempla.se");
    let user_id = user["id"].as_str().unwrap().to_owned();

    // The same e-mail again: the existing account gets the role (its name
    // stays), so the answer does not tell whether the address was in use.
    let res = admin
        .send(
            "POST",
            "/api/v1/users",
            Some(Body::Json(
                json!({"name": "Nora Igen", "email": "nora.nyberg@exempla.se", "role": "auditor", "org_id": org_id}),
            )),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let linked = res.json();
    assert_eq!(linked["id"].as_str().unwrap(), user_id, "the same account");
    assert_ne!(linked["name"], "Nora Igen", "its name is kept");
    assert!(linked["roles"].as_array().unwrap().iter().any(|r| r["role"] == "auditor"), "{linked}");
    let before = audit_len(app).await;
    // Several bad fields at once: every one is named.
    let res = admin
        .send(
            "POST",
            "/api/v1/users",
            Some(Body::Json(json!({"name": "", "email": "inte-en-adress", "role": "kung", "password": "kort"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> =
        res.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
    for want in ["name", "email", "role", "password"] {
        assert!(fields.iter().any(|f| f == want), "{want} missing in {fields:?}");
    }
    assert_eq!(audit_len(app).await, before);

    // The new user logs in and sees their organisation.
    let nora = app.login_with("nora.nyberg@exempla.se", "nora har ett långt lösenord").await.ok().unwrap();
    let me = nora.get("/api/v1/me").await.json();
    assert_eq!(me["roles"][0]["role"], "coordinator");
    let visible = nora.get("/api/v1/orgs").await.json();
    assert_eq!(visible.as_array().unwrap().len(), 1);

    // Roles: add, duplicate refused, withdraw.
    let res = admin
        .send(
            "POST",
            &format!("/api/v1/users/{user_id}/roles"),
            Some(Body::Json(json!({"role": "owner", "org_id": org_id}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let role_id = res.json()["id"].as_str().unwrap().to_owned();
    let res = admin
        .send(
            "POST",
            &format!("/api/v1/users/{user_id}/roles"),
            Some(Body::Json(json!({"role": "owner", "org_id": org_id}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res =
        admin.send("POST", &format!("/api/v1/users/{user_id}/roles"), Some(Body::Json(json!({"role": "ciso"})))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "only admin may be system-wide");
    let res = admin.send("DELETE", &format!("/api/v1/users/{user_id}/roles/{role_id}"), None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);

    // Deleting the organisation is refused while Nora holds a role there.
    let res = admin.send("DELETE", &format!("/api/v1/orgs/{org_id}"), None).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json()["errors"][0]["code"], "error-org-has-assignments");

    // Rename and move by PUT, then a move into its own subtree is refused.
    let res = admin
        .send(
            "PUT",
            &format!("/api/v1/orgs/{org_id}"),
            Some(Body::Json(json!({"name": "Digitala enheten", "kind": "unit", "parent_id": f.social_nämnd}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.json()["parent_id"], f.social_nämnd);
    let res = admin
        .send(
            "PUT",
            &format!("/api/v1/orgs/{}", f.social_nämnd),
            Some(Body::Json(json!({"name": "Socialnämnden", "kind": "committee", "parent_id": org_id}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    // Deactivating ends Nora's sessions.
    let res = admin
        .send(
            "PUT",
            &format!("/api/v1/users/{user_id}"),
            Some(Body::Json(json!({"name": "Nora Nyberg", "language": "en", "active": false}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(nora.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    assert!(app.login_with("nora.nyberg@exempla.se", "nora har ett långt lösenord").await.is_err());
}

pub async fn local_admin_cannot_escalate(app: &TestApp) {
    let f = fixture(app).await;
    let admin = app.login("admin@exempla.se").await;
    let kommun = app.org_id("Exempla kommun").await;
    let social = f.kommun_org.clone();
    // A local administrator of Socialförvaltningen.
    let res = admin
        .send("POST", "/api/v1/users", Some(Body::Json(json!({"name": "Lokal Admin", "email": "lokal.admin@exempla.se", "role": "admin", "org_id": social, "password": "lokal admin lösenord"}))))
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let local = app.login_with("lokal.admin@exempla.se", "lokal admin lösenord").await.ok().unwrap();
    // Inside the subtree: allowed.
    let res = local
        .send(
            "POST",
            "/api/v1/orgs",
            Some(Body::Json(json!({"name": "Ny enhet", "kind": "unit", "parent_id": social}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    // Above it, at the top, or a role above it: refused.
    let res = local
        .send(
            "POST",
            "/api/v1/orgs",
            Some(Body::Json(json!({"name": "Ny nämnd", "kind": "committee", "parent_id": kommun}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = local
        .send("POST", "/api/v1/orgs", Some(Body::Json(json!({"name": "Ny kommun", "kind": "municipality"}))))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let me = app.user_id("lokal.admin@exempla.se").await;
    let res = local
        .send(
            "POST",
            &format!("/api/v1/users/{me}/roles"),
            Some(Body::Json(json!({"role": "admin", "org_id": kommun}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res =
        local.send("POST", &format!("/api/v1/users/{me}/roles"), Some(Body::Json(json!({"role": "admin"})))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Moving its own organisation out of its subtree: refused.
    let res = local
        .send(
            "PUT",
            &format!("/api/v1/orgs/{social}"),
            Some(Body::Json(json!({"name": "Socialförvaltningen", "kind": "administration", "parent_id": kommun}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // The CISO of the whole kommun holds a role outside the local admin's reach:
    // the local admin can neither see nor reset them.
    let ciso = app.user_id("ciso@exempla.se").await;
    let res = local
        .send(
            "POST",
            &format!("/api/v1/users/{ciso}/password"),
            Some(Body::Json(json!({"password": "övertaget konto lösenord"}))),
        )
        .await;
    assert!(refused(&res), "{}", res.status);
    // The coordinator of Socialförvaltningen is within reach.
    let res = local
        .send(
            "POST",
            &format!("/api/v1/users/{}/password", f.target_user),
            Some(Body::Json(json!({"password": "återställt av lokal admin"}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert!(app.login_with("samordnare@exempla.se", "återställt av lokal admin").await.is_ok());
    // The last system-wide administrator cannot lose that role.
    let admin_id = app.user_id("admin@exempla.se").await;
    let a = app.store.list_assignments(admin_id).await.unwrap()[0].id;
    let res = admin.send("DELETE", &format!("/api/v1/users/{admin_id}/roles/{a}"), None).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

/// The user list reads one page of the caller's scope: searchable, paged,
/// with bounded parameters, on the page and in the API.
pub async fn user_list_is_scoped_paged_and_searchable(app: &TestApp) {
    let f = fixture(app).await;
    // 60 more people with a role in the kommun's social committee, and one
    // in another kommun that the kommun's CISO must never see.
    for i in 0..60 {
        let user = store::NewUser {
            email: domain::user::Email::parse(&format!("person{i:02}@exempla.se")).unwrap(),
            name: domain::user::PersonName::parse(&format!("Person {i:02} Öberg")).unwrap(),
            password_hash: None,
            language: domain::user::Language::Sv,
        };
        let org = f.social_nämnd.parse().unwrap();
        let first = domain::authz::Assignment { role: domain::user::Role::Coordinator, org_id: Some(org) };
        app.store.insert_user(&store::Actor::cli(), user, Some(first)).await.unwrap();
    }
    let ciso = app.login("ciso@exempla.se").await;
    let all = ciso.get("/api/v1/users").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    let listed = all.json();
    let listed = listed.as_array().unwrap();
    let total: usize = all.headers["x-total-count"].to_str().unwrap().parse().unwrap();
    assert_eq!(total, listed.len(), "one page holds them all");
    assert!(total >= 61, "the CISO, the 60 and the demo kommun's people: {total}");
    assert!(listed.iter().all(|u| !u["roles"].as_array().unwrap().is_empty()), "only people with a role in scope");
    assert!(
        !listed.iter().any(|u| u["email"].as_str().unwrap().ends_with("@samordning.example")),
        "nobody from outside the kommun"
    );
    // Ordered by name; pages of two follow the same order.
    let names: Vec<&str> = listed.iter().map(|u| u["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let second = ciso.get("/api/v1/users?offset=2&limit=2").await;
    assert_eq!(second.status, StatusCode::OK);
    let second: Vec<String> =
        second.json().as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(second, names[2..4]);
    // Search on name or e-mail.
    let found = ciso.get("/api/v1/users?q=PERSON%205").await;
    assert_eq!(found.headers["x-total-count"], "10", "Person 50–59: {}", found.text);
    let found = ciso.get("/api/v1/users?q=%25").await;
    assert_eq!((found.status, found.text.as_str()), (StatusCode::OK, "[]"), "a % is a literal %");
    // Bounded parameters, refused with the field named.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
        (&*format!("q={}", "a".repeat(201)), "q"),
    ] {
        let res = ciso.get(&format!("/api/v1/users?{query}")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", res.text);
        assert_eq!(res.json()["errors"][0]["field"], field, "{query}");
    }
    let res = ciso.get("/api/v1/users?limit=tusen").await;
    assert!(res.status.is_client_error(), "{}", res.status);

    // The page: 50 at a time, with the count and links that keep the search.
    let page = ciso.get("/users").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&format!("Visar 1–50 av {total} användare.")), "{}", page.text);
    assert!(page.text.contains("href=\"/users?page=2\""), "a link to the next page");
    assert!(!page.text.contains("Föregående sida"));
    let page2 = ciso.get("/users?page=2").await;
    assert!(page2.text.contains(&format!("Visar 51–{total} av {total} användare.")), "{}", page2.text);
    assert!(page2.text.contains("href=\"/users?page=1\""));
    let searched = ciso.get("/users?q=person+5").await;
    assert!(searched.text.contains("Person 59") && !searched.text.contains("Person 49"));
    assert!(!searched.text.contains("Visar "), "one page: no count");
    let none = ciso.get("/users?q=finns-inte").await;
    assert!(none.text.contains("Ingen användare som du har behörighet att se matchar sökningen."));
    // Beyond the last page: no count, a way back.
    let beyond = ciso.get("/users?page=9").await;
    assert!(!beyond.text.contains("Visar ") && beyond.text.contains("href=\"/users?page=8\""), "{}", beyond.text);
    // Swedish letters in either case.
    let found = ciso.get("/api/v1/users?q=%C3%B6berg").await;
    assert_eq!(found.headers["x-total-count"], "60", "öberg finds Öberg: {}", found.text);
    for odd in ["/users?page=-3", "/users?page=99999999999999999999", "/users?page=x", "/users?q=%00%25_"] {
        assert_eq!(ciso.get(odd).await.status, StatusCode::OK, "{odd}");
    }
    // Someone in the other kommun is not found by the kommun's CISO.
    let outsider = app.login("analytiker@samordning.example").await;
    let me = outsider.get("/api/v1/me").await.json();
    let res = ciso.get(&format!("/api/v1/users?q={}", me["email"].as_str().unwrap())).await;
    assert_eq!(res.text, "[]");
}
