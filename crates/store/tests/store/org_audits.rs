//! Audits of the organisation (granskning), their recommendations and answers.

use domain::audits::{
    Assessment, AuditFields, FindingInput, QuestionInput, ResponseInput, Stance, TargetStatus, parse_recommendation,
};
use domain::org::OrgKind;
use store::OrgScope;

use crate::common::*;
use crate::plans::kommun;

#[tokio::test]
async fn an_audit_its_recommendations_and_answers_are_kept_whole() {
    run("an_audit_its_recommendations_and_answers_are_kept_whole", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let bolag = s.insert_org(&admin(), new_org("Exempla Energi AB", OrgKind::Company, Some(k))).await.unwrap().id;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        let input = AuditFields {
            title: "Granskning av informationssäkerheten".into(),
            kind: "elected".into(),
            auditor_org: "Revisionsbyrån AB".into(),
            responses_due: "2026-08-31".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        // An unknown body: refused, nothing written.
        let before = s.verify_audit().await.unwrap().unwrap();
        let bad = s.insert_org_audit(&admin(), k, input.clone(), &[k, uuid::Uuid::now_v7()]).await;
        assert!(matches!(bad, Err(store::StoreError::Conflict { field: "bodies", .. })), "{n}: {bad:?}");
        assert_eq!(s.verify_audit().await.unwrap().unwrap(), before, "{n}: nothing written");
        let a = s.insert_org_audit(&admin(), k, input, &[k, f, bolag]).await.unwrap();
        assert_eq!(a.bodies.len(), 3, "{n}");
        assert_eq!(s.find_org_audit(a.id).await.unwrap().unwrap(), a, "{n}: reads back the same");
        // Listed for the kommun, for an audited body, not for another kommun.
        assert_eq!(s.list_org_audits(&OrgScope::Subtree(k)).await.unwrap().len(), 1, "{n}");
        assert_eq!(s.list_org_audits(&OrgScope::Org(bolag)).await.unwrap()[0].id, a.id, "{n}");
        assert!(s.list_org_audits(&OrgScope::Subtree(other)).await.unwrap().is_empty(), "{n}");

        // Questions, findings, the report.
        let q = QuestionInput {
            text: "Finns aktuella styrande dokument?".into(),
            areas: vec!["styr".into()],
            assessment: Some(Assessment::Partly),
            motivation: "Policyn saknar reglering av bolagen.".into(),
        };
        let added = s.add_audit_question(&admin(), a.id, q.clone()).await.unwrap();
        assert_eq!(s.audit_questions(a.id).await.unwrap(), vec![added.clone()], "{n}");
        let mut fulfilled = q.clone();
        fulfilled.assessment = Some(Assessment::Fulfilled);
        s.update_audit_question(&admin(), a.id, added.id, fulfilled.clone()).await.unwrap();
        assert_eq!(s.audit_questions(a.id).await.unwrap()[0].data, fulfilled, "{n}");
        let finding = FindingInput { area: "Incidenthantering".into(), text: "Få anmälda incidenter.".into() };
        s.add_audit_finding(&admin(), a.id, finding).await.unwrap();
        assert_eq!(s.audit_findings(a.id).await.unwrap().len(), 1, "{n}");
        s.set_org_audit_report(&admin(), a.id, "rapport.pdf", b"%PDF-1.4").await.unwrap();
        assert_eq!(
            s.org_audit_report(a.id).await.unwrap(),
            Some(("rapport.pdf".to_owned(), b"%PDF-1.4".to_vec())),
            "{n}"
        );

        // A recommendation to all audited bodies: a copy each, open.
        let rec = parse_recommendation("Säkerställ att incidentrutinen införs.", &[], true, &a.bodies).unwrap();
        let r = s.add_recommendation(&admin(), a.id, rec).await.unwrap();
        assert_eq!(r.targets.len(), 3, "{n}");
        assert!(r.targets.iter().all(|t| t.status == TargetStatus::Open && t.response.is_none()), "{n}");
        // One to a body that is not audited: refused, nothing written.
        let before = s.verify_audit().await.unwrap().unwrap();
        let stray = domain::audits::RecommendationInput { text: "Fel".into(), targets: vec![other] };
        assert!(s.add_recommendation(&admin(), a.id, stray).await.is_err(), "{n}");
        assert_eq!(s.verify_audit().await.unwrap().unwrap(), before, "{n}: nothing written");

        // The bolag answers: measures planned; its history says so.
        let t = r.targets.iter().find(|t| t.org_id == bolag).unwrap().clone();
        assert_eq!(s.audit_of_target(t.id).await.unwrap(), Some(a.id), "{n}");
        let answer = ResponseInput {
            stance: Stance::Agrees,
            measures: "Rutinen införs i bolaget.".into(),
            responsible: "VD".into(),
            due: Some(d("2027-03-31")),
            decided_by: "Styrelsen".into(),
            decided_on: Some(d("2026-08-20")),
        };
        let t = s.answer_target(&admin(), t.id, answer.clone()).await.unwrap();
        assert_eq!((t.status, t.response.clone()), (TargetStatus::MeasurePlanned, Some(answer.clone())), "{n}");
        // Followed up to closed; a stale move and an answer after closing are refused.
        let t = s
            .move_target(&admin(), t.id, TargetStatus::MeasurePlanned, TargetStatus::Done, "Införd", None)
            .await
            .unwrap();
        let stale =
            s.move_target(&admin(), t.id, TargetStatus::MeasurePlanned, TargetStatus::InProgress, "", None).await;
        assert!(matches!(stale, Err(store::StoreError::Conflict { field: "status", .. })), "{n}: {stale:?}");
        s.move_target(&admin(), t.id, TargetStatus::Done, TargetStatus::Closed, "Verifierad", Some(a.id))
            .await
            .unwrap();
        let late = s.answer_target(&admin(), t.id, answer).await;
        assert!(matches!(late, Err(store::StoreError::Conflict { field: "status", .. })), "{n}: {late:?}");
        let events = s.target_events(t.id).await.unwrap();
        let steps: Vec<(&str, &str)> = events.iter().map(|e| (e.from_status.as_str(), e.to_status.as_str())).collect();
        assert_eq!(steps, vec![("open", "measure_planned"), ("measure_planned", "done"), ("done", "closed")], "{n}");
        assert_eq!(events[2].follow_up_audit, Some(a.id), "{n}");

        // Open copies by scope: the kommun's subtree has the two left; the bolag none.
        assert_eq!(s.open_targets(&OrgScope::Subtree(k)).await.unwrap().len(), 2, "{n}");
        assert!(s.open_targets(&OrgScope::Org(bolag)).await.unwrap().is_empty(), "{n}");
        assert!(s.open_targets(&OrgScope::Subtree(other)).await.unwrap().is_empty(), "{n}");
    })
    .await;
}
