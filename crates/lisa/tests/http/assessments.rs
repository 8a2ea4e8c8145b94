//! Self-assessments: lifecycle, answers, the API journey, delegated areas.

use reqwest::StatusCode;
use serde_json::json;

use crate::authz::{audit_len, fixture};
use crate::helpers::{Body, TestApp};

pub async fn assessment_lifecycle_feedback_and_history(app: &TestApp) {
    let kultur = app.org_id("Kultur- och fritidsförvaltningen").await;
    let model = app.store.list_models().await.unwrap()[0].id;
    let ciso = app.login("ciso@exempla.se").await;
    let res = ciso
        .post_form(
            "/assessments",
            vec![
                ("org_id", kultur.to_string()),
                ("period", "2026".into()),
                ("model_id", model.to_string()),
                ("copy", "1".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = res.location();
    let id = page.trim_start_matches("/assessments/").to_owned();
    // The same organisation and year again: refused with a message.
    let res = ciso
        .post_form(
            "/assessments",
            vec![("org_id", kultur.to_string()), ("period", "2026".into()), ("model_id", model.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Det finns redan en självskattning"));
    // Answer the first area and go on to the next.
    let res = ciso
        .post_form(
            &format!("{page}/areas/ledning"),
            vec![
                ("answer.ledning-1", "ja".into()),
                ("comment.ledning-1", "Beslutad av KF 2025-03-10".into()),
                ("evidence.ledning-1", "https://intranat.exempla.se/policy".into()),
                ("confidence.ledning-1", "evidence".into()),
                ("answer.ledning-2", "delvis".into()),
                ("go", "next".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(res.location(), format!("{page}/areas/organisation"));
    let area = ciso.get(&format!("{page}/areas/ledning")).await.text;
    assert!(area.contains("Beslutad av KF 2025-03-10") && area.contains("https://intranat.exempla.se/policy"));
    // The result shows a level and, first, the must-questions that block level 1.
    let result = ciso.get(&format!("{page}/result")).await;
    assert_eq!(result.status, StatusCode::OK);
    assert!(result.text.contains("Vad ni behöver göra härnäst") && result.text.contains("Rekommenderad åtgärd"));
    assert!(result.text.contains("<svg"), "the area chart is drawn");
    // Lifecycle: submit, answers frozen, management approves, the CISO locks and reopens.
    // Questions are left unanswered: submitting asks for a confirmation first.
    let res = ciso.post_form(&format!("{page}/transition"), vec![("action", "submit".into())]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("kryssa i rutan för att skicka in ändå"), "{}", res.text);
    assert_eq!(
        ciso.post_form(&format!("{page}/transition"), vec![("action", "submit".into()), ("confirm", "yes".into())])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let res = ciso.post_form(&format!("{page}/areas/ledning"), vec![("answer.ledning-1", "nej".into())]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text.contains("bara ändras medan självskattningen är ett utkast"));
    let res = ciso.post_form(&format!("{page}/transition"), vec![("action", "approve".into())]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "the CISO does not approve");
    let ledning = app.login("ledning@exempla.se").await;
    assert_eq!(
        ledning.post_form(&format!("{page}/transition"), vec![("action", "approve".into())]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        ciso.post_form(&format!("{page}/transition"), vec![("action", "approve".into())]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        ciso.post_form(&format!("{page}/transition"), vec![("action", "lock".into())]).await.status,
        StatusCode::SEE_OTHER
    );
    let res = ciso.post_form(&format!("{page}/reopen"), vec![]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let new_id: uuid::Uuid =
        res.location().trim_start_matches("/assessments/").split('?').next().unwrap().parse().unwrap();
    let new = app.store.find_assessment(new_id).await.unwrap().unwrap();
    assert_eq!((new.revision, new.status.code()), (2, "draft"));
    assert_eq!(app.store.list_answers(new_id).await.unwrap().len(), 2);
    let old = app.store.find_assessment(id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(old.status.code(), "locked");
    // Reopening the old revision again is refused: there is a newer one.
    assert_eq!(ciso.post_form(&format!("{page}/reopen"), vec![]).await.status, StatusCode::CONFLICT);
    // Every step is in the audit log.
    let actions: Vec<String> = app
        .store
        .list_audit(&store::AuditFilter { record_id: Some(id.clone()), ..Default::default() })
        .await
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.change.action)
        .collect();
    for a in ["assessment.start", "assessment.answer", "assessment.submit", "assessment.approve", "assessment.lock"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing in {actions:?}");
    }
    // History of the kommun: three years from the demo, and a comparison.
    let kommun = app.org_id("Exempla kommun").await;
    let history = ciso.get(&format!("/orgs/{kommun}/assessments")).await;
    assert_eq!(history.status, StatusCode::OK);
    for year in ["2024", "2025", "2026"] {
        assert!(history.text.contains(year));
    }
    assert!(history.text.contains("Bättre"), "the kommun climbed, so some answers got better");
    assert!(history.text.contains("Underorganisationer sida vid sida"));
}

pub async fn assessment_answers_are_checked_and_scoped(app: &TestApp) {
    let f = fixture(app).await;
    let ciso = app.login("ciso@exempla.se").await;
    // A draft of the kommun (the demo's current year).
    let kommun = app.org_id("Exempla kommun").await;
    let draft = app.draft_assessment(kommun).await;
    let before = audit_len(app).await;
    let answers_before = app.store.list_answers(draft.id).await.unwrap();
    for fields in [
        vec![("answer.ledning-1", "kanske".to_string())],
        vec![("answer.ledning-1", "na".to_string())],
        vec![("answer.ledning-1", "ja".to_string()), ("evidence.ledning-1", "javascript:alert(1)".to_string())],
        vec![("answer.ledning-1", "ja".to_string()), ("comment.ledning-1", "x".repeat(4001))],
    ] {
        let res = ciso.post_form(&format!("/assessments/{}/areas/ledning", draft.id), fields.clone()).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
    }
    assert_eq!(audit_len(app).await, before, "nothing written");
    assert_eq!(app.store.list_answers(draft.id).await.unwrap(), answers_before);
    // Unknown area: 404. The autosave answer is JSON.
    assert_eq!(
        ciso.post_form(&format!("/assessments/{}/areas/finns-inte", draft.id), vec![]).await.status,
        StatusCode::NOT_FOUND
    );
    let res = ciso
        .post_form(
            &format!("/assessments/{}/areas/ledning", draft.id),
            vec![("answer.ledning-1", "ja".into()), ("autosave", "1".into())],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["saved"], true);
    // A coordinator reads but does not answer; the region's CISO sees nothing of it.
    let coordinator = app.login("samordnare@exempla.se").await;
    assert_eq!(coordinator.get(&format!("/assessments/{}", f.assessment)).await.status, StatusCode::OK);
    assert_eq!(
        coordinator.get(&format!("/assessments/{}", draft.id)).await.status,
        StatusCode::NOT_FOUND,
        "the kommun level is above the coordinator's unit"
    );
    let region = app.login("ciso@region-exempla.se").await;
    let list = region.get("/assessments").await.text;
    assert!(list.contains("Region Exempla") && !list.contains("Exempla kommun"));
    // A bad year and an unknown model are named.
    let res = ciso
        .post_form(
            "/assessments",
            vec![
                ("org_id", kommun.to_string()),
                ("period", "20x6".into()),
                ("model_id", uuid::Uuid::nil().to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Skriv året med fyra siffror"));
}

pub async fn assessment_api_journey(app: &TestApp) {
    let ciso = app.login("ciso@exempla.se").await;
    let models = ciso.get("/api/v1/models").await.json();
    let model_id = models[0]["id"].as_str().unwrap().to_owned();
    let model = ciso.get(&format!("/api/v1/models/{model_id}")).await.json();
    assert!(model["questions"].as_array().unwrap().len() >= 60);
    let org = app.org_id("Samhällsbyggnadsförvaltningen").await;
    let res = ciso
        .send(
            "POST",
            "/api/v1/assessments",
            Some(Body::Json(json!({"org_id": org, "period": 2026, "model_id": model_id}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    // All or nothing: one bad answer refuses the whole batch.
    let res = ciso
        .send(
            "PUT",
            &format!("/api/v1/assessments/{id}/answers"),
            Some(Body::Json(
                json!([{"question_id": "ledning-1", "answer": "ja"}, {"question_id": "finns-inte", "answer": "ja"}]),
            )),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.store.list_answers(id.parse().unwrap()).await.unwrap().is_empty());
    // Answer every question "ja": level 4, no feedback left.
    let all: Vec<serde_json::Value> = model["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| json!({"question_id": q["id"], "answer": "ja"}))
        .collect();
    let res = ciso
        .send("PUT", &format!("/api/v1/assessments/{id}/answers"), Some(Body::Json(serde_json::Value::Array(all))))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let result = ciso.get(&format!("/api/v1/assessments/{id}/result")).await.json();
    assert_eq!(result["level"], 4);
    assert!(result["feedback"].as_array().unwrap().is_empty());
    // One must-question of level 1 to "nej": level 0, and it is the first feedback item.
    let res = ciso
        .send(
            "PUT",
            &format!("/api/v1/assessments/{id}/answers"),
            Some(Body::Json(
                json!([{"question_id": "ledning-1", "answer": "nej", "comment": "Policyn är inte beslutad"}]),
            )),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let result = ciso.get(&format!("/api/v1/assessments/{id}/result")).await.json();
    assert_eq!(result["level"], 0);
    assert_eq!(result["feedback"][0]["question_id"], "ledning-1");
    assert_eq!(result["feedback"][0]["must"], true);
    assert!(!result["feedback"][0]["action"].as_str().unwrap().is_empty());
    // Lifecycle through the API; a wrong step is a 409 with a Swedish title.
    let step = |a: &'static str| Some(Body::Json(json!({"action": a})));
    assert_eq!(
        ciso.send("POST", &format!("/api/v1/assessments/{id}/transitions"), step("lock")).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        ciso.send("POST", &format!("/api/v1/assessments/{id}/transitions"), step("submit")).await.status,
        StatusCode::OK
    );
    let ledning = app.login("ledning@exempla.se").await;
    let res = ledning.send("POST", &format!("/api/v1/assessments/{id}/transitions"), step("approve")).await;
    assert_eq!(res.json()["status"], "approved");
    assert_eq!(
        ciso.send("POST", &format!("/api/v1/assessments/{id}/transitions"), step("lock")).await.json()["status"],
        "locked"
    );
    let res = ciso.send("POST", &format!("/api/v1/assessments/{id}/reopen"), None).await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(res.json()["revision"], 2);
    let spec = app.anonymous().get("/api/v1/openapi.json").await.json();
    for p in
        ["/api/v1/assessments", "/api/v1/assessments/{id}/answers", "/api/v1/assessments/{id}/result", "/api/v1/models"]
    {
        assert!(spec["paths"][p].is_object(), "{p}");
    }
}

pub async fn delegated_areas_arrive_as_proposals(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let draft = app.draft_assessment(kommun).await;
    let page = format!("/assessments/{}", draft.id);
    let ciso = app.login("ciso@exempla.se").await;
    let coordinator_id = app.user_id("samordnare@exempla.se").await;
    // Only coordinators inside the kommun can get an area.
    let dso = app.user_id("dso@exempla.se").await;
    let res = ciso.post_form(&format!("{page}/delegations"), vec![("area.incidenter", dso.to_string())]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let overview = ciso.get(&page).await.text;
    assert!(overview.contains("Erik Lind – Socialförvaltningen"), "the coordinator is offered");
    let res =
        ciso.post_form(&format!("{page}/delegations"), vec![("area.incidenter", coordinator_id.to_string())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // The coordinator sees the assessment, only the delegated area, and no result.
    let coordinator = app.login("samordnare@exempla.se").await;
    assert!(coordinator.get("/assessments").await.text.contains("Exempla kommun"));
    let view = coordinator.get(&page).await;
    assert_eq!(view.status, StatusCode::OK);
    assert!(view.text.contains("/areas/incidenter") && !view.text.contains("/areas/ledning"));
    assert_eq!(coordinator.get(&format!("{page}/areas/ledning")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(coordinator.get(&format!("{page}/result")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(coordinator.get(&format!("/api/v1/assessments/{}", draft.id)).await.status, StatusCode::NOT_FOUND);
    // The coordinator's answers are proposals: the answers stay as they were.
    let before = app.store.list_answers(draft.id).await.unwrap();
    let res = coordinator
        .post_form(
            &format!("{page}/areas/incidenter"),
            vec![
                ("answer.incidenter-1", "ja".into()),
                ("comment.incidenter-1", "Rutinen finns på intranätet".into()),
                ("answer.incidenter-2", "delvis".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(app.store.list_answers(draft.id).await.unwrap(), before);
    assert_eq!(app.store.list_proposals(draft.id).await.unwrap().len(), 2);
    // The CISO sees them and takes one, rejects the other.
    let area = ciso.get(&format!("{page}/areas/incidenter")).await.text;
    assert!(
        area.contains("Förslag från")
            && area.contains("samordnare@exempla.se")
            && area.contains("Rutinen finns på intranätet")
    );
    let res =
        ciso.post_form(&format!("{page}/proposals?decision=accept"), vec![("question", "incidenter-1".into())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = ciso
        .post_form(
            &format!("{page}/proposals"),
            vec![("question", "incidenter-2".into()), ("decision", "reject".into())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let answers = app.store.list_answers(draft.id).await.unwrap();
    let a = answers.iter().find(|a| a.question_id == "incidenter-1").unwrap();
    assert_eq!(
        (a.answer.as_str(), a.comment.as_str(), a.answered_by.as_str()),
        ("ja", "Rutinen finns på intranätet", "samordnare@exempla.se")
    );
    assert!(app.store.list_proposals(draft.id).await.unwrap().is_empty());
    // Once submitted, no more proposals.
    ciso.post_form(&format!("{page}/transition"), vec![("action", "submit".into()), ("confirm", "yes".into())]).await;
    let res =
        coordinator.post_form(&format!("{page}/areas/incidenter"), vec![("answer.incidenter-3", "ja".into())]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    // The delegation does not outlive the coordinator's role.
    assert_eq!(coordinator.get(&format!("{page}/areas/incidenter")).await.status, StatusCode::OK);
    let admin = app.login("admin@exempla.se").await;
    let roles = admin.get(&format!("/api/v1/users/{coordinator_id}")).await.json();
    let role_id = roles["roles"][0]["id"].as_str().unwrap().to_owned();
    let res = admin.send("DELETE", &format!("/api/v1/users/{coordinator_id}/roles/{role_id}"), None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let coordinator = app.login("samordnare@exempla.se").await;
    assert_eq!(coordinator.get(&format!("{page}/areas/incidenter")).await.status, StatusCode::NOT_FOUND);
    let listed = coordinator.get("/assessments").await;
    assert!(!listed.text.contains(&draft.id.to_string()), "no longer listed as delegated");
}
