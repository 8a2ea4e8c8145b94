//! Black-box HTTP tests: every route, every kind of caller, both databases.

mod helpers;
mod plans;
mod rounds;

use plans::{
    action_plan_refuses_bad_input_and_exports, calendar_feed_is_private_and_revocable, review_journey_through_the_api,
};

use rounds::{
    demo_national_rounds_have_figures_reports_and_feedback, rounds_invite_submit_withdraw_and_suppress,
    rounds_refuse_strangers_on_every_route, trend_over_model_versions_covers_what_maps,
};

use helpers::{Body, Client, Res, TestApp};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    every_route_refuses_anonymous_outsiders_and_missing_roles,
    admin_manages_orgs_through_pages_and_nothing_is_half_written,
    api_manages_orgs_users_and_roles,
    local_admin_cannot_escalate,
    sessions_logout_and_password_change,
    failed_logins_are_slowed_then_locked,
    csrf_is_required_for_every_write,
    audit_log_is_scoped_filtered_and_verifiable,
    errors_are_problem_json_in_swedish,
    service_endpoints_and_headers,
    first_admin_setup_link_works_once,
    assessment_lifecycle_feedback_and_history,
    assessment_answers_are_checked_and_scoped,
    assessment_api_journey,
    models_are_loaded_whole_or_not_at_all,
    evidence_files_are_kept_with_the_assessment,
    delegated_areas_arrive_as_proposals,
    answers_go_out_and_in_through_excel,
    review_journey_through_the_api,
    action_plan_refuses_bad_input_and_exports,
    calendar_feed_is_private_and_revocable,
    rounds_invite_submit_withdraw_and_suppress,
    rounds_refuse_strangers_on_every_route,
    demo_national_rounds_have_figures_reports_and_feedback,
    trend_over_model_versions_covers_what_maps,
);

/// The callers a route must refuse, with the identities resolved.
struct Fixture {
    assessment: String,
    kommun: String,
    action: String,
    review: String,
    decision: String,
    point: String,
    activity: String,
    kommun_org: String,
    social_nämnd: String,
    target_user: String,
    target_assignment: String,
}

async fn fixture(app: &TestApp) -> Fixture {
    let target = app.user_id("samordnare@exempla.se").await;
    let a = app.store.list_assignments(target).await.unwrap()[0].id;
    let social = app.org_id("Socialförvaltningen").await;
    let assessment = app.store.list_assessments(Some(&[social])).await.unwrap()[0].id;
    let kommun = app.org_id("Exempla kommun").await;
    let action = app.store.list_actions(&[social]).await.unwrap()[0].id;
    let review = app.store.list_reviews(&[kommun]).await.unwrap()[0].id;
    let decision = app.store.review_decisions(review).await.unwrap()[0].id;
    let point = app.store.list_points(kommun).await.unwrap()[0].id;
    let activity = app.store.list_activities(&[kommun]).await.unwrap()[0].id;
    Fixture {
        kommun: kommun.to_string(),
        action: action.to_string(),
        review: review.to_string(),
        decision: decision.to_string(),
        point: point.to_string(),
        activity: activity.to_string(),
        assessment: assessment.to_string(),
        kommun_org: social.to_string(),
        social_nämnd: app.org_id("Socialnämnden").await.to_string(),
        target_user: target.to_string(),
        target_assignment: a.to_string(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Need {
    /// Any signed-in user.
    Login,
    /// A role that may see organisations.
    ViewOrgs,
    ManageOrgs,
    ViewUsers,
    ManageUsers,
    ViewAudit,
    ViewAssessments,
    ManageAssessments,
    ManageModels,
    ViewPlans,
    ManageActions,
    ManageReviews,
    AdoptReviews,
    ReportUnit,
    ApproveUnitReports,
}

struct Route {
    method: &'static str,
    path: String,
    body: Option<fn(&Fixture) -> Body>,
    need: Need,
    /// Whether the route concerns one record of Exempla kommun (so an outsider
    /// is refused), rather than a list filtered to the caller's scope.
    specific: bool,
}

fn routes(f: &Fixture) -> Vec<Route> {
    let k = &f.kommun_org;
    let u = &f.target_user;
    let a = &f.target_assignment;
    let r = |method, path: String, body, need, specific| Route { method, path, body, need, specific };
    vec![
        r("GET", "/".into(), None, Need::Login, false),
        r("GET", "/account".into(), None, Need::Login, false),
        r("GET", "/orgs".into(), None, Need::ViewOrgs, false),
        r("GET", "/orgs/new".into(), None, Need::ManageOrgs, false),
        r(
            "POST",
            "/orgs".into(),
            Some(|f| {
                Body::Form(vec![
                    ("name", "Ny enhet".into()),
                    ("kind", "unit".into()),
                    ("parent_id", f.kommun_org.clone()),
                ])
            }),
            Need::ManageOrgs,
            true,
        ),
        r("GET", format!("/orgs/{k}"), None, Need::ViewOrgs, true),
        r(
            "POST",
            format!("/orgs/{k}"),
            Some(|f| {
                Body::Form(vec![
                    ("name", "Omdöpt".into()),
                    ("kind", "administration".into()),
                    ("parent_id", f.social_nämnd.clone()),
                ])
            }),
            Need::ManageOrgs,
            true,
        ),
        r("GET", format!("/orgs/{k}/delete"), None, Need::ManageOrgs, true),
        r("POST", format!("/orgs/{k}/delete"), Some(|_| Body::Form(vec![])), Need::ManageOrgs, true),
        r("GET", "/users".into(), None, Need::ViewUsers, false),
        r("GET", "/users/new".into(), None, Need::ManageUsers, false),
        r(
            "POST",
            "/users".into(),
            Some(|f| {
                Body::Form(vec![
                    ("name", "Ny Person".into()),
                    ("email", "ny.person@exempla.se".into()),
                    ("role", "owner".into()),
                    ("org_id", f.kommun_org.clone()),
                ])
            }),
            Need::ManageUsers,
            true,
        ),
        r("GET", format!("/users/{u}"), None, Need::ViewUsers, true),
        r(
            "POST",
            format!("/users/{u}"),
            Some(|_| Body::Form(vec![("name", "Nytt Namn".into()), ("language", "sv".into())])),
            Need::ManageUsers,
            true,
        ),
        r(
            "POST",
            format!("/users/{u}/roles"),
            Some(|f| Body::Form(vec![("role", "owner".into()), ("org_id", f.kommun_org.clone())])),
            Need::ManageUsers,
            true,
        ),
        r("POST", format!("/users/{u}/roles/{a}/delete"), Some(|_| Body::Form(vec![])), Need::ManageUsers, true),
        r(
            "POST",
            format!("/users/{u}/password"),
            Some(|_| Body::Form(vec![("password", "ett helt nytt lösenord".into())])),
            Need::ManageUsers,
            true,
        ),
        r("GET", "/audit".into(), None, Need::ViewAudit, false),
        // API
        r("GET", "/api/v1/me".into(), None, Need::Login, false),
        r("GET", "/api/v1/orgs".into(), None, Need::ViewOrgs, false),
        r(
            "POST",
            "/api/v1/orgs".into(),
            Some(|f| Body::Json(json!({"name": "Ny enhet", "kind": "unit", "parent_id": f.kommun_org}))),
            Need::ManageOrgs,
            true,
        ),
        r("GET", format!("/api/v1/orgs/{k}"), None, Need::ViewOrgs, true),
        r(
            "PUT",
            format!("/api/v1/orgs/{k}"),
            Some(|f| Body::Json(json!({"name": "Omdöpt", "kind": "administration", "parent_id": f.social_nämnd}))),
            Need::ManageOrgs,
            true,
        ),
        r("DELETE", format!("/api/v1/orgs/{k}"), None, Need::ManageOrgs, true),
        r("GET", "/api/v1/users".into(), None, Need::ViewUsers, false),
        r(
            "POST",
            "/api/v1/users".into(),
            Some(|f| {
                Body::Json(
                    json!({"name": "Ny Person", "email": "ny.person@exempla.se", "role": "owner", "org_id": f.kommun_org}),
                )
            }),
            Need::ManageUsers,
            true,
        ),
        r("GET", format!("/api/v1/users/{u}"), None, Need::ViewUsers, true),
        r(
            "PUT",
            format!("/api/v1/users/{u}"),
            Some(|_| Body::Json(json!({"name": "Nytt Namn", "language": "sv", "active": true}))),
            Need::ManageUsers,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/users/{u}/roles"),
            Some(|f| Body::Json(json!({"role": "owner", "org_id": f.kommun_org}))),
            Need::ManageUsers,
            true,
        ),
        r("DELETE", format!("/api/v1/users/{u}/roles/{a}"), None, Need::ManageUsers, true),
        r(
            "POST",
            format!("/api/v1/users/{u}/password"),
            Some(|_| Body::Json(json!({"password": "ett helt nytt lösenord"}))),
            Need::ManageUsers,
            true,
        ),
        r("GET", "/api/v1/audit".into(), None, Need::ViewAudit, false),
        // Self-assessment
        r("GET", "/assessments".into(), None, Need::ViewAssessments, false),
        r("GET", "/assessments/new".into(), None, Need::ManageAssessments, false),
        r(
            "POST",
            "/assessments".into(),
            Some(|f| {
                Body::Form(vec![
                    ("org_id", f.kommun_org.clone()),
                    ("period", "2030".into()),
                    ("model_id", String::new()),
                ])
            }),
            Need::ManageAssessments,
            true,
        ),
        r("GET", format!("/assessments/{}", f.assessment), None, Need::ViewAssessments, true),
        r("GET", format!("/assessments/{}/areas/ledning", f.assessment), None, Need::ViewAssessments, true),
        r(
            "POST",
            format!("/assessments/{}/areas/ledning", f.assessment),
            Some(|_| Body::Form(vec![("answer.ledning-1", "ja".into())])),
            Need::ManageAssessments,
            true,
        ),
        r(
            "POST",
            format!("/assessments/{}/transition", f.assessment),
            Some(|_| Body::Form(vec![("action", "return".into())])),
            Need::ManageAssessments,
            true,
        ),
        r(
            "POST",
            format!("/assessments/{}/reopen", f.assessment),
            Some(|_| Body::Form(vec![])),
            Need::ManageAssessments,
            true,
        ),
        r("GET", format!("/assessments/{}/result", f.assessment), None, Need::ViewAssessments, true),
        r("GET", format!("/orgs/{k}/assessments"), None, Need::ViewAssessments, true),
        r("GET", "/api/v1/assessments".into(), None, Need::ViewAssessments, false),
        r(
            "POST",
            "/models".into(),
            Some(|_| Body::Multipart { filename: "modell.toml", content: b"[model]".to_vec() }),
            Need::ManageModels,
            false,
        ),
        r(
            "POST",
            format!("/assessments/{}/questions/ledning-1/evidence", f.assessment),
            Some(|_| Body::Multipart { filename: "beslut.pdf", content: b"%PDF-1.4".to_vec() }),
            Need::ManageAssessments,
            true,
        ),
        r(
            "GET",
            format!("/assessments/{}/questions/ledning-1/evidence", f.assessment),
            None,
            Need::ViewAssessments,
            true,
        ),
        r(
            "POST",
            "/api/v1/assessments".into(),
            Some(|f| Body::Json(json!({"org_id": f.kommun_org, "period": 2030, "model_id": uuid::Uuid::nil()}))),
            Need::ManageAssessments,
            true,
        ),
        r("GET", format!("/api/v1/assessments/{}", f.assessment), None, Need::ViewAssessments, true),
        r(
            "PUT",
            format!("/api/v1/assessments/{}/answers", f.assessment),
            Some(|_| Body::Json(json!([{"question_id": "ledning-1", "answer": "ja"}]))),
            Need::ManageAssessments,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/assessments/{}/transitions", f.assessment),
            Some(|_| Body::Json(json!({"action": "return"}))),
            Need::ManageAssessments,
            true,
        ),
        r("POST", format!("/api/v1/assessments/{}/reopen", f.assessment), None, Need::ManageAssessments, true),
        r("GET", format!("/api/v1/assessments/{}/result", f.assessment), None, Need::ViewAssessments, true),
        // Action plan, management review, unit reports, year wheel
        r("GET", "/plan".into(), None, Need::ViewPlans, false),
        r("GET", format!("/plan?org={k}"), None, Need::ViewPlans, true),
        r("GET", "/plan/new".into(), None, Need::ManageActions, false),
        r("GET", "/plan.xlsx".into(), None, Need::ViewPlans, false),
        r("GET", format!("/plan.csv?org={k}"), None, Need::ViewPlans, true),
        r(
            "POST",
            "/plan".into(),
            Some(|f| Body::Form(vec![("org_id", f.kommun_org.clone()), ("title", "Ny åtgärd".into())])),
            Need::ManageActions,
            true,
        ),
        r("GET", format!("/plan/{}", f.action), None, Need::ViewPlans, true),
        r(
            "POST",
            format!("/plan/{}", f.action),
            Some(|_| Body::Form(vec![("title", "Ändrad".into()), ("status", "done".into())])),
            Need::ManageActions,
            true,
        ),
        r("GET", "/reviews".into(), None, Need::ViewPlans, false),
        r(
            "POST",
            "/reviews".into(),
            Some(|f| Body::Form(vec![("org_id", f.kommun.clone()), ("year", "2031".into())])),
            Need::ManageReviews,
            true,
        ),
        r("GET", format!("/reviews/{}", f.review), None, Need::ViewPlans, true),
        r("GET", format!("/reviews/{}/report.docx", f.review), None, Need::ViewPlans, true),
        r(
            "POST",
            format!("/reviews/{}/comments", f.review),
            Some(|_| Body::Form(vec![("section", "risks".into()), ("comment", "Intrång".into())])),
            Need::ManageReviews,
            true,
        ),
        r(
            "POST",
            format!("/reviews/{}/meeting", f.review),
            Some(|_| Body::Form(vec![("meeting_date", "2027-03-01".into())])),
            Need::ManageReviews,
            true,
        ),
        r(
            "POST",
            format!("/reviews/{}/decisions", f.review),
            Some(|_| {
                Body::Form(vec![
                    ("kind", "improvement".into()),
                    ("text", "Beslut".into()),
                    ("responsible", "Någon".into()),
                    ("deadline", "2027-12-31".into()),
                ])
            }),
            Need::ManageReviews,
            true,
        ),
        r("POST", format!("/reviews/{}/decisions/{}/delete", f.review, f.decision), None, Need::ManageReviews, true),
        r("POST", format!("/reviews/{}/adopt", f.review), None, Need::AdoptReviews, true),
        r("POST", format!("/reviews/{}/revise", f.review), None, Need::ManageReviews, true),
        r("GET", format!("/orgs/{}/checklist", f.kommun), None, Need::ViewPlans, true),
        r(
            "POST",
            format!("/orgs/{}/checklist", f.kommun),
            Some(|_| Body::Form(vec![("text", "Ny punkt".into())])),
            Need::ManageReviews,
            true,
        ),
        r(
            "POST",
            format!("/orgs/{}/checklist/{}", f.kommun, f.point),
            Some(|_| Body::Form(vec![("text", "Omdöpt punkt".into())])),
            Need::ManageReviews,
            true,
        ),
        r("GET", "/unit-reports".into(), None, Need::ViewPlans, false),
        r("GET", format!("/unit-reports/{k}/2026"), None, Need::ViewPlans, true),
        r(
            "POST",
            format!("/unit-reports/{k}/2026"),
            Some(|_| Body::Form(vec![("action", "save".into())])),
            Need::ReportUnit,
            true,
        ),
        r("POST", format!("/unit-reports/{k}/2026/approve"), None, Need::ApproveUnitReports, true),
        r("GET", "/yearwheel".into(), None, Need::ViewPlans, false),
        r(
            "POST",
            "/yearwheel".into(),
            Some(|f| Body::Form(vec![("org_id", f.kommun.clone()), ("title", "Möte".into()), ("month", "3".into())])),
            Need::ManageReviews,
            true,
        ),
        r("GET", format!("/yearwheel/{}", f.activity), None, Need::ViewPlans, true),
        r(
            "POST",
            format!("/yearwheel/{}", f.activity),
            Some(|_| Body::Form(vec![("title", "Möte".into()), ("month", "4".into())])),
            Need::ManageReviews,
            true,
        ),
        r("POST", format!("/yearwheel/{}/delete", f.activity), None, Need::ManageReviews, true),
        r("GET", "/api/v1/actions".into(), None, Need::ViewPlans, false),
        r(
            "POST",
            "/api/v1/actions".into(),
            Some(|f| Body::Json(json!({"org_id": f.kommun_org, "title": "Ny åtgärd"}))),
            Need::ManageActions,
            true,
        ),
        r("GET", format!("/api/v1/actions/{}", f.action), None, Need::ViewPlans, true),
        r(
            "PUT",
            format!("/api/v1/actions/{}", f.action),
            Some(|_| Body::Json(json!({"title": "Ändrad", "status": "done"}))),
            Need::ManageActions,
            true,
        ),
        r("GET", "/api/v1/reviews".into(), None, Need::ViewPlans, false),
        r(
            "POST",
            "/api/v1/reviews".into(),
            Some(|f| Body::Json(json!({"org_id": f.kommun, "year": 2031}))),
            Need::ManageReviews,
            true,
        ),
        r("GET", format!("/api/v1/reviews/{}", f.review), None, Need::ViewPlans, true),
        r(
            "PUT",
            format!("/api/v1/reviews/{}/comments/risks", f.review),
            Some(|_| Body::Json(json!({"text": "Intrång"}))),
            Need::ManageReviews,
            true,
        ),
        r(
            "PUT",
            format!("/api/v1/reviews/{}/meeting", f.review),
            Some(|_| Body::Json(json!({"meeting_date": "2027-03-01"}))),
            Need::ManageReviews,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/reviews/{}/decisions", f.review),
            Some(|_| {
                Body::Json(
                    json!({"kind": "resources", "text": "Mer folk", "responsible": "Någon", "deadline": "2027-12-31"}),
                )
            }),
            Need::ManageReviews,
            true,
        ),
        r("POST", format!("/api/v1/reviews/{}/adopt", f.review), None, Need::AdoptReviews, true),
        r("GET", format!("/api/v1/unit-reports/{k}/2026"), None, Need::ViewPlans, true),
        r(
            "PUT",
            format!("/api/v1/unit-reports/{k}/2026"),
            Some(|_| Body::Json(json!({"items": []}))),
            Need::ReportUnit,
            true,
        ),
        r("POST", format!("/api/v1/unit-reports/{k}/2026/approve"), None, Need::ApproveUnitReports, true),
        r("GET", "/api/v1/activities".into(), None, Need::ViewPlans, false),
    ]
}

async fn call(c: &Client, f: &Fixture, r: &Route) -> Res {
    c.send(r.method, &r.path, r.body.map(|b| b(f))).await
}

fn refused(res: &Res) -> bool {
    matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
}

async fn audit_len(app: &TestApp) -> u64 {
    app.store.verify_audit().await.unwrap().expect("the audit chain is intact")
}

async fn every_route_refuses_anonymous_outsiders_and_missing_roles(app: &TestApp) {
    let f = fixture(app).await;
    // A user with an account but no role at all.
    app.store
        .insert_user(
            &store::Actor::cli(),
            store::NewUser {
                email: domain::user::Email::parse("utan.roll@exempla.se").unwrap(),
                name: domain::user::PersonName::parse("Utan Roll").unwrap(),
                password_hash: Some(web::hash_password(helpers::PASSWORD)),
                language: domain::user::Language::Sv,
            },
            None,
        )
        .await
        .unwrap();
    let anonymous = app.anonymous();
    let no_role = app.login("utan.roll@exempla.se").await;
    let outsider = app.login("ciso@region-exempla.se").await;
    let ciso = app.login("ciso@exempla.se").await; // sees users and audit, manages nothing
    let coordinator = app.login("samordnare@exempla.se").await; // sees organisations and assessments only
    let admin = app.login("admin@exempla.se").await; // manages users, reads no assessment
    let auditor = app.login("revisor@exempla.se").await; // reads plans, changes nothing
    let before = audit_len(app).await;
    let routes = routes(&f);
    assert!(routes.len() >= 30);
    for r in &routes {
        let what = format!("{} {}", r.method, r.path);
        let api = r.path.starts_with("/api/");

        let res = call(&anonymous, &f, r).await;
        if api {
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "anonymous {what}: {}", res.text);
            assert!(res.content_type().starts_with("application/problem+json"), "{what}");
        } else {
            assert_eq!(res.status, StatusCode::SEE_OTHER, "anonymous {what}");
            assert!(res.location().starts_with("/login?next="), "anonymous {what}: {}", res.location());
        }

        if r.need != Need::Login {
            let res = call(&no_role, &f, r).await;
            assert!(refused(&res), "user without roles {what}: {} {}", res.status, res.text);
        }

        let res = call(&outsider, &f, r).await;
        let outsider_may = matches!(
            r.need,
            Need::Login
                | Need::ViewOrgs
                | Need::ViewUsers
                | Need::ViewAudit
                | Need::ViewAssessments
                | Need::ManageAssessments
                | Need::ViewPlans
                | Need::ManageActions
                | Need::ManageReviews
        );
        if r.specific || !outsider_may {
            assert!(refused(&res), "outsider {what}: {} {}", res.status, res.text);
        } else {
            assert!(res.status.is_success(), "outsider {what}: {}", res.status);
            for secret in ["Exempla kommun", "Socialförvaltningen", "samordnare@exempla.se", &f.kommun_org] {
                assert!(!res.text.contains(secret), "outsider {what} sees {secret}");
            }
        }

        let insider = match r.need {
            Need::ManageOrgs | Need::ManageUsers => Some(&ciso),
            Need::ViewUsers | Need::ViewAudit | Need::ManageAssessments => Some(&coordinator),
            Need::ManageModels => Some(&ciso),
            Need::ViewAssessments | Need::ViewPlans => Some(&admin),
            Need::ManageActions | Need::ReportUnit => Some(&auditor),
            Need::ManageReviews | Need::ApproveUnitReports => Some(&coordinator),
            Need::AdoptReviews => Some(&ciso),
            _ => None,
        };
        if let Some(c) = insider {
            let res = call(c, &f, r).await;
            assert!(refused(&res), "insider without the role {what}: {} {}", res.status, res.text);
        }
    }
    assert_eq!(audit_len(app).await, before, "a refused request wrote something");
    assert_eq!(app.store.find_org(f.kommun_org.parse().unwrap()).await.unwrap().unwrap().name, "Socialförvaltningen");
}

async fn admin_manages_orgs_through_pages_and_nothing_is_half_written(app: &TestApp) {
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

async fn api_manages_orgs_users_and_roles(app: &TestApp) {
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

    // The same e-mail again: 409 with the field, nothing written.
    let before = audit_len(app).await;
    let res = admin
        .send(
            "POST",
            "/api/v1/users",
            Some(Body::Json(
                json!({"name": "Nora Igen", "email": "nora.nyberg@exempla.se", "role": "owner", "org_id": org_id}),
            )),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json()["errors"][0]["field"], "email");
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

async fn local_admin_cannot_escalate(app: &TestApp) {
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

async fn sessions_logout_and_password_change(app: &TestApp) {
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
                ("current", helpers::PASSWORD.into()),
                ("password", "ett nytt långt lösenord".into()),
                ("repeat", "ett nytt långt lösenord".into()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // This session stays, the other one ends.
    assert_eq!(first.get("/account").await.status, StatusCode::OK);
    assert_eq!(second.get("/account").await.status, StatusCode::SEE_OTHER);
    assert!(app.login_with("dso@exempla.se", helpers::PASSWORD).await.is_err());
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

async fn failed_logins_are_slowed_then_locked(app: &TestApp) {
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
            Some(Body::RawForm(vec![("email", "revisor@exempla.se".into()), ("password", helpers::PASSWORD.into())])),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text.contains("Vänta 15 minuter"));
    assert!(res.headers.get("retry-after").is_some());
    let res = anon
        .send(
            "POST",
            "/api/v1/session",
            Some(Body::Json(json!({"email": "revisor@exempla.se", "password": helpers::PASSWORD}))),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.json()["type"], "urn:lisa:problem:too-many-attempts");
    // Another account from the same address is not locked yet.
    assert!(app.login_with("ledning@exempla.se", helpers::PASSWORD).await.is_ok());
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

async fn csrf_is_required_for_every_write(app: &TestApp) {
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

async fn audit_log_is_scoped_filtered_and_verifiable(app: &TestApp) {
    let f = fixture(app).await;
    let admin = app.login("admin@exempla.se").await;
    admin
        .send("PUT", &format!("/api/v1/orgs/{}", f.kommun_org), Some(Body::Json(json!({"name": "Social- och omsorgsförvaltningen", "kind": "administration", "parent_id": f.social_nämnd}))))
        .await;
    // The auditor of Exempla kommun sees the change, with before and after.
    let auditor = app.login("revisor@exempla.se").await;
    let page = auditor.get(&format!("/api/v1/audit?record_type=org&record_id={}", f.kommun_org)).await.json();
    let e = &page["entries"][0];
    assert_eq!(e["action"], "org.update");
    assert_eq!(e["before"]["name"], "Socialförvaltningen");
    assert_eq!(e["after"]["name"], "Social- och omsorgsförvaltningen");
    assert_eq!(e["changed_fields"], json!(["name"]));
    assert_eq!(e["actor"], "admin@exempla.se");
    let html = auditor.get(&format!("/audit?record_type=org&record_id={}", f.kommun_org)).await;
    assert!(html.text.contains("Organisation ändrad"));
    // Filters: by actor and period.
    let today = chrono::Utc::now().date_naive();
    let page = auditor.get(&format!("/api/v1/audit?actor=admin@exempla.se&from={today}&to={today}")).await.json();
    assert!(page["entries"].as_array().unwrap().iter().all(|e| e["actor"] == "admin@exempla.se"));
    assert!(!page["entries"].as_array().unwrap().is_empty());
    let page = auditor.get("/api/v1/audit?from=2001-01-01&to=2001-12-31").await.json();
    assert!(page["entries"].as_array().unwrap().is_empty());
    let res = auditor.get("/api/v1/audit?from=2026-13-01").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = auditor.get("/audit?from=2026-11-30&to=2026-11-01").await;
    assert!(res.text.contains("Slutdatumet måste vara"));
    // Paging.
    let page = auditor.get("/api/v1/audit?limit=3").await.json();
    assert_eq!(page["entries"].as_array().unwrap().len(), 3);
    let next = page["next_before"].as_i64().unwrap();
    let older = auditor.get(&format!("/api/v1/audit?limit=3&before={next}")).await.json();
    assert!(older["entries"][0]["seq"].as_i64().unwrap() < next);
    // The region's CISO sees none of it.
    let region = app.login("ciso@region-exempla.se").await;
    let page = region.get("/api/v1/audit?limit=500").await.json();
    let region_id = app.org_id("Region Exempla").await.to_string();
    let region_tree = app.store.org_tree().await.unwrap();
    for e in page["entries"].as_array().unwrap() {
        let org: uuid::Uuid = e["org_id"].as_str().unwrap().parse().unwrap();
        assert!(region_tree.is_in_subtree(region_id.parse().unwrap(), org), "{e}");
    }
    // The chain verifies; the log cannot be edited through the database either.
    assert!(app.store.verify_audit().await.unwrap().is_ok());
}

async fn errors_are_problem_json_in_swedish(app: &TestApp) {
    let admin = app.login("admin@exempla.se").await;
    let res = admin.get("/api/v1/orgs/00000000-0000-0000-0000-000000000000").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.content_type().starts_with("application/problem+json"));
    let p = res.json();
    assert_eq!(p["type"], "urn:lisa:problem:not-found");
    assert_eq!(p["title"], "Sidan eller uppgiften finns inte");
    assert_eq!(p["status"], 404);
    // Malformed id, malformed JSON, wrong content type: 4xx with a Swedish problem, never 500.
    for (method, path, body) in [
        ("GET", "/api/v1/orgs/inte-ett-id", None),
        ("POST", "/api/v1/orgs", Some("{ inte json")),
        ("POST", "/api/v1/orgs", Some("[1,2,3]")),
        ("PUT", "/api/v1/orgs/00000000-0000-0000-0000-000000000000", Some("{\"name\":1}")),
    ] {
        let mut req = admin
            .http
            .request(method.parse().unwrap(), format!("{}{}", admin.base, path))
            .header("cookie", admin.cookie.clone().unwrap());
        req = req.header("x-csrf-token", admin.csrf.clone().unwrap());
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let ct = res.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(status.is_client_error(), "{method} {path}: {status}");
        assert!(ct.starts_with("application/problem+json"), "{method} {path}");
        assert!(
            body["title"].as_str().unwrap().chars().any(|c| "åäö".contains(c))
                || body["title"].as_str().unwrap().contains("kunde"),
            "{body}"
        );
    }
    // An unknown page is a Swedish 404 page.
    let res = admin.get("/finns-inte").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.text.contains("Sidan eller uppgiften finns inte"));
    // A malformed form: a Swedish 4xx page.
    let res = admin.send("POST", "/orgs/inte-ett-id", Some(Body::Form(vec![("name", "x".into())]))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

async fn service_endpoints_and_headers(app: &TestApp) {
    let anon = app.anonymous();
    let res = anon.get("/healthz").await;
    assert_eq!(res.status, StatusCode::OK);
    let res = anon.get("/login").await;
    let csp = res.headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"));
    assert_eq!(res.headers.get("x-frame-options").unwrap(), "DENY");
    assert_eq!(anon.get("/static/lisa.css").await.status, StatusCode::OK);
    let spec = anon.get("/api/v1/openapi.json").await.json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(spec["info"]["title"], "Lisa API");
    for p in [
        "/api/v1/orgs",
        "/api/v1/orgs/{id}",
        "/api/v1/users",
        "/api/v1/users/{id}/roles",
        "/api/v1/audit",
        "/api/v1/session",
    ] {
        assert!(spec["paths"][p].is_object(), "{p} missing from the OpenAPI document");
    }
    let metrics = anon.get("/metrics").await.text;
    assert!(metrics.contains("lisa_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"));
    assert!(metrics.contains("lisa_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("lisa_db_pool_connections"));
}

async fn first_admin_setup_link_works_once(app: &TestApp) {
    // Only an empty database offers the link: here the demo has users, so a
    // stored token still does not work.
    let token = "a".repeat(64);
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()));
    app.store.replace_setup_token(&hash).await.unwrap();
    let anon = app.anonymous();
    assert_eq!(anon.get(&format!("/setup/{token}")).await.status, StatusCode::NOT_FOUND);
    // An empty database of the same backend.
    let empty_url = match app.backend {
        helpers::Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("lisa-setup-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).unwrap();
            store::sqlite_url_for(&dir)
        }
        helpers::Backend::Postgres => {
            let admin = helpers::postgres_admin_url().unwrap();
            let name = format!("lisa_setup_{}", uuid::Uuid::new_v4().simple());
            let pool = sqlx::PgPool::connect(&admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.unwrap();
            format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
        }
    };
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

async fn assessment_lifecycle_feedback_and_history(app: &TestApp) {
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
    assert_eq!(
        ciso.post_form(&format!("{page}/transition"), vec![("action", "submit".into())]).await.status,
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

async fn assessment_answers_are_checked_and_scoped(app: &TestApp) {
    let f = fixture(app).await;
    let ciso = app.login("ciso@exempla.se").await;
    // A draft of the kommun (the demo's current year).
    let kommun = app.org_id("Exempla kommun").await;
    let draft = app
        .store
        .list_assessments(Some(&[kommun]))
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.status.code() == "draft")
        .unwrap();
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

async fn assessment_api_journey(app: &TestApp) {
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

async fn models_are_loaded_whole_or_not_at_all(app: &TestApp) {
    let admin = app.login("admin@exempla.se").await;
    let page = admin.get("/models").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Lisas grundmodell"));
    let before = app.store.list_models().await.unwrap().len();
    // A file with errors: every one named with its line, nothing stored.
    let bad = lisa::builtin::SOURCE.replacen("level = 2\n", "level = 9\n", 1).replacen(
        "area = \"ledning\"",
        "area = \"finns-inte\"",
        1,
    );
    let res =
        admin.send("POST", "/models", Some(Body::Multipart { filename: "fel.toml", content: bad.into_bytes() })).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text.contains("Filen lästes inte in")
            && res.text.contains("rad ")
            && res.text.contains("området finns inte i modellen"),
        "{}",
        res.text
    );
    // The same version again: refused.
    let res = admin
        .send(
            "POST",
            "/models",
            Some(Body::Multipart { filename: "lisa.toml", content: lisa::builtin::SOURCE.as_bytes().to_vec() }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Den versionen av modellen finns redan"));
    assert_eq!(app.store.list_models().await.unwrap().len(), before);
    // A new version is stored.
    let v2 = lisa::builtin::SOURCE.replacen("version = 1", "version = 2", 1);
    let res = admin
        .send("POST", "/models", Some(Body::Multipart { filename: "lisa-v2.toml", content: v2.into_bytes() }))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(app.store.list_models().await.unwrap().len(), before + 1);
}

async fn evidence_files_are_kept_with_the_assessment(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let draft = app
        .store
        .list_assessments(Some(&[kommun]))
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.status.code() == "draft")
        .unwrap();
    let ciso = app.login("ciso@exempla.se").await;
    let url = format!("/assessments/{}/questions/ledning-1/evidence", draft.id);
    let content = "Informationssäkerhetspolicy, beslutad av kommunfullmäktige".as_bytes().to_vec();
    let res = ciso
        .send("POST", &url, Some(Body::Multipart { filename: "../../policy ÅÄÖ.txt", content: content.clone() }))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = ciso.get(&url).await.text;
    assert!(page.contains("policy ÅÄÖ.txt") && !page.contains("../"), "{page}");
    let files = app.store.list_evidence(draft.id).await.unwrap();
    let file = files.iter().find(|f| f.filename == "policy ÅÄÖ.txt").unwrap();
    let res = ciso
        .http
        .get(format!("{}/evidence/{}", ciso.base, file.id))
        .header("cookie", ciso.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), content);
    // Too large, or empty: refused with a message.
    let res =
        ciso.send("POST", &url, Some(Body::Multipart { filename: "stor.bin", content: vec![7u8; 1_600_000] })).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Filen är för stor"));
    // Another organisation never gets the file.
    let region = app.login("ciso@region-exempla.se").await;
    assert_eq!(region.get(&format!("/evidence/{}", file.id)).await.status, StatusCode::NOT_FOUND);
    // A submitted assessment takes no more files.
    let social = app.org_id("Socialförvaltningen").await;
    let submitted = app
        .store
        .list_assessments(Some(&[social]))
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.status.code() == "submitted")
        .unwrap();
    let res = ciso
        .send(
            "POST",
            &format!("/assessments/{}/questions/ledning-1/evidence", submitted.id),
            Some(Body::Multipart { filename: "x.txt", content: b"x".to_vec() }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

async fn delegated_areas_arrive_as_proposals(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let draft = app
        .store
        .list_assessments(Some(&[kommun]))
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.status.code() == "draft")
        .unwrap();
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
    ciso.post_form(&format!("{page}/transition"), vec![("action", "submit".into())]).await;
    let res =
        coordinator.post_form(&format!("{page}/areas/incidenter"), vec![("answer.incidenter-3", "ja".into())]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

async fn download(c: &Client, path: &str) -> Vec<u8> {
    let res =
        c.http.get(format!("{}{}", c.base, path)).header("cookie", c.cookie.clone().unwrap()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    res.bytes().await.unwrap().to_vec()
}

fn as_sheet(rows: Vec<Vec<String>>) -> documents::Sheet {
    documents::Sheet {
        name: "Svar".into(),
        rows: rows.into_iter().map(|r| r.into_iter().map(documents::Cell::Text).collect()).collect(),
        ..Default::default()
    }
}

async fn answers_go_out_and_in_through_excel(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let draft = app
        .store
        .list_assessments(Some(&[kommun]))
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.status.code() == "draft")
        .unwrap();
    let ciso = app.login("ciso@exempla.se").await;
    let bytes = download(&ciso, &format!("/assessments/{}/answers.xlsx", draft.id)).await;
    let rows = documents::read_sheet(&bytes, "Svar").unwrap();
    let header = rows.iter().position(|r| r[0] == "Fråge-id").unwrap();
    assert_eq!(rows.len() - header - 1, 68, "one row per question");
    let answer_col = rows[header].iter().position(|h| h == "Svar").unwrap();
    let comment_col = rows[header].iter().position(|h| h == "Kommentar").unwrap();
    // Change two answers and load the file back.
    let mut edited = rows.clone();
    let row_of = |id: &str| edited.iter().position(|r| r[0] == id).unwrap();
    let (r1, r2) = (row_of("risk-1"), row_of("nis-1"));
    edited[r1][answer_col] = "JA".into();
    edited[r1][comment_col] = "Riskanalys gjord i mars".into();
    edited[r2][answer_col] = "na".into();
    let file = documents::workbook(&[as_sheet(edited.clone())]).unwrap();
    let res = ciso
        .send(
            "POST",
            &format!("/assessments/{}/import", draft.id),
            Some(Body::Multipart { filename: "svar.xlsx", content: file }),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let answers = app.store.list_answers(draft.id).await.unwrap();
    let risk = answers.iter().find(|a| a.question_id == "risk-1").unwrap();
    assert_eq!((risk.answer.as_str(), risk.comment.as_str()), ("ja", "Riskanalys gjord i mars"));
    assert_eq!(answers.iter().find(|a| a.question_id == "nis-1").unwrap().answer, "na");
    // A wrong answer and an unknown question: both named by row and column, nothing stored.
    let before = app.store.list_answers(draft.id).await.unwrap();
    let mut bad = edited.clone();
    bad[r1][answer_col] = "kanske".into();
    let ledning1 = bad.iter().position(|r| r[0] == "ledning-1").unwrap();
    bad[ledning1][answer_col] = "na".into(); // ledning-1 does not allow "not applicable"
    bad[r2][0] = "finns-inte".into();
    let file = documents::workbook(&[as_sheet(bad)]).unwrap();
    let res = ciso
        .send(
            "POST",
            &format!("/assessments/{}/import", draft.id),
            Some(Body::Multipart { filename: "svar.xlsx", content: file }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // `as_sheet` writes an empty header row first, so the rows sit one lower in the file.
    assert!(res.text.contains(&format!("Rad {}, kolumn Svar", r1 + 2)), "{}", res.text);
    assert!(res.text.contains(&format!("Rad {}, kolumn Svar", ledning1 + 2)));
    assert!(res.text.contains(&format!("Rad {}, kolumn Fråge-id", r2 + 2)));
    assert_eq!(app.store.list_answers(draft.id).await.unwrap(), before);
    // Not an Excel file at all.
    let res = ciso
        .send(
            "POST",
            &format!("/assessments/{}/import", draft.id),
            Some(Body::Multipart { filename: "svar.xlsx", content: b"hej".to_vec() }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("inte en Excel-fil"));
    // The result as PDF.
    let res = ciso
        .http
        .get(format!("{}/assessments/{}/result.pdf", ciso.base, draft.id))
        .header("cookie", ciso.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.len() > 10_000);
    // The result workbook has the feedback.
    let bytes = download(&ciso, &format!("/assessments/{}/result.xlsx", draft.id)).await;
    let feedback = documents::read_sheet(&bytes, "Återkoppling").unwrap();
    assert!(feedback.len() > 3);
    let summary = documents::read_sheet(&bytes, "Resultat").unwrap();
    assert!(summary.iter().any(|r| r[0].starts_with("Nivå: ")));
}
