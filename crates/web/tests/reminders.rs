//! Reminders end to end: a store (SQLite always, PostgreSQL when
//! `LISA_TEST_POSTGRES_URL` is set; see the `testdb` crate), a round closing in 3 days with
//! reminders 7 days before, and a real SMTP server on loopback
//! (`LISA_TEST_SMTP_URL`, writing to the maildir `LISA_TEST_MAILDIR`; both set
//! by `scripts/test`, which runs aiosmtpd).

#![allow(clippy::unwrap_used, reason = "test code: a failure fails the test")]

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use domain::authz::Assignment;
use domain::org::{OrgKind, OrgName};
use domain::round::{RoundInput, SharedResult};
use domain::user::{Email, Language, PersonName, Role};
use sqlx::{Connection, PgConnection, SqliteConnection};
use store::{Actor, NewOrg, NewResponse, NewUser, Store};
use uuid::Uuid;
use web::reminders::{Mailer, ReminderRun, send_due_reminders};

const SMTP_URL_VAR: &str = "LISA_TEST_SMTP_URL";
const MAILDIR_VAR: &str = "LISA_TEST_MAILDIR";

fn random_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

fn env(var: &str) -> Option<String> {
    std::env::var(var).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn loud(msg: &str) {
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! {msg}\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
}

// ---- fresh databases (the `testdb` crate: removed when the test ends) ----------

struct Db(testdb::TestDb);

impl Db {
    fn url(&self) -> &str {
        self.0.url()
    }

    fn name(&self) -> &'static str {
        self.0.name()
    }

    /// `emailed` of each recorded reminder of a round, by organisation.
    async fn emailed(&self, round: Uuid) -> Vec<(Uuid, i32)> {
        const SQL: &str = "SELECT org_id, emailed FROM round_reminders WHERE round_id = $1 ORDER BY org_id";
        let rows = if self.0.is_postgres() {
            let mut c = PgConnection::connect(self.url()).await.expect("raw connect");
            let rows = sqlx::query_as(SQL).bind(round).fetch_all(&mut c).await;
            let _ = c.close().await;
            rows
        } else {
            let mut c = SqliteConnection::connect(self.url()).await.expect("raw connect");
            let rows = sqlx::query_as(SQL).bind(round).fetch_all(&mut c).await;
            let _ = c.close().await;
            rows
        };
        rows.expect("round_reminders")
    }
}

// ---- the maildir aiosmtpd writes ---------------------------------------------

/// One delivered message: its envelope recipients and decoded subject.
#[derive(Debug)]
struct Delivered {
    rcpt_to: String,
    to: String,
    subject: String,
}

fn header(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\n\n").next().unwrap_or("").replace("\r\n", "\n");
    let mut value: Option<String> = None;
    for l in head.lines() {
        if let Some(v) = value.as_mut() {
            if l.starts_with([' ', '\t']) {
                v.push_str(l);
                continue;
            }
            break;
        }
        if let Some((k, v)) = l.split_once(':')
            && k.eq_ignore_ascii_case(name)
        {
            value = Some(v.trim().to_owned());
        }
    }
    value
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn q_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        match b[i] {
            b'_' => out.push(b' '),
            b'=' if i + 2 < b.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap_or(b'?'));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`).
fn decode_words(v: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = v;
    let mut last_was_word = false;
    while !rest.is_empty() {
        if let Some(start) = rest.find("=?") {
            let between = &rest[..start];
            if !(last_was_word && between.trim().is_empty()) {
                bytes.extend_from_slice(between.as_bytes());
            }
            let word = &rest[start + 2..];
            let parts: Vec<&str> = word.splitn(3, '?').collect();
            if parts.len() == 3
                && let Some(end) = parts[2].find("?=")
            {
                let text = &parts[2][..end];
                if parts[1].eq_ignore_ascii_case("b") {
                    bytes.extend(base64_decode(text));
                } else {
                    bytes.extend(q_decode(text));
                }
                let consumed = 2 + parts[0].len() + 1 + parts[1].len() + 1 + end + 2;
                rest = &rest[start + consumed..];
                last_was_word = true;
                continue;
            }
            bytes.extend_from_slice(&rest.as_bytes()[start..]);
            break;
        }
        bytes.extend_from_slice(rest.as_bytes());
        break;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn delivered(maildir: &Path) -> Vec<Delivered> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else { continue };
        for e in entries.flatten() {
            let Ok(raw) = std::fs::read(e.path()) else { continue };
            let raw = String::from_utf8_lossy(&raw).into_owned();
            out.push(Delivered {
                rcpt_to: header(&raw, "X-RcptTo").unwrap_or_default(),
                to: header(&raw, "To").unwrap_or_default(),
                subject: decode_words(&header(&raw, "Subject").unwrap_or_default()),
            });
        }
    }
    out
}

/// The messages to any of these addresses, waiting a little for the server to write them.
async fn delivered_to(maildir: &Path, addresses: &[&str], at_least: usize) -> Vec<Delivered> {
    let mine = |d: &Delivered| addresses.iter().any(|a| d.rcpt_to.contains(a) || d.to.contains(a));
    let mut found = Vec::new();
    for _ in 0..50 {
        found = delivered(maildir).into_iter().filter(mine).collect();
        if found.len() >= at_least {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    found
}

// ---- fixtures -------------------------------------------------------------------

fn admin() -> Actor {
    Actor::user(Uuid::from_u128(0xad01_0000_0000_0000_0000_0000_0000_0001), "admin@exempla.se")
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn org(s: &Store, name: &str, kind: OrgKind) -> Uuid {
    s.insert_org(
        &admin(),
        NewOrg { name: OrgName::parse(name).unwrap(), kind, org_number: None, parent_id: None, own_review: false },
    )
    .await
    .unwrap()
    .id
}

async fn ciso(s: &Store, email: &str, org: Uuid) {
    let new = NewUser {
        email: Email::parse(email).unwrap(),
        name: PersonName::parse("Test Person").unwrap(),
        password_hash: None,
        language: Language::Sv,
    };
    s.insert_user(&admin(), new, Some(Assignment { role: Role::Ciso, org_id: Some(org) })).await.unwrap();
}

fn input(name: &str) -> RoundInput {
    RoundInput {
        name: name.into(),
        period: 2026,
        opens_on: d("2026-09-01"),
        closes_on: d("2026-10-31"),
        message: String::new(),
        k: 5,
        remind_days: 7,
    }
}

fn response() -> NewResponse {
    NewResponse {
        assessment_id: None,
        kind: "municipality".into(),
        employees: 1200,
        result: SharedResult {
            level: 2,
            areas: [("styrning".to_owned(), 0.5)].into_iter().collect(),
            levels: [(1u8, 1.0), (2, 0.5)].into_iter().collect(),
            blockers: Vec::new(),
        },
        answers: None,
    }
}

/// A port nothing listens on.
fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

const PUBLIC_URL: &str = "http://lisa.test:8080/";
/// Three days before the closing date 2026-10-31, inside the 7 reminder days.
const TODAY: &str = "2026-10-28";

async fn check(db: &Db, smtp: Option<(String, PathBuf)>) {
    let n = db.name();
    let s = Store::connect(db.url()).await.unwrap_or_else(|e| panic!("{n}: connect: {e}"));
    let coordinator = org(&s, "Nationell samordning", OrgKind::Coordinator).await;
    let avik = org(&s, "Avik kommun", OrgKind::Municipality).await;
    let bstad = org(&s, "Bstad kommun", OrgKind::Municipality).await;
    // Addresses unique to this run: several runs share one maildir.
    let tag = random_suffix();
    let (avik_ciso, bstad_ciso) = (format!("ciso-{tag}@avik.se"), format!("ciso-{tag}@bstad.se"));
    ciso(&s, &avik_ciso, avik).await;
    ciso(&s, &bstad_ciso, bstad).await;
    let model = s.insert_model(&admin(), "lisa-grund", 1, "Lisa grund", "source").await.unwrap().id;
    let round_name = format!("Uppföljning 2026 {tag}");
    let round = s.insert_round(&admin(), coordinator, model, input(&round_name), &[avik, bstad]).await.unwrap();
    s.submit_response(&admin(), round.id, bstad, response()).await.unwrap();

    // Eight days before closing nothing is due yet.
    let run = send_due_reminders(&s, None, PUBLIC_URL, d("2026-10-23")).await.unwrap();
    assert_eq!(run, ReminderRun::default(), "{n}: not due before the reminder days");

    let today = d(TODAY);
    match &smtp {
        Some((url, maildir)) => {
            let mailer = Mailer::new(url, "Lisa <lisa@localhost>").unwrap();
            let run = send_due_reminders(&s, Some(&mailer), PUBLIC_URL, today).await.unwrap();
            assert_eq!(run, ReminderRun { reminded: 1, emailed: 1, failed: 0 }, "{n}: one invitee has not submitted");
            let got = delivered_to(maildir, &[&avik_ciso, &bstad_ciso], 1).await;
            assert_eq!(got.len(), 1, "{n}: exactly one message: {got:?}");
            assert!(got[0].rcpt_to.contains(&avik_ciso), "{n}: to the non-submitter's CISO: {got:?}");
            assert!(got[0].to.contains(&avik_ciso), "{n}: {got:?}");
            assert_eq!(got[0].subject, format!("Påminnelse: {round_name} stänger 2026-10-31"), "{n}");

            let again = send_due_reminders(&s, Some(&mailer), PUBLIC_URL, today).await.unwrap();
            assert_eq!(again, ReminderRun::default(), "{n}: reminded once");
            tokio::time::sleep(Duration::from_millis(300)).await;
            let mine = delivered(maildir).into_iter().filter(|m| m.rcpt_to.contains(&tag)).count();
            assert_eq!(mine, 1, "{n}: nothing more sent");
            assert_eq!(db.emailed(round.id).await, vec![(avik, 1)], "{n}");
        }
        None => {
            let run = send_due_reminders(&s, None, PUBLIC_URL, today).await.unwrap();
            assert_eq!(run, ReminderRun { reminded: 1, emailed: 0, failed: 0 }, "{n}");
            assert_eq!(db.emailed(round.id).await, vec![(avik, 0)], "{n}");
        }
    }
    let invitees = s.list_invitees(round.id).await.unwrap();
    let reminded = |o: Uuid| invitees.iter().find(|i| i.org_id == o).unwrap().reminded_at.is_some();
    assert!(reminded(avik), "{n}: the non-submitter sees the reminder in the app");
    assert!(!reminded(bstad), "{n}: the submitter is not reminded");

    // Without a mailer the reminder is still recorded in the app.
    let second = s.insert_round(&admin(), coordinator, model, input("Andra omgången"), &[avik, bstad]).await.unwrap();
    let run = send_due_reminders(&s, None, PUBLIC_URL, today).await.unwrap();
    assert_eq!(run, ReminderRun { reminded: 2, emailed: 0, failed: 0 }, "{n}: both invitees of the new round");
    assert_eq!(db.emailed(second.id).await.len(), 2, "{n}: in-app reminders for the second round");
    assert!(
        s.list_invitations(&store::OrgScope::Org(avik)).await.unwrap().iter().all(|i| i.reminded_at.is_some()),
        "{n}"
    );

    // An SMTP server that cannot be reached: logged, and the in-app reminder is kept.
    let third = s.insert_round(&admin(), coordinator, model, input("Tredje omgången"), &[avik]).await.unwrap();
    let dead = Mailer::new(&format!("smtp://127.0.0.1:{}", dead_port()), "lisa@localhost").unwrap();
    let run = send_due_reminders(&s, Some(&dead), PUBLIC_URL, today).await.unwrap();
    assert_eq!(run, ReminderRun { reminded: 1, emailed: 0, failed: 1 }, "{n}");
    assert_eq!(db.emailed(third.id).await, vec![(avik, 0)], "{n}");
    s.close().await;
}

async fn user(s: &Store, email: &str, role: Role, org: Uuid) {
    let new = NewUser {
        email: Email::parse(email).unwrap(),
        name: PersonName::parse("Test Person").unwrap(),
        password_hash: None,
        language: Language::Sv,
    };
    s.insert_user(&admin(), new, Some(Assignment { role, org_id: Some(org) })).await.unwrap();
}

/// An incident's deadline near its end is escalated once, whatever the
/// number of runs or processes: claimed in the database, then e-mailed to
/// the CISO and (for personal data) the DPO, never to others.
async fn check_incident_alerts(db: &Db, smtp: Option<(String, PathBuf)>) {
    use domain::incident::duties::{Alert, Step};
    use domain::incident::{Aspect, Category, IncidentInput, Severity, Status};
    use web::escalation::{EscalationRun, escalate};
    let n = db.name();
    let s = Store::connect(db.url()).await.unwrap_or_else(|e| panic!("{n}: connect: {e}"));
    let kommun = org(&s, "Avik kommun", OrgKind::Municipality).await;
    let tag = random_suffix();
    let (ciso_mail, dpo_mail, owner_mail) =
        (format!("ciso-{tag}@avik.se"), format!("dpo-{tag}@avik.se"), format!("agare-{tag}@avik.se"));
    user(&s, &ciso_mail, Role::Ciso, kommun).await;
    user(&s, &dpo_mail, Role::Dpo, kommun).await;
    user(&s, &owner_mail, Role::Owner, kommun).await;
    let now = domain::now();
    let discovered = now - chrono::Duration::hours(60);
    let title = format!("Felskickat beslut {tag}");
    let id = s
        .insert_incident_history(
            &admin(),
            &store::IncidentHistory {
                data: IncidentInput {
                    title: title.clone(),
                    description: String::new(),
                    occurred_at: None,
                    discovered_at: discovered,
                    category: Category::HandlingError,
                    aspects: vec![Aspect::Confidentiality],
                    personal_data: true,
                    severity: Severity::Low,
                    responsible: String::new(),
                    lessons: String::new(),
                    org_id: kommun,
                },
                status: Status::Investigating,
                registered_at: discovered,
                closed_at: None,
                entries: vec![],
                reports: vec![],
            },
        )
        .await
        .unwrap();
    let mailer = smtp.as_ref().map(|(url, _)| Mailer::new(url, "Lisa <lisa@localhost>").unwrap());
    // Two processes at once: one claims the alert, the other finds it taken.
    let (a, b) =
        tokio::join!(escalate(&s, mailer.as_ref(), PUBLIC_URL, now), escalate(&s, mailer.as_ref(), PUBLIC_URL, now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.alerted + b.alerted, 1, "{n}: the 72-hour clock with 12 hours left is alerted once: {a:?} {b:?}");
    let again = escalate(&s, mailer.as_ref(), PUBLIC_URL, now).await.unwrap();
    assert_eq!(again, EscalationRun::default(), "{n}: not again");
    let alerts = s.incident_alerts(id).await.unwrap();
    assert_eq!(alerts.iter().map(|x| (x.step, x.alert)).collect::<Vec<_>>(), vec![(Step::GdprNotify, Alert::Near)]);
    if let Some((_, maildir)) = &smtp {
        let got = delivered_to(maildir, &[&ciso_mail, &dpo_mail, &owner_mail], 2).await;
        assert_eq!(got.len(), 2, "{n}: the CISO and the DPO: {got:?}");
        assert!(got.iter().all(|m| !m.rcpt_to.contains(&owner_mail)), "{n}: not the owner: {got:?}");
        assert!(got.iter().all(|m| m.subject.contains(&title) && m.subject.starts_with("Påminnelse")), "{n}: {got:?}");
        assert_eq!(alerts[0].emailed, 2, "{n}: the count of addresses is kept");
    } else {
        assert_eq!(alerts[0].emailed, 0, "{n}");
    }
    // Past the deadline, the missed alert follows, once.
    let later = discovered + chrono::Duration::hours(73);
    let run = escalate(&s, None, PUBLIC_URL, later).await.unwrap();
    assert_eq!(run.alerted, 1, "{n}: missed");
    assert_eq!(escalate(&s, None, PUBLIC_URL, later).await.unwrap().alerted, 0, "{n}");
    s.close().await;
}

#[tokio::test]
async fn incident_alerts_are_claimed_once_and_emailed_to_the_ciso_and_dpo() {
    let smtp = match (env(SMTP_URL_VAR), env(MAILDIR_VAR)) {
        (Some(url), Some(dir)) => Some((url, PathBuf::from(dir))),
        _ => {
            loud(&format!("SKIPPED: {SMTP_URL_VAR} not set: incident alert e-mail was NOT tested (only the claims)"));
            None
        }
    };
    for backend in testdb::backends("incident_alerts") {
        if let Some(db) = testdb::TestDb::create("incident_alerts", backend).await.map(Db) {
            check_incident_alerts(&db, smtp.clone()).await;
        }
    }
}

#[tokio::test]
async fn reminders_are_recorded_once_and_emailed_to_the_cisos() {
    let smtp = match (env(SMTP_URL_VAR), env(MAILDIR_VAR)) {
        (Some(url), Some(dir)) => Some((url, PathBuf::from(dir))),
        (Some(_), None) => panic!("{SMTP_URL_VAR} is set but {MAILDIR_VAR} is not: set both"),
        _ => {
            loud(&format!(
                "SKIPPED: {SMTP_URL_VAR} not set: reminder e-mail was NOT tested (only the in-app reminders);\n\
                 !!! scripts/test starts an SMTP server (aiosmtpd) and sets it with {MAILDIR_VAR}"
            ));
            None
        }
    };
    let mut dbs = Vec::new();
    for backend in testdb::backends("reminders") {
        dbs.extend(testdb::TestDb::create("reminders", backend).await.map(Db));
    }
    let mut failures = Vec::new();
    for db in dbs {
        let name = db.name();
        let smtp = smtp.clone();
        let db = std::sync::Arc::new(db);
        let outcome = {
            let db = db.clone();
            tokio::spawn(async move { check(&db, smtp).await }).await
        };
        // The database goes with the last `db` (also when the check failed).
        drop(db);
        if let Err(e) = outcome {
            let msg = if e.is_panic() {
                let p = e.into_panic();
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "(non-text panic)".into())
            } else {
                e.to_string()
            };
            eprintln!("--- reminders: FAILED on {name}: {msg}");
            failures.push(format!("[{name}] {msg}"));
        }
    }
    assert!(failures.is_empty(), "reminders failed on {}", failures.join("\n   and "));
}

#[test]
fn encoded_words_decode() {
    assert_eq!(decode_words("=?utf-8?b?UMOlbWlubmVsc2U=?= x"), "Påminnelse x");
    assert_eq!(decode_words("=?utf-8?b?UMOl?= =?utf-8?b?bWlubmVsc2U=?="), "Påminnelse");
    assert_eq!(decode_words("=?UTF-8?Q?P=C3=A5minnelse_x?="), "Påminnelse x");
    assert_eq!(decode_words("plain"), "plain");
}
