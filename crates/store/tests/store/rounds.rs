//! Follow-up rounds: invitations, responses, withdrawal, closing, mappings.

use std::collections::BTreeMap;

use domain::assessment::Period;
use domain::org::OrgKind;
use domain::round::{InviteeStatus, Mapping, Phase, RoundInput, SharedResult, SizeClass};
use store::{NewResponse, OrgScope, Store};
use uuid::Uuid;

use crate::common::*;

fn input(name: &str) -> RoundInput {
    RoundInput {
        name: name.into(),
        period: 2026,
        opens_on: d("2026-09-01"),
        closes_on: d("2026-10-31"),
        message: "Svara senast 31 oktober.".into(),
        k: 5,
        remind_days: 7,
    }
}

fn response(level: u8, share: f64, answers: bool) -> NewResponse {
    NewResponse {
        assessment_id: None,
        kind: "municipality".into(),
        employees: 1200,
        result: SharedResult {
            level,
            areas: [("styrning".to_owned(), share)].into_iter().collect(),
            levels: [(1u8, 1.0), (2, share)].into_iter().collect(),
            blockers: vec!["q7".into()],
        },
        answers: answers.then(|| [("q1".to_owned(), "yes".to_owned())].into_iter().collect::<BTreeMap<_, _>>()),
    }
}

async fn audit_len(s: &Store) -> u64 {
    s.verify_audit().await.unwrap().unwrap()
}

async fn setup(s: &Store) -> (Uuid, Vec<Uuid>, Uuid) {
    let c = s.insert_org(&admin(), new_org("Nationell samordning", OrgKind::Coordinator, None)).await.unwrap();
    let mut orgs = Vec::new();
    for name in ["Avik kommun", "Bstad kommun", "Cby kommun"] {
        orgs.push(s.insert_org(&admin(), new_org(name, OrgKind::Municipality, None)).await.unwrap().id);
    }
    let m = s.insert_model(&admin(), "lisa-grund", 1, "Lisa grund", "source").await.unwrap();
    (c.id, orgs, m.id)
}

#[tokio::test]
async fn rounds_invite_submit_withdraw_and_close() {
    run("rounds_invite_submit_withdraw_and_close", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (c, orgs, model) = setup(s).await;
        let before = audit_len(s).await;
        assert!(s.insert_round(&admin(), c, model, input("Tom"), &[]).await.is_err(), "{n}: a round needs invitees");
        assert!(s.insert_round(&admin(), c, Uuid::now_v7(), input("X"), &orgs).await.is_err(), "{n}: unknown model");
        assert_eq!(audit_len(s).await, before, "{n}: refused rounds leave no trace");

        let r =
            s.insert_round(&admin(), c, model, input("Uppföljning 2026"), &[orgs[0], orgs[1], orgs[1]]).await.unwrap();
        assert_eq!(s.find_round(r.id).await.unwrap().unwrap(), r, "{n}: reads back the same");
        assert_eq!(r.phase(d("2026-09-02")), Phase::Open);
        assert_eq!(s.list_rounds_of(&OrgScope::Org(c)).await.unwrap().len(), 1, "{n}");
        assert!(s.list_rounds_of(&OrgScope::Org(orgs[0])).await.unwrap().is_empty(), "{n}");
        let invitees = s.list_invitees(r.id).await.unwrap();
        assert_eq!(invitees.len(), 2, "{n}: duplicates are invited once");
        assert!(invitees.iter().all(|i| i.status == InviteeStatus::NotStarted), "{n}");

        // An assessment for the period makes the invitee a draft.
        s.insert_assessment(&admin(), orgs[0], model, Period::new(2026).unwrap(), None).await.unwrap();
        let inv = s.list_invitations(&OrgScope::Org(orgs[0])).await.unwrap();
        assert_eq!(inv.len(), 1, "{n}");
        assert_eq!(inv[0].status, InviteeStatus::Draft, "{n}");
        assert!(
            s.list_invitations(&OrgScope::Org(orgs[2])).await.unwrap().is_empty(),
            "{n}: not invited, sees nothing"
        );

        // Only invitees can submit.
        assert!(matches!(
            s.submit_response(&admin(), r.id, orgs[2], response(2, 0.5, false)).await,
            Err(store::StoreError::NotFound)
        ));
        s.submit_response(&admin(), r.id, orgs[0], response(2, 0.5, false)).await.unwrap();
        s.submit_response(&admin(), r.id, orgs[1], response(1, 0.3, true)).await.unwrap();
        // Submitting again replaces the result.
        s.submit_response(&admin(), r.id, orgs[0], response(3, 0.8, false)).await.unwrap();
        let shared = s.list_shared(r.id).await.unwrap();
        assert_eq!(shared.len(), 2, "{n}");
        let a = shared.iter().find(|x| x.org_id == orgs[0]).unwrap();
        assert_eq!((a.result.level, a.size_class), (3, SizeClass::Large), "{n}");
        // Read together (SQLite joins the rows into one text), each shared
        // result is the response as read alone.
        for x in &shared {
            let alone = s.find_response(r.id, x.org_id).await.unwrap().unwrap();
            assert_eq!(
                (&x.kind, x.size_class, &x.result, x.submitted_at),
                (&alone.kind, alone.size_class, &alone.result, alone.submitted_at),
                "{n}"
            );
        }
        let b = s.find_response(r.id, orgs[1]).await.unwrap().unwrap();
        assert!(b.answers.is_some(), "{n}: answers shared by choice are kept");
        assert!(s.find_response(r.id, orgs[0]).await.unwrap().unwrap().answers.is_none(), "{n}");

        // Withdrawing removes the result from every figure and drops shared answers.
        s.withdraw_response(&admin(), r.id, orgs[1]).await.unwrap();
        assert!(s.withdraw_response(&admin(), r.id, orgs[1]).await.is_err(), "{n}: nothing left to withdraw");
        assert_eq!(s.list_shared(r.id).await.unwrap().len(), 1, "{n}");
        let w = s.find_response(r.id, orgs[1]).await.unwrap().unwrap();
        assert_eq!(w.status, InviteeStatus::Withdrawn, "{n}");
        assert!(w.answers.is_none(), "{n}");
        assert_eq!(s.count_responses(&[r.id]).await.unwrap(), vec![(r.id, 2, 1)], "{n}: invited and submitted");
        let ids = s.list_respondent_ids(&[r.id]).await.unwrap();
        assert_eq!(ids, vec![(r.id, orgs[0])], "{n}");

        // Reminders are recorded once per invitee.
        assert!(s.record_reminder(r.id, orgs[1], 1).await.unwrap(), "{n}");
        assert!(!s.record_reminder(r.id, orgs[1], 1).await.unwrap(), "{n}");
        assert!(s.list_invitees(r.id).await.unwrap().iter().any(|i| i.reminded_at.is_some()), "{n}");
        assert_eq!(s.list_open_rounds(d("2026-10-01")).await.unwrap().len(), 1, "{n}");

        let closed = s.close_round(&admin(), r.id).await.unwrap();
        assert_eq!(closed.phase(d("2026-09-02")), Phase::Closed, "{n}");
        assert!(s.close_round(&admin(), r.id).await.is_err(), "{n}: closed once");
        assert!(s.list_open_rounds(d("2026-10-01")).await.unwrap().is_empty(), "{n}");
        // An invited organisation cannot be deleted from under its round.
        assert!(s.delete_org(&admin(), orgs[2]).await.is_ok(), "{n}: an organisation never invited can go");
        assert!(s.delete_org(&admin(), orgs[1]).await.is_err(), "{n}");
        assert!(s.verify_audit().await.unwrap().is_ok(), "{n}: the audit chain holds");
    })
    .await;
}

#[tokio::test]
async fn rounds_generated_in_bulk_and_mappings() {
    run("rounds_generated_in_bulk_and_mappings", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (c, _, model) = setup(s).await;
        let many: Vec<store::NewOrg> =
            (0..1200).map(|i| new_org(&format!("Kommun {i:04}"), OrgKind::Municipality, None)).collect();
        let orgs = s.insert_orgs_bulk(&admin(), many).await.unwrap();
        assert_eq!(orgs.len(), 1200, "{n}");
        let now = domain::now();
        let round = store::Round {
            id: Uuid::now_v7(),
            org_id: c,
            model_id: model,
            data: input("Genererad"),
            closed_at: Some(now),
            created_by: "demo".into(),
            created_at: now,
            updated_at: now,
        };
        let ids: Vec<Uuid> = orgs.iter().map(|o| o.id).collect();
        let responses: Vec<(Uuid, NewResponse)> =
            ids.iter().take(1000).enumerate().map(|(i, id)| (*id, response((i % 5) as u8, 0.5, false))).collect();
        s.insert_generated_round(&admin(), &round, &ids, &responses).await.unwrap();
        assert_eq!(s.list_shared(round.id).await.unwrap().len(), 1000, "{n}");
        assert_eq!(s.list_invitees(round.id).await.unwrap().len(), 1200, "{n}");

        let m2 = s.insert_model(&admin(), "lisa-grund", 2, "Lisa grund 2", "source").await.unwrap();
        let mapping =
            Mapping::parse("from = \"lisa-grund@1\"\nto = \"lisa-grund@2\"\n[questions]\nq1 = \"q1\"\n").unwrap();
        s.insert_mapping(&admin(), model, m2.id, &mapping).await.unwrap();
        s.insert_mapping(&admin(), model, m2.id, &mapping).await.unwrap();
        let all = s.list_mappings().await.unwrap();
        assert_eq!(all.len(), 1, "{n}: a new mapping replaces the old one");
        assert_eq!(all[0].mapping, mapping, "{n}");
        assert!(s.verify_audit().await.unwrap().is_ok(), "{n}");
    })
    .await;
}

#[tokio::test]
async fn a_round_s_invitees_are_read_a_page_at_a_time_filtered_and_counted() {
    run("a_round_s_invitees_are_read_a_page_at_a_time_filtered_and_counted", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (c, mut orgs, model) = setup(s).await;
        for name in ["Östra Göinge kommun", "Åsele kommun", "Älvdalens kommun", "Dstad 100% kommun"] {
            orgs.push(s.insert_org(&admin(), new_org(name, OrgKind::Municipality, None)).await.unwrap().id);
        }
        let r = s.insert_round(&admin(), c, model, input("Uppföljning 2026"), &orgs).await.unwrap();
        // Avik: draft; Bstad: submitted; Cby: withdrawn; the rest not started.
        s.insert_assessment(&admin(), orgs[0], model, Period::new(2026).unwrap(), None).await.unwrap();
        s.submit_response(&admin(), r.id, orgs[1], response(2, 0.5, false)).await.unwrap();
        s.submit_response(&admin(), r.id, orgs[2], response(1, 0.3, false)).await.unwrap();
        s.withdraw_response(&admin(), r.id, orgs[2]).await.unwrap();

        let all = s.invitees_page(&r, None, "", 0, 3).await.unwrap();
        assert_eq!(all.matching, 7, "{n}");
        let names: Vec<&str> = all.rows.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Avik kommun", "Bstad kommun", "Cby kommun"], "{n}: by name, one page");
        let count = |st| all.counts.iter().find(|(x, _)| *x == st).map_or(0, |(_, k)| *k);
        assert_eq!(
            [InviteeStatus::NotStarted, InviteeStatus::Draft, InviteeStatus::Submitted, InviteeStatus::Withdrawn]
                .map(count),
            [4, 1, 1, 1],
            "{n}: the whole round's counts, whatever the page"
        );
        assert_eq!(all.rows[0].status, InviteeStatus::Draft, "{n}");
        assert_eq!(all.rows[0].kind, OrgKind::Municipality, "{n}");
        // The whole round on one page: the same counts, read from the page.
        let whole = s.invitees_page(&r, None, "", 0, 50).await.unwrap();
        assert_eq!((whole.matching, whole.rows.len()), (7, 7), "{n}");
        let mut a = all.counts.clone();
        let mut b = whole.counts.clone();
        a.sort_by_key(|(st, _)| st.code());
        b.sort_by_key(|(st, _)| st.code());
        assert_eq!(a, b, "{n}: counts from the page equal the counted ones");
        let last = s.invitees_page(&r, None, "", 6, 3).await.unwrap();
        assert_eq!(last.rows.len(), 1, "{n}: the last page");

        let submitted = s.invitees_page(&r, Some(InviteeStatus::Submitted), "", 0, 50).await.unwrap();
        assert_eq!((submitted.matching, submitted.rows[0].org_id), (1, orgs[1]), "{n}");
        let not_started = s.invitees_page(&r, Some(InviteeStatus::NotStarted), "", 0, 50).await.unwrap();
        assert_eq!(not_started.matching, 4, "{n}");
        // A filtered list of several pages is counted on every page.
        for offset in [0, 2, 4] {
            let p = s.invitees_page(&r, Some(InviteeStatus::NotStarted), "kommun", offset, 2).await.unwrap();
            assert_eq!((p.matching, p.rows.len()), (4, if offset < 4 { 2 } else { 0 }), "{n}: from {offset}");
        }
        let found = s.invitees_page(&r, None, "öSTRA gö", 0, 50).await.unwrap();
        assert_eq!(
            found.rows.iter().map(|i| i.org_id).collect::<Vec<_>>(),
            [orgs[3]],
            "{n}: any case, Swedish letters"
        );
        let found = s.invitees_page(&r, None, "ÅSELE", 0, 50).await.unwrap();
        assert_eq!(found.matching, 1, "{n}");
        let found = s.invitees_page(&r, None, "100%", 0, 50).await.unwrap();
        assert_eq!(found.matching, 1, "{n}: % is a letter");
        for wild in ["%", "_", "*", "?", "[a-z]"] {
            let found = s.invitees_page(&r, None, wild, 0, 50).await.unwrap();
            assert_eq!(found.matching, i64::from(wild == "%"), "{n}: {wild} is no wildcard");
        }
        let none = s.invitees_page(&r, Some(InviteeStatus::Submitted), "Avik", 0, 50).await.unwrap();
        assert_eq!((none.matching, none.rows.len(), none.counts.len()), (0, 0, 4), "{n}: both filters apply");
    })
    .await;
}
