//! Sessions and login throttling.

use std::time::Duration as StdDuration;

use chrono::{Duration, SubsecRound};
use uuid::Uuid;

use crate::common::*;

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
async fn login_attempts_count_expire_lock_and_reset() {
    run("login_attempts_count_expire_lock_and_reset", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let w = Duration::minutes(15);
        let acc = "account:anna@exempla.se";
        let addr = "address:192.0.2.1";

        let f = s.find_failures(acc, domain::now(), w).await.unwrap();
        assert_eq!((f.count, f.last), (0, None), "{n}: nothing yet");

        let t0 = domain::now();
        for i in 0..3u32 {
            let f = s.count_login_attempt(&[(acc, 10), (addr, 30)], domain::now(), w).await.unwrap();
            assert_eq!((f[0].count, f[1].count), (i, i), "{n}: counts before attempt {i}");
        }
        s.count_login_attempt(&[(addr, 30)], domain::now(), w).await.unwrap();
        let t1 = domain::now();
        let fa = s.find_failures(acc, t1, w).await.unwrap();
        let fb = s.find_failures(addr, t1, w).await.unwrap();
        assert_eq!(fa.count, 3, "{n}: account attempts");
        assert_eq!(fb.count, 4, "{n}: address attempts");
        let last = fa.last.unwrap();
        assert!(t0 <= last && last <= t1, "{n}: last attempt time");

        // Read after the window: nothing counts.
        let f = s.find_failures(acc, t1 + Duration::minutes(16), w).await.unwrap();
        assert_eq!((f.count, f.last), (0, None), "{n}: window expiry on read");

        // An attempt after the window restarts the count (and removes idle counters).
        tokio::time::sleep(StdDuration::from_millis(20)).await;
        let f = s.count_login_attempt(&[(acc, 10)], domain::now(), Duration::milliseconds(5)).await.unwrap();
        assert_eq!(f[0].count, 0, "{n}: count restarted after the window");
        assert_eq!(db.raw_i64("SELECT COUNT(*) FROM login_failures").await, 1, "{n}: idle counters removed");

        // Once at its limit, a key's time of last failure stays put.
        let lim = "account:lim@exempla.se";
        for _ in 0..3 {
            s.count_login_attempt(&[(lim, 2)], domain::now(), w).await.unwrap();
        }
        let frozen = s.find_failures(lim, domain::now(), w).await.unwrap();
        tokio::time::sleep(StdDuration::from_millis(20)).await;
        let f = s.count_login_attempt(&[(lim, 2)], domain::now(), w).await.unwrap();
        assert_eq!(f[0].count, 3, "{n}");
        assert_eq!(f[0].last, frozen.last, "{n}: a lock is not prolonged by attempts");

        // Success clears the account and takes the attempt back from the address.
        s.count_login_attempt(&[(addr, 30)], domain::now(), w).await.unwrap();
        s.login_succeeded(acc, addr).await.unwrap();
        assert_eq!(s.find_failures(acc, domain::now(), w).await.unwrap().count, 0, "{n}");
        assert_eq!(
            s.find_failures(addr, domain::now(), w).await.unwrap().count,
            0,
            "{n}: the address attempt was taken back"
        );
        assert_eq!(db.verified().await, 0, "{n}: throttling is not audited");
    })
    .await;
}
