//! Storage conformance of the action plan, management reviews, unit reports
//! and the year wheel, on SQLite and PostgreSQL (see `common/mod.rs`).

mod common;

use chrono::NaiveDate;
use common::*;
use domain::calendar::{ActivityInput, Concerns, Recurrence};
use domain::org::OrgKind;
use domain::plan::{ActionInput, ActionStatus, Origin};
use domain::review::{DecisionInput, DecisionKind, PointStatus, ReviewStatus, SectionKey, UnitReportStatus};
use store::Store;
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn action(title: &str) -> ActionInput {
    ActionInput {
        title: title.into(),
        goal: String::new(),
        activity: String::new(),
        cost: 1000,
        responsible: "IT-chefen".into(),
        start_date: Some(d("2027-01-01")),
        end_date: Some(d("2027-06-30")),
        status: ActionStatus::Planned,
        progress_note: String::new(),
        origin: Origin::None,
        origin_ref: String::new(),
    }
}

fn decision(kind: DecisionKind, text: &str) -> DecisionInput {
    DecisionInput { kind, text: text.into(), responsible: "Kommundirektören".into(), deadline: d("2027-12-31") }
}

async fn kommun(s: &Store) -> (Uuid, Uuid) {
    let k = s.insert_org(&admin(), new_org("Exempla kommun", OrgKind::Municipality, None)).await.unwrap();
    let f = s.insert_org(&admin(), new_org("Socialförvaltningen", OrgKind::Administration, Some(k.id))).await.unwrap();
    (k.id, f.id)
}

#[tokio::test]
async fn actions_insert_update_and_refuse_bad_rows() {
    run("actions_insert_update_and_refuse_bad_rows", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let a = s.insert_action(&admin(), f, action("Inför MFA")).await.unwrap();
        let got = s.find_action(a.id).await.unwrap().unwrap();
        assert_eq!(got, a, "{n}: the stored action reads back the same");
        let mut changed = a.data.clone();
        changed.status = ActionStatus::Done;
        changed.end_date = None;
        let b = s.update_action(&admin(), a.id, changed.clone()).await.unwrap();
        assert_eq!(s.find_action(a.id).await.unwrap().unwrap().data, changed, "{n}");
        assert!(b.updated_at >= a.updated_at);
        assert_eq!(s.list_actions(&[k]).await.unwrap().len(), 0, "{n}: listing is by organisation");
        assert_eq!(s.list_actions(&[k, f]).await.unwrap().len(), 1, "{n}");
        // The database itself refuses what the domain never lets through.
        let before = db.snapshot().await;
        let mut bad = action("Baklänges");
        bad.start_date = Some(d("2027-06-01"));
        bad.end_date = Some(d("2027-01-01"));
        assert!(s.insert_action(&admin(), f, bad).await.is_err(), "{n}: end before start");
        let mut neg = action("Negativ");
        neg.cost = -1;
        assert!(s.insert_action(&admin(), f, neg).await.is_err(), "{n}: negative cost");
        assert_conflict(
            n,
            s.insert_action(&admin(), Uuid::now_v7(), action("Ingenstans")).await,
            "org_id",
            "error-org-unknown",
        );
        assert_eq!(db.snapshot().await, before, "{n}: nothing written");
        let log = actions(s).await;
        assert!(log.contains(&"action.create".to_owned()) && log.contains(&"action.update".to_owned()), "{n}: {log:?}");
        // An organisation with actions is not deleted.
        assert_conflict(n, s.delete_org(&admin(), f).await, "id", "error-org-has-records");
    })
    .await;
}

#[tokio::test]
async fn review_adoption_is_one_transaction() {
    run("review_adoption_is_one_transaction", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, _) = kommun(s).await;
        let r = s.insert_review(&admin(), k, 2027).await.unwrap();
        assert_conflict(n, s.insert_review(&admin(), k, 2027).await, "year", "error-review-exists");
        s.set_review_comment(&admin(), r.id, SectionKey::Risks, "Fler incidenter").await.unwrap();
        s.add_decision(&admin(), r.id, decision(DecisionKind::Improvement, "Öva incidenthantering")).await.unwrap();
        s.add_decision(&admin(), r.id, decision(DecisionKind::Resources, "En tjänst till")).await.unwrap();
        // Compiled from an older version: refused, nothing written.
        let stale = r.updated_at;
        let before = db.snapshot().await;
        assert_conflict(n, s.adopt_review(&admin(), r.id, stale, "{}", "h").await, "review", "error-review-changed");
        assert_eq!(db.snapshot().await, before, "{n}: a refused adoption writes nothing");
        let now = s.find_review(r.id).await.unwrap().unwrap();
        let made = s.adopt_review(&admin(), r.id, now.updated_at, "{\"x\":1}", "abc").await.unwrap();
        assert_eq!(made.len(), 1, "{n}: one action for the one improvement decision");
        assert_eq!(made[0].data.origin, Origin::Review);
        assert_eq!(made[0].data.end_date, Some(d("2027-12-31")));
        let adopted = s.find_review(r.id).await.unwrap().unwrap();
        assert_eq!(adopted.status, ReviewStatus::Adopted);
        assert_eq!(adopted.content_hash.as_deref(), Some("abc"));
        assert_eq!(adopted.snapshot.as_deref(), Some("{\"x\":1}"));
        // Locked: every change refused, nothing written.
        let before = db.snapshot().await;
        assert_conflict(
            n,
            s.set_review_comment(&admin(), r.id, SectionKey::Risks, "Ändrat").await,
            "status",
            "error-review-adopted",
        );
        assert_conflict(
            n,
            s.add_decision(&admin(), r.id, decision(DecisionKind::Governance, "Sent")).await,
            "status",
            "error-review-adopted",
        );
        assert_conflict(n, s.update_review_meeting(&admin(), r.id, None, "").await, "status", "error-review-adopted");
        assert_conflict(
            n,
            s.adopt_review(&admin(), r.id, adopted.updated_at, "{}", "x").await,
            "status",
            "error-review-adopted",
        );
        assert_eq!(db.snapshot().await, before, "{n}: nothing written");
        // A correction: a new draft with the same content; adopting it makes no second action.
        let r2 = s.revise_review(&admin(), r.id).await.unwrap();
        assert_eq!((r2.revision, r2.status), (2, ReviewStatus::Draft));
        assert_eq!(s.review_comments(r2.id).await.unwrap().get("risks").map(String::as_str), Some("Fler incidenter"));
        assert_eq!(s.review_decisions(r2.id).await.unwrap().len(), 2);
        assert_not_found(n, s.revise_review(&admin(), Uuid::now_v7()).await);
        assert_conflict(n, s.revise_review(&admin(), r.id).await, "revision", "error-review-not-latest");
        let r2 = s.find_review(r2.id).await.unwrap().unwrap();
        let again = s.adopt_review(&admin(), r2.id, r2.updated_at, "{}", "def").await.unwrap();
        assert!(again.is_empty(), "{n}: the decision already has its action");
        assert_eq!(s.actions_from(Origin::Review, &[made[0].data.origin_ref.clone()]).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn unit_reports_are_submitted_then_approved_and_locked() {
    run("unit_reports_are_submitted_then_approved_and_locked", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let defaults = vec!["Riskanalys".to_owned(), "Incidenthantering".to_owned()];
        let points = s.ensure_points(&admin(), k, &defaults).await.unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(s.ensure_points(&admin(), k, &["Annat".to_owned()]).await.unwrap().len(), 2, "{n}: only once");
        let items = vec![(points[0].id, PointStatus::Done, "Klart".to_owned())];
        let r = s.save_unit_report(&admin(), f, 2027, items.clone(), false).await.unwrap();
        assert_eq!(r.status, UnitReportStatus::Draft);
        assert_conflict(n, s.approve_unit_report(&admin(), f, 2027).await, "status", "error-unit-report-not-submitted");
        let all =
            vec![(points[0].id, PointStatus::Done, String::new()), (points[1].id, PointStatus::Partial, String::new())];
        let r = s.save_unit_report(&admin(), f, 2027, all.clone(), true).await.unwrap();
        assert_eq!(r.status, UnitReportStatus::Submitted);
        assert_eq!(r.items.len(), 2, "{n}: the items were replaced, not added");
        s.approve_unit_report(&admin(), f, 2027).await.unwrap();
        let before = db.snapshot().await;
        assert_conflict(
            n,
            s.save_unit_report(&admin(), f, 2027, all, true).await,
            "status",
            "error-unit-report-approved",
        );
        assert_eq!(db.snapshot().await, before, "{n}");
        let got = s.unit_reports(&[f], 2027).await.unwrap();
        assert_eq!(got[0].status, UnitReportStatus::Approved);
        assert!(s.unit_reports(&[f], 2026).await.unwrap().is_empty());
        // Points are renamed or taken out of use, never lost.
        s.update_point(&admin(), k, points[1].id, "Incidenthantering och rapportering", false).await.unwrap();
        let p = s.list_points(k).await.unwrap();
        assert_eq!((p[1].text.as_str(), p[1].active), ("Incidenthantering och rapportering", false));
        assert_not_found(n, s.update_point(&admin(), f, points[0].id, "x", true).await);
    })
    .await;
}

#[tokio::test]
async fn activities_and_calendar_tokens() {
    run("activities_and_calendar_tokens", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, _) = kommun(s).await;
        let input = ActivityInput {
            title: "Ledningens genomgång".into(),
            month: 3,
            day: Some(15),
            recurrence: Recurrence::Yearly,
            year: None,
            responsible: "Kommundirektören".into(),
            concerns: Concerns::Review,
            note: String::new(),
        };
        let a = s.insert_activity(&admin(), k, input.clone()).await.unwrap();
        assert_eq!(s.list_activities(&[k]).await.unwrap()[0].data, input, "{n}");
        let moved = ActivityInput { month: 4, ..input };
        s.update_activity(&admin(), a.id, moved.clone()).await.unwrap();
        assert_eq!(s.find_activity(a.id).await.unwrap().unwrap().data.month, 4);
        s.delete_activity(&admin(), a.id).await.unwrap();
        assert!(s.find_activity(a.id).await.unwrap().is_none());
        assert_not_found(n, s.update_activity(&admin(), a.id, moved).await);
        let u = add_user(s, "anna@exempla.se", None).await;
        s.renew_calendar_token(&admin(), u.id, "hash-1").await.unwrap();
        assert_eq!(s.calendar_token_user("hash-1").await.unwrap(), Some(u.id));
        s.renew_calendar_token(&admin(), u.id, "hash-2").await.unwrap();
        assert_eq!(s.calendar_token_user("hash-1").await.unwrap(), None, "{n}: renewing revokes the old one");
        assert!(s.calendar_token_issued(u.id).await.unwrap().is_some());
        s.revoke_calendar_token(&admin(), u.id).await.unwrap();
        assert_eq!(s.calendar_token_user("hash-2").await.unwrap(), None);
        assert!(s.calendar_token_issued(u.id).await.unwrap().is_none());
    })
    .await;
}
