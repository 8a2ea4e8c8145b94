//! A round's open/closed rule is checked inside the write's transaction, on
//! SQLite and PostgreSQL (see `common/mod.rs`): once the coordinator has
//! closed a round, no submission or withdrawal gets in, and a refused one
//! writes nothing — not even when it races the close.

use chrono::NaiveDate;

use crate::common::*;
use domain::org::OrgKind;
use domain::round::{InviteeStatus, RoundInput, SharedResult};
use store::{NewResponse, Store};
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn input() -> RoundInput {
    RoundInput {
        name: "Uppföljning 2026".into(),
        period: 2026,
        opens_on: d("2026-09-01"),
        closes_on: d("2026-10-31"),
        message: String::new(),
        k: 3,
        remind_days: 7,
    }
}

fn response(level: u8) -> NewResponse {
    NewResponse {
        assessment_id: None,
        kind: "municipality".into(),
        employees: 120,
        result: SharedResult {
            level,
            areas: [("styrning".to_owned(), 0.5)].into_iter().collect(),
            levels: [(1u8, 1.0)].into_iter().collect(),
            blockers: Vec::new(),
        },
        answers: None,
    }
}

/// A coordinator, two invited kommuner and a round inviting both.
async fn setup(s: &Store) -> (store::Round, Uuid, Uuid) {
    let c = s.insert_org(&admin(), new_org("Nationell samordning", OrgKind::Coordinator, None)).await.unwrap();
    let a = s.insert_org(&admin(), new_org("Avik kommun", OrgKind::Municipality, None)).await.unwrap();
    let b = s.insert_org(&admin(), new_org("Bstad kommun", OrgKind::Municipality, None)).await.unwrap();
    let m = s.insert_model(&admin(), "lisa-grund", 1, "Lisa grund", "source").await.unwrap();
    let r = s.insert_round(&admin(), c.id, m.id, input(), &[a.id, b.id]).await.unwrap();
    (r, a.id, b.id)
}

#[tokio::test]
async fn a_closed_round_refuses_submissions_and_withdrawals() {
    run("a_closed_round_refuses_submissions_and_withdrawals", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (r, avik, bstad) = setup(s).await;
        s.submit_response(&admin(), r.id, avik, response(2)).await.unwrap();
        s.close_round(&admin(), r.id).await.unwrap();

        let before = db.snapshot().await;
        let avik_before = s.find_response(r.id, avik).await.unwrap();
        assert_conflict(
            n,
            s.submit_response(&admin(), r.id, bstad, response(3)).await,
            "status",
            "error-round-not-open",
        );
        assert_conflict(
            n,
            s.submit_response(&admin(), r.id, avik, response(4)).await,
            "status",
            "error-round-not-open",
        );
        assert_conflict(n, s.withdraw_response(&admin(), r.id, avik).await, "status", "error-round-not-open");

        assert_eq!(db.snapshot().await, before, "{n}: refused writes leave no audit entry");
        assert_eq!(s.find_response(r.id, avik).await.unwrap(), avik_before, "{n}: the submitted result stands");
        assert_eq!(s.find_response(r.id, bstad).await.unwrap(), None, "{n}: nothing submitted after closing");
        let shared = s.list_shared(r.id).await.unwrap();
        assert_eq!(shared.len(), 1, "{n}");
        assert_eq!(shared[0].result.level, 2, "{n}: not replaced after closing");
        assert_eq!(s.count_responses(&[r.id]).await.unwrap(), vec![(r.id, 2, 1)], "{n}");
        // An unknown round is not found, open or not.
        assert_not_found(n, s.submit_response(&admin(), Uuid::now_v7(), avik, response(1)).await);
        assert!(db.verified().await > 0, "{n}: the audit chain holds");
    })
    .await;
}

#[tokio::test]
async fn a_submission_racing_the_close_lands_before_it_or_not_at_all() {
    run("a_submission_racing_the_close_lands_before_it_or_not_at_all", |db| async move {
        let (s, n) = (db.store.clone(), db.name);
        let (r, avik, bstad) = setup(&s).await;
        s.submit_response(&admin(), r.id, bstad, response(1)).await.unwrap();
        let submit = {
            let s = s.clone();
            tokio::spawn(async move { s.submit_response(&admin(), r.id, avik, response(3)).await })
        };
        let withdraw = {
            let s = s.clone();
            tokio::spawn(async move { s.withdraw_response(&admin(), r.id, bstad).await })
        };
        let close = {
            let s = s.clone();
            tokio::spawn(async move { s.close_round(&admin(), r.id).await })
        };
        let (submitted, withdrawn, closed) = (submit.await.unwrap(), withdraw.await.unwrap(), close.await.unwrap());
        closed.unwrap_or_else(|e| panic!("{n}: close: {e}"));
        // Whatever got in was written before the close: the audit log orders them.
        let order = actions(&s).await;
        let close_at = order.iter().position(|a| a == "round.close").expect("closed");
        let submit_at = order.iter().rposition(|a| a == "round.submit").expect("the first submission");
        match submitted {
            Ok(()) => {
                assert!(submit_at < close_at, "{n}: submitted before the close: {order:?}");
                assert_eq!(s.find_response(r.id, avik).await.unwrap().unwrap().status, InviteeStatus::Submitted);
            }
            Err(e) => {
                assert!(
                    matches!(e, store::StoreError::Conflict { code: "error-round-not-open", .. }),
                    "{n}: refused as not open: {e:?}"
                );
                assert_eq!(s.find_response(r.id, avik).await.unwrap(), None, "{n}: nothing written");
            }
        }
        let status = s.find_response(r.id, bstad).await.unwrap().unwrap().status;
        match withdrawn {
            Ok(()) => {
                let at = order.iter().position(|a| a == "round.withdraw").expect("withdrawn");
                assert!(at < close_at, "{n}: withdrawn before the close: {order:?}");
                assert_eq!(status, InviteeStatus::Withdrawn, "{n}");
            }
            Err(e) => {
                assert!(
                    matches!(e, store::StoreError::Conflict { code: "error-round-not-open", .. }),
                    "{n}: refused as not open: {e:?}"
                );
                assert_eq!(status, InviteeStatus::Submitted, "{n}: still counts");
            }
        }
        assert!(
            order.iter().skip(close_at + 1).all(|a| a != "round.submit" && a != "round.withdraw"),
            "{n}: {order:?}"
        );
        assert!(db.verified().await > 0, "{n}: the audit chain holds");
    })
    .await;
}
