//! Self-assessments: answers, the lifecycle, reopening, import, proposals of
//! delegated areas, evidence files. Each check asserts what is stored and the
//! audit entries written (and that a refused write writes nothing).

use chrono::{DateTime, Utc};
use domain::assessment::{Confidence, Period, Status, Transition};
use domain::audit::Entry;
use domain::org::OrgKind;
use store::{Actor, AnswerRow, Assessment, NewAnswer, OrgScope, Store};
use uuid::Uuid;

use crate::common::*;

fn answer(question: &str, value: &str) -> NewAnswer {
    NewAnswer {
        question_id: question.into(),
        answer: value.into(),
        comment: format!("Om {question}"),
        confidence: Confidence::Evidence,
        evidence_url: String::new(),
    }
}

fn period(year: i32) -> Period {
    Period::new(year).expect("valid period")
}

/// An organisation, a model and a draft for 2026.
async fn draft(s: &Store) -> (Uuid, Uuid, Assessment) {
    let org = s.insert_org(&admin(), new_org("Exempla kommun", OrgKind::Municipality, None)).await.unwrap().id;
    let model = s.insert_model(&admin(), "lisa-grund", 1, "Lisa grund", "[model]").await.unwrap().id;
    let a = s.insert_assessment(&admin(), org, model, period(2026), None).await.unwrap();
    (org, model, a)
}

/// The audit entries written since `before` entries, oldest first.
async fn written_since(s: &Store, before: usize) -> Vec<Entry> {
    let mut all = all_audit(s).await;
    all.reverse();
    all.split_off(before)
}

/// Answers as (question, answer, answered by), in question order.
async fn stored(s: &Store, id: Uuid) -> Vec<(String, String, String)> {
    s.list_answers(id).await.unwrap().into_iter().map(|a| (a.question_id, a.answer, a.answered_by)).collect()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("RFC 3339 time")
}

#[tokio::test]
async fn assessments_start_and_refuse_a_second_for_the_period() {
    run("assessments_start_and_refuse_a_second_for_the_period", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (org, model, a) = draft(s).await;
        assert_eq!((a.status, a.revision, a.period), (Status::Draft, 1, 2026), "{n}");
        assert_eq!(a.created_by, "admin@exempla.se", "{n}");
        assert_eq!(s.find_assessment(a.id).await.unwrap(), Some(a.clone()), "{n}: reads back the same");
        assert_eq!(s.list_assessments(&OrgScope::Org(org)).await.unwrap(), vec![a.clone()], "{n}");
        assert!(s.list_assessments(&OrgScope::Nothing).await.unwrap().is_empty(), "{n}");
        let e = last_entry(s).await;
        assert_eq!((e.change.action.as_str(), e.change.record_id.clone()), ("assessment.start", a.id.to_string()));
        assert_eq!(e.change.org_id, Some(org), "{n}");
        assert_eq!(json(&e.change.after)["copied_answers"], 0, "{n}");

        let before = audit_len(s).await;
        assert_conflict(
            n,
            s.insert_assessment(&admin(), org, model, period(2026), None).await,
            "period",
            "error-assessment-exists",
        );
        assert_conflict(
            n,
            s.insert_assessment(&admin(), org, Uuid::now_v7(), period(2027), None).await,
            "model_id",
            "error-model-unknown",
        );
        assert_conflict(
            n,
            s.insert_assessment(&admin(), org, model, period(2027), Some(Uuid::now_v7())).await,
            "copy_from",
            "error-assessment-unknown",
        );
        assert_eq!(audit_len(s).await, before, "{n}: refused starts write nothing");
        assert_eq!(s.list_assessments(&store::OrgScope::All).await.unwrap().len(), 1, "{n}");

        // A new period may start from an earlier assessment's answers.
        s.save_answers(&admin(), a.id, vec![answer("q1", "ja"), answer("q2", "nej")]).await.unwrap();
        let next = s.insert_assessment(&admin(), org, model, period(2027), Some(a.id)).await.unwrap();
        assert_eq!(stored(s, next.id).await, stored(s, a.id).await, "{n}: answers copied");
        assert_eq!(json(&last_entry(s).await.change.after)["copied_answers"], 2, "{n}");
        assert_eq!(
            s.list_assessments(&OrgScope::Org(org)).await.unwrap().iter().map(|a| a.period).collect::<Vec<_>>(),
            vec![2027, 2026],
            "{n}: newest period first"
        );
        assert_eq!(db.verified().await, audit_len(s).await as u64, "{n}");
    })
    .await;
}

#[tokio::test]
async fn assessments_answers_are_saved_overwritten_and_one_per_question() {
    run("assessments_answers_are_saved_overwritten_and_one_per_question", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (org, _, a) = draft(s).await;
        let before = audit_len(s).await;
        s.save_answers(&admin(), a.id, vec![answer("q1", "ja"), answer("q2", "na")]).await.unwrap();
        let rows = s.list_answers(a.id).await.unwrap();
        assert_eq!(rows.len(), 2, "{n}");
        assert_eq!((rows[0].question_id.as_str(), rows[0].answer.as_str()), ("q1", "ja"), "{n}");
        assert_eq!(rows[0].comment, "Om q1", "{n}");
        assert_eq!(rows[0].confidence, Confidence::Evidence, "{n}");
        assert_eq!(rows[0].answered_by, "admin@exempla.se", "{n}");
        let written = written_since(s, before).await;
        assert_eq!(written.iter().map(|e| e.change.action.as_str()).collect::<Vec<_>>(), ["assessment.answer"; 2]);
        assert!(written.iter().all(|e| e.change.before.is_none() && e.change.org_id == Some(org)), "{n}");
        assert_eq!(json(&written[0].change.after)["question"], "q1", "{n}");
        assert_eq!(json(&written[0].change.after)["confidence"], "evidence", "{n}");

        // Overwriting keeps one row per question and records before and after.
        let before = audit_len(s).await;
        let other = Actor::user(Uuid::now_v7(), "ciso@exempla.se");
        s.save_answers(&other, a.id, vec![answer("q1", "nej")]).await.unwrap();
        assert_eq!(
            stored(s, a.id).await,
            vec![
                ("q1".into(), "nej".into(), "ciso@exempla.se".into()),
                ("q2".into(), "na".into(), "admin@exempla.se".into())
            ],
            "{n}"
        );
        let written = written_since(s, before).await;
        assert_eq!(written.len(), 1, "{n}");
        assert_eq!(json(&written[0].change.before)["answer"], "ja", "{n}");
        assert_eq!(json(&written[0].change.after)["answer"], "nej", "{n}");
        assert_eq!(written[0].change.actor, "ciso@exempla.se", "{n}");

        // An unchanged answer writes no audit entry; the same question twice in one save is one row.
        let before = audit_len(s).await;
        s.save_answers(&other, a.id, vec![answer("q1", "nej")]).await.unwrap();
        assert_eq!(audit_len(s).await, before, "{n}: nothing changed, nothing recorded");
        s.save_answers(&admin(), a.id, vec![answer("q3", "ja"), answer("q3", "delvis")]).await.unwrap();
        let q3: Vec<AnswerRow> =
            s.list_answers(a.id).await.unwrap().into_iter().filter(|r| r.question_id == "q3").collect();
        assert_eq!(q3.len(), 1, "{n}: one answer per question");
        assert_eq!(q3[0].answer, "delvis", "{n}: the last one wins");
        assert_eq!(db.raw_i64("SELECT COUNT(*) FROM answers").await, 3, "{n}");

        assert_not_found(n, s.save_answers(&admin(), Uuid::now_v7(), vec![answer("q1", "ja")]).await);
        assert_eq!(db.verified().await, audit_len(s).await as u64, "{n}");
    })
    .await;
}

/// The answers' version of `id`, as the list reads it.
async fn version(s: &Store, org: Uuid, id: Uuid) -> i64 {
    let listed =
        s.list_assessments_versioned(&OrgScope::Org(org)).await.unwrap().into_iter().find(|(a, _)| a.id == id).unwrap();
    // One assessment by id tells the same version.
    let found = s.find_assessment_versioned(id).await.unwrap().expect("found by id");
    assert_eq!(found, listed, "the list and the lookup by id agree");
    listed.1
}

#[tokio::test]
async fn assessments_answers_version_rises_with_every_change_to_the_answers() {
    run("assessments_answers_version_rises_with_every_change_to_the_answers", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (org, model, a) = draft(s).await;
        let v0 = version(s, org, a.id).await;
        s.save_answers(&admin(), a.id, vec![answer("q1", "ja"), answer("q2", "na")]).await.unwrap();
        let v1 = version(s, org, a.id).await;
        assert!(v1 > v0, "{n}: new answers raise the version ({v0} → {v1})");
        s.save_answers(&admin(), a.id, vec![answer("q1", "nej")]).await.unwrap();
        let v2 = version(s, org, a.id).await;
        assert!(v2 > v1, "{n}: a changed answer raises it ({v1} → {v2})");
        db.raw_execute("DELETE FROM answers WHERE question_id = 'q2'").await.unwrap();
        let v3 = version(s, org, a.id).await;
        assert!(v3 > v2, "{n}: a deleted answer raises it ({v2} → {v3})");
        // Answers copied into a new assessment count as changes to it.
        let next = s.insert_assessment(&admin(), org, model, period(2027), Some(a.id)).await.unwrap();
        assert!(version(s, org, next.id).await > 0, "{n}: copied answers raise the new one's version");
        assert_eq!(version(s, org, a.id).await, v3, "{n}: the source is unchanged");
        let mut codes = s.answer_codes_of(&[a.id, next.id]).await.unwrap();
        codes.sort();
        let mut want = vec![(a.id, "q1".to_owned(), "nej".to_owned()), (next.id, "q1".to_owned(), "nej".to_owned())];
        want.sort();
        assert_eq!(codes, want, "{n}: the answer codes of exactly those assessments");
        assert_eq!(s.answer_codes_of(&[]).await.unwrap(), vec![], "{n}");
    })
    .await;
}

#[tokio::test]
async fn assessments_transitions_follow_the_lifecycle() {
    run("assessments_transitions_follow_the_lifecycle", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (_, _, a) = draft(s).await;
        s.save_answers(&admin(), a.id, vec![answer("q1", "ja")]).await.unwrap();
        let before = audit_len(s).await;
        for step in [Transition::Approve, Transition::Lock, Transition::ReturnToDraft] {
            assert_conflict(
                n,
                s.transition_assessment(&admin(), a.id, step).await,
                "status",
                "error-assessment-wrong-status",
            );
        }
        assert_not_found(n, s.transition_assessment(&admin(), Uuid::now_v7(), Transition::Submit).await);
        assert_eq!(audit_len(s).await, before, "{n}: refused steps write nothing");
        assert_eq!(s.find_assessment(a.id).await.unwrap().unwrap().status, Status::Draft, "{n}");

        let submitted = s.transition_assessment(&admin(), a.id, Transition::Submit).await.unwrap();
        assert_eq!(submitted.status, Status::Submitted, "{n}");
        assert!(submitted.submitted_at.is_some(), "{n}");
        assert_eq!(s.find_assessment(a.id).await.unwrap().unwrap(), submitted, "{n}: stored as returned");
        // A submitted assessment is not edited.
        let before_refused = audit_len(s).await;
        assert_conflict(
            n,
            s.save_answers(&admin(), a.id, vec![answer("q1", "nej")]).await,
            "status",
            "error-assessment-not-draft",
        );
        assert_eq!(stored(s, a.id).await[0].1, "ja", "{n}");
        assert_eq!(audit_len(s).await, before_refused, "{n}");

        let returned = s.transition_assessment(&admin(), a.id, Transition::ReturnToDraft).await.unwrap();
        assert_eq!((returned.status, returned.submitted_at), (Status::Draft, None), "{n}");
        s.transition_assessment(&admin(), a.id, Transition::Submit).await.unwrap();
        let board = Actor::user(Uuid::now_v7(), "ks@exempla.se");
        let approved = s.transition_assessment(&board, a.id, Transition::Approve).await.unwrap();
        assert_eq!(approved.status, Status::Approved, "{n}");
        assert_eq!(approved.approved_by.as_deref(), Some("ks@exempla.se"), "{n}");
        assert!(approved.approved_at.is_some(), "{n}");
        assert_conflict(
            n,
            s.transition_assessment(&admin(), a.id, Transition::Submit).await,
            "status",
            "error-assessment-wrong-status",
        );
        let locked = s.transition_assessment(&admin(), a.id, Transition::Lock).await.unwrap();
        assert_eq!(locked.status, Status::Locked, "{n}");
        assert!(locked.locked_at.is_some(), "{n}");
        assert_eq!(s.find_assessment(a.id).await.unwrap().unwrap(), locked, "{n}");

        let written = written_since(s, before).await;
        assert_eq!(
            written.iter().map(|e| e.change.action.as_str()).collect::<Vec<_>>(),
            ["assessment.submit", "assessment.return", "assessment.submit", "assessment.approve", "assessment.lock"],
            "{n}"
        );
        let statuses = |e: &Entry| (json(&e.change.before)["status"].clone(), json(&e.change.after)["status"].clone());
        assert_eq!(statuses(&written[0]), ("draft".into(), "submitted".into()), "{n}");
        assert_eq!(statuses(&written[4]), ("approved".into(), "locked".into()), "{n}");
        assert_eq!(written[3].change.actor, "ks@exempla.se", "{n}");
        assert!(written.iter().all(|e| e.change.record_id == a.id.to_string()), "{n}");
        assert_eq!(db.verified().await, audit_len(s).await as u64, "{n}");
    })
    .await;
}

#[tokio::test]
async fn assessments_reopen_as_a_new_revision() {
    run("assessments_reopen_as_a_new_revision", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (org, _, a) = draft(s).await;
        s.save_answers(&admin(), a.id, vec![answer("q1", "ja"), answer("q2", "nej")]).await.unwrap();
        let before = audit_len(s).await;
        assert_conflict(n, s.reopen_assessment(&admin(), a.id).await, "status", "error-assessment-wrong-status");
        assert_not_found(n, s.reopen_assessment(&admin(), Uuid::now_v7()).await);
        assert_eq!(audit_len(s).await, before, "{n}");
        for step in [Transition::Submit, Transition::Approve, Transition::Lock] {
            s.transition_assessment(&admin(), a.id, step).await.unwrap();
        }
        let locked = s.find_assessment(a.id).await.unwrap().unwrap();
        let new = s.reopen_assessment(&admin(), a.id).await.unwrap();
        assert_ne!(new.id, a.id, "{n}");
        assert_eq!((new.status, new.revision, new.period, new.org_id), (Status::Draft, 2, 2026, org), "{n}");
        assert_eq!((new.submitted_at, new.approved_at, new.locked_at), (None, None, None), "{n}");
        assert_eq!(stored(s, new.id).await, stored(s, a.id).await, "{n}: the answers come along");
        assert_eq!(
            s.find_assessment(a.id).await.unwrap().unwrap(),
            locked,
            "{n}: the locked revision is kept as it was"
        );
        assert_eq!(
            s.list_assessments(&OrgScope::Org(org)).await.unwrap().iter().map(|a| a.revision).collect::<Vec<_>>(),
            vec![2, 1],
            "{n}: newest revision first"
        );
        let e = last_entry(s).await;
        assert_eq!(e.change.action, "assessment.reopen", "{n}");
        assert_eq!(e.change.record_id, new.id.to_string(), "{n}");
        assert_eq!(
            (json(&e.change.before)["revision"].clone(), json(&e.change.after)["revision"].clone()),
            (1.into(), 2.into())
        );
        // The new draft is edited alone; the locked one is not.
        s.save_answers(&admin(), new.id, vec![answer("q1", "delvis")]).await.unwrap();
        assert_eq!(stored(s, a.id).await[0].1, "ja", "{n}");
        // Only the latest revision is reopened.
        for step in [Transition::Submit, Transition::Approve, Transition::Lock] {
            s.transition_assessment(&admin(), new.id, step).await.unwrap();
        }
        let before = audit_len(s).await;
        assert_conflict(n, s.reopen_assessment(&admin(), a.id).await, "revision", "error-assessment-not-latest");
        assert_eq!(audit_len(s).await, before, "{n}");
        assert_eq!(s.reopen_assessment(&admin(), new.id).await.unwrap().revision, 3, "{n}");
        assert_eq!(db.verified().await, audit_len(s).await as u64, "{n}");
    })
    .await;
}

/// Makes inserting an answer to question `boom` fail inside the database.
async fn refuse_question_boom(db: &TestDb) {
    let stmts: &[&str] = if db.is_postgres() {
        &[
            "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.question_id = 'boom' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON answers FOR EACH ROW EXECUTE FUNCTION refuse_boom()",
        ]
    } else {
        &["CREATE TRIGGER refuse_boom BEFORE INSERT ON answers WHEN NEW.question_id = 'boom' \
           BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"]
    };
    for sql in stmts {
        db.raw_execute(sql).await.unwrap_or_else(|e| panic!("{}: {sql}: {e}", db.name));
    }
}

fn imported(question: &str, value: &str, by: &str, when: &str) -> AnswerRow {
    AnswerRow {
        question_id: question.into(),
        answer: value.into(),
        comment: String::new(),
        confidence: Confidence::Verified,
        evidence_url: "https://intranat.exempla.se/beslut".into(),
        answered_by: by.into(),
        answered_at: at(when),
    }
}

#[tokio::test]
async fn assessments_import_is_all_or_nothing() {
    run("assessments_import_is_all_or_nothing", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (_, _, a) = draft(s).await;
        let rows = vec![
            imported("q1", "ja", "forra.ciso@exempla.se", "2024-03-01T10:00:00Z"),
            imported("q2", "nej", "it-chefen@exempla.se", "2024-03-02T11:30:00Z"),
        ];
        let before = audit_len(s).await;
        s.import_answers(&Actor::cli(), a.id, rows.clone()).await.unwrap();
        assert_eq!(s.list_answers(a.id).await.unwrap(), rows, "{n}: stored exactly, with their own authors and times");
        let written = written_since(s, before).await;
        assert_eq!(written.len(), 1, "{n}: one entry for the whole import");
        assert_eq!(written[0].change.action, "assessment.import", "{n}");
        assert_eq!(written[0].change.actor, "cli", "{n}");
        assert_eq!(json(&written[0].change.after)["answers"], 2, "{n}");

        // A row that fails in the middle: nothing of the import is kept.
        refuse_question_boom(&db).await;
        let before = audit_len(s).await;
        let bad = vec![
            imported("q1", "delvis", "x@exempla.se", "2025-01-01T00:00:00Z"),
            imported("q3", "ja", "x@exempla.se", "2025-01-01T00:00:00Z"),
            imported("boom", "ja", "x@exempla.se", "2025-01-01T00:00:00Z"),
            imported("q4", "ja", "x@exempla.se", "2025-01-01T00:00:00Z"),
        ];
        assert!(s.import_answers(&Actor::cli(), a.id, bad).await.is_err(), "{n}: the trigger refuses `boom`");
        assert_eq!(s.list_answers(a.id).await.unwrap(), rows, "{n}: all or nothing");
        assert_eq!(audit_len(s).await, before, "{n}: and no audit entry");

        // Only a draft takes an import.
        s.transition_assessment(&admin(), a.id, Transition::Submit).await.unwrap();
        let before = audit_len(s).await;
        let late = vec![imported("q5", "ja", "x@exempla.se", "2025-01-01T00:00:00Z")];
        assert_conflict(
            n,
            s.import_answers(&Actor::cli(), a.id, late.clone()).await,
            "status",
            "error-assessment-not-draft",
        );
        assert_not_found(n, s.import_answers(&Actor::cli(), Uuid::now_v7(), late).await);
        assert_eq!(s.list_answers(a.id).await.unwrap(), rows, "{n}");
        assert_eq!(audit_len(s).await, before, "{n}");
        assert_eq!(db.verified().await, audit_len(s).await as u64, "{n}");
    })
    .await;
}

#[tokio::test]
async fn assessments_delegated_answers_arrive_as_proposals() {
    run("assessments_delegated_answers_arrive_as_proposals", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (_, _, a) = draft(s).await;
        let coordinator = add_user(s, "samordnare@exempla.se", None).await;
        let as_coordinator = Actor::user(coordinator.id, "samordnare@exempla.se");
        let before = audit_len(s).await;
        s.set_delegation(&admin(), a.id, "styrning", Some(coordinator.id)).await.unwrap();
        let d = s.list_delegations(a.id).await.unwrap();
        assert_eq!(d.len(), 1, "{n}");
        assert_eq!(
            (d[0].area_id.as_str(), d[0].user_id, d[0].delegated_by.as_str()),
            ("styrning", coordinator.id, "admin@exempla.se")
        );
        assert_eq!(s.list_delegations_to(coordinator.id).await.unwrap(), d, "{n}");

        s.save_proposals(&as_coordinator, a.id, vec![answer("q1", "ja"), answer("q2", "nej")]).await.unwrap();
        let p = s.list_proposals(a.id).await.unwrap();
        assert_eq!(
            p.iter().map(|p| (p.question_id.as_str(), p.answer.as_str())).collect::<Vec<_>>(),
            [("q1", "ja"), ("q2", "nej")]
        );
        assert!(p.iter().all(|p| p.proposed_by == "samordnare@exempla.se" && p.comment.starts_with("Om ")), "{n}");
        assert!(s.list_answers(a.id).await.unwrap().is_empty(), "{n}: proposals are not answers");
        // A second proposal for a question replaces the first.
        s.save_proposals(&as_coordinator, a.id, vec![answer("q2", "delvis")]).await.unwrap();
        assert_eq!(s.list_proposals(a.id).await.unwrap().len(), 2, "{n}");

        assert_eq!(s.resolve_proposals(&admin(), a.id, &["q1".into()], true).await.unwrap(), 1, "{n}");
        assert_eq!(stored(s, a.id).await, vec![("q1".into(), "ja".into(), "samordnare@exempla.se".into())], "{n}");
        assert_eq!(s.list_proposals(a.id).await.unwrap().len(), 1, "{n}");
        let rejected = s.resolve_proposals(&admin(), a.id, &["q2".into(), "okänd".into()], false).await.unwrap();
        assert_eq!(rejected, 1, "{n}: unknown questions are passed over");
        assert!(s.list_proposals(a.id).await.unwrap().is_empty(), "{n}");
        assert_eq!(stored(s, a.id).await.len(), 1, "{n}: a rejected proposal is no answer");
        s.set_delegation(&admin(), a.id, "styrning", None).await.unwrap();
        assert!(s.list_delegations(a.id).await.unwrap().is_empty(), "{n}");

        let written = written_since(s, before).await;
        assert_eq!(
            written.iter().map(|e| e.change.action.as_str()).collect::<Vec<_>>(),
            [
                "assessment.delegate",
                "assessment.propose",
                "assessment.propose",
                "assessment.propose",
                "assessment.proposal_accept",
                "assessment.proposal_reject",
                "assessment.delegate"
            ],
            "{n}"
        );
        assert_eq!(json(&written[0].change.after)["user_id"], coordinator.id.to_string(), "{n}");
        assert_eq!(written[1].change.actor, "samordnare@exempla.se", "{n}");
        assert_eq!(json(&written[4].change.after)["proposed_by"], "samordnare@exempla.se", "{n}");
        assert_eq!(json(&written[5].change.after)["answer"], "delvis", "{n}");
        assert_eq!((written[6].change.before.is_some(), written[6].change.after.is_none()), (true, true), "{n}");

        // Once submitted, nothing is delegated, proposed or resolved.
        s.save_proposals(&as_coordinator, a.id, vec![answer("q3", "ja")]).await.unwrap();
        s.transition_assessment(&admin(), a.id, Transition::Submit).await.unwrap();
        let before = audit_len(s).await;
        let nd = "error-assessment-not-draft";
        assert_conflict(n, s.set_delegation(&admin(), a.id, "styrning", Some(coordinator.id)).await, "status", nd);
        assert_conflict(n, s.save_proposals(&as_coordinator, a.id, vec![answer("q4", "ja")]).await, "status", nd);
        assert_conflict(n, s.resolve_proposals(&admin(), a.id, &["q3".into()], true).await, "status", nd);
        assert_eq!(s.list_proposals(a.id).await.unwrap().len(), 1, "{n}");
        assert_eq!(audit_len(s).await, before, "{n}");
        assert_eq!(db.verified().await, audit_len(s).await as u64, "{n}");
    })
    .await;
}

#[tokio::test]
async fn assessments_keep_evidence_files() {
    run("assessments_keep_evidence_files", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (org, _, a) = draft(s).await;
        let content = b"%PDF-1.4 beslut om informationssakerhetspolicy".to_vec();
        let f = s.insert_evidence(&admin(), a.id, "q1", "beslut.pdf", "application/pdf", &content).await.unwrap();
        assert_eq!(
            (f.size, f.question_id.as_str(), f.uploaded_by.as_str()),
            (content.len() as i64, "q1", "admin@exempla.se")
        );
        assert_eq!(f.sha256, hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&content)), "{n}: SHA-256 in hex");
        assert_eq!(s.list_evidence(a.id).await.unwrap(), vec![f.clone()], "{n}");
        let (found, bytes) = s.find_evidence(f.id).await.unwrap().expect("the file");
        assert_eq!((found, bytes), (f.clone(), content.clone()), "{n}: content kept byte for byte");
        assert_eq!(s.find_evidence(Uuid::now_v7()).await.unwrap(), None, "{n}");
        let e = last_entry(s).await;
        assert_eq!((e.change.action.as_str(), e.change.org_id), ("assessment.evidence", Some(org)), "{n}");
        let after = json(&e.change.after);
        assert_eq!(
            (after["file"].clone(), after["size"].clone()),
            ("beslut.pdf".into(), (content.len() as u64).into())
        );
        assert_eq!(after["sha256"], f.sha256, "{n}");

        s.transition_assessment(&admin(), a.id, Transition::Submit).await.unwrap();
        let before = audit_len(s).await;
        let r = s.insert_evidence(&admin(), a.id, "q2", "sen.pdf", "application/pdf", b"%PDF").await;
        assert_conflict(n, r, "status", "error-assessment-not-draft");
        assert_not_found(
            n,
            s.insert_evidence(&admin(), Uuid::now_v7(), "q1", "x.pdf", "application/pdf", b"%PDF").await,
        );
        assert_eq!(s.list_evidence(a.id).await.unwrap().len(), 1, "{n}");
        assert_eq!(audit_len(s).await, before, "{n}");
        assert_eq!(db.verified().await, audit_len(s).await as u64, "{n}");
    })
    .await;
}
