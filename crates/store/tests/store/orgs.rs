//! Organisations: the tree, renames and moves, refused parents, deletion.

use domain::org::{OrgKind, OrgName};
use domain::user::Role;
use store::{Dependents, NewOrg};
use uuid::Uuid;

use crate::common::*;

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
                    own_review: false,
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
