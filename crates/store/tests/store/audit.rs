//! The audit log: every write recorded in order, filters and paging, tamper evidence.

use std::time::Duration as StdDuration;

use domain::audit::{Broken, Change, Entry, GENESIS};
use domain::org::OrgKind;
use domain::user::{Language, PersonName, Role};
use store::{Actor, AuditFilter, OrgScope, UserUpdate};
use uuid::Uuid;

use crate::common::*;

#[tokio::test]
async fn audit_records_every_write_in_order() {
    run("audit_records_every_write_in_order", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let a = add_org(s, "Alfa kommun", None).await;
        let b = add_org(s, "Beta nämnd", Some(a.id)).await;
        let b = s.update_org(&admin(), b.id, rename(&b, "Betanämnden")).await.unwrap();
        let b = s.update_org(&admin(), b.id, reparent(&b, None)).await.unwrap();
        let u = add_user(s, "anna@exempla.se", Some(role(Role::Owner, Some(a.id)))).await;
        let r = s.insert_assignment(&admin(), u.id, role(Role::Analyst, Some(b.id))).await.unwrap();
        s.set_password(&admin(), u.id, "$argon2id$x", "user.password_reset", None).await.unwrap();
        s.update_user(
            &admin(),
            u.id,
            UserUpdate { name: PersonName::parse("Anna B").unwrap(), language: Language::Sv, active: true },
        )
        .await
        .unwrap();
        s.delete_assignment(&admin(), r.id).await.unwrap();
        s.delete_org(&admin(), b.id).await.unwrap();
        s.record_event(Change {
            actor_id: Some(u.id),
            actor: u.email.clone(),
            action: "user.login".into(),
            record_type: "user".into(),
            record_id: u.id.to_string(),
            org_id: Some(a.id),
            before: None,
            after: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{n}: record_event: {e}"));

        let expected = [
            "org.create",
            "org.create",
            "org.update",
            "org.move",
            "user.create",
            "role.assign",
            "role.assign",
            "user.password_reset",
            "user.update",
            "role.withdraw",
            "org.delete",
            "user.login",
        ];
        let entries = all_audit(s).await;
        let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
        let want: Vec<i64> = (1..=expected.len() as i64).rev().collect();
        assert_eq!(seqs, want, "{n}: newest first, numbered without gaps");
        let acts: Vec<&str> = entries.iter().rev().map(|e| e.change.action.as_str()).collect();
        assert_eq!(acts, expected, "{n}");

        // The chain links: each entry carries the hash of the one before.
        let chain: Vec<&Entry> = entries.iter().rev().collect();
        assert_eq!(chain[0].prev_hash, GENESIS, "{n}");
        for w in chain.windows(2) {
            assert_eq!(w[1].prev_hash, w[0].hash, "{n}: link at {}", w[1].seq);
            assert!(w[1].at >= w[0].at, "{n}: time runs forward");
        }
        let last = chain.last().unwrap();
        assert_eq!(last.change.actor, "anna@exempla.se");
        assert_eq!(last.change.before, None);
        assert_eq!(last.change.after, None);
        // The chain page reads the same entries in chain order.
        let pages = s.audit_chain_page(0, 1000).await.unwrap();
        assert_eq!(pages.iter().collect::<Vec<_>>(), chain, "{n}: audit_chain_page");
        assert_eq!(s.audit_chain_page(10, 1).await.unwrap()[0].seq, 11);
        assert_eq!(db.raw_i64("SELECT seq FROM audit_head WHERE id = 1").await, expected.len() as i64, "{n}: head");
        assert_eq!(s.verify_audit().await.unwrap(), Ok(expected.len() as u64), "{n}");
    })
    .await;
}

#[tokio::test]
async fn audit_filters_and_paging() {
    run("audit_filters_and_paging", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let other = Actor::user(Uuid::now_v7(), "other@exempla.se");
        let a = add_org(s, "Alfa kommun", None).await;
        let b = add_org(s, "Beta region", None).await;
        let c = add_org(s, "Centralförvaltningen", Some(a.id)).await;
        let u = add_user(s, "anna@exempla.se", Some(role(Role::Owner, Some(c.id)))).await;
        let d = s.insert_org(&other, new_org("Delta", OrgKind::Unit, Some(b.id))).await.unwrap();
        tokio::time::sleep(StdDuration::from_millis(5)).await;
        let mid = domain::now();
        tokio::time::sleep(StdDuration::from_millis(5)).await;
        s.update_org(&other, c.id, rename(&c, "Central förvaltning")).await.unwrap();
        s.insert_assignment(&admin(), u.id, role(Role::Auditor, Some(b.id))).await.unwrap();
        s.update_org(&admin(), d.id, rename(&d, "Delta enhet")).await.unwrap();
        tokio::time::sleep(StdDuration::from_millis(5)).await;
        let end = domain::now();

        let all = all_audit(s).await;
        assert_eq!(all.len(), 9, "{n}");
        let filtered = |f: AuditFilter, pred: &(dyn Fn(&Entry) -> bool + Sync), what: &str| {
            let want: Vec<Entry> = all.iter().filter(|e| pred(e)).cloned().collect();
            let f = AuditFilter { limit: 500, ..f };
            let what = what.to_owned();
            async move {
                let got = page(s, f).await;
                assert_eq!(got, want, "{n}: filter {what}");
                assert!(!want.is_empty() || what.contains("empty"), "{n}: {what} selects nothing");
            }
        };

        filtered(
            AuditFilter { scope: OrgScope::Org(a.id), ..Default::default() },
            &|e| e.change.org_id == Some(a.id),
            "org a",
        )
        .await;
        filtered(
            AuditFilter { scope: OrgScope::Subtree(a.id), ..Default::default() },
            &|e| e.change.org_id == Some(a.id) || e.change.org_id == Some(c.id),
            "subtree of a (a and c)",
        )
        .await;
        filtered(AuditFilter { scope: OrgScope::Nothing, ..Default::default() }, &|_| false, "no orgs (empty)").await;
        filtered(AuditFilter::default(), &|_| true, "none").await;
        filtered(
            AuditFilter { record_type: Some("user".into()), ..Default::default() },
            &|e| e.change.record_type == "user",
            "record type user",
        )
        .await;
        filtered(
            AuditFilter { record_type: Some("org".into()), record_id: Some(c.id.to_string()), ..Default::default() },
            &|e| e.change.record_id == c.id.to_string(),
            "record c",
        )
        .await;
        filtered(
            AuditFilter { actor: Some("other@exempla.se".into()), ..Default::default() },
            &|e| e.change.actor == "other@exempla.se",
            "actor other",
        )
        .await;
        filtered(
            AuditFilter { actor: Some("OTHER@exempla.se".into()), ..Default::default() },
            &|_| false,
            "actor matched exactly (empty)",
        )
        .await;
        filtered(AuditFilter { from: Some(mid), ..Default::default() }, &|e| e.at >= mid, "from mid").await;
        filtered(AuditFilter { to: Some(mid), ..Default::default() }, &|e| e.at < mid, "to mid").await;
        filtered(
            AuditFilter { from: Some(mid), to: Some(end), scope: OrgScope::Subtree(b.id), ..Default::default() },
            &|e| e.at >= mid && (e.change.org_id == Some(b.id) || e.change.org_id == Some(d.id)),
            "time range and orgs",
        )
        .await;
        filtered(AuditFilter { from: Some(end), ..Default::default() }, &|_| false, "after the end (empty)").await;
        filtered(AuditFilter { before_seq: Some(4), ..Default::default() }, &|e| e.seq < 4, "before seq 4").await;
        assert_eq!(
            page(s, AuditFilter { from: Some(mid), limit: 500, ..Default::default() }).await.len(),
            3,
            "{n}: three writes after mid"
        );

        // Paging, newest first, for several page sizes.
        for limit in [1, 2, 4, 9, 10] {
            let mut got = Vec::new();
            let mut before = None;
            let mut pages = 0;
            loop {
                let p = s.list_audit(&AuditFilter { before_seq: before, limit, ..Default::default() }).await.unwrap();
                pages += 1;
                assert!(p.entries.len() as i64 <= limit, "{n}: page too long");
                got.extend(p.entries.iter().cloned());
                match p.next_before {
                    Some(nb) => {
                        assert_eq!(Some(nb), p.entries.last().map(|e| e.seq), "{n}");
                        before = Some(nb);
                    }
                    None => break,
                }
                assert!(pages <= 20, "{n}: paging does not end");
            }
            assert_eq!(got, all, "{n}: pages of {limit}");
            assert_eq!(pages, all.len().div_ceil(limit as usize), "{n}: page count for {limit}");
        }
        // Paging within a filter.
        let p = s
            .list_audit(&AuditFilter { record_type: Some("org".into()), limit: 2, ..Default::default() })
            .await
            .unwrap();
        let orgs: Vec<&Entry> = all.iter().filter(|e| e.change.record_type == "org").collect();
        assert_eq!(p.entries.iter().collect::<Vec<_>>(), orgs[..2], "{n}");
        assert_eq!(p.next_before, Some(orgs[1].seq));
        let p2 = s
            .list_audit(&AuditFilter {
                record_type: Some("org".into()),
                before_seq: p.next_before,
                limit: 2,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(p2.entries.iter().collect::<Vec<_>>(), orgs[2..4], "{n}");
        // A limit below one is treated as one.
        let p = s.list_audit(&AuditFilter { limit: 0, ..Default::default() }).await.unwrap();
        assert_eq!(p.entries.len(), 1, "{n}: limit 0");
    })
    .await;
}

#[tokio::test]
async fn audit_log_refuses_update_and_delete() {
    run("audit_log_refuses_update_and_delete", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let a = add_org(s, "Alfa kommun", None).await;
        add_org(s, "Beta", Some(a.id)).await;
        let before = db.snapshot().await;
        for sql in [
            r#"UPDATE audit_log SET after_json = '{"name":"Förfalskad"}' WHERE seq = 2"#,
            "UPDATE audit_log SET actor = 'någon' WHERE seq = 1",
            "DELETE FROM audit_log WHERE seq = 2",
            "DELETE FROM audit_log",
        ] {
            match db.raw_execute(sql).await {
                Ok(rows) => panic!("{n}: {sql} was allowed ({rows} rows)"),
                Err(e) => assert!(e.to_string().contains("append-only"), "{n}: {sql} failed for another reason: {e}"),
            }
        }
        assert_eq!(db.snapshot().await, before, "{n}");
        assert_eq!(s.verify_audit().await.unwrap(), Ok(2), "{n}");
    })
    .await;
}

/// Turns the append-only triggers off, as an attacker with database access could.
async fn disable_audit_triggers(db: &TestDb) {
    let stmts: &[&str] = if db.is_postgres() {
        &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"]
    } else {
        &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
    };
    for sql in stmts {
        db.raw_execute(sql).await.unwrap_or_else(|e| panic!("{}: {sql}: {e}", db.name));
    }
}

#[tokio::test]
async fn audit_tampering_is_detected() {
    run("audit_tampering_is_detected", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let a = add_org(s, "Alfa kommun", None).await;
        let b = add_org(s, "Beta", Some(a.id)).await;
        s.update_org(&admin(), b.id, rename(&b, "Betanämnden")).await.unwrap();
        add_org(s, "Gamma", None).await;
        assert_eq!(s.verify_audit().await.unwrap(), Ok(4), "{n}");

        disable_audit_triggers(&db).await;
        let rows = db
            .raw_execute(r#"UPDATE audit_log SET after_json = '{"name":"Förfalskad"}' WHERE seq = 2"#)
            .await
            .unwrap_or_else(|e| panic!("{n}: tamper: {e}"));
        assert_eq!(rows, 1);
        assert_eq!(s.verify_audit().await.unwrap(), Err(Broken::Tampered { seq: 2 }), "{n}: edited content");

        // Re-sealing the edited entry breaks the link from the next one.
        let e = s.audit_chain_page(1, 1).await.unwrap().remove(0);
        assert_eq!(e.change.after.as_deref(), Some(r#"{"name":"Förfalskad"}"#));
        let resealed = domain::audit::hash(e.seq, e.at, &e.change, &e.prev_hash);
        db.raw_execute(&format!("UPDATE audit_log SET hash = '{resealed}' WHERE seq = 2")).await.unwrap();
        assert_eq!(s.verify_audit().await.unwrap(), Err(Broken::Unlinked { seq: 3 }), "{n}: re-sealed entry");
    })
    .await;
}

#[tokio::test]
async fn audit_removal_is_detected() {
    run("audit_removal_is_detected", |db| async move {
        let (s, n) = (&*db.store, db.name);
        for name in ["Alfa", "Beta", "Gamma", "Delta"] {
            add_org(s, name, None).await;
        }
        disable_audit_triggers(&db).await;

        // Removing the newest entry: the head still points at it.
        db.raw_execute("DELETE FROM audit_log WHERE seq = 4").await.unwrap_or_else(|e| panic!("{n}: delete: {e}"));
        assert_eq!(
            s.verify_audit().await.unwrap(),
            Err(Broken::Gap { seq: 4, expected: 4 }),
            "{n}: removed last entry"
        );

        // Removing one in the middle leaves a hole in the numbering.
        db.raw_execute("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
        assert_eq!(
            s.verify_audit().await.unwrap(),
            Err(Broken::Gap { seq: 3, expected: 2 }),
            "{n}: removed middle entry"
        );
    })
    .await;
}
