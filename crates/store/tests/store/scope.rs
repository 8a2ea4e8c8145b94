//! Scope in SQL: the closure table follows every insert, move and delete;
//! a user's scope and scoped tree hold exactly the subtrees below their roles
//! (and the path above them); job leases go to one holder at a time.

use std::collections::BTreeSet;

use domain::authz::{Assignment, Permission, Principal};
use domain::org::{OrgKind, OrgName};
use domain::user::Role;
use store::{OrgScope, OrgUpdate, Store};
use uuid::Uuid;

use crate::common::*;

async fn move_to(s: &Store, id: Uuid, parent: Option<Uuid>) -> Result<(), store::StoreError> {
    let o = s.find_org(id).await.unwrap().unwrap();
    s.update_org(
        &admin(),
        id,
        OrgUpdate {
            name: OrgName::parse(&o.name).unwrap(),
            kind: o.kind,
            org_number: None,
            parent_id: parent,
            own_review: false,
        },
    )
    .await
    .map(|_| ())
}

/// For every organisation, its subtree and its path as SQL sees them (the
/// closure table) equal what the tree built from parent links says.
async fn closure_matches_tree(s: &Store, what: &str) {
    let tree = s.org_tree().await.unwrap();
    for node in tree.nodes() {
        let want: BTreeSet<Uuid> = tree.subtree(node.id).into_iter().map(|(_, n)| n.id).collect();
        let got: BTreeSet<Uuid> =
            s.list_orgs_in(&OrgScope::Subtree(node.id)).await.unwrap().into_iter().map(|o| o.id).collect();
        assert_eq!(got, want, "{what}: subtree of {}", node.name);
        let want: BTreeSet<Uuid> = tree.path(node.id).into_iter().map(|n| n.id).collect();
        let got: BTreeSet<Uuid> =
            s.list_orgs_in(&OrgScope::PathTo(node.id)).await.unwrap().into_iter().map(|o| o.id).collect();
        assert_eq!(got, want, "{what}: path to {}", node.name);
    }
}

#[tokio::test]
async fn the_closure_table_follows_inserts_moves_and_deletes() {
    run("the_closure_table_follows_inserts_moves_and_deletes", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let a = add_org(s, "Alfa kommun", None).await;
        let a1 = add_org(s, "Alfa nämnd", Some(a.id)).await;
        let a11 = add_org(s, "Alfa förvaltning", Some(a1.id)).await;
        let a2 = add_org(s, "Alfa bolag", Some(a.id)).await;
        let b = add_org(s, "Beta region", None).await;
        let b1 = add_org(s, "Beta nämnd", Some(b.id)).await;
        let bulk = s
            .insert_orgs_bulk(
                &admin(),
                vec![new_org("Gamma", OrgKind::Agency, None), new_org("Beta enhet", OrgKind::Unit, Some(b1.id))],
            )
            .await
            .unwrap();
        closure_matches_tree(s, &format!("{n}: after inserts")).await;

        move_to(s, a1.id, Some(b1.id)).await.unwrap();
        closure_matches_tree(s, &format!("{n}: a subtree moved to another top")).await;
        move_to(s, a2.id, Some(a11.id)).await.unwrap();
        closure_matches_tree(s, &format!("{n}: a leaf moved deep")).await;
        move_to(s, b1.id, None).await.unwrap();
        closure_matches_tree(s, &format!("{n}: a subtree moved to the top")).await;

        let err = move_to(s, b1.id, Some(a2.id)).await.unwrap_err();
        assert!(format!("{err}").contains("error-parent-cycle"), "{n}: a move under one's own subtree: {err}");
        let err = move_to(s, a.id, Some(Uuid::now_v7())).await.unwrap_err();
        assert!(format!("{err}").contains("error-parent-unknown"), "{n}: {err}");
        closure_matches_tree(s, &format!("{n}: refused moves change nothing")).await;

        s.delete_org(&admin(), bulk[1].id).await.unwrap();
        closure_matches_tree(s, &format!("{n}: after a delete")).await;
        assert_eq!(s.count_orgs_in(&OrgScope::All).await.unwrap(), 7, "{n}");
        assert_eq!(s.count_orgs_in(&OrgScope::Subtree(b1.id)).await.unwrap(), 4, "{n}: b1, a1, a11, a2");
        assert_eq!(s.count_orgs_in(&OrgScope::Nothing).await.unwrap(), 0, "{n}");
    })
    .await;
}

#[tokio::test]
async fn a_user_s_scope_is_the_subtrees_below_their_roles() {
    run("a_user_s_scope_is_the_subtrees_below_their_roles", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let k = add_org(s, "Kommunen", None).await;
        let social = add_org(s, "Socialnämnden", Some(k.id)).await;
        let home = add_org(s, "Hemtjänsten", Some(social.id)).await;
        let school = add_org(s, "Skolan", Some(k.id)).await;
        let other = add_org(s, "Grannkommunen", None).await;
        let coordinator = s.insert_org(&admin(), new_org("Samordnaren", OrgKind::Coordinator, None)).await.unwrap();
        let u = add_user(s, "dso@exempla.se", Some(role(Role::Dpo, Some(social.id)))).await;
        s.insert_assignment(&admin(), u.id, role(Role::Ciso, Some(school.id))).await.unwrap();
        let p = Principal::new(
            u.id,
            vec![
                Assignment { role: Role::Dpo, org_id: Some(social.id) },
                Assignment { role: Role::Ciso, org_id: Some(school.id) },
            ],
        );
        let ids = |v: Vec<store::Org>| v.into_iter().map(|o| o.id).collect::<BTreeSet<_>>();
        let view = ids(s.list_orgs_in(&OrgScope::of(&p, Permission::ViewOrgs)).await.unwrap());
        assert_eq!(view, BTreeSet::from([social.id, home.id, school.id]), "{n}: every role's subtree");
        let manage = ids(s.list_orgs_in(&OrgScope::of(&p, Permission::ManageAssessments)).await.unwrap());
        assert_eq!(manage, BTreeSet::from([school.id]), "{n}: only the CISO role manages assessments");
        let wheel = ids(s.list_orgs_in(&OrgScope::of_and_above(&p, Permission::ViewPlans)).await.unwrap());
        assert_eq!(wheel, BTreeSet::from([k.id, social.id, home.id, school.id]), "{n}: and the kommun above");
        assert_eq!(OrgScope::of(&p, Permission::ManageOrgs), OrgScope::Nothing, "{n}: no admin role");

        let tree = s.org_tree_for(&p).await.unwrap();
        let held: BTreeSet<Uuid> = tree.nodes().map(|n| n.id).collect();
        assert_eq!(
            held,
            BTreeSet::from([k.id, social.id, home.id, school.id, coordinator.id]),
            "{n}: the scoped tree holds the scope, the path above it and the coordinating bodies, not {}",
            other.name
        );
        let full = s.org_tree().await.unwrap();
        for node in full.nodes() {
            for perm in [Permission::ViewOrgs, Permission::ManageAssessments, Permission::ViewPlans] {
                assert_eq!(
                    p.can(perm, node.id, &tree),
                    p.can(perm, node.id, &full),
                    "{n}: {perm:?} on {} answers as on the whole tree",
                    node.name
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_kept_tree_gives_way_once_the_data_has_moved() {
    run("a_kept_tree_gives_way_once_the_data_has_moved", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let k = add_org(s, "Kommunen", None).await;
        let school = add_org(s, "Skolan", Some(k.id)).await;
        let u = add_user(s, "ciso@exempla.se", Some(role(Role::Ciso, Some(k.id)))).await;
        let p = Principal::new(u.id, vec![Assignment { role: Role::Ciso, org_id: Some(k.id) }]);
        let before = s.data_version().await.unwrap();
        let tree = s.org_tree_at(&p, before).await.unwrap();
        assert_eq!(tree.get(school.id).map(|o| o.name.as_str()), Some("Skolan"), "{n}");

        let o = s.find_org(school.id).await.unwrap().unwrap();
        let upd = OrgUpdate {
            name: OrgName::parse("Gymnasiet").unwrap(),
            kind: o.kind,
            org_number: None,
            parent_id: o.parent_id,
            own_review: false,
        };
        s.update_org(&admin(), school.id, upd).await.unwrap();
        let renamed = s.data_version().await.unwrap();
        assert!(renamed > before, "{n}: an audited write moves the data's version");
        // A request that read the version before the rename may still be
        // given the tree kept at that version; every later one reads anew.
        assert_eq!(s.org_tree_at(&p, before).await.unwrap().get(school.id).unwrap().name, "Skolan", "{n}: kept");
        assert_eq!(s.org_tree_at(&p, renamed).await.unwrap().get(school.id).unwrap().name, "Gymnasiet", "{n}");

        let added = add_org(s, "Fritidsnämnden", Some(k.id)).await;
        let now = s.data_version().await.unwrap();
        assert!(s.org_tree_at(&p, now).await.unwrap().get(added.id).is_some(), "{n}: a new organisation in scope");
        // A role moved from the kommun to the school takes the kommun's subtree with it.
        let roles = s.list_assignments(u.id).await.unwrap();
        s.insert_assignment(&admin(), u.id, role(Role::Ciso, Some(school.id))).await.unwrap();
        s.delete_assignment(&admin(), roles[0].id).await.unwrap();
        let now = s.data_version().await.unwrap();
        let gone = Principal::new(u.id, vec![Assignment { role: Role::Ciso, org_id: Some(school.id) }]);
        let tree = s.org_tree_at(&gone, now).await.unwrap();
        assert!(tree.get(added.id).is_none(), "{n}: the tree is read again for the roles the user has now");
    })
    .await;
}

#[tokio::test]
async fn a_job_lease_has_one_holder_at_a_time() {
    run("a_job_lease_has_one_holder_at_a_time", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let now = domain::now();
        let hour = chrono::Duration::hours(1);
        assert!(s.take_lease("reminders", "a", now, now + hour).await.unwrap(), "{n}: free: taken");
        assert!(!s.take_lease("reminders", "b", now, now + hour).await.unwrap(), "{n}: held by a");
        assert!(s.take_lease("reminders", "a", now, now + hour).await.unwrap(), "{n}: a renews");
        assert!(s.take_lease("other-job", "b", now, now + hour).await.unwrap(), "{n}: another job is free");
        let later = now + hour + chrono::Duration::minutes(1);
        assert!(s.take_lease("reminders", "b", later, later + hour).await.unwrap(), "{n}: run out: b takes it");
        assert!(!s.take_lease("reminders", "a", later, later + hour).await.unwrap(), "{n}: now b holds it");

        // Many asking at once: exactly one gets it.
        let when = later + hour * 2;
        let mut asks = Vec::new();
        for i in 0..8 {
            let store = db.store.clone();
            asks.push(tokio::spawn(async move {
                store.take_lease("reminders", &format!("p{i}"), when, when + hour).await.unwrap()
            }));
        }
        let mut taken = 0;
        for a in asks {
            taken += usize::from(a.await.unwrap());
        }
        assert_eq!(taken, 1, "{n}: one of eight concurrent processes holds the lease");
    })
    .await;
}
