//! The incident register: incidents, their timeline, notifications,
//! escalations sent once, the NIS class, and who reaches which incident.

use chrono::{DateTime, Utc};
use domain::authz::{Assignment, Permission, Principal};
use domain::incident::duties::{Alert, NisClass, Step};
use domain::incident::{Aspect, Category, IncidentInput, ReportInput, Severity, Status};
use domain::org::OrgKind;
use domain::user::Role;
use store::{IncidentFilter, IncidentScope, OrgScope};
use uuid::Uuid;

use crate::common::*;
use crate::plans::kommun;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn incident(org: Uuid, title: &str, personal_data: bool) -> IncidentInput {
    IncidentInput {
        title: title.into(),
        description: "Ett e-brev med en klasslista skickades till fel mottagare.".into(),
        occurred_at: Some(t("2026-03-10T07:15:00Z")),
        discovered_at: t("2026-03-10T08:40:00Z"),
        category: Category::InformationLoss,
        aspects: vec![Aspect::Confidentiality, Aspect::Integrity],
        personal_data,
        severity: Severity::Serious,
        responsible: "Rektor".into(),
        lessons: String::new(),
        org_id: org,
    }
}

#[tokio::test]
async fn an_incident_its_timeline_and_notifications_are_kept_whole() {
    run("an_incident_its_timeline_and_notifications_are_kept_whole", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        // An unknown organisation: refused, nothing written.
        let before = s.verify_audit().await.unwrap().unwrap();
        let bad = s.insert_incident(&admin(), incident(Uuid::now_v7(), "Fel", false)).await;
        assert_conflict(n, bad, "org_id", "error-org-unknown");
        assert_eq!(s.verify_audit().await.unwrap().unwrap(), before, "{n}: nothing written");

        let i = s.insert_incident(&admin(), incident(f, "Felskickat e-brev", true)).await.unwrap();
        assert_eq!(
            (i.status, i.closed_at, i.created_by.as_str()),
            (Status::Registered, None, "admin@exempla.se"),
            "{n}"
        );
        assert_eq!(s.find_incident(i.id).await.unwrap().unwrap(), i, "{n}: reads back the same");
        assert_eq!(i.data, incident(f, "Felskickat e-brev", true), "{n}");

        let mut changed = incident(k, "Felskickat e-brev med elevuppgifter", true);
        changed.occurred_at = None;
        changed.aspects = vec![Aspect::Traceability];
        changed.severity = Severity::Critical;
        changed.lessons = "Kontrollera mottagaren före sändning.".into();
        let u = s.update_incident(&admin(), i.id, changed.clone()).await.unwrap();
        assert_eq!((u.data.clone(), u.registered_at), (changed, i.registered_at), "{n}");
        assert_not_found(n, s.update_incident(&admin(), Uuid::now_v7(), incident(k, "X", false)).await);

        // The timeline, oldest first.
        let e1 = s.add_incident_entry(&admin(), i.id, "Mottagaren kontaktad.").await.unwrap();
        let e2 = s.add_incident_entry(&admin(), i.id, "Brevet raderat hos mottagaren.").await.unwrap();
        assert_eq!(s.incident_entries(i.id).await.unwrap(), vec![e1, e2], "{n}");
        assert_not_found(n, s.add_incident_entry(&admin(), Uuid::now_v7(), "x").await);

        // A notification, corrected later: one row per step.
        let imy = ReportInput {
            at: Some(t("2026-03-11T15:00:00Z")),
            not_required: false,
            reference: "IMY-2026-1".into(),
            note: String::new(),
        };
        s.record_incident_report(&admin(), i.id, Step::GdprNotify, imy.clone()).await.unwrap();
        let fixed = ReportInput { reference: "IMY-2026-1234".into(), ..imy };
        s.record_incident_report(&admin(), i.id, Step::GdprNotify, fixed.clone()).await.unwrap();
        let none = ReportInput { at: None, not_required: true, reference: String::new(), note: "Ej betydande.".into() };
        s.record_incident_report(&admin(), i.id, Step::MsbFirst, none.clone()).await.unwrap();
        let reports = s.incident_reports(i.id).await.unwrap();
        let got: Vec<(Step, ReportInput)> = reports.into_iter().map(|r| (r.step, r.data)).collect();
        assert_eq!(got, vec![(Step::GdprNotify, fixed), (Step::MsbFirst, none)], "{n}");

        // Closing sets the closing time; reopening clears it; a stale move is refused.
        let c = s.set_incident_status(&admin(), i.id, Status::Registered, Status::Closed).await.unwrap();
        assert!(c.status == Status::Closed && c.closed_at.is_some(), "{n}");
        let stale = s.set_incident_status(&admin(), i.id, Status::Registered, Status::Remedied).await;
        assert_conflict(n, stale, "status", "error-incident-status-changed");
        let same = s.set_incident_status(&admin(), i.id, Status::Closed, Status::Closed).await;
        assert_conflict(n, same, "status", "error-incident-same-status");
        let r = s.set_incident_status(&admin(), i.id, Status::Closed, Status::Investigating).await.unwrap();
        assert_eq!((r.status, r.closed_at), (Status::Investigating, None), "{n}");

        let acts = actions(s).await;
        for a in ["incident.create", "incident.update", "incident.entry", "incident.report", "incident.status"] {
            assert!(acts.iter().any(|x| x == a), "{n}: {a} in the audit log");
        }
        assert_eq!(acts.iter().filter(|a| *a == "incident.report").count(), 3, "{n}");
        assert!(s.verify_audit().await.unwrap().is_ok(), "{n}: the chain holds");
    })
    .await;
}

#[tokio::test]
async fn the_database_refuses_what_must_never_be_stored() {
    run("the_database_refuses_what_must_never_be_stored", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (_, f) = kommun(s).await;
        let i = s.insert_incident(&admin(), incident(f, "Driftstopp", false)).await.unwrap();
        let id = if db.is_postgres() { format!("'{}'", i.id) } else { format!("X'{}'", i.id.simple()) };
        for (what, sql) in [
            ("a status", format!("UPDATE incidents SET status = 'lost' WHERE id = {id}")),
            ("a category", format!("UPDATE incidents SET category = 'theft' WHERE id = {id}")),
            ("a severity", format!("UPDATE incidents SET severity = 'huge' WHERE id = {id}")),
            ("closed without a time", format!("UPDATE incidents SET status = 'closed' WHERE id = {id}")),
            ("an empty title", format!("UPDATE incidents SET title = '' WHERE id = {id}")),
            (
                "a report without a time",
                format!(
                    "INSERT INTO incident_reports (incident_id, step, at, not_required, reference, note, recorded_by, \
                     recorded_at) VALUES ({id}, 'msb_first', NULL, {}, '', '', 'x', '2026-01-01T00:00:00Z')",
                    if db.is_postgres() { "FALSE" } else { "0" }
                ),
            ),
            ("a NIS class", "UPDATE orgs SET nis_class = 'critical'".to_owned()),
        ] {
            assert!(db.raw_execute(&sql).await.is_err(), "{n}: {what} refused");
        }
    })
    .await;
}

#[tokio::test]
async fn a_dpo_reaches_only_personal_data_incidents_and_others_their_subtrees() {
    run("a_dpo_reaches_only_personal_data_incidents_and_others_their_subtrees", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let school = s.insert_org(&admin(), new_org("Skolan", OrgKind::Unit, Some(k))).await.unwrap().id;
        let other = s.insert_org(&admin(), new_org("Grannkommunen", OrgKind::Municipality, None)).await.unwrap().id;
        let breach = s.insert_incident(&admin(), incident(f, "Personuppgiftsincident", true)).await.unwrap();
        let outage = s.insert_incident(&admin(), incident(f, "Driftstopp", false)).await.unwrap();
        let at_school = s.insert_incident(&admin(), incident(school, "Nätfiske", false)).await.unwrap();
        let elsewhere = s.insert_incident(&admin(), incident(other, "Grannens incident", true)).await.unwrap();

        let ids = |v: Vec<store::Incident>| {
            let mut v: Vec<Uuid> = v.into_iter().map(|i| i.id).collect();
            v.sort();
            v
        };
        let sorted = |mut v: Vec<Uuid>| {
            v.sort();
            v
        };
        let all = IncidentFilter::default();

        // A DPO of the kommun who coordinates the school.
        let u = add_user(s, "dso@exempla.se", Some(role(Role::Dpo, Some(k)))).await;
        s.insert_assignment(&admin(), u.id, role(Role::Coordinator, Some(school))).await.unwrap();
        let p = Principal::new(
            u.id,
            vec![
                Assignment { role: Role::Dpo, org_id: Some(k) },
                Assignment { role: Role::Coordinator, org_id: Some(school) },
            ],
        );
        let scope = IncidentScope::of(&p, Permission::ViewIncidents);
        assert_eq!(scope.personal_data, OrgScope::Roles { user_id: u.id, roles: vec!["dpo"], and_above: false }, "{n}");
        let seen = ids(s.list_incidents(&scope, &all).await.unwrap());
        assert_eq!(seen, sorted(vec![breach.id, at_school.id]), "{n}: personal data in the kommun, all at the school");

        // A CISO of the kommun sees all of it, and the filters narrow.
        let c = add_user(s, "ciso@exempla.se", Some(role(Role::Ciso, Some(k)))).await;
        let cp = Principal::new(c.id, vec![Assignment { role: Role::Ciso, org_id: Some(k) }]);
        let cs = IncidentScope::of(&cp, Permission::ViewIncidents);
        assert_eq!(cs.personal_data, OrgScope::Nothing, "{n}");
        let seen = ids(s.list_incidents(&cs, &all).await.unwrap());
        assert_eq!(seen, sorted(vec![breach.id, outage.id, at_school.id]), "{n}");
        let narrow = |f: IncidentFilter| {
            let cs = cs.clone();
            async move { ids(s.list_incidents(&cs, &f).await.unwrap()) }
        };
        assert_eq!(narrow(IncidentFilter { org: Some(school), ..Default::default() }).await, vec![at_school.id], "{n}");
        assert_eq!(narrow(IncidentFilter { personal_data: Some(true), ..Default::default() }).await, vec![breach.id]);
        let from = Some(t("2026-03-10T08:40:00Z"));
        assert_eq!(narrow(IncidentFilter { from, ..Default::default() }).await.len(), 3, "{n}: from is inclusive");
        assert!(narrow(IncidentFilter { to: from, ..Default::default() }).await.is_empty(), "{n}: to is exclusive");
        assert!(narrow(IncidentFilter { category: Some(Category::Attack), ..Default::default() }).await.is_empty());
        assert_eq!(narrow(IncidentFilter { severity: Some(Severity::Serious), ..Default::default() }).await.len(), 3);
        s.set_incident_status(&admin(), outage.id, Status::Registered, Status::Closed).await.unwrap();
        assert_eq!(narrow(IncidentFilter { open: true, ..Default::default() }).await.len(), 2, "{n}");
        assert_eq!(
            narrow(IncidentFilter { status: Some(Status::Closed), ..Default::default() }).await,
            vec![outage.id]
        );

        // Management sees; an analyst reaches nothing.
        let a = Principal::new(c.id, vec![Assignment { role: Role::Analyst, org_id: Some(k) }]);
        assert!(IncidentScope::of(&a, Permission::ViewIncidents).is_nothing(), "{n}");
        assert!(s.list_incidents(&IncidentScope::nothing(), &all).await.unwrap().is_empty(), "{n}");

        // The compilation's facts: the kommun's subtree, in the period, as the scope allows.
        let facts = s.incident_facts(&scope, k, t("2026-01-01T00:00:00Z"), t("2027-01-01T00:00:00Z")).await.unwrap();
        let got = sorted(facts.iter().map(|x| x.incident.id).collect());
        assert_eq!(got, sorted(vec![breach.id, at_school.id]), "{n}: not {}", elsewhere.data.title);
    })
    .await;
}

#[tokio::test]
async fn an_escalation_is_recorded_once_and_the_nis_class_is_kept() {
    run("an_escalation_is_recorded_once_and_the_nis_class_is_kept", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let i = s.insert_incident(&admin(), incident(f, "Ransomware", false)).await.unwrap();
        let old = s.insert_incident(&admin(), incident(f, "Gammal", false)).await.unwrap();
        let closed = s.insert_incident(&admin(), incident(f, "Stängd", false)).await.unwrap();
        s.set_incident_status(&admin(), closed.id, Status::Registered, Status::Closed).await.unwrap();
        let mut earlier = old.data.clone();
        earlier.discovered_at = t("2025-01-01T00:00:00Z");
        earlier.occurred_at = None;
        s.update_incident(&admin(), old.id, earlier).await.unwrap();
        s.record_incident_report(
            &admin(),
            i.id,
            Step::NisEarlyWarning,
            ReportInput {
                at: Some(t("2026-03-10T20:00:00Z")),
                not_required: false,
                reference: "CERT".into(),
                note: String::new(),
            },
        )
        .await
        .unwrap();

        let open = s.open_incidents_for_alerts(t("2026-01-01T00:00:00Z")).await.unwrap();
        assert_eq!(open.iter().map(|x| x.incident.id).collect::<Vec<_>>(), vec![i.id], "{n}: not closed, not older");
        assert_eq!(open[0].reports.len(), 1, "{n}: with its notifications");

        // Two processes race: one records it.
        let (a, b) = tokio::join!(
            s.record_incident_alert(i.id, Step::NisNotification, Alert::Near, 2),
            s.record_incident_alert(i.id, Step::NisNotification, Alert::Near, 2)
        );
        assert_eq!(u8::from(a.unwrap()) + u8::from(b.unwrap()), 1, "{n}: sent once");
        assert!(s.record_incident_alert(i.id, Step::NisNotification, Alert::Missed, 0).await.unwrap(), "{n}");
        let sent = s.incident_alerts(i.id).await.unwrap();
        assert_eq!(sent.iter().map(|a| (a.step, a.alert)).collect::<Vec<_>>().len(), 2, "{n}");
        assert_eq!(actions(s).await.iter().filter(|a| *a == "incident.alert").count(), 2, "{n}");

        assert_eq!(s.org_nis_class(k).await.unwrap(), None, "{n}");
        s.set_org_nis_class(&admin(), k, Some(NisClass::Essential)).await.unwrap();
        assert_eq!(s.org_nis_class(k).await.unwrap(), Some(NisClass::Essential), "{n}");
        assert_eq!(s.nis_classes().await.unwrap(), vec![(k, NisClass::Essential)], "{n}");
        s.set_org_nis_class(&admin(), k, None).await.unwrap();
        assert!(s.nis_classes().await.unwrap().is_empty(), "{n}");
        assert_not_found(n, s.org_nis_class(Uuid::now_v7()).await);
        assert_not_found(n, s.set_org_nis_class(&admin(), Uuid::now_v7(), None).await);
        assert_eq!(actions(s).await.iter().filter(|a| *a == "org.nis_class").count(), 2, "{n}");
        assert!(s.find_org(k).await.unwrap().is_some(), "{n}: the org still reads with its new column");
    })
    .await;
}
