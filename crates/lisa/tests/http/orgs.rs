//! Organisations through the pages.

use reqwest::StatusCode;

use crate::authz::{audit_len, fixture};
use crate::helpers::TestApp;

pub async fn admin_manages_orgs_through_pages_and_nothing_is_half_written(app: &TestApp) {
    let f = fixture(app).await;
    let admin = app.login("admin@exempla.se").await;
    // Add an organisation under Socialförvaltningen.
    let res = admin
        .post_form(
            "/orgs",
            vec![("name", "Trygghetsenheten".into()), ("kind", "unit".into()), ("parent_id", f.kommun_org.clone())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let new_path = res.location();
    let page = admin.get(&new_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Trygghetsenheten") && page.text.contains("Socialförvaltningen"));

    // A bad organisation number and an empty name: the form comes back with both messages, nothing changes.
    let before = audit_len(app).await;
    let res = admin
        .post_form(
            &new_path,
            vec![
                ("name", " ".into()),
                ("kind", "unit".into()),
                ("org_number", "212000-0143".into()),
                ("parent_id", f.kommun_org.clone()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Skriv ett namn."), "{}", res.text);
    assert!(res.text.contains("Kontrollera den sista siffran"));
    assert_eq!(audit_len(app).await, before);

    // Moving Socialnämnden under its own grandchild is refused with a message.
    let res = admin
        .post_form(
            &format!("/orgs/{}", f.social_nämnd),
            vec![
                ("name", "Socialnämnden".into()),
                ("kind", "committee".into()),
                ("parent_id", new_path.trim_start_matches("/orgs/").into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("kan inte flyttas in under sig själv"));
    assert_eq!(audit_len(app).await, before);

    // Rename with a valid number and move to the top of Socialnämnden.
    let res = admin
        .post_form(
            &new_path,
            vec![
                ("name", "Trygghet och säkerhet".into()),
                ("kind", "unit".into()),
                ("org_number", "2120000142".into()),
                ("parent_id", f.social_nämnd.clone()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id: uuid::Uuid = new_path.trim_start_matches("/orgs/").parse().unwrap();
    let org = app.store.find_org(id).await.unwrap().unwrap();
    assert_eq!(org.name, "Trygghet och säkerhet");
    assert_eq!(org.org_number.as_deref(), Some("212000-0142"));
    assert_eq!(org.parent_id, Some(f.social_nämnd.parse().unwrap()));

    // Deleting something with dependents is refused, with the reason, and nothing is deleted.
    let confirm = admin.get(&format!("/orgs/{}/delete", f.kommun_org)).await;
    assert!(confirm.text.contains("kan inte tas bort"));
    let res = admin.post_form(&format!("/orgs/{}/delete", f.kommun_org), vec![]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(app.store.find_org(f.kommun_org.parse().unwrap()).await.unwrap().is_some());

    // The new one has no dependents: the confirmation page asks, the post deletes.
    let confirm = admin.get(&format!("{new_path}/delete")).await;
    assert!(confirm.text.contains("Vill du ta bort"));
    let res = admin.post_form(&format!("{new_path}/delete"), vec![]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(app.store.find_org(id).await.unwrap().is_none());
    assert_eq!(admin.get(&new_path).await.status, StatusCode::NOT_FOUND);

    let actions: Vec<String> = app
        .store
        .list_audit(&store::AuditFilter { record_id: Some(id.to_string()), limit: 10, ..Default::default() })
        .await
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.change.action)
        .collect();
    assert_eq!(actions, vec!["org.delete", "org.move", "org.create"]);
}

/// The organisation tree and the action plan are searched and paged within
/// the user's scope: a search never names an organisation or an action the
/// user may not see, and any page number or kind is answered with a page.
pub async fn orgs_and_actions_are_searched_and_paged_within_scope(app: &TestApp) {
    let ciso = app.login("ciso@exempla.se").await;
    let page = ciso.get("/orgs?q=SOCIAL").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Socialförvaltningen") && page.text.contains("Socialnämnden"), "{}", page.text);
    assert!(page.text.contains("Exempla kommun ›"), "a found organisation says where it sits");
    assert!(!page.text.contains(r#"<ul class="tree">"#), "a search shows the matches, not the tree");
    // Kinds filter; nonsense kinds and pages are no filter and the first page.
    let bolag = ciso.get("/orgs?kind=company").await;
    assert!(bolag.text.contains("<ul class=\"found\""));
    assert!(!bolag.text.contains("Socialförvaltningen"));
    for q in ["/orgs?kind=%3Cscript%3E&page=-4", "/orgs?q=&page=99999999999999999999", "/orgs?q=%00%FF"] {
        assert_eq!(ciso.get(q).await.status, StatusCode::OK, "{q}");
    }
    // The region's CISO finds nothing of the kommun's, by name or by kind.
    let region = app.login("ciso@region-exempla.se").await;
    let res = region.get("/orgs?q=Exempla%20kommun").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text.contains("Ingen organisation matchar"), "{}", res.text);
    let res = region.get("/orgs?q=social").await;
    assert!(!res.text.contains("Socialförvaltningen"));

    // The administrator sees the whole demo: a search for a letter is paged.
    let admin = app.login("admin@exempla.se").await;
    let first = admin.get("/orgs?q=e").await;
    assert!(first.text.contains("Visar 1–50 av"), "{}", first.text);
    assert!(first.text.contains("page=2"));
    let second = admin.get("/orgs?q=e&page=2").await;
    assert!(second.text.contains("Visar 51–100 av"));
    // A page past the end shows the last page, not an empty list.
    let last = admin.get("/orgs?q=e&page=100000").await;
    assert!(last.text.contains("Visar") && !last.text.contains("Ingen organisation matchar"));

    // The plan: search in title, goal and activity, within the scope.
    let f = fixture(app).await;
    let action = app.store.find_action(f.action.parse().unwrap()).await.unwrap().unwrap();
    let word: String = action.data.title.split_whitespace().max_by_key(|w| w.chars().count()).unwrap().to_uppercase();
    let res = ciso.get(&format!("/plan?q={}", urlencode(&word))).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text.contains(&format!("/plan/{}", f.action)), "the action is found by {word}");
    let none = ciso.get(&format!("/plan?q={}", urlencode("zzzz inget sådant"))).await;
    assert!(none.text.contains("Inga åtgärder matchar urvalet"), "nothing matches");
    assert!(!none.text.contains(&format!("/plan/{}", f.action)));
    // The region's CISO does not find the kommun's action by its words.
    let res = region.get(&format!("/plan?q={}", urlencode(&word))).await;
    assert!(!res.text.contains(&format!("/plan/{}", f.action)));
    // The exports take the search too, and the page is not in their links.
    let res = ciso.get(&format!("/plan?q={}&page=3", urlencode(&word))).await;
    assert!(res.text.contains(&format!("/plan.csv?q={}", urlencode(&word))), "{}", res.text);
    assert!(!res.text.contains("page=3\""));
    let (status, _, csv) = ciso.get_bytes(&format!("/plan.csv?q={}", urlencode(&word))).await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8_lossy(&csv);
    assert!(csv.lines().count() >= 2 && csv.to_uppercase().contains(&word));
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
