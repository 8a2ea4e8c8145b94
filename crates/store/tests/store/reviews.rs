//! Management reviews and unit reports.

use domain::plan::Origin;
use domain::review::{DecisionKind, PointStatus, ReviewStatus, SectionKey, UnitReportStatus};
use uuid::Uuid;

use crate::common::*;

use crate::plans::{decision, kommun};

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
