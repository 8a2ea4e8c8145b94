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
