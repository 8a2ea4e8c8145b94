//! Training completion: courses, counts, person rows (all or none), the
//! tally of distinct valid persons, retention and its purge.

use chrono::NaiveDate;
use domain::org::OrgKind;
use domain::training::{CountInput, CourseFields, PersonRow, person_tally};
use store::OrgScope;

use crate::common::*;
use crate::plans::kommun;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn course(name: &str, years: &str) -> domain::training::CourseInput {
    CourseFields {
        name: name.into(),
        target_group: "all_staff".into(),
        validity_years: years.into(),
        target_pct: "90".into(),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

#[tokio::test]
async fn courses_and_counts_are_kept_and_scoped() {
    run("courses_and_counts_are_kept_and_scoped", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        let before = db.verified().await;
        let bad = s.insert_course(&admin(), uuid::Uuid::now_v7(), course("Kurs", "2")).await;
        assert_conflict(n, bad, "org_id", "error-org-unknown");
        assert_eq!(db.verified().await, before, "{n}: nothing written");

        let c = s.insert_course(&admin(), k, course("Informationssäkerhet för alla", "2")).await.unwrap();
        assert_eq!(s.find_course(c.id).await.unwrap().unwrap(), c, "{n}");
        let mut changed = c.data.clone();
        changed.target_pct = 80;
        let c2 = s.update_course(&admin(), c.id, changed.clone()).await.unwrap();
        assert_eq!(c2.data, changed, "{n}");
        let own = s.insert_course(&admin(), f, course("Dataskydd i socialtjänsten", "3")).await.unwrap();
        assert_eq!(s.list_courses(&OrgScope::Subtree(k)).await.unwrap().len(), 2, "{n}");
        assert_eq!(s.list_courses(&OrgScope::Org(f)).await.unwrap(), vec![own.clone()], "{n}");
        assert!(s.list_courses(&OrgScope::Subtree(other)).await.unwrap().is_empty(), "{n}");
        let applying: Vec<_> = s.courses_for_org(f).await.unwrap().into_iter().map(|c| c.id).collect();
        assert_eq!(applying.len(), 2, "{n}: the kommun's course applies to the förvaltning");
        assert_eq!(s.courses_for_org(other).await.unwrap(), vec![], "{n}");
        assert_eq!(s.courses_for_org(k).await.unwrap().len(), 2, "{n}: and the förvaltning's within the kommun");

        // Counts: one per (course, unit, date), replaced; only inside the owner's subtree.
        let count = CountInput { as_of: d("2026-03-31"), headcount: 120, completed: 90 };
        s.record_training_count(&admin(), c.id, f, count).await.unwrap();
        s.record_training_count(&admin(), c.id, f, CountInput { completed: 100, ..count }).await.unwrap();
        let outside = s.record_training_count(&admin(), own.id, k, count).await;
        assert_conflict(n, outside, "org_id", "error-training-org-outside");
        let unknown = s.record_training_count(&admin(), uuid::Uuid::now_v7(), f, count).await;
        assert_not_found(n, unknown);
        let counts = s.training_counts(&[c.id, own.id], &OrgScope::Subtree(k)).await.unwrap();
        assert_eq!(counts.len(), 1, "{n}");
        assert_eq!((counts[0].headcount, counts[0].completed), (120, 100), "{n}");
        assert!(s.training_counts(&[c.id], &OrgScope::Subtree(other)).await.unwrap().is_empty(), "{n}");
        let raw = db.raw_execute("UPDATE training_counts SET completed = headcount + 1").await;
        assert!(raw.is_err(), "{n}: completed above headcount is refused by the database");
        let acts = actions(s).await;
        for a in ["training_course.create", "training_course.update", "training_course.count"] {
            assert!(acts.iter().any(|x| x == a), "{n}: {a} in {acts:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn person_rows_are_all_or_none_tallied_and_purged_after_retention() {
    run("person_rows_are_all_or_none_tallied_and_purged_after_retention", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        let c = s.insert_course(&admin(), k, course("Informationssäkerhet", "2")).await.unwrap();
        let foreign = s.insert_course(&admin(), other, course("Annans kurs", "1")).await.unwrap();
        let row = |p: &str, on: &str| PersonRow { person: p.into(), course_id: c.id, completed_on: d(on) };
        let rows = vec![
            row("anna", "2024-05-01"),
            row("anna", "2025-05-01"),
            row("bertil", "2023-01-01"),
            row("cecilia", "2026-02-01"),
        ];
        // A course that does not apply to the unit: nothing stored.
        let before = db.verified().await;
        let mut bad = rows.clone();
        bad.push(PersonRow { person: "x".into(), course_id: foreign.id, completed_on: d("2026-01-01") });
        assert_conflict(
            n,
            s.import_training_records(&admin(), f, &bad).await,
            "course",
            "error-training-course-unknown",
        );
        assert_eq!(db.raw_i64("SELECT COUNT(*) FROM training_records").await, 0, "{n}");
        assert_eq!(db.verified().await, before, "{n}");

        let got = s.import_training_records(&admin(), f, &rows).await.unwrap();
        assert_eq!((got.rows, got.new), (4, 4), "{n}");
        let again = s.import_training_records(&admin(), f, &rows[..2]).await.unwrap();
        assert_eq!(again.new, 0, "{n}: a row already stored is kept once");
        let entry = &all_audit(s).await[0];
        assert!(!entry.change.after.clone().unwrap_or_default().contains("anna"), "{n}: the audit log names nobody");

        // The tally in SQL follows the domain's rule, at several dates.
        let plain: Vec<(&str, NaiveDate)> = rows.iter().map(|r| (r.person.as_str(), r.completed_on)).collect();
        for at in ["2022-12-31", "2023-06-30", "2024-12-31", "2025-12-31", "2026-12-31", "2028-06-01"] {
            let t = s.person_tallies(&[c.id], &OrgScope::Subtree(k), d(at)).await.unwrap();
            let sql = t.first().map(|t| t.valid);
            assert_eq!(sql, person_tally(&plain, 2, d(at)), "{n}: tally at {at}");
            assert!(t.iter().all(|t| t.org_id == f && t.course_id == c.id), "{n}");
        }
        assert!(s.person_tallies(&[c.id], &OrgScope::Subtree(other), d("2026-12-31")).await.unwrap().is_empty(), "{n}");
        assert_eq!(s.training_record_counts(&OrgScope::Subtree(k)).await.unwrap()[0].1, 4, "{n}");

        // Retention: default 24 months; the purge deletes only what is past it.
        assert_eq!(s.training_retention(k).await.unwrap(), 24, "{n}");
        let now = domain::now();
        assert_eq!(s.purge_training_records(&store::Actor::system(), now).await.unwrap(), 0, "{n}");
        let audit_before = db.verified().await;
        assert_eq!(
            s.purge_training_records(&store::Actor::system(), now).await.unwrap(),
            0,
            "{n}: nothing due, nothing written"
        );
        assert_eq!(db.verified().await, audit_before, "{n}");
        s.set_training_retention(&admin(), k, 6).await.unwrap();
        assert_eq!(s.training_retention(k).await.unwrap(), 6, "{n}");
        let later = now + chrono::Duration::days(200);
        assert_eq!(s.purge_training_records(&store::Actor::system(), later).await.unwrap(), 4, "{n}");
        assert_eq!(db.raw_i64("SELECT COUNT(*) FROM training_records").await, 0, "{n}");
        let acts = actions(s).await;
        for a in ["training_records.import", "training_records.purge", "training_settings.update"] {
            assert!(acts.iter().any(|x| x == a), "{n}: {a} in {acts:?}");
        }
    })
    .await;
}
