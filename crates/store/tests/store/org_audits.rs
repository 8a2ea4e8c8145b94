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

#[tokio::test]
async fn the_copies_of_many_audits_are_read_at_once() {
    run("the_copies_of_many_audits_are_read_at_once", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let fields = |title: &str| AuditFields {
            title: title.into(),
            kind: "internal".into(),
            auditor_org: "Internrevisionen".into(),
            ..Default::default()
        };
        let a = s.insert_org_audit(&admin(), k, fields("Första").parse().unwrap(), &[k, f]).await.unwrap();
        let b = s.insert_org_audit(&admin(), k, fields("Andra").parse().unwrap(), &[f]).await.unwrap();
        let untouched = s.insert_org_audit(&admin(), k, fields("Tredje").parse().unwrap(), &[k]).await.unwrap();
        let to_all = |text: &str, bodies: &[uuid::Uuid]| parse_recommendation(text, &[], true, bodies).unwrap();
        let r1 = s.add_recommendation(&admin(), a.id, to_all("Inför en incidentrutin.", &a.bodies)).await.unwrap();
        let r2 = s.add_recommendation(&admin(), a.id, to_all("Utbilda styrelsen.", &a.bodies)).await.unwrap();
        let r3 = s.add_recommendation(&admin(), b.id, to_all("Klassa informationen.", &b.bodies)).await.unwrap();
        s.add_recommendation(&admin(), untouched.id, to_all("Inte med.", &untouched.bodies)).await.unwrap();
        let answer = ResponseInput {
            stance: Stance::Partly,
            measures: "En rutin tas fram.".into(),
            responsible: "Förvaltningschefen".into(),
            due: Some(d("2027-06-30")),
            decided_by: "Socialnämnden".into(),
            decided_on: Some(d("2026-09-15")),
        };
        let copy = r1.targets.iter().find(|t| t.org_id == f).unwrap();
        s.answer_target(&admin(), copy.id, answer.clone()).await.unwrap();

        let got = s.targets_of_audits(&[b.id, a.id]).await.unwrap();
        let seen: Vec<(uuid::Uuid, uuid::Uuid, &str, uuid::Uuid)> =
            got.iter().map(|(au, r, text, t)| (*au, *r, text.as_str(), t.org_id)).collect();
        // By audit (in id order), in the recommendations' order, then by body (in id order).
        let (lo, hi) = if k < f { (k, f) } else { (f, k) };
        let of_a = vec![
            (a.id, r1.id, "Inför en incidentrutin.", lo),
            (a.id, r1.id, "Inför en incidentrutin.", hi),
            (a.id, r2.id, "Utbilda styrelsen.", lo),
            (a.id, r2.id, "Utbilda styrelsen.", hi),
        ];
        let of_b = vec![(b.id, r3.id, "Klassa informationen.", f)];
        let want = if a.id < b.id { [of_a, of_b].concat() } else { [of_b, of_a].concat() };
        assert_eq!(seen, want, "{n}: every copy of the two audits, none of the third");
        let answered = got.iter().find(|(_, _, _, t)| t.id == copy.id).unwrap();
        assert_eq!(
            (answered.3.status, answered.3.response.clone()),
            (TargetStatus::MeasurePlanned, Some(answer)),
            "{n}: the answer comes along"
        );
        assert!(s.targets_of_audits(&[]).await.unwrap().is_empty(), "{n}");
        assert!(s.targets_of_audits(&[uuid::Uuid::now_v7()]).await.unwrap().is_empty(), "{n}");
        let too_many: Vec<uuid::Uuid> = (0..1001).map(|_| uuid::Uuid::now_v7()).collect();
        assert!(s.targets_of_audits(&too_many).await.is_err(), "{n}: bounded");
    })
    .await;
}

#[tokio::test]
async fn audits_are_summed_up_by_scope_in_one_read() {
    run("audits_are_summed_up_by_scope_in_one_read", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let bolag = s.insert_org(&admin(), new_org("Exempla Energi AB", OrgKind::Company, Some(k))).await.unwrap().id;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        let fields = |title: &str, due: &str| AuditFields {
            title: title.into(),
            kind: "elected".into(),
            auditor_org: "Revisionsbyrån AB".into(),
            responses_due: due.into(),
            ..Default::default()
        };
        let it = fields("Granskning av IT", "2026-08-31").parse().unwrap();
        let a = s.insert_org_audit(&admin(), k, it, &[k, f, bolag]).await.unwrap();
        let elsewhere = fields("Annan granskning", "").parse().unwrap();
        let x = s.insert_org_audit(&admin(), other, elsewhere, &[other]).await.unwrap();
        let to_all = |text: &str| parse_recommendation(text, &[], true, &a.bodies).unwrap();
        let r1 = s.add_recommendation(&admin(), a.id, to_all("Inför en incidentrutin.")).await.unwrap();
        s.add_recommendation(&admin(), a.id, to_all("Utbilda styrelsen.")).await.unwrap();
        // The förvaltning answers one copy; the bolag's copy of the same is closed unanswered.
        let answer = ResponseInput {
            stance: Stance::Agrees,
            measures: "En rutin tas fram.".into(),
            responsible: "Förvaltningschefen".into(),
            due: Some(d("2027-06-30")),
            decided_by: "Socialnämnden".into(),
            decided_on: Some(d("2026-09-15")),
        };
        let copy = |org| r1.targets.iter().find(|t| t.org_id == org).unwrap().id;
        s.answer_target(&admin(), copy(f), answer).await.unwrap();
        s.move_target(&admin(), copy(bolag), TargetStatus::Open, TargetStatus::Closed, "Gäller inte", None)
            .await
            .unwrap();

        let got = s.audit_summaries(&OrgScope::Subtree(k)).await.unwrap();
        let seen: Vec<(uuid::Uuid, uuid::Uuid, &str, Option<chrono::NaiveDate>, i64)> =
            got.iter().map(|x| (x.id, x.org_id, x.title.as_str(), x.responses_due, x.unanswered)).collect();
        assert_eq!(
            seen,
            vec![(a.id, k, "Granskning av IT", Some(d("2026-08-31")), 4)],
            "{n}: six copies, two done with"
        );
        // An audited body sees the audit, with its own copies counted only.
        let of_bolag = s.audit_summaries(&OrgScope::Org(bolag)).await.unwrap();
        assert_eq!(of_bolag.iter().map(|x| (x.id, x.unanswered)).collect::<Vec<_>>(), vec![(a.id, 1)], "{n}");
        let of_other = s.audit_summaries(&OrgScope::Subtree(other)).await.unwrap();
        assert_eq!(
            of_other.iter().map(|x| (x.id, x.responses_due, x.unanswered)).collect::<Vec<_>>(),
            vec![(x.id, None, 0)],
            "{n}"
        );
        // Everything, by title; nothing for no scope.
        let all = s.audit_summaries(&OrgScope::All).await.unwrap();
        assert_eq!(all.iter().map(|x| x.id).collect::<Vec<_>>(), vec![x.id, a.id], "{n}: by title");
        assert!(s.audit_summaries(&OrgScope::Nothing).await.unwrap().is_empty(), "{n}");
    })
    .await;
}
