//! The authorisation matrix: every route refuses anonymous callers, outsiders and callers without the role.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Body, Client, Res, TestApp};

/// The callers a route must refuse, with the identities resolved.
pub struct Fixture {
    pub assessment: String,
    pub kommun: String,
    pub action: String,
    pub review: String,
    pub decision: String,
    pub point: String,
    pub activity: String,
    pub kommun_org: String,
    pub social_nämnd: String,
    pub target_user: String,
    pub target_assignment: String,
    /// The kommun's guideline.
    pub document: String,
    /// An audit kept under the kommun, of Socialnämnden and Exempla Energi AB.
    pub audit: String,
    pub question: String,
    /// Socialnämnden's copy of the audit's recommendation.
    pub copy: String,
    /// An incident of Socialförvaltningen without personal data.
    pub incident: String,
    /// A training course owned by the kommun.
    pub course: String,
    /// Socialförvaltningen's registers (issue 17): an information asset, a
    /// system, a risk on the asset, a processing, its consequence assessment
    /// and a data-processing agreement.
    pub registers: crate::authz_registers::Registers,
}

pub async fn fixture(app: &TestApp) -> Fixture {
    let target = app.user_id("samordnare@exempla.se").await;
    let a = app.store.list_assignments(target).await.unwrap()[0].id;
    let social = app.org_id("Socialförvaltningen").await;
    let assessment = app.store.list_assessments(&store::OrgScope::Org(social)).await.unwrap()[0].id;
    let kommun = app.org_id("Exempla kommun").await;
    let action = app.store.list_actions(&store::OrgScope::Org(social)).await.unwrap()[0].id;
    let review = app.store.list_reviews(&store::OrgScope::Org(kommun)).await.unwrap()[0].id;
    let decision = app.store.review_decisions(review).await.unwrap()[0].id;
    let point = app.store.list_points(kommun).await.unwrap()[0].id;
    let activity = app.store.list_activities(&store::OrgScope::Org(kommun)).await.unwrap()[0].id;
    let document = app.store.list_documents(&store::OrgScope::Org(kommun)).await.unwrap()[0].id;
    let (audit, question, copy) = audit_fixture(app, kommun).await;
    let incident = incident_fixture(app, social).await;
    let course = crate::training::course_fixture(app, kommun).await;
    let registers = crate::authz_registers::fixture(app, social).await;
    Fixture {
        registers,
        course,
        audit,
        question,
        copy,
        incident,
        document: document.to_string(),
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

/// An audit of Socialnämnden and Exempla Energi AB kept under the kommun,
/// with a question and a recommendation to Socialnämnden: (audit, question, copy).
async fn audit_fixture(app: &TestApp, kommun: uuid::Uuid) -> (String, String, String) {
    use domain::audits::{AuditFields, QuestionFields, parse_recommendation};
    let actor = store::Actor::cli();
    let nämnd = app.org_id("Socialnämnden").await;
    let energi = app.org_id("Exempla Energi AB").await;
    let fields = AuditFields {
        title: "Granskning i behörighetstestet".into(),
        kind: "elected".into(),
        auditor_org: "Revisionsbyrån".into(),
        ..Default::default()
    };
    let a = app.store.insert_org_audit(&actor, kommun, fields.parse().unwrap(), &[nämnd, energi]).await.unwrap();
    let q = QuestionFields { text: "Finns styrdokument?".into(), assessment: "fulfilled".into(), ..Default::default() };
    let q = app.store.add_audit_question(&actor, a.id, q.parse().unwrap()).await.unwrap();
    let rec = parse_recommendation("Ta fram en rutin.", &[nämnd], false, &a.bodies).unwrap();
    let rec = app.store.add_recommendation(&actor, a.id, rec).await.unwrap();
    (a.id.to_string(), q.id.to_string(), rec.targets[0].id.to_string())
}

/// A serious incident of Socialförvaltningen without personal data, discovered an hour ago.
async fn incident_fixture(app: &TestApp, social: uuid::Uuid) -> String {
    use domain::incident::{Aspect, Category, IncidentInput, Severity};
    let data = IncidentInput {
        title: "Incident i behörighetstestet".into(),
        description: String::new(),
        occurred_at: None,
        discovered_at: domain::now() - chrono::Duration::hours(1),
        category: Category::Attack,
        aspects: vec![Aspect::Availability],
        personal_data: false,
        severity: Severity::Serious,
        responsible: String::new(),
        lessons: String::new(),
        org_id: social,
    };
    app.store.insert_incident(&store::Actor::cli(), data).await.unwrap().id.to_string()
}

#[derive(Clone, Copy, PartialEq)]
pub enum Need {
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
    /// The list of models: whoever sees assessments somewhere, or manages
    /// models everywhere (a system-wide administrator).
    ViewModels,
    ViewPlans,
    ManageActions,
    ManageReviews,
    AdoptReviews,
    ReportUnit,
    ApproveUnitReports,
    /// The auditor of the organisation keeping the audit.
    ManageAudits,
    /// The audited body's CISO or management.
    AnswerAudits,
    /// The audited body (its CISO or management), or the auditor.
    FollowUpAudits,
    ViewIncidents,
    ManageIncidents,
    /// An organisation's NIS class (the CISO).
    SetReportingDuties,
    ViewTraining,
    ReportTraining,
    ManageCourses,
    /// Assets, systems, classifications, risks, processings and agreements.
    ViewRegisters,
    /// Keep assets, systems and risks (CISO, coordinator).
    ManageAssets,
    /// Classify assets (CISO, coordinator, information owner).
    ClassifyAssets,
    /// Keep the processing register, DPIAs and agreements (CISO, coordinator, DPO).
    ManageProcessing,
}

pub struct Route {
    pub method: &'static str,
    pub path: String,
    pub body: Option<fn(&Fixture) -> Body>,
    pub need: Need,
    /// Whether the route concerns one record of Exempla kommun (so an outsider
    /// is refused), rather than a list filtered to the caller's scope.
    pub specific: bool,
}

pub fn routes(f: &Fixture) -> Vec<Route> {
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
            format!("/assessments/{}/delegations", f.assessment),
            Some(|_| Body::Form(vec![])),
            Need::ManageAssessments,
            true,
        ),
        r(
            "POST",
            format!("/assessments/{}/proposals", f.assessment),
            Some(|_| Body::Form(vec![("question", "ledning-1".into()), ("decision", "accept".into())])),
            Need::ManageAssessments,
            true,
        ),
        r(
            "POST",
            format!("/assessments/{}/import", f.assessment),
            Some(|_| Body::Multipart { filename: "svar.xlsx", content: b"PK".to_vec() }),
            Need::ManageAssessments,
            true,
        ),
        r("GET", format!("/assessments/{}/result.xlsx", f.assessment), None, Need::ViewAssessments, true),
        r("GET", format!("/assessments/{}/result.pdf", f.assessment), None, Need::ViewAssessments, true),
        r("GET", format!("/assessments/{}/answers.xlsx", f.assessment), None, Need::ViewAssessments, true),
        r("GET", "/models".into(), None, Need::ViewModels, false),
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
        r("GET", "/plan.pdf".into(), None, Need::ViewPlans, false),
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
        r("GET", format!("/reviews/{}/report.pdf", f.review), None, Need::ViewPlans, true),
        r(
            "POST",
            format!("/reviews/{}/comments", f.review),
            Some(|_| Body::Form(vec![("comment.risks", "Intrång".into())])),
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
        r(
            "POST",
            format!("/reviews/{}/files", f.review),
            Some(|_| Body::MultipartWith {
                fields: vec![("section", "dpo_report".into())],
                filename: "arsrapport.pdf",
                content: b"%PDF-1.4".to_vec(),
            }),
            Need::ManageReviews,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/reviews/{}/files", f.review),
            Some(|_| Body::Json(json!({"section": "dpo_report", "file_name": "a.txt", "content_base64": "aGVq"}))),
            Need::ManageReviews,
            true,
        ),
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
        r("GET", "/steering".into(), None, Need::ViewPlans, false),
        r(
            "POST",
            "/steering".into(),
            Some(|f| {
                Body::Form(vec![
                    ("org_id", f.kommun.clone()),
                    ("title", "Rutin".into()),
                    ("kind", "routine".into()),
                    ("owner", "Någon".into()),
                ])
            }),
            Need::ManageReviews,
            true,
        ),
        r("GET", format!("/steering/{}", f.document), None, Need::ViewPlans, true),
        r(
            "POST",
            format!("/steering/{}", f.document),
            Some(|_| {
                Body::Form(vec![("title", "Ändrad".into()), ("kind", "guideline".into()), ("owner", "Någon".into())])
            }),
            Need::ManageReviews,
            true,
        ),
        r(
            "POST",
            format!("/steering/{}/implementation", f.document),
            Some(|f| Body::Form(vec![("org_id", f.kommun.clone()), ("status", "implemented".into())])),
            Need::ManageReviews,
            true,
        ),
        r(
            "POST",
            format!("/steering/{}/versions", f.document),
            Some(|_| Body::Multipart { filename: "riktlinje.pdf", content: b"%PDF-1.4".to_vec() }),
            Need::ManageReviews,
            true,
        ),
        r("GET", "/api/v1/steering-documents".into(), None, Need::ViewPlans, false),
        r(
            "POST",
            "/api/v1/steering-documents".into(),
            Some(|f| Body::Json(json!({"org_id": f.kommun, "title": "Rutin", "kind": "routine", "owner": "Någon"}))),
            Need::ManageReviews,
            true,
        ),
        r("GET", format!("/api/v1/steering-documents/{}", f.document), None, Need::ViewPlans, true),
        r(
            "PUT",
            format!("/api/v1/steering-documents/{}", f.document),
            Some(|_| Body::Json(json!({"title": "Ändrad", "kind": "guideline", "owner": "Någon"}))),
            Need::ManageReviews,
            true,
        ),
        r(
            "PUT",
            format!("/api/v1/steering-documents/{}/implementation/{}", f.document, f.kommun),
            Some(|_| Body::Json(json!({"status": "implemented"}))),
            Need::ManageReviews,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/steering-documents/{}/versions", f.document),
            Some(|_| Body::Json(json!({"label": "9.9", "file_name": "a.txt", "content_base64": "aGVq"}))),
            Need::ManageReviews,
            true,
        ),
        r("GET", "/audits".into(), None, Need::ViewPlans, false),
        r(
            "POST",
            "/audits".into(),
            Some(|f| {
                Body::Form(vec![
                    ("org_id", f.kommun.clone()),
                    ("title", "Ny granskning".into()),
                    ("kind", "elected".into()),
                    ("bodies", f.social_nämnd.clone()),
                ])
            }),
            Need::ManageAudits,
            true,
        ),
        r("GET", format!("/audits/{}", f.audit), None, Need::ViewPlans, true),
        r(
            "POST",
            format!("/audits/{}/questions", f.audit),
            Some(|_| Body::Form(vec![("text", "Fråga".into()), ("assessment", "fulfilled".into())])),
            Need::ManageAudits,
            true,
        ),
        r(
            "POST",
            format!("/audits/{}/questions/{}", f.audit, f.question),
            Some(|_| Body::Form(vec![("text", "Ändrad".into()), ("assessment", "fulfilled".into())])),
            Need::ManageAudits,
            true,
        ),
        r(
            "POST",
            format!("/audits/{}/findings", f.audit),
            Some(|_| Body::Form(vec![("area", "Styrning".into()), ("text", "Iakttagelse".into())])),
            Need::ManageAudits,
            true,
        ),
        r(
            "POST",
            format!("/audits/{}/recommendations", f.audit),
            Some(|_| Body::Form(vec![("text", "Gör något".into()), ("to_all", "1".into())])),
            Need::ManageAudits,
            true,
        ),
        r(
            "POST",
            format!("/audits/{}/report", f.audit),
            Some(|_| Body::Multipart { filename: "rapport.pdf", content: b"%PDF-1.4".to_vec() }),
            Need::ManageAudits,
            true,
        ),
        r("GET", format!("/audit-copies/{}", f.copy), None, Need::ViewPlans, true),
        r(
            "POST",
            format!("/audit-copies/{}/answer", f.copy),
            Some(|_| {
                Body::Form(vec![
                    ("stance", "agrees".into()),
                    ("measures", "En rutin".into()),
                    ("responsible", "Någon".into()),
                    ("due", "2027-06-30".into()),
                ])
            }),
            Need::AnswerAudits,
            true,
        ),
        r(
            "POST",
            format!("/audit-copies/{}/status", f.copy),
            Some(|_| Body::Form(vec![("status", "in_progress".into()), ("note", "Påbörjad".into())])),
            Need::FollowUpAudits,
            true,
        ),
        r("POST", format!("/audit-copies/{}/action", f.copy), Some(|_| Body::Form(vec![])), Need::ManageActions, true),
        r("GET", "/api/v1/audits".into(), None, Need::ViewPlans, false),
        r(
            "POST",
            "/api/v1/audits".into(),
            Some(|f| {
                Body::Json(json!({"org_id": f.kommun, "bodies": [f.social_nämnd], "title": "Ny", "kind": "elected"}))
            }),
            Need::ManageAudits,
            true,
        ),
        r("GET", format!("/api/v1/audits/{}", f.audit), None, Need::ViewPlans, true),
        r(
            "POST",
            format!("/api/v1/audits/{}/questions", f.audit),
            Some(|_| Body::Json(json!({"text": "Fråga", "assessment": "fulfilled"}))),
            Need::ManageAudits,
            true,
        ),
        r(
            "PUT",
            format!("/api/v1/audits/{}/questions/{}", f.audit, f.question),
            Some(|_| Body::Json(json!({"text": "Ändrad", "assessment": "fulfilled"}))),
            Need::ManageAudits,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/audits/{}/findings", f.audit),
            Some(|_| Body::Json(json!({"area": "Styrning", "text": "Iakttagelse"}))),
            Need::ManageAudits,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/audits/{}/recommendations", f.audit),
            Some(|_| Body::Json(json!({"text": "Gör något", "to_all": true}))),
            Need::ManageAudits,
            true,
        ),
        r(
            "PUT",
            format!("/api/v1/audits/{}/report", f.audit),
            Some(|_| Body::Json(json!({"file_name": "rapport.pdf", "content_base64": "aGVq"}))),
            Need::ManageAudits,
            true,
        ),
        r("GET", format!("/api/v1/audit-copies/{}", f.copy), None, Need::ViewPlans, true),
        r(
            "PUT",
            format!("/api/v1/audit-copies/{}/answer", f.copy),
            Some(|_| {
                Body::Json(
                    json!({"stance": "agrees", "measures": "En rutin", "responsible": "Någon", "due": "2027-06-30"}),
                )
            }),
            Need::AnswerAudits,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/audit-copies/{}/status", f.copy),
            Some(|_| Body::Json(json!({"status": "in_progress", "note": "Påbörjad"}))),
            Need::FollowUpAudits,
            true,
        ),
        r("POST", format!("/api/v1/audit-copies/{}/action", f.copy), None, Need::ManageActions, true),
        r("GET", format!("/audits/{}/follow-up.pdf", f.audit), None, Need::ViewPlans, true),
        r("GET", format!("/audits/{}/follow-up.docx", f.audit), None, Need::ViewPlans, true),
        r("GET", "/audit-register.xlsx".into(), None, Need::ViewPlans, false),
        r("GET", "/incidents".into(), None, Need::ViewIncidents, false),
        r("GET", "/incidents/new".into(), None, Need::ManageIncidents, false),
        r("POST", "/incidents".into(), Some(|f| Body::Form(incident_form(f))), Need::ManageIncidents, true),
        r("GET", format!("/incidents/{}", f.incident), None, Need::ViewIncidents, true),
        r(
            "POST",
            format!("/incidents/{}", f.incident),
            Some(|f| Body::Form(incident_form(f))),
            Need::ManageIncidents,
            true,
        ),
        r(
            "POST",
            format!("/incidents/{}/entries", f.incident),
            Some(|_| Body::Form(vec![("text", "Anteckning".into())])),
            Need::ManageIncidents,
            true,
        ),
        r(
            "POST",
            format!("/incidents/{}/reports/nis_early_warning", f.incident),
            Some(|_| Body::Form(vec![("at", "2026-01-02T10:00".into())])),
            Need::ManageIncidents,
            true,
        ),
        r(
            "POST",
            format!("/incidents/{}/status", f.incident),
            Some(|_| Body::Form(vec![("status", "closed".into())])),
            Need::ManageIncidents,
            true,
        ),
        r(
            "POST",
            format!("/incidents/{}/action", f.incident),
            Some(|_| Body::Form(vec![])),
            Need::ManageIncidents,
            true,
        ),
        r("GET", "/incidents/compilation".into(), None, Need::ViewIncidents, false),
        r("GET", format!("/incidents/compilation?org={}", f.kommun), None, Need::ViewIncidents, true),
        r("GET", format!("/incidents/compilation.xlsx?org={}", f.kommun), None, Need::ViewIncidents, true),
        r("GET", format!("/incidents/compilation.csv?org={}", f.kommun), None, Need::ViewIncidents, true),
        r("GET", format!("/orgs/{}/reporting-duties", f.kommun), None, Need::SetReportingDuties, true),
        r(
            "POST",
            format!("/orgs/{}/reporting-duties", f.kommun),
            Some(|_| Body::Form(vec![("nis_class", "essential".into())])),
            Need::SetReportingDuties,
            true,
        ),
        r("GET", "/api/v1/incidents".into(), None, Need::ViewIncidents, false),
        r("POST", "/api/v1/incidents".into(), Some(|f| Body::Json(incident_json(f))), Need::ManageIncidents, true),
        r("GET", format!("/api/v1/incidents/{}", f.incident), None, Need::ViewIncidents, true),
        r(
            "PUT",
            format!("/api/v1/incidents/{}", f.incident),
            Some(|f| Body::Json(incident_json(f))),
            Need::ManageIncidents,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/incidents/{}/entries", f.incident),
            Some(|_| Body::Json(json!({"text": "Anteckning"}))),
            Need::ManageIncidents,
            true,
        ),
        r(
            "PUT",
            format!("/api/v1/incidents/{}/reports/nis_early_warning", f.incident),
            Some(|_| Body::Json(json!({"at": "2026-01-02T10:00"}))),
            Need::ManageIncidents,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/incidents/{}/status", f.incident),
            Some(|_| Body::Json(json!({"status": "closed"}))),
            Need::ManageIncidents,
            true,
        ),
        r("POST", format!("/api/v1/incidents/{}/action", f.incident), None, Need::ManageIncidents, true),
        r("GET", format!("/api/v1/incidents/compilation?org={}", f.kommun), None, Need::ViewIncidents, true),
        r("GET", format!("/api/v1/orgs/{}/reporting-duties", f.kommun), None, Need::SetReportingDuties, true),
        r(
            "PUT",
            format!("/api/v1/orgs/{}/reporting-duties", f.kommun),
            Some(|_| Body::Json(json!({"nis_class": "important"}))),
            Need::SetReportingDuties,
            true,
        ),
        r("GET", format!("/training?org={}", f.kommun), None, Need::ViewTraining, true),
        r("GET", format!("/training/coverage.csv?org={}", f.kommun), None, Need::ViewTraining, true),
        r("GET", format!("/training/courses/{}", f.course), None, Need::ViewTraining, true),
        r(
            "POST",
            "/training/courses".into(),
            Some(|f| {
                Body::Form(vec![
                    ("org_id", f.kommun.clone()),
                    ("name", "Ny kurs".into()),
                    ("target_group", "all_staff".into()),
                    ("validity_years", "2".into()),
                    ("target_pct", "90".into()),
                ])
            }),
            Need::ManageCourses,
            true,
        ),
        r(
            "POST",
            format!("/training/courses/{}", f.course),
            Some(|_| {
                Body::Form(vec![
                    ("name", "Omdöpt kurs".into()),
                    ("target_group", "all_staff".into()),
                    ("validity_years", "2".into()),
                    ("target_pct", "90".into()),
                ])
            }),
            Need::ManageCourses,
            true,
        ),
        r(
            "POST",
            format!("/training/courses/{}/counts", f.course),
            Some(|f| {
                Body::Form(vec![
                    ("org_id", f.kommun_org.clone()),
                    ("as_of", "2026-01-31".into()),
                    ("headcount", "10".into()),
                    ("completed", "5".into()),
                ])
            }),
            Need::ReportTraining,
            true,
        ),
        r(
            "POST",
            "/training/settings".into(),
            Some(|f| Body::Form(vec![("org_id", f.kommun.clone()), ("retention_months", "12".into())])),
            Need::ManageCourses,
            true,
        ),
        r("GET", format!("/training/import?org={}", f.kommun_org), None, Need::ReportTraining, true),
        r(
            "POST",
            "/training/import".into(),
            Some(|f| Body::MultipartWith {
                fields: vec![("org_id", f.kommun_org.clone())],
                filename: "utbildning.csv",
                content: b"Person;Kurs;Datum\r\nanna;Kurs i beh\xc3\xb6righetstestet;2026-01-15\r\n".to_vec(),
            }),
            Need::ReportTraining,
            true,
        ),
        r("GET", format!("/api/v1/training/courses?org={}", f.kommun), None, Need::ViewTraining, true),
        r(
            "POST",
            "/api/v1/training/courses".into(),
            Some(|f| {
                Body::Json(json!({"org_id": f.kommun, "name": "Ny kurs", "target_group": "all_staff",
                    "validity_years": "2", "target_pct": "90"}))
            }),
            Need::ManageCourses,
            true,
        ),
        r("GET", format!("/api/v1/training/courses/{}", f.course), None, Need::ViewTraining, true),
        r(
            "PUT",
            format!("/api/v1/training/courses/{}", f.course),
            Some(|_| {
                Body::Json(json!({"name": "Omdöpt", "target_group": "all_staff", "validity_years": "2",
                    "target_pct": "90"}))
            }),
            Need::ManageCourses,
            true,
        ),
        r(
            "POST",
            format!("/api/v1/training/courses/{}/counts", f.course),
            Some(|f| {
                Body::Json(json!({"org_id": f.kommun_org, "as_of": "2026-01-31", "headcount": "10", "completed": "5"}))
            }),
            Need::ReportTraining,
            true,
        ),
        r("GET", format!("/api/v1/training/coverage?org={}", f.kommun), None, Need::ViewTraining, true),
        r(
            "POST",
            "/api/v1/training/import".into(),
            Some(|f| {
                Body::Json(json!({"org_id": f.kommun_org, "file_name": "u.csv",
                    "content_base64": "UGVyc29uO0t1cnM7RGF0dW0KYW5uYTtYOzIwMjYtMDEtMTUK"}))
            }),
            Need::ReportTraining,
            true,
        ),
        r(
            "PUT",
            format!("/api/v1/training/settings/{}", f.kommun),
            Some(|_| Body::Json(json!({"retention_months": 12}))),
            Need::ManageCourses,
            true,
        ),
    ]
    .into_iter()
    .chain(crate::authz_registers::routes(f))
    .collect()
}

/// An incident of Socialförvaltningen as a form.
fn incident_form(f: &Fixture) -> Vec<(&'static str, String)> {
    vec![
        ("org_id", f.kommun_org.clone()),
        ("title", "Behörighetstest".into()),
        ("discovered_at", "2026-01-02T09:00".into()),
        ("category", "attack".into()),
        ("aspects", "integrity".into()),
        ("severity", "low".into()),
    ]
}

/// An incident of Socialförvaltningen as JSON.
fn incident_json(f: &Fixture) -> serde_json::Value {
    json!({"org_id": f.kommun_org, "title": "Behörighetstest", "discovered_at": "2026-01-02T09:00",
        "category": "attack", "aspects": ["integrity"], "severity": "low"})
}

pub async fn call(c: &Client, f: &Fixture, r: &Route) -> Res {
    c.send(r.method, &r.path, r.body.map(|b| b(f))).await
}

pub fn refused(res: &Res) -> bool {
    matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
}

pub async fn audit_len(app: &TestApp) -> u64 {
    app.store.verify_audit().await.unwrap().expect("the audit chain is intact")
}

pub async fn every_route_refuses_anonymous_outsiders_and_missing_roles(app: &TestApp) {
    let f = fixture(app).await;
    // A user with an account but no role at all.
    app.store
        .insert_user(
            &store::Actor::cli(),
            store::NewUser {
                email: domain::user::Email::parse("utan.roll@exempla.se").unwrap(),
                name: domain::user::PersonName::parse("Utan Roll").unwrap(),
                password_hash: Some(web::hash_password(crate::helpers::PASSWORD)),
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
    let dpo = app.login("dso@exempla.se").await; // reads plans, answers and follows up no audit
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
                | Need::ViewModels
                | Need::ManageAssessments
                | Need::ViewPlans
                | Need::ManageActions
                | Need::ManageReviews
                | Need::ViewIncidents
                | Need::ManageIncidents
                | Need::ViewRegisters
                | Need::ManageAssets
                | Need::ClassifyAssets
                | Need::ManageProcessing
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
            Need::ManageAudits => Some(&ciso),
            Need::AnswerAudits => Some(&auditor),
            Need::FollowUpAudits => Some(&dpo),
            // The auditor sees no incidents; the coordinator sets no NIS class.
            Need::ViewIncidents | Need::ManageIncidents => Some(&auditor),
            Need::SetReportingDuties => Some(&coordinator),
            Need::ViewTraining => Some(&admin),
            Need::ReportTraining => Some(&auditor),
            Need::ManageCourses => Some(&coordinator),
            // The administrator reads no register; the auditor reads them and keeps none.
            Need::ViewRegisters => Some(&admin),
            Need::ManageAssets | Need::ClassifyAssets | Need::ManageProcessing => Some(&auditor),
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

// ---- the matrix against the router -------------------------------------------------

/// Routes outside the matrix's shape, each with the test that checks who may
/// call it. Keep this list short: a new route belongs in `routes` above.
const CHECKED_ELSEWHERE: &[(&str, &str)] = &[
    // Any signed-in user, on their own account only; a refusal matrix would
    // change the callers' own settings (`sessions_logout_and_password_change`,
    // `calendar_feed_is_private_and_revocable`).
    ("POST", "/account/password"),
    ("POST", "/account/language"),
    ("POST", "/account/calendar"),
    ("POST", "/account/calendar/revoke"),
    ("PUT", "/api/v1/me/password"),
    // A file of an assessment: needs a real upload (`evidence_files_are_kept_with_the_assessment`).
    ("GET", "/evidence/{file}"),
    // A steering document's file: needs a real upload (`steering_documents_are_kept_and_scoped`).
    ("GET", "/steering-files/{version}"),
    ("GET", "/api/v1/steering-versions/{id}/file"),
    // A file of a review: needs a real upload (`forvaltning_holds_its_own_review`).
    ("GET", "/review-files/{file}"),
    ("GET", "/api/v1/review-files/{id}"),
    // An audit's report file: needs a real upload (`audits_are_entered_answered_and_followed_up`).
    ("GET", "/audits/{id}/report"),
    ("GET", "/api/v1/audits/{id}/report"),
    // The model catalogue, read by everyone who answers (`assessment_api_journey`).
    ("GET", "/api/v1/models"),
    ("GET", "/api/v1/models/{id}"),
    // Rounds are run by coordinators and listed per caller
    // (`rounds_refuse_strangers_on_every_route`, `rounds_invite_submit_withdraw_and_suppress`).
    ("GET", "/rounds"),
    ("GET", "/rounds/new"),
    ("POST", "/rounds"),
    ("GET", "/api/v1/rounds"),
    ("POST", "/api/v1/rounds"),
];

/// Routes anyone may call, so they have no row in the matrix.
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
    // The one-time token in the path is the credential; refused once a user exists
    // (`first_admin_setup_link_works_once`).
    ("GET", "/setup/{token}"),
    ("POST", "/setup/{token}"),
    // The secret token in the file name is the credential (`calendar_feed_is_private_and_revocable`).
    ("GET", "/calendar/{file}"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/static/lisa.css"),
    ("GET", "/static/autosave.js"),
    ("GET", "/static/favicon.svg"),
    // Service endpoints for the operator's monitoring (`service_endpoints_and_headers`).
    ("GET", "/healthz"),
    ("GET", "/metrics"),
];

/// The fixture with stand-in identities: only the paths' shapes matter here.
fn stand_in_fixture() -> Fixture {
    let id = |n: u128| uuid::Uuid::from_u128(n).to_string();
    Fixture {
        assessment: id(1),
        kommun: id(2),
        action: id(3),
        review: id(4),
        decision: id(5),
        point: id(6),
        activity: id(7),
        kommun_org: id(8),
        social_nämnd: id(9),
        target_user: id(10),
        target_assignment: id(11),
        document: id(14),
        audit: id(15),
        question: id(16),
        copy: id(17),
        incident: id(18),
        course: id(61),
        registers: crate::authz_registers::Registers {
            asset: id(71),
            system: id(72),
            risk: id(73),
            processing: id(74),
            dpia: id(75),
            agreement: id(76),
        },
    }
}

/// Every (method, concrete path) of the refusal matrices: this module's and the rounds'.
fn matrix_rows() -> Vec<(String, String)> {
    let f = stand_in_fixture();
    let mut rows: Vec<(String, String)> = routes(&f).into_iter().map(|r| (r.method.to_owned(), r.path)).collect();
    let round = uuid::Uuid::from_u128(12).to_string();
    rows.extend(
        crate::rounds::round_routes(&round, uuid::Uuid::from_u128(13)).into_iter().map(|(m, p, _)| (m.to_owned(), p)),
    );
    rows
}

/// The number of parameters of `template` if it matches `path` (query ignored).
fn matches(template: &str, path: &str) -> Option<usize> {
    let path = path.split('?').next().unwrap_or(path);
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    if t.len() != p.len() {
        return None;
    }
    let mut params = 0;
    for (t, p) in t.iter().zip(&p) {
        if t.starts_with('{') && t.ends_with('}') && !p.is_empty() {
            params += 1;
        } else if t != p {
            return None;
        }
    }
    Some(params)
}

/// The route `path` reaches: the matching template with the fewest parameters
/// (static segments win, as in axum).
fn resolve<'a>(router: &'a [(String, String)], method: &str, path: &str) -> Option<&'a (String, String)> {
    router
        .iter()
        .filter(|(m, _)| m == method)
        .filter_map(|r| matches(&r.1, path).map(|n| (n, r)))
        .min_by_key(|(n, _)| *n)
        .map(|(_, r)| r)
}

/// A route added to the router without a row in the matrix (or in `PUBLIC`)
/// fails here, and so does a row or public entry for a route the router lacks.
#[test]
fn every_route_of_the_router_has_a_row_in_the_matrix() {
    let router: Vec<(String, String)> =
        web::route_table().into_iter().map(|(m, p)| (m.as_str().to_owned(), p)).collect();
    assert!(router.len() > 100, "the route table looks empty: {router:?}");
    let mut unknown = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    for (method, path) in matrix_rows() {
        match resolve(&router, &method, &path) {
            Some(r) => {
                covered.insert(r.clone());
            }
            None => unknown.push(format!("{method} {path}")),
        }
    }
    for (method, path) in PUBLIC.iter().chain(CHECKED_ELSEWHERE) {
        if router.iter().any(|(m, p)| m == method && p == path) {
            covered.insert(((*method).to_owned(), (*path).to_owned()));
        } else {
            unknown.push(format!("{method} {path} (listed as public or checked elsewhere)"));
        }
    }
    assert!(unknown.is_empty(), "the matrix names routes the router lacks:\n  {}", unknown.join("\n  "));
    let missing: Vec<String> =
        router.iter().filter(|r| !covered.contains(*r)).map(|(m, p)| format!("{m} {p}")).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorisation matrix (`routes` in tests/http/authz.rs) \
         or in its PUBLIC or CHECKED_ELSEWHERE lists:\n  {}",
        missing.join("\n  ")
    );
}
