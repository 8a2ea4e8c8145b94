//! The action plan and the year wheel.

use domain::calendar::{ActivityInput, Concerns, Recurrence};
use domain::org::OrgKind;
use domain::plan::{ActionInput, ActionStatus, Origin};
use domain::review::{DecisionInput, DecisionKind};
use store::{OrgScope, Store};
use uuid::Uuid;

use crate::common::*;

pub fn action(title: &str) -> ActionInput {
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

pub fn decision(kind: DecisionKind, text: &str) -> DecisionInput {
    DecisionInput {
        kind,
        text: text.into(),
        responsible: "Kommundirektören".into(),
        deadline: d("2027-12-31"),
        document_id: None,
    }
}

pub async fn kommun(s: &Store) -> (Uuid, Uuid) {
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
        assert_eq!(s.list_actions(&OrgScope::Org(k)).await.unwrap().len(), 0, "{n}: listing is by organisation");
        assert_eq!(s.list_actions(&OrgScope::Subtree(k)).await.unwrap().len(), 1, "{n}");
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
        assert_eq!(s.list_activities(&OrgScope::Org(k)).await.unwrap()[0].data, input, "{n}");
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
