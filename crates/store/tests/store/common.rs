//! Test harness for the storage conformance suite: every check runs against a
//! fresh SQLite file always, and against a fresh PostgreSQL database when
//! `LISA_TEST_POSTGRES_URL` is set (see the `testdb` crate: each test's
//! databases are removed when it ends, passed or failed; with `CI` set and no
//! URL the PostgreSQL half fails instead of being skipped).

#![allow(dead_code)]

use std::future::Future;
use std::sync::Arc;

use domain::audit::Entry;
use domain::authz::Assignment;
use domain::org::{OrgKind, OrgName, OrgNumber};
use domain::user::{Email, Language, PersonName, Role};
use store::OrgUpdate;
use store::{Actor, AssignmentRow, AuditFilter, NewOrg, NewUser, Org, Store, User};
use uuid::Uuid;

/// One backend under test: a migrated store on a database of its own.
pub struct TestDb {
    /// `sqlite` or `postgres`.
    pub name: &'static str,
    pub store: Arc<Store>,
    /// The URL the store was opened with, for raw connections.
    pub url: String,
}

/// Runs `check` on a fresh SQLite database and, when configured, on a fresh
/// PostgreSQL database; panics naming every backend on which it failed.
pub async fn run<F, Fut>(test: &str, check: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut failures = Vec::new();
    for backend in testdb::backends(test) {
        let Some(database) = testdb::TestDb::create(test, backend).await else { continue };
        let url = database.url().to_owned();
        let store = Store::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{}: Store::connect({url}) failed: {e}", backend.name()));
        assert_eq!(store.backend_name(), backend.name());
        let db = TestDb { name: backend.name(), store: Arc::new(store), url };
        let name = db.name;
        eprintln!("--- {test}: running on {name}");
        let outcome = tokio::spawn(check(db)).await;
        // Removes the database even when the check failed.
        drop(database);
        match outcome {
            Ok(()) => eprintln!("--- {test}: passed on {name}"),
            Err(e) => {
                let msg = if e.is_panic() {
                    let p = e.into_panic();
                    p.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_else(|| "(non-text panic)".into())
                } else {
                    e.to_string()
                };
                eprintln!("--- {test}: FAILED on {name}: {msg}");
                failures.push(format!("[{name}] {msg}"));
            }
        }
    }
    if !failures.is_empty() {
        panic!("{test} failed on {}", failures.join("\n   and "));
    }
}

impl TestDb {
    pub fn is_postgres(&self) -> bool {
        self.name == "postgres"
    }

    /// Runs one statement on a separate raw connection (outside the store).
    pub async fn raw_execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        testdb::raw_execute(&self.url, sql).await
    }

    /// `SELECT COUNT(*)` (or any single BIGINT) on a raw connection.
    pub async fn raw_i64(&self, sql: &str) -> i64 {
        testdb::raw_i64(&self.url, sql).await
    }

    /// Everything the store holds, to show that a refused write changed nothing.
    pub async fn snapshot(&self) -> Snapshot {
        let s = &self.store;
        Snapshot {
            orgs: s.list_orgs().await.expect("list_orgs"),
            users: s.list_users().await.expect("list_users"),
            assignments: s.list_all_assignments().await.expect("list_all_assignments"),
            audit: all_audit(s).await,
            audit_head: self.raw_i64("SELECT seq FROM audit_head WHERE id = 1").await,
            sessions: self.raw_i64("SELECT COUNT(*) FROM sessions").await,
            login_failures: self.raw_i64("SELECT COUNT(*) FROM login_failures").await,
            setup_tokens: self.raw_i64("SELECT COUNT(*) FROM setup_tokens").await,
        }
    }

    /// The number of intact audit entries; panics if the chain is broken.
    pub async fn verified(&self) -> u64 {
        match self.store.verify_audit().await {
            Ok(Ok(n)) => n,
            Ok(Err(b)) => panic!("{}: audit chain broken: {b}", self.name),
            Err(e) => panic!("{}: verify_audit failed: {e}", self.name),
        }
    }
}

#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub orgs: Vec<Org>,
    pub users: Vec<User>,
    pub assignments: Vec<AssignmentRow>,
    pub audit: Vec<Entry>,
    pub audit_head: i64,
    pub sessions: i64,
    pub login_failures: i64,
    pub setup_tokens: i64,
}

/// Every audit entry, newest first, following the pages.
pub async fn all_audit(store: &Store) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .list_audit(&AuditFilter { before_seq: before, limit: 500, ..Default::default() })
            .await
            .expect("list_audit");
        out.extend(page.entries);
        match page.next_before {
            Some(b) => before = Some(b),
            None => return out,
        }
    }
}

/// The actions of all entries, oldest first.
pub async fn actions(store: &Store) -> Vec<String> {
    let mut a: Vec<String> = all_audit(store).await.into_iter().map(|e| e.change.action).collect();
    a.reverse();
    a
}

// ---- fixtures ----------------------------------------------------------------

pub fn admin() -> Actor {
    Actor::user(Uuid::from_u128(0xad01_0000_0000_0000_0000_0000_0000_0001), "admin@exempla.se")
}

pub fn new_org(name: &str, kind: OrgKind, parent: Option<Uuid>) -> NewOrg {
    NewOrg {
        name: OrgName::parse(name).expect("valid org name"),
        kind,
        org_number: None,
        parent_id: parent,
        own_review: false,
    }
}

pub fn org_number(s: &str) -> OrgNumber {
    OrgNumber::parse(s).expect("valid org number")
}

pub async fn add_org(store: &Store, name: &str, parent: Option<Uuid>) -> Org {
    let kind = if parent.is_some() { OrgKind::Unit } else { OrgKind::Municipality };
    store.insert_org(&admin(), new_org(name, kind, parent)).await.unwrap_or_else(|e| panic!("insert_org {name}: {e}"))
}

pub fn new_user(email: &str, name: &str) -> NewUser {
    NewUser {
        email: Email::parse(email).expect("valid email"),
        name: PersonName::parse(name).expect("valid name"),
        password_hash: Some(format!("$argon2id$v=19$m=19456,t=2,p=1$fake${email}")),
        language: Language::Sv,
    }
}

pub fn role(role: Role, org: Option<Uuid>) -> Assignment {
    Assignment { role, org_id: org }
}

pub async fn add_user(store: &Store, email: &str, first: Option<Assignment>) -> User {
    store
        .insert_user(&admin(), new_user(email, "Test Person"), first)
        .await
        .unwrap_or_else(|e| panic!("insert_user {email}: {e}"))
}

/// Asserts a `StoreError::Conflict` with this field and code.
#[track_caller]
pub fn assert_conflict<T: std::fmt::Debug>(backend: &str, r: store::Result<T>, field: &str, code: &str) {
    match r {
        Err(store::StoreError::Conflict { field: f, code: c }) if f == field && c == code => {}
        other => panic!("{backend}: expected Conflict {{ {field}, {code} }}, got {other:?}"),
    }
}

#[track_caller]
pub fn assert_not_found<T: std::fmt::Debug>(backend: &str, r: store::Result<T>) {
    match r {
        Err(store::StoreError::NotFound) => {}
        other => panic!("{backend}: expected NotFound, got {other:?}"),
    }
}

// ---- shared by several aggregates' checks ---------------------------------------

pub fn rename(org: &store::Org, name: &str) -> OrgUpdate {
    OrgUpdate {
        name: OrgName::parse(name).expect("valid name"),
        kind: org.kind,
        org_number: org.org_number.as_deref().map(org_number),
        parent_id: org.parent_id,
        own_review: org.own_review,
    }
}

pub fn reparent(org: &store::Org, parent: Option<Uuid>) -> OrgUpdate {
    OrgUpdate { parent_id: parent, ..rename(org, &org.name) }
}

pub fn json(s: &Option<String>) -> serde_json::Value {
    serde_json::from_str(s.as_deref().expect("JSON present")).expect("valid JSON")
}

pub async fn last_entry(store: &Store) -> Entry {
    all_audit(store).await.into_iter().next().expect("an audit entry")
}

pub async fn audit_len(store: &Store) -> usize {
    all_audit(store).await.len()
}

pub async fn page(store: &Store, f: AuditFilter) -> Vec<Entry> {
    store.list_audit(&f).await.expect("list_audit").entries
}

pub fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}
