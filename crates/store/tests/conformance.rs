//! Storage conformance suite: the same checks on SQLite (always) and on
//! PostgreSQL (when `LISA_TEST_POSTGRES_URL` is set), each test on a fresh
//! database. See `common/mod.rs` for the harness.

mod common;

use std::collections::HashSet;
use std::time::Duration as StdDuration;

use chrono::{Duration, SubsecRound};
use common::*;
use domain::audit::{Broken, Change, Entry, GENESIS};
use domain::org::{OrgKind, OrgName};
use domain::user::{Language, PersonName, Role};
use store::{Actor, AuditFilter, Dependents, LoginOutcome, NewOrg, OrgUpdate, Store, UserUpdate};
use tokio::task::JoinSet;
use uuid::Uuid;

fn rename(org: &store::Org, name: &str) -> OrgUpdate {
    OrgUpdate {
        name: OrgName::parse(name).expect("valid name"),
        kind: org.kind,
        org_number: org.org_number.as_deref().map(org_number),
        parent_id: org.parent_id,
    }
}

fn reparent(org: &store::Org, parent: Option<Uuid>) -> OrgUpdate {
    OrgUpdate { parent_id: parent, ..rename(org, &org.name) }
}

fn json(s: &Option<String>) -> serde_json::Value {
    serde_json::from_str(s.as_deref().expect("JSON present")).expect("valid JSON")
}

async fn last_entry(store: &Store) -> Entry {
    all_audit(store).await.into_iter().next().expect("an audit entry")
}

async fn audit_len(store: &Store) -> usize {
    all_audit(store).await.len()
}

async fn page(store: &Store, f: AuditFilter) -> Vec<Entry> {
    store.list_audit(&f).await.expect("list_audit").entries
}

// ---- migrations and connecting ------------------------------------------------

#[test]
fn migration_versions_match_between_backends() {
    let (sqlite, postgres) = store::migration_versions();
    assert!(!sqlite.is_empty(), "no SQLite migrations embedded");
    assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres must hold the same versions");
    let mut sorted = sqlite.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, sqlite, "migration versions must be unique and ordered");
}

#[tokio::test]
async fn bad_urls_are_refused() {
    for url in ["mysql://localhost/lisa", "lisa.db", ""] {
        match Store::connect(url).await {
            Err(store::StoreError::BadUrl(_)) => {}
            Err(e) => panic!("{url:?}: expected BadUrl, got {e}"),
            Ok(_) => panic!("{url:?}: expected BadUrl, got a store"),
        }
    }
}

#[tokio::test]
async fn connect_migrates_and_reconnects() {
    run("connect_migrates_and_reconnects", |db| async move {
        let n = db.name;
        db.store.ping().await.unwrap_or_else(|e| panic!("{n}: ping: {e}"));
        let (open, _idle) = db.store.pool_stats();
        assert!(open >= 1, "{n}: pool has no connections");
        let (versions, _) = store::migration_versions();
        let applied = db.raw_i64("SELECT COUNT(*) FROM _sqlx_migrations WHERE success").await;
        assert_eq!(applied, versions.len() as i64, "{n}: applied migrations");
        // A second connection (the next start) finds everything applied.
        let again = Store::connect(&db.url).await.unwrap_or_else(|e| panic!("{n}: reconnect: {e}"));
        again.ping().await.unwrap();
        assert_eq!(again.backend_name(), n);
        again.close().await;
        // The empty database: no orgs, no users, an empty intact chain.
        assert!(db.store.list_orgs().await.unwrap().is_empty());
        assert_eq!(db.store.count_users().await.unwrap(), 0);
        assert_eq!(db.verified().await, 0, "{n}: empty chain");
    })
    .await;
}

// ---- organisations ------------------------------------------------------------

#[tokio::test]
async fn orgs_insert_find_list() {
    run("orgs_insert_find_list", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let root = s
            .insert_org(
                &admin(),
                NewOrg {
                    name: OrgName::parse("  Exempla kommun ").unwrap(),
                    kind: OrgKind::Municipality,
                    org_number: Some(org_number("2120000142")),
                    parent_id: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{n}: insert root: {e}"));
        assert_eq!(root.name, "Exempla kommun");
        assert_eq!(root.org_number.as_deref(), Some("212000-0142"));
        assert_eq!(root.parent_id, None);
        assert_eq!(root.created_at, root.updated_at);
        let child = add_org(s, "Barn- och utbildningsnämnden", Some(root.id)).await;
        let grandchild = add_org(s, "Förskola Solen", Some(child.id)).await;

        // Every field, timestamps included, reads back exactly as written.
        for o in [&root, &child, &grandchild] {
            let found = s.find_org(o.id).await.unwrap();
            assert_eq!(found.as_ref(), Some(o), "{n}: find_org {}", o.name);
        }
        assert_eq!(s.find_org(Uuid::now_v7()).await.unwrap(), None, "{n}");

        let names: Vec<String> = s.list_orgs().await.unwrap().into_iter().map(|o| o.name).collect();
        assert_eq!(
            names,
            ["Barn- och utbildningsnämnden", "Exempla kommun", "Förskola Solen"],
            "{n}: list_orgs is ordered by name"
        );

        let by_name = s.find_orgs_by_name(" exempla KOMMUN").await.unwrap();
        assert_eq!(by_name, vec![root.clone()], "{n}: find_orgs_by_name");
        assert!(s.find_orgs_by_name("Exempla").await.unwrap().is_empty());

        let tree = s.org_tree().await.unwrap();
        assert_eq!(tree.len(), 3, "{n}");
        assert_eq!(tree.roots(), &[root.id], "{n}");
        let path: Vec<Uuid> = tree.path(grandchild.id).iter().map(|o| o.id).collect();
        assert_eq!(path, [root.id, child.id, grandchild.id], "{n}: tree path");
        assert_eq!(tree.get(child.id), Some(&child.node()));

        assert_eq!(s.org_dependents(root.id).await.unwrap(), Dependents { children: 1, assignments: 0 }, "{n}");
        assert!(!s.org_dependents(grandchild.id).await.unwrap().any());

        // Audit: one org.create per organisation, scoped to itself.
        let entries = all_audit(s).await;
        assert_eq!(entries.len(), 3, "{n}");
        for (e, o) in entries.iter().rev().zip([&root, &child, &grandchild]) {
            assert_eq!(e.change.action, "org.create", "{n}");
            assert_eq!(e.change.record_type, "org");
            assert_eq!(e.change.record_id, o.id.to_string());
            assert_eq!(e.change.org_id, Some(o.id));
            assert_eq!(e.change.actor, "admin@exempla.se");
            assert_eq!(e.change.actor_id, admin().id);
            assert_eq!(e.change.before, None);
            assert_eq!(json(&e.change.after)["name"], o.name.as_str());
            assert_eq!(e.at, o.created_at, "{n}: entry time is the write time");
        }
        assert_eq!(json(&entries[2].change.after)["org_number"], "212000-0142", "{n}");
        assert_eq!(db.verified().await, 3);
    })
    .await;
}

#[tokio::test]
async fn orgs_update_rename_and_move() {
    run("orgs_update_rename_and_move", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let a = add_org(s, "Alfa kommun", None).await;
        let b = add_org(s, "Beta region", None).await;
        let c = add_org(s, "Centralförvaltningen", Some(a.id)).await;

        // Rename (and give it an org number): org.update.
        let mut upd = rename(&c, "Central förvaltning");
        upd.org_number = Some(org_number("202100-5448"));
        upd.kind = OrgKind::Administration;
        let c2 = s.update_org(&admin(), c.id, upd).await.unwrap_or_else(|e| panic!("{n}: rename: {e}"));
        assert_eq!(c2.name, "Central förvaltning");
        assert_eq!(c2.kind, OrgKind::Administration);
        assert_eq!(c2.org_number.as_deref(), Some("202100-5448"));
        assert_eq!(c2.parent_id, Some(a.id));
        assert_eq!(c2.created_at, c.created_at, "{n}: created_at kept");
        assert!(c2.updated_at >= c.updated_at, "{n}: updated_at moves");
        assert_eq!(s.find_org(c.id).await.unwrap(), Some(c2.clone()), "{n}");
        let e = last_entry(s).await;
        assert_eq!(e.change.action, "org.update", "{n}");
        assert_eq!(e.change.record_id, c.id.to_string());
        assert_eq!(json(&e.change.before)["name"], "Centralförvaltningen");
        assert_eq!(json(&e.change.after)["name"], "Central förvaltning");
        assert_eq!(e.changed_fields(), ["kind", "name", "org_number"], "{n}: changed fields");

        // Move to another parent: org.move.
        let c3 =
            s.update_org(&admin(), c.id, reparent(&c2, Some(b.id))).await.unwrap_or_else(|e| panic!("{n}: move: {e}"));
        assert_eq!(c3.parent_id, Some(b.id));
        assert_eq!(c3.name, c2.name);
        let tree = s.org_tree().await.unwrap();
        let path: Vec<Uuid> = tree.path(c.id).iter().map(|o| o.id).collect();
        assert_eq!(path, [b.id, c.id], "{n}: moved in the tree");
        let e = last_entry(s).await;
        assert_eq!(e.change.action, "org.move", "{n}");
        assert_eq!(e.changed_fields(), ["parent_id"], "{n}");
        assert_eq!(json(&e.change.before)["parent_id"], a.id.to_string());
        assert_eq!(json(&e.change.after)["parent_id"], b.id.to_string());

        // Move to the top level.
        let c4 = s.update_org(&admin(), c.id, reparent(&c3, None)).await.unwrap();
        assert_eq!(c4.parent_id, None);
        assert_eq!(last_entry(s).await.change.action, "org.move");
        assert_eq!(s.org_dependents(b.id).await.unwrap(), Dependents::default(), "{n}");

        // An update that changes nothing writes nothing.
        let before = db.snapshot().await;
        let same = s.update_org(&admin(), c.id, reparent(&c4, None)).await.unwrap();
        assert_eq!(same, c4, "{n}: no-op update returns the stored org");
        assert_eq!(db.snapshot().await, before, "{n}: no-op update wrote something");

        // Unknown organisation.
        assert_not_found(n, s.update_org(&admin(), Uuid::now_v7(), rename(&c4, "X")).await);
        assert_eq!(db.snapshot().await, before, "{n}");

        assert_eq!(
            actions(s).await,
            ["org.create", "org.create", "org.create", "org.update", "org.move", "org.move"],
            "{n}"
        );
        assert_eq!(db.verified().await, 6);
    })
    .await;
}

#[tokio::test]
async fn orgs_bad_parents_are_refused_and_nothing_is_written() {
    run("orgs_bad_parents_are_refused", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let a = add_org(s, "Alfa kommun", None).await;
        let b = add_org(s, "Bygg- och miljönämnden", Some(a.id)).await;
        let c = add_org(s, "Bygglovsenheten", Some(b.id)).await;
        let before = db.snapshot().await;

        // Moving under itself or a descendant would make a cycle; the refused
        // update also carries a rename, which must not stick.
        for (id, org, parent) in
            [(a.id, &a, c.id), (a.id, &a, b.id), (a.id, &a, a.id), (b.id, &b, c.id), (c.id, &c, c.id)]
        {
            let mut upd = reparent(org, Some(parent));
            upd.name = OrgName::parse("Nytt namn").unwrap();
            assert_conflict(n, s.update_org(&admin(), id, upd).await, "parent_id", "error-parent-cycle");
        }

        // An unknown parent, on update and on insert.
        let ghost = Uuid::now_v7();
        assert_conflict(
            n,
            s.update_org(&admin(), b.id, reparent(&b, Some(ghost))).await,
            "parent_id",
            "error-parent-unknown",
        );
        assert_conflict(
            n,
            s.insert_org(&admin(), new_org("Spökenhet", OrgKind::Unit, Some(ghost))).await,
            "parent_id",
            "error-parent-unknown",
        );

        assert_eq!(db.snapshot().await, before, "{n}: a refused write left traces");
        assert_eq!(db.verified().await, 3);

        // Moving sideways (not into its own subtree) is fine.
        let d = add_org(s, "Drift", Some(a.id)).await;
        s.update_org(&admin(), c.id, reparent(&c, Some(d.id)))
            .await
            .unwrap_or_else(|e| panic!("{n}: legal move refused: {e}"));
        s.update_org(&admin(), b.id, reparent(&b, Some(d.id)))
            .await
            .unwrap_or_else(|e| panic!("{n}: legal move refused: {e}"));
        assert_eq!(db.verified().await, 6);
    })
    .await;
}

#[tokio::test]
async fn orgs_delete_only_without_dependents() {
    run("orgs_delete_only_without_dependents", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let a = add_org(s, "Alfa kommun", None).await;
        let b = add_org(s, "Bygg- och miljönämnden", Some(a.id)).await;
        let c = add_org(s, "Bygglovsenheten", Some(b.id)).await;
        let d = add_org(s, "Delta AB", None).await;
        let u = add_user(s, "ägare@exempla.se", Some(role(Role::Owner, Some(d.id)))).await;
        assert_eq!(s.org_dependents(d.id).await.unwrap(), Dependents { children: 0, assignments: 1 });

        let before = db.snapshot().await;
        assert_conflict(n, s.delete_org(&admin(), a.id).await, "id", "error-org-has-children");
        assert_conflict(n, s.delete_org(&admin(), b.id).await, "id", "error-org-has-children");
        assert_conflict(n, s.delete_org(&admin(), d.id).await, "id", "error-org-has-assignments");
        assert_not_found(n, s.delete_org(&admin(), Uuid::now_v7()).await);
        assert_eq!(db.snapshot().await, before, "{n}: a refused delete left traces");

        // Leaves go, then their parents.
        s.delete_org(&admin(), c.id).await.unwrap_or_else(|e| panic!("{n}: delete leaf: {e}"));
        assert_eq!(s.find_org(c.id).await.unwrap(), None, "{n}");
        let e = last_entry(s).await;
        assert_eq!(e.change.action, "org.delete");
        assert_eq!(e.change.record_id, c.id.to_string());
        assert_eq!(e.change.org_id, Some(b.id), "{n}: a deleted org's entry is scoped to its parent");
        assert_eq!(json(&e.change.before)["name"], "Bygglovsenheten");
        assert_eq!(e.change.after, None);

        s.delete_org(&admin(), b.id).await.unwrap();
        assert_not_found(n, s.delete_org(&admin(), b.id).await);

        let ra = s.list_assignments(u.id).await.unwrap();
        s.delete_assignment(&admin(), ra[0].id).await.unwrap();
        s.delete_org(&admin(), d.id).await.unwrap_or_else(|e| panic!("{n}: delete after withdrawing roles: {e}"));
        assert_eq!(last_entry(s).await.change.org_id, None, "{n}: top-level delete");

        let left: Vec<Uuid> = s.list_orgs().await.unwrap().iter().map(|o| o.id).collect();
        assert_eq!(left, [a.id], "{n}");
        assert_eq!(
            actions(s).await,
            [
                "org.create",
                "org.create",
                "org.create",
                "org.create",
                "user.create",
                "role.assign",
                "org.delete",
                "org.delete",
                "role.withdraw",
                "org.delete"
            ],
            "{n}"
        );
        assert_eq!(db.verified().await, 10);
    })
    .await;
}

// ---- users and role assignments ------------------------------------------------

#[tokio::test]
async fn users_insert_with_first_role() {
    run("users_insert_with_first_role", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let org = add_org(s, "Exempla kommun", None).await;
        let u = s
            .insert_user(
                &admin(),
                new_user(" Anna.Berg@Exempla.SE", "Anna Berg"),
                Some(role(Role::Owner, Some(org.id))),
            )
            .await
            .unwrap_or_else(|e| panic!("{n}: insert_user: {e}"));
        assert_eq!(u.email, "anna.berg@exempla.se");
        assert_eq!(u.name, "Anna Berg");
        assert!(u.active);
        assert_eq!(u.language, Language::Sv);
        assert!(u.password_hash.is_some());

        assert_eq!(s.find_user(u.id).await.unwrap(), Some(u.clone()), "{n}");
        assert_eq!(
            s.find_user_by_email(" ANNA.BERG@exempla.se ").await.unwrap(),
            Some(u.clone()),
            "{n}: e-mail lookup ignores case and spaces"
        );
        assert_eq!(s.find_user_by_email("nobody@exempla.se").await.unwrap(), None);
        assert_eq!(s.find_user(Uuid::now_v7()).await.unwrap(), None);
        assert_eq!(s.count_users().await.unwrap(), 1);
        assert_eq!(s.list_users().await.unwrap(), vec![u.clone()]);

        let roles = s.list_assignments(u.id).await.unwrap();
        assert_eq!(roles.len(), 1, "{n}");
        let r = &roles[0];
        assert_eq!((r.user_id, r.role, r.org_id), (u.id, Role::Owner, Some(org.id)));
        assert_eq!(r.assignment(), role(Role::Owner, Some(org.id)));
        assert_eq!(s.find_assignment(r.id).await.unwrap().as_ref(), Some(r));
        assert_eq!(s.list_all_assignments().await.unwrap(), roles);
        assert_eq!(s.org_dependents(org.id).await.unwrap().assignments, 1, "{n}");

        // A user without a role.
        let v = s.insert_user(&admin(), new_user("bo@exempla.se", "Bo Ek"), None).await.unwrap();
        assert!(s.list_assignments(v.id).await.unwrap().is_empty());
        assert_eq!(s.count_users().await.unwrap(), 2);
        let names: Vec<String> = s.list_users().await.unwrap().into_iter().map(|u| u.name).collect();
        assert_eq!(names, ["Anna Berg", "Bo Ek"], "{n}: ordered by name");

        let entries = all_audit(s).await;
        let acts: Vec<&str> = entries.iter().rev().map(|e| e.change.action.as_str()).collect();
        assert_eq!(acts, ["org.create", "user.create", "role.assign", "user.create"], "{n}");
        let created = &entries[2];
        assert_eq!(created.change.record_type, "user");
        assert_eq!(created.change.record_id, u.id.to_string());
        assert_eq!(created.change.org_id, Some(org.id), "{n}: scoped to the first role's org");
        let after = created.change.after.as_deref().unwrap();
        assert!(!after.contains("argon2"), "{n}: the password hash leaked into the log");
        assert_eq!(json(&created.change.after)["email"], "anna.berg@exempla.se");
        let assigned = &entries[1];
        assert_eq!(assigned.change.org_id, Some(org.id));
        assert_eq!(json(&assigned.change.after)["role"], "owner");
        assert_eq!(entries[0].change.org_id, None, "{n}: user without role");
        assert_eq!(db.verified().await, 4);
    })
    .await;
}

#[tokio::test]
async fn users_refused_writes_leave_no_trace() {
    run("users_refused_writes_leave_no_trace", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let org = add_org(s, "Exempla kommun", None).await;
        let u = add_user(s, "anna@exempla.se", Some(role(Role::Owner, Some(org.id)))).await;
        s.insert_session("tok-u", u.id, "csrf").await.unwrap();
        let before = db.snapshot().await;
        let ghost = Uuid::now_v7();

        assert_conflict(
            n,
            s.insert_user(&admin(), new_user("ANNA@exempla.se", "Annan Anna"), None).await,
            "email",
            "error-email-taken",
        );
        // The user row would be written before the role fails: all or nothing.
        assert_conflict(
            n,
            s.insert_user(&admin(), new_user("ny@exempla.se", "Ny Person"), Some(role(Role::Owner, Some(ghost)))).await,
            "org_id",
            "error-org-unknown",
        );
        assert_eq!(s.find_user_by_email("ny@exempla.se").await.unwrap(), None, "{n}");
        assert_conflict(
            n,
            s.insert_assignment(&admin(), u.id, role(Role::Owner, Some(org.id))).await,
            "role",
            "error-role-duplicate",
        );
        assert_conflict(
            n,
            s.insert_assignment(&admin(), u.id, role(Role::Analyst, Some(ghost))).await,
            "org_id",
            "error-org-unknown",
        );
        assert_not_found(n, s.insert_assignment(&admin(), ghost, role(Role::Analyst, Some(org.id))).await);
        assert_not_found(n, s.delete_assignment(&admin(), ghost).await);
        assert_not_found(
            n,
            s.update_user(
                &admin(),
                ghost,
                UserUpdate { name: PersonName::parse("X").unwrap(), language: Language::En, active: false },
            )
            .await,
        );
        assert_not_found(n, s.set_password(&admin(), ghost, "$argon2id$x", "user.password_reset", None).await);

        assert_eq!(db.snapshot().await, before, "{n}: a refused write left traces");
        assert_eq!(db.verified().await, 3);
    })
    .await;
}

#[tokio::test]
async fn users_assign_and_withdraw_roles() {
    run("users_assign_and_withdraw_roles", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let a = add_org(s, "Alfa kommun", None).await;
        let b = add_org(s, "Beta region", None).await;
        let u = add_user(s, "cecilia@exempla.se", None).await;

        let r1 = s
            .insert_assignment(&admin(), u.id, role(Role::Ciso, Some(a.id)))
            .await
            .unwrap_or_else(|e| panic!("{n}: assign: {e}"));
        assert_eq!((r1.user_id, r1.role, r1.org_id), (u.id, Role::Ciso, Some(a.id)));
        // The same role elsewhere, and another role at the same place, are fine.
        let r2 = s.insert_assignment(&admin(), u.id, role(Role::Ciso, Some(b.id))).await.unwrap();
        let r3 = s.insert_assignment(&admin(), u.id, role(Role::Auditor, Some(a.id))).await.unwrap();
        let r4 = s.insert_assignment(&admin(), u.id, role(Role::Admin, None)).await.unwrap();
        assert_eq!(r4.org_id, None);

        let before = db.snapshot().await;
        for dup in [role(Role::Ciso, Some(a.id)), role(Role::Admin, None)] {
            assert_conflict(n, s.insert_assignment(&admin(), u.id, dup).await, "role", "error-role-duplicate");
        }
        assert_eq!(db.snapshot().await, before, "{n}");

        let mut got = s.list_assignments(u.id).await.unwrap();
        got.sort_by_key(|r| r.id);
        let mut want = vec![r1.clone(), r2.clone(), r3.clone(), r4.clone()];
        want.sort_by_key(|r| r.id);
        assert_eq!(got, want, "{n}: list_assignments");
        assert_eq!(s.find_assignment(r2.id).await.unwrap(), Some(r2.clone()));

        let gone = s.delete_assignment(&admin(), r1.id).await.unwrap_or_else(|e| panic!("{n}: withdraw: {e}"));
        assert_eq!(gone, r1, "{n}: delete_assignment returns the row");
        assert_eq!(s.find_assignment(r1.id).await.unwrap(), None);
        assert_eq!(s.list_assignments(u.id).await.unwrap().len(), 3);
        assert_not_found(n, s.delete_assignment(&admin(), r1.id).await);

        let e = last_entry(s).await;
        assert_eq!(e.change.action, "role.withdraw");
        assert_eq!(e.change.record_type, "user");
        assert_eq!(e.change.record_id, u.id.to_string());
        assert_eq!(e.change.org_id, Some(a.id));
        assert_eq!(json(&e.change.before)["role"], "ciso");
        assert_eq!(e.change.after, None);

        // Withdrawn, the same role can be given again.
        s.insert_assignment(&admin(), u.id, role(Role::Ciso, Some(a.id)))
            .await
            .unwrap_or_else(|e| panic!("{n}: re-assign after withdraw: {e}"));

        let entries = all_audit(s).await;
        let assigns: Vec<Option<Uuid>> =
            entries.iter().rev().filter(|e| e.change.action == "role.assign").map(|e| e.change.org_id).collect();
        assert_eq!(assigns, [Some(a.id), Some(b.id), Some(a.id), None, Some(a.id)], "{n}");
        assert_eq!(db.verified().await, 9);
    })
    .await;
}

#[tokio::test]
async fn users_update_and_deactivate() {
    run("users_update_and_deactivate", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let org = add_org(s, "Exempla kommun", None).await;
        let u = add_user(s, "anna@exempla.se", Some(role(Role::Dpo, Some(org.id)))).await;
        s.insert_session("s1", u.id, "c1").await.unwrap();
        s.insert_session("s2", u.id, "c2").await.unwrap();

        let upd = UserUpdate { name: PersonName::parse("Anna Berg-Ek").unwrap(), language: Language::En, active: true };
        let u2 = s.update_user(&admin(), u.id, upd.clone()).await.unwrap_or_else(|e| panic!("{n}: update_user: {e}"));
        assert_eq!(u2.name, "Anna Berg-Ek");
        assert_eq!(u2.language, Language::En);
        assert!(u2.active);
        assert_eq!(u2.email, u.email);
        assert_eq!(u2.password_hash, u.password_hash);
        assert_eq!(u2.created_at, u.created_at);
        assert_eq!(s.find_user(u.id).await.unwrap(), Some(u2.clone()), "{n}");
        assert!(s.find_session("s1").await.unwrap().is_some(), "{n}: active user keeps sessions");

        let e = last_entry(s).await;
        assert_eq!(e.change.action, "user.update");
        assert_eq!(e.change.record_id, u.id.to_string());
        assert_eq!(e.change.org_id, Some(org.id), "{n}: scoped to the first role's org");
        assert_eq!(e.changed_fields(), ["language", "name"], "{n}");

        // No change, no entry.
        let before = db.snapshot().await;
        let same = s.update_user(&admin(), u.id, upd).await.unwrap();
        assert_eq!(same, u2);
        assert_eq!(db.snapshot().await, before, "{n}: no-op update wrote something");

        // Deactivating ends every session.
        let u3 = s
            .update_user(
                &admin(),
                u.id,
                UserUpdate { name: PersonName::parse("Anna Berg-Ek").unwrap(), language: Language::En, active: false },
            )
            .await
            .unwrap();
        assert!(!u3.active);
        assert!(!s.find_user(u.id).await.unwrap().unwrap().active, "{n}");
        assert!(s.find_session("s1").await.unwrap().is_none(), "{n}: session kept");
        assert!(s.find_session("s2").await.unwrap().is_none(), "{n}: session kept");
        assert_eq!(last_entry(s).await.changed_fields(), ["active"]);
        assert_eq!(db.verified().await, 5);
    })
    .await;
}

#[tokio::test]
async fn users_set_password_ends_other_sessions() {
    run("users_set_password_ends_other_sessions", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let org = add_org(s, "Exempla kommun", None).await;
        let u = add_user(s, "anna@exempla.se", Some(role(Role::Owner, Some(org.id)))).await;
        let v = add_user(s, "bo@exempla.se", None).await;
        for t in ["u-1", "u-2", "u-3"] {
            s.insert_session(t, u.id, "csrf").await.unwrap();
        }
        s.insert_session("v-1", v.id, "csrf").await.unwrap();

        s.set_password(&Actor::user(u.id, &u.email), u.id, "$argon2id$v=19$new", "user.password_change", Some("u-2"))
            .await
            .unwrap_or_else(|e| panic!("{n}: set_password: {e}"));
        assert!(s.find_session("u-2").await.unwrap().is_some(), "{n}: kept session ended");
        assert!(s.find_session("u-1").await.unwrap().is_none(), "{n}: other session kept");
        assert!(s.find_session("u-3").await.unwrap().is_none(), "{n}: other session kept");
        assert!(s.find_session("v-1").await.unwrap().is_some(), "{n}: another user's session ended");
        let u2 = s.find_user(u.id).await.unwrap().unwrap();
        assert_eq!(u2.password_hash.as_deref(), Some("$argon2id$v=19$new"));
        assert!(u2.updated_at >= u.updated_at);
        assert_eq!(s.find_user(v.id).await.unwrap().unwrap().password_hash, v.password_hash);

        let e = last_entry(s).await;
        assert_eq!(e.change.action, "user.password_change");
        assert_eq!(e.change.actor, "anna@exempla.se");
        assert_eq!(e.change.actor_id, Some(u.id));
        assert_eq!(e.change.record_id, u.id.to_string());
        assert_eq!(e.change.org_id, Some(org.id));
        for j in [&e.change.before, &e.change.after] {
            assert!(!j.as_deref().unwrap_or("").contains("argon2"), "{n}: password hash in the audit log");
        }

        // Reset by an administrator: no session is kept.
        s.set_password(&admin(), u.id, "$argon2id$v=19$newer", "user.password_reset", None).await.unwrap();
        assert!(s.find_session("u-2").await.unwrap().is_none(), "{n}");
        assert!(s.find_session("v-1").await.unwrap().is_some(), "{n}");
        assert_eq!(
            actions(s).await,
            ["org.create", "user.create", "role.assign", "user.create", "user.password_change", "user.password_reset"],
            "{n}"
        );
        assert_eq!(db.verified().await, 6);
    })
    .await;
}

#[tokio::test]
async fn first_admin_is_created_once_with_a_valid_token() {
    run("first_admin_is_created_once", |db| async move {
        let (s, n) = (&*db.store, db.name);
        assert!(!s.setup_token_exists("h1").await.unwrap());
        s.replace_setup_token("h0").await.unwrap();
        s.replace_setup_token("h1").await.unwrap();
        assert!(!s.setup_token_exists("h0").await.unwrap(), "{n}: old token kept");
        assert!(s.setup_token_exists("h1").await.unwrap());

        let before = db.snapshot().await;
        assert_not_found(n, s.create_first_admin("wrong", new_user("chef@exempla.se", "Chef")).await);
        assert_eq!(db.snapshot().await, before, "{n}: a refused setup left traces");

        let u = s
            .create_first_admin("h1", new_user("Chef@Exempla.se", "Chef"))
            .await
            .unwrap_or_else(|e| panic!("{n}: create_first_admin: {e}"));
        assert_eq!(u.email, "chef@exempla.se");
        assert!(u.active);
        assert_eq!(s.find_user(u.id).await.unwrap(), Some(u.clone()));
        let roles: Vec<_> = s.list_assignments(u.id).await.unwrap().iter().map(|r| r.assignment()).collect();
        assert_eq!(roles, [role(Role::Admin, None)], "{n}: system administrator");
        assert!(!s.setup_token_exists("h1").await.unwrap(), "{n}: token not consumed");

        let entries = all_audit(s).await;
        let acts: Vec<&str> = entries.iter().rev().map(|e| e.change.action.as_str()).collect();
        assert_eq!(acts, ["user.create_first_admin", "role.assign"], "{n}");
        for e in &entries {
            assert_eq!(e.change.actor, "system");
            assert_eq!(e.change.actor_id, None);
            assert_eq!(e.change.org_id, None);
            assert_eq!(e.change.record_id, u.id.to_string());
        }

        // The token is spent.
        let before = db.snapshot().await;
        assert_not_found(n, s.create_first_admin("h1", new_user("andra@exempla.se", "Andra")).await);
        assert_eq!(db.snapshot().await, before, "{n}");

        // A fresh token does not help once a user exists.
        s.replace_setup_token("h2").await.unwrap();
        let before = db.snapshot().await;
        assert_not_found(n, s.create_first_admin("h2", new_user("andra@exempla.se", "Andra")).await);
        assert_eq!(db.snapshot().await, before, "{n}");
        assert_eq!(s.count_users().await.unwrap(), 1);
        assert_eq!(db.verified().await, 2);
    })
    .await;
}

// ---- sessions and login throttling ---------------------------------------------

#[tokio::test]
async fn sessions_insert_find_touch_delete_purge() {
    run("sessions_insert_find_touch_delete_purge", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let u = add_user(s, "anna@exempla.se", None).await;
        let audit_before = audit_len(s).await;

        let t0 = domain::now();
        s.insert_session("tok-a", u.id, "csrf-a").await.unwrap_or_else(|e| panic!("{n}: insert_session: {e}"));
        let t1 = domain::now();
        let a = s.find_session("tok-a").await.unwrap().unwrap_or_else(|| panic!("{n}: session not found"));
        assert_eq!(a.token_hash, "tok-a");
        assert_eq!(a.user_id, u.id);
        assert_eq!(a.csrf_token, "csrf-a");
        assert_eq!(a.created_at, a.last_seen_at);
        assert!(t0 <= a.created_at && a.created_at <= t1, "{n}: created_at");
        assert!(s.find_session("tok-none").await.unwrap().is_none());

        // Duplicate tokens and unknown users are refused by the database.
        assert!(s.insert_session("tok-a", u.id, "x").await.is_err(), "{n}: duplicate token accepted");
        assert!(
            s.insert_session("tok-x", Uuid::now_v7(), "x").await.is_err(),
            "{n}: session for an unknown user accepted"
        );

        let later = domain::now() + Duration::seconds(5);
        s.touch_session("tok-a", later).await.unwrap();
        let a2 = s.find_session("tok-a").await.unwrap().unwrap();
        assert_eq!(a2.last_seen_at, later, "{n}: touch");
        assert_eq!(a2.created_at, a.created_at);
        s.touch_session("tok-none", later).await.unwrap();

        s.delete_session("tok-a").await.unwrap();
        assert!(s.find_session("tok-a").await.unwrap().is_none(), "{n}: delete");
        s.delete_session("tok-a").await.unwrap();

        // Purge: idle too long, or too old.
        s.insert_session("idle", u.id, "c").await.unwrap();
        s.insert_session("fresh", u.id, "c").await.unwrap();
        let now = domain::now();
        s.touch_session("idle", now - Duration::hours(2)).await.unwrap();
        let purged = s.purge_sessions(now - Duration::hours(1), now - Duration::hours(24)).await.unwrap();
        assert_eq!(purged, 1, "{n}: purge idle");
        assert!(s.find_session("idle").await.unwrap().is_none());
        assert!(s.find_session("fresh").await.unwrap().is_some());
        let purged = s.purge_sessions(now - Duration::hours(1), domain::now() + Duration::seconds(1)).await.unwrap();
        assert_eq!(purged, 1, "{n}: purge old");
        assert!(s.find_session("fresh").await.unwrap().is_none());

        assert_eq!(audit_len(s).await, audit_before, "{n}: sessions are not audited");
    })
    .await;
}

#[tokio::test]
async fn timestamps_compare_chronologically() {
    // SQLite keeps timestamps as text with a varying number of decimals; the
    // comparisons in SQL must still follow time.
    run("timestamps_compare_chronologically", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let u = add_user(s, "anna@exempla.se", None).await;
        let base = (domain::now() - Duration::hours(1)).trunc_subsecs(0);
        let steps = [
            ("whole", base),
            ("micro", base + Duration::microseconds(1)),
            ("milli", base + Duration::milliseconds(5)),
            ("half", base + Duration::milliseconds(500)),
            ("half-micro", base + Duration::microseconds(500_001)),
            ("next", base + Duration::seconds(1)),
        ];
        for (t, at) in steps {
            s.insert_session(t, u.id, "c").await.unwrap();
            s.touch_session(t, at).await.unwrap();
            let got = s.find_session(t).await.unwrap().unwrap().last_seen_at;
            assert_eq!(got, at, "{n}: {t} round-trips");
        }
        let far_past = base - Duration::days(1);
        for (i, (t, at)) in steps.iter().enumerate() {
            // Purging "idle before `at`" removes exactly the earlier ones.
            let purged = s.purge_sessions(*at, far_past).await.unwrap();
            let expected = if i == 0 { 0 } else { 1 };
            assert_eq!(purged, expected, "{n}: purge before {t}");
            assert!(s.find_session(t).await.unwrap().is_some(), "{n}: {t} purged too early");
        }
    })
    .await;
}

#[tokio::test]
async fn login_failures_count_expire_and_reset() {
    run("login_failures_count_expire_and_reset", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let w = Duration::minutes(15);
        let acc = "account:anna@exempla.se";
        let addr = "address:192.0.2.1";

        let f = s.find_failures(acc, domain::now(), w).await.unwrap();
        assert_eq!((f.count, f.last), (0, None), "{n}: nothing yet");

        let t0 = domain::now();
        for _ in 0..3 {
            s.record_login(&[acc, addr], LoginOutcome::Failure, w)
                .await
                .unwrap_or_else(|e| panic!("{n}: record_login: {e}"));
        }
        s.record_login(&[addr], LoginOutcome::Failure, w).await.unwrap();
        let t1 = domain::now();
        let fa = s.find_failures(acc, t1, w).await.unwrap();
        let fb = s.find_failures(addr, t1, w).await.unwrap();
        assert_eq!(fa.count, 3, "{n}: account failures");
        assert_eq!(fb.count, 4, "{n}: address failures");
        let last = fa.last.unwrap();
        assert!(t0 <= last && last <= t1, "{n}: last failure time");

        // Read after the window: nothing counts.
        let f = s.find_failures(acc, t1 + Duration::minutes(16), w).await.unwrap();
        assert_eq!((f.count, f.last), (0, None), "{n}: window expiry on read");
        let f = s.find_failures(acc, t1 + Duration::minutes(14), w).await.unwrap();
        assert_eq!(f.count, 3, "{n}: still within the window");

        // A failure after the window restarts the count.
        tokio::time::sleep(StdDuration::from_millis(20)).await;
        s.record_login(&[acc], LoginOutcome::Failure, Duration::milliseconds(5)).await.unwrap();
        let f = s.find_failures(acc, domain::now(), w).await.unwrap();
        assert_eq!(f.count, 1, "{n}: count restarted after the window");
        assert!(f.last.unwrap() > last);

        // Success clears the named keys only.
        s.record_login(&[acc], LoginOutcome::Success, w).await.unwrap();
        assert_eq!(s.find_failures(acc, domain::now(), w).await.unwrap().count, 0, "{n}");
        assert_eq!(s.find_failures(addr, domain::now(), w).await.unwrap().count, 4, "{n}");
        s.record_login(&[addr, acc], LoginOutcome::Success, w).await.unwrap();
        assert_eq!(s.find_failures(addr, domain::now(), w).await.unwrap().count, 0);
        assert_eq!(db.raw_i64("SELECT COUNT(*) FROM login_failures").await, 0, "{n}");
        assert_eq!(db.verified().await, 0, "{n}: throttling is not audited");
    })
    .await;
}

// ---- the audit log --------------------------------------------------------------

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
            AuditFilter { org_ids: Some(vec![a.id]), ..Default::default() },
            &|e| e.change.org_id == Some(a.id),
            "org a",
        )
        .await;
        filtered(
            AuditFilter { org_ids: Some(vec![c.id, b.id]), ..Default::default() },
            &|e| e.change.org_id == Some(c.id) || e.change.org_id == Some(b.id),
            "orgs b and c",
        )
        .await;
        filtered(AuditFilter { org_ids: Some(vec![]), ..Default::default() }, &|_| false, "no orgs (empty)").await;
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
            AuditFilter { from: Some(mid), to: Some(end), org_ids: Some(vec![b.id, d.id]), ..Default::default() },
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

// ---- concurrency ------------------------------------------------------------------

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
async fn concurrent_login_failures_are_all_counted() {
    run("concurrent_login_failures_are_all_counted", |db| async move {
        let n = db.name;
        let w = Duration::minutes(15);
        let mut set = JoinSet::new();
        for i in 0..12 {
            let store = db.store.clone();
            set.spawn(async move {
                let account = format!("account:user{}@exempla.se", i % 2);
                store.record_login(&[&account, "address:192.0.2.7"], LoginOutcome::Failure, w).await
            });
        }
        while let Some(r) = set.join_next().await {
            r.expect("task").unwrap_or_else(|e| panic!("{n}: concurrent record_login failed: {e}"));
        }
        let now = domain::now();
        let count = |key: &'static str| {
            let store = db.store.clone();
            async move { store.find_failures(key, now, w).await.unwrap().count }
        };
        assert_eq!(count("address:192.0.2.7").await, 12, "{n}: lost updates");
        assert_eq!(count("account:user0@exempla.se").await, 6, "{n}");
        assert_eq!(count("account:user1@exempla.se").await, 6, "{n}");
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
