//! The demo world's audits (seed 004): the elected auditors' audit of
//! Exempla kommun and an internal audit of Socialförvaltningen, entered by
//! the demo auditor, with about half of the copies answered, two of them
//! actions in the plan, one closed, and unanswered copies overdue.

use domain::audits::{AuditKind, Stance, TargetStatus};
use domain::plan::Origin;
use store::OrgScope;

use crate::helpers::TestApp;

pub async fn demo_holds_an_elected_and_an_internal_audit(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let audits = app.store.list_org_audits(&OrgScope::All).await.unwrap();
    assert_eq!(audits.len(), 2, "{audits:?}");
    let model = lisa::builtin::model();

    // The elected auditors' audit, kept under the kommun.
    let elected = audits.iter().find(|a| a.data.kind == AuditKind::Elected).expect("an elected auditors' audit");
    assert_eq!(elected.org_id, kommun);
    assert_eq!(elected.created_by, "revisor@exempla.se");
    assert!(!elected.data.auditor_org.is_empty() && !elected.data.auditor_person.is_empty());
    assert_eq!(elected.data.responses_due, Some("2026-11-15".parse().unwrap()));
    for body in [
        "Kommunstyrelsen",
        "Exempla Stadshus AB",
        "Socialnämnden",
        "Barn- och utbildningsnämnden",
        "Exempla Energi AB",
        "Exempla Vatten AB",
    ] {
        assert!(elected.bodies.contains(&app.org_id(body).await), "{body} is audited");
    }
    assert!(elected.report_filename.as_deref().is_some_and(|f| f.ends_with(".pdf")));
    let (_, report) = app.store.org_audit_report(elected.id).await.unwrap().expect("the report is attached");
    assert!(report.starts_with(b"%PDF-"));

    // Seven questions, each assessed; some name areas of the model.
    let questions = app.store.audit_questions(elected.id).await.unwrap();
    assert_eq!(questions.len(), 7);
    assert!(questions.iter().all(|q| q.data.assessment.is_some() && !q.data.motivation.is_empty()));
    assert!(questions.iter().filter(|q| !q.data.areas.is_empty()).count() >= 4);
    for area in questions.iter().flat_map(|q| &q.data.areas) {
        assert!(model.areas.iter().any(|a| &a.id == area), "{area} is an area of the model");
    }
    let findings = app.store.audit_findings(elected.id).await.unwrap();
    let mut areas: Vec<&str> = findings.iter().map(|f| f.area.as_str()).collect();
    areas.dedup();
    assert_eq!(areas.len(), 5, "findings grouped by five areas: {areas:?}");

    // The copies: about half answered, one disagreeing, some under way, one closed.
    let recs = app.store.recommendations(elected.id).await.unwrap();
    let copies: Vec<&store::Target> = recs.iter().flat_map(|r| &r.targets).collect();
    let answered = copies.iter().filter(|t| t.response.is_some()).count();
    assert!(copies.len() >= 30, "{} copies", copies.len());
    assert!((4..=6).contains(&(answered * 10 / copies.len())), "{answered} of {} answered", copies.len());
    assert!(copies.iter().any(|t| t.response.as_ref().is_some_and(|r| r.stance == Stance::Disagrees)));
    assert!(copies.iter().filter(|t| t.status == TargetStatus::InProgress).count() >= 2);
    let ks = app.org_id("Kommunstyrelsen").await;
    let stadshus = app.org_id("Exempla Stadshus AB").await;
    assert!(recs.iter().any(|r| r.targets.len() == 1 && r.targets[0].org_id == ks), "to kommunstyrelsen alone");
    assert!(recs.iter().any(|r| r.targets.len() == 1 && r.targets[0].org_id == stadshus), "to the group");
    assert!(recs.iter().any(|r| r.targets.len() > 5), "to every nämnd and bolag");
    let closed: Vec<&&store::Target> = copies.iter().filter(|t| t.status == TargetStatus::Closed).collect();
    assert_eq!(closed.len(), 1);
    let history = app.store.target_events(closed[0].id).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!((last.actor.as_str(), last.to_status.as_str()), ("revisor@exempla.se", "closed"));
    assert!(!last.note.is_empty(), "closed with a motivation");
    // The answers were due on 15 November: on 2 December the unanswered ones are overdue.
    let due = elected.data.responses_due;
    let overdue = copies
        .iter()
        .filter(|t| domain::audits::answer_overdue(t.response.is_some(), due, "2026-12-02".parse().unwrap()));
    assert_eq!(overdue.count(), copies.len() - answered);

    // Two answers became actions in the plan, linked to their copies.
    let refs: Vec<String> = copies.iter().map(|t| domain::audits::action_ref(t.id)).collect();
    let actions = app.store.actions_from(Origin::Audit, &refs).await.unwrap();
    assert_eq!(actions.len(), 2, "{actions:?}");
    for a in &actions {
        let copy = copies.iter().find(|t| domain::audits::action_ref(t.id) == a.data.origin_ref).unwrap();
        assert_eq!(a.org_id, copy.org_id, "the action is in the answering body's plan");
        let measures = &copy.response.as_ref().expect("an answered copy").measures;
        assert_eq!(measures.lines().next().unwrap(), a.data.title);
    }

    // The internal audit of Socialförvaltningen: one of its recommendations answered.
    let internal = audits.iter().find(|a| a.data.kind == AuditKind::Internal).expect("an internal audit");
    assert_eq!(internal.bodies, vec![app.org_id("Socialförvaltningen").await]);
    assert_eq!(internal.created_by, "revisor@exempla.se");
    assert!(app.store.audit_questions(internal.id).await.unwrap().len() >= 3);
    assert!(!app.store.audit_findings(internal.id).await.unwrap().is_empty());
    let recs = app.store.recommendations(internal.id).await.unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs.iter().flat_map(|r| &r.targets).filter(|t| t.response.is_some()).count(), 1);
}
