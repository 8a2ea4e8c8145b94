//! Users and role assignments, passwords, the first administrator.

use domain::user::{Language, PersonName, Role};
use store::{Actor, OrgScope, UserUpdate};
use uuid::Uuid;

use crate::common::*;

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

#[tokio::test]
async fn users_page_reads_one_scoped_page_and_role_holders_follow_scope() {
    run("users_page_reads_one_scoped_page_and_role_holders_follow_scope", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let kommun = add_org(s, "Exempla kommun", None).await;
        let unit = add_org(s, "Skolförvaltningen", Some(kommun.id)).await;
        let other = add_org(s, "Annan kommun", None).await;
        let mk = |email: &'static str, name: &'static str| async move {
            s.insert_user(&admin(), new_user(email, name), None).await.unwrap()
        };
        let ciso = mk("ciso@exempla.se", "Cecilia Ek").await;
        s.insert_assignment(&admin(), ciso.id, role(Role::Ciso, Some(kommun.id))).await.unwrap();
        let coord = mk("samordnare@exempla.se", "Bo 100%_Berg").await;
        s.insert_assignment(&admin(), coord.id, role(Role::Coordinator, Some(unit.id))).await.unwrap();
        let outside = mk("anna@annan.se", "Anna Annan").await;
        s.insert_assignment(&admin(), outside.id, role(Role::Coordinator, Some(other.id))).await.unwrap();
        let roleless = mk("ingen@exempla.se", "Ingen Roll").await;
        let åsa = mk("asa@exempla.se", "Åsa Öberg [IT]*").await;
        s.insert_assignment(&admin(), åsa.id, role(Role::Owner, Some(unit.id))).await.unwrap();

        // Everything: every account, also one without roles, by name.
        let (all, total) = s.users_page(&OrgScope::All, "", 0, 10).await.unwrap();
        let names: Vec<&str> = all.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["Anna Annan", "Bo 100%_Berg", "Cecilia Ek", "Ingen Roll", "Åsa Öberg [IT]*"], "{n}");
        assert_eq!(total, 5, "{n}");
        // Pages: two at a time, the total unchanged.
        let (p2, total) = s.users_page(&OrgScope::All, "", 2, 2).await.unwrap();
        assert_eq!(p2.iter().map(|u| u.id).collect::<Vec<_>>(), [ciso.id, roleless.id], "{n}");
        assert_eq!(total, 5, "{n}");
        // The kommun's subtree: its CISO and the unit's coordinator, not the
        // other kommun's, not the account without roles.
        let (mine, total) = s.users_page(&OrgScope::Subtree(kommun.id), "", 0, 10).await.unwrap();
        assert_eq!(mine.iter().map(|u| u.id).collect::<Vec<_>>(), [coord.id, ciso.id, åsa.id], "{n}");
        assert_eq!(total, 3, "{n}");
        // As the CISO's own scope says it (its roles' subtrees).
        let scope = OrgScope::Roles { user_id: ciso.id, roles: vec!["ciso"], and_above: false };
        let (mine, _) = s.users_page(&scope, "", 0, 10).await.unwrap();
        assert_eq!(mine.iter().map(|u| u.id).collect::<Vec<_>>(), [coord.id, ciso.id, åsa.id], "{n}");
        // Search on name or e-mail, any case; % and _ are taken literally.
        let (hit, total) = s.users_page(&OrgScope::All, "CECILIA", 0, 10).await.unwrap();
        assert_eq!((hit.iter().map(|u| u.id).collect::<Vec<_>>(), total), (vec![ciso.id], 1), "{n}");
        let (hit, _) = s.users_page(&OrgScope::All, "annan.se", 0, 10).await.unwrap();
        assert_eq!(hit.iter().map(|u| u.id).collect::<Vec<_>>(), [outside.id], "{n}");
        let (hit, _) = s.users_page(&OrgScope::All, "100%_", 0, 10).await.unwrap();
        assert_eq!(hit.iter().map(|u| u.id).collect::<Vec<_>>(), [coord.id], "{n}: literal % and _");
        let (hit, total) = s.users_page(&OrgScope::All, "%", 0, 10).await.unwrap();
        assert_eq!((hit.len(), total), (1, 1), "{n}: a lone % matches only a literal %");
        // Swedish letters in either case, on both backends; * ? [ ] literally.
        for q in ["öberg", "ÅSA ö", "[it]*", " Öberg "] {
            let (hit, _) = s.users_page(&OrgScope::All, q, 0, 10).await.unwrap();
            assert_eq!(hit.iter().map(|u| u.id).collect::<Vec<_>>(), [åsa.id], "{n}: {q:?}");
        }
        for q in ["*", "?", "[", "]", "[i]"] {
            let (hit, _) = s.users_page(&OrgScope::All, q, 0, 10).await.unwrap();
            let want: Vec<Uuid> = if matches!(q, "[i]" | "?") { vec![] } else { vec![åsa.id] };
            assert_eq!(hit.iter().map(|u| u.id).collect::<Vec<_>>(), want, "{n}: {q:?} is literal");
        }
        let (hit, total) = s.users_page(&OrgScope::Subtree(kommun.id), "anna", 0, 10).await.unwrap();
        assert_eq!((hit.len(), total), (0, 0), "{n}: search never widens the scope");
        assert_eq!(s.users_page(&OrgScope::Nothing, "", 0, 10).await.unwrap(), (vec![], 0), "{n}");

        // Their roles, for a page of users.
        let roles = s.assignments_of(&[ciso.id, coord.id]).await.unwrap();
        assert_eq!(roles.len(), 2, "{n}");
        assert!(roles.iter().all(|a| a.user_id == ciso.id || a.user_id == coord.id), "{n}");
        assert!(s.assignments_of(&[]).await.unwrap().is_empty());

        // Role holders: coordinators in the kommun's subtree, with name and state.
        let h = s.role_holders(&OrgScope::Subtree(kommun.id), Some(Role::Coordinator)).await.unwrap();
        assert_eq!(h.len(), 1, "{n}");
        assert_eq!((h[0].assignment.user_id, h[0].name.as_str(), h[0].active), (coord.id, "Bo 100%_Berg", true));
        let h = s.role_holders(&OrgScope::Org(kommun.id), None).await.unwrap();
        assert_eq!(h.iter().map(|h| h.assignment.user_id).collect::<Vec<_>>(), [ciso.id], "{n}: only the org itself");
        assert!(s.role_holders(&OrgScope::Nothing, None).await.unwrap().is_empty());
    })
    .await;
}
