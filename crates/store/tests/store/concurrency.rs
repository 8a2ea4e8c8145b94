//! Concurrent writers keep the audit chain linear and constraints whole.

use std::collections::HashSet;

use chrono::Duration;
use domain::audit::Change;
use domain::org::OrgKind;
use domain::user::Role;
use tokio::task::JoinSet;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_keep_the_chain_linear() {
    run("concurrent_writes_keep_the_chain_linear", |db| async move {
        let n = db.name;
        let root = add_org(&db.store, "Exempla kommun", None).await.id;
        let mut set = JoinSet::new();
        for i in 0..20 {
            let store = db.store.clone();
            set.spawn(async move {
                let parent = if i % 2 == 0 { Some(root) } else { None };
                store.insert_org(&admin(), new_org(&format!("Enhet {i:02}"), OrgKind::Unit, parent)).await
            });
        }
        let mut ids = HashSet::new();
        while let Some(r) = set.join_next().await {
            let org = r.expect("task").unwrap_or_else(|e| panic!("{n}: concurrent insert_org failed: {e}"));
            ids.insert(org.id);
        }
        assert_eq!(ids.len(), 20, "{n}");
        assert_eq!(db.store.list_orgs().await.unwrap().len(), 21, "{n}");
        assert_eq!(db.store.verify_audit().await.unwrap(), Ok(21), "{n}");
        let entries = all_audit(&db.store).await;
        let seqs: HashSet<i64> = entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=21).collect::<HashSet<i64>>(), "{n}: one entry per insert");
        let recorded: HashSet<String> = entries.iter().map(|e| e.change.record_id.clone()).collect();
        for id in &ids {
            assert!(recorded.contains(&id.to_string()), "{n}: insert without entry");
        }
        assert_eq!(db.raw_i64("SELECT seq FROM audit_head WHERE id = 1").await, 21);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicate_emails_one_wins() {
    run("concurrent_duplicate_emails_one_wins", |db| async move {
        let n = db.name;
        let mut set = JoinSet::new();
        for i in 0..10 {
            let store = db.store.clone();
            set.spawn(async move {
                store.insert_user(&admin(), new_user("samma@exempla.se", &format!("Person {i}")), None).await
            });
        }
        let (mut ok, mut taken) = (0, 0);
        while let Some(r) = set.join_next().await {
            match r.expect("task") {
                Ok(_) => ok += 1,
                Err(store::StoreError::Conflict { field: "email", code: "error-email-taken" }) => taken += 1,
                Err(e) => panic!("{n}: expected error-email-taken, got {e:?}"),
            }
        }
        assert_eq!((ok, taken), (1, 9), "{n}");
        assert_eq!(db.store.count_users().await.unwrap(), 1);
        assert_eq!(db.store.verify_audit().await.unwrap(), Ok(1), "{n}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_login_attempts_each_see_their_own_count() {
    run("parallel_login_attempts_each_see_their_own_count", |db| async move {
        let n = db.name;
        let w = Duration::minutes(15);
        let mut set = JoinSet::new();
        for i in 0..40 {
            let store = db.store.clone();
            set.spawn(async move {
                let account = format!("account:user{}@exempla.se", i % 2);
                store.count_login_attempt(&[(&account, 10), ("address:192.0.2.7", 30)], domain::now(), w).await
            });
        }
        let mut before_account = Vec::new();
        let mut before_address = Vec::new();
        while let Some(r) = set.join_next().await {
            let f = r.expect("task").unwrap_or_else(|e| panic!("{n}: concurrent count_login_attempt failed: {e}"));
            before_account.push(f[0].count);
            before_address.push(f[1].count);
        }
        // Every attempt saw a different earlier count: none was lost, so
        // exactly ten attempts per account came before its lock.
        before_address.sort_unstable();
        assert_eq!(before_address, (0..40).collect::<Vec<u32>>(), "{n}: lost or shared counts");
        before_account.sort_unstable();
        let expected: Vec<u32> = (0..20).flat_map(|i| [i, i]).collect();
        assert_eq!(before_account, expected, "{n}");
        assert_eq!(before_account.iter().filter(|c| **c < 10).count(), 20, "{n}: ten checked per account");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_mixed_writers_keep_the_chain_linear() {
    run("concurrent_mixed_writers_keep_the_chain_linear", |db| async move {
        let n = db.name;
        let org = add_org(&db.store, "Exempla kommun", None).await.id;
        let mut set = JoinSet::new();
        for i in 0..15 {
            let store = db.store.clone();
            set.spawn(async move {
                match i % 3 {
                    0 => store
                        .insert_org(&admin(), new_org(&format!("Enhet {i}"), OrgKind::Unit, Some(org)))
                        .await
                        .map(|_| 1),
                    1 => store
                        .insert_user(
                            &admin(),
                            new_user(&format!("person{i}@exempla.se"), "Person"),
                            Some(role(Role::Analyst, Some(org))),
                        )
                        .await
                        .map(|_| 2),
                    _ => store
                        .record_event(Change {
                            actor_id: None,
                            actor: "system".into(),
                            action: "system.check".into(),
                            record_type: "system".into(),
                            record_id: i.to_string(),
                            org_id: None,
                            before: None,
                            after: None,
                        })
                        .await
                        .map(|_| 1),
                }
            });
        }
        let mut entries = 1u64;
        while let Some(r) = set.join_next().await {
            entries += r.expect("task").unwrap_or_else(|e| panic!("{n}: concurrent write failed: {e}"));
        }
        assert_eq!(entries, 1 + 5 + 10 + 5);
        assert_eq!(db.store.verify_audit().await.unwrap(), Ok(entries), "{n}");
    })
    .await;
}
